/* tests/pki/ltv.c — long-term validation: PAdES B-LT puts the certificates and CRLs a verifier
 * needs in the document's DSS, B-LTA adds a document timestamp over it all. Tools nobody here
 * wrote still call the signature valid (pdfsig), the file sound (qpdf), the timestamp good
 * (openssl ts); motcua's verifier finds revocation in the DSS when its trust store has only the
 * root, and judges the document timestamp as one. */
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
	char *dir;              /* temporary folder */
	char pki[4096];         /* demo PKI */
	char root_only[4096];   /* trust store: root.pem and nothing else, no CRLs */
	char in[4096];          /* an unsigned one-page PDF */
	char crls[2][4200];     /* the demo CAs' CRLs, for the DSS */
	const char *files[2];
	test_tsa tsa;
	bool tsa_up;
} world;

static void world_open(world *w, bool with_tsa)
{
	char tsadir[4200];

	memset(w, 0, sizeof(*w));
	w->dir = test_tmpdir();
	snprintf(w->pki, sizeof(w->pki), "%s/pki", w->dir);
	snprintf(w->root_only, sizeof(w->root_only), "%s/trust", w->dir);
	snprintf(w->in, sizeof(w->in), "%s/in.pdf", w->dir);
	snprintf(w->crls[0], sizeof(w->crls[0]), "%s/issuing.crl.pem", w->pki);
	snprintf(w->crls[1], sizeof(w->crls[1]), "%s/root.crl.pem", w->pki);
	w->files[0] = w->crls[0];
	w->files[1] = w->crls[1];
	CHECK_OK(motcua_pki_demo(w->pki));
	CHECK_INT(test_run(NULL, "mkdir -p '%s' && cp '%s/root.pem' '%s/'", w->root_only, w->pki,
		w->root_only), 0);
	CHECK_INT(test_make_pdf(w->in, "QUYET DINH ve viec cap giay phep xay dung"), 0);
	if (!with_tsa)
		return;
	setenv("NO_PROXY", "127.0.0.1", 1);
	snprintf(tsadir, sizeof(tsadir), "%s/tsa", w->dir);
	CHECK_INT(test_run(NULL, "mkdir -p '%s'", tsadir), 0);
	CHECK_INT(test_tsa_start(&w->tsa, w->pki, tsadir), 0);
	w->tsa_up = true;
}

static void world_close(world *w)
{
	if (w->tsa_up)
		test_tsa_stop(&w->tsa);
	test_rmdir(w->dir);
	free(w->dir);
}

static int sign(world *w, const char *out, const char *who, const char *profile, bool tsa)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_signer *s = NULL;
	char p12[4200];
	int error;

	snprintf(p12, sizeof(p12), "%s/%s.p12", w->pki, who);
	CHECK_OK(motcua_signer_load_p12(&s, p12, "motcua"));
	o.as = strcmp(who, "seal") == 0 ? MOTCUA_SIGN_COPY : MOTCUA_SIGN_LEADER;
	o.tsa_url = tsa ? test_tsa_url(&w->tsa) : NULL;
	o.profile = profile;
	o.validation_files = w->files;
	o.n_validation_files = 2;
	error = s ? motcua_sign_pdf(w->in, out, s, &o) : MOTCUA_ERROR;
	motcua_signer_free(s);
	return error;
}

/* Writes the bytes a signature's /ByteRange covers and its /Contents (DER, zeros cut). */
static void dump_signed(const world *w, const char *pdf, size_t which, const char *data_out,
	const char *contents_out)
{
	mc_pdf_signature *sigs = NULL;
	size_t n = 0;
	char *file = test_read_file(pdf, NULL);
	FILE *f;

	CHECK_OK(mc_pdf_signatures(&sigs, &n, pdf));
	CHECK(which < n && file);
	if (which < n && file) {
		const mc_pdf_signature *s = &sigs[which];
		size_t len = s->contents_len;

		if (s->contents_len > 4 && s->contents[1] == 0x82)
			len = 4 + ((size_t)s->contents[2] << 8 | s->contents[3]);
		if ((f = fopen(data_out, "wb"))) {
			fwrite(file + s->byte_range[0], 1, (size_t)s->byte_range[1], f);
			fwrite(file + s->byte_range[2], 1, (size_t)s->byte_range[3], f);
			fclose(f);
		}
		if ((f = fopen(contents_out, "wb"))) {
			fwrite(s->contents, 1, len, f);
			fclose(f);
		}
	}
	(void)w;
	free(file);
	mc_pdf_signatures_free(sigs, n);
}

static void test_b_lt_carries_the_validation_material_in_a_dss(void)
{
	char out[4200], *text = NULL;
	mc_pdf_dss_data dss;
	motcua_verify_report *r = NULL;
	world w;

	world_open(&w, true);
	snprintf(out, sizeof(out), "%s/blt.pdf", w.dir);
	CHECK_OK(sign(&w, out, "seal", "B-LT", true));

	/* pdfsig: the signature stays valid; the DSS update comes after it */
	CHECK_INT(test_run(&text, "pdfsig '%s'", out), 0);
	CHECK_CONTAINS(text, "Signature is Valid");
	CHECK_CONTAINS(text, "ETSI.CAdES.detached");
	CHECK_CONTAINS(text, "Not total document signed");
	free(text);
	CHECK_INT(test_run(&text, "qpdf --check '%s'", out), 0);
	free(text);

	/* the DSS: the seal, the issuing CA, the root, the TSA; both CRLs */
	CHECK_OK(mc_pdf_dss(&dss, out));
	CHECK(dss.n_certs >= 4);
	CHECK_INT(dss.n_crls, 2);
	CHECK_INT(dss.n_ocsps, 0);
	mc_pdf_dss_clear(&dss);

	/* a trust store with the root alone: revocation comes from the document */
	CHECK_OK(motcua_verify_pdf(&r, out, w.root_only));
	CHECK(r && r->n_sigs == 1);
	CHECK(motcua_verify_all_passed(r));
	if (r && r->n_sigs == 1) {
		CHECK(r->sigs[0].timestamped);
		CHECK_INT(r->sigs[0].trust, MOTCUA_PASSED);
		CHECK_CONTAINS(r->sigs[0].trust_detail, "revocation data from the document's DSS");
		CHECK_INT(r->sigs[0].modification, MOTCUA_PASSED);
		CHECK_CONTAINS(r->sigs[0].modification_detail, "DSS");
	}
	motcua_verify_report_free(r);
	CHECK_INT(test_run(&text, "'%s' verify '%s' --trust '%s'", test_motcua_bin(), out,
		w.root_only), 0);
	CHECK_CONTAINS(text, "revocation data from the document's DSS");
	free(text);
	/* the root in the DSS is no trust anchor: without a trust store, still indeterminate */
	CHECK_OK(motcua_verify_pdf(&r, out, NULL));
	CHECK(r && r->n_sigs == 1 && r->sigs[0].trust == MOTCUA_INDETERMINATE);
	if (r && r->n_sigs == 1)
		CHECK_CONTAINS(r->sigs[0].trust_detail, "NO_CERTIFICATE_CHAIN_FOUND");
	motcua_verify_report_free(r);
	world_close(&w);
}

static void test_revoked_certificate_fails_on_the_dss_crl(void)
{
	char out[4200];
	motcua_verify_report *r = NULL;
	world w;

	world_open(&w, true);
	snprintf(out, sizeof(out), "%s/revoked.pdf", w.dir);
	CHECK_OK(sign(&w, out, "revoked", "B-LT", true));
	CHECK_OK(motcua_verify_pdf(&r, out, w.root_only));
	CHECK(r && r->n_sigs == 1 && !motcua_verify_all_passed(r));
	if (r && r->n_sigs == 1) {
		CHECK_INT(r->sigs[0].integrity, MOTCUA_PASSED);
		CHECK_INT(r->sigs[0].trust, MOTCUA_FAILED);
		CHECK_CONTAINS(r->sigs[0].trust_detail, "REVOKED");
		CHECK_CONTAINS(r->sigs[0].trust_detail, "DSS");
	}
	motcua_verify_report_free(r);
	world_close(&w);
}

static void test_b_lta_document_timestamp_verifies(void)
{
	char out[4200], data[4200], token[4200], *text = NULL;
	motcua_verify_report *r = NULL;
	world w;

	world_open(&w, true);
	snprintf(out, sizeof(out), "%s/blta.pdf", w.dir);
	CHECK_OK(sign(&w, out, "leader", "B-LTA", true));
	CHECK_INT(test_run(&text, "qpdf --check '%s'", out), 0);
	free(text);
	/* pdfsig (poppler 22.12) keeps the signature valid and lists the document timestamp,
	 * which it cannot validate ("Signature Type: unknown"), as covering the whole file */
	CHECK_INT(test_run(&text, "pdfsig '%s'", out), 0);
	CHECK_CONTAINS(text, "Signature is Valid");
	CHECK_CONTAINS(text, "Timestamp1");
	CHECK_CONTAINS(text, "Motcua Demo TSA");
	CHECK_CONTAINS(text, "Total document signed");
	free(text);

	CHECK_OK(motcua_verify_pdf(&r, out, w.root_only));
	CHECK(r && r->n_sigs == 2);
	CHECK(motcua_verify_all_passed(r));
	if (r && r->n_sigs == 2) {
		const motcua_sig_report *sig = &r->sigs[0], *ts = &r->sigs[1];

		CHECK_STR(sig->subfilter, "ETSI.CAdES.detached");
		CHECK(sig->signer_is_person);
		/* the DSS and the document timestamp came after the signature: allowed */
		CHECK_INT(sig->modification, MOTCUA_PASSED);
		CHECK_CONTAINS(sig->modification_detail, "document timestamp");
		CHECK_CONTAINS(sig->modification_detail, "DSS");
		CHECK_INT(sig->trust, MOTCUA_PASSED);

		CHECK_STR(ts->subfilter, "ETSI.RFC3161");
		CHECK(ts->signer && strstr(ts->signer, "Motcua Demo TSA"));
		CHECK(!ts->signer_is_person);
		CHECK_STR(ts->time_source, "timestamp");
		CHECK(ts->timestamped && ts->covers_whole_file);
		CHECK(llabs(ts->signing_time - mc_time_now()) < 120);
		CHECK_INT(ts->integrity, MOTCUA_PASSED);
		CHECK_INT(ts->modification, MOTCUA_PASSED);
		CHECK_INT(ts->trust, MOTCUA_PASSED);
		CHECK_CONTAINS(ts->trust_detail, "revocation data from the document's DSS");
	}
	motcua_verify_report_free(r);
	CHECK_INT(test_run(&text, "'%s' verify '%s' --trust '%s'", test_motcua_bin(), out,
		w.root_only), 0);
	CHECK_CONTAINS(text, "ETSI.RFC3161");
	free(text);

	/* OpenSSL agrees: the token is over exactly the bytes the /ByteRange covers */
	snprintf(data, sizeof(data), "%s/ts-data.bin", w.dir);
	snprintf(token, sizeof(token), "%s/ts-token.der", w.dir);
	dump_signed(&w, out, 1, data, token);
	CHECK_INT(test_run(&text, "openssl ts -verify -data '%s' -in '%s' -token_in -CAfile "
		"'%s/root.pem' -untrusted '%s/chain.pem'", data, token, w.pki, w.pki), 0);
	CHECK_CONTAINS(text, "Verification: OK");
	free(text);

	/* a byte of the signed part changed: the timestamp's imprint no longer matches */
	{
		size_t len;
		char *bytes = test_read_file(out, &len), bad[4200];
		char *at = bytes ? strstr(bytes, "QUYET") : NULL;
		FILE *f;

		CHECK(at != NULL);
		if (at) {
			*at = 'X';
			snprintf(bad, sizeof(bad), "%s/bad.pdf", w.dir);
			if ((f = fopen(bad, "wb"))) {
				fwrite(bytes, 1, len, f);
				fclose(f);
			}
			CHECK_OK(motcua_verify_pdf(&r, bad, w.root_only));
			CHECK(r && r->n_sigs == 2);
			if (r && r->n_sigs == 2) {
				CHECK_INT(r->sigs[1].integrity, MOTCUA_FAILED);
				CHECK_CONTAINS(r->sigs[1].integrity_detail, "HASH_FAILURE");
			}
			motcua_verify_report_free(r);
		}
		free(bytes);
	}
	world_close(&w);
}

static void test_long_term_profiles_need_a_tsa_and_write_nothing_without(void)
{
	const char *bad_file[1];
	char out[4200], junk[4200];
	world w;

	world_open(&w, true);
	snprintf(out, sizeof(out), "%s/out.pdf", w.dir);
	CHECK_ERR(sign(&w, out, "seal", "B-LT", false), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "B-LT");
	CHECK(access(out, F_OK) != 0);
	CHECK_ERR(sign(&w, out, "seal", "B-LTA", false), MOTCUA_EINVALID);
	CHECK(access(out, F_OK) != 0);
	CHECK_ERR(sign(&w, out, "seal", "B-X", true), MOTCUA_EINVALID);
	CHECK(access(out, F_OK) != 0);
	/* a validation file that is neither a certificate nor a CRL: refused before signing */
	snprintf(junk, sizeof(junk), "%s/junk.pem", w.dir);
	free(test_write_file(w.dir, "junk.pem", "not a certificate\n"));
	bad_file[0] = junk;
	w.files[0] = bad_file[0];
	CHECK_ERR(sign(&w, out, "seal", "B-LT", true), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "junk.pem");
	CHECK(access(out, F_OK) != 0);
	/* a TSA that is down: nothing is written, no step's file is left behind */
	w.files[0] = w.crls[0];
	test_tsa_stop(&w.tsa);
	w.tsa_up = false;
	CHECK(sign(&w, out, "seal", "B-LTA", true) < 0);
	CHECK(access(out, F_OK) != 0);
	CHECK_INT(test_run(NULL, "ls '%s' | grep -q partial", w.dir), 1);
	/* B-B ignores the TSA; B-T without one is refused */
	CHECK_OK(sign(&w, out, "seal", "B-B", false));
	unlink(out);
	CHECK_ERR(sign(&w, out, "seal", "B-T", false), MOTCUA_EINVALID);
	world_close(&w);
}

static void test_dss_update_extends_and_never_duplicates(void)
{
	char once[4200], twice[4200], pem[4200], *text = NULL;
	unsigned char *der[2] = { NULL, NULL };
	size_t lens[2] = { 0, 0 };
	const unsigned char *certs[2];
	mc_pdf_dss_data dss;
	world w;

	world_open(&w, false);
	snprintf(once, sizeof(once), "%s/once.pdf", w.dir);
	snprintf(twice, sizeof(twice), "%s/twice.pdf", w.dir);
	for (int i = 0; i < 2; i++) {
		char path[4300];

		snprintf(pem, sizeof(pem), "%s/%s.pem", w.pki, i ? "issuing" : "root");
		snprintf(path, sizeof(path), "%s/%d.der", w.dir, i);
		CHECK_INT(test_run(NULL, "openssl x509 -in '%s' -outform DER -out '%s'", pem,
			path), 0);
		der[i] = (unsigned char *)test_read_file(path, &lens[i]);
		certs[i] = der[i];
	}
	CHECK_OK(mc_pdf_dss(&dss, w.in));
	CHECK_INT(dss.n_certs + dss.n_crls + dss.n_ocsps, 0);
	mc_pdf_dss_clear(&dss);
	CHECK_OK(mc_pdf_add_dss(w.in, once, certs, lens, 1, NULL, NULL, 0, NULL, NULL, 0));
	CHECK_OK(mc_pdf_add_dss(once, twice, certs, lens, 2, NULL, NULL, 0, NULL, NULL, 0));
	CHECK_OK(mc_pdf_dss(&dss, twice));
	CHECK_INT(dss.n_certs, 2);
	if (dss.n_certs == 2)
		CHECK(dss.certs[0].len == lens[0] && !memcmp(dss.certs[0].data, der[0], lens[0]) &&
			dss.certs[1].len == lens[1] && !memcmp(dss.certs[1].data, der[1], lens[1]));
	mc_pdf_dss_clear(&dss);
	CHECK_INT(test_run(&text, "qpdf --check '%s'", twice), 0);
	free(text);
	/* the output may not be the input, and nothing to add is an error */
	CHECK_ERR(mc_pdf_add_dss(once, once, certs, lens, 1, NULL, NULL, 0, NULL, NULL, 0),
		MOTCUA_EINVALID);
	CHECK_ERR(mc_pdf_add_dss(once, twice, NULL, NULL, 0, NULL, NULL, 0, NULL, NULL, 0),
		MOTCUA_EINVALID);
	free(der[0]);
	free(der[1]);
	world_close(&w);
}

TEST_MAIN(TEST_CASE(test_b_lt_carries_the_validation_material_in_a_dss),
	TEST_CASE(test_revoked_certificate_fails_on_the_dss_crl),
	TEST_CASE(test_b_lta_document_timestamp_verifies),
	TEST_CASE(test_long_term_profiles_need_a_tsa_and_write_nothing_without),
	TEST_CASE(test_dss_update_extends_and_never_duplicates))
