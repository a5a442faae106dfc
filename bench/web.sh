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
FAGPT_LLM=off build/fagpt --home "$W/h" serve --listen 127.0.0.1:0 > "$W/serve.out" 2>&1 &
PID=$!
URL=""
for _ in $(seq 1 100); do
    URL=$(sed -n 's/^FA-GPT serving \(http[^ ]*\)\/$/\1/p' "$W/serve.out"); [ -n "$URL" ] && break; sleep 0.1
done
[ -n "$URL" ] || { echo "bench/web.sh: the server did not start: $(cat "$W/serve.out")" >&2; exit 1; }
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
# Warm up (prepared statements, page cache), then measure at rest.
for p in $(head -5 "$W/paths.txt"); do curl -s -o /dev/null -H "Authorization: Bearer $token" "$URL$p"; done
rss_rest=$(rss)
( sleep $((DURATION / 2)); rss > "$W/rss_load" ) &
SAMPLER=$!
WEB_BENCH_PATHS="$W/paths.txt" wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H "Authorization: Bearer $token" \
    -s bench/web_search.lua "$URL" > "$W/wrk.txt"
wait "$SAMPLER"
rss_load=$(cat "$W/rss_load")
rss_peak=$(awk '/^VmHWM/{print int($2/1024)}' "/proc/$PID/status")
rps=$(awk '/^Requests\/sec/{printf "%.0f", $2}' "$W/wrk.txt")
p50=$(awk '$1=="50%"{print $2}' "$W/wrk.txt")
p99=$(awk '$1=="99%"{print $2}' "$W/wrk.txt")
non2xx=$(awk '/Non-2xx/{print $NF}' "$W/wrk.txt")
{
    echo "# bench/web.sh, $(date -u '+%Y-%m-%d %H:%M') UTC on $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1 /proc/loadavg) at the end"
    echo
    echo "GET /api/search (k = 10), $nq dev-set questions in turn, viewer token (labels applied), corpus of $chunks chunks;"
    echo "wrk -t2 -c$CONNS -d${DURATION}s on the same machine (wrk shares the cores with the server)."
    echo
    echo "| requests/s | p50 | p99 | non-2xx | server RSS at rest | under load | peak |"
    echo "|---|---|---|---|---|---|---|"
    echo "| $rps | $p50 | $p99 | ${non2xx:-0} | $rss_rest MB | $rss_load MB | $rss_peak MB |"
} > "$out"
cat "$out"
