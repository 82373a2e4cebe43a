/* workflow/fsck.c — `motcua fsck`: SQLite's own checks, every blob re-hashed, every stored
 * process re-hashed and parsed, and the invariants between dossiers, tokens, tasks and timers
 * that the runtime keeps (a dossier in processing has somewhere to be; a resting token has a
 * live task; a finished dossier has none). Each problem is reported as one line. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "ctx/ctx.h"
#include "motcua/audit.h"

typedef struct {
	motcua_fsck_cb report;
	void *payload;
	size_t problems;
} fsck_state;

static void problem(fsck_state *fs, const char *fmt, ...) MC_PRINTF(2, 3);

static void problem(fsck_state *fs, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fs->problems++;
	if (fs->report)
		fs->report(line, fs->payload);
}

/* Runs a query whose every row is a problem, described by its first column. */
static int rows_are_problems(fsck_state *fs, motcua_ctx *ctx, const char *sql)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(mc_store_db(ctx->store), sql, -1, &st, NULL) != SQLITE_OK)
		return mc_store_error(ctx->store, "checking the store");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		problem(fs, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : mc_store_error(ctx->store, "checking the store");
}

static const char *const invariant_sql[] = {
	"SELECT 'sqlite: ' || integrity_check FROM pragma_integrity_check"
	" WHERE integrity_check <> 'ok'",
	"SELECT 'foreign key: ' || \"table\" || ' row ' || rowid || ' names a missing ' || parent"
	" FROM pragma_foreign_key_check",
	"SELECT 'dossier ' || code || ': ' || status || ' but nothing is in progress'"
	" FROM dossier WHERE status IN ('processing', 'paused') AND NOT EXISTS"
	" (SELECT 1 FROM token WHERE token.dossier_id = dossier.id)",
	"SELECT 'dossier ' || code || ': ' || status || ' but still has tokens or open tasks'"
	" FROM dossier WHERE status NOT IN ('processing', 'paused') AND (EXISTS"
	" (SELECT 1 FROM token WHERE token.dossier_id = dossier.id) OR EXISTS (SELECT 1 FROM task"
	" WHERE task.dossier_id = dossier.id AND task.state IN ('open','claimed','running')))",
	"SELECT 'dossier ' || code || ': paused without a pause time' FROM dossier"
	" WHERE (status = 'paused') <> (paused_at IS NOT NULL)",
	"SELECT 'token ' || token.id || ' at ' || token.node || ': active with no live task'"
	" FROM token WHERE state = 'active' AND NOT EXISTS (SELECT 1 FROM task"
	" WHERE task.token_id = token.id AND task.state IN ('open','claimed','running','error'))",
	"SELECT 'task ' || task.id || ' (' || task.node || '): live but its token is gone'"
	" FROM task WHERE task.state IN ('open','claimed','running','error') AND NOT EXISTS"
	" (SELECT 1 FROM token WHERE token.id = task.token_id)",
	"SELECT 'timer ' || timer.id || ': pending on task ' || task.id || ' which is '"
	" || task.state FROM timer JOIN task ON task.id = timer.task_id"
	" WHERE timer.state = 'pending' AND task.state IN ('done', 'cancelled')",
	"SELECT 'task ' || id || ': claimed by nobody' FROM task"
	" WHERE state = 'claimed' AND assignee IS NULL",
	NULL
};

static int check_blobs(fsck_state *fs, motcua_ctx *ctx)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(mc_store_db(ctx->store), "SELECT hash FROM blob ORDER BY hash", -1,
	    &st, NULL) != SQLITE_OK)
		return mc_store_error(ctx->store, "listing blobs");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *hash = (const char *)sqlite3_column_text(st, 0);
		int error = mc_blob_check(ctx->store, hash);

		if (error == MOTCUA_ERROR) {
			sqlite3_finalize(st);
			return error;
		}
		if (error < 0)
			problem(fs, "%s", motcua_error_last());
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : mc_store_error(ctx->store, "listing blobs");
}

static int check_processes(fsck_state *fs, motcua_ctx *ctx)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(mc_store_db(ctx->store), "SELECT hash, xml, file FROM process", -1,
	    &st, NULL) != SQLITE_OK)
		return mc_store_error(ctx->store, "listing processes");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *hash = (const char *)sqlite3_column_text(st, 0);
		const void *xml = sqlite3_column_blob(st, 1);
		size_t len = (size_t)sqlite3_column_bytes(st, 1);
		char got[MC_HASH_HEX];
		mc_process *p = NULL;

		if (mc_sha256_hex(got, xml ? xml : "", len) == 0 && strcmp(got, hash) != 0)
			problem(fs, "process %s (%s): stored text hashes to %s", hash,
				(const char *)sqlite3_column_text(st, 2), got);
		else if (mc_bpmn_load_buffer(&p, xml, len, (const char *)sqlite3_column_text(st, 2))
		    < 0)
			problem(fs, "process %s: %s", hash, motcua_error_last());
		mc_process_free(p);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : mc_store_error(ctx->store, "listing processes");
}

int motcua_fsck(size_t *problems, motcua_ctx *ctx, motcua_fsck_cb report, void *payload)
{
	fsck_state fs = { report, payload, 0 };
	int error = 0;

	for (size_t i = 0; invariant_sql[i] && error == 0; i++)
		error = rows_are_problems(&fs, ctx, invariant_sql[i]);
	if (error == 0)
		error = check_blobs(&fs, ctx);
	if (error == 0)
		error = check_processes(&fs, ctx);
	if (problems)
		*problems = fs.problems;
	if (error == 0 && fs.problems)
		error = mc_error(MOTCUA_ECORRUPT, "fsck: %zu problem%s found", fs.problems,
			fs.problems == 1 ? "" : "s");
	return error;
}
