/* workflow/audit.h — appending to the hash-chained audit trail, inside the caller's
 * transaction. */
#ifndef MC_AUDIT_H
#define MC_AUDIT_H

#include "motcua/audit.h"

/* Appends one event at the context's now, by the acting user. detail is a JSON object of ids
 * (never personal data). dossier_id and task_id are 0 when not about one. */
int mc_audit_append(motcua_ctx *ctx, const char *action, int64_t dossier_id, int64_t task_id,
	const char *detail);

#endif
