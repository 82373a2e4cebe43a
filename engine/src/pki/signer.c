/* pki/signer.c — loading a signer: a private key, its certificate and the chain, from PEM
 * files or a PKCS#12 file. Everything a signature needs is checked here, once: the key matches
 * the certificate and the certificate may sign. The passphrase never reaches a terminal
 * prompt: a missing one simply fails. */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/proverr.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "pki/signer.h"

/* OpenSSL's default callback would prompt on the terminal; a server must fail instead. */
static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	const char *pass = u;
	size_t n;

	(void)rwflag;
	if (!pass || size <= 0)
		return -1;
	n = strlen(pass);
	if (n > (size_t)size)
		return -1;
	memcpy(buf, pass, n);
	return (int)n;
}

static int open_file(BIO **out, const char *path)
{
	if (!path || !*path)
		return mc_error(MOTCUA_EINVALID, "signer: no file given");
	if (!(*out = BIO_new_file(path, "rb"))) {
		int code = errno == ENOENT ? MOTCUA_ENOTFOUND : MOTCUA_ERROR;

		ERR_clear_error();
		return mc_error(code, "%s: cannot open: %s", path, strerror(errno));
	}
	return 0;
}

static int read_key(EVP_PKEY **out, const char *path, const char *passphrase)
{
	BIO *bio;
	int error, denied = 0;
	unsigned long e;

	if ((error = open_file(&bio, path)) < 0)
		return error;
	*out = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, (void *)passphrase);
	BIO_free(bio);
	if (*out)
		return 0;
	while ((e = ERR_get_error()) != 0) {
		int lib = ERR_GET_LIB(e), reason = ERR_GET_REASON(e);

		/* which layer notices depends on the key format: look through them all */
		denied |= (lib == ERR_LIB_PROV && (reason == PROV_R_BAD_DECRYPT ||
			reason == PROV_R_UNABLE_TO_GET_PASSPHRASE)) ||
			(lib == ERR_LIB_PKCS12 && reason == PKCS12_R_PKCS12_CIPHERFINAL_ERROR) ||
			(lib == ERR_LIB_PEM && (reason == PEM_R_BAD_PASSWORD_READ ||
			reason == PEM_R_BAD_DECRYPT)) ||
			(lib == ERR_LIB_EVP && reason == EVP_R_BAD_DECRYPT);
	}
	if (denied)
		return mc_error(MOTCUA_EDENIED, "%s: wrong or missing passphrase", path);
	return mc_error(MOTCUA_EINVALID, "%s: no PEM private key", path);
}

static int read_certs(X509 **first, STACK_OF(X509) *rest, const char *path)
{
	BIO *bio;
	X509 *x;
	int error, n = 0;

	if ((error = open_file(&bio, path)) < 0)
		return error;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (first && !*first)
			*first = x;
		else if (!sk_X509_push(rest, x)) {
			X509_free(x);
			BIO_free(bio);
			return mc_error_oom();
		}
		n++;
	}
	BIO_free(bio);
	/* the loop ends on "no start line", which is no error once something was read */
	ERR_clear_error();
	if (!n)
		return mc_error(MOTCUA_EINVALID, "%s: no PEM certificate", path);
	return 0;
}

static int subject_utf8(char **out, X509 *cert)
{
	unsigned long flags = (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) |
		XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_DN_REV | XN_FLAG_FN_SN |
		XN_FLAG_DUMP_UNKNOWN_FIELDS;
	BIO *mem = BIO_new(BIO_s_mem());
	char *data;
	long n;

	if (!mem)
		return mc_error_oom();
	if (X509_NAME_print_ex(mem, X509_get_subject_name(cert), 0, flags) < 0) {
		BIO_free(mem);
		ERR_clear_error();
		return mc_error(MOTCUA_EINVALID, "signer: cannot print the certificate's subject");
	}
	n = BIO_get_mem_data(mem, &data);
	if (!(*out = malloc((size_t)n + 1))) {
		BIO_free(mem);
		return mc_error_oom();
	}
	memcpy(*out, data, (size_t)n);
	(*out)[n] = '\0';
	BIO_free(mem);
	return 0;
}

/* The checks every signer passes, naming where the certificate came from. */
static int signer_check(motcua_signer *s, const char *key_from, const char *cert_from)
{
	uint32_t ku;

	if (X509_check_private_key(s->cert, s->key) != 1) {
		ERR_clear_error();
		return mc_error(MOTCUA_EINVALID,
			"%s: the key does not match the certificate in %s", key_from, cert_from);
	}
	/* no keyUsage extension means no restriction (RFC 5280 4.2.1.3) */
	ku = X509_get_key_usage(s->cert);
	if (!(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
		return mc_error(MOTCUA_EINVALID, "%s: the certificate's keyUsage allows neither "
			"digitalSignature nor nonRepudiation", cert_from);
	return subject_utf8(&s->subject, s->cert);
}

static int signer_new(motcua_signer **out)
{
	motcua_signer *s = calloc(1, sizeof(*s));

	if (!s || !(s->chain = sk_X509_new_null())) {
		free(s);
		return mc_error_oom();
	}
	*out = s;
	return 0;
}

int motcua_signer_load_pem(motcua_signer **out, const char *key_path, const char *cert_path,
	const char *chain_path, const char *passphrase)
{
	motcua_signer *s = NULL;
	int error;

	*out = NULL;
	if ((error = signer_new(&s)) < 0)
		return error;
	/* a certificate file may carry the chain after the signer's own certificate */
	if ((error = read_key(&s->key, key_path, passphrase)) < 0 ||
	    (error = read_certs(&s->cert, s->chain, cert_path)) < 0 ||
	    (chain_path && *chain_path && (error = read_certs(NULL, s->chain, chain_path)) < 0) ||
	    (error = signer_check(s, key_path, cert_path)) < 0) {
		motcua_signer_free(s);
		return error;
	}
	*out = s;
	return 0;
}

/* PKCS#12 files keep their CA certificates in no particular order: put the issuer of each
 * certificate after it, starting from the signer's, and anything unrelated last. */
static void chain_order(STACK_OF(X509) *chain, X509 *leaf)
{
	X509 *cur = leaf;
	int done = 0, i, n = sk_X509_num(chain);

	while (done < n) {
		for (i = done; i < n; i++) {
			X509 *c = sk_X509_value(chain, i);

			if (X509_check_issued(c, cur) == X509_V_OK && c != cur)
				break;
		}
		if (i == n)
			break;
		cur = sk_X509_value(chain, i);
		sk_X509_set(chain, i, sk_X509_value(chain, done));
		sk_X509_set(chain, done, cur);
		done++;
		if (X509_check_issued(cur, cur) == X509_V_OK)
			break;   /* the root ends the chain */
	}
}

int motcua_signer_load_p12(motcua_signer **out, const char *path, const char *password)
{
	motcua_signer *s = NULL;
	PKCS12 *p12 = NULL;
	STACK_OF(X509) *ca = NULL;
	BIO *bio;
	int error;

	*out = NULL;
	if ((error = open_file(&bio, path)) < 0)
		return error;
	p12 = d2i_PKCS12_bio(bio, NULL);
	BIO_free(bio);
	if (!p12) {
		ERR_clear_error();
		return mc_error(MOTCUA_EINVALID, "%s: not a PKCS#12 file", path);
	}
	/* the MAC tells a wrong password apart from a damaged or unsupported file */
	if (PKCS12_mac_present(p12) && !PKCS12_verify_mac(p12, password ? password : "", -1) &&
	    !(!password && PKCS12_verify_mac(p12, NULL, 0))) {
		error = mc_error(MOTCUA_EDENIED, "%s: wrong password", path);
		goto done;
	}
	if ((error = signer_new(&s)) < 0)
		goto done;
	if (!PKCS12_parse(p12, password ? password : "", &s->key, &s->cert, &ca)) {
		unsigned long e = ERR_peek_last_error();

		error = mc_error(MOTCUA_EINVALID, "%s: cannot read the key and certificate: %s",
			path, ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "?");
		goto done;
	}
	if (!s->key || !s->cert) {
		error = mc_error(MOTCUA_EINVALID, "%s: holds no %s", path,
			s->key ? "certificate for its key" : "private key");
		goto done;
	}
	if (ca) {
		sk_X509_pop_free(s->chain, X509_free);
		s->chain = ca;
		ca = NULL;
		chain_order(s->chain, s->cert);
	}
	error = signer_check(s, path, path);
done:
	ERR_clear_error();
	sk_X509_pop_free(ca, X509_free);
	PKCS12_free(p12);
	if (error < 0) {
		motcua_signer_free(s);
		s = NULL;
	}
	*out = s;
	return error;
}

const char *motcua_signer_subject(const motcua_signer *s)
{
	return s && s->subject ? s->subject : "";
}

void motcua_signer_free(motcua_signer *s)
{
	if (!s)
		return;
	EVP_PKEY_free(s->key);
	X509_free(s->cert);
	sk_X509_pop_free(s->chain, X509_free);
	free(s->subject);
	free(s);
}
