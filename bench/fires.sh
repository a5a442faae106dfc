#!/bin/bash
# bench/fires.sh (part of make bench): builds the fires benchmark against build/libfagpt.a and runs it. Timings belong
# here, never in tests; copy the lines worth keeping into bench/RESULTS.md with the date and the machine.
set -e
cd "$(dirname "$0")/.."
make -s build/bench/fires_bench
echo "== fires ($(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
build/bench/fires_bench
