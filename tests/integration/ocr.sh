#!/bin/bash
# Scanned pages and images through the CLI: the BRL-MR-3810 scan (its old OCR layer is poor) is read again by
# OCR, its dev-set question d-025 (rifling twist, PDF p. 11) is found, a phrase from a page whose old layer is
# garbage is found by search; two PNGs (300 and 200 dpi) of corpus pages in a folder, a JPEG and a TIFF are
# ingested as one-page documents.
# Prints TAP lines.
. "$(dirname "$0")/common.bash"

BRL=$(ls "$CORPUS"/BRL-MR-3810_*scanned.pdf)
start=$(date +%s)
"$BIN" --home "$T/h" ingest --json "$BRL" > "$T/brl.json"; rc=$?
echo "# figure BRL-MR-3810 (83 scanned pages) ingested with OCR in $(( $(date +%s) - start )) s"
check "the scanned report is ingested" "[ $rc -eq 0 ] && grep -q '\"ingested\"' '$T/brl.json'"
grep '"id": "d-025"' "$SHARED/eval/retrieval-dev.jsonl" > "$T/d025.jsonl"
"$BIN" --home "$T/h" eval --json "$T/d025.jsonl" > "$T/d025.json"
check "d-025 (rifling twist, PDF p. 11) is found at rank 1" "jq_py 'sys.exit(0 if d[\"recall_at_1\"]==1.0 else 1)' < '$T/d025.json'"
"$BIN" --home "$T/h" search --json "aeroballistician limit-cycle yaw" > "$T/yaw.json"
check "a phrase from OCRed PDF p. 15 is found there" "jq_py 'r=d[\"results\"][0]; sys.exit(0 if r[\"page\"]<=15<=r[\"page_end\"] and \"limit-cycle yaw\" in r[\"text\"] else 1)' < '$T/yaw.json'"

mkdir -p "$T/scans"
ADP=$(ls "$CORPUS"/ADP_3-19_Fires_*.pdf)
mutool draw -q -r 300 -c gray -o "$T/scans/adp-p12.png" "$ADP" 12 2>/dev/null
mutool draw -q -r 200 -c gray -o "$T/scans/adp-p13.PNG" "$ADP" 13 2>/dev/null
echo "not an image" > "$T/scans/notes.txt"
"$BIN" --home "$T/i" ingest --json "$T/scans" > "$T/img.jsonl"; rc=$?
check "a folder of page images: every image ingested, other files left alone" "[ $rc -eq 0 ] && [ \$(grep -c '\"ingested\"' '$T/img.jsonl') -eq 2 ] && ! grep -q notes.txt '$T/img.jsonl'"
check "each image is a one-page document" "[ \$(grep -c '\"pages\": 1,' '$T/img.jsonl') -eq 2 ]"
"$BIN" --home "$T/i" search --json "fires warfighting function" > "$T/img.json"
check "search finds text read from the PNG" "jq_py 'sys.exit(0 if any(r[\"doc\"]==\"adp-p12.png\" for r in d[\"results\"]) else 1)' < '$T/img.json'"
# JPEG and TIFF page images (netpbm converts a rendered page) are OCRed as one-page documents too.
mutool draw -q -r 300 -c gray -o "$T/p14.pgm" "$ADP" 14 2>/dev/null
pnmtojpeg "$T/p14.pgm" > "$T/scan-p14.jpg" && pnmtotiff "$T/p14.pgm" > "$T/scan-p14.tiff" 2>/dev/null
"$BIN" --home "$T/j" ingest --json "$T/scan-p14.jpg" "$T/scan-p14.tiff" > "$T/jt.jsonl"; rc=$?
check "a JPEG and a TIFF page: each ingested as a one-page document" "[ $rc -eq 0 ] && [ \$(grep -c '\"ingested\"' '$T/jt.jsonl') -eq 2 ] && [ \$(grep -c '\"pages\": 1,' '$T/jt.jsonl') -eq 2 ]"
"$BIN" --home "$T/j" search --json -k 5 "cross-domain fires executed in one domain" > "$T/jt.json"
check "search finds the text OCR read from both" "jq_py 'docs={r[\"doc\"] for r in d[\"results\"]}; sys.exit(0 if {\"scan-p14.jpg\",\"scan-p14.tiff\"} <= docs else 1)' < '$T/jt.json'"
printf '\211PNG\r\n\032\n broken' > "$T/broken.png"
"$BIN" --home "$T/i" ingest --json "$T/broken.png" > "$T/bad.json"; rc=$?
check "a broken PNG is quarantined as a damaged image, no crash" "[ $rc -eq 1 ] && grep -q 'quarantined.*damaged or truncated image' '$T/bad.json'"
exit 0
