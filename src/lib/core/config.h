/*
 * config.h - settings from the environment and from a config file, for the settings that have an environment
 * variable (model server, models, the vector index). Precedence: a command-line flag (the caller's), then the
 * environment, then the config file, then the caller's default.
 *
 *     if (fa_settings_load(&err) != 0) ... err.msg names the file and line
 *     const char *url = fa_setting("FAGPT_LLM_URL");     environment, else the file's llm_url, else NULL
 *
 * The file is the first of: $FAGPT_CONFIG (which must exist), DATA/config where DATA is --home
 * (fa_settings_home) or $FAGPT_HOME, $XDG_CONFIG_HOME/fagpt/config (default ~/.config/fagpt/config). Lines are
 * `key = value`; blank lines and lines starting with # are skipped; a value may be in double quotes. A key is
 * the variable's name in lower case without FAGPT_ (FAGPT_CHAT_MODEL: chat_model; OPENAI_API_KEY:
 * openai_api_key; case and a leading FAGPT_ are ignored). An empty value is the same as no line. A line without '=', an unknown key or a key given twice
 * is an error naming the file and the line.
 */
#ifndef FAGPT_CONFIG_H
#define FAGPT_CONFIG_H

#include "core.h"

/* The variables a config file may set (NULL-terminated). */
extern const char *const fa_setting_names[];

/* The data folder from --home, to find DATA/config before the first load. */
void fa_settings_home(const char *home);
/* Reads the config file once (later calls return the first result). 0 also when there is no file. */
int fa_settings_load(fa_err *e);
/* The variable's value: the environment's when set and not empty, else the loaded file's, else NULL. */
const char *fa_setting(const char *name);
/* The file that was read, NULL when none. */
const char *fa_settings_path(void);
/* Forgets what was loaded (tests). */
void fa_settings_reset(void);

#endif
