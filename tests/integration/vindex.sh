#!/bin/bash
# vindex.sh - the HNSW vector index through the CLI, against the stand-in model server: embedding at ingest
# builds and stores the graph (vector_index, with the vector set's generation), questions use it, a second
# document updates it, removing a document removes its vectors from it, and a bad FAGPT_VECTOR_INDEX is refused.
. "$(dirname "$0")/common.bash"
[ -x "$BIN" ] || { echo "not ok - build/fagpt missing (run make)"; exit 1; }
unset OLLAMA_HOST OPENAI_BASE_URL OPENAI_API_KEY FAGPT_LLM FAGPT_LLM_API FAGPT_RERANK_MODEL FAGPT_CONFIG
echo '{"models": ["qwen2.5:7b", "nomic-embed-text:latest"], "dim": 16}' > "$T/ctl.json"
python3 tests/integration/llmserver.py "$T/port" "$T/ctl.json" & SRV=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
export FAGPT_LLM_URL=http://127.0.0.1:$(cat "$T/port") FAGPT_LLM_API=ollama FAGPT_CHAT_MODEL=qwen2.5:7b
export FAGPT_EMBED_MODEL=nomic-embed-text FAGPT_VECTOR_INDEX=hnsw
H="$T/home"
db() { python3 -c "import sqlite3,sys; c=sqlite3.connect('$H/library.db'); print('|'.join(str(x) for r in c.execute(sys.argv[1]) for x in r))" "$1"; }
"$BIN" --home "$H" ingest "$SHARED/corpus/pdf/ADP_3-19_Fires_2019-07.pdf" > "$T/i.txt" 2>&1; rc=$?
chunks=$(db "SELECT count(*) FROM chunks")
check "ingest embeds and stores the HNSW graph: model, dimension, every vector, the current generation" "[ $rc -eq 0 ] && [ \"\$(db \"SELECT model, dim, kind, count, gen = (SELECT gen FROM vector_gen) FROM vector_index\")\" = 'nomic-embed-text|16|hnsw|$chunks|1' ]"
"$BIN" --home "$H" ask --json "What is clearance of fires?" > "$T/a.json" 2>"$T/err"; rc=$?
check "a question with the HNSW index: a model answer" "[ $rc -eq 0 ] && python3 -c \"import json,sys; d=json.load(open('$T/a.json')); sys.exit(0 if d['mode']=='llm' and d['found'] else 1)\""
"$BIN" --home "$H" ingest "$SHARED/corpus/pdf/ADP_4-0_Sustainment_2019-07.pdf" > "$T/i.txt" 2>&1; rc=$?
all=$(db "SELECT count(*) FROM chunks")
check "a second document: the stored graph holds both documents' vectors" "[ $rc -eq 0 ] && [ $all -gt $chunks ] && [ \"\$(db \"SELECT count, gen = (SELECT gen FROM vector_gen) FROM vector_index\")\" = '$all|1' ]"
"$BIN" --home "$H" rm "ADP 3-19" > /dev/null 2>&1
"$BIN" --home "$H" search -k 3 "clearance of fires" > /dev/null 2>&1
"$BIN" --home "$H" ask --json "What is clearance of fires?" > "$T/a.json" 2>"$T/err"; rc=$?
left=$(db "SELECT count(*) FROM chunk_vectors")
check "removing a document: its vectors leave the table and the graph (stored again at the new generation)" "[ $rc -eq 0 ] && [ $left -eq \$((all - chunks)) ] && [ \"\$(db \"SELECT count, gen = (SELECT gen FROM vector_gen) FROM vector_index\")\" = '$left|1' ] && ! grep -q 'ADP 3-19' '$T/a.json'"
FAGPT_VECTOR_INDEX=annoy "$BIN" --home "$H" ask --json "What is clearance of fires?" > "$T/a.json" 2>"$T/err"; rc=$?
check "FAGPT_VECTOR_INDEX=annoy: a note naming the variable and the choices, the extractive answer" "[ $rc -eq 0 ] && python3 -c \"import json,sys; d=json.load(open('$T/a.json')); sys.exit(0 if d['mode']=='extractive' and 'FAGPT_VECTOR_INDEX' in d['note'] and 'hnsw' in d['note'] else 1)\""
