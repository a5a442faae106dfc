"""minipdf.py - writes a small PDF from its objects, for integration tests that need a page the corpus lacks (a
form with fields, a huge image, a table of a known shape). Objects are numbered from 1 in the order given; the
catalogue must be object 1. Imported by the scripts' inline Python (they run from the repository root)."""


def write(path, objs):
    pdf, offs = b"%PDF-1.4\n", []
    for i, o in enumerate(objs):
        offs.append(len(pdf))
        pdf += b"%d 0 obj " % (i + 1) + o + b" endobj\n"
    x = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offs)
    pdf += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    with open(path, "wb") as f:
        f.write(pdf)
