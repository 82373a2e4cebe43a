/* tests/pki/signer.c — the demo PKI (every file, a chain OpenSSL accepts, the revoked
 * certificate in the CRL, UTF-8 names) and loading signers from PEM and PKCS#12: the right
 * secrets open them, wrong ones are refused by name, and keys that cannot sign never load. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/x509v3.h>

#include "motcua/pki.h"
#include "pki/signer.h"
#include "test.h"

static char *demo_dir;

static void demo_remove(void)
{
	test_rmdir(demo_dir);
	free(demo_dir);
}

/* One demo PKI for every case: RSA key generation is the slow part. */
static const char *pki(void)
{
	if (!demo_dir) {
		demo_dir = test_tmpdir();
		atexit(demo_remove);
		if (motcua_pki_demo(demo_dir) < 0) {
			fprintf(stderr, "motcua_pki_demo: %s\n", motcua_error_last());
			exit(1);
		}
	}
	return demo_dir;
}

static char *path_of(const char *name)
{
	size_t n = strlen(pki()) + strlen(name) + 2;
	char *p = malloc(n);

	if (!p)
		abort();
	snprintf(p, n, "%s/%s", pki(), name);
	return p;
}

static void test_demo_writes_every_file(void)
{
	static const char *const names[] = {
		"root.pem", "root.key", "issuing.pem", "issuing.key", "chain.pem", "README",
		"root.crl.pem", "issuing.crl.pem",
		"leader.pem", "leader.key", "leader.p12", "seal.pem", "seal.key", "seal.p12",
		"tsa.pem", "tsa.key", "tsa.p12", "ocsp.pem", "ocsp.key", "ocsp.p12",
		"revoked.pem", "revoked.key", "revoked.p12",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *p = path_of(names[i]);
		struct stat st;

		CHECK(stat(p, &st) == 0 && st.st_size > 0);
		/* keys and PKCS#12 files are the owner's alone */
		if (strstr(names[i], ".key") || strstr(names[i], ".p12"))
			CHECK_INT(st.st_mode & 0777, 0600);
		free(p);
	}
}

static void test_demo_chain_verifies_with_openssl(void)
{
	char *out = NULL;

	CHECK_INT(test_run(&out, "cd '%s' && openssl verify -CAfile root.pem -untrusted "
		"issuing.pem leader.pem seal.pem tsa.pem ocsp.pem", pki()), 0);
	CHECK_CONTAINS(out, "leader.pem: OK");
	CHECK_CONTAINS(out, "tsa.pem: OK");
	free(out);
	/* chain.pem carries the issuing CA first */
	CHECK_INT(test_run(&out, "cd '%s' && openssl verify -CAfile root.pem -untrusted "
		"chain.pem seal.pem", pki()), 0);
	free(out);
}

static void test_demo_crl_revokes_only_the_revoked(void)
{
	char *out = NULL;

	CHECK_INT(test_run(&out, "cd '%s' && openssl verify -crl_check_all -CAfile root.pem "
		"-untrusted issuing.pem -CRLfile root.crl.pem -CRLfile issuing.crl.pem leader.pem",
		pki()), 0);
	free(out);
	CHECK(test_run(&out, "cd '%s' && openssl verify -crl_check -CAfile root.pem -untrusted "
		"issuing.pem -CRLfile issuing.crl.pem revoked.pem", pki()) != 0);
	CHECK_CONTAINS(out, "certificate revoked");
	free(out);
	CHECK_INT(test_run(&out, "cd '%s' && openssl crl -in issuing.crl.pem -noout -text",
		pki()), 0);
	CHECK_CONTAINS(out, "Key Compromise");
	CHECK_CONTAINS(out, "Jan 15 00:00:00 2026 GMT");
	free(out);
}

static void test_tsa_has_critical_timestamping(void)
{
	char *out = NULL;

	CHECK_INT(test_run(&out, "openssl x509 -noout -text -in '%s/tsa.pem'", pki()), 0);
	CHECK_CONTAINS(out, "X509v3 Extended Key Usage: critical");
	CHECK_CONTAINS(out, "Time Stamping");
	free(out);
	CHECK_INT(test_run(&out, "openssl x509 -noout -text -in '%s/leader.pem'", pki()), 0);
	CHECK_CONTAINS(out, "Digital Signature, Non Repudiation");
	CHECK_CONTAINS(out, "Not Before: Jan  1 00:00:00 2025 GMT");
	CHECK_CONTAINS(out, "Not After : Jan  1 00:00:00 2030 GMT");
	free(out);
}

static void test_names_are_utf8strings(void)
{
	char *out = NULL;

	CHECK_INT(test_run(&out, "openssl asn1parse -in '%s/leader.pem'", pki()), 0);
	CHECK_CONTAINS(out, "UTF8STRING        :Nguyễn Văn Lãnh Đạo");
	free(out);
}

static void test_pem_signer_subject_is_utf8(void)
{
	char *key = path_of("leader.key"), *cert = path_of("leader.pem"),
		*chain = path_of("chain.pem");
	motcua_signer *s = NULL;

	CHECK_OK(motcua_signer_load_pem(&s, key, cert, chain, NULL));
	if (s) {
		CHECK_STR(motcua_signer_subject(s), "CN=Nguyễn Văn Lãnh Đạo, title=Chủ tịch, "
			"O=Ủy ban nhân dân xã Mẫu, L=Mẫu, C=VN");
		CHECK_INT(sk_X509_num(s->chain), 2);
	}
	motcua_signer_free(s);
	free(key);
	free(cert);
	free(chain);
}

static void test_p12_opens_with_its_password_only(void)
{
	char *p12 = path_of("seal.p12");
	motcua_signer *s = NULL;

	CHECK_OK(motcua_signer_load_p12(&s, p12, "motcua"));
	if (s) {
		CHECK_STR(motcua_signer_subject(s), "CN=Ủy ban nhân dân xã Mẫu, "
			"O=Ủy ban nhân dân xã Mẫu, C=VN");
		/* issuing CA first, then the root, whatever order the file keeps them in */
		CHECK_INT(sk_X509_num(s->chain), 2);
		if (sk_X509_num(s->chain) == 2) {
			CHECK(X509_check_issued(sk_X509_value(s->chain, 0), s->cert) == X509_V_OK);
			CHECK(X509_check_issued(sk_X509_value(s->chain, 1),
				sk_X509_value(s->chain, 0)) == X509_V_OK);
		}
	}
	motcua_signer_free(s);
	s = NULL;
	CHECK_ERR(motcua_signer_load_p12(&s, p12, "wrong"), MOTCUA_EDENIED);
	CHECK_CONTAINS(motcua_error_last(), "seal.p12");
	CHECK(s == NULL);
	CHECK_ERR(motcua_signer_load_p12(&s, p12, NULL), MOTCUA_EDENIED);
	free(p12);
}

static void test_key_of_another_certificate_is_refused(void)
{
	char *key = path_of("leader.key"), *cert = path_of("seal.pem");
	motcua_signer *s = NULL;

	CHECK_ERR(motcua_signer_load_pem(&s, key, cert, NULL, NULL), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "leader.key");
	CHECK_CONTAINS(motcua_error_last(), "does not match");
	CHECK(s == NULL);
	free(key);
	free(cert);
}

static void test_ca_certificate_cannot_sign_documents(void)
{
	char *key = path_of("issuing.key"), *cert = path_of("issuing.pem");
	motcua_signer *s = NULL;

	/* keyCertSign and cRLSign only */
	CHECK_ERR(motcua_signer_load_pem(&s, key, cert, NULL, NULL), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "issuing.pem");
	CHECK_CONTAINS(motcua_error_last(), "keyUsage");
	free(key);
	free(cert);
}

static void test_encrypted_pem_key_needs_its_passphrase(void)
{
	char *cert = path_of("leader.pem"), *key = path_of("leader-enc.key"), *out = NULL;
	motcua_signer *s = NULL;

	CHECK_INT(test_run(&out, "openssl pkey -in '%s/leader.key' -aes256 -passout pass:bí-mật "
		"-out '%s'", pki(), key), 0);
	free(out);
	CHECK_OK(motcua_signer_load_pem(&s, key, cert, NULL, "bí-mật"));
	motcua_signer_free(s);
	s = NULL;
	CHECK_ERR(motcua_signer_load_pem(&s, key, cert, NULL, "sai"), MOTCUA_EDENIED);
	CHECK_CONTAINS(motcua_error_last(), "leader-enc.key");
	/* no passphrase fails at once instead of prompting on a terminal */
	CHECK_ERR(motcua_signer_load_pem(&s, key, cert, NULL, NULL), MOTCUA_EDENIED);
	CHECK(s == NULL);
	free(cert);
	free(key);
}

static void test_missing_and_foreign_files_are_named(void)
{
	char *cert = path_of("leader.pem"), *key = path_of("leader.key"),
		*none = path_of("none.key"), *readme = path_of("README");
	motcua_signer *s = NULL;

	CHECK_ERR(motcua_signer_load_pem(&s, none, cert, NULL, NULL), MOTCUA_ENOTFOUND);
	CHECK_CONTAINS(motcua_error_last(), "none.key");
	CHECK_ERR(motcua_signer_load_pem(&s, key, readme, NULL, NULL), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "README");
	CHECK_ERR(motcua_signer_load_p12(&s, readme, "motcua"), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "README");
	CHECK(s == NULL);
	free(cert);
	free(key);
	free(none);
	free(readme);
}

TEST_MAIN(
	TEST_CASE(test_demo_writes_every_file),
	TEST_CASE(test_demo_chain_verifies_with_openssl),
	TEST_CASE(test_demo_crl_revokes_only_the_revoked),
	TEST_CASE(test_tsa_has_critical_timestamping),
	TEST_CASE(test_names_are_utf8strings),
	TEST_CASE(test_pem_signer_subject_is_utf8),
	TEST_CASE(test_p12_opens_with_its_password_only),
	TEST_CASE(test_key_of_another_certificate_is_refused),
	TEST_CASE(test_ca_certificate_cannot_sign_documents),
	TEST_CASE(test_encrypted_pem_key_needs_its_passphrase),
	TEST_CASE(test_missing_and_foreign_files_are_named)
)
