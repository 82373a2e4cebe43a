/* cli/cmd_task.c — the task queue: list, claim, complete with variables, retry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int cmd_list(cli_args *a)
{
	motcua_task_filter f = { 0 };
	motcua_task_info *list;
	motcua_ctx *ctx;
	size_t n;
	char due[32];
	int rc, error;

	f.dossier = cli_opt(a, "--dossier");
	f.role = cli_opt(a, "--role");
	f.state = cli_opt(a, "--state");
	f.mine = cli_flag(a, "--mine");
	if ((rc = cli_open(&ctx, a, false)) != EXIT_OK)
		return rc;
	if ((error = motcua_task_list(&list, &n, ctx, &f)) < 0) {
		motcua_ctx_free(ctx);
		return cli_fail(error);
	}
	if (a->json)
		printf("[");
	for (size_t i = 0; i < n; i++) {
		const motcua_task_info *t = &list[i];

		if (a->json) {
			printf("%s{\"id\":%lld,\"dossier\":", i ? "," : "", (long long)t->id);
			cli_json_str(t->dossier);
			printf(",\"node\":");
			cli_json_str(t->node);
			printf(",\"name\":");
			cli_json_str(t->name);
			printf(",\"kind\":\"%s\",\"role\":", t->kind);
			cli_json_str(t->role);
			printf(",\"plugin\":");
			cli_json_str(t->plugin);
			printf(",\"state\":\"%s\",\"assignee\":", t->state);
			cli_json_str(t->assignee);
			printf(",\"error\":");
			cli_json_str(t->error);
			printf(",\"dossier_due\":");
			if (t->dossier_due)
				printf("\"%s\"", cli_time(due, t->dossier_due));
			else
				printf("null");
			printf("}");
		} else {
			printf("%-6lld %-28s %-8s %-10s %-18s %s%s%s\n", (long long)t->id, t->dossier,
				t->state, t->role ? t->role : t->plugin, t->node, t->name,
				t->error ? ": " : "", t->error ? t->error : "");
		}
	}
	if (a->json)
		printf("]\n");
	motcua_task_list_free(list, n);
	motcua_ctx_free(ctx);
	return EXIT_OK;
}

/* claim, complete and retry take one task id and act as the user. */
static int on_task(cli_args *a, const cli_command *cmd, const char *done)
{
	motcua_ctx *ctx;
	int64_t id;
	int rc, error;

	if (a->n_pos != 1)
		return cli_usage(cmd, "give one task ID");
	if ((rc = cli_int64(&id, a->pos[0], "task ID")) != EXIT_OK ||
	    (rc = cli_open(&ctx, a, false)) != EXIT_OK)
		return rc;
	if (cmd == &cli_task_commands[1])
		error = motcua_task_claim(ctx, id);
	else if (cmd == &cli_task_commands[2])
		error = motcua_task_complete(ctx, id, a->vars, a->n_vars);
	else
		error = motcua_task_retry(ctx, id);
	if (error < 0)
		rc = cli_fail(error);
	else if (!a->json)
		printf("task %lld %s\n", (long long)id, done);
	else
		printf("{\"task\":%lld,\"result\":\"%s\"}\n", (long long)id, done);
	motcua_ctx_free(ctx);
	return rc;
}

static int cmd_claim(cli_args *a) { return on_task(a, &cli_task_commands[1], "claimed"); }
static int cmd_complete(cli_args *a) { return on_task(a, &cli_task_commands[2], "completed"); }
static int cmd_retry(cli_args *a) { return on_task(a, &cli_task_commands[3], "retried"); }

const cli_command cli_task_commands[] = {
	{ "task list", "[--dossier CODE] [--role ROLE] [--state STATE] [--mine] [--json]",
	  "the task queue, most urgent first", "--dossier --role --state", "--mine", cmd_list, 0 },
	{ "task claim", "ID", "take an open task (you need its role at the dossier's agency)",
	  NULL, NULL, cmd_claim, 1 },
	{ "task complete", "ID [--var name=value]...", "finish a task and move the dossier on",
	  "--var", NULL, cmd_complete, 1 },
	{ "task retry", "ID", "run a failed service task again", NULL, NULL, cmd_retry, 1 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
