/*
 * llm.h - language models over HTTP: Ollama's native API and OpenAI-compatible servers (llama.cpp's
 * llama-server, vLLM), and answers grounded in the library's passages with validated [n] citations.
 *
 *     llm_config cfg;
 *     llm_config_load(&cfg, NULL, &err);          flags (llm_flags) over environment over defaults
 *     if (cfg.api != LLM_NONE) {
 *         llm_message m[] = {{"user", "hello"}};
 *         char *text;
 *         llm_chat(&cfg, m, 1, on_token, arg, &text, &err);   on_token NULL: one non-streamed request
 *     }
 *     llm_config_free(&cfg);
 *
 * Configuration: FAGPT_LLM_URL (else OLLAMA_HOST, else OPENAI_BASE_URL, else http://127.0.0.1:11434 when
 * something answers there, else no server), FAGPT_LLM_API=ollama|openai (default: detected by asking the
 * server), FAGPT_CHAT_MODEL, FAGPT_EMBED_MODEL, FAGPT_VISION_MODEL, FAGPT_DOC_MODEL (llm_convert_page),
 * OPENAI_API_KEY (sent as a bearer token),
 * FAGPT_RERANK_MODEL (llm_rerank), FAGPT_LLM=off; each may also be set in the config file (core/config.h).
 *
 * Every request has a timeout (FAGPT_LLM_TIMEOUT seconds, default 120; for a stream it is the longest silence
 * allowed) and is retried with backoff (0.25 s, 0.5 s, 1 s...) on connection errors and on 5xx and 429
 * answers, FAGPT_LLM_RETRIES times (default 2); a 429 or 503 with Retry-After waits the delay it asks for (up to
 * 30 s and the timeout; a longer one fails at once, saying so); a stream is never retried once tokens have been
 * delivered.
 * Errors name the server and say what to do.
 */
#ifndef FAGPT_LLM_H
#define FAGPT_LLM_H

#include <signal.h>

#include "answer/answer.h"
#include "core/core.h"
#include "search/search.h"
#include "store/store.h"

typedef enum { LLM_NONE, LLM_OLLAMA, LLM_OPENAI } llm_api;

/* Command-line values; NULL fields fall through to the environment. */
typedef struct llm_flags {
    const char *url, *api, *chat_model, *embed_model, *vision_model, *rerank_model, *doc_model;
} llm_flags;

typedef struct llm_config {
    llm_api api;
    char *url;          /* base URL without a trailing slash; for OpenAI it ends in /v1 */
    char *chat_model, *embed_model, *vision_model, *rerank_model, *doc_model, *api_key;
    const char *source; /* where the URL came from: "FAGPT_LLM_URL", "OLLAMA_HOST", "default"... */
    char *why_none;     /* when api is LLM_NONE: why, for the user */
    bool off;           /* FAGPT_LLM=off: no server wanted (api LLM_NONE), nothing to tell the user */
    int timeout_ms, retries;
    /* When not NULL and set nonzero (a SIGINT handler), the request in flight stops within 100 ms and fails
     * with "stopped"; no retry follows. */
    const volatile sig_atomic_t *cancel;
} llm_config;

/* Fills cfg. Detection may ask the server (/api/version, /v1/models) with a short timeout. Returns -1 only on
 * a bad value (an unknown FAGPT_LLM_API, a malformed URL); an absent or silent server is api LLM_NONE. */
int llm_config_load(llm_config *cfg, const llm_flags *flags, fa_err *e);
void llm_config_free(llm_config *cfg);
const char *llm_api_name(llm_api api);
/* When a server's error message is a GPU failure (MIOpen's read-only database, a HIP/ROCm or CUDA error), the
 * doctor's diagnosis to append to it; NULL otherwise. */
const char *llm_gpu_hint(const char *server_message);

typedef struct llm_message {
    const char *role;   /* "system", "user", "assistant" */
    const char *content;
    const void *image;  /* optional image (PNG, JPEG, GIF, WebP bytes) sent with the message; NULL for none */
    size_t image_len;
} llm_message;

/* Called with each piece of the answer as it arrives; return nonzero to stop the request. */
typedef int (*llm_token_fn)(const char *text, size_t n, void *arg);

/* Chat with cfg->chat_model. With on_token the answer is streamed (Ollama NDJSON, OpenAI SSE) and also
 * returned whole in *out (caller frees). */
int llm_chat(const llm_config *cfg, const llm_message *msgs, size_t nmsgs, llm_token_fn on_token, void *arg,
             char **out, fa_err *e);

/* Describes an image with cfg->vision_model (Ollama "images", OpenAI "image_url" content with a data: URL):
 * like llm_chat, streamed when on_token is given. An image that is not PNG, JPEG, GIF or WebP is refused. */
int llm_describe_image(const llm_config *cfg, const void *image, size_t len, const char *prompt,
                       llm_token_fn on_token, void *arg, char **out, fa_err *e);
/* Has cfg->doc_model convert a page image into DocTags or Markdown (doc_parse_conversion reads either), with
 * llm_convert_prompt's instruction, in one non-streamed request. *out: the model's text (caller frees). */
int llm_convert_page(const llm_config *cfg, const void *image, size_t len, char **out, fa_err *e);
/* The instruction sent with a page: a model whose name says docling (granite-docling, SmolDocling) gets the one
 * it was trained on, "Convert this page to docling.", and writes DocTags; any other vision model is asked for
 * Markdown. */
const char *llm_convert_prompt(const char *model);
/* The MIME type of an image from its first bytes, NULL when it is none of PNG, JPEG, GIF, WebP. */
const char *llm_image_mime(const void *image, size_t len);

/* Embeds texts with cfg->embed_model in one request: *vecs gets n * *dim floats (caller frees). When
 * expect_dim > 0 and the server's vectors have another dimension, that is an error saying so. */
int llm_embed(const llm_config *cfg, const char *const *texts, size_t n, int expect_dim, float **vecs, int *dim,
              fa_err *e);

/*
 * Embeds the library's passages that have no vector from cfg->embed_model, batch texts per request, storing
 * each batch as it comes (an interrupted run resumes where it stopped). again: drop every vector first and
 * embed all (`fagpt reembed`, after the model changed). The vectors are normalised; when the library already
 * holds vectors from this model, a server answering with another dimension is an error saying so.
 */
typedef struct llm_embed_stats {
    long long embedded;
    int requests, dim;
    double seconds;
} llm_embed_stats;
typedef void (*llm_embed_progress_fn)(long long embedded, void *arg);
int llm_embed_library(const llm_config *cfg, store *s, int batch, bool again, llm_embed_progress_fn fn, void *arg,
                      llm_embed_stats *st, fa_err *e);

/* The passages for a question: hybrid (search_hybrid) when an embedding model is configured and the library
 * holds its vectors, else BM25 (search_run). Vectors from another model, or of another dimension than the
 * server now gives, are an error that says what to do. With a rerank model, LLM_RERANK_POOL(k) candidates are
 * retrieved and llm_rerank keeps the best k of them (one extra request per question). */
#define LLM_RERANK_POOL(k) ((k) * 3 > 20 ? (k) * 3 : 20)
int llm_retrieve(const llm_config *cfg, store *s, const search_query *q, int k, store_hits *out, fa_err *e);

/*
 * Scores n passages for a query with cfg->rerank_model (higher is better), into scores[n]. An OpenAI-compatible
 * server is asked POST /v1/rerank {"model", "query", "documents", "top_n"} and answers {"results": [{"index",
 * "relevance_score"}]} (llama.cpp's llama-server with --reranking, vLLM, Jina); with Ollama, which has no rerank
 * endpoint, or with FAGPT_RERANK_MODEL=chat, the model (the chat model for "chat") is asked in one chat request
 * to score every passage 0-10 as JSON. Either way one request per question.
 */
int llm_rerank(const llm_config *cfg, const char *query, const char *const *docs, size_t n, float *scores,
               fa_err *e);

/* The models the server offers (names), and its version when it tells (Ollama; else NULL). */
int llm_list_models(const llm_config *cfg, str_vec *out, char **version, fa_err *e);
/* The models loaded in memory now (Ollama's /api/ps): size in bytes, the part in GPU memory, and when Ollama
 * unloads it. Returns 1 (nothing filled) for an OpenAI-compatible server, which does not tell. */
typedef struct llm_loaded {
    char *name;
    double size, size_vram;
    char *expires_at;   /* RFC 3339, or NULL */
} llm_loaded;
typedef VEC(llm_loaded) llm_loaded_list;
int llm_loaded_models(const llm_config *cfg, llm_loaded_list *out, fa_err *e);
void llm_loaded_list_free(llm_loaded_list *v);

/*
 * A grounded answer: retrieves up to k passages (llm_retrieve), gives them to the chat model as numbered sources
 * (quoted data between <source> tags, never instructions), and keeps only [n] citations that name a source that
 * was given (others are dropped from the text, the streamed text included). found is true when a valid citation remains.
 * out->mode is "llm". On a model failure returns -1 with e filled and out untouched; the caller falls back to
 * answer_extractive.
 */
int llm_answer(const llm_config *cfg, store *s, const char *question, int k, llm_token_fn on_token, void *arg,
               answer *out, fa_err *e);
/* The same over the documents filter allows (access labels and filters, see search.h; NULL: all). */
int llm_answer_for(const llm_config *cfg, store *s, const char *question, const search_filter *filter, int k,
                   llm_token_fn on_token, void *arg, answer *out, fa_err *e);

/* Rewrites a follow-up question ("and at night?") into one that stands alone, from the previous question and
 * answer, with one short chat request. *out gets the question to retrieve with (caller frees); -1 with e
 * filled on any failure, when the caller goes on with the question as asked. */
int llm_rewrite_question(const llm_config *cfg, const char *prev_question, const char *prev_answer,
                         const char *question, char **out, fa_err *e);

/* The citation filter llm_answer applies, over a whole text: keeps [n] (and [n, m]) with 1 <= n <= nsources,
 * drops the others; *cited (when not NULL) gets a bit per valid source (bit n-1). Caller frees. */
char *llm_filter_citations(const char *text, int nsources, uint64_t *cited);

#endif
