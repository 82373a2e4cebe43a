/* workflow/task.c — the task queue: listing, claiming and completing user tasks, retrying
 * failed service tasks, and the tick that fires timers. Each action is one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "motcua/task.h"
#include "workflow/audit.h"
#include "workflow/jobs.h"
#include "workflow/runtime.h"
#include "workflow/vars.h"

#define TASK_COLUMNS \
	"task.id, dossier.code, task.node, task.name, task.kind, task.role, task.plugin," \
	" task.state, task.assignee, task.error, task.created_at, coalesce(task.finished_at, 0)," \
	" coalesce(dossier.due_at, 0), task.attempts"

static void task_from_row(motcua_task_info *t, sqlite3_stmt *st)
{
	t->id = sqlite3_column_int64(st, 0);
	t->dossier = mc_store_col_dup(st, 1);
	t->node = mc_store_col_dup(st, 2);
	t->name = mc_store_col_dup(st, 3);
	t->kind = mc_store_col_dup(st, 4);
	t->role = mc_store_col_dup(st, 5);
	t->plugin = mc_store_col_dup(st, 6);
	t->state = mc_store_col_dup(st, 7);
	t->assignee = mc_store_col_dup(st, 8);
	t->error = mc_store_col_dup(st, 9);
	t->created_at = sqlite3_column_int64(st, 10);
	t->finished_at = sqlite3_column_int64(st, 11);
	t->dossier_due = sqlite3_column_int64(st, 12);
	t->attempts = sqlite3_column_int(st, 13);
}

void motcua_task_info_clear(motcua_task_info *t)
{
	free(t->dossier);
	free(t->node);
	free(t->name);
	free(t->kind);
	free(t->role);
	free(t->plugin);
	free(t->state);
	free(t->assignee);
	free(t->error);
	memset(t, 0, sizeof(*t));
}

void motcua_task_list_free(motcua_task_info *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		motcua_task_info_clear(&list[i]);
	free(list);
}

/* The filters after the first condition, shared by both task-list statements. */
#define TASK_LIST_FILTERS \
	" AND (?2 IS NULL OR task.role = ?2)" \
	" AND (CASE WHEN ?3 IS NULL THEN task.state IN ('open', 'claimed', 'error')" \
	"  ELSE task.state = ?3 END)" \
	" AND (?4 IS NULL OR task.assignee = ?4 OR (task.state = 'open' AND EXISTS" \
	"  (SELECT 1 FROM user JOIN user_role ON user_role.user = user.name" \
	"   WHERE user.name = ?4 AND user_role.role = task.role" \
	"   AND user.agency = dossier.agency)))" \
	" ORDER BY coalesce(dossier.due_at, 9e18), task.id LIMIT ?5"

int motcua_task_list(motcua_task_info **out, size_t *count, motcua_ctx *ctx,
	const motcua_task_filter *f)
{
	/* two statements, so that a dossier's tasks are found through its code's index rather
	 * than by scanning every task ever made */
	static const char by_dossier_sql[] =
		"SELECT " TASK_COLUMNS " FROM dossier JOIN task ON task.dossier_id = dossier.id"
		" WHERE dossier.code = ?1" TASK_LIST_FILTERS;
	static const char queue_sql[] =
		"SELECT " TASK_COLUMNS " FROM task JOIN dossier ON dossier.id = task.dossier_id"
		" WHERE ?1 IS NULL" TASK_LIST_FILTERS;
	motcua_task_filter none = { 0 };
	motcua_task_info *list = NULL;
	sqlite3_stmt *st;
	size_t n = 0, cap = 0;
	int error;

	*out = NULL;
	*count = 0;
	if (!f)
		f = &none;
	if (f->mine && !ctx->user)
		return mc_error(MOTCUA_EDENIED, "no acting user: give --user or set MOTCUA_USER");
	if ((error = mc_store_stmt(&st, ctx->store, f->dossier ? by_dossier_sql : queue_sql)) < 0)
		return error;
	if (f->dossier)
		sqlite3_bind_text(st, 1, f->dossier, -1, SQLITE_STATIC);
	if (f->role)
		sqlite3_bind_text(st, 2, f->role, -1, SQLITE_STATIC);
	if (f->state)
		sqlite3_bind_text(st, 3, f->state, -1, SQLITE_STATIC);
	if (f->mine)
		sqlite3_bind_text(st, 4, ctx->user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, f->limit ? (int64_t)f->limit : 100);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			void *grown = realloc(list, (cap = cap ? cap * 2 : 16) * sizeof(*list));

			if (!grown) {
				sqlite3_reset(st);
				motcua_task_list_free(list, n);
				return mc_error_oom();
			}
			list = grown;
		}
		memset(&list[n], 0, sizeof(list[n]));
		task_from_row(&list[n++], st);
	}
	sqlite3_reset(st);
	*out = list;
	*count = n;
	return 0;
}

int motcua_task_get(motcua_task_info *out, motcua_ctx *ctx, int64_t id)
{
	static const char sql[] =
		"SELECT " TASK_COLUMNS " FROM task JOIN dossier ON dossier.id = task.dossier_id"
		" WHERE task.id = ?";
	sqlite3_stmt *st;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		error = mc_error(MOTCUA_ENOTFOUND, "task %lld: no such task", (long long)id);
	else
		task_from_row(out, st);
	sqlite3_reset(st);
	return error;
}

typedef struct {
	int64_t id, dossier, token;
	char node[128], kind[16], state[16], role[64], assignee[128], agency[64], code[64];
} task_row;

static int task_load(task_row *t, motcua_ctx *ctx, int64_t id)
{
	static const char sql[] =
		"SELECT task.dossier_id, coalesce(task.token_id, 0), task.node, task.kind,"
		" task.state, coalesce(task.role, ''), coalesce(task.assignee, ''),"
		" dossier.agency, dossier.code"
		" FROM task JOIN dossier ON dossier.id = task.dossier_id WHERE task.id = ?";
	sqlite3_stmt *st;
	int error;

	memset(t, 0, sizeof(*t));
	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return mc_error(MOTCUA_ENOTFOUND, "task %lld: no such task", (long long)id);
	}
	t->id = id;
	t->dossier = sqlite3_column_int64(st, 0);
	t->token = sqlite3_column_int64(st, 1);
	snprintf(t->node, sizeof(t->node), "%s", (const char *)sqlite3_column_text(st, 2));
	snprintf(t->kind, sizeof(t->kind), "%s", (const char *)sqlite3_column_text(st, 3));
	snprintf(t->state, sizeof(t->state), "%s", (const char *)sqlite3_column_text(st, 4));
	snprintf(t->role, sizeof(t->role), "%s", (const char *)sqlite3_column_text(st, 5));
	snprintf(t->assignee, sizeof(t->assignee), "%s", (const char *)sqlite3_column_text(st, 6));
	snprintf(t->agency, sizeof(t->agency), "%s", (const char *)sqlite3_column_text(st, 7));
	snprintf(t->code, sizeof(t->code), "%s", (const char *)sqlite3_column_text(st, 8));
	sqlite3_reset(st);
	return 0;
}

/* Whether the acting user may take this user task: it is open (and they hold its role), or
 * they already hold it. */
static int may_take(const task_row *t, motcua_ctx *ctx)
{
	if (strcmp(t->kind, "user") != 0)
		return mc_error(MOTCUA_ESTATE, "task %lld (%s) is a service task: it runs by itself; "
			"use 'motcua task retry' after an error", (long long)t->id, t->node);
	if (strcmp(t->state, "done") == 0 || strcmp(t->state, "cancelled") == 0)
		return mc_error(MOTCUA_ESTATE, "task %lld (%s) is already %s", (long long)t->id,
			t->node, strcmp(t->state, "done") == 0 ? "completed" : "cancelled");
	if (!ctx->user)
		return mc_error(MOTCUA_EDENIED, "no acting user: give --user or set MOTCUA_USER");
	if (strcmp(t->state, "claimed") == 0 && strcmp(t->assignee, ctx->user) != 0)
		return mc_error(MOTCUA_EDENIED, "task %lld (%s) is held by '%s', not '%s'",
			(long long)t->id, t->node, t->assignee, ctx->user);
	if (strcmp(t->state, "claimed") == 0)
		return 0;
	if (mc_user_may(ctx, t->role, t->agency) < 0)
		return mc_error_prefix(MOTCUA_EDENIED, "task %lld (%s): ", (long long)t->id, t->node);
	return 0;
}

int motcua_task_claim(motcua_ctx *ctx, int64_t id)
{
	static const char sql[] =
		"UPDATE task SET state = 'claimed', assignee = ?2, claimed_at = ?3 WHERE id = ?1";
	char detail[128];
	sqlite3_stmt *st;
	task_row t;
	int error;

	if ((error = mc_store_begin(ctx->store)) < 0)
		return error;
	if ((error = task_load(&t, ctx, id)) < 0 || (error = may_take(&t, ctx)) < 0)
		goto done;
	if (strcmp(t.state, "open") != 0) {
		error = mc_error(MOTCUA_ESTATE, "task %lld (%s) is %s, not open", (long long)id,
			t.node, t.state);
		goto done;
	}
	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, ctx->user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, motcua_ctx_now(ctx));
	snprintf(detail, sizeof(detail), "{\"task\":%lld}", (long long)id);
	if ((error = mc_store_exec_int(NULL, ctx->store, st)) < 0 ||
	    (error = mc_audit_append(ctx, "task.claimed", t.dossier, id, detail)) < 0)
		goto done;
	error = mc_store_commit(ctx->store);
done:
	mc_store_rollback(ctx->store);
	return error;
}

static int vars_detail(mc_buf *b, int64_t id, const char *node, const motcua_var *vars,
	size_t n)
{
	mc_buf_printf(b, "{\"task\":%lld,\"node\":", (long long)id);
	mc_buf_json_str(b, node);
	mc_buf_puts(b, ",\"vars\":{");
	for (size_t i = 0; i < n; i++) {
		mc_buf_puts(b, i ? "," : "");
		mc_buf_json_str(b, vars[i].name);
		mc_buf_puts(b, ":");
		mc_buf_json_str(b, vars[i].value);
	}
	mc_buf_puts(b, "}}");
	return b->failed ? mc_error_oom() : 0;
}

int motcua_task_complete(motcua_ctx *ctx, int64_t id, const motcua_var *vars, size_t n)
{
	static const char done_sql[] =
		"UPDATE task SET state = 'done', assignee = ?2, finished_at = ?3, finished_by = ?2"
		" WHERE id = ?1";
	static const char timers_sql[] =
		"UPDATE timer SET state = 'cancelled' WHERE task_id = ? AND state = 'pending'";
	mc_buf detail = MC_BUF_INIT;
	sqlite3_stmt *st;
	size_t node;
	task_row t;
	mc_run r;
	int error;

	for (size_t i = 0; i < n; i++)
		if ((error = mc_var_check(vars[i].name, vars[i].value)) < 0)
			return error;
	if ((error = mc_store_begin(ctx->store)) < 0)
		return error;
	if ((error = task_load(&t, ctx, id)) < 0 || (error = may_take(&t, ctx)) < 0 ||
	    (error = mc_vars_set(ctx, t.dossier, vars, n)) < 0 ||
	    (error = mc_store_stmt(&st, ctx->store, done_sql)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, ctx->user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, motcua_ctx_now(ctx));
	if ((error = mc_store_exec_int(NULL, ctx->store, st)) < 0 ||
	    (error = mc_store_stmt(&st, ctx->store, timers_sql)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, id);
	if ((error = mc_store_exec_int(NULL, ctx->store, st)) < 0 ||
	    (error = vars_detail(&detail, id, t.node, vars, n)) < 0 ||
	    (error = mc_audit_append(ctx, "task.completed", t.dossier, id, detail.ptr)) < 0 ||
	    (error = mc_run_open(&r, ctx, t.dossier)) < 0)
		goto done;
	if ((node = mc_process_find(r.proc, t.node)) == MC_NONE) {
		error = mc_error(MOTCUA_ECORRUPT, "task %lld: node '%s' is not in its process",
			(long long)id, t.node);
		goto done;
	}
	if (r.proc->nodes[node].pauses_clock && strcmp(r.status, "paused") == 0 &&
	    (error = mc_run_resume(&r)) < 0)
		goto done;
	if ((error = mc_run_leave(&r, t.token, node)) < 0)
		goto done;
	error = mc_store_commit(ctx->store);
done:
	mc_store_rollback(ctx->store);
	mc_buf_free(&detail);
	if (error == 0)
		error = mc_jobs_run(ctx, t.dossier, NULL);
	return error;
}

/* After a retry: the step failed once more? Then say so with its message. */
static int failed_again(motcua_ctx *ctx, int64_t id)
{
	motcua_task_info t;
	int error;

	if ((error = motcua_task_get(&t, ctx, id)) < 0)
		return error;
	if (strcmp(t.state, "error") == 0)
		error = mc_error(MOTCUA_EPLUGIN, "task %lld (%s) failed again: %s", (long long)id,
			t.node, t.error ? t.error : "no message");
	motcua_task_info_clear(&t);
	return error;
}

int motcua_task_retry(motcua_ctx *ctx, int64_t id)
{
	static const char sql[] = "UPDATE task SET state = 'open', error = NULL WHERE id = ?";
	char detail[128];
	sqlite3_stmt *st;
	task_row t;
	int error;

	if ((error = mc_store_begin(ctx->store)) < 0)
		return error;
	if ((error = task_load(&t, ctx, id)) < 0)
		goto done;
	if (strcmp(t.kind, "service") != 0 || strcmp(t.state, "error") != 0) {
		error = mc_error(MOTCUA_ESTATE, "task %lld (%s) is a %s task in state %s: only a "
			"failed service task can be retried", (long long)id, t.node, t.kind, t.state);
		goto done;
	}
	if ((error = mc_user_may(ctx, "clerk", t.agency)) < 0 &&
	    (error = mc_user_may(ctx, "admin", t.agency)) < 0)
		goto done;
	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, id);
	snprintf(detail, sizeof(detail), "{\"task\":%lld}", (long long)id);
	if ((error = mc_store_exec_int(NULL, ctx->store, st)) < 0 ||
	    (error = mc_audit_append(ctx, "task.retried", t.dossier, id, detail)) < 0)
		goto done;
	error = mc_store_commit(ctx->store);
done:
	mc_store_rollback(ctx->store);
	if (error == 0)
		error = mc_jobs_run(ctx, t.dossier, NULL);
	return error < 0 ? error : failed_again(ctx, id);
}

static int exec_task(motcua_ctx *ctx, const char *sql, int64_t id, int64_t when)
{
	sqlite3_stmt *st;
	int error;

	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	if (when)
		sqlite3_bind_int64(st, 2, when);
	return mc_store_exec_int(NULL, ctx->store, st);
}

/* Fires one timer in its own transaction; *fired is set when it did. */
static int fire(bool *fired, int64_t *dossier_out, motcua_ctx *ctx, int64_t timer_id)
{
	static const char load_sql[] =
		"SELECT timer.dossier_id, timer.task_id, timer.node, task.state,"
		" coalesce(task.token_id, 0), task.node FROM timer JOIN task ON task.id = timer.task_id"
		" WHERE timer.id = ? AND timer.state = 'pending' AND timer.fire_at <= ?";
	static const char fired_sql[] = "UPDATE timer SET state = 'fired' WHERE id = ?";
	static const char cancel_task_sql[] =
		"UPDATE task SET state = 'cancelled', finished_at = ?2 WHERE id = ?1";
	static const char cancel_timers_sql[] =
		"UPDATE timer SET state = 'cancelled' WHERE task_id = ? AND state = 'pending'";
	int64_t dossier, task, token;
	char node_id[128], task_state[16], task_node[128], detail[384];
	size_t node, tnode;
	sqlite3_stmt *st;
	mc_run r;
	int error;

	*fired = false;
	if ((error = mc_store_begin(ctx->store)) < 0)
		return error;
	if ((error = mc_store_stmt(&st, ctx->store, load_sql)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, timer_id);
	sqlite3_bind_int64(st, 2, motcua_ctx_now(ctx));
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		goto done;                     /* fired by someone else, or cancelled */
	}
	dossier = sqlite3_column_int64(st, 0);
	task = sqlite3_column_int64(st, 1);
	snprintf(node_id, sizeof(node_id), "%s", (const char *)sqlite3_column_text(st, 2));
	snprintf(task_state, sizeof(task_state), "%s", (const char *)sqlite3_column_text(st, 3));
	token = sqlite3_column_int64(st, 4);
	snprintf(task_node, sizeof(task_node), "%s", (const char *)sqlite3_column_text(st, 5));
	sqlite3_reset(st);
	*dossier_out = dossier;
	if ((error = mc_run_open(&r, ctx, dossier)) < 0)
		goto done;
	node = mc_process_find(r.proc, node_id);
	tnode = mc_process_find(r.proc, task_node);
	if (node == MC_NONE || tnode == MC_NONE) {
		error = mc_error(MOTCUA_ECORRUPT, "timer %lld: node '%s' is not in its process",
			(long long)timer_id, node_id);
		goto done;
	}
	/* the legal clock is stopped: deadline timers wait until it runs again */
	if (r.proc->nodes[node].at_legal_due && strcmp(r.status, "paused") == 0)
		goto done;
	if ((error = mc_store_stmt(&st, ctx->store, fired_sql)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, timer_id);
	snprintf(detail, sizeof(detail), "{\"timer\":%lld,\"node\":\"%.100s\",\"task\":%lld,"
		"\"interrupting\":%s}", (long long)timer_id, node_id, (long long)task,
		r.proc->nodes[node].cancel_activity ? "true" : "false");
	if ((error = mc_store_exec_int(NULL, ctx->store, st)) < 0 ||
	    (error = mc_audit_append(ctx, "timer.fired", dossier, task, detail)) < 0)
		goto done;
	if (strcmp(task_state, "done") == 0 || strcmp(task_state, "cancelled") == 0) {
		/* nothing left to escalate */
	} else if (r.proc->nodes[node].cancel_activity) {
		if ((error = exec_task(ctx, cancel_task_sql, task, motcua_ctx_now(ctx))) < 0 ||
		    (error = exec_task(ctx, cancel_timers_sql, task, 0)) < 0)
			goto done;
		if (r.proc->nodes[tnode].pauses_clock && strcmp(r.status, "paused") == 0 &&
		    (error = mc_run_resume(&r)) < 0)
			goto done;
		if ((error = mc_run_leave(&r, token, node)) < 0)
			goto done;
	} else if ((error = mc_run_leave(&r, 0, node)) < 0) {
		goto done;
	}
	error = mc_store_commit(ctx->store);
	*fired = error == 0;
done:
	mc_store_rollback(ctx->store);
	return error;
}

int motcua_tick(motcua_ctx *ctx, size_t *fired_out)
{
	static const char due_sql[] =
		"SELECT id FROM timer WHERE state = 'pending' AND fire_at <= ? ORDER BY fire_at, id"
		" LIMIT 1000";
	int64_t ids[1000];
	size_t n = 0, count = 0;
	sqlite3_stmt *st;
	int error;

	if ((error = mc_store_stmt(&st, ctx->store, due_sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, motcua_ctx_now(ctx));
	while (n < 1000 && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	for (size_t i = 0; i < n; i++) {
		int64_t dossier = 0;
		bool fired;

		if ((error = fire(&fired, &dossier, ctx, ids[i])) < 0)
			return error;
		if (fired) {
			count++;
			if ((error = mc_jobs_run(ctx, dossier, &count)) < 0)
				return error;
		}
	}
	/* service tasks nobody ran: a crash between commit and run, or another process */
	error = mc_jobs_run(ctx, 0, &count);
	if (fired_out)
		*fired_out = count;
	return error;
}
