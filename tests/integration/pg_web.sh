#!/bin/bash
# Two web servers over one PostgreSQL library (scripts/pg-test-server: a real PostgreSQL 15, torn down after):
# files queued with `fagpt ingest --queue` and run by `fagpt worker` show in the *other* server's /api/jobs
# (state, worker, pages done of total, lease, error), with access labels respected (a viewer sees no job without
# a document, nor one whose document they may not read); the worker writes figure PNGs and has the vision model
# describe them, as `fagpt ingest` does (the protocol stand-in llmserver.py answers); the system page masks the
# database URL's passwords. Prints TAP.
. "$(dirname "$0")/common.bash"
PG=$(mktemp -d /tmp/fagpt-pgsrv-XXXXXX)  # its own folder: the server's user (postgres when root) must own it
PIDS=""
cleanup() {
    for p in $PIDS; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    scripts/pg-test-server stop "$PG" >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
unset FAGPT_DB DATABASE_URL OLLAMA_HOST OPENAI_BASE_URL OPENAI_API_KEY FAGPT_LLM FAGPT_LLM_API FAGPT_EMBED_MODEL \
      FAGPT_VISION_MODEL

base=$(scripts/pg-test-server start "$PG") || { no "PostgreSQL test server starts"; exit 1; }
ok "PostgreSQL test server starts"
sock=$PG; port=${base##*port=}
if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- createdb -h "$sock" -p "$port" -U postgres web
else createdb -h "$sock" -p "$port" -U postgres web; fi
url="postgresql://postgres@/web?host=$sock&port=$port"
# The same library through a URL with passwords (the test server trusts local connections and asks for none).
pwurl="postgresql://postgres:s3cretpw@/web?host=$sock&port=$port&password=hunter2pw"
sql() { psql -X -A -t -q -h "$sock" -p "$port" -U postgres -d web -c "$1"; }

echo 'adminpass1' | "$BIN" --db "$url" user add alice --admin > /dev/null
echo 'operpass12' | "$BIN" --db "$url" user add olga --role operator > /dev/null
echo 'viewpass12' | "$BIN" --db "$url" user add vic --role viewer > /dev/null

# serve NAME DB: a server on a free loopback port with its own FAGPT_HOME; sets URL_NAME.
serve() {
    FAGPT_LLM=off "$BIN" --home "$T/$1" --db "$2" serve --listen 127.0.0.1:0 > "$T/$1.out" 2> "$T/$1.err" &
    PIDS="$PIDS $!"
    local u=""
    for _ in $(seq 1 200); do
        u=$(sed -n 's/^FA-GPT serving \(http[^ ]*\)\/$/\1/p' "$T/$1.out")
        [ -n "$u" ] && break
        sleep 0.1
    done
    eval "URL_$1=\$u"
}
serve one "$url"
serve two "$pwurl"
check "two servers run over the one library (the second through a URL with passwords)" "[ -n '$URL_one' ] && [ -n '$URL_two' ]"
login() { # server user password: a cookie jar in $T/jar-user, the reply (its CSRF token) in $T/login-user.json
    curl -s -c "$T/jar-$2" -o "$T/login-$2.json" -X POST -d "{\"username\":\"$2\",\"password\":\"$3\"}" "$1/api/login"
}
login "$URL_two" alice adminpass1; login "$URL_two" olga operpass12; login "$URL_two" vic viewpass12
jobs() { curl -s -b "$T/jar-$1" "$URL_two/api/jobs"; } # as user, through the second server

# Queued on the command line, not through either server.
# Real paths: a job records its file's canonical path (../shared may be a symbolic link).
fig=$(realpath "$CORPUS/ADRP_3-0_Operations_2017-10_superseded.pdf")
xfa=$(realpath "$CORPUS/DA_Form_2399_Computers_Record_XFA.pdf")
"$BIN" --db "$url" ingest --queue "$fig" "$xfa" > /dev/null
jobs olga > "$T/q1.json"
check "an operator sees both queued jobs through the other server, with their paths" \
    "jq_py 'q=d[\"queue\"]; sys.exit(0 if [j[\"state\"] for j in q]==[\"queued\",\"queued\"] and q[0][\"path\"]==\"$fig\" and q[0][\"file_name\"]==\"$(basename "$fig")\" and d[\"jobs\"]==[] else 1)' < '$T/q1.json'"
jobs vic > "$T/q2.json"
check "a viewer sees no job that has no document yet (its label is not known)" \
    "jq_py 'sys.exit(0 if d[\"queue\"]==[] else 1)' < '$T/q2.json'"

# The vision model stand-in answers each image with its size and hash.
echo '{"models": ["llava:7b"], "api": "ollama"}' > "$T/ctl.json"
python3 tests/integration/llmserver.py "$T/port" "$T/ctl.json" & PIDS="$PIDS $!"
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done

# A worker, stopped (SIGSTOP) once it has recorded some pages read: the job is running on the other server's page.
FAGPT_LLM_URL=http://127.0.0.1:$(cat "$T/port") FAGPT_LLM_API=ollama FAGPT_LLM_RETRIES=0 FAGPT_VISION_MODEL=llava:7b \
    "$BIN" --home "$T/w" --db "$url" worker --once --json > "$T/w.jsonl" 2> "$T/w.err" & wpid=$!; PIDS="$PIDS $wpid"
for _ in $(seq 1 1200); do
    [ "$(sql "SELECT count(*) FROM ingest_jobs WHERE state = 'running' AND pages_done > 0")" = 1 ] && break
    kill -0 "$wpid" 2>/dev/null || break
    sleep 0.05
done
kill -STOP "$wpid"
jobs olga > "$T/q3.json"
check "mid-document the other server shows the job running: worker, pages done of total, lease" \
    "jq_py 'j=d[\"queue\"][0]; sys.exit(0 if j[\"state\"]==\"running\" and j[\"worker\"].endswith(\":$wpid\") and 0<j[\"pages_done\"]<=j[\"pages_total\"] and j[\"pages_total\"]==82 and j[\"lease_until\"] and j[\"attempts\"]==1 else 1)' < '$T/q3.json'"
kill -CONT "$wpid"
wait "$wpid"; rc=$?
check "the worker ran both jobs (exit 2: the XFA form failed)" "[ $rc -eq 2 ] && [ \$(wc -l < '$T/w.jsonl') -eq 2 ]"

jobs olga > "$T/q4.json"
check "the other server shows the done job with its document and the failed one with its error" \
    "jq_py 'q=d[\"queue\"]; sys.exit(0 if q[0][\"state\"]==\"done\" and q[0][\"doc_id\"]>0 and q[0][\"publication\"]==\"ADRP 3-0\" and q[0][\"pages_done\"]==q[0][\"pages_total\"] and q[0][\"error\"] is None and q[1][\"state\"]==\"failed\" and \"XFA\" in q[1][\"error\"] else 1)' < '$T/q4.json'"
doc=$(jq_py 'print(d["queue"][0]["doc_id"])' < "$T/q4.json")
"$BIN" --db "$url" jobs --json > "$T/cli-jobs.json"
check "fagpt jobs and /api/jobs agree on every job's state and pages" \
    "python3 -c 'import json; a=json.load(open(\"$T/cli-jobs.json\")); b=json.load(open(\"$T/q4.json\"))[\"queue\"]; f=lambda v: [(j[\"id\"],j[\"state\"],j[\"pages_done\"],j[\"pages_total\"]) for j in v]; exit(0 if f(a)==f(b) else 1)'"
jobs vic > "$T/q5.json"
check "a viewer who may read the document sees its job, without the path, and not the failed one" \
    "jq_py 'q=d[\"queue\"]; sys.exit(0 if len(q)==1 and q[0][\"doc_id\"]==$doc and q[0][\"path\"] is None else 1)' < '$T/q5.json'"
"$BIN" --db "$url" label "$doc" CUI > /dev/null
jobs vic > "$T/q6.json"
check "once the document is labelled CUI (vic holds DISTRIBUTION A, UNLABELLED) its job is gone from vic's list" \
    "jq_py 'sys.exit(0 if d[\"queue\"]==[] else 1)' < '$T/q6.json'"
jobs olga > "$T/q7.json"
check "... and from an operator's who does not hold CUI either (the failed job, without a document, stays)" \
    "jq_py 'q=d[\"queue\"]; sys.exit(0 if [j[\"state\"] for j in q]==[\"failed\"] else 1)' < '$T/q7.json'"
jobs alice > "$T/q8.json"
check "an admin sees both" "jq_py 'sys.exit(0 if len(d[\"queue\"])==2 else 1)' < '$T/q8.json'"

# What the worker made of the figures: PNG files and the vision model's descriptions, as `fagpt ingest` does.
"$BIN" --db "$url" figures --json "$doc" > "$T/f.json"
check "the worker saved every figure's PNG under its FAGPT_HOME/figures" "jq_py '
ok = len(d[\"figures\"]) == 7
for f in d[\"figures\"]:
    ok = ok and f[\"png\"].startswith(\"$T/w/figures/\") and open(f[\"png\"], \"rb\").read(8) == b\"\\x89PNG\\r\\n\\x1a\\n\"
sys.exit(0 if ok else 1)' < '$T/f.json'"
check "the vision model described every figure from its own PNG, byte for byte" "jq_py '
import hashlib
ok = len(d[\"figures\"]) > 0
for f in d[\"figures\"]:
    b = open(f[\"png\"], \"rb\").read()
    ok = ok and f[\"description\"] == \"An image of %d bytes, sha256 %s.\" % (len(b), hashlib.sha256(b).hexdigest()[:16])
sys.exit(0 if ok else 1)' < '$T/f.json'"
"$BIN" --db "$url" --json search "An image of bytes sha256" > "$T/vs.json"
check "the descriptions are indexed in the PostgreSQL library" \
    "jq_py 'sys.exit(0 if \"Description: An image of\" in d[\"results\"][0][\"text\"] else 1)' < '$T/vs.json'"
code=$(curl -s -b "$T/jar-alice" -o "$T/fig1.png" -w '%{http_code}' "$URL_two/api/documents/$doc/figures/1.png")
check "the other server serves a figure's PNG ($code)" \
    "[ $code = 200 ] && cmp -s '$T/fig1.png' \"\$(jq_py 'print(d[\"figures\"][0][\"png\"])' < '$T/f.json')\""

# The database as the system page names it: passwords masked for an admin; only its kind for anyone else.
curl -s -b "$T/jar-alice" "$URL_two/api/system" > "$T/sys-a.json"
check "an admin sees the URL with both passwords masked: $(jq_py 'print(d["database"])' < "$T/sys-a.json")" \
    "jq_py 'db=d[\"database\"]; sys.exit(0 if db==\"postgresql://postgres:***@/web?host=$sock&port=$port&password=***\" else 1)' < '$T/sys-a.json' && ! grep -q -e s3cretpw -e hunter2pw '$T/sys-a.json'"
curl -s -b "$T/jar-olga" "$URL_two/api/system" > "$T/sys-o.json"
check "an operator learns only that it is PostgreSQL" "jq_py 'sys.exit(0 if d[\"database\"]==\"PostgreSQL\" else 1)' < '$T/sys-o.json'"
curl -s -b "$T/jar-vic" "$URL_two/api/system" > "$T/sys-v.json"
check "a viewer learns only that it is PostgreSQL" "jq_py 'sys.exit(0 if d[\"database\"]==\"PostgreSQL\" else 1)' < '$T/sys-v.json'"
# A document deleted through a server takes its BM25 postings with it (the chunks' and pages' delete triggers).
csrf=$(jq_py 'print(d["csrf"])' < "$T/login-alice.json")
code=$(curl -s -b "$T/jar-alice" -H "X-CSRF-Token: $csrf" -o /dev/null -w '%{http_code}' -X DELETE "$URL_two/api/documents/$doc")
check "deleting the document ($code) through a server removes its chunks and every posting of them" \
    "[ \"\$(sql \"SELECT (SELECT count(*) FROM chunk_postings) + (SELECT count(*) FROM page_postings) + (SELECT count(*) FROM chunks)\")\" = 0 ]"
# A vision model error is a warning on the worker too, as on `fagpt ingest`: the file is ingested all the same.
echo '{"models": ["llava:7b"], "api": "ollama", "status": 500}' > "$T/ctl.json"
"$BIN" --db "$url" ingest --queue "$fig" > /dev/null
FAGPT_LLM_URL=http://127.0.0.1:$(cat "$T/port") FAGPT_LLM_API=ollama FAGPT_LLM_RETRIES=0 FAGPT_VISION_MODEL=llava:7b \
    "$BIN" --home "$T/w" --db "$url" worker --once --no-ocr --json > "$T/w2.jsonl" 2> "$T/w2.err"; rc=$?
check "a vision model error: the worker ingests the file and names the undescribed figures in its warnings" \
    "[ $rc -eq 0 ] && jq_py 'sys.exit(0 if d[\"status\"]==\"ingested\" and any(\"not described by the vision model\" in w for w in d[\"warnings\"]) else 1)' < '$T/w2.jsonl'"
check "no password in either server's output" "! grep -q -e s3cretpw -e hunter2pw '$T/one.out' '$T/one.err' '$T/two.out' '$T/two.err'"
echo "1..$n"
