/* workflow/audit.c — the audit trail: every change appends an event holding the SHA-256 of the
 * previous event and of its own fields, so `motcua audit verify` can prove nothing was edited,
 * inserted or removed (removing the newest rows shows against a head hash noted elsewhere). */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "ctx/ctx.h"
#include "workflow/audit.h"

static const char genesis[MC_HASH_HEX] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* The hashed form of a row: every field, in order, NUL-free, each on its own line. */
static int event_hash(char out[MC_HASH_HEX], const char *prev, int64_t id, int64_t at,
	const char *actor, const char *action, int64_t dossier_id, int64_t task_id,
	const char *detail)
{
	mc_buf b = MC_BUF_INIT;
	int error;

	mc_buf_printf(&b, "motcua-event-1\n%s\n%lld\n%lld\n%s\n%s\n%lld\n%lld\n%s", prev,
		(long long)id, (long long)at, actor ? actor : "", action, (long long)dossier_id,
		(long long)task_id, detail);
	error = b.failed ? mc_error_oom() : mc_sha256_hex(out, b.ptr, b.size);
	mc_buf_free(&b);
	return error;
}

int mc_audit_append(motcua_ctx *ctx, const char *action, int64_t dossier_id, int64_t task_id,
	const char *detail)
{
	static const char last_sql[] = "SELECT id, hash FROM event ORDER BY id DESC LIMIT 1";
	static const char insert_sql[] =
		"INSERT INTO event(id, at, actor, action, dossier_id, task_id, detail, prev_hash,"
		" hash) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)";
	char prev[MC_HASH_HEX], hash[MC_HASH_HEX];
	int64_t id = 1, at = motcua_ctx_now(ctx);
	sqlite3_stmt *st;
	int error;

	memcpy(prev, genesis, sizeof(prev));
	if ((error = mc_store_stmt(&st, ctx->store, last_sql)) < 0)
		return error;
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	if ((error = event_hash(hash, prev, id, at, ctx->user, action, dossier_id, task_id,
	    detail)) < 0 || (error = mc_store_stmt(&st, ctx->store, insert_sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, at);
	if (ctx->user)
		sqlite3_bind_text(st, 3, ctx->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
	if (dossier_id)
		sqlite3_bind_int64(st, 5, dossier_id);
	if (task_id)
		sqlite3_bind_int64(st, 6, task_id);
	sqlite3_bind_text(st, 7, detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, hash, -1, SQLITE_STATIC);
	return mc_store_exec_int(NULL, ctx->store, st);
}

int motcua_audit_verify(motcua_audit_report *out, motcua_ctx *ctx)
{
	static const char sql[] =
		"SELECT id, at, actor, action, coalesce(dossier_id, 0), coalesce(task_id, 0),"
		" detail, prev_hash, hash FROM event ORDER BY id";
	char prev[MC_HASH_HEX], want[MC_HASH_HEX];
	int64_t expect_id = 1;
	sqlite3_stmt *st;
	int rc, error = 0;

	memset(out, 0, sizeof(*out));
	memcpy(prev, genesis, sizeof(prev));
	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *stored_prev = (const char *)sqlite3_column_text(st, 7);
		const char *stored = (const char *)sqlite3_column_text(st, 8);
		const char *action = (const char *)sqlite3_column_text(st, 3);
		const char *detail = (const char *)sqlite3_column_text(st, 6);

		if ((error = event_hash(want, prev, id, sqlite3_column_int64(st, 1),
		    (const char *)sqlite3_column_text(st, 2), action ? action : "",
		    sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
		    detail ? detail : "")) < 0)
			break;
		out->events++;
		if (id != expect_id) {
			out->first_bad = id;
			error = mc_error(MOTCUA_ECORRUPT, "audit: event %lld follows %lld: "
				"events were removed or renumbered", (long long)id,
				(long long)expect_id - 1);
			break;
		}
		if (!stored_prev || strcmp(stored_prev, prev) != 0) {
			out->first_bad = id;
			error = mc_error(MOTCUA_ECORRUPT, "audit: event %lld does not link to "
				"event %lld: the chain was broken there", (long long)id,
				(long long)id - 1);
			break;
		}
		if (!stored || strcmp(stored, want) != 0) {
			out->first_bad = id;
			error = mc_error(MOTCUA_ECORRUPT, "audit: event %lld (%s) was altered: its "
				"content no longer matches its hash", (long long)id,
				action ? action : "?");
			break;
		}
		memcpy(prev, stored, MC_HASH_HEX);
		expect_id = id + 1;
	}
	sqlite3_reset(st);
	if (error == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
		error = mc_store_error(ctx->store, "reading events");
	memcpy(out->head, prev, MC_HASH_HEX);
	return error;
}
