/* motcua/dossier.h — receiving dossiers and moving them through their procedure.
 *
 * A dossier belongs to one procedure and one agency. Every function that changes one commits a
 * single transaction and appends its audit events, or changes nothing. Service steps (plugins)
 * run after that commit, each in a transaction of its own. */
#ifndef MOTCUA_DOSSIER_H
#define MOTCUA_DOSSIER_H

#include "motcua/common.h"

typedef enum {
	MOTCUA_CHANNEL_COUNTER = 0,
	MOTCUA_CHANNEL_ONLINE,
	MOTCUA_CHANNEL_POST
} motcua_channel;

/* A variable as name and text: "true"/"false" become booleans, numbers numbers, the rest
 * strings. */
typedef struct {
	const char *name;
	const char *value;
} motcua_var;

typedef struct {
	unsigned int version;
	motcua_channel channel;
	const char *applicant_id;    /* 12-digit personal ID, 9-digit old ID, or tax code */
	const char *applicant_name;  /* optional */
	int64_t received_at;         /* 0: now */
	const motcua_var *vars;
	size_t n_vars;
} motcua_receive_options;
#define MOTCUA_RECEIVE_OPTIONS_INIT { 1, MOTCUA_CHANNEL_COUNTER, NULL, NULL, 0, NULL, 0 }

/* Receives a dossier for procedure_code at agency_code as the acting user (who needs the clerk
 * role there). code_out (MOTCUA_DOSSIER_CODE_MAX bytes) receives the new code. */
#define MOTCUA_DOSSIER_CODE_MAX 64
int motcua_dossier_receive(char *code_out, motcua_ctx *ctx, const char *agency_code,
	const char *procedure_code, const motcua_receive_options *opts);

typedef struct {
	char *code;
	char *agency;
	char *procedure;
	char *procedure_name;
	char *channel;
	char *status;        /* processing, paused, finished, withdrawn, cancelled */
	char *outcome;       /* end event's outcome when finished, else NULL */
	int64_t received_at, clock_start, due_at, finished_at;   /* 0 when none */
	int64_t paused_seconds;   /* working time spent paused */
	int pause_count;
	bool on_time;        /* finished by the due time (or no deadline) */
	bool overdue;        /* not finished and past due now */
	int incidents;       /* tasks or tokens in error */
} motcua_dossier_info;

int motcua_dossier_get(motcua_dossier_info *out, motcua_ctx *ctx, const char *code);
void motcua_dossier_info_clear(motcua_dossier_info *d);

typedef struct {
	const char *status;      /* NULL: any */
	const char *agency;      /* NULL: any */
	const char *applicant_id;
	size_t limit;            /* 0: 100 */
} motcua_dossier_filter;

int motcua_dossier_list(motcua_dossier_info **out, size_t *count, motcua_ctx *ctx,
	const motcua_dossier_filter *filter);
void motcua_dossier_list_free(motcua_dossier_info *list, size_t count);

/* The timeline: audit events of the dossier, oldest first, as lines
 * "2026-02-12T16:00:00+07:00  dossier.received  clerk1  {...}" (or JSON objects). */
int motcua_dossier_timeline(char **out, motcua_ctx *ctx, const char *code, bool json);

/* Sets variables outside a task (e.g. to unblock a gateway) and re-tries tokens in error. */
int motcua_dossier_set_vars(motcua_ctx *ctx, const char *code, const motcua_var *vars,
	size_t n);

/* The citizen withdraws, or the agency cancels: open tasks and timers are cancelled. */
int motcua_dossier_withdraw(motcua_ctx *ctx, const char *code, const char *reason);
int motcua_dossier_cancel(motcua_ctx *ctx, const char *code, const char *reason);

/* Pauses the legal clock outside the process (the process can also do it with a
 * motcua:clock="paused" task), and resumes it: the due time moves by the working time spent
 * paused. */
int motcua_dossier_pause(motcua_ctx *ctx, const char *code, const char *reason);
int motcua_dossier_resume(motcua_ctx *ctx, const char *code);

/* Stores a file in the blob store and attaches it (kind: scan, copy, draft, result,
 * attachment). */
int motcua_dossier_attach(motcua_ctx *ctx, const char *code, const char *path,
	const char *kind, const char *name);

#endif
