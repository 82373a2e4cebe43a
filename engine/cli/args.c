/* cli/args.c — argument parsing for every command: global options (--store, --user, --json,
 * ...), the command's own options, repeated --var name=value, and positional arguments. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/time.h"

static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

int cli_usage(const cli_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "motcua %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: motcua %s %s\n", cmd->name, cmd->usage);
	return EXIT_USAGE;
}

int cli_parse(cli_args *a, const cli_command *cmd, int argc, char **argv)
{
	static const char *const globals[] = { "--store", "--user", "--plugins", "--calendar",
		"--now" };

	memset(a, 0, sizeof(*a));
	for (int i = 0; i < argc; i++) {
		const char *arg = strcmp(argv[i], "-o") == 0 ? "--out" : argv[i];
		const char **global = NULL;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			a->help = true;
			continue;
		}
		if (strcmp(arg, "--json") == 0) {
			a->json = true;
			continue;
		}
		if (strncmp(arg, "--", 2) != 0 || strcmp(arg, "-") == 0) {
			if (a->n_pos == CLI_MAX_POS)
				return cli_usage(cmd, "too many arguments");
			a->pos[a->n_pos++] = arg;
			continue;
		}
		if (listed(cmd->flag_opts, arg)) {
			if (a->n_flags < 8)
				a->flags[a->n_flags++] = arg;
			continue;
		}
		for (size_t g = 0; g < sizeof(globals) / sizeof(globals[0]); g++)
			if (strcmp(arg, globals[g]) == 0)
				global = (const char **[]){ &a->store, &a->user, &a->plugins,
					&a->calendar, &a->now }[g];
		if (!global && !listed(cmd->value_opts, arg))
			return cli_usage(cmd, "unknown option %s", arg);
		/* an option's value never starts with "--": that is the next option */
		if (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0)
			return cli_usage(cmd, "%s needs a value", arg);
		if (global) {
			*global = argv[++i];
		} else if (strcmp(arg, "--var") == 0 && listed(cmd->value_opts, "--var")) {
			char *eq = strchr(argv[++i], '=');

			if (!eq || eq == argv[i])
				return cli_usage(cmd, "--var wants name=value, not '%s'", argv[i]);
			if (a->n_vars == CLI_MAX_VARS)
				return cli_usage(cmd, "at most %d --var", CLI_MAX_VARS);
			*eq = '\0';
			a->vars[a->n_vars].name = argv[i];
			a->vars[a->n_vars].value = eq + 1;
			a->n_vars++;
		} else {
			if (a->n_opt == 32)
				return cli_usage(cmd, "too many options");
			a->opt[a->n_opt].name = arg;
			a->opt[a->n_opt].value = argv[++i];
			a->n_opt++;
		}
	}
	if (cmd->max_pos >= 0 && a->n_pos > (size_t)cmd->max_pos && !a->help)
		return cli_usage(cmd, "unexpected argument '%s'", a->pos[cmd->max_pos]);
	if (!a->user)
		a->user = getenv("MOTCUA_USER");
	return EXIT_OK;
}

const char *cli_opt(const cli_args *a, const char *name)
{
	for (size_t i = a->n_opt; i-- > 0;)
		if (strcmp(a->opt[i].name, name) == 0)
			return a->opt[i].value;
	return NULL;
}

bool cli_flag(const cli_args *a, const char *name)
{
	for (size_t i = 0; i < a->n_flags; i++)
		if (strcmp(a->flags[i], name) == 0)
			return true;
	return false;
}

int cli_fail(int error)
{
	const char *msg = motcua_error_last();

	fprintf(stderr, "motcua: %s\n", msg && *msg ? msg : "failed");
	switch (error) {
	case MOTCUA_EINVALID:
	case MOTCUA_ENOTFOUND:
	case MOTCUA_EDENIED:
	case MOTCUA_ESTATE:
	case MOTCUA_ECORRUPT:
	case MOTCUA_EEXISTS:
	case MOTCUA_EPLUGIN:
		return EXIT_NO;
	default:
		return EXIT_USAGE;
	}
}

int cli_open(motcua_ctx **out, const cli_args *a, bool create)
{
	motcua_ctx_options opts = MOTCUA_CTX_OPTIONS_INIT;
	const char *home = getenv("MOTCUA_HOME");
	int error;

	opts.store_dir = a->store ? a->store : home && *home ? home : "./motcua-data";
	opts.create = create;
	opts.plugin_dir = a->plugins;
	opts.calendar_file = a->calendar;
	if ((error = motcua_ctx_open(out, &opts)) < 0)
		return cli_fail(error);
	if (a->user && (error = motcua_ctx_set_user(*out, a->user)) < 0) {
		motcua_ctx_free(*out);
		return cli_fail(error);
	}
	if (a->now) {
		int64_t t;

		if ((error = mc_time_parse(&t, a->now)) < 0) {
			motcua_ctx_free(*out);
			return cli_fail(error);
		}
		motcua_ctx_set_now(*out, t);
	}
	return EXIT_OK;
}

const char *cli_time(char *buf, int64_t t)
{
	if (!t)
		return strcpy(buf, "-");
	return mc_time_format(buf, 32, t);
}

int cli_int64(int64_t *out, const char *text, const char *what)
{
	char *end;
	long long v;

	errno = 0;
	v = text ? strtoll(text, &end, 10) : 0;
	if (!text || !*text || *end || errno || v <= 0) {
		fprintf(stderr, "motcua: %s '%s' is not a positive number\n", what,
			text ? text : "");
		return EXIT_USAGE;
	}
	*out = v;
	return EXIT_OK;
}

void cli_json_str(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}
