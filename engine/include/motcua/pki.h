/* motcua/pki.h — keys and certificates: a signer (private key, its certificate and the chain
 * up to a root) loaded from PEM files or a PKCS#12 file, and the demo PKI for tests and the
 * demo. All cryptography goes through OpenSSL 3; private keys never leave their store. */
#ifndef MOTCUA_PKI_H
#define MOTCUA_PKI_H

#include "motcua/common.h"

typedef struct motcua_signer motcua_signer;

/* A PEM private key (optionally encrypted with `passphrase`), its PEM certificate, and an
 * optional PEM file of chain certificates (issuing CA first). Errors name the file. The key
 * must match the certificate, and the certificate must allow digital signatures
 * (keyUsage digitalSignature or nonRepudiation). */
int motcua_signer_load_pem(motcua_signer **out, const char *key_path, const char *cert_path,
	const char *chain_path, const char *passphrase);

/* A PKCS#12 file with its password: key, certificate and any chain certificates. A wrong
 * password is MOTCUA_EDENIED, naming the file. */
int motcua_signer_load_p12(motcua_signer **out, const char *path, const char *password);

/* A key on a PKCS#11 token, named by a pkcs11: URI (RFC 7512), unlocked with the PIN, through
 * `module` (NULL: SoftHSM2's), with its PEM certificate and optional chain. The private key
 * never leaves the token. A wrong PIN is MOTCUA_EDENIED. PKCS#11 logs a whole application
 * in at once: after one successful login, the token stays open to this process, so run each
 * signing session (one user's PIN) in a process of its own, as the motcua command does. */
int motcua_signer_load_pkcs11(motcua_signer **out, const char *uri, const char *pin,
	const char *module, const char *cert_path, const char *chain_path);

/* The subject of the signer's certificate as UTF-8 text, e.g. "CN=Nguyễn Văn A, O=...";
 * lives as long as the signer. */
const char *motcua_signer_subject(const motcua_signer *s);

void motcua_signer_free(motcua_signer *s);

/* Makes a complete demo PKI in `dir` (created if absent): root CA, issuing CA, a leader's
 * certificate (a person), an agency seal certificate (an organisation), a TSA certificate
 * (extendedKeyUsage timeStamping, critical), an OCSP responder certificate, one revoked
 * certificate, and CRLs of both CAs — Vietnamese names in UTF-8, RSA 2048, SHA-256. Each as
 * <name>.key / <name>.pem (keys unencrypted, mode 0600), <name>.p12 (password "motcua"), and
 * chain.pem, root.pem, <ca>.crl.pem. Layout in the README it writes there. */
int motcua_pki_demo(const char *dir);

#endif
