#!/bin/bash
# Tables through the CLI over real PDFs: `fagpt tables` lists them with caption, printed page and size; `fagpt
# table` exports one as CSV, JSON cells and Markdown; a question about one row of a table finds a chunk of it
# that still carries the header row and the caption. Prints TAP lines.
. "$(dirname "$0")/common.bash"

"$BIN" --home "$T/h" ingest --no-ocr "$CORPUS"/FM_3-55_*.pdf "$CORPUS"/ADP_3-0_Operations_*.pdf > /dev/null
"$BIN" --home "$T/h" tables "FM 3-55" > "$T/list.txt"; rc=$?
check "tables FM 3-55: eight tables with number, printed page, size and caption" "[ $rc -eq 0 ] && grep -q '^FM 3-55: 8 tables' '$T/list.txt' && grep -Eq '^ +5  p. 5-8 +19x3 +Table 5-3. Infantry brigade combat team information collection assets$' '$T/list.txt'"
"$BIN" --home "$T/h" tables --json "ADP 3-0" > "$T/list.json"; rc=$?
check "tables --json: caption, number, page label, rows and columns" "[ $rc -eq 0 ] && jq_py 't=[x for x in d[\"tables\"] if x[\"number\"]==\"4-1\"][0]; sys.exit(0 if t[\"caption\"]==\"Table 4-1. Elements of operational art\" and t[\"page_label\"]==\"34\" and t[\"rows\"]==2 and t[\"cols\"]==2 else 1)' < '$T/list.json'"
"$BIN" --home "$T/h" table --csv "FM 3-55" 5-1 > "$T/t.csv"; rc=$?
check "table --csv: RFC 4180 rows, a cell's bullets quoted on lines of their own" "[ $rc -eq 0 ] && python3 -c \"import csv,sys; r=list(csv.reader(open('$T/t.csv', newline=''))); sys.exit(0 if len(r)==4 and r[0]==['Levels','Examples of information collection assets'] and r[3][0]=='Tactical' and r[1][1].split(chr(10))[1]=='• Central Intelligence Agency.' else 1)\""
"$BIN" --home "$T/h" --json table "FM 3-55" 5 > "$T/t.json"; rc=$?
check "table --json by list number: cells with their spans" "[ $rc -eq 0 ] && jq_py 'c=[x for x in d[\"table\"][\"cells\"] if x[\"row\"]==1 and x[\"col\"]==0][0]; sys.exit(0 if d[\"number\"]==\"5-3\" and c[\"text\"]==\"Movement and Maneuver\" and c[\"rowspan\"]==5 else 1)' < '$T/t.json'"
"$BIN" --home "$T/h" table "ADP 3-0" 4-1 > "$T/t.md"; rc=$?
check "table --md (the default): caption, header line, rows" "[ $rc -eq 0 ] && head -3 '$T/t.md' | tr '\n' '~' | grep -q '^\*\*Table 4-1. Elements of operational art\*\*~~| Operational art consists of these elements: | Operational art consists of these elements: |~$'"
"$BIN" --home "$T/h" table "FM 3-55" 9-9 2> "$T/err"; rc=$?
check "table that does not exist: exit 1 and a hint" "[ $rc -eq 1 ] && grep -q 'has no table 9-9' '$T/err'"
"$BIN" --home "$T/h" --json search "which infantry brigade organization detects artillery and mortar fires" > "$T/s.json"
check "a question about one row finds the table's chunk, header row and caption included" "jq_py 'h=[x for x in d[\"results\"][:5] if \"Table 5-3.\" in (x[\"section\"] or \"\")]; sys.exit(0 if h and h[0][\"text\"].startswith(\"| Warfighting Function | Organization | Capability |\") and \"| Fires | Fires battalion | Detect artillery and mortar fires\" in h[0][\"text\"] else 1)' < '$T/s.json'"
check "every chunk (tables, figures with long text cut short) is valid UTF-8" "python3 -c \"
import sqlite3, sys
c = sqlite3.connect('$T/h/library.db'); c.text_factory = bytes
bad = 0
for (t,) in c.execute('SELECT text FROM chunks'):
    try: t.decode('utf-8')
    except UnicodeDecodeError: bad += 1
sys.exit(0 if bad == 0 and c.execute(\\\"SELECT count(*) FROM chunks WHERE kind = 'figure'\\\").fetchone()[0] > 0 else 1)\""
# A page turned by /Rotate 90 whose text therefore runs sideways: not read yet, and the reason says so.
python3 - "$T/rotated.pdf" <<'PY'
import sys
content = (b"0.5 w 72 500 m 372 500 l 72 540 m 372 540 l 72 580 m 372 580 l 72 500 m 72 580 l 222 500 m 222 580 l"
           b" 372 500 m 372 580 l S"
           b" BT /F1 11 Tf 72 600 Td (Table 1-1. Battery positions on a turned page) Tj ET"
           b" BT /F1 10 Tf 80 560 Td (Position) Tj 150 0 Td (Grid) Tj ET"
           b" BT /F1 10 Tf 80 520 Td (Alpha) Tj 150 0 Td (18SUJ2338308450) Tj ET"
           b" BT /F1 10 Tf 72 400 Td (The quartermaster orders sandbags for the turned page.) Tj ET")
objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Rotate 90 /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
sys.path.insert(0, "tests/integration")
import minipdf
minipdf.write(sys.argv[1], objs)
PY
"$BIN" --home "$T/r" --json ingest --no-ocr "$T/rotated.pdf" > "$T/r.json"; rc=$?
check "a page whose text runs sideways (/Rotate 90): exit 1, quarantined with a reason that says so and the fix" "[ $rc -eq 1 ] && jq_py 'sys.exit(0 if d[\"status\"]==\"quarantined\" and \"runs sideways\" in d[\"reason\"] and \"qpdf --rotate\" in d[\"reason\"] else 1)' < '$T/r.json'"
"$BIN" table --help > "$T/help"; rc=$?
check "table --help" "[ $rc -eq 0 ] && grep -q 'usage: fagpt table' '$T/help'"
exit 0
