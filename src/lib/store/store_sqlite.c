/*
 * store_sqlite.c - the SQLite store (see store.h): schema and migrations, one transaction per document,
 * FTS5 search, and access to FTS5's own tokenizer so that query terms are stemmed exactly as the index was.
 */
#include "store_ops.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/json.h"

/* The search path's statements, prepared once per handle (preparing costs as much as running them). */
enum { STMT_RANK, STMT_PHRASE_DF, STMT_EXPANSIONS, STMT_PHRASE_TERMS, STMT_DF, STMT_COUNT_CHUNKS, STMT_DATA_VERSION,
       STMT_COUNT };

/* For each row of a full-text table (index: rowid; 0 where there is no row), read once per change of the
 * library: its tokens, as FTS5's %_docsize holds them (BM25 needs a row's length, and FTS5's xColumnSize looks
 * each one up with a statement of its own: most of the cost of ranking a row), and its document (a restricted
 * ranking skips the rows of documents the reader may not see without a join to the rows' table for each). */
#define ROW_LENGTHS_MAX ((sqlite3_int64)1 << 26)
typedef struct {
    const char *table;      /* FTS5's docsize table */
    const char *rows;       /* the table whose rows it indexes (id, doc_id) */
    uint32_t *v;            /* tokens */
    uint32_t *doc;          /* document id; 0 unknown */
    size_t n;
    int version;            /* PRAGMA data_version when read; -1 stale */
    sqlite3_stmt *doc_of;   /* the document of a row not in doc (written since, or beyond ROW_LENGTHS_MAX) */
} row_lengths;

/* A ranking over more chunks than this (FAGPT_RANK_SPLIT_ROWS, for tests, overrides it) ranks the upper half of
 * their rowids on the second connection, in a thread of its own, while this one ranks the lower half: the top of
 * each half, merged, is the top of all. Below it a thread costs more than it saves. */
#define RANK_SPLIT_ROWS 100000

/* The statements of the second connection (pages_db). */
enum { PAGES_SCORE, PAGES_ID, PAGES_VERSION, PAGES_RANK_CHUNKS, PAGES_STMT_COUNT };

struct store {
    const store_ops *ops;   /* first: see store_ops.h */
    sqlite3 *db;
    pthread_mutex_t lock;
    fts5_tokenizer tokenizer;
    Fts5Tokenizer *tok;
    long long total_chunks;
    int data_version;       /* PRAGMA data_version when total_chunks was counted; -1 unknown */
    /* Of chunks_fts on db, of pages_fts on pages_db and of chunks_fts on pages_db, for fagpt_bm25. */
    row_lengths lengths[3];
    /* A second, read-only connection: store_score_pages runs on it, and a ranking over many chunks ranks half of
     * them on it in a thread of its own (a connection serves one thread at a time). */
    sqlite3 *pages_db;
    pthread_mutex_t pages_lock;
    sqlite3_stmt *pages_cache[PAGES_STMT_COUNT];
    long long doc_writes;   /* documents written, removed or relabelled through this handle (store_library_version) */
    sqlite3_stmt *cache[STMT_COUNT]; /* prepared once: the statements of the search path */
    unsigned long long serial; /* unique among the handles this process opened (store_serial) */
    size_t split_rows;      /* see RANK_SPLIT_ROWS */
    bool search_cache;      /* db's page cache is CACHE_PRAGMA's */
};

/* Each entry migrates the schema from version i to i+1; never edit a released entry, append a new one. */
static const char *migrations[] = {
    /* 1: documents, pages and chunks with their FTS5 indexes, terms, quarantine */
    "CREATE TABLE documents ("
    "  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, file_name TEXT NOT NULL, sha256 TEXT NOT NULL,"
    "  publication TEXT, title TEXT, pub_date TEXT, distribution TEXT, supersedes TEXT,"
    "  pages INTEGER NOT NULL, chunks INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'ready',"
    "  ingested_at TEXT NOT NULL, size_bytes INTEGER NOT NULL);"
    "CREATE INDEX documents_sha ON documents(sha256);"
    "CREATE TABLE pages (id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  page INTEGER NOT NULL, label TEXT, width REAL, height REAL, text TEXT NOT NULL, UNIQUE (doc_id, page));"
    "CREATE VIRTUAL TABLE pages_fts USING fts5(text, content='pages', content_rowid='id', tokenize='porter unicode61');"
    "CREATE TRIGGER pages_ai AFTER INSERT ON pages BEGIN"
    "  INSERT INTO pages_fts(rowid, text) VALUES (new.id, new.text); END;"
    "CREATE TRIGGER pages_ad AFTER DELETE ON pages BEGIN"
    "  INSERT INTO pages_fts(pages_fts, rowid, text) VALUES ('delete', old.id, old.text); END;"
    "CREATE TABLE chunks (id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL, section TEXT, heading TEXT, paragraph TEXT, page_start INTEGER NOT NULL, page_end INTEGER NOT NULL,"
    "  text TEXT NOT NULL, boxes TEXT NOT NULL);"
    "CREATE INDEX chunks_doc ON chunks(doc_id, seq);"
    "CREATE VIRTUAL TABLE chunks_fts USING fts5(heading, text, content='chunks', content_rowid='id',"
    "  tokenize='porter unicode61');"
    "CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN"
    "  INSERT INTO chunks_fts(rowid, heading, text) VALUES (new.id, new.heading, new.text); END;"
    "CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN"
    "  INSERT INTO chunks_fts(chunks_fts, rowid, heading, text) VALUES ('delete', old.id, old.heading, old.text); END;"
    "CREATE TABLE term_stats (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE terms (doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  term TEXT NOT NULL, expansion TEXT NOT NULL, page INTEGER, glossary INTEGER NOT NULL);"
    "CREATE INDEX terms_term ON terms(term);"
    "CREATE INDEX terms_expansion ON terms(lower(expansion));"
    "CREATE TABLE quarantine (path TEXT PRIMARY KEY, reason TEXT NOT NULL, at TEXT NOT NULL);",
    /* 2: embedding vectors of chunks (float32, normalised), each with the model and dimension that made it */
    "CREATE TABLE chunk_vectors (chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,"
    "  model TEXT NOT NULL, dim INTEGER NOT NULL, vec BLOB NOT NULL);"
    "CREATE INDEX chunk_vectors_model ON chunk_vectors(model, dim);",
    /* 3: glossary terms with their definitions (Section II), for `fagpt define`; cross-references (publications
     * cited, paragraphs, figures, tables), for `fagpt refs`; pub_key is a cited id as store_find_doc compares them */
    "CREATE TABLE definitions (doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  term TEXT NOT NULL, definition TEXT NOT NULL, page INTEGER NOT NULL);"
    "CREATE INDEX definitions_term ON definitions(lower(term));"
    "CREATE TABLE links (doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL, target TEXT NOT NULL, pub_key TEXT, page INTEGER NOT NULL, paragraph TEXT);"
    "CREATE INDEX links_doc ON links(doc_id, kind);"
    "CREATE INDEX links_pub ON links(pub_key);",
    /* 4: the vector index beside the vectors (search/vindex.c): a generation per vector set, bumped by every
     * insert or delete of its vectors, and the approximate index (an HNSW graph) persisted with the generation
     * it was built at, so a stale one is brought up to date, never used as is */
    "CREATE TABLE vector_gen (model TEXT NOT NULL, dim INTEGER NOT NULL, gen INTEGER NOT NULL,"
    "  PRIMARY KEY (model, dim)) WITHOUT ROWID;"
    "INSERT INTO vector_gen SELECT model, dim, count(*) FROM chunk_vectors GROUP BY model, dim;"
    "CREATE TRIGGER chunk_vectors_gen_ai AFTER INSERT ON chunk_vectors BEGIN"
    "  INSERT INTO vector_gen (model, dim, gen) VALUES (new.model, new.dim, 1)"
    "  ON CONFLICT (model, dim) DO UPDATE SET gen = gen + 1; END;"
    "CREATE TRIGGER chunk_vectors_gen_ad AFTER DELETE ON chunk_vectors BEGIN"
    "  UPDATE vector_gen SET gen = gen + 1 WHERE model = old.model AND dim = old.dim; END;"
    "CREATE TABLE vector_index (model TEXT NOT NULL, dim INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  gen INTEGER NOT NULL, count INTEGER NOT NULL, built_at TEXT NOT NULL, data BLOB NOT NULL,"
    "  PRIMARY KEY (model, dim, kind)) WITHOUT ROWID;",
    /* 5: accounts with Argon2id password hashes, sessions and API tokens stored hashed (SHA-256 of the
     * secret), an audit log, and a document access label (NULL: the default from the distribution statement) */
    "CREATE TABLE users (username TEXT PRIMARY KEY, hash TEXT NOT NULL, role TEXT NOT NULL,"
    "  labels TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL);"
    "CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES users(username)"
    "  ON DELETE CASCADE, csrf TEXT NOT NULL, expires INTEGER NOT NULL);"
    "CREATE TABLE api_tokens (id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, username TEXT NOT NULL"
    "  REFERENCES users(username) ON DELETE CASCADE, name TEXT NOT NULL, created_at TEXT NOT NULL);"
    "CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, username TEXT, action TEXT NOT NULL,"
    "  target TEXT, detail TEXT);"
    "ALTER TABLE documents ADD COLUMN label TEXT;",
    /* 6: tables found in documents, as structured cells (JSON, see doc_table_json) and as Markdown */
    "CREATE TABLE doc_tables (doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL, number TEXT, caption TEXT, page INTEGER NOT NULL, page_end INTEGER NOT NULL,"
    "  nrows INTEGER NOT NULL, ncols INTEGER NOT NULL, header_rows INTEGER NOT NULL, ruled INTEGER NOT NULL,"
    "  cells TEXT NOT NULL, markdown TEXT NOT NULL, PRIMARY KEY (doc_id, seq));",
    /* 7: captioned figures (their PNG in the data folder, the text inside them, a vision model's description);
     * chunks say what they are made of: text, a table's rows, a figure */
    "CREATE TABLE figures (doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL, number TEXT, caption TEXT NOT NULL, page INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  x0 REAL, y0 REAL, x1 REAL, y1 REAL, text TEXT, ocr INTEGER NOT NULL, description TEXT, png_path TEXT,"
    "  width INTEGER, height INTEGER, PRIMARY KEY (doc_id, seq));"
    "ALTER TABLE chunks ADD COLUMN kind TEXT NOT NULL DEFAULT 'text';",
    /* 8: superseded documents (recomputed over the whole library on every ingest and delete): the edition that
     * supersedes each, the current one at the end of the chain, and why */
    "CREATE TABLE doc_status (doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,"
    "  superseded_by INTEGER NOT NULL, current_id INTEGER NOT NULL, reason TEXT NOT NULL);",
    /* 9: tabular firing tables read from TFT pages: one row per table (weapon, projectile, charge, source pages,
     * the columns as JSON [{"heading","key"}]) and its rows (range and the row's values as a JSON array) */
    "CREATE TABLE firing_tables (doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL, weapon TEXT, projectile TEXT, charge TEXT, page INTEGER NOT NULL,"
    "  page_end INTEGER NOT NULL, columns TEXT NOT NULL, PRIMARY KEY (doc_id, seq));"
    "CREATE TABLE firing_table_rows (doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL, row INTEGER NOT NULL, range_m REAL NOT NULL, vals TEXT NOT NULL,"
    "  PRIMARY KEY (doc_id, seq, row));",
    /* 10: the ingest job queue (store.h): one row per queued file, with its worker's lease and progress */
    "CREATE TABLE ingest_jobs (id INTEGER PRIMARY KEY, path TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','running','done','failed')),"
    "  worker TEXT, lease_until TEXT, heartbeat TEXT, attempts INTEGER NOT NULL DEFAULT 0,"
    "  pages_done INTEGER NOT NULL DEFAULT 0, pages_total INTEGER NOT NULL DEFAULT 0, doc_id INTEGER, message TEXT,"
    "  created_at TEXT NOT NULL, finished_at TEXT);"
    "CREATE UNIQUE INDEX ingest_jobs_open ON ingest_jobs(path) WHERE state IN ('queued','running');",
    /* 11: the pages a document model was asked to convert (FAGPT_DOC_MODEL): why, which model, whether its
     * reading replaced the heuristic one, else why not */
    "CREATE TABLE page_conversions (doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  page INTEGER NOT NULL, reason TEXT NOT NULL, model TEXT NOT NULL, converted INTEGER NOT NULL, detail TEXT,"
    "  PRIMARY KEY (doc_id, page));",
};

/* FTS5 rejects some MATCH strings (a lone quote, a bare operator); the caller built it, so say which. */
static int fts_fail(store *s, fa_err *e, const char *match)
{
    return fa_fail(e, "the search index could not run the query %s: %s", match, sqlite3_errmsg(s->db));
}

static int db_fail(store *s, fa_err *e, const char *what)
{
    return fa_fail(e, "database error while %s: %s", what, sqlite3_errmsg(s->db));
}

static int exec(store *s, const char *sql, fa_err *e)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fa_fail(e, "database error: %s", msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int recompute_status(store *s, fa_err *e);

static int migrate(store *s, fa_err *e)
{
    if (exec(s, "BEGIN IMMEDIATE", e) != 0)
        return -1;
    sqlite3_stmt *st;
    int version = 0;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            version = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    int latest = (int)(sizeof migrations / sizeof migrations[0]);
    if (version > latest) {
        exec(s, "ROLLBACK", NULL);
        return fa_fail(e, "the library was written by a newer FA-GPT (schema %d, this one knows %d); upgrade FA-GPT",
                       version, latest);
    }
    for (int v = version; v < latest; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (exec(s, migrations[v], e) != 0 || exec(s, pragma, e) != 0) {
            exec(s, "ROLLBACK", NULL);
            return -1;
        }
    }
    /* A library from before the status table gets its status now. */
    if (version < latest && version > 0 && recompute_status(s, e) != 0) {
        exec(s, "ROLLBACK", NULL);
        return -1;
    }
    return exec(s, "COMMIT", e);
}

static fts5_api *fts5_api_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
        sqlite3_finalize(st);
    }
    return api;
}

/*
 * fagpt_bm25_chunks(chunks_fts, weights, allowed, w0, w1, ...), fagpt_bm25_pages(pages_fts, ...): the BM25 of
 * store_rank_query (store.h) for the current row. weights is a blob of one double per phrase of the MATCH
 * expression (a phrase that only selects rows weighs 0); allowed, when not NULL, a blob of the document ids a
 * restricted query may return (int64, ascending): the other rows score NULL, which sorts after every score;
 * w0, w1... weigh an occurrence in each column. FTS5's own bm25() counts every phrase's rows to find its idf,
 * which walks the whole doclist of a common word; here the caller supplies the weights, so a row costs only its
 * own position lists. The average length comes from FTS5's totals, as in its bm25(), and the row's length from
 * row_lengths.
 */
typedef struct {
    int nphrase;
    double avgdl, *weight, *freq, column[4]; /* column weights (at most 4 columns; more weigh 1) */
    sqlite3_int64 *allowed;
    size_t nallowed;
    bool restricted;
} bm25_data;

static bool doc_allowed(const bm25_data *d, sqlite3_int64 doc)
{
    size_t lo = 0, hi = d->nallowed;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->allowed[mid] == doc)
            return true;
        if (d->allowed[mid] < doc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* The document of a row that the lengths do not know, from its table (0 when it has none). The statement runs
 * on the connection that is ranking (an FTS5 auxiliary function may run statements of its own). */
static sqlite3_int64 row_document(row_lengths *len, sqlite3_int64 row)
{
    if (!len->doc_of)
        return 0;
    sqlite3_bind_int64(len->doc_of, 1, row);
    sqlite3_int64 doc = sqlite3_step(len->doc_of) == SQLITE_ROW ? sqlite3_column_int64(len->doc_of, 0) : 0;
    sqlite3_reset(len->doc_of);
    return doc;
}

static void fts_bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                     sqlite3_value **val)
{
    const double k1 = 1.2, b = 0.75;
    bm25_data *d = api->xGetAuxdata(fts, 0);
    if (!d) {
        int n = api->xPhraseCount(fts);
        bool restricted = nval > 1 && sqlite3_value_type(val[1]) != SQLITE_NULL;
        size_t nallowed = restricted ? (size_t)sqlite3_value_bytes(val[1]) / sizeof(sqlite3_int64) : 0;
        d = sqlite3_malloc64(sizeof *d + 2 * (size_t)(n ? n : 1) * sizeof(double) +
                             nallowed * sizeof(sqlite3_int64));
        if (!d) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        d->nphrase = n;
        d->weight = (double *)(d + 1);
        d->freq = d->weight + (n ? n : 1);
        memset(d->weight, 0, (size_t)(n ? n : 1) * sizeof(double));
        int bytes = nval > 0 ? sqlite3_value_bytes(val[0]) : 0;
        const void *blob = nval > 0 ? sqlite3_value_blob(val[0]) : NULL;
        size_t nw = blob ? (size_t)bytes / sizeof(double) : 0;
        memcpy(d->weight, blob ? blob : d->weight, (nw < (size_t)n ? nw : (size_t)n) * sizeof(double));
        d->restricted = restricted;
        d->nallowed = nallowed;
        d->allowed = (sqlite3_int64 *)(d->freq + (n ? n : 1));
        if (nallowed)
            memcpy(d->allowed, sqlite3_value_blob(val[1]), nallowed * sizeof(sqlite3_int64));
        sqlite3_int64 rows = 0, tokens = 0;
        api->xRowCount(fts, &rows);
        api->xColumnTotalSize(fts, -1, &tokens);
        d->avgdl = rows > 0 && tokens > 0 ? (double)tokens / (double)rows : 1;
        for (int c = 0; c < 4; c++)
            d->column[c] = c + 2 < nval ? sqlite3_value_double(val[c + 2]) : 1.0;
        if (api->xSetAuxdata(fts, d, sqlite3_free) != SQLITE_OK) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
    }
    row_lengths *len = api->xUserData(fts);
    sqlite3_int64 row = api->xRowid(fts);
    bool known = row >= 0 && (size_t)row < len->n && len->doc[row];
    if (d->restricted && !doc_allowed(d, known ? len->doc[row] : row_document(len, row))) {
        sqlite3_result_null(ctx);
        return;
    }
    /* Each weighed phrase's occurrences, one phrase at a time (xInstCount would merge them all by position). */
    for (int i = 0; i < d->nphrase; i++) {
        d->freq[i] = 0;
        if (d->weight[i] == 0)
            continue;
        Fts5PhraseIter it;
        int col = -1, off = 0;
        if (api->xPhraseFirst(fts, i, &it, &col, &off) != SQLITE_OK) {
            sqlite3_result_error(ctx, "cannot read the row's positions", -1);
            return;
        }
        for (; col >= 0; api->xPhraseNext(fts, &it, &col, &off))
            d->freq[i] += col < 4 ? d->column[col] : 1.0;
    }
    int ntok = known ? (int)len->v[row] : 0;
    if (ntok == 0)
        api->xColumnSize(fts, -1, &ntok);
    double norm = k1 * (1 - b + b * (double)ntok / d->avgdl), score = 0;
    for (int i = 0; i < d->nphrase; i++)
        if (d->freq[i] > 0)
            score += d->weight[i] * d->freq[i] * (k1 + 1) / (d->freq[i] + norm);
    sqlite3_result_double(ctx, score);
}

static void sqlite_close(store *s);

/* The page cache of a connection that searches: a search reads the same pages of the full-text index over and
 * over, and with SQLite's default of 2 MB a library of the corpus's size (9 MB) was read from the file again at
 * each search (a third off search time at the corpus's size). The memory is taken as pages are read, up to
 * this; the main connection takes it at its first search, so that ingest keeps the default (and its memory). */
#define CACHE_PRAGMA "PRAGMA cache_size = -32768;" /* KiB */

store *store_sqlite_open(const char *db_path, fa_err *e)
{
    store *s = xcalloc(1, sizeof *s);
    s->ops = &store_sqlite_ops;
    s->serial = store_next_serial();
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->pages_lock, NULL);
    s->data_version = -1;
    s->lengths[0] = (row_lengths){"chunks_fts_docsize", "chunks", NULL, NULL, 0, -1, NULL};
    s->lengths[1] = (row_lengths){"pages_fts_docsize", "pages", NULL, NULL, 0, -1, NULL};
    s->lengths[2] = (row_lengths){"chunks_fts_docsize", "chunks", NULL, NULL, 0, -1, NULL};
    const char *split = getenv("FAGPT_RANK_SPLIT_ROWS");
    s->split_rows = split && atol(split) > 0 ? (size_t)atol(split) : RANK_SPLIT_ROWS;
    if (sqlite3_open_v2(db_path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) !=
        SQLITE_OK) {
        fa_fail(e, "cannot open the library database %s: %s", db_path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        sqlite_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 15000);
    if (exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", e) != 0 ||
        migrate(s, e) != 0) {
        sqlite_close(s);
        return NULL;
    }
    fts5_api *api = fts5_api_of(s->db);
    void *ud = NULL;
    const char *args[] = {"unicode61"};
    if (!api || api->xFindTokenizer(api, "porter", &ud, &s->tokenizer) != SQLITE_OK ||
        s->tokenizer.xCreate(ud, args, 1, &s->tok) != SQLITE_OK) {
        fa_fail(e, "this SQLite has no FTS5 porter tokenizer; install Debian's libsqlite3-0");
        sqlite_close(s);
        return NULL;
    }
    if (api->xCreateFunction(api, "fagpt_bm25_chunks", &s->lengths[0], fts_bm25, NULL) != SQLITE_OK) {
        fa_fail(e, "cannot add the ranking function to SQLite's FTS5: %s", sqlite3_errmsg(s->db));
        sqlite_close(s);
        return NULL;
    }
    fts5_api *papi = NULL;
    if (sqlite3_open_v2(db_path, &s->pages_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK ||
        !(papi = fts5_api_of(s->pages_db)) ||
        papi->xCreateFunction(papi, "fagpt_bm25_pages", &s->lengths[1], fts_bm25, NULL) != SQLITE_OK ||
        papi->xCreateFunction(papi, "fagpt_bm25_chunks", &s->lengths[2], fts_bm25, NULL) != SQLITE_OK) {
        fa_fail(e, "cannot open the library database %s for reading: %s", db_path,
                s->pages_db ? sqlite3_errmsg(s->pages_db) : "out of memory");
        sqlite_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->pages_db, 15000);
    sqlite3_exec(s->pages_db, CACHE_PRAGMA, NULL, NULL, NULL);
    return s;
}

/* A cached statement, reset and ready for new bindings; NULL (with the error in e) when it cannot be prepared.
 * Callers hold s->lock while they use it. */
static sqlite3_stmt *prepared(sqlite3 *db, sqlite3_stmt **slot, const char *sql, fa_err *e)
{
    sqlite3_stmt *st = *slot;
    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return st;
    }
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        fa_fail(e, "database error: %s", sqlite3_errmsg(db));
        return NULL;
    }
    *slot = st;
    return st;
}

static sqlite3_stmt *cached(store *s, int slot, const char *sql, fa_err *e)
{
    return prepared(s->db, &s->cache[slot], sql, e);
}

static void sqlite_close(store *s)
{
    if (!s)
        return;
    for (int i = 0; i < STMT_COUNT; i++)
        sqlite3_finalize(s->cache[i]);
    for (int i = 0; i < PAGES_STMT_COUNT; i++)
        sqlite3_finalize(s->pages_cache[i]);
    for (int i = 0; i < 3; i++) {
        free(s->lengths[i].v);
        free(s->lengths[i].doc);
        sqlite3_finalize(s->lengths[i].doc_of);
    }
    sqlite3_close(s->pages_db);
    pthread_mutex_destroy(&s->pages_lock);
    if (s->tok)
        s->tokenizer.xDelete(s->tok);
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static char *col_str(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrdup((const char *)t) : NULL;
}

static void bind_str(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* A publication id as compared across documents: "ADP 3-19" = "adp_3-19" = "ADP3-19". */
#define PUB_KEY(x) "replace(replace(lower(" x "),' ',''),'_','')"
#define DOC_COLUMNS "id, path, file_name, sha256, publication, title, pub_date, distribution, supersedes, " \
                    "pages, chunks, status, ingested_at, size_bytes, label, " \
                    "(SELECT superseded_by FROM doc_status WHERE doc_id = documents.id), " \
                    "(SELECT current_id FROM doc_status WHERE doc_id = documents.id), " \
                    "(SELECT x.publication FROM doc_status t JOIN documents x ON x.id = t.superseded_by " \
                    " WHERE t.doc_id = documents.id), " \
                    "(SELECT x.pub_date FROM doc_status t JOIN documents x ON x.id = t.superseded_by " \
                    " WHERE t.doc_id = documents.id), " \
                    "(SELECT reason FROM doc_status WHERE doc_id = documents.id)"

static void read_doc(sqlite3_stmt *st, store_doc *d)
{
    d->id = sqlite3_column_int64(st, 0);
    d->path = col_str(st, 1);
    d->file_name = col_str(st, 2);
    d->sha256 = col_str(st, 3);
    d->publication = col_str(st, 4);
    d->title = col_str(st, 5);
    d->date = col_str(st, 6);
    d->distribution = col_str(st, 7);
    d->supersedes = col_str(st, 8);
    d->pages = sqlite3_column_int(st, 9);
    d->chunks = sqlite3_column_int(st, 10);
    d->status = col_str(st, 11);
    d->ingested_at = col_str(st, 12);
    d->size_bytes = sqlite3_column_int64(st, 13);
    d->label = col_str(st, 14);
    if (!d->label)
        d->label = store_default_label(d->distribution);
    d->superseded_by = sqlite3_column_int64(st, 15);
    d->current_id = sqlite3_column_int64(st, 16);
    d->superseded_by_pub = col_str(st, 17);
    d->superseded_by_date = col_str(st, 18);
    d->superseded_reason = col_str(st, 19);
}

static int find_one(store *s, const char *sql, const char *arg, store_doc *out, fa_err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "looking up a document");
    bind_str(st, 1, arg);
    int rc = sqlite3_step(st);
    int found = 0;
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        read_doc(st, out);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = db_fail(s, e, "looking up a document");
    }
    sqlite3_finalize(st);
    return found;
}

static int sqlite_find_by_sha(store *s, const char *sha256, store_doc *out, fa_err *e)
{
    return find_one(s, "SELECT " DOC_COLUMNS " FROM documents WHERE sha256 = ?1 LIMIT 1", sha256, out, e);
}

static int sqlite_find_doc(store *s, const char *ref, store_doc *out, fa_err *e)
{
    char *end;
    long long id = strtoll(ref, &end, 10);
    if (*ref && !*end) {
        char num[32];
        snprintf(num, sizeof num, "%lld", id);
        int rc = find_one(s, "SELECT " DOC_COLUMNS " FROM documents WHERE id = ?1", num, out, e);
        if (rc != 0)
            return rc;
    }
    int rc = find_one(s, "SELECT " DOC_COLUMNS " FROM documents WHERE file_name = ?1 OR path = ?1 ORDER BY id LIMIT 1",
                      ref, out, e);
    if (rc != 0)
        return rc;
    /* Publication ids compare without case, spaces, underscores or dashes: "adp 3-19" = "ADP_3-19". */
    return find_one(s, "SELECT " DOC_COLUMNS " FROM documents WHERE "
                       "replace(replace(lower(publication),' ',''),'_','') = replace(replace(lower(?1),' ',''),'_','') "
                       "ORDER BY pub_date DESC, id DESC LIMIT 1", ref, out, e);
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

static int run_with_id(store *s, const char *sql, long long id, fa_err *e, const char *what)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, what);
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, e, what);
}

/* Document frequencies (chunks holding each stemmed term), kept in term_stats so that a term's idf is one
 * B-tree lookup; FTS5's own vocabulary table would walk the term's whole doclist. A small open-addressing map
 * counts one document's chunks per term; `seen` marks the terms already counted for the current chunk. */
typedef struct {
    char **keys;
    int *count, *seen;
    size_t cap, n;
    int chunk;
} term_counts;

static size_t hash_str(const char *s, size_t n)
{
    size_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static void counts_grow(term_counts *t)
{
    term_counts old = *t;
    t->cap = old.cap ? old.cap * 2 : 1024;
    t->keys = xcalloc(t->cap, sizeof *t->keys);
    t->count = xcalloc(t->cap, sizeof *t->count);
    t->seen = xcalloc(t->cap, sizeof *t->seen);
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i]) {
            size_t j = hash_str(old.keys[i], strlen(old.keys[i])) & (t->cap - 1);
            while (t->keys[j])
                j = (j + 1) & (t->cap - 1);
            t->keys[j] = old.keys[i];
            t->count[j] = old.count[i];
            t->seen[j] = old.seen[i];
        }
    free(old.keys);
    free(old.count);
    free(old.seen);
}

static void count_token(const char *tok, int len, void *arg)
{
    term_counts *t = arg;
    if (2 * (t->n + 1) > t->cap)
        counts_grow(t);
    size_t j = hash_str(tok, (size_t)len) & (t->cap - 1);
    while (t->keys[j] && (strlen(t->keys[j]) != (size_t)len || memcmp(t->keys[j], tok, (size_t)len) != 0))
        j = (j + 1) & (t->cap - 1);
    if (!t->keys[j]) {
        t->keys[j] = xstrndup(tok, (size_t)len);
        t->n++;
        t->seen[j] = -1;
    }
    if (t->seen[j] != t->chunk) {
        t->seen[j] = t->chunk;
        t->count[j]++;
    }
}

/* Adds (sign +1) or removes (-1) the document's chunks from term_stats. Called inside the document's
 * transaction, after its chunks are written or before they are deleted. */
static int adjust_term_stats(store *s, long long doc_id, int sign, fa_err *e)
{
    sqlite3_stmt *st;
    term_counts t = {0};
    counts_grow(&t);
    if (sqlite3_prepare_v2(s->db, "SELECT coalesce(heading, '') || ' ' || text FROM chunks WHERE doc_id = ?1", -1,
                           &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "counting terms");
    sqlite3_bind_int64(st, 1, doc_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        s->tokenizer.xTokenize(s->tok, &(token_cb){count_token, &t}, FTS5_TOKENIZE_DOCUMENT, text ? text : "",
                               text ? (int)strlen(text) : 0, on_token);
        t.chunk++;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE &&
        sqlite3_prepare_v2(s->db, "INSERT INTO term_stats (term, df) VALUES (?1, ?2) ON CONFLICT (term) "
                                  "DO UPDATE SET df = df + excluded.df", -1, &st, NULL) == SQLITE_OK) {
        for (size_t i = 0; i < t.cap && rc == SQLITE_DONE; i++) {
            if (!t.keys[i])
                continue;
            sqlite3_bind_text(st, 1, t.keys[i], -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, sign * t.count[i]);
            rc = sqlite3_step(st);
            sqlite3_reset(st);
        }
        sqlite3_finalize(st);
    }
    for (size_t i = 0; i < t.cap; i++)
        free(t.keys[i]);
    free(t.keys);
    free(t.count);
    free(t.seen);
    if (rc != SQLITE_DONE)
        return db_fail(s, e, "counting terms");
    if (sign < 0)
        return exec(s, "DELETE FROM term_stats WHERE df <= 0", e);
    return 0;
}

/* Which documents are superseded, over the whole library (doc_supersession); called inside the transaction of
 * every ingest and delete, so the status never lags the library. */
static int recompute_status(store *s, fa_err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT id, publication, pub_date, supersedes FROM documents ORDER BY id", -1, &st,
                           NULL) != SQLITE_OK)
        return db_fail(s, e, "working out superseded documents");
    VEC(long long) ids = {0};
    str_vec pubs = {0}, dates = {0}, sups = {0};
    while (sqlite3_step(st) == SQLITE_ROW) {
        VEC_PUSH(ids, sqlite3_column_int64(st, 0));
        VEC_PUSH(pubs, col_str(st, 1));
        VEC_PUSH(dates, col_str(st, 2));
        VEC_PUSH(sups, col_str(st, 3));
    }
    sqlite3_finalize(st);
    size_t n = ids.n;
    doc_edition *ed = xcalloc(n ? n : 1, sizeof *ed);
    int *by = xcalloc(n ? n : 1, sizeof *by);
    const char **why = xcalloc(n ? n : 1, sizeof *why);
    for (size_t i = 0; i < n; i++)
        ed[i] = (doc_edition){pubs.v[i], dates.v[i], sups.v[i]};
    doc_supersession(ed, n, by, why);
    int rc = exec(s, "DELETE FROM doc_status", e);
    st = NULL;
    if (rc == 0 && sqlite3_prepare_v2(s->db, "INSERT INTO doc_status (doc_id, superseded_by, current_id, reason)"
                                             " VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL) != SQLITE_OK)
        rc = db_fail(s, e, "recording superseded documents");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (by[i] < 0)
            continue;
        int cur = by[i];
        for (size_t hops = 0; by[cur] >= 0 && by[cur] != (int)i && hops < n; hops++)
            cur = by[cur];
        sqlite3_bind_int64(st, 1, ids.v[i]);
        sqlite3_bind_int64(st, 2, ids.v[by[i]]);
        sqlite3_bind_int64(st, 3, ids.v[cur]);
        bind_str(st, 4, why[i]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_fail(s, e, "recording superseded documents");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    free(ed);
    free(by);
    free(why);
    free(ids.v);
    str_vec_free(&pubs);
    str_vec_free(&dates);
    str_vec_free(&sups);
    return rc;
}

static int sqlite_superseded_ids(store *s, store_ids *out, fa_err *e)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_prepare_v2(s->db, "SELECT doc_id FROM doc_status ORDER BY doc_id", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            VEC_PUSH(*out, sqlite3_column_int64(st, 0));
        sqlite3_finalize(st);
    }
    rc = rc == SQLITE_DONE ? 0 : db_fail(s, e, "reading superseded documents");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static void json_num_or_null(strbuf *b, double v)
{
    if (isnan(v) || isinf(v))
        sb_add(b, "null");
    else
        sb_addf(b, "%.17g", v);
}

/* The document's firing tables and their rows (migration 9). */
static int put_firing_tables(store *s, long long doc_id, const doc_document *d, fa_err *e)
{
    sqlite3_stmt *st = NULL, *rs = NULL;
    int rc = SQLITE_DONE;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO firing_tables (doc_id, seq, weapon, projectile, charge, page, page_end,"
                           " columns) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "INSERT INTO firing_table_rows (doc_id, seq, row, range_m, vals) VALUES (?1,?2,?3,"
                           "?4,?5)", -1, &rs, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return db_fail(s, e, "adding firing tables");
    }
    for (size_t i = 0; i < d->firing_tables.n && rc == SQLITE_DONE; i++) {
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
        sqlite3_bind_int64(st, 1, doc_id);
        sqlite3_bind_int(st, 2, (int)i + 1);
        bind_str(st, 3, t->weapon);
        bind_str(st, 4, t->projectile);
        bind_str(st, 5, t->charge);
        sqlite3_bind_int(st, 6, t->page + 1);
        sqlite3_bind_int(st, 7, t->page_end + 1);
        bind_str(st, 8, cols.s);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        sb_free(&cols);
        for (int r = 0; r < t->nrows && rc == SQLITE_DONE; r++) {
            const double *v = t->values + (size_t)r * (size_t)t->ncols;
            strbuf vals = {0};
            sb_addc(&vals, '[');
            for (int k = 0; k < t->ncols; k++) {
                if (k)
                    sb_addc(&vals, ',');
                json_num_or_null(&vals, v[k]);
            }
            sb_addc(&vals, ']');
            sqlite3_bind_int64(rs, 1, doc_id);
            sqlite3_bind_int(rs, 2, (int)i + 1);
            sqlite3_bind_int(rs, 3, r);
            sqlite3_bind_double(rs, 4, v[t->range_col]);
            bind_str(rs, 5, vals.s);
            rc = sqlite3_step(rs);
            sqlite3_reset(rs);
            sb_free(&vals);
        }
    }
    sqlite3_finalize(st);
    sqlite3_finalize(rs);
    return rc == SQLITE_DONE ? 0 : db_fail(s, e, "adding firing tables");
}

static int put_locked(store *s, store_doc *rec, const doc_document *d, const doc_chunks *chunks, fa_err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id FROM documents WHERE path = ?1", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "replacing the old version");
    bind_str(st, 1, rec->path);
    long long old_id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    char *old_label = NULL; /* a label an admin set stays on the new version of the file */
    if (old_id && sqlite3_prepare_v2(s->db, "SELECT label FROM documents WHERE id = ?1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, old_id);
        if (sqlite3_step(st) == SQLITE_ROW)
            old_label = col_str(st, 0);
        sqlite3_finalize(st);
    }
    if (old_id && (adjust_term_stats(s, old_id, -1, e) != 0 ||
                   run_with_id(s, "DELETE FROM chunks WHERE doc_id = ?1", old_id, e, "replacing the old version") != 0 ||
                   run_with_id(s, "DELETE FROM documents WHERE id = ?1", old_id, e, "replacing the old version") != 0)) {
        free(old_label);
        return -1;
    }
    int rc;

    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO documents (path, file_name, sha256, publication, title, pub_date, distribution,"
                           " supersedes, pages, chunks, status, ingested_at, size_bytes, label) VALUES (?1,?2,?3,?4,?5,"
                           "?6,?7,?8,?9,?10,'ready',strftime('%Y-%m-%dT%H:%M:%SZ','now'),?11,?12)",
                           -1, &st, NULL) != SQLITE_OK) {
        free(old_label);
        return db_fail(s, e, "adding the document");
    }
    bind_str(st, 1, rec->path);
    bind_str(st, 2, rec->file_name);
    bind_str(st, 3, rec->sha256);
    bind_str(st, 4, d->meta.publication);
    bind_str(st, 5, d->meta.title);
    bind_str(st, 6, d->meta.date);
    bind_str(st, 7, d->meta.distribution);
    bind_str(st, 8, d->meta.supersedes);
    sqlite3_bind_int(st, 9, d->npages);
    sqlite3_bind_int(st, 10, (int)chunks->n);
    sqlite3_bind_int64(st, 11, rec->size_bytes);
    bind_str(st, 12, old_label);
    free(old_label);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, e, "adding the document");
    rec->id = sqlite3_last_insert_rowid(s->db);

    if (sqlite3_prepare_v2(s->db, "INSERT INTO pages (doc_id, page, label, width, height, text) VALUES (?1,?2,?3,?4,?5,?6)", -1,
                           &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "adding pages");
    for (int i = 0; i < d->npages && rc == SQLITE_DONE; i++) {
        sqlite3_bind_int64(st, 1, rec->id);
        sqlite3_bind_int(st, 2, i + 1);
        bind_str(st, 3, d->pages[i].label);
        sqlite3_bind_double(st, 4, d->pages[i].width);
        sqlite3_bind_double(st, 5, d->pages[i].height);
        strbuf text = {0};
        for (size_t k = 0; k < d->pages[i].nlines; k++)
            if (!d->pages[i].lines[k].dropped)
                sb_addf(&text, "%s%s", text.len ? "\n" : "", d->pages[i].lines[k].text);
        sqlite3_bind_text(st, 6, text.s ? text.s : "", -1, SQLITE_TRANSIENT);
        sb_free(&text);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, e, "adding pages");

    if (sqlite3_prepare_v2(s->db, "INSERT INTO chunks (doc_id, seq, section, heading, paragraph, page_start, page_end, text,"
                                  " boxes, kind) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "adding chunks");
    for (size_t i = 0; i < chunks->n && rc == SQLITE_DONE; i++) {
        const doc_chunk *c = &chunks->v[i];
        char *boxes = boxes_json(c);
        sqlite3_bind_int64(st, 1, rec->id);
        sqlite3_bind_int(st, 2, (int)i);
        /* The index weighs the nearest heading, not the whole path: a chapter's name is in every chunk of it. */
        const char *heading = c->section ? strrchr(c->section, '>') : NULL;
        heading = heading ? heading + 2 : c->section;
        bind_str(st, 3, c->section);
        bind_str(st, 4, heading);
        bind_str(st, 5, c->paragraph);
        sqlite3_bind_int(st, 6, c->page_start + 1);
        sqlite3_bind_int(st, 7, c->page_end + 1);
        bind_str(st, 8, c->text);
        bind_str(st, 9, boxes);
        bind_str(st, 10, c->kind ? c->kind : "text");
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        free(boxes);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, e, "adding chunks");
    if (adjust_term_stats(s, rec->id, +1, e) != 0)
        return -1;

    if (sqlite3_prepare_v2(s->db, "INSERT INTO terms (doc_id, term, expansion, page, glossary) VALUES (?1,?2,?3,?4,?5)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "adding terms");
    for (size_t i = 0; i < d->terms.n && rc == SQLITE_DONE; i++) {
        sqlite3_bind_int64(st, 1, rec->id);
        bind_str(st, 2, d->terms.v[i].term);
        bind_str(st, 3, d->terms.v[i].expansion);
        sqlite3_bind_int(st, 4, d->terms.v[i].page + 1);
        sqlite3_bind_int(st, 5, d->terms.v[i].glossary);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, e, "adding terms");

    if (sqlite3_prepare_v2(s->db, "INSERT INTO definitions (doc_id, term, definition, page) VALUES (?1,?2,?3,?4)", -1,
                           &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "adding definitions");
    for (size_t i = 0; i < d->definitions.n && rc == SQLITE_DONE; i++) {
        sqlite3_bind_int64(st, 1, rec->id);
        bind_str(st, 2, d->definitions.v[i].term);
        bind_str(st, 3, d->definitions.v[i].definition);
        sqlite3_bind_int(st, 4, d->definitions.v[i].page + 1);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, e, "adding definitions");

    if (sqlite3_prepare_v2(s->db, "INSERT INTO links (doc_id, kind, target, pub_key, page, paragraph) VALUES (?1,?2,?3,"
                           " CASE WHEN ?2 = 'publication' THEN " PUB_KEY("?3") " END, ?4, ?5)", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "adding cross-references");
    static const char *const ref_kind[] = {"publication", "paragraph", "figure", "table"};
    for (size_t i = 0; i < d->refs.n && rc == SQLITE_DONE; i++) {
        sqlite3_bind_int64(st, 1, rec->id);
        bind_str(st, 2, ref_kind[d->refs.v[i].kind]);
        bind_str(st, 3, d->refs.v[i].target);
        sqlite3_bind_int(st, 4, d->refs.v[i].page + 1);
        bind_str(st, 5, d->refs.v[i].paragraph);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, e, "adding cross-references");

    if (sqlite3_prepare_v2(s->db, "INSERT INTO doc_tables (doc_id, seq, number, caption, page, page_end, nrows, ncols,"
                           " header_rows, ruled, cells, markdown) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)", -1,
                           &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "adding tables");
    for (size_t i = 0; i < d->tables.n && rc == SQLITE_DONE; i++) {
        const doc_table *t = &d->tables.v[i];
        char *cells = doc_table_json(t), *md = doc_table_markdown(t);
        sqlite3_bind_int64(st, 1, rec->id);
        sqlite3_bind_int(st, 2, (int)i + 1);
        bind_str(st, 3, t->number);
        bind_str(st, 4, t->caption);
        sqlite3_bind_int(st, 5, t->page + 1);
        sqlite3_bind_int(st, 6, t->page_end + 1);
        sqlite3_bind_int(st, 7, t->nrows);
        sqlite3_bind_int(st, 8, t->ncols);
        sqlite3_bind_int(st, 9, t->header_rows);
        sqlite3_bind_int(st, 10, t->ruled);
        bind_str(st, 11, cells);
        bind_str(st, 12, md);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        free(cells);
        free(md);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, e, "adding tables");

    if (sqlite3_prepare_v2(s->db, "INSERT INTO figures (doc_id, seq, number, caption, page, kind, x0, y0, x1, y1, text, ocr,"
                           " description, png_path, width, height) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,"
                           "?14,?15,?16)", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "adding figures");
    for (size_t i = 0; i < d->figures.n && rc == SQLITE_DONE; i++) {
        const doc_figure *f = &d->figures.v[i];
        sqlite3_bind_int64(st, 1, rec->id);
        sqlite3_bind_int(st, 2, (int)i + 1);
        bind_str(st, 3, f->number);
        bind_str(st, 4, f->caption);
        sqlite3_bind_int(st, 5, f->page + 1);
        bind_str(st, 6, f->kind);
        sqlite3_bind_double(st, 7, f->box.x0);
        sqlite3_bind_double(st, 8, f->box.y0);
        sqlite3_bind_double(st, 9, f->box.x1);
        sqlite3_bind_double(st, 10, f->box.y1);
        bind_str(st, 11, f->text);
        sqlite3_bind_int(st, 12, f->ocr);
        bind_str(st, 13, f->description);
        bind_str(st, 14, rec->figure_paths && i < rec->nfigure_paths ? rec->figure_paths[i] : NULL);
        sqlite3_bind_int(st, 15, f->png_w);
        sqlite3_bind_int(st, 16, f->png_h);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, e, "adding figures");

    if (sqlite3_prepare_v2(s->db, "INSERT INTO page_conversions (doc_id, page, reason, model, converted, detail)"
                           " VALUES (?1,?2,?3,?4,?5,?6)", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "adding page conversions");
    for (int i = 0; i < d->npages && rc == SQLITE_DONE; i++) {
        const doc_page *pg = &d->pages[i];
        if (!pg->hard || !pg->convert_model)
            continue;
        sqlite3_bind_int64(st, 1, rec->id);
        sqlite3_bind_int(st, 2, i + 1);
        bind_str(st, 3, pg->hard);
        bind_str(st, 4, pg->convert_model);
        sqlite3_bind_int(st, 5, pg->converted);
        bind_str(st, 6, pg->convert_error);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, e, "adding page conversions");

    if (put_firing_tables(s, rec->id, d, e) != 0 || recompute_status(s, e) != 0)
        return -1;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM quarantine WHERE path = ?1", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "updating the quarantine");
    bind_str(st, 1, rec->path);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, e, "updating the quarantine");
}

static int sqlite_put_document(store *s, store_doc *rec, const doc_document *d, const doc_chunks *chunks, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    int rc = exec(s, "BEGIN IMMEDIATE", e);
    if (rc == 0) {
        rc = put_locked(s, rec, d, chunks, e);
        if (rc == 0)
            rc = exec(s, "COMMIT", e);
        if (rc != 0)
            exec(s, "ROLLBACK", NULL);
    }
    s->data_version = s->lengths[0].version = -1;
    s->doc_writes++;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_delete_document(store *s, long long id, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    int rc = exec(s, "BEGIN IMMEDIATE", e);
    if (rc == 0) {
        /* Term counts, then chunks row by row, so that the trigger removes each from the full-text index. */
        rc = adjust_term_stats(s, id, -1, e);
        if (rc == 0)
            rc = run_with_id(s, "DELETE FROM chunks WHERE doc_id = ?1", id, e, "removing chunks");
        if (rc == 0)
            rc = run_with_id(s, "DELETE FROM documents WHERE id = ?1", id, e, "removing the document");
        if (rc == 0)
            rc = recompute_status(s, e);
        rc = rc == 0 ? exec(s, "COMMIT", e) : (exec(s, "ROLLBACK", NULL), -1);
    }
    s->data_version = s->lengths[0].version = -1;
    s->doc_writes++;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_list_documents(store *s, store_docs *out, fa_err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT " DOC_COLUMNS " FROM documents ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "listing documents");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_doc d = {0};
        read_doc(st, &d);
        VEC_PUSH(*out, d);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, e, "listing documents");
}

static int sqlite_quarantine_add(store *s, const char *path, const char *reason, fa_err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO quarantine (path, reason, at) VALUES "
                                  "(?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'))", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "recording a failed file");
    bind_str(st, 1, path);
    bind_str(st, 2, reason);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, e, "recording a failed file");
}

static int sqlite_quarantine_remove(store *s, const char *path, fa_err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM quarantine WHERE path = ?1", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "updating the quarantine");
    bind_str(st, 1, path);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, e, "updating the quarantine");
}

static int sqlite_quarantine_list_all(store *s, store_quarantine_list *out, fa_err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT path, reason, at FROM quarantine ORDER BY path", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "listing the quarantine");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_quarantined q = {col_str(st, 0), col_str(st, 1), col_str(st, 2)};
        VEC_PUSH(*out, q);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, e, "listing the quarantine");
}

/* Appends `"phrase"` to an FTS5 expression, with its quotes doubled as FTS5 wants. */
static void fts_phrase(strbuf *b, const char *phrase, const char *sep)
{
    if (b->len && b->s[b->len - 1] != '(')
        sb_add(b, sep);
    sb_addc(b, '"');
    for (const char *p = phrase; *p; p++) {
        if (*p == '"')
            sb_addc(b, '"');
        sb_addc(b, *p);
    }
    sb_addc(b, '"');
}

/* The MATCH expression of a ranked query and the weight of each of its phrases: the required terms first (they
 * select the rows and weigh nothing), AND-ed with every term (each weighed once) but those that weigh nothing
 * (STORE_WEIGHT_FLOOR: a word in over half the rows, which would only make FTS5 walk its long doclist for
 * every row). FTS5 walks the required terms' doclists and seeks in the others' (their doclist indexes skip what
 * no required row needs). */
static char *rank_match(const store_rank_query *q, double **weights, size_t *nweights)
{
    strbuf m = {0};
    size_t nreq = q->nrequired >= q->nterms ? 0 : q->nrequired, n = 0;
    bool weighs = false;
    for (size_t i = 0; i < q->nterms; i++)
        weighs = weighs || q->weights[i] > STORE_WEIGHT_FLOOR;
    *weights = xcalloc(nreq + q->nterms + 1, sizeof **weights);
    if (nreq) {
        sb_addc(&m, '(');
        for (size_t i = 0; i < nreq; i++, n++)
            fts_phrase(&m, q->terms[i], " OR ");
        sb_add(&m, ") AND (");
    }
    for (size_t i = 0; i < q->nterms; i++) {
        if (nreq && weighs && q->weights[i] <= STORE_WEIGHT_FLOOR)
            continue;
        fts_phrase(&m, q->terms[i], " OR ");
        (*weights)[n++] = q->weights[i];
    }
    if (nreq)
        sb_addc(&m, ')');
    *nweights = n;
    return sb_take(&m);
}

/* Binds a ranked query's allowed documents for fagpt_bm25 (NULL when it is not restricted). */
static void bind_allowed(sqlite3_stmt *st, int i, const store_rank_query *q)
{
    if (q->restricted)
        sqlite3_bind_blob64(st, i, q->allowed, q->nallowed * sizeof *q->allowed, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* FTS5's varint (SQLite's: 7 bits a byte, high bit set on all but the last, a 9th byte of 8 bits). */
static const unsigned char *get_varint(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
    *v = 0;
    for (int i = 0; p < end; i++, p++) {
        if (i == 8) {
            *v = (*v << 8) | *p;
            return p + 1;
        }
        *v = (*v << 7) | (*p & 0x7f);
        if (!(*p & 0x80))
            return p + 1;
    }
    return end;
}

/* Re-reads a table's row lengths when the library changed since they were read (PRAGMA data_version of db, run
 * by version). Caller holds the lock of db. */
static int lengths_fresh(sqlite3 *db, sqlite3_stmt *version_st, row_lengths *len, fa_err *e)
{
    int version = -2;
    if (version_st && sqlite3_step(version_st) == SQLITE_ROW)
        version = sqlite3_column_int(version_st, 0);
    if (version_st)
        sqlite3_reset(version_st);
    if (version == len->version && version != -2)
        return 0;
    char *sql = xasprintf("SELECT id, sz FROM %s ORDER BY id", len->table);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        free(sql);
        return fa_fail(e, "database error while reading the index's row lengths: %s", sqlite3_errmsg(db));
    }
    free(sql);
    size_t cap = 0;
    len->n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        const unsigned char *p = sqlite3_column_blob(st, 1), *end = p + sqlite3_column_bytes(st, 1);
        if (id < 0 || id >= ROW_LENGTHS_MAX)
            continue; /* such a row's length is looked up by FTS5 instead */
        if ((size_t)id >= cap) {
            size_t old = cap;
            cap = (size_t)id + 1 + (size_t)id / 2;
            len->v = xrealloc(len->v, cap * sizeof *len->v);
            memset(len->v + old, 0, (cap - old) * sizeof *len->v);
        }
        uint64_t total = 0, v;
        while (p && p < end) {
            p = get_varint(p, end, &v);
            total += v;
        }
        len->v[id] = total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
        len->n = (size_t)id + 1;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fa_fail(e, "database error while reading the index's row lengths: %s", sqlite3_errmsg(db));
    /* The rows' documents, through the covering index on doc_id. */
    free(len->doc);
    len->doc = xcalloc(cap ? cap : 1, sizeof *len->doc);
    sql = xasprintf("SELECT id, doc_id FROM %s", len->rows);
    rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    free(sql);
    if (rc != SQLITE_OK)
        return fa_fail(e, "database error while reading the index's rows: %s", sqlite3_errmsg(db));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(st, 0), doc = sqlite3_column_int64(st, 1);
        if (id >= 0 && (size_t)id < len->n && doc > 0 && doc <= UINT32_MAX)
            len->doc[id] = (uint32_t)doc;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fa_fail(e, "database error while reading the index's rows: %s", sqlite3_errmsg(db));
    if (!len->doc_of) {
        sql = xasprintf("SELECT doc_id FROM %s WHERE id = ?1", len->rows);
        rc = sqlite3_prepare_v2(db, sql, -1, &len->doc_of, NULL);
        free(sql);
        if (rc != SQLITE_OK)
            return fa_fail(e, "database error while reading the index's rows: %s", sqlite3_errmsg(db));
    }
    len->version = version;
    return 0;
}

/* The ranking statement: the best ?3 rows of the MATCH ?1 with rowids in [?5, ?6], with what a hit shows.
 * Restricted (?4 the allowed documents), the other documents' rows score NULL and sort last, before the top
 * limit is taken; rank_rows stops at the first of them. */
static const char rank_chunks_sql[] =
    "SELECT c.id, c.doc_id, d.file_name, d.publication, d.title, c.page_start, c.page_end,"
    " (SELECT label FROM pages WHERE doc_id = c.doc_id AND page = c.page_start),"
    " (SELECT label FROM pages WHERE doc_id = c.doc_id AND page = c.page_end),"
    " c.section, c.paragraph, c.text, c.boxes, f.sc FROM ("
    "SELECT rowid AS id, fagpt_bm25_chunks(chunks_fts, ?2, ?4, 1.5, 1.0) AS sc FROM chunks_fts"
    " WHERE chunks_fts MATCH ?1 AND rowid BETWEEN ?5 AND ?6 ORDER BY sc DESC, id LIMIT ?3) f"
    " JOIN chunks c ON c.id = f.id JOIN documents d ON d.id = c.doc_id ORDER BY f.sc DESC, f.id";

/* One ranking of rank_chunks_sql over the rowids [lo, hi], on the connection of st. */
typedef struct {
    store *s;
    sqlite3_stmt *st;
    const char *match;
    const double *w;
    size_t nw;
    int limit;
    const store_rank_query *q;
    sqlite3_int64 lo, hi;
    store_hits hits;
    int rc;
} rank_part;

/* Runs p: the hits into p->hits, best first; p->rc SQLITE_OK or the error. */
static void rank_rows(rank_part *p)
{
    sqlite3_stmt *st = p->st;
    bind_str(st, 1, p->match);
    sqlite3_bind_blob(st, 2, p->w, (int)(p->nw * sizeof *p->w), SQLITE_STATIC);
    sqlite3_bind_int(st, 3, p->limit);
    bind_allowed(st, 4, p->q);
    sqlite3_bind_int64(st, 5, p->lo);
    sqlite3_bind_int64(st, 6, p->hi);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_type(st, 13) != SQLITE_NULL) {
        store_hit h = {0};
        h.chunk_id = sqlite3_column_int64(st, 0);
        h.doc_id = sqlite3_column_int64(st, 1);
        h.doc = col_str(st, 2);
        h.publication = col_str(st, 3);
        h.title = col_str(st, 4);
        h.page = sqlite3_column_int(st, 5);
        h.page_end = sqlite3_column_int(st, 6);
        h.page_label = col_str(st, 7);
        h.page_label_end = col_str(st, 8);
        h.section = col_str(st, 9);
        h.paragraph = col_str(st, 10);
        h.text = col_str(st, 11);
        h.boxes = col_str(st, 12);
        h.score = sqlite3_column_double(st, 13);
        VEC_PUSH(p->hits, h);
    }
    sqlite3_reset(st);
    p->rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* The upper half, on the second connection. */
static void *rank_upper_half(void *arg)
{
    rank_part *p = arg;
    store *s = p->s;
    p->rc = SQLITE_ERROR;
    pthread_mutex_lock(&s->pages_lock);
    sqlite3_stmt *version = prepared(s->pages_db, &s->pages_cache[PAGES_VERSION], "PRAGMA data_version", NULL);
    if (version && lengths_fresh(s->pages_db, version, &s->lengths[2], NULL) == 0 &&
        (p->st = prepared(s->pages_db, &s->pages_cache[PAGES_RANK_CHUNKS], rank_chunks_sql, NULL)))
        rank_rows(p);
    pthread_mutex_unlock(&s->pages_lock);
    return NULL;
}

static bool hit_before(const store_hit *a, const store_hit *b)
{
    return a->score > b->score || (a->score == b->score && a->chunk_id < b->chunk_id);
}

static int sqlite_rank_chunks(store *s, const store_rank_query *q, int limit, store_hits *out, fa_err *e)
{
    if (q->nterms == 0 || limit <= 0 || (q->restricted && q->nallowed == 0))
        return 0;
    double *w;
    size_t nw;
    char *match = rank_match(q, &w, &nw);
    rank_part lower = {.s = s, .match = match, .w = w, .nw = nw, .limit = limit, .q = q, .lo = 0, .hi = INT64_MAX};
    rank_part upper = lower;
    pthread_t thread;
    bool split = false;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *version = cached(s, STMT_DATA_VERSION, "PRAGMA data_version", e);
    if (!s->search_cache)
        s->search_cache = exec(s, CACHE_PRAGMA, NULL) == 0;
    lower.st = !version || lengths_fresh(s->db, version, &s->lengths[0], e) != 0 ? NULL
               : cached(s, STMT_RANK, rank_chunks_sql, e);
    if (lower.st && s->lengths[0].n > s->split_rows) {
        upper.lo = lower.hi = (sqlite3_int64)(s->lengths[0].n / 2);
        lower.hi--;
        split = pthread_create(&thread, NULL, rank_upper_half, &upper) == 0;
        if (!split)
            lower.hi = INT64_MAX;
    }
    int rc = -1;
    if (lower.st) {
        rank_rows(&lower);
        rc = lower.rc == SQLITE_OK ? 0 : fts_fail(s, e, match);
    }
    pthread_mutex_unlock(&s->lock);
    if (split) {
        pthread_join(thread, NULL);
        if (rc == 0 && upper.rc != SQLITE_OK)
            rc = fa_fail(e, "the search index could not run the query %s: %s", match, sqlite3_errmsg(s->pages_db));
    }
    /* Both halves are best first: merged, the first limit of them. */
    size_t i = 0, j = 0;
    while (i < lower.hits.n || j < upper.hits.n) {
        bool take_lower = j == upper.hits.n || (i < lower.hits.n && hit_before(&lower.hits.v[i], &upper.hits.v[j]));
        store_hit *h = take_lower ? &lower.hits.v[i++] : &upper.hits.v[j++];
        if (rc == 0 && (int)out->n < limit)
            VEC_PUSH(*out, *h);
        else
            store_hit_free(h);
    }
    free(lower.hits.v);
    free(upper.hits.v);
    free(match);
    free(w);
    return rc;
}

/* A page wanted by store_score_pages: its row in pages and pages_fts. */
typedef struct {
    sqlite3_int64 id;
    long long doc_id;
    int page;
} page_row;

static int cmp_page_row(const void *a, const void *b)
{
    sqlite3_int64 x = ((const page_row *)a)->id, y = ((const page_row *)b)->id;
    return (x > y) - (x < y);
}

/* Rows this close together are scored by one range query (a query costs about as much as scoring a few rows). */
#define PAGE_ROW_GAP 8

/* Runs score_sql (st) over the rows [lo, hi], appending the scores of the rows in want[0..nwant) (sorted by
 * id), or of every row with want NULL. Returns SQLITE_DONE or the error. */
static int score_page_range(sqlite3_stmt *st, const char *match, const double *w, size_t nw, sqlite3_int64 lo,
                            sqlite3_int64 hi, const page_row *want, size_t nwant, store_page_scores *out)
{
    bind_str(st, 1, match);
    sqlite3_bind_blob(st, 2, w, (int)(nw * sizeof *w), SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, lo);
    sqlite3_bind_int64(st, 4, hi);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        page_row key = {sqlite3_column_int64(st, 0), 0, 0};
        if (want && !bsearch(&key, want, nwant, sizeof *want, cmp_page_row))
            continue;
        store_page_score p = {sqlite3_column_int64(st, 1), sqlite3_column_int(st, 2), sqlite3_column_double(st, 3)};
        VEC_PUSH(*out, p);
    }
    sqlite3_reset(st);
    return rc;
}

static int sqlite_score_pages(store *s, const store_rank_query *q, const store_page_score *pages, size_t n,
                              store_page_scores *out, fa_err *e)
{
    if (q->nterms == 0 || (pages && n == 0))
        return 0;
    static const char *id_sql = "SELECT id FROM pages WHERE doc_id = ?1 AND page = ?2";
    static const char *score_sql =
        "SELECT p.id, p.doc_id, p.page, f.sc FROM (SELECT rowid AS id, fagpt_bm25_pages(pages_fts, ?2, NULL, 1.0)"
        " AS sc FROM pages_fts WHERE pages_fts MATCH ?1 AND rowid BETWEEN ?3 AND ?4) f JOIN pages p ON p.id = f.id";
    store_rank_query every = *q;
    if (pages)
        every.nrequired = every.nterms;
    double *w;
    size_t nw;
    char *match = rank_match(&every, &w, &nw);
    VEC(page_row) rows = {0};
    pthread_mutex_lock(&s->pages_lock);
    sqlite3_stmt *version = prepared(s->pages_db, &s->pages_cache[PAGES_VERSION], "PRAGMA data_version", e);
    sqlite3_stmt *ids = !version || lengths_fresh(s->pages_db, version, &s->lengths[1], e) != 0 ? NULL
                        : prepared(s->pages_db, &s->pages_cache[PAGES_ID], id_sql, e);
    sqlite3_stmt *st = ids ? prepared(s->pages_db, &s->pages_cache[PAGES_SCORE], score_sql, e) : NULL;
    int rc = st ? SQLITE_DONE : SQLITE_ERROR;
    if (st && !pages)
        rc = score_page_range(st, match, w, nw, 0, INT64_MAX, NULL, 0, out);
    for (size_t i = 0; pages && st && i < n && rc == SQLITE_DONE; i++) {
        sqlite3_bind_int64(ids, 1, pages[i].doc_id);
        sqlite3_bind_int(ids, 2, pages[i].page);
        if ((rc = sqlite3_step(ids)) == SQLITE_ROW) {
            page_row r = {sqlite3_column_int64(ids, 0), pages[i].doc_id, pages[i].page};
            VEC_PUSH(rows, r);
            rc = SQLITE_DONE;
        }
        sqlite3_reset(ids);
    }
    if (rows.n)
        qsort(rows.v, rows.n, sizeof *rows.v, cmp_page_row);
    /* A range for each run of nearby rows, keeping the rows wanted. */
    for (size_t first = 0, last; first < rows.n && rc == SQLITE_DONE; first = last) {
        for (last = first + 1; last < rows.n && rows.v[last].id - rows.v[last - 1].id <= PAGE_ROW_GAP; last++)
            ;
        rc = score_page_range(st, match, w, nw, rows.v[first].id, rows.v[last - 1].id, rows.v + first, last - first,
                              out);
    }
    if (st && rc != SQLITE_DONE)
        fa_fail(e, "the search index could not run the query %s: %s", match, sqlite3_errmsg(s->pages_db));
    pthread_mutex_unlock(&s->pages_lock);
    free(rows.v);
    free(match);
    free(w);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int sqlite_phrase_df(store *s, const char *phrase, long long limit, long long *df, fa_err *e)
{
    strbuf m = {0};
    fts_phrase(&m, phrase, "");
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st = cached(s, STMT_PHRASE_DF,
                              "SELECT count(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ?1 LIMIT ?2)", e);
    int rc = SQLITE_ERROR;
    *df = 0;
    if (st) {
        bind_str(st, 1, m.s);
        sqlite3_bind_int64(st, 2, limit);
        if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            *df = sqlite3_column_int64(st, 0);
            rc = SQLITE_DONE;
        }
        sqlite3_reset(st);
        rc = rc == SQLITE_DONE ? 0 : fts_fail(s, e, m.s);
    }
    pthread_mutex_unlock(&s->lock);
    sb_free(&m);
    return rc == 0 ? 0 : -1;
}

static int collect_strings(store *s, int slot, const char *sql, const char *arg, str_vec *out, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st = cached(s, slot, sql, e);
    int rc = SQLITE_ERROR;
    if (st) {
        bind_str(st, 1, arg);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            VEC_PUSH(*out, col_str(st, 0));
        sqlite3_reset(st);
    }
    rc = rc == SQLITE_DONE ? 0 : st ? db_fail(s, e, "reading terms") : -1;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_term_expansions(store *s, const char *term, str_vec *out, fa_err *e)
{
    /* Glossary entries first; several documents agreeing make one expansion. */
    return collect_strings(s, STMT_EXPANSIONS, "SELECT lower(expansion) FROM terms WHERE term = ?1 GROUP BY lower(expansion)"
                              " ORDER BY max(glossary) DESC, count(*) DESC LIMIT 3", term, out, e);
}

static int sqlite_terms_for_phrase(store *s, const char *phrase, str_vec *out, fa_err *e)
{
    return collect_strings(s, STMT_PHRASE_TERMS, "SELECT DISTINCT term FROM terms WHERE lower(expansion) = lower(?1) LIMIT 3", phrase,
                           out, e);
}

static long long single_int(store *s, int slot, const char *sql, const char *arg, long long def)
{
    sqlite3_stmt *st = cached(s, slot, sql, NULL);
    long long v = def;
    if (!st)
        return def;
    bind_str(st, 1, arg);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return v;
}

static int sqlite_token_df(store *s, const char *token, long long *df, long long *total, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    /* The chunk count is recounted only when some connection has written since (PRAGMA data_version). */
    int version = (int)single_int(s, STMT_DATA_VERSION, "PRAGMA data_version", NULL, -2);
    if (version != s->data_version || version == -2) {
        s->total_chunks = single_int(s, STMT_COUNT_CHUNKS, "SELECT count(*) FROM chunks", NULL, 0);
        s->data_version = version;
    }
    *total = s->total_chunks;
    *df = single_int(s, STMT_DF, "SELECT df FROM term_stats WHERE term = ?1", token, 0);
    pthread_mutex_unlock(&s->lock);
    return 0;
}

static int sqlite_tokenize(store *s, const char *text, void (*fn)(const char *, int, void *), void *arg, fa_err *e)
{
    token_cb cb = {fn, arg};
    if (s->tokenizer.xTokenize(s->tok, &cb, FTS5_TOKENIZE_DOCUMENT, text, (int)strlen(text), on_token) != SQLITE_OK)
        return fa_fail(e, "tokenizer failed");
    return 0;
}

/* Embedding vectors (migration 2). */

static int sqlite_chunks_to_embed(store *s, const char *model, int limit, store_chunk_texts *out, fa_err *e)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_prepare_v2(s->db,
                                "SELECT c.id, coalesce(c.heading || '\n', '') || c.text FROM chunks c"
                                " LEFT JOIN chunk_vectors v ON v.chunk_id = c.id"
                                " WHERE v.chunk_id IS NULL OR v.model <> ?1 ORDER BY c.id LIMIT ?2",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind_str(st, 1, model);
        sqlite3_bind_int(st, 2, limit);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            store_chunk_text t = {sqlite3_column_int64(st, 0), col_str(st, 1)};
            VEC_PUSH(*out, t);
        }
        sqlite3_finalize(st);
    }
    rc = rc == SQLITE_DONE ? 0 : db_fail(s, e, "listing passages to embed");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_put_vectors(store *s, const char *model, int dim, const long long *ids, const float *vecs, size_t n,
                      fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st = NULL;
    int rc = exec(s, "BEGIN IMMEDIATE", e);
    if (rc == 0 && sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO chunk_vectors (chunk_id, model, dim, vec)"
                                             " VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL) != SQLITE_OK)
        rc = db_fail(s, e, "storing vectors");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        sqlite3_bind_int64(st, 1, ids[i]);
        bind_str(st, 2, model);
        sqlite3_bind_int(st, 3, dim);
        sqlite3_bind_blob(st, 4, vecs + i * (size_t)dim, dim * (int)sizeof(float), SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_fail(s, e, "storing vectors");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    rc = rc == 0 ? exec(s, "COMMIT", e) : (exec(s, "ROLLBACK", NULL), -1);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_clear_vectors(store *s, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    int rc = exec(s, "DELETE FROM chunk_vectors", e);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_vector_sets(store *s, store_vector_set_list *out, fa_err *e)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_prepare_v2(s->db, "SELECT model, dim, count(*) FROM chunk_vectors GROUP BY model, dim"
                                       " ORDER BY count(*) DESC, model", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            store_vector_set v = {col_str(st, 0), sqlite3_column_int(st, 1), sqlite3_column_int64(st, 2)};
            VEC_PUSH(*out, v);
        }
        sqlite3_finalize(st);
    }
    rc = rc == SQLITE_DONE ? 0 : db_fail(s, e, "reading the vector sets");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_scan_vectors(store *s, const char *model, int dim, void (*fn)(long long id, const float *v, void *arg),
                       void *arg, fa_err *e)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_prepare_v2(s->db, "SELECT chunk_id, vec FROM chunk_vectors WHERE model = ?1 AND dim = ?2",
                                -1, &st, NULL);
    float *buf = xmalloc((size_t)(dim > 0 ? dim : 1) * sizeof *buf);
    if (rc == SQLITE_OK) {
        bind_str(st, 1, model);
        sqlite3_bind_int(st, 2, dim);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const void *blob = sqlite3_column_blob(st, 1);
            if (blob && sqlite3_column_bytes(st, 1) == dim * (int)sizeof(float)) {
                memcpy(buf, blob, (size_t)dim * sizeof *buf); /* a blob has no alignment promise */
                fn(sqlite3_column_int64(st, 0), buf, arg);
            }
        }
        sqlite3_finalize(st);
    }
    free(buf);
    rc = rc == SQLITE_DONE ? 0 : db_fail(s, e, "reading vectors");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_hit_by_chunk(store *s, long long chunk_id, store_hit *out, fa_err *e)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_prepare_v2(
        s->db,
        "SELECT c.id, c.doc_id, d.file_name, d.publication, d.title, c.page_start, c.page_end,"
        " (SELECT label FROM pages WHERE doc_id = c.doc_id AND page = c.page_start),"
        " (SELECT label FROM pages WHERE doc_id = c.doc_id AND page = c.page_end),"
        " c.section, c.paragraph, c.text, c.boxes FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.id = ?1",
        -1, &st, NULL);
    int found = 0;
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, chunk_id);
        if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            memset(out, 0, sizeof *out);
            out->chunk_id = sqlite3_column_int64(st, 0);
            out->doc_id = sqlite3_column_int64(st, 1);
            out->doc = col_str(st, 2);
            out->publication = col_str(st, 3);
            out->title = col_str(st, 4);
            out->page = sqlite3_column_int(st, 5);
            out->page_end = sqlite3_column_int(st, 6);
            out->page_label = col_str(st, 7);
            out->page_label_end = col_str(st, 8);
            out->section = col_str(st, 9);
            out->paragraph = col_str(st, 10);
            out->text = col_str(st, 11);
            out->boxes = col_str(st, 12);
            found = 1;
            rc = SQLITE_DONE;
        }
        sqlite3_finalize(st);
    }
    rc = rc == SQLITE_DONE ? found : db_fail(s, e, "reading a passage");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* `fagpt define`: expansions of an acronym and glossary definitions of a term (or of the acronym's expansion),
 * each with the document and the printed label of the page it came from. */
static int define_rows(store *s, const char *sql, const char *term, store_define_rows *out, fa_err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "looking the term up");
    bind_str(st, 1, term);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_define_row r = {col_str(st, 0), col_str(st, 1), col_str(st, 2), col_str(st, 3), col_str(st, 4),
                              sqlite3_column_int(st, 5), sqlite3_column_int(st, 6) != 0};
        VEC_PUSH(*out, r);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, e, "looking the term up");
}

static int sqlite_define(store *s, const char *term, store_define_rows *expansions, store_define_rows *definitions, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    /* One row per expansion and document: glossary entries before first uses in the text. */
    int rc = define_rows(s,
        "SELECT t.term, t.expansion, d.file_name, d.publication, p.label, t.page, t.glossary FROM terms t"
        " JOIN documents d ON d.id = t.doc_id LEFT JOIN pages p ON p.doc_id = t.doc_id AND p.page = t.page"
        " WHERE t.term = ?1 OR (upper(t.term) = upper(?1) AND length(?1) > 1)"
        " GROUP BY lower(t.expansion), t.doc_id ORDER BY max(t.glossary) DESC, lower(t.expansion), d.id LIMIT 20",
        term, expansions, e);
    if (rc == 0)
        rc = define_rows(s,
            "SELECT f.term, f.definition, d.file_name, d.publication, p.label, f.page, 1 FROM definitions f"
            " JOIN documents d ON d.id = f.doc_id LEFT JOIN pages p ON p.doc_id = f.doc_id AND p.page = f.page"
            " WHERE lower(f.term) = lower(?1)"
            "  OR lower(f.term) IN (SELECT lower(expansion) FROM terms WHERE term = ?1 OR upper(term) = upper(?1))"
            " ORDER BY lower(f.term) = lower(?1) DESC, d.id LIMIT 20",
            term, definitions, e);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* `fagpt refs`: what a document cites (with the library's copy when it holds one) and who cites it. */
static int ref_rows(store *s, const char *sql, long long id, store_ref_rows *out, fa_err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "reading cross-references");
    sqlite3_bind_int64(st, 1, id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_ref_row r = {col_str(st, 0), col_str(st, 1), col_str(st, 2), sqlite3_column_int(st, 3),
                           sqlite3_column_int(st, 4), col_str(st, 5)};
        VEC_PUSH(*out, r);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, e, "reading cross-references");
}

static int sqlite_refs(store *s, long long doc_id, store_ref_rows *cites, store_ref_rows *cited_by, store_ref_rows *internal,
               fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    /* Each inner query groups the mentions; the outer one adds the printed label of the first page. */
#define WITH_LABEL(inner) "SELECT x.target, x.doc, x.kind, x.n, x.first, (SELECT p.label FROM pages p" \
        " WHERE p.doc_id = x.doc_id AND p.page = x.first) FROM (" inner ") x"
    int rc = ref_rows(s, WITH_LABEL(
        "SELECT l.target AS target, (SELECT file_name FROM documents d WHERE " PUB_KEY("d.publication") " = l.pub_key"
        "  ORDER BY d.id DESC LIMIT 1) AS doc, NULL AS kind, count(*) AS n, min(l.page) AS first, l.doc_id AS doc_id"
        " FROM links l WHERE l.doc_id = ?1 AND l.kind = 'publication' GROUP BY l.pub_key ORDER BY l.target"),
        doc_id, cites, e);
    if (rc == 0)
        rc = ref_rows(s, WITH_LABEL(
            "SELECT d.publication AS target, d.file_name AS doc, NULL AS kind, count(*) AS n, min(l.page) AS first,"
            " l.doc_id AS doc_id FROM links l JOIN documents d ON d.id = l.doc_id"
            " WHERE l.kind = 'publication' AND l.doc_id != ?1 AND l.pub_key ="
            "  (SELECT " PUB_KEY("publication") " FROM documents WHERE id = ?1)"
            " GROUP BY d.id ORDER BY d.publication, d.file_name"),
            doc_id, cited_by, e);
    if (rc == 0)
        rc = ref_rows(s, WITH_LABEL(
            "SELECT l.target AS target, NULL AS doc, l.kind AS kind, count(*) AS n, min(l.page) AS first,"
            " l.doc_id AS doc_id FROM links l WHERE l.doc_id = ?1 AND l.kind != 'publication'"
            " GROUP BY l.kind, l.target ORDER BY l.kind, min(l.page)"),
            doc_id, internal, e);
#undef WITH_LABEL
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* The vector index (migration 4). */

static unsigned long long sqlite_serial(const store *s)
{
    return s->serial;
}

static int sqlite_vector_gen(store *s, const char *model, int dim, long long *gen, fa_err *e)
{
    sqlite3_stmt *st;
    *gen = 0;
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_prepare_v2(s->db, "SELECT gen FROM vector_gen WHERE model = ?1 AND dim = ?2", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind_str(st, 1, model);
        sqlite3_bind_int(st, 2, dim);
        if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            *gen = sqlite3_column_int64(st, 0);
            rc = SQLITE_DONE;
        }
        sqlite3_finalize(st);
    }
    rc = rc == SQLITE_DONE ? 0 : db_fail(s, e, "reading the vector generation");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_scan_vectors_docs(store *s, const char *model, int dim,
                            void (*fn)(long long id, long long doc_id, const float *v, void *arg), void *arg,
                            fa_err *e)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_prepare_v2(s->db, "SELECT v.chunk_id, c.doc_id, v.vec FROM chunk_vectors v"
                                       " JOIN chunks c ON c.id = v.chunk_id WHERE v.model = ?1 AND v.dim = ?2",
                                -1, &st, NULL);
    float *buf = xmalloc((size_t)(dim > 0 ? dim : 1) * sizeof *buf);
    if (rc == SQLITE_OK) {
        bind_str(st, 1, model);
        sqlite3_bind_int(st, 2, dim);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            const void *blob = sqlite3_column_blob(st, 2);
            if (blob && sqlite3_column_bytes(st, 2) == dim * (int)sizeof(float)) {
                memcpy(buf, blob, (size_t)dim * sizeof *buf);
                fn(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), buf, arg);
            }
        }
        sqlite3_finalize(st);
    }
    free(buf);
    rc = rc == SQLITE_DONE ? 0 : db_fail(s, e, "reading vectors");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_get_vector_index(store *s, const char *model, int dim, const char *kind, long long *gen, void **data,
                           size_t *len, fa_err *e)
{
    sqlite3_stmt *st;
    int found = 0;
    *data = NULL;
    *len = 0;
    *gen = 0;
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_prepare_v2(s->db, "SELECT gen, data FROM vector_index WHERE model = ?1 AND dim = ?2 AND kind = ?3",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind_str(st, 1, model);
        sqlite3_bind_int(st, 2, dim);
        bind_str(st, 3, kind);
        if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            *gen = sqlite3_column_int64(st, 0);
            size_t n = (size_t)sqlite3_column_bytes(st, 1);
            *data = xmalloc(n ? n : 1);
            if (n)
                memcpy(*data, sqlite3_column_blob(st, 1), n);
            *len = n;
            found = 1;
            rc = SQLITE_DONE;
        }
        sqlite3_finalize(st);
    }
    rc = rc == SQLITE_DONE ? found : db_fail(s, e, "reading the vector index");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_put_vector_index(store *s, const char *model, int dim, const char *kind, long long gen, long long count,
                           const void *data, size_t len, fa_err *e)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO vector_index (model, dim, kind, gen, count, built_at,"
                                       " data) VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?6)",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind_str(st, 1, model);
        sqlite3_bind_int(st, 2, dim);
        bind_str(st, 3, kind);
        sqlite3_bind_int64(st, 4, gen);
        sqlite3_bind_int64(st, 5, count);
        sqlite3_bind_blob64(st, 6, data, (sqlite3_uint64)len, SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
    }
    rc = rc == SQLITE_DONE ? 0 : db_fail(s, e, "storing the vector index");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---------------------------------------------------------------------------------------------------------
 * Accounts, sessions, API tokens, the audit log and document access labels (the web server's state). Every
 * function below is part of store.h's "Accounts" group; a PostgreSQL store implements the same group.
 * --------------------------------------------------------------------------------------------------------- */

/* Runs a statement with text parameters (NULL binds NULL); returns the rows changed, or -1. Holds s->lock so
 * that the change count (and *rowid, when not NULL) are this statement's, and no write lands inside another
 * thread's transaction. */
static int run_text_id(store *s, const char *sql, const char *what, fa_err *e, long long *rowid, int n, ...)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        int rc = db_fail(s, e, what);
        pthread_mutex_unlock(&s->lock);
        return rc;
    }
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        bind_str(st, i + 1, va_arg(ap, const char *));
    va_end(ap);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        rc = db_fail(s, e, what);
    } else {
        rc = sqlite3_changes(s->db);
        if (rowid)
            *rowid = sqlite3_last_insert_rowid(s->db);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}
#define run_text(s, sql, what, e, ...) run_text_id(s, sql, what, e, NULL, __VA_ARGS__)

static int sqlite_set_label(store *s, long long doc_id, const char *label, fa_err *e)
{
    char id[32];
    snprintf(id, sizeof id, "%lld", doc_id);
    int n = run_text(s, "UPDATE documents SET label = ?2 WHERE id = CAST(?1 AS INTEGER)", "setting a label", e, 2, id,
                     label);
    pthread_mutex_lock(&s->lock);
    s->doc_writes++;
    pthread_mutex_unlock(&s->lock);
    return n < 0 ? -1 : n > 0;
}

static int sqlite_user_add(store *s, const store_user *u, fa_err *e)
{
    store_user old;
    int got = store_user_get(s, u->username, &old, e);
    if (got < 0)
        return -1;
    if (got) {
        store_user_free(&old);
        return fa_fail(e, "a user named '%s' exists already (change it with `fagpt user passwd`, or remove it first)",
                       u->username);
    }
    return run_text(s, "INSERT INTO users (username, hash, role, labels, created_at) VALUES (?1, ?2, ?3, ?4,"
                       " strftime('%Y-%m-%dT%H:%M:%SZ','now'))", "adding a user", e, 4, u->username, u->hash, u->role,
                    u->labels ? u->labels : "") < 0 ? -1 : 0;
}

static void read_user(sqlite3_stmt *st, store_user *u)
{
    u->username = col_str(st, 0);
    u->hash = col_str(st, 1);
    u->role = col_str(st, 2);
    u->labels = col_str(st, 3);
    u->created_at = col_str(st, 4);
}

static int sqlite_user_get(store *s, const char *username, store_user *out, fa_err *e)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT username, hash, role, labels, created_at FROM users WHERE username = ?1", -1,
                           &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "looking up a user");
    bind_str(st, 1, username);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        read_user(st, out);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = db_fail(s, e, "looking up a user");
    }
    sqlite3_finalize(st);
    return found;
}

static int sqlite_user_list(store *s, store_users *out, fa_err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT username, hash, role, labels, created_at FROM users ORDER BY username", -1,
                           &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "listing users");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_user u = {0};
        read_user(st, &u);
        VEC_PUSH(*out, u);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, e, "listing users");
}

static int sqlite_user_count(store *s, long long *n, fa_err *e)
{
    sqlite3_stmt *st;
    *n = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM users", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "counting users");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : db_fail(s, e, "counting users");
}

static int sqlite_user_update(store *s, const char *username, const char *hash, const char *role, const char *labels,
                      fa_err *e)
{
    int n = run_text(s, "UPDATE users SET hash = coalesce(?2, hash), role = coalesce(?3, role),"
                        " labels = coalesce(?4, labels) WHERE username = ?1", "changing a user", e, 4, username, hash,
                     role, labels);
    if (n > 0 && hash) /* a new password signs the user out everywhere */
        run_text(s, "DELETE FROM sessions WHERE username = ?1", "ending sessions", NULL, 1, username);
    return n < 0 ? -1 : n > 0;
}

static int sqlite_user_delete(store *s, const char *username, fa_err *e)
{
    if (run_text(s, "DELETE FROM sessions WHERE username = ?1", "removing a user", e, 1, username) < 0 ||
        run_text(s, "DELETE FROM api_tokens WHERE username = ?1", "removing a user", e, 1, username) < 0)
        return -1;
    int n = run_text(s, "DELETE FROM users WHERE username = ?1", "removing a user", e, 1, username);
    return n < 0 ? -1 : n > 0;
}

static int sqlite_session_add(store *s, const char *id_hash, const char *username, const char *csrf, long long expires,
                      fa_err *e)
{
    char exp[32];
    snprintf(exp, sizeof exp, "%lld", expires);
    run_text(s, "DELETE FROM sessions WHERE expires < CAST(strftime('%s','now') AS INTEGER)", "ending old sessions",
             NULL, 0);
    return run_text(s, "INSERT INTO sessions (id_hash, username, csrf, expires) VALUES (?1, ?2, ?3, CAST(?4 AS INTEGER))",
                    "starting a session", e, 4, id_hash, username, csrf, exp) < 0 ? -1 : 0;
}

static int sqlite_session_get(store *s, const char *id_hash, long long now, store_session *out, fa_err *e)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT username, csrf, expires FROM sessions WHERE id_hash = ?1 AND expires > ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "reading a session");
    bind_str(st, 1, id_hash);
    sqlite3_bind_int64(st, 2, now);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        out->username = col_str(st, 0);
        out->csrf = col_str(st, 1);
        out->expires = sqlite3_column_int64(st, 2);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = db_fail(s, e, "reading a session");
    }
    sqlite3_finalize(st);
    return found;
}

static int sqlite_session_delete(store *s, const char *id_hash, fa_err *e)
{
    return run_text(s, "DELETE FROM sessions WHERE id_hash = ?1", "ending a session", e, 1, id_hash) < 0 ? -1 : 0;
}

static int sqlite_token_add(store *s, const char *hash, const char *username, const char *name, long long *id, fa_err *e)
{
    return run_text_id(s, "INSERT INTO api_tokens (hash, username, name, created_at) VALUES (?1, ?2, ?3,"
                          " strftime('%Y-%m-%dT%H:%M:%SZ','now'))", "adding an API token", e, id, 3, hash, username,
                       name) < 0 ? -1 : 0;
}

static void read_token(sqlite3_stmt *st, store_token *t)
{
    t->id = sqlite3_column_int64(st, 0);
    t->username = col_str(st, 1);
    t->name = col_str(st, 2);
    t->created_at = col_str(st, 3);
}

static int sqlite_token_find(store *s, const char *hash, store_token *out, fa_err *e)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT id, username, name, created_at FROM api_tokens WHERE hash = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return db_fail(s, e, "checking an API token");
    bind_str(st, 1, hash);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        read_token(st, out);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = db_fail(s, e, "checking an API token");
    }
    sqlite3_finalize(st);
    return found;
}

static int sqlite_token_list(store *s, const char *username, store_tokens *out, fa_err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT id, username, name, created_at FROM api_tokens"
                                  " WHERE ?1 IS NULL OR username = ?1 ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "listing API tokens");
    bind_str(st, 1, username);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_token t = {0};
        read_token(st, &t);
        VEC_PUSH(*out, t);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, e, "listing API tokens");
}

static int sqlite_token_delete(store *s, long long id, const char *username, fa_err *e)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", id);
    int n = run_text(s, "DELETE FROM api_tokens WHERE id = CAST(?1 AS INTEGER) AND (?2 IS NULL OR username = ?2)",
                     "removing an API token", e, 2, num, username);
    return n < 0 ? -1 : n > 0;
}

static int sqlite_audit_add(store *s, const char *username, const char *action, const char *target, const char *detail,
                    fa_err *e)
{
    return run_text(s, "INSERT INTO audit (at, username, action, target, detail) VALUES"
                       " (strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?1, ?2, ?3, ?4)", "writing the audit log", e, 4,
                    username, action, target, detail) < 0 ? -1 : 0;
}

static int sqlite_audit_list(store *s, int limit, store_audit_events *out, fa_err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT at, username, action, target, detail FROM audit ORDER BY id DESC LIMIT ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "reading the audit log");
    sqlite3_bind_int(st, 1, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_audit_event a = {col_str(st, 0), col_str(st, 1), col_str(st, 2), col_str(st, 3), col_str(st, 4)};
        VEC_PUSH(*out, a);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, e, "reading the audit log");
}

static int sqlite_doc_outline(store *s, long long doc_id, store_outline *out, fa_err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT o.section, o.page, (SELECT label FROM pages WHERE doc_id = ?1 AND page = o.page)"
                                  " FROM (SELECT section, min(page_start) AS page, min(seq) AS first FROM chunks"
                                  " WHERE doc_id = ?1 AND section IS NOT NULL GROUP BY section) o ORDER BY o.first",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "reading the outline");
    sqlite3_bind_int64(st, 1, doc_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_outline_row o = {col_str(st, 0), col_str(st, 2), sqlite3_column_int(st, 1)};
        VEC_PUSH(*out, o);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, e, "reading the outline");
}

static long long sqlite_library_version(store *s)
{
    pthread_mutex_lock(&s->lock);
    long long v = single_int(s, STMT_DATA_VERSION, "PRAGMA data_version", NULL, -2);
    v = (v << 32) + s->doc_writes;
    pthread_mutex_unlock(&s->lock);
    return v;
}

/* `fagpt tables` and `fagpt table` (migration 6). */
static int table_rows(store *s, const char *sql, long long doc_id, int seq, store_tables *out, fa_err *e)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, doc_id);
        sqlite3_bind_int(st, 2, seq);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            store_table t = {sqlite3_column_int(st, 0), col_str(st, 1), col_str(st, 2), sqlite3_column_int(st, 3),
                             sqlite3_column_int(st, 4), col_str(st, 5), sqlite3_column_int(st, 6),
                             sqlite3_column_int(st, 7), sqlite3_column_int(st, 8), sqlite3_column_int(st, 9) != 0,
                             col_str(st, 10), col_str(st, 11)};
            VEC_PUSH(*out, t);
        }
        sqlite3_finalize(st);
    }
    rc = rc == SQLITE_DONE ? 0 : db_fail(s, e, "reading tables");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

#define TABLE_COLUMNS "t.seq, t.number, t.caption, t.page, t.page_end, p.label, t.nrows, t.ncols, t.header_rows, t.ruled"

static int sqlite_tables_list(store *s, long long doc_id, store_tables *out, fa_err *e)
{
    return table_rows(s, "SELECT " TABLE_COLUMNS ", NULL, NULL FROM doc_tables t LEFT JOIN pages p ON"
                         " p.doc_id = t.doc_id AND p.page = t.page WHERE t.doc_id = ?1 AND ?2 = 0 ORDER BY t.seq",
                      doc_id, 0, out, e);
}

static int sqlite_table_get(store *s, long long doc_id, int seq, store_table *out, fa_err *e)
{
    store_tables v = {0};
    int rc = table_rows(s, "SELECT " TABLE_COLUMNS ", t.cells, t.markdown FROM doc_tables t LEFT JOIN pages p ON"
                           " p.doc_id = t.doc_id AND p.page = t.page WHERE t.doc_id = ?1 AND t.seq = ?2",
                        doc_id, seq, &v, e);
    if (rc != 0)
        return -1;
    if (!v.n) {
        free(v.v);
        return 0;
    }
    *out = v.v[0];
    free(v.v);
    return 1;
}

/* `fagpt figures` (migration 7). */
static int sqlite_figures_list(store *s, long long doc_id, store_figures *out, fa_err *e)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_prepare_v2(s->db, "SELECT f.seq, f.number, f.caption, f.page, p.label, f.kind, f.text, f.ocr,"
                                " f.description, f.png_path, f.width, f.height, f.x0, f.y0, f.x1, f.y1 FROM figures f"
                                " LEFT JOIN pages p ON p.doc_id = f.doc_id AND p.page = f.page WHERE f.doc_id = ?1"
                                " ORDER BY f.seq",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, doc_id);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            store_figure f = {sqlite3_column_int(st, 0), col_str(st, 1), col_str(st, 2), sqlite3_column_int(st, 3),
                              col_str(st, 4), col_str(st, 5), col_str(st, 6), sqlite3_column_int(st, 7) != 0,
                              col_str(st, 8), col_str(st, 9), sqlite3_column_int(st, 10), sqlite3_column_int(st, 11),
                              {sqlite3_column_int(st, 3), (float)sqlite3_column_double(st, 12),
                               (float)sqlite3_column_double(st, 13), (float)sqlite3_column_double(st, 14),
                               (float)sqlite3_column_double(st, 15)}};
            VEC_PUSH(*out, f);
        }
        sqlite3_finalize(st);
    }
    rc = rc == SQLITE_DONE ? 0 : db_fail(s, e, "reading figures");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* `fagpt docs DOC` (migration 11). */
static int sqlite_page_conversions_list(store *s, long long doc_id, store_page_conversions *out, fa_err *e)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_prepare_v2(s->db, "SELECT c.page, p.label, c.reason, c.model, c.converted, c.detail FROM"
                                " page_conversions c LEFT JOIN pages p ON p.doc_id = c.doc_id AND p.page = c.page"
                                " WHERE c.doc_id = ?1 ORDER BY c.page", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, doc_id);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            store_page_conversion c = {sqlite3_column_int(st, 0), col_str(st, 1), col_str(st, 2), col_str(st, 3),
                                       sqlite3_column_int(st, 4) != 0, col_str(st, 5)};
            VEC_PUSH(*out, c);
        }
        sqlite3_finalize(st);
    }
    rc = rc == SQLITE_DONE ? 0 : db_fail(s, e, "reading page conversions");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* `fagpt tft` (migration 9). */
static int sqlite_firing_tables(store *s, long long doc_id, store_firing_table_list *out, fa_err *e)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_prepare_v2(s->db, "SELECT f.seq, f.weapon, f.projectile, f.charge, f.page, f.page_end, p.label,"
                                " (SELECT count(*) FROM firing_table_rows r WHERE r.doc_id = f.doc_id AND r.seq = f.seq),"
                                " (SELECT min(range_m) FROM firing_table_rows r WHERE r.doc_id = f.doc_id AND r.seq = f.seq),"
                                " (SELECT max(range_m) FROM firing_table_rows r WHERE r.doc_id = f.doc_id AND r.seq = f.seq)"
                                " FROM firing_tables f LEFT JOIN pages p ON p.doc_id = f.doc_id AND p.page = f.page"
                                " WHERE f.doc_id = ?1 ORDER BY f.seq", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, doc_id);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            store_firing_table t = {sqlite3_column_int(st, 0), col_str(st, 1), col_str(st, 2), col_str(st, 3),
                                    sqlite3_column_int(st, 4), sqlite3_column_int(st, 5), col_str(st, 6),
                                    sqlite3_column_int(st, 7), sqlite3_column_double(st, 8),
                                    sqlite3_column_double(st, 9)};
            VEC_PUSH(*out, t);
        }
        sqlite3_finalize(st);
    }
    rc = rc == SQLITE_DONE ? 0 : db_fail(s, e, "reading firing tables");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_firing_table_get(store *s, long long doc_id, int seq, doc_firing_table *out, fa_err *e)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int found = 0;
    char *cols = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT weapon, projectile, charge, page, page_end, columns FROM firing_tables"
                           " WHERE doc_id = ?1 AND seq = ?2", -1, &st, NULL) != SQLITE_OK) {
        found = db_fail(s, e, "reading a firing table");
    } else {
        sqlite3_bind_int64(st, 1, doc_id);
        sqlite3_bind_int(st, 2, seq);
        if (sqlite3_step(st) == SQLITE_ROW) {
            out->weapon = col_str(st, 0);
            out->projectile = col_str(st, 1);
            out->charge = col_str(st, 2);
            out->page = sqlite3_column_int(st, 3) - 1;
            out->page_end = sqlite3_column_int(st, 4) - 1;
            cols = col_str(st, 5);
            found = 1;
        }
        sqlite3_finalize(st);
    }
    json_value *cv = found == 1 ? json_parse(cols, strlen(cols), e) : NULL;
    if (found == 1 && !cv)
        found = -1;
    if (found == 1) {
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
        VEC(double) vals = {0};
        if (sqlite3_prepare_v2(s->db, "SELECT vals FROM firing_table_rows WHERE doc_id = ?1 AND seq = ?2 ORDER BY"
                               " range_m, row", -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_int64(st, 1, doc_id);
            sqlite3_bind_int(st, 2, seq);
            while (sqlite3_step(st) == SQLITE_ROW) {
                const char *t = (const char *)sqlite3_column_text(st, 0);
                json_value *rv = t ? json_parse(t, strlen(t), NULL) : NULL;
                for (int k = 0; k < out->ncols; k++) {
                    json_value *x = rv ? json_at(rv, (size_t)k) : NULL;
                    VEC_PUSH(vals, x && x->type == JSON_NUMBER ? x->num : NAN);
                }
                json_free(rv);
                out->nrows++;
            }
            sqlite3_finalize(st);
        }
        out->values = vals.v;
    }
    json_free(cv);
    free(cols);
    pthread_mutex_unlock(&s->lock);
    return found;
}

/* The dense index of this back end is hybrid.c's exact scan. */
static int sqlite_vector_knn(store *s, const char *model, int dim, const float *q, int k, store_vector_hits *out,
                             fa_err *e)
{
    return 0;
}

static int sqlite_info_get(store *s, store_info *out, fa_err *e)
{
    memset(out, 0, sizeof *out);
    out->backend = "sqlite";
    out->vector_mode = "in-process exact";
    const char *file = sqlite3_db_filename(s->db, "main");
    snprintf(out->detail, sizeof out->detail, "SQLite %s, %s", sqlite3_libversion(), file && *file ? file : "memory");
    return 0;
}

/* The job queue (migration 4). SQLite has one writer at a time (BEGIN IMMEDIATE), so taking a job needs no
 * row locks: the UPDATE that takes it is atomic. Workers share one machine (the database is a local file). */
#define NOW_ISO "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
#define JOB_COLUMNS "id, path, state, worker, message, created_at, lease_until, finished_at, attempts, pages_done," \
                    " pages_total, doc_id"

static void read_job(sqlite3_stmt *st, store_job *j)
{
    memset(j, 0, sizeof *j);
    j->id = sqlite3_column_int64(st, 0);
    j->path = col_str(st, 1);
    j->state = col_str(st, 2);
    j->worker = col_str(st, 3);
    j->message = col_str(st, 4);
    j->created_at = col_str(st, 5);
    j->lease_until = col_str(st, 6);
    j->finished_at = col_str(st, 7);
    j->attempts = sqlite3_column_int(st, 8);
    j->pages_done = sqlite3_column_int(st, 9);
    j->pages_total = sqlite3_column_int(st, 10);
    j->doc_id = sqlite3_column_int64(st, 11);
}

static int sqlite_job_add(store *s, const char *path, long long *id, fa_err *e)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = -1;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO ingest_jobs (path, created_at) VALUES (?1, " NOW_ISO ")"
                                  " ON CONFLICT DO NOTHING RETURNING id", -1, &st, NULL) == SQLITE_OK) {
        bind_str(st, 1, path);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            *id = sqlite3_column_int64(st, 0);
            rc = 1;
        } else if (step == SQLITE_DONE) {
            rc = 0;
        }
        sqlite3_finalize(st);
    }
    if (rc == 0 && sqlite3_prepare_v2(s->db, "SELECT id FROM ingest_jobs WHERE path = ?1 AND state IN ('queued',"
                                             "'running')", -1, &st, NULL) == SQLITE_OK) {
        bind_str(st, 1, path);
        if (sqlite3_step(st) == SQLITE_ROW)
            *id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    if (rc < 0)
        db_fail(s, e, "queueing a file");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_job_take(store *s, const char *worker, int lease_s, store_job *out, fa_err *e)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = exec(s, "BEGIN IMMEDIATE", e);
    if (rc == 0 && sqlite3_prepare_v2(s->db, "UPDATE ingest_jobs SET state = 'failed', finished_at = " NOW_ISO ","
                                             " lease_until = NULL, message = 'its worker stopped during each of ' || ?1"
                                             " || ' attempts' WHERE state = 'running' AND lease_until < " NOW_ISO
                                             " AND attempts >= ?1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int(st, 1, STORE_JOB_MAX_ATTEMPTS);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_fail(s, e, "taking a job");
        sqlite3_finalize(st);
    }
    if (rc == 0 && sqlite3_prepare_v2(s->db,
            "UPDATE ingest_jobs SET state = 'running', worker = ?1, attempts = attempts + 1, heartbeat = " NOW_ISO ","
            " lease_until = strftime('%Y-%m-%dT%H:%M:%SZ','now','+' || ?2 || ' seconds'), pages_done = 0"
            " WHERE id = (SELECT id FROM ingest_jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < "
            NOW_ISO ") ORDER BY id LIMIT 1) RETURNING " JOB_COLUMNS, -1, &st, NULL) != SQLITE_OK)
        rc = db_fail(s, e, "taking a job");
    if (rc == 0) {
        bind_str(st, 1, worker);
        sqlite3_bind_int(st, 2, lease_s);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            read_job(st, out);
            rc = 1;
        } else if (step != SQLITE_DONE) {
            rc = db_fail(s, e, "taking a job");
        }
        sqlite3_finalize(st);
    }
    if (rc >= 0 && exec(s, "COMMIT", e) != 0)
        rc = -1;
    if (rc < 0)
        exec(s, "ROLLBACK", NULL);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_job_progress(store *s, long long id, const char *worker, int lease_s, int pages_done,
                               int pages_total, fa_err *e)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = -1;
    if (sqlite3_prepare_v2(s->db, "UPDATE ingest_jobs SET heartbeat = " NOW_ISO ", lease_until ="
                                  " strftime('%Y-%m-%dT%H:%M:%SZ','now','+' || ?3 || ' seconds'), pages_done = ?4,"
                                  " pages_total = ?5 WHERE id = ?1 AND worker = ?2 AND state = 'running'",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, id);
        bind_str(st, 2, worker);
        sqlite3_bind_int(st, 3, lease_s);
        sqlite3_bind_int(st, 4, pages_done);
        sqlite3_bind_int(st, 5, pages_total);
        if (sqlite3_step(st) == SQLITE_DONE)
            rc = sqlite3_changes(s->db) > 0;
        sqlite3_finalize(st);
    }
    if (rc < 0)
        db_fail(s, e, "renewing a job's lease");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* Marks the job this worker holds as ended; the caller holds s->lock. 1 ended, 0 not ours, -1 error. */
static int finish_locked(store *s, long long id, const char *worker, bool ok, long long doc_id, const char *message,
                         fa_err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "UPDATE ingest_jobs SET state = ?3, doc_id = ?4, message = ?5, finished_at = "
                                  NOW_ISO ", lease_until = NULL, pages_done = CASE WHEN ?3 = 'done' THEN pages_total"
                                  " ELSE pages_done END WHERE id = ?1 AND worker = ?2 AND state = 'running'",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "ending a job");
    sqlite3_bind_int64(st, 1, id);
    bind_str(st, 2, worker);
    bind_str(st, 3, ok ? "done" : "failed");
    if (doc_id > 0)
        sqlite3_bind_int64(st, 4, doc_id);
    else
        sqlite3_bind_null(st, 4);
    bind_str(st, 5, message);
    int rc = sqlite3_step(st) == SQLITE_DONE ? sqlite3_changes(s->db) > 0 : db_fail(s, e, "ending a job");
    sqlite3_finalize(st);
    return rc;
}

static int sqlite_job_finish(store *s, long long id, const char *worker, bool ok, long long doc_id,
                             const char *message, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    int rc = finish_locked(s, id, worker, ok, doc_id, message, e);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_put_document_job(store *s, store_doc *rec, const doc_document *d, const doc_chunks *chunks,
                                   long long job_id, const char *worker, fa_err *e)
{
    pthread_mutex_lock(&s->lock);
    int rc = exec(s, "BEGIN IMMEDIATE", e);
    if (rc == 0) {
        sqlite3_stmt *st;
        int owned = -1;
        long long same = 0;
        if (sqlite3_prepare_v2(s->db, "SELECT (SELECT count(*) FROM ingest_jobs WHERE id = ?1 AND worker = ?2 AND"
                                      " state = 'running'), (SELECT id FROM documents WHERE path = ?3 AND sha256 = ?4)",
                               -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_int64(st, 1, job_id);
            bind_str(st, 2, worker);
            bind_str(st, 3, rec->path);
            bind_str(st, 4, rec->sha256);
            if (sqlite3_step(st) == SQLITE_ROW) {
                owned = sqlite3_column_int(st, 0) > 0;
                same = sqlite3_column_int64(st, 1);
            }
            sqlite3_finalize(st);
        }
        if (owned < 0)
            rc = db_fail(s, e, "checking the job");
        else if (!owned)
            rc = 1;
        else if (same)
            rec->id = same; /* committed before: the same file is never written twice */
        else
            rc = put_locked(s, rec, d, chunks, e);
        if (rc == 0 && finish_locked(s, job_id, worker, true, rec->id, NULL, e) != 1)
            rc = -1;
        if (rc == 0)
            rc = exec(s, "COMMIT", e);
        if (rc != 0)
            exec(s, "ROLLBACK", NULL);
    }
    s->data_version = s->lengths[0].version = -1;
    s->doc_writes++;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_jobs_list(store *s, store_jobs *out, fa_err *e)
{
    sqlite3_stmt *st;
    pthread_mutex_lock(&s->lock);
    int rc = sqlite3_prepare_v2(s->db, "SELECT " JOB_COLUMNS " FROM ingest_jobs ORDER BY id", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            store_job j;
            read_job(st, &j);
            VEC_PUSH(*out, j);
        }
        sqlite3_finalize(st);
    }
    rc = rc == SQLITE_DONE ? 0 : db_fail(s, e, "listing jobs");
    pthread_mutex_unlock(&s->lock);
    return rc;
}

const store_ops store_sqlite_ops = {"sqlite", sqlite_close, sqlite_serial, sqlite_library_version,
                                     STORE_OPS_TABLE(sqlite)};
