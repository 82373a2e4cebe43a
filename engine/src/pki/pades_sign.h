/* pki/pades_sign.h — what the library itself needs of the signing code beyond the public
 * motcua_sign_pdf (motcua/pades.h). */
#ifndef MC_PKI_PADES_SIGN_H
#define MC_PKI_PADES_SIGN_H

#include "motcua/pades.h"

/* motcua_sign_pdf without the final syncs: out is complete when this returns but not yet
 * durable. Batch signing writes a chunk of files so, then one syncfs makes them all durable
 * before they are renamed into place and reported. */
int mc_sign_pdf_unsynced(const char *in, const char *out, const motcua_signer *s,
	const motcua_sign_options *o);

#endif
