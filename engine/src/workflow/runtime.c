/* workflow/runtime.c — the token engine. Tokens rest only at tasks (active), at parallel joins
 * (waiting) and at gateways that could not decide (error); between those they move through a
 * queue in memory, so a transition writes only where it stops. Everything happens in the
 * caller's transaction: either the whole move is committed or none of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/time.h"
#include "workflow/audit.h"
#include "workflow/runtime.h"
#include "workflow/vars.h"

/* A process that moves this often without resting loops without a task in it. */
#define MAX_MOVES 10000

typedef struct {
	int64_t token;           /* 0: a token not yet written */
	size_t node;
	size_t via;              /* flow index */
} move;

typedef struct {
	move *items;
	size_t head, len, cap;
	size_t total;
	bool ended;              /* an end event with an outcome finished the dossier */
} move_queue;

int mc_dossier_id(int64_t *out, motcua_ctx *ctx, const char *code)
{
	static const char sql[] = "SELECT id FROM dossier WHERE code = ?";
	sqlite3_stmt *st;
	int error;

	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if ((error = mc_store_exec_int(out, ctx->store, st)) == MOTCUA_ENOTFOUND)
		return mc_error(MOTCUA_ENOTFOUND, "dossier '%.80s': no such dossier", code);
	return error;
}

int mc_run_open(mc_run *r, motcua_ctx *ctx, int64_t dossier_id)
{
	static const char sql[] =
		"SELECT process_hash, status, coalesce(due_at, 0), coalesce(paused_at, 0)"
		" FROM dossier WHERE id = ?";
	char hash[MC_HASH_HEX];
	sqlite3_stmt *st;
	int error;

	memset(r, 0, sizeof(*r));
	r->ctx = ctx;
	r->dossier_id = dossier_id;
	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, dossier_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return mc_error(MOTCUA_ENOTFOUND, "dossier %lld: not found", (long long)dossier_id);
	}
	snprintf(hash, sizeof(hash), "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(r->status, sizeof(r->status), "%s", (const char *)sqlite3_column_text(st, 1));
	r->due_at = sqlite3_column_int64(st, 2);
	r->paused_at = sqlite3_column_int64(st, 3);
	sqlite3_reset(st);
	return mc_ctx_process(&r->proc, ctx, hash);
}

static int push(move_queue *q, int64_t token, size_t node, size_t via)
{
	if (q->len == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 8;
		move *items = malloc(cap * sizeof(*items));

		if (!items)
			return mc_error_oom();
		for (size_t i = 0; i < q->len; i++)
			items[i] = q->items[(q->head + i) % (q->cap ? q->cap : 1)];
		free(q->items);
		q->items = items;
		q->head = 0;
		q->cap = cap;
	}
	q->items[(q->head + q->len) % q->cap] = (move){ token, node, via };
	q->len++;
	return 0;
}

static int push_outgoing(move_queue *q, const mc_process *p, int64_t token, size_t node)
{
	const mc_node *n = &p->nodes[node];
	int error;

	for (size_t i = 0; i < n->n_out; i++)
		if ((error = push(q, i == 0 ? token : 0, p->flows[n->out[i]].target, n->out[i])) < 0)
			return error;
	return 0;
}

static int exec_simple(mc_run *r, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *st;
	int error;

	if ((error = mc_store_stmt(&st, r->ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, a);
	if (b)
		sqlite3_bind_int64(st, 2, b);
	return mc_store_exec_int(NULL, r->ctx->store, st);
}

/* Writes the token where it rests: a new row, or the existing one moved. */
static int token_rest(int64_t *out, mc_run *r, int64_t token, size_t node, const char *state,
	size_t via, const char *error_text)
{
	static const char insert_sql[] =
		"INSERT INTO token(dossier_id, node, state, via_flow, error, created_at)"
		" VALUES(?, ?, ?, ?, ?, ?)";
	static const char update_sql[] =
		"UPDATE token SET node = ?2, state = ?3, via_flow = ?4, error = ?5 WHERE id = ?1";
	const mc_process *p = r->proc;
	sqlite3_stmt *st;
	int error;

	if ((error = mc_store_stmt(&st, r->ctx->store, token ? update_sql : insert_sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, token ? token : r->dossier_id);
	sqlite3_bind_text(st, 2, p->nodes[node].id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
	if (via != MC_NONE)
		sqlite3_bind_text(st, 4, p->flows[via].id, -1, SQLITE_STATIC);
	if (error_text)
		sqlite3_bind_text(st, 5, error_text, -1, SQLITE_TRANSIENT);
	if (!token)
		sqlite3_bind_int64(st, 6, motcua_ctx_now(r->ctx));
	if ((error = mc_store_exec_int(NULL, r->ctx->store, st)) < 0)
		return error;
	*out = token ? token : sqlite3_last_insert_rowid(mc_store_db(r->ctx->store));
	return 0;
}

static int token_drop(mc_run *r, int64_t token)
{
	if (!token)
		return 0;
	return exec_simple(r, "DELETE FROM token WHERE id = ?", token, 0);
}

int64_t mc_run_timer_at(const mc_run *r, const mc_node *t, int64_t task_start)
{
	const motcua_calendar *cal = r->ctx->cal;
	int64_t day = motcua_calendar_day_seconds(cal);
	int64_t amount = t->working_time ? (t->duration / 86400) * day + t->duration % 86400 :
		t->duration;

	if (t->at_legal_due) {
		if (!r->due_at)
			return 0;
		if (!t->working_time)
			return r->due_at - amount;
		return motcua_calendar_sub_working(cal, r->due_at, amount);
	}
	return t->working_time ? motcua_calendar_add_working(cal, task_start, amount) :
		task_start + amount;
}

static int timer_fired_before(bool *out, mc_run *r, const char *node_id)
{
	static const char sql[] =
		"SELECT 1 FROM timer WHERE dossier_id = ? AND node = ? AND state = 'fired'";
	sqlite3_stmt *st;
	int error;

	if ((error = mc_store_stmt(&st, r->ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, r->dossier_id);
	sqlite3_bind_text(st, 2, node_id, -1, SQLITE_STATIC);
	*out = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return 0;
}

static int create_task(mc_run *r, int64_t token, size_t node)
{
	static const char task_sql[] =
		"INSERT INTO task(dossier_id, token_id, node, name, kind, role, plugin, state,"
		" created_at, pauses_clock) VALUES(?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)";
	static const char timer_sql[] =
		"INSERT INTO timer(dossier_id, task_id, node, fire_at, state)"
		" VALUES(?, ?, ?, ?, 'pending')";
	const mc_node *n = &r->proc->nodes[node];
	int64_t now = motcua_ctx_now(r->ctx), task;
	char detail[256];
	sqlite3_stmt *st;
	int error;

	if ((error = mc_store_stmt(&st, r->ctx->store, task_sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, r->dossier_id);
	sqlite3_bind_int64(st, 2, token);
	sqlite3_bind_text(st, 3, n->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, n->name ? n->name : n->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, n->kind == MC_NODE_USER_TASK ? "user" : "service", -1,
		SQLITE_STATIC);
	if (n->role)
		sqlite3_bind_text(st, 6, n->role, -1, SQLITE_STATIC);
	if (n->plugin)
		sqlite3_bind_text(st, 7, n->plugin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int(st, 9, n->pauses_clock);
	if ((error = mc_store_exec_int(NULL, r->ctx->store, st)) < 0)
		return error;
	task = sqlite3_last_insert_rowid(mc_store_db(r->ctx->store));
	snprintf(detail, sizeof(detail), "{\"task\":%lld,\"node\":\"%.100s\"}", (long long)task,
		n->id);
	if ((error = mc_audit_append(r->ctx, "task.created", r->dossier_id, task, detail)) < 0)
		return error;
	for (size_t i = 0; i < n->n_timers; i++) {
		const mc_node *t = &r->proc->nodes[n->timers[i]];
		int64_t at = mc_run_timer_at(r, t, now);

		bool fired_before = false;

		if (!at)
			continue;
		/* a deadline passes once: a flow that leads back into this task after it fired
		 * must not re-arm it (it would fire again at once, forever) */
		if (t->at_legal_due && (error = timer_fired_before(&fired_before, r, t->id)) < 0)
			return error;
		if (fired_before)
			continue;
		if ((error = mc_store_stmt(&st, r->ctx->store, timer_sql)) < 0)
			return error;
		sqlite3_bind_int64(st, 1, r->dossier_id);
		sqlite3_bind_int64(st, 2, task);
		sqlite3_bind_text(st, 3, t->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, at);
		if ((error = mc_store_exec_int(NULL, r->ctx->store, st)) < 0)
			return error;
	}
	if (n->pauses_clock && strcmp(r->status, "processing") == 0)
		return mc_run_pause(r, n->id, task);
	return 0;
}

/* Picks the exclusive gateway's way out: the first true condition in document order, else the
 * default flow. error_text gets a message when neither exists or a condition fails. */
static int decide(size_t *out, mc_run *r, const mc_node *n, mc_buf *error_text)
{
	const mc_process *p = r->proc;
	int error;

	for (size_t i = 0; i < n->n_out; i++) {
		const mc_flow *f = &p->flows[n->out[i]];
		bool taken = true;

		if (n->out[i] == n->default_flow)
			continue;
		if (f->condition && (error = mc_vars_eval(&taken, r->ctx, r->dossier_id,
		    f->condition)) < 0) {
			mc_buf_printf(error_text, "gateway '%s', flow '%s': %s", n->id, f->id,
				motcua_error_last());
			return error == MOTCUA_ERROR ? error : 1;
		}
		if (taken) {
			*out = n->out[i];
			return 0;
		}
	}
	if (n->default_flow != MC_NONE) {
		*out = n->default_flow;
		return 0;
	}
	mc_buf_printf(error_text, "gateway '%s': no condition holds and there is no default flow",
		n->id);
	return 1;
}

static int arrive_exclusive(mc_run *r, move_queue *q, move m)
{
	const mc_node *n = &r->proc->nodes[m.node];
	mc_buf why = MC_BUF_INIT;
	char detail[512];
	size_t flow;
	int64_t token;
	int error;

	if ((error = decide(&flow, r, n, &why)) == 0) {
		mc_buf_free(&why);
		return push(q, m.token, r->proc->flows[flow].target, flow);
	}
	if (error < 0 || (error = token_rest(&token, r, m.token, m.node, "error", m.via,
	    mc_buf_cstr(&why))) < 0) {
		mc_buf_free(&why);
		return error;
	}
	snprintf(detail, sizeof(detail), "{\"token\":%lld,\"node\":\"%.100s\",\"error\":",
		(long long)token, n->id);
	mc_buf_clear(&why);
	mc_buf_puts(&why, detail);
	mc_buf_json_str(&why, motcua_error_last());
	mc_buf_puts(&why, "}");
	error = mc_audit_append(r->ctx, "gateway.error", r->dossier_id, 0, mc_buf_cstr(&why));
	mc_buf_free(&why);
	return error;
}

/* A parallel join waits for a token on every incoming flow, then lets one through. */
static int arrive_parallel(mc_run *r, move_queue *q, move m)
{
	static const char count_sql[] =
		"SELECT count(DISTINCT via_flow) FROM token"
		" WHERE dossier_id = ? AND node = ? AND state = 'waiting'";
	static const char take_sql[] =
		"DELETE FROM token WHERE id IN (SELECT min(id) FROM token"
		" WHERE dossier_id = ? AND node = ? AND state = 'waiting' GROUP BY via_flow)";
	const mc_node *n = &r->proc->nodes[m.node];
	sqlite3_stmt *st;
	int64_t token, arrived;
	int error;

	if (n->n_in <= 1)
		return push_outgoing(q, r->proc, m.token, m.node);
	if ((error = token_rest(&token, r, m.token, m.node, "waiting", m.via, NULL)) < 0 ||
	    (error = mc_store_stmt(&st, r->ctx->store, count_sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, r->dossier_id);
	sqlite3_bind_text(st, 2, n->id, -1, SQLITE_STATIC);
	if ((error = mc_store_exec_int(&arrived, r->ctx->store, st)) < 0)
		return error;
	if ((size_t)arrived < n->n_in)
		return 0;
	if ((error = mc_store_stmt(&st, r->ctx->store, take_sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, r->dossier_id);
	sqlite3_bind_text(st, 2, n->id, -1, SQLITE_STATIC);
	if ((error = mc_store_exec_int(NULL, r->ctx->store, st)) < 0)
		return error;
	return push_outgoing(q, r->proc, 0, m.node);
}

static int arrive(mc_run *r, move_queue *q, move m)
{
	const mc_node *n = &r->proc->nodes[m.node];
	int64_t token;
	int error;

	switch (n->kind) {
	case MC_NODE_END:
		if ((error = token_drop(r, m.token)) < 0)
			return error;
		if (n->outcome) {
			/* an end with an outcome decides the dossier: side branches end with it */
			q->ended = true;
			return mc_run_end(r, "finished", n->outcome, n->id);
		}
		return 0;
	case MC_NODE_USER_TASK:
	case MC_NODE_SERVICE_TASK:
		if ((error = token_rest(&token, r, m.token, m.node, "active", m.via, NULL)) < 0)
			return error;
		return create_task(r, token, m.node);
	case MC_NODE_EXCLUSIVE:
		return arrive_exclusive(r, q, m);
	case MC_NODE_PARALLEL:
		return arrive_parallel(r, q, m);
	default:
		return push_outgoing(q, r->proc, m.token, m.node);
	}
}

static int remaining_tokens(int64_t *out, mc_run *r)
{
	static const char sql[] = "SELECT count(*) FROM token WHERE dossier_id = ?";
	sqlite3_stmt *st;
	int error;

	if ((error = mc_store_stmt(&st, r->ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, r->dossier_id);
	return mc_store_exec_int(out, r->ctx->store, st);
}

static int run_queue(mc_run *r, move_queue *q)
{
	int64_t left;
	int error = 0;

	while (q->len && !q->ended) {
		move m = q->items[q->head];

		q->head = (q->head + 1) % q->cap;
		q->len--;
		if (++q->total > MAX_MOVES) {
			error = mc_error(MOTCUA_EINVALID, "%s: process '%s' moved %d times without "
				"reaching a task: a loop without a task in it", r->proc->file,
				r->proc->id, MAX_MOVES);
			break;
		}
		if ((error = arrive(r, q, m)) < 0)
			break;
	}
	free(q->items);
	if (error < 0 || q->ended)
		return error;
	/* every token reached an end without an outcome: the process is done */
	if ((error = remaining_tokens(&left, r)) < 0)
		return error;
	if (left == 0 && (strcmp(r->status, "processing") == 0 || strcmp(r->status, "paused") == 0))
		return mc_run_end(r, "finished", "done", NULL);
	return 0;
}

int mc_run_start(mc_run *r)
{
	move_queue q = { 0 };
	int error;

	if ((error = push_outgoing(&q, r->proc, 0, r->proc->start)) < 0) {
		free(q.items);
		return error;
	}
	return run_queue(r, &q);
}

int mc_run_leave(mc_run *r, int64_t token, size_t node)
{
	move_queue q = { 0 };
	int error;

	if ((error = push_outgoing(&q, r->proc, token, node)) < 0) {
		free(q.items);
		return error;
	}
	return run_queue(r, &q);
}

int mc_run_retry_tokens(mc_run *r)
{
	static const char sql[] =
		"SELECT id, node, coalesce(via_flow, '') FROM token"
		" WHERE dossier_id = ? AND state = 'error' ORDER BY id";
	move_queue q = { 0 };
	sqlite3_stmt *st;
	int error = 0;

	if ((error = mc_store_stmt(&st, r->ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, r->dossier_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		size_t node = mc_process_find(r->proc, (const char *)sqlite3_column_text(st, 1));

		if (node == MC_NONE)
			continue;
		if ((error = push(&q, sqlite3_column_int64(st, 0), node, MC_NONE)) < 0)
			break;
	}
	sqlite3_reset(st);
	if (error < 0) {
		free(q.items);
		return error;
	}
	return run_queue(r, &q);
}

static int set_status(mc_run *r, const char *status)
{
	snprintf(r->status, sizeof(r->status), "%s", status);
	return 0;
}

int mc_run_pause(mc_run *r, const char *reason, int64_t task_id)
{
	static const char sql[] =
		"UPDATE dossier SET status = 'paused', paused_at = ?2,"
		" pause_count = pause_count + 1 WHERE id = ?1 AND status = 'processing'";
	int64_t now = motcua_ctx_now(r->ctx);
	sqlite3_stmt *st;
	mc_buf detail = MC_BUF_INIT;
	int error;

	if (strcmp(r->status, "processing") != 0)
		return mc_error(MOTCUA_ESTATE, "dossier is %s: only a dossier in processing can "
			"wait for papers", r->status);
	if ((error = mc_store_stmt(&st, r->ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, r->dossier_id);
	sqlite3_bind_int64(st, 2, now);
	if ((error = mc_store_exec_int(NULL, r->ctx->store, st)) < 0)
		return error;
	r->paused_at = now;
	set_status(r, "paused");
	mc_buf_puts(&detail, "{\"reason\":");
	mc_buf_json_str(&detail, reason);
	mc_buf_puts(&detail, "}");
	error = detail.failed ? mc_error_oom() :
		mc_audit_append(r->ctx, "dossier.paused", r->dossier_id, task_id, detail.ptr);
	mc_buf_free(&detail);
	return error;
}

/* Timers counted from the legal due time follow it when it moves. */
static int move_due_timers(mc_run *r)
{
	static const char select_sql[] =
		"SELECT timer.id, timer.node, task.created_at FROM timer JOIN task"
		" ON task.id = timer.task_id WHERE timer.dossier_id = ? AND timer.state = 'pending'";
	static const char update_sql[] = "UPDATE timer SET fire_at = ?2 WHERE id = ?1";
	struct { int64_t id, at; } moved[64];
	size_t n = 0;
	sqlite3_stmt *st;
	int error;

	if ((error = mc_store_stmt(&st, r->ctx->store, select_sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, r->dossier_id);
	while (n < 64 && sqlite3_step(st) == SQLITE_ROW) {
		size_t node = mc_process_find(r->proc, (const char *)sqlite3_column_text(st, 1));

		if (node == MC_NONE || !r->proc->nodes[node].at_legal_due)
			continue;
		moved[n].id = sqlite3_column_int64(st, 0);
		moved[n].at = mc_run_timer_at(r, &r->proc->nodes[node],
			sqlite3_column_int64(st, 2));
		n++;
	}
	sqlite3_reset(st);
	for (size_t i = 0; i < n; i++)
		if ((error = exec_simple(r, update_sql, moved[i].id, moved[i].at)) < 0)
			return error;
	return 0;
}

int mc_run_resume(mc_run *r)
{
	static const char sql[] =
		"UPDATE dossier SET status = 'processing', paused_at = NULL, due_at = ?2,"
		" paused_seconds = paused_seconds + ?3 WHERE id = ?1 AND status = 'paused'";
	int64_t now = motcua_ctx_now(r->ctx), spent;
	char detail[160], due[32];
	sqlite3_stmt *st;
	int error;

	if (strcmp(r->status, "paused") != 0)
		return mc_error(MOTCUA_ESTATE, "dossier is %s, not paused", r->status);
	spent = motcua_calendar_working_between(r->ctx->cal, r->paused_at, now);
	if (r->due_at)
		r->due_at = motcua_calendar_add_working(r->ctx->cal, r->due_at, spent);
	if ((error = mc_store_stmt(&st, r->ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, r->dossier_id);
	if (r->due_at)
		sqlite3_bind_int64(st, 2, r->due_at);
	sqlite3_bind_int64(st, 3, spent);
	if ((error = mc_store_exec_int(NULL, r->ctx->store, st)) < 0)
		return error;
	set_status(r, "processing");
	r->paused_at = 0;
	snprintf(detail, sizeof(detail), "{\"paused_working_seconds\":%lld,\"due\":\"%s\"}",
		(long long)spent, r->due_at ? mc_time_format(due, sizeof(due), r->due_at) : "");
	if ((error = mc_audit_append(r->ctx, "dossier.resumed", r->dossier_id, 0, detail)) < 0)
		return error;
	return move_due_timers(r);
}

int mc_run_end(mc_run *r, const char *status, const char *outcome, const char *reason)
{
	static const char tasks_sql[] =
		"UPDATE task SET state = 'cancelled', finished_at = ?2 WHERE dossier_id = ?1"
		" AND state IN ('open', 'claimed', 'running', 'error')";
	static const char timers_sql[] =
		"UPDATE timer SET state = 'cancelled' WHERE dossier_id = ? AND state = 'pending'";
	static const char tokens_sql[] = "DELETE FROM token WHERE dossier_id = ?";
	static const char dossier_sql[] =
		"UPDATE dossier SET status = ?2, outcome = ?3, finished_at = ?4 WHERE id = ?1";
	int64_t now = motcua_ctx_now(r->ctx);
	mc_buf detail = MC_BUF_INIT;
	sqlite3_stmt *st;
	char action[32];
	int error;

	if (strcmp(r->status, "paused") == 0 && (error = mc_run_resume(r)) < 0)
		return error;
	if ((error = exec_simple(r, tasks_sql, r->dossier_id, now)) < 0 ||
	    (error = exec_simple(r, timers_sql, r->dossier_id, 0)) < 0 ||
	    (error = exec_simple(r, tokens_sql, r->dossier_id, 0)) < 0 ||
	    (error = mc_store_stmt(&st, r->ctx->store, dossier_sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, r->dossier_id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	if (outcome)
		sqlite3_bind_text(st, 3, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	if ((error = mc_store_exec_int(NULL, r->ctx->store, st)) < 0)
		return error;
	set_status(r, status);
	mc_buf_puts(&detail, "{\"outcome\":");
	mc_buf_json_str(&detail, outcome);
	if (strcmp(status, "finished") == 0)
		mc_buf_printf(&detail, ",\"on_time\":%s",
			!r->due_at || now <= r->due_at ? "true" : "false");
	mc_buf_puts(&detail, ",\"reason\":");
	mc_buf_json_str(&detail, reason);
	mc_buf_puts(&detail, "}");
	snprintf(action, sizeof(action), "dossier.%s", status);
	error = detail.failed ? mc_error_oom() :
		mc_audit_append(r->ctx, action, r->dossier_id, 0, detail.ptr);
	mc_buf_free(&detail);
	return error;
}
