/* workflow/jobs.h — running service tasks: claimed in one transaction, run outside any, their
 * outcome recorded in a third. A job left running by a process that died is taken up again
 * once its lease has passed. */
#ifndef MC_JOBS_H
#define MC_JOBS_H

#include "ctx/ctx.h"

#define MC_JOB_LEASE 60   /* seconds a claimed job is left to its worker */

/* Runs waiting service tasks of one dossier (0: of all) until none is left; *ran may be NULL. */
int mc_jobs_run(motcua_ctx *ctx, int64_t dossier_id, size_t *ran);

/* Whether the acting user holds `role` at `agency` (MOTCUA_EDENIED naming both if not). */
int mc_user_may(motcua_ctx *ctx, const char *role, const char *agency);

/* Admin actions (agencies, users, procedures, the calendar) need the admin role, except in a
 * store that has no admin yet, where they make the first one. Call inside the transaction. */
int mc_require_admin(motcua_ctx *ctx, const char *action);

#endif
