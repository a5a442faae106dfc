#!/bin/bash
# bench/pg.sh (part of make bench): the PostgreSQL back end beside SQLite on the same machine and corpus, on a
# private PostgreSQL 15 server with its default durability (scripts/pg-test-server, PG_TEST_DURABLE=1).
# Writes build/bench/pg-latest.md (copy the figures into bench/RESULTS.md with the date when they change).
#   ingest of ../shared/corpus/pdf (no OCR): SQLite (fagpt ingest, 1 worker and one per core) against
#     PostgreSQL through the job queue with one `fagpt worker` and with two at once
#   search latency p50/p95 (search_prepare + search_run, k = 10, the dev set and tests/data/questions.jsonl),
#     on PostgreSQL just after the ingest and again with the postings vacuumed
#   retrieval on the dev set (fagpt eval) on both
set -eu
cd "$(dirname "$0")/.."
SHARED=${FAGPT_SHARED:-$(cd .. && pwd)/shared}
CORPUS=$SHARED/corpus/pdf
ROUNDS=${BENCH_ROUNDS:-10}
W=$(mktemp -d)
PG=$(mktemp -d /tmp/fagpt-pgbench-XXXXXX)
trap 'scripts/pg-test-server stop "$PG" >/dev/null 2>&1; rm -rf "$W"' EXIT
out=build/bench/pg-latest.md
mkdir -p build/bench
make -s build/fagpt build/bench/search_bench
export FAGPT_LLM=off
base=$(PG_TEST_DURABLE=1 scripts/pg-test-server start "$PG")
port=${base##*port=}
newdb() {  # a fresh database (called in subshells: the name comes from the clock, not a counter)
    local name="b$(date +%s%N)"
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- createdb -h "$PG" -p "$port" -U postgres "$name"
    else createdb -h "$PG" -p "$port" -U postgres "$name"; fi
    echo "postgresql://postgres@/$name?host=$PG&port=$port"
}
now() { date +%s.%N; }
best() { sort -g | head -1; }

sqlite_ingest() { # workers -> seconds
    local h="$W/sq$1" t0; rm -rf "$h"; t0=$(now)
    build/fagpt --home "$h" ingest --no-ocr --workers "$1" "$CORPUS" >/dev/null 2>&1 || true
    echo "$t0 $(now)" | awk '{print $2 - $1}'
}
pg_workers() { # workers -> seconds from the queue filled to the last job done
    local url t0 pids=""; url=$(newdb)
    build/fagpt --db "$url" ingest --queue "$CORPUS" >/dev/null
    t0=$(now)
    for _ in $(seq 1 "$1"); do build/fagpt --db "$url" worker --once --no-ocr >/dev/null 2>&1 & pids="$pids $!"; done
    for p in $pids; do wait "$p" || true; done
    echo "$t0 $(now)" | awk '{print $2 - $1}'
    echo "$url" > "$W/last-url"
}
s1=$(for _ in 1 2 3; do sqlite_ingest 1; done | best)
sn=$(for _ in 1 2 3; do sqlite_ingest "$(nproc)"; done | best)
p1=$(for _ in 1 2 3; do pg_workers 1; done | best)
p2=$(for _ in 1 2 3; do pg_workers 2; done | best)
url=$(cat "$W/last-url")
pages=$(sqlite3 "$W/sq1/library.db" 'SELECT sum(pages) FROM documents')
chunks=$(sqlite3 "$W/sq1/library.db" 'SELECT count(*) FROM chunks')
qs=("$SHARED/eval/retrieval-dev.jsonl" tests/data/questions.jsonl)
lat_sq=$(build/bench/search_bench "$W/sq1/library.db" "$ROUNDS" "${qs[@]}")
lat_pg=$(build/bench/search_bench "$url" "$ROUNDS" "${qs[@]}")
# Again once the postings are vacuumed (what autovacuum does within a minute or so of a large ingest): their
# primary key's leaves then answer a query alone (index-only scans).
psql -X -q "$url" -c 'VACUUM (ANALYZE) chunk_postings, page_postings'
lat_pgv=$(build/bench/search_bench "$url" "$ROUNDS" "${qs[@]}")
load=$(cut -d' ' -f1-3 /proc/loadavg)
ev_sq=$(build/fagpt --home "$W/sq1" eval "$SHARED/eval/retrieval-dev.jsonl" | head -1)
ev_pg=$(build/fagpt --db "$url" eval "$SHARED/eval/retrieval-dev.jsonl" | head -1)
# search_bench: "queries N  p50 X ms  p95 Y ms  max Z ms  (CPU p50 ...)": the wall-clock figures, not the CPU ones
# (this process's CPU leaves out the PostgreSQL server's work)
field() { echo "$1" | sed 's/ *(CPU.*//' | sed -n "s/.* $2 \([0-9.]*\) ms.*/\1/p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
{
    echo "# bench/pg.sh, $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m); PostgreSQL $(psql -X -A -t -h "$PG" -p "$port" -U postgres -d postgres -c 'SHOW server_version' | cut -d' ' -f1) (fsync on), SQLite $(sqlite3 --version | cut -d' ' -f1)"
    echo
    echo "Corpus: $(ls "$CORPUS"/*.pdf | wc -l) PDFs, $pages pages, $chunks chunks; ingest without OCR, best of 3."
    echo
    echo "| ingest | seconds | pages/s | PostgreSQL / SQLite |"
    echo "|---|---|---|---|"
    echo "| SQLite, fagpt ingest --workers 1 | $s1 | $(awk -v p=$pages -v t=$s1 'BEGIN{printf "%.0f", p/t}') | |"
    echo "| SQLite, fagpt ingest (one worker per core) | $sn | $(awk -v p=$pages -v t=$sn 'BEGIN{printf "%.0f", p/t}') | |"
    echo "| PostgreSQL, queue + one fagpt worker | $p1 | $(awk -v p=$pages -v t=$p1 'BEGIN{printf "%.0f", p/t}') | $(ratio $p1 $sn) of SQLite with as many cores |"
    echo "| PostgreSQL, queue + two fagpt workers at once | $p2 | $(awk -v p=$pages -v t=$p2 'BEGIN{printf "%.0f", p/t}') | $(ratio $p2 $sn); two workers / one: $(ratio $p2 $p1) |"
    echo
    echo "| search, k = 10, $ROUNDS rounds of the dev set and own questions | p50 ms | p95 ms |"
    echo "|---|---|---|"
    echo "| SQLite (FTS5) | $(field "$lat_sq" p50) | $(field "$lat_sq" p95) |"
    echo "| PostgreSQL (BM25 from postings; local socket), just ingested | $(field "$lat_pg" p50) | $(field "$lat_pg" p95) |"
    echo "| ratio PostgreSQL / SQLite | $(ratio "$(field "$lat_pg" p50)" "$(field "$lat_sq" p50)") | $(ratio "$(field "$lat_pg" p95)" "$(field "$lat_sq" p95)") |"
    echo "| PostgreSQL, postings vacuumed | $(field "$lat_pgv" p50) | $(field "$lat_pgv" p95) |"
    echo "| ratio PostgreSQL / SQLite | $(ratio "$(field "$lat_pgv" p50)" "$(field "$lat_sq" p50)") | $(ratio "$(field "$lat_pgv" p95)" "$(field "$lat_sq" p95)") |"
    echo
    echo "Load average after the searches: $load."
    echo
    echo "| retrieval, dev set (fagpt eval) | |"
    echo "|---|---|"
    echo "| SQLite | $ev_sq |"
    echo "| PostgreSQL | $ev_pg |"
} | tee "$out"
