/*
 * store_pg.c - the PostgreSQL store (see store.h), on libpq: schema and migrations under an advisory lock,
 * one transaction per document, full-text search over tsvector columns, vectors (pgvector when the server has
 * it, else an in-process copy kept current through LISTEN/NOTIFY), the ingest job queue, and the copy of an
 * SQLite library (store_migrate_to_pg).
 *
 * Tokens. The index is built from the same tokens as the SQLite back end: FTS5's "porter unicode61" tokenizer,
 * run in this process (an in-memory SQLite handle lends it), written into the tsvector columns as literal
 * lexemes with positions and weights (heading A, text B). PostgreSQL's 'english' configuration is not used,
 * because search.c relies on three things agreeing token for token: the query's stems (store_tokenize), their
 * document frequencies (term_stats, store_token_df), and the passages it tokenises again to re-rank them
 * (search_coverage, forty passages a question). With 'english' those would either disagree (Snowball's
 * Porter2 and its stop words against FTS5's Porter, so a phrase with "of" in it or a stem such as "fire"/"fires"
 * would match differently from its idf) or cost a round trip per passage. With one tokenizer both back ends give
 * the same candidates, the same idf and the same coverage; only the first-stage rank differs (below).
 *
 * Ranking. PostgreSQL's ts_rank knows neither idf nor BM25's saturation, so the first-stage score is BM25
 * computed in SQL, as FTS5 computes it (Robertson and Zaragoza, "The Probabilistic Relevance Framework", 2009,
 * eq. 3.15, k1 = 1.2, b = 0.75): for each word of the query, its idf (term_stats, the same figures as SQLite's)
 * times its frequency in the row (a heading position counting 1.5, FTS5's bm25(1.5, 1.0) weights), normalised by
 * the row's token count (ntok) over the library's mean (library_stats). The frequencies are read from postings
 * tables (chunk_postings, page_postings: row, lexeme, weighted frequency), which triggers derive from the
 * tsvectors as rows are written, so that a query probes an index rather than unnest every candidate's tsvector.
 * A phrase of several words counts once where the row holds it, with its rarest word's idf.
 */
#include "store_ops.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <postgresql/libpq-fe.h>
#include <sqlite3.h>

#include "core/json.h"

/* pg_advisory_xact_lock key of schema changes: "FAGP" */
#define MIGRATE_LOCK 0x46414750LL
/* pg_advisory_xact_lock key of the superseded-documents recomputation: "FAGS" */
#define STATUS_LOCK 0x46414753LL
#define VECTOR_CHANNEL "fagpt_vectors"
#define ISO(x) "to_char((" x ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
/* tsvector limits (PostgreSQL docs, 8.11.1): positions up to 16383, lexemes under 2 KiB. */
#define TSV_MAX_POS 16383
#define TSV_MAX_LEXEME 2046

/* The in-process copy of one vector set (model, dim): ids with an open-addressing map id -> row. */
typedef struct vec_set {
    char *model;
    int dim;
    bool stale;
    size_t n, cap;
    long long *ids;
    float *vecs;
    long long *map_ids;  /* map_cap slots; 0 empty (chunk ids start at 1) */
    size_t *map_rows;
    size_t map_cap;
} vec_set;

struct store {
    const store_ops *ops;   /* first: see store_ops.h */
    PGconn *conn;
    pthread_mutex_t lock;
    sqlite3 *tokdb;         /* lends FTS5's porter tokenizer */
    fts5_tokenizer tokenizer;
    Fts5Tokenizer *tok;
    bool pgvector;          /* the server has pgvector: vectors searched through HNSW indexes */
    char vector_note[160];  /* why pgvector is not used */
    VEC(vec_set) sets;      /* the in-process index when !pgvector */
    unsigned long long serial; /* store_serial */
};

/* A lexeme's weighted frequency in a row's tsvector u (unnest): its positions, a chunk's heading ones ('A')
 * counting 1.5. BM25's tf in the postings (migration 5). */
#define PAGE_TF "coalesce(cardinality(u.positions), 0)"
#define CHUNK_TF PAGE_TF " + 0.5 * coalesce(cardinality(array_positions(u.weights, 'A')), 0)"
/* and its positions with their weights, for phrases */
#define POSTING_ARRAYS "coalesce(u.positions, '{}'), coalesce(u.weights, '{}')"

/* Each entry migrates the schema from version i to i+1; never edit a released entry, append a new one. The
 * tables mirror store_sqlite.c's (same names and columns, so store_migrate_to_pg copies them by name), plus the
 * tsvector columns that replace FTS5's tables, their token counts, and library_stats. */
static const char *migrations[] = {
    /* 1: documents, pages, chunks, terms, definitions, links, quarantine, vectors, the job queue */
    "CREATE TABLE documents ("
    "  id BIGSERIAL PRIMARY KEY, path TEXT NOT NULL, file_name TEXT NOT NULL, sha256 TEXT NOT NULL,"
    "  publication TEXT, title TEXT, pub_date TEXT, distribution TEXT, supersedes TEXT,"
    "  pages INTEGER NOT NULL, chunks INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'ready',"
    "  ingested_at TEXT NOT NULL, size_bytes BIGINT NOT NULL,"
    /* deferred: a changed file's new version is written before its old one is deleted (put_locked) */
    "  CONSTRAINT documents_path UNIQUE (path) DEFERRABLE INITIALLY DEFERRED);"
    "CREATE INDEX documents_sha ON documents(sha256);"
    "CREATE TABLE pages (id BIGSERIAL PRIMARY KEY, doc_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  page INTEGER NOT NULL, label TEXT, width DOUBLE PRECISION, height DOUBLE PRECISION, text TEXT NOT NULL,"
    "  tsv TSVECTOR, ntok INTEGER NOT NULL DEFAULT 0, UNIQUE (doc_id, page));"
    "CREATE INDEX pages_tsv ON pages USING gin (tsv);"
    "CREATE TABLE chunks (id BIGSERIAL PRIMARY KEY, doc_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL, section TEXT, heading TEXT, paragraph TEXT, page_start INTEGER NOT NULL,"
    "  page_end INTEGER NOT NULL, text TEXT NOT NULL, boxes TEXT NOT NULL, tsv TSVECTOR,"
    "  ntok INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX chunks_doc ON chunks(doc_id, seq);"
    "CREATE INDEX chunks_tsv ON chunks USING gin (tsv);"
    "CREATE TABLE term_stats (term TEXT PRIMARY KEY, df INTEGER NOT NULL);"
    /* one row: chunks and pages, and their tokens (BM25's mean length); one row, so writers never deadlock on it */
    "CREATE TABLE library_stats (chunks BIGINT NOT NULL, chunk_tokens BIGINT NOT NULL, pages BIGINT NOT NULL,"
    "  page_tokens BIGINT NOT NULL);"
    "INSERT INTO library_stats VALUES (0, 0, 0, 0);"
    "CREATE TABLE terms (doc_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  term TEXT NOT NULL, expansion TEXT NOT NULL, page INTEGER, glossary INTEGER NOT NULL);"
    "CREATE INDEX terms_term ON terms(term);"
    "CREATE INDEX terms_term_upper ON terms(upper(term));"
    "CREATE INDEX terms_expansion ON terms(lower(expansion));"
    "CREATE TABLE quarantine (path TEXT PRIMARY KEY, reason TEXT NOT NULL, at TEXT NOT NULL);"
    "CREATE TABLE chunk_vectors (chunk_id BIGINT PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,"
    "  model TEXT NOT NULL, dim INTEGER NOT NULL, vec BYTEA NOT NULL,"
    "  txid XID8 NOT NULL DEFAULT pg_current_xact_id());"
    "CREATE INDEX chunk_vectors_model ON chunk_vectors(model, dim);"
    "CREATE INDEX chunk_vectors_txid ON chunk_vectors(txid);"
    /* Servers holding vectors in memory hear of changes: "put XID" (rows of that transaction to add), or
     * "changed" (reload). Deletes arrive through ON DELETE CASCADE as well. */
    "CREATE FUNCTION fagpt_vectors_put() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  PERFORM pg_notify('" VECTOR_CHANNEL "', 'put ' || pg_current_xact_id()::text); RETURN NULL; END $$;"
    "CREATE FUNCTION fagpt_vectors_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  IF TG_OP = 'TRUNCATE' OR EXISTS (SELECT 1 FROM old_rows) THEN"
    "    PERFORM pg_notify('" VECTOR_CHANNEL "', 'changed'); END IF; RETURN NULL; END $$;"
    "CREATE FUNCTION fagpt_vectors_truncated() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  PERFORM pg_notify('" VECTOR_CHANNEL "', 'changed'); RETURN NULL; END $$;"
    "CREATE TRIGGER chunk_vectors_put AFTER INSERT ON chunk_vectors FOR EACH STATEMENT"
    "  EXECUTE FUNCTION fagpt_vectors_put();"
    "CREATE TRIGGER chunk_vectors_update AFTER UPDATE ON chunk_vectors REFERENCING OLD TABLE AS old_rows"
    "  FOR EACH STATEMENT EXECUTE FUNCTION fagpt_vectors_changed();"
    "CREATE TRIGGER chunk_vectors_delete AFTER DELETE ON chunk_vectors REFERENCING OLD TABLE AS old_rows"
    "  FOR EACH STATEMENT EXECUTE FUNCTION fagpt_vectors_changed();"
    "CREATE TRIGGER chunk_vectors_truncate AFTER TRUNCATE ON chunk_vectors FOR EACH STATEMENT"
    "  EXECUTE FUNCTION fagpt_vectors_truncated();"
    "CREATE TABLE definitions (doc_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  term TEXT NOT NULL, definition TEXT NOT NULL, page INTEGER NOT NULL);"
    "CREATE INDEX definitions_term ON definitions(lower(term));"
    "CREATE TABLE links (doc_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL, target TEXT NOT NULL, pub_key TEXT, page INTEGER NOT NULL, paragraph TEXT);"
    "CREATE INDEX links_doc ON links(doc_id, kind);"
    "CREATE INDEX links_pub ON links(pub_key);"
    "CREATE TABLE ingest_jobs (id BIGSERIAL PRIMARY KEY, path TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','running','done','failed')),"
    "  worker TEXT, lease_until TIMESTAMPTZ, heartbeat TIMESTAMPTZ, attempts INTEGER NOT NULL DEFAULT 0,"
    "  pages_done INTEGER NOT NULL DEFAULT 0, pages_total INTEGER NOT NULL DEFAULT 0, doc_id BIGINT, message TEXT,"
    "  created_at TIMESTAMPTZ NOT NULL DEFAULT now(), finished_at TIMESTAMPTZ);"
    "CREATE UNIQUE INDEX ingest_jobs_open ON ingest_jobs(path) WHERE state IN ('queued','running');",
    /* 2: what store_sqlite.c's migrations 4 and 5 add. The vector index beside the vectors: a generation per
     * vector set, bumped by every insert or delete of its vectors, and the persisted index (search/vindex.c).
     * Accounts, sessions and API tokens (stored hashed), the audit log, a document's access label. And the
     * library's version (store_library_version): bumped by any change of documents, in the same transaction,
     * so every server sees another's commit. */
    "CREATE TABLE vector_gen (model TEXT NOT NULL, dim INTEGER NOT NULL, gen BIGINT NOT NULL,"
    "  PRIMARY KEY (model, dim));"
    "INSERT INTO vector_gen SELECT model, dim, count(*) FROM chunk_vectors GROUP BY model, dim;"
    "CREATE FUNCTION fagpt_vector_gen() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  IF TG_OP = 'INSERT' THEN"
    "    INSERT INTO vector_gen (model, dim, gen) VALUES (NEW.model, NEW.dim, 1)"
    "    ON CONFLICT (model, dim) DO UPDATE SET gen = vector_gen.gen + 1;"
    "  ELSE UPDATE vector_gen SET gen = gen + 1 WHERE model = OLD.model AND dim = OLD.dim; END IF;"
    "  RETURN NULL; END $$;"
    "CREATE TRIGGER chunk_vectors_gen AFTER INSERT OR DELETE ON chunk_vectors FOR EACH ROW"
    "  EXECUTE FUNCTION fagpt_vector_gen();"
    "CREATE TABLE vector_index (model TEXT NOT NULL, dim INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  gen BIGINT NOT NULL, count BIGINT NOT NULL, built_at TEXT NOT NULL, data BYTEA NOT NULL,"
    "  PRIMARY KEY (model, dim, kind));"
    "CREATE TABLE users (username TEXT PRIMARY KEY, hash TEXT NOT NULL, role TEXT NOT NULL,"
    "  labels TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL);"
    "CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES users(username)"
    "  ON DELETE CASCADE, csrf TEXT NOT NULL, expires BIGINT NOT NULL);"
    "CREATE TABLE api_tokens (id BIGSERIAL PRIMARY KEY, hash TEXT NOT NULL UNIQUE, username TEXT NOT NULL"
    "  REFERENCES users(username) ON DELETE CASCADE, name TEXT NOT NULL, created_at TEXT NOT NULL);"
    "CREATE TABLE audit (id BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, username TEXT, action TEXT NOT NULL,"
    "  target TEXT, detail TEXT);"
    "ALTER TABLE documents ADD COLUMN label TEXT;"
    "CREATE TABLE library_version (v BIGINT NOT NULL);"
    "INSERT INTO library_version VALUES (1);"
    "CREATE FUNCTION fagpt_library_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  UPDATE library_version SET v = v + 1; RETURN NULL; END $$;"
    "CREATE TRIGGER documents_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON documents"
    "  FOR EACH STATEMENT EXECUTE FUNCTION fagpt_library_changed();",
    /* 3: what store_sqlite.c's migrations 6 to 9 add: tables found in documents, captioned figures, each
     * chunk's kind, superseded documents (recomputed over the library on every ingest and delete), tabular
     * firing tables and their rows */
    "CREATE TABLE doc_tables (doc_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL, number TEXT, caption TEXT, page INTEGER NOT NULL, page_end INTEGER NOT NULL,"
    "  nrows INTEGER NOT NULL, ncols INTEGER NOT NULL, header_rows INTEGER NOT NULL, ruled INTEGER NOT NULL,"
    "  cells TEXT NOT NULL, markdown TEXT NOT NULL, PRIMARY KEY (doc_id, seq));"
    "CREATE TABLE figures (doc_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL, number TEXT, caption TEXT NOT NULL, page INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  x0 DOUBLE PRECISION, y0 DOUBLE PRECISION, x1 DOUBLE PRECISION, y1 DOUBLE PRECISION, text TEXT,"
    "  ocr INTEGER NOT NULL, description TEXT, png_path TEXT, width INTEGER, height INTEGER,"
    "  PRIMARY KEY (doc_id, seq));"
    "ALTER TABLE chunks ADD COLUMN kind TEXT NOT NULL DEFAULT 'text';"
    "CREATE TABLE doc_status (doc_id BIGINT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,"
    "  superseded_by BIGINT NOT NULL, current_id BIGINT NOT NULL, reason TEXT NOT NULL);"
    "CREATE TABLE firing_tables (doc_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL, weapon TEXT, projectile TEXT, charge TEXT, page INTEGER NOT NULL,"
    "  page_end INTEGER NOT NULL, columns TEXT NOT NULL, PRIMARY KEY (doc_id, seq));"
    "CREATE TABLE firing_table_rows (doc_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL, row INTEGER NOT NULL, range_m DOUBLE PRECISION NOT NULL, vals TEXT NOT NULL,"
    "  PRIMARY KEY (doc_id, seq, row));",
    /* 4: what store_sqlite.c's migration 11 adds: the pages a document model was asked to convert */
    "CREATE TABLE page_conversions (doc_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  page INTEGER NOT NULL, reason TEXT NOT NULL, model TEXT NOT NULL, converted INTEGER NOT NULL, detail TEXT,"
    "  PRIMARY KEY (doc_id, page));",
    /* 5: postings, so that BM25 reads a row's term frequencies by index instead of unnest(tsv) per query
     * (rank_rows): one row per (chunk or page, lexeme) with the weighted frequency that rank_rows used to
     * compute from the tsvector (a chunk's heading position counts 1.5, as FTS5's column weights do; a page has
     * no heading), the lexeme's positions and weights (for phrases), and the row's document and length, so that
     * a query reads the postings alone (by lexeme, from the primary key's leaves once vacuumed). Statement
     * triggers keep them equal to the tsvectors on every write (COPY at ingest, the UPDATE of `fagpt migrate
     * --to`'s fill_tsv) and delete (a document's cascade; the index by row): no foreign key, whose check for
     * each posting made writing them some 60% slower (a corpus of 2191 chunks has 176 000 chunk postings).
     * Existing rows are filled here. Not in SQLite (FTS5 keeps its own). */
    "CREATE TABLE chunk_postings (chunk_id BIGINT NOT NULL,"
    "  lexeme TEXT NOT NULL, doc_id BIGINT NOT NULL, ntok INTEGER NOT NULL, tf DOUBLE PRECISION NOT NULL,"
    "  positions SMALLINT[] NOT NULL, weights TEXT[] NOT NULL,"
    "  PRIMARY KEY (lexeme, chunk_id) INCLUDE (doc_id, ntok, tf));"
    "CREATE INDEX chunk_postings_row ON chunk_postings(chunk_id);"
    "CREATE TABLE page_postings (page_id BIGINT NOT NULL,"
    "  lexeme TEXT NOT NULL, doc_id BIGINT NOT NULL, ntok INTEGER NOT NULL, tf DOUBLE PRECISION NOT NULL,"
    "  positions SMALLINT[] NOT NULL, weights TEXT[] NOT NULL,"
    "  PRIMARY KEY (lexeme, page_id) INCLUDE (doc_id, ntok, tf));"
    "CREATE INDEX page_postings_row ON page_postings(page_id);"
    "CREATE FUNCTION fagpt_chunk_postings() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  IF TG_OP <> 'INSERT' THEN DELETE FROM chunk_postings p USING old_rows o WHERE p.chunk_id = o.id; END IF;"
    "  IF TG_OP <> 'DELETE' THEN INSERT INTO chunk_postings (chunk_id, lexeme, doc_id, ntok, tf, positions, weights)"
    "    SELECT n.id, u.lexeme, n.doc_id, n.ntok, " CHUNK_TF ", " POSTING_ARRAYS " FROM new_rows n, unnest(n.tsv) u;"
    "  END IF; RETURN NULL; END $$;"
    "CREATE FUNCTION fagpt_page_postings() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  IF TG_OP <> 'INSERT' THEN DELETE FROM page_postings p USING old_rows o WHERE p.page_id = o.id; END IF;"
    "  IF TG_OP <> 'DELETE' THEN INSERT INTO page_postings (page_id, lexeme, doc_id, ntok, tf, positions, weights)"
    "    SELECT n.id, u.lexeme, n.doc_id, n.ntok, " PAGE_TF ", " POSTING_ARRAYS " FROM new_rows n, unnest(n.tsv) u;"
    "  END IF; RETURN NULL; END $$;"
    "CREATE TRIGGER chunks_postings_insert AFTER INSERT ON chunks REFERENCING NEW TABLE AS new_rows"
    "  FOR EACH STATEMENT EXECUTE FUNCTION fagpt_chunk_postings();"
    "CREATE TRIGGER chunks_postings_update AFTER UPDATE ON chunks REFERENCING OLD TABLE AS old_rows"
    "  NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fagpt_chunk_postings();"
    "CREATE TRIGGER chunks_postings_delete AFTER DELETE ON chunks REFERENCING OLD TABLE AS old_rows"
    "  FOR EACH STATEMENT EXECUTE FUNCTION fagpt_chunk_postings();"
    "CREATE TRIGGER pages_postings_insert AFTER INSERT ON pages REFERENCING NEW TABLE AS new_rows"
    "  FOR EACH STATEMENT EXECUTE FUNCTION fagpt_page_postings();"
    "CREATE TRIGGER pages_postings_update AFTER UPDATE ON pages REFERENCING OLD TABLE AS old_rows"
    "  NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fagpt_page_postings();"
    "CREATE TRIGGER pages_postings_delete AFTER DELETE ON pages REFERENCING OLD TABLE AS old_rows"
    "  FOR EACH STATEMENT EXECUTE FUNCTION fagpt_page_postings();"
    "INSERT INTO chunk_postings (chunk_id, lexeme, doc_id, ntok, tf, positions, weights)"
    "  SELECT n.id, u.lexeme, n.doc_id, n.ntok, " CHUNK_TF ", " POSTING_ARRAYS " FROM chunks n, unnest(n.tsv) u;"
    "INSERT INTO page_postings (page_id, lexeme, doc_id, ntok, tf, positions, weights)"
    "  SELECT n.id, u.lexeme, n.doc_id, n.ntok, " PAGE_TF ", " POSTING_ARRAYS " FROM pages n, unnest(n.tsv) u;",
};

/* ---- libpq helpers ---- */

static int pg_fail(store *s, fa_err *e, const char *what, const PGresult *r)
{
    const char *msg = r ? PQresultErrorMessage(r) : NULL;
    if (!msg || !*msg)
        msg = PQerrorMessage(s->conn);
    char *m = xstrdup(msg);
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
        m[--n] = 0;
    fa_fail(e, "PostgreSQL error while %s: %s", what, m);
    free(m);
    return -1;
}

/* Runs sql with text parameters; the result when it succeeded (tuples or command), else NULL with e filled. */
static PGresult *q(store *s, const char *sql, int n, const char *const *vals, fa_err *e, const char *what)
{
    PGresult *r = PQexecParams(s->conn, sql, n, NULL, vals, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return r;
    pg_fail(s, e, what, r);
    PQclear(r);
    return NULL;
}

/* Runs SQL without parameters, possibly several statements (the simple query protocol). */
static int cmd(store *s, const char *sql, fa_err *e, const char *what)
{
    PGresult *r = PQexec(s->conn, sql);
    ExecStatusType st = PQresultStatus(r);
    int rc = st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK ? 0 : pg_fail(s, e, what, r);
    PQclear(r);
    return rc;
}

static char *val(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : xstrdup(PQgetvalue(r, row, col));
}

static long long val_ll(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static void fmt_ll(char *buf, size_t n, long long v)
{
    snprintf(buf, n, "%lld", v);
}

/* Ends a transaction: COMMIT when rc == 0, else ROLLBACK. Returns rc, or -1 when COMMIT fails. */
static int end_tx(store *s, int rc, fa_err *e)
{
    if (rc == 0)
        return cmd(s, "COMMIT", e, "committing");
    PQclear(PQexec(s->conn, "ROLLBACK"));
    return rc;
}

/* ---- the porter tokenizer, lent by SQLite's FTS5 ---- */

typedef struct {
    void (*fn)(const char *, int, void *);
    void *arg;
} token_cb;

static int on_token(void *ctx, int flags, const char *tok, int n, int start, int end)
{
    token_cb *cb = ctx;
    if (n > 0)
        cb->fn(tok, n, cb->arg);
    return SQLITE_OK;
}

static int tokenizer_open(store *s, fa_err *e)
{
    if (sqlite3_open_v2(":memory:", &s->tokdb, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
        return fa_fail(e, "cannot start the tokenizer (SQLite in memory): out of memory");
    fts5_api *api = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->tokdb, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
        sqlite3_finalize(st);
    }
    void *ud = NULL;
    const char *args[] = {"unicode61"};
    if (!api || api->xFindTokenizer(api, "porter", &ud, &s->tokenizer) != SQLITE_OK ||
        s->tokenizer.xCreate(ud, args, 1, &s->tok) != SQLITE_OK)
        return fa_fail(e, "this SQLite has no FTS5 porter tokenizer; install Debian's libsqlite3-0");
    return 0;
}

static void tokenize(store *s, const char *text, void (*fn)(const char *, int, void *), void *arg)
{
    token_cb cb = {fn, arg};
    if (text)
        s->tokenizer.xTokenize(s->tok, &cb, FTS5_TOKENIZE_DOCUMENT, text, (int)strlen(text), on_token);
}

/* A lexeme quoted for tsvector/tsquery input: 'it''s', backslashes doubled. */
static void add_lexeme(strbuf *b, const char *tok, int len)
{
    sb_addc(b, '\'');
    for (int i = 0; i < len; i++) {
        if (tok[i] == '\'' || tok[i] == '\\')
            sb_addc(b, tok[i]);
        sb_addc(b, tok[i]);
    }
    sb_addc(b, '\'');
}

typedef struct {
    strbuf *b;
    int pos;
    char weight;   /* 'A', 'B', or 0 (D, the default) */
} tsv_build;

static void tsv_token(const char *tok, int len, void *arg)
{
    tsv_build *t = arg;
    t->pos++;
    if (len > TSV_MAX_LEXEME)
        return;
    if (t->b->len)
        sb_addc(t->b, ' ');
    add_lexeme(t->b, tok, len);
    sb_addf(t->b, ":%d", t->pos < TSV_MAX_POS ? t->pos : TSV_MAX_POS);
    if (t->weight)
        sb_addc(t->b, t->weight);
}

/* The tsvector literal of a chunk (heading weighted A, text B; a position apart so that no phrase spans them)
 * or of a page (heading NULL: one weight). PostgreSQL merges a lexeme's repeated entries on input. */
static char *tsv_of(store *s, const char *heading, const char *text, int *ntok)
{
    strbuf b = {0};
    sb_add(&b, "");
    tsv_build t = {&b, 0, heading ? 'A' : 0};
    if (heading) {
        tokenize(s, heading, tsv_token, &t);
        t.pos++;
        t.weight = 'B';
    }
    tokenize(s, text, tsv_token, &t);
    *ntok = t.pos - (heading ? 1 : 0);
    return sb_take(&b);
}

/* ---- COPY ---- */

/* A field of COPY's text format: backslash escapes, \N for NULL. */
static void copy_field(strbuf *b, const char *v, bool last)
{
    if (!v) {
        sb_add(b, "\\N");
    } else {
        for (const char *p = v; *p; p++) {
            switch (*p) {
            case '\\': sb_add(b, "\\\\"); break;
            case '\t': sb_add(b, "\\t"); break;
            case '\n': sb_add(b, "\\n"); break;
            case '\r': sb_add(b, "\\r"); break;
            default: sb_addc(b, *p);
            }
        }
    }
    sb_addc(b, last ? '\n' : '\t');
}

static void copy_int(strbuf *b, long long v, bool last)
{
    sb_addf(b, "%lld%c", v, last ? '\n' : '\t');
}

/* Sends rows (already in COPY text format) with `COPY table (columns) FROM STDIN`. */
static int copy_in(store *s, const char *table_cols, const strbuf *rows, fa_err *e, const char *what)
{
    if (!rows->len)
        return 0;
    char *sql = xasprintf("COPY %s FROM STDIN", table_cols);
    PGresult *r = PQexec(s->conn, sql);
    free(sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        int rc = pg_fail(s, e, what, r);
        PQclear(r);
        return rc;
    }
    PQclear(r);
    int ok = PQputCopyData(s->conn, rows->s, (int)rows->len) == 1 && PQputCopyEnd(s->conn, NULL) == 1;
    int rc = 0;
    while ((r = PQgetResult(s->conn))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0)
            rc = pg_fail(s, e, what, r);
        PQclear(r);
    }
    if (!ok && rc == 0)
        rc = pg_fail(s, e, what, NULL);
    return rc;
}

/* ---- opening: migrations, pgvector, the in-process vector index ---- */

static int migrate(store *s, fa_err *e)
{
    if (cmd(s, "BEGIN", e, "starting the schema migration") != 0)
        return -1;
    char lock[96];
    snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%lld)", MIGRATE_LOCK);
    int rc = cmd(s, lock, e, "waiting for the schema lock");
    if (rc == 0)
        rc = cmd(s, "SET LOCAL client_min_messages = warning;"
                    "CREATE TABLE IF NOT EXISTS fagpt_schema (version INTEGER NOT NULL)", e, "reading the schema version");
    PGresult *r = rc == 0 ? q(s, "SELECT coalesce(max(version), 0) FROM fagpt_schema", 0, NULL, e,
                              "reading the schema version") : NULL;
    int version = r ? atoi(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    if (!r)
        rc = -1;
    int latest = (int)(sizeof migrations / sizeof migrations[0]);
    if (rc == 0 && version > latest)
        rc = fa_fail(e, "the library was written by a newer FA-GPT (schema %d, this one knows %d); upgrade FA-GPT",
                     version, latest);
    for (int v = version; rc == 0 && v < latest; v++) {
        char set[96];
        snprintf(set, sizeof set, "DELETE FROM fagpt_schema; INSERT INTO fagpt_schema VALUES (%d)", v + 1);
        if (cmd(s, migrations[v], e, "migrating the schema") != 0 || cmd(s, set, e, "migrating the schema") != 0)
            rc = -1;
    }
    return end_tx(s, rc, e);
}

/* The pgvector column of one vector: '[x,y,...]'. */
static char *vector_text(const float *v, int dim)
{
    strbuf b = {0};
    sb_addc(&b, '[');
    for (int i = 0; i < dim; i++)
        sb_addf(&b, "%s%.9g", i ? "," : "", (double)v[i]);
    sb_addc(&b, ']');
    return sb_take(&b);
}

/* An HNSW index per dimension (pgvector indexes need a fixed dimension), made when the dimension first appears:
 * inner product, as the vectors are normalised. */
static int ensure_hnsw(store *s, int dim, fa_err *e)
{
    char sql[320];
    snprintf(sql, sizeof sql, "CREATE INDEX IF NOT EXISTS chunk_vectors_hnsw_%d ON chunk_vectors USING hnsw"
             " ((embedding::vector(%d)) vector_ip_ops) WHERE dim = %d", dim, dim, dim);
    return cmd(s, sql, e, "creating the HNSW index");
}

/* pgvector: when the server offers the extension (and FAGPT_PGVECTOR is not "off"), creates it, adds the
 * embedding column and fills it for vectors stored before. Otherwise says why in vector_note. */
static int setup_pgvector(store *s, fa_err *e)
{
    const char *env = getenv("FAGPT_PGVECTOR");
    if (env && !strcmp(env, "off")) {
        snprintf(s->vector_note, sizeof s->vector_note, "pgvector turned off by FAGPT_PGVECTOR=off");
        return 0;
    }
    PGresult *r = q(s, "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'", 0, NULL, e,
                    "looking for pgvector");
    if (!r)
        return -1;
    bool available = PQntuples(r) > 0;
    PQclear(r);
    if (!available) {
        snprintf(s->vector_note, sizeof s->vector_note,
                 "the server has no pgvector extension (Debian 12 does not package it)");
        return 0;
    }
    char lock[96];
    snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%lld)", MIGRATE_LOCK);
    if (cmd(s, "BEGIN", e, "setting up pgvector") != 0)
        return -1;
    int rc = cmd(s, lock, e, "waiting for the schema lock");
    if (rc == 0) {
        r = PQexec(s->conn, "SAVEPOINT v; CREATE EXTENSION IF NOT EXISTS vector");
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            snprintf(s->vector_note, sizeof s->vector_note, "CREATE EXTENSION vector failed: %.100s",
                     PQresultErrorMessage(r));
            char *nl = strchr(s->vector_note, '\n');
            if (nl)
                *nl = 0;
            PQclear(r);
            return end_tx(s, 1, e) == 1 ? 0 : -1;
        }
        PQclear(r);
        rc = cmd(s, "ALTER TABLE chunk_vectors ADD COLUMN IF NOT EXISTS embedding vector", e, "setting up pgvector");
    }
    /* Vectors written while the extension was missing get their column now. */
    r = rc == 0 ? q(s, "SELECT chunk_id, dim, vec FROM chunk_vectors WHERE embedding IS NULL", 0, NULL, e,
                    "setting up pgvector") : NULL;
    if (rc == 0 && !r)
        rc = -1;
    VEC(int) dims = {0};
    for (int i = 0; r && rc == 0 && i < PQntuples(r); i++) {
        int dim = atoi(PQgetvalue(r, i, 1));
        size_t n = 0;
        unsigned char *raw = PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 2), &n);
        if (!raw || n != (size_t)dim * sizeof(float)) {
            PQfreemem(raw);
            continue;
        }
        float *v = xmalloc(n);
        memcpy(v, raw, n);
        PQfreemem(raw);
        char *vt = vector_text(v, dim);
        const char *p[] = {PQgetvalue(r, i, 0), vt};
        PGresult *u = q(s, "UPDATE chunk_vectors SET embedding = $2::vector WHERE chunk_id = $1", 2, p, e,
                        "setting up pgvector");
        rc = u ? 0 : -1;
        PQclear(u);
        free(vt);
        free(v);
        bool seen = false;
        for (size_t k = 0; k < dims.n; k++)
            seen = seen || dims.v[k] == dim;
        if (!seen)
            VEC_PUSH(dims, dim);
    }
    PQclear(r);
    for (size_t k = 0; rc == 0 && k < dims.n; k++)
        rc = ensure_hnsw(s, dims.v[k], e);
    free(dims.v);
    rc = end_tx(s, rc, e);
    if (rc == 0)
        s->pgvector = true;
    return rc;
}

static void vec_set_free(vec_set *v)
{
    free(v->model);
    free(v->ids);
    free(v->vecs);
    free(v->map_ids);
    free(v->map_rows);
    memset(v, 0, sizeof *v);
}

static size_t id_slot(const vec_set *v, long long id)
{
    size_t h = (size_t)((unsigned long long)id * 0x9E3779B97F4A7C15ull);
    size_t j = h & (v->map_cap - 1);
    while (v->map_ids[j] && v->map_ids[j] != id)
        j = (j + 1) & (v->map_cap - 1);
    return j;
}

/* Adds or replaces one vector of the set. */
static void vec_set_put(vec_set *v, long long id, const float *x)
{
    if (2 * (v->n + 1) > v->map_cap) {
        size_t cap = v->map_cap ? v->map_cap * 2 : 1024;
        free(v->map_ids);
        free(v->map_rows);
        v->map_cap = cap;
        v->map_ids = xcalloc(cap, sizeof *v->map_ids);
        v->map_rows = xcalloc(cap, sizeof *v->map_rows);
        for (size_t i = 0; i < v->n; i++) {
            size_t j = id_slot(v, v->ids[i]);
            v->map_ids[j] = v->ids[i];
            v->map_rows[j] = i;
        }
    }
    size_t j = id_slot(v, id);
    size_t row = v->n;
    if (v->map_ids[j]) {
        row = v->map_rows[j];
    } else {
        if (v->n == v->cap) {
            v->cap = v->cap ? v->cap * 2 : 256;
            v->ids = xrealloc(v->ids, v->cap * sizeof *v->ids);
            v->vecs = xrealloc(v->vecs, v->cap * (size_t)v->dim * sizeof *v->vecs);
        }
        v->n++;
        v->map_ids[j] = id;
        v->map_rows[j] = row;
    }
    v->ids[row] = id;
    memcpy(v->vecs + row * (size_t)v->dim, x, (size_t)v->dim * sizeof *x);
}

/* Reads vectors in binary (chunk_id int8, model text, dim int4, vec bytea) into the matching loaded sets. */
static int load_vectors(store *s, const char *sql, int n, const char *const *vals, vec_set *only, fa_err *e)
{
    PGresult *r = PQexecParams(s->conn, sql, n, NULL, vals, NULL, NULL, 1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        int rc = pg_fail(s, e, "reading vectors", r);
        PQclear(r);
        return rc;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        const unsigned char *idb = (const unsigned char *)PQgetvalue(r, i, 0);
        const unsigned char *db = (const unsigned char *)PQgetvalue(r, i, 2);
        long long id = 0;
        for (int k = 0; k < 8; k++)
            id = (long long)(((unsigned long long)id << 8) | idb[k]);
        int dim = (int)((unsigned)db[0] << 24 | (unsigned)db[1] << 16 | (unsigned)db[2] << 8 | db[3]);
        const char *model = PQgetvalue(r, i, 1);
        int model_len = PQgetlength(r, i, 1);
        if (PQgetlength(r, i, 3) != dim * (int)sizeof(float))
            continue;
        for (size_t k = 0; k < s->sets.n; k++) {
            vec_set *v = &s->sets.v[k];
            if ((only && v != only) || v->stale || v->dim != dim || (int)strlen(v->model) != model_len ||
                memcmp(v->model, model, (size_t)model_len))
                continue;
            float *x = xmalloc((size_t)dim * sizeof *x);
            memcpy(x, PQgetvalue(r, i, 3), (size_t)dim * sizeof *x); /* no alignment promise */
            vec_set_put(v, id, x);
            free(x);
        }
    }
    PQclear(r);
    return 0;
}

static int load_set(store *s, vec_set *v, fa_err *e)
{
    char dim[16];
    snprintf(dim, sizeof dim, "%d", v->dim);
    const char *p[] = {v->model, dim};
    char *model = v->model;
    int d = v->dim;
    size_t idx = (size_t)(v - s->sets.v);
    v->model = NULL;
    vec_set_free(v);
    v->model = model;
    v->dim = d;
    return load_vectors(s, "SELECT chunk_id, model, dim, vec FROM chunk_vectors WHERE model = $1 AND dim = $2::int",
                        2, p, &s->sets.v[idx], e);
}

/* Applies the notifications received since the last look: "put XID" adds that transaction's rows, anything
 * else marks every set for a reload. */
static int drain_notifications(store *s, fa_err *e)
{
    if (!PQconsumeInput(s->conn))
        return pg_fail(s, e, "listening for vector changes", NULL);
    PGnotify *n;
    str_vec puts = {0};
    bool changed = false;
    while ((n = PQnotifies(s->conn))) {
        if (!strncmp(n->extra, "put ", 4))
            VEC_PUSH(puts, xstrdup(n->extra + 4));
        else
            changed = true;
        PQfreemem(n);
    }
    int rc = 0;
    for (size_t i = 0; i < s->sets.n && changed; i++)
        s->sets.v[i].stale = true;
    for (size_t i = 0; i < puts.n && rc == 0 && !changed; i++) {
        const char *p[] = {puts.v[i]};
        rc = load_vectors(s, "SELECT chunk_id, model, dim, vec FROM chunk_vectors WHERE txid = $1::xid8", 1, p, NULL, e);
    }
    str_vec_free(&puts);
    return rc;
}

/* The loaded set of (model, dim), loading or reloading it as needed. */
static vec_set *vector_set(store *s, const char *model, int dim, fa_err *e)
{
    if (drain_notifications(s, e) != 0)
        return NULL;
    vec_set *v = NULL;
    for (size_t k = 0; k < s->sets.n && !v; k++)
        if (s->sets.v[k].dim == dim && !strcmp(s->sets.v[k].model, model))
            v = &s->sets.v[k];
    if (!v) {
        vec_set fresh = {.model = xstrdup(model), .dim = dim, .stale = true};
        VEC_PUSH(s->sets, fresh);
        v = &s->sets.v[s->sets.n - 1];
    }
    if (v->stale) {
        v->stale = false;
        if (load_set(s, v, e) != 0) {
            v->stale = true;
            return NULL;
        }
    }
    return v;
}

static void pg_close(store *s)
{
    if (s->tok)
        s->tokenizer.xDelete(s->tok);
    if (s->tokdb)
        sqlite3_close(s->tokdb);
    if (s->conn)
        PQfinish(s->conn);
    for (size_t i = 0; i < s->sets.n; i++)
        vec_set_free(&s->sets.v[i]);
    free(s->sets.v);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

store *store_pg_open(const char *url, fa_err *e)
{
    store *s = xcalloc(1, sizeof *s);
    s->ops = &store_pg_ops;
    s->serial = store_next_serial();
    pthread_mutex_init(&s->lock, NULL);
    s->conn = PQconnectdb(url);
    if (PQstatus(s->conn) != CONNECTION_OK) {
        char *m = xstrdup(PQerrorMessage(s->conn));
        char *nl = strchr(m, '\n');
        if (nl)
            *nl = 0;
        fa_fail(e, "cannot connect to the PostgreSQL library %s: %s (check the URL, PGHOST/PGPORT/PGUSER, and that "
                   "the server runs)", url, m);
        free(m);
        pg_close(s);
        return NULL;
    }
    PQclear(PQexec(s->conn, "SET client_min_messages = warning"));
    if (tokenizer_open(s, e) != 0 || migrate(s, e) != 0 || setup_pgvector(s, e) != 0) {
        pg_close(s);
        return NULL;
    }
    if (!s->pgvector) {
        /* LISTEN before the first load, so that no change falls between them; every set loaded at start. */
        if (cmd(s, "LISTEN " VECTOR_CHANNEL, e, "listening for vector changes") != 0) {
            pg_close(s);
            return NULL;
        }
        PGresult *r = q(s, "SELECT model, dim FROM chunk_vectors GROUP BY model, dim", 0, NULL, e, "reading vectors");
        for (int i = 0; r && i < PQntuples(r); i++) {
            vec_set fresh = {.model = xstrdup(PQgetvalue(r, i, 0)), .dim = atoi(PQgetvalue(r, i, 1)), .stale = true};
            VEC_PUSH(s->sets, fresh);
        }
        int rc = r ? 0 : -1;
        PQclear(r);
        for (size_t i = 0; rc == 0 && i < s->sets.n; i++)
            rc = vector_set(s, s->sets.v[i].model, s->sets.v[i].dim, e) ? 0 : -1;
        if (rc != 0) {
            pg_close(s);
            return NULL;
        }
    }
    return s;
}

/* ---- documents ---- */

#define DOC_COLUMNS "id, path, file_name, sha256, publication, title, pub_date, distribution, supersedes, " \
                    "pages, chunks, status, ingested_at, size_bytes, label, " \
                    "(SELECT superseded_by FROM doc_status WHERE doc_id = documents.id), " \
                    "(SELECT current_id FROM doc_status WHERE doc_id = documents.id), " \
                    "(SELECT x.publication FROM doc_status t JOIN documents x ON x.id = t.superseded_by " \
                    " WHERE t.doc_id = documents.id), " \
                    "(SELECT x.pub_date FROM doc_status t JOIN documents x ON x.id = t.superseded_by " \
                    " WHERE t.doc_id = documents.id), " \
                    "(SELECT reason FROM doc_status WHERE doc_id = documents.id)"
#define PUB_KEY(x) "replace(replace(lower(" x "),' ',''),'_','')"

static void read_doc(const PGresult *r, int i, store_doc *d)
{
    memset(d, 0, sizeof *d);
    d->id = val_ll(r, i, 0);
    d->path = val(r, i, 1);
    d->file_name = val(r, i, 2);
    d->sha256 = val(r, i, 3);
    d->publication = val(r, i, 4);
    d->title = val(r, i, 5);
    d->date = val(r, i, 6);
    d->distribution = val(r, i, 7);
    d->supersedes = val(r, i, 8);
    d->pages = (int)val_ll(r, i, 9);
    d->chunks = (int)val_ll(r, i, 10);
    d->status = val(r, i, 11);
    d->ingested_at = val(r, i, 12);
    d->size_bytes = val_ll(r, i, 13);
    d->label = val(r, i, 14);
    if (!d->label)
        d->label = store_default_label(d->distribution);
    d->superseded_by = val_ll(r, i, 15);
    d->current_id = val_ll(r, i, 16);
    d->superseded_by_pub = val(r, i, 17);
    d->superseded_by_date = val(r, i, 18);
    d->superseded_reason = val(r, i, 19);
}

static int find_one(store *s, const char *sql, const char *arg, store_doc *out, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    const char *p[] = {arg};
    PGresult *r = q(s, sql, 1, p, e, "looking up a document");
    int rc = -1;
    if (r) {
        rc = PQntuples(r) > 0;
        if (rc)
            read_doc(r, 0, out);
        PQclear(r);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_find_by_sha(store *s, const char *sha256, store_doc *out, fa_err *e)
{
    return find_one(s, "SELECT " DOC_COLUMNS " FROM documents WHERE sha256 = $1 ORDER BY id LIMIT 1", sha256, out, e);
}

static int pg_find_doc(store *s, const char *ref, store_doc *out, fa_err *e)
{
    char *end;
    long long id = strtoll(ref, &end, 10);
    if (*ref && !*end) {
        char num[32];
        fmt_ll(num, sizeof num, id);
        int rc = find_one(s, "SELECT " DOC_COLUMNS " FROM documents WHERE id = $1::bigint", num, out, e);
        if (rc != 0)
            return rc;
    }
    int rc = find_one(s, "SELECT " DOC_COLUMNS " FROM documents WHERE file_name = $1 OR path = $1 ORDER BY id LIMIT 1",
                      ref, out, e);
    if (rc != 0)
        return rc;
    return find_one(s, "SELECT " DOC_COLUMNS " FROM documents WHERE " PUB_KEY("publication") " = " PUB_KEY("$1")
                       " ORDER BY documents.pub_date DESC NULLS LAST, documents.id DESC LIMIT 1", ref, out, e);
}

static char *boxes_json(const doc_chunk *c)
{
    strbuf b = {0};
    sb_addc(&b, '[');
    for (size_t i = 0; i < c->boxes.n; i++) {
        const doc_box *x = &c->boxes.v[i];
        sb_addf(&b, "%s[%d,%.1f,%.1f,%.1f,%.1f]", i ? "," : "", x->page + 1, x->x0, x->y0, x->x1, x->y1);
    }
    sb_addc(&b, ']');
    return sb_take(&b);
}

/* A publication id as links.pub_key holds it (PUB_KEY in SQL, ASCII as SQLite's lower()). */
static char *pub_key(const char *v)
{
    char *k = xstrdup(v), *o = k;
    for (const char *p = v; *p; p++)
        if (*p != ' ' && *p != '_')
            *o++ = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    *o = 0;
    return k;
}

/* Document frequencies: the new version's chunks in, the old version's out, in one statement that locks the
 * terms in order (two writers adding documents at once then never deadlock), then the chunk count. */
static int adjust_term_stats(store *s, long long new_id, long long old_id, fa_err *e)
{
    char a[32], b[32];
    fmt_ll(a, sizeof a, new_id);
    fmt_ll(b, sizeof b, old_id);
    const char *p[] = {a, b};
    PGresult *r = q(s,
        "INSERT INTO term_stats (term, df) SELECT u.lexeme, sum(CASE WHEN c.doc_id = $1::bigint THEN 1 ELSE -1 END)"
        " FROM chunks c, unnest(c.tsv) u WHERE c.doc_id IN ($1::bigint, $2::bigint) GROUP BY u.lexeme"
        " HAVING sum(CASE WHEN c.doc_id = $1::bigint THEN 1 ELSE -1 END) <> 0 ORDER BY u.lexeme"
        " ON CONFLICT (term) DO UPDATE SET df = term_stats.df + excluded.df", 2, p, e, "counting terms");
    PQclear(r);
    if (!r)
        return -1;
#define DELTA(x) "coalesce(sum(" x ") FILTER (WHERE doc_id = $1::bigint), 0) - coalesce(sum(" x \
                 ") FILTER (WHERE doc_id = $2::bigint), 0)"
    r = q(s, "UPDATE library_stats SET chunks = chunks + c.n, chunk_tokens = chunk_tokens + c.t, pages = pages + p.n,"
             " page_tokens = page_tokens + p.t FROM"
             " (SELECT " DELTA("1") " AS n, " DELTA("ntok") " AS t FROM chunks WHERE doc_id IN ($1::bigint, $2::bigint)) c,"
             " (SELECT " DELTA("1") " AS n, " DELTA("ntok") " AS t FROM pages WHERE doc_id IN ($1::bigint, $2::bigint)) p",
          2, p, e, "counting chunks");
#undef DELTA
    PQclear(r);
    return r ? 0 : -1;
}

/* ---- tables, figures and tabular firing tables of a document (migration 3) ---- */

static void copy_double(strbuf *b, double v, bool last)
{
    if (isnan(v))
        sb_add(b, "NaN");
    else
        sb_addf(b, "%.17g", v);
    sb_addc(b, last ? '\n' : '\t');
}

static void json_num_or_null(strbuf *b, double v)
{
    if (isnan(v) || isinf(v))
        sb_add(b, "null");
    else
        sb_addf(b, "%.17g", v);
}

/* Writes the document's tables, figures and firing tables, as store_sqlite.c's put_locked does. */
static int put_docs3(store *s, const store_doc *rec, const doc_document *d, fa_err *e)
{
    strbuf rows = {0};
    int rc = 0;
    for (size_t i = 0; i < d->tables.n; i++) {
        const doc_table *t = &d->tables.v[i];
        char *cells = doc_table_json(t), *md = doc_table_markdown(t);
        copy_int(&rows, rec->id, false);
        copy_int(&rows, (long long)i + 1, false);
        copy_field(&rows, t->number, false);
        copy_field(&rows, t->caption, false);
        copy_int(&rows, t->page + 1, false);
        copy_int(&rows, t->page_end + 1, false);
        copy_int(&rows, t->nrows, false);
        copy_int(&rows, t->ncols, false);
        copy_int(&rows, t->header_rows, false);
        copy_int(&rows, t->ruled, false);
        copy_field(&rows, cells, false);
        copy_field(&rows, md, true);
        free(cells);
        free(md);
    }
    if (rows.len)
        rc = copy_in(s, "doc_tables (doc_id, seq, number, caption, page, page_end, nrows, ncols, header_rows, ruled,"
                        " cells, markdown)", &rows, e, "adding tables");
    sb_clear(&rows);
    for (size_t i = 0; rc == 0 && i < d->figures.n; i++) {
        const doc_figure *f = &d->figures.v[i];
        copy_int(&rows, rec->id, false);
        copy_int(&rows, (long long)i + 1, false);
        copy_field(&rows, f->number, false);
        copy_field(&rows, f->caption, false);
        copy_int(&rows, f->page + 1, false);
        copy_field(&rows, f->kind, false);
        copy_double(&rows, f->box.x0, false);
        copy_double(&rows, f->box.y0, false);
        copy_double(&rows, f->box.x1, false);
        copy_double(&rows, f->box.y1, false);
        copy_field(&rows, f->text, false);
        copy_int(&rows, f->ocr, false);
        copy_field(&rows, f->description, false);
        copy_field(&rows, rec->figure_paths && i < rec->nfigure_paths ? rec->figure_paths[i] : NULL, false);
        copy_int(&rows, f->png_w, false);
        copy_int(&rows, f->png_h, true);
    }
    if (rc == 0 && rows.len)
        rc = copy_in(s, "figures (doc_id, seq, number, caption, page, kind, x0, y0, x1, y1, text, ocr, description,"
                        " png_path, width, height)", &rows, e, "adding figures");
    sb_clear(&rows);
    strbuf trows = {0};
    for (size_t i = 0; rc == 0 && i < d->firing_tables.n; i++) {
        const doc_firing_table *t = &d->firing_tables.v[i];
        strbuf cols = {0};
        sb_addc(&cols, '[');
        for (int k = 0; k < t->ncols; k++) {
            sb_add(&cols, k ? ",{\"heading\":" : "{\"heading\":");
            json_str(&cols, t->headings[k]);
            sb_add(&cols, ",\"key\":");
            json_str(&cols, t->keys[k]);
            sb_addc(&cols, '}');
        }
        sb_addc(&cols, ']');
        copy_int(&rows, rec->id, false);
        copy_int(&rows, (long long)i + 1, false);
        copy_field(&rows, t->weapon, false);
        copy_field(&rows, t->projectile, false);
        copy_field(&rows, t->charge, false);
        copy_int(&rows, t->page + 1, false);
        copy_int(&rows, t->page_end + 1, false);
        copy_field(&rows, cols.s, true);
        sb_free(&cols);
        for (int r = 0; r < t->nrows; r++) {
            const double *v = t->values + (size_t)r * (size_t)t->ncols;
            strbuf vals = {0};
            sb_addc(&vals, '[');
            for (int k = 0; k < t->ncols; k++) {
                if (k)
                    sb_addc(&vals, ',');
                json_num_or_null(&vals, v[k]);
            }
            sb_addc(&vals, ']');
            copy_int(&trows, rec->id, false);
            copy_int(&trows, (long long)i + 1, false);
            copy_int(&trows, r, false);
            copy_double(&trows, v[t->range_col], false);
            copy_field(&trows, vals.s, true);
            sb_free(&vals);
        }
    }
    if (rc == 0 && rows.len)
        rc = copy_in(s, "firing_tables (doc_id, seq, weapon, projectile, charge, page, page_end, columns)", &rows, e,
                     "adding firing tables");
    if (rc == 0 && trows.len)
        rc = copy_in(s, "firing_table_rows (doc_id, seq, row, range_m, vals)", &trows, e, "adding firing tables");
    sb_clear(&rows);
    for (int i = 0; rc == 0 && i < d->npages; i++) {
        const doc_page *pg = &d->pages[i];
        if (!pg->hard || !pg->convert_model)
            continue;
        copy_int(&rows, rec->id, false);
        copy_int(&rows, i + 1, false);
        copy_field(&rows, pg->hard, false);
        copy_field(&rows, pg->convert_model, false);
        copy_int(&rows, pg->converted, false);
        copy_field(&rows, pg->convert_error, true);
    }
    if (rc == 0 && rows.len)
        rc = copy_in(s, "page_conversions (doc_id, page, reason, model, converted, detail)", &rows, e,
                     "adding page conversions");
    sb_free(&rows);
    sb_free(&trows);
    return rc;
}

/* Which documents are superseded, over the whole library (doc_supersession, as store_sqlite.c); called inside
 * the transaction of every ingest and delete, under a lock of its own so that two workers committing at once
 * recompute one after the other, each seeing the other's document. */
static int recompute_status(store *s, fa_err *e)
{
    char lock[96];
    snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%lld)", STATUS_LOCK);
    if (cmd(s, lock, e, "working out superseded documents") != 0)
        return -1;
    PGresult *r = q(s, "SELECT id, publication, pub_date, supersedes FROM documents ORDER BY id", 0, NULL, e,
                    "working out superseded documents");
    if (!r)
        return -1;
    size_t n = (size_t)PQntuples(r);
    doc_edition *ed = xcalloc(n ? n : 1, sizeof *ed);
    int *by = xcalloc(n ? n : 1, sizeof *by);
    const char **why = xcalloc(n ? n : 1, sizeof *why);
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 3; k++) {
            const char *v = PQgetisnull(r, (int)i, k + 1) ? NULL : PQgetvalue(r, (int)i, k + 1);
            if (k == 0)
                ed[i].publication = v;
            else if (k == 1)
                ed[i].date = v;
            else
                ed[i].supersedes = v;
        }
    doc_supersession(ed, n, by, why);
    int rc = cmd(s, "DELETE FROM doc_status", e, "recording superseded documents");
    strbuf rows = {0};
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (by[i] < 0)
            continue;
        int cur = by[i];
        for (size_t hops = 0; by[cur] >= 0 && by[cur] != (int)i && hops < n; hops++)
            cur = by[cur];
        copy_int(&rows, val_ll(r, (int)i, 0), false);
        copy_int(&rows, val_ll(r, by[i], 0), false);
        copy_int(&rows, val_ll(r, cur, 0), false);
        copy_field(&rows, why[i], true);
    }
    if (rc == 0 && rows.len)
        rc = copy_in(s, "doc_status (doc_id, superseded_by, current_id, reason)", &rows, e,
                     "recording superseded documents");
    sb_free(&rows);
    PQclear(r);
    free(ed);
    free(by);
    free(why);
    return rc;
}

static int pg_superseded_ids(store *s, store_ids *out, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    PGresult *r = q(s, "SELECT doc_id FROM doc_status ORDER BY doc_id", 0, NULL, e, "reading superseded documents");
    for (int i = 0; r && i < PQntuples(r); i++)
        VEC_PUSH(*out, val_ll(r, i, 0));
    int rc = r ? 0 : -1;
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int put_locked(store *s, store_doc *rec, const doc_document *d, const doc_chunks *chunks, fa_err *e)
{
    const char *pp[] = {rec->path};
    PGresult *r = q(s, "SELECT id, label FROM documents WHERE path = $1 FOR UPDATE", 1, pp, e,
                    "replacing the old version");
    if (!r)
        return -1;
    long long old_id = PQntuples(r) ? val_ll(r, 0, 0) : 0;
    char *old_label = PQntuples(r) ? val(r, 0, 1) : NULL; /* a label an admin set stays on the new version */
    PQclear(r);

    char npages[16], nchunks[16], size[32];
    snprintf(npages, sizeof npages, "%d", d->npages);
    snprintf(nchunks, sizeof nchunks, "%zu", chunks->n);
    fmt_ll(size, sizeof size, rec->size_bytes);
    const char *dp[] = {rec->path, rec->file_name, rec->sha256, d->meta.publication, d->meta.title, d->meta.date,
                        d->meta.distribution, d->meta.supersedes, npages, nchunks, size, old_label};
    r = q(s, "INSERT INTO documents (path, file_name, sha256, publication, title, pub_date, distribution, supersedes,"
             " pages, chunks, status, ingested_at, size_bytes, label) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9::int,$10::int,"
             "'ready'," ISO("now()") ",$11::bigint,$12) RETURNING id", 12, dp, e, "adding the document");
    free(old_label);
    if (!r)
        return -1;
    rec->id = val_ll(r, 0, 0);
    PQclear(r);

    strbuf rows = {0};
    for (int i = 0; i < d->npages; i++) {
        strbuf text = {0};
        sb_add(&text, "");
        for (size_t k = 0; k < d->pages[i].nlines; k++)
            if (!d->pages[i].lines[k].dropped)
                sb_addf(&text, "%s%s", text.len ? "\n" : "", d->pages[i].lines[k].text);
        int ntok;
        char *tsv = tsv_of(s, NULL, text.s, &ntok);
        copy_int(&rows, rec->id, false);
        copy_int(&rows, i + 1, false);
        copy_field(&rows, d->pages[i].label, false);
        sb_addf(&rows, "%.17g\t%.17g\t", d->pages[i].width, d->pages[i].height);
        copy_field(&rows, text.s, false);
        copy_field(&rows, tsv, false);
        copy_int(&rows, ntok, true);
        free(tsv);
        sb_free(&text);
    }
    int rc = copy_in(s, "pages (doc_id, page, label, width, height, text, tsv, ntok)", &rows, e, "adding pages");
    sb_clear(&rows);
    for (size_t i = 0; rc == 0 && i < chunks->n; i++) {
        const doc_chunk *c = &chunks->v[i];
        char *boxes = boxes_json(c);
        /* The index weighs the nearest heading, not the whole path (as store_sqlite.c). */
        const char *heading = c->section ? strrchr(c->section, '>') : NULL;
        heading = heading ? heading + 2 : c->section;
        int ntok;
        char *tsv = tsv_of(s, heading ? heading : "", c->text, &ntok);
        copy_int(&rows, rec->id, false);
        copy_int(&rows, (long long)i, false);
        copy_field(&rows, c->section, false);
        copy_field(&rows, heading, false);
        copy_field(&rows, c->paragraph, false);
        copy_int(&rows, c->page_start + 1, false);
        copy_int(&rows, c->page_end + 1, false);
        copy_field(&rows, c->text ? c->text : "", false);
        copy_field(&rows, boxes, false);
        copy_field(&rows, tsv, false);
        copy_int(&rows, ntok, false);
        copy_field(&rows, c->kind ? c->kind : "text", true);
        free(tsv);
        free(boxes);
    }
    if (rc == 0)
        rc = copy_in(s, "chunks (doc_id, seq, section, heading, paragraph, page_start, page_end, text, boxes, tsv, ntok,"
                                " kind)",
                     &rows, e, "adding chunks");
    if (rc == 0)
        rc = adjust_term_stats(s, rec->id, old_id, e);
    if (rc == 0 && old_id) {
        char id[32];
        fmt_ll(id, sizeof id, old_id);
        const char *ip[] = {id};
        PGresult *x = q(s, "DELETE FROM documents WHERE id = $1::bigint", 1, ip, e, "replacing the old version");
        rc = x ? 0 : -1;
        PQclear(x);
    }
    sb_clear(&rows);
    for (size_t i = 0; rc == 0 && i < d->terms.n; i++) {
        copy_int(&rows, rec->id, false);
        copy_field(&rows, d->terms.v[i].term, false);
        copy_field(&rows, d->terms.v[i].expansion, false);
        copy_int(&rows, d->terms.v[i].page + 1, false);
        copy_int(&rows, d->terms.v[i].glossary, true);
    }
    if (rc == 0)
        rc = copy_in(s, "terms (doc_id, term, expansion, page, glossary)", &rows, e, "adding terms");
    sb_clear(&rows);
    for (size_t i = 0; rc == 0 && i < d->definitions.n; i++) {
        copy_int(&rows, rec->id, false);
        copy_field(&rows, d->definitions.v[i].term, false);
        copy_field(&rows, d->definitions.v[i].definition, false);
        copy_int(&rows, d->definitions.v[i].page + 1, true);
    }
    if (rc == 0)
        rc = copy_in(s, "definitions (doc_id, term, definition, page)", &rows, e, "adding definitions");
    sb_clear(&rows);
    static const char *const ref_kind[] = {"publication", "paragraph", "figure", "table"};
    for (size_t i = 0; rc == 0 && i < d->refs.n; i++) {
        const char *kind = ref_kind[d->refs.v[i].kind];
        char *key = !strcmp(kind, "publication") ? pub_key(d->refs.v[i].target) : NULL;
        copy_int(&rows, rec->id, false);
        copy_field(&rows, kind, false);
        copy_field(&rows, d->refs.v[i].target, false);
        copy_field(&rows, key, false);
        copy_int(&rows, d->refs.v[i].page + 1, false);
        copy_field(&rows, d->refs.v[i].paragraph, true);
        free(key);
    }
    if (rc == 0)
        rc = copy_in(s, "links (doc_id, kind, target, pub_key, page, paragraph)", &rows, e, "adding cross-references");
    sb_free(&rows);
    if (rc == 0) {
        r = q(s, "DELETE FROM quarantine WHERE path = $1", 1, pp, e, "updating the quarantine");
        rc = r ? 0 : -1;
        PQclear(r);
    }
    if (rc == 0)
        rc = put_docs3(s, rec, d, e);
    if (rc == 0)
        rc = recompute_status(s, e);
    return rc;
}

/* Runs fn in a transaction, again (up to three times) when PostgreSQL aborted it for a deadlock. */
typedef int (*tx_fn)(store *s, void *arg, fa_err *e);
static int in_tx(store *s, tx_fn fn, void *arg, fa_err *e)
{
    int rc = -1;
    for (int attempt = 0; attempt < 3; attempt++) {
        fa_err inner = {{0}};
        rc = cmd(s, "BEGIN", &inner, "starting a transaction");
        if (rc == 0)
            rc = fn(s, arg, &inner);
        bool deadlock = rc < 0 && strstr(inner.msg, "deadlock detected") != NULL;
        rc = end_tx(s, rc, &inner);
        if (rc >= 0 || !deadlock || attempt == 2) {
            if (rc < 0 && e)
                *e = inner;
            return rc;
        }
    }
    return rc;
}

typedef struct {
    store_doc *rec;
    const doc_document *d;
    const doc_chunks *chunks;
    long long job_id;
    const char *worker;
} put_args;

static int put_tx(store *s, void *arg, fa_err *e)
{
    put_args *a = arg;
    return put_locked(s, a->rec, a->d, a->chunks, e);
}

static int pg_put_document(store *s, store_doc *rec, const doc_document *d, const doc_chunks *chunks, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    put_args a = {rec, d, chunks, 0, NULL};
    int rc = in_tx(s, put_tx, &a, e);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int delete_tx(store *s, void *arg, fa_err *e)
{
    long long id = *(long long *)arg;
    char num[32];
    fmt_ll(num, sizeof num, id);
    const char *p[] = {num};
    if (adjust_term_stats(s, 0, id, e) != 0)
        return -1;
    PGresult *r = q(s, "DELETE FROM documents WHERE id = $1::bigint", 1, p, e, "removing the document");
    PQclear(r);
    return r ? recompute_status(s, e) : -1;
}

static int pg_delete_document(store *s, long long id, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    int rc = in_tx(s, delete_tx, &id, e);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_list_documents(store *s, store_docs *out, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    PGresult *r = q(s, "SELECT " DOC_COLUMNS " FROM documents ORDER BY id", 0, NULL, e, "listing documents");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_doc d;
        read_doc(r, i, &d);
        VEC_PUSH(*out, d);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int simple(store *s, const char *sql, int n, const char *const *p, fa_err *e, const char *what)
{
    pthread_mutex_lock(&s->lock);
    PGresult *r = q(s, sql, n, p, e, what);
    int rc = r ? 0 : -1;
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_quarantine_add(store *s, const char *path, const char *reason, fa_err *e)
{
    const char *p[] = {path, reason};
    return simple(s, "INSERT INTO quarantine (path, reason, at) VALUES ($1, $2, " ISO("now()") ")"
                     " ON CONFLICT (path) DO UPDATE SET reason = excluded.reason, at = excluded.at", 2, p, e,
                  "recording a failed file");
}

static int pg_quarantine_remove(store *s, const char *path, fa_err *e)
{
    const char *p[] = {path};
    return simple(s, "DELETE FROM quarantine WHERE path = $1", 1, p, e, "updating the quarantine");
}

static int pg_quarantine_list_all(store *s, store_quarantine_list *out, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    PGresult *r = q(s, "SELECT path, reason, at FROM quarantine ORDER BY path", 0, NULL, e, "listing the quarantine");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_quarantined x = {val(r, i, 0), val(r, i, 1), val(r, i, 2)};
        VEC_PUSH(*out, x);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---- ranked retrieval (store_rank_query, store.h) ---- */

/* The library's rows of the table searched and their mean length in tokens (library_stats). */
static double mean_length(store *s, bool pages)
{
    PGresult *r = PQexec(s->conn, pages ? "SELECT pages, page_tokens FROM library_stats"
                                         : "SELECT chunks, chunk_tokens FROM library_stats");
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r);
    long long n = ok ? val_ll(r, 0, 0) : 0, tokens = ok ? val_ll(r, 0, 1) : 0;
    PQclear(r);
    return n > 0 && tokens > 0 ? (double)tokens / (double)n : 1;
}

/* Adds an element to an array literal being built ({"a","b"}: quotes and backslashes escaped); the caller
 * closes it with '}'. */
static void array_addn(strbuf *b, const char *v, size_t n)
{
    sb_addc(b, b->len ? ',' : '{');
    sb_addc(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '"' || v[i] == '\\')
            sb_addc(b, '\\');
        sb_addc(b, v[i]);
    }
    sb_addc(b, '"');
}

static void array_close(strbuf *b)
{
    sb_add(b, b->len ? "}" : "{}");
}

/* One term of a query, tokenised like the index: its tsquery ('a' <-> 'b'), its lexemes as an array literal. */
typedef struct {
    strbuf tsq, lexemes;
    str_vec toks; /* the lexemes themselves */
    int n;
} term_build;

static void term_token(const char *tok, int len, void *arg)
{
    term_build *t = arg;
    if (len > TSV_MAX_LEXEME)
        return;
    if (t->n++)
        sb_add(&t->tsq, " <-> ");
    add_lexeme(&t->tsq, tok, len);
    array_addn(&t->lexemes, tok, (size_t)len);
    VEC_PUSH(t->toks, xstrndup(tok, (size_t)len));
}

static void term_free(term_build *t)
{
    sb_free(&t->tsq);
    sb_free(&t->lexemes);
    str_vec_free(&t->toks);
}

typedef VEC(double) weight_vec;

/* The index of a lexeme in lex (added with weight 0 when new). */
static size_t lexeme_slot(str_vec *lex, weight_vec *w, const char *lexeme)
{
    size_t k = 0;
    while (k < lex->n && strcmp(lex->v[k], lexeme))
        k++;
    if (k == lex->n) {
        VEC_PUSH(*lex, xstrdup(lexeme));
        VEC_PUSH(*w, 0.0);
    }
    return k;
}

/*
 * The rows of `table` (chunks, weighted; or pages) that a ranked query selects, scored by its BM25 (store.h,
 * and the top of this file), best first; outer_head/outer_tail wrap it as "outer_head (SELECT id, score ...) f
 * outer_tail". Everything is read from the postings (migration 5), by lexeme: the rows that hold any word of
 * the query, with each word's weighted frequency (a heading position counting 1.5) and the row's length; a
 * phrase's frequency from the positions of its words that follow one another, looked up only in rows that hold
 * all of its words. Candidates hold at least one required term (every term when none is required), and with
 * only set (pages), are among those n pages. Two terms with the same single word add their weights, which is the
 * same sum as FTS5 counting them apart. An empty result set when no candidate can match.
 */
static PGresult *rank_rows(store *s, const store_rank_query *rq, int limit, bool pages, const store_page_score *only,
                           size_t nonly, const char *outer_head, const char *outer_tail, fa_err *e)
{
    size_t nreq = rq->nrequired >= rq->nterms ? 0 : rq->nrequired;
    const char *postings = pages ? "page_postings" : "chunk_postings", *post_id = pages ? "page_id" : "chunk_id";
    double mean = mean_length(s, pages);
    char pnorm[96], gnorm[96];
    snprintf(pnorm, sizeof pnorm, "1.2 * (0.25 + 0.75 * p.ntok / %.6f)", mean);
    snprintf(gnorm, sizeof gnorm, "1.2 * (0.25 + 0.75 * g.ntok / %.6f)", mean);
    /* $1 the lexemes, $2 their weights, $3 the required single words (filled after the terms), $4 the limit */
    str_vec params = {0};
    char num[40];
    for (int k = 0; k < 3; k++)
        VEC_PUSH(params, NULL);
    snprintf(num, sizeof num, "%d", limit);
    VEC_PUSH(params, xstrdup(num));
    strbuf phrases = {0}, laterals = {0}, has = {0}, req_phrases = {0}, req = {0}, allowed = {0};
    str_vec lex = {0};
    weight_vec lex_w = {0};
    bool candidates = false;
    for (size_t i = 0; i < rq->nterms; i++) {
        term_build t = {0};
        tokenize(s, rq->terms[i], term_token, &t);
        bool required = i < nreq || !nreq;
        double w = rq->weights[i];
        if (t.n == 1) {
            size_t k = lexeme_slot(&lex, &lex_w, t.toks.v[0]); /* before lex_w.v is read: it may move */
            lex_w.v[k] += w;
            if (required) {
                array_addn(&req, t.toks.v[0], strlen(t.toks.v[0]));
                candidates = true;
            }
        } else if (t.n > 1 && (w != 0 || required)) {
            /* a phrase: its occurrences, read from the postings' positions (first word at p, the k-th at
             * p + k), in the rows that hold every word of it; OFFSET 0 keeps the planner from copying the
             * subquery into each use of its tf (the filter, the score), which would run it several times a row */
            for (size_t k = 0; k < t.toks.n; k++)
                lexeme_slot(&lex, &lex_w, t.toks.v[k]);
            array_close(&t.lexemes);
            size_t ap = params.n + 1;
            VEC_PUSH(params, xstrdup(t.lexemes.s));
            sb_addf(&has, ", count(DISTINCT p.lexeme) FILTER (WHERE p.lexeme = ANY($%zu::text[])) AS has%zu", ap, i);
            strbuf cond = {0};
            for (int k = 1; k < t.n; k++)
                sb_addf(&cond, " AND EXISTS (SELECT 1 FROM %s v WHERE v.%s = g.id AND v.lexeme = ($%zu::text[])[%d]"
                        " AND pw.p + %d = ANY(v.positions))", postings, post_id, ap, k + 1, k);
            sb_addf(&laterals, " CROSS JOIN LATERAL (SELECT CASE WHEN g.has%zu = (SELECT count(DISTINCT x) FROM"
                    " unnest($%zu::text[]) x) THEN (SELECT coalesce(sum(CASE WHEN pw.w = 'A' THEN 1.5 ELSE 1 END), 0)"
                    " FROM %s u, unnest(u.positions, u.weights) pw(p, w) WHERE u.%s = g.id AND"
                    " u.lexeme = ($%zu::text[])[1]%s) ELSE 0 END AS tf OFFSET 0) ph%zu", i, ap, postings, post_id, ap,
                    cond.s ? cond.s : "", i);
            if (w != 0)
                sb_addf(&phrases, " + CASE WHEN ph%zu.tf > 0 THEN %.17g * ph%zu.tf * 2.2 / (ph%zu.tf + %s) ELSE 0 END",
                        i, w, i, i, gnorm);
            if (required) {
                sb_addf(&req_phrases, " OR ph%zu.tf > 0", i);
                candidates = true;
            }
            sb_free(&cond);
        }
        term_free(&t); /* a term without tokens matches nothing */
    }
    PGresult *r = NULL;
    if (!candidates) {
        r = PQmakeEmptyPGresult(s->conn, PGRES_TUPLES_OK);
    } else {
        strbuf lexs = {0}, wts = {0};
        for (size_t k = 0; k < lex.n; k++) {
            array_addn(&lexs, lex.v[k], strlen(lex.v[k]));
            snprintf(num, sizeof num, "%.17g", lex_w.v[k]);
            array_addn(&wts, num, strlen(num));
        }
        array_close(&lexs);
        array_close(&wts);
        array_close(&req);
        params.v[0] = sb_take(&lexs);
        params.v[1] = sb_take(&wts);
        params.v[2] = sb_take(&req);
        char restrict_sql[200] = "";
        if (rq->restricted) {
            for (size_t k = 0; k < rq->nallowed; k++)
                sb_addf(&allowed, "%s%lld", k ? "," : "{", rq->allowed[k]);
            sb_addc(&allowed, '}');
            VEC_PUSH(params, sb_take(&allowed));
            snprintf(restrict_sql, sizeof restrict_sql, " AND p.doc_id = ANY($%zu::bigint[])", params.n);
        } else if (only) {
            strbuf docs = {0}, nums = {0};
            for (size_t k = 0; k < nonly; k++) {
                sb_addf(&docs, "%s%lld", k ? "," : "{", only[k].doc_id);
                sb_addf(&nums, "%s%d", k ? "," : "{", only[k].page);
            }
            sb_addc(&docs, '}');
            sb_addc(&nums, '}');
            VEC_PUSH(params, sb_take(&docs));
            VEC_PUSH(params, sb_take(&nums));
            snprintf(restrict_sql, sizeof restrict_sql, " AND p.page_id IN (SELECT x.id FROM pages x JOIN"
                     " unnest($%zu::bigint[], $%zu::int[]) u(d, pg) ON x.doc_id = u.d AND x.page = u.pg)",
                     params.n - 1, params.n);
        }
        char *sql = xasprintf(
            "%s (SELECT g.id, g.score%s AS score FROM (SELECT p.%s AS id, max(p.ntok) AS ntok,"
            " sum(w.weight * p.tf * 2.2 / (p.tf + %s)) AS score, bool_or(p.lexeme = ANY($3::text[])) AS req%s"
            " FROM unnest($1::text[], $2::float8[]) w(lexeme, weight) JOIN %s p ON p.lexeme = w.lexeme%s"
            " GROUP BY p.%s) g%s WHERE g.req%s ORDER BY score DESC, g.id LIMIT $4::int) f %s",
            outer_head, phrases.len ? phrases.s : "", post_id, pnorm, has.len ? has.s : "", postings, restrict_sql,
            post_id, laterals.len ? laterals.s : "", req_phrases.len ? req_phrases.s : "", outer_tail);
        r = q(s, sql, (int)params.n, (const char *const *)params.v, e, "ranking the search's rows");
        free(sql);
    }
    sb_free(&phrases);
    sb_free(&laterals);
    sb_free(&has);
    sb_free(&req_phrases);
    sb_free(&req);
    sb_free(&allowed);
    str_vec_free(&lex);
    free(lex_w.v);
    str_vec_free(&params);
    return r;
}

#define HIT_COLUMNS "c.id, c.doc_id, d.file_name, d.publication, d.title, c.page_start, c.page_end," \
    " (SELECT label FROM pages WHERE doc_id = c.doc_id AND page = c.page_start)," \
    " (SELECT label FROM pages WHERE doc_id = c.doc_id AND page = c.page_end)," \
    " c.section, c.paragraph, c.text, c.boxes"

static void read_hit(const PGresult *r, int i, store_hit *h)
{
    memset(h, 0, sizeof *h);
    h->chunk_id = val_ll(r, i, 0);
    h->doc_id = val_ll(r, i, 1);
    h->doc = val(r, i, 2);
    h->publication = val(r, i, 3);
    h->title = val(r, i, 4);
    h->page = (int)val_ll(r, i, 5);
    h->page_end = (int)val_ll(r, i, 6);
    h->page_label = val(r, i, 7);
    h->page_label_end = val(r, i, 8);
    h->section = val(r, i, 9);
    h->paragraph = val(r, i, 10);
    h->text = val(r, i, 11);
    h->boxes = val(r, i, 12);
}

static int pg_rank_chunks(store *s, const store_rank_query *rq, int limit, store_hits *out, fa_err *e)
{
    if (rq->nterms == 0 || limit <= 0 || (rq->restricted && rq->nallowed == 0))
        return 0;
    pthread_mutex_lock(&s->lock);
    PGresult *r = rank_rows(s, rq, limit, false, NULL, 0, "SELECT " HIT_COLUMNS ", f.score FROM",
                            "JOIN chunks c ON c.id = f.id JOIN documents d ON d.id = c.doc_id ORDER BY f.score DESC, c.id",
                            e);
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_hit h;
        read_hit(r, i, &h);
        h.score = strtod(PQgetvalue(r, i, 13), NULL);
        VEC_PUSH(*out, h);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_score_pages(store *s, const store_rank_query *q, const store_page_score *pages, size_t n,
                          store_page_scores *out, fa_err *e)
{
    if (q->nterms == 0 || (pages && n == 0))
        return 0;
    store_rank_query every = *q;
    if (pages)
        every.nrequired = every.nterms;
    every.restricted = false;
    pthread_mutex_lock(&s->lock);
    PGresult *r = rank_rows(s, &every, pages ? (int)n : INT_MAX, true, pages, n,
                            "SELECT p.doc_id, p.page, f.score FROM", "JOIN pages p ON p.id = f.id", e);
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_page_score p = {val_ll(r, i, 0), (int)val_ll(r, i, 1), strtod(PQgetvalue(r, i, 2), NULL)};
        VEC_PUSH(*out, p);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_phrase_df(store *s, const char *phrase, long long limit, long long *df, fa_err *e)
{
    *df = 0;
    term_build t = {0};
    tokenize(s, phrase, term_token, &t);
    int rc = 0;
    if (t.n && limit > 0) {
        char lim[24];
        fmt_ll(lim, sizeof lim, limit);
        const char *p[] = {t.tsq.s, lim};
        pthread_mutex_lock(&s->lock);
        PGresult *r = q(s, "SELECT count(*) FROM (SELECT 1 FROM chunks WHERE tsv @@ $1::tsquery LIMIT $2::bigint) x", 2,
                        p, e, "counting a phrase's passages");
        if (r)
            *df = val_ll(r, 0, 0);
        rc = r ? 0 : -1;
        PQclear(r);
        pthread_mutex_unlock(&s->lock);
    }
    term_free(&t);
    return rc;
}

static int collect_strings(store *s, const char *sql, const char *arg, str_vec *out, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    const char *p[] = {arg};
    PGresult *r = q(s, sql, 1, p, e, "reading terms");
    for (int i = 0; r && i < PQntuples(r); i++)
        VEC_PUSH(*out, val(r, i, 0));
    int rc = r ? 0 : -1;
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_term_expansions(store *s, const char *term, str_vec *out, fa_err *e)
{
    return collect_strings(s, "SELECT lower(expansion) FROM terms WHERE term = $1 GROUP BY lower(expansion)"
                              " ORDER BY max(glossary) DESC, count(*) DESC, lower(expansion) LIMIT 3", term, out, e);
}

static int pg_terms_for_phrase(store *s, const char *phrase, str_vec *out, fa_err *e)
{
    return collect_strings(s, "SELECT DISTINCT term FROM terms WHERE lower(expansion) = lower($1) ORDER BY term LIMIT 3",
                           phrase, out, e);
}

static int pg_token_df(store *s, const char *token, long long *df, long long *total, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    const char *p[] = {token};
    PGresult *r = q(s, "SELECT (SELECT df FROM term_stats WHERE term = $1),"
                       " (SELECT chunks FROM library_stats)", 1, p, e, "reading term counts");
    int rc = r ? 0 : -1;
    if (r) {
        *df = val_ll(r, 0, 0);
        *total = val_ll(r, 0, 1);
    }
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_tokenize(store *s, const char *text, void (*fn)(const char *, int, void *), void *arg, fa_err *e)
{
    token_cb cb = {fn, arg};
    if (s->tokenizer.xTokenize(s->tok, &cb, FTS5_TOKENIZE_DOCUMENT, text, (int)strlen(text), on_token) != SQLITE_OK)
        return fa_fail(e, "tokenizer failed");
    return 0;
}

/* ---- define, refs ---- */

static int define_rows(store *s, const char *sql, const char *term, store_define_rows *out, fa_err *e)
{
    const char *p[] = {term};
    PGresult *r = q(s, sql, 1, p, e, "looking the term up");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_define_row x = {val(r, i, 0), val(r, i, 1), val(r, i, 2), val(r, i, 3), val(r, i, 4),
                              (int)val_ll(r, i, 5), val_ll(r, i, 6) != 0};
        VEC_PUSH(*out, x);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

static int pg_define(store *s, const char *term, store_define_rows *expansions, store_define_rows *definitions,
                     fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    /* One row per expansion and document (its glossary entry when it has one), glossary entries first. */
    int rc = define_rows(s,
        "SELECT term, expansion, file_name, publication, label, page, glossary FROM ("
        " SELECT DISTINCT ON (lower(t.expansion), t.doc_id) t.term, t.expansion, d.file_name, d.publication,"
        "  p.label, t.page, t.glossary, d.id AS did FROM terms t JOIN documents d ON d.id = t.doc_id"
        "  LEFT JOIN pages p ON p.doc_id = t.doc_id AND p.page = t.page"
        "  WHERE t.term = $1 OR (upper(t.term) = upper($1) AND length($1) > 1)"
        "  ORDER BY lower(t.expansion), t.doc_id, t.glossary DESC, t.page) x"
        " ORDER BY glossary DESC, lower(expansion), did LIMIT 20", term, expansions, e);
    if (rc == 0)
        rc = define_rows(s,
            "SELECT f.term, f.definition, d.file_name, d.publication, p.label, f.page, 1 FROM definitions f"
            " JOIN documents d ON d.id = f.doc_id LEFT JOIN pages p ON p.doc_id = f.doc_id AND p.page = f.page"
            " WHERE lower(f.term) = lower($1)"
            "  OR lower(f.term) IN (SELECT lower(expansion) FROM terms WHERE term = $1 OR upper(term) = upper($1))"
            " ORDER BY lower(f.term) = lower($1) DESC, d.id LIMIT 20", term, definitions, e);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int ref_rows(store *s, const char *sql, long long id, store_ref_rows *out, fa_err *e)
{
    char num[32];
    fmt_ll(num, sizeof num, id);
    const char *p[] = {num};
    PGresult *r = q(s, sql, 1, p, e, "reading cross-references");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_ref_row x = {val(r, i, 0), val(r, i, 1), val(r, i, 2), (int)val_ll(r, i, 3), (int)val_ll(r, i, 4),
                           val(r, i, 5)};
        VEC_PUSH(*out, x);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

static int pg_refs(store *s, long long doc_id, store_ref_rows *cites, store_ref_rows *cited_by,
                   store_ref_rows *internal, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
#define WITH_LABEL(inner) "SELECT x.target, x.doc, x.kind, x.n, x.first, (SELECT p.label FROM pages p" \
        " WHERE p.doc_id = x.doc_id AND p.page = x.first) FROM (" inner ") x"
    int rc = ref_rows(s, WITH_LABEL(
        "SELECT min(l.target) AS target, (SELECT file_name FROM documents d WHERE " PUB_KEY("d.publication")
        "  = l.pub_key ORDER BY d.id DESC LIMIT 1) AS doc, NULL::text AS kind, count(*) AS n, min(l.page) AS first,"
        "  min(l.doc_id) AS doc_id FROM links l WHERE l.doc_id = $1::bigint AND l.kind = 'publication'"
        " GROUP BY l.pub_key ORDER BY min(l.target)"), doc_id, cites, e);
    if (rc == 0)
        rc = ref_rows(s, WITH_LABEL(
            "SELECT d.publication AS target, d.file_name AS doc, NULL::text AS kind, count(*) AS n,"
            " min(l.page) AS first, l.doc_id AS doc_id FROM links l JOIN documents d ON d.id = l.doc_id"
            " WHERE l.kind = 'publication' AND l.doc_id != $1::bigint AND l.pub_key ="
            "  (SELECT " PUB_KEY("publication") " FROM documents WHERE id = $1::bigint)"
            " GROUP BY d.id, l.doc_id ORDER BY d.publication, d.file_name"), doc_id, cited_by, e);
    if (rc == 0)
        rc = ref_rows(s, WITH_LABEL(
            "SELECT l.target AS target, NULL::text AS doc, l.kind AS kind, count(*) AS n, min(l.page) AS first,"
            " l.doc_id AS doc_id FROM links l WHERE l.doc_id = $1::bigint AND l.kind != 'publication'"
            " GROUP BY l.kind, l.target, l.doc_id ORDER BY l.kind, min(l.page)"), doc_id, internal, e);
#undef WITH_LABEL
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---- vectors ---- */

static int pg_chunks_to_embed(store *s, const char *model, int limit, store_chunk_texts *out, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit);
    const char *p[] = {model, lim};
    PGresult *r = q(s, "SELECT c.id, coalesce(c.heading || chr(10), '') || c.text FROM chunks c"
                       " LEFT JOIN chunk_vectors v ON v.chunk_id = c.id"
                       " WHERE v.chunk_id IS NULL OR v.model <> $1 ORDER BY c.id LIMIT $2::int", 2, p, e,
                    "listing passages to embed");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_chunk_text t = {val_ll(r, i, 0), val(r, i, 1)};
        VEC_PUSH(*out, t);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_put_vectors(store *s, const char *model, int dim, const long long *ids, const float *vecs, size_t n,
                          fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    int rc = cmd(s, "BEGIN", e, "storing vectors");
    if (rc == 0 && s->pgvector)
        rc = ensure_hnsw(s, dim, e);
    char dims[16];
    snprintf(dims, sizeof dims, "%d", dim);
    const char *sql = s->pgvector
        ? "INSERT INTO chunk_vectors (chunk_id, model, dim, vec, embedding) VALUES ($1::bigint, $2, $3::int, $4, $5::vector)"
          " ON CONFLICT (chunk_id) DO UPDATE SET model = excluded.model, dim = excluded.dim, vec = excluded.vec,"
          " embedding = excluded.embedding, txid = pg_current_xact_id()"
        : "INSERT INTO chunk_vectors (chunk_id, model, dim, vec) VALUES ($1::bigint, $2, $3::int, $4)"
          " ON CONFLICT (chunk_id) DO UPDATE SET model = excluded.model, dim = excluded.dim, vec = excluded.vec,"
          " txid = pg_current_xact_id()";
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char id[32];
        fmt_ll(id, sizeof id, ids[i]);
        const float *v = vecs + i * (size_t)dim;
        char *vt = s->pgvector ? vector_text(v, dim) : NULL;
        const char *p[] = {id, model, dims, (const char *)v, vt};
        int lens[] = {0, 0, 0, dim * (int)sizeof(float), 0};
        int fmts[] = {0, 0, 0, 1, 0};
        PGresult *r = PQexecParams(s->conn, sql, s->pgvector ? 5 : 4, NULL, p, lens, fmts, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            rc = pg_fail(s, e, "storing vectors", r);
        PQclear(r);
        free(vt);
    }
    rc = end_tx(s, rc, e);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_clear_vectors(store *s, fa_err *e)
{
    return simple(s, "DELETE FROM chunk_vectors", 0, NULL, e, "removing vectors");
}

static int pg_vector_sets(store *s, store_vector_set_list *out, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    PGresult *r = q(s, "SELECT model, dim, count(*) FROM chunk_vectors GROUP BY model, dim"
                       " ORDER BY count(*) DESC, model", 0, NULL, e, "reading the vector sets");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_vector_set v = {val(r, i, 0), (int)val_ll(r, i, 1), val_ll(r, i, 2)};
        VEC_PUSH(*out, v);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_scan_vectors(store *s, const char *model, int dim, void (*fn)(long long, const float *, void *),
                           void *arg, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    int rc = 0;
    if (!s->pgvector) {
        vec_set *v = vector_set(s, model, dim, e);
        if (!v)
            rc = -1;
        for (size_t i = 0; v && i < v->n; i++)
            fn(v->ids[i], v->vecs + i * (size_t)dim, arg);
    } else {
        char dims[16];
        snprintf(dims, sizeof dims, "%d", dim);
        const char *p[] = {model, dims};
        PGresult *r = PQexecParams(s->conn, "SELECT chunk_id, vec FROM chunk_vectors WHERE model = $1 AND dim = $2::int",
                                   2, NULL, p, NULL, NULL, 1);
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            rc = pg_fail(s, e, "reading vectors", r);
        float *buf = xmalloc((size_t)(dim > 0 ? dim : 1) * sizeof *buf);
        for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
            const unsigned char *b = (const unsigned char *)PQgetvalue(r, i, 0);
            long long id = 0;
            for (int k = 0; k < 8; k++)
                id = (long long)(((unsigned long long)id << 8) | b[k]);
            if (PQgetlength(r, i, 1) != dim * (int)sizeof(float))
                continue;
            memcpy(buf, PQgetvalue(r, i, 1), (size_t)dim * sizeof *buf);
            fn(id, buf, arg);
        }
        free(buf);
        PQclear(r);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* pgvector: the HNSW index of the dimension, by inner product (<#> is its negative); ef_search raised so that
 * the model filter, applied after the index scan, still leaves k rows. */
static int pg_vector_knn(store *s, const char *model, int dim, const float *qv, int k, store_vector_hits *out,
                         fa_err *e)
{
    if (!s->pgvector)
        return 0;
    pthread_mutex_lock(&s->lock);
    char *vt = vector_text(qv, dim);
    char lim[16], ef[64];
    snprintf(lim, sizeof lim, "%d", k);
    snprintf(ef, sizeof ef, "SET hnsw.ef_search = %d", k * 4 > 40 ? (k * 4 < 1000 ? k * 4 : 1000) : 40);
    PQclear(PQexec(s->conn, ef));
    char *sql = xasprintf("SELECT chunk_id, -(embedding::vector(%d) <#> $1::vector(%d)) FROM chunk_vectors"
                          " WHERE dim = %d AND model = $2 ORDER BY embedding::vector(%d) <#> $1::vector(%d)"
                          " LIMIT $3::int", dim, dim, dim, dim, dim);
    const char *p[] = {vt, model, lim};
    PGresult *r = q(s, sql, 3, p, e, "searching vectors");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_vector_hit h = {val_ll(r, i, 0), strtof(PQgetvalue(r, i, 1), NULL)};
        VEC_PUSH(*out, h);
    }
    int rc = r ? 1 : -1;
    PQclear(r);
    free(sql);
    free(vt);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_hit_by_chunk(store *s, long long chunk_id, store_hit *out, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    char num[32];
    fmt_ll(num, sizeof num, chunk_id);
    const char *p[] = {num};
    PGresult *r = q(s, "SELECT " HIT_COLUMNS " FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.id = $1::bigint",
                    1, p, e, "reading a passage");
    int rc = -1;
    if (r) {
        rc = PQntuples(r) > 0;
        if (rc)
            read_hit(r, 0, out);
    }
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_info_get(store *s, store_info *out, fa_err *e)
{
    memset(out, 0, sizeof *out);
    out->backend = "postgres";
    out->vector_mode = s->pgvector ? "pgvector hnsw" : "in-process exact, kept current by LISTEN/NOTIFY";
    int v = PQserverVersion(s->conn);
    const char *host = PQhost(s->conn);
    snprintf(out->detail, sizeof out->detail, "PostgreSQL %d.%d, database %s on %s%s%s", v / 10000, v % 100,
             PQdb(s->conn), host && host[0] == '/' ? "socket " : "", host ? host : "?",
             s->pgvector ? "" : "; ");
    if (!s->pgvector) {
        size_t n = strlen(out->detail);
        snprintf(out->detail + n, sizeof out->detail - n, "%s", s->vector_note);
    }
    return 0;
}

/* ---- the job queue ---- */

#define JOB_COLUMNS "id, path, state, worker, message, " ISO("created_at") ", " ISO("lease_until") ", " \
                    ISO("finished_at") ", attempts, pages_done, pages_total, doc_id"

static void read_job(const PGresult *r, int i, store_job *j)
{
    memset(j, 0, sizeof *j);
    j->id = val_ll(r, i, 0);
    j->path = val(r, i, 1);
    j->state = val(r, i, 2);
    j->worker = val(r, i, 3);
    j->message = val(r, i, 4);
    j->created_at = val(r, i, 5);
    j->lease_until = val(r, i, 6);
    j->finished_at = val(r, i, 7);
    j->attempts = (int)val_ll(r, i, 8);
    j->pages_done = (int)val_ll(r, i, 9);
    j->pages_total = (int)val_ll(r, i, 10);
    j->doc_id = val_ll(r, i, 11);
}

static int pg_job_add(store *s, const char *path, long long *id, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    const char *p[] = {path};
    PGresult *r = q(s, "INSERT INTO ingest_jobs (path) VALUES ($1) ON CONFLICT (path) WHERE state IN ('queued',"
                       "'running') DO NOTHING RETURNING id", 1, p, e, "queueing a file");
    int rc = -1;
    if (r && PQntuples(r)) {
        *id = val_ll(r, 0, 0);
        rc = 1;
    } else if (r) {
        PQclear(r);
        r = q(s, "SELECT id FROM ingest_jobs WHERE path = $1 AND state IN ('queued','running')", 1, p, e,
              "queueing a file");
        if (r) {
            *id = PQntuples(r) ? val_ll(r, 0, 0) : 0;
            rc = 0;
        }
    }
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_job_take(store *s, const char *worker, int lease_s, store_job *out, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    char lease[16], max[16];
    snprintf(lease, sizeof lease, "%d", lease_s);
    snprintf(max, sizeof max, "%d", STORE_JOB_MAX_ATTEMPTS);
    const char *pf[] = {max};
    PGresult *r = q(s, "UPDATE ingest_jobs SET state = 'failed', finished_at = now(), lease_until = NULL,"
                       " message = 'its worker stopped during each of ' || $1 || ' attempts'"
                       " WHERE state = 'running' AND lease_until < now() AND attempts >= $1::int", 1, pf, e,
                    "taking a job");
    int rc = r ? 0 : -1;
    PQclear(r);
    if (rc == 0) {
        const char *p[] = {worker, lease};
        r = q(s, "UPDATE ingest_jobs j SET state = 'running', worker = $1, attempts = j.attempts + 1,"
                 " heartbeat = now(), lease_until = now() + make_interval(secs => $2::int), pages_done = 0"
                 " FROM (SELECT id FROM ingest_jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < now())"
                 "  ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1) t WHERE j.id = t.id RETURNING "
                 "j.id, j.path, j.state, j.worker, j.message, " ISO("j.created_at") ", " ISO("j.lease_until") ", "
                 ISO("j.finished_at") ", j.attempts, j.pages_done, j.pages_total, j.doc_id", 2, p, e, "taking a job");
        rc = r ? PQntuples(r) > 0 : -1;
        if (rc == 1)
            read_job(r, 0, out);
        PQclear(r);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_job_progress(store *s, long long id, const char *worker, int lease_s, int pages_done, int pages_total,
                           fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    char num[32], lease[16], done[16], total[16];
    fmt_ll(num, sizeof num, id);
    snprintf(lease, sizeof lease, "%d", lease_s);
    snprintf(done, sizeof done, "%d", pages_done);
    snprintf(total, sizeof total, "%d", pages_total);
    const char *p[] = {num, worker, lease, done, total};
    PGresult *r = q(s, "UPDATE ingest_jobs SET heartbeat = now(), lease_until = now() + make_interval(secs => $3::int),"
                       " pages_done = $4::int, pages_total = $5::int"
                       " WHERE id = $1::bigint AND worker = $2 AND state = 'running'", 5, p, e,
                    "renewing a job's lease");
    int rc = r ? atoi(PQcmdTuples(r)) > 0 : -1;
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int finish_locked(store *s, long long id, const char *worker, bool ok, long long doc_id, const char *message,
                         fa_err *e)
{
    char num[32], doc[32];
    fmt_ll(num, sizeof num, id);
    fmt_ll(doc, sizeof doc, doc_id);
    const char *p[] = {num, worker, ok ? "done" : "failed", doc_id > 0 ? doc : NULL, message};
    PGresult *r = q(s, "UPDATE ingest_jobs SET state = $3, doc_id = $4::bigint, message = $5, finished_at = now(),"
                       " lease_until = NULL, pages_done = CASE WHEN $3 = 'done' THEN pages_total ELSE pages_done END"
                       " WHERE id = $1::bigint AND worker = $2 AND state = 'running'", 5, p, e, "ending a job");
    int rc = r ? atoi(PQcmdTuples(r)) > 0 : -1;
    PQclear(r);
    return rc;
}

static int pg_job_finish(store *s, long long id, const char *worker, bool ok, long long doc_id, const char *message,
                         fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    int rc = finish_locked(s, id, worker, ok, doc_id, message, e);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* The job row is locked first (FOR UPDATE): while this transaction runs, no other worker can take the job,
 * even if its lease runs out meanwhile (job_take skips locked rows). */
static int put_job_tx(store *s, void *arg, fa_err *e)
{
    put_args *a = arg;
    char num[32];
    fmt_ll(num, sizeof num, a->job_id);
    const char *p[] = {num, a->worker, a->rec->path, a->rec->sha256};
    PGresult *r = q(s, "SELECT (SELECT count(*) FROM ingest_jobs WHERE id = $1::bigint AND worker = $2 AND"
                       " state = 'running'), (SELECT id FROM documents WHERE path = $3 AND sha256 = $4)", 4, p, e,
                    "checking the job");
    if (!r)
        return -1;
    bool owned = val_ll(r, 0, 0) > 0;
    long long same = val_ll(r, 0, 1);
    PQclear(r);
    if (owned) {
        r = q(s, "SELECT 1 FROM ingest_jobs WHERE id = $1::bigint AND worker = $2 AND state = 'running' FOR UPDATE",
              2, p, e, "checking the job");
        owned = r && PQntuples(r) > 0;
        PQclear(r);
        if (!r)
            return -1;
    }
    if (!owned)
        return 1;
    int rc = 0;
    if (same)
        a->rec->id = same; /* committed before: the same file is never written twice */
    else
        rc = put_locked(s, a->rec, a->d, a->chunks, e);
    if (rc == 0 && finish_locked(s, a->job_id, a->worker, true, a->rec->id, NULL, e) != 1)
        rc = -1;
    return rc;
}

static int pg_put_document_job(store *s, store_doc *rec, const doc_document *d, const doc_chunks *chunks,
                               long long job_id, const char *worker, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    put_args a = {rec, d, chunks, job_id, worker};
    int rc = in_tx(s, put_job_tx, &a, e);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_jobs_list(store *s, store_jobs *out, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    PGresult *r = q(s, "SELECT " JOB_COLUMNS " FROM ingest_jobs ORDER BY id", 0, NULL, e, "listing jobs");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_job j;
        read_job(r, i, &j);
        VEC_PUSH(*out, j);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---- the vector index's persistence (search/vindex.c; migration 2) ---- */

static unsigned long long pg_serial(const store *s)
{
    return s->serial;
}

static int pg_vector_gen(store *s, const char *model, int dim, long long *gen, fa_err *e)
{
    char dims[16];
    snprintf(dims, sizeof dims, "%d", dim);
    const char *p[] = {model, dims};
    *gen = 0;
    pthread_mutex_lock(&s->lock);
    PGresult *r = q(s, "SELECT gen FROM vector_gen WHERE model = $1 AND dim = $2::int", 2, p, e,
                    "reading the vector generation");
    if (r && PQntuples(r))
        *gen = val_ll(r, 0, 0);
    int rc = r ? 0 : -1;
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* A bigint of a binary-format result (network byte order). */
static long long bin_ll(const PGresult *r, int row, int col)
{
    const unsigned char *b = (const unsigned char *)PQgetvalue(r, row, col);
    unsigned long long v = 0;
    for (int k = 0; k < 8; k++)
        v = (v << 8) | b[k];
    return (long long)v;
}

static int pg_scan_vectors_docs(store *s, const char *model, int dim,
                                void (*fn)(long long id, long long doc_id, const float *v, void *arg), void *arg,
                                fa_err *e)
{
    char dims[16];
    snprintf(dims, sizeof dims, "%d", dim);
    const char *p[] = {model, dims};
    pthread_mutex_lock(&s->lock);
    PGresult *r = PQexecParams(s->conn, "SELECT v.chunk_id, c.doc_id, v.vec FROM chunk_vectors v JOIN chunks c"
                                        " ON c.id = v.chunk_id WHERE v.model = $1 AND v.dim = $2::int",
                               2, NULL, p, NULL, NULL, 1);
    int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : pg_fail(s, e, "reading vectors", r);
    float *buf = xmalloc((size_t)(dim > 0 ? dim : 1) * sizeof *buf);
    for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
        if (PQgetlength(r, i, 2) != dim * (int)sizeof(float))
            continue;
        memcpy(buf, PQgetvalue(r, i, 2), (size_t)dim * sizeof *buf);
        fn(bin_ll(r, i, 0), bin_ll(r, i, 1), buf, arg);
    }
    free(buf);
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_get_vector_index(store *s, const char *model, int dim, const char *kind, long long *gen, void **data,
                               size_t *len, fa_err *e)
{
    char dims[16];
    snprintf(dims, sizeof dims, "%d", dim);
    const char *p[] = {model, dims, kind};
    *data = NULL;
    *len = 0;
    *gen = 0;
    pthread_mutex_lock(&s->lock);
    PGresult *r = PQexecParams(s->conn, "SELECT gen, data FROM vector_index WHERE model = $1 AND dim = $2::int"
                                        " AND kind = $3", 3, NULL, p, NULL, NULL, 1);
    int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : pg_fail(s, e, "reading the vector index", r);
    if (rc == 0 && PQntuples(r)) {
        *gen = bin_ll(r, 0, 0);
        size_t n = (size_t)PQgetlength(r, 0, 1);
        *data = xmalloc(n ? n : 1);
        memcpy(*data, PQgetvalue(r, 0, 1), n);
        *len = n;
        rc = 1;
    }
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int pg_put_vector_index(store *s, const char *model, int dim, const char *kind, long long gen, long long count,
                               const void *data, size_t len, fa_err *e)
{
    if (len > INT_MAX)
        return fa_fail(e, "the vector index of %s (%zu bytes) is too large for one PostgreSQL value", model, len);
    char dims[16], gens[32], counts[32];
    snprintf(dims, sizeof dims, "%d", dim);
    fmt_ll(gens, sizeof gens, gen);
    fmt_ll(counts, sizeof counts, count);
    const char *p[] = {model, dims, kind, gens, counts, data};
    int lens[] = {0, 0, 0, 0, 0, (int)len};
    int fmts[] = {0, 0, 0, 0, 0, 1};
    pthread_mutex_lock(&s->lock);
    PGresult *r = PQexecParams(s->conn, "INSERT INTO vector_index (model, dim, kind, gen, count, built_at, data)"
                                        " VALUES ($1, $2::int, $3, $4::bigint, $5::bigint, " ISO("now()") ", $6::bytea)"
                                        " ON CONFLICT (model, dim, kind) DO UPDATE SET gen = EXCLUDED.gen,"
                                        " count = EXCLUDED.count, built_at = EXCLUDED.built_at, data = EXCLUDED.data",
                               6, NULL, p, lens, fmts, 0);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : pg_fail(s, e, "storing the vector index", r);
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---- accounts, sessions, API tokens, the audit log, labels (store.h's Accounts group; migration 2) ---- */

/* Runs a statement with text parameters; the rows it changed, or -1. */
static int changed(store *s, const char *sql, int n, const char *const *p, fa_err *e, const char *what)
{
    pthread_mutex_lock(&s->lock);
    PGresult *r = q(s, sql, n, p, e, what);
    int rc = r ? atoi(PQcmdTuples(r)) : -1;
    PQclear(r);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* Runs a query with text parameters; the result (caller clears) or NULL with e filled. */
static PGresult *rows(store *s, const char *sql, int n, const char *const *p, fa_err *e, const char *what)
{
    pthread_mutex_lock(&s->lock);
    PGresult *r = q(s, sql, n, p, e, what);
    pthread_mutex_unlock(&s->lock);
    return r;
}

static long long pg_library_version(store *s)
{
    PGresult *r = rows(s, "SELECT v FROM library_version", 0, NULL, NULL, "reading the library's version");
    long long v = r && PQntuples(r) ? val_ll(r, 0, 0) : -1;
    PQclear(r);
    return v;
}

static int pg_set_label(store *s, long long doc_id, const char *label, fa_err *e)
{
    char id[32];
    fmt_ll(id, sizeof id, doc_id);
    const char *p[] = {id, label};
    int n = changed(s, "UPDATE documents SET label = $2 WHERE id = $1::bigint", 2, p, e, "setting a label");
    return n < 0 ? -1 : n > 0;
}

static int pg_doc_outline(store *s, long long doc_id, store_outline *out, fa_err *e)
{
    char id[32];
    fmt_ll(id, sizeof id, doc_id);
    const char *p[] = {id};
    PGresult *r = rows(s, "SELECT o.section, o.page, (SELECT label FROM pages WHERE doc_id = $1::bigint AND page = o.page)"
                          " FROM (SELECT section, min(page_start) AS page, min(seq) AS first FROM chunks"
                          " WHERE doc_id = $1::bigint AND section IS NOT NULL GROUP BY section) o ORDER BY o.first",
                       1, p, e, "reading the outline");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_outline_row o = {val(r, i, 0), val(r, i, 2), (int)val_ll(r, i, 1)};
        VEC_PUSH(*out, o);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

#define USER_COLUMNS "username, hash, role, labels, created_at"

static void read_user(const PGresult *r, int i, store_user *u)
{
    u->username = val(r, i, 0);
    u->hash = val(r, i, 1);
    u->role = val(r, i, 2);
    u->labels = val(r, i, 3);
    u->created_at = val(r, i, 4);
}

static int pg_user_get(store *s, const char *username, store_user *out, fa_err *e)
{
    memset(out, 0, sizeof *out);
    const char *p[] = {username};
    PGresult *r = rows(s, "SELECT " USER_COLUMNS " FROM users WHERE username = $1", 1, p, e, "looking up a user");
    int rc = r ? PQntuples(r) > 0 : -1;
    if (rc == 1)
        read_user(r, 0, out);
    PQclear(r);
    return rc;
}

static int pg_user_add(store *s, const store_user *u, fa_err *e)
{
    const char *p[] = {u->username, u->hash, u->role, u->labels ? u->labels : ""};
    int n = changed(s, "INSERT INTO users (username, hash, role, labels, created_at) VALUES ($1, $2, $3, $4, "
                       ISO("now()") ") ON CONFLICT (username) DO NOTHING", 4, p, e, "adding a user");
    if (n == 0)
        return fa_fail(e, "a user named '%s' exists already (change it with `fagpt user passwd`, or remove it first)",
                       u->username);
    return n < 0 ? -1 : 0;
}

static int pg_user_list(store *s, store_users *out, fa_err *e)
{
    PGresult *r = rows(s, "SELECT " USER_COLUMNS " FROM users ORDER BY username", 0, NULL, e, "listing users");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_user u = {0};
        read_user(r, i, &u);
        VEC_PUSH(*out, u);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

static int pg_user_count(store *s, long long *n, fa_err *e)
{
    PGresult *r = rows(s, "SELECT count(*) FROM users", 0, NULL, e, "counting users");
    *n = r ? val_ll(r, 0, 0) : 0;
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

static int pg_user_update(store *s, const char *username, const char *hash, const char *role, const char *labels,
                          fa_err *e)
{
    const char *p[] = {username, hash, role, labels};
    /* a new password signs the user out everywhere, in the same statement */
    int n = changed(s, "WITH u AS (UPDATE users SET hash = coalesce($2, hash), role = coalesce($3, role),"
                       " labels = coalesce($4, labels) WHERE username = $1 RETURNING username),"
                       " x AS (DELETE FROM sessions WHERE $2::text IS NOT NULL AND username IN (SELECT username FROM u))"
                       " SELECT 1 FROM u", 4, p, e, "changing a user");
    return n < 0 ? -1 : n > 0;
}

static int pg_user_delete(store *s, const char *username, fa_err *e)
{
    /* sessions and tokens go with it (ON DELETE CASCADE) */
    const char *p[] = {username};
    int n = changed(s, "DELETE FROM users WHERE username = $1", 1, p, e, "removing a user");
    return n < 0 ? -1 : n > 0;
}

static int pg_session_add(store *s, const char *id_hash, const char *username, const char *csrf, long long expires,
                          fa_err *e)
{
    char exp[32];
    fmt_ll(exp, sizeof exp, expires);
    const char *p[] = {id_hash, username, csrf, exp};
    changed(s, "DELETE FROM sessions WHERE expires < extract(epoch FROM now())::bigint", 0, NULL, NULL,
            "ending old sessions");
    return changed(s, "INSERT INTO sessions (id_hash, username, csrf, expires) VALUES ($1, $2, $3, $4::bigint)", 4, p,
                   e, "starting a session") < 0 ? -1 : 0;
}

static int pg_session_get(store *s, const char *id_hash, long long now, store_session *out, fa_err *e)
{
    memset(out, 0, sizeof *out);
    char t[32];
    fmt_ll(t, sizeof t, now);
    const char *p[] = {id_hash, t};
    PGresult *r = rows(s, "SELECT username, csrf, expires FROM sessions WHERE id_hash = $1 AND expires > $2::bigint", 2,
                       p, e, "reading a session");
    int rc = r ? PQntuples(r) > 0 : -1;
    if (rc == 1) {
        out->username = val(r, 0, 0);
        out->csrf = val(r, 0, 1);
        out->expires = val_ll(r, 0, 2);
    }
    PQclear(r);
    return rc;
}

static int pg_session_delete(store *s, const char *id_hash, fa_err *e)
{
    const char *p[] = {id_hash};
    return changed(s, "DELETE FROM sessions WHERE id_hash = $1", 1, p, e, "ending a session") < 0 ? -1 : 0;
}

static int pg_token_add(store *s, const char *hash, const char *username, const char *name, long long *id, fa_err *e)
{
    const char *p[] = {hash, username, name};
    PGresult *r = rows(s, "INSERT INTO api_tokens (hash, username, name, created_at) VALUES ($1, $2, $3, " ISO("now()")
                          ") RETURNING id", 3, p, e, "adding an API token");
    if (r && id)
        *id = val_ll(r, 0, 0);
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

static void read_token(const PGresult *r, int i, store_token *t)
{
    t->id = val_ll(r, i, 0);
    t->username = val(r, i, 1);
    t->name = val(r, i, 2);
    t->created_at = val(r, i, 3);
}

static int pg_token_find(store *s, const char *hash, store_token *out, fa_err *e)
{
    memset(out, 0, sizeof *out);
    const char *p[] = {hash};
    PGresult *r = rows(s, "SELECT id, username, name, created_at FROM api_tokens WHERE hash = $1", 1, p, e,
                       "checking an API token");
    int rc = r ? PQntuples(r) > 0 : -1;
    if (rc == 1)
        read_token(r, 0, out);
    PQclear(r);
    return rc;
}

static int pg_token_list(store *s, const char *username, store_tokens *out, fa_err *e)
{
    const char *p[] = {username};
    PGresult *r = rows(s, "SELECT id, username, name, created_at FROM api_tokens WHERE $1::text IS NULL OR username = $1"
                          " ORDER BY id", 1, p, e, "listing API tokens");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_token t = {0};
        read_token(r, i, &t);
        VEC_PUSH(*out, t);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

static int pg_token_delete(store *s, long long id, const char *username, fa_err *e)
{
    char num[32];
    fmt_ll(num, sizeof num, id);
    const char *p[] = {num, username};
    int n = changed(s, "DELETE FROM api_tokens WHERE id = $1::bigint AND ($2::text IS NULL OR username = $2)", 2, p, e,
                    "removing an API token");
    return n < 0 ? -1 : n > 0;
}

static int pg_audit_add(store *s, const char *username, const char *action, const char *target, const char *detail,
                        fa_err *e)
{
    const char *p[] = {username, action, target, detail};
    return changed(s, "INSERT INTO audit (at, username, action, target, detail) VALUES (" ISO("now()") ", $1, $2, $3,"
                      " $4)", 4, p, e, "writing the audit log") < 0 ? -1 : 0;
}

static int pg_audit_list(store *s, int limit, store_audit_events *out, fa_err *e)
{
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit);
    const char *p[] = {lim};
    PGresult *r = rows(s, "SELECT at, username, action, target, detail FROM audit ORDER BY id DESC LIMIT $1::int", 1, p,
                       e, "reading the audit log");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_audit_event a = {val(r, i, 0), val(r, i, 1), val(r, i, 2), val(r, i, 3), val(r, i, 4)};
        VEC_PUSH(*out, a);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

/* `fagpt tables` and `fagpt table`. */
#define TABLE_COLUMNS "t.seq, t.number, t.caption, t.page, t.page_end, p.label, t.nrows, t.ncols, t.header_rows, t.ruled"

static int table_rows(store *s, const char *sql, long long doc_id, int seq, store_tables *out, fa_err *e)
{
    char id[32], sq[16];
    fmt_ll(id, sizeof id, doc_id);
    snprintf(sq, sizeof sq, "%d", seq);
    const char *p[] = {id, sq};
    PGresult *r = rows(s, sql, 2, p, e, "reading tables");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_table t = {(int)val_ll(r, i, 0), val(r, i, 1), val(r, i, 2), (int)val_ll(r, i, 3), (int)val_ll(r, i, 4),
                         val(r, i, 5), (int)val_ll(r, i, 6), (int)val_ll(r, i, 7), (int)val_ll(r, i, 8),
                         val_ll(r, i, 9) != 0, val(r, i, 10), val(r, i, 11)};
        VEC_PUSH(*out, t);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

static int pg_tables_list(store *s, long long doc_id, store_tables *out, fa_err *e)
{
    return table_rows(s, "SELECT " TABLE_COLUMNS ", NULL, NULL FROM doc_tables t LEFT JOIN pages p ON"
                         " p.doc_id = t.doc_id AND p.page = t.page WHERE t.doc_id = $1::bigint AND $2::int = 0"
                         " ORDER BY t.seq", doc_id, 0, out, e);
}

static int pg_table_get(store *s, long long doc_id, int seq, store_table *out, fa_err *e)
{
    store_tables v = {0};
    if (table_rows(s, "SELECT " TABLE_COLUMNS ", t.cells, t.markdown FROM doc_tables t LEFT JOIN pages p ON"
                      " p.doc_id = t.doc_id AND p.page = t.page WHERE t.doc_id = $1::bigint AND t.seq = $2::int",
                   doc_id, seq, &v, e) != 0)
        return -1;
    if (!v.n) {
        free(v.v);
        return 0;
    }
    *out = v.v[0];
    free(v.v);
    return 1;
}

/* `fagpt figures`. */
static int pg_figures_list(store *s, long long doc_id, store_figures *out, fa_err *e)
{
    char id[32];
    fmt_ll(id, sizeof id, doc_id);
    const char *p[] = {id};
    PGresult *r = rows(s, "SELECT f.seq, f.number, f.caption, f.page, p.label, f.kind, f.text, f.ocr, f.description,"
                          " f.png_path, f.width, f.height, f.x0, f.y0, f.x1, f.y1 FROM figures f LEFT JOIN pages p"
                          " ON p.doc_id = f.doc_id AND p.page = f.page WHERE f.doc_id = $1::bigint ORDER BY f.seq", 1,
                       p, e, "reading figures");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_figure f = {(int)val_ll(r, i, 0), val(r, i, 1), val(r, i, 2), (int)val_ll(r, i, 3), val(r, i, 4),
                          val(r, i, 5), val(r, i, 6), val_ll(r, i, 7) != 0, val(r, i, 8), val(r, i, 9),
                          (int)val_ll(r, i, 10), (int)val_ll(r, i, 11),
                          {(int)val_ll(r, i, 3), strtof(PQgetvalue(r, i, 12), NULL), strtof(PQgetvalue(r, i, 13), NULL),
                           strtof(PQgetvalue(r, i, 14), NULL), strtof(PQgetvalue(r, i, 15), NULL)}};
        VEC_PUSH(*out, f);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

/* `fagpt docs DOC`. */
static int pg_page_conversions_list(store *s, long long doc_id, store_page_conversions *out, fa_err *e)
{
    char id[32];
    fmt_ll(id, sizeof id, doc_id);
    const char *p[] = {id};
    PGresult *r = rows(s, "SELECT c.page, p.label, c.reason, c.model, c.converted, c.detail FROM page_conversions c"
                          " LEFT JOIN pages p ON p.doc_id = c.doc_id AND p.page = c.page WHERE c.doc_id = $1::bigint"
                          " ORDER BY c.page", 1, p, e, "reading page conversions");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_page_conversion c = {(int)val_ll(r, i, 0), val(r, i, 1), val(r, i, 2), val(r, i, 3),
                                   val_ll(r, i, 4) != 0, val(r, i, 5)};
        VEC_PUSH(*out, c);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

/* `fagpt tft`. */
static int pg_firing_tables(store *s, long long doc_id, store_firing_table_list *out, fa_err *e)
{
    char id[32];
    fmt_ll(id, sizeof id, doc_id);
    const char *p[] = {id};
    PGresult *r = rows(s, "SELECT f.seq, f.weapon, f.projectile, f.charge, f.page, f.page_end, p.label,"
                          " (SELECT count(*) FROM firing_table_rows r WHERE r.doc_id = f.doc_id AND r.seq = f.seq),"
                          " (SELECT min(range_m) FROM firing_table_rows r WHERE r.doc_id = f.doc_id AND r.seq = f.seq),"
                          " (SELECT max(range_m) FROM firing_table_rows r WHERE r.doc_id = f.doc_id AND r.seq = f.seq)"
                          " FROM firing_tables f LEFT JOIN pages p ON p.doc_id = f.doc_id AND p.page = f.page"
                          " WHERE f.doc_id = $1::bigint ORDER BY f.seq", 1, p, e, "reading firing tables");
    for (int i = 0; r && i < PQntuples(r); i++) {
        store_firing_table t = {(int)val_ll(r, i, 0), val(r, i, 1), val(r, i, 2), val(r, i, 3), (int)val_ll(r, i, 4),
                                (int)val_ll(r, i, 5), val(r, i, 6), (int)val_ll(r, i, 7),
                                strtod(PQgetvalue(r, i, 8), NULL), strtod(PQgetvalue(r, i, 9), NULL)};
        VEC_PUSH(*out, t);
    }
    int rc = r ? 0 : -1;
    PQclear(r);
    return rc;
}

static int pg_firing_table_get(store *s, long long doc_id, int seq, doc_firing_table *out, fa_err *e)
{
    memset(out, 0, sizeof *out);
    char id[32], sq[16];
    fmt_ll(id, sizeof id, doc_id);
    snprintf(sq, sizeof sq, "%d", seq);
    const char *p[] = {id, sq};
    PGresult *r = rows(s, "SELECT weapon, projectile, charge, page, page_end, columns FROM firing_tables"
                          " WHERE doc_id = $1::bigint AND seq = $2::int", 2, p, e, "reading a firing table");
    if (!r)
        return -1;
    if (!PQntuples(r)) {
        PQclear(r);
        return 0;
    }
    out->weapon = val(r, 0, 0);
    out->projectile = val(r, 0, 1);
    out->charge = val(r, 0, 2);
    out->page = (int)val_ll(r, 0, 3) - 1;
    out->page_end = (int)val_ll(r, 0, 4) - 1;
    const char *cols = PQgetvalue(r, 0, 5);
    json_value *cv = json_parse(cols, strlen(cols), e);
    PQclear(r);
    if (!cv)
        return -1;
    out->ncols = (int)cv->n;
    out->headings = xcalloc(cv->n + 1, sizeof *out->headings);
    out->keys = xcalloc(cv->n + 1, sizeof *out->keys);
    out->range_col = 0;
    for (size_t k = 0; k < cv->n; k++) {
        out->headings[k] = xstrdup(json_get_str(json_at(cv, k), "heading", ""));
        out->keys[k] = xstrdup(json_get_str(json_at(cv, k), "key", ""));
        if (!strcmp(out->keys[k], "range_m"))
            out->range_col = (int)k;
    }
    json_free(cv);
    VEC(double) vals = {0};
    r = rows(s, "SELECT vals FROM firing_table_rows WHERE doc_id = $1::bigint AND seq = $2::int ORDER BY range_m, row", 2,
             p, e, "reading a firing table");
    for (int i = 0; r && i < PQntuples(r); i++) {
        const char *t = PQgetvalue(r, i, 0);
        json_value *rv = json_parse(t, strlen(t), NULL);
        for (int k = 0; k < out->ncols; k++) {
            json_value *x = rv ? json_at(rv, (size_t)k) : NULL;
            VEC_PUSH(vals, x && x->type == JSON_NUMBER ? x->num : NAN);
        }
        json_free(rv);
        out->nrows++;
    }
    out->values = vals.v;
    int rc = r ? 1 : -1;
    PQclear(r);
    return rc;
}

const store_ops store_pg_ops = {"postgres", pg_close, pg_serial, pg_library_version, STORE_OPS_TABLE(pg)};

/* ---- store_migrate_to_pg: an SQLite library copied into PostgreSQL ---- */

/* Every column of the target table, and whether it is bytea; NULL when the table does not exist there. */
static PGresult *target_columns(store *s, const char *table, fa_err *e)
{
    const char *p[] = {table};
    return q(s, "SELECT column_name, data_type = 'bytea' FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position", 1, p, e,
             "reading the target's tables");
}

static long long pg_count(store *s, const char *table)
{
    char *sql = xasprintf("SELECT count(*) FROM \"%s\"", table);
    PGresult *r = PQexec(s->conn, sql);
    long long n = PQresultStatus(r) == PGRES_TUPLES_OK ? val_ll(r, 0, 0) : -1;
    PQclear(r);
    free(sql);
    return n;
}

static long long sqlite_count(sqlite3 *db, const char *table)
{
    char *sql = xasprintf("SELECT count(*) FROM \"%s\"", table);
    sqlite3_stmt *st;
    long long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    free(sql);
    return n;
}

/* Copies one table: the columns both sides have, by COPY; blobs as bytea hex. */
static int copy_table(store *s, sqlite3 *db, const char *table, fa_err *e)
{
    PGresult *cols = target_columns(s, table, e);
    if (!cols)
        return -1;
    strbuf list = {0}, sel = {0};
    VEC(int) is_bytea = {0};
    for (int i = 0; i < PQntuples(cols); i++) {
        const char *col = PQgetvalue(cols, i, 0);
        /* only columns the source has (asked of its schema: SQLite would read an unknown "name" as a string) */
        sqlite3_stmt *st;
        bool has = false;
        if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
            has = sqlite3_step(st) == SQLITE_ROW;
        }
        sqlite3_finalize(st);
        if (!has)
            continue;
        sb_addf(&list, "%s\"%s\"", list.len ? ", " : "", col);
        sb_addf(&sel, "%s\"%s\"", sel.len ? ", " : "", col);
        VEC_PUSH(is_bytea, PQgetvalue(cols, i, 1)[0] == 't');
    }
    PQclear(cols);
    int rc = 0;
    if (!is_bytea.n)
        goto out;
    char *sql = xasprintf("SELECT %s FROM \"%s\" ORDER BY rowid", sel.s, table);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        free(sql);
        sql = xasprintf("SELECT %s FROM \"%s\"", sel.s, table); /* a WITHOUT ROWID table */
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
            rc = fa_fail(e, "cannot read table %s of the SQLite library: %s", table, sqlite3_errmsg(db));
            free(sql);
            goto out;
        }
    }
    free(sql);
    strbuf rows = {0};
    char *target = xasprintf("\"%s\" (%s)", table, list.s);
    int step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        for (size_t k = 0; k < is_bytea.n; k++) {
            bool last = k + 1 == is_bytea.n;
            int type = sqlite3_column_type(st, (int)k);
            if (type == SQLITE_NULL) {
                copy_field(&rows, NULL, last);
            } else if (is_bytea.v[k]) {
                const unsigned char *b = sqlite3_column_blob(st, (int)k);
                int n = sqlite3_column_bytes(st, (int)k);
                sb_add(&rows, "\\\\x");
                for (int j = 0; j < n; j++)
                    sb_addf(&rows, "%02x", b[j]);
                sb_addc(&rows, last ? '\n' : '\t');
            } else {
                copy_field(&rows, (const char *)sqlite3_column_text(st, (int)k), last);
            }
        }
        if (rows.len > (8u << 20)) {
            rc = copy_in(s, target, &rows, e, "copying rows");
            sb_clear(&rows);
        }
    }
    sqlite3_finalize(st);
    if (rc == 0)
        rc = copy_in(s, target, &rows, e, "copying rows");
    if (rc != 0)
        fa_fail(e, "copying table %s: %s", table, e ? e->msg : "");
    free(target);
    sb_free(&rows);
out:
    sb_free(&list);
    sb_free(&sel);
    free(is_bytea.v);
    return rc;
}

/* The tsvector columns of rows copied without them, made with the same tokenizer as new documents'. */
static int fill_tsv(store *s, const char *table, bool weighted, fa_err *e)
{
    char *sql = xasprintf("SELECT id, %s, text FROM %s WHERE tsv IS NULL", weighted ? "coalesce(heading, '')" : "NULL",
                          table);
    PGresult *r = q(s, sql, 0, NULL, e, "indexing copied text");
    free(sql);
    if (!r)
        return -1;
    int rc = cmd(s, "CREATE TEMP TABLE fill_tsv (id BIGINT, tsv TSVECTOR, ntok INTEGER) ON COMMIT DROP", e,
                 "indexing copied text");
    strbuf rows = {0};
    for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
        int ntok;
        char *tsv = tsv_of(s, weighted ? PQgetvalue(r, i, 1) : NULL, PQgetvalue(r, i, 2), &ntok);
        sb_addf(&rows, "%s\t", PQgetvalue(r, i, 0));
        copy_field(&rows, tsv, false);
        copy_int(&rows, ntok, true);
        free(tsv);
    }
    PQclear(r);
    if (rc == 0)
        rc = copy_in(s, "fill_tsv (id, tsv, ntok)", &rows, e, "indexing copied text");
    sb_free(&rows);
    if (rc == 0) {
        sql = xasprintf("UPDATE %s t SET tsv = f.tsv, ntok = f.ntok FROM fill_tsv f WHERE t.id = f.id; DROP TABLE fill_tsv", table);
        rc = cmd(s, sql, e, "indexing copied text");
        free(sql);
    }
    return rc;
}

int store_migrate_to_pg(const char *sqlite_path, const char *url, store_table_counts *out, fa_err *e)
{
    /* The source at the latest schema first (the same migrations as any open), then read as a plain file. */
    store *src = store_sqlite_open(sqlite_path, e);
    if (!src)
        return -1;
    store_close(src);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(sqlite_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fa_fail(e, "cannot read the SQLite library %s: %s", sqlite_path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return -1;
    }
    store *s = store_pg_open(url, e);
    if (!s) {
        sqlite3_close(db);
        return -1;
    }
    int rc = 0;
    long long have = pg_count(s, "documents");
    if (have != 0)
        rc = fa_fail(e, "the PostgreSQL library %s already holds %lld documents; migrate into an empty database "
                        "(createdb a new one, or drop this one's tables)", url, have);
    /* Tables in creation order (parents before the tables that refer to them), FTS5's own tables left out:
     * PostgreSQL's tsvector columns replace them. */
    str_vec tables = {0};
    sqlite3_stmt *st;
    if (rc == 0 && sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE"
                                          " 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT IN"
                                          " (SELECT m.name || s.x FROM sqlite_master m, (SELECT '_data' AS x UNION"
                                          " SELECT '_idx' UNION SELECT '_docsize' UNION SELECT '_config' UNION"
                                          " SELECT '_content') s WHERE m.sql LIKE 'CREATE VIRTUAL TABLE%')"
                                          " ORDER BY rowid", -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW)
            VEC_PUSH(tables, xstrdup((const char *)sqlite3_column_text(st, 0)));
        sqlite3_finalize(st);
    }
    pthread_mutex_lock(&s->lock);
    if (rc == 0)
        rc = cmd(s, "BEGIN; DELETE FROM term_stats; DELETE FROM quarantine; DELETE FROM ingest_jobs", e,
                 "starting the copy");
    for (size_t i = 0; rc == 0 && i < tables.n; i++) {
        PGresult *cols = target_columns(s, tables.v[i], e);
        bool exists = cols && PQntuples(cols) > 0;
        PQclear(cols);
        if (!cols)
            rc = -1;
        else if (exists && !strcmp(tables.v[i], "vector_gen"))
            /* filled by chunk_vectors' trigger as the vectors were copied: SQLite's generations replace those */
            rc = cmd(s, "DELETE FROM vector_gen", e, "copying vector generations");
        if (rc == 0 && exists)
            rc = copy_table(s, db, tables.v[i], e);
    }
    if (rc == 0)
        rc = fill_tsv(s, "pages", false, e);
    if (rc == 0)
        rc = fill_tsv(s, "chunks", true, e);
    if (rc == 0)
        rc = cmd(s, "UPDATE library_stats SET chunks = (SELECT count(*) FROM chunks), chunk_tokens = (SELECT"
                    " coalesce(sum(ntok), 0) FROM chunks), pages = (SELECT count(*) FROM pages), page_tokens ="
                    " (SELECT coalesce(sum(ntok), 0) FROM pages)", e,
                 "counting chunks");
    /* Ids were copied as they are: each sequence continues after the largest. */
    PGresult *seqs = rc == 0 ? q(s, "SELECT table_name, column_name FROM information_schema.columns"
                                    " WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'", 0,
                                 NULL, e, "resetting sequences") : NULL;
    if (rc == 0 && !seqs)
        rc = -1;
    for (int i = 0; seqs && rc == 0 && i < PQntuples(seqs); i++) {
        char *sql = xasprintf("SELECT setval(pg_get_serial_sequence('\"%s\"', '%s'), coalesce(max(\"%s\"), 0) + 1,"
                              " false) FROM \"%s\"", PQgetvalue(seqs, i, 0), PQgetvalue(seqs, i, 1),
                              PQgetvalue(seqs, i, 1), PQgetvalue(seqs, i, 0));
        rc = cmd(s, sql, e, "resetting sequences");
        free(sql);
    }
    PQclear(seqs);
    rc = end_tx(s, rc, e);
    pthread_mutex_unlock(&s->lock);
    if (rc == 0 && s->pgvector) {
        /* the embedding column of the copied vectors: setup_pgvector fills what is missing */
        s->pgvector = false;
        rc = setup_pgvector(s, e);
    }
    for (size_t i = 0; rc == 0 && i < tables.n; i++) {
        long long target = pg_count(s, tables.v[i]);
        if (target < 0)
            continue; /* a table PostgreSQL does not have (the back end keeps that state elsewhere) */
        store_table_count c = {xstrdup(tables.v[i]), sqlite_count(db, tables.v[i]), target};
        VEC_PUSH(*out, c);
        if (c.source != c.target)
            rc = fa_fail(e, "table %s: %lld rows in SQLite but %lld in PostgreSQL after the copy", c.table, c.source,
                         c.target);
    }
    str_vec_free(&tables);
    store_close(s);
    sqlite3_close(db);
    return rc;
}
