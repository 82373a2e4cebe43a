/* cli/cmd_admin.c — setting a store up: init, agencies, users, the calendar, procedures, and
 * checking workflow files. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Loads every *.procedure.xml in dir, in name order. */
int cli_load_procedures(motcua_ctx *ctx, const char *dir, bool quiet)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), error = 0;

	if (n < 0) {
		fprintf(stderr, "motcua: %s: cannot read the folder\n", dir);
		return EXIT_USAGE;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);
		char path[4096];

		if (error == 0 && len > 14 && strcmp(name + len - 14, ".procedure.xml") == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			if ((error = motcua_procedure_load(ctx, path)) == 0 && !quiet)
				printf("loaded %s\n", path);
		}
		free(names[i]);
	}
	free(names);
	return error < 0 ? cli_fail(error) : EXIT_OK;
}

static int cmd_init(cli_args *a)
{
	const char *workflows = cli_opt(a, "--workflows");
	motcua_ctx *ctx;
	int rc, error;

	if ((rc = cli_open(&ctx, a, true)) != EXIT_OK)
		return rc;
	if (a->calendar && (error = motcua_calendar_install(ctx, a->calendar)) < 0)
		rc = cli_fail(error);
	if (rc == EXIT_OK && workflows)
		rc = cli_load_procedures(ctx, workflows, false);
	if (rc == EXIT_OK)
		printf("store ready\n");
	motcua_ctx_free(ctx);
	return rc;
}

static int cmd_agency_add(cli_args *a)
{
	motcua_ctx *ctx;
	int rc, error;

	if (a->n_pos != 1 || !cli_opt(a, "--name") || !cli_opt(a, "--level"))
		return cli_usage(&cli_admin_commands[1], "give CODE, --name and --level");
	if ((rc = cli_open(&ctx, a, false)) != EXIT_OK)
		return rc;
	if ((error = motcua_agency_add(ctx, a->pos[0], cli_opt(a, "--name"),
	    cli_opt(a, "--level"), cli_opt(a, "--parent"))) < 0)
		rc = cli_fail(error);
	motcua_ctx_free(ctx);
	return rc;
}

static int cmd_user_add(cli_args *a)
{
	motcua_ctx *ctx;
	int rc, error;

	if (a->n_pos != 1 || !cli_opt(a, "--agency") || !cli_opt(a, "--roles"))
		return cli_usage(&cli_admin_commands[2], "give NAME, --agency and --roles");
	if ((rc = cli_open(&ctx, a, false)) != EXIT_OK)
		return rc;
	if ((error = motcua_user_add(ctx, a->pos[0], cli_opt(a, "--full-name"),
	    cli_opt(a, "--agency"), cli_opt(a, "--roles"))) < 0)
		rc = cli_fail(error);
	motcua_ctx_free(ctx);
	return rc;
}

static int cmd_calendar_set(cli_args *a)
{
	motcua_ctx *ctx;
	int rc, error;

	if (a->n_pos != 1)
		return cli_usage(&cli_admin_commands[3], "give one calendar FILE");
	if ((rc = cli_open(&ctx, a, false)) != EXIT_OK)
		return rc;
	if ((error = motcua_calendar_install(ctx, a->pos[0])) < 0)
		rc = cli_fail(error);
	motcua_ctx_free(ctx);
	return rc;
}

static int cmd_procedure_load(cli_args *a)
{
	motcua_ctx *ctx;
	int rc, error;

	if (a->n_pos == 0)
		return cli_usage(&cli_admin_commands[4], "give at least one descriptor FILE");
	if ((rc = cli_open(&ctx, a, false)) != EXIT_OK)
		return rc;
	for (size_t i = 0; i < a->n_pos && rc == EXIT_OK; i++) {
		if ((error = motcua_procedure_load(ctx, a->pos[i])) < 0)
			rc = cli_fail(error);
		else
			printf("loaded %s\n", a->pos[i]);
	}
	motcua_ctx_free(ctx);
	return rc;
}

static int cmd_procedure_list(cli_args *a)
{
	motcua_procedure_info *list;
	motcua_ctx *ctx;
	size_t n;
	int rc, error;

	if ((rc = cli_open(&ctx, a, false)) != EXIT_OK)
		return rc;
	if ((error = motcua_procedure_list(&list, &n, ctx)) < 0) {
		motcua_ctx_free(ctx);
		return cli_fail(error);
	}
	if (a->json)
		printf("[");
	for (size_t i = 0; i < n; i++) {
		if (a->json) {
			printf("%s{\"code\":", i ? "," : "");
			cli_json_str(list[i].code);
			printf(",\"name\":");
			cli_json_str(list[i].name);
			printf(",\"limit\":%u,\"unit\":\"%s\",\"fee\":%lld,\"online\":",
				list[i].limit, list[i].unit, (long long)list[i].fee);
			cli_json_str(list[i].online);
			printf(",\"process\":");
			cli_json_str(list[i].process_id);
			printf("}");
		} else
			printf("%-10s %3u %-13s %-8s %s\n", list[i].code, list[i].limit,
				list[i].unit, list[i].online, list[i].name);
	}
	if (a->json)
		printf("]\n");
	motcua_procedure_list_free(list, n);
	motcua_ctx_free(ctx);
	return EXIT_OK;
}

static int cmd_workflow_check(cli_args *a)
{
	int rc = EXIT_OK;

	if (a->n_pos == 0)
		return cli_usage(&cli_admin_commands[6], "give at least one FILE");
	for (size_t i = 0; i < a->n_pos; i++) {
		if (motcua_workflow_check(a->pos[i]) < 0) {
			fprintf(stderr, "%s\n", motcua_error_last());
			rc = EXIT_NO;
		} else {
			printf("%s: ok\n", a->pos[i]);
		}
	}
	return rc;
}

const cli_command cli_admin_commands[] = {
	{ "init", "[--calendar FILE] [--workflows DIR]",
	  "make a store; install a calendar; load the procedures in a folder",
	  "--workflows", NULL, cmd_init, 0 },
	{ "agency add", "CODE --name NAME --level province|department|district|commune "
	  "[--parent CODE]", "add an agency", "--name --level --parent", NULL, cmd_agency_add, 1 },
	{ "user add", "NAME --agency CODE --roles clerk,specialist,leader,office,admin "
	  "[--full-name TEXT]", "add a user with roles at an agency",
	  "--agency --roles --full-name", NULL, cmd_user_add, 1 },
	{ "calendar set", "FILE", "check and install the working-day calendar", NULL, NULL,
	  cmd_calendar_set, 1 },
	{ "procedure load", "FILE.procedure.xml...", "register procedures and their processes",
	  NULL, NULL, cmd_procedure_load, -1 },
	{ "procedure list", "[--json]", "list the registered procedures", NULL, NULL,
	  cmd_procedure_list, 0 },
	{ "workflow check", "FILE...", "check BPMN files or procedure descriptors", NULL, NULL,
	  cmd_workflow_check, -1 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
