#!/bin/bash
# bench/llm.sh (part of make bench): the overhead our side adds to a model answer, and embedding throughput at
# ingest, against the stand-in server (tests/integration/llmserver.py) over the corpus; then the vector index at
# library sizes beyond the corpus (bench/vec_bench.c: exact float32, int8, HNSW at VEC_SIZES vectors of 768
# dimensions, default 10,000, 100,000 and 1,000,000); writes build/bench/llm-latest.md. The first figures
# include the stand-in's own time, so they bound ours from above.
set -eu
cd "$(dirname "$0")/.."
SHARED=${FAGPT_SHARED:-$(cd .. && pwd)/shared}
W=$(mktemp -d)
SRV=
trap '[ -n "$SRV" ] && kill "$SRV"; rm -rf "$W"' EXIT
out=build/bench/llm-latest.md
mkdir -p build/bench
make -s build/fagpt build/bench/llm_bench build/bench/vec_bench
echo '{"models": ["qwen2.5:7b", "nomic-embed-text:latest"], "dim": 768}' > "$W/ctl.json"
python3 tests/integration/llmserver.py "$W/port" "$W/ctl.json" & SRV=$!
for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.05; done
export FAGPT_LLM_URL=http://127.0.0.1:$(cat "$W/port") FAGPT_LLM_API=ollama FAGPT_CHAT_MODEL=qwen2.5:7b
embed=$(FAGPT_EMBED_MODEL=nomic-embed-text build/fagpt --home "$W/h" ingest "$SHARED/corpus/pdf" 2>/dev/null |
        grep '^embedded' || true)
lexical=$(FAGPT_EMBED_MODEL= build/bench/llm_bench "$W/h/library.db" 3 "$SHARED/eval/retrieval-dev.jsonl")
hybrid=$(FAGPT_EMBED_MODEL=nomic-embed-text build/bench/llm_bench "$W/h/library.db" 3 "$SHARED/eval/retrieval-dev.jsonl")
{
    echo "# Model answers: our overhead ($(date -u +%Y-%m-%d), $(nproc) cores)"
    echo
    echo "- answer, BM25 retrieval: $lexical"
    echo "- answer, hybrid retrieval (question embedded, 768 dimensions): $hybrid"
    echo "- ingest embedding (768 dimensions, batches of 32): $embed"
    echo
    echo "Vector index, 768 dimensions, clustered vectors, 100 queries, k = 10:"
    echo
    build/bench/vec_bench 768 100 1000000 ${VEC_SIZES:-10000 100000 1000000}
} | tee "$out"
