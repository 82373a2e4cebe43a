/* motcua/admin.h — what an admin defines: agencies (codes as in QCVN 102:2016/BTTTT), users
 * and their roles per agency, and procedures (descriptor + BPMN process). Each change is one
 * transaction with one audit event. */
#ifndef MOTCUA_ADMIN_H
#define MOTCUA_ADMIN_H

#include "motcua/common.h"

/* level: province, department, district or commune. parent may be NULL. */
int motcua_agency_add(motcua_ctx *ctx, const char *code, const char *name, const char *level,
	const char *parent);

/* roles: comma-separated, e.g. "clerk,specialist". */
int motcua_user_add(motcua_ctx *ctx, const char *name, const char *full_name,
	const char *agency, const char *roles);

/* Registers a procedure descriptor and the BPMN process it names, after checking both. A new
 * version replaces the old for new dossiers; running dossiers keep the process they started
 * with (processes are kept by content hash). */
int motcua_procedure_load(motcua_ctx *ctx, const char *descriptor_path);

typedef struct {
	char *code;
	char *name;
	unsigned int limit;
	const char *unit;          /* "working-days" | "working-hours" */
	int64_t fee;
	char *online;
	char *result_type;
	char *process_id;
} motcua_procedure_info;

int motcua_procedure_list(motcua_procedure_info **out, size_t *count, motcua_ctx *ctx);
void motcua_procedure_list_free(motcua_procedure_info *list, size_t count);

/* Checks BPMN or descriptor files without a store: 0 when all pass, else MOTCUA_EINVALID with
 * every problem, file:line first, in motcua_error_last(). */
int motcua_workflow_check(const char *path);

#endif
