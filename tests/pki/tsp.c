/* tests/pki/tsp.c — RFC 3161 time-stamps from a real TSA on loopback (`openssl ts -reply` with
 * the demo PKI): tokens OpenSSL accepts, tokens motcua reads back (imprint, signature, chain,
 * genTime), every way a TSA can fail or refuse, and PAdES B-T's signature time-stamp inside the
 * CMS that mc_cms_sign_ex makes. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/time.h"
#include "motcua/pki.h"
#include "pki/cms.h"
#include "pki/tsp.h"
#include "test.h"
#include "tsa.h"

static char *demo_dir, *tsa_dir;
static test_tsa the_tsa = { -1, 0, "" };

static void cleanup(void)
{
	test_tsa_stop(&the_tsa);
	if (tsa_dir)
		test_rmdir(tsa_dir);
	free(tsa_dir);
	test_rmdir(demo_dir);
	free(demo_dir);
}

/* One demo PKI for every case: RSA key generation is the slow part. */
static const char *pki(void)
{
	if (!demo_dir) {
		/* loopback must never go through a proxy from the environment */
		setenv("NO_PROXY", "127.0.0.1,localhost", 1);
		setenv("no_proxy", "127.0.0.1,localhost", 1);
		demo_dir = test_tmpdir();
		atexit(cleanup);
		if (motcua_pki_demo(demo_dir) < 0) {
			fprintf(stderr, "motcua_pki_demo: %s\n", motcua_error_last());
			exit(1);
		}
	}
	return demo_dir;
}

/* The shared TSA that answers properly. */
static const char *tsa_url(void)
{
	const char *dir = pki();

	if (the_tsa.pid <= 0) {
		tsa_dir = test_tmpdir();
		if (test_tsa_start(&the_tsa, dir, tsa_dir) < 0) {
			fprintf(stderr, "cannot start the loopback TSA\n");
			exit(1);
		}
	}
	return test_tsa_url(&the_tsa);
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

static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *fp = p ? fopen(path, "wb") : NULL;

	CHECK(fp != NULL);
	if (!fp)
		return;
	CHECK(fwrite(p, 1, n, fp) == n);
	fclose(fp);
}

static X509_STORE *root_store(void)
{
	char *root = path_of("root.pem");
	X509_STORE *st = X509_STORE_new();

	if (!st || X509_STORE_load_file(st, root) != 1)
		abort();
	free(root);
	return st;
}

static const unsigned char blob[] = "Biên nhận hồ sơ số 000.00.12.H40-260212-0001";
#define BLOB_LEN (sizeof(blob) - 1)

static void test_token_verifies_with_openssl(void)
{
	char *data = path_of("blob.bin"), *tok = path_of("token.der"), *out = NULL;
	unsigned char *token = NULL;
	size_t len = 0;

	CHECK_OK(mc_tsp_timestamp(&token, &len, tsa_url(), EVP_sha256(), blob, BLOB_LEN));
	CHECK(token != NULL && len > 500);
	write_bytes(data, blob, BLOB_LEN);
	write_bytes(tok, token, len);
	CHECK_INT(test_run(&out, "cd '%s' && cat tsa.pem chain.pem > tsa-chain.pem && "
		"openssl ts -verify -token_in -in '%s' -data '%s' -CAfile root.pem "
		"-untrusted tsa-chain.pem", pki(), tok, data), 0);
	CHECK_CONTAINS(out, "Verification: OK");
	free(out);
	/* and over other data it fails */
	write_bytes(data, "khác", 5);
	CHECK(test_run(&out, "cd '%s' && openssl ts -verify -token_in -in '%s' -data '%s' "
		"-CAfile root.pem -untrusted tsa-chain.pem", pki(), tok, data) != 0);
	free(out);
	OPENSSL_free(token);
	free(data);
	free(tok);
}

static void test_token_reads_back(void)
{
	X509_STORE *st = root_store();
	unsigned char *token = NULL;
	size_t len = 0;
	mc_tsp_info info;
	int64_t now = mc_time_now();

	CHECK_OK(mc_tsp_timestamp(&token, &len, tsa_url(), EVP_sha256(), blob, BLOB_LEN));
	CHECK_OK(mc_tsp_check_token(&info, token, len, blob, BLOB_LEN, st));
	CHECK(info.parsed);
	CHECK(info.imprint_ok);
	CHECK(info.signature_ok);
	CHECK(info.chain_checked);
	CHECK(info.chain_ok);
	CHECK_STR(info.hash_alg, "sha256");
	CHECK_CONTAINS(info.tsa, "CN=Motcua Demo TSA");
	CHECK(info.signer != NULL);
	CHECK(info.gen_time > now - 60 && info.gen_time < now + 60);
	CHECK_STR(info.problem, "");
	mc_tsp_info_clear(&info);

	/* without a store the signature still verifies; the chain is unknown */
	CHECK_OK(mc_tsp_check_token(&info, token, len, blob, BLOB_LEN, NULL));
	CHECK(info.signature_ok && info.imprint_ok);
	CHECK(!info.chain_checked && !info.chain_ok);
	mc_tsp_info_clear(&info);
	OPENSSL_free(token);

	/* SHA-384 imprints too */
	CHECK_OK(mc_tsp_timestamp(&token, &len, tsa_url(), EVP_sha384(), blob, BLOB_LEN));
	CHECK_OK(mc_tsp_check_token(&info, token, len, blob, BLOB_LEN, st));
	CHECK(info.imprint_ok && info.signature_ok && info.chain_ok);
	CHECK_STR(info.hash_alg, "sha384");
	mc_tsp_info_clear(&info);
	OPENSSL_free(token);
	X509_STORE_free(st);
}

static void test_other_data_fails_the_imprint(void)
{
	static const unsigned char other[] = "Biên nhận hồ sơ số 000.00.12.H40-260212-0002";
	X509_STORE *st = root_store();
	unsigned char *token = NULL;
	size_t len = 0;
	mc_tsp_info info;

	CHECK_OK(mc_tsp_timestamp(&token, &len, tsa_url(), EVP_sha256(), blob, BLOB_LEN));
	CHECK_OK(mc_tsp_check_token(&info, token, len, other, sizeof(other) - 1, st));
	CHECK(info.parsed);
	CHECK(!info.imprint_ok);
	CHECK(info.signature_ok && info.chain_ok);   /* the token itself is sound */
	CHECK_CONTAINS(info.problem, "other data");
	mc_tsp_info_clear(&info);
	OPENSSL_free(token);
	X509_STORE_free(st);
}

static void test_damaged_or_untrusted_token(void)
{
	X509_STORE *st = root_store(), *empty = X509_STORE_new();
	unsigned char *token = NULL;
	size_t len = 0;
	mc_tsp_info info;

	CHECK_OK(mc_tsp_timestamp(&token, &len, tsa_url(), EVP_sha256(), blob, BLOB_LEN));
	/* a store without the demo root: signature fine, chain not */
	CHECK_OK(mc_tsp_check_token(&info, token, len, blob, BLOB_LEN, empty));
	CHECK(info.signature_ok && info.chain_checked && !info.chain_ok);
	CHECK_CONTAINS(info.problem, "does not chain");
	mc_tsp_info_clear(&info);
	/* the last bytes are the signature value */
	token[len - 5] ^= 0x01;
	CHECK_OK(mc_tsp_check_token(&info, token, len, blob, BLOB_LEN, st));
	CHECK(info.parsed && info.imprint_ok);
	CHECK(!info.signature_ok && !info.chain_ok);
	mc_tsp_info_clear(&info);
	/* not a token at all */
	CHECK_ERR(mc_tsp_check_token(&info, blob, BLOB_LEN, blob, BLOB_LEN, st), MOTCUA_EINVALID);
	CHECK(!info.parsed);
	mc_tsp_info_clear(&info);
	CHECK_ERR(mc_tsp_check_token(&info, token, len / 2, blob, BLOB_LEN, st),
		MOTCUA_EINVALID);
	mc_tsp_info_clear(&info);
	OPENSSL_free(token);
	X509_STORE_free(empty);
	X509_STORE_free(st);
}

/* A loopback port nobody listens on. */
static int dead_port(void)
{
	struct sockaddr_in addr;
	socklen_t alen = sizeof(addr);
	int s = socket(AF_INET, SOCK_STREAM, 0), port = 0;

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s >= 0 && bind(s, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
	    getsockname(s, (struct sockaddr *)&addr, &alen) == 0)
		port = ntohs(addr.sin_port);
	if (s >= 0)
		close(s);
	return port;
}

static void test_tsa_down_names_the_url(void)
{
	unsigned char *token = (unsigned char *)"x";
	size_t len = 1;
	char url[64];

	pki();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/tsa", dead_port());
	CHECK_ERR(mc_tsp_timestamp(&token, &len, url, EVP_sha256(), blob, BLOB_LEN),
		MOTCUA_ERROR);
	CHECK(token == NULL && len == 0);
	CHECK_CONTAINS(motcua_error_last(), url);
	CHECK_CONTAINS(motcua_error_last(), "cannot reach");
}

static void test_only_http_and_https(void)
{
	unsigned char *token = NULL;
	size_t len = 0;

	CHECK_ERR(mc_tsp_timestamp(&token, &len, "file:///etc/passwd", EVP_sha256(), blob,
		BLOB_LEN), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "file:///etc/passwd");
	CHECK_ERR(mc_tsp_timestamp(&token, &len, "ftp://127.0.0.1/", EVP_sha256(), blob,
		BLOB_LEN), MOTCUA_EINVALID);
	CHECK_ERR(mc_tsp_timestamp(&token, &len, NULL, EVP_sha256(), blob, BLOB_LEN),
		MOTCUA_EINVALID);
	CHECK(token == NULL);
}

/* A TSA that misbehaves as `mode`; the error must name its URL and contain `what`. */
static void misbehaving(test_tsa_mode mode, const char *what)
{
	char *dir = test_tmpdir();
	test_tsa t;
	unsigned char *token = NULL;
	size_t len = 0;

	if (test_tsa_start_mode(&t, pki(), dir, mode) < 0) {
		CHECK(!"the loopback TSA started");
		goto done;
	}
	CHECK_ERR(mc_tsp_timestamp(&token, &len, test_tsa_url(&t), EVP_sha256(), blob,
		BLOB_LEN), MOTCUA_ERROR);
	CHECK(token == NULL && len == 0);
	CHECK_CONTAINS(motcua_error_last(), test_tsa_url(&t));
	CHECK_CONTAINS(motcua_error_last(), what);
	test_tsa_stop(&t);
done:
	test_rmdir(dir);
	free(dir);
}

/* A replayed reply answers another request: its nonce (and here its imprint) differ. */
static void test_replayed_reply_is_refused(void)
{
	static const unsigned char other[] = "một hồ sơ khác";
	char *dir = test_tmpdir();
	test_tsa t;
	unsigned char *token = NULL;
	size_t len = 0;

	if (test_tsa_start_mode(&t, pki(), dir, TEST_TSA_REPLAY) < 0) {
		CHECK(!"the loopback TSA started");
		goto done;
	}
	CHECK_OK(mc_tsp_timestamp(&token, &len, test_tsa_url(&t), EVP_sha256(), blob,
		BLOB_LEN));
	OPENSSL_free(token);
	/* same data: only the nonce tells the replay apart */
	CHECK_ERR(mc_tsp_timestamp(&token, &len, test_tsa_url(&t), EVP_sha256(), blob,
		BLOB_LEN), MOTCUA_ERROR);
	CHECK_CONTAINS(motcua_error_last(), "does not answer the request");
	CHECK_CONTAINS(motcua_error_last(), "nonce");
	CHECK_ERR(mc_tsp_timestamp(&token, &len, test_tsa_url(&t), EVP_sha256(), other,
		sizeof(other) - 1), MOTCUA_ERROR);
	CHECK_CONTAINS(motcua_error_last(), "does not answer the request");
	CHECK(token == NULL);
	test_tsa_stop(&t);
done:
	test_rmdir(dir);
	free(dir);
}

static void test_tsa_errors_are_clear(void)
{
	misbehaving(TEST_TSA_HTTP_500, "HTTP 500");
	misbehaving(TEST_TSA_GARBAGE, "not a time-stamp response");
	misbehaving(TEST_TSA_WRONG_TYPE, "text/html");
	misbehaving(TEST_TSA_REJECT, "did not grant the request: rejection");
}

static motcua_signer *leader(void)
{
	char *p12 = path_of("leader.p12");
	motcua_signer *s = NULL;

	if (motcua_signer_load_p12(&s, p12, "motcua") < 0) {
		fprintf(stderr, "leader.p12: %s\n", motcua_error_last());
		exit(1);
	}
	free(p12);
	return s;
}

static const char text[] = "Quyết định về việc cấp giấy phép xây dựng — bản điện tử\n";

static int hash_text(unsigned char *out, unsigned int *out_len, const EVP_MD *md, void *payload)
{
	(void)payload;
	return EVP_Digest(text, sizeof(text) - 1, out, out_len, md, NULL) == 1 ? 0 : -1;
}

static void test_cms_carries_the_signature_timestamp(void)
{
	motcua_signer *s = leader();
	unsigned char digest[EVP_MAX_MD_SIZE], *der = NULL;
	unsigned int n = 0;
	size_t len = 0;
	char *data = path_of("text.bin"), *sig = path_of("bt.der"), *out = NULL;
	X509_STORE *st = root_store();
	mc_cms_report r;
	mc_tsp_info info;

	CHECK(EVP_Digest(text, sizeof(text) - 1, digest, &n, EVP_sha256(), NULL) == 1);
	CHECK_OK(mc_cms_sign_ex(&der, &len, s, EVP_sha256(), digest, n, tsa_url()));
	if (!der)
		goto done;
	write_bytes(data, text, sizeof(text) - 1);
	write_bytes(sig, der, len);
	CHECK_INT(test_run(&out, "openssl cms -verify -binary -inform DER -in '%s' -content '%s' "
		"-CAfile '%s/root.pem' -purpose any -out /dev/null", sig, data, pki()), 0);
	CHECK_CONTAINS(out, "Verification successful");
	free(out);
	CHECK_INT(test_run(&out, "openssl cms -cmsout -print -inform DER -in '%s'", sig), 0);
	CHECK_CONTAINS(out, "unsignedAttrs");
	CHECK_CONTAINS(out, "id-smime-aa-timeStampToken");
	free(out);

	CHECK_OK(mc_cms_verify(&r, der, len, hash_text, NULL));
	CHECK(r.digest_ok && r.signature_ok && r.has_signing_cert_v2);
	CHECK(r.timestamp != NULL && r.timestamp_len > 0);
	CHECK(r.signature_value != NULL && r.signature_value_len == 256);   /* RSA-2048 */
	CHECK_OK(mc_tsp_check_token(&info, r.timestamp, r.timestamp_len, r.signature_value,
		r.signature_value_len, st));
	CHECK(info.imprint_ok && info.signature_ok && info.chain_ok);
	CHECK_STR(info.problem, "");
	mc_tsp_info_clear(&info);
	/* the token is over the signature, not over the content */
	CHECK_OK(mc_tsp_check_token(&info, r.timestamp, r.timestamp_len,
		(const unsigned char *)text, sizeof(text) - 1, st));
	CHECK(!info.imprint_ok);
	mc_tsp_info_clear(&info);
	mc_cms_report_clear(&r);
done:
	OPENSSL_free(der);
	X509_STORE_free(st);
	motcua_signer_free(s);
	free(data);
	free(sig);
}

static void test_cms_without_tsa_has_no_timestamp(void)
{
	motcua_signer *s = leader();
	unsigned char digest[EVP_MAX_MD_SIZE], *a = NULL, *b = NULL;
	unsigned int n = 0;
	size_t alen = 0, blen = 0;
	mc_cms_report r;
	char url[64];

	CHECK(EVP_Digest(text, sizeof(text) - 1, digest, &n, EVP_sha256(), NULL) == 1);
	CHECK_OK(mc_cms_sign_ex(&a, &alen, s, EVP_sha256(), digest, n, NULL));
	CHECK_OK(mc_cms_sign(&b, &blen, s, EVP_sha256(), digest, n));
	CHECK(a && b && alen == blen && memcmp(a, b, alen) == 0);   /* PKCS#1 v1.5 is stable */
	CHECK_OK(mc_cms_verify(&r, a, alen, hash_text, NULL));
	CHECK(r.signature_ok && r.timestamp == NULL && r.signature_value_len == 256);
	mc_cms_report_clear(&r);
	OPENSSL_free(a);
	OPENSSL_free(b);

	/* a TSA that cannot be reached fails the signature: no B-T without its time-stamp */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", dead_port());
	a = (unsigned char *)"x";
	CHECK_ERR(mc_cms_sign_ex(&a, &alen, s, EVP_sha256(), digest, n, url), MOTCUA_ERROR);
	CHECK(a == NULL && alen == 0);
	CHECK_CONTAINS(motcua_error_last(), url);
	motcua_signer_free(s);
}

TEST_MAIN(
	TEST_CASE(test_token_verifies_with_openssl),
	TEST_CASE(test_token_reads_back),
	TEST_CASE(test_other_data_fails_the_imprint),
	TEST_CASE(test_damaged_or_untrusted_token),
	TEST_CASE(test_tsa_down_names_the_url),
	TEST_CASE(test_only_http_and_https),
	TEST_CASE(test_tsa_errors_are_clear),
	TEST_CASE(test_replayed_reply_is_refused),
	TEST_CASE(test_cms_carries_the_signature_timestamp),
	TEST_CASE(test_cms_without_tsa_has_no_timestamp)
)
