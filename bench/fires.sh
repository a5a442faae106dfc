#!/bin/bash
# bench/fires.sh (part of make bench): builds the fires benchmark against build/libfagpt.a and runs it. Timings belong
# here, never in tests; copy the lines worth keeping into bench/RESULTS.md with the date and the machine.
set -e
cd "$(dirname "$0")/.."
mkdir -p build/bench
LIBS="$(cat src/lib/*/LIBS 2>/dev/null) -lmupdf -lmupdf-third -lmujs -lgumbo -lopenjp2 -ljbig2dec -ljpeg -lharfbuzz -lfreetype -lpng16 -lz -lsqlite3 -lstdc++ -lpthread -lm"
# shellcheck disable=SC2086
cc -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Isrc/lib -o build/bench/fires_bench bench/fires_bench.c \
    build/libfagpt.a $(pkg-config --libs gsl) $LIBS
echo "== fires ($(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
build/bench/fires_bench
