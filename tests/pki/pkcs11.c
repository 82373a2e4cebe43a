/* tests/pki/pkcs11.c — signing with a key that lives on a real PKCS#11 token (SoftHSM2): the
 * key is made on the token and never exported, its certificate issued by the demo CA, the
 * signed PDF valid in pdfsig and in motcua verify; a wrong PIN is refused with nothing
 * written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/time.h"
#include "motcua/pades.h"
#include "pdfgen.h"
#include "test.h"

#define MODULE "/usr/lib/softhsm/libsofthsm2.so"
#define URI "pkcs11:token=motcua-test;object=signkey;type=private"

static char *dir;
static char pki[4096];

/* A fresh token with an RSA key on it, and a certificate for that key from the demo CA. */
static int token_setup(void)
{
	char conf[4200], *out = NULL;
	int rc;

	dir = test_tmpdir();
	snprintf(pki, sizeof(pki), "%s/pki", dir);
	if (motcua_pki_demo(pki) < 0)
		return -1;
	snprintf(conf, sizeof(conf), "%s/softhsm2.conf", dir);
	free(test_write_file(dir, "softhsm2.conf", ""));
	rc = test_run(&out, "cd '%s' && mkdir -p tokens && printf 'directories.tokendir = %s/tokens\\n"
		"objectstore.backend = file\\n' > softhsm2.conf", dir, dir);
	free(out);
	setenv("SOFTHSM2_CONF", conf, 1);
	if (rc != 0)
		return -1;
	rc = test_run(&out, "cd '%s' && softhsm2-util --init-token --free --label motcua-test "
		"--pin 1234 --so-pin 5678 && pkcs11-tool --module %s --token-label motcua-test "
		"--login --pin 1234 --keypairgen --key-type rsa:2048 --id 01 --label signkey && "
		"printf '[v3]\\nkeyUsage=critical,digitalSignature,nonRepudiation\\n' > ext.cnf && "
		"OPENSSL_CONF=/dev/null openssl req -new -engine pkcs11 -keyform engine "
		"-key '" URI ";pin-value=1234' -utf8 -subj '/CN=Lê Văn Token/O=UBND xã Mẫu/C=VN' "
		"-out csr.pem && openssl x509 -req -in csr.pem -CA pki/issuing.pem "
		"-CAkey pki/issuing.key -CAcreateserial -days 365 -extfile ext.cnf -extensions v3 "
		"-out token.pem", dir, MODULE);
	if (rc != 0)
		fprintf(stderr, "token setup failed:\n%s\n", out);
	free(out);
	return rc;
}

static void test_signing_with_a_token_key(void)
{
	char in[4200], outp[4200], cert[4200], chain[4200], trust[4200], *text = NULL;
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_verify_report *r = NULL;
	motcua_signer *s = NULL;

	snprintf(in, sizeof(in), "%s/in.pdf", dir);
	snprintf(outp, sizeof(outp), "%s/out.pdf", dir);
	snprintf(cert, sizeof(cert), "%s/token.pem", dir);
	snprintf(chain, sizeof(chain), "%s/chain.pem", pki);
	snprintf(trust, sizeof(trust), "%s/trust", dir);
	CHECK_INT(test_make_pdf(in, "Van ban ky bang token"), 0);
	CHECK_OK(motcua_signer_load_pkcs11(&s, URI, "1234", MODULE, cert, chain));
	if (!s)
		return;
	CHECK_CONTAINS(motcua_signer_subject(s), "Lê Văn Token");
	o.as = MOTCUA_SIGN_LEADER;
	CHECK_OK(motcua_sign_pdf(in, outp, s, &o));
	motcua_signer_free(s);
	CHECK_INT(test_run(&text, "pdfsig '%s'", outp), 0);
	CHECK_CONTAINS(text, "Signature is Valid");
	CHECK_CONTAINS(text, "Lê Văn Token");
	free(text);
	CHECK_INT(test_run(&text, "mkdir -p '%s' && cp '%s/root.pem' '%s/'", trust, pki, trust), 0);
	free(text);
	CHECK_OK(motcua_verify_pdf(&r, outp, trust));
	CHECK(r && motcua_verify_all_passed(r));
	motcua_verify_report_free(r);
}

/* PKCS#11 logs a whole process in, so the wrong PIN is tried where it would be: in a fresh
 * motcua process. */
static void test_wrong_pin_is_refused_and_writes_nothing(void)
{
	char *text = NULL, outp[4200];
	motcua_signer *s = NULL;

	snprintf(outp, sizeof(outp), "%s/never.pdf", dir);
	/* when the login fails, the pkcs11 engine leaks at exit (tests/lsan.supp says what);
	 * full stacks let the sanitizer build tell that leak from any of ours */
	CHECK_INT(test_run(&text, "cd '%s' && ASAN_OPTIONS=\"$ASAN_OPTIONS:fast_unwind_on_malloc=0\" "
		"LSAN_OPTIONS=suppressions=%s/tests/lsan.supp MOTCUA_PIN=9999 '%s' sign in.pdf "
		"-o never.pdf --as leader --pkcs11 '" URI "' --module %s --cert token.pem", dir,
		test_source_dir(), test_motcua_bin(), MODULE), 1);
	CHECK_CONTAINS(text, "PIN");
	free(text);
	CHECK(access(outp, F_OK) != 0);
	CHECK_INT(test_run(&text, "cd '%s' && MOTCUA_PIN=1234 '%s' sign in.pdf -o cli.pdf "
		"--as leader --pkcs11 '" URI "' --module %s --cert token.pem", dir,
		test_motcua_bin(), MODULE), 0);
	free(text);
	CHECK_ERR(motcua_signer_load_pkcs11(&s, "/etc/passwd", "1234", MODULE, outp, NULL),
		MOTCUA_EINVALID);
}

static void test_key_never_leaves_the_token(void)
{
	char *text = NULL;

	/* the token marks the private key sensitive and not extractable */
	CHECK_INT(test_run(&text, "pkcs11-tool --module %s --token-label motcua-test --login "
		"--pin 1234 --list-objects --type privkey", MODULE), 0);
	CHECK_CONTAINS(text, "signkey");
	CHECK_CONTAINS(text, "sensitive");
	CHECK_CONTAINS(text, "never extractable");
	free(text);
}

int main(int argc, char **argv)
{
	static const test_case cases[] = {
		TEST_CASE(test_signing_with_a_token_key),
		TEST_CASE(test_wrong_pin_is_refused_and_writes_nothing),
		TEST_CASE(test_key_never_leaves_the_token),
	};
	int rc;

	if (token_setup() != 0) {
		fprintf(stderr, "could not set a SoftHSM2 token up (softhsm2, opensc and "
			"libengine-pkcs11-openssl are installed by scripts/deps.sh)\n");
		return 1;
	}
	rc = test_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]));
	test_rmdir(dir);
	free(dir);
	return rc;
}
