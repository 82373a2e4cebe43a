/* pki/signer.h — what a signer holds, for the CMS builder. */
#ifndef MC_SIGNER_H
#define MC_SIGNER_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "motcua/pki.h"

struct motcua_signer {
	EVP_PKEY *key;
	X509 *cert;
	STACK_OF(X509) *chain;   /* issuing CA first; may be empty, never NULL */
	char *subject;           /* UTF-8, RFC 2253 order reversed as people read it */
};

#endif
