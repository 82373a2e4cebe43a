/* workflow/stats.c — the indicators, straight from the dossier table: received (and online),
 * finished on time and late, overdue and waiting on papers now, per procedure and in total,
 * for a period and an agency with the agencies under it. */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "ctx/ctx.h"
#include "motcua/stats.h"

static const char stats_sql[] =
	"WITH RECURSIVE scope(code) AS ("
	"  SELECT code FROM agency WHERE ?3 IS NULL OR code = ?3"
	"  UNION SELECT agency.code FROM agency JOIN scope ON agency.parent = scope.code),"
	" d AS (SELECT dossier.*, (?1 = 0 OR received_at >= ?1) AND (?2 = 0 OR received_at < ?2)"
	"  AS in_received, finished_at IS NOT NULL AND (?1 = 0 OR finished_at >= ?1)"
	"  AND (?2 = 0 OR finished_at < ?2) AS in_finished"
	"  FROM dossier WHERE agency IN (SELECT code FROM scope))"
	" SELECT procedure, procedure.name,"
	"  sum(in_received), sum(in_received AND channel = 'online'),"
	"  sum(in_finished AND status = 'finished'),"
	"  sum(in_finished AND status = 'finished' AND (due_at IS NULL OR finished_at <= due_at)),"
	"  sum(in_finished AND status = 'finished' AND due_at IS NOT NULL"
	"   AND finished_at > due_at),"
	"  sum(status = 'processing' AND due_at IS NOT NULL AND due_at < ?4),"
	"  sum(status = 'paused'), sum(in_received AND pause_count > 0),"
	"  sum(in_finished AND status = 'withdrawn')"
	" FROM d JOIN procedure ON procedure.code = d.procedure"
	" GROUP BY procedure ORDER BY procedure";

void motcua_stats_free(motcua_stats_row *rows, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(rows[i].procedure);
		free(rows[i].procedure_name);
	}
	free(rows);
}

int motcua_stats(motcua_stats_row **out, size_t *count, motcua_ctx *ctx,
	const motcua_stats_options *opts)
{
	motcua_stats_options defaults = MOTCUA_STATS_OPTIONS_INIT;
	motcua_stats_row *rows = NULL, *total;
	size_t n = 1, cap = 8;
	sqlite3_stmt *st;
	int error;

	*out = NULL;
	*count = 0;
	if (!opts)
		opts = &defaults;
	if ((error = mc_store_stmt(&st, ctx->store, stats_sql)) < 0)
		return error;
	if (!(rows = calloc(cap, sizeof(*rows))))
		return mc_error_oom();
	sqlite3_bind_int64(st, 1, opts->from);
	sqlite3_bind_int64(st, 2, opts->to);
	if (opts->agency)
		sqlite3_bind_text(st, 3, opts->agency, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, motcua_ctx_now(ctx));
	while (sqlite3_step(st) == SQLITE_ROW) {
		motcua_stats_row *r;

		if (n == cap) {
			void *grown = realloc(rows, (cap *= 2) * sizeof(*rows));

			if (!grown) {
				sqlite3_reset(st);
				motcua_stats_free(rows, n);
				return mc_error_oom();
			}
			rows = grown;
		}
		r = &rows[n++];
		memset(r, 0, sizeof(*r));
		r->procedure = strdup((const char *)sqlite3_column_text(st, 0));
		r->procedure_name = strdup((const char *)sqlite3_column_text(st, 1));
		r->received = sqlite3_column_int64(st, 2);
		r->received_online = sqlite3_column_int64(st, 3);
		r->finished = sqlite3_column_int64(st, 4);
		r->on_time = sqlite3_column_int64(st, 5);
		r->late = sqlite3_column_int64(st, 6);
		r->overdue_now = sqlite3_column_int64(st, 7);
		r->paused_now = sqlite3_column_int64(st, 8);
		r->paused_ever = sqlite3_column_int64(st, 9);
		r->withdrawn = sqlite3_column_int64(st, 10);
	}
	sqlite3_reset(st);
	total = &rows[0];
	for (size_t i = 1; i < n; i++) {
		const motcua_stats_row *r = &rows[i];

		total->received += r->received;
		total->received_online += r->received_online;
		total->finished += r->finished;
		total->on_time += r->on_time;
		total->late += r->late;
		total->overdue_now += r->overdue_now;
		total->paused_now += r->paused_now;
		total->paused_ever += r->paused_ever;
		total->withdrawn += r->withdrawn;
	}
	*out = rows;
	*count = n;
	return 0;
}
