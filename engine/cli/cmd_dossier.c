/* cli/cmd_dossier.c — dossiers: receive, show (with tasks and timeline), list, and the actions
 * on a whole dossier. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/time.h"

static void print_dossier_json(const motcua_dossier_info *d)
{
	char t[4][32];

	printf("{\"code\":");
	cli_json_str(d->code);
	printf(",\"agency\":");
	cli_json_str(d->agency);
	printf(",\"procedure\":");
	cli_json_str(d->procedure);
	printf(",\"procedure_name\":");
	cli_json_str(d->procedure_name);
	printf(",\"channel\":\"%s\",\"status\":\"%s\",\"outcome\":", d->channel, d->status);
	cli_json_str(d->outcome);
	printf(",\"received_at\":\"%s\",\"clock_start\":\"%s\",\"due_at\":%s%s%s,"
		"\"finished_at\":%s%s%s,\"paused_working_seconds\":%lld,\"pauses\":%d,"
		"\"on_time\":%s,\"overdue\":%s,\"incidents\":%d}",
		cli_time(t[0], d->received_at), cli_time(t[1], d->clock_start),
		d->due_at ? "\"" : "", d->due_at ? cli_time(t[2], d->due_at) : "null",
		d->due_at ? "\"" : "", d->finished_at ? "\"" : "",
		d->finished_at ? cli_time(t[3], d->finished_at) : "null", d->finished_at ? "\"" : "",
		(long long)d->paused_seconds, d->pause_count, d->on_time ? "true" : "false",
		d->overdue ? "true" : "false", d->incidents);
}

static int cmd_receive(cli_args *a)
{
	motcua_receive_options opts = MOTCUA_RECEIVE_OPTIONS_INIT;
	const char *channel = cli_opt(a, "--channel"), *at = cli_opt(a, "--at");
	char code[MOTCUA_DOSSIER_CODE_MAX];
	motcua_ctx *ctx;
	int rc, error;

	if (!cli_opt(a, "--procedure") || !cli_opt(a, "--agency") || !cli_opt(a, "--applicant"))
		return cli_usage(&cli_dossier_commands[0], "give --procedure, --agency and "
			"--applicant");
	if (channel && strcmp(channel, "online") == 0)
		opts.channel = MOTCUA_CHANNEL_ONLINE;
	else if (channel && strcmp(channel, "post") == 0)
		opts.channel = MOTCUA_CHANNEL_POST;
	else if (channel && strcmp(channel, "counter") != 0)
		return cli_usage(&cli_dossier_commands[0], "--channel is counter, online or post");
	opts.applicant_id = cli_opt(a, "--applicant");
	opts.applicant_name = cli_opt(a, "--applicant-name");
	opts.vars = a->vars;
	opts.n_vars = a->n_vars;
	if (at && mc_time_parse(&opts.received_at, at) < 0)
		return cli_fail(MOTCUA_EINVALID);
	if ((rc = cli_open(&ctx, a, false)) != EXIT_OK)
		return rc;
	if ((error = motcua_dossier_receive(code, ctx, cli_opt(a, "--agency"),
	    cli_opt(a, "--procedure"), &opts)) < 0) {
		rc = cli_fail(error);
	} else if (a->json) {
		motcua_dossier_info d;

		if ((error = motcua_dossier_get(&d, ctx, code)) < 0) {
			rc = cli_fail(error);
		} else {
			print_dossier_json(&d);
			printf("\n");
			motcua_dossier_info_clear(&d);
		}
	} else {
		printf("%s\n", code);
	}
	motcua_ctx_free(ctx);
	return rc;
}

static void print_tasks(motcua_ctx *ctx, const char *code, bool json)
{
	motcua_task_filter f = { 0 };
	motcua_task_info *tasks;
	size_t n;

	f.dossier = code;
	if (motcua_task_list(&tasks, &n, ctx, &f) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (json) {
			printf("%s{\"id\":%lld,\"node\":", i ? "," : "", (long long)tasks[i].id);
			cli_json_str(tasks[i].node);
			printf(",\"name\":");
			cli_json_str(tasks[i].name);
			printf(",\"role\":");
			cli_json_str(tasks[i].role);
			printf(",\"state\":\"%s\",\"assignee\":", tasks[i].state);
			cli_json_str(tasks[i].assignee);
			printf(",\"error\":");
			cli_json_str(tasks[i].error);
			printf("}");
		} else {
			printf("  task %-5lld %-8s %-10s %-18s %s%s%s\n", (long long)tasks[i].id,
				tasks[i].state, tasks[i].role ? tasks[i].role : tasks[i].plugin,
				tasks[i].node, tasks[i].name, tasks[i].error ? ": " : "",
				tasks[i].error ? tasks[i].error : "");
		}
	}
	motcua_task_list_free(tasks, n);
}

static int cmd_show(cli_args *a)
{
	motcua_dossier_info d;
	motcua_ctx *ctx;
	char *timeline = NULL, t[4][32];
	int rc, error;

	if (a->n_pos != 1)
		return cli_usage(&cli_dossier_commands[1], "give one dossier CODE");
	if ((rc = cli_open(&ctx, a, false)) != EXIT_OK)
		return rc;
	if ((error = motcua_dossier_get(&d, ctx, a->pos[0])) < 0 ||
	    (error = motcua_dossier_timeline(&timeline, ctx, a->pos[0], a->json)) < 0) {
		motcua_ctx_free(ctx);
		return cli_fail(error);
	}
	if (a->json) {
		printf("{\"dossier\":");
		print_dossier_json(&d);
		printf(",\"tasks\":[");
		print_tasks(ctx, d.code, true);
		printf("],\"timeline\":%s}\n", timeline);
	} else {
		printf("dossier    %s\nprocedure  %s %s\nagency     %s\nchannel    %s\n"
			"status     %s%s%s\nreceived   %s\nclock from %s\ndue        %s\n"
			"finished   %s%s\npaused     %d time(s), %.1f working hours\n",
			d.code, d.procedure, d.procedure_name, d.agency, d.channel, d.status,
			d.outcome ? " / " : "", d.outcome ? d.outcome : "",
			cli_time(t[0], d.received_at), cli_time(t[1], d.clock_start),
			cli_time(t[2], d.due_at), cli_time(t[3], d.finished_at),
			d.finished_at ? (d.on_time ? " (on time)" : " (late)") :
			d.overdue ? " (overdue)" : "", d.pause_count, d.paused_seconds / 3600.0);
		printf("open tasks:\n");
		print_tasks(ctx, d.code, false);
		printf("timeline:\n%s", timeline);
	}
	free(timeline);
	motcua_dossier_info_clear(&d);
	motcua_ctx_free(ctx);
	return EXIT_OK;
}

static int cmd_list(cli_args *a)
{
	motcua_dossier_filter f = { 0 };
	motcua_dossier_info *list;
	motcua_ctx *ctx;
	size_t n;
	int64_t limit = 0;
	int rc, error;
	char t[2][32];

	f.status = cli_opt(a, "--status");
	f.agency = cli_opt(a, "--agency");
	f.applicant_id = cli_opt(a, "--applicant");
	if (cli_opt(a, "--limit") && (rc = cli_int64(&limit, cli_opt(a, "--limit"), "--limit")))
		return rc;
	f.limit = (size_t)limit;
	if ((rc = cli_open(&ctx, a, false)) != EXIT_OK)
		return rc;
	if ((error = motcua_dossier_list(&list, &n, ctx, &f)) < 0) {
		motcua_ctx_free(ctx);
		return cli_fail(error);
	}
	if (a->json)
		printf("[");
	for (size_t i = 0; i < n; i++) {
		if (a->json) {
			printf("%s", i ? "," : "");
			print_dossier_json(&list[i]);
		} else {
			printf("%-28s %-10s %-10s due %-25s received %s\n", list[i].code,
				list[i].procedure, list[i].status, cli_time(t[0], list[i].due_at),
				cli_time(t[1], list[i].received_at));
		}
	}
	if (a->json)
		printf("]\n");
	motcua_dossier_list_free(list, n);
	motcua_ctx_free(ctx);
	return EXIT_OK;
}

/* The one-dossier actions share their shape: open, act, report. */
static int act(cli_args *a, const cli_command *cmd, int (*fn)(motcua_ctx *, cli_args *))
{
	motcua_ctx *ctx;
	int rc, error;

	if (a->n_pos < 1)
		return cli_usage(cmd, "give the dossier CODE");
	if ((rc = cli_open(&ctx, a, false)) != EXIT_OK)
		return rc;
	if ((error = fn(ctx, a)) < 0)
		rc = cli_fail(error);
	motcua_ctx_free(ctx);
	return rc;
}

static int do_set(motcua_ctx *ctx, cli_args *a)
{
	return motcua_dossier_set_vars(ctx, a->pos[0], a->vars, a->n_vars);
}

static int do_pause(motcua_ctx *ctx, cli_args *a)
{
	return motcua_dossier_pause(ctx, a->pos[0], cli_opt(a, "--reason"));
}

static int do_resume(motcua_ctx *ctx, cli_args *a)
{
	return motcua_dossier_resume(ctx, a->pos[0]);
}

static int do_withdraw(motcua_ctx *ctx, cli_args *a)
{
	return motcua_dossier_withdraw(ctx, a->pos[0], cli_opt(a, "--reason"));
}

static int do_cancel(motcua_ctx *ctx, cli_args *a)
{
	return motcua_dossier_cancel(ctx, a->pos[0], cli_opt(a, "--reason"));
}

static int do_attach(motcua_ctx *ctx, cli_args *a)
{
	if (a->n_pos != 2)
		return mc_error(MOTCUA_EINVALID, "dossier attach wants CODE FILE");
	return motcua_dossier_attach(ctx, a->pos[0], a->pos[1],
		cli_opt(a, "--kind") ? cli_opt(a, "--kind") : "scan", cli_opt(a, "--name"));
}

static int cmd_set(cli_args *a) { return act(a, &cli_dossier_commands[3], do_set); }
static int cmd_pause(cli_args *a) { return act(a, &cli_dossier_commands[4], do_pause); }
static int cmd_resume(cli_args *a) { return act(a, &cli_dossier_commands[5], do_resume); }
static int cmd_withdraw(cli_args *a) { return act(a, &cli_dossier_commands[6], do_withdraw); }
static int cmd_cancel(cli_args *a) { return act(a, &cli_dossier_commands[7], do_cancel); }
static int cmd_attach(cli_args *a) { return act(a, &cli_dossier_commands[8], do_attach); }

const cli_command cli_dossier_commands[] = {
	{ "dossier receive", "--procedure CODE --agency CODE --applicant ID "
	  "[--applicant-name NAME] [--channel counter|online|post] [--at TIME] [--var k=v]... "
	  "[--json]", "receive a dossier: prints its code",
	  "--procedure --agency --applicant --applicant-name --channel --at --var", NULL,
	  cmd_receive, 0 },
	{ "dossier show", "CODE [--json]", "a dossier, its open tasks and its timeline", NULL,
	  NULL, cmd_show, 1 },
	{ "dossier list", "[--status S] [--agency CODE] [--applicant ID] [--limit N] [--json]",
	  "list dossiers, newest first", "--status --agency --applicant --limit", NULL,
	  cmd_list, 0 },
	{ "dossier set", "CODE --var k=v...", "set variables (and retry a stuck gateway)",
	  "--var", NULL, cmd_set, 1 },
	{ "dossier pause", "CODE [--reason TEXT]", "stop the legal clock: waiting on the citizen",
	  "--reason", NULL, cmd_pause, 1 },
	{ "dossier resume", "CODE", "restart the legal clock; the due time moves", NULL, NULL,
	  cmd_resume, 1 },
	{ "dossier withdraw", "CODE [--reason TEXT]", "the citizen withdraws the dossier",
	  "--reason", NULL, cmd_withdraw, 1 },
	{ "dossier cancel", "CODE [--reason TEXT]", "the agency cancels the dossier", "--reason",
	  NULL, cmd_cancel, 1 },
	{ "dossier attach", "CODE FILE [--kind scan|copy|draft|result|attachment] [--name N]",
	  "store a file and attach it", "--kind --name", NULL, cmd_attach, 2 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
