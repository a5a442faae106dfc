#!/usr/bin/env python3
"""The naive retrieval peer of issue 2, measured side by side with FA-GPT: one chunk per page of pdftotext
output in an SQLite FTS5 BM25 index, queried with an OR of the question's words.
Usage: naive_peer.py CORPUS_DIR QUESTIONS.jsonl  -> prints recall@1, recall@5 and MRR@10 (answerable items)."""
import json, os, re, sqlite3, subprocess, sys

corpus, questions = sys.argv[1], sys.argv[2]
db = sqlite3.connect(":memory:")
db.execute("CREATE VIRTUAL TABLE p USING fts5(doc UNINDEXED, page UNINDEXED, text)")
for name in sorted(os.listdir(corpus)):
    if not name.endswith(".pdf"):
        continue
    out = subprocess.run(["pdftotext", "-q", os.path.join(corpus, name), "-"], capture_output=True, text=True).stdout
    for i, text in enumerate(out.split("\f")):
        if text.strip():
            db.execute("INSERT INTO p VALUES (?, ?, ?)", (name, i + 1, text))

n = r1 = r5 = 0
mrr = 0.0
for line in open(questions):
    item = json.loads(line)
    if not item.get("doc"):
        continue
    n += 1
    words = re.findall(r"[A-Za-z0-9]+", item["question"])
    query = " OR ".join('"%s"' % w for w in words)
    rows = db.execute("SELECT doc, page FROM p WHERE p MATCH ? ORDER BY rank LIMIT 10", (query,)).fetchall()
    targets = [(item["doc"], item["pages"])] + [(a["doc"], a["pages"]) for a in item.get("also", [])]
    rank = next((i + 1 for i, (d, pg) in enumerate(rows) if any(d == td and pg in tp for td, tp in targets)), 0)
    r1 += rank == 1
    r5 += 0 < rank <= 5
    mrr += 1.0 / rank if rank else 0.0
print("answerable %d: recall@1 %.3f  recall@5 %.3f  MRR %.3f" % (n, r1 / n, r5 / n, mrr / n))
