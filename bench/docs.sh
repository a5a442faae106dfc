#!/bin/bash
# bench/docs.sh (part of make bench): what tables and figures cost at ingest, on ../shared/corpus/pdf; writes
# build/bench/docs-latest.md (copy the figures into bench/RESULTS.md with the date when they change).
#   table detection per born-digital page: ingest without OCR on one worker, tables on minus tables off
#   figure extraction per page: the same for figures (PNG rendering, no OCR)
#   the corpus's whole ingest (OCR on, every worker) with tables and figures on and off
#   what was found: tables, figures, figures OCRed
set -eu
cd "$(dirname "$0")/.."
SHARED=${FAGPT_SHARED:-$(cd .. && pwd)/shared}
CORPUS=$SHARED/corpus/pdf
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
out=build/bench/docs-latest.md
mkdir -p build/bench
make -s build/fagpt

. bench/timing.bash
once() {  # command... -> wall time in seconds
    local t0 t1
    t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{print $2-$1}'
}
ingest() {  # home flags...
    local h=$1; shift
    rm -rf "$h"
    build/fagpt --home "$h" ingest "$@" "$CORPUS"
}
pages=$(for f in "$CORPUS"/*.pdf; do pdfinfo "$f" 2>/dev/null | awk '/^Pages:/{print $2}'; done | awk '{s+=$1} END {print s}')
t_none=$(best_of_3 ingest "$W/a" --no-ocr --workers 1 --no-tables --no-figures)
t_tables=$(best_of_3 ingest "$W/b" --no-ocr --workers 1 --no-figures)
t_figures=$(best_of_3 ingest "$W/c" --no-ocr --workers 1 --no-tables)
t_both=$(best_of_3 ingest "$W/d" --no-ocr --workers 1)
tables=$(sqlite3 "$W/d/library.db" "SELECT count(*) FROM doc_tables")
figures=$(sqlite3 "$W/d/library.db" "SELECT count(*) FROM figures")
t_full_off=$(once ingest "$W/e" --no-tables --no-figures)
t_full_on=$(once ingest "$W/f")
ocred=$(sqlite3 "$W/f/library.db" "SELECT count(*) FROM figures WHERE ocr")
per_page() { echo "$1 $2 $pages" | awk '{printf "%.2f", ($1 - $2) * 1000 / $3}'; }
{
    echo "Run $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
    echo
    echo "| ingest of the corpus ($pages pages, 11 files) | wall |"
    echo "|---|---|"
    echo "| no OCR, 1 worker, tables and figures off | ${t_none} s |"
    echo "| no OCR, 1 worker, tables on | ${t_tables} s |"
    echo "| no OCR, 1 worker, figures on | ${t_figures} s |"
    echo "| no OCR, 1 worker, both on | ${t_both} s |"
    echo "| OCR on, all workers, tables and figures off | ${t_full_off} s |"
    echo "| OCR on, all workers, tables and figures on (figures OCRed: $ocred) | ${t_full_on} s |"
    echo
    echo "Table detection: $(per_page "$t_tables" "$t_none") ms a page; figures (PNG, no OCR):" \
         "$(per_page "$t_figures" "$t_none") ms a page. Found: $tables tables, $figures figures."
} > "$out"
cat "$out"
