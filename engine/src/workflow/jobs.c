/* workflow/jobs.c — the service-task runner and the role check shared by every action. Plugins
 * run between transactions so a slow one (OCR, signing) never holds the store's write lock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "workflow/audit.h"
#include "workflow/jobs.h"
#include "workflow/plugin.h"
#include "workflow/runtime.h"
#include "workflow/vars.h"

int mc_user_may(motcua_ctx *ctx, const char *role, const char *agency)
{
	static const char sql[] =
		"SELECT 1 FROM user JOIN user_role ON user_role.user = user.name"
		" WHERE user.name = ? AND user_role.role = ? AND user.agency = ?";
	sqlite3_stmt *st;
	int error;

	if (!ctx->user)
		return mc_error(MOTCUA_EDENIED, "no acting user: give --user or set MOTCUA_USER");
	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_text(st, 1, ctx->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, role ? role : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, agency, -1, SQLITE_STATIC);
	error = sqlite3_step(st) == SQLITE_ROW ? 0 :
		mc_error(MOTCUA_EDENIED, "user '%s' does not hold the role '%s' at agency %s",
			ctx->user, role ? role : "", agency);
	sqlite3_reset(st);
	return error;
}

int mc_require_admin(motcua_ctx *ctx, const char *action)
{
	static const char any_sql[] = "SELECT 1 FROM user_role WHERE role = 'admin' LIMIT 1";
	static const char user_sql[] =
		"SELECT 1 FROM user_role WHERE user = ? AND role = 'admin'";
	sqlite3_stmt *st;
	bool any, allowed;
	int error;

	if ((error = mc_store_stmt(&st, ctx->store, any_sql)) < 0)
		return error;
	any = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (!any)
		return 0;         /* a new store: whoever sets it up makes the first admin */
	if (!ctx->user)
		return mc_error(MOTCUA_EDENIED, "%s: only an admin may; give --user", action);
	if ((error = mc_store_stmt(&st, ctx->store, user_sql)) < 0)
		return error;
	sqlite3_bind_text(st, 1, ctx->user, -1, SQLITE_STATIC);
	allowed = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return allowed ? 0 : mc_error(MOTCUA_EDENIED, "%s: user '%s' is not an admin", action,
		ctx->user);
}

typedef struct {
	int64_t task, dossier, token;
	int attempts;
	char node[128], code[64], procedure[64], agency[64];
} job;

/* 1 when a service task may be waiting, 0 when none is. */
static int job_waiting(motcua_ctx *ctx, int64_t dossier_id)
{
	static const char sql[] =
		"SELECT 1 FROM task WHERE kind = 'service' AND state IN ('open', 'running')"
		" AND (?1 = 0 OR dossier_id = ?1) LIMIT 1";
	sqlite3_stmt *st;
	int error, rc;

	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, dossier_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return mc_store_error(ctx->store, "looking for service tasks");
	return rc == SQLITE_ROW;
}

/* Claims the next waiting job in its own transaction. 0 with job->task == 0: none left. */
static int claim(job *j, motcua_ctx *ctx, int64_t dossier_id)
{
	static const char pick_sql[] =
		"SELECT task.id, task.dossier_id, coalesce(task.token_id, 0), task.node,"
		" task.attempts, dossier.code, dossier.procedure, dossier.agency"
		" FROM task JOIN dossier ON dossier.id = task.dossier_id"
		" WHERE task.kind = 'service' AND (task.state = 'open'"
		"  OR (task.state = 'running' AND task.claimed_at < ?2))"
		" AND (?1 = 0 OR task.dossier_id = ?1) ORDER BY task.id LIMIT 1";
	static const char claim_sql[] =
		"UPDATE task SET state = 'running', attempts = attempts + 1, claimed_at = ?2"
		" WHERE id = ?1";
	int64_t now = motcua_ctx_now(ctx);
	sqlite3_stmt *st;
	int error;

	memset(j, 0, sizeof(*j));
	/* most transitions leave no service step behind: look before taking the write lock */
	if ((error = job_waiting(ctx, dossier_id)) <= 0)
		return error;
	if ((error = mc_store_begin(ctx->store)) < 0)
		return error;
	if ((error = mc_store_stmt(&st, ctx->store, pick_sql)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, dossier_id);
	sqlite3_bind_int64(st, 2, now - MC_JOB_LEASE);
	if (sqlite3_step(st) == SQLITE_ROW) {
		j->task = sqlite3_column_int64(st, 0);
		j->dossier = sqlite3_column_int64(st, 1);
		j->token = sqlite3_column_int64(st, 2);
		snprintf(j->node, sizeof(j->node), "%s", (const char *)sqlite3_column_text(st, 3));
		j->attempts = sqlite3_column_int(st, 4) + 1;
		snprintf(j->code, sizeof(j->code), "%s", (const char *)sqlite3_column_text(st, 5));
		snprintf(j->procedure, sizeof(j->procedure), "%s",
			(const char *)sqlite3_column_text(st, 6));
		snprintf(j->agency, sizeof(j->agency), "%s",
			(const char *)sqlite3_column_text(st, 7));
	}
	sqlite3_reset(st);
	if (!j->task)
		goto done;
	if ((error = mc_store_stmt(&st, ctx->store, claim_sql)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, j->task);
	sqlite3_bind_int64(st, 2, now);
	error = mc_store_exec_int(NULL, ctx->store, st);
done:
	if (error == 0)
		error = mc_store_commit(ctx->store);
	mc_store_rollback(ctx->store);
	return error;
}

/* Records the run's outcome, unless the job was cancelled or taken over meanwhile. */
static int record(motcua_ctx *ctx, const job *j, mc_plugin_run *run, int outcome)
{
	static const char check_sql[] =
		"SELECT 1 FROM task WHERE id = ? AND state = 'running' AND attempts = ?";
	static const char done_sql[] =
		"UPDATE task SET state = 'done', finished_at = ?2, error = NULL WHERE id = ?1";
	static const char fail_sql[] =
		"UPDATE task SET state = 'error', error = ?2 WHERE id = ?1";
	static const char timers_sql[] =
		"UPDATE timer SET state = 'cancelled' WHERE task_id = ? AND state = 'pending'";
	mc_buf detail = MC_BUF_INIT;
	sqlite3_stmt *st;
	mc_run r;
	int error;

	if ((error = mc_store_begin(ctx->store)) < 0)
		return error;
	if ((error = mc_store_stmt(&st, ctx->store, check_sql)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, j->task);
	sqlite3_bind_int(st, 2, j->attempts);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		goto done;                   /* cancelled, or another worker owns it now */
	}
	sqlite3_reset(st);
	mc_buf_printf(&detail, "{\"task\":%lld,\"node\":", (long long)j->task);
	mc_buf_json_str(&detail, j->node);
	mc_buf_printf(&detail, ",\"plugin\":");
	mc_buf_json_str(&detail, run->node->plugin);
	mc_buf_printf(&detail, ",\"attempt\":%d", j->attempts);
	if (outcome < 0) {
		mc_buf_puts(&detail, ",\"error\":");
		mc_buf_json_str(&detail, run->failure);
		mc_buf_puts(&detail, "}");
		if ((error = mc_store_stmt(&st, ctx->store, fail_sql)) < 0)
			goto done;
		sqlite3_bind_int64(st, 1, j->task);
		sqlite3_bind_text(st, 2, run->failure ? run->failure : "failed", -1, SQLITE_STATIC);
		if ((error = mc_store_exec_int(NULL, ctx->store, st)) < 0 ||
		    (error = mc_audit_append(ctx, "task.failed", j->dossier, j->task,
		    mc_buf_cstr(&detail))) < 0)
			goto done;
		error = mc_store_commit(ctx->store);
		goto done;
	}
	if (run->notes && *run->notes) {
		mc_buf_puts(&detail, ",\"note\":");
		mc_buf_json_str(&detail, run->notes);
	}
	mc_buf_puts(&detail, "}");
	if ((error = mc_vars_set(ctx, j->dossier, run->vars, run->n_vars)) < 0 ||
	    (error = mc_store_stmt(&st, ctx->store, done_sql)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, j->task);
	sqlite3_bind_int64(st, 2, motcua_ctx_now(ctx));
	if ((error = mc_store_exec_int(NULL, ctx->store, st)) < 0 ||
	    (error = mc_store_stmt(&st, ctx->store, timers_sql)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, j->task);
	if ((error = mc_store_exec_int(NULL, ctx->store, st)) < 0 ||
	    (error = mc_audit_append(ctx, "task.completed", j->dossier, j->task,
	    mc_buf_cstr(&detail))) < 0 ||
	    (error = mc_run_open(&r, ctx, j->dossier)) < 0 ||
	    (error = mc_run_leave(&r, j->token, mc_process_find(r.proc, j->node))) < 0)
		goto done;
	error = mc_store_commit(ctx->store);
done:
	mc_store_rollback(ctx->store);
	mc_buf_free(&detail);
	return error;
}

int mc_jobs_run(motcua_ctx *ctx, int64_t dossier_id, size_t *ran)
{
	size_t count = 0;
	int error = 0;

	/* bounded: a process whose service tasks feed each other forever stops here */
	for (int round = 0; round < 10000; round++) {
		mc_plugin_run run = { 0 };
		const mc_process *proc;
		size_t node;
		mc_run r;
		job j;
		int outcome;

		if ((error = claim(&j, ctx, dossier_id)) < 0 || !j.task)
			break;
		if ((error = mc_run_open(&r, ctx, j.dossier)) < 0)
			break;
		proc = r.proc;
		if ((node = mc_process_find(proc, j.node)) == MC_NONE) {
			error = mc_error(MOTCUA_ECORRUPT, "task %lld: node '%s' is not in its process",
				(long long)j.task, j.node);
			break;
		}
		run.dossier_id = j.dossier;
		run.dossier_code = j.code;
		run.procedure_code = j.procedure;
		run.agency_code = j.agency;
		run.node = &proc->nodes[node];
		outcome = mc_plugin_run_step(ctx, &run);
		error = record(ctx, &j, &run, outcome);
		mc_plugin_run_clear(&run);
		if (error < 0)
			break;
		count++;
	}
	if (ran)
		*ran += count;
	return error;
}
