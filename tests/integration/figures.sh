#!/bin/bash
# Figures over a real PDF: `fagpt figures` lists the captioned figures with their PNGs (real PNG files), a
# figure's caption and the words inside it (OCR of its image) are found by `fagpt search`; with
# FAGPT_VISION_MODEL each figure's PNG goes to the vision model (the stand-in llmserver.py answers with the
# bytes' size and hash) and the description is stored; a model error is a warning, never a failed file;
# a 20000x20000 image is not rendered, with a warning; PNGs are drawn when first wanted, from the document's
# file. Prints TAP lines.
. "$(dirname "$0")/common.bash"
unset OLLAMA_HOST OPENAI_BASE_URL OPENAI_API_KEY FAGPT_LLM FAGPT_LLM_API FAGPT_EMBED_MODEL FAGPT_VISION_MODEL

"$BIN" --home "$T/h" ingest "$CORPUS"/ADRP_3-0_Operations_*.pdf > /dev/null
check "without a vision model, ingest draws no figure PNG (they are drawn when first wanted)" "! ls '$T/h/figures/'ADRP_3-0_Operations_*/figure-*.png > /dev/null 2>&1"
"$BIN" --home "$T/h" figures "ADRP 3-0" > "$T/f.txt"; rc=$?
check "figures ADRP 3-0: seven captioned figures with printed pages and PNG files" "[ $rc -eq 0 ] && grep -q '^ADRP 3-0: 7 figures' '$T/f.txt' && grep -Eq '^ +1  p. 2-2 +mixed +Figure 2-1. Army design methodology' '$T/f.txt'"
"$BIN" --home "$T/h" figures --json "ADRP 3-0" > "$T/f.json"
check "each figure's PNG is a PNG file of the size recorded" "jq_py '
import struct
ok = len(d[\"figures\"]) == 7
for f in d[\"figures\"]:
    b = open(f[\"png\"], \"rb\").read(24)
    ok = ok and b[:8] == b\"\\x89PNG\\r\\n\\x1a\\n\" and struct.unpack(\">II\", b[16:24]) == (f[\"width\"], f[\"height\"])
sys.exit(0 if ok else 1)' < '$T/f.json'"
check "the words in a figure's image are read by OCR" "jq_py 'f=d[\"figures\"][0]; sys.exit(0 if f[\"ocr\"] and \"Frame an operational environment\" in f[\"text\"] else 1)' < '$T/f.json'"
"$BIN" --home "$T/h" --json search "figure elements of combat power" > "$T/s.json"
check "search finds a figure by its caption" "jq_py 'h=d[\"results\"][0]; sys.exit(0 if h[\"section\"].endswith(\"Figure 5-1. The elements of combat power\") and h[\"page_label\"]==\"5-1\" else 1)' < '$T/s.json'"
"$BIN" --home "$T/h" --json search "what broad general actions will resolve the problem" > "$T/s.json"
check "search finds a figure by the words inside it" "jq_py 'sys.exit(0 if any(\"Figure 2-1. Army design methodology\" in (h[\"section\"] or \"\") for h in d[\"results\"][:3]) else 1)' < '$T/s.json'"

# same_pngs A.json B.json: two `figures --json` outputs list as many figures, with PNG files of the same bytes.
same_pngs() {
    python3 -c '
import json, sys
a, b = (json.load(open(f))["figures"] for f in sys.argv[1:3])
sys.exit(0 if a and len(a) == len(b) and all(open(x["png"], "rb").read() == open(y["png"], "rb").read()
                                             for x, y in zip(a, b)) else 1)' "$1" "$2"
}
# A figure's PNG is drawn from the document's file: a file that is gone leaves its figures listed, without
# images, and a warning naming it; a replaced file's former PNGs go with its former version.
mkdir -p "$T/lib"
cp "$CORPUS"/ADRP_3-0_Operations_*.pdf "$T/lib/manual.pdf"
"$BIN" --home "$T/g" ingest "$T/lib/manual.pdf" > /dev/null
rm "$T/lib/manual.pdf"
"$BIN" --home "$T/g" --json figures manual.pdf > "$T/g.json" 2> "$T/err"; rc=$?
check "the file gone: figures still listed, no PNG, a warning naming the file" "[ $rc -eq 0 ] && jq_py 'sys.exit(0 if len(d[\"figures\"])==7 and all(f[\"png\"] is None for f in d[\"figures\"]) else 1)' < '$T/g.json' && grep -q 'warning: cannot draw a figure of .*manual.pdf' '$T/err'"
cp "$CORPUS"/ADRP_3-0_Operations_*.pdf "$T/lib/manual.pdf"
"$BIN" --home "$T/g" ingest "$T/lib/manual.pdf" > /dev/null
"$BIN" --home "$T/g" figures manual.pdf > /dev/null
cp "$CORPUS"/ADP_3-0_Operations_*.pdf "$T/lib/manual.pdf"
"$BIN" --home "$T/g" --json ingest "$T/lib/manual.pdf" > "$T/gi.json"
check "a replaced file's former figure PNGs are gone" "jq_py 'sys.exit(0 if d[\"status\"]==\"replaced\" else 1)' < '$T/gi.json' && ! ls '$T/g/figures/manual/'figure-*.png > /dev/null 2>&1"
"$BIN" --home "$T/g" --json figures manual.pdf > "$T/g2.json"
"$BIN" --home "$T/h2" ingest "$CORPUS"/ADP_3-0_Operations_*.pdf > /dev/null
"$BIN" --home "$T/h2" --json figures "ADP 3-0" > "$T/h2.json"
check "... and the new version's are drawn from the new file (the same bytes as ADP 3-0's own)" "same_pngs '$T/g2.json' '$T/h2.json'"

# The vision model: the stand-in answers with the size and hash of the image it received.
echo '{"models": ["llava:7b"], "api": "ollama"}' > "$T/ctl.json"
python3 tests/integration/llmserver.py "$T/port" "$T/ctl.json" & SRV=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
export FAGPT_LLM_URL=http://127.0.0.1:$(cat "$T/port") FAGPT_LLM_API=ollama FAGPT_LLM_RETRIES=0
FAGPT_VISION_MODEL=llava:7b "$BIN" --home "$T/v" ingest --no-ocr "$CORPUS"/ADP_3-0_Operations_*.pdf > /dev/null 2> "$T/err"; rc=$?
"$BIN" --home "$T/v" figures --json "ADP 3-0" > "$T/v.json"
check "vision model: every figure described from its own PNG, byte for byte" "[ $rc -eq 0 ] && jq_py '
import hashlib
ok = len(d[\"figures\"]) > 0
for f in d[\"figures\"]:
    b = open(f[\"png\"], \"rb\").read()
    ok = ok and f[\"description\"] == \"An image of %d bytes, sha256 %s.\" % (len(b), hashlib.sha256(b).hexdigest()[:16])
sys.exit(0 if ok else 1)' < '$T/v.json'"
check "the PNGs drawn during ingest for the vision model are those drawn later when wanted, byte for byte" "same_pngs '$T/v.json' '$T/h2.json'"
"$BIN" --home "$T/v" --json search "An image of bytes sha256" > "$T/vs.json"
check "the description is indexed with the figure" "jq_py 'sys.exit(0 if \"Description: An image of\" in d[\"results\"][0][\"text\"] else 1)' < '$T/vs.json'"
echo '{"models": ["llava:7b"], "api": "ollama", "status": 500}' > "$T/ctl.json"
FAGPT_VISION_MODEL=llava:7b "$BIN" --home "$T/v" --json ingest --no-ocr "$CORPUS"/ADRP_3-0_Operations_*.pdf > "$T/i.json" 2> "$T/err"; rc=$?
check "a vision model error is a warning: the file is ingested, its figures undescribed" "[ $rc -eq 0 ] && jq_py 'sys.exit(0 if d[\"status\"]==\"ingested\" and any(\"not described by the vision model\" in w for w in d[\"warnings\"]) else 1)' < '$T/i.json'"
kill "$SRV" 2>/dev/null
SRV=

# A 20000 x 20000 image in a figure: neither rendered nor OCRed, with a warning.
python3 - "$T/big.pdf" <<'PY'
import sys, zlib
W = H = 20000
c = zlib.compressobj(9)
row = bytes(W)
data = b"".join(c.compress(row) for _ in range(H)) + c.flush()
content = (b"q 400 0 0 300 100 300 cm /Im1 Do Q BT /F1 12 Tf 200 280 Td (Figure 1-1. A very large image) Tj ET"
           b" BT /F1 12 Tf 72 100 Td (Body text under the figure for the page.) Tj ET")
objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >>"
        b" /XObject << /Im1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8"
        b" /Filter /FlateDecode /Length %d >>\nstream\n" % (W, H, len(data)) + data + b"\nendstream"]
sys.path.insert(0, "tests/integration")
import minipdf
minipdf.write(sys.argv[1], objs)
PY
"$BIN" --home "$T/b" --json ingest "$T/big.pdf" > "$T/b.json"; rc=$?
check "a 20000x20000 image: ingested, the figure kept by its caption, not rendered, with a warning" "[ $rc -eq 0 ] && jq_py 'sys.exit(0 if d[\"status\"]==\"ingested\" and \"400 megapixels\" in d[\"warnings\"][0] else 1)' < '$T/b.json' && \"$BIN\" --home '$T/b' --json figures big.pdf | jq_py 'f=d[\"figures\"][0]; sys.exit(0 if f[\"png\"] is None and f[\"caption\"]==\"Figure 1-1. A very large image\" else 1)'"
# Removing a document removes the PNGs ingest wrote for it.
n_png=$(ls "$T/h/figures/"ADRP_3-0_Operations_*/figure-*.png 2>/dev/null | wc -l)
"$BIN" --home "$T/h" rm "ADRP 3-0" > /dev/null
check "fagpt rm removes the document's figure PNGs ($n_png before)" "[ $n_png -gt 0 ] && ! ls '$T/h/figures/'ADRP_3-0_Operations_* > /dev/null 2>&1"
"$BIN" figures --help > "$T/help"; rc=$?
check "figures --help" "[ $rc -eq 0 ] && grep -q 'usage: fagpt figures' '$T/help'"
exit 0
