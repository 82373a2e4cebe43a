/* tests/pki/batch.c — signing a folder of PDFs with one signer: good files signed and valid
 * (motcua's verifier, pdfsig), bad ones reported by name with no output, the same on two
 * threads and through `motcua sign --batch`; and the sets refused before anything is signed
 * (an output folder that is the inputs' own, two inputs with one name). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/time.h"
#include "motcua/pades.h"
#include "pdfgen.h"
#include "test.h"

#define DOCS 20
#define PATH_BUF 4200

typedef struct {
	char *dir;                  /* temporary folder */
	char pki[PATH_BUF];         /* demo PKI */
	char trust[PATH_BUF];       /* root and CRLs */
	char in[PATH_BUF];          /* DOCS inputs: doc01.pdf ... doc20.pdf */
	char paths[DOCS][PATH_BUF + 64];
	const char *inputs[DOCS];
} world;

/* doc07 and doc15 are not PDFs. */
static bool is_garbage(size_t i)
{
	return i + 1 == 7 || i + 1 == 15;
}

static void world_open(world *w)
{
	char *out = NULL;

	w->dir = test_tmpdir();
	snprintf(w->pki, sizeof(w->pki), "%s/pki", w->dir);
	snprintf(w->trust, sizeof(w->trust), "%s/trust", w->dir);
	snprintf(w->in, sizeof(w->in), "%s/in", w->dir);
	CHECK_OK(motcua_pki_demo(w->pki));
	CHECK_INT(test_run(&out, "mkdir -p '%s' '%s' && cp '%s/root.pem' '%s/issuing.crl.pem' "
		"'%s/'", w->trust, w->in, w->pki, w->pki, w->trust), 0);
	free(out);
	for (size_t i = 0; i < DOCS; i++) {
		char name[32], text[64];

		snprintf(name, sizeof(name), "doc%02zu.pdf", i + 1);
		snprintf(w->paths[i], sizeof(w->paths[i]), "%s/%s", w->in, name);
		w->inputs[i] = w->paths[i];
		if (is_garbage(i)) {
			free(test_write_file(w->in, name, "this is not a PDF, only a file named so\n"));
		} else {
			snprintf(text, sizeof(text), "BAN SAO so %02zu", i + 1);
			CHECK_INT(test_make_pdf(w->paths[i], text), 0);
		}
	}
}

static void world_close(world *w)
{
	test_rmdir(w->dir);
	free(w->dir);
}

static motcua_signer *seal(const world *w)
{
	motcua_signer *s = NULL;
	char path[PATH_BUF + 16];

	snprintf(path, sizeof(path), "%s/seal.p12", w->pki);
	CHECK_OK(motcua_signer_load_p12(&s, path, "motcua"));
	return s;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

typedef struct {
	size_t calls, last_done, failed;
	bool in_order, messages_named;
} progress_log;

static void record(size_t done, size_t total, const char *file, int error, void *payload)
{
	progress_log *log = payload;

	log->calls++;
	log->in_order &= done == log->last_done + 1 && total == DOCS;
	log->last_done = done;
	if (error < 0) {
		log->failed++;
		/* the file's own message, in the thread that signed it */
		log->messages_named &= strstr(motcua_error_last(), file) != NULL;
	}
}

/* The 18 good files signed and valid, the 2 bad ones failed by name with no output. */
static void check_results(const world *w, const motcua_batch_result *r, size_t n,
	const char *out_dir)
{
	CHECK_INT(n, DOCS);
	CHECK_INT(motcua_batch_failures(r, n), 2);
	for (size_t i = 0; i < n && i < DOCS; i++) {
		char expect[PATH_BUF + 32];

		snprintf(expect, sizeof(expect), "%s/doc%02zu.pdf", out_dir, i + 1);
		CHECK_STR(r[i].input, w->inputs[i]);
		CHECK_STR(r[i].output, expect);
		if (is_garbage(i)) {
			CHECK(r[i].error < 0);
			CHECK_CONTAINS(r[i].message, w->inputs[i]);
			CHECK(!exists(expect));
		} else {
			motcua_verify_report *v = NULL;

			CHECK_INT(r[i].error, 0);
			CHECK(r[i].message == NULL);
			CHECK_OK(motcua_verify_pdf(&v, expect, w->trust));
			CHECK(v && v->n_sigs == 1 && v->sigs[0].integrity == MOTCUA_PASSED);
			CHECK(v && motcua_verify_all_passed(v));
			motcua_verify_report_free(v);
		}
	}
}

static void pdfsig_valid(const char *path)
{
	char *text = NULL;

	CHECK_INT(test_run(&text, "pdfsig '%s'", path), 0);
	CHECK_CONTAINS(text, "Signature is Valid");
	free(text);
}

static void sign_options(motcua_sign_options *o)
{
	o->as = MOTCUA_SIGN_COPY;
	CHECK_OK(mc_time_parse(&o->signing_time, "2026-03-05T10:30"));
}

static void test_batch_signs_18_and_reports_2_garbage_files(void)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_batch_result *r = NULL;
	progress_log log = { 0, 0, 0, true, true };
	char out_dir[PATH_BUF], path[PATH_BUF + 32];
	motcua_signer *s;
	size_t n = 0;
	world w;

	world_open(&w);
	sign_options(&o);
	snprintf(out_dir, sizeof(out_dir), "%s/signed", w.dir);   /* made by the batch */
	s = seal(&w);
	CHECK_OK(motcua_sign_batch(&r, &n, w.inputs, DOCS, out_dir, s, &o, record, &log));
	check_results(&w, r, n, out_dir);
	CHECK_INT(log.calls, DOCS);
	CHECK_INT(log.failed, 2);
	CHECK(log.in_order);
	CHECK(log.messages_named);
	snprintf(path, sizeof(path), "%s/doc01.pdf", out_dir);
	pdfsig_valid(path);
	snprintf(path, sizeof(path), "%s/doc20.pdf", out_dir);
	pdfsig_valid(path);
	/* no partial or temporary file is left beside the outputs */
	{
		char *text = NULL;

		CHECK_INT(test_run(&text, "ls '%s' | grep -c -v '^doc[0-9][0-9]\\.pdf$'", out_dir),
			1);
		CHECK_STR(text, "0\n");
		free(text);
	}
	motcua_batch_results_free(r, n);
	motcua_signer_free(s);
	world_close(&w);
}

static void test_batch_on_two_threads_gives_the_same_results(void)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_batch_options b = MOTCUA_BATCH_OPTIONS_INIT;
	motcua_batch_result *r = NULL;
	progress_log log = { 0, 0, 0, true, true };
	char out_dir[PATH_BUF], path[PATH_BUF + 32];
	motcua_signer *s;
	size_t n = 0;
	world w;

	world_open(&w);
	sign_options(&o);
	snprintf(out_dir, sizeof(out_dir), "%s/signed2", w.dir);
	b.jobs = 2;
	b.progress = record;
	b.payload = &log;
	s = seal(&w);
	CHECK_OK(motcua_sign_batch_ex(&r, &n, w.inputs, DOCS, out_dir, s, &o, &b));
	check_results(&w, r, n, out_dir);
	CHECK_INT(log.calls, DOCS);
	CHECK_INT(log.failed, 2);
	CHECK(log.in_order);          /* done counts 1..20 even across threads */
	CHECK(log.messages_named);
	snprintf(path, sizeof(path), "%s/doc10.pdf", out_dir);
	pdfsig_valid(path);
	motcua_batch_results_free(r, n);
	motcua_signer_free(s);
	world_close(&w);
}

/* An output that cannot be written (a folder is in its place) fails alone. */
static void test_unwritable_output_fails_alone(void)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_batch_result *r = NULL;
	const char *inputs[3];
	char out_dir[PATH_BUF], blocker[PATH_BUF + 32], *text = NULL;
	motcua_signer *s;
	size_t n = 0;
	world w;

	world_open(&w);
	sign_options(&o);
	inputs[0] = w.inputs[0];
	inputs[1] = w.inputs[2];
	inputs[2] = w.inputs[3];
	snprintf(out_dir, sizeof(out_dir), "%s/out", w.dir);
	snprintf(blocker, sizeof(blocker), "%s/doc03.pdf", out_dir);
	CHECK_INT(test_run(&text, "mkdir -p '%s/x'", blocker), 0);
	free(text);
	s = seal(&w);
	CHECK_OK(motcua_sign_batch(&r, &n, inputs, 3, out_dir, s, &o, NULL, NULL));
	CHECK_INT(n, 3);
	CHECK_INT(motcua_batch_failures(r, n), 1);
	if (n == 3) {
		CHECK_INT(r[0].error, 0);
		CHECK(r[1].error < 0);
		CHECK_CONTAINS(r[1].message, "doc03.pdf");
		CHECK_INT(r[2].error, 0);
	}
	motcua_batch_results_free(r, n);
	motcua_signer_free(s);
	world_close(&w);
}

static void test_cli_batch_prints_progress_and_exits_1(void)
{
	char out_dir[PATH_BUF], *text = NULL;
	world w;

	world_open(&w);
	snprintf(out_dir, sizeof(out_dir), "%s/cli", w.dir);
	CHECK_INT(test_run(&text, "MOTCUA_PASSWORD=motcua '%s' sign --batch '%s'/*.pdf "
		"--out-dir '%s' --p12 '%s/seal.p12' --as copy", test_motcua_bin(), w.in, out_dir,
		w.pki), 1);
	CHECK_CONTAINS(text, "[1/20] doc01.pdf: signed");
	CHECK_CONTAINS(text, "[7/20] doc07.pdf: FAILED: ");
	CHECK_CONTAINS(text, "[15/20] doc15.pdf: FAILED: ");
	CHECK_CONTAINS(text, "[20/20] doc20.pdf: signed");
	CHECK_CONTAINS(text, "18 of 20 signed by ");
	CHECK_CONTAINS(text, ", 2 failed: ");
	CHECK_CONTAINS(text, "doc07.pdf, ");
	free(text);
	{
		char p[PATH_BUF + 32];

		snprintf(p, sizeof(p), "%s/doc07.pdf", out_dir);
		CHECK(!exists(p));
		snprintf(p, sizeof(p), "%s/doc08.pdf", out_dir);
		CHECK_INT(test_run(&text, "'%s' verify '%s' --trust '%s'", test_motcua_bin(), p,
			w.trust), 0);
		free(text);
	}

	/* a folder as the one input, on two threads; all good files: exit 0 */
	CHECK_INT(test_run(&text, "rm '%s' '%s' && MOTCUA_PASSWORD=motcua '%s' sign --batch '%s' "
		"--out-dir '%s/cli2' --jobs 2 --p12 '%s/seal.p12' --as copy", w.inputs[6],
		w.inputs[14], test_motcua_bin(), w.in, w.dir, w.pki), 0);
	CHECK_CONTAINS(text, "[18/18] ");
	CHECK_CONTAINS(text, "18 of 18 signed by ");
	CHECK_CONTAINS(text, ", 0 failed");
	free(text);
	world_close(&w);
}

static void test_out_dir_equal_to_inputs_folder_is_refused(void)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_batch_result *r = NULL;
	char same[PATH_BUF + 32], *before, *after, *text = NULL;
	motcua_signer *s;
	size_t n = 99, len = 0;
	world w;

	world_open(&w);
	sign_options(&o);
	s = seal(&w);
	before = test_read_file(w.inputs[0], &len);
	/* the same folder by another spelling */
	snprintf(same, sizeof(same), "%s/../in/.", w.in);
	CHECK_ERR(motcua_sign_batch(&r, &n, w.inputs, DOCS, same, s, &o, NULL, NULL),
		MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "doc01.pdf");
	CHECK(r == NULL && n == 0);
	after = test_read_file(w.inputs[0], NULL);
	CHECK(before && after && memcmp(before, after, len) == 0);   /* nothing signed */
	free(before);
	free(after);
	CHECK_INT(test_run(&text, "MOTCUA_PASSWORD=motcua '%s' sign --batch '%s' --out-dir '%s' "
		"--p12 '%s/seal.p12'", test_motcua_bin(), w.in, w.in, w.pki), 1);
	CHECK_CONTAINS(text, "would replace it");
	CHECK(strstr(text, "[1/") == NULL);
	free(text);
	motcua_signer_free(s);
	world_close(&w);
}

static void test_duplicate_names_are_refused(void)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_batch_result *r = NULL;
	char other[PATH_BUF + 32], out_dir[PATH_BUF], *text = NULL;
	const char *inputs[3];
	motcua_signer *s;
	size_t n = 0;
	world w;

	world_open(&w);
	sign_options(&o);
	snprintf(other, sizeof(other), "%s/other/doc02.pdf", w.dir);
	snprintf(out_dir, sizeof(out_dir), "%s/out", w.dir);
	CHECK_INT(test_run(&text, "mkdir -p '%s/other' && cp '%s' '%s'", w.dir, w.inputs[1],
		other), 0);
	free(text);
	inputs[0] = w.inputs[0];
	inputs[1] = w.inputs[1];
	inputs[2] = other;
	s = seal(&w);
	CHECK_ERR(motcua_sign_batch(&r, &n, inputs, 3, out_dir, s, &o, NULL, NULL),
		MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "same name");
	CHECK(r == NULL);
	CHECK(!exists(out_dir));   /* nothing made, nothing signed */
	motcua_signer_free(s);
	world_close(&w);
}

TEST_MAIN(
	TEST_CASE(test_batch_signs_18_and_reports_2_garbage_files),
	TEST_CASE(test_batch_on_two_threads_gives_the_same_results),
	TEST_CASE(test_unwritable_output_fails_alone),
	TEST_CASE(test_cli_batch_prints_progress_and_exits_1),
	TEST_CASE(test_out_dir_equal_to_inputs_folder_is_refused),
	TEST_CASE(test_duplicate_names_are_refused))
