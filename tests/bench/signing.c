/* tests/bench/signing.c — PAdES B-B signing and verification in bulk, beside anchors measured
 * in the same run: the physical limit (RSA-2048 signatures per second, `openssl speed`, one
 * core and both), podofosign run once per file (the PoDoFo tool a shell script would use) and
 * pdfsig once per file (poppler's verifier). Goals: signing at least 50 % of the RSA limit
 * over both cores; verification at least 5x pdfsig. Usage: bench-signing [--docs N]
 * [--subset M]; other arguments (meant for other benchmarks) are ignored. */
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

#include "../harness/pdfgen.h"
#include "motcua/pades.h"

#define PATH_BUF 4096
#define NAME_BUF (PATH_BUF + 64)

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void die(const char *what)
{
	fprintf(stderr, "bench-signing: %s: %s\n", what, motcua_error_last());
	exit(2);
}

/* dir/name into path, which holds NAME_BUF bytes. */
static char *join(char *path, const char *dir, const char *name)
{
	if (snprintf(path, NAME_BUF, "%s/%s", dir, name) >= NAME_BUF) {
		fprintf(stderr, "bench-signing: %s: path too long\n", dir);
		exit(2);
	}
	return path;
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

static bool have(const char *tool)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

/* RSA-2048 signatures per second on one core, from `openssl speed`; 0 when it cannot say. */
static double rsa_sign_rate(void)
{
	FILE *p = popen("openssl speed -seconds 3 rsa2048 2>/dev/null", "r");
	char line[512];
	double rate = 0, sign_s, verify_s, signs, verifies;
	int bits;

	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "rsa %d bits %lfs %lfs %lf %lf", &bits, &sign_s, &verify_s, &signs,
		    &verifies) == 5 && bits == 2048)
			rate = signs;
	pclose(p);
	return rate;
}

/* The disk's limit for durable outputs: what each signed file costs it (write a file, fsync
 * it, rename it into place, fsync the folder), `rounds` times in dir; per second. */
static double durable_rename_rate(const char *dir, size_t rounds)
{
	char tmp[NAME_BUF], final[NAME_BUF], page[16384];
	int64_t t = now_us();
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);

	memset(page, 'p', sizeof(page));
	join(tmp, dir, "probe.tmp");
	join(final, dir, "probe.pdf");
	for (size_t i = 0; i < rounds && dfd >= 0; i++) {
		int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0 || write(fd, page, sizeof(page)) != (ssize_t)sizeof(page) ||
		    fsync(fd) < 0 || close(fd) < 0 || rename(tmp, final) < 0 || fsync(dfd) < 0) {
			perror(tmp);
			exit(2);
		}
	}
	t = now_us() - t;
	if (dfd >= 0)
		close(dfd);
	unlink(final);
	return (double)rounds * 1e6 / (double)(t ? t : 1);
}

/* The inputs dir/docNNNNN.pdf, one page each; names[i] is the caller's. */
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
			fprintf(stderr, "bench-signing: cannot write %s/%s\n", dir, name);
			exit(2);
		}
	}
	return names;
}

/* CPU seconds (user + system) this process has used, to tell waiting from working. */
static double cpu_seconds(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 +
		(double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
}

static double sign_cpu_ms;      /* CPU per document in the last sign_all */

/* Signs every input into out_dir with `jobs` threads; returns docs/s. */
static double sign_all(char **inputs, size_t n, const char *out_dir,
	const motcua_signer *signer, unsigned int jobs)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_batch_options b = MOTCUA_BATCH_OPTIONS_INIT;
	motcua_batch_result *r = NULL;
	size_t done = 0, failed;
	int64_t t;

	b.jobs = jobs;
	o.as = MOTCUA_SIGN_AGENCY;   /* B-B, SHA-256, an invisible seal: what podofosign does */
	sign_cpu_ms = cpu_seconds();
	t = now_us();
	if (motcua_sign_batch_ex(&r, &done, (const char *const *)inputs, n, out_dir, signer, &o,
	    &b) < 0)
		die("batch");
	t = now_us() - t;
	sign_cpu_ms = (cpu_seconds() - sign_cpu_ms) * 1e3 / (double)n;
	if ((failed = motcua_batch_failures(r, done)) > 0)
		fprintf(stderr, "bench-signing: %zu files failed, e.g. %s\n", failed,
			r[0].message ? r[0].message : "");
	motcua_batch_results_free(r, done);
	return (double)n * 1e6 / (double)(t ? t : 1);
}

/* Verifies out_dir/<each input's name> with motcua in this process; returns docs/s. */
static double verify_all(char **inputs, size_t n, const char *out_dir, const char *trust)
{
	char path[NAME_BUF];
	size_t passed = 0;
	int64_t t = now_us();

	for (size_t i = 0; i < n; i++) {
		motcua_verify_report *r = NULL;

		if (motcua_verify_pdf(&r, join(path, out_dir, strrchr(inputs[i], '/') + 1),
		    trust) < 0)
			die(path);
		passed += motcua_verify_all_passed(r);
		motcua_verify_report_free(r);
	}
	t = now_us() - t;
	if (passed != n)
		fprintf(stderr, "bench-signing: only %zu of %zu signed files passed\n", passed, n);
	return (double)n * 1e6 / (double)(t ? t : 1);
}

/* podofosign once per input (first m) into out_dir; docs/s, or 0 when it failed. */
static double podofosign_all(char **inputs, size_t m, const char *out_dir, const char *key,
	const char *cert)
{
	char out[NAME_BUF];
	int64_t t = now_us();

	for (size_t i = 0; i < m; i++) {
		char *argv[] = { "podofosign", "-in", inputs[i], "-out",
			join(out, out_dir, strrchr(inputs[i], '/') + 1), "-cert", (char *)cert,
			"-pkey", (char *)key, "-digest", "SHA256", NULL };

		if (run_quiet(argv) != 0) {
			fprintf(stderr, "bench-signing: podofosign failed on %s\n", inputs[i]);
			return 0;
		}
	}
	t = now_us() - t;
	return (double)m * 1e6 / (double)(t ? t : 1);
}

/* pdfsig once per signed file (first m); docs/s, or 0 when it failed. */
static double pdfsig_all(char **inputs, size_t m, const char *out_dir)
{
	char path[NAME_BUF];
	int64_t t = now_us();

	for (size_t i = 0; i < m; i++) {
		char *argv[] = { "pdfsig", join(path, out_dir, strrchr(inputs[i], '/') + 1), NULL };

		if (run_quiet(argv) != 0) {
			fprintf(stderr, "bench-signing: pdfsig failed on %s\n", path);
			return 0;
		}
	}
	t = now_us() - t;
	return (double)m * 1e6 / (double)(t ? t : 1);
}

static void remove_tree(const char *dir)
{
	char cmd[PATH_BUF + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench-signing: could not remove %s\n", dir);
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	size_t docs = 1000, subset = 100;
	char dir[PATH_BUF], pki[NAME_BUF], in[NAME_BUF], out1[NAME_BUF], out2[NAME_BUF];
	char anchor_out[NAME_BUF], trust[NAME_BUF], key[NAME_BUF], cert[NAME_BUF];
	char chain[NAME_BUF], cmd[6 * NAME_BUF + 64];
	double rsa, disk, sign1, sign2, cpu1, verify, podofo = 0, pdfsig = 0;
	motcua_signer *signer = NULL;
	char **inputs;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--docs") == 0 && i + 1 < argc && atol(argv[i + 1]) > 0) {
			docs = (size_t)atol(argv[++i]);
		} else if (strcmp(argv[i], "--subset") == 0 && i + 1 < argc &&
		    atol(argv[i + 1]) > 0) {
			subset = (size_t)atol(argv[++i]);
		} else if (strcmp(argv[i], "--help") == 0) {
			printf("usage: bench-signing [--docs N] [--subset M]  (N: 1000, M: 100)\n");
			return 0;
		}
	}
	if (subset > docs)
		subset = docs;
	if (snprintf(dir, sizeof(dir), "%s/motcua-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp") >=
	    (int)sizeof(dir) || !mkdtemp(dir)) {
		perror(dir);
		return 2;
	}
	join(pki, dir, "pki");
	join(in, dir, "in");
	join(out1, dir, "signed-1");
	join(out2, dir, "signed-2");
	join(anchor_out, dir, "podofosign");
	join(trust, dir, "trust");
	if (motcua_pki_demo(pki) < 0)
		die("demo PKI");
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' '%s' '%s' && cp '%s/root.pem' "
		"'%s/issuing.crl.pem' '%s/'", in, anchor_out, trust, pki, pki, trust);
	if (system(cmd) != 0)
		die("folders");
	if (motcua_signer_load_pem(&signer, join(key, pki, "seal.key"),
	    join(cert, pki, "seal.pem"), join(chain, pki, "chain.pem"), NULL) < 0)
		die("signer");
	inputs = make_inputs(in, docs);
	printf("%zu one-page PDFs in %s; PAdES B-B, SHA-256, RSA-2048 agency seal (invisible), "
		"each output durable before it is reported\n", docs, in);

	rsa = rsa_sign_rate();
	printf("anchor: openssl speed rsa2048: %.0f signatures/s on one core, %.0f/s on both "
		"(the physical limit)\n", rsa, 2 * rsa);
	disk = durable_rename_rate(dir, 300);
	printf("anchor: disk, 16 KiB written + fsync + rename + fsync(folder), as each signed file "
		"is: %.0f/s\n", disk);

	sign1 = sign_all(inputs, docs, out1, signer, 1);
	cpu1 = sign_cpu_ms;
	sign2 = sign_all(inputs, docs, out2, signer, 2);
	printf("sign    motcua batch, 1 thread:  %7.0f docs/s = %5.1f %% of the 1-core RSA limit "
		"(CPU %.2f ms a document)\n", sign1, rsa > 0 ? 100 * sign1 / rsa : 0, cpu1);
	printf("sign    motcua batch, 2 threads: %7.0f docs/s = %5.1f %% of the 2-core RSA limit "
		"(CPU %.2f ms a document)\n", sign2, rsa > 0 ? 100 * sign2 / (2 * rsa) : 0,
		sign_cpu_ms);
	printf("  goal >= 50 %% of the 2-core RSA limit: %s\n",
		rsa > 0 && sign2 >= rsa ? "met" : "NOT met");

	verify = verify_all(inputs, docs, out2, trust);
	printf("verify  motcua, 1 thread, integrity + modification + trust with CRLs: %7.0f "
		"docs/s\n", verify);

	if (have("podofosign"))
		podofo = podofosign_all(inputs, subset, anchor_out, key, cert);
	if (have("pdfsig"))
		pdfsig = pdfsig_all(inputs, subset, out2);
	if (podofo > 0)
		printf("anchor: podofosign, one process per file, first %zu files: %7.1f docs/s "
			"(%zu docs extrapolated: %.1f s); motcua 2 threads is %.1fx, 1 thread %.1fx\n",
			subset, podofo, docs, (double)docs / podofo, sign2 / podofo, sign1 / podofo);
	else
		printf("anchor: podofosign not run (install libpodofo-utils)\n");
	if (pdfsig > 0) {
		printf("anchor: pdfsig, one process per file, first %zu signed files: %7.1f docs/s "
			"(%zu docs extrapolated: %.1f s); motcua verification is %.1fx\n", subset,
			pdfsig, docs, (double)docs / pdfsig, verify / pdfsig);
		printf("  goal verification >= 5x pdfsig: %s\n",
			verify >= 5 * pdfsig ? "met" : "NOT met");
	} else {
		printf("anchor: pdfsig not run (install poppler-utils)\n");
	}

	for (size_t i = 0; i < docs; i++)
		free(inputs[i]);
	free(inputs);
	motcua_signer_free(signer);
	remove_tree(dir);
	return 0;
}
