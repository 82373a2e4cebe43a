/* pki/pkcs11.c — signers whose private key stays on a PKCS#11 token (a USB token of the
 * government CA, an HSM, SoftHSM2 in tests). The key is reached through OpenSSL's pkcs11
 * engine (libp11): Debian 12 ships no PKCS#11 provider for OpenSSL 3, and the engine interface,
 * deprecated there, is the one that works; hence the deprecation warnings are silenced in
 * this file alone. Signing calls go to the token; the key never leaves it. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "pki/signer.h"

#define DEFAULT_MODULE "/usr/lib/softhsm/libsofthsm2.so"

static const char *openssl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	return r ? r : "no detail";
}

/* The engine stays loaded for the process; each signer holds a functional reference. */
static int engine_open(ENGINE **out, const char *module, const char *pin)
{
	ENGINE *e;

	ENGINE_load_builtin_engines();
	if (!(e = ENGINE_by_id("pkcs11")))
		return mc_error(MOTCUA_ERROR, "PKCS#11: OpenSSL's pkcs11 engine is not installed "
			"(Debian package libengine-pkcs11-openssl)");
	if (!ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module, 0) ||
	    (pin && !ENGINE_ctrl_cmd_string(e, "PIN", pin, 0)) || !ENGINE_init(e)) {
		ENGINE_free(e);
		return mc_error(MOTCUA_ERROR, "PKCS#11 module %s: cannot start it: %s", module,
			openssl_reason());
	}
	ENGINE_free(e);   /* the functional reference from ENGINE_init keeps it */
	*out = e;
	return 0;
}

static int read_certs(motcua_signer *s, const char *cert_path, const char *chain_path)
{
	BIO *bio;
	X509 *c;

	if (!(bio = BIO_new_file(cert_path, "r")) ||
	    !(s->cert = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		BIO_free(bio);
		return mc_error(MOTCUA_EINVALID, "%s: not a PEM certificate", cert_path);
	}
	BIO_free(bio);
	if (!chain_path)
		return 0;
	if (!(bio = BIO_new_file(chain_path, "r")))
		return mc_error(MOTCUA_ENOTFOUND, "%s: cannot open", chain_path);
	while ((c = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
		sk_X509_push(s->chain, c);
	ERR_clear_error();
	BIO_free(bio);
	return 0;
}

static char *subject_utf8(X509 *cert)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *text = NULL;
	long n;

	if (!bio)
		return NULL;
	X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0,
		XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	if ((n = BIO_get_mem_data(bio, &data)) >= 0 && (text = malloc((size_t)n + 1))) {
		memcpy(text, data, (size_t)n);
		text[n] = '\0';
	}
	BIO_free(bio);
	return text;
}

int motcua_signer_load_pkcs11(motcua_signer **out, const char *uri, const char *pin,
	const char *module, const char *cert_path, const char *chain_path)
{
	motcua_signer *s;
	ENGINE *e = NULL;
	int error;

	*out = NULL;
	if (!uri || strncmp(uri, "pkcs11:", 7) != 0)
		return mc_error(MOTCUA_EINVALID, "'%.80s': a PKCS#11 key is named by a pkcs11: URI "
			"(RFC 7512), e.g. pkcs11:token=...;object=...", uri ? uri : "");
	if (!(s = calloc(1, sizeof(*s))) || !(s->chain = sk_X509_new_null())) {
		free(s);
		return mc_error_oom();
	}
	if ((error = read_certs(s, cert_path, chain_path)) < 0 ||
	    (error = engine_open(&e, module ? module : DEFAULT_MODULE, pin)) < 0)
		goto fail;
	ERR_clear_error();
	s->key = ENGINE_load_private_key(e, uri, NULL, NULL);
	ENGINE_finish(e);    /* the key keeps what it needs of the engine */
	if (!s->key) {
		/* libp11 logs in with the PIN before it looks for the key: a refusal here is
		 * almost always the PIN */
		error = mc_error(MOTCUA_EDENIED, "PKCS#11 %s: cannot use the key (wrong PIN, or no "
			"such key): %s", uri, openssl_reason());
		goto fail;
	}
	if (X509_check_private_key(s->cert, s->key) != 1) {
		error = mc_error(MOTCUA_EINVALID, "%s: the certificate is not the token key's "
			"(%s)", cert_path, uri);
		goto fail;
	}
	if (!(X509_get_key_usage(s->cert) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
		error = mc_error(MOTCUA_EINVALID, "%s: the certificate's key usage allows no "
			"signatures", cert_path);
		goto fail;
	}
	if (!(s->subject = subject_utf8(s->cert))) {
		error = mc_error_oom();
		goto fail;
	}
	*out = s;
	return 0;
fail:
	ERR_clear_error();
	motcua_signer_free(s);
	return error;
}
