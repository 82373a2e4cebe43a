/* motcua/stats.h — the indicators the provinces report, computed from the data over any period
 * and agency. */
#ifndef MOTCUA_STATS_H
#define MOTCUA_STATS_H

#include "motcua/common.h"

typedef struct {
	char *procedure;      /* NULL in the total row */
	char *procedure_name;
	int64_t received;         /* received in the period */
	int64_t received_online;
	int64_t finished;         /* finished in the period */
	int64_t on_time;
	int64_t late;
	int64_t overdue_now;      /* open, past due at the context's now */
	int64_t paused_now;       /* waiting on the citizen's papers now */
	int64_t paused_ever;      /* received in the period and paused at least once */
	int64_t withdrawn;
} motcua_stats_row;

typedef struct {
	int64_t from, to;         /* [from, to) UTC; 0: unbounded */
	const char *agency;       /* NULL: all; else the agency and those under it */
} motcua_stats_options;
#define MOTCUA_STATS_OPTIONS_INIT { 0, 0, NULL }

/* rows[0] is the total, the rest one per procedure. */
int motcua_stats(motcua_stats_row **rows, size_t *count, motcua_ctx *ctx,
	const motcua_stats_options *opts);
void motcua_stats_free(motcua_stats_row *rows, size_t count);

#endif
