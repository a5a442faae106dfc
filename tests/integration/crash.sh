#!/bin/bash
# Crash safety: ingest of the corpus is killed with SIGKILL at random moments; after each kill the database
# passes PRAGMA integrity_check and every visible document is whole (its pages and chunks all present); a
# final rerun ends with the same library as an uninterrupted ingest. Prints TAP lines.
. "$(dirname "$0")/common.bash"
summary() { sqlite3 "$1/library.db" "SELECT file_name, pages, chunks, sha256 FROM documents ORDER BY file_name"; }
whole() {  # documents whose rows disagree with their counts
    sqlite3 "$1/library.db" "SELECT count(*) FROM documents d WHERE d.chunks != (SELECT count(*) FROM chunks c WHERE c.doc_id = d.id) OR d.pages != (SELECT count(*) FROM pages p WHERE p.doc_id = d.id)"
}

"$BIN" --home "$T/ref" ingest "$CORPUS" > /dev/null
summary "$T/ref" > "$T/ref.txt"
for i in 1 2 3 4 5 6 7 8; do
    "$BIN" --home "$T/h" ingest --workers 2 "$CORPUS" > /dev/null 2>&1 &
    pid=$!
    sleep "0.$(( (RANDOM % 9) + 1 ))$(( RANDOM % 10 ))"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ -f "$T/h/library.db" ] || continue
    if [ "$(sqlite3 "$T/h/library.db" 'PRAGMA integrity_check')" = ok ]; then ok "kill $i: integrity_check ok"; else no "kill $i: integrity_check"; fi
    bad=$(whole "$T/h")
    if [ "$bad" = 0 ]; then ok "kill $i: no half document visible ($(sqlite3 "$T/h/library.db" 'SELECT count(*) FROM documents') documents)"; else no "kill $i: $bad half documents"; fi
done
"$BIN" --home "$T/h" ingest "$CORPUS" > /dev/null
rc=$?
if [ $rc -eq 2 ]; then ok "rerun completes (exit 2: the XFA form)"; else no "rerun exit $rc"; fi
summary "$T/h" > "$T/after.txt"
if cmp -s "$T/ref.txt" "$T/after.txt"; then ok "rerun gives the same library as an uninterrupted ingest"; else no "library differs after crashes"; diff "$T/ref.txt" "$T/after.txt" | head; fi
fts=$(sqlite3 "$T/h/library.db" "INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1); SELECT 'ok'" 2>&1)
if [ "$fts" = ok ]; then ok "full-text index consistent with the chunks"; else no "full-text index: $fts"; fi
off=$(sqlite3 "$T/h/library.db" "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, chunks_fts, row); SELECT (SELECT count(*) FROM v LEFT JOIN term_stats t ON t.term = v.term WHERE t.df IS NOT v.doc) + (SELECT count(*) FROM term_stats t LEFT JOIN v ON v.term = t.term WHERE v.doc IS NULL)")
if [ "$off" = 0 ]; then ok "term statistics agree with the full-text index"; else no "term statistics: $off terms off"; fi
exit 0
