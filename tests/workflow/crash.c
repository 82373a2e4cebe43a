/* tests/workflow/crash.c — crash safety, the way SQLite tests it: a child process drives
 * dossiers through two real procedures and reports each transition on a pipe only after the API
 * said it committed; the parent SIGKILLs it at random moments and starts another, many times.
 * Every few kills, before anything could repair it, the store must hold every reported
 * transition, whole (a done task has its audit event and the reverse), with the audit chain
 * and fsck clean; then a last child finishes all the work and the same holds, with nothing left
 * running. MOTCUA_CRASH_SEED=N replays a seed (kill moments still vary with machine speed). */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/time.h"
#include "motcua/admin.h"
#include "motcua/audit.h"
#include "motcua/ctx.h"
#include "motcua/dossier.h"
#include "motcua/task.h"
#include "test.h"

#define AGENCY "000.21.31.H99"
#define MIN_KILLS 25
#define MIN_TRANSITIONS 1200
#define MAX_CHILDREN 2000       /* a safety stop should children make no progress at all */
#define IN_FLIGHT 12            /* dossiers kept open at once: enough to spread the work */
#define GEN_SPAN 7200           /* simulated seconds between two children's clocks */
#define KILL_MIN_MS 5
#define KILL_MAX_MS 120
#define FROM_FORK_EVERY 8       /* one kill in this many lands while the child opens */
#define STARTUP_LIMIT_MS 30000
#define CHECK_EVERY 10          /* kills between two checks of the store */
#define FINAL_TIMEOUT_MS 120000

/* What the children reported as committed. */
typedef struct {
	int64_t *done, *claimed;
	size_t n_done, n_claimed, cap_done, cap_claimed;
	char **codes;
	size_t n_codes, cap_codes;
	size_t transitions;
} ledger;

static int64_t t0(void)
{
	int64_t t = 0;

	/* a Monday morning, office hours: the deadlines are ordinary ones */
	if (mc_time_parse(&t, "2026-03-02T08:00:00+07:00") < 0)
		abort();
	return t;
}

/* A tiny PRNG of the child's own, so its choices depend on the seed and generation only. */
static uint32_t next_rand(uint64_t *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*state >> 33);
}

/* The pipe to the parent: one write(2) per line, shorter than PIPE_BUF, so a line is all there
 * or not at all even when the writer dies. */
static void say(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(int fd, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		_exit(5);
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;
	if (write(fd, line, (size_t)n) != n)
		_exit(5);              /* the parent is gone: nothing left to report to */
}

static const char *user_for(const char *role)
{
	if (!role)
		return "admin";
	if (strcmp(role, "clerk") == 0)
		return "motcua.xa";
	if (strcmp(role, "specialist") == 0)
		return "tuphap.xa";
	if (strcmp(role, "leader") == 0)
		return "ct.xa";
	return "admin";
}

/* Reports the failure and leaves without running atexit handlers the parent owns. */
static void child_fail(int fd, motcua_ctx *ctx, int code, const char *what)
{
	say(fd, "E %s: %s\n", what, motcua_error_last());
	motcua_ctx_free(ctx);
	_exit(code);
}

/* One generation of work. A killed child stops anywhere; the final one (final == true)
 * receives nothing new and finishes every open dossier, then exits 0. */
static void child_run(const char *store, int fd, unsigned gen, uint64_t seed, bool final)
{
	motcua_ctx_options o = MOTCUA_CTX_OPTIONS_INIT;
	motcua_ctx *ctx = NULL;
	uint64_t rs = seed * 1000003u + gen;
	/* each child's clock runs one second a step inside its own span, stopping more than a
	 * job lease short of the next child's start */
	int64_t now = t0() + (int64_t)gen * GEN_SPAN, end = now + GEN_SPAN - 2 * 61;
	static const char *const applicants[] = { "001086012345", "001226009876", "001090001111" };

	o.store_dir = store;
	o.plugin_dir = test_plugin_dir();
	if (motcua_ctx_open(&ctx, &o) < 0)
		child_fail(fd, NULL, 2, "opening the store");
	/* a clock past the lease of any job a killed child left running, so this tick takes
	 * those jobs up again */
	motcua_ctx_set_now(ctx, now);
	motcua_ctx_set_user(ctx, "admin");
	if (motcua_tick(ctx, NULL) < 0)
		child_fail(fd, ctx, 2, "tick at start");
	say(fd, "R\n");
	for (unsigned step = 0; step < 100000; step++) {
		motcua_task_filter f = { 0 };
		motcua_task_info *tasks = NULL, *t;
		size_t n = 0;

		if (now < end)
			now++;
		motcua_ctx_set_now(ctx, now);
		if (motcua_task_list(&tasks, &n, ctx, &f) < 0)
			child_fail(fd, ctx, 2, "listing tasks");
		if (!final && (n < IN_FLIGHT || next_rand(&rs) % 8 == 0)) {
			motcua_receive_options ro = MOTCUA_RECEIVE_OPTIONS_INIT;
			const char *proc = next_rand(&rs) % 3 == 0 ? "1.004442" : "1.001193";
			char code[MOTCUA_DOSSIER_CODE_MAX];

			motcua_task_list_free(tasks, n);
			ro.applicant_id = applicants[next_rand(&rs) % 3];
			ro.channel = next_rand(&rs) % 2 ? MOTCUA_CHANNEL_ONLINE :
				MOTCUA_CHANNEL_COUNTER;
			motcua_ctx_set_user(ctx, "motcua.xa");
			if (motcua_dossier_receive(code, ctx, AGENCY, proc, &ro) < 0)
				child_fail(fd, ctx, 3, "receiving");
			say(fd, "D %s\n", code);
			continue;
		}
		if (n == 0) {
			motcua_task_list_free(tasks, n);
			motcua_ctx_free(ctx);
			say(fd, "Q\n");
			_exit(final ? 0 : 4);
		}
		t = &tasks[next_rand(&rs) % n];
		if (strcmp(t->state, "error") == 0) {
			say(fd, "E task %" PRId64 " (%s) is in error: %s\n", t->id, t->node,
				t->error ? t->error : "?");
			motcua_task_list_free(tasks, n);
			motcua_ctx_free(ctx);
			_exit(3);
		}
		if (strcmp(t->kind, "service") == 0) {
			/* left open by a child killed between its commit and running the job */
			motcua_ctx_set_user(ctx, "admin");
			if (motcua_tick(ctx, NULL) < 0)
				child_fail(fd, ctx, 3, "tick");
		} else if (strcmp(t->state, "open") == 0 && next_rand(&rs) % 5 == 0) {
			int64_t id = t->id;

			motcua_ctx_set_user(ctx, user_for(t->role));
			if (motcua_task_claim(ctx, id) < 0)
				child_fail(fd, ctx, 3, "claiming");
			say(fd, "C %" PRId64 "\n", id);
		} else {
			motcua_var vars[1];
			size_t nv = 0;
			int64_t id = t->id;

			if (strcmp(t->node, "approve") == 0) {
				vars[nv].name = "approved";
				vars[nv++].value = next_rand(&rs) % 5 ? "true" : "false";
			} else if (strcmp(t->node, "review") == 0) {
				vars[nv].name = "needMorePapers";
				vars[nv++].value = next_rand(&rs) % 5 ? "false" : "true";
			}
			motcua_ctx_set_user(ctx, user_for(t->role));
			if (motcua_task_complete(ctx, id, vars, nv) < 0)
				child_fail(fd, ctx, 3, "completing");
			say(fd, "T %" PRId64 "\n", id);
		}
		motcua_task_list_free(tasks, n);
	}
	say(fd, "E the child ran out of steps\n");
	motcua_ctx_free(ctx);
	_exit(4);
}

static void push_id(int64_t **v, size_t *n, size_t *cap, int64_t id)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		if (!(*v = realloc(*v, *cap * sizeof(**v))))
			abort();
	}
	(*v)[(*n)++] = id;
}

/* One line from a child. Returns false for an error line, which it prints. */
static bool take_line(ledger *l, const char *line)
{
	switch (line[0]) {
	case 'D':
		if (l->n_codes == l->cap_codes) {
			l->cap_codes = l->cap_codes ? l->cap_codes * 2 : 256;
			if (!(l->codes = realloc(l->codes, l->cap_codes * sizeof(*l->codes))))
				abort();
		}
		if (!(l->codes[l->n_codes++] = strdup(line + 2)))
			abort();
		l->transitions++;
		return true;
	case 'T':
		push_id(&l->done, &l->n_done, &l->cap_done, strtoll(line + 2, NULL, 10));
		l->transitions++;
		return true;
	case 'C':
		push_id(&l->claimed, &l->n_claimed, &l->cap_claimed, strtoll(line + 2, NULL, 10));
		l->transitions++;
		return true;
	case 'R':
	case 'Q':
		return true;
	default:
		fprintf(stderr, "child: %s\n", line);
		return false;
	}
}

static int64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Starts a child and reads its lines; SIGKILLs it delay_ms after it said it was ready (or
 * after the fork, when from_fork: a kill while it opens the store and recovers the WAL), unless
 * it exits first. Returns the wait status. */
static int run_child(ledger *l, const char *store, unsigned gen, uint64_t seed, bool final,
	int delay_ms, bool from_fork)
{
	char buf[8192], line[600];
	size_t len = 0;
	int fds[2], status = 0;
	/* a child that never gets ready is killed after the startup limit all the same */
	int64_t deadline = ms_now() + (from_fork ? delay_ms : STARTUP_LIMIT_MS);
	bool killed = false;
	pid_t pid;

	if (pipe(fds) < 0) {
		perror("pipe");
		abort();
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		perror("fork");
		abort();
	}
	if (pid == 0) {
		close(fds[0]);
		child_run(store, fds[1], gen, seed, final);
		_exit(6);
	}
	close(fds[1]);
	for (;;) {
		struct pollfd p = { fds[0], POLLIN, 0 };
		int64_t left = deadline - ms_now();
		ssize_t got;

		if (!killed && left <= 0) {
			kill(pid, SIGKILL);
			killed = true;     /* keep reading: the pipe still holds its last lines */
		}
		if (poll(&p, 1, killed ? -1 : (int)left) < 0 && errno != EINTR)
			abort();
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		got = read(fds[0], buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;              /* EOF: the child is gone and its lines are all read */
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] != '\n') {
				if (len < sizeof(line) - 1)
					line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			len = 0;
			if (line[0] == 'R' && !from_fork && !killed)
				deadline = ms_now() + delay_ms;
			if (!take_line(l, line)) {
				test_failures++;
				fprintf(stderr, "  in child %u (seed %" PRIu64 ")\n", gen, seed);
			}
		}
	}
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0)
		abort();
	return status;
}

static void setup_store(const char *store)
{
	static const struct { const char *name, *full, *roles; } users[] = {
		{ "admin", "Quản trị hệ thống", "admin" },
		{ "motcua.xa", "Vũ Thị Tiếp Nhận", "clerk" },
		{ "tuphap.xa", "Bùi Văn Hộ Tịch", "specialist" },
		{ "ct.xa", "Đặng Văn Chủ Tịch", "leader" },
	};
	static const char *const procedures[] = {
		"birth-registration.procedure.xml", "construction-permit.procedure.xml"
	};
	motcua_ctx_options o = MOTCUA_CTX_OPTIONS_INIT;
	motcua_ctx *ctx = NULL;
	char path[4096];

	o.store_dir = store;
	o.create = true;
	o.plugin_dir = test_plugin_dir();
	CHECK_OK(motcua_ctx_open(&ctx, &o));
	if (!ctx)
		return;
	motcua_ctx_set_now(ctx, t0() - 86400);
	motcua_ctx_set_user(ctx, "admin");
	snprintf(path, sizeof(path), "%s/samples/calendar/vn-2026.cal", test_source_dir());
	CHECK_OK(motcua_calendar_install(ctx, path));
	CHECK_OK(motcua_agency_add(ctx, AGENCY, "Ủy ban nhân dân xã Mẫu", "commune", NULL));
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
		CHECK_OK(motcua_user_add(ctx, users[i].name, users[i].full, AGENCY,
			users[i].roles));
	for (size_t i = 0; i < sizeof(procedures) / sizeof(procedures[0]); i++) {
		snprintf(path, sizeof(path), "%s/workflows/%s", test_source_dir(), procedures[i]);
		CHECK_OK(motcua_procedure_load(ctx, path));
	}
	motcua_ctx_free(ctx);   /* never carried across fork: each child opens its own */
}

static void print_problem(const char *problem, void *payload)
{
	(void)payload;
	fprintf(stderr, "fsck: %s\n", problem);
}

/* Every task the store holds as done has exactly one task.completed event in its dossier's
 * timeline, and no event names a task that is not done: neither half of a transition exists
 * without the other. */
static void check_dossier_whole(motcua_ctx *ctx, const char *code, size_t *done_tasks,
	size_t *retaken)
{
	motcua_task_filter f = { 0 };
	motcua_task_info *tasks = NULL;
	size_t n = 0, events = 0;
	char *timeline = NULL;
	const char *p;

	f.dossier = code;
	f.state = "done";
	f.limit = 100000;
	CHECK_OK(motcua_dossier_timeline(&timeline, ctx, code, true));
	CHECK_OK(motcua_task_list(&tasks, &n, ctx, &f));
	if (!timeline) {
		motcua_task_list_free(tasks, n);
		return;
	}
	CHECK_CONTAINS(timeline, "\"action\":\"dossier.received\"");
	for (p = timeline; (p = strstr(p, "\"action\":\"task.completed\"")); p++)
		events++;
	if (events != n) {
		test_failures++;
		fprintf(stderr, "dossier %s: %zu tasks done but %zu task.completed events\n",
			code, n, events);
	}
	for (size_t i = 0; i < n; i++) {
		char needle[96];

		snprintf(needle, sizeof(needle),
			"\"action\":\"task.completed\",\"detail\":{\"task\":%" PRId64 ",",
			tasks[i].id);
		if (!strstr(timeline, needle)) {
			test_failures++;
			fprintf(stderr, "dossier %s: task %" PRId64 " (%s) done without its "
				"event\n", code, tasks[i].id, tasks[i].node);
		}
		if (strcmp(tasks[i].kind, "service") == 0 && tasks[i].attempts > 1)
			(*retaken)++;     /* a killed child's job, run again after its lease */
	}
	*done_tasks += n;
	motcua_task_list_free(tasks, n);
	free(timeline);
}

static motcua_ctx *open_ctx(const char *store)
{
	motcua_ctx_options o = MOTCUA_CTX_OPTIONS_INIT;
	motcua_ctx *ctx = NULL;

	o.store_dir = store;
	o.plugin_dir = test_plugin_dir();
	CHECK_OK(motcua_ctx_open(&ctx, &o));
	return ctx;
}

/* Everything a child reported is in the store: its dossiers, its completions, its claims. */
static void check_reported(motcua_ctx *ctx, const ledger *l, bool final)
{
	for (size_t i = 0; i < l->n_codes; i++) {
		motcua_dossier_info d;

		if (motcua_dossier_get(&d, ctx, l->codes[i]) < 0) {
			test_failures++;
			fprintf(stderr, "reported dossier %s is missing: %s\n", l->codes[i],
				motcua_error_last());
			continue;
		}
		motcua_dossier_info_clear(&d);
	}
	for (size_t i = 0; i < l->n_done; i++) {
		motcua_task_info t;

		if (motcua_task_get(&t, ctx, l->done[i]) < 0) {
			test_failures++;
			fprintf(stderr, "reported task %" PRId64 " is missing: %s\n", l->done[i],
				motcua_error_last());
			continue;
		}
		if (strcmp(t.state, "done") != 0) {
			test_failures++;
			fprintf(stderr, "task %" PRId64 " (%s) was reported completed but is %s\n",
				t.id, t.node, t.state);
		}
		motcua_task_info_clear(&t);
	}
	for (size_t i = 0; i < l->n_claimed; i++) {
		motcua_task_info t;

		if (motcua_task_get(&t, ctx, l->claimed[i]) < 0) {
			test_failures++;
			fprintf(stderr, "reported claimed task %" PRId64 " is missing\n",
				l->claimed[i]);
			continue;
		}
		/* claimed, or completed since by the same user; the final child finished all */
		if (final || strcmp(t.state, "claimed") != 0)
			CHECK_STR(t.state, "done");
		CHECK_STR(t.assignee, user_for(t.role));
		motcua_task_info_clear(&t);
	}
}

/* Every dossier whole (see check_dossier_whole), the audit chain intact, fsck clean. With
 * final, every dossier must also be finished. */
static void check_store(motcua_ctx *ctx, const ledger *l, bool final)
{
	motcua_dossier_filter df = { 0 };
	motcua_dossier_info *all = NULL;
	motcua_audit_report ar;
	size_t n = 0, problems = 99, done_tasks = 0, unfinished = 0, retaken = 0;

	df.limit = 1000000;
	CHECK_OK(motcua_dossier_list(&all, &n, ctx, &df));
	CHECK(n >= l->n_codes);
	for (size_t i = 0; i < n; i++) {
		check_dossier_whole(ctx, all[i].code, &done_tasks, &retaken);
		if (final && (strcmp(all[i].status, "finished") != 0 || all[i].incidents)) {
			unfinished++;
			fprintf(stderr, "dossier %s: %s with %d incidents after the final child\n",
				all[i].code, all[i].status, all[i].incidents);
		}
	}
	CHECK_INT(unfinished, 0);
	CHECK(done_tasks >= l->n_done);
	if (final)
		printf("store: %zu dossiers (%zu reported), %zu tasks done (%zu reported), %zu "
			"service tasks run again after a kill\n", n, l->n_codes, done_tasks,
			l->n_done, retaken);
	motcua_dossier_list_free(all, n);
	memset(&ar, 0, sizeof(ar));
	CHECK_OK(motcua_audit_verify(&ar, ctx));
	CHECK_INT(ar.first_bad, 0);
	CHECK_OK(motcua_fsck(&problems, ctx, print_problem, NULL));
	CHECK_INT(problems, 0);
	if (final)
		printf("audit: %" PRId64 " events, chain intact: %s\n", ar.events,
			ar.first_bad ? "no" : "yes");
}

/* Straight after a kill, before any recovery: a job a child left running is still leased,
 * which fsck accepts, and nothing else may be amiss. */
static void check_after_kill(const ledger *l, const char *store)
{
	motcua_ctx *ctx = open_ctx(store);

	if (!ctx)
		return;
	check_reported(ctx, l, false);
	check_store(ctx, l, false);
	motcua_ctx_free(ctx);   /* closed before the next fork */
}

/* After the final child: recovery at a later clock leaves nothing running, open or failed. */
static void check_final(const ledger *l, const char *store, unsigned gens)
{
	motcua_task_filter tf = { 0 };
	motcua_task_info *tasks = NULL;
	motcua_ctx *ctx = open_ctx(store);
	size_t n = 0;

	if (!ctx)
		return;
	/* later than every child's clock and any lease they held */
	motcua_ctx_set_now(ctx, t0() + (int64_t)(gens + 1) * GEN_SPAN);
	motcua_ctx_set_user(ctx, "admin");
	CHECK_OK(motcua_tick(ctx, NULL));
	check_reported(ctx, l, true);
	tf.state = "running";
	tf.limit = 100000;
	CHECK_OK(motcua_task_list(&tasks, &n, ctx, &tf));
	CHECK_INT(n, 0);
	motcua_task_list_free(tasks, n);
	memset(&tf, 0, sizeof(tf));
	tf.limit = 100000;
	CHECK_OK(motcua_task_list(&tasks, &n, ctx, &tf));
	CHECK_INT(n, 0);              /* nothing open, claimed or in error */
	motcua_task_list_free(tasks, n);
	check_store(ctx, l, true);
	motcua_ctx_free(ctx);
}

static void test_sigkill_loses_nothing_reported(void)
{
	const char *env = getenv("MOTCUA_CRASH_SEED");
	uint64_t seed = env && *env ? strtoull(env, NULL, 10) : 20260302;
	char *dir = test_tmpdir();
	ledger l = { 0 };
	unsigned gen = 0, kills = 0, early = 0;
	int64_t started = ms_now();
	char store[4096];
	int status;

	printf("seed %" PRIu64 " (set MOTCUA_CRASH_SEED to replay)\n", seed);
	srand((unsigned)seed);
	snprintf(store, sizeof(store), "%s/store", dir);
	setup_store(store);
	if (test_failures)
		goto out;
	while ((kills < MIN_KILLS || l.transitions < MIN_TRANSITIONS) && gen < MAX_CHILDREN) {
		int delay = KILL_MIN_MS + rand() % (KILL_MAX_MS - KILL_MIN_MS + 1);
		bool from_fork = rand() % FROM_FORK_EVERY == 0;

		status = run_child(&l, store, gen++, seed, false, delay, from_fork);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
			/* checked now, before the final child could complete what a lost commit
			 * dropped and so hide it */
			if (++kills % CHECK_EVERY == 0)
				check_after_kill(&l, store);
		} else {
			/* a child only stops by itself when something failed */
			early++;
			test_failures++;
			fprintf(stderr, "child %u stopped by itself: status %d\n", gen - 1,
				status);
			if (early > 3)
				break;
		}
	}
	check_after_kill(&l, store);
	status = run_child(&l, store, gen++, seed, true, FINAL_TIMEOUT_MS, false);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	printf("%u children, %u killed, %zu transitions reported (%zu received, %zu completed, "
		"%zu claimed) in %.1f s\n", gen, kills, l.transitions, l.n_codes, l.n_done,
		l.n_claimed, (double)(ms_now() - started) / 1000.0);
	CHECK(kills >= MIN_KILLS);
	CHECK(l.transitions >= MIN_TRANSITIONS);
	check_final(&l, store, gen);
out:
	for (size_t i = 0; i < l.n_codes; i++)
		free(l.codes[i]);
	free(l.codes);
	free(l.done);
	free(l.claimed);
	if (!test_failures)
		test_rmdir(dir);
	else
		fprintf(stderr, "store kept for inspection: %s\n", store);
	free(dir);
}

TEST_MAIN(TEST_CASE(test_sigkill_loses_nothing_reported))
