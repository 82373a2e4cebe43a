/* tests/pki/samples.c — the provinces' real signed decisions (../shared/samples-vn) with the
 * government CA's certificates (../shared/trust-vn): every signature intact, including the
 * personal ones whose DigestInfo omits NULL (which pdfsig calls invalid), every later revision
 * allowed, every chain built; persons and agencies told apart. Skipped (77) when ../shared is
 * not beside the source tree, as in a user's clone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "motcua/pades.h"
#include "test.h"

static char samples[4096], trust[4096];

/* Each sample, and whether each of its signatures is a person's (P) or an agency's (O). */
static const struct {
	const char *file;
	const char *roles;
	int no_null;     /* signatures whose DigestInfo omits NULL */
} cases[] = {
	{ "bacgiang-248-qd-leader-seal-number.pdf", "POOO", 0 },
	{ "baclieu-209-scan-signed-copy.pdf", "O", 0 },
	{ "ninhbinh-qd-five-signatures.pdf", "PPOOO", 2 },
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
			no_null += strstr(s->warnings, "omits the NULL") != NULL;
		}
		CHECK_INT(no_null, cases[c].no_null);
		motcua_verify_report_free(r);
	}
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
		TEST_CASE(test_json_report_and_exit_status),
	};

	snprintf(samples, sizeof(samples), "%s/../shared/samples-vn", test_source_dir());
	snprintf(trust, sizeof(trust), "%s/../shared/trust-vn", test_source_dir());
	if (access(samples, R_OK) != 0 || access(trust, R_OK) != 0) {
		printf("skipped: %s or %s is absent\n", samples, trust);
		return 77;
	}
	return test_main(argc, argv, list, sizeof(list) / sizeof(list[0]));
}
