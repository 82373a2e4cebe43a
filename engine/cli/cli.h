/* cli/cli.h — what the motcua command's files share: parsed arguments, the opened context,
 * printing, and exit statuses (0 ok, 1 the answer is "no" or the input invalid, 2 usage or
 * system error). */
#ifndef MC_CLI_H
#define MC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "motcua/admin.h"
#include "motcua/audit.h"
#include "motcua/ctx.h"
#include "motcua/dossier.h"
#include "motcua/pki.h"
#include "motcua/stats.h"
#include "motcua/task.h"

enum { EXIT_OK = 0, EXIT_NO = 1, EXIT_USAGE = 2 };

#define CLI_MAX_VARS 64
#define CLI_MAX_POS 64

/* Options every command understands, and the ones most take. */
typedef struct {
	const char *store;
	const char *user;
	const char *plugins;
	const char *calendar;
	const char *now;
	bool json;
	bool help;
	/* command options: --name value pairs not known globally */
	struct { const char *name, *value; } opt[32];
	size_t n_opt;
	motcua_var vars[CLI_MAX_VARS];
	size_t n_vars;
	const char *pos[CLI_MAX_POS];
	size_t n_pos;
	const char *flags[8];   /* bare --flag options the command declared */
	size_t n_flags;
} cli_args;

typedef struct {
	const char *name;       /* "dossier receive" */
	const char *usage;      /* arguments after the name */
	const char *summary;
	const char *value_opts; /* space-separated options that take a value, e.g. "--agency" */
	const char *flag_opts;  /* space-separated options that take none */
	int (*run)(cli_args *a);
	int max_pos;            /* positional arguments it takes: 0 none, -1 any number */
} cli_command;

/* Parses argv against a command's declared options. Returns EXIT_OK or EXIT_USAGE (message
 * printed). */
int cli_parse(cli_args *a, const cli_command *cmd, int argc, char **argv);
const char *cli_opt(const cli_args *a, const char *name);
bool cli_flag(const cli_args *a, const char *name);

/* Opens the store the arguments name (--store, $MOTCUA_HOME, ./motcua-data). */
int cli_open(motcua_ctx **out, const cli_args *a, bool create);

/* The signer the options name: --p12 FILE, --key FILE --cert FILE [--chain FILE], or
 * --pkcs11 URI --cert FILE [--module SO]; passwords from --password-file or
 * $MOTCUA_PASSWORD, PINs from --pin-file or $MOTCUA_PIN (cli/cmd_pki.c). */
int cli_load_signer(motcua_signer **out, const cli_args *a);

/* Prints motcua's last error to stderr and maps the code to an exit status. */
int cli_fail(int error);
int cli_usage(const cli_command *cmd, const char *fmt, ...);

/* A time as shown to people ("-" for 0). buf of 32. */
const char *cli_time(char *buf, int64_t t);

/* Prints s as a JSON string literal (null for NULL). */
void cli_json_str(const char *s);

int cli_int64(int64_t *out, const char *text, const char *what);

/* The command tables of each file. */
extern const cli_command cli_admin_commands[];
extern const cli_command cli_dossier_commands[];
extern const cli_command cli_task_commands[];
extern const cli_command cli_check_commands[];
extern const cli_command cli_demo_commands[];
extern const cli_command cli_pki_commands[];
extern const cli_command cli_trust_commands[];

/* The trust folder: --trust, $MOTCUA_TRUST, or trust/ in the store folder. */
const char *cli_trust_dir(const cli_args *a, char *buf, size_t size);

int cli_print_stats(motcua_ctx *ctx, const motcua_stats_options *opts, bool json);
int cli_load_procedures(motcua_ctx *ctx, const char *dir, bool quiet);

#endif
