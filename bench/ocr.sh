#!/bin/bash
# bench/ocr.sh (part of make bench): OCR throughput against the `tesseract` command line on the same page
# images, and pages/s with the worker pool; writes build/bench/ocr-latest.md (copy the figures into
# bench/RESULTS.md with the date when they change).
#   images: PDF pages 2-9 of the scanned BRL-MR-3810 and 12-19 of ADP 3-19, rendered at 300 dpi in grey (PNG)
#   peer: `tesseract IMAGE -` on each image in turn, one thread (OMP_THREAD_LIMIT=1), English, default layout
#   FA-GPT: `fagpt ingest --workers 1` of the same images (each a one-page document: Tesseract's C API in
#   memory, then layout, chunks and the store), then with every worker of the pool
set -eu
cd "$(dirname "$0")/.."
SHARED=${FAGPT_SHARED:-$(cd .. && pwd)/shared}
CORPUS=$SHARED/corpus/pdf
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
out=build/bench/ocr-latest.md
mkdir -p build/bench "$W/img"
make -s build/fagpt

mutool draw -q -r 300 -c gray -o "$W/img/brl-%d.png" "$CORPUS"/BRL-MR-3810_*scanned.pdf 2-9 2>/dev/null
mutool draw -q -r 300 -c gray -o "$W/img/adp-%d.png" "$CORPUS"/ADP_3-19_Fires_*.pdf 12-19 2>/dev/null
n=$(ls "$W/img"/*.png | wc -l)

. bench/timing.bash
tesseract_all() {
    for f in "$W/img"/*.png; do OMP_THREAD_LIMIT=1 tesseract "$f" - -l eng >/dev/null 2>&1; done
}
fagpt_ingest() {  # workers
    rm -rf "$W/h"
    build/fagpt --home "$W/h" ingest --workers "$1" --no-tables --no-figures "$W/img"
}
t_cli=$(best_of_3 tesseract_all)
t_one=$(best_of_3 fagpt_ingest 1)
workers=$(nproc)
t_pool=$(best_of_3 fagpt_ingest "$workers")

{
    echo "## OCR ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1 /proc/loadavg))"
    echo
    echo "$n page images at 300 dpi (8 scanned BRL-MR-3810 pages, 8 ADP 3-19 pages), best of 3"
    echo
    echo "| | seconds | pages/s | FA-GPT / tesseract CLI |"
    echo "|---|---|---|---|"
    awk -v n="$n" -v c="$t_cli" -v o="$t_one" -v p="$t_pool" -v w="$workers" 'BEGIN {
        printf "| tesseract command line, one image after another, one thread | %.2f | %.2f | |\n", c, n / c
        printf "| fagpt ingest --workers 1 (OCR, layout, chunks, store) | %.2f | %.2f | %.2f (target <= 1.2) |\n", o, n / o, o / c
        printf "| fagpt ingest --workers %d (the pool) | %.2f | %.2f | %.2f |\n", w, p, n / p, p / c
    }'
} > "$out"
cat "$out"
