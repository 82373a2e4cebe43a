/* tests/pki/pades.c — PAdES signatures end to end with tools nobody here wrote: pdfsig calls a
 * motcua signature valid, OpenSSL verifies its CMS over the signed bytes, qpdf finds the file
 * sound; and motcua's own verifier catches every kind of tampering and says why. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/time.h"
#include "motcua/pades.h"
#include "pdf/pdf.h"
#include "pdfgen.h"
#include "test.h"
#include "tsa.h"

typedef struct {
	char *dir;          /* temporary folder */
	char pki[4096];     /* demo PKI */
	char trust[4096];   /* trust store: root and CRLs */
	char in[4096];      /* an unsigned one-page PDF */
} world;

static void world_open(world *w)
{
	char *out = NULL;

	w->dir = test_tmpdir();
	snprintf(w->pki, sizeof(w->pki), "%s/pki", w->dir);
	snprintf(w->trust, sizeof(w->trust), "%s/trust", w->dir);
	snprintf(w->in, sizeof(w->in), "%s/in.pdf", w->dir);
	CHECK_OK(motcua_pki_demo(w->pki));
	CHECK_INT(test_run(&out, "mkdir -p '%s' && cp '%s/root.pem' '%s/issuing.crl.pem' '%s/'",
		w->trust, w->pki, w->pki, w->trust), 0);
	free(out);
	CHECK_INT(test_make_pdf(w->in, "QUYET DINH ve viec cap giay phep xay dung"), 0);
}

static void world_close(world *w)
{
	test_rmdir(w->dir);
	free(w->dir);
}

static motcua_signer *signer(const world *w, const char *name)
{
	motcua_signer *s = NULL;
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s.p12", w->pki, name);
	CHECK_OK(motcua_signer_load_p12(&s, path, "motcua"));
	return s;
}

static int sign(const world *w, const char *in, const char *out, const char *who,
	motcua_sign_as as, const char *when)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_signer *s;
	int error;

	o.as = as;
	if (mc_time_parse(&o.signing_time, when) < 0)
		return MOTCUA_EINVALID;
	o.doc_number = "Số: 123/QĐ-UBND";
	o.trust_dir = w->trust;     /* sealing checks the earlier signatures against it */
	s = signer(w, who);
	error = s ? motcua_sign_pdf(in, out, s, &o) : MOTCUA_ERROR;
	motcua_signer_free(s);
	return error;
}

static motcua_verify_report *verify(const world *w, const char *path, bool trusted)
{
	motcua_verify_report *r = NULL;

	CHECK_OK(motcua_verify_pdf(&r, path, trusted ? w->trust : NULL));
	return r;
}

static void test_copy_signature_passes_pdfsig_openssl_and_qpdf(void)
{
	char out[4200], sig[4200], data[4200], *text = NULL, *before, *after;
	mc_pdf_signature *sigs = NULL;
	motcua_verify_report *r;
	size_t n = 0, len = 0;
	world w;

	world_open(&w);
	snprintf(out, sizeof(out), "%s/copy.pdf", w.dir);
	before = test_read_file(w.in, &len);
	CHECK_OK(sign(&w, w.in, out, "seal", MOTCUA_SIGN_COPY, "2026-03-05T10:30"));
	after = test_read_file(w.in, NULL);
	CHECK(before && after && memcmp(before, after, len) == 0);   /* input untouched */
	free(before);
	free(after);

	CHECK_INT(test_run(&text, "pdfsig '%s'", out), 0);
	CHECK_CONTAINS(text, "Signature is Valid");
	CHECK_CONTAINS(text, "Total document signed");
	CHECK_CONTAINS(text, "ETSI.CAdES.detached");
	free(text);
	CHECK_INT(test_run(&text, "qpdf --check '%s'", out), 0);
	free(text);
	CHECK_INT(test_run(&text, "pdffonts '%s'", out), 0);
	CHECK_CONTAINS(text, "LiberationSerif");
	free(text);

	/* the CMS, taken out of /Contents, verifies over the signed bytes with OpenSSL */
	CHECK_OK(mc_pdf_signatures(&sigs, &n, out));
	CHECK_INT(n, 1);
	if (n == 1) {
		char *file = test_read_file(out, NULL);
		FILE *f;

		snprintf(sig, sizeof(sig), "%s/sig.der", w.dir);
		snprintf(data, sizeof(data), "%s/signed.bin", w.dir);
		if ((f = fopen(sig, "wb"))) {
			fwrite(sigs[0].contents, 1, sigs[0].contents_len, f);
			fclose(f);
		}
		if ((f = fopen(data, "wb"))) {
			fwrite(file + sigs[0].byte_range[0], 1, (size_t)sigs[0].byte_range[1], f);
			fwrite(file + sigs[0].byte_range[2], 1, (size_t)sigs[0].byte_range[3], f);
			fclose(f);
		}
		free(file);
		CHECK_INT(test_run(&text, "openssl cms -verify -binary -inform DER -in '%s' "
			"-content '%s' -CAfile '%s/root.pem' -purpose any -out /dev/null", sig, data,
			w.pki), 0);
		CHECK_CONTAINS(text, "Verification successful");
		free(text);
		CHECK_INT(test_run(&text, "openssl cms -cmsout -print -inform DER -in '%s'", sig), 0);
		CHECK_CONTAINS(text, "signingCertificateV2");
		CHECK(strstr(text, "signingTime") == NULL);   /* PAdES: the time is in /M */
		free(text);
	}
	mc_pdf_signatures_free(sigs, n);

	r = verify(&w, out, true);
	CHECK(r && motcua_verify_all_passed(r));
	if (r && r->n_sigs == 1) {
		char when[32];

		CHECK(!r->sigs[0].signer_is_person);
		CHECK_STR(mc_time_format(when, sizeof(when), r->sigs[0].signing_time),
			"2026-03-05T10:30:00+07:00");
	}
	motcua_verify_report_free(r);
	world_close(&w);
}

static void test_leader_then_attachment_both_valid(void)
{
	char leader[4200], sealed[4200], *text = NULL, *first;
	motcua_verify_report *r;
	world w;

	world_open(&w);
	snprintf(leader, sizeof(leader), "%s/leader.pdf", w.dir);
	snprintf(sealed, sizeof(sealed), "%s/sealed.pdf", w.dir);
	CHECK_OK(sign(&w, w.in, leader, "leader", MOTCUA_SIGN_LEADER, "2026-03-05T10:30"));
	CHECK_OK(sign(&w, leader, sealed, "seal", MOTCUA_SIGN_ATTACHMENT, "2026-03-05T11:00"));
	CHECK_INT(test_run(&text, "pdfsig '%s'", sealed), 0);
	CHECK_CONTAINS(text, "Signature #2");
	first = strstr(text, "Signature is Valid");
	CHECK(first && strstr(first + 1, "Signature is Valid"));
	free(text);
	r = verify(&w, sealed, true);
	CHECK(r && r->n_sigs == 2);
	if (r && r->n_sigs == 2) {
		CHECK_INT(r->sigs[0].integrity, MOTCUA_PASSED);
		CHECK_INT(r->sigs[0].trust, MOTCUA_PASSED);
		CHECK(r->sigs[0].signer_is_person);
		CHECK(!r->sigs[0].covers_whole_file);
		/* the later revision only adds the second signature: allowed */
		CHECK_INT(r->sigs[0].modification, MOTCUA_PASSED);
		CHECK_CONTAINS(r->sigs[0].modification_detail, "signature field");
		CHECK_INT(r->sigs[1].integrity, MOTCUA_PASSED);
		CHECK_INT(r->sigs[1].modification, MOTCUA_PASSED);
	}
	CHECK(motcua_verify_all_passed(r));
	motcua_verify_report_free(r);
	world_close(&w);
}

/* A copy of src with the byte at `offset` changed, verified. */
static motcua_verify_report *tampered(const world *w, const char *src, long offset, char byte)
{
	char path[4200];
	size_t len;
	char *data = test_read_file(src, &len);
	FILE *f;

	snprintf(path, sizeof(path), "%s/tampered.pdf", w->dir);
	if (!data || offset < 0 || (size_t)offset >= len) {
		free(data);
		return NULL;
	}
	data[offset] = byte == data[offset] ? (char)(byte + 1) : byte;
	if ((f = fopen(path, "wb"))) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
	free(data);
	return verify(w, path, true);
}

static void test_tampering_is_caught_with_its_reason(void)
{
	char out[4200], *data = NULL, *at;
	motcua_verify_report *r;
	mc_pdf_signature *sigs = NULL;
	size_t n = 0, len, der_len;
	long digit;
	world w;

	world_open(&w);
	snprintf(out, sizeof(out), "%s/signed.pdf", w.dir);
	CHECK_OK(sign(&w, w.in, out, "seal", MOTCUA_SIGN_COPY, "2026-03-05T10:30"));
	CHECK_OK(mc_pdf_signatures(&sigs, &n, out));
	CHECK_INT(n, 1);
	data = test_read_file(out, &len);
	if (n != 1 || !data || !(at = strstr(data, "QUYET")))
		goto done;
	/* a byte of the page content, inside the signed range */
	r = tampered(&w, out, (long)(at - data), 'X');
	CHECK(r && r->n_sigs == 1 && r->sigs[0].integrity == MOTCUA_FAILED);
	if (r && r->n_sigs == 1)
		CHECK_CONTAINS(r->sigs[0].integrity_detail, "HASH_FAILURE");
	motcua_verify_report_free(r);
	/* a byte of the signature value itself, which ends the CMS's DER */
	der_len = sigs[0].contents[1] == 0x82 ?
		4 + ((size_t)sigs[0].contents[2] << 8 | sigs[0].contents[3]) : 0;
	CHECK(der_len > 100);
	r = tampered(&w, out, (long)sigs[0].byte_range[1] + 1 + 2 * (long)(der_len - 20), 'f');
	CHECK(r && r->n_sigs == 1 && r->sigs[0].integrity == MOTCUA_FAILED);
	motcua_verify_report_free(r);
	/* /ByteRange shifted: the second number changed by one */
	if (!(at = strstr(data, "/ByteRange")) || !(at = strstr(at, " ")))
		goto done;
	digit = (long)(at - data) + 1;
	while (data[digit] != ' ')
		digit++;                              /* end of the first number (0) */
	digit++;
	while (data[digit + 1] >= '0' && data[digit + 1] <= '9')
		digit++;                              /* last digit of the second */
	r = tampered(&w, out, digit, data[digit] == '0' ? '1' : (char)(data[digit] - 1));
	CHECK(r && (r->n_sigs == 0 || r->sigs[0].integrity == MOTCUA_FAILED));
	motcua_verify_report_free(r);
done:
	free(data);
	mc_pdf_signatures_free(sigs, n);
	world_close(&w);
}

/* Object 5 of test_make_pdf is page 1's content stream. */
static const char forged_content[] = "<< /Length 44 >>\nstream\n"
	"BT\n/F1 14 Tf\n72 770 Td\n(GIAY PHEP GIA) Tj\nET\nendstream";

static void test_content_changed_after_signing_is_flagged(void)
{
	char out[4200], *text = NULL;
	motcua_verify_report *r;
	world w;

	world_open(&w);
	snprintf(out, sizeof(out), "%s/forged.pdf", w.dir);
	CHECK_OK(sign(&w, w.in, out, "leader", MOTCUA_SIGN_LEADER, "2026-03-05T10:30"));
	/* an incremental update that rewrites the page, then a seal on top of it */
	CHECK_INT(test_append_update(out, 5, forged_content), 0);
	r = verify(&w, out, true);
	CHECK(r && r->n_sigs == 1 && r->sigs[0].integrity == MOTCUA_PASSED &&
		r->sigs[0].modification == MOTCUA_FAILED);
	if (r && r->n_sigs == 1)
		CHECK_CONTAINS(r->sigs[0].modification_detail, "page 1 content changed");
	motcua_verify_report_free(r);
	/* the program says so too, and exits 1 */
	CHECK_INT(test_run(&text, "'%s' verify '%s' --trust '%s'", test_motcua_bin(), out,
		w.trust), 1);
	CHECK_CONTAINS(text, "modified after signing");
	free(text);
	world_close(&w);
}

static void test_b_t_signature_carries_a_trusted_timestamp(void)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	char out[4200], tsadir[4200];
	motcua_verify_report *r;
	motcua_signer *s;
	test_tsa tsa;
	world w;

	world_open(&w);
	snprintf(out, sizeof(out), "%s/bt.pdf", w.dir);
	snprintf(tsadir, sizeof(tsadir), "%s/tsa", w.dir);
	setenv("NO_PROXY", "127.0.0.1", 1);
	CHECK_INT(test_run(NULL, "mkdir -p '%s'", tsadir), 0);
	CHECK_INT(test_tsa_start(&tsa, w.pki, tsadir), 0);
	s = signer(&w, "seal");
	o.as = MOTCUA_SIGN_COPY;
	o.tsa_url = test_tsa_url(&tsa);
	CHECK_OK(motcua_sign_pdf(w.in, out, s, &o));
	test_tsa_stop(&tsa);
	motcua_signer_free(s);
	r = verify(&w, out, true);
	CHECK(r && motcua_verify_all_passed(r));
	if (r && r->n_sigs == 1) {
		CHECK(r->sigs[0].timestamped);
		CHECK_STR(r->sigs[0].time_source, "timestamp");
		CHECK(llabs(r->sigs[0].signing_time - mc_time_now()) < 120);
	}
	motcua_verify_report_free(r);
	/* a TSA that is down: nothing is written */
	s = signer(&w, "seal");
	o.tsa_url = "http://127.0.0.1:9/";
	unlink(out);
	CHECK(motcua_sign_pdf(w.in, out, s, &o) < 0);
	CHECK_CONTAINS(motcua_error_last(), "127.0.0.1:9");
	CHECK(access(out, F_OK) != 0);
	motcua_signer_free(s);
	world_close(&w);
}

/* The document office is told why it may not seal: here the leader's certificate had already
 * expired when the leader (claimed to have) signed, and no timestamp says otherwise. */
static void test_sealing_refuses_a_leader_signature_that_does_not_stand(void)
{
	char leader[4200], sealed[4200], *text = NULL;
	world w;

	world_open(&w);
	snprintf(leader, sizeof(leader), "%s/leader.pdf", w.dir);
	snprintf(sealed, sizeof(sealed), "%s/sealed.pdf", w.dir);
	CHECK_OK(sign(&w, w.in, leader, "leader", MOTCUA_SIGN_LEADER, "2031-02-01T09:00"));
	CHECK_ERR(sign(&w, leader, sealed, "seal", MOTCUA_SIGN_AGENCY, "2031-02-01T10:00"),
		MOTCUA_ESTATE);
	CHECK_CONTAINS(motcua_error_last(), "not sealed");
	CHECK_CONTAINS(motcua_error_last(), "Nguyễn Văn Lãnh Đạo");
	CHECK_CONTAINS(motcua_error_last(), "OUT_OF_BOUNDS_NO_POE");
	CHECK(access(sealed, F_OK) != 0);
	/* the program says the same and exits 1 */
	CHECK_INT(test_run(&text, "MOTCUA_PASSWORD=motcua '%s' sign '%s' -o '%s' --as agency "
		"--p12 '%s/seal.p12' --trust '%s'", test_motcua_bin(), leader, sealed, w.pki,
		w.trust), 1);
	CHECK_CONTAINS(text, "not sealed");
	free(text);
	/* a leader signature that stands is sealed */
	CHECK_OK(sign(&w, w.in, leader, "leader", MOTCUA_SIGN_LEADER, "2026-03-05T10:30"));
	CHECK_OK(sign(&w, leader, sealed, "seal", MOTCUA_SIGN_AGENCY, "2026-03-05T11:00"));
	world_close(&w);
}

static void test_trust_verdicts(void)
{
	char out[4200];
	motcua_verify_report *r;
	world w;

	world_open(&w);
	snprintf(out, sizeof(out), "%s/s.pdf", w.dir);
	/* no trust store: indeterminate, and the report says which CA to install */
	CHECK_OK(sign(&w, w.in, out, "leader", MOTCUA_SIGN_LEADER, "2026-03-05T10:30"));
	r = verify(&w, out, false);
	CHECK(r && r->n_sigs == 1 && r->sigs[0].integrity == MOTCUA_PASSED &&
		r->sigs[0].trust == MOTCUA_INDETERMINATE);
	if (r && r->n_sigs == 1)
		CHECK_CONTAINS(r->sigs[0].trust_detail, "NO_CERTIFICATE_CHAIN_FOUND");
	CHECK(!motcua_verify_all_passed(r));
	motcua_verify_report_free(r);
	/* a revoked certificate */
	CHECK_OK(sign(&w, w.in, out, "revoked", MOTCUA_SIGN_LEADER, "2026-03-05T10:30"));
	r = verify(&w, out, true);
	CHECK(r && r->n_sigs == 1 && r->sigs[0].trust == MOTCUA_FAILED);
	if (r && r->n_sigs == 1)
		CHECK_CONTAINS(r->sigs[0].trust_detail, "REVOKED");
	motcua_verify_report_free(r);
	/* a certificate not yet valid at the (claimed) signing time */
	CHECK_OK(sign(&w, w.in, out, "leader", MOTCUA_SIGN_LEADER, "2024-06-01T10:00"));
	r = verify(&w, out, true);
	CHECK(r && r->n_sigs == 1 && r->sigs[0].trust == MOTCUA_FAILED);
	if (r && r->n_sigs == 1)
		CHECK_CONTAINS(r->sigs[0].trust_detail, "NOT_YET_VALID");
	motcua_verify_report_free(r);
	world_close(&w);
}

static void test_bad_input_is_refused_and_writes_nothing(void)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	char out[4200], bad[4200], *text = NULL;
	motcua_signer *s;
	world w;

	world_open(&w);
	snprintf(out, sizeof(out), "%s/out.pdf", w.dir);
	s = signer(&w, "seal");
	o.digest = "sha1";
	CHECK_ERR(motcua_sign_pdf(w.in, out, s, &o), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "SHA-1");
	o.digest = NULL;
	free(test_write_file(w.dir, "garbage.pdf", "%PDF-1.7\nnot really a pdf\n"));
	snprintf(bad, sizeof(bad), "%s/garbage.pdf", w.dir);
	CHECK(motcua_sign_pdf(bad, out, s, &o) < 0);
	CHECK(access(out, F_OK) != 0);
	CHECK_INT(test_run(&text, "qpdf --encrypt u o 256 -- '%s' '%s/enc.pdf'", w.in, w.dir), 0);
	free(text);
	snprintf(bad, sizeof(bad), "%s/enc.pdf", w.dir);
	CHECK(motcua_sign_pdf(bad, out, s, &o) < 0);
	CHECK(access(out, F_OK) != 0);
	motcua_signer_free(s);
	snprintf(bad, sizeof(bad), "%s/seal.p12", w.pki);
	s = NULL;
	CHECK_ERR(motcua_signer_load_p12(&s, bad, "wrong"), MOTCUA_EDENIED);
	CHECK_CONTAINS(motcua_error_last(), "seal.p12");
	world_close(&w);
}

TEST_MAIN(TEST_CASE(test_copy_signature_passes_pdfsig_openssl_and_qpdf),
	TEST_CASE(test_leader_then_attachment_both_valid),
	TEST_CASE(test_tampering_is_caught_with_its_reason),
	TEST_CASE(test_content_changed_after_signing_is_flagged),
	TEST_CASE(test_b_t_signature_carries_a_trusted_timestamp),
	TEST_CASE(test_sealing_refuses_a_leader_signature_that_does_not_stand),
	TEST_CASE(test_trust_verdicts),
	TEST_CASE(test_bad_input_is_refused_and_writes_nothing))
