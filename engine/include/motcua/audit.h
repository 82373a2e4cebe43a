/* motcua/audit.h — the audit trail and the store's self-checks. Events are appended, each
 * holding the SHA-256 of the one before, so an edited, inserted or deleted row shows. */
#ifndef MOTCUA_AUDIT_H
#define MOTCUA_AUDIT_H

#include "motcua/common.h"

typedef struct {
	int64_t events;        /* rows checked */
	int64_t first_bad;     /* id of the first bad row, 0 when the chain is intact */
	char head[65];         /* hash of the last event: note it to detect truncation later */
} motcua_audit_report;

/* Recomputes the chain. Returns 0 when intact, MOTCUA_ECORRUPT naming the first bad row. */
int motcua_audit_verify(motcua_audit_report *out, motcua_ctx *ctx);

/* Re-hashes every blob and checks every reference between rows (documents to blobs, dossiers to
 * procedures and processes, tasks and tokens to dossiers and to nodes of their process, SQLite's
 * own integrity check). Each problem goes to `report` (may be NULL) as one line; returns 0 when
 * none, MOTCUA_ECORRUPT with the count otherwise. */
typedef void (*motcua_fsck_cb)(const char *problem, void *payload);
int motcua_fsck(size_t *problems, motcua_ctx *ctx, motcua_fsck_cb report, void *payload);

#endif
