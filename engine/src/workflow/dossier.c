/* workflow/dossier.c — receiving dossiers (code allocation, legal clock, first steps), reading
 * them back, their timeline, and the actions on a whole dossier: variables, pause and resume,
 * withdraw and cancel, attached documents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/time.h"
#include "motcua/dossier.h"
#include "workflow/audit.h"
#include "workflow/jobs.h"
#include "workflow/runtime.h"
#include "workflow/vars.h"

static const char *const channel_names[] = { "counter", "online", "post" };

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* A 12-digit personal ID (CCCD), a 9-digit old ID (CMND), or a tax code (10 digits, or 10
 * digits, a dash and 3 for a branch). */
static int applicant_id_check(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if ((n == 12 || n == 9 || n == 10) && all_digits(id, n))
		return 0;
	if (n == 14 && all_digits(id, 10) && id[10] == '-' && all_digits(id + 11, 3))
		return 0;
	return mc_error(MOTCUA_EINVALID, "applicant_id '%.40s': expected a 12-digit personal ID, "
		"a 9-digit old ID, or a tax code (10 digits, or 10-3)", id ? id : "");
}

typedef struct {
	char process_hash[MC_HASH_HEX];
	unsigned int limit;
	motcua_limit_unit unit;
} procedure_row;

static int procedure_load_row(procedure_row *p, motcua_ctx *ctx, const char *code)
{
	static const char sql[] =
		"SELECT process_hash, time_limit, limit_unit FROM procedure WHERE code = ?";
	sqlite3_stmt *st;
	int error;

	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return mc_error(MOTCUA_ENOTFOUND, "procedure '%.64s': not loaded in this store "
			"(see 'motcua procedure list')", code);
	}
	snprintf(p->process_hash, sizeof(p->process_hash), "%s",
		(const char *)sqlite3_column_text(st, 0));
	p->limit = (unsigned int)sqlite3_column_int(st, 1);
	p->unit = strcmp((const char *)sqlite3_column_text(st, 2), "working-hours") == 0 ?
		MOTCUA_LIMIT_WORKING_HOURS : MOTCUA_LIMIT_WORKING_DAYS;
	sqlite3_reset(st);
	return 0;
}

/* <agency>-<yymmdd>-<seq>: the sequence per agency and local day, taken under the write lock
 * so concurrent receivers never share a number. */
static int code_next(char *out, motcua_ctx *ctx, const char *agency, int64_t received_at)
{
	static const char sql[] =
		"INSERT INTO dossier_seq(agency, day, last) VALUES(?1, ?2, 1)"
		" ON CONFLICT(agency, day) DO UPDATE SET last = last + 1 RETURNING last";
	sqlite3_stmt *st;
	char day[8];
	int64_t seq;
	mc_civil c;
	int error;

	mc_time_local(&c, received_at);
	snprintf(day, sizeof(day), "%02d%02d%02d", c.year % 100, c.month, c.day);
	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_text(st, 1, agency, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
	if ((error = mc_store_exec_int(&seq, ctx->store, st)) < 0)
		return error;
	snprintf(out, MOTCUA_DOSSIER_CODE_MAX, "%s-%s-%04lld", agency, day, (long long)seq);
	return 0;
}

int motcua_dossier_receive(char *code_out, motcua_ctx *ctx, const char *agency,
	const char *procedure, const motcua_receive_options *opts)
{
	static const char agency_sql[] = "SELECT 1 FROM agency WHERE code = ?";
	static const char insert_sql[] =
		"INSERT INTO dossier(code, agency, procedure, process_hash, applicant_id,"
		" applicant_name, channel, received_at, received_by, clock_start, due_at, status)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'processing')";
	motcua_receive_options defaults = MOTCUA_RECEIVE_OPTIONS_INIT;
	int64_t received, clock_start, due, dossier, found;
	char code[MOTCUA_DOSSIER_CODE_MAX], detail[512], due_text[32];
	procedure_row p;
	sqlite3_stmt *st;
	mc_run r;
	int error;

	if (!opts)
		opts = &defaults;
	if ((unsigned int)opts->channel > MOTCUA_CHANNEL_POST)
		return mc_error(MOTCUA_EINVALID, "channel: must be counter, online or post");
	if ((error = applicant_id_check(opts->applicant_id)) < 0)
		return error;
	for (size_t i = 0; i < opts->n_vars; i++)
		if ((error = mc_var_check(opts->vars[i].name, opts->vars[i].value)) < 0)
			return error;
	received = opts->received_at ? opts->received_at : motcua_ctx_now(ctx);
	if ((error = mc_store_begin(ctx->store)) < 0)
		return error;
	if ((error = mc_store_stmt(&st, ctx->store, agency_sql)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, agency ? agency : "", -1, SQLITE_STATIC);
	if ((error = mc_store_exec_int(&found, ctx->store, st)) == MOTCUA_ENOTFOUND)
		error = mc_error(MOTCUA_ENOTFOUND, "agency '%.64s': no such agency",
			agency ? agency : "");
	if (error < 0 || (error = procedure_load_row(&p, ctx, procedure ? procedure : "")) < 0 ||
	    (error = mc_user_may(ctx, "clerk", agency)) < 0 ||
	    (error = code_next(code, ctx, agency, received)) < 0)
		goto done;
	clock_start = motcua_calendar_clock_start(ctx->cal, received, p.unit);
	due = motcua_calendar_due(ctx->cal, received, p.limit, p.unit);
	if ((error = mc_store_stmt(&st, ctx->store, insert_sql)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, agency, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, procedure, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, p.process_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, opts->applicant_id, -1, SQLITE_STATIC);
	if (opts->applicant_name)
		sqlite3_bind_text(st, 6, opts->applicant_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, channel_names[opts->channel], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, received);
	sqlite3_bind_text(st, 9, ctx->user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, clock_start);
	if (due)
		sqlite3_bind_int64(st, 11, due);
	if ((error = mc_store_exec_int(NULL, ctx->store, st)) < 0)
		goto done;
	dossier = sqlite3_last_insert_rowid(mc_store_db(ctx->store));
	snprintf(detail, sizeof(detail), "{\"code\":\"%s\",\"procedure\":\"%s\","
		"\"channel\":\"%s\",\"due\":\"%s\"}", code, procedure, channel_names[opts->channel],
		due ? mc_time_format(due_text, sizeof(due_text), due) : "");
	if ((error = mc_vars_set(ctx, dossier, opts->vars, opts->n_vars)) < 0 ||
	    (error = mc_audit_append(ctx, "dossier.received", dossier, 0, detail)) < 0 ||
	    (error = mc_run_open(&r, ctx, dossier)) < 0 || (error = mc_run_start(&r)) < 0)
		goto done;
	error = mc_store_commit(ctx->store);
done:
	mc_store_rollback(ctx->store);
	if (error < 0)
		return error;
	if (code_out)
		snprintf(code_out, MOTCUA_DOSSIER_CODE_MAX, "%s", code);
	return mc_jobs_run(ctx, dossier, NULL);
}

#define DOSSIER_COLUMNS \
	"dossier.code, dossier.agency, dossier.procedure, procedure.name, dossier.channel," \
	" dossier.status, dossier.outcome, dossier.received_at, dossier.clock_start," \
	" coalesce(dossier.due_at, 0), coalesce(dossier.finished_at, 0)," \
	" dossier.paused_seconds, dossier.pause_count," \
	" (SELECT count(*) FROM task WHERE task.dossier_id = dossier.id AND task.state = 'error')" \
	" + (SELECT count(*) FROM token WHERE token.dossier_id = dossier.id" \
	"    AND token.state = 'error')"

static void dossier_from_row(motcua_dossier_info *d, sqlite3_stmt *st, int64_t now)
{
	d->code = mc_store_col_dup(st, 0);
	d->agency = mc_store_col_dup(st, 1);
	d->procedure = mc_store_col_dup(st, 2);
	d->procedure_name = mc_store_col_dup(st, 3);
	d->channel = mc_store_col_dup(st, 4);
	d->status = mc_store_col_dup(st, 5);
	d->outcome = mc_store_col_dup(st, 6);
	d->received_at = sqlite3_column_int64(st, 7);
	d->clock_start = sqlite3_column_int64(st, 8);
	d->due_at = sqlite3_column_int64(st, 9);
	d->finished_at = sqlite3_column_int64(st, 10);
	d->paused_seconds = sqlite3_column_int64(st, 11);
	d->pause_count = sqlite3_column_int(st, 12);
	d->incidents = sqlite3_column_int(st, 13);
	d->on_time = d->finished_at && (!d->due_at || d->finished_at <= d->due_at);
	d->overdue = !d->finished_at && d->due_at && now > d->due_at &&
		d->status && strcmp(d->status, "processing") == 0;
}

void motcua_dossier_info_clear(motcua_dossier_info *d)
{
	free(d->code);
	free(d->agency);
	free(d->procedure);
	free(d->procedure_name);
	free(d->channel);
	free(d->status);
	free(d->outcome);
	memset(d, 0, sizeof(*d));
}

void motcua_dossier_list_free(motcua_dossier_info *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		motcua_dossier_info_clear(&list[i]);
	free(list);
}

int motcua_dossier_get(motcua_dossier_info *out, motcua_ctx *ctx, const char *code)
{
	static const char sql[] =
		"SELECT " DOSSIER_COLUMNS " FROM dossier"
		" JOIN procedure ON procedure.code = dossier.procedure WHERE dossier.code = ?";
	sqlite3_stmt *st;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		dossier_from_row(out, st, motcua_ctx_now(ctx));
	else
		error = mc_error(MOTCUA_ENOTFOUND, "dossier '%.80s': no such dossier", code);
	sqlite3_reset(st);
	return error;
}

int motcua_dossier_list(motcua_dossier_info **out, size_t *count, motcua_ctx *ctx,
	const motcua_dossier_filter *f)
{
	static const char sql[] =
		"SELECT " DOSSIER_COLUMNS " FROM dossier"
		" JOIN procedure ON procedure.code = dossier.procedure"
		" WHERE (?1 IS NULL OR dossier.status = ?1) AND (?2 IS NULL OR dossier.agency = ?2)"
		" AND (?3 IS NULL OR dossier.applicant_id = ?3)"
		" ORDER BY dossier.received_at DESC, dossier.id DESC LIMIT ?4";
	motcua_dossier_filter none = { 0 };
	motcua_dossier_info *list = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st;
	int error;

	*out = NULL;
	*count = 0;
	if (!f)
		f = &none;
	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	if (f->status)
		sqlite3_bind_text(st, 1, f->status, -1, SQLITE_STATIC);
	if (f->agency)
		sqlite3_bind_text(st, 2, f->agency, -1, SQLITE_STATIC);
	if (f->applicant_id)
		sqlite3_bind_text(st, 3, f->applicant_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, f->limit ? (int64_t)f->limit : 100);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			void *grown = realloc(list, (cap = cap ? cap * 2 : 16) * sizeof(*list));

			if (!grown) {
				sqlite3_reset(st);
				motcua_dossier_list_free(list, n);
				return mc_error_oom();
			}
			list = grown;
		}
		memset(&list[n], 0, sizeof(list[n]));
		dossier_from_row(&list[n++], st, motcua_ctx_now(ctx));
	}
	sqlite3_reset(st);
	*out = list;
	*count = n;
	return 0;
}

int motcua_dossier_timeline(char **out, motcua_ctx *ctx, const char *code, bool json)
{
	static const char sql[] =
		"SELECT event.id, event.at, coalesce(event.actor, '-'), event.action,"
		" coalesce(task.node, ''), event.detail FROM event"
		" LEFT JOIN task ON task.id = event.task_id WHERE event.dossier_id = ? ORDER BY event.id";
	mc_buf b = MC_BUF_INIT;
	sqlite3_stmt *st;
	int64_t id;
	int error, n = 0;

	*out = NULL;
	if ((error = mc_dossier_id(&id, ctx, code)) < 0 ||
	    (error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	if (json)
		mc_buf_puts(&b, "[");
	while (sqlite3_step(st) == SQLITE_ROW) {
		char when[32];

		mc_time_format(when, sizeof(when), sqlite3_column_int64(st, 1));
		if (json) {
			mc_buf_printf(&b, "%s{\"event\":%lld,\"at\":\"%s\",\"actor\":", n ? "," : "",
				(long long)sqlite3_column_int64(st, 0), when);
			mc_buf_json_str(&b, (const char *)sqlite3_column_text(st, 2));
			mc_buf_puts(&b, ",\"action\":");
			mc_buf_json_str(&b, (const char *)sqlite3_column_text(st, 3));
			mc_buf_printf(&b, ",\"detail\":%s}", (const char *)sqlite3_column_text(st, 5));
		} else {
			mc_buf_printf(&b, "%s  %-18s %-12s %-16s %s\n", when,
				(const char *)sqlite3_column_text(st, 3),
				(const char *)sqlite3_column_text(st, 2),
				(const char *)sqlite3_column_text(st, 4),
				(const char *)sqlite3_column_text(st, 5));
		}
		n++;
	}
	sqlite3_reset(st);
	if (json)
		mc_buf_puts(&b, "]");
	if (b.failed) {
		mc_buf_free(&b);
		return mc_error_oom();
	}
	*out = mc_buf_detach(&b);
	return 0;
}

/* Opens a transaction on a dossier still in processing (or paused) for an action by someone
 * with `role` at its agency. */
static int begin_on(mc_run *r, motcua_ctx *ctx, const char *code, const char *role)
{
	static const char agency_sql[] = "SELECT agency FROM dossier WHERE id = ?";
	char agency[64] = "";
	sqlite3_stmt *st;
	int64_t id;
	int error;

	if ((error = mc_store_begin(ctx->store)) < 0)
		return error;
	if ((error = mc_dossier_id(&id, ctx, code)) < 0 ||
	    (error = mc_store_stmt(&st, ctx->store, agency_sql)) < 0)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(agency, sizeof(agency), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if ((error = mc_user_may(ctx, role, agency)) < 0 || (error = mc_run_open(r, ctx, id)) < 0)
		goto fail;
	if (strcmp(r->status, "processing") != 0 && strcmp(r->status, "paused") != 0) {
		error = mc_error(MOTCUA_ESTATE, "dossier %s is %s: nothing more can be done to it",
			code, r->status);
		goto fail;
	}
	return 0;
fail:
	mc_store_rollback(ctx->store);
	return error;
}

static int finish_tx(motcua_ctx *ctx, int error, int64_t dossier)
{
	if (error == 0)
		error = mc_store_commit(ctx->store);
	mc_store_rollback(ctx->store);
	if (error == 0)
		error = mc_jobs_run(ctx, dossier, NULL);
	return error;
}

int motcua_dossier_set_vars(motcua_ctx *ctx, const char *code, const motcua_var *vars,
	size_t n)
{
	mc_buf detail = MC_BUF_INIT;
	mc_run r;
	int error;

	for (size_t i = 0; i < n; i++)
		if ((error = mc_var_check(vars[i].name, vars[i].value)) < 0)
			return error;
	if ((error = begin_on(&r, ctx, code, "specialist")) < 0 &&
	    (error = begin_on(&r, ctx, code, "clerk")) < 0)
		return error;
	mc_buf_puts(&detail, "{\"vars\":[");
	for (size_t i = 0; i < n; i++) {
		mc_buf_puts(&detail, i ? "," : "");
		mc_buf_json_str(&detail, vars[i].name);
	}
	mc_buf_puts(&detail, "]}");
	if ((error = mc_vars_set(ctx, r.dossier_id, vars, n)) == 0 &&
	    (error = mc_audit_append(ctx, "dossier.vars", r.dossier_id, 0,
	    mc_buf_cstr(&detail))) == 0)
		error = mc_run_retry_tokens(&r);
	mc_buf_free(&detail);
	return finish_tx(ctx, error, r.dossier_id);
}

static int end_by(motcua_ctx *ctx, const char *code, const char *status, const char *reason,
	const char *role)
{
	mc_run r;
	int error;

	if ((error = begin_on(&r, ctx, code, role)) < 0)
		return error;
	return finish_tx(ctx, mc_run_end(&r, status, NULL, reason ? reason : ""), r.dossier_id);
}

int motcua_dossier_withdraw(motcua_ctx *ctx, const char *code, const char *reason)
{
	return end_by(ctx, code, "withdrawn", reason, "clerk");
}

int motcua_dossier_cancel(motcua_ctx *ctx, const char *code, const char *reason)
{
	return end_by(ctx, code, "cancelled", reason, "leader");
}

int motcua_dossier_pause(motcua_ctx *ctx, const char *code, const char *reason)
{
	mc_run r;
	int error;

	if ((error = begin_on(&r, ctx, code, "clerk")) < 0)
		return error;
	return finish_tx(ctx, mc_run_pause(&r, reason ? reason : "more papers", 0), r.dossier_id);
}

int motcua_dossier_resume(motcua_ctx *ctx, const char *code)
{
	mc_run r;
	int error;

	if ((error = begin_on(&r, ctx, code, "clerk")) < 0)
		return error;
	return finish_tx(ctx, mc_run_resume(&r), r.dossier_id);
}

int motcua_dossier_attach(motcua_ctx *ctx, const char *code, const char *path,
	const char *kind, const char *name)
{
	static const char sql[] =
		"INSERT INTO document(dossier_id, blob, kind, name, created_at, created_by)"
		" VALUES(?, ?, ?, ?, ?, ?)";
	static const char *const kinds[] = { "scan", "copy", "draft", "result", "attachment" };
	char hash[MC_HASH_HEX];
	mc_buf detail = MC_BUF_INIT;
	const char *base;
	sqlite3_stmt *st;
	bool kind_ok = false;
	mc_run r;
	int error;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		kind_ok |= kind && strcmp(kind, kinds[i]) == 0;
	if (!kind_ok)
		return mc_error(MOTCUA_EINVALID, "kind '%.32s': must be scan, copy, draft, result "
			"or attachment", kind ? kind : "");
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if ((error = begin_on(&r, ctx, code, "clerk")) < 0 &&
	    (error = begin_on(&r, ctx, code, "specialist")) < 0)
		return error;
	if ((error = mc_blob_put_file(hash, ctx->store, path)) < 0 ||
	    (error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, r.dossier_id);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, name ? name : base, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, motcua_ctx_now(ctx));
	sqlite3_bind_text(st, 6, ctx->user, -1, SQLITE_STATIC);
	if ((error = mc_store_exec_int(NULL, ctx->store, st)) < 0)
		goto done;
	mc_buf_printf(&detail, "{\"document\":%lld,\"blob\":\"%s\",\"kind\":\"%s\"}",
		(long long)sqlite3_last_insert_rowid(mc_store_db(ctx->store)), hash, kind);
	error = mc_audit_append(ctx, "document.attached", r.dossier_id, 0, mc_buf_cstr(&detail));
done:
	mc_buf_free(&detail);
	return finish_tx(ctx, error, r.dossier_id);
}
