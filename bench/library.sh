#!/bin/bash
# bench/library.sh (part of make bench): FA-GPT beside its peers on the same machine, in one run; writes
# build/bench/library-latest.md (copy the figures into bench/RESULTS.md with the date when they change).
#   ingest of ../shared/corpus/pdf (no OCR): fagpt (1 worker and one per core) vs pdftotext and mutool draw -F txt
#   peak memory of ingest (max RSS)
#   search latency p50/p95 at the corpus's size and with the corpus replicated to BENCH_CHUNKS chunks
set -eu
cd "$(dirname "$0")/.."
SHARED=${FAGPT_SHARED:-$(cd .. && pwd)/shared}
CORPUS=$SHARED/corpus/pdf
BENCH_CHUNKS=${BENCH_CHUNKS:-1000000}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
out=build/bench/library-latest.md
mkdir -p build/bench
make -s build/fagpt build/bench/search_bench
search_bench=build/bench/search_bench

. bench/timing.bash
pdfs=("$CORPUS"/*.pdf)
pages=$(for f in "${pdfs[@]}"; do pdfinfo "$f" 2>/dev/null | awk '/^Pages:/{print $2}'; done | awk '{s+=$1} END {print s}')
t_pdftotext=$(best_of_3 bash -c 'for f in "$@"; do pdftotext -q "$f" /dev/null; done' _ "${pdfs[@]}")
t_mutool=$(best_of_3 bash -c 'for f in "$@"; do mutool draw -q -F txt -o /dev/null "$f"; done' _ "${pdfs[@]}")
# The peers read text layers as they are, so FA-GPT is timed without OCR too; OCR is timed on its own below.
t_fagpt1=$(best_of_3 bash -c 'rm -rf "$1"; build/fagpt --home "$1" ingest --no-ocr --workers 1 "$2"' _ "$W/h1" "$CORPUS")
t_fagpt=$(best_of_3 bash -c 'rm -rf "$1"; build/fagpt --home "$1" ingest --no-ocr "$2"' _ "$W/h" "$CORPUS")
# The same with --no-figures (no figures found: captions stay in the page text) for comparison; with figures,
# ingest finds them and records their boxes, and their PNGs are drawn when first viewed (or during ingest for a
# vision model, which this does not configure).
t_text1=$(best_of_3 bash -c 'rm -rf "$1"; build/fagpt --home "$1" ingest --no-ocr --no-figures --workers 1 "$2"' _ "$W/t1" "$CORPUS")
t_text=$(best_of_3 bash -c 'rm -rf "$1"; build/fagpt --home "$1" ingest --no-ocr --no-figures "$2"' _ "$W/t" "$CORPUS")
rm -rf "$W/m"
rss_kb=$(/usr/bin/time -f '%M' build/fagpt --home "$W/m" ingest --no-ocr "$CORPUS" 2>&1 >/dev/null | tail -1)
rm -rf "$W/o"
t_ocr0=$(date +%s.%N)
rss_ocr_kb=$(/usr/bin/time -f '%M' build/fagpt --home "$W/o" ingest "$CORPUS" 2>&1 >/dev/null | tail -1)
t_ocr=$(echo "$t_ocr0 $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
search_small=$("$search_bench" "$W/h/library.db" 20 "$SHARED/eval/retrieval-dev.jsonl" tests/data/questions.jsonl)
chunks=$(sqlite3 "$W/h/library.db" 'SELECT count(*) FROM chunks')

# Replicate the corpus's chunks (and pages, which search also ranks) to BENCH_CHUNKS chunks.
cp "$W/h/library.db" "$W/big.db"
copies=$(( (BENCH_CHUNKS + chunks - 1) / chunks - 1 ))
t0=$(date +%s)
sqlite3 "$W/big.db" <<SQL
PRAGMA journal_mode=WAL;
CREATE TEMP TABLE n(i INTEGER PRIMARY KEY);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $copies) INSERT INTO n SELECT i FROM c;
INSERT INTO documents (path, file_name, sha256, publication, title, pub_date, pages, chunks, ingested_at, size_bytes)
  SELECT d.path || '#' || n.i, d.file_name, d.sha256 || n.i, d.publication, d.title, d.pub_date, d.pages, d.chunks,
         d.ingested_at, d.size_bytes FROM documents d, n;
INSERT INTO pages (doc_id, page, label, width, height, text)
  SELECT nd.id, p.page, p.label, p.width, p.height, p.text FROM pages p JOIN documents od ON od.id = p.doc_id
  JOIN documents nd ON nd.path LIKE od.path || '#%';
INSERT INTO chunks (doc_id, seq, section, heading, paragraph, page_start, page_end, text, boxes)
  SELECT nd.id, c.seq, c.section, c.heading, c.paragraph, c.page_start, c.page_end, c.text, c.boxes
  FROM chunks c JOIN documents od ON od.id = c.doc_id JOIN documents nd ON nd.path LIKE od.path || '#%';
UPDATE term_stats SET df = df * ($copies + 1);
INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize');
INSERT INTO pages_fts(pages_fts) VALUES ('optimize');
SQL
t_build=$(( $(date +%s) - t0 ))
big_chunks=$(sqlite3 "$W/big.db" 'SELECT count(*) FROM chunks')
search_big=$("$search_bench" "$W/big.db" 2 "$SHARED/eval/retrieval-dev.jsonl" tests/data/questions.jsonl)

peer_dev=$(python3 bench/naive_peer.py "$CORPUS" "$SHARED/eval/retrieval-dev.jsonl")
peer_own=$(python3 bench/naive_peer.py "$CORPUS" tests/data/questions.jsonl)
ours_dev=$(build/fagpt --home "$W/h" eval "$SHARED/eval/retrieval-dev.jsonl" | head -1)
ours_own=$(build/fagpt --home "$W/h" eval tests/data/questions.jsonl | head -1)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
{
    echo "# make bench, $(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m)"
    echo
    echo "Corpus: ${#pdfs[@]} PDFs, $pages pages, $chunks chunks."
    echo
    echo "| ingest (best of 3) | seconds | pages/s | fagpt / peer |"
    echo "|---|---|---|---|"
    echo "| pdftotext (poppler), one file after another | $t_pdftotext | $(awk -v p=$pages -v t=$t_pdftotext 'BEGIN{printf "%.0f", p/t}') | $(ratio $t_fagpt $t_pdftotext) (default workers), $(ratio $t_fagpt1 $t_pdftotext) (1 worker); with --no-figures $(ratio $t_text $t_pdftotext), $(ratio $t_text1 $t_pdftotext) |"
    echo "| mutool draw -F txt | $t_mutool | $(awk -v p=$pages -v t=$t_mutool 'BEGIN{printf "%.0f", p/t}') | $(ratio $t_fagpt $t_mutool) (default workers), $(ratio $t_fagpt1 $t_mutool) (1 worker); with --no-figures $(ratio $t_text $t_mutool), $(ratio $t_text1 $t_mutool) |"
    echo "| fagpt ingest --workers 1 (extraction, structure, tables, figures, chunks, SQLite + FTS5) | $t_fagpt1 | $(awk -v p=$pages -v t=$t_fagpt1 'BEGIN{printf "%.0f", p/t}') | |"
    echo "| fagpt ingest (one worker per core) | $t_fagpt | $(awk -v p=$pages -v t=$t_fagpt 'BEGIN{printf "%.0f", p/t}') | |"
    echo "| fagpt ingest --no-figures --workers 1 | $t_text1 | $(awk -v p=$pages -v t=$t_text1 'BEGIN{printf "%.0f", p/t}') | |"
    echo "| fagpt ingest --no-figures (one worker per core) | $t_text | $(awk -v p=$pages -v t=$t_text 'BEGIN{printf "%.0f", p/t}') | |"
    echo
    echo "Peak memory of \`fagpt ingest --no-ocr\` of the corpus: $((rss_kb / 1024)) MB (max RSS)."
    echo "With OCR of the scanned report's poor pages: ${t_ocr} s, $((rss_ocr_kb / 1024)) MB max RSS."
    echo
    echo "| search (k = 10, dev set + own questions) | latency |"
    echo "|---|---|"
    echo "| corpus, $chunks chunks | $search_small |"
    echo "| replicated, $big_chunks chunks (built in ${t_build}s) | $search_big |"
    echo
    echo "| retrieval | dev set | own questions |"
    echo "|---|---|---|"
    echo "| naive peer (bench/naive_peer.py: a pdftotext page a chunk, FTS5 BM25, OR of the words) | $peer_dev | $peer_own |"
    echo "| fagpt | $ours_dev | $ours_own |"
} | tee "$out"
