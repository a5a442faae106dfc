#!/bin/bash
# Current and superseded doctrine over the corpus's ADRP 3-0 (2017) and ADP 3-0 (2025): `fagpt docs` shows the
# status and why, search puts current doctrine first without hiding the old edition, an answer that cites the
# superseded edition says so and cites the current text, and the status is recomputed on delete and ingest.
# Prints TAP lines.
. "$(dirname "$0")/common.bash"
export FAGPT_LLM=off
H="$T/h"

"$BIN" --home "$H" ingest --no-ocr --no-figures "$CORPUS"/ADRP_3-0_*.pdf "$CORPUS"/ADP_3-0_Operations_*.pdf > /dev/null
"$BIN" --home "$H" docs > "$T/docs.txt"; rc=$?
check "docs: ADRP 3-0 superseded by ADP 3-0 (2025), ADP 3-0 current" "[ $rc -eq 0 ] && grep -E '^ +[0-9]+  ADRP 3-0 .* superseded by ADP 3-0 \(2025\) +ADRP_3-0' '$T/docs.txt' >/dev/null && grep -E '^ +[0-9]+  ADP 3-0 .* current +ADP_3-0' '$T/docs.txt' >/dev/null"
"$BIN" --home "$H" docs --json > "$T/docs.json"
check "docs --json: current, superseded_by with publication, date and the rule" "jq_py 'a={x[\"publication\"]: x for x in d}; o=a[\"ADRP 3-0\"]; s=o[\"superseded_by\"]; sys.exit(0 if not o[\"current\"] and s[\"publication\"]==\"ADP 3-0\" and s[\"date\"]==\"21 March 2025\" and \"2019 doctrine reform\" in s[\"reason\"] and s[\"current_id\"]==a[\"ADP 3-0\"][\"id\"] and a[\"ADP 3-0\"][\"current\"] and a[\"ADP 3-0\"][\"superseded_by\"] is None else 1)' < '$T/docs.json'"
"$BIN" --home "$H" --json search "what is culmination" > "$T/s.json"
check "search: current doctrine ranks first, the superseded edition is still listed" "jq_py 'r=[x[\"doc\"][:5] for x in d[\"results\"][:3]]; sys.exit(0 if r[0]==\"ADP_3\" and \"ADRP_\" in r else 1)' < '$T/s.json'"
"$BIN" --home "$H" --json ask "What are the principles of joint operations?" > "$T/a.json"; rc=$?
check "an answer citing ADRP 3-0 says it is superseded and cites the current ADP 3-0 passage" "[ $rc -eq 0 ] && jq_py '
import re
t=d[\"answer\"]
m=re.search(r\"Note: ADRP 3-0 \(2017\) is superseded; the current text is ADP 3-0 \(2025\), para [0-9]+-[0-9]+, p\. [0-9]+: .* \[([0-9]+)\]\", t)
c=[x for x in d[\"citations\"] if m and x[\"n\"]==int(m.group(1))]
sys.exit(0 if m and c and c[0][\"doc\"].startswith(\"ADP_3-0\") and \"principles of joint operations\" in c[0][\"quote\"].lower() else 1)' < '$T/a.json'"

"$BIN" --home "$H" rm "ADP 3-0" > /dev/null
"$BIN" --home "$H" docs --json > "$T/docs2.json"
check "after rm ADP 3-0 the ADRP is current again (recomputed on delete)" "jq_py 'o=[x for x in d if x[\"publication\"]==\"ADRP 3-0\"][0]; sys.exit(0 if o[\"current\"] and o[\"superseded_by\"] is None else 1)' < '$T/docs2.json'"
"$BIN" --home "$H" ingest --no-ocr --no-figures "$CORPUS"/ADP_3-0_Operations_*.pdf > /dev/null
"$BIN" --home "$H" docs --json > "$T/docs3.json"
check "ingesting ADP 3-0 again supersedes it again (recomputed on ingest)" "jq_py 'o=[x for x in d if x[\"publication\"]==\"ADRP 3-0\"][0]; sys.exit(0 if not o[\"current\"] and o[\"superseded_by\"][\"publication\"]==\"ADP 3-0\" else 1)' < '$T/docs3.json'"
exit 0
