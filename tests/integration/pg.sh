#!/bin/bash
# PostgreSQL back end on a real PostgreSQL 15 server (scripts/pg-test-server: private port and socket folder,
# torn down after): the store unit suite on PostgreSQL, migrations racing, two workers ingesting the corpus
# together (every document exactly once, the same documents as an SQLite ingest, the BM25 postings, the same
# retrieval figures on the dev set), a worker killed with SIGKILL in the middle of a document (nothing lost,
# nothing doubled), `fagpt migrate --to` (the postings filled, the same retrieval figures), the web server
# on PostgreSQL, firing tables and superseded doctrine (their scripts), `fagpt doctor`. Prints TAP.
cd "$(dirname "$0")/../.." || exit 1
SHARED=${FAGPT_SHARED:-$(cd .. && pwd)/shared}
CORPUS=$SHARED/corpus/pdf
BIN=${FAGPT_BIN:-build/fagpt}
UNIT=${FAGPT_UNIT_BIN:-build/tests/test_store_search}
T=$(mktemp -d /tmp/fagpt-pg-XXXXXX)
PG=$(mktemp -d /tmp/fagpt-pgsrv-XXXXXX)  # its own folder: the server's user (postgres when root) must own it
PIDS=""
cleanup() {
    for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
    scripts/pg-test-server stop "$PG" >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
no() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else no "$1"; fi; }
jq_py() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
export FAGPT_LLM=off
unset FAGPT_DB DATABASE_URL

base=$(scripts/pg-test-server start "$PG") || { no "PostgreSQL test server starts"; exit 1; }
ok "PostgreSQL test server starts ($base)"
sock=$PG; port=${base##*port=}
newdb() { # name -> URL of a fresh, empty database
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- createdb -h "$sock" -p "$port" -U postgres "$1"
    else createdb -h "$sock" -p "$port" -U postgres "$1"; fi
    echo "postgresql://postgres@/$1?host=$sock&port=$port"
}
sql() { psql -X -A -t -q -h "$sock" -p "$port" -U postgres -d "$1" -c "$2"; }

# The store unit suite, on PostgreSQL this time.
url=$(newdb unit)
FAGPT_TEST_DB="$url" "$UNIT" > "$T/unit.tap" 2>&1
check "store unit suite on PostgreSQL: $(tail -1 "$T/unit.tap" | sed 's/^# //')" \
    "grep -q '^# [0-9]* checks, 0 failed' '$T/unit.tap' && ! grep -q '^not ok' '$T/unit.tap'"

# Four servers opening a new database at once: migrations run once, under the advisory lock.
url=$(newdb race)
for i in 1 2 3 4; do "$BIN" --db "$url" docs --json > "$T/race$i.out" 2>&1 & PIDS="$PIDS $!"; done
fails=0; for p in $PIDS; do wait "$p" || fails=$((fails + 1)); done; PIDS=""
check "four concurrent opens of a new database all succeed ($fails failed)" "[ $fails -eq 0 ]"
check "the schema is migrated once: one version row" "[ \"\$(sql race 'SELECT count(*) FROM fagpt_schema')\" = 1 ]"

# Reference: the corpus ingested into SQLite (no OCR, so that both runs take seconds, not minutes).
"$BIN" --home "$T/sq" ingest --no-ocr --json "$CORPUS" > "$T/sq.jsonl"
"$BIN" --home "$T/sq" docs --json > "$T/sq-docs.json"

# Two workers ingest the corpus together.
url=$(newdb two)
"$BIN" --db "$url" ingest --queue "$CORPUS" > "$T/queue.out"
check "the corpus is queued: one job per file" \
    "[ \"\$(sql two 'SELECT count(*) FROM ingest_jobs WHERE state = '\''queued'\''')\" = $(ls "$CORPUS"/*.pdf | wc -l) ]"
"$BIN" --db "$url" ingest --queue "$CORPUS" > "$T/queue2.out"
check "queueing again adds nothing" "grep -q '^0 file(s) queued' '$T/queue2.out'"
"$BIN" --db "$url" worker --once --no-ocr --json > "$T/w1.jsonl" 2> "$T/w1.err" & PIDS="$PIDS $!"
"$BIN" --db "$url" worker --once --no-ocr --json > "$T/w2.jsonl" 2> "$T/w2.err" & PIDS="$PIDS $!"
for p in $PIDS; do wait "$p"; done; PIDS=""
w1=$(wc -l < "$T/w1.jsonl"); w2=$(wc -l < "$T/w2.jsonl")
check "both workers ran jobs ($w1 and $w2)" "[ $w1 -gt 0 ] && [ $w2 -gt 0 ]"
check "every job was run once ($((w1 + w2)) runs)" "[ $((w1 + w2)) -eq $(ls "$CORPUS"/*.pdf | wc -l) ]"
"$BIN" --db "$url" jobs --json > "$T/jobs.json"
check "every job ended: the XFA form failed, the rest done" \
    "jq_py 'sys.exit(0 if all(j[\"state\"]==\"done\" or (j[\"state\"]==\"failed\" and \"DA_Form_2399\" in j[\"path\"]) for j in d) and sum(j[\"state\"]==\"failed\" for j in d)==1 else 1)' < '$T/jobs.json'"
check "done jobs show all their pages" \
    "jq_py 'sys.exit(0 if all(j[\"pages_done\"]==j[\"pages_total\"]>0 for j in d if j[\"state\"]==\"done\") else 1)' < '$T/jobs.json'"
"$BIN" --db "$url" docs --json > "$T/pg-docs.json"
check "each document exactly once (as many rows as distinct paths and hashes)" \
    "[ \"\$(sql two 'SELECT count(*) = count(DISTINCT path) AND count(*) = count(DISTINCT sha256) FROM documents')\" = t ]"
python3 - "$T/sq-docs.json" "$T/pg-docs.json" > "$T/cmp.txt" <<'EOF'
import json, sys
a = {d["doc"]: (d["sha256"], d["pages"], d["chunks"], d["publication"]) for d in json.load(open(sys.argv[1]))}
b = {d["doc"]: (d["sha256"], d["pages"], d["chunks"], d["publication"]) for d in json.load(open(sys.argv[2]))}
print("same" if a == b else "differ: %s" % sorted(set(a.items()) ^ set(b.items())))
EOF
check "the same documents, hashes, pages and chunks as an SQLite ingest ($(cut -c1-80 "$T/cmp.txt"))" \
    "grep -qx same '$T/cmp.txt'"
check "chunk rows match the documents' counts (nothing doubled)" \
    "[ \"\$(sql two 'SELECT (SELECT count(*) FROM chunks) = (SELECT sum(chunks) FROM documents)')\" = t ]"
shaok=1
while IFS='|' read -r path sha; do
    [ "$(sha256sum "$path" | cut -d' ' -f1)" = "$sha" ] || shaok=0
done < <(sql two 'SELECT path, sha256 FROM documents')
check "every document's sha256 is its file's" "[ $shaok -eq 1 ]"
check "term counts agree with SQLite's (the same tokenizer)" \
    "[ \"\$(sql two 'SELECT count(*) FROM term_stats WHERE df > 0')\" = \"\$(sqlite3 '$T/sq/library.db' 'SELECT count(*) FROM term_stats')\" ]"

# BM25 reads term frequencies from the postings (migration 5): one row per lexeme of every tsvector.
postings_ok() { # database -> t when chunk_postings and page_postings hold exactly the tsvectors' lexemes
    sql "$1" "SELECT (SELECT count(*) FROM chunk_postings) = (SELECT count(*) FROM chunks c, unnest(c.tsv))
                 AND (SELECT count(*) FROM page_postings) = (SELECT count(*) FROM pages p, unnest(p.tsv))
                 AND (SELECT count(*) FROM chunk_postings) > 0
                 AND NOT EXISTS (SELECT 1 FROM chunks c CROSS JOIN unnest(c.tsv) u LEFT JOIN chunk_postings p
                                 ON p.chunk_id = c.id AND p.lexeme = u.lexeme WHERE p.tf IS DISTINCT FROM
                                 cardinality(u.positions) + 0.5 * cardinality(array_positions(u.weights, 'A')))"
}
check "the workers wrote the postings: one row per lexeme of each chunk and page, with its weighted frequency" \
    "[ \"\$(postings_ok two)\" = t ]"
"$BIN" --home "$T/sq" eval "$SHARED/eval/retrieval-dev.jsonl" > "$T/ev-sq.txt" 2>&1
"$BIN" --db "$url" eval "$SHARED/eval/retrieval-dev.jsonl" > "$T/ev-pg.txt" 2>&1
check "retrieval on the dev set: PostgreSQL's figures equal SQLite's ($(head -1 "$T/ev-pg.txt" | cut -c1-90))" \
    "[ -s '$T/ev-sq.txt' ] && cmp -s '$T/ev-sq.txt' '$T/ev-pg.txt'"

# Search: the same question on both back ends.
agree=0; total=0
for qq in "what is an FSCM" "clearance of fires" "narrowband SATCOM jamming" "information collection plan" \
          "sustainment warfighting function" "army design methodology"; do
    "$BIN" --home "$T/sq" search --json -k 5 "$qq" > "$T/s1.json"
    "$BIN" --db "$url" search --json -k 5 "$qq" > "$T/s2.json"
    total=$((total + 1))
    python3 - "$T/s1.json" "$T/s2.json" <<'EOF' && agree=$((agree + 1))
import json, sys
a = json.load(open(sys.argv[1]))["results"]; b = json.load(open(sys.argv[2]))["results"]
top = (a[0]["doc"], a[0]["page"]) if a else None
sys.exit(0 if top and top in [(r["doc"], r["page"]) for r in b] else 1)
EOF
done
check "SQLite's best passage is in PostgreSQL's top 5 for $agree of $total questions" "[ $agree -ge $((total - 1)) ]"

# A worker killed with SIGKILL in the middle of a document (the scanned report: OCR, page after page).
url=$(newdb kill)
scan=$CORPUS/BRL-MR-3810_McCoy_1990_Aero_50cal_M33_M8_M20_scanned.pdf
"$BIN" --db "$url" ingest --queue "$scan" > /dev/null
"$BIN" --db "$url" worker --once --lease 3 > "$T/wa.out" 2>&1 & wa=$!; PIDS="$wa"
for _ in $(seq 1 600); do
    [ "$(sql kill 'SELECT pages_done > 0 AND state = '\''running'\'' FROM ingest_jobs')" = t ] && break
    sleep 0.2
done
midway=$(sql kill "SELECT pages_done || '/' || pages_total FROM ingest_jobs")
kill -9 "$wa"; wait "$wa" 2>/dev/null; PIDS=""
check "the worker was killed mid-document (pages $midway) and nothing of it was committed" \
    "[ \"\$(sql kill 'SELECT count(*) FROM documents') \$(sql kill 'SELECT count(*) FROM chunks') \$(sql kill 'SELECT count(*) FROM pages')\" = '0 0 0' ]"
# Another worker takes the job once its lease has run out (a worker started earlier finds nothing to take).
for _ in $(seq 1 60); do
    "$BIN" --db "$url" worker --once --lease 3 >> "$T/wb.out" 2>&1
    [ "$(sql kill "SELECT state FROM ingest_jobs")" = done ] && break
    sleep 1
done
check "after the lease ran out another worker took the job and finished it (attempt 2)" \
    "[ \"\$(sql kill 'SELECT state || attempts FROM ingest_jobs')\" = done2 ]"
check "the document is there once, whole: its pages and chunks as recorded" \
    "[ \"\$(sql kill 'SELECT count(*) = 1 AND sum(pages) = (SELECT count(*) FROM pages) AND sum(chunks) = (SELECT count(*) FROM chunks) AND min(sha256) = '\''$(sha256sum "$scan" | cut -d' ' -f1)'\'' FROM documents')\" = t ]"

# A worker embeds what it ingests when an embedding model is configured (the protocol stand-in of llm.sh).
echo '{"models": ["qwen2.5:7b", "nomic-embed-text:latest"]}' > "$T/ctl.json"
python3 tests/integration/llmserver.py "$T/port" "$T/ctl.json" & SRV=$!; PIDS="$SRV"
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
url=$(newdb emb)
"$BIN" --db "$url" ingest --queue "$CORPUS/ADP_3-19_Fires_2019-07.pdf" > /dev/null
env -u FAGPT_LLM FAGPT_LLM_URL=http://127.0.0.1:$(cat "$T/port") FAGPT_EMBED_MODEL=nomic-embed-text \
    "$BIN" --db "$url" worker --once > "$T/we.out" 2>&1
check "the worker embedded the document's passages: one vector per chunk" \
    "[ \"\$(sql emb 'SELECT (SELECT count(*) FROM chunk_vectors) = (SELECT count(*) FROM chunks) AND (SELECT count(*) FROM chunks) > 0')\" = t ]"
kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null; PIDS=""

# fagpt migrate: the SQLite library into PostgreSQL, counts verified table by table.
url=$(newdb mig)
"$BIN" --home "$T/sq" migrate --to "$url" --json > "$T/mig.json"; rc=$?
check "migrate exits 0 and every table's counts agree" \
    "[ $rc -eq 0 ] && jq_py 'sys.exit(0 if d[\"ok\"] and all(t[\"sqlite\"]==t[\"postgres\"] for t in d[\"tables\"]) else 1)' < '$T/mig.json'"
check "migrate copied documents, pages, chunks, terms, definitions, links and the quarantine" \
    "jq_py 't={x[\"table\"]:x[\"postgres\"] for x in d[\"tables\"]}; sys.exit(0 if all(t.get(k,0)>0 for k in [\"documents\",\"pages\",\"chunks\",\"terms\",\"term_stats\",\"definitions\",\"links\",\"quarantine\"]) else 1)' < '$T/mig.json'"
"$BIN" --home "$T/sq" search --json -k 3 "clearance of fires" | jq_py 'print([(r["doc"],r["page"]) for r in d["results"]][0])' > "$T/m1"
"$BIN" --db "$url" search --json -k 5 "clearance of fires" | jq_py 'print([(r["doc"],r["page"]) for r in d["results"]])' > "$T/m2"
check "the migrated library is searchable: SQLite's best passage is in its top 5" "grep -qF \"\$(cat '$T/m1')\" '$T/m2'"
check "migrate filled the postings from the copied text" "[ \"\$(postings_ok mig)\" = t ]"
"$BIN" --db "$url" eval "$SHARED/eval/retrieval-dev.jsonl" > "$T/ev-mig.txt" 2>&1
check "retrieval on the migrated library equals SQLite's" "cmp -s '$T/ev-sq.txt' '$T/ev-mig.txt'"
"$BIN" --home "$T/sq" migrate --to "$url" > "$T/mig2.out" 2>&1; rc=$?
check "migrating into a library that holds documents is refused" "[ $rc -eq 1 ] && grep -q 'already holds' '$T/mig2.out'"
"$BIN" --db "postgresql://postgres@/nonexistent?host=$sock&port=$port" docs > "$T/bad.out" 2>&1; rc=$?
check "a database that does not exist: a clear error" "[ $rc -eq 1 ] && grep -q 'cannot connect to the PostgreSQL library' '$T/bad.out'"
FAGPT_DB="$url" "$BIN" docs --json | jq_py 'sys.exit(0 if len(d) > 0 else 1)'
check "FAGPT_DB selects PostgreSQL" "[ $? -eq 0 ]"
DATABASE_URL="$url" "$BIN" --home "$T/empty" docs --json | jq_py 'sys.exit(0 if len(d) > 0 else 1)'
check "DATABASE_URL selects PostgreSQL" "[ $? -eq 0 ]"
PGHOST=$sock PGPORT=$port PGUSER=postgres "$BIN" --db "postgresql:///mig" docs --json | jq_py 'sys.exit(0 if len(d) > 0 else 1)'
check "libpq's PGHOST/PGPORT/PGUSER fill what the URL omits" "[ $? -eq 0 ]"

# The web server on PostgreSQL (the migrated library): accounts, sign-in, a session, an API token, a search,
# a label change and the audit log, all of it state kept in PostgreSQL.
echo 'adminpass1' | "$BIN" --db "$url" user add alice --admin > /dev/null
check "fagpt user add writes the account to PostgreSQL" "[ \"\$(sql mig 'SELECT role FROM users')\" = admin ]"
"$BIN" --home "$T/web" --db "$url" serve --listen 127.0.0.1:0 > "$T/serve.out" 2> "$T/serve.err" & SPID=$!; PIDS="$SPID"
WURL=""
for _ in $(seq 1 200); do
    WURL=$(sed -n 's/^FA-GPT serving \(http[^ ]*\)\/$/\1/p' "$T/serve.out")
    [ -n "$WURL" ] && break
    sleep 0.1
done
curl -s -c "$T/jar" -o "$T/login.json" -X POST -d '{"username":"alice","password":"adminpass1"}' "$WURL/api/login"
CSRF=$(jq_py 'print(d.get("csrf",""))' < "$T/login.json" 2>/dev/null)
check "serve --db postgres://: alice signs in (the session is stored in PostgreSQL)" \
    "[ -n '$CSRF' ] && [ \"\$(sql mig 'SELECT count(*) FROM sessions')\" = 1 ]"
curl -s -b "$T/jar" -H "X-CSRF-Token: $CSRF" -o "$T/tok.json" -X POST -d '{"name":"ci"}' "$WURL/api/tokens"
TOK=$(jq_py 'print(d.get("token",""))' < "$T/tok.json" 2>/dev/null)
curl -s -H "Authorization: Bearer $TOK" -o "$T/ws.json" "$WURL/api/search?q=clearance%20of%20fires"
check "an API token searches the PostgreSQL library through the server" \
    "[ -n '$TOK' ] && jq_py 'sys.exit(0 if len(d[\"results\"]) > 0 else 1)' < '$T/ws.json'"
curl -s -b "$T/jar" -H "X-CSRF-Token: $CSRF" -o "$T/lab.json" -X PUT -d '{"label":"CUI"}' "$WURL/api/documents/1/label"
check "an admin's label change lands in PostgreSQL, and in its audit log" \
    "[ \"\$(sql mig 'SELECT label FROM documents WHERE id = 1')\" = CUI ] && [ \"\$(sql mig 'SELECT count(*) > 0 FROM audit')\" = t ]"
kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; PIDS=""

# Tabular firing tables and superseded doctrine on PostgreSQL: their own integration scripts, each over a new
# database (FAGPT_DB overrides the scripts' --home).
for t in tft supersede; do
    tu=$(newdb "d3$t")
    FAGPT_DB="$tu" FAGPT_SHARED="$SHARED" FAGPT_BIN="$BIN" tests/integration/$t.sh > "$T/$t.tap" 2>&1; rc=$?
    check "tests/integration/$t.sh on PostgreSQL: $(grep -c '^ok' "$T/$t.tap") passed, none failed" \
        "[ $rc -eq 0 ] && ! grep -q '^not ok' '$T/$t.tap' && grep -q '^ok' '$T/$t.tap'"
done

# doctor names the back end and the vector mode.
"$BIN" --db "$url" doctor --json > "$T/doctor.json"
check "doctor: PostgreSQL, in-process vector index kept current by LISTEN/NOTIFY (no pgvector here)" \
    "jq_py 'f={x[\"code\"]:x[\"what\"] for x in d[\"findings\"]}; sys.exit(0 if \"postgres\" in f.get(\"store.backend\",\"\") and \"LISTEN/NOTIFY\" in f.get(\"store.vectors\",\"\") else 1)' < '$T/doctor.json'"
