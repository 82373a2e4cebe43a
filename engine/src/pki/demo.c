/* pki/demo.c — a complete demo PKI made with OpenSSL's X509 API: a root and an issuing CA, a
 * leader, a drafter, an agency seal, a TSA, an OCSP responder, one revoked certificate and both
 * CRLs, and the leader's signature and the seal as images (pki/demo_images.c). The
 * dates are fixed so that tests about signing times come out the same every year; the names
 * are Vietnamese, as UTF8String, so that every layer above is tried on real text. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "motcua/pki.h"
#include "pki/demo_images.h"

#define CA_FROM "20240101000000Z"
#define CA_TO "20360101000000Z"
#define EE_FROM "20250101000000Z"
#define EE_TO "20300101000000Z"
#define CRL_FROM "20260115000000Z"
#define CRL_TO "20300101000000Z"
#define REVOKED_AT "20260115000000Z"
#define P12_PASSWORD "motcua"

#define ORG_CA "Ban Cơ yếu Chính phủ (demo)"
#define ORG_UB "Ủy ban nhân dân xã Mẫu"

typedef struct {
	const char *name;       /* file stem */
	const char *dn[6][2];   /* as people read it: CN first; written in reverse, C first */
	const char *exts[5][2]; /* extension name, value (OpenSSL config syntax) */
	const char *what;       /* for the README */
} cert_spec;

typedef struct {
	X509 *cert;
	EVP_PKEY *key;
} issued;

static const cert_spec root_spec = {
	"root",
	{ { "CN", "Motcua Demo Root CA" }, { "O", ORG_CA }, { "C", "VN" } },
	{ { "basicConstraints", "critical,CA:TRUE" },
	  { "keyUsage", "critical,keyCertSign,cRLSign" },
	  { "subjectKeyIdentifier", "hash" } },
	"root CA (self-signed): the trust anchor"
};

static const cert_spec issuing_spec = {
	"issuing",
	{ { "CN", "Motcua Demo Issuing CA" }, { "O", ORG_CA }, { "C", "VN" } },
	{ { "basicConstraints", "critical,CA:TRUE,pathlen:0" },
	  { "keyUsage", "critical,keyCertSign,cRLSign" },
	  { "subjectKeyIdentifier", "hash" },
	  { "authorityKeyIdentifier", "keyid:always" } },
	"issuing CA, signed by the root: issues every certificate below"
};

#define EE_EXTS(ku, eku) \
	{ { "basicConstraints", "critical,CA:FALSE" }, { "keyUsage", ku }, \
	  { "extendedKeyUsage", eku }, { "subjectKeyIdentifier", "hash" }, \
	  { "authorityKeyIdentifier", "keyid:always" } }

static const cert_spec leaf_specs[] = {
	{ "leader",
	  { { "CN", "Nguyễn Văn Lãnh Đạo" }, { "title", "Chủ tịch" }, { "O", ORG_UB },
	    { "L", "Mẫu" }, { "C", "VN" } },
	  EE_EXTS("critical,digitalSignature,nonRepudiation", "emailProtection,clientAuth"),
	  "the leader's personal signing certificate" },
	{ "drafter",
	  { { "CN", "Lê Thị Chuyên Viên" }, { "title", "Chuyên viên" }, { "O", ORG_UB },
	    { "L", "Mẫu" }, { "C", "VN" } },
	  EE_EXTS("critical,digitalSignature,nonRepudiation", "emailProtection,clientAuth"),
	  "the drafting officer's certificate, for initials (ký nháy)" },
	{ "seal",
	  { { "CN", ORG_UB }, { "O", ORG_UB }, { "C", "VN" } },
	  EE_EXTS("critical,digitalSignature,nonRepudiation", "emailProtection,clientAuth"),
	  "the agency's seal (an organisation's signing certificate)" },
	{ "tsa",
	  { { "CN", "Motcua Demo TSA" }, { "O", ORG_CA }, { "C", "VN" } },
	  EE_EXTS("critical,digitalSignature", "critical,timeStamping"),
	  "time-stamping authority (extendedKeyUsage timeStamping, critical)" },
	{ "ocsp",
	  { { "CN", "Motcua Demo OCSP" }, { "O", ORG_CA }, { "C", "VN" } },
	  EE_EXTS("critical,digitalSignature", "OCSPSigning"),
	  "OCSP responder for the issuing CA" },
	{ "revoked",
	  { { "CN", "Trần Thị Đã Thu Hồi" }, { "O", ORG_UB }, { "C", "VN" } },
	  EE_EXTS("critical,digitalSignature,nonRepudiation", "emailProtection,clientAuth"),
	  "a person's certificate revoked on 2026-01-15 (keyCompromise), in issuing.crl.pem" },
};

static const char readme_head[] =
	"motcua demo PKI - for tests and demonstrations only, never for real documents.\n"
	"\n"
	"RSA 2048, SHA-256. CAs valid 2024-01-01 to 2036-01-01, other certificates\n"
	"2025-01-01 to 2030-01-01. Names are UTF-8 (UTF8String).\n"
	"\n"
	"<name>.pem   the certificate\n"
	"<name>.key   its private key, unencrypted PKCS#8 PEM (mode 0600)\n"
	"<name>.p12   key, certificate and chain in PKCS#12, password \"motcua\"\n"
	"             (every certificate but the two CAs')\n"
	"chain.pem    issuing CA then root CA, for -untrusted / the signer's chain\n"
	"leader-signature.png  the leader's handwritten signature, blue on transparency\n"
	"seal.png     the agency's seal, red on transparency (36 mm across when signed)\n"
	"root.crl.pem     the root CA's CRL (empty)\n"
	"issuing.crl.pem  the issuing CA's CRL, listing revoked.pem\n"
	"\n"
	"Check with: openssl verify -CAfile root.pem -untrusted issuing.pem leader.pem\n"
	"\n";

static int fail_ssl(int code, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	const char *why = ERR_reason_error_string(e);

	ERR_clear_error();
	return mc_error(code, "%s%s%s", what, why ? ": " : "", why ? why : "");
}

static int random_serial(X509 *x)
{
	unsigned char b[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(b, sizeof(b)) != 1)
		return fail_ssl(MOTCUA_ERROR, "pki demo: no random serial");
	b[0] = (unsigned char)((b[0] & 0x7f) | 0x40);   /* positive, and all 16 bytes kept */
	if (!(bn = BN_bin2bn(b, sizeof(b), NULL)))
		return mc_error_oom();
	ok = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok ? 0 : mc_error_oom();
}

static int set_time(ASN1_TIME *t, const char *when)
{
	/* _X509 picks UTCTime before 2050 and GeneralizedTime after, as RFC 5280 asks */
	return ASN1_TIME_set_string_X509(t, when) == 1 ? 0 :
		mc_error(MOTCUA_ERROR, "pki demo: bad time %s", when);
}

static int make_name(X509_NAME **out, const cert_spec *spec)
{
	X509_NAME *n = X509_NAME_new();
	int i, count = 0;

	if (!n)
		return mc_error_oom();
	while (count < 6 && spec->dn[count][0])
		count++;
	for (i = count - 1; i >= 0; i--) {
		if (!X509_NAME_add_entry_by_txt(n, spec->dn[i][0], MBSTRING_UTF8,
			(const unsigned char *)spec->dn[i][1], -1, -1, 0)) {
			X509_NAME_free(n);
			return fail_ssl(MOTCUA_ERROR, "pki demo: bad name");
		}
	}
	*out = n;
	return 0;
}

/* Makes key and certificate for spec, signed by ca (NULL: self-signed). */
static int issue(issued *out, const cert_spec *spec, const issued *ca, const char *from,
	const char *to)
{
	X509_NAME *name = NULL;
	X509V3_CTX v3;
	X509 *x = NULL;
	EVP_PKEY *key = NULL;
	int error = 0, i;

	if (!(key = EVP_RSA_gen(2048))) {
		error = fail_ssl(MOTCUA_ERROR, "pki demo: RSA key generation failed");
		goto done;
	}
	if (!(x = X509_new()) || !X509_set_version(x, X509_VERSION_3)) {
		error = mc_error_oom();
		goto done;
	}
	if ((error = random_serial(x)) < 0 || (error = make_name(&name, spec)) < 0 ||
	    (error = set_time(X509_getm_notBefore(x), from)) < 0 ||
	    (error = set_time(X509_getm_notAfter(x), to)) < 0)
		goto done;
	if (!X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, ca ? X509_get_subject_name(ca->cert) : name) ||
	    !X509_set_pubkey(x, key)) {
		error = mc_error_oom();
		goto done;
	}
	X509V3_set_ctx(&v3, ca ? ca->cert : x, x, NULL, NULL, 0);
	for (i = 0; i < 5 && spec->exts[i][0]; i++) {
		X509_EXTENSION *ext = X509V3_EXT_nconf(NULL, &v3, spec->exts[i][0],
			spec->exts[i][1]);

		if (!ext || !X509_add_ext(x, ext, -1)) {
			X509_EXTENSION_free(ext);
			error = fail_ssl(MOTCUA_ERROR, "pki demo: extension refused");
			goto done;
		}
		X509_EXTENSION_free(ext);
	}
	if (!X509_sign(x, ca ? ca->key : key, EVP_sha256())) {
		error = fail_ssl(MOTCUA_ERROR, "pki demo: signing the certificate failed");
		goto done;
	}
	out->cert = x;
	out->key = key;
	x = NULL;
	key = NULL;
done:
	X509_NAME_free(name);
	X509_free(x);
	EVP_PKEY_free(key);
	if (error < 0)
		mc_error_prefix(error, "%s: ", spec->name);
	return error;
}

static void issued_free(issued *i)
{
	X509_free(i->cert);
	EVP_PKEY_free(i->key);
	i->cert = NULL;
	i->key = NULL;
}

/* Opens dir/name for writing; secret files are created 0600 before a byte is in them. */
static int open_out(BIO **out, char *path, size_t size, const char *dir, const char *name,
	int secret)
{
	int fd, n = snprintf(path, size, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= size)
		return mc_error(MOTCUA_EINVALID, "%s/%s: path too long", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, secret ? 0600 : 0644);
	if (fd < 0)
		return mc_error(MOTCUA_ERROR, "%s: cannot create: %s", path, strerror(errno));
	/* an older file keeps its mode through O_TRUNC: make it private anyway */
	if (secret && fchmod(fd, 0600) < 0) {
		close(fd);
		return mc_error(MOTCUA_ERROR, "%s: chmod: %s", path, strerror(errno));
	}
	if (!(*out = BIO_new_fd(fd, BIO_CLOSE))) {
		close(fd);
		return mc_error_oom();
	}
	return 0;
}

static int close_out(BIO *bio, int ok, const char *path)
{
	ok = ok && BIO_flush(bio) == 1;
	BIO_free(bio);
	return ok ? 0 : fail_ssl(MOTCUA_ERROR, path);
}

static int write_cert(const char *dir, const char *name, X509 *x)
{
	char path[4096];
	BIO *b;
	int error;

	if ((error = open_out(&b, path, sizeof(path), dir, name, 0)) < 0)
		return error;
	return close_out(b, PEM_write_bio_X509(b, x), path);
}

static int write_key(const char *dir, const char *name, EVP_PKEY *key)
{
	char path[4096];
	BIO *b;
	int error;

	if ((error = open_out(&b, path, sizeof(path), dir, name, 1)) < 0)
		return error;
	return close_out(b, PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL), path);
}

static int write_p12(const char *dir, const char *name, const issued *who, const char *label,
	const issued *issuing, const issued *root)
{
	STACK_OF(X509) *ca = sk_X509_new_null();
	PKCS12 *p12 = NULL;
	char path[4096];
	BIO *b;
	int error;

	if (!ca || !sk_X509_push(ca, issuing->cert) || !sk_X509_push(ca, root->cert)) {
		sk_X509_free(ca);
		return mc_error_oom();
	}
	/* zeros select OpenSSL 3's defaults: AES-256-CBC with PBKDF2, and an HMAC-SHA256 MAC */
	p12 = PKCS12_create(P12_PASSWORD, label, who->key, who->cert, ca, 0, 0, 0, 0, 0);
	sk_X509_free(ca);
	if (!p12)
		return fail_ssl(MOTCUA_ERROR, "pki demo: PKCS12_create failed");
	if ((error = open_out(&b, path, sizeof(path), dir, name, 1)) < 0) {
		PKCS12_free(p12);
		return error;
	}
	error = close_out(b, i2d_PKCS12_bio(b, p12), path);
	PKCS12_free(p12);
	return error;
}

/* <stem>.pem and .key, and .p12 with the chain unless issuing is NULL (the CAs). */
static int write_all(const char *dir, const char *stem, const issued *who, const char *label,
	const issued *issuing, const issued *root)
{
	char name[64];
	int error;

	snprintf(name, sizeof(name), "%s.pem", stem);
	if ((error = write_cert(dir, name, who->cert)) < 0)
		return error;
	snprintf(name, sizeof(name), "%s.key", stem);
	if ((error = write_key(dir, name, who->key)) < 0 || !issuing)
		return error;
	snprintf(name, sizeof(name), "%s.p12", stem);
	return write_p12(dir, name, who, label, issuing, root);
}

static int add_crl_ext(X509_CRL *crl, X509 *issuer, const char *name, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&v3, issuer, NULL, NULL, crl, 0);
	if (!(ext = X509V3_EXT_nconf(NULL, &v3, name, value)))
		return fail_ssl(MOTCUA_ERROR, "pki demo: CRL extension refused");
	ok = X509_CRL_add_ext(crl, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : mc_error_oom();
}

static int crl_revoke(X509_CRL *crl, X509 *cert)
{
	X509_REVOKED *r = X509_REVOKED_new();
	ASN1_TIME *when = ASN1_TIME_new();
	ASN1_ENUMERATED *reason = ASN1_ENUMERATED_new();
	int error = 0;

	if (!r || !when || !reason || !ASN1_ENUMERATED_set(reason, CRL_REASON_KEY_COMPROMISE) ||
	    !X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(cert))) {
		error = mc_error_oom();
		goto done;
	}
	if ((error = set_time(when, REVOKED_AT)) < 0)
		goto done;
	if (!X509_REVOKED_set_revocationDate(r, when) ||
	    !X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, reason, 0, 0) ||
	    !X509_CRL_add0_revoked(crl, r)) {
		error = mc_error_oom();
		goto done;
	}
	r = NULL;
done:
	X509_REVOKED_free(r);
	ASN1_TIME_free(when);
	ASN1_ENUMERATED_free(reason);
	return error;
}

static int write_crl(const char *dir, const char *name, const issued *ca, X509 *revoked)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *from = ASN1_TIME_new(), *to = ASN1_TIME_new();
	ASN1_INTEGER *number = NULL;
	char path[4096];
	BIO *b = NULL;
	int error = 0;

	if (!crl || !from || !to || !X509_CRL_set_version(crl, X509_CRL_VERSION_2) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->cert))) {
		error = mc_error_oom();
		goto done;
	}
	if ((error = set_time(from, CRL_FROM)) < 0 || (error = set_time(to, CRL_TO)) < 0)
		goto done;
	if (!X509_CRL_set1_lastUpdate(crl, from) || !X509_CRL_set1_nextUpdate(crl, to)) {
		error = mc_error_oom();
		goto done;
	}
	if ((revoked && (error = crl_revoke(crl, revoked)) < 0) ||
	    (error = add_crl_ext(crl, ca->cert, "authorityKeyIdentifier", "keyid:always")) < 0)
		goto done;
	if (!(number = ASN1_INTEGER_new()) || !ASN1_INTEGER_set(number, 1) ||
	    !X509_CRL_add1_ext_i2d(crl, NID_crl_number, number, 0, 0)) {
		error = mc_error_oom();
		goto done;
	}
	X509_CRL_sort(crl);
	if (!X509_CRL_sign(crl, ca->key, EVP_sha256())) {
		error = fail_ssl(MOTCUA_ERROR, "pki demo: signing the CRL failed");
		goto done;
	}
	if ((error = open_out(&b, path, sizeof(path), dir, name, 0)) < 0)
		goto done;
	error = close_out(b, PEM_write_bio_X509_CRL(b, crl), path);
done:
	X509_CRL_free(crl);
	ASN1_INTEGER_free(number);
	ASN1_TIME_free(from);
	ASN1_TIME_free(to);
	return error;
}

static int write_chain_and_readme(const char *dir, const issued *issuing, const issued *root)
{
	char path[4096];
	BIO *b;
	size_t i;
	int error, ok;

	if ((error = open_out(&b, path, sizeof(path), dir, "chain.pem", 0)) < 0)
		return error;
	ok = PEM_write_bio_X509(b, issuing->cert) && PEM_write_bio_X509(b, root->cert);
	if ((error = close_out(b, ok, path)) < 0)
		return error;

	if ((error = open_out(&b, path, sizeof(path), dir, "README", 0)) < 0)
		return error;
	ok = BIO_puts(b, readme_head) > 0 &&
		BIO_printf(b, "root      %s\nissuing   %s\n", root_spec.what,
			issuing_spec.what) > 0;
	for (i = 0; ok && i < sizeof(leaf_specs) / sizeof(leaf_specs[0]); i++)
		ok = BIO_printf(b, "%-9s %s\n", leaf_specs[i].name, leaf_specs[i].what) > 0;
	return close_out(b, ok, path);
}

int motcua_pki_demo(const char *dir)
{
	enum { NLEAF = sizeof(leaf_specs) / sizeof(leaf_specs[0]) };
	issued root = { 0 }, issuing = { 0 }, leaf[NLEAF];
	X509 *revoked = NULL;
	size_t i;
	int error;

	memset(leaf, 0, sizeof(leaf));
	if (!dir || !*dir)
		return mc_error(MOTCUA_EINVALID, "pki demo: no directory given");
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return mc_error(MOTCUA_ERROR, "%s: cannot create: %s", dir, strerror(errno));
	if ((error = issue(&root, &root_spec, NULL, CA_FROM, CA_TO)) < 0 ||
	    (error = issue(&issuing, &issuing_spec, &root, CA_FROM, CA_TO)) < 0 ||
	    (error = write_all(dir, "root", &root, NULL, NULL, NULL)) < 0 ||
	    (error = write_all(dir, "issuing", &issuing, NULL, NULL, NULL)) < 0)
		goto done;
	for (i = 0; i < NLEAF; i++) {
		if ((error = issue(&leaf[i], &leaf_specs[i], &issuing, EE_FROM, EE_TO)) < 0 ||
		    (error = write_all(dir, leaf_specs[i].name, &leaf[i], leaf_specs[i].dn[0][1],
			&issuing, &root)) < 0)
			goto done;
		if (!strcmp(leaf_specs[i].name, "revoked"))
			revoked = leaf[i].cert;
	}
	if ((error = write_crl(dir, "root.crl.pem", &root, NULL)) < 0 ||
	    (error = write_crl(dir, "issuing.crl.pem", &issuing, revoked)) < 0 ||
	    (error = write_chain_and_readme(dir, &issuing, &root)) < 0 ||
	    (error = mc_pki_demo_images(dir)) < 0)
		goto done;
done:
	issued_free(&root);
	issued_free(&issuing);
	for (i = 0; i < NLEAF; i++)
		issued_free(&leaf[i]);
	return error;
}
