/* tests/workflow/runtime.c — dossiers moving through the sample procedures: the construction
 * permit across Tết with a pause for papers (the acceptance case), gateways, parallel joins,
 * timers, roles, and actions that must change nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "motcua/audit.h"
#include "test.h"

#define VARS(...) (const motcua_var[]){ __VA_ARGS__ }, \
	sizeof((const motcua_var[]){ __VA_ARGS__ }) / sizeof(motcua_var)

static int receive(fixture *f, char *code, const char *when, const char *user,
	const char *agency, const char *procedure, motcua_channel channel)
{
	motcua_receive_options opts = MOTCUA_RECEIVE_OPTIONS_INIT;

	fixture_at(f, when, user);
	opts.applicant_id = "001086012345";
	opts.channel = channel;
	return motcua_dossier_receive(code, f->ctx, agency, procedure, &opts);
}

static void test_construction_permit_across_tet_with_a_pause(void)
{
	char code[MOTCUA_DOSSIER_CODE_MAX], *timeline = NULL, *out = NULL;
	motcua_dossier_info d;
	fixture f;

	fixture_open(&f);
	CHECK_OK(receive(&f, code, "2026-02-12T16:00", "clerk.d", DISTRICT, "1.004442",
		MOTCUA_CHANNEL_COUNTER));
	CHECK_STR(code, DISTRICT "-260212-0001");
	CHECK_OK(motcua_dossier_get(&d, f.ctx, code));
	/* after the 15:00 cut-off: the clock starts on Friday the 13th; day 1 is that Friday,
	 * 16-20 February are Tết, so day 15 is Thursday 12 March */
	CHECK_INT(d.clock_start, fixture_time("2026-02-13T08:00"));
	CHECK_INT(d.due_at, fixture_time("2026-03-12T17:00"));
	motcua_dossier_info_clear(&d);

	CHECK_OK(fixture_complete(&f, code, "2026-02-13T09:00", "clerk.d", "receive", NULL, 0));
	CHECK(fixture_task(&f, code, "receipt") == 0);      /* the plugin ran by itself */
	CHECK_OK(fixture_complete(&f, code, "2026-02-23T10:00", "spec.d", "review",
		VARS({ "needMorePapers", "true" })));
	CHECK_OK(motcua_dossier_get(&d, f.ctx, code));
	CHECK_STR(d.status, "paused");
	motcua_dossier_info_clear(&d);
	/* Monday 10:00 to Thursday 10:00: three working days waiting on the citizen */
	CHECK_OK(fixture_complete(&f, code, "2026-02-26T10:00", "clerk.d", "supplement",
		NULL, 0));
	CHECK_OK(motcua_dossier_get(&d, f.ctx, code));
	CHECK_STR(d.status, "processing");
	CHECK_INT(d.paused_seconds, 3 * 9 * 3600);
	CHECK_INT(d.due_at, fixture_time("2026-03-17T17:00"));
	motcua_dossier_info_clear(&d);

	CHECK_OK(fixture_complete(&f, code, "2026-02-27T09:00", "spec.d", "review",
		VARS({ "needMorePapers", "false" })));
	CHECK(fixture_task(&f, code, "site_inspection") != 0);
	CHECK(fixture_task(&f, code, "collect_fee") != 0);
	CHECK_OK(fixture_complete(&f, code, "2026-03-03T10:00", "spec.d", "site_inspection",
		NULL, 0));
	CHECK(fixture_task(&f, code, "approve") == 0);      /* the join waits for the fee */
	CHECK_OK(fixture_complete(&f, code, "2026-03-03T11:00", "clerk.d", "collect_fee",
		NULL, 0));
	CHECK_OK(fixture_complete(&f, code, "2026-03-16T15:00", "lead.d", "approve",
		VARS({ "approved", "true" })));
	CHECK_OK(fixture_complete(&f, code, "2026-03-17T16:59", "clerk.d", "return_result",
		NULL, 0));

	CHECK_OK(motcua_dossier_get(&d, f.ctx, code));
	CHECK_STR(d.status, "finished");
	CHECK_STR(d.outcome, "approved");
	CHECK(d.on_time);   /* finished a minute before the moved due; late by the old one */
	CHECK_INT(d.pause_count, 1);
	CHECK_INT(d.incidents, 0);
	motcua_dossier_info_clear(&d);

	CHECK_OK(motcua_dossier_timeline(&timeline, f.ctx, code, false));
	CHECK_CONTAINS(timeline, "dossier.received");
	CHECK_CONTAINS(timeline, "dossier.paused");
	CHECK_CONTAINS(timeline, "\"due\":\"2026-03-17T17:00:00+07:00\"");
	CHECK_CONTAINS(timeline, "dossier.finished");
	CHECK_CONTAINS(timeline, "\"on_time\":true");
	free(timeline);

	/* the operator sees the same through the program */
	motcua_ctx_free(f.ctx);
	CHECK_INT(test_run(&out, "%s dossier show %s --store %s", test_motcua_bin(), code, f.dir),
		0);
	CHECK_CONTAINS(out, "due        2026-03-17T17:00:00+07:00");
	CHECK_CONTAINS(out, "(on time)");
	CHECK_CONTAINS(out, "dossier.resumed");
	CHECK_CONTAINS(out, "2026-02-12T16:00:00+07:00  dossier.received");
	free(out);
	f.ctx = NULL;
	fixture_close(&f);
}

static void test_refusal_takes_the_other_branch(void)
{
	char code[MOTCUA_DOSSIER_CODE_MAX];
	motcua_dossier_info d;
	fixture f;

	fixture_open(&f);
	CHECK_OK(receive(&f, code, "2026-03-02T08:00", "clerk.c", COMMUNE, "1.001193",
		MOTCUA_CHANNEL_ONLINE));
	CHECK_OK(fixture_complete(&f, code, "2026-03-02T08:10", "clerk.c", "receive", NULL, 0));
	CHECK_OK(fixture_complete(&f, code, "2026-03-02T09:00", "spec.c", "review", NULL, 0));
	CHECK_OK(fixture_complete(&f, code, "2026-03-02T10:00", "lead.c", "approve",
		VARS({ "approved", "false" })));
	CHECK(fixture_task(&f, code, "return_result") == 0);
	CHECK_OK(fixture_complete(&f, code, "2026-03-03T10:00", "clerk.c", "return_refusal",
		NULL, 0));
	CHECK_OK(motcua_dossier_get(&d, f.ctx, code));
	CHECK_STR(d.outcome, "refused");
	CHECK(!d.on_time);   /* one working day: due the evening of 2 March */
	CHECK_STR(d.channel, "online");
	motcua_dossier_info_clear(&d);
	fixture_close(&f);
}

static void test_roles_and_double_completion_change_nothing(void)
{
	char code[MOTCUA_DOSSIER_CODE_MAX];
	long long events, tasks;
	int64_t id;
	fixture f;

	fixture_open(&f);
	CHECK_OK(receive(&f, code, "2026-03-02T08:00", "clerk.c", COMMUNE, "1.001193",
		MOTCUA_CHANNEL_COUNTER));
	id = fixture_task(&f, code, "receive");
	events = fixture_count(&f, "event");
	tasks = fixture_count(&f, "task");
	/* a specialist may not take the clerk's task; a clerk of another agency neither */
	fixture_at(&f, "2026-03-02T08:05", "spec.c");
	CHECK_ERR(motcua_task_claim(f.ctx, id), MOTCUA_EDENIED);
	CHECK_CONTAINS(motcua_error_last(), "does not hold the role 'clerk'");
	fixture_at(&f, "2026-03-02T08:05", "clerk.d");
	CHECK_ERR(motcua_task_complete(f.ctx, id, NULL, 0), MOTCUA_EDENIED);
	/* claimed by one clerk, it is not another's */
	fixture_at(&f, "2026-03-02T08:06", "clerk.c");
	CHECK_OK(motcua_task_claim(f.ctx, id));
	CHECK_ERR(motcua_task_claim(f.ctx, id), MOTCUA_ESTATE);
	events = fixture_count(&f, "event");
	CHECK_OK(motcua_task_complete(f.ctx, id, NULL, 0));
	CHECK(fixture_count(&f, "event") > events);
	events = fixture_count(&f, "event");
	tasks = fixture_count(&f, "task");
	CHECK_ERR(motcua_task_complete(f.ctx, id, NULL, 0), MOTCUA_ESTATE);
	CHECK_CONTAINS(motcua_error_last(), "already completed");
	CHECK_INT(fixture_count(&f, "event"), events);
	CHECK_INT(fixture_count(&f, "task"), tasks);
	/* an unknown procedure, a bad applicant id: nothing received, nothing numbered */
	CHECK_ERR(receive(&f, code, "2026-03-02T09:00", "clerk.c", COMMUNE, "9.999999",
		MOTCUA_CHANNEL_COUNTER), MOTCUA_ENOTFOUND);
	CHECK_CONTAINS(motcua_error_last(), "9.999999");
	CHECK_INT(fixture_count(&f, "dossier"), 1);
	CHECK_INT(fixture_count(&f, "event"), events);
	fixture_close(&f);
}

static void test_gateway_missing_variable_waits_for_it(void)
{
	char code[MOTCUA_DOSSIER_CODE_MAX];
	motcua_dossier_info d;
	fixture f;

	fixture_open(&f);
	CHECK_OK(receive(&f, code, "2026-03-02T08:00", "clerk.c", COMMUNE, "1.001193",
		MOTCUA_CHANNEL_COUNTER));
	CHECK_OK(fixture_complete(&f, code, "2026-03-02T08:10", "clerk.c", "receive", NULL, 0));
	CHECK_OK(fixture_complete(&f, code, "2026-03-02T09:00", "spec.c", "review", NULL, 0));
	/* the leader forgets to decide: the gateway cannot read 'approved' */
	CHECK_OK(fixture_complete(&f, code, "2026-03-02T10:00", "lead.c", "approve", NULL, 0));
	CHECK_OK(motcua_dossier_get(&d, f.ctx, code));
	CHECK_INT(d.incidents, 1);
	CHECK_STR(d.status, "processing");
	motcua_dossier_info_clear(&d);
	fixture_at(&f, "2026-03-02T10:30", "spec.c");
	CHECK_OK(motcua_dossier_set_vars(f.ctx, code, VARS({ "approved", "true" })));
	CHECK(fixture_task(&f, code, "return_result") != 0);
	CHECK_OK(motcua_dossier_get(&d, f.ctx, code));
	CHECK_INT(d.incidents, 0);
	motcua_dossier_info_clear(&d);
	fixture_close(&f);
}

static void test_warning_timer_fires_once_and_keeps_the_task(void)
{
	char code[MOTCUA_DOSSIER_CODE_MAX], *timeline = NULL;
	size_t fired = 0;
	fixture f;

	fixture_open(&f);
	CHECK_OK(receive(&f, code, "2026-02-12T16:00", "clerk.d", DISTRICT, "1.004442",
		MOTCUA_CHANNEL_COUNTER));
	CHECK_OK(fixture_complete(&f, code, "2026-02-13T09:00", "clerk.d", "receive", NULL, 0));
	/* due Thursday 12 March 17:00; the warning is two working days before it */
	fixture_at(&f, "2026-03-10T16:00", "admin");
	CHECK_OK(motcua_tick(f.ctx, &fired));
	CHECK_INT(fired, 0);
	fixture_at(&f, "2026-03-10T17:00", "admin");
	CHECK_OK(motcua_tick(f.ctx, &fired));
	CHECK(fired >= 1);
	fixture_at(&f, "2026-03-11T09:00", "admin");
	fired = 0;
	CHECK_OK(motcua_tick(f.ctx, &fired));
	CHECK_INT(fired, 0);
	CHECK(fixture_task(&f, code, "review") != 0);     /* non-interrupting */
	CHECK_OK(motcua_dossier_timeline(&timeline, f.ctx, code, false));
	CHECK_CONTAINS(timeline, "timer.fired");
	CHECK_CONTAINS(timeline, "notified leader");
	CHECK(strstr(strstr(timeline, "timer.fired") + 1, "timer.fired") == NULL);
	free(timeline);
	fixture_close(&f);
}

static void test_withdraw_cancels_open_work(void)
{
	char code[MOTCUA_DOSSIER_CODE_MAX];
	motcua_dossier_info d;
	size_t problems = 9;
	fixture f;

	fixture_open(&f);
	CHECK_OK(receive(&f, code, "2026-03-02T08:00", "clerk.d", DISTRICT, "1.004442",
		MOTCUA_CHANNEL_COUNTER));
	fixture_at(&f, "2026-03-03T08:00", "clerk.d");
	CHECK_OK(motcua_dossier_withdraw(f.ctx, code, "citizen asked"));
	CHECK_OK(motcua_dossier_get(&d, f.ctx, code));
	CHECK_STR(d.status, "withdrawn");
	motcua_dossier_info_clear(&d);
	CHECK(fixture_task(&f, code, "receive") == 0);
	CHECK_ERR(motcua_dossier_withdraw(f.ctx, code, NULL), MOTCUA_ESTATE);
	CHECK_OK(motcua_fsck(&problems, f.ctx, NULL, NULL));
	CHECK_INT(problems, 0);
	fixture_close(&f);
}

/* Two processes receive at once for the same agency and day: every code is distinct and the
 * sequence has no gap. */
static void test_concurrent_receivers_get_unique_codes(void)
{
	motcua_dossier_info *list;
	fixture f;
	size_t n;

	fixture_open(&f);
	for (int child = 0; child < 2; child++) {
		pid_t pid = fork();

		if (pid == 0) {
			motcua_ctx_options opts = MOTCUA_CTX_OPTIONS_INIT;
			motcua_ctx *ctx;
			motcua_receive_options ro = MOTCUA_RECEIVE_OPTIONS_INIT;
			char code[MOTCUA_DOSSIER_CODE_MAX];

			opts.store_dir = f.dir;
			opts.plugin_dir = test_plugin_dir();
			if (motcua_ctx_open(&ctx, &opts) < 0)
				_exit(3);
			motcua_ctx_set_user(ctx, "clerk.c");
			motcua_ctx_set_now(ctx, fixture_time("2026-03-02T09:00"));
			ro.applicant_id = "001086012345";
			for (int i = 0; i < 40; i++)
				if (motcua_dossier_receive(code, ctx, COMMUNE, "2.000815", &ro) < 0)
					_exit(4);
			motcua_ctx_free(ctx);
			_exit(0);
		}
	}
	for (int child = 0; child < 2; child++) {
		int status;

		wait(&status);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	CHECK_OK(motcua_dossier_list(&list, &n, f.ctx, &(motcua_dossier_filter){ .limit = 500 }));
	CHECK_INT(n, 80);
	for (size_t i = 0; i < n; i++) {
		char want[64];

		snprintf(want, sizeof(want), COMMUNE "-260302-%04zu", n - i);
		CHECK_STR(list[i].code, want);
	}
	motcua_dossier_list_free(list, n);
	fixture_close(&f);
}

TEST_MAIN(TEST_CASE(test_construction_permit_across_tet_with_a_pause),
	TEST_CASE(test_refusal_takes_the_other_branch),
	TEST_CASE(test_roles_and_double_completion_change_nothing),
	TEST_CASE(test_gateway_missing_variable_waits_for_it),
	TEST_CASE(test_warning_timer_fires_once_and_keeps_the_task),
	TEST_CASE(test_withdraw_cancels_open_work),
	TEST_CASE(test_concurrent_receivers_get_unique_codes))
