#!/bin/bash
# orders.sh - `fagpt order` end to end: examples, golden Markdown/text/HTML/PDF-text output of every product,
# the DOCX round trip through LibreOffice (skipped when soffice is absent), validation errors, bad input,
# template overrides. `tests/integration/orders.sh --update` rewrites the golden files after a deliberate change.
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)
bin=${FAGPT_BIN:-$root/build/fagpt}   # FAGPT_BIN=build/asan/fagpt runs these under the sanitizers
golden=$root/tests/golden/orders
update=0; [ "${1:-}" = "--update" ] && update=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok()   { echo "ok - $*"; }
bad()  { echo "not ok - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
# Volatile parts: the program version; ligatures the PDF text layer may carry.
normalise() { sed -E -e 's/FA-GPT [0-9]+(\.[0-9]+)*/FA-GPT VERSION/g' -e 's/ﬁ/fi/g; s/ﬂ/fl/g; s/ﬀ/ff/g; s/ﬃ/ffi/g; s/ﬄ/ffl/g'; }
compare() {   # name file: compares the normalised file with its golden copy
    local name=$1 file=$2
    normalise <"$file" >"$tmp/norm"
    if [ "$update" = 1 ]; then cp "$tmp/norm" "$golden/$name"; ok "golden $name updated"; return; fi
    if [ -f "$golden/$name" ] && cmp -s "$tmp/norm" "$golden/$name"; then ok "golden $name"
    else bad "golden $name"; diff -u "$golden/$name" "$tmp/norm" 2>&1 | head -20 | sed 's/^/# /'; fi
}

types=$("$bin" order types --json | python3 -c 'import json,sys; print(" ".join(t["type"] for t in json.load(sys.stdin)["types"]))')
check "order types lists 8 products" [ "$(echo $types | wc -w)" -eq 8 ]

# Run from another folder: templates and examples are built in.
cd "$tmp" || exit 1
for t in $types; do
    check "$t: order new writes the example" "$bin" order new "$t" -o "$t.json" 2>/dev/null
    check "$t: example equals data/examples/$t.json" cmp -s "$t.json" "$root/data/examples/$t.json"
    check "$t: example validates" bash -c "'$bin' order validate $t $t.json | grep -q 'valid $t'"
    for f in md txt html; do
        if "$bin" order render "$t" "$t.json" --format $f -o "$t.$f"; then compare "$t.$f" "$t.$f"
        else bad "$t: render $f"; fi
    done
    if "$bin" order render "$t" "$t.json" -o "$t.pdf" && pdftotext "$t.pdf" "$t.pdf.txt"; then
        compare "$t.pdf.txt" "$t.pdf.txt"
    else bad "$t: render pdf and read it back"; fi
    if "$bin" order render "$t" "$t.json" -o "$t.docx"; then
        check "$t: docx is a sound zip with word/document.xml" python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); sys.exit(z.testzip() is not None or "word/document.xml" not in z.namelist())' "$t.docx"
        # the document part, one element a line, as golden text
        python3 -c 'import re, sys, zipfile
x = zipfile.ZipFile(sys.argv[1]).read("word/document.xml").decode()
print(re.sub(r"(<w:p>|<w:p |<w:tbl>|<w:tr>)", r"\n\1", x))' "$t.docx" >"$t.docx.xml" && compare "$t.docx.xml" "$t.docx.xml"
    else bad "$t: render docx"; fi
done

# DOCX opens in LibreOffice: convert every product to PDF and read the text back.
if command -v soffice >/dev/null 2>&1; then
    mkdir -p lo
    HOME=$tmp timeout 300 soffice --headless "-env:UserInstallation=file://$tmp/lo-profile" --convert-to pdf \
        --outdir lo ./*.docx >lo.log 2>&1
    for t in $types; do
        if [ -f "lo/$t.pdf" ] && pdftotext "lo/$t.pdf" "lo/$t.txt"; then
            # Every word of the product's own PDF text must appear in LibreOffice's rendering of the DOCX.
            missing=$(python3 - "$t.pdf.txt" "lo/$t.txt" <<'PY'
import re, sys, unicodedata
def text(path):
    return unicodedata.normalize("NFKC", open(path, encoding="utf-8").read())
# Words are looked for in the other text with everything but letters and digits removed, so line breaks,
# hyphenation and table-cell wrapping do not matter.
have = re.sub(r"[^A-Za-z0-9]", "", text(sys.argv[2]))
lost = sorted(w for w in set(re.findall(r"[A-Za-z0-9]+", text(sys.argv[1]))) if w not in have)
if lost:
    print("# missing: " + " ".join(lost[:10]), file=sys.stderr)
print(len(lost))
PY
)
            check "$t: LibreOffice reads the docx with all its text ($missing words missing)" [ "$missing" = 0 ]
        else bad "$t: LibreOffice converts the docx"; sed 's/^/# /' lo.log; fi
    done
else
    echo "ok # skip DOCX round trip: soffice (libreoffice-writer-nogui) is not installed"
fi

# Banners top and bottom, DTG in the declared zone, doctrine cited.
check "opord md opens and closes with the banner" \
    bash -c "head -1 opord.md | grep -qx -- '-> UNCLASSIFIED <-' && tail -1 opord.md | grep -qx -- '-> UNCLASSIFIED <-'"
check "opord DTG in zone Q" grep -q '^011030QDEC26' opord.txt
check "pdf repeats the banner at top and bottom of each page" \
    bash -c "[ \$(grep -c UNCLASSIFIED opord.pdf.txt) -eq \$((2 * \$(pdfinfo opord.pdf | awk '/^Pages/ {print \$2}'))) ]"
for t in $types; do check "$t md cites its doctrine" grep -q -E '(FM|ATP|TC) [0-9]' "$t.md"; done

# Validation errors name the field; nothing is written.
python3 - <<'PY'
import json
d = json.load(open("opord.json"))
del d["execution"]["tasks"][2]["unit"]
d["dtg"] = "2026-02-30T10:00"
d["situaton"] = "typo"
json.dump(d, open("bad.json", "w"))
PY
"$bin" order validate opord bad.json 2>err.txt; rc=$?
check "validate exits 1 on a bad order" [ "$rc" -eq 1 ]
check "validate names execution.tasks[2].unit" grep -q 'execution.tasks\[2\].unit: required' err.txt
check "validate names the impossible DTG" grep -q "dtg: '2026-02-30T10:00': FEB 2026 has no day 30" err.txt
check "validate names the unknown field" grep -q 'situaton: unknown field' err.txt
"$bin" --json order validate opord bad.json >v.json 2>/dev/null
check "validate --json lists the 3 issues" \
    python3 -c 'import json; d = json.load(open("v.json")); assert d["valid"] is False and len(d["issues"]) == 3'
"$bin" order render opord bad.json -o bad.pdf 2>err.txt; rc=$?
check "render refuses a bad order" [ "$rc" -eq 1 ]
check "render writes nothing for a bad order" [ ! -e bad.pdf ]
check "render says what is wrong" grep -q 'execution.tasks\[2\].unit: required' err.txt

# Bad input is an error message, never a crash.
printf '{"classification": "U",\n  "copy": }' >broken.json
"$bin" order validate opord broken.json 2>err.txt; rc=$?
check "malformed JSON: exit 1 with line and column" bash -c "[ $rc -eq 1 ] && grep -q 'line 2, column 11' err.txt"
: >empty.json
"$bin" order validate opord empty.json 2>err.txt; rc=$?
check "empty input is refused" bash -c "[ $rc -eq 1 ] && grep -q empty err.txt"
head -c 3000 /dev/urandom >noise.json
"$bin" order validate opord noise.json 2>/dev/null; rc=$?
check "random bytes are refused without a crash" [ "$rc" -eq 1 ]
"$bin" order validate opord /nonexistent.json 2>err.txt; rc=$?
check "a missing file is named" bash -c "[ $rc -eq 1 ] && grep -q nonexistent err.txt"
"$bin" order validate opord . 2>/dev/null; rc=$?
check "a folder as input is refused" [ "$rc" -eq 1 ]
"$bin" order validate opord-x opord.json 2>err.txt
check "an unknown type lists the known ones" grep -q 'known: opord' err.txt
"$bin" order render opord opord.json --format rtf -o x.rtf 2>/dev/null; rc=$?
check "an unknown format is refused" [ "$rc" -eq 1 ]
echo '[1,2]' | "$bin" order validate cff - 2>err.txt
check "non-object input is refused" grep -q 'not a JSON object' err.txt
"$bin" order new opord -o opord.json 2>/dev/null; rc=$?
check "order new will not overwrite without --force" [ "$rc" -eq 1 ]
check "order new --force overwrites" "$bin" order new opord -o opord.json --force 2>/dev/null
for s in "" new validate render types; do
    check "order $s --help" bash -c "'$bin' order $s --help | grep -q usage"
done

# Units edit templates: --templates and $FAGPT_DATA replace the built-in files of the same name.
mkdir -p data/templates
sed 's/# OPERATION ORDER/# OPORD (UNIT TEMPLATE)/' "$root/data/templates/opord.md" >data/templates/opord.md
check "--templates replaces a template" \
    bash -c "'$bin' order render opord opord.json --templates data/templates | grep -q 'OPORD (UNIT TEMPLATE)'"
check "FAGPT_DATA replaces a template" \
    bash -c "FAGPT_DATA='$tmp/data' '$bin' order render opord opord.json | grep -q 'OPORD (UNIT TEMPLATE)'"
check "the other templates stay built in" \
    bash -c "FAGPT_DATA='$tmp/data' '$bin' order render cff cff.json -f txt | grep -q 'THIS IS H66'"
echo '{{#broken}}' >data/templates/cff.txt
FAGPT_DATA=$tmp/data "$bin" order render cff cff.json -f txt 2>err.txt; rc=$?
check "a broken template is reported by name" \
    bash -c "[ $rc -eq 1 ] && grep -q 'cff.txt: template: section {{#broken}} is never closed' err.txt"

# docs/orders.md shows each schema exactly as `fagpt order schema` prints it.
for t in $types; do
    "$bin" order schema "$t" >schema.md
    check "docs/orders.md has the current $t schema" python3 -c 'import sys
sys.exit(open(sys.argv[2]).read() not in open(sys.argv[1]).read())' "$root/docs/orders.md" schema.md
done

# Interactive input: answers from standard input, a wrong one asked again, the file valid and renderable.
printf '%s\n' H24 H66 "adjust fires" "adjust fire" grid "18SUJ 2339 0739" "" "" "" "" "" "" \
    "infantry platoon in the open" "" "" "" >answers.txt
"$bin" order new cff --interactive -o asked.json <answers.txt 2>transcript.txt; rc=$?
check "order new --interactive writes a valid input" bash -c "[ $rc -eq 0 ] && '$bin' order validate cff asked.json >/dev/null"
check "a wrong answer is asked again with the reason" grep -q "! mission_type: 'adjust fires' is not one of" transcript.txt
check "the asked-for input renders" bash -c "'$bin' order render cff asked.json -f txt | grep -q 'INFANTRY PLATOON IN THE OPEN, OVER'"
printf 'H24\n' | "$bin" order new cff --interactive -o cut.json 2>err.txt; rc=$?
check "answers that run out: exit 1, nothing written" bash -c "[ $rc -eq 1 ] && [ ! -e cut.json ] && grep -q 'answers ended at observer' err.txt"
printf '%s\n' H24 H66 "adjust fire" polar "" "" 4520 "" "" "" "" tank "" "" "" >polar.txt
"$bin" order new cff --interactive -o polar.json <polar.txt 2>err.txt; rc=$?
check "a rule across fields still broken is reported after writing" \
    bash -c "[ $rc -eq 1 ] && [ -e polar.json ] && grep -q 'location.distance: required when location.method is polar' err.txt"

# YAML input: the example in docs/orders.md renders; a YAML error names its line.
sed -n '/^```yaml$/,/^```$/p' "$root/docs/orders.md" | sed '1d;$d' >doc.yaml
check "the YAML example of docs/orders.md renders" \
    bash -c "'$bin' order render cff doc.yaml -f txt | grep -q 'DIRECTION 5210, LEFT 380, ADD 400, OVER'"
printf 'fdc: H24\nobserver: H66\n\tmission_type: adjust fire\n' >tab.yaml
"$bin" order validate cff tab.yaml 2>err.txt; rc=$?
check "a YAML error names the line" bash -c "[ $rc -eq 1 ] && grep -q 'YAML line 3: a tab in the indentation' err.txt"
check "order schema --json lists the fields" bash -c "'$bin' --json order schema cff | python3 -c 'import json,sys; d = json.load(sys.stdin); assert any(f[\"path\"] == \"location.grid\" and f[\"type\"] == \"MGRS grid\" for f in d[\"fields\"])'"
