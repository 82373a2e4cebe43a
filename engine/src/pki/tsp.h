/* pki/tsp.h — RFC 3161 time-stamps: asking a time-stamping authority (TSA) over HTTP for a
 * token over some bytes (PAdES B-T stamps the signature value), and reading a token back: when,
 * over what, by whom, and whether its signature holds and chains to the trust store. */
#ifndef MC_TSP_H
#define MC_TSP_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Asks the TSA at `url` (http or https only) for a TimeStampToken over md(data): version 1, a
 * random nonce, certReq TRUE, POSTed as application/timestamp-query with a 20 s timeout. The
 * reply must be HTTP 200, application/timestamp-reply, status granted, and match the request
 * (version, imprint, nonce). The token's signature and chain are not judged here: the verifier
 * does that against its trust store (mc_tsp_check_token). *token is the TimeStampToken
 * (ContentInfo SignedData) exactly as the TSA encoded it, OPENSSL_malloc'd: OPENSSL_free it.
 * Returns 0; MOTCUA_EINVALID for a bad URL or digest; MOTCUA_ERROR when the TSA cannot be
 * reached, answers with an HTTP error or something other than a token, or rejects the request
 * (the message names the URL and the TSA's status text). */
int mc_tsp_timestamp(unsigned char **token, size_t *len, const char *url, const EVP_MD *md,
	const unsigned char *data, size_t data_len);

typedef struct {
	bool parsed;              /* a SignedData holding a TSTInfo */
	int64_t gen_time;         /* genTime, UTC seconds (fractions dropped) */
	char hash_alg[16];        /* the imprint's hash: "sha256", ... */
	bool imprint_ok;          /* the imprint equals hash_alg(data) */
	bool signature_ok;        /* the token's signature verifies with its signer's certificate */
	bool chain_checked;       /* a trust store was given */
	bool chain_ok;            /* the signer chains to the store, timeStamping EKU, ESS binding */
	char tsa[256];            /* the signing certificate's subject (one line, RFC 2253) */
	X509 *signer;             /* the TSA's certificate (owned), NULL if not in the token */
	char problem[256];        /* why something above is false */
} mc_tsp_info;

/* Reads a TimeStampToken and checks it against data (the bytes that were stamped) and, when
 * trust is not NULL, the store (verified at the store's time settings: by default now).
 * Returns 0 whenever it could decide (the info says what holds), MOTCUA_EINVALID when the bytes
 * are not a time-stamp token at all. Clear the info with mc_tsp_info_clear. */
int mc_tsp_check_token(mc_tsp_info *out, const unsigned char *token, size_t len,
	const unsigned char *data, size_t data_len, X509_STORE *trust);
void mc_tsp_info_clear(mc_tsp_info *info);

#endif
