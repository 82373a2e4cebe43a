/* motcua/trust.h — the trust store: a folder of CA certificates (anchors and intermediates)
 * and CRLs, each kept under its SHA-256 fingerprint. The admin may mark a hierarchy as legacy
 * (the government CA's G1, whose certificates are signed with SHA-1); only there does the
 * verifier accept SHA-1 in certificate signatures, and it says so. */
#ifndef MOTCUA_TRUST_H
#define MOTCUA_TRUST_H

#include "motcua/common.h"

typedef struct {
	char fingerprint[65];    /* SHA-256 of the DER, hex */
	char *subject;           /* UTF-8 */
	char *issuer;
	bool is_crl;
	bool self_signed;        /* an anchor */
	bool legacy;             /* SHA-1 certificate signatures accepted in this hierarchy */
	bool sha1_signed;        /* the certificate itself is signed with SHA-1 */
	int64_t not_before, not_after;   /* for a CRL: thisUpdate, nextUpdate */
} motcua_trust_entry;

/* Adds every certificate or CRL in a PEM or DER file. A certificate must be a CA (basic
 * constraints CA:TRUE); anything else is MOTCUA_EINVALID naming the file. *added counts the
 * new entries (an entry already there is not an error). */
int motcua_trust_add(size_t *added, const char *trust_dir, const char *path, bool legacy);

int motcua_trust_list(motcua_trust_entry **out, size_t *count, const char *trust_dir);
void motcua_trust_list_free(motcua_trust_entry *list, size_t count);

/* Removes the entry whose fingerprint starts with `prefix` (at least 8 hex digits): one match
 * or MOTCUA_ENOTFOUND / MOTCUA_EINVALID when ambiguous. */
int motcua_trust_remove(const char *trust_dir, const char *prefix);

#endif
