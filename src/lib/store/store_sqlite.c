/*
 * store_sqlite.c - the SQLite store (see store.h): schema and migrations, one transaction per document,
 * FTS5 search, and access to FTS5's own tokenizer so that query terms are stemmed exactly as the index was.
 */
#include "store_ops.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/json.h"

/* The search path's statements, prepared once per handle (preparing costs as much as running them). */
enum { STMT_FTS, STMT_FTS_PAGES, STMT_EXPANSIONS, STMT_PHRASE_TERMS, STMT_DF, STMT_COUNT_CHUNKS, STMT_DATA_VERSION,
       STMT_COUNT };

struct store {
    const store_ops *ops;   /* first: see store_ops.h */
    sqlite3 *db;
    pthread_mutex_t lock;
    fts5_tokenizer tokenizer;
    Fts5Tokenizer *tok;
    long long total_chunks;
    int data_version;       /* PRAGMA data_version when total_chunks was counted; -1 unknown */
    sqlite3_stmt *cache[STMT_COUNT]; /* prepared once: the statements of the search path */
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
    /* 4: the ingest job queue (store.h): one row per queued file, with its worker's lease and progress */
    "CREATE TABLE ingest_jobs (id INTEGER PRIMARY KEY, path TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','running','done','failed')),"
    "  worker TEXT, lease_until TEXT, heartbeat TEXT, attempts INTEGER NOT NULL DEFAULT 0,"
    "  pages_done INTEGER NOT NULL DEFAULT 0, pages_total INTEGER NOT NULL DEFAULT 0, doc_id INTEGER, message TEXT,"
    "  created_at TEXT NOT NULL, finished_at TEXT);"
    "CREATE UNIQUE INDEX ingest_jobs_open ON ingest_jobs(path) WHERE state IN ('queued','running');",
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
    return exec(s, "COMMIT", e);
}

static void sqlite_close(store *s);

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

store *store_sqlite_open(const char *db_path, fa_err *e)
{
    store *s = xcalloc(1, sizeof *s);
    s->ops = &store_sqlite_ops;
    pthread_mutex_init(&s->lock, NULL);
    s->data_version = -1;
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
    return s;
}

/* A cached statement, reset and ready for new bindings; NULL (with the error in e) when it cannot be prepared.
 * Callers hold s->lock while they use it. */
static sqlite3_stmt *cached(store *s, int slot, const char *sql, fa_err *e)
{
    sqlite3_stmt *st = s->cache[slot];
    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return st;
    }
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        fa_fail(e, "database error: %s", sqlite3_errmsg(s->db));
        return NULL;
    }
    s->cache[slot] = st;
    return st;
}

static void sqlite_close(store *s)
{
    if (!s)
        return;
    for (int i = 0; i < STMT_COUNT; i++)
        sqlite3_finalize(s->cache[i]);
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
                    "pages, chunks, status, ingested_at, size_bytes"

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

static int put_locked(store *s, store_doc *rec, const doc_document *d, const doc_chunks *chunks, fa_err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id FROM documents WHERE path = ?1", -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "replacing the old version");
    bind_str(st, 1, rec->path);
    long long old_id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (old_id && (adjust_term_stats(s, old_id, -1, e) != 0 ||
                   run_with_id(s, "DELETE FROM chunks WHERE doc_id = ?1", old_id, e, "replacing the old version") != 0 ||
                   run_with_id(s, "DELETE FROM documents WHERE id = ?1", old_id, e, "replacing the old version") != 0))
        return -1;
    int rc;

    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO documents (path, file_name, sha256, publication, title, pub_date, distribution,"
                           " supersedes, pages, chunks, status, ingested_at, size_bytes) VALUES (?1,?2,?3,?4,?5,?6,?7,"
                           "?8,?9,?10,'ready',strftime('%Y-%m-%dT%H:%M:%SZ','now'),?11)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, e, "adding the document");
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
                                  " boxes) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)", -1, &st, NULL) != SQLITE_OK)
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
    s->data_version = -1;
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
        rc = rc == 0 ? exec(s, "COMMIT", e) : (exec(s, "ROLLBACK", NULL), -1);
    }
    s->data_version = -1;
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

static int sqlite_fts(store *s, const char *match, int limit, store_hits *out, fa_err *e)
{
    sqlite3_stmt *st;
    const char *sql =
        "SELECT c.id, c.doc_id, d.file_name, d.publication, d.title, c.page_start, c.page_end,"
        " (SELECT label FROM pages WHERE doc_id = c.doc_id AND page = c.page_start),"
        " (SELECT label FROM pages WHERE doc_id = c.doc_id AND page = c.page_end),"
        " c.section, c.paragraph, c.text, c.boxes, -f.rank"
        " FROM (SELECT rowid, rank FROM chunks_fts WHERE chunks_fts MATCH ?1"
        "       AND rank MATCH 'bm25(1.5, 1.0)' ORDER BY rank LIMIT ?2) f"
        " JOIN chunks c ON c.id = f.rowid JOIN documents d ON d.id = c.doc_id ORDER BY f.rank";
    pthread_mutex_lock(&s->lock);
    if (!(st = cached(s, STMT_FTS, sql, e))) {
        pthread_mutex_unlock(&s->lock);
        return -1;
    }
    bind_str(st, 1, match);
    sqlite3_bind_int(st, 2, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
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
        VEC_PUSH(*out, h);
    }
    sqlite3_reset(st);
    rc = rc == SQLITE_DONE ? 0 : fts_fail(s, e, match);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sqlite_fts_pages(store *s, const char *match, int limit, store_page_scores *out, fa_err *e)
{
    sqlite3_stmt *st;
    const char *sql = "SELECT p.doc_id, p.page, -f.rank FROM (SELECT rowid, rank FROM pages_fts WHERE pages_fts MATCH ?1"
                      " ORDER BY rank LIMIT ?2) f JOIN pages p ON p.id = f.rowid ORDER BY f.rank";
    pthread_mutex_lock(&s->lock);
    if (!(st = cached(s, STMT_FTS_PAGES, sql, e))) {
        pthread_mutex_unlock(&s->lock);
        return -1;
    }
    bind_str(st, 1, match);
    sqlite3_bind_int(st, 2, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_page_score p = {sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1), sqlite3_column_double(st, 2)};
        VEC_PUSH(*out, p);
    }
    sqlite3_reset(st);
    rc = rc == SQLITE_DONE ? 0 : fts_fail(s, e, match);
    pthread_mutex_unlock(&s->lock);
    return rc;
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
    s->data_version = -1;
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

const store_ops store_sqlite_ops = {"sqlite", sqlite_close, STORE_OPS_TABLE(sqlite)};
