/* workflow/runtime.h — moving a dossier's tokens through its process, inside the caller's
 * transaction: tasks and timers created where tokens rest, gateways decided, the legal clock
 * paused and resumed, the dossier finished when its process ends. */
#ifndef MC_RUNTIME_H
#define MC_RUNTIME_H

#include "ctx/ctx.h"

typedef struct {
	motcua_ctx *ctx;
	int64_t dossier_id;
	const mc_process *proc;
	char status[16];
	int64_t due_at;          /* 0: no legal limit */
	int64_t paused_at;
} mc_run;

/* Loads the dossier's state and process. */
int mc_run_open(mc_run *r, motcua_ctx *ctx, int64_t dossier_id);

/* A new token leaves the start event. */
int mc_run_start(mc_run *r);

/* The token resting at `node` (a finished task, a fired timer) leaves it by its outgoing flows
 * and moves on until every token rests again or the process ends. */
int mc_run_leave(mc_run *r, int64_t token, size_t node);

/* Retries tokens stopped in error at a gateway (after variables changed). */
int mc_run_retry_tokens(mc_run *r);

/* Pauses the legal clock (reason is an id-like word for the audit trail). */
int mc_run_pause(mc_run *r, const char *reason, int64_t task_id);
/* Resumes it: the due time moves by the working time spent paused. */
int mc_run_resume(mc_run *r);

/* Ends the dossier: open tasks, timers and tokens are cancelled. status: finished, withdrawn or
 * cancelled; outcome may be NULL. */
int mc_run_end(mc_run *r, const char *status, const char *outcome, const char *reason);

/* When a boundary timer defined by `timer` node fires, counted from `task_start`. 0: never. */
int64_t mc_run_timer_at(const mc_run *r, const mc_node *timer, int64_t task_start);

/* The dossier id for a code, MOTCUA_ENOTFOUND naming it. */
int mc_dossier_id(int64_t *out, motcua_ctx *ctx, const char *code);

#endif
