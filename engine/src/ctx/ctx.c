/* ctx/ctx.c — opening and closing the engine handle, the clock, the acting user, and the
 * per-context cache of parsed processes. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/time.h"
#include "ctx/ctx.h"
#include "workflow/audit.h"
#include "workflow/jobs.h"
#include "workflow/plugin.h"

static int default_plugin_dir(char **out)
{
	const char *env = getenv("MOTCUA_PLUGINS");
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env && *env)
		return (*out = strdup(env)) ? 0 : mc_error_oom();
	/* the plugins/ folder beside the program, as the build and an install lay them out */
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 16)) <= 0)
		return (*out = strdup("plugins")) ? 0 : mc_error_oom();
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')))
		strcpy(slash + 1, "plugins");
	return (*out = strdup(exe)) ? 0 : mc_error_oom();
}

static int load_calendar(motcua_ctx *ctx, const char *file)
{
	static const char sql[] = "SELECT value FROM setting WHERE key = 'calendar'";
	sqlite3_stmt *st;
	int error;

	if (file)
		return motcua_calendar_load(&ctx->cal, file);
	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);

		error = motcua_calendar_parse(&ctx->cal, text, strlen(text), "calendar (in store)");
		sqlite3_reset(st);
		return error;
	}
	sqlite3_reset(st);
	return motcua_calendar_new(&ctx->cal);
}

int motcua_ctx_open(motcua_ctx **out, const motcua_ctx_options *opts)
{
	motcua_ctx *ctx;
	int error;

	*out = NULL;
	if (!opts || !opts->store_dir || !*opts->store_dir)
		return mc_error(MOTCUA_EINVALID, "no store folder given");
	if (!(ctx = calloc(1, sizeof(*ctx))))
		return mc_error_oom();
	if ((error = mc_store_open(&ctx->store, opts->store_dir, opts->create)) < 0 ||
	    (error = load_calendar(ctx, opts->calendar_file)) < 0)
		goto fail;
	if (opts->plugin_dir)
		error = (ctx->plugin_dir = strdup(opts->plugin_dir)) ? 0 : mc_error_oom();
	else
		error = default_plugin_dir(&ctx->plugin_dir);
	if (error < 0)
		goto fail;
	*out = ctx;
	return 0;
fail:
	motcua_ctx_free(ctx);
	return error;
}

void motcua_ctx_free(motcua_ctx *ctx)
{
	if (!ctx)
		return;
	for (size_t i = 0; i < ctx->n_processes; i++)
		mc_process_free(ctx->processes[i].proc);
	free(ctx->processes);
	mc_plugins_free(ctx->plugins);
	mc_store_close(ctx->store);
	motcua_calendar_free(ctx->cal);
	free(ctx->plugin_dir);
	free(ctx->user);
	free(ctx);
}

int motcua_ctx_set_user(motcua_ctx *ctx, const char *user)
{
	char *copy = NULL;

	if (user && !(copy = strdup(user)))
		return mc_error_oom();
	free(ctx->user);
	ctx->user = copy;
	return 0;
}

const char *motcua_ctx_user(const motcua_ctx *ctx)
{
	return ctx->user;
}

void motcua_ctx_set_now(motcua_ctx *ctx, int64_t t)
{
	ctx->now = t;
}

int64_t motcua_ctx_now(const motcua_ctx *ctx)
{
	return ctx->now ? ctx->now : mc_time_now();
}

const motcua_calendar *motcua_ctx_calendar(const motcua_ctx *ctx)
{
	return ctx->cal;
}

int mc_ctx_process(const mc_process **out, motcua_ctx *ctx, const char *hash)
{
	static const char sql[] = "SELECT xml, file FROM process WHERE hash = ?";
	sqlite3_stmt *st;
	mc_process *proc = NULL;
	void *grown;
	int error;

	for (size_t i = 0; i < ctx->n_processes; i++) {
		if (strcmp(ctx->processes[i].hash, hash) == 0) {
			*out = ctx->processes[i].proc;
			return 0;
		}
	}
	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return mc_error(MOTCUA_ECORRUPT, "process %s: missing from the store", hash);
	}
	error = mc_bpmn_load_buffer(&proc, sqlite3_column_blob(st, 0),
		(size_t)sqlite3_column_bytes(st, 0), (const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	if (error < 0)
		return error;
	if (!(grown = realloc(ctx->processes, (ctx->n_processes + 1) * sizeof(*ctx->processes)))) {
		mc_process_free(proc);
		return mc_error_oom();
	}
	ctx->processes = grown;
	memcpy(ctx->processes[ctx->n_processes].hash, hash, MC_HASH_HEX);
	ctx->processes[ctx->n_processes].proc = proc;
	ctx->n_processes++;
	*out = proc;
	return 0;
}

int motcua_calendar_install(motcua_ctx *ctx, const char *path)
{
	static const char sql[] =
		"INSERT INTO setting(key, value) VALUES('calendar', ?)"
		" ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	motcua_calendar *cal = NULL;
	char *text = NULL, hash[MC_HASH_HEX], detail[160];
	sqlite3_stmt *st;
	size_t len = 0;
	int error;

	if ((error = motcua_calendar_load(&cal, path)) < 0)
		return error;
	if ((error = mc_read_file(&text, &len, path)) < 0 ||
	    (error = mc_sha256_hex(hash, text, len)) < 0 ||
	    (error = mc_store_begin(ctx->store)) < 0)
		goto done;
	snprintf(detail, sizeof(detail), "{\"sha256\":\"%s\"}", hash);
	if ((error = mc_require_admin(ctx, "calendar set")) < 0 ||
	    (error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, text, (int)len, SQLITE_STATIC);
	if ((error = mc_store_exec_int(NULL, ctx->store, st)) < 0 ||
	    (error = mc_audit_append(ctx, "calendar.set", 0, 0, detail)) < 0 ||
	    (error = mc_store_commit(ctx->store)) < 0)
		goto done;
	motcua_calendar_free(ctx->cal);
	ctx->cal = cal;
	cal = NULL;
done:
	mc_store_rollback(ctx->store);
	motcua_calendar_free(cal);
	free(text);
	return error;
}
