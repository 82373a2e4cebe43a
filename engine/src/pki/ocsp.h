/* pki/ocsp.h — OCSP responses (RFC 6960) as revocation evidence for the PDF verifier: which
 * response speaks for a certificate, whether the certificate's issuer authorized its responder,
 * whether it is fresh for the signing time, and what it says; and asking a responder over HTTP
 * for one, as B-LT signing does. Every response is untrusted input. */
#ifndef MC_OCSP_H
#define MC_OCSP_H

#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One response as found: in the document's DSS, or in a file the caller gave. */
typedef struct {
	OCSP_BASICRESP *basic;      /* NULL when the bytes carry no BasicOCSPResponse */
	char problem[96];           /* why basic is NULL: unreadable, or the responder's status */
	char source[128];           /* "in the document's DSS", "given (r.der)" */
} mc_ocsp_item;

typedef struct {
	mc_ocsp_item *items;
	size_t n, cap;
} mc_ocsp_set;
#define MC_OCSP_SET_INIT { NULL, 0, 0 }

/* Adds the DER OCSPResponse `der` found at `source` (copied). What cannot be read is kept as
 * an item without a BasicOCSPResponse, so the report can say why it was not used. Fails only
 * for lack of memory. */
int mc_ocsp_set_add(mc_ocsp_set *set, const unsigned char *der, size_t len, const char *source);

/* Reads a DER OCSPResponse file (as `openssl ocsp -respout` writes it) into the set, its
 * source "given (<base name>)". MOTCUA_ENOTFOUND when it cannot be read, MOTCUA_EINVALID when
 * it is not a successful OCSP response; the message names the file. */
int mc_ocsp_set_add_file(mc_ocsp_set *set, const char *path);

void mc_ocsp_set_clear(mc_ocsp_set *set);

typedef enum {
	MC_OCSP_NONE = 0,           /* no response could be used for the certificate */
	MC_OCSP_GOOD,               /* an authorized, fresh response says good */
	MC_OCSP_REVOKED,            /* an authorized response says revoked at or before `at` */
	MC_OCSP_REVOKED_LATER       /* ... revoked, but after `at` */
} mc_ocsp_verdict;

typedef struct {
	mc_ocsp_verdict verdict;
	const char *source;         /* the deciding response's source (lives as long as the set) */
	int64_t this_update;        /* of the deciding response, UTC seconds */
	int64_t next_update;        /* 0: absent */
	int64_t revoked_at;         /* REVOKED, REVOKED_LATER */
	int reason;                 /* CRL reason code of a revocation, -1 when none given */
	size_t n_about;             /* responses that name the certificate */
	char not_used[320];         /* why responses were not used ("" when none was refused) */
} mc_ocsp_result;

/* What the set's responses say about `cert`, issued by `issuer`, at the time `at` (the
 * signing time). A response counts when one of its SingleResponses carries the certificate's
 * CertID (under the hash the response chose), its signature verifies (OCSP_basic_verify) with
 * a responder the issuer authorized — the issuer itself, or a certificate the issuer signed
 * with the OCSPSigning extended key usage, valid when the response was produced — and, for
 * "good", it is fresh: thisUpdate not in the future and the signing time not after nextUpdate
 * (or, without nextUpdate, not after thisUpdate). `untrusted` (may be NULL) helps find the
 * responder's certificate when the response lacks it. Revoked before `at` wins over any good
 * answer. Returns 0, or MOTCUA_ERROR when out of memory. */
int mc_ocsp_check(mc_ocsp_result *out, const mc_ocsp_set *set, X509 *cert, X509 *issuer,
	STACK_OF(X509) *untrusted, int64_t at);

/* A CRL reason code as RFC 5280 names it ("keyCompromise"), "unspecified" for others. */
const char *mc_ocsp_reason_name(int reason);

/* Asks the responder at `url` (http or https; NULL: the certificate's AIA OCSP URL) about
 * `cert`: a request with a SHA-1 CertID (what responders universally index) and a nonce,
 * POSTed as application/ocsp-request with a 20 s timeout. The reply must be HTTP 200, a
 * successful OCSPResponse whose nonce, if it carries one, matches, and which speaks for the
 * certificate. Its authority and freshness are the verifier's to judge (mc_ocsp_check).
 * *der is the OCSPResponse as the responder encoded it, OPENSSL_malloc'd. Returns 0;
 * MOTCUA_EINVALID for no usable URL; MOTCUA_ERROR when the responder cannot be reached or
 * answers with something else (the message names the URL). */
int mc_ocsp_fetch(unsigned char **der, size_t *len, X509 *cert, X509 *issuer, const char *url);

#endif
