/* pki/cms.c — CMS SignedData (RFC 5652) written and read by hand for PAdES. Writing: the
 * signed attributes PAdES baseline wants and nothing else (no signingTime), in DER order, signed
 * with EVP_DigestSign so that keys held by a provider or token work too. Reading: the signed
 * attributes are hashed exactly as they arrived, and an RSA signature is opened to its DigestInfo
 * so that one without the NULL parameter (as the government CA's tokens make) is accepted, as
 * RFC 4055 asks. Every input is untrusted: the DER reader checks each length. */
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/time.h"
#include "pki/cms.h"
#include "pki/der.h"
#include "pki/tsp.h"

enum { PARAMS_ABSENT, PARAMS_NULL, PARAMS_OTHER };

/* ---- writing ---- */

static int put_oid(mc_der *d, int nid)
{
	const ASN1_OBJECT *o = OBJ_nid2obj(nid);

	if (!o || OBJ_length(o) == 0)
		return mc_error(MOTCUA_ERROR, "cms: OpenSSL knows no OID for nid %d", nid);
	return mc_der_tlv(d, MC_DER_OID, OBJ_get0_data(o), OBJ_length(o));
}

/* AlgorithmIdentifier; with_null writes the NULL parameters SHA-2 and RSA conventionally carry. */
static int put_alg(mc_der *d, int nid, int with_null)
{
	size_t m;

	if (mc_der_begin(d, &m, MC_DER_SEQUENCE) < 0 || put_oid(d, nid) < 0 ||
	    (with_null && mc_der_null(d) < 0))
		return MOTCUA_ERROR;
	return mc_der_end(d, m);
}

/* An i2d_ result appended as it is. */
static int put_i2d(mc_der *d, int len, unsigned char *p)
{
	int error = len <= 0 ? mc_error(MOTCUA_ERROR, "cms: cannot encode a certificate field") :
		mc_der_raw(d, p, (size_t)len);

	OPENSSL_free(p);
	return error;
}

static int put_name(mc_der *d, const X509_NAME *name)
{
	unsigned char *p = NULL;
	int n = i2d_X509_NAME(name, &p);

	return put_i2d(d, n, p);
}

static int put_serial(mc_der *d, const X509 *cert)
{
	unsigned char *p = NULL;
	int n = i2d_ASN1_INTEGER(X509_get0_serialNumber(cert), &p);

	return put_i2d(d, n, p);
}

/* SEQUENCE { issuer Name, serialNumber }: the SignerInfo's sid. */
static int put_issuer_serial(mc_der *d, X509 *cert)
{
	size_t m;

	if (mc_der_begin(d, &m, MC_DER_SEQUENCE) < 0 ||
	    put_name(d, X509_get_issuer_name(cert)) < 0 || put_serial(d, cert) < 0)
		return MOTCUA_ERROR;
	return mc_der_end(d, m);
}

/* Attribute ::= SEQUENCE { type, SET { value } } where value is already DER. */
static int put_attr(mc_der *d, int nid, const mc_der *value)
{
	size_t seq, set;

	if (value->failed || mc_der_begin(d, &seq, MC_DER_SEQUENCE) < 0 || put_oid(d, nid) < 0 ||
	    mc_der_begin(d, &set, MC_DER_SET) < 0 || mc_der_raw(d, value->ptr, value->size) < 0 ||
	    mc_der_end(d, set) < 0)
		return MOTCUA_ERROR;
	return mc_der_end(d, seq);
}

/* SigningCertificateV2 { certs { ESSCertIDv2 { [hashAlgorithm], certHash, issuerSerial } } }
 * (RFC 5035); the hash algorithm is left out when it is SHA-256, DER's default. */
static int put_signing_cert_v2(mc_der *d, X509 *cert, const EVP_MD *md)
{
	unsigned char hash[EVP_MAX_MD_SIZE];
	unsigned int hash_len;
	size_t sc, certs, id, is, gns, dn;

	if (!X509_digest(cert, md, hash, &hash_len))
		return mc_error(MOTCUA_ERROR, "cms: cannot hash the signer's certificate");
	if (mc_der_begin(d, &sc, MC_DER_SEQUENCE) < 0 ||
	    mc_der_begin(d, &certs, MC_DER_SEQUENCE) < 0 ||
	    mc_der_begin(d, &id, MC_DER_SEQUENCE) < 0 ||
	    (EVP_MD_get_type(md) != NID_sha256 && put_alg(d, EVP_MD_get_type(md), 0) < 0) ||
	    mc_der_tlv(d, MC_DER_OCTETS, hash, hash_len) < 0 ||
	    mc_der_begin(d, &is, MC_DER_SEQUENCE) < 0 ||
	    mc_der_begin(d, &gns, MC_DER_SEQUENCE) < 0 ||
	    mc_der_begin(d, &dn, MC_DER_CTXC(4)) < 0 ||   /* directoryName [4] EXPLICIT Name */
	    put_name(d, X509_get_issuer_name(cert)) < 0 ||
	    mc_der_end(d, dn) < 0 || mc_der_end(d, gns) < 0 || put_serial(d, cert) < 0 ||
	    mc_der_end(d, is) < 0 || mc_der_end(d, id) < 0 || mc_der_end(d, certs) < 0)
		return MOTCUA_ERROR;
	return mc_der_end(d, sc);
}

typedef struct {
	const unsigned char *p;
	size_t len;
} blob;

/* DER orders the members of a SET OF by their encodings (X.690 11.6). */
static int blob_cmp(const void *a, const void *b)
{
	const blob *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->p, y->p, n);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int put_sorted(mc_der *d, blob *items, size_t n)
{
	size_t i;

	qsort(items, n, sizeof(*items), blob_cmp);
	for (i = 0; i < n; i++)
		if (mc_der_raw(d, items[i].p, items[i].len) < 0)
			return MOTCUA_ERROR;
	return 0;
}

/* The content of the signed attributes SET, in DER order. */
static int build_signed_attrs(mc_der *out, X509 *cert, const EVP_MD *md,
	const unsigned char *digest, size_t digest_len)
{
	mc_der attr[3] = { MC_DER_INIT, MC_DER_INIT, MC_DER_INIT }, v = MC_DER_INIT;
	blob sorted[3];
	int error = MOTCUA_ERROR, i;

	if (put_oid(&v, NID_pkcs7_data) < 0 || put_attr(&attr[0], NID_pkcs9_contentType, &v) < 0)
		goto done;
	mc_der_free(&v);
	if (mc_der_tlv(&v, MC_DER_OCTETS, digest, digest_len) < 0 ||
	    put_attr(&attr[1], NID_pkcs9_messageDigest, &v) < 0)
		goto done;
	mc_der_free(&v);
	if (put_signing_cert_v2(&v, cert, md) < 0 ||
	    put_attr(&attr[2], NID_id_smime_aa_signingCertificateV2, &v) < 0)
		goto done;
	for (i = 0; i < 3; i++) {
		sorted[i].p = attr[i].ptr;
		sorted[i].len = attr[i].size;
	}
	error = put_sorted(out, sorted, 3);
done:
	mc_der_free(&v);
	for (i = 0; i < 3; i++)
		mc_der_free(&attr[i]);
	return error;
}

static int key_kind(const EVP_PKEY *key)
{
	if (EVP_PKEY_is_a(key, "RSA"))
		return 'r';
	if (EVP_PKEY_is_a(key, "EC"))
		return 'e';
	return 0;
}

static int ecdsa_nid(int md_nid)
{
	switch (md_nid) {
	case NID_sha256: return NID_ecdsa_with_SHA256;
	case NID_sha384: return NID_ecdsa_with_SHA384;
	case NID_sha512: return NID_ecdsa_with_SHA512;
	default: return NID_undef;
	}
}

/* Signs tbs (the signed attributes with their SET tag) with md: PKCS#1 v1.5 for RSA. */
static int sign_bytes(unsigned char **sig, size_t *sig_len, EVP_PKEY *key, int kind,
	const EVP_MD *md, const unsigned char *tbs, size_t tbs_len)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int error = 0;

	*sig = NULL;
	if (!mctx)
		return mc_error_oom();
	if (EVP_DigestSignInit(mctx, &pctx, md, NULL, key) != 1 ||
	    (kind == 'r' && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) ||
	    EVP_DigestSign(mctx, NULL, sig_len, tbs, tbs_len) != 1 ||
	    !(*sig = OPENSSL_malloc(*sig_len)) ||
	    EVP_DigestSign(mctx, *sig, sig_len, tbs, tbs_len) != 1) {
		unsigned long e = ERR_peek_last_error();
		const char *why = ERR_reason_error_string(e);

		error = mc_error(MOTCUA_ERROR, "cms: the key could not sign%s%s", why ? ": " : "",
			why ? why : "");
		OPENSSL_free(*sig);
		*sig = NULL;
	}
	ERR_clear_error();
	EVP_MD_CTX_free(mctx);
	return error;
}

static int put_certificates(mc_der *d, const motcua_signer *s)
{
	int n = 1 + sk_X509_num(s->chain), i, error = 0, len;
	blob *items = calloc((size_t)n, sizeof(*items));
	unsigned char **ders = calloc((size_t)n, sizeof(*ders));
	size_t m;

	if (!items || !ders) {
		error = mc_error_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		X509 *x = i ? sk_X509_value(s->chain, i - 1) : s->cert;

		if ((len = i2d_X509(x, &ders[i])) <= 0) {
			error = mc_error(MOTCUA_ERROR, "cms: cannot encode a certificate");
			goto done;
		}
		items[i].p = ders[i];
		items[i].len = (size_t)len;
	}
	if (mc_der_begin(d, &m, MC_DER_CTXC(0)) < 0 || put_sorted(d, items, (size_t)n) < 0 ||
	    mc_der_end(d, m) < 0)
		error = MOTCUA_ERROR;
done:
	for (i = 0; ders && i < n; i++)
		OPENSSL_free(ders[i]);
	free(ders);
	free(items);
	return error;
}

/* unsignedAttrs [1] IMPLICIT SET OF Attribute { signatureTimeStampToken }. */
static int put_timestamp(mc_der *d, const unsigned char *token, size_t token_len)
{
	mc_der v = MC_DER_INIT;
	size_t m;
	int error = MOTCUA_ERROR;

	if (mc_der_raw(&v, token, token_len) < 0 || mc_der_begin(d, &m, MC_DER_CTXC(1)) < 0 ||
	    put_attr(d, NID_id_smime_aa_timeStampToken, &v) < 0 || mc_der_end(d, m) < 0)
		goto done;
	error = 0;
done:
	mc_der_free(&v);
	return error;
}

int mc_cms_sign(unsigned char **out, size_t *out_len, const motcua_signer *s, const EVP_MD *md,
	const unsigned char *digest, size_t digest_len)
{
	return mc_cms_sign_ex(out, out_len, s, md, digest, digest_len, NULL);
}

int mc_cms_sign_ex(unsigned char **out, size_t *out_len, const motcua_signer *s,
	const EVP_MD *md, const unsigned char *digest, size_t digest_len, const char *tsa_url)
{
	mc_der attrs = MC_DER_INIT, tbs = MC_DER_INIT, d = MC_DER_INIT;
	unsigned char *sig = NULL, *token = NULL;
	size_t sig_len = 0, token_len = 0, ci, sd_x, sd, set, si, m;
	int md_nid = md ? EVP_MD_get_type(md) : NID_undef, kind, error;

	*out = NULL;
	*out_len = 0;
	if (md_nid == NID_sha1)
		return mc_error(MOTCUA_EINVALID, "cms: motcua never signs with SHA-1");
	if (md_nid != NID_sha256 && md_nid != NID_sha384 && md_nid != NID_sha512)
		return mc_error(MOTCUA_EINVALID, "cms: signatures use SHA-256, 384 or 512, not %s",
			md ? EVP_MD_get0_name(md) : "no digest");
	if (!s || !s->key || !s->cert)
		return mc_error(MOTCUA_EINVALID, "cms: no signer");
	if (!digest || digest_len != (size_t)EVP_MD_get_size(md))
		return mc_error(MOTCUA_EINVALID, "cms: the digest has %zu bytes, %s has %d",
			digest_len, EVP_MD_get0_name(md), EVP_MD_get_size(md));
	if (!(kind = key_kind(s->key)))
		return mc_error(MOTCUA_EINVALID, "cms: %s keys cannot sign here (RSA or EC only)",
			EVP_PKEY_get0_type_name(s->key) ? EVP_PKEY_get0_type_name(s->key) :
			"unknown");

	/* the signature covers the attributes under the universal SET tag (RFC 5652 5.4) */
	if ((error = build_signed_attrs(&attrs, s->cert, md, digest, digest_len)) < 0)
		goto done;
	if (mc_der_tlv(&tbs, MC_DER_SET, attrs.ptr, attrs.size) < 0 || tbs.failed) {
		error = MOTCUA_ERROR;
		goto done;
	}
	if ((error = sign_bytes(&sig, &sig_len, s->key, kind, md, tbs.ptr, tbs.size)) < 0)
		goto done;
	/* the time-stamp covers the signature value: the signature existed at genTime */
	if (tsa_url &&
	    (error = mc_tsp_timestamp(&token, &token_len, tsa_url, md, sig, sig_len)) < 0)
		goto done;

	error = MOTCUA_ERROR;
	if (mc_der_begin(&d, &ci, MC_DER_SEQUENCE) < 0 || put_oid(&d, NID_pkcs7_signed) < 0 ||
	    mc_der_begin(&d, &sd_x, MC_DER_CTXC(0)) < 0 ||
	    mc_der_begin(&d, &sd, MC_DER_SEQUENCE) < 0 || mc_der_uint(&d, 1) < 0 ||
	    mc_der_begin(&d, &set, MC_DER_SET) < 0 || put_alg(&d, md_nid, 1) < 0 ||
	    mc_der_end(&d, set) < 0 ||
	    mc_der_begin(&d, &m, MC_DER_SEQUENCE) < 0 || put_oid(&d, NID_pkcs7_data) < 0 ||
	    mc_der_end(&d, m) < 0 ||
	    put_certificates(&d, s) < 0 ||
	    mc_der_begin(&d, &set, MC_DER_SET) < 0 ||
	    mc_der_begin(&d, &si, MC_DER_SEQUENCE) < 0 || mc_der_uint(&d, 1) < 0 ||
	    put_issuer_serial(&d, s->cert) < 0 || put_alg(&d, md_nid, 1) < 0 ||
	    mc_der_tlv(&d, MC_DER_CTXC(0), attrs.ptr, attrs.size) < 0 ||
	    (kind == 'r' ? put_alg(&d, NID_rsaEncryption, 1) : put_alg(&d, ecdsa_nid(md_nid), 0))
		< 0 ||
	    mc_der_tlv(&d, MC_DER_OCTETS, sig, sig_len) < 0 ||
	    (token && put_timestamp(&d, token, token_len) < 0) ||
	    mc_der_end(&d, si) < 0 || mc_der_end(&d, set) < 0 || mc_der_end(&d, sd) < 0 ||
	    mc_der_end(&d, sd_x) < 0 || mc_der_end(&d, ci) < 0)
		goto done;
	if ((*out = mc_der_detach(&d, out_len)) != NULL)
		error = 0;
done:
	OPENSSL_free(sig);
	OPENSSL_free(token);
	mc_der_free(&attrs);
	mc_der_free(&tbs);
	mc_der_free(&d);
	return error;
}

/* ---- reading ---- */

static void problem(mc_cms_report *r, const char *fmt, ...) MC_PRINTF(2, 3);

/* Adds a reason to the report, after any earlier ones. */
static void problem(mc_cms_report *r, const char *fmt, ...)
{
	size_t n = strlen(r->problem);
	va_list ap;

	if (n && n + 2 < sizeof(r->problem)) {
		memcpy(r->problem + n, "; ", 3);
		n += 2;
	}
	if (n + 1 >= sizeof(r->problem))
		return;
	va_start(ap, fmt);
	vsnprintf(r->problem + n, sizeof(r->problem) - n, fmt, ap);
	va_end(ap);
}

static int oid_nid(const mc_der_item *it)
{
	const unsigned char *p = it->raw;
	ASN1_OBJECT *o;
	int nid;

	if (it->tag != MC_DER_OID || it->raw_len > 1024)
		return NID_undef;
	if (!(o = d2i_ASN1_OBJECT(NULL, &p, (long)it->raw_len))) {
		ERR_clear_error();
		return NID_undef;
	}
	nid = OBJ_obj2nid(o);
	ASN1_OBJECT_free(o);
	return nid;
}

/* AlgorithmIdentifier: the OID's nid and what its parameters are; -1 when malformed. */
static int read_alg(int *nid, int *params, mc_der_item *params_item, const mc_der_item *alg)
{
	mc_der_cursor c = mc_der_enter(alg);
	mc_der_item oid, par;
	int rc;

	if (alg->tag != MC_DER_SEQUENCE || mc_der_next(&oid, &c) != 1 || oid.tag != MC_DER_OID)
		return -1;
	*nid = oid_nid(&oid);
	if ((rc = mc_der_next(&par, &c)) < 0 || (rc == 1 && mc_der_next(&par, &c) != 0))
		return -1;
	if (rc == 0)
		*params = PARAMS_ABSENT;
	else
		*params = par.tag == MC_DER_NULL && par.len == 0 ? PARAMS_NULL : PARAMS_OTHER;
	if (params_item && rc == 1)
		*params_item = par;
	return 0;
}

typedef struct {
	mc_der_item sid;
	mc_der_item digest_alg;
	mc_der_item attrs;          /* [0] signedAttrs, tag 0 when absent */
	mc_der_item sig_alg;
	mc_der_item sig;
	mc_der_item unsigned_attrs; /* [1], tag 0 when absent */
	mc_der_item certs;          /* SignedData's [0] certificates, tag 0 when absent */
} cms_parts;

/* The layout of ContentInfo, SignedData and the one SignerInfo; nothing is checked yet. */
static int parse_layout(cms_parts *p, mc_cms_report *r, const unsigned char *der, size_t len)
{
	mc_der_cursor c = mc_der_cursor_of(der, len), in;
	mc_der_item it, sd, set, si;
	size_t i;
	int n, rc;

	memset(p, 0, sizeof(*p));
	if (mc_der_next(&it, &c) != 1 || it.tag != MC_DER_SEQUENCE)
		goto bad;
	/* a PDF's /Contents pads the CMS with zeros */
	for (i = 0; i < c.left; i++)
		if (c.p[i])
			goto bad;
	in = mc_der_enter(&it);
	if (mc_der_next(&it, &in) != 1 || oid_nid(&it) != NID_pkcs7_signed) {
		problem(r, "not a CMS SignedData");
		return -1;
	}
	if (mc_der_next(&it, &in) != 1 || it.tag != MC_DER_CTXC(0) || in.left ||
	    !mc_der_single(&sd, it.v, it.len, MC_DER_SEQUENCE))
		goto bad;
	in = mc_der_enter(&sd);
	if (mc_der_next(&it, &in) != 1 || it.tag != MC_DER_INTEGER ||       /* version */
	    mc_der_next(&it, &in) != 1 || it.tag != MC_DER_SET ||           /* digestAlgorithms */
	    mc_der_next(&it, &in) != 1 || it.tag != MC_DER_SEQUENCE ||      /* encapContentInfo */
	    mc_der_next_if(&p->certs, &in, MC_DER_CTXC(0)) < 0 ||
	    mc_der_next_if(&it, &in, MC_DER_CTXC(1)) < 0 ||                 /* crls */
	    mc_der_next(&set, &in) != 1 || set.tag != MC_DER_SET || in.left)
		goto bad;
	if (p->certs.tag != MC_DER_CTXC(0))
		memset(&p->certs, 0, sizeof(p->certs));
	in = mc_der_enter(&set);
	for (n = 0; (rc = mc_der_next(&it, &in)) == 1; n++) {
		if (it.tag != MC_DER_SEQUENCE)
			goto bad;
		si = it;
	}
	if (rc < 0)
		goto bad;
	if (n != 1) {
		problem(r, "%d signers: one is expected", n);
		return -1;
	}
	in = mc_der_enter(&si);
	if (mc_der_next(&it, &in) != 1 || it.tag != MC_DER_INTEGER ||
	    mc_der_next(&p->sid, &in) != 1 ||
	    (p->sid.tag != MC_DER_SEQUENCE && p->sid.tag != MC_DER_CTX(0)) ||
	    mc_der_next(&p->digest_alg, &in) != 1 || p->digest_alg.tag != MC_DER_SEQUENCE ||
	    mc_der_next_if(&p->attrs, &in, MC_DER_CTXC(0)) < 0 ||
	    mc_der_next(&p->sig_alg, &in) != 1 || p->sig_alg.tag != MC_DER_SEQUENCE ||
	    mc_der_next(&p->sig, &in) != 1 || p->sig.tag != MC_DER_OCTETS ||
	    mc_der_next_if(&p->unsigned_attrs, &in, MC_DER_CTXC(1)) < 0 || in.left)
		goto bad;
	if (p->attrs.tag != MC_DER_CTXC(0))
		memset(&p->attrs, 0, sizeof(p->attrs));
	if (p->unsigned_attrs.tag != MC_DER_CTXC(1))
		memset(&p->unsigned_attrs, 0, sizeof(p->unsigned_attrs));
	return 0;
bad:
	problem(r, "the SignedData is malformed");
	return -1;
}

static int read_certs(mc_cms_report *r, const mc_der_item *certs)
{
	mc_der_cursor c = mc_der_enter(certs);
	mc_der_item it;
	int rc;

	if (!(r->certs = sk_X509_new_null()))
		return mc_error_oom();
	while ((rc = mc_der_next(&it, &c)) == 1) {
		const unsigned char *p = it.raw;
		X509 *x;

		if (it.tag != MC_DER_SEQUENCE)
			continue;   /* attribute certificates and other choices are not ours */
		if (!(x = d2i_X509(NULL, &p, (long)it.raw_len)) || p != it.raw + it.raw_len) {
			X509_free(x);
			ERR_clear_error();
			problem(r, "a certificate does not parse");
			continue;
		}
		if (!sk_X509_push(r->certs, x)) {
			X509_free(x);
			return mc_error_oom();
		}
	}
	if (rc < 0)
		problem(r, "the certificate set is malformed");
	return 0;
}

static X509_NAME *name_of(const mc_der_item *it)
{
	const unsigned char *p = it->raw;
	X509_NAME *n;

	if (it->tag != MC_DER_SEQUENCE)
		return NULL;
	n = d2i_X509_NAME(NULL, &p, (long)it->raw_len);
	ERR_clear_error();
	return n;
}

static ASN1_INTEGER *integer_of(const mc_der_item *it)
{
	const unsigned char *p = it->raw;
	ASN1_INTEGER *i;

	if (it->tag != MC_DER_INTEGER)
		return NULL;
	i = d2i_ASN1_INTEGER(NULL, &p, (long)it->raw_len);
	ERR_clear_error();
	return i;
}

/* Whether cert is the one issuer and serial name. */
static int is_issuer_serial(X509 *cert, const mc_der_item *issuer, const mc_der_item *serial)
{
	X509_NAME *n = name_of(issuer);
	ASN1_INTEGER *s = integer_of(serial);
	int same = n && s && !X509_NAME_cmp(X509_get_issuer_name(cert), n) &&
		!ASN1_INTEGER_cmp(X509_get0_serialNumber(cert), s);

	X509_NAME_free(n);
	ASN1_INTEGER_free(s);
	return same;
}

static X509 *find_signer(mc_cms_report *r, const mc_der_item *sid)
{
	mc_der_cursor c = mc_der_enter(sid);
	mc_der_item issuer, serial;
	int i, by_name = sid->tag == MC_DER_SEQUENCE;

	if (by_name && (mc_der_next(&issuer, &c) != 1 || mc_der_next(&serial, &c) != 1 ||
	    c.left)) {
		problem(r, "the signer identifier is malformed");
		return NULL;
	}
	for (i = 0; i < sk_X509_num(r->certs); i++) {
		X509 *x = sk_X509_value(r->certs, i);
		const ASN1_OCTET_STRING *ski;

		if (by_name ? is_issuer_serial(x, &issuer, &serial) :
		    ((ski = X509_get0_subject_key_id(x)) && (size_t)ski->length == sid->len &&
		     !memcmp(ski->data, sid->v, sid->len)))
			return x;
	}
	problem(r, "the signer's certificate is not in the CMS");
	return NULL;
}

/* ESSCertID(v2) of signingCertificate(V2): the first one must name the signer (RFC 5035 4). */
static int signing_cert_matches(mc_cms_report *r, const mc_der_item *value, X509 *signer,
	int v2)
{
	mc_der_cursor c = mc_der_enter(value), ids, id, gns;
	mc_der_item certs, first, it, hash, gn, dn, serial;
	const EVP_MD *md = EVP_sha1();
	unsigned char want[EVP_MAX_MD_SIZE];
	unsigned int want_len;
	const char *which = v2 ? "signingCertificateV2" : "signingCertificate";

	if (value->tag != MC_DER_SEQUENCE || mc_der_next(&certs, &c) != 1 ||
	    certs.tag != MC_DER_SEQUENCE)
		goto bad;
	ids = mc_der_enter(&certs);
	if (mc_der_next(&first, &ids) != 1 || first.tag != MC_DER_SEQUENCE)
		goto bad;
	id = mc_der_enter(&first);
	if (mc_der_next(&it, &id) != 1)
		goto bad;
	if (v2) {
		md = EVP_sha256();
		if (it.tag == MC_DER_SEQUENCE) {
			int nid, params;

			if (read_alg(&nid, &params, NULL, &it) < 0)
				goto bad;
			if (!(md = EVP_get_digestbynid(nid))) {
				problem(r, "%s: unknown hash algorithm", which);
				return 0;
			}
			if (mc_der_next(&it, &id) != 1)
				goto bad;
		}
	}
	hash = it;
	if (hash.tag != MC_DER_OCTETS)
		goto bad;
	if (!signer)
		return 0;
	if (!X509_digest(signer, md, want, &want_len)) {
		ERR_clear_error();
		problem(r, "%s: cannot hash the signer's certificate", which);
		return 0;
	}
	if (hash.len != want_len || memcmp(hash.v, want, want_len)) {
		problem(r, "%s names another certificate than the signer's", which);
		return 0;
	}
	/* issuerSerial is optional; when there, it must name the signer too */
	if (mc_der_next(&it, &id) == 1) {
		int found = 0;
		mc_der_cursor is = mc_der_enter(&it);

		if (it.tag != MC_DER_SEQUENCE || mc_der_next(&gn, &is) != 1 ||
		    gn.tag != MC_DER_SEQUENCE || mc_der_next(&serial, &is) != 1)
			goto bad;
		gns = mc_der_enter(&gn);
		while (mc_der_next(&it, &gns) == 1)
			if (it.tag == MC_DER_CTXC(4) && mc_der_single(&dn, it.v, it.len,
			    MC_DER_SEQUENCE) && is_issuer_serial(signer, &dn, &serial))
				found = 1;
		if (!found) {
			problem(r, "%s: issuerSerial names another certificate", which);
			return 0;
		}
	}
	return 1;
bad:
	problem(r, "%s is malformed", which);
	return 0;
}

static int64_t time_of(const mc_der_item *it)
{
	const unsigned char *p = it->raw;
	ASN1_TIME *t;
	struct tm tm;
	int64_t when = 0;

	if (it->tag != MC_DER_UTCTIME && it->tag != MC_DER_GENTIME)
		return 0;
	if ((t = d2i_ASN1_TIME(NULL, &p, (long)it->raw_len)) && ASN1_TIME_to_tm(t, &tm))
		when = mc_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
			tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	ASN1_TIME_free(t);
	ERR_clear_error();
	return when;
}

/* Walks the signed attributes; *digest gets messageDigest's value when there is exactly one. */
static void read_signed_attrs(mc_cms_report *r, const mc_der_item *attrs, X509 *signer,
	mc_der_item *digest, int *digests)
{
	mc_der_cursor c = mc_der_enter(attrs), a, vals;
	mc_der_item attr, type, set, v;
	int rc;

	*digests = 0;
	while ((rc = mc_der_next(&attr, &c)) == 1) {
		a = mc_der_enter(&attr);
		if (attr.tag != MC_DER_SEQUENCE || mc_der_next(&type, &a) != 1 ||
		    type.tag != MC_DER_OID || mc_der_next(&set, &a) != 1 ||
		    set.tag != MC_DER_SET || a.left)
			break;
		vals = mc_der_enter(&set);
		if (mc_der_next(&v, &vals) != 1)
			break;
		switch (oid_nid(&type)) {
		case NID_pkcs9_messageDigest:
			if (v.tag != MC_DER_OCTETS || vals.left)
				break;
			*digest = v;
			(*digests)++;
			break;
		case NID_id_smime_aa_signingCertificateV2:
			if (signing_cert_matches(r, &v, signer, 1))
				r->has_signing_cert_v2 = true;
			break;
		case NID_id_smime_aa_signingCertificate:
			if (signing_cert_matches(r, &v, signer, 0))
				r->has_signing_cert_v1 = true;
			break;
		case NID_pkcs9_signingTime:
			r->signing_time = time_of(&v);
			break;
		default:
			break;
		}
	}
	if (rc != 0)
		problem(r, "the signed attributes are malformed");
}

static void read_unsigned_attrs(mc_cms_report *r, const mc_der_item *attrs)
{
	mc_der_cursor c = mc_der_enter(attrs), a, vals;
	mc_der_item attr, type, set, v;

	while (mc_der_next(&attr, &c) == 1) {
		a = mc_der_enter(&attr);
		if (attr.tag != MC_DER_SEQUENCE || mc_der_next(&type, &a) != 1 ||
		    mc_der_next(&set, &a) != 1 || set.tag != MC_DER_SET)
			continue;
		vals = mc_der_enter(&set);
		if (oid_nid(&type) != NID_id_smime_aa_timeStampToken || r->timestamp ||
		    mc_der_next(&v, &vals) != 1 || v.tag != MC_DER_SEQUENCE)
			continue;
		if ((r->timestamp = OPENSSL_memdup(v.raw, v.raw_len)) != NULL)
			r->timestamp_len = v.raw_len;
	}
}

static int rsa_sig_nid(int nid)
{
	switch (nid) {
	case NID_rsaEncryption: case NID_sha1WithRSAEncryption: case NID_sha224WithRSAEncryption:
	case NID_sha256WithRSAEncryption: case NID_sha384WithRSAEncryption:
	case NID_sha512WithRSAEncryption:
		return 1;
	default:
		return 0;
	}
}

static int ecdsa_sig_nid(int nid)
{
	switch (nid) {
	case NID_X9_62_id_ecPublicKey: case NID_ecdsa_with_SHA1: case NID_ecdsa_with_SHA224:
	case NID_ecdsa_with_SHA256: case NID_ecdsa_with_SHA384: case NID_ecdsa_with_SHA512:
		return 1;
	default:
		return 0;
	}
}

/* RSA PKCS#1 v1.5 opened by hand: the DigestInfo must name md_nid and hold hash, with its
 * parameters NULL or absent (RFC 4055 2.1 asks verifiers to accept both). */
static bool rsa_check(mc_cms_report *r, EVP_PKEY *pub, const mc_der_item *sig, int md_nid,
	const unsigned char *hash, size_t hash_len)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
	unsigned char *di = NULL;
	size_t di_len = 0;
	mc_der_item seq, alg, octets;
	mc_der_cursor c;
	int nid, params;
	bool ok = false;

	if (!ctx || EVP_PKEY_verify_recover_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_PKEY_verify_recover(ctx, NULL, &di_len, sig->v, sig->len) != 1 ||
	    !(di = OPENSSL_malloc(di_len)) ||
	    EVP_PKEY_verify_recover(ctx, di, &di_len, sig->v, sig->len) != 1) {
		problem(r, "the RSA signature does not open with the signer's key");
		goto done;
	}
	if (mc_der_single(&seq, di, di_len, MC_DER_SEQUENCE))
		c = mc_der_enter(&seq);
	else
		c = mc_der_cursor_of(NULL, 0);
	if (mc_der_next(&alg, &c) != 1 || read_alg(&nid, &params, NULL, &alg) < 0 ||
	    params == PARAMS_OTHER ||
	    mc_der_next(&octets, &c) != 1 || octets.tag != MC_DER_OCTETS || c.left) {
		problem(r, "the RSA signature holds no DigestInfo");
		goto done;
	}
	if (nid != md_nid) {
		problem(r, "the signature's DigestInfo names another hash algorithm");
		goto done;
	}
	if (octets.len != hash_len || CRYPTO_memcmp(octets.v, hash, hash_len)) {
		problem(r, "the signature does not match the signed data");
		goto done;
	}
	r->digestinfo_no_null = params == PARAMS_ABSENT;
	ok = true;
done:
	ERR_clear_error();
	OPENSSL_free(di);
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

static bool ecdsa_check(mc_cms_report *r, EVP_PKEY *pub, const mc_der_item *sig,
	const unsigned char *hash, size_t hash_len)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
	bool ok = ctx && EVP_PKEY_verify_init(ctx) == 1 &&
		EVP_PKEY_verify(ctx, sig->v, sig->len, hash, hash_len) == 1;

	if (!ok)
		problem(r, "the ECDSA signature does not match the signed data");
	ERR_clear_error();
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

/* The hash of a PSS AlgorithmIdentifier field, SHA-1 when absent (RFC 4055 3.1). */
static const EVP_MD *pss_md(const X509_ALGOR *alg)
{
	const ASN1_OBJECT *obj;

	if (!alg)
		return EVP_sha1();
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	return EVP_get_digestbyobj(obj);
}

/* RSASSA-PSS with the parameters the signature algorithm carries. hash was made with the
 * SignerInfo's digest algorithm, so PSS must name the same one. */
static bool pss_check(mc_cms_report *r, EVP_PKEY *pub, const cms_parts *p, int md_nid,
	const unsigned char *hash, size_t hash_len)
{
	mc_der_item params;
	const unsigned char *der;
	RSA_PSS_PARAMS *pss = NULL;
	X509_ALGOR *mgf1_hash = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	const EVP_MD *md, *mgf1_md = NULL;
	long salt = 20;
	int nid, kind;
	bool ok = false;

	if (read_alg(&nid, &kind, &params, &p->sig_alg) < 0 || kind != PARAMS_OTHER ||
	    params.raw_len > 4096) {
		problem(r, "RSASSA-PSS without its parameters");
		goto done;
	}
	der = params.raw;
	if (!(pss = d2i_RSA_PSS_PARAMS(NULL, &der, (long)params.raw_len)))
		goto bad;
	md = pss_md(pss->hashAlgorithm);
	if (pss->maskGenAlgorithm) {
		const ASN1_OBJECT *obj;
		const void *pval;
		int ptype;

		X509_ALGOR_get0(&obj, &ptype, &pval, pss->maskGenAlgorithm);
		if (OBJ_obj2nid(obj) != NID_mgf1 || ptype != V_ASN1_SEQUENCE ||
		    !(mgf1_hash = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR),
			pss->maskGenAlgorithm->parameter)))
			goto bad;
		mgf1_md = pss_md(mgf1_hash);
	} else {
		mgf1_md = EVP_sha1();
	}
	if (pss->saltLength && (salt = ASN1_INTEGER_get(pss->saltLength)) < 0)
		goto bad;
	if ((pss->trailerField && ASN1_INTEGER_get(pss->trailerField) != 1) || !md || !mgf1_md)
		goto bad;
	if (EVP_MD_get_type(md) != md_nid) {
		problem(r, "RSASSA-PSS names another hash than the digest algorithm");
		goto done;
	}
	if (!(ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL)) ||
	    EVP_PKEY_verify_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, md) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, mgf1_md) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, (int)salt) != 1 ||
	    EVP_PKEY_verify(ctx, p->sig.v, p->sig.len, hash, hash_len) != 1) {
		problem(r, "the RSASSA-PSS signature does not match the signed data");
		goto done;
	}
	ok = true;
	goto done;
bad:
	problem(r, "the RSASSA-PSS parameters are malformed or unsupported");
done:
	ERR_clear_error();
	X509_ALGOR_free(mgf1_hash);
	RSA_PSS_PARAMS_free(pss);
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

static bool signature_check(mc_cms_report *r, const cms_parts *p, X509 *signer, int md_nid,
	const unsigned char *hash, size_t hash_len)
{
	EVP_PKEY *pub = X509_get0_pubkey(signer);
	int nid, params;

	if (read_alg(&nid, &params, NULL, &p->sig_alg) < 0) {
		problem(r, "the signature algorithm is malformed");
		return false;
	}
	if (rsa_sig_nid(nid)) {
		snprintf(r->sig_alg, sizeof(r->sig_alg), "rsa");
		if (!pub || !EVP_PKEY_is_a(pub, "RSA")) {
			problem(r, "an RSA signature from a certificate without an RSA key");
			return false;
		}
		return rsa_check(r, pub, &p->sig, md_nid, hash, hash_len);
	}
	if (ecdsa_sig_nid(nid)) {
		snprintf(r->sig_alg, sizeof(r->sig_alg), "ecdsa");
		if (!pub || !EVP_PKEY_is_a(pub, "EC")) {
			problem(r, "an ECDSA signature from a certificate without an EC key");
			return false;
		}
		return ecdsa_check(r, pub, &p->sig, hash, hash_len);
	}
	if (nid == NID_rsassaPss) {
		snprintf(r->sig_alg, sizeof(r->sig_alg), "rsa-pss");
		if (!pub || !(EVP_PKEY_is_a(pub, "RSA") || EVP_PKEY_is_a(pub, "RSA-PSS"))) {
			problem(r, "an RSASSA-PSS signature from a certificate without an RSA "
				"key");
			return false;
		}
		return pss_check(r, pub, p, md_nid, hash, hash_len);
	}
	problem(r, "unknown signature algorithm");
	return false;
}

/* Hashes the signed attributes as they were encoded, under the SET tag they were signed with. */
static int hash_attrs(unsigned char *out, unsigned int *out_len, const EVP_MD *md,
	const mc_der_item *attrs)
{
	static const unsigned char set_tag = MC_DER_SET;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
		EVP_DigestUpdate(ctx, &set_tag, 1) == 1 &&
		EVP_DigestUpdate(ctx, attrs->raw + 1, attrs->raw_len - 1) == 1 &&
		EVP_DigestFinal_ex(ctx, out, out_len) == 1;

	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok ? 0 : -1;
}

int mc_cms_verify(mc_cms_report *out, const unsigned char *der, size_t len,
	mc_cms_content_hash hash, void *payload)
{
	unsigned char content[EVP_MAX_MD_SIZE], tbs[EVP_MAX_MD_SIZE];
	unsigned int content_len = 0, tbs_len = 0;
	mc_der_item digest;
	cms_parts p;
	const EVP_MD *md;
	X509 *signer;
	int md_nid, params, digests = 0, error, have_content = 0;

	memset(out, 0, sizeof(*out));
	if (!der || parse_layout(&p, out, der, len) < 0)
		return mc_error(MOTCUA_EINVALID, "cms: %s", out->problem[0] ? out->problem :
			"no bytes");
	if (p.certs.tag && (error = read_certs(out, &p.certs)) < 0)
		return error;
	if (!out->certs && !(out->certs = sk_X509_new_null()))
		return mc_error_oom();
	out->parsed = true;
	if (!(out->signature_value = p.sig.len ? OPENSSL_memdup(p.sig.v, p.sig.len) :
	    OPENSSL_zalloc(1)))
		return mc_error_oom();
	out->signature_value_len = p.sig.len;
	if (p.unsigned_attrs.tag)
		read_unsigned_attrs(out, &p.unsigned_attrs);

	if (read_alg(&md_nid, &params, NULL, &p.digest_alg) < 0 ||
	    !(md = EVP_get_digestbynid(md_nid))) {
		problem(out, "unknown digest algorithm");
		return 0;
	}
	snprintf(out->digest_alg, sizeof(out->digest_alg), "%s", OBJ_nid2ln(md_nid));
	if ((signer = find_signer(out, &p.sid)) != NULL) {
		X509_up_ref(signer);
		out->signer = signer;
	}
	if (hash) {
		if (hash(content, &content_len, md, payload) < 0 || !content_len)
			problem(out, "the signed content could not be hashed");
		else
			have_content = 1;
	}

	if (!p.attrs.tag) {
		/* plain PKCS#7: the signature covers the content's digest itself */
		if (have_content && signer)
			out->signature_ok = signature_check(out, &p, signer, md_nid, content,
				content_len);
		out->digest_ok = out->signature_ok;
		return 0;
	}
	read_signed_attrs(out, &p.attrs, signer, &digest, &digests);
	if (digests != 1)
		problem(out, "%s messageDigest attribute", digests ? "more than one" : "no");
	else if (have_content) {
		out->digest_ok = digest.len == content_len &&
			!CRYPTO_memcmp(digest.v, content, content_len);
		if (!out->digest_ok)
			problem(out, "the content's digest differs from messageDigest");
	}
	if (!signer)
		return 0;
	if (hash_attrs(tbs, &tbs_len, md, &p.attrs) < 0) {
		problem(out, "cannot hash the signed attributes with %s", out->digest_alg);
		return 0;
	}
	out->signature_ok = signature_check(out, &p, signer, md_nid, tbs, tbs_len);
	return 0;
}

void mc_cms_report_clear(mc_cms_report *r)
{
	if (!r)
		return;
	X509_free(r->signer);
	sk_X509_pop_free(r->certs, X509_free);
	OPENSSL_free(r->timestamp);
	OPENSSL_free(r->signature_value);
	memset(r, 0, sizeof(*r));
}
