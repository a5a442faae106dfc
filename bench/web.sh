#!/bin/bash
# bench/web.sh (part of make bench): the web server under load. The corpus (../shared/corpus/pdf, no OCR) is
# ingested into a temporary home, `fagpt serve` starts on a free loopback port, and wrk drives GET /api/search
# with the dev set's questions in turn (bench/web_search.lua), signed in with a viewer's API token so the
# access-label restriction is on the path. Reports requests/s, latency p50/p99 and the server's RSS at rest and
# under load; writes build/bench/web-latest.md (copy the figures into bench/RESULTS.md when they change).
# Targets (issue 7): >= 2000 requests/s and p99 < 50 ms on 2 cores.
set -eu
cd "$(dirname "$0")/.."
SHARED=${FAGPT_SHARED:-$(cd .. && pwd)/shared}
CORPUS=$SHARED/corpus/pdf
DURATION=${WEB_BENCH_SECONDS:-20}
CONNS=${WEB_BENCH_CONNECTIONS:-32}
W=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$W"' EXIT
out=build/bench/web-latest.md
mkdir -p build/bench
command -v wrk >/dev/null || { echo "bench/web.sh: wrk is missing (scripts/install-deps installs it)" >&2; exit 1; }
make -s all

FAGPT_LLM=off build/fagpt --home "$W/h" ingest --no-ocr "$CORPUS" > /dev/null 2>&1 || true
chunks=$(build/fagpt --home "$W/h" docs --json | python3 -c 'import json,sys; print(sum(d["chunks"] for d in json.load(sys.stdin)))')
echo 'benchpass12' | build/fagpt --home "$W/h" user add bench --role viewer --labels "DISTRIBUTION A" > /dev/null
# start_server [ENV=VALUE...]: fagpt serve on a free port; sets PID and URL.
start_server() {
    env FAGPT_LLM=off "$@" build/fagpt --home "$W/h" serve --listen 127.0.0.1:0 > "$W/serve.out" 2>&1 &
    PID=$!
    URL=""
    for _ in $(seq 1 100); do
        URL=$(sed -n 's/^FA-GPT serving \(http[^ ]*\)\/$/\1/p' "$W/serve.out"); [ -n "$URL" ] && break; sleep 0.1
    done
    [ -n "$URL" ] || { echo "bench/web.sh: the server did not start: $(cat "$W/serve.out")" >&2; exit 1; }
}
stop_server() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }
start_server
curl -s -c "$W/jar" -o "$W/login" -X POST -d '{"username":"bench","password":"benchpass12"}' "$URL/api/login"
csrf=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf"])' "$W/login")
token=$(curl -s -b "$W/jar" -H "X-CSRF-Token: $csrf" -X POST -d '{"name":"bench"}' "$URL/api/tokens" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
# The dev set's questions, URL-encoded, one per line, for the Lua script to cycle through.
python3 -c '
import json, sys, urllib.parse
for line in open(sys.argv[1]):
    if line.strip():
        print("/api/search?k=10&q=" + urllib.parse.quote(json.loads(line)["question"]))' \
    "$SHARED/eval/retrieval-dev.jsonl" > "$W/paths.txt"
nq=$(wc -l < "$W/paths.txt")
rss() { awk '/^VmRSS/{print int($2/1024)}' "/proc/$PID/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
# measure LABEL: warms up, then wrk; appends a table row (requests/s, p50, p99, the server's CPU per request,
# RSS at rest, under load and peak).
measure() {
    for p in $(head -5 "$W/paths.txt"); do curl -s -o /dev/null -H "Authorization: Bearer $token" "$URL$p"; done
    local rest c0 c1 load
    rest=$(rss)
    ( sleep $((DURATION / 2)); rss > "$W/rss_load" ) &
    local sampler=$!
    c0=$(cpu_ticks)
    WEB_BENCH_PATHS="$W/paths.txt" wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H "Authorization: Bearer $token" \
        -s bench/web_search.lua "$URL" > "$W/wrk.txt"
    c1=$(cpu_ticks)
    { echo; echo "wrk, $1:"; echo '```'; cat "$W/wrk.txt"; echo '```'; } >> "$W/wrk_all"
    wait "$sampler"
    load=$(cat "$W/rss_load")
    local peak rps p50 p99 reqs non2xx cpu_ms
    peak=$(awk '/^VmHWM/{print int($2/1024)}' "/proc/$PID/status")
    rps=$(awk '/^Requests\/sec/{printf "%.0f", $2}' "$W/wrk.txt")
    p50=$(awk '$1=="50%"{print $2}' "$W/wrk.txt")
    p99=$(awk '$1=="99%"{print $2}' "$W/wrk.txt")
    reqs=$(awk '/requests in/{print $1}' "$W/wrk.txt")
    non2xx=$(awk '/Non-2xx/{print $NF}' "$W/wrk.txt")
    cpu_ms=$(awk -v t=$((c1 - c0)) -v n="$reqs" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.3f", n ? 1000 * t / hz / n : 0}')
    echo "| $1 | $rps | $p50 | $p99 | ${non2xx:-0} | $cpu_ms ms | $(awk -v c="$cpu_ms" 'BEGIN{printf "%.0f", (c > 0 ? 2000 / c : 0)}') | $rest MB | $load MB | $peak MB |" >> "$W/rows"
}
: > "$W/rows"; : > "$W/wrk_all"
measure "cache on (the 30 questions repeat)"
stop_server
start_server FAGPT_SEARCH_CACHE=0
measure "cache off (every request searched)"
{
    echo "# bench/web.sh, $(date -u '+%Y-%m-%d %H:%M') UTC on $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1 /proc/loadavg) at the end"
    echo
    echo "GET /api/search (k = 10), $nq dev-set questions in turn, viewer token (labels applied), corpus of $chunks chunks;"
    echo "wrk -t2 -c$CONNS -d${DURATION}s on the same machine (wrk shares the cores with the server)."
    echo
    echo "| run | requests/s | p50 | p99 | non-2xx | server CPU per request | 2-core capacity (req/s) | RSS at rest | under load | peak |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    cat "$W/rows"
    cat "$W/wrk_all"
} > "$out"
cat "$out"
