/* ctx/ctx.h — what a motcua_ctx holds. Only the library sees this: the store, the calendar,
 * the acting user, the clock, and caches (parsed processes, loaded plugins). */
#ifndef MC_CTX_H
#define MC_CTX_H

#include "motcua/ctx.h"
#include "store/store.h"
#include "workflow/bpmn.h"

typedef struct mc_plugins mc_plugins;

struct motcua_ctx {
	mc_store *store;
	motcua_calendar *cal;
	char *plugin_dir;
	char *user;
	int64_t now;             /* 0: the real clock */
	struct {
		char hash[MC_HASH_HEX];
		mc_process *proc;
	} *processes;
	size_t n_processes;
	mc_plugins *plugins;
};

/* The parsed process stored under `hash`, loaded from the store once per context. */
int mc_ctx_process(const mc_process **out, motcua_ctx *ctx, const char *hash);

#endif
