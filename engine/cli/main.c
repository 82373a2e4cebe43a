/* cli/main.c — the motcua command: finds the command named by the first one or two words and
 * hands it the rest. Every command is thin: it parses, calls the library, prints. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_command *const tables[] = {
	cli_admin_commands, cli_dossier_commands, cli_task_commands, cli_check_commands,
	cli_demo_commands, cli_pki_commands, cli_trust_commands
};

static void print_help(FILE *f, const char *prefix)
{
	fprintf(f, "motcua %s — dossiers and documents through their procedures\n\n"
		"usage: motcua COMMAND [ARGS] [--store DIR] [--user NAME] [--json]\n"
		"The store is --store DIR, else $MOTCUA_HOME, else ./motcua-data; the acting user\n"
		"is --user, else $MOTCUA_USER. --now TIME freezes the clock (ISO 8601, +07:00 if\n"
		"no offset). Exit status: 0 ok, 1 no or invalid, 2 usage or system error.\n\n"
		"commands:\n", MOTCUA_VERSION);
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const cli_command *c = tables[t]; c->name; c++)
			if (!prefix || strncmp(c->name, prefix, strlen(prefix)) == 0)
				fprintf(f, "  %-18s %s\n", c->name, c->summary);
}

static const cli_command *find(int argc, char **argv, int *words)
{
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (const cli_command *c = tables[t]; c->name; c++) {
			const char *space = strchr(c->name, ' ');
			size_t first = space ? (size_t)(space - c->name) : strlen(c->name);

			if (strlen(argv[1]) != first || strncmp(argv[1], c->name, first) != 0)
				continue;
			if (!space) {
				*words = 1;
				return c;
			}
			if (argc > 2 && strcmp(argv[2], space + 1) == 0) {
				*words = 2;
				return c;
			}
		}
	}
	return NULL;
}

/* Global options may come before the command too (`motcua --store D dossier list`): they move
 * behind it, where the command's parser reads them. Returns how many leading words moved. */
static int hoist_globals(int argc, char **argv)
{
	static const char *const with_value[] = { "--store", "--user", "--plugins", "--calendar",
		"--now" };
	char *moved[16];
	int n = 0, i = 1;

	while (i < argc && n < 14) {
		bool value = false;

		for (size_t g = 0; g < sizeof(with_value) / sizeof(with_value[0]); g++)
			value |= strcmp(argv[i], with_value[g]) == 0;
		if (value && i + 1 < argc) {
			moved[n++] = argv[i++];
			moved[n++] = argv[i++];
		} else if (strcmp(argv[i], "--json") == 0) {
			moved[n++] = argv[i++];
		} else {
			break;
		}
	}
	if (n == 0 || i >= argc)
		return 0;
	memmove(argv + 1, argv + 1 + n, (size_t)(argc - 1 - n) * sizeof(char *));
	memcpy(argv + argc - n, moved, (size_t)n * sizeof(char *));
	return n;
}

int main(int argc, char **argv)
{
	const cli_command *cmd;
	cli_args args;
	int words, rc;

	hoist_globals(argc, argv);

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		print_help(stdout, NULL);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("motcua %s\n", MOTCUA_VERSION);
		return EXIT_OK;
	}
	if (!(cmd = find(argc, argv, &words))) {
		fprintf(stderr, "motcua: unknown command '%s%s%s'\n\n", argv[1],
			argc > 2 && argv[2][0] != '-' ? " " : "",
			argc > 2 && argv[2][0] != '-' ? argv[2] : "");
		print_help(stderr, argv[1]);
		return EXIT_USAGE;
	}
	if ((rc = cli_parse(&args, cmd, argc - 1 - words, argv + 1 + words)) != EXIT_OK)
		return rc;
	if (args.help) {
		printf("usage: motcua %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
		return EXIT_OK;
	}
	return cmd->run(&args);
}
