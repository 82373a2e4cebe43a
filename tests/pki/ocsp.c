/* tests/pki/ocsp.c — revocation by OCSP in the verifier: responses from a B-LT document's DSS
 * and from files given to it decide when the issuer authorized their responder, they name the
 * certificate and are fresh; a revocation before the signing time fails trust; forged, foreign,
 * stale or unrelated responses are set aside and the report says why. OpenSSL's own `openssl
 * ocsp -verify` agrees on the responses, and a real responder on loopback (`openssl ocsp
 * -index`) answers the client that B-LT signing can use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/time.h"
#include "motcua/pades.h"
#include "pdf/pdf.h"
#include "pdfgen.h"
#include "pki/ocsp.h"
#include "test.h"
#include "ocsp_responder.h"

#define DAY 86400
#define PATH_SIZE 4300

/* Made once for every case: two demo PKIs (the second one's responder is another CA's), a
 * TSA, trust stores, and a B-T document signed by the leader with no revocation data. */
static struct {
	char *dir;
	char pki[4096], other[4096];
	char root_only[PATH_SIZE];  /* root.pem alone: no CRLs */
	char root_crl[PATH_SIZE];   /* root.pem and the root's CRL: CRLs, but none for the
	                             * issuing CA, so the leader's CRL is missing */
	char both_roots[PATH_SIZE]; /* both PKIs' roots */
	char in[PATH_SIZE];
	char leader_bt[PATH_SIZE];  /* the leader's B-T signature, no DSS */
	test_tsa tsa;
} w;

/* dir/name into buf (PATH_SIZE bytes). */
static char *at(char *buf, const char *name)
{
	snprintf(buf, PATH_SIZE, "%s/%s", w.dir, name);
	return buf;
}

/* A response about pki/<who>.pem by the responder pki/<by>.pem (other/... for the second
 * PKI's), written to dir/<name>, whose path goes in out (PATH_SIZE bytes). */
static char *respond(char *out, const char *name, const char *who, const char *by,
	int status, int64_t revoked_at, int64_t this_up, int64_t next_up, const EVP_MD *id_md)
{
	char cert[4300], issuer[4300], rcert[4300], rkey[4300];
	const char *base = strncmp(by, "other/", 6) == 0 ? w.other : w.pki;
	const char *stem = strncmp(by, "other/", 6) == 0 ? by + 6 : by;
	test_ocsp_spec s = { 0 };

	snprintf(cert, sizeof(cert), "%s/%s.pem", w.pki, who);
	snprintf(issuer, sizeof(issuer), "%s/issuing.pem", w.pki);
	snprintf(rcert, sizeof(rcert), "%s/%s.pem", base, stem);
	snprintf(rkey, sizeof(rkey), "%s/%s.key", base, stem);
	s.cert = cert;
	s.issuer = issuer;
	s.responder = rcert;
	s.responder_key = rkey;
	s.status = status;
	s.revoked_at = revoked_at;
	s.reason = status == V_OCSP_CERTSTATUS_REVOKED ? OCSP_REVOKED_STATUS_KEYCOMPROMISE : -1;
	s.this_update = this_up;
	s.next_update = next_up;
	s.id_md = id_md;
	at(out, name);
	CHECK_INT(test_ocsp_make(out, &s), 0);
	return out;
}

static char *good(char *out, const char *name, const char *who, const char *by)
{
	return respond(out, name, who, by, V_OCSP_CERTSTATUS_GOOD, 0, 0, 0, NULL);
}

static int sign(const char *out, const char *who, const char *profile, const char *ocsp_file,
	const char *crl_file, int64_t when)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_signer *s = NULL;
	const char *files[2];
	char p12[4300];
	int error;

	snprintf(p12, sizeof(p12), "%s/%s.p12", w.pki, who);
	CHECK_OK(motcua_signer_load_p12(&s, p12, "motcua"));
	o.profile = profile;
	o.tsa_url = strcmp(profile, "B-B") ? test_tsa_url(&w.tsa) : NULL;
	o.signing_time = when;
	if (ocsp_file)
		files[o.n_validation_files++] = ocsp_file;
	if (crl_file)
		files[o.n_validation_files++] = crl_file;
	o.validation_files = files;
	error = s ? motcua_sign_pdf(w.in, out, s, &o) : MOTCUA_ERROR;
	motcua_signer_free(s);
	return error;
}

/* The verdict on the document's one signature with the files given; the detail in detail. */
static int verify_one(char *detail, size_t size, const char *pdf, const char *trust,
	const char *ocsp_file, const char *crl_file)
{
	motcua_verify_options o = MOTCUA_VERIFY_OPTIONS_INIT;
	motcua_verify_report *r = NULL;
	int verdict = -1;

	o.trust_dir = trust;
	o.ocsp_files = &ocsp_file;
	o.n_ocsp_files = ocsp_file != NULL;
	o.crl_files = &crl_file;
	o.n_crl_files = crl_file != NULL;
	detail[0] = '\0';
	CHECK_OK(motcua_verify_pdf_ex(&r, pdf, &o));
	CHECK(r && r->n_sigs == 1);
	if (r && r->n_sigs == 1) {
		CHECK_INT(r->sigs[0].integrity, MOTCUA_PASSED);
		verdict = (int)r->sigs[0].trust;
		snprintf(detail, size, "%s", r->sigs[0].trust_detail);
	}
	motcua_verify_report_free(r);
	return verdict;
}

static void test_good_response_in_the_dss_passes(void)
{
	char resp[PATH_SIZE], pdf[4300], detail[512], *text = NULL;
	mc_pdf_dss_data dss;

	good(resp, "good.der", "leader", "ocsp");
	CHECK_OK(sign(at(pdf, "blt-good.pdf"), "leader", "B-LT", resp, NULL, 0));
	CHECK_OK(mc_pdf_dss(&dss, pdf));
	CHECK_INT(dss.n_ocsps, 1);
	CHECK_INT(dss.n_crls, 0);
	mc_pdf_dss_clear(&dss);

	CHECK_INT(verify_one(detail, sizeof(detail), pdf, w.root_only, NULL, NULL),
		MOTCUA_PASSED);
	CHECK_CONTAINS(detail, "not revoked per the OCSP response in the document's DSS");
	/* a store with CRLs, none for the issuing CA: the CRL is missing, the response stands
	 * in for it (and the rest of the chain is still checked) */
	CHECK_INT(verify_one(detail, sizeof(detail), pdf, w.root_crl, NULL, NULL), MOTCUA_PASSED);
	CHECK_CONTAINS(detail, "not revoked per the OCSP response in the document's DSS");
	/* without the response that store leaves the revocation open */
	CHECK_INT(verify_one(detail, sizeof(detail), w.leader_bt, w.root_crl, NULL, NULL),
		MOTCUA_INDETERMINATE);
	CHECK_CONTAINS(detail, "TRY_LATER");
	/* the DSS's root is no anchor: no trust store, no chain, OCSP or not */
	CHECK_INT(verify_one(detail, sizeof(detail), pdf, NULL, NULL, NULL),
		MOTCUA_INDETERMINATE);
	CHECK_CONTAINS(detail, "NO_CERTIFICATE_CHAIN_FOUND");

	CHECK_INT(test_run(&text, "'%s' verify '%s' --trust '%s'", test_motcua_bin(), pdf,
		w.root_only), 0);
	CHECK_CONTAINS(text, "OCSP response in the document's DSS");
	free(text);
	CHECK_INT(test_run(&text, "pdfsig '%s'", pdf), 0);
	CHECK_CONTAINS(text, "Signature is Valid");
	free(text);

	/* OpenSSL agrees: the response verifies to the root through the delegated responder */
	CHECK_INT(test_run(&text, "openssl ocsp -respin '%s' -issuer '%s/issuing.pem' -cert "
		"'%s/leader.pem' -CAfile '%s/root.pem' -verify_other '%s/chain.pem' -no_nonce",
		resp, w.pki, w.pki, w.pki, w.pki), 0);
	CHECK_CONTAINS(text, "Response verify OK");
	CHECK_CONTAINS(text, "leader.pem: good");
	free(text);
}

static void test_revoked_before_signing_fails(void)
{
	char resp[PATH_SIZE], ok[4300], pdf[4300], crl[4300], detail[512], *text = NULL;
	int64_t now = mc_time_now();

	respond(resp, "revoked.der", "leader", "ocsp", V_OCSP_CERTSTATUS_REVOKED, now - DAY, 0,
		0, NULL);
	CHECK_OK(sign(at(pdf, "blt-revoked.pdf"), "leader", "B-LT", resp, NULL, 0));
	CHECK_INT(verify_one(detail, sizeof(detail), pdf, w.root_only, NULL, NULL),
		MOTCUA_FAILED);
	CHECK_CONTAINS(detail, "REVOKED");
	CHECK_CONTAINS(detail, "keyCompromise");
	CHECK_CONTAINS(detail, "OCSP response in the document's DSS");
	/* a good answer beside it changes nothing: the revocation stands */
	good(ok, "leader-good.der", "leader", "ocsp");
	CHECK_INT(verify_one(detail, sizeof(detail), pdf, w.root_only, ok, NULL), MOTCUA_FAILED);
	CHECK_CONTAINS(detail, "REVOKED");
	CHECK_INT(test_run(&text, "'%s' verify '%s' --trust '%s' --json", test_motcua_bin(), pdf,
		w.root_only), 1);
	CHECK_CONTAINS(text, "\"valid\":false");
	free(text);
	/* nor does an authorized "good" for a certificate the CRL in the DSS revokes */
	snprintf(crl, sizeof(crl), "%s/issuing.crl.pem", w.pki);
	good(ok, "revoked-good.der", "revoked", "ocsp");
	CHECK_OK(sign(at(pdf, "blt-crl-revoked.pdf"), "revoked", "B-LT", ok, crl, 0));
	CHECK_INT(verify_one(detail, sizeof(detail), pdf, w.root_only, NULL, NULL),
		MOTCUA_FAILED);
	CHECK_CONTAINS(detail, "REVOKED");

	CHECK_INT(test_run(&text, "openssl ocsp -respin '%s' -issuer '%s/issuing.pem' -cert "
		"'%s/leader.pem' -CAfile '%s/root.pem' -verify_other '%s/chain.pem' -no_nonce",
		resp, w.pki, w.pki, w.pki, w.pki), 0);
	CHECK_CONTAINS(text, "Response verify OK");
	CHECK_CONTAINS(text, "leader.pem: revoked");
	CHECK_CONTAINS(text, "Reason: keyCompromise");
	free(text);
}

/* Only the issuer speaks for its certificates: itself, or a responder it delegated. */
static void test_unauthorized_responders_are_not_used(void)
{
	char resp[PATH_SIZE], pdf[4300], detail[512], *text = NULL;
	int64_t now = mc_time_now();

	/* the seal's certificate, issued by the same CA but without OCSPSigning, in the DSS */
	respond(resp, "by-seal.der", "leader", "seal", V_OCSP_CERTSTATUS_REVOKED, now - DAY, 0,
		0, NULL);
	CHECK_OK(sign(at(pdf, "blt-by-seal.pdf"), "leader", "B-LT", resp, NULL, 0));
	CHECK_INT(verify_one(detail, sizeof(detail), pdf, w.root_only, NULL, NULL),
		MOTCUA_PASSED);
	CHECK_CONTAINS(detail, "OCSP response in the document's DSS was not used");
	CHECK_CONTAINS(detail, "lacks the OCSPSigning extended key usage");
	/* OpenSSL refuses it too */
	CHECK(test_run(&text, "openssl ocsp -respin '%s' -issuer '%s/issuing.pem' -cert "
		"'%s/leader.pem' -CAfile '%s/root.pem' -verify_other '%s/chain.pem' -no_nonce",
		resp, w.pki, w.pki, w.pki, w.pki) >= 0);
	CHECK(strstr(text, "Response Verify Failure") != NULL);
	free(text);

	/* another CA's delegated responder, under a root the store trusts too */
	respond(resp, "by-other.der", "leader", "other/ocsp", V_OCSP_CERTSTATUS_REVOKED,
		now - DAY, 0, 0, NULL);
	CHECK_INT(verify_one(detail, sizeof(detail), w.leader_bt, w.both_roots, resp, NULL),
		MOTCUA_PASSED);
	CHECK_CONTAINS(detail, "OCSP response given (by-other.der) was not used");
	CHECK_CONTAINS(detail, "not issued by the certificate's issuer");
	/* another CA itself */
	respond(resp, "by-other-ca.der", "leader", "other/issuing", V_OCSP_CERTSTATUS_REVOKED,
		now - DAY, 0, 0, NULL);
	CHECK_INT(verify_one(detail, sizeof(detail), w.leader_bt, w.both_roots, resp, NULL),
		MOTCUA_PASSED);
	CHECK_CONTAINS(detail, "was not used");

	/* the issuer itself may answer: then its word counts */
	respond(resp, "by-issuer.der", "leader", "issuing", V_OCSP_CERTSTATUS_REVOKED,
		now - DAY, 0, 0, NULL);
	CHECK_INT(verify_one(detail, sizeof(detail), w.leader_bt, w.root_only, resp, NULL),
		MOTCUA_FAILED);
	CHECK_CONTAINS(detail, "REVOKED");
	CHECK_CONTAINS(detail, "OCSP response given (by-issuer.der)");
}

static void test_response_for_another_certificate_is_not_used(void)
{
	char resp[PATH_SIZE], detail[512];
	int64_t now = mc_time_now();

	/* the seal's revocation says nothing about the leader */
	respond(resp, "seal-revoked.der", "seal", "ocsp", V_OCSP_CERTSTATUS_REVOKED, now - DAY, 0,
		0, NULL);
	CHECK_INT(verify_one(detail, sizeof(detail), w.leader_bt, w.root_only, resp, NULL),
		MOTCUA_PASSED);
	CHECK_CONTAINS(detail, "no revocation data");
	CHECK_CONTAINS(detail, "was not used: it is about another certificate");
	/* the CertID under SHA-256 instead of SHA-1 still names the leader */
	respond(resp, "sha256-id.der", "leader", "ocsp", V_OCSP_CERTSTATUS_GOOD, 0, 0, 0,
		EVP_sha256());
	CHECK_INT(verify_one(detail, sizeof(detail), w.leader_bt, w.root_only, resp, NULL),
		MOTCUA_PASSED);
	CHECK_CONTAINS(detail, "not revoked per the OCSP response given (sha256-id.der)");
}

static void test_stale_response_is_not_used(void)
{
	char resp[PATH_SIZE], detail[512];
	int64_t now = mc_time_now();

	/* valid for a day, nine days before the signature */
	respond(resp, "stale.der", "leader", "ocsp", V_OCSP_CERTSTATUS_GOOD, 0, now - 10 * DAY,
		now - 9 * DAY, NULL);
	CHECK_INT(verify_one(detail, sizeof(detail), w.leader_bt, w.root_crl, resp, NULL),
		MOTCUA_INDETERMINATE);
	CHECK_CONTAINS(detail, "TRY_LATER");
	CHECK_CONTAINS(detail, "OCSP response given (stale.der) was not used: it is stale");
	/* no nextUpdate: it speaks only for its thisUpdate, two days before */
	respond(resp, "no-next.der", "leader", "ocsp", V_OCSP_CERTSTATUS_GOOD, 0, now - 2 * DAY,
		-1, NULL);
	CHECK_INT(verify_one(detail, sizeof(detail), w.leader_bt, w.root_crl, resp, NULL),
		MOTCUA_INDETERMINATE);
	CHECK_CONTAINS(detail, "it is stale");
	/* from the future */
	respond(resp, "future.der", "leader", "ocsp", V_OCSP_CERTSTATUS_GOOD, 0, now + 2 * DAY,
		now + 3 * DAY, NULL);
	CHECK_INT(verify_one(detail, sizeof(detail), w.leader_bt, w.root_crl, resp, NULL),
		MOTCUA_INDETERMINATE);
	CHECK_CONTAINS(detail, "in the future");
	/* made before the signature but valid past it: it covers the signing time */
	respond(resp, "covering.der", "leader", "ocsp", V_OCSP_CERTSTATUS_GOOD, 0, now - DAY,
		now + DAY, NULL);
	CHECK_INT(verify_one(detail, sizeof(detail), w.leader_bt, w.root_crl, resp, NULL),
		MOTCUA_PASSED);
	CHECK_CONTAINS(detail, "not revoked per the OCSP response given (covering.der)");
}

/* `motcua verify --ocsp FILE --crl FILE`: the revocation data a relying party brings. */
static void test_cli_takes_given_ocsp_and_crl_files(void)
{
	char good_r[4300], rev[4300], pdf[4300], junk[4300], *text = NULL;
	int64_t now = mc_time_now();

	good(good_r, "cli-good.der", "leader", "ocsp");
	CHECK_INT(test_run(&text, "'%s' verify '%s' --trust '%s' --ocsp '%s'", test_motcua_bin(),
		w.leader_bt, w.root_crl, good_r), 0);
	CHECK_CONTAINS(text, "not revoked per the OCSP response given (cli-good.der)");
	free(text);
	respond(rev, "cli-revoked.der", "leader", "ocsp", V_OCSP_CERTSTATUS_REVOKED, now - DAY,
		0, 0, NULL);
	CHECK_INT(test_run(&text, "'%s' verify '%s' --trust '%s' --ocsp '%s' --json",
		test_motcua_bin(), w.leader_bt, w.root_only, rev), 1);
	CHECK_CONTAINS(text, "REVOKED");
	CHECK_CONTAINS(text, "cli-revoked.der");
	free(text);
	/* a file that is no OCSP response is the caller's mistake, named */
	free(test_write_file(w.dir, "junk.der", "not an OCSP response\n"));
	at(junk, "junk.der");
	CHECK_INT(test_run(&text, "'%s' verify '%s' --trust '%s' --ocsp '%s'", test_motcua_bin(),
		w.leader_bt, w.root_only, junk), 2);
	CHECK_CONTAINS(text, "junk.der");
	free(text);
	CHECK_INT(test_run(&text, "'%s' verify '%s' --trust '%s' --crl '%s'", test_motcua_bin(),
		w.leader_bt, w.root_only, junk), 2);
	CHECK_CONTAINS(text, "not a CRL");
	free(text);
	/* the CA's CRL given: the revoked certificate's B-T signature fails on it */
	CHECK_OK(sign(at(pdf, "bt-revoked.pdf"), "revoked", "B-T", NULL, NULL, 0));
	CHECK_INT(test_run(&text, "'%s' verify '%s' --trust '%s' --crl '%s/issuing.crl.pem'",
		test_motcua_bin(), pdf, w.root_only, w.pki), 1);
	CHECK_CONTAINS(text, "REVOKED: the signing certificate is revoked (per the CRLs given)");
	free(text);
	/* revoked a day ago, signed (claimed, no timestamp) two days ago: nothing proves the
	 * signature came before the revocation */
	CHECK_OK(sign(at(pdf, "bb-claimed.pdf"), "leader", "B-B", NULL, NULL,
		now - 2 * DAY));
	CHECK_INT(test_run(&text, "'%s' verify '%s' --trust '%s' --ocsp '%s'", test_motcua_bin(),
		pdf, w.root_only, rev), 1);
	CHECK_CONTAINS(text, "REVOKED_NO_POE");
	free(text);
}

/* The client B-LT signing can use, against `openssl ocsp` answering on loopback. */
static void test_fetch_from_a_responder_on_loopback(void)
{
	char work[PATH_SIZE], index[4400], leader[4300], revoked[4300], issuing[4300];
	char out[4400];
	unsigned char *der = NULL;
	size_t len = 0;
	X509 *lc, *rc, *ic;
	mc_ocsp_set set = MC_OCSP_SET_INIT;
	mc_ocsp_result res;
	test_ocsp_responder r;
	char *text = NULL;
	FILE *f;

	at(work, "responder");
	CHECK_INT(test_run(NULL, "mkdir -p '%s'", work), 0);
	snprintf(index, sizeof(index), "%s/index.txt", work);
	snprintf(leader, sizeof(leader), "%s/leader.pem", w.pki);
	snprintf(revoked, sizeof(revoked), "%s/revoked.pem", w.pki);
	snprintf(issuing, sizeof(issuing), "%s/issuing.pem", w.pki);
	CHECK_INT(test_ocsp_index_add(index, leader, 0), 0);
	CHECK_INT(test_ocsp_index_add(index, revoked, mc_time_now() - DAY), 0);
	CHECK_INT(test_ocsp_start(&r, w.pki, work), 0);
	lc = test_ocsp_read_cert(leader);
	rc = test_ocsp_read_cert(revoked);
	ic = test_ocsp_read_cert(issuing);

	CHECK_OK(mc_ocsp_fetch(&der, &len, lc, ic, r.url));
	CHECK_OK(mc_ocsp_set_add(&set, der, len, "fetched"));
	CHECK_OK(mc_ocsp_check(&res, &set, lc, ic, NULL, mc_time_now()));
	CHECK_INT(res.verdict, MC_OCSP_GOOD);
	CHECK_STR(res.source, "fetched");
	/* what OpenSSL makes of the fetched bytes */
	snprintf(out, sizeof(out), "%s/fetched.der", work);
	if ((f = fopen(out, "wb"))) {
		fwrite(der, 1, len, f);
		fclose(f);
	}
	CHECK_INT(test_run(&text, "openssl ocsp -respin '%s' -issuer '%s' -cert '%s' -CAfile "
		"'%s/root.pem' -verify_other '%s/chain.pem' -no_nonce", out, issuing, leader, w.pki,
		w.pki), 0);
	CHECK_CONTAINS(text, "Response verify OK");
	free(text);
	OPENSSL_free(der);
	der = NULL;
	/* the revoked one: and the verifier reads the revocation off the same bytes */
	CHECK_OK(mc_ocsp_fetch(&der, &len, rc, ic, r.url));
	mc_ocsp_set_clear(&set);
	CHECK_OK(mc_ocsp_set_add(&set, der, len, "fetched"));
	CHECK_OK(mc_ocsp_check(&res, &set, rc, ic, NULL, mc_time_now()));
	CHECK_INT(res.verdict, MC_OCSP_REVOKED);
	CHECK_STR(mc_ocsp_reason_name(res.reason), "keyCompromise");
	/* asked about the leader, these bytes are about someone else */
	CHECK_OK(mc_ocsp_check(&res, &set, lc, ic, NULL, mc_time_now()));
	CHECK_INT(res.verdict, MC_OCSP_NONE);
	CHECK_CONTAINS(res.not_used, "another certificate");
	OPENSSL_free(der);
	der = NULL;
	mc_ocsp_set_clear(&set);

	CHECK_ERR(mc_ocsp_fetch(&der, &len, lc, ic, NULL), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "names no OCSP responder");
	CHECK_ERR(mc_ocsp_fetch(&der, &len, lc, ic, "ftp://127.0.0.1/"), MOTCUA_EINVALID);
	test_ocsp_stop(&r);
	CHECK_ERR(mc_ocsp_fetch(&der, &len, lc, ic, r.url), MOTCUA_ERROR);
	CHECK_CONTAINS(motcua_error_last(), r.url);
	CHECK(der == NULL);
	X509_free(lc);
	X509_free(rc);
	X509_free(ic);
}

/* Bytes that are no response, or a responder's refusal, never crash and never count. */
static void test_garbage_never_counts(void)
{
	static const unsigned char refusal[] = { 0x30, 0x03, 0x0a, 0x01, 0x03 };  /* tryLater */
	static const unsigned char junk[] = { 0x30, 0x82, 0xff, 0xff, 0x01 };
	mc_ocsp_set set = MC_OCSP_SET_INIT;
	mc_ocsp_result res;
	char leader[4300], issuing[4300];
	X509 *lc, *ic;

	snprintf(leader, sizeof(leader), "%s/leader.pem", w.pki);
	snprintf(issuing, sizeof(issuing), "%s/issuing.pem", w.pki);
	lc = test_ocsp_read_cert(leader);
	ic = test_ocsp_read_cert(issuing);
	CHECK_OK(mc_ocsp_set_add(&set, refusal, sizeof(refusal), "in the document's DSS"));
	CHECK_OK(mc_ocsp_set_add(&set, junk, sizeof(junk), "in the document's DSS"));
	CHECK_OK(mc_ocsp_set_add(&set, junk, 0, "in the document's DSS"));
	CHECK_OK(mc_ocsp_check(&res, &set, lc, ic, NULL, mc_time_now()));
	CHECK_INT(res.verdict, MC_OCSP_NONE);
	CHECK_CONTAINS(res.not_used, "tryLater");
	mc_ocsp_set_clear(&set);
	X509_free(lc);
	X509_free(ic);

	/* the same bytes in a document's DSS: read, judged, set aside */
	{
		const unsigned char *ocsps[2] = { refusal, junk };
		size_t lens[2] = { sizeof(refusal), sizeof(junk) };
		char pdf[PATH_SIZE], detail[512];

		CHECK_OK(mc_pdf_add_dss(w.leader_bt, at(pdf, "junk-dss.pdf"), NULL, NULL, 0, NULL,
			NULL, 0, ocsps, lens, 2));
		CHECK_INT(verify_one(detail, sizeof(detail), pdf, w.root_crl, NULL, NULL),
			MOTCUA_INDETERMINATE);
		CHECK_CONTAINS(detail, "TRY_LATER");
		CHECK_CONTAINS(detail, "not used: the responder answered tryLater");
	}
}

int main(int argc, char **argv)
{
	static const test_case list[] = {
		TEST_CASE(test_good_response_in_the_dss_passes),
		TEST_CASE(test_revoked_before_signing_fails),
		TEST_CASE(test_unauthorized_responders_are_not_used),
		TEST_CASE(test_response_for_another_certificate_is_not_used),
		TEST_CASE(test_stale_response_is_not_used),
		TEST_CASE(test_cli_takes_given_ocsp_and_crl_files),
		TEST_CASE(test_fetch_from_a_responder_on_loopback),
		TEST_CASE(test_garbage_never_counts),
	};
	char tsadir[4300];
	int rc;

	w.dir = test_tmpdir();
	snprintf(w.pki, sizeof(w.pki), "%s/pki", w.dir);
	snprintf(w.other, sizeof(w.other), "%s/other", w.dir);
	at(w.root_only, "trust-root");
	at(w.root_crl, "trust-root-crl");
	at(w.both_roots, "trust-both");
	at(w.in, "in.pdf");
	at(w.leader_bt, "leader-bt.pdf");
	at(tsadir, "tsa");
	setenv("NO_PROXY", "127.0.0.1", 1);
	if (motcua_pki_demo(w.pki) < 0 || motcua_pki_demo(w.other) < 0 ||
	    test_run(NULL, "mkdir -p '%s' '%s' '%s' '%s' && cp '%s/root.pem' '%s/' && "
	    "cp '%s/root.pem' '%s/root.crl.pem' '%s/' && cp '%s/root.pem' '%s/' && "
	    "cp '%s/root.pem' '%s/other-root.pem'", w.root_only, w.root_crl, w.both_roots, tsadir,
	    w.pki, w.root_only, w.pki, w.pki, w.root_crl, w.pki, w.both_roots, w.other,
	    w.both_roots) != 0 || test_make_pdf(w.in, "QUYET DINH ve viec thu hoi chung thu") < 0 ||
	    test_tsa_start(&w.tsa, w.pki, tsadir) < 0) {
		fprintf(stderr, "ocsp: cannot set up: %s\n", motcua_error_last());
		return 1;
	}
	if (sign(w.leader_bt, "leader", "B-T", NULL, NULL, 0) < 0) {
		fprintf(stderr, "ocsp: cannot sign: %s\n", motcua_error_last());
		rc = 1;
	} else {
		rc = test_main(argc, argv, list, sizeof(list) / sizeof(list[0]));
	}
	test_tsa_stop(&w.tsa);
	test_rmdir(w.dir);
	free(w.dir);
	return rc;
}
