/* config.c - the config file and the environment behind fa_setting (see config.h). */
#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

const char *const fa_setting_names[] = {
    "FAGPT_LLM_URL", "FAGPT_LLM_API", "FAGPT_CHAT_MODEL", "FAGPT_EMBED_MODEL", "FAGPT_VISION_MODEL",
    "FAGPT_DOC_MODEL", "FAGPT_RERANK_MODEL", "FAGPT_LLM", "FAGPT_LLM_TIMEOUT", "FAGPT_LLM_RETRIES",
    "FAGPT_VECTOR_INDEX", "OLLAMA_HOST", "OPENAI_BASE_URL", "OPENAI_API_KEY", NULL,
};
#define NSETTINGS (sizeof fa_setting_names / sizeof fa_setting_names[0] - 1)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool loaded;
static int load_rc;
static fa_err load_err;
static char *home, *path;
static char *values[NSETTINGS];

/* The file key of a variable: lower case, FAGPT_ dropped. */
static void key_of(const char *name, char *out, size_t n)
{
    if (!strncmp(name, "FAGPT_", 6))
        name += 6;
    size_t i = 0;
    for (; name[i] && i + 1 < n; i++)
        out[i] = (char)tolower((unsigned char)name[i]);
    out[i] = 0;
}

/* A key as written: chat_model, CHAT_MODEL or FAGPT_CHAT_MODEL. */
static int index_of_key(const char *key)
{
    char k[64];
    if (!strncasecmp(key, "fagpt_", 6))
        key += 6;
    for (size_t i = 0; i < NSETTINGS; i++) {
        key_of(fa_setting_names[i], k, sizeof k);
        if (!strcasecmp(k, key))
            return (int)i;
    }
    return -1;
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int fail_line(fa_err *e, const char *file, int line, const char *what, const char *detail)
{
    return fa_fail(e, "%s:%d: %s%s; each line is `key = value` (see README, Configuration)", file, line, what,
                   detail ? detail : "");
}

static int parse(const char *file, char *text, fa_err *e)
{
    int line = 0;
    for (char *p = text, *next; p && *p; p = next) {
        line++;
        char *nl = strchr(p, '\n');
        next = nl ? nl + 1 : NULL;
        if (nl)
            *nl = 0;
        char *s = fa_trim(p);
        if (!*s || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq)
            return fail_line(e, file, line, "no '=' in this line", NULL);
        *eq = 0;
        char *key = fa_trim(s), *val = fa_trim(eq + 1);
        if (!*key)
            return fail_line(e, file, line, "no key before '='", NULL);
        size_t vn = strlen(val);
        if (*val == '"') {
            if (vn < 2 || val[vn - 1] != '"')
                return fail_line(e, file, line, "a quoted value without its closing quote", NULL);
            val[vn - 1] = 0;
            val++;
        }
        int i = index_of_key(key);
        if (i < 0) {
            strbuf known = {0};
            for (size_t j = 0; j < NSETTINGS; j++) {
                char k[64];
                key_of(fa_setting_names[j], k, sizeof k);
                sb_addf(&known, "%s%s", j ? ", " : "", k);
            }
            char *d = xasprintf(" '%s' (known: %s)", key, known.s);
            fail_line(e, file, line, "unknown key", d);
            free(d);
            sb_free(&known);
            return -1;
        }
        if (values[i])
            return fail_line(e, file, line, "a key given twice: ", key);
        values[i] = *val ? xstrdup(val) : xstrdup("");
    }
    return 0;
}

static char *find_file(fa_err *e, bool *missing_explicit)
{
    const char *explicit = getenv("FAGPT_CONFIG");
    *missing_explicit = false;
    if (explicit && *explicit) {
        if (!is_file(explicit))
            *missing_explicit = true;
        return xstrdup(explicit);
    }
    const char *h = home ? home : getenv("FAGPT_HOME");
    if (h && *h) {
        char *p = xasprintf("%s/config", h);
        if (is_file(p))
            return p;
        free(p);
    }
    const char *xdg = getenv("XDG_CONFIG_HOME"), *uh = getenv("HOME");
    char *p = xdg && *xdg ? xasprintf("%s/fagpt/config", xdg)
                          : uh && *uh ? xasprintf("%s/.config/fagpt/config", uh) : NULL;
    if (p && is_file(p))
        return p;
    free(p);
    return NULL;
}

int fa_settings_load(fa_err *e)
{
    pthread_mutex_lock(&lock);
    if (!loaded) {
        loaded = true;
        bool missing = false;
        path = find_file(&load_err, &missing);
        if (missing) {
            load_rc = fa_fail(&load_err, "the config file %s (FAGPT_CONFIG) does not exist; create it or unset "
                                         "FAGPT_CONFIG", path);
        } else if (path) {
            char *text = fa_read_file(path, NULL, &load_err);
            load_rc = text ? parse(path, text, &load_err) : -1;
            free(text);
        }
        if (load_rc != 0)
            for (size_t i = 0; i < NSETTINGS; i++) {
                free(values[i]);
                values[i] = NULL;
            }
    }
    int rc = load_rc;
    if (rc != 0 && e)
        *e = load_err;
    pthread_mutex_unlock(&lock);
    return rc;
}

const char *fa_setting(const char *name)
{
    const char *v = getenv(name);
    if (v && *v)
        return v;
    fa_settings_load(NULL);
    for (size_t i = 0; i < NSETTINGS; i++)
        if (!strcmp(fa_setting_names[i], name))
            return values[i] && *values[i] ? values[i] : NULL;
    return NULL;
}

const char *fa_settings_path(void)
{
    fa_settings_load(NULL);
    return load_rc == 0 ? path : NULL;
}

void fa_settings_home(const char *h)
{
    pthread_mutex_lock(&lock);
    free(home);
    home = h ? xstrdup(h) : NULL;
    pthread_mutex_unlock(&lock);
}

void fa_settings_reset(void)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < NSETTINGS; i++) {
        free(values[i]);
        values[i] = NULL;
    }
    free(path);
    path = NULL;
    free(home);
    home = NULL;
    loaded = false;
    load_rc = 0;
    pthread_mutex_unlock(&lock);
}
