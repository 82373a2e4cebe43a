/* motcua/task.h — the task queue: user tasks waiting for a role, claimed by a user who holds
 * it, completed with variables; service tasks run by plugins, with their errors and retries. */
#ifndef MOTCUA_TASK_H
#define MOTCUA_TASK_H

#include "motcua/dossier.h"

typedef struct {
	int64_t id;
	char *dossier;
	char *node;          /* BPMN element id */
	char *name;
	char *kind;          /* user | service */
	char *role;
	char *plugin;
	char *state;         /* open, claimed, running, done, error, cancelled */
	char *assignee;
	char *error;
	int64_t created_at, finished_at, dossier_due;
	int attempts;
} motcua_task_info;

typedef struct {
	const char *dossier;     /* NULL: any */
	const char *role;        /* NULL: any */
	const char *state;       /* NULL: open, claimed and error */
	bool mine;               /* only those the acting user may claim or holds */
	size_t limit;            /* 0: 100 */
} motcua_task_filter;

int motcua_task_list(motcua_task_info **out, size_t *count, motcua_ctx *ctx,
	const motcua_task_filter *filter);
void motcua_task_list_free(motcua_task_info *list, size_t count);
int motcua_task_get(motcua_task_info *out, motcua_ctx *ctx, int64_t id);
void motcua_task_info_clear(motcua_task_info *t);

/* The acting user claims an open user task: MOTCUA_EDENIED without the role at the dossier's
 * agency, MOTCUA_ESTATE when it is not open. */
int motcua_task_claim(motcua_ctx *ctx, int64_t id);

/* Completes a user task the acting user holds (or may claim: claiming is implied), with
 * variables, and moves the dossier on. Completing twice is MOTCUA_ESTATE. */
int motcua_task_complete(motcua_ctx *ctx, int64_t id, const motcua_var *vars, size_t n);

/* Runs a failed service task again: MOTCUA_EPLUGIN with the step's message if it fails again. */
int motcua_task_retry(motcua_ctx *ctx, int64_t id);

/* Fires the timers due at the context's now and runs service tasks left waiting (after a crash
 * or by another process). Safe to call any number of times: a timer fires once. *fired (may be
 * NULL) counts timers fired and tasks run. */
int motcua_tick(motcua_ctx *ctx, size_t *fired);

#endif
