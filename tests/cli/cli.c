/* tests/cli/cli.c — the motcua command end to end: the built program on a real store in a
 * temporary folder. Usage and exit statuses (0 ok, 1 no or invalid, 2 usage or system error),
 * workflow checks, store set-up, bad input that must leave the store byte-for-byte unchanged,
 * audit tampering, fsck, JSON output, the indicators, tick, and failing service steps. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#define COMMUNE "000.21.31.H99"
#define DISTRICT "000.00.21.H99"
#define PROVINCE "000.00.00.H99"
#define CALENDAR "samples/calendar/vn-2026.cal"

/* Prints which command a failed check was about; call after the checks on one command. */
#define NOTE_FAILURE(before, what) do { \
	if (test_failures != (before)) \
		fprintf(stderr, "    ... while checking: %s\n", (what)); \
} while (0)

/* ---- running the program ---------------------------------------------------------------- */

/* Runs `motcua ARGS --store DIR --plugins PLUGINS` (stdout and stderr into *out); returns the
 * exit status. dir NULL: no --store. */
static int mc(char **out, const char *dir, const char *fmt, ...)
{
	char args[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	if (!dir)
		return test_run(out, "cd '%s' && '%s' %s", test_source_dir(), test_motcua_bin(),
			args);
	return test_run(out, "cd '%s' && '%s' %s --store '%s' --plugins '%s'", test_source_dir(),
		test_motcua_bin(), args, dir, test_plugin_dir());
}

/* Runs `motcua ARGS` with no store; *out holds only what went to stderr. */
static int mc_stderr(char **out, const char *args)
{
	return test_run(out, "{ cd '%s' && '%s' %s 2>&1 >/dev/null; }", test_source_dir(),
		test_motcua_bin(), args);
}

/* Runs a command that must succeed; on failure, prints what it said. */
static void mc_ok(const char *dir, const char *args)
{
	char *out = NULL;
	int rc = mc(&out, dir, "%s", args);

	if (rc != 0) {
		test_failures++;
		fprintf(stderr, "%s: motcua %s exited %d:\n%s\n", test_current, args, rc, out);
	}
	free(out);
}

/* The whole database as SQL text, as the sqlite3 program reads it (WAL included). */
static char *dump(const char *dir)
{
	char *out = NULL;

	if (test_run(&out, "sqlite3 '%s/motcua.db' .dump", dir) != 0) {
		test_failures++;
		fprintf(stderr, "%s: sqlite3 .dump failed: %s\n", test_current, out);
	}
	return out;
}

/* Runs SQL on the store with the sqlite3 program; checks that it worked. */
static void sql(const char *dir, const char *statements)
{
	char *out = NULL;

	if (test_run(&out, "sqlite3 '%s/motcua.db' \"%s\"", dir, statements) != 0) {
		test_failures++;
		fprintf(stderr, "%s: sqlite3 \"%s\" failed: %s\n", test_current, statements, out);
	}
	free(out);
}

static long long sql_count(const char *dir, const char *query)
{
	char *out = NULL;
	long long n = -1;

	if (test_run(&out, "sqlite3 '%s/motcua.db' \"%s\"", dir, query) == 0)
		n = strtoll(out, NULL, 10);
	free(out);
	return n;
}

/* A malloc'd string from a printf format. */
static char *strf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(s = malloc((size_t)n + 1)))
		abort();
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* Runs `motcua ARGS` with stdout to a file, checks its exit status is `status`, and checks
 * that the file parses as JSON. When `probe` is given, it is Python run with the parsed value
 * as `d`; what it prints is returned (else NULL). */
static char *json_status(const char *dir, int status, const char *args, const char *probe)
{
	char *out = NULL, *path = strf("%s/../out.json", dir), *res = NULL;
	int rc, before = test_failures;

	rc = test_run(&out, "cd '%s' && '%s' %s --store '%s' --plugins '%s' > '%s'",
		test_source_dir(), test_motcua_bin(), args, dir, test_plugin_dir(), path);
	CHECK_INT(rc, status);
	if (rc != status)
		fprintf(stderr, "    said: %s\n", out);
	free(out);
	/* one interpreter both parses (failing on anything but JSON) and probes */
	rc = test_run(&res, "python3 -c 'import json,sys\nd = json.load(open(sys.argv[1]))\n%s' "
		"'%s'", probe ? probe : "pass", path);
	CHECK_INT(rc, 0);
	if (rc != 0) {
		char *text = test_read_file(path, NULL);

		fprintf(stderr, "    not JSON, or not as expected: %s\n    %s\n", res,
			text ? text : "(unreadable)");
		free(text);
	}
	if (!probe) {
		free(res);
		res = NULL;
	}
	NOTE_FAILURE(before, args);
	free(path);
	return res;
}

static char *json_of(const char *dir, const char *args, const char *probe)
{
	return json_status(dir, 0, args, probe);
}

/* Runs each `motcua ARGS` (exit status 0 wanted) with stdout to its own file, then checks in
 * one interpreter that every file parses as JSON. */
static void json_valid(const char *dir, const char *const *args, size_t n)
{
	char files[4096] = "";
	char *out = NULL;
	int rc, before = test_failures;

	for (size_t i = 0; i < n; i++) {
		char *path = strf("%s/../valid-%zu.json", dir, i);

		rc = test_run(&out, "cd '%s' && '%s' %s --store '%s' --plugins '%s' > '%s'",
			test_source_dir(), test_motcua_bin(), args[i], dir, test_plugin_dir(), path);
		CHECK_INT(rc, 0);
		NOTE_FAILURE(before, args[i]);
		free(out);
		snprintf(files + strlen(files), sizeof(files) - strlen(files), " '%s'", path);
		free(path);
	}
	rc = test_run(&out, "python3 -c 'import json,sys\nfor f in sys.argv[1:]:\n"
		"    try: json.load(open(f))\n"
		"    except ValueError as e: sys.exit(f + \": \" + str(e) + \": \" + open(f).read())'%s",
		files);
	CHECK_INT(rc, 0);
	if (rc != 0)
		fprintf(stderr, "    not JSON: %s\n", out);
	free(out);
}

/* Trims the trailing newline of a command's output, in place. */
static char *chomp(char *s)
{
	size_t n = s ? strlen(s) : 0;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static int count_of(const char *haystack, const char *needle)
{
	int n = 0;

	for (const char *p = haystack; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* ---- a store with agencies, users and the sample procedures ------------------------------ */

typedef struct {
	char *tmp;      /* the temporary folder: scratch files live here */
	char *dir;      /* the store: tmp/store */
} store;

/* The set-up is the same for every case, so it runs once, through the command, into a
 * template that each case copies. */
static char *template_tmp;

static void template_remove(void)
{
	test_rmdir(template_tmp);
	free(template_tmp);
}

static const char *template_store(void)
{
	static const char *const setup[] = {
		"agency add " PROVINCE " --name 'Ủy ban nhân dân tỉnh Mẫu' --level province",
		"agency add " DISTRICT " --name 'Ủy ban nhân dân huyện Mẫu' --level district "
			"--parent " PROVINCE,
		"agency add " COMMUNE " --name 'Ủy ban nhân dân xã Mẫu' --level commune "
			"--parent " DISTRICT,
		"user add admin --agency " PROVINCE " --roles admin",
		"user add motcua.huyen --agency " DISTRICT " --roles clerk --user admin",
		"user add motcua.xa --agency " COMMUNE " --roles clerk"
			" --full-name 'Vũ Thị Tiếp Nhận' --user admin",
		"user add tuphap.xa --agency " COMMUNE " --roles specialist --user admin",
		"user add ct.xa --agency " COMMUNE " --roles leader --user admin",
		"user add pct.xa --agency " COMMUNE " --roles leader --user admin",
	};
	static char *dir;
	char *out = NULL;
	int rc;

	if (dir)
		return dir;
	template_tmp = test_tmpdir();
	atexit(template_remove);
	dir = strf("%s/store", template_tmp);
	rc = mc(&out, dir, "init --calendar " CALENDAR " --workflows workflows");
	CHECK_INT(rc, 0);
	CHECK_CONTAINS(out, "store ready");
	CHECK_INT(count_of(out, "loaded workflows/"), 5);
	free(out);
	for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]); i++)
		mc_ok(dir, setup[i]);
	return dir;
}

/* A fresh store for one case: a copy of the template, in its own temporary folder. */
static store store_new(void)
{
	const char *from = template_store();
	store s;

	s.tmp = test_tmpdir();
	s.dir = strf("%s/store", s.tmp);
	CHECK_INT(test_run(NULL, "cp -R '%s' '%s'", from, s.dir), 0);
	return s;
}

static void store_free(store *s)
{
	test_rmdir(s->tmp);
	free(s->tmp);
	free(s->dir);
}

/* Receives a dossier and returns its code (malloc'd). */
static char *receive(const store *s, const char *when, const char *user, const char *procedure,
	const char *extra)
{
	char *out = NULL;
	int rc = mc(&out, s->dir, "dossier receive --procedure %s --agency " COMMUNE
		" --applicant 001090001111 --user %s --now %s %s", procedure, user, when,
		extra ? extra : "");

	CHECK_INT(rc, 0);
	if (rc != 0)
		fprintf(stderr, "    receive %s: %s\n", procedure, out);
	return chomp(out);
}

/* The id of the dossier's live task at `node` (0 when there is none). */
static long long task_at(const store *s, const char *code, const char *node)
{
	char *out = NULL, *line, *save = NULL;
	long long id = 0;

	if (mc(&out, s->dir, "task list --dossier %s", code) != 0) {
		test_failures++;
		fprintf(stderr, "%s: task list failed: %s\n", test_current, out);
	}
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		long long tid;
		char n[128];

		if (sscanf(line, "%lld %*s %*s %*s %127s", &tid, n) == 2 && strcmp(n, node) == 0)
			id = tid;
	}
	free(out);
	if (!id) {
		test_failures++;
		fprintf(stderr, "%s: %s has no live task at '%s'\n", test_current, code, node);
	}
	return id;
}

/* `user` completes the dossier's task at `node`, at `when`, with extra arguments (--var). */
static void step(const store *s, const char *code, const char *when, const char *user,
	const char *node, const char *extra)
{
	long long id = task_at(s, code, node);
	char args[1024];

	snprintf(args, sizeof(args), "task complete %lld --user %s --now %s %s", id, user, when,
		extra ? extra : "");
	mc_ok(s->dir, args);
}

/* Runs a command that must be refused: exit status 1, each of the needles in the message,
 * and the database exactly as before. */
static void refused(const store *s, const char *args, const char *needle1, const char *needle2)
{
	char *before = dump(s->dir), *after, *out = NULL;
	int failures = test_failures, rc = mc(&out, s->dir, "%s", args);

	CHECK_INT(rc, 1);
	CHECK_CONTAINS(out, needle1);
	if (needle2)
		CHECK_CONTAINS(out, needle2);
	after = dump(s->dir);
	CHECK(before && after && *before && strcmp(before, after) == 0);
	NOTE_FAILURE(failures, args);
	free(before);
	free(after);
	free(out);
}

/* ---- usage ------------------------------------------------------------------------------ */

static const char *const commands[] = {
	"init", "agency add", "user add", "calendar set", "procedure load", "procedure list",
	"workflow check", "dossier receive", "dossier show", "dossier list", "dossier set",
	"dossier pause", "dossier resume", "dossier withdraw", "dossier cancel", "dossier attach",
	"task list", "task claim", "task complete", "task retry", "tick", "audit verify", "fsck",
	"stats", "demo",
};

static void test_every_command_has_help(void)
{
	char *tmp = test_tmpdir(), *out = NULL, want[64];

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		int before = test_failures;

		/* --help must not need a store nor touch one */
		CHECK_INT(test_run(&out, "cd '%s' && '%s' %s --help", tmp, test_motcua_bin(),
			commands[i]), 0);
		snprintf(want, sizeof(want), "usage: motcua %s", commands[i]);
		CHECK_CONTAINS(out, want);
		free(out);
		NOTE_FAILURE(before, commands[i]);
	}
	CHECK_INT(test_run(&out, "ls -A '%s' | wc -l", tmp), 0);
	CHECK_INT(strtol(out, NULL, 10), 0);      /* no ./motcua-data made by --help */
	free(out);
	CHECK_INT(mc(&out, NULL, "--help"), 0);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		CHECK_CONTAINS(out, commands[i]);
	free(out);
	CHECK_INT(mc(&out, NULL, "help"), 0);
	CHECK_CONTAINS(out, "commands:");
	free(out);
	CHECK_INT(mc(&out, NULL, "--version"), 0);
	CHECK_CONTAINS(out, "motcua ");
	free(out);
	test_rmdir(tmp);
	free(tmp);
}

static void test_no_command_is_a_usage_error(void)
{
	char *out = NULL;

	CHECK_INT(mc(&out, NULL, ""), 2);
	CHECK_CONTAINS(out, "usage: motcua COMMAND");
	free(out);
}

static void test_unknown_command_is_a_usage_error(void)
{
	char *out = NULL;

	CHECK_INT(mc(&out, NULL, "frobnicate"), 2);
	CHECK_CONTAINS(out, "unknown command 'frobnicate'");
	free(out);
	CHECK_INT(mc(&out, NULL, "task frobnicate 3"), 2);
	CHECK_CONTAINS(out, "unknown command 'task frobnicate'");
	CHECK_CONTAINS(out, "task claim");    /* the help lists the task commands */
	free(out);
	CHECK_INT(mc(&out, NULL, "dossier"), 2);
	free(out);
}

static void test_unknown_option_is_a_usage_error(void)
{
	char *out = NULL;

	CHECK_INT(mc(&out, NULL, "task list --bogus 1"), 2);
	CHECK_CONTAINS(out, "unknown option --bogus");
	CHECK_CONTAINS(out, "usage: motcua task list");
	free(out);
	CHECK_INT(mc(&out, NULL, "tick --frobnicate --json"), 2);
	CHECK_CONTAINS(out, "unknown option --frobnicate");
	free(out);
	/* an option the command does not declare is unknown to it, even if another has it */
	CHECK_INT(mc(&out, NULL, "task claim 1 --var a=b"), 2);
	CHECK_CONTAINS(out, "unknown option --var");
	free(out);
	/* last on the line: still unknown, not "needs a value" */
	CHECK_INT(mc(&out, NULL, "fsck --bogus"), 2);
	CHECK_CONTAINS(out, "unknown option --bogus");
	free(out);
}

static void test_missing_arguments_are_usage_errors(void)
{
	char *tmp = test_tmpdir(), *out = NULL;

	CHECK_INT(mc(&out, tmp, "task claim"), 2);
	CHECK_CONTAINS(out, "usage: motcua task claim");
	free(out);
	CHECK_INT(mc(&out, tmp, "task claim abc"), 2);
	CHECK_CONTAINS(out, "'abc' is not a positive number");
	free(out);
	CHECK_INT(mc(&out, tmp, "task complete 1 --var novalue"), 2);
	CHECK_CONTAINS(out, "'novalue'");
	free(out);
	CHECK_INT(mc(&out, tmp, "dossier receive --procedure 1.001193"), 2);
	CHECK_CONTAINS(out, "--agency");
	free(out);
	CHECK_INT(mc(&out, tmp, "dossier receive --procedure 1.001193 --agency X --applicant 1 "
		"--channel fax"), 2);
	CHECK_CONTAINS(out, "--channel");
	free(out);
	CHECK_INT(mc(&out, tmp, "workflow check"), 2);
	free(out);
	CHECK_INT(mc(&out, tmp, "dossier show"), 2);
	free(out);
	CHECK_INT(mc(&out, tmp, "agency add X --name Y"), 2);
	CHECK_CONTAINS(out, "--level");
	free(out);
	CHECK_INT(mc(&out, NULL, "tick --now"), 2);
	CHECK_CONTAINS(out, "--now needs a value");
	free(out);
	test_rmdir(tmp);
	free(tmp);
}

/* ---- workflow check --------------------------------------------------------------------- */

static void test_workflow_check_accepts_every_sample(void)
{
	char *path, *out = NULL, all[8192] = "", want[600];
	struct dirent **names;
	int n, checked = 0;

	path = strf("%s/workflows", test_source_dir());
	n = scandir(path, &names, NULL, alphasort);
	CHECK(n > 0);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);

		if ((len > 5 && strcmp(name + len - 5, ".bpmn") == 0) ||
		    (len > 14 && strcmp(name + len - 14, ".procedure.xml") == 0)) {
			int before = test_failures;

			CHECK_INT(mc(&out, NULL, "workflow check workflows/%s", name), 0);
			snprintf(want, sizeof(want), "workflows/%s: ok", name);
			CHECK_CONTAINS(out, want);
			NOTE_FAILURE(before, name);
			free(out);
			snprintf(all + strlen(all), sizeof(all) - strlen(all), " workflows/%s", name);
			checked++;
		}
		free(names[i]);
	}
	free(names);
	CHECK_INT(checked, 10);        /* five procedures, each a descriptor and a process */
	CHECK_INT(mc(&out, NULL, "workflow check%s", all), 0);
	free(out);
	free(path);
}

static void test_workflow_check_refuses_bad_bpmn(void)
{
	static const struct { const char *file, *where, *element; } bad[] = {
		{ "bad-script-task.bpmn", "bad-script-task.bpmn:8:", "scriptTask 'compute'" },
		{ "bad-dangling-flow.bpmn", "bad-dangling-flow.bpmn:10:", "sequenceFlow 'f_lost'" },
		{ "bad-no-default.bpmn", "bad-no-default.bpmn:10:", "exclusiveGateway 'decide'" },
		{ "bad-unreachable.bpmn", "bad-unreachable.bpmn:10:", "userTask 'orphan'" },
		{ "bad-malformed.bpmn", "bad-malformed.bpmn:10:", "malformed XML" },
	};
	char *err = NULL, args[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int before = test_failures;

		snprintf(args, sizeof(args), "workflow check tests/fixtures/cli/%s", bad[i].file);
		CHECK_INT(mc_stderr(&err, args), 1);
		CHECK_CONTAINS(err, bad[i].where);
		CHECK_CONTAINS(err, bad[i].element);
		NOTE_FAILURE(before, args);
		free(err);
	}
	/* what each one is refused for */
	CHECK_INT(mc_stderr(&err, "workflow check tests/fixtures/cli/bad-dangling-flow.bpmn"),
		1);
	CHECK_CONTAINS(err, "'nowhere'");
	free(err);
	CHECK_INT(mc_stderr(&err, "workflow check tests/fixtures/cli/bad-no-default.bpmn"), 1);
	CHECK_CONTAINS(err, "a=false, b=false");
	free(err);
	CHECK_INT(mc_stderr(&err, "workflow check tests/fixtures/cli/bad-unreachable.bpmn"),
		1);
	CHECK_CONTAINS(err, "cannot be reached");
	free(err);
	/* one bad file among good ones: status 1, the good ones still reported ok */
	CHECK_INT(mc(&err, NULL, "workflow check workflows/birth-registration.bpmn "
		"tests/fixtures/cli/bad-unreachable.bpmn workflows/copy-certification.bpmn"), 1);
	CHECK_CONTAINS(err, "workflows/birth-registration.bpmn: ok");
	CHECK_CONTAINS(err, "workflows/copy-certification.bpmn: ok");
	CHECK_CONTAINS(err, "userTask 'orphan'");
	free(err);
	CHECK_INT(mc(&err, NULL, "workflow check tests/fixtures/cli/no-such-file.bpmn"), 1);
	CHECK_CONTAINS(err, "no-such-file.bpmn");
	free(err);
}

/* ---- setting a store up ----------------------------------------------------------------- */

static void test_store_setup(void)
{
	store s = store_new();
	char *out = NULL;

	out = json_of(s.dir, "procedure list --json",
		"print(len(d), \" \".join(sorted(p[\"code\"] for p in d)))");
	CHECK_STR(chomp(out), "5 1.001193 1.004442 2.000815 VB-DEN VB-DI");
	free(out);
	out = json_of(s.dir, "procedure list --json",
		"p = [p for p in d if p[\"code\"] == \"2.000815\"][0]\n"
		"print(p[\"limit\"], p[\"unit\"], p[\"fee\"], p[\"process\"])");
	CHECK_STR(chomp(out), "8 working-hours 2000 copy_certification");
	free(out);
	CHECK_INT(mc(&out, s.dir, "procedure list"), 0);
	CHECK_CONTAINS(out, "1.004442");
	CHECK_CONTAINS(out, "Cấp giấy phép xây dựng nhà ở riêng lẻ");
	free(out);
	CHECK_INT(sql_count(s.dir, "SELECT count(*) FROM agency"), 3);
	CHECK_INT(sql_count(s.dir, "SELECT count(*) FROM user"), 6);
	CHECK_INT(sql_count(s.dir, "SELECT count(*) FROM user_role WHERE user='motcua.xa' AND "
		"role='clerk'"), 1);
	/* set-up mistakes are refused and change nothing */
	/* only an admin sets a store up, once it has one */
	refused(&s, "--user motcua.xa user add someone --agency " COMMUNE " --roles clerk",
		"is not an admin", NULL);
	refused(&s, "agency add 000.22.31.H99 --name X --level commune", "only an admin", NULL);
	refused(&s, "--user admin agency add " COMMUNE " --name Again --level commune", COMMUNE,
		NULL);
	refused(&s, "--user admin agency add 000.22.31.H99 --name X --level village", "village",
		NULL);
	refused(&s, "--user admin agency add 000.22.31.H99 --name X --level commune"
		" --parent 000.99.99.H99",
		"000.99.99.H99", NULL);
	refused(&s, "--user admin user add someone --agency 000.99.99.H99 --roles clerk",
		"000.99.99.H99", NULL);
	refused(&s, "--user admin user add motcua.xa --agency " COMMUNE " --roles clerk",
		"motcua.xa", NULL);
	refused(&s, "--user admin user add someone --agency " COMMUNE " --roles clerk,janitor",
		"'janitor'",
		NULL);
	refused(&s, "--user admin procedure load tests/fixtures/cli/bad-unreachable.bpmn",
		"bad-unreachable",
		NULL);
	/* a second init on the same store keeps what is there */
	CHECK_INT(mc(&out, s.dir, "init"), 0);
	free(out);
	CHECK_INT(sql_count(s.dir, "SELECT count(*) FROM procedure"), 5);
	store_free(&s);
}

/* ---- bad input: refused with a clear message, the store unchanged ------------------------ */

static void test_bad_input_leaves_the_store_unchanged(void)
{
	store s = store_new();
	char *code = receive(&s, "2026-03-02T14:00", "motcua.xa", "2.000815", NULL);
	long long receive_id = task_at(&s, code, "receive"), certify_id;
	char args[512], task[32];

	/* a task whose role you do not hold */
	snprintf(args, sizeof(args), "task complete %lld --user ct.xa --now 2026-03-02T14:05",
		receive_id);
	snprintf(task, sizeof(task), "task %lld", receive_id);
	refused(&s, args, task, "user 'ct.xa' does not hold the role 'clerk'");
	/* a task that does not exist */
	refused(&s, "task complete 9999 --user motcua.xa", "task 9999", NULL);
	/* a bad variable name on completion: nothing half-applied */
	snprintf(args, sizeof(args), "task complete %lld --user motcua.xa --var 'a-b=1'",
		receive_id);
	refused(&s, args, "'a-b'", NULL);

	/* completing twice */
	snprintf(args, sizeof(args), "task complete %lld --user motcua.xa --now 2026-03-02T14:10",
		receive_id);
	mc_ok(s.dir, args);
	snprintf(args, sizeof(args), "task complete %lld --user motcua.xa --now 2026-03-02T14:11",
		receive_id);
	refused(&s, args, task, "already completed");

	/* claiming without the role; completing a task someone else holds */
	certify_id = task_at(&s, code, "certify");
	snprintf(task, sizeof(task), "task %lld", certify_id);
	snprintf(args, sizeof(args), "task claim %lld --user motcua.xa", certify_id);
	refused(&s, args, task, "user 'motcua.xa' does not hold the role 'leader'");
	snprintf(args, sizeof(args), "task claim %lld --user ct.xa --now 2026-03-02T15:00",
		certify_id);
	mc_ok(s.dir, args);
	snprintf(args, sizeof(args), "task complete %lld --user pct.xa", certify_id);
	refused(&s, args, task, "held by 'ct.xa', not 'pct.xa'");
	snprintf(args, sizeof(args), "task claim %lld --user pct.xa", certify_id);
	refused(&s, args, task, "ct.xa");

	/* receiving: unknown procedure, bad applicant IDs, unknown agency, bad variable names */
	refused(&s, "dossier receive --procedure 9.999999 --agency " COMMUNE
		" --applicant 001090001111 --user motcua.xa", "procedure '9.999999'", "not loaded");
	refused(&s, "dossier receive --procedure 2.000815 --agency " COMMUNE
		" --applicant 12345 --user motcua.xa", "'12345'", NULL);
	refused(&s, "dossier receive --procedure 2.000815 --agency " COMMUNE
		" --applicant 0010900011112 --user motcua.xa", "'0010900011112'", NULL);
	refused(&s, "dossier receive --procedure 2.000815 --agency " COMMUNE
		" --applicant 00109000111A --user motcua.xa", "'00109000111A'", NULL);
	refused(&s, "dossier receive --procedure 2.000815 --agency 000.99.99.H99"
		" --applicant 001090001111 --user motcua.xa", "'000.99.99.H99'", NULL);
	refused(&s, "dossier receive --procedure 2.000815 --agency " COMMUNE
		" --applicant 001090001111 --user motcua.xa --var 1bad=x", "'1bad'", NULL);
	refused(&s, "dossier receive --procedure 2.000815 --agency " COMMUNE
		" --applicant 001090001111 --user motcua.xa --var 'bad name=x'", "'bad name'", NULL);
	/* receiving as someone who is not a clerk there, or as nobody */
	refused(&s, "dossier receive --procedure 2.000815 --agency " COMMUNE
		" --applicant 001090001111 --user ct.xa", "'ct.xa'", "clerk");
	refused(&s, "dossier receive --procedure 2.000815 --agency " COMMUNE
		" --applicant 001090001111 --user motcua.huyen", "'motcua.huyen'", "clerk");
	refused(&s, "dossier receive --procedure 2.000815 --agency " COMMUNE
		" --applicant 001090001111", "no acting user", NULL);
	/* actions on a dossier that does not exist */
	refused(&s, "dossier set 000.21.31.H99-260302-0099 --var x=1 --user motcua.xa",
		"000.21.31.H99-260302-0099", NULL);
	refused(&s, "dossier show 000.21.31.H99-260302-0099", "000.21.31.H99-260302-0099", NULL);
	/* the nine-digit old ID and the 10-digit tax code are accepted */
	free(receive(&s, "2026-03-02T15:00", "motcua.xa", "2.000815",
		"--applicant 012345678"));
	free(receive(&s, "2026-03-02T15:00", "motcua.xa", "2.000815",
		"--applicant 0100109106"));
	CHECK_INT(sql_count(s.dir, "SELECT count(*) FROM dossier"), 3);
	free(code);
	store_free(&s);
}

/* ---- audit tampering -------------------------------------------------------------------- */

static void some_activity(const store *s, char **code)
{
	*code = receive(s, "2026-03-02T08:30", "motcua.xa", "1.001193", "--channel online");
	step(s, *code, "2026-03-02T08:45", "motcua.xa", "receive", NULL);
	step(s, *code, "2026-03-02T10:00", "tuphap.xa", "review", NULL);
}

static void test_audit_verify_catches_tampering(void)
{
	store s = store_new();
	char *code, *out = NULL, want[64], *copy;
	long long events;

	some_activity(&s, &code);
	events = sql_count(s.dir, "SELECT count(*) FROM event");
	CHECK(events > 10);
	CHECK_INT(mc(&out, s.dir, "audit verify"), 0);
	snprintf(want, sizeof(want), "audit chain intact: %lld events", events);
	CHECK_CONTAINS(out, want);
	free(out);
	out = json_of(s.dir, "audit verify --json", "print(d[\"ok\"], d[\"events\"], d[\"first_bad\"])");
	snprintf(want, sizeof(want), "True %lld 0", events);
	CHECK_STR(chomp(out), want);
	free(out);

	/* the append-only triggers stand in the way first */
	CHECK(test_run(&out, "sqlite3 '%s/motcua.db' \"UPDATE event SET detail='{}' WHERE id=5\"",
		s.dir) != 0);
	CHECK_CONTAINS(out, "append-only");
	free(out);

	copy = strf("%s/copy", s.tmp);
	CHECK_INT(test_run(NULL, "cp -r '%s' '%s'", s.dir, copy), 0);

	/* an edited row */
	sql(s.dir, "DROP TRIGGER event_no_update; UPDATE event SET detail='{\\\"x\\\":1}' WHERE id=5");
	CHECK_INT(mc(&out, s.dir, "audit verify"), 1);
	CHECK_CONTAINS(out, "event 5 ");
	CHECK_CONTAINS(out, "altered");
	free(out);
	out = json_status(s.dir, 1, "audit verify --json",
		"print(d[\"ok\"], d[\"first_bad\"], \"event 5\" in d[\"error\"])");
	CHECK_STR(chomp(out), "False 5 True");
	free(out);

	/* a deleted row in the middle */
	sql(copy, "DROP TRIGGER event_no_delete; DELETE FROM event WHERE id=7");
	CHECK_INT(mc(&out, copy, "audit verify"), 1);
	CHECK_CONTAINS(out, "event 8 follows 6");
	free(out);
	/* fsck runs its own checks; the audit chain is audit verify's */
	free(copy);
	free(code);
	store_free(&s);
}

/* ---- fsck ------------------------------------------------------------------------------- */

static void test_fsck_finds_corruption(void)
{
	store s = store_new();
	char *code, *out = NULL, *file, *blob, args[1024];
	FILE *f;
	int c;

	some_activity(&s, &code);
	CHECK_INT(mc(&out, s.dir, "fsck"), 0);
	CHECK_CONTAINS(out, "store is consistent");
	free(out);
	free(json_of(s.dir, "fsck --json", NULL));

	/* attach a scan as the clerk; its blob goes under blobs/xx/<hash> */
	file = test_write_file(s.tmp, "scan.txt", "Bản chụp tờ khai khai sinh, trang 1\n");
	snprintf(args, sizeof(args), "dossier attach %s '%s' --kind scan --user motcua.xa", code,
		file);
	mc_ok(s.dir, args);
	CHECK_INT(sql_count(s.dir, "SELECT count(*) FROM document"), 1);
	CHECK_INT(test_run(&blob, "find '%s/blobs' -type f", s.dir), 0);
	chomp(blob);
	CHECK(strchr(blob, '\n') == NULL && strlen(blob) > 64);
	CHECK_INT(mc(&out, s.dir, "fsck"), 0);
	free(out);

	/* one byte changed on disk */
	if ((f = fopen(blob, "r+b")) != NULL) {
		c = fgetc(f);
		fseek(f, 0, SEEK_SET);
		fputc(c ^ 0x20, f);
		fclose(f);
	} else {
		CHECK(!"cannot open the blob");
		c = 0;
	}
	CHECK_INT(mc(&out, s.dir, "fsck"), 1);
	CHECK_CONTAINS(out, strrchr(blob, '/') + 1);     /* names the blob by its hash */
	free(out);
	out = json_status(s.dir, 1, "fsck --json", "print(d[\"count\"], d[\"problems\"][0][:5])");
	CHECK_STR(chomp(out), "1 blob ");
	free(out);

	/* put it back: consistent again */
	if ((f = fopen(blob, "r+b")) != NULL) {
		fputc(c, f);
		fclose(f);
	}
	CHECK_INT(mc(&out, s.dir, "fsck"), 0);
	free(out);

	/* a processing dossier whose token is gone */
	snprintf(args, sizeof(args), "DELETE FROM token WHERE dossier_id=(SELECT id FROM dossier "
		"WHERE code='%s')", code);
	sql(s.dir, args);
	CHECK_INT(mc(&out, s.dir, "fsck"), 1);
	CHECK_CONTAINS(out, code);
	free(out);
	free(blob);
	free(file);
	free(code);
	store_free(&s);
}

/* ---- show and JSON ---------------------------------------------------------------------- */

static void test_show_and_json_outputs(void)
{
	store s = store_new();
	char *code, *out = NULL, args[256];

	some_activity(&s, &code);
	CHECK_INT(mc(&out, s.dir, "dossier show %s", code), 0);
	CHECK_CONTAINS(out, code);
	CHECK_CONTAINS(out, "1.001193");
	CHECK_CONTAINS(out, "channel    online");
	CHECK_CONTAINS(out, "timeline:");
	CHECK_CONTAINS(out, "dossier.received");
	CHECK_CONTAINS(out, "task.created");
	CHECK_CONTAINS(out, "task.completed");
	CHECK_CONTAINS(out, "tuphap.xa");
	CHECK_CONTAINS(out, "approve");       /* the open task */
	free(out);

	snprintf(args, sizeof(args), "dossier show %s --json", code);
	out = json_of(s.dir, args, "print(d[\"dossier\"][\"code\"], d[\"dossier\"][\"status\"],"
		" [t[\"node\"] for t in d[\"tasks\"]], d[\"timeline\"][0][\"action\"],"
		" len(d[\"timeline\"]) > 5)");
	{
		char want[256];

		snprintf(want, sizeof(want), "%s processing ['approve'] dossier.received True",
			code);
		CHECK_STR(chomp(out), want);
	}
	free(out);
	out = json_of(s.dir, "dossier list --json", "print(len(d), d[0][\"channel\"])");
	CHECK_STR(chomp(out), "1 online");
	free(out);
	out = json_of(s.dir, "task list --json", "print(len(d), d[0][\"node\"], d[0][\"role\"])");
	CHECK_STR(chomp(out), "1 approve leader");
	free(out);
	{
		static const char *const plain[] = { "procedure list --json", "stats --json",
			"audit verify --json", "fsck --json", "tick --json", "dossier list --json",
			"task list --json --mine --user ct.xa" };

		json_valid(s.dir, plain, sizeof(plain) / sizeof(plain[0]));
	}
	/* text that needs escaping stays valid JSON: quotes, backslash, newline, tab */
	out = json_of(s.dir, "dossier receive --procedure 2.000815 --agency " COMMUNE
		" --applicant 001090001111 --user motcua.xa --applicant-name 'Lê \"Tí\" \\ Tèo'"
		" --var 'note=a \"quoted\" \\ word\nnext line\ttab' --json",
		"print(d[\"status\"], d[\"procedure\"])");
	CHECK_STR(chomp(out), "processing 2.000815");
	free(out);
	out = json_of(s.dir, "dossier list --json --limit 1", "print(len(d))");
	CHECK_STR(chomp(out), "1");
	free(out);
	free(code);
	store_free(&s);
}

/* ---- indicators ------------------------------------------------------------------------- */

static void test_stats_counts_after_a_day_of_work(void)
{
	store s = store_new();
	char *birth, *copy, *open, *out = NULL;

	/* birth registration, online, finished the same morning: on time */
	birth = receive(&s, "2026-03-02T08:30", "motcua.xa", "1.001193", "--channel online");
	step(&s, birth, "2026-03-02T08:45", "motcua.xa", "receive", NULL);
	step(&s, birth, "2026-03-02T10:00", "tuphap.xa", "review", NULL);
	step(&s, birth, "2026-03-02T11:00", "ct.xa", "approve", "--var approved=true");
	step(&s, birth, "2026-03-02T14:00", "motcua.xa", "return_result", NULL);
	/* copy certification due 2026-03-03T13:00, certified at 14:00: late */
	copy = receive(&s, "2026-03-02T14:00", "motcua.xa", "2.000815", NULL);
	step(&s, copy, "2026-03-02T14:10", "motcua.xa", "receive", NULL);
	step(&s, copy, "2026-03-03T14:00", "ct.xa", "certify", NULL);
	step(&s, copy, "2026-03-03T14:15", "motcua.xa", "return_result", NULL);
	/* another copy certification, left open: overdue by the end of the month */
	open = receive(&s, "2026-03-04T09:00", "motcua.xa", "2.000815", NULL);

	out = json_of(s.dir, "stats --json --now 2026-03-31T17:00",
		"t = d[\"total\"]\n"
		"p = {r[\"procedure\"]: r for r in d[\"procedures\"]}\n"
		"b, c = p[\"1.001193\"], p[\"2.000815\"]\n"
		"print(t[\"received\"], t[\"received_online\"], t[\"finished\"], t[\"on_time\"],"
		" t[\"late\"], t[\"overdue_now\"], \"|\","
		" b[\"received\"], b[\"finished\"], b[\"on_time\"], b[\"late\"], b[\"on_time_rate\"],"
		" \"|\", c[\"received\"], c[\"finished\"], c[\"on_time\"], c[\"late\"],"
		" c[\"overdue_now\"])");
	/* total | birth registration | copy certification */
	CHECK_STR(chomp(out), "3 1 2 1 1 1 | 1 1 1 0 1.0 | 2 1 0 1 1");
	free(out);
	CHECK_INT(mc(&out, s.dir, "stats --now 2026-03-31T17:00"), 0);
	CHECK_CONTAINS(out, "TOTAL");
	CHECK_CONTAINS(out, "50.0%");
	free(out);
	/* an agency counts with the agencies under it; a sibling commune received nothing */
	out = json_of(s.dir, "stats --json --agency " DISTRICT,
		"print(d[\"total\"][\"received\"])");
	CHECK_STR(chomp(out), "3");
	free(out);
	mc_ok(s.dir, "--user admin agency add 000.22.31.H99 --name 'Xã Bên' --level commune"
		" --parent " DISTRICT);
	out = json_of(s.dir, "stats --json --agency 000.22.31.H99",
		"print(d[\"total\"][\"received\"])");
	CHECK_STR(chomp(out), "0");
	free(out);
	/* a period before any of it */
	out = json_of(s.dir, "stats --json --from 2026-01-01 --to 2026-02-01",
		"print(d[\"total\"][\"received\"])");
	CHECK_STR(chomp(out), "0");
	free(out);
	CHECK_INT(mc(&out, s.dir, "stats --from yesterday"), 1);
	CHECK_CONTAINS(out, "'yesterday'");
	free(out);
	free(birth);
	free(copy);
	free(open);
	store_free(&s);
}

/* ---- tick ------------------------------------------------------------------------------- */


static void test_tick_is_idempotent(void)
{
	store s = store_new();
	char *code, *out = NULL;
	long long fired;

	/* 8 working hours from 2026-03-02T14:00: due 2026-03-03T13:00 */
	code = receive(&s, "2026-03-02T14:00", "motcua.xa", "2.000815", NULL);
	step(&s, code, "2026-03-02T14:10", "motcua.xa", "receive", NULL);
	out = json_of(s.dir, "tick --json --now 2026-03-03T12:59", "print(d[\"fired\"])");
	CHECK_STR(chomp(out), "0");                         /* not due yet */
	free(out);
	out = json_of(s.dir, "tick --json --now 2026-03-03T13:30", "print(d[\"fired\"])");
	fired = strtoll(out, NULL, 10);
	CHECK(fired >= 1);
	free(out);
	out = json_of(s.dir, "tick --json --now 2026-03-03T13:30", "print(d[\"fired\"])");
	CHECK_STR(chomp(out), "0");
	free(out);
	CHECK_INT(mc(&out, s.dir, "tick --now 2026-03-04T10:00"), 0);
	CHECK_CONTAINS(out, "0 timer(s) fired");           /* the reopened task is not re-fired */
	free(out);
	CHECK_INT(mc(&out, s.dir, "dossier show %s", code), 0);
	CHECK_INT(count_of(out, "timer.fired"), 1);
	CHECK_CONTAINS(out, "escalate");                    /* the notify step ran */
	free(out);
	CHECK_INT(sql_count(s.dir, "SELECT count(*) FROM timer WHERE state='fired'"), 1);
	/* the certification is open again for the leader */
	CHECK(task_at(&s, code, "certify") > 0);
	step(&s, code, "2026-03-04T10:30", "ct.xa", "certify", NULL);
	step(&s, code, "2026-03-04T11:00", "motcua.xa", "return_result", NULL);
	out = json_of(s.dir, "dossier list --json", "print(d[0][\"status\"], d[0][\"on_time\"])");
	CHECK_STR(chomp(out), "finished False");
	free(out);
	free(code);
	store_free(&s);
}

/* ---- failing service steps -------------------------------------------------------------- */

static void test_failing_plugin_then_retry(void)
{
	store s = store_new();
	char *code, *out = NULL, args[256];
	long long id;

	mc_ok(s.dir, "--user admin procedure load tests/fixtures/cli/flaky.procedure.xml "
		"tests/fixtures/cli/missing-plugin.procedure.xml");
	code = receive(&s, "2026-03-02T09:00", "motcua.xa", "9.000001",
		"--var fail=true --var 'fail_message=cổng dữ liệu dân cư \"không\" trả lời'");
	id = task_at(&s, code, "check");

	CHECK_INT(mc(&out, s.dir, "task list"), 0);
	CHECK_CONTAINS(out, "error");
	CHECK_CONTAINS(out, "cổng dữ liệu dân cư \"không\" trả lời");
	free(out);
	out = json_of(s.dir, "task list --json --state error",
		"print(len(d), d[0][\"node\"], d[0][\"plugin\"], d[0][\"state\"], d[0][\"error\"])");
	CHECK_STR(chomp(out), "1 check flaky error cổng dữ liệu dân cư \"không\" trả lời");
	free(out);
	CHECK_INT(mc(&out, s.dir, "dossier show %s", code), 0);
	CHECK_CONTAINS(out, "task.failed");
	CHECK_CONTAINS(out, "cổng dữ liệu dân cư");
	free(out);
	snprintf(args, sizeof(args), "dossier show %s --json", code);
	out = json_of(s.dir, args, "print(d[\"dossier\"][\"incidents\"])");
	CHECK_STR(chomp(out), "1");
	free(out);

	/* retrying while the cause is still there fails again, and says so */
	snprintf(args, sizeof(args), "task retry %lld --user motcua.xa --now 2026-03-02T09:05", id);
	CHECK_INT(mc(&out, s.dir, "%s", args), 1);
	CHECK_CONTAINS(out, "không");
	free(out);
	out = json_of(s.dir, "task list --json", "print(d[0][\"state\"])");
	CHECK_STR(chomp(out), "error");
	free(out);

	/* fix the cause, retry: the step runs and the dossier moves on */
	snprintf(args, sizeof(args), "dossier set %s --var fail=false --user motcua.xa "
		"--now 2026-03-02T09:10", code);
	mc_ok(s.dir, args);
	snprintf(args, sizeof(args), "task retry %lld --user motcua.xa --now 2026-03-02T09:11", id);
	CHECK_INT(mc(&out, s.dir, "%s", args), 0);
	CHECK_CONTAINS(out, "retried");
	free(out);
	CHECK(task_at(&s, code, "return_result") > 0);
	CHECK_INT(sql_count(s.dir, "SELECT count(*) FROM variable WHERE name='flaky_ran' AND "
		"value='true'"), 1);
	snprintf(args, sizeof(args), "dossier show %s --json", code);
	out = json_of(s.dir, args, "print(d[\"dossier\"][\"incidents\"], [t[\"node\"] for t in "
		"d[\"tasks\"]])");
	CHECK_STR(chomp(out), "0 ['return_result']");
	free(out);
	/* a done task cannot be retried */
	snprintf(args, sizeof(args), "task retry %lld --user motcua.xa", id);
	refused(&s, args, "task", NULL);
	step(&s, code, "2026-03-02T10:00", "motcua.xa", "return_result", NULL);
	CHECK_INT(mc(&out, s.dir, "fsck"), 0);
	free(out);
	CHECK_INT(mc(&out, s.dir, "audit verify"), 0);
	free(out);
	free(code);
	store_free(&s);
}

static void test_missing_plugin_is_an_error_state(void)
{
	store s = store_new();
	char *code, *out = NULL;

	mc_ok(s.dir, "--user admin procedure load tests/fixtures/cli/missing-plugin.procedure.xml");
	code = receive(&s, "2026-03-02T09:00", "motcua.xa", "9.000002", NULL);
	CHECK(task_at(&s, code, "sync") > 0);
	out = json_of(s.dir, "task list --json",
		"print(d[0][\"state\"], d[0][\"plugin\"], \"cannot load\" in d[0][\"error\"])");
	CHECK_STR(chomp(out), "error no_such_plugin True");
	free(out);
	CHECK_INT(mc(&out, s.dir, "dossier show %s", code), 0);
	CHECK_CONTAINS(out, "cannot load");
	CHECK_CONTAINS(out, "no_such_plugin");
	free(out);
	/* tick does not pretend to have run it */
	CHECK_INT(mc(&out, s.dir, "tick --now 2026-03-02T10:00"), 0);
	free(out);
	CHECK_INT(mc(&out, s.dir, "task list"), 0);
	CHECK_CONTAINS(out, "cannot load");
	free(out);
	free(code);
	store_free(&s);
}

/* The demo issues its decision through the outgoing-document process as provinces do:
 * initials, leader, seal, number and date, each a signature pdfsig calls valid. */
static void test_demo_issues_a_decision_like_a_province(void)
{
	char *dir = test_tmpdir(), *out = NULL, pdf[4200];
	int valid = 0;

	CHECK_INT(mc(&out, dir, "demo"), 0);
	CHECK(strstr(out, "modification:  passed") != NULL);
	free(out);
	snprintf(pdf, sizeof(pdf), "%s/decision-issued.pdf", dir);
	CHECK_INT(test_run(&out, "pdfsig '%s'", pdf), 0);
	for (const char *p = out; p && (p = strstr(p, "Signature is Valid")); p++)
		valid++;
	CHECK_INT(valid, 5);
	free(out);
	CHECK_INT(mc(&out, dir, "verify '%s' --json", pdf), 0);
	CHECK(strstr(out, "\"ky_nhay\"") && strstr(out, "\"so_ky_hieu\"") &&
		strstr(out, "\"ngay_ban_hanh\"") && strstr(out, "\"chu_ky_lanh_dao\""));
	free(out);
	test_rmdir(dir);
	free(dir);
}

TEST_MAIN(TEST_CASE(test_every_command_has_help), TEST_CASE(test_no_command_is_a_usage_error),
	TEST_CASE(test_unknown_command_is_a_usage_error),
	TEST_CASE(test_unknown_option_is_a_usage_error),
	TEST_CASE(test_missing_arguments_are_usage_errors),
	TEST_CASE(test_workflow_check_accepts_every_sample),
	TEST_CASE(test_workflow_check_refuses_bad_bpmn), TEST_CASE(test_store_setup),
	TEST_CASE(test_bad_input_leaves_the_store_unchanged),
	TEST_CASE(test_audit_verify_catches_tampering), TEST_CASE(test_fsck_finds_corruption),
	TEST_CASE(test_show_and_json_outputs), TEST_CASE(test_stats_counts_after_a_day_of_work),
	TEST_CASE(test_tick_is_idempotent), TEST_CASE(test_failing_plugin_then_retry),
	TEST_CASE(test_missing_plugin_is_an_error_state),
	TEST_CASE(test_demo_issues_a_decision_like_a_province))
