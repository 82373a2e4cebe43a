/* tests/pki/cms.c — CMS SignedData made by motcua and checked by OpenSSL, made by OpenSSL and
 * checked by motcua, and the cases OpenSSL cannot judge: a DigestInfo without its NULL (the
 * government CA's tokens), a wrong hash inside one, and thousands of damaged inputs. */
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "motcua/pki.h"
#include "pki/cms.h"
#include "pki/der.h"
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

typedef struct {
	const unsigned char *data;
	size_t len;
} content;

static int hash_content(unsigned char *out, unsigned int *out_len, const EVP_MD *md,
	void *payload)
{
	content *c = payload;

	return EVP_Digest(c->data, c->len, out, out_len, md, NULL) == 1 ? 0 : -1;
}

static const char text[] = "Quyết định về việc cấp giấy phép xây dựng — bản điện tử\n";

static content the_text(void)
{
	content c = { (const unsigned char *)text, sizeof(text) - 1 };
	return c;
}

/* Signs the_text() with s under md. */
static unsigned char *sign_text(size_t *len, motcua_signer *s, const EVP_MD *md)
{
	unsigned char digest[EVP_MAX_MD_SIZE], *der = NULL;
	unsigned int n;

	*len = 0;
	if (EVP_Digest(text, sizeof(text) - 1, digest, &n, md, NULL) != 1)
		return NULL;
	CHECK_OK(mc_cms_sign(&der, len, s, md, digest, n));
	return der;
}

static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	CHECK(fp != NULL);
	if (!fp)
		return;
	CHECK(fwrite(p, 1, n, fp) == n);
	fclose(fp);
}

static void openssl_accepts(const unsigned char *der, size_t len, const char *md)
{
	char *data = path_of("data.bin"), *sig = path_of("sig.der"), *out = NULL;

	write_bytes(data, text, sizeof(text) - 1);
	write_bytes(sig, der, len);
	CHECK_INT(test_run(&out, "openssl cms -verify -binary -inform DER -in '%s' -content '%s' "
		"-CAfile '%s/root.pem' -purpose any -out /dev/null", sig, data, pki()), 0);
	CHECK_CONTAINS(out, "Verification successful");
	free(out);
	CHECK_INT(test_run(&out, "openssl cms -cmsout -print -inform DER -in '%s'", sig), 0);
	CHECK_CONTAINS(out, "signingCertificateV2");
	CHECK_CONTAINS(out, md);
	CHECK(out && !strstr(out, "signingTime"));
	free(out);
	free(data);
	free(sig);
}

static void test_signature_verifies_with_openssl(void)
{
	motcua_signer *s = leader();
	unsigned char *der;
	size_t len;

	der = sign_text(&len, s, EVP_sha256());
	if (der)
		openssl_accepts(der, len, "sha256");
	OPENSSL_free(der);
	/* ESSCertIDv2 then names its hash algorithm, which OpenSSL checks too */
	der = sign_text(&len, s, EVP_sha512());
	if (der)
		openssl_accepts(der, len, "sha512");
	OPENSSL_free(der);
	motcua_signer_free(s);
}

static void test_own_signature_verifies(void)
{
	motcua_signer *s = leader();
	content c = the_text();
	mc_cms_report r;
	unsigned char *der;
	size_t len;

	der = sign_text(&len, s, EVP_sha256());
	CHECK_OK(mc_cms_verify(&r, der, len, hash_content, &c));
	CHECK(r.parsed);
	CHECK(r.digest_ok);
	CHECK(r.signature_ok);
	CHECK(r.has_signing_cert_v2);
	CHECK(!r.has_signing_cert_v1);
	CHECK(!r.digestinfo_no_null);
	CHECK_INT(r.signing_time, 0);
	CHECK_STR(r.digest_alg, "sha256");
	CHECK_STR(r.sig_alg, "rsa");
	CHECK(r.timestamp == NULL);
	CHECK_INT(sk_X509_num(r.certs), 3);
	CHECK(r.signer && X509_cmp(r.signer, s->cert) == 0);
	CHECK_STR(r.problem, "");
	mc_cms_report_clear(&r);
	OPENSSL_free(der);

	der = sign_text(&len, s, EVP_sha384());
	CHECK_OK(mc_cms_verify(&r, der, len, hash_content, &c));
	CHECK(r.digest_ok && r.signature_ok && r.has_signing_cert_v2);
	CHECK_STR(r.digest_alg, "sha384");
	mc_cms_report_clear(&r);
	OPENSSL_free(der);
	motcua_signer_free(s);
}

static void test_changed_content_fails_the_digest(void)
{
	motcua_signer *s = leader();
	static const char other[] = "Quyết định về việc thu hồi giấy phép xây dựng\n";
	content c = { (const unsigned char *)other, sizeof(other) - 1 };
	mc_cms_report r;
	unsigned char *der;
	size_t len;

	der = sign_text(&len, s, EVP_sha256());
	CHECK_OK(mc_cms_verify(&r, der, len, hash_content, &c));
	CHECK(r.parsed);
	CHECK(!r.digest_ok);
	CHECK(r.signature_ok);   /* the attributes themselves are intact */
	CHECK_CONTAINS(r.problem, "messageDigest");
	mc_cms_report_clear(&r);
	OPENSSL_free(der);
	motcua_signer_free(s);
}

static void test_flipped_signature_byte_fails(void)
{
	motcua_signer *s = leader();
	content c = the_text();
	mc_cms_report r;
	unsigned char *der;
	size_t len;

	der = sign_text(&len, s, EVP_sha256());
	if (der) {
		der[len - 20] ^= 0x01;   /* the signature value ends the SignedData */
		CHECK_OK(mc_cms_verify(&r, der, len, hash_content, &c));
		CHECK(r.parsed);
		CHECK(r.digest_ok);
		CHECK(!r.signature_ok);
		CHECK(r.problem[0] != '\0');
		mc_cms_report_clear(&r);
	}
	OPENSSL_free(der);
	motcua_signer_free(s);
}

static void test_sha1_and_odd_digests_are_refused(void)
{
	motcua_signer *s = leader();
	unsigned char digest[64] = { 0 }, *der = NULL;
	size_t len = 0;

	CHECK_ERR(mc_cms_sign(&der, &len, s, EVP_sha1(), digest, 20), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "never signs with SHA-1");
	CHECK_ERR(mc_cms_sign(&der, &len, s, EVP_sha224(), digest, 28), MOTCUA_EINVALID);
	CHECK_ERR(mc_cms_sign(&der, &len, s, EVP_sha256(), digest, 20), MOTCUA_EINVALID);
	CHECK(der == NULL);
	motcua_signer_free(s);
}

/* Where the signed attributes and the signature value sit in a CMS made by mc_cms_sign. */
static int locate(mc_der_item *attrs, mc_der_item *sig, const unsigned char *der, size_t len)
{
	mc_der_cursor c = mc_der_cursor_of(der, len);
	mc_der_item it, last;
	int n = 0;

	/* ContentInfo > [0] > SignedData > signerInfos (its last field) > SignerInfo */
	if (mc_der_next(&it, &c) != 1)
		return -1;
	c = mc_der_enter(&it);
	if (mc_der_next(&it, &c) != 1 || mc_der_next(&it, &c) != 1)
		return -1;
	c = mc_der_enter(&it);
	if (mc_der_next(&it, &c) != 1)
		return -1;
	c = mc_der_enter(&it);
	while (mc_der_next(&it, &c) == 1)
		last = it, n++;
	if (!n)
		return -1;
	c = mc_der_enter(&last);
	if (mc_der_next(&it, &c) != 1)
		return -1;
	c = mc_der_enter(&it);
	memset(attrs, 0, sizeof(*attrs));
	memset(sig, 0, sizeof(*sig));
	while (mc_der_next(&it, &c) == 1) {
		if (it.tag == MC_DER_CTXC(0))
			*attrs = it;
		if (it.tag == MC_DER_OCTETS)
			*sig = it;
	}
	return attrs->tag && sig->tag ? 0 : -1;
}

/* Replaces the RSA signature with one over a DigestInfo built here: with or without the NULL
 * parameters, and with the right hash or a wrong one. */
static void resign_digestinfo(unsigned char *der, size_t len, EVP_PKEY *key, int with_null,
	int wrong_hash)
{
	unsigned char hash[32], set = MC_DER_SET, *di, *sig = NULL;
	mc_der_item attrs, old;
	mc_der d = MC_DER_INIT;
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *ctx = NULL;
	size_t m, alg, di_len, sig_len = 0;
	unsigned int n;
	static const unsigned char sha256_oid[] = {
		0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01
	};

	CHECK(locate(&attrs, &old, der, len) == 0);
	CHECK(mctx && EVP_DigestInit_ex(mctx, EVP_sha256(), NULL) == 1 &&
		EVP_DigestUpdate(mctx, &set, 1) == 1 &&
		EVP_DigestUpdate(mctx, attrs.raw + 1, attrs.raw_len - 1) == 1 &&
		EVP_DigestFinal_ex(mctx, hash, &n) == 1);
	EVP_MD_CTX_free(mctx);
	if (wrong_hash)
		hash[7] ^= 0x80;
	CHECK_OK(mc_der_begin(&d, &m, MC_DER_SEQUENCE));
	CHECK_OK(mc_der_begin(&d, &alg, MC_DER_SEQUENCE));
	CHECK_OK(mc_der_tlv(&d, MC_DER_OID, sha256_oid, sizeof(sha256_oid)));
	if (with_null)
		CHECK_OK(mc_der_null(&d));
	CHECK_OK(mc_der_end(&d, alg));
	CHECK_OK(mc_der_tlv(&d, MC_DER_OCTETS, hash, sizeof(hash)));
	CHECK_OK(mc_der_end(&d, m));
	di = mc_der_detach(&d, &di_len);
	/* PKCS#1 v1.5 padding over the raw DigestInfo, as a token's C_Sign with CKM_RSA_PKCS */
	CHECK((ctx = EVP_PKEY_CTX_new(key, NULL)) != NULL);
	CHECK(ctx && EVP_PKEY_sign_init(ctx) == 1 &&
		EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
		EVP_PKEY_sign(ctx, NULL, &sig_len, di, di_len) == 1);
	CHECK(sig_len == old.len);
	if (sig_len == old.len && (sig = OPENSSL_malloc(sig_len)) != NULL) {
		CHECK(EVP_PKEY_sign(ctx, sig, &sig_len, di, di_len) == 1);
		memcpy(der + (old.v - der), sig, sig_len);
	}
	OPENSSL_free(sig);
	OPENSSL_free(di);
	EVP_PKEY_CTX_free(ctx);
}

static void test_digestinfo_without_null_is_accepted(void)
{
	motcua_signer *s = leader();
	content c = the_text();
	mc_cms_report r;
	unsigned char *der;
	size_t len;

	der = sign_text(&len, s, EVP_sha256());
	if (!der)
		goto done;
	resign_digestinfo(der, len, s->key, 0, 0);
	CHECK_OK(mc_cms_verify(&r, der, len, hash_content, &c));
	CHECK(r.digest_ok);
	CHECK(r.signature_ok);
	CHECK(r.digestinfo_no_null);
	CHECK_STR(r.problem, "");
	mc_cms_report_clear(&r);

	/* the same signature with NULL, made the same way, is the ordinary case */
	resign_digestinfo(der, len, s->key, 1, 0);
	CHECK_OK(mc_cms_verify(&r, der, len, hash_content, &c));
	CHECK(r.signature_ok);
	CHECK(!r.digestinfo_no_null);
	mc_cms_report_clear(&r);
done:
	OPENSSL_free(der);
	motcua_signer_free(s);
}

static void test_wrong_hash_in_digestinfo_fails(void)
{
	motcua_signer *s = leader();
	content c = the_text();
	mc_cms_report r;
	unsigned char *der;
	size_t len;
	int with_null;

	der = sign_text(&len, s, EVP_sha256());
	for (with_null = 0; der && with_null < 2; with_null++) {
		resign_digestinfo(der, len, s->key, with_null, 1);
		CHECK_OK(mc_cms_verify(&r, der, len, hash_content, &c));
		CHECK(r.parsed);
		CHECK(r.digest_ok);
		CHECK(!r.signature_ok);
		CHECK_CONTAINS(r.problem, "does not match");
		mc_cms_report_clear(&r);
	}
	OPENSSL_free(der);
	motcua_signer_free(s);
}

static unsigned char *openssl_sign(size_t *len, const char *extra)
{
	char *data = path_of("data.bin"), *sig = path_of("ossl.der"), *out = NULL, *bytes;
	unsigned char *der = NULL;

	*len = 0;
	write_bytes(data, text, sizeof(text) - 1);
	CHECK_INT(test_run(&out, "cd '%s' && openssl cms -sign -binary -outform DER -md sha256 "
		"-in '%s' -signer leader.pem -inkey leader.key -certfile chain.pem %s -out '%s'",
		pki(), data, extra, sig), 0);
	free(out);
	if ((bytes = test_read_file(sig, len)) != NULL) {
		der = OPENSSL_memdup(bytes, *len);
		free(bytes);
	}
	free(data);
	free(sig);
	return der;
}

static void test_openssl_signature_verifies(void)
{
	content c = the_text();
	mc_cms_report r;
	unsigned char *der;
	size_t len;

	der = openssl_sign(&len, "");
	CHECK(der != NULL);
	CHECK_OK(mc_cms_verify(&r, der, len, hash_content, &c));
	CHECK(r.parsed && r.digest_ok && r.signature_ok);
	CHECK(r.signing_time > 1700000000);   /* OpenSSL always adds signingTime */
	CHECK_STR(r.sig_alg, "rsa");
	mc_cms_report_clear(&r);
	OPENSSL_free(der);

	/* without signed attributes the signature covers the content's digest directly */
	der = openssl_sign(&len, "-noattr");
	CHECK_OK(mc_cms_verify(&r, der, len, hash_content, &c));
	CHECK(r.parsed && r.digest_ok && r.signature_ok);
	CHECK_INT(r.signing_time, 0);
	mc_cms_report_clear(&r);
	OPENSSL_free(der);

	/* a signer named by its subjectKeyIdentifier */
	der = openssl_sign(&len, "-keyid");
	CHECK_OK(mc_cms_verify(&r, der, len, hash_content, &c));
	CHECK(r.parsed && r.digest_ok && r.signature_ok);
	CHECK(r.signer != NULL);
	mc_cms_report_clear(&r);
	OPENSSL_free(der);
}

static void test_rsa_pss_from_openssl_verifies(void)
{
	content c = the_text();
	mc_cms_report r;
	unsigned char *der;
	size_t len;

	der = openssl_sign(&len, "-keyopt rsa_padding_mode:pss -keyopt rsa_pss_saltlen:32");
	CHECK_OK(mc_cms_verify(&r, der, len, hash_content, &c));
	CHECK(r.parsed && r.digest_ok && r.signature_ok);
	CHECK_STR(r.sig_alg, "rsa-pss");
	CHECK_STR(r.problem, "");
	mc_cms_report_clear(&r);
	if (der) {
		der[len - 5] ^= 0x40;
		CHECK_OK(mc_cms_verify(&r, der, len, hash_content, &c));
		CHECK(r.parsed && !r.signature_ok);
		CHECK_CONTAINS(r.problem, "RSASSA-PSS");
		mc_cms_report_clear(&r);
	}
	OPENSSL_free(der);
}

/* Copies item, descending along the path to the SignerInfo, where extra is appended. */
static void rebuild(mc_der *d, const mc_der_item *it, int level, const unsigned char *extra,
	size_t extra_len)
{
	mc_der_cursor c = mc_der_enter(it);
	mc_der_item kids[16];
	size_t m;
	int k = 0, i, target;

	mc_der_begin(d, &m, it->tag);
	while (k < 16 && mc_der_next(&kids[k], &c) == 1)
		k++;
	/* ContentInfo > [0] > SignedData > signerInfos (last) > SignerInfo */
	target = level == 0 ? 1 : level == 2 ? k - 1 : 0;
	for (i = 0; i < k; i++) {
		if (level < 4 && i == target)
			rebuild(d, &kids[i], level + 1, extra, extra_len);
		else
			mc_der_raw(d, kids[i].raw, kids[i].raw_len);
	}
	if (level == 4)
		mc_der_raw(d, extra, extra_len);
	mc_der_end(d, m);
}

static void test_timestamp_token_is_returned(void)
{
	static const unsigned char ts_oid[] = {
		0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, 0x0e
	};
	/* stands for a TimeStampToken: only its bytes matter here */
	static const unsigned char token[] = {
		0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
		0xa0, 0x00
	};
	motcua_signer *s = leader();
	content c = the_text();
	mc_der d = MC_DER_INIT, attrs = MC_DER_INIT;
	mc_der_item top;
	mc_cms_report r;
	unsigned char *der, *with, *extra;
	size_t len, with_len, extra_len, m, a, set;

	mc_der_begin(&attrs, &m, MC_DER_CTXC(1));
	mc_der_begin(&attrs, &a, MC_DER_SEQUENCE);
	mc_der_tlv(&attrs, MC_DER_OID, ts_oid, sizeof(ts_oid));
	mc_der_begin(&attrs, &set, MC_DER_SET);
	mc_der_raw(&attrs, token, sizeof(token));
	mc_der_end(&attrs, set);
	mc_der_end(&attrs, a);
	mc_der_end(&attrs, m);
	extra = mc_der_detach(&attrs, &extra_len);
	der = sign_text(&len, s, EVP_sha256());
	CHECK(der && extra && mc_der_single(&top, der, len, MC_DER_SEQUENCE));
	if (der && extra && mc_der_single(&top, der, len, MC_DER_SEQUENCE)) {
		rebuild(&d, &top, 0, extra, extra_len);
		with = mc_der_detach(&d, &with_len);
		CHECK_INT(with_len, len + extra_len);
		CHECK_OK(mc_cms_verify(&r, with, with_len, hash_content, &c));
		/* unsigned attributes are outside the signature */
		CHECK(r.parsed && r.digest_ok && r.signature_ok);
		CHECK_INT(r.timestamp_len, sizeof(token));
		CHECK(r.timestamp && !memcmp(r.timestamp, token, sizeof(token)));
		mc_cms_report_clear(&r);
		OPENSSL_free(with);
	}
	OPENSSL_free(extra);
	OPENSSL_free(der);
	motcua_signer_free(s);
}

static void test_ecdsa_signer_round_trips(void)
{
	char *out = NULL, *key = path_of("ec.key"), *cert = path_of("ec.pem");
	content c = the_text();
	motcua_signer *s = NULL;
	mc_cms_report r;
	unsigned char *der;
	size_t len;

	CHECK_INT(test_run(&out, "cd '%s' && printf 'keyUsage=critical,digitalSignature\\n' > "
		"ec.cnf && openssl ecparam -genkey -name prime256v1 -noout -out ec.key && "
		"openssl req -new -key ec.key -subj '/CN=Chữ ký EC/C=VN' -utf8 -out ec.csr && "
		"openssl x509 -req -in ec.csr -CA issuing.pem -CAkey issuing.key -set_serial 7 "
		"-days 30 -extfile ec.cnf -out ec.pem", pki()), 0);
	free(out);
	CHECK_OK(motcua_signer_load_pem(&s, key, cert, NULL, NULL));
	if (s) {
		der = sign_text(&len, s, EVP_sha256());
		CHECK_OK(mc_cms_verify(&r, der, len, hash_content, &c));
		CHECK(r.digest_ok && r.signature_ok && r.has_signing_cert_v2);
		CHECK_STR(r.sig_alg, "ecdsa");
		mc_cms_report_clear(&r);
		OPENSSL_free(der);
	}
	motcua_signer_free(s);
	free(key);
	free(cert);
}

static void test_garbage_is_not_a_signeddata(void)
{
	static const unsigned char zeros[16], seq[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	content c = the_text();
	mc_cms_report r;

	CHECK_ERR(mc_cms_verify(&r, zeros, sizeof(zeros), hash_content, &c), MOTCUA_EINVALID);
	CHECK(!r.parsed);
	mc_cms_report_clear(&r);
	CHECK_ERR(mc_cms_verify(&r, seq, sizeof(seq), hash_content, &c), MOTCUA_EINVALID);
	mc_cms_report_clear(&r);
	CHECK_ERR(mc_cms_verify(&r, seq, 0, hash_content, &c), MOTCUA_EINVALID);
	mc_cms_report_clear(&r);
}

static void test_padding_after_the_cms_is_allowed(void)
{
	motcua_signer *s = leader();
	content c = the_text();
	mc_cms_report r;
	unsigned char *der, *padded;
	size_t len;

	der = sign_text(&len, s, EVP_sha256());
	padded = OPENSSL_zalloc(len + 100);
	if (der && padded) {
		memcpy(padded, der, len);
		CHECK_OK(mc_cms_verify(&r, padded, len + 100, hash_content, &c));
		CHECK(r.signature_ok && r.digest_ok);
		mc_cms_report_clear(&r);
		padded[len + 50] = 1;   /* anything but zeros is not padding */
		CHECK_ERR(mc_cms_verify(&r, padded, len + 100, hash_content, &c),
			MOTCUA_EINVALID);
		mc_cms_report_clear(&r);
	}
	OPENSSL_free(padded);
	OPENSSL_free(der);
	motcua_signer_free(s);
}

/* xorshift: the same mutations every run, so a crash reproduces */
static uint32_t rnd(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

static void test_mutations_never_crash(void)
{
	motcua_signer *s = leader();
	content c = the_text();
	unsigned char *der, *buf;
	uint32_t st = 20260115;
	size_t len, n;
	int i, k, decided = 0;

	der = sign_text(&len, s, EVP_sha256());
	buf = der ? OPENSSL_malloc(len + 64) : NULL;
	for (i = 0; buf && i < 3000; i++) {
		mc_cms_report r;

		memcpy(buf, der, len);
		n = len;
		switch (rnd(&st) % 4) {
		case 0:   /* a few random bytes */
			for (k = 1 + (int)(rnd(&st) % 4); k > 0; k--)
				buf[rnd(&st) % n] = (unsigned char)rnd(&st);
			break;
		case 1:   /* one bit, anywhere */
			buf[rnd(&st) % n] ^= (unsigned char)(1u << (rnd(&st) % 8));
			break;
		case 2:   /* cut short */
			n = rnd(&st) % n;
			break;
		default:  /* a length octet made large, the classic overflow */
			k = (int)(rnd(&st) % n);
			buf[k] = (unsigned char)(0x80 | (rnd(&st) % 5));
			break;
		}
		if (mc_cms_verify(&r, buf, n, hash_content, &c) == 0)
			decided++;
		mc_cms_report_clear(&r);
	}
	CHECK(decided > 0);
	OPENSSL_free(buf);
	OPENSSL_free(der);
	motcua_signer_free(s);
}

TEST_MAIN(
	TEST_CASE(test_signature_verifies_with_openssl),
	TEST_CASE(test_own_signature_verifies),
	TEST_CASE(test_changed_content_fails_the_digest),
	TEST_CASE(test_flipped_signature_byte_fails),
	TEST_CASE(test_sha1_and_odd_digests_are_refused),
	TEST_CASE(test_digestinfo_without_null_is_accepted),
	TEST_CASE(test_wrong_hash_in_digestinfo_fails),
	TEST_CASE(test_openssl_signature_verifies),
	TEST_CASE(test_rsa_pss_from_openssl_verifies),
	TEST_CASE(test_timestamp_token_is_returned),
	TEST_CASE(test_ecdsa_signer_round_trips),
	TEST_CASE(test_garbage_is_not_a_signeddata),
	TEST_CASE(test_padding_after_the_cms_is_allowed),
	TEST_CASE(test_mutations_never_crash)
)
