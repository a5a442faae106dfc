#!/bin/bash
# docmodel.sh - model-assisted page conversion (FAGPT_DOC_MODEL) against tests/integration/llmserver.py, a
# stand-in that answers page-conversion requests with a fixed page (DocTags on Ollama's API, Markdown on OpenAI's)
# quoting the image's hash. Real PDFs: the scanned BRL report read from its text layer (--no-ocr), whose tables
# found from word alignment alone are the hard pages; a PDF with fillable form fields; a TFT page scanned to an
# image and OCRed; on SQLite and on PostgreSQL. Checks: without FAGPT_DOC_MODEL nothing changes; the chosen
# pages are recorded with the reason and the model, their PNGs are bounded, the model's table is a searchable
# table, the other pages are byte for byte the heuristic ones; `fagpt docs DOC` and the web API show the record;
# `fagpt worker` jobs convert alike; a server answering 500, garbage, empty or malformed output, or dropping the
# connection, leaves every page as the heuristics read it, with a warning naming the page. Prints TAP lines.
. "$(dirname "$0")/common.bash"
[ -x "$BIN" ] || { echo "not ok - build/fagpt missing (run make)"; exit 1; }
PG=$(mktemp -d /tmp/fagpt-pgsrv-XXXXXX)  # its own folder: the server's user (postgres when root) must own it
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null; scripts/pg-test-server stop "$PG" >/dev/null 2>&1; rm -rf "$T"' EXIT
unset OLLAMA_HOST OPENAI_BASE_URL OPENAI_API_KEY FAGPT_LLM FAGPT_LLM_API FAGPT_EMBED_MODEL FAGPT_VISION_MODEL \
    FAGPT_DOC_MODEL FAGPT_CHAT_MODEL FAGPT_CONFIG
export FAGPT_LLM_RETRIES=0 FAGPT_LLM_TIMEOUT=20 XDG_CONFIG_HOME="$T/xdg"
BRL=$(ls "$SHARED"/corpus/pdf/BRL-MR-3810_*scanned.pdf)
[ -f "$BRL" ] || { echo "not ok - the scanned BRL report is missing from $SHARED/corpus/pdf"; exit 1; }
DM=granite-docling:258m

ctl() { echo "$1" > "$T/ctl.json"; : > "$T/log"; }
ctl "{\"models\": [\"$DM\", \"granite3.2-vision\"], \"log\": \"$T/log\"}"
python3 tests/integration/llmserver.py "$T/port" "$T/ctl.json" & SRV=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
export FAGPT_LLM_URL=http://127.0.0.1:$(cat "$T/port")
base() { echo "\"models\": [\"$DM\", \"granite3.2-vision\"], \"log\": \"$T/log\""; }
chats() { grep -c '"path":"/api/chat"\|"path":"/v1/chat/completions"' "$T/log"; }
# pages HOME: the page number, label and text of every page of the library's first document, as JSON lines.
pages() { python3 -c "
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1] + '/library.db')
for p, l, t in db.execute('SELECT page, label, text FROM pages ORDER BY doc_id, page'):
    print(json.dumps([p, l, t]))" "$1"; }
# conv HOME DOC: the page_conversions of `fagpt docs DOC --json`.
conv() { "$BIN" --home "$1" --json docs "$2" | jq_py 'print(json.dumps(d["page_conversions"]))'; }

# Without FAGPT_DOC_MODEL: today's behaviour, no request sent, nothing recorded.
"$BIN" --home "$T/base" --json ingest --no-ocr "$BRL" > "$T/base.json"; rc=$?
check "no FAGPT_DOC_MODEL: ingested, no model request, no page recorded as converted" "[ $rc -eq 0 ] && [ \$(chats) -eq 0 ] && [ \"\$(conv '$T/base' 1)\" = '[]' ]"
pages "$T/base" > "$T/base.pages"
"$BIN" --home "$T/base" docs 1 > "$T/base.txt"
check "fagpt docs DOC says no page was sent to a document model" "grep -q 'No page was sent to a document model' '$T/base.txt'"
BT=$("$BIN" --home "$T/base" --json tables 1 | jq_py 'print(len(d["tables"]))')

# fagpt models shows the document model, from the environment and from the config file.
FAGPT_DOC_MODEL=$DM "$BIN" models --json > "$T/m.json"; FAGPT_DOC_MODEL=$DM "$BIN" models > "$T/m.txt"
check "models: the document model is listed and offered (JSON and text)" "jq_py 'sys.exit(0 if d[\"doc_model\"]==\"$DM\" and d[\"doc_model_offered\"] else 1)' < '$T/m.json' && grep -q '^Document model   $DM  (offered)' '$T/m.txt'"
mkdir -p "$T/xdg/fagpt" && echo "doc_model = granite3.2-vision" > "$T/xdg/fagpt/config"
"$BIN" models --json > "$T/m.json"
check "models: doc_model from the config file" "jq_py 'sys.exit(0 if d[\"doc_model\"]==\"granite3.2-vision\" else 1)' < '$T/m.json'"
rm -rf "$T/xdg"

# Ollama, DocTags: the BRL report's tables found without rules are the hard pages.
ctl "{$(base)}"
FAGPT_DOC_MODEL=$DM "$BIN" --home "$T/o" --json ingest --no-ocr "$BRL" > "$T/o.json"; rc=$?
check "Ollama: ingested with no warning" "[ $rc -eq 0 ] && jq_py 'sys.exit(0 if d[\"status\"]==\"ingested\" and d[\"warnings\"]==[] else 1)' < '$T/o.json'"
conv "$T/o" 1 > "$T/o.conv"
HARD=$(jq_py 'print(" ".join(str(c["page"]) for c in d))' < "$T/o.conv")
check "the pages with tables found without rules are recorded: converted, with the model and the reason" "jq_py 'sys.exit(0 if len(d)>=2 and all(c[\"converted\"] and c[\"model\"]==\"$DM\" and c[\"reason\"].startswith(\"a table without rules\") and c[\"detail\"] is None for c in d) else 1)' < '$T/o.conv'"
check "exactly the pages whose heuristic reading has a table without rules were chosen" "python3 -c \"
import json, sqlite3, sys
db = sqlite3.connect('$T/base/library.db')
want = sorted({p for (p,) in db.execute('SELECT page FROM doc_tables WHERE ruled = 0')} | {p for (p, e) in db.execute('SELECT page, page_end FROM doc_tables WHERE ruled = 0') for p in range(p, e + 1)})
sys.exit(0 if want == [int(x) for x in '$HARD'.split()] else 1)\""
check "one request per chosen page, to /api/chat with the page as an image and granite-docling's own prompt" "python3 -c \"
import json, sys
reqs = [json.loads(l) for l in open('$T/log') if '/api/chat' in l]
bodies = [json.loads(r['body']) for r in reqs]
ok = len(reqs) == len('$HARD'.split()) and all(b['model'] == '$DM' and b['stream'] is False and b['messages'][0]['content'] == 'Convert this page to docling.' and len(b['messages'][0]['images']) == 1 for b in bodies)
sys.exit(0 if ok else 1)\""
check "each page image is a PNG at 144 dpi, at most 1600 pixels on its longer side" "python3 -c \"
import base64, json, struct, sys
for l in open('$T/log'):
    if '/api/chat' not in l: continue
    png = base64.b64decode(json.loads(json.loads(l)['body'])['messages'][0]['images'][0])
    w, h = struct.unpack('>II', png[16:24])
    if png[:8] != b'\x89PNG\r\n\x1a\n' or max(w, h) > 1600 or max(w, h) < 1000: sys.exit(1)\""
pages "$T/o" > "$T/o.pages"
check "the pages not chosen are exactly the heuristic ones (text and printed label), and the page count holds" "python3 -c \"
import json, sys
hard = {int(x) for x in '$HARD'.split()}
a = [json.loads(l) for l in open('$T/base.pages')]; b = [json.loads(l) for l in open('$T/o.pages')]
sys.exit(0 if len(a) == len(b) == 83 and all(x == y for x, y in zip(a, b) if x[0] not in hard) else 1)\""
check "the chosen pages hold the model's reading instead of the heuristic one, their labels unchanged" "python3 -c \"
import json, sys
hard = {int(x) for x in '$HARD'.split()}
a = {json.loads(l)[0]: json.loads(l) for l in open('$T/base.pages')}; b = [json.loads(l) for l in open('$T/o.pages')]
sys.exit(0 if all('Stand-in conversion' in y[2] and 'read by the stand-in document model from an image of' in y[2] and y[2] != a[y[0]][2] and y[1] == a[y[0]][1] for y in b if y[0] in hard) else 1)\""
"$BIN" --home "$T/o" --json search zebrafinch > "$T/s.json"
check "the model's table is searchable: a table chunk under its caption, on a converted page" "jq_py 'r=d[\"results\"]; sys.exit(0 if r and r[0][\"section\"].endswith(\"Table 9-9. Stand-in charges\") and \"| Zebrafinch charge 1 | 4H |\" in r[0][\"text\"] and str(r[0][\"page\"]) in \"$HARD\".split() else 1)' < '$T/s.json'"
"$BIN" --home "$T/o" --json tables 1 > "$T/t.json"
check "fagpt tables: the model's table, not ruled, with its header row; no heuristic table left on the chosen pages" "jq_py 'hard={int(x) for x in \"$HARD\".split()}; t=d[\"tables\"]; m=[x for x in t if x.get(\"caption\")==\"Table 9-9. Stand-in charges\"]; sys.exit(0 if m and all(not x[\"ruled\"] for x in m) and all(x.get(\"caption\")==\"Table 9-9. Stand-in charges\" for x in t if x[\"page\"] in hard) else 1)' < '$T/t.json'"
"$BIN" --home "$T/o" docs 1 > "$T/o.txt"
check "fagpt docs DOC lists each converted page with its reason and model" "[ \$(grep -c 'a table without rules.*; converted by $DM' '$T/o.txt') -eq \$(echo $HARD | wc -w) ]"
FIRST=${HARD%% *}
# The web API's document view: the same record.
FAGPT_LLM=off "$BIN" --home "$T/o" serve --listen 127.0.0.1:0 --no-auth > "$T/serve.out" 2> "$T/serve.err" & WEB=$!
URL=
for _ in $(seq 1 200); do
    URL=$(sed -n 's/^FA-GPT serving \(http[^ ]*\)\/$/\1/p' "$T/serve.out")
    [ -n "$URL" ] && break
    kill -0 "$WEB" 2>/dev/null || break
    sleep 0.1
done
curl -s "$URL/api/documents/1" > "$T/web.json"
kill "$WEB" 2>/dev/null; wait "$WEB" 2>/dev/null
check "GET /api/documents/{id} has the same page_conversions" "[ -n '$URL' ] && [ \"\$(jq_py 'print(json.dumps(d[\"page_conversions\"]))' < '$T/web.json')\" = \"\$(cat '$T/o.conv')\" ]"
"$BIN" --home "$T/o" --json ingest --no-ocr "$BRL" > "$T/o2.json"
check "an unchanged file is not sent again" "jq_py 'sys.exit(0 if d[\"status\"]==\"unchanged\" else 1)' < '$T/o2.json' && [ \$(grep -c '/api/chat' '$T/log') -eq \$(echo $HARD | wc -w) ]"

# A queued job run by `fagpt worker`: the same pages converted.
ctl "{$(base)}"
"$BIN" --home "$T/w" ingest --queue "$BRL" > /dev/null
FAGPT_DOC_MODEL=$DM "$BIN" --home "$T/w" worker --once --no-ocr > /dev/null 2> "$T/w.err"; rc=$?
check "fagpt worker: the queued file's hard pages converted and recorded alike" "[ $rc -eq 0 ] && [ \"\$(conv '$T/w' 1)\" = \"\$(cat '$T/o.conv')\" ]"
ctl "{$(base), \"status\": 500}"
"$BIN" --home "$T/w2" ingest --queue "$BRL" > /dev/null
FAGPT_DOC_MODEL=$DM "$BIN" --home "$T/w2" worker --once --no-ocr > /dev/null 2> "$T/w2.err"; rc=$?
check "fagpt worker, model failing: done, the heuristic pages kept, a warning naming page $FIRST" "[ $rc -eq 0 ] && pages '$T/w2' | cmp -s - '$T/base.pages' && grep -q \"warning: .*page $FIRST .*heuristic reading is kept\" '$T/w2.err'"

# The same on PostgreSQL (scripts/pg-test-server): the pages recorded alike, the table searchable.
if base=$(scripts/pg-test-server start "$PG" 2>/dev/null); then
    sock=$PG; port=${base##*port=}
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- createdb -h "$sock" -p "$port" -U postgres dm
    else createdb -h "$sock" -p "$port" -U postgres dm; fi
    url="postgresql://postgres@/dm?host=$sock&port=$port"
    ctl "{$(base)}"
    FAGPT_DOC_MODEL=$DM "$BIN" --db "$url" --json ingest --no-ocr "$BRL" > "$T/pg.json"; rc=$?
    check "PostgreSQL: ingested, the same pages recorded as converted, with reason and model" "[ $rc -eq 0 ] && [ \"\$('$BIN' --db '$url' --json docs 1 | jq_py 'print(json.dumps(d[\"page_conversions\"]))')\" = \"\$(cat '$T/o.conv')\" ]"
    check "PostgreSQL: the model's table is searchable" "'$BIN' --db '$url' --json search zebrafinch | jq_py 'r=d[\"results\"]; sys.exit(0 if r and r[0][\"section\"].endswith(\"Table 9-9. Stand-in charges\") else 1)'"
    scripts/pg-test-server stop "$PG" >/dev/null 2>&1
else
    ok "# SKIP PostgreSQL: scripts/pg-test-server could not start a server here"
fi

# OpenAI-compatible, Markdown: a page with fillable form fields, beside a page of plain text.
python3 - "$T/form.pdf" <<'PY'
import sys
page1 = (b"BT /F1 11 Tf 72 700 Td (Chapter 1 Fire Planning) Tj ET"
         b" BT /F1 10 Tf 72 670 Td (1-1. The battalion fire direction officer keeps the firing chart current.) Tj ET")
page2 = (b"BT /F1 11 Tf 72 700 Td (REQUEST FOR FIRE WORKSHEET) Tj ET"
         b" BT /F1 10 Tf 72 660 Td (OBSERVER) Tj ET BT /F1 10 Tf 72 630 Td (TARGET GRID) Tj ET")
objs = [b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R 7 0 R] >> >>",
        b"<< /Type /Pages /Kids [3 0 R 8 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(page1) + page1 + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (observer) /Rect [180 655 400 672] /P 8 0 R >>",
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (grid) /Rect [180 625 400 642] /P 8 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 9 0 R /Annots [6 0 R 7 0 R]"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(page2) + page2 + b"\nendstream"]
sys.path.insert(0, "tests/integration")
import minipdf
minipdf.write(sys.argv[1], objs)
PY
ctl "{$(base)}"
FAGPT_LLM_API=openai FAGPT_LLM_URL=$FAGPT_LLM_URL/v1 "$BIN" --home "$T/f" --json ingest --doc-model granite3.2-vision "$T/form.pdf" > "$T/f.json"; rc=$?
check "OpenAI API, --doc-model: the form is ingested with no warning" "[ $rc -eq 0 ] && jq_py 'sys.exit(0 if d[\"status\"]==\"ingested\" and d[\"warnings\"]==[] else 1)' < '$T/f.json'"
check "only the page with form fields was chosen, as a form, and converted" "conv '$T/f' form.pdf | jq_py 'sys.exit(0 if len(d)==1 and d[0][\"page\"]==2 and d[0][\"reason\"]==\"a form (2 fillable fields)\" and d[0][\"converted\"] and d[0][\"model\"]==\"granite3.2-vision\" else 1)'"
check "the request was OpenAI chat with image_url content and the Markdown instruction" "python3 -c \"
import json, sys
b = [json.loads(json.loads(l)['body']) for l in open('$T/log') if '/v1/chat/completions' in l]
parts = b[0]['messages'][0]['content'] if len(b) == 1 else []
sys.exit(0 if parts and parts[0]['type'] == 'text' and 'to Markdown' in parts[0]['text'] and parts[1]['image_url']['url'].startswith('data:image/png;base64,') else 1)\""
pages "$T/f" > "$T/f.pages"
check "the form page holds the model's Markdown reading; the text page is as the PDF has it" "python3 -c \"
import json, sys
p = [json.loads(l) for l in open('$T/f.pages')]
sys.exit(0 if 'keeps the firing chart current' in p[0][2] and 'Stand-in conversion' in p[1][2] and 'OBSERVER' not in p[1][2] else 1)\""
"$BIN" --home "$T/f" --json search kestrel > "$T/s.json"
check "the Markdown table is a searchable table on page 2" "jq_py 'r=d[\"results\"]; sys.exit(0 if r and r[0][\"page\"]==2 and r[0][\"section\"].endswith(\"Table 9-9. Stand-in charges\") and \"| Kestrel charge 1 | 5H |\" in r[0][\"text\"] else 1)' < '$T/s.json'"
"$BIN" --home "$T/f" --json search "fire planning" > "$T/s.json"
check "the text page's heading and paragraph are found as before" "jq_py 'r=d[\"results\"]; sys.exit(0 if r and r[0][\"page\"]==1 and r[0][\"paragraph\"]==\"1-1\" else 1)' < '$T/s.json'"

# A model that fails: each time every page keeps its heuristic reading and the warning names the page.
failcase() { # NAME CTL EXPECT_IN_WARNING
    ctl "{$(base), $2}"
    rm -rf "$T/x"
    FAGPT_DOC_MODEL=$DM "$BIN" --home "$T/x" --json ingest --no-ocr "$BRL" > "$T/x.json" 2> "$T/x.err"; local rc=$?
    pages "$T/x" > "$T/x.pages"
    check "$1: ingested, every page the heuristic one, the same $BT tables" "[ $rc -eq 0 ] && cmp -s '$T/x.pages' '$T/base.pages' && [ \$('$BIN' --home '$T/x' --json tables 1 | jq_py 'print(len(d[\"tables\"]))') -eq $BT ]"
    check "$1: a warning names page $FIRST, why it was chosen and the reason ($3)" "jq_py 'w=d[\"warnings\"]; sys.exit(0 if any(x.startswith(\"page $FIRST \") and \"table without rules\" in x and \"$DM\" in x and \"$3\" in x and \"heuristic reading is kept\" in x for x in w) else 1)' < '$T/x.json'"
    check "$1: recorded as not converted, with the reason" "conv '$T/x' 1 | jq_py 'sys.exit(0 if d and [c[\"page\"] for c in d]==[int(x) for x in \"$HARD\".split()] and not any(c[\"converted\"] for c in d) and all(c[\"detail\"] for c in d) else 1)'"
}
failcase "500" '"status": 500' "500"
check "500: after a failed request the document's other hard pages are not sent" "[ \$(chats) -eq 1 ] && jq_py 'sys.exit(0 if sum(\"not sent: the request for page $FIRST failed\" in x for x in d[\"warnings\"])==len(\"$HARD\".split())-1 else 1)' < '$T/x.json'"
failcase "dropped connection" '"drop_whole": true' "$DM"
failcase "malformed JSON" '"malformed": true' "$DM"
failcase "garbage (a refusal in prose)" '"convert": "garbage"' "words where the page"
check "garbage: every hard page was still tried" "[ \$(chats) -eq \$(echo $HARD | wc -w) ]"
failcase "empty output" '"convert": "empty"' "empty"
failcase "markup without text" '"convert": "tags"' "no text or table"
ctl "{$(base), \"convert_slow_ms\": 3000}"
rm -rf "$T/x"
FAGPT_LLM_TIMEOUT=1 FAGPT_DOC_MODEL=$DM "$BIN" --home "$T/x" --json ingest --no-ocr "$BRL" > "$T/x.json"; rc=$?
pages "$T/x" > "$T/x.pages"
check "timeout: ingested with the heuristic pages and a warning naming page $FIRST" "[ $rc -eq 0 ] && cmp -s '$T/x.pages' '$T/base.pages' && jq_py 'sys.exit(0 if any(x.startswith(\"page $FIRST \") for x in d[\"warnings\"]) else 1)' < '$T/x.json'"
kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null; SRV=
rm -rf "$T/x"
FAGPT_DOC_MODEL=$DM "$BIN" --home "$T/x" --json ingest --no-ocr "$BRL" > "$T/x.json" 2> "$T/x.err"; rc=$?
pages "$T/x" > "$T/x.pages"
check "server gone: ingested with the heuristic pages, a note that pages were not converted" "[ $rc -eq 0 ] && cmp -s '$T/x.pages' '$T/base.pages' && grep -q 'pages not converted by the document model' '$T/x.err'"

# A scanned firing table: a TFT page (groff/tbl), rendered to an image, OCRed, then converted by the model.
python3 - > "$T/tft.tr" <<'PY'
rows = [(r, 100 + r // 25, 9.1 + r / 1000, 9.0 + r / 1000, 3 + r // 2000) for r in range(2000, 4200, 100)]
out = [".pl 11i", ".po 0.8i", ".ll 6.8i", ".ps 11", ".vs 14", ".sp 0.5i", ".ce 2",
       "FT 155-AM-X   TABLE F   CANNON, 155MM HOWITZER, M777A2", "PROJ, HE, M107   CHARGE 4G", ".sp 1", ".TS",
       "center;", "r r r r r.", "RANGE\tELEV\tFS\tTIME OF\tDRIFT", "M\tMILS\tFUZE\tFLIGHT\tMILS"]
out += ["%d\t%d\t%.1f\t%.1f\t%d" % r for r in rows] + [".TE"]
print("\n".join(out))
PY
groff -t -Tpdf "$T/tft.tr" > "$T/tft.pdf" 2> /dev/null
"$BIN" --home "$T/r" ingest "$T/tft.pdf" > /dev/null && "$BIN" --home "$T/r" page tft.pdf 1 --dpi 200 -o "$T/tft.png" 2> /dev/null
check "the TFT page was rendered to an image" "[ -s '$T/tft.png' ]"
python3 tests/integration/llmserver.py "$T/port2" "$T/ctl.json" & SRV=$!
for _ in $(seq 100); do [ -s "$T/port2" ] && break; sleep 0.05; done
ctl "{$(base)}"
FAGPT_LLM_URL=http://127.0.0.1:$(cat "$T/port2") FAGPT_DOC_MODEL=$DM "$BIN" --home "$T/p" --json ingest "$T/tft.png" > "$T/p.json"; rc=$?
check "the scanned TFT page is OCRed, chosen as a scanned firing table and converted" "[ $rc -eq 0 ] && conv '$T/p' tft.png | jq_py 'sys.exit(0 if len(d)==1 and d[0][\"reason\"].startswith(\"a scanned firing table\") and d[0][\"converted\"] else 1)'"

echo "1..$n"
