#!/bin/bash
# Backbone over the real corpus: ingest every PDF in ../shared/corpus/pdf, check publication ids, printed page
# labels and paragraph numbers, bad input of every kind the issue names, the JSON contracts, rm/retry, and
# retrieval figures on the dev set and on tests/data/questions.jsonl. Prints TAP lines.
. "$(dirname "$0")/common.bash"
H="$T/home"
export FAGPT_LLM=off  # these are the extractive answers' checks, whatever model server the machine runs

"$BIN" --home "$H" ingest --json "$CORPUS" > "$T/ingest.jsonl"
rc=$?
check "ingest of the corpus exits 2 (the XFA form fails, the rest succeed)" "[ $rc -eq 2 ]"
check "one JSON object per input file" "[ \$(wc -l < '$T/ingest.jsonl') -eq \$(ls '$CORPUS'/*.pdf | wc -l) ]"
check "XFA form quarantined with its reason" "grep DA_Form_2399 '$T/ingest.jsonl' | grep -q '\"quarantined\".*XFA form'"
"$BIN" --home "$H" docs --json > "$T/docs.json"
for pub in "ADP 3-19" "ADP 3-0" "ADP 4-0" "ADRP 3-0" "ATP 1-0.1" "ATP 5-0.1" "FM 1" "FM 3-14" "FM 3-55"; do
    check "publication id $pub found" "jq_py 'sys.exit(0 if any(x[\"publication\"]==\"$pub\" for x in d) else 1)' < '$T/docs.json'"
done
check "FM 3-55 titled from its title page, not its inside-cover notice" "jq_py 'sys.exit(0 if any(x[\"publication\"]==\"FM 3-55\" and x[\"title\"]==\"Information Collection\" for x in d) else 1)' < '$T/docs.json'"
check "FM 1 dated 1 May 2025 (its title page is the fifth page)" "jq_py 'sys.exit(0 if any(x[\"publication\"]==\"FM 1\" and x[\"date\"]==\"1 May 2025\" for x in d) else 1)' < '$T/docs.json'"
check "ADRP 3-0 dated 6 October 2017 and its supersedes line kept" "jq_py 'sys.exit(0 if any(x[\"publication\"]==\"ADRP 3-0\" and x[\"date\"]==\"6 October 2017\" and \"supersedes ADRP 3-0\" in (x[\"supersedes\"] or \"\") for x in d) else 1)' < '$T/docs.json'"
check "ADP 3-19 dated 31 July 2019" "jq_py 'sys.exit(0 if any(x[\"publication\"]==\"ADP 3-19\" and x[\"date\"]==\"31 July 2019\" for x in d) else 1)' < '$T/docs.json'"

# Printed page labels and paragraph numbers, through search --json (PDF page -> printed label).
label_of() { # doc page query -> label of the first result on that page
    "$BIN" --home "$H" search --json -k 50 "$3" | python3 -c "
import json,sys
for r in json.load(sys.stdin)['results']:
    if r['doc']=='$1' and r['page']<=$2<=r['page_end']:
        print(r['page_label'] if r['page']==$2 else r['page_label_end']); break"
}
check "ADP 3-19 PDF page 26 is printed page 2-6" "[ \"\$(label_of ADP_3-19_Fires_2019-07.pdf 26 'space running estimate GPS degraded')\" = 2-6 ]"
check "ADP 3-19 PDF page 44 is Glossary-2" "[ \"\$(label_of ADP_3-19_Fires_2019-07.pdf 44 'unit airspace plan')\" = Glossary-2 ]"
check "FM 3-14 PDF page 38 is printed page 28" "[ \"\$(label_of FM_3-14_Army_Space_Operations_2026-02.pdf 38 'narrowband SATCOM jamming')\" = 28 ]"
check "FM 1 PDF page 43 is printed page 29 (folio above the usual footer band)" "[ \"\$(label_of FM_1_The_Army_2025-05.pdf 43 'Hurricane Katrina New Orleans paratroopers')\" = 29 ]"
check "ATP 1-0.1 PDF page 79 is printed page C-3" "[ \"\$(label_of ATP_1-0.1_G1-AG-S1_Operations_2015-03.pdf 79 'DTAS')\" = C-3 ]"
"$BIN" --home "$H" search --json -k 5 "narrowband SATCOM highly susceptible to jamming" > "$T/s.json"
"$BIN" --home "$H" ask --json "Why is narrowband SATCOM highly susceptible to jamming?" > "$T/p.json"
check "the quote from FM 3-14 cites its paragraph 2-45 and page 28" "jq_py 'c=d[\"citations\"][0]; sys.exit(0 if c[\"paragraph\"]==\"2-45\" and c[\"page_label\"]==\"28\" and c[\"publication\"]==\"FM 3-14\" else 1)' < '$T/p.json'"
check "search --json has the contract fields" "jq_py 'r=d[\"results\"][0]; sys.exit(0 if all(k in r for k in [\"doc\",\"publication\",\"title\",\"page\",\"page_end\",\"page_label\",\"section\",\"paragraph\",\"score\",\"text\"]) and \"query\" in d else 1)' < '$T/s.json'"

# Acronym expansion: the acronym and its expansion find the same passage.
a=$("$BIN" --home "$H" search --json -k 3 "what is HIMAD" | jq_py 'print(d["results"][0]["page"])')
b=$("$BIN" --home "$H" search --json -k 3 "high-to-medium-altitude air defense" | jq_py 'print(sorted(r["page"] for r in d["results"]))')
check "HIMAD and its expansion find the same page ($a in $b)" "echo '$b' | grep -qw '$a'"

# Answers.
"$BIN" --home "$H" ask --json "What does HIMAD mean?" > "$T/a.json"
check "ask --json answers with citations" "jq_py 'sys.exit(0 if d[\"found\"] and d[\"mode\"]==\"extractive\" and d[\"citations\"] and all(k in d[\"citations\"][0] for k in [\"n\",\"doc\",\"publication\",\"page\",\"page_label\",\"paragraph\",\"quote\"]) else 1)' < '$T/a.json'"
"$BIN" --home "$H" ask --json "Who is responsible for clearing fires inside an area of operations?" > "$T/c.json"
check "clearance of fires: quoted with its lead-in from ADP 3-19 para 3-5" "jq_py 'c=d[\"citations\"]; sys.exit(0 if d[\"found\"] and any(x[\"publication\"]==\"ADP 3-19\" and x[\"paragraph\"]==\"3-5\" and \"responsibilities within their assigned AO include\" in x[\"quote\"] and \"Clearance of fires\" in x[\"quote\"] for x in c) else 1)' < '$T/c.json'"
"$BIN" --home "$H" ask --json "What is the minimum passing score on the Army Combat Fitness Test?" > "$T/u.json"
check "unanswerable question comes back found: false" "jq_py 'sys.exit(0 if not d[\"found\"] and not d[\"citations\"] else 1)' < '$T/u.json'"
"$BIN" --home "$H" ask "" 2> "$T/err"; rc=$?
check "empty question: exit 1 with a clear error" "[ $rc -eq 1 ] && grep -q 'question is empty' '$T/err'"
"$BIN" --home "$H" ask "$(head -c 100000 /dev/zero | tr '\0' 'a')" 2> "$T/err"; rc=$?
check "100 kB question: exit 1 with a clear error" "[ $rc -eq 1 ] && grep -q 'too long' '$T/err'"
"$BIN" --home "$H" ask "$(printf 'fires\001\002')" 2> "$T/err"; rc=$?
check "control characters: exit 1 with a clear error" "[ $rc -eq 1 ] && grep -q 'control characters' '$T/err'"
printf 'what is an FSCM?\nwho clears fires?\n' | "$BIN" --home "$H" ask --json > "$T/inter.jsonl"
check "interactive ask answers each line" "[ \$(wc -l < '$T/inter.jsonl') -eq 2 ]"

# Bad input in one batch with a good file: each quarantined with a reason, the good one ingested.
B="$T/bad"; mkdir -p "$B"
: > "$B/zero.pdf"
head -c 30000 "$CORPUS/ADP_3-19_Fires_2019-07.pdf" > "$B/truncated.pdf"
{ printf '%%PDF-1.7\n'; head -c 5000 /dev/urandom; } > "$B/corrupt.pdf"
echo "this is a text file, not a PDF" > "$B/notes.pdf"
mutool clean -E aes-128 -U secret -O owner "$CORPUS/ADP_3-19_Fires_2019-07.pdf" "$B/encrypted.pdf" 2>/dev/null
cp "$CORPUS/ADP_3-19_Fires_2019-07.pdf" "$B/good.pdf"
H2="$T/home2"
"$BIN" --home "$H2" ingest --json "$B" "$B/vanished.pdf" > "$T/bad.jsonl"; rc=$?
check "bad batch exits 2" "[ $rc -eq 2 ]"
check "good file in a bad batch is ingested" "grep good.pdf '$T/bad.jsonl' | grep -q '\"ingested\"'"
for f in zero:empty truncated:'damaged or truncated' corrupt:'damaged\|no text\|no pages' notes:'not a PDF' encrypted:password vanished:'not found'; do
    name=${f%%:*}; why=${f#*:}
    check "$name.pdf quarantined ($why)" "grep '$name.pdf' '$T/bad.jsonl' | grep '\"quarantined\"' | grep -q '$why'"
done
"$BIN" --home "$H2" quarantine --json > "$T/q.json"
check "quarantine lists the 6 failures" "jq_py 'sys.exit(0 if len(d)==6 else 1)' < '$T/q.json'"
cp "$CORPUS/ADP_4-0_Sustainment_2019-07.pdf" "$B/notes.pdf"
"$BIN" --home "$H2" retry --json > "$T/retry.jsonl"; rc=$?
check "retry ingests the fixed file and exits 2 for the rest" "[ $rc -eq 2 ] && grep notes.pdf '$T/retry.jsonl' | grep -q '\"ingested\"'"
"$BIN" --home "$H2" ingest --json "$B/good.pdf" > "$T/again.json"
check "unchanged file is a no-op" "grep -q '\"unchanged\"' '$T/again.json'"
cp "$CORPUS/ADP_3-0_Operations_2025-03.pdf" "$B/good.pdf"
"$BIN" --home "$H2" ingest --json "$B/good.pdf" > "$T/repl.json"
check "changed file replaces its old version" "grep -q '\"replaced\"' '$T/repl.json'"
"$BIN" --home "$H2" rm "adp 3-0" > /dev/null; rc=$?
check "rm by publication id" "[ $rc -eq 0 ] && ! '$BIN' --home '$H2' docs --json | grep -q 'ADP 3-0\"'"
"$BIN" --home "$H2" rm "no-such-doc" 2> "$T/err"; rc=$?
check "rm of an unknown document: exit 1 and says so" "[ $rc -eq 1 ] && grep -q 'no document' '$T/err'"
stats_off=$(sqlite3 "$H2/library.db" "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, chunks_fts, row); SELECT (SELECT count(*) FROM v LEFT JOIN term_stats t ON t.term = v.term WHERE t.df IS NOT v.doc) + (SELECT count(*) FROM term_stats t LEFT JOIN v ON v.term = t.term WHERE v.doc IS NULL)")
check "term statistics agree with the full-text index after replace and rm" "[ '$stats_off' = 0 ]"
check "database integrity" "[ \"\$(sqlite3 '$H2/library.db' 'PRAGMA integrity_check')\" = ok ]"

# Files that change or vanish while ingest reads them. Ingest opens a file once to sniff it before it notes the
# file's state, then again to read it: a watcher appends a byte to one file at its second open, and deletes the
# other at its first (quarantined either way, by the state check or because it is gone).
M="$T/mid"; mkdir -p "$M"
cp "$CORPUS/ADP_3-0_Operations_2025-03.pdf" "$M/changing.pdf"
cp "$CORPUS/FM_1_The_Army_2025-05.pdf" "$M/vanishing.pdf"
cp "$CORPUS/ADP_3-19_Fires_2019-07.pdf" "$M/steady.pdf"
inotifywait -m -e open --format %w "$M/changing.pdf" "$M/vanishing.pdf" 2> "$T/iw.err" | {
    opens=0
    while read -r f; do
        case $f in
        */vanishing.pdf) rm -f "$M/vanishing.pdf" ;;
        */changing.pdf) opens=$((opens + 1)); [ $opens -eq 2 ] && printf x >> "$M/changing.pdf" ;;
        esac
    done; } &
for _ in $(seq 100); do grep -q 'Watches established' "$T/iw.err" 2>/dev/null && break; sleep 0.05; done
"$BIN" --home "$T/home5" ingest --no-ocr --json "$M" > "$T/mid.jsonl"; rc=$?
pkill -f "inotifywait -m -e open --format %w $M" 2>/dev/null
check "a file changed mid-ingest is quarantined (exit 2), not stored half-read" "[ $rc -eq 2 ] && grep changing.pdf '$T/mid.jsonl' | grep '\"quarantined\"' | grep -q 'changed or vanished'"
check "a file deleted mid-ingest is quarantined" "grep vanishing.pdf '$T/mid.jsonl' | grep '\"quarantined\"' | grep -q 'changed or vanished\\|not found\\|cannot open'"
check "the rest of that batch is ingested" "grep steady.pdf '$T/mid.jsonl' | grep -q '\"ingested\"' && [ \"\$(sqlite3 '$T/home5/library.db' 'SELECT count(*) FROM documents')\" = 1 ]"

"$BIN" --home "$T/home4" ingest --no-ocr --json "$CORPUS/BRL-MR-3810_McCoy_1990_Aero_50cal_M33_M8_M20_scanned.pdf" > "$T/noocr.json"
check "ingest --no-ocr keeps the scanned report's own text layer" "grep -q '\"ingested\"' '$T/noocr.json' && [ \"\$(sqlite3 '$T/home4/library.db' 'SELECT count(*) FROM chunks')\" -gt 10 ]"

# With no PATH, ingest takes the library folder of the data folder.
H3="$T/home3"; mkdir -p "$H3/library/sub"
"$BIN" --home "$H3" ingest > "$T/empty.txt"; rc=$?
check "ingest with an empty library folder says so and exits 0" "[ $rc -eq 0 ] && grep -q 'holds no PDFs' '$T/empty.txt'"
cp "$CORPUS/ADP_3-19_Fires_2019-07.pdf" "$H3/library/sub/"
"$BIN" --home "$H3" ingest --json > "$T/lib.jsonl"; rc=$?
check "ingest with no PATH ingests PDFs dropped into the library folder" "[ $rc -eq 0 ] && grep -q '\"ingested\"' '$T/lib.jsonl'"

# Retrieval figures (reported, and held to the naive peer's level so a regression is caught).
"$BIN" --home "$H" eval --json "$SHARED/eval/retrieval-dev.jsonl" > "$T/dev.json"
echo "# figure dev set: $(cat "$T/dev.json")"
# Guards against regression at the levels reached (see bench/RESULTS.md for the peer's figures).
check "dev set: recall@1 >= 0.65, recall@5 >= 0.75, every unanswerable question abstains" "jq_py 'sys.exit(0 if d[\"recall_at_1\"]>=0.65 and d[\"recall_at_5\"]>=0.75 and d[\"abstention\"]==1.0 else 1)' < '$T/dev.json'"
"$BIN" --home "$H" eval --json tests/data/questions.jsonl > "$T/own.json"
echo "# figure own questions: $(cat "$T/own.json")"
check "own questions: recall@5 >= 0.95" "jq_py 'sys.exit(0 if d[\"recall_at_5\"]>=0.95 and d[\"abstention\"]==1.0 else 1)' < '$T/own.json'"
# A large library ranks each half of its chunks in a thread of its own (over 100,000 chunks); split here at 100,
# the results are the same, score for score.
split_same=1
while read -r line; do
    q=$(jq_py 'print(d["question"])' <<< "$line")
    "$BIN" --home "$H" --json search -k 20 "$q" > "$T/whole.json"
    FAGPT_RANK_SPLIT_ROWS=100 "$BIN" --home "$H" --json search -k 20 "$q" > "$T/halves.json"
    cmp -s "$T/whole.json" "$T/halves.json" || { split_same=0; echo "# differs when split: $q"; }
done < tests/data/questions.jsonl
check "ranking the index in two halves gives the same results for every own question" "[ $split_same -eq 1 ]"
exit 0
