#!/usr/bin/env python3
"""xss-pdf.py - writes a one-page PDF whose text and title carry HTML/script payloads, for the browser tests
(tests/e2e/e2e.mjs checks that the library, search and page viewer show them as text). Usage: xss-pdf.py OUT."""
import sys

TITLE = '<svg onload="window.__xss=9">Payload title'
LINES = ["Field Artillery Test Note",
         "1-1. The battery computes firing data for every mission.",
         'Payload: <img src=x onerror="window.__xss=7"><script>window.__xss=8</script> end.',
         "1-2. Observers send corrections after each round."]


def esc(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


content = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join("(%s) '" % esc(line) for line in LINES) + " ET"
objs = ["<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        "/Contents 4 0 R >>",
        "<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        "<< /Title (%s) >>" % esc(TITLE)]
out = bytearray(b"%PDF-1.4\n")
offsets = []
for i, body in enumerate(objs, 1):
    offsets.append(len(out))
    out += ("%d 0 obj\n%s\nendobj\n" % (i, body)).encode("latin-1")
xref = len(out)
out += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)).encode()
for o in offsets:
    out += ("%010d 00000 n \n" % o).encode()
out += ("trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)).encode()
with open(sys.argv[1], "wb") as f:
    f.write(out)
