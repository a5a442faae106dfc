#!/bin/bash
# llm.sh - answers from a language model, against tests/integration/llmserver.py (a stand-in that speaks the
# Ollama and OpenAI wire formats; no model weights can exist here): model lists, streamed and whole answers
# over both APIs, the prompt's delimited sources, citations to sources not given dropped, retries on 503, a
# timeout, a bad API key, a dropped stream, malformed JSON, a server that is down, and the extractive fallback.
. "$(dirname "$0")/common.bash"
[ -x "$BIN" ] || { echo "not ok - build/fagpt missing (run make)"; exit 1; }
unset OLLAMA_HOST OPENAI_BASE_URL OPENAI_API_KEY FAGPT_LLM FAGPT_LLM_API FAGPT_EMBED_MODEL FAGPT_LLM_TIMEOUT
H="$T/home"
"$BIN" --home "$H" ingest "$SHARED/corpus/pdf/ADP_3-19_Fires_2019-07.pdf" >/dev/null ||
    { echo "not ok - ingest of ADP 3-19 failed"; exit 1; }

# ctl JSON: the stand-in's behaviour for the next requests (it re-reads the file on every request).
ctl() { echo "$1" > "$T/ctl.json"; : > "$T/log"; }
ctl '{"models": ["qwen2.5:7b", "nomic-embed-text:latest"]}'
python3 tests/integration/llmserver.py "$T/port" "$T/ctl.json" & SRV=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
PORT=$(cat "$T/port")
export FAGPT_LLM_URL=http://127.0.0.1:$PORT FAGPT_CHAT_MODEL=qwen2.5:7b FAGPT_LLM_RETRIES=2
Q="What is clearance of fires?"
base() { echo "\"models\": [\"qwen2.5:7b\", \"nomic-embed-text:latest\"], \"log\": \"$T/log\""; }
requests() { grep -c "\"path\":\"$1\"" "$T/log"; }

# fagpt models, Ollama (detected) and OpenAI.
"$BIN" models --json > "$T/m.json"; rc=$?
check "models: Ollama detected, its models and version listed, the chat model offered" "[ $rc -eq 0 ] && jq_py 'sys.exit(0 if d[\"api\"]==\"ollama\" and d[\"version\"]==\"0.5.7\" and d[\"models\"]==[\"qwen2.5:7b\",\"nomic-embed-text:latest\"] and d[\"chat_model_offered\"] and d[\"embed_model\"] is None else 1)' < '$T/m.json'"
ctl '{"models": ["qwen2.5:7b", "nomic-embed-text:latest"], "loaded": ["qwen2.5:7b"]}'
"$BIN" models --json > "$T/m.json"; "$BIN" models > "$T/m.txt"
check "models: Ollama's loaded models (/api/ps) listed with size, GPU share and unload time" "jq_py 'l=d[\"loaded\"]; sys.exit(0 if len(l)==1 and l[0][\"name\"]==\"qwen2.5:7b\" and l[0][\"size_vram\"]==5137025024 and l[0][\"expires_at\"].startswith(\"2024-11-30T12:05\") else 1)' < '$T/m.json' && grep -q '^  qwen2.5:7b  5.1 GB, 100% in GPU memory, until 2024-11-30T12:05' '$T/m.txt'"
ctl '{"models": ["qwen2.5:7b", "nomic-embed-text:latest"]}'
FAGPT_EMBED_MODEL=nomic-embed-text FAGPT_CHAT_MODEL=llama3 "$BIN" models > "$T/m.txt"
check "models: a bare name matches name:latest; a missing model is marked" "grep -q 'nomic-embed-text  (offered)' '$T/m.txt' && grep -q 'llama3  (NOT offered' '$T/m.txt'"
ctl "{$(base), \"api\": \"openai\", \"key\": \"sk-good\"}"
"$BIN" models --json > "$T/m.json" 2>"$T/err"; rc=$?
check "models: OpenAI server without its key: exit 1 naming OPENAI_API_KEY" "[ $rc -eq 1 ] && jq_py 'sys.exit(0 if d[\"api\"]==\"openai\" and \"401\" in d[\"error\"] and \"OPENAI_API_KEY\" in d[\"error\"] else 1)' < '$T/m.json'"
OPENAI_API_KEY=sk-good "$BIN" models --json > "$T/m.json"; rc=$?
check "models: OpenAI server with its key lists /v1/models (loaded: null, it does not tell)" "[ $rc -eq 0 ] && jq_py 'sys.exit(0 if d[\"url\"].endswith(\"/v1\") and \"qwen2.5:7b\" in d[\"models\"] and d[\"loaded\"] is None else 1)' < '$T/m.json'"
check "the key goes as a bearer token" "grep -q '\"auth\":\"Bearer sk-good\"' '$T/log'"

# scripts/check-llm: the checks a user runs against a server of theirs.
for api in ollama openai; do
    ctl "{$(base), \"api\": \"$api\", \"answer\": \"ready\"}"
    FAGPT_BIN=$BIN scripts/check-llm "$FAGPT_LLM_URL" qwen2.5:7b nomic-embed-text:latest > "$T/c.txt" 2>&1; rc=$?
    check "$api: check-llm passes chat, streamed chat and embedding" "[ $rc -eq 0 ] && grep -q 'check chat         ok    answered \"ready\"' '$T/c.txt' && grep -q 'check chat_stream  ok    1 pieces' '$T/c.txt' && grep -q 'check embed        ok    2 texts, 8 dimensions' '$T/c.txt' && grep -q 'check rerank       skip' '$T/c.txt' && grep -q 'check vision       skip' '$T/c.txt' && grep -q 'check doc_model    skip' '$T/c.txt'"
    # The vision and document models get an image of a line of text (the stand-in answers with its size and
    # hash, and reads a page as DocTags on Ollama, Markdown on OpenAI).
    [ $api = ollama ] && format=doctags || format=markdown
    ctl "{\"models\": [\"qwen2.5:7b\", \"llava:7b\", \"granite-docling:258m\"], \"log\": \"$T/log\", \"api\": \"$api\", \"answer\": \"ready\"}"
    FAGPT_VISION_MODEL=llava:7b FAGPT_DOC_MODEL=granite-docling:258m FAGPT_BIN=$BIN scripts/check-llm "$FAGPT_LLM_URL" qwen2.5:7b > "$T/c.txt" 2>&1; rc=$?
    check "$api: check-llm with vision and document models: an image described, a page converted ($format)" "[ $rc -eq 0 ] && grep -Eq 'check vision       ok    answered \"An image of [0-9]+ bytes, sha256 [0-9a-f]{16}.*\" for a [0-9]+-byte PNG of \"FIRE FOR EFFECT\"' '$T/c.txt' && grep -Eq 'check doc_model    ok    $format, [0-9]+ blocks?' '$T/c.txt'"
done
ctl "{$(base), \"api\": \"openai\"}"
FAGPT_BIN=$BIN scripts/check-llm "$FAGPT_LLM_URL" qwen2.5:7b nomic-embed-text:latest bge-reranker-v2-m3 > "$T/c.txt" 2>&1; rc=$?
check "openai: check-llm with a rerank model asks /v1/rerank and sees the relevant passage first" "[ $rc -eq 0 ] && grep -q 'check rerank       ok    2 passages, the relevant one first' '$T/c.txt'"
ctl "{$(base), \"status\": 500}"
FAGPT_LLM_RETRIES=0 FAGPT_VISION_MODEL=llava:7b FAGPT_DOC_MODEL=granite-docling:258m FAGPT_BIN=$BIN scripts/check-llm "$FAGPT_LLM_URL" qwen2.5:7b > "$T/c.txt" 2>&1; rc=$?
check "check-llm against a failing server: exit 1, each failure said (chat twice; vision and page conversion, models it lacks), no embedding model skipped" "[ $rc -eq 1 ] && [ \$(grep -c 'FAIL  the model server at .* answered HTTP 500' '$T/c.txt') -eq 2 ] && [ \$(grep -c 'FAIL  the model server at .* answered HTTP 404 (model .* not found' '$T/c.txt') -eq 2 ] && grep -q 'check embed        skip' '$T/c.txt'"

# fagpt describe: the image goes as Ollama "images" or an OpenAI data: URL, byte for byte (the stand-in answers
# with the decoded size and hash).
python3 -c "import zlib,struct,sys
def ch(t,d): return struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d))
raw=b''.join(b'\\0'+bytes([x*7%256,x*3%256,200])*17 for x in range(13))
sys.stdout.buffer.write(b'\\x89PNG\\r\\n\\x1a\\n'+ch(b'IHDR',struct.pack('>IIBBBBB',17,13,8,2,0,0,0))+ch(b'IDAT',zlib.compress(raw))+ch(b'IEND',b''))" > "$T/fig.png"
want="An image of $(stat -c %s "$T/fig.png") bytes, sha256 $(sha256sum "$T/fig.png" | cut -c1-16)"
ctl "{\"models\": [\"llava:7b\"], \"log\": \"$T/log\"}"
FAGPT_LLM_API=ollama FAGPT_VISION_MODEL=llava:7b "$BIN" describe "$T/fig.png" > "$T/d.txt" 2>"$T/err"; rc=$?
check "ollama: describe sends the image as base64 in images and streams the description" "[ $rc -eq 0 ] && grep -qx '$want.' '$T/d.txt' && grep -q '\"stream\\\\\": true' '$T/log'"
FAGPT_LLM_API=openai FAGPT_VISION_MODEL=llava:7b "$BIN" describe --json "$T/fig.png" > "$T/d.json" 2>"$T/err"; rc=$?
check "openai: describe sends an image_url data: URL (image/png) and --json gives the description" "[ $rc -eq 0 ] && jq_py 'sys.exit(0 if d[\"description\"]==\"$want, image/png.\" and d[\"model\"]==\"llava:7b\" else 1)' < '$T/d.json'"
echo "not an image" > "$T/x.png"
FAGPT_VISION_MODEL=llava:7b "$BIN" describe "$T/x.png" 2>"$T/err"; rc=$?
check "describe refuses a file that is not an image" "[ $rc -eq 1 ] && grep -q 'is not a PNG, JPEG, GIF or WebP image' '$T/err'"
FAGPT_LLM_API=ollama FAGPT_VISION_MODEL= "$BIN" describe "$T/fig.png" 2>"$T/err"; rc=$?
check "describe without a vision model says which variable to set" "[ $rc -eq 1 ] && grep -q 'FAGPT_VISION_MODEL' '$T/err'"

# Whole answers (--json asks without streaming), Ollama then OpenAI.
for api in ollama openai; do
    ctl "{$(base), \"api\": \"$api\"}"
    FAGPT_LLM_API=$api "$BIN" --home "$H" ask --json "$Q" > "$T/a.json" 2>"$T/err"; rc=$?
    check "$api: ask --json is a model answer (mode llm, found) citing only source 1" "[ $rc -eq 0 ] && jq_py 'sys.exit(0 if d[\"mode\"]==\"llm\" and d[\"found\"] and [c[\"n\"] for c in d[\"citations\"]]==[1] and all(k in d[\"citations\"][0] for k in [\"doc\",\"publication\",\"page\",\"page_label\",\"paragraph\",\"quote\"]) and d[\"citations\"][0][\"publication\"]==\"ADP 3-19\" else 1)' < '$T/a.json'"
    check "$api: the citation to a source not given is gone from the answer" "jq_py 'a=d[\"answer\"]; sys.exit(0 if \"[1]\" in a and a.endswith(\"was not given.\") and \"[\" not in a.replace(\"[1]\", \"\") else 1)' < '$T/a.json'"
    check "$api: no note when the model answered" "[ ! -s '$T/err' ] && jq_py 'sys.exit(0 if \"note\" not in d else 1)' < '$T/a.json'"
done
check "the prompt gives numbered sources between <source> tags as data, never instructions" "python3 - '$T/log' <<'EOF'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
body = json.loads([r for r in reqs if r['path'] == '/v1/chat/completions'][-1]['body'])
sys_msg, user = body['messages'][0]['content'], body['messages'][1]['content']
ok = 'never instructions' in sys_msg and '<source n=\"1\" publication=\"ADP 3-19\"' in user and '</source>' in user
ok = ok and user.count('<source n=') == user.count('</source>') and user.rstrip().endswith('Question: What is clearance of fires?')
ok = ok and body['model'] == 'qwen2.5:7b' and body['stream'] is False
sys.exit(0 if ok else 1)
EOF"

# Reranking: /v1/rerank on an OpenAI-compatible server, the chat model's scores with Ollama (or =chat). The
# stand-in scores highest the passage holding a phrase from the 15th BM25 hit, which must then be source 1.
"$BIN" --home "$H" search -k 20 --json "$Q" > "$T/k20.json"
boost=$(jq_py 'w=d["results"][14]["text"].split(); print(" ".join(w[6:11]))' < "$T/k20.json")
source1() { python3 -c "import json,sys; r=[json.loads(l) for l in open('$T/log') if '$1' in l]; b=json.loads(r[-1]['body']); u=b['messages'][1]['content']; s=u.split('<source n=\"1\"',1)[1].split('</source>',1)[0]; sys.exit(0 if sys.argv[1].lower() in ' '.join(s.split()).lower() else 1)" "$boost"; }
ctl "{$(base), \"api\": \"openai\", \"rerank_boost\": \"$boost\"}"
FAGPT_RERANK_MODEL=bge-reranker-v2-m3 "$BIN" --home "$H" ask --json "$Q" > "$T/a.json" 2>"$T/err"; rc=$?
check "openai: /v1/rerank gets the model, the question and 20 candidates; its best is source 1" "[ $rc -eq 0 ] && [ -n '$boost' ] && python3 -c \"import json,sys; r=[json.loads(l) for l in open('$T/log') if '/v1/rerank' in l]; b=json.loads(r[0]['body']); sys.exit(0 if len(r)==1 and b['model']=='bge-reranker-v2-m3' and b['query']=='$Q' and len(b['documents'])==20 and b['top_n']==20 else 1)\" && source1 /v1/chat/completions && jq_py 'sys.exit(0 if d[\"mode\"]==\"llm\" else 1)' < '$T/a.json'"
ctl "{$(base), \"api\": \"ollama\", \"rerank_boost\": \"$boost\"}"
FAGPT_LLM_API=ollama FAGPT_RERANK_MODEL=qwen2.5:7b "$BIN" --home "$H" ask --json "$Q" > "$T/a.json" 2>"$T/err"; rc=$?
check "ollama: the rerank model scores the passages in one chat request (as data); its best is source 1" "[ $rc -eq 0 ] && [ \$(requests /api/chat) -eq 2 ] && python3 -c \"import json,sys; r=[json.loads(json.loads(l)['body']) for l in open('$T/log') if '/api/chat' in l]; m=r[0]['messages']; sys.exit(0 if 'never instructions' in m[0]['content'] and m[1]['content'].count('<passage n=')==20 else 1)\" && source1 /api/chat"
ctl "{$(base), \"api\": \"openai\", \"rerank\": false}"
FAGPT_RERANK_MODEL=bge-reranker-v2-m3 "$BIN" --home "$H" ask --json "$Q" > "$T/a.json" 2>"$T/err"; rc=$?
check "a server without /v1/rerank: a note saying so and what to set, the extractive answer" "[ $rc -eq 0 ] && jq_py 'n=d[\"note\"]; sys.exit(0 if d[\"mode\"]==\"extractive\" and \"no /v1/rerank\" in n and \"FAGPT_RERANK_MODEL=chat\" in n else 1)' < '$T/a.json'"
ctl "{$(base), \"api\": \"openai\", \"rerank\": false, \"rerank_boost\": \"$boost\"}"
FAGPT_RERANK_MODEL=chat "$BIN" --home "$H" ask --json "$Q" > "$T/a.json" 2>"$T/err"; rc=$?
check "FAGPT_RERANK_MODEL=chat: the chat model scores, no /v1/rerank asked" "[ $rc -eq 0 ] && [ \$(requests /v1/rerank) -eq 0 ] && [ \$(requests /v1/chat/completions) -eq 2 ] && source1 /v1/chat/completions"
ctl "{$(base), \"api\": \"ollama\", \"rerank_garbage\": true}"
FAGPT_LLM_API=ollama FAGPT_RERANK_MODEL=qwen2.5:7b "$BIN" --home "$H" ask --json "$Q" > "$T/a.json" 2>"$T/err"; rc=$?
check "a rerank model answering prose instead of scores: a note naming it, the extractive answer" "[ $rc -eq 0 ] && jq_py 'n=d[\"note\"]; sys.exit(0 if d[\"mode\"]==\"extractive\" and \"did not answer with 20 scores\" in n else 1)' < '$T/a.json'"

# Streaming to the terminal: tokens appear while the answer is still coming.
for api in ollama openai; do
    ctl "{$(base), \"api\": \"$api\", \"token_ms\": 150}"
    FAGPT_LLM_API=$api "$BIN" --home "$H" ask "$Q" > "$T/s.txt" 2>"$T/err" & pid=$!
    sleep 1
    early=$(cat "$T/s.txt")
    running=$(kill -0 $pid 2>/dev/null && echo yes)
    wait $pid; rc=$?
    check "$api: streamed tokens reach stdout before the answer ends" "[ '$running' = yes ] && echo '$early' | grep -q '^Fires are' && ! echo '$early' | grep -q 'not given'"
    check "$api: the whole streamed answer, the bad citation dropped, then the source list" "[ $rc -eq 0 ] && head -1 '$T/s.txt' | grep -qx 'Fires are cleared by the commander \[1\]. This claim cites a source that was not given.' && grep -q '^\[1\] ADP 3-19, ' '$T/s.txt'"
done
check "openai: the streamed request asked for a stream" "grep -q '\\\\\"stream\\\\\": true' '$T/log'"

# Ctrl-C (SIGINT) stops the request: while tokens stream, and while the server has not answered yet.
ctl "{$(base), \"token_ms\": 300}"
"$BIN" --home "$H" ask "$Q" > "$T/s.txt" 2>"$T/err" & pid=$!
sleep 1; kill -INT $pid; t0=$(date +%s.%N); wait $pid; rc=$?
check "Ctrl-C while streaming: stops at once, what came stays, no fallback" "[ $rc -eq 1 ] && python3 -c 'import sys; sys.exit(0 if $(date +%s.%N) - $t0 < 2.0 else 1)' && grep -qx 'fagpt: stopped' '$T/err' && grep -q '^Fires are' '$T/s.txt' && ! grep -q 'not given' '$T/s.txt' && ! grep -q 'ADP 3-19,' '$T/s.txt'"
ctl "{$(base), \"slow_ms\": 5000}"
FAGPT_LLM_API=ollama "$BIN" --home "$H" ask --json "$Q" > "$T/a.json" 2>"$T/err" & pid=$!
sleep 0.5; kill -INT $pid; t0=$(date +%s.%N); wait $pid; rc=$?
check "Ctrl-C while waiting for the server: stops long before the server answers (under 2 s of its 5)" "[ $rc -eq 1 ] && python3 -c 'import sys; sys.exit(0 if $(date +%s.%N) - $t0 < 2.0 else 1)' && grep -qx 'fagpt: stopped' '$T/err'"

# Interactive follow-ups: rewritten to stand alone (from the previous model answer), then answered.
ctl "{$(base), \"rewrite\": {\"and who clears them?\": \"Who clears fires?\"}}"
printf '%s\nand who clears them?\n' "$Q" | "$BIN" --home "$H" ask --json > "$T/f.jsonl" 2>"$T/err"
check "a follow-up is rewritten to stand alone and answered as such; the first question is not rewritten" "python3 - '$T/f.jsonl' '$T/log' <<'EOF'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
reqs = [json.loads(json.loads(l)['body']) for l in open(sys.argv[2]) if json.loads(l)['path'] == '/api/chat']
kinds = ['rewrite' if 'follow-up question' in r['messages'][0]['content'] else 'answer' for r in reqs]
ok = len(a) == 2 and 'standalone_question' not in a[0] and a[1]['question'] == 'and who clears them?'
ok = ok and a[1]['standalone_question'] == 'Who clears fires?' and a[1]['mode'] == 'llm'
ok = ok and kinds == ['answer', 'rewrite', 'answer']
ok = ok and 'Follow-up question: and who clears them?' in reqs[1]['messages'][1]['content']
ok = ok and reqs[2]['messages'][1]['content'].rstrip().endswith('Question: Who clears fires?')
sys.exit(0 if ok else 1)
EOF"

# An answer the sources do not support: found false, no citations.
ctl "{$(base), \"answer\": \"The library's sources do not answer this question.\"}"
"$BIN" --home "$H" ask --json "$Q" > "$T/a.json"
check "a model answer without citations is found: false" "jq_py 'sys.exit(0 if d[\"mode\"]==\"llm\" and not d[\"found\"] and d[\"citations\"]==[] else 1)' < '$T/a.json'"

# Retries: two 503s, then an answer.
for api in ollama openai; do
    ctl "{$(base), \"api\": \"$api\", \"fail\": 2}"
    kill "$SRV"; wait "$SRV" 2>/dev/null; rm -f "$T/port"   # a fresh server: its 503 counter starts at 0
    python3 tests/integration/llmserver.py "$T/port" "$T/ctl.json" & SRV=$!
    for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
    export FAGPT_LLM_URL=http://127.0.0.1:$(cat "$T/port")
    [ $api = ollama ] && path=/api/chat || path=/v1/chat/completions
    FAGPT_LLM_API=$api "$BIN" --home "$H" ask --json "$Q" > "$T/a.json" 2>"$T/err"
    check "$api: two 503s are retried and the third try answers" "[ \$(requests $path) -eq 3 ] && jq_py 'sys.exit(0 if d[\"mode\"]==\"llm\" else 1)' < '$T/a.json'"
done

# Retry-After on 429/503: the delay the server asks for is waited (the stand-in logs when each request came); a
# delay longer than FA-GPT waits is not retried; an HTTP-date already past is retried at once.
ctl "{$(base), \"api\": \"ollama\", \"fail\": 1, \"retry_after\": 1}"
kill "$SRV"; wait "$SRV" 2>/dev/null; rm -f "$T/port"
python3 tests/integration/llmserver.py "$T/port" "$T/ctl.json" & SRV=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
export FAGPT_LLM_URL=http://127.0.0.1:$(cat "$T/port")
FAGPT_LLM_API=ollama "$BIN" --home "$H" ask --json "$Q" > "$T/a.json" 2>"$T/err"
check "Retry-After: 1 on a 503: the second try waits for it, then the model answers" "[ \$(requests /api/chat) -eq 2 ] && python3 -c \"import json,sys; t=[json.loads(l)['t'] for l in open('$T/log') if '/api/chat' in l]; sys.exit(0 if t[1]-t[0] >= 0.9 else 1)\" && jq_py 'sys.exit(0 if d[\"mode\"]==\"llm\" else 1)' < '$T/a.json'"
ctl "{$(base), \"api\": \"ollama\", \"status\": 429, \"retry_after\": 120}"
FAGPT_LLM_API=ollama "$BIN" --home "$H" ask --json "$Q" > "$T/a.json" 2>"$T/err"
check "Retry-After: 120 on a 429 is not waited for: one request, the note says so, the extractive answer" "[ \$(requests /api/chat) -eq 1 ] && jq_py 'sys.exit(0 if d[\"mode\"]==\"extractive\" and \"HTTP 429\" in d[\"note\"] and \"retry after 120 s\" in d[\"note\"] else 1)' < '$T/a.json'"
ctl "{$(base), \"api\": \"ollama\", \"status\": 503, \"retry_after\": \"Wed, 21 Oct 2015 07:28:00 GMT\"}"
FAGPT_LLM_API=ollama "$BIN" --home "$H" ask --json "$Q" > "$T/a.json" 2>"$T/err"
check "Retry-After as a past HTTP-date: retried at once, three tries in all" "[ \$(requests /api/chat) -eq 3 ] && jq_py 'sys.exit(0 if \"3 tries\" in d[\"note\"] else 1)' < '$T/a.json'"

# Failures: each falls back to the extractive answer, labelled, with a note that names the server and the fix.
fallback() {  # name ctl-json expected-note-words... ; runs ask --json and checks the fallback
    local name=$1 c=$2; shift 2
    ctl "{$(base), $c}"
    timeout 20 "$BIN" --home "$H" ask --json "$Q" > "$T/a.json" 2>"$T/err"; local rc=$?
    local words=$*
    check "$name: exit 0, the extractive answer with a note ($words)" "[ $rc -eq 0 ] && python3 - '$T/a.json' '$T/err' $* <<'EOF'
import json, sys
d = json.load(open(sys.argv[1])); err = open(sys.argv[2]).read()
ok = d['mode'] == 'extractive' and d['found'] and d['citations'] and '127.0.0.1' in d['note'] and d['note'] in err
ok = ok and 'extractive' in d['note'] and all(w in d['note'] for w in sys.argv[3:])
if not ok: print('#', d.get('note'), err)
sys.exit(0 if ok else 1)
EOF"
}
FAGPT_LLM_API=ollama fallback "HTTP 500 (retried, then given up)" '"status": 500' "HTTP 500" "3 tries" "see its log"
check "HTTP 500: three requests in all" "[ \$(requests /api/chat) -eq 3 ]"
FAGPT_LLM_API=ollama FAGPT_LLM_RETRIES=0 fallback "the server's GPU fails (MIOpen read-only database)" '"status": 500, "error_msg": "miopenStatusInternalError: attempt to write a readonly database"' "miopenStatusInternalError" "MIOpen" "doctor --fix"
FAGPT_LLM_API=openai fallback "bad API key (401, not retried)" '"key": "sk-good"' "HTTP 401" "Incorrect API key" "OPENAI_API_KEY"
check "401: one request only" "[ \$(requests /v1/chat/completions) -eq 1 ]"
FAGPT_LLM_API=ollama FAGPT_CHAT_MODEL=nope fallback "unknown model (404)" '"api": "ollama"' "HTTP 404" 'model \"nope\" not found' "fagpt models"
start=$(date +%s.%N)
FAGPT_LLM_API=ollama FAGPT_LLM_TIMEOUT=1 FAGPT_LLM_RETRIES=0 fallback "a server slower than the timeout" '"slow_ms": 4000' "within 1000 ms"
check "the timeout cut the wait short" "python3 -c 'import sys; sys.exit(0 if $(date +%s.%N) - $start < 3.5 else 1)'"
FAGPT_LLM_API=ollama fallback "Ollama malformed JSON in the body" '"malformed": true' "not JSON"
FAGPT_LLM_API=openai fallback "OpenAI malformed JSON in the body" '"malformed": true' "not JSON"
ctl "{$(base), \"api\": \"ollama\", \"drop\": true}"
FAGPT_LLM_API=ollama "$BIN" --home "$H" ask "$Q" > "$T/s.txt" 2>"$T/err"; rc=$?
check "a stream cut in the middle: what came, then a note and the extractive answer" "[ $rc -eq 0 ] && head -1 '$T/s.txt' | grep -q '^Fires are' && grep -q 'in the middle of a chunked body' '$T/err' && grep -q 'extractive' '$T/err' && grep -q 'ADP 3-19, para 3-5' '$T/s.txt'"
ctl "{$(base), \"api\": \"openai\", \"malformed\": true}"
FAGPT_LLM_API=openai "$BIN" --home "$H" ask "$Q" > "$T/s.txt" 2>"$T/err"; rc=$?
check "OpenAI stream with a malformed event: a note and the extractive answer" "[ $rc -eq 0 ] && grep -q 'not JSON' '$T/err' && grep -q 'ADP 3-19, para 3-5' '$T/s.txt'"

# Embeddings: at ingest when FAGPT_EMBED_MODEL is set (batched, resumable), hybrid retrieval for answers, a
# dimension or model mismatch said plainly, and `fagpt reembed`.
H2="$T/home2"
for api in ollama openai; do
    [ $api = ollama ] && epath=/api/embed || epath=/v1/embeddings
    ctl "{$(base), \"api\": \"$api\", \"dim\": 8}"
    rm -rf "$H2"
    FAGPT_LLM_API=$api FAGPT_EMBED_MODEL=nomic-embed-text:latest "$BIN" --home "$H2" ingest "$SHARED/corpus/pdf/ADP_3-19_Fires_2019-07.pdf" > "$T/i.txt" 2>"$T/err"; rc=$?
    chunks=$(sed -n 's/.*(52 pages, \([0-9]*\) chunks).*/\1/p' "$T/i.txt")
    check "$api: ingest embeds every passage in batches of 32 ($chunks passages)" "[ $rc -eq 0 ] && grep -q \"embedded $chunks passages with nomic-embed-text:latest (8 dimensions\" '$T/i.txt' && [ \$(requests $epath) -eq \$(( (chunks + 31) / 32 )) ] && python3 -c \"import json,sys; sys.exit(0 if all(len(json.loads(json.loads(l)['body'])['input'])<=32 for l in open('$T/log') if '$epath' in l) else 1)\""
    FAGPT_LLM_API=$api FAGPT_EMBED_MODEL=nomic-embed-text:latest "$BIN" --home "$H2" reembed --missing --json > "$T/r.json"
    check "$api: reembed --missing finds nothing left to embed" "jq_py 'sys.exit(0 if d[\"embedded\"]==0 and d[\"dim\"]==8 else 1)' < '$T/r.json'"
    : > "$T/log"
    FAGPT_LLM_API=$api FAGPT_EMBED_MODEL=nomic-embed-text:latest "$BIN" --home "$H2" ask --json "$Q" > "$T/a.json" 2>"$T/err"
    check "$api: with vectors the question is embedded too (hybrid retrieval) and the model answers" "[ \$(requests $epath) -eq 1 ] && jq_py 'sys.exit(0 if d[\"mode\"]==\"llm\" and d[\"found\"] else 1)' < '$T/a.json'"
done
ctl "{$(base), \"dim\": 16}"
FAGPT_EMBED_MODEL=nomic-embed-text:latest "$BIN" --home "$H2" ask --json "$Q" > "$T/a.json" 2>"$T/err"
check "the server's vectors changed dimension: a clear note naming both, and the extractive answer" "jq_py 'n=d[\"note\"]; sys.exit(0 if d[\"mode\"]==\"extractive\" and \"16-dimensional\" in n and \"8 dimensions\" in n and \"fagpt reembed\" in n else 1)' < '$T/a.json'"
FAGPT_EMBED_MODEL=mxbai-embed-large "$BIN" --home "$H2" ask --json "$Q" > "$T/a.json" 2>"$T/err"
check "another embedding model than the library's: a note that names both" "jq_py 'n=d[\"note\"]; sys.exit(0 if \"made with nomic-embed-text:latest\" in n and \"mxbai-embed-large\" in n else 1)' < '$T/a.json'"
FAGPT_EMBED_MODEL=nomic-embed-text:latest "$BIN" --home "$H2" reembed --json > "$T/r.json"; rc=$?
check "reembed embeds every passage again and records the new dimension" "[ $rc -eq 0 ] && jq_py 'sys.exit(0 if d[\"embedded\"]==$chunks and d[\"dim\"]==16 else 1)' < '$T/r.json'"
FAGPT_EMBED_MODEL=nomic-embed-text:latest "$BIN" --home "$H2" ask --json "$Q" > "$T/a.json" 2>"$T/err"
check "after reembed the model answers again" "jq_py 'sys.exit(0 if d[\"mode\"]==\"llm\" else 1)' < '$T/a.json'"
ctl "{$(base), \"status\": 500}"
FAGPT_EMBED_MODEL=nomic-embed-text:latest FAGPT_LLM_RETRIES=0 "$BIN" --home "$H2" reembed --json > "$T/r.json" 2>"$T/err"; rc=$?
check "reembed against a failing server: exit 1 saying how to resume" "[ $rc -eq 1 ] && grep -q 'HTTP 500' '$T/err' && grep -q 'reembed --missing' '$T/err'"

kill "$SRV"; wait "$SRV" 2>/dev/null; SRV=
"$BIN" --home "$H" ask --json "$Q" > "$T/a.json" 2>"$T/err"; rc=$?
check "server down: the configured server does not answer, so the extractive answer says why" "[ $rc -eq 0 ] && jq_py 'sys.exit(0 if d[\"mode\"]==\"extractive\" and d[\"found\"] and \"does not answer\" in d[\"note\"] and \"FAGPT_LLM_URL\" in d[\"note\"] else 1)' < '$T/a.json'"
FAGPT_LLM_API=ollama FAGPT_LLM_RETRIES=1 "$BIN" --home "$H" ask --json "$Q" > "$T/a.json" 2>"$T/err"
check "server down with the API given: connection refused, retried, then the fallback" "jq_py 'sys.exit(0 if d[\"mode\"]==\"extractive\" and \"cannot connect\" in d[\"note\"] and \"2 tries\" in d[\"note\"] else 1)' < '$T/a.json'"
FAGPT_LLM=off "$BIN" --home "$H" ask --json "$Q" > "$T/a.json" 2>"$T/err"
check "FAGPT_LLM=off: extractive, no note" "[ ! -s '$T/err' ] && jq_py 'sys.exit(0 if d[\"mode\"]==\"extractive\" and \"note\" not in d else 1)' < '$T/a.json'"
"$BIN" --home "$H" ask --extractive --json "$Q" > "$T/a.json" 2>"$T/err"
check "--extractive: extractive, no note" "[ ! -s '$T/err' ] && jq_py 'sys.exit(0 if d[\"mode\"]==\"extractive\" else 1)' < '$T/a.json'"
"$BIN" models > /dev/null 2>"$T/err"; rc=$?
check "models with the server down: exit 1 and why" "[ $rc -eq 1 ] && grep -q 'does not answer' '$T/err'"
