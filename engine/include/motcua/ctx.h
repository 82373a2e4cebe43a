/* motcua/ctx.h — the engine handle: one open store, its working-day calendar, the plugin
 * folder, the acting user and the clock. Everything motcua does takes one. A context is used by
 * one thread at a time; open one per thread or process. */
#ifndef MOTCUA_CTX_H
#define MOTCUA_CTX_H

#include "motcua/calendar.h"
#include "motcua/common.h"

typedef struct {
	unsigned int version;
	const char *store_dir;     /* required */
	bool create;               /* make the store if it is not there */
	const char *plugin_dir;    /* NULL: $MOTCUA_PLUGINS, else plugins/ beside the program */
	const char *calendar_file; /* NULL: the calendar kept in the store */
} motcua_ctx_options;
#define MOTCUA_CTX_OPTIONS_INIT { 1, NULL, false, NULL, NULL }

int motcua_ctx_open(motcua_ctx **out, const motcua_ctx_options *opts);
void motcua_ctx_free(motcua_ctx *ctx);

/* The acting user's name (NULL: none), checked against the store's users on each action. */
int motcua_ctx_set_user(motcua_ctx *ctx, const char *user);
const char *motcua_ctx_user(const motcua_ctx *ctx);

/* Freezes the clock at t (UTC seconds), for the demo, tests and back-dated entry; 0 resumes
 * the real clock. */
void motcua_ctx_set_now(motcua_ctx *ctx, int64_t t);
int64_t motcua_ctx_now(const motcua_ctx *ctx);

const motcua_calendar *motcua_ctx_calendar(const motcua_ctx *ctx);

/* Replaces the store's calendar with the file's, after checking it (an audited change). */
int motcua_calendar_install(motcua_ctx *ctx, const char *path);

#endif
