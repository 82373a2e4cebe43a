/* tests/pki/samples.c — the provinces' real signed decisions (../shared/samples-vn) with the
 * government CA's certificates (../shared/trust-vn): every signature intact, including the
 * personal ones whose DigestInfo omits NULL (which pdfsig calls invalid), every later revision
 * allowed, every chain built; persons and agencies told apart. Skipped (77) when ../shared is
 * not beside the source tree, as in a user's clone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dirent.h>

#include "motcua/pades.h"
#include "motcua/trust.h"
#include "test.h"

static char samples[4096], raw_trust[4096], trust[4096], *tmp;

/* Each sample, and whether each of its signatures is a person's (P) or an agency's (O). */
static const struct {
	const char *file;
	const char *roles;
	const char *g1;  /* L: the signature's chain goes through the SHA-1 G1 hierarchy */
	int no_null;     /* signatures whose DigestInfo omits NULL */
} cases[] = {
	{ "bacgiang-248-qd-leader-seal-number.pdf", "POOO", "----", 0 },
	{ "baclieu-209-scan-signed-copy.pdf", "O", "L", 0 },
	{ "ninhbinh-qd-five-signatures.pdf", "PPOOO", "--LLL", 2 },
};

static void test_every_sample_signature_is_valid(void)
{
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		motcua_verify_report *r = NULL;
		char path[8300];
		int no_null = 0;

		snprintf(path, sizeof(path), "%s/%s", samples, cases[c].file);
		CHECK_OK(motcua_verify_pdf(&r, path, trust));
		if (!r)
			continue;
		CHECK_INT(r->n_sigs, strlen(cases[c].roles));
		CHECK(motcua_verify_all_passed(r));
		for (size_t i = 0; i < r->n_sigs && i < strlen(cases[c].roles); i++) {
			const motcua_sig_report *s = &r->sigs[i];

			if (s->integrity != MOTCUA_PASSED || s->modification != MOTCUA_PASSED ||
			    s->trust != MOTCUA_PASSED)
				fprintf(stderr, "%s [%zu]: %s / %s / %s\n", cases[c].file, i + 1,
					s->integrity_detail, s->modification_detail, s->trust_detail);
			CHECK_INT(s->signer_is_person, cases[c].roles[i] == 'P');
			/* chains through G1 (SHA-1-signed) stand as legacy, and say so */
			CHECK_INT(strstr(s->warnings, "legacy hierarchy") != NULL,
				cases[c].g1[i] == 'L');
			no_null += strstr(s->warnings, "omits the NULL") != NULL;
		}
		CHECK_INT(no_null, cases[c].no_null);
		motcua_verify_report_free(r);
	}
}

/* Without the admin's legacy mark, SHA-1 in the G1 chain is refused, and the report says how
 * to accept it. */
static void test_unmarked_g1_hierarchy_is_refused(void)
{
	motcua_verify_report *r = NULL;
	char path[8300];

	snprintf(path, sizeof(path), "%s/baclieu-209-scan-signed-copy.pdf", samples);
	CHECK_OK(motcua_verify_pdf(&r, path, raw_trust));
	CHECK(r && r->n_sigs == 1 && r->sigs[0].integrity == MOTCUA_PASSED &&
		r->sigs[0].trust == MOTCUA_FAILED);
	if (r && r->n_sigs == 1)
		CHECK_CONTAINS(r->sigs[0].trust_detail, "trust add --legacy");
	motcua_verify_report_free(r);
}

static void test_json_report_and_exit_status(void)
{
	char *out = NULL;

	CHECK_INT(test_run(&out, "'%s' verify '%s/ninhbinh-qd-five-signatures.pdf' --trust '%s' "
		"--json | python3 -c 'import json,sys; d=json.load(sys.stdin); "
		"print(d[\"valid\"], [s[\"role\"] for s in d[\"signatures\"]], "
		"set(s[\"integrity\"][\"verdict\"] for s in d[\"signatures\"]), "
		"set(s[\"time_source\"] for s in d[\"signatures\"]))'", test_motcua_bin(), samples,
		trust), 0);
	CHECK_CONTAINS(out, "True ['person', 'person', 'organisation', 'organisation', "
		"'organisation'] {'passed'} {'timestamp'}");
	free(out);
	/* pdfsig, for comparison, rejects the personal signatures that omit NULL */
	CHECK(test_run(&out, "pdfsig '%s/ninhbinh-qd-five-signatures.pdf'", samples) >= 0);
	CHECK_CONTAINS(out, "Signature is Invalid");
	free(out);
}

int main(int argc, char **argv)
{
	static const test_case list[] = {
		TEST_CASE(test_every_sample_signature_is_valid),
		TEST_CASE(test_unmarked_g1_hierarchy_is_refused),
		TEST_CASE(test_json_report_and_exit_status),
	};

	struct dirent *e;
	DIR *d;
	int rc;

	snprintf(samples, sizeof(samples), "%s/../shared/samples-vn", test_source_dir());
	snprintf(raw_trust, sizeof(raw_trust), "%s/../shared/trust-vn", test_source_dir());
	if (access(samples, R_OK) != 0 || !(d = opendir(raw_trust))) {
		printf("skipped: %s or %s is absent\n", samples, raw_trust);
		return 77;
	}
	/* the trust store as an admin sets it up: the SHA-1 hierarchies (G1, the old MIC
	 * root) marked legacy, the rest as they are */
	tmp = test_tmpdir();
	snprintf(trust, sizeof(trust), "%s/trust", tmp);
	while ((e = readdir(d))) {
		char path[8300];
		size_t added;
		bool legacy = strstr(e->d_name, "g1-") || strstr(e->d_name, "sha1");

		if (!strstr(e->d_name, ".pem"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", raw_trust, e->d_name);
		if (motcua_trust_add(&added, trust, path, legacy) < 0)
			fprintf(stderr, "%s\n", motcua_error_last());
	}
	closedir(d);
	rc = test_main(argc, argv, list, sizeof(list) / sizeof(list[0]));
	test_rmdir(tmp);
	free(tmp);
	return rc;
}
