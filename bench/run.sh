#!/bin/bash
# make bench: every benchmark, each beside its peers in one run. Timings belong here, never in tests; the
# figures worth keeping go into bench/RESULTS.md with the date and the machine.
set -e
cd "$(dirname "$0")/.."
bench/library.sh
bench/docs.sh
bench/ocr.sh
bench/fires.sh
bench/llm.sh
bench/pg.sh
bench/web.sh
