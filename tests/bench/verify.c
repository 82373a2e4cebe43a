/* tests/bench/verify.c — verification in bulk, beside pdfsig (poppler's verifier, one process
 * per file, as a script would run it) on the same files in the same run: the provinces' real
 * documents (../shared/samples-vn with ../shared/trust-vn, G1 marked legacy, as
 * tests/pki/samples.c sets it up), each verified many times in one process; and 1,000
 * motcua-signed one-page documents, also with a given OCSP response standing in for CRLs.
 * Prints a table; never fails. Usage: bench-verify [--docs N] [--rounds R] [--subset M];
 * other arguments (meant for other benchmarks) are ignored. */
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../harness/ocsp_responder.h"
#include "../harness/pdfgen.h"
#include "motcua/pades.h"
#include "motcua/trust.h"

#define PATH_BUF 4096
#define NAME_BUF (PATH_BUF + 64)

static const char *const sample_files[] = {
	"bacgiang-248-qd-leader-seal-number.pdf",
	"baclieu-209-scan-signed-copy.pdf",
	"ninhbinh-qd-five-signatures.pdf",
};
#define N_SAMPLES (sizeof(sample_files) / sizeof(sample_files[0]))

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* CPU seconds (user + system) of this process, or of its finished children: the machine
 * may be shared, and CPU per document does not depend on what else runs. */
static double cpu_seconds(int who)
{
	struct rusage u;

	getrusage(who, &u);
	return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 +
		(double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "bench-verify: %s: %s\n", what, motcua_error_last());
	exit(2);
}

static char *join(char *path, const char *dir, const char *name)
{
	if (snprintf(path, NAME_BUF, "%s/%s", dir, name) >= NAME_BUF) {
		fprintf(stderr, "bench-verify: %s: path too long\n", dir);
		exit(2);
	}
	return path;
}

static bool have(const char *tool)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

/* Runs argv with its output discarded; returns its exit status or -1. */
static int run_quiet(char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ../shared beside the source tree (this file is tests/bench/verify.c in it), else
 * /work/shared; NULL when neither holds the samples. */
static const char *shared_dir(char *buf)
{
	const char *file = __FILE__, *cut = strstr(file, "/tests/bench/verify.c");
	char probe[NAME_BUF];

	if (cut && file[0] == '/') {
		snprintf(buf, PATH_BUF, "%.*s/../shared", (int)(cut - file), file);
		if (access(join(probe, buf, "samples-vn"), R_OK) == 0)
			return buf;
	}
	snprintf(buf, PATH_BUF, "/work/shared");
	return access(join(probe, buf, "samples-vn"), R_OK) == 0 ? buf : NULL;
}

/* The trust folder as an admin sets it up for the government CA (tests/pki/samples.c): the
 * SHA-1 hierarchies (G1, the old national root) marked legacy. */
static void vn_trust(const char *raw, const char *trust)
{
	struct dirent *e;
	DIR *d = opendir(raw);

	if (!d)
		die(raw);
	while ((e = readdir(d))) {
		char path[NAME_BUF];
		size_t added;
		bool legacy = strstr(e->d_name, "g1-") || strstr(e->d_name, "sha1");

		if (!strstr(e->d_name, ".pem"))
			continue;
		if (motcua_trust_add(&added, trust, join(path, raw, e->d_name), legacy) < 0)
			fprintf(stderr, "bench-verify: %s\n", motcua_error_last());
	}
	closedir(d);
}

typedef struct {
	double rate;                /* docs/s */
	double cpu_ms;              /* CPU a document */
	size_t passed, total;       /* motcua: documents whose every signature passed */
} result;

/* motcua verifies files[0..n) `rounds` times in this process. */
static result motcua_rate(char **files, size_t n, size_t rounds,
	const motcua_verify_options *o)
{
	result res = { 0, 0, 0, n * rounds };
	double cpu = cpu_seconds(RUSAGE_SELF);
	int64_t t = now_us();

	for (size_t r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++) {
			motcua_verify_report *rep = NULL;

			if (motcua_verify_pdf_ex(&rep, files[i], o) < 0)
				die(files[i]);
			res.passed += motcua_verify_all_passed(rep);
			motcua_verify_report_free(rep);
		}
	t = now_us() - t;
	res.rate = (double)res.total * 1e6 / (double)(t ? t : 1);
	res.cpu_ms = (cpu_seconds(RUSAGE_SELF) - cpu) * 1e3 / (double)res.total;
	return res;
}

/* pdfsig once per file, `rounds` times over files[0..n); docs/s and CPU a document (rate 0
 * when it cannot run). */
static result pdfsig_rate(char **files, size_t n, size_t rounds)
{
	result res = { 0, 0, 0, n * rounds };
	double cpu = cpu_seconds(RUSAGE_CHILDREN);
	int64_t t = now_us();

	for (size_t r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++) {
			char *argv[] = { "pdfsig", files[i], NULL };
			int rc = run_quiet(argv);

			/* its status says nothing about the verdicts; only a crash or a missing
			 * program stops the count */
			if (rc < 0 || rc == 127)
				return res;
		}
	t = now_us() - t;
	res.rate = (double)res.total * 1e6 / (double)(t ? t : 1);
	res.cpu_ms = (cpu_seconds(RUSAGE_CHILDREN) - cpu) * 1e3 / (double)res.total;
	return res;
}

static void row(const char *what, size_t files, const result *m, const result *p)
{
	char ratio[32] = "-", ps[32] = "not run", pcpu[32] = "-", cratio[32] = "-";

	if (p->rate > 0) {
		snprintf(ps, sizeof(ps), "%.1f", p->rate);
		snprintf(ratio, sizeof(ratio), "%.1fx", m->rate / p->rate);
		snprintf(pcpu, sizeof(pcpu), "%.1f", p->cpu_ms);
		if (m->cpu_ms > 0)
			snprintf(cratio, sizeof(cratio), "%.1fx", p->cpu_ms / m->cpu_ms);
	}
	printf("%-42s %5zu %9.1f %9s %6s %8.1f %8s %6s  %zu/%zu valid\n", what, files, m->rate,
		ps, ratio, m->cpu_ms, pcpu, cratio, m->passed, m->total);
}

/* The inputs dir/docNNNNN.pdf, one page each, as tests/bench/signing.c makes them. */
static char **make_inputs(const char *dir, size_t n)
{
	char **names = calloc(n, sizeof(*names));

	if (!names)
		die("out of memory");
	for (size_t i = 0; i < n; i++) {
		char name[32], text[96];

		snprintf(name, sizeof(name), "doc%05zu.pdf", i + 1);
		snprintf(text, sizeof(text), "QUYET DINH so %zu/QD-UBND ve viec cap ban sao",
			i + 1);
		if (!(names[i] = malloc(NAME_BUF)) ||
		    test_make_pdf(join(names[i], dir, name), text) < 0) {
			fprintf(stderr, "bench-verify: cannot write %s/%s\n", dir, name);
			exit(2);
		}
	}
	return names;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void bench_samples(const char *shared, const char *tmp, size_t rounds)
{
	char raw[NAME_BUF], trust[NAME_BUF], dir[NAME_BUF];
	motcua_verify_options o = MOTCUA_VERIFY_OPTIONS_INIT;
	char *files[N_SAMPLES];
	result m, ps, none = { 0, 0, 0, 0 };

	join(raw, shared, "trust-vn");
	join(dir, shared, "samples-vn");
	vn_trust(raw, join(trust, tmp, "trust-vn"));
	o.trust_dir = trust;
	for (size_t i = 0; i < N_SAMPLES; i++)
		if (!(files[i] = malloc(NAME_BUF)) || !join(files[i], dir, sample_files[i]))
			die("out of memory");
	for (size_t i = 0; i < N_SAMPLES; i++) {
		char label[96];
		result one = motcua_rate(&files[i], 1, rounds, &o);

		snprintf(label, sizeof(label), "  %.40s", sample_files[i]);
		ps = have("pdfsig") ? pdfsig_rate(&files[i], 1, rounds) : none;
		row(label, rounds, &one, &ps);
	}
	m = motcua_rate(files, N_SAMPLES, rounds, &o);
	ps = have("pdfsig") ? pdfsig_rate(files, N_SAMPLES, rounds) : none;
	row("samples-vn, all three", N_SAMPLES * rounds, &m, &ps);
	for (size_t i = 0; i < N_SAMPLES; i++)
		free(files[i]);
}

/* 1,000 B-B seals by the demo PKI, verified with the CRL in the store, then with an OCSP
 * response given instead (a store without CRLs). */
static void bench_signed(const char *tmp, size_t docs, size_t subset)
{
	char pki[NAME_BUF], in[NAME_BUF], out[NAME_BUF], crl_trust[NAME_BUF], root_trust[NAME_BUF];
	char key[NAME_BUF], cert[NAME_BUF], chain[NAME_BUF], issuing[NAME_BUF], resp[NAME_BUF];
	char label[96], cmd[8 * NAME_BUF];
	motcua_sign_options so = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_batch_options bo = MOTCUA_BATCH_OPTIONS_INIT;
	motcua_verify_options o = MOTCUA_VERIFY_OPTIONS_INIT;
	motcua_batch_result *br = NULL;
	motcua_signer *signer = NULL;
	const char *ocsp_files[1];
	test_ocsp_spec spec = { 0 };
	char **inputs, **signed_files;
	size_t done = 0;
	result m, ps = { 0, 0, 0, 0 };

	join(pki, tmp, "pki");
	join(in, tmp, "in");
	join(out, tmp, "signed");
	join(crl_trust, tmp, "trust-crl");
	join(root_trust, tmp, "trust-root");
	if (motcua_pki_demo(pki) < 0)
		die("demo PKI");
	if (snprintf(cmd, sizeof(cmd), "mkdir -p '%s' '%s' '%s' && cp '%s/root.pem' "
	    "'%s/issuing.crl.pem' '%s/' && cp '%s/root.pem' '%s/'", in, crl_trust, root_trust,
	    pki, pki, crl_trust, pki, root_trust) >= (int)sizeof(cmd) || system(cmd) != 0)
		die("folders");
	if (motcua_signer_load_pem(&signer, join(key, pki, "seal.key"),
	    join(cert, pki, "seal.pem"), join(chain, pki, "chain.pem"), NULL) < 0)
		die("signer");
	inputs = make_inputs(in, docs);
	so.as = MOTCUA_SIGN_AGENCY;
	bo.jobs = 2;
	if (motcua_sign_batch_ex(&br, &done, (const char *const *)inputs, docs, out, signer, &so,
	    &bo) < 0 || motcua_batch_failures(br, done) > 0)
		die("signing the documents");
	motcua_batch_results_free(br, done);
	motcua_signer_free(signer);
	if (!(signed_files = calloc(docs, sizeof(*signed_files))))
		die("out of memory");
	for (size_t i = 0; i < docs; i++)
		if (!(signed_files[i] = malloc(NAME_BUF)) ||
		    !join(signed_files[i], out, strrchr(inputs[i], '/') + 1))
			die("out of memory");

	if (have("pdfsig"))
		ps = pdfsig_rate(signed_files, subset, 1);
	o.trust_dir = crl_trust;
	m = motcua_rate(signed_files, docs, 1, &o);
	snprintf(label, sizeof(label), "motcua-signed B-B, store CRL (pdfsig: %zu)", subset);
	row(label, docs, &m, &ps);

	/* the seal's OCSP response from the delegated responder, given with every file */
	spec.cert = cert;
	spec.issuer = join(issuing, pki, "issuing.pem");
	spec.responder = join(chain, pki, "ocsp.pem");
	spec.responder_key = join(key, pki, "ocsp.key");
	spec.status = V_OCSP_CERTSTATUS_GOOD;
	spec.reason = -1;
	if (test_ocsp_make(join(resp, tmp, "seal-good.der"), &spec) < 0)
		die("OCSP response");
	ocsp_files[0] = resp;
	o.trust_dir = root_trust;
	o.ocsp_files = ocsp_files;
	o.n_ocsp_files = 1;
	m = motcua_rate(signed_files, docs, 1, &o);
	row("  the same, OCSP response given, no CRL", docs, &m, &ps);

	free_names(signed_files, docs);
	free_names(inputs, docs);
}

int main(int argc, char **argv)
{
	const char *tmp_base = getenv("TMPDIR");
	size_t docs = 1000, rounds = 20, subset = 100;
	char tmp[PATH_BUF], shared_buf[PATH_BUF], cmd[PATH_BUF + 16];
	const char *shared;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--docs") == 0 && i + 1 < argc && atol(argv[i + 1]) > 0)
			docs = (size_t)atol(argv[++i]);
		else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc && atol(argv[i + 1]) > 0)
			rounds = (size_t)atol(argv[++i]);
		else if (strcmp(argv[i], "--subset") == 0 && i + 1 < argc && atol(argv[i + 1]) > 0)
			subset = (size_t)atol(argv[++i]);
		else if (strcmp(argv[i], "--help") == 0) {
			printf("usage: bench-verify [--docs N] [--rounds R] [--subset M]  "
				"(N: 1000, R: 20, M: 100)\n");
			return 0;
		}
	}
	if (subset > docs)
		subset = docs;
	if (snprintf(tmp, sizeof(tmp), "%s/motcua-bench-verify-XXXXXX", tmp_base && *tmp_base ?
	    tmp_base : "/tmp") >= (int)sizeof(tmp) || !mkdtemp(tmp)) {
		perror(tmp);
		return 2;
	}
	if (!have("pdfsig"))
		printf("pdfsig not found (install poppler-utils): its column stays empty\n");
	printf("%-42s %5s %9s %9s %6s %8s %8s %6s\n", "verification, one thread", "docs",
		"motcua/s", "pdfsig/s", "ratio", "mc cpu", "ps cpu", "ratio");
	printf("%-42s %5s %9s %9s %6s %8s %8s %6s\n", "", "", "", "", "", "ms/doc", "ms/doc",
		"");
	if ((shared = shared_dir(shared_buf)))
		bench_samples(shared, tmp, rounds);
	else
		printf("samples-vn not found beside the source tree or in /work/shared: the real "
			"documents are not measured\n");
	bench_signed(tmp, docs, subset);
	printf("motcua: every signature's integrity, revisions and trust, in this process; "
		"pdfsig: one process per file (samples: %zu rounds each; signed: the first %zu "
		"files). Ratios: docs/s (wall clock), and CPU a document (pdfsig / motcua), which "
		"other load on the machine does not skew\n", rounds, subset);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "bench-verify: could not remove %s\n", tmp);
	return 0;
}
