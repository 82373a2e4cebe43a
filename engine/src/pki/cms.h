/* pki/cms.h — CMS SignedData as PAdES needs it, encoded by motcua itself (OpenSSL 3.0's
 * CMS_sign always adds signingTime, which PAdES baseline forbids), and verification that checks
 * the signature over the signed attributes exactly as they were encoded. */
#ifndef MC_CMS_H
#define MC_CMS_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pki/signer.h"

/* Builds a detached SignedData (DER) over content whose digest under `md` is `digest`.
 * Signed attributes, in DER SET order: contentType (id-data), messageDigest,
 * signingCertificateV2 (ESSCertIDv2 with the certificate's hash under `md` and its
 * issuerSerial; RFC 5035). No signingTime. Certificates: the signer's and its chain.
 * Signature: RSA PKCS#1 v1.5 (or ECDSA) with `md`. md must be SHA-256, 384 or 512: anything
 * else, SHA-1 included, is MOTCUA_EINVALID. *out is OPENSSL_malloc'd: free with OPENSSL_free. */
int mc_cms_sign(unsigned char **out, size_t *out_len, const motcua_signer *s, const EVP_MD *md,
	const unsigned char *digest, size_t digest_len);

/* mc_cms_sign, and when tsa_url is not NULL, PAdES B-T: the TSA at tsa_url time-stamps the
 * SignerInfo's signature value (with `md`, pki/tsp.h) and the token goes in the unsigned
 * attribute signatureTimeStampToken (id-aa-timeStampToken, RFC 3161 Appendix A). An
 * unreachable or refusing TSA fails the whole signature (MOTCUA_ERROR naming the URL). */
int mc_cms_sign_ex(unsigned char **out, size_t *out_len, const motcua_signer *s,
	const EVP_MD *md, const unsigned char *digest, size_t digest_len, const char *tsa_url);

/* Hashes the signed content with `md` into out (EVP_MAX_MD_SIZE), for the verifier. */
typedef int (*mc_cms_content_hash)(unsigned char *out, unsigned int *out_len, const EVP_MD *md,
	void *payload);

typedef struct {
	bool parsed;              /* the DER is a CMS SignedData with one signer */
	bool digest_ok;           /* messageDigest equals the content's digest */
	bool signature_ok;        /* the signature verifies over the signed attributes as encoded */
	bool has_signing_cert_v2; /* signingCertificateV2 present and matches the signer cert */
	bool has_signing_cert_v1; /* signingCertificate (v1, SHA-1 ESSCertID) present */
	bool digestinfo_no_null;  /* RSA DigestInfo had its NULL parameters absent (RFC 4055) */
	int64_t signing_time;     /* signingTime attribute if present (claimed), else 0 */
	char digest_alg[16];      /* "sha256", ... */
	char sig_alg[16];         /* "rsa", "ecdsa", "rsa-pss" */
	X509 *signer;             /* the signer's certificate (owned by the report) */
	STACK_OF(X509) *certs;    /* every certificate in the CMS (owned) */
	unsigned char *timestamp; /* unsigned attribute signatureTimeStampToken (DER), or NULL */
	size_t timestamp_len;
	unsigned char *signature_value; /* the SignerInfo's signature octets (owned): what a
	                                 * signature time-stamp's imprint covers */
	size_t signature_value_len;
	char problem[256];        /* why something above is false, for the report */
} mc_cms_report;

/* Parses and checks a detached SignedData. Returns 0 whenever it could decide (the report says
 * what holds), MOTCUA_EINVALID when the bytes are not a SignedData at all. */
int mc_cms_verify(mc_cms_report *out, const unsigned char *der, size_t len,
	mc_cms_content_hash hash, void *payload);
void mc_cms_report_clear(mc_cms_report *r);

#endif
