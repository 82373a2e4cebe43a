/* cli/cmd_check.c — the clock and the checks: tick, audit verify, fsck, stats. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/time.h"

static int cmd_tick(cli_args *a)
{
	motcua_ctx *ctx;
	size_t fired = 0;
	int rc, error;

	if ((rc = cli_open(&ctx, a, false)) != EXIT_OK)
		return rc;
	if ((error = motcua_tick(ctx, &fired)) < 0)
		rc = cli_fail(error);
	else if (a->json)
		printf("{\"fired\":%zu}\n", fired);
	else
		printf("%zu timer(s) fired or task(s) run\n", fired);
	motcua_ctx_free(ctx);
	return rc;
}

static int cmd_audit_verify(cli_args *a)
{
	motcua_audit_report r;
	motcua_ctx *ctx;
	int rc, error;

	if ((rc = cli_open(&ctx, a, false)) != EXIT_OK)
		return rc;
	error = motcua_audit_verify(&r, ctx);
	if (a->json) {
		printf("{\"ok\":%s,\"events\":%lld,\"first_bad\":%lld,\"head\":\"%s\",\"error\":",
			error == 0 ? "true" : "false", (long long)r.events, (long long)r.first_bad,
			r.head);
		cli_json_str(error ? motcua_error_last() : NULL);
		printf("}\n");
	} else if (error == 0) {
		printf("audit chain intact: %lld events, head %s\n", (long long)r.events, r.head);
	}
	if (error < 0)
		rc = a->json ? (error == MOTCUA_ECORRUPT ? EXIT_NO : EXIT_USAGE) : cli_fail(error);
	motcua_ctx_free(ctx);
	return rc;
}

static void print_problem(const char *line, void *payload)
{
	bool json = *(bool *)payload;

	if (json) {
		cli_json_str(line);
		putchar(',');
	} else {
		printf("%s\n", line);
	}
}

static int cmd_fsck(cli_args *a)
{
	motcua_ctx *ctx;
	size_t problems = 0;
	int rc, error;

	if ((rc = cli_open(&ctx, a, false)) != EXIT_OK)
		return rc;
	if (a->json)
		printf("{\"problems\":[");
	error = motcua_fsck(&problems, ctx, print_problem, &a->json);
	if (a->json)
		printf("null],\"count\":%zu}\n", problems);
	else if (error == 0)
		printf("store is consistent\n");
	if (error < 0)
		rc = a->json && error == MOTCUA_ECORRUPT ? EXIT_NO : cli_fail(error);
	motcua_ctx_free(ctx);
	return rc;
}

static void print_row_json(const motcua_stats_row *r)
{
	printf("{\"procedure\":");
	cli_json_str(r->procedure);
	printf(",\"name\":");
	cli_json_str(r->procedure_name);
	printf(",\"received\":%lld,\"received_online\":%lld,\"finished\":%lld,\"on_time\":%lld,"
		"\"late\":%lld,\"overdue_now\":%lld,\"paused_now\":%lld,\"paused_ever\":%lld,"
		"\"withdrawn\":%lld,\"on_time_rate\":%.4f,\"online_rate\":%.4f}",
		(long long)r->received, (long long)r->received_online, (long long)r->finished,
		(long long)r->on_time, (long long)r->late, (long long)r->overdue_now,
		(long long)r->paused_now, (long long)r->paused_ever, (long long)r->withdrawn,
		r->finished ? (double)r->on_time / (double)r->finished : 0.0,
		r->received ? (double)r->received_online / (double)r->received : 0.0);
}

int cli_print_stats(motcua_ctx *ctx, const motcua_stats_options *opts, bool json)
{
	motcua_stats_row *rows;
	size_t n;
	int error;

	if ((error = motcua_stats(&rows, &n, ctx, opts)) < 0)
		return error;
	if (json) {
		printf("{\"total\":");
		print_row_json(&rows[0]);
		printf(",\"procedures\":[");
		for (size_t i = 1; i < n; i++) {
			printf("%s", i > 1 ? "," : "");
			print_row_json(&rows[i]);
		}
		printf("]}\n");
	} else {
		printf("%-10s %8s %7s %8s %7s %5s %8s %7s  %s\n", "procedure", "received", "online",
			"finished", "on-time", "late", "overdue", "paused", "on-time rate");
		for (size_t i = 0; i < n; i++) {
			const motcua_stats_row *r = &rows[(i + 1) % n];   /* total last */

			char rate[16] = "-";

			if (r->finished)
				snprintf(rate, sizeof(rate), "%.1f%%",
					100.0 * (double)r->on_time / (double)r->finished);
			printf("%-10s %8lld %7lld %8lld %7lld %5lld %8lld %7lld  %s\n",
				r->procedure ? r->procedure : "TOTAL", (long long)r->received,
				(long long)r->received_online, (long long)r->finished,
				(long long)r->on_time, (long long)r->late, (long long)r->overdue_now,
				(long long)r->paused_now, rate);
		}
	}
	motcua_stats_free(rows, n);
	return 0;
}

static int cmd_stats(cli_args *a)
{
	motcua_stats_options opts = MOTCUA_STATS_OPTIONS_INIT;
	motcua_ctx *ctx;
	int rc, error;

	if ((cli_opt(a, "--from") && mc_time_parse(&opts.from, cli_opt(a, "--from")) < 0) ||
	    (cli_opt(a, "--to") && mc_time_parse(&opts.to, cli_opt(a, "--to")) < 0))
		return cli_fail(MOTCUA_EINVALID);
	opts.agency = cli_opt(a, "--agency");
	if ((rc = cli_open(&ctx, a, false)) != EXIT_OK)
		return rc;
	if ((error = cli_print_stats(ctx, &opts, a->json)) < 0)
		rc = cli_fail(error);
	motcua_ctx_free(ctx);
	return rc;
}

const cli_command cli_check_commands[] = {
	{ "tick", "[--now TIME] [--json]", "fire due timers and run waiting service tasks", NULL,
	  NULL, cmd_tick, 0 },
	{ "audit verify", "[--json]", "recompute the audit hash chain; name the first bad event",
	  NULL, NULL, cmd_audit_verify, 0 },
	{ "fsck", "[--json]", "re-hash every blob and check every reference", NULL, NULL,
	  cmd_fsck, 0 },
	{ "stats", "[--from DATE] [--to DATE] [--agency CODE] [--json]",
	  "indicators: received, online, finished on time, late, overdue, paused",
	  "--from --to --agency", NULL, cmd_stats, 0 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
