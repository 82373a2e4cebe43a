/* tests/bench/transitions.c — durable transitions per second through a six-step process with
 * synchronous commits (WAL, synchronous=FULL), and the latency of one transition, beside the
 * disk's own fsync rate measured in the same run and folder: each transition is one commit,
 * so the fsync rate is the ceiling. Then the same with two processes writing at once. Goal:
 * at least 1,000 durable transitions/s on a 2-core machine. Usage: bench-transitions
 * [--dossiers N]. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "motcua/admin.h"
#include "motcua/ctx.h"
#include "motcua/dossier.h"
#include "motcua/task.h"

#define AGENCY "000.21.31.H99"
#define STEPS 6
#define FSYNC_ROUNDS 2000
#define PROCESSES 2
#define PATH_BUF 4096

/* Six user tasks in a row and nothing else: no service task, no gateway, no timer, so the
 * numbers are the engine's and the disk's. */
static const char bpmn[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"\n"
	"    xmlns:motcua=\"https://motcua.vn/schema/bpmn/1\" id=\"bench_definitions\"\n"
	"    targetNamespace=\"https://motcua.vn/bench\">\n"
	"  <bpmn:process id=\"bench_six_steps\" isExecutable=\"true\" name=\"Six steps\">\n"
	"    <bpmn:startEvent id=\"start\"/>\n"
	"    <bpmn:userTask id=\"s1\" name=\"Step 1\" motcua:role=\"clerk\"/>\n"
	"    <bpmn:userTask id=\"s2\" name=\"Step 2\" motcua:role=\"clerk\"/>\n"
	"    <bpmn:userTask id=\"s3\" name=\"Step 3\" motcua:role=\"clerk\"/>\n"
	"    <bpmn:userTask id=\"s4\" name=\"Step 4\" motcua:role=\"clerk\"/>\n"
	"    <bpmn:userTask id=\"s5\" name=\"Step 5\" motcua:role=\"clerk\"/>\n"
	"    <bpmn:userTask id=\"s6\" name=\"Step 6\" motcua:role=\"clerk\"/>\n"
	"    <bpmn:endEvent id=\"done\" motcua:outcome=\"approved\"/>\n"
	"    <bpmn:sequenceFlow id=\"f0\" sourceRef=\"start\" targetRef=\"s1\"/>\n"
	"    <bpmn:sequenceFlow id=\"f1\" sourceRef=\"s1\" targetRef=\"s2\"/>\n"
	"    <bpmn:sequenceFlow id=\"f2\" sourceRef=\"s2\" targetRef=\"s3\"/>\n"
	"    <bpmn:sequenceFlow id=\"f3\" sourceRef=\"s3\" targetRef=\"s4\"/>\n"
	"    <bpmn:sequenceFlow id=\"f4\" sourceRef=\"s4\" targetRef=\"s5\"/>\n"
	"    <bpmn:sequenceFlow id=\"f5\" sourceRef=\"s5\" targetRef=\"s6\"/>\n"
	"    <bpmn:sequenceFlow id=\"f6\" sourceRef=\"s6\" targetRef=\"done\"/>\n"
	"  </bpmn:process>\n"
	"</bpmn:definitions>\n";

static const char descriptor[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<procedure xmlns=\"https://motcua.vn/schema/procedure/1\" code=\"9.000006\">\n"
	"  <name>Benchmark: six steps</name>\n"
	"  <agency level=\"commune\">Ủy ban nhân dân cấp xã</agency>\n"
	"  <timeLimit unit=\"working-days\">5</timeLimit>\n"
	"  <online>full</online>\n"
	"  <result type=\"BENCH\">Nothing</result>\n"
	"  <process file=\"six-steps.bpmn\"/>\n"
	"  <documents>\n"
	"    <document code=\"TP1\" copies=\"1\" required=\"true\"><name>Đơn</name></document>\n"
	"  </documents>\n"
	"</procedure>\n";

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void die(const char *what)
{
	fprintf(stderr, "bench-transitions: %s: %s\n", what, motcua_error_last());
	exit(2);
}

/* dir/name into path, which holds PATH_BUF bytes. */
static char *join(char *path, const char *dir, const char *name)
{
	if (snprintf(path, PATH_BUF, "%s/%s", dir, name) >= PATH_BUF) {
		fprintf(stderr, "bench-transitions: %s: path too long\n", dir);
		exit(2);
	}
	return path;
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_BUF];
	FILE *f;
	int ok;

	if (!(f = fopen(join(path, dir, name), "w")))
		return -1;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* The physical anchor: 4 KiB appended and fdatasync'd, as a WAL commit does, in the same
 * folder. Returns syncs per second; lat gets each round's time. */
static double fsync_rate(const char *dir, int64_t *lat, size_t rounds)
{
	char path[PATH_BUF], page[4096];
	int64_t start;
	int fd;

	memset(page, 'w', sizeof(page));
	join(path, dir, "fsync-probe");
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0) {
		perror(path);
		exit(2);
	}
	start = now_us();
	for (size_t i = 0; i < rounds; i++) {
		int64_t t = now_us();

		if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page) || fdatasync(fd) < 0) {
			perror(path);
			exit(2);
		}
		lat[i] = now_us() - t;
	}
	start = now_us() - start;
	close(fd);
	unlink(path);
	return rounds * 1e6 / (double)(start ? start : 1);
}

static motcua_ctx *open_store(const char *store, bool create)
{
	motcua_ctx_options o = MOTCUA_CTX_OPTIONS_INIT;
	motcua_ctx *ctx = NULL;

	o.store_dir = store;
	o.create = create;
	if (motcua_ctx_open(&ctx, &o) < 0)
		die("opening the store");
	return ctx;
}

static void setup(const char *dir, const char *store)
{
	motcua_ctx *ctx = open_store(store, true);
	char path[PATH_BUF];

	if (write_file(dir, "six-steps.bpmn", bpmn) < 0 ||
	    write_file(dir, "six-steps.procedure.xml", descriptor) < 0) {
		perror(dir);
		exit(2);
	}
	motcua_ctx_set_user(ctx, "admin");
	join(path, dir, "six-steps.procedure.xml");
	if (motcua_agency_add(ctx, AGENCY, "Ủy ban nhân dân xã Mẫu", "commune", NULL) < 0 ||
	    motcua_user_add(ctx, "admin", "Quản trị", AGENCY, "admin") < 0 ||
	    motcua_user_add(ctx, "clerk1", "Một Cửa Một", AGENCY, "clerk") < 0 ||
	    motcua_user_add(ctx, "clerk2", "Một Cửa Hai", AGENCY, "clerk") < 0 ||
	    motcua_procedure_load(ctx, path) < 0)
		die("setting up the store");
	motcua_ctx_free(ctx);
}

/* Receives n dossiers and takes each through its six steps, timing every transition (the
 * receive and each completion: one commit each); listing the next task is not timed. */
static void drive(const char *store, const char *user, size_t n, int64_t *lat)
{
	motcua_receive_options ro = MOTCUA_RECEIVE_OPTIONS_INIT;
	motcua_ctx *ctx = open_store(store, false);
	size_t k = 0;

	motcua_ctx_set_user(ctx, user);
	ro.applicant_id = "001086012345";
	for (size_t i = 0; i < n; i++) {
		char code[MOTCUA_DOSSIER_CODE_MAX];
		int64_t t = now_us();

		if (motcua_dossier_receive(code, ctx, AGENCY, "9.000006", &ro) < 0)
			die("receiving");
		lat[k++] = now_us() - t;
		for (int s = 0; s < STEPS; s++) {
			motcua_task_filter f = { 0 };
			motcua_task_info *tasks;
			size_t count;
			int64_t id;

			f.dossier = code;
			if (motcua_task_list(&tasks, &count, ctx, &f) < 0)
				die("listing tasks");
			if (count != 1) {
				fprintf(stderr, "bench-transitions: %s has %zu open tasks "
					"at step %d\n", code, count, s + 1);
				exit(2);
			}
			id = tasks[0].id;
			motcua_task_list_free(tasks, count);
			t = now_us();
			if (motcua_task_complete(ctx, id, NULL, 0) < 0)
				die("completing");
			lat[k++] = now_us() - t;
		}
	}
	motcua_ctx_free(ctx);
}

static void report(const char *label, int64_t *lat, size_t n, int64_t wall_us, double anchor)
{
	double rate = n * 1e6 / (double)(wall_us ? wall_us : 1);
	int64_t busy = 0;

	for (size_t i = 0; i < n; i++)
		busy += lat[i];
	qsort(lat, n, sizeof(*lat), cmp_i64);
	printf("%-13s %zu transitions in %.2f s = %.0f/s (%.0f%% of the fsync rate); "
		"latency p50 %" PRId64 " us, p99 %" PRId64 " us, max %" PRId64 " us\n",
		label, n, wall_us / 1e6, rate, 100.0 * rate / anchor, lat[n / 2],
		lat[n * 99 / 100], lat[n - 1]);
	/* the wall time includes listing each next task; this is the timed calls alone */
	printf("%-13s time inside the timed calls: %.2f s (%.0f/s per writer)\n", "",
		busy / 1e6, n * 1e6 / (double)(busy ? busy : 1));
}

/* PROCESSES writers on the same store, each with its own context and dossiers; each child
 * leaves its latencies in a file, the parent merges them. Returns the wall time. */
static int64_t drive_parallel(const char *dir, const char *store, size_t per, int64_t *lat)
{
	pid_t pids[PROCESSES];
	int64_t start = now_us(), wall;
	char path[PATH_BUF], name[32];

	fflush(NULL);
	for (int p = 0; p < PROCESSES; p++) {
		if ((pids[p] = fork()) < 0) {
			perror("fork");
			exit(2);
		}
		if (pids[p] == 0) {
			size_t want = per * (STEPS + 1);
			int64_t *mine = calloc(want, sizeof(*mine));
			FILE *f;

			if (!mine)
				_exit(2);
			drive(store, p ? "clerk2" : "clerk1", per, mine);
			snprintf(name, sizeof(name), "latencies-%d", p);
			if (!(f = fopen(join(path, dir, name), "wb")) ||
			    fwrite(mine, sizeof(*mine), want, f) != want || fclose(f) != 0)
				_exit(2);
			free(mine);
			_exit(0);
		}
	}
	for (int p = 0; p < PROCESSES; p++) {
		int status;

		if (waitpid(pids[p], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bench-transitions: writer %d failed\n", p + 1);
			exit(2);
		}
	}
	wall = now_us() - start;
	for (int p = 0; p < PROCESSES; p++) {
		size_t want = per * (STEPS + 1);
		FILE *f;

		snprintf(name, sizeof(name), "latencies-%d", p);
		if (!(f = fopen(join(path, dir, name), "rb")) ||
		    fread(lat + p * want, sizeof(*lat), want, f) != want) {
			fprintf(stderr, "bench-transitions: %s: cannot read\n", path);
			exit(2);
		}
		fclose(f);
		unlink(path);
	}
	return wall;
}

static void remove_tree(const char *dir)
{
	char cmd[PATH_BUF + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench-transitions: could not remove %s\n", dir);
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	size_t dossiers = 300, n;
	char dir[PATH_BUF], store[PATH_BUF];
	int64_t *lat, *flat, wall;
	double anchor;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dossiers") == 0 && i + 1 < argc && atol(argv[i + 1]) > 0) {
			dossiers = (size_t)atol(argv[++i]);
		} else {
			fprintf(stderr, "usage: bench-transitions [--dossiers N]  (N: 300)\n");
			return strcmp(argv[i], "--help") == 0 ? 0 : 2;
		}
	}
	dossiers += dossiers % PROCESSES;    /* the parallel run splits them evenly */
	n = dossiers * (STEPS + 1);
	join(dir, tmp && *tmp ? tmp : "/tmp", "motcua-bench-XXXXXX");
	if (!mkdtemp(dir)) {
		perror(dir);
		return 2;
	}
	if (!(lat = calloc(n, sizeof(*lat))) || !(flat = calloc(FSYNC_ROUNDS, sizeof(*flat)))) {
		fprintf(stderr, "bench-transitions: out of memory\n");
		return 2;
	}
	printf("six user tasks in a row, %zu dossiers = %zu transitions (a receive or a task "
		"completion, one commit each); store in %s (WAL, synchronous=FULL)\n",
		dossiers, n, dir);

	anchor = fsync_rate(dir, flat, FSYNC_ROUNDS);
	qsort(flat, FSYNC_ROUNDS, sizeof(*flat), cmp_i64);
	printf("anchor: %d appends of 4 KiB + fdatasync on the same disk: %.0f/s; latency p50 "
		"%" PRId64 " us, p99 %" PRId64 " us, max %" PRId64 " us\n", FSYNC_ROUNDS, anchor,
		flat[FSYNC_ROUNDS / 2], flat[FSYNC_ROUNDS * 99 / 100], flat[FSYNC_ROUNDS - 1]);
	printf("theoretical max: %.0f transitions/s (one fsync per commit)\n", anchor);

	join(store, dir, "store-1");
	setup(dir, store);
	wall = now_us();
	drive(store, "clerk1", dossiers, lat);
	wall = now_us() - wall;
	report("1 process:", lat, n, wall, anchor);
	printf("  goal >= 1000 durable transitions/s: %s\n",
		n * 1e6 / (double)wall >= 1000 ? "met" : "NOT met");

	join(store, dir, "store-2");
	setup(dir, store);
	wall = drive_parallel(dir, store, dossiers / PROCESSES, lat);
	report("2 processes:", lat, n, wall, anchor);

	free(lat);
	free(flat);
	remove_tree(dir);
	return 0;
}
