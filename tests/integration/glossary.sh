#!/bin/bash
# `fagpt define` over real glossaries: an acronym's expansion and its term's definition with their citations,
# JSON contract, several words as one term, an unknown term; `fagpt refs` between two publications that cite
# each other. Prints TAP lines.
. "$(dirname "$0")/common.bash"

"$BIN" --home "$T/h" ingest "$CORPUS"/ADP_3-19_Fires_*.pdf "$CORPUS"/ADP_3-0_Operations_*.pdf > /dev/null
"$BIN" --home "$T/h" define FA > "$T/fa.txt"; rc=$?
check "define FA: expansion and definition with citations" "[ $rc -eq 0 ] && grep -q '^FA  field artillery  (ADP 3-19, p. Glossary-1)' '$T/fa.txt' && grep -q 'cannon, rocket' '$T/fa.txt' && grep -q '(ADP 3-19, p. Glossary-3)' '$T/fa.txt'"
"$BIN" --home "$T/h" define --json fire support > "$T/fs.json"; rc=$?
check "define --json: several words are one term, definition cited" "[ $rc -eq 0 ] && jq_py 'x=d[\"definitions\"][0]; sys.exit(0 if d[\"found\"] and x[\"term\"]==\"fire support\" and x[\"citation\"]==\"ADP 3-19, p. Glossary-3\" and x[\"page\"]==45 else 1)' < '$T/fs.json'"
"$BIN" --home "$T/h" define --json adversary > "$T/adv.json"
check "a term both publications define is cited from each" "jq_py 'p=sorted(x[\"publication\"] for x in d[\"definitions\"]); sys.exit(0 if p==[\"ADP 3-0\",\"ADP 3-19\"] else 1)' < '$T/adv.json'"
"$BIN" --home "$T/h" define zzyzx 2> "$T/err"; rc=$?
check "an unknown term: exit 1 and a hint" "[ $rc -eq 1 ] && grep -q 'No glossary in the library defines' '$T/err'"
"$BIN" define --help > "$T/help"; rc=$?
check "define --help" "[ $rc -eq 0 ] && grep -q 'usage: fagpt define' '$T/help'"
"$BIN" --home "$T/h" define > /dev/null 2>&1; rc=$?
check "define without a term is a usage error" "[ $rc -eq 1 ]"

"$BIN" --home "$T/h" refs --json "ADP 3-0" > "$T/refs.json"; rc=$?
check "refs ADP 3-0: cites ADP 3-19, held in the library" "[ $rc -eq 0 ] && jq_py 'c=[x for x in d[\"cites\"] if x[\"publication\"]==\"ADP 3-19\"]; sys.exit(0 if c and c[0][\"doc\"].startswith(\"ADP_3-19\") and c[0][\"mentions\"]>=1 else 1)' < '$T/refs.json'"
check "refs ADP 3-0: cited by ADP 3-19, never by itself" "jq_py 'b=[x[\"publication\"] for x in d[\"cited_by\"]]; sys.exit(0 if b==[\"ADP 3-19\"] and all(x[\"publication\"]!=\"ADP 3-0\" for x in d[\"cites\"]) else 1)' < '$T/refs.json'"
check "refs: a cited publication not in the library has doc null; references to its own figures are listed" "jq_py 'sys.exit(0 if any(x[\"doc\"] is None for x in d[\"cites\"]) and any(x[\"kind\"]==\"figure\" for x in d[\"internal\"]) else 1)' < '$T/refs.json'"
"$BIN" --home "$T/h" refs "ADP 3-19" > "$T/refs.txt"
check "refs in words: the library's copy and who cites it" "grep -q 'ADP 3-0 .*in the library: ADP_3-0' '$T/refs.txt' && grep -q '^Cited by 1 document' '$T/refs.txt'"
"$BIN" --home "$T/h" refs "FM 9-99" 2> "$T/err"; rc=$?
check "refs of an unknown document: exit 1 and says so" "[ $rc -eq 1 ] && grep -q 'no document' '$T/err'"
exit 0
