/* cli/cmd_trust.c — the trust store: add, list and remove CA certificates and CRLs. The folder
 * is --trust DIR, else $MOTCUA_TRUST, else trust/ inside the store folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/time.h"
#include "motcua/trust.h"

const char *cli_trust_dir(const cli_args *a, char *buf, size_t size)
{
	const char *env = getenv("MOTCUA_TRUST"), *home = getenv("MOTCUA_HOME");

	if (cli_opt(a, "--trust"))
		return cli_opt(a, "--trust");
	if (env && *env)
		return env;
	snprintf(buf, size, "%s/trust", a->store ? a->store : home && *home ? home :
		"./motcua-data");
	return buf;
}

static int cmd_add(cli_args *a)
{
	char buf[4096];
	const char *dir = cli_trust_dir(a, buf, sizeof(buf));
	size_t added, total = 0;
	int error;

	if (a->n_pos == 0)
		return cli_usage(&cli_trust_commands[0], "give at least one FILE");
	for (size_t i = 0; i < a->n_pos; i++) {
		if ((error = motcua_trust_add(&added, dir, a->pos[i], cli_flag(a, "--legacy"))) < 0)
			return cli_fail(error);
		total += added;
	}
	printf("%zu added to %s\n", total, dir);
	return EXIT_OK;
}

static int cmd_list(cli_args *a)
{
	char buf[4096], from[32], to[32];
	const char *dir = cli_trust_dir(a, buf, sizeof(buf));
	motcua_trust_entry *list;
	size_t n;
	int error;

	if ((error = motcua_trust_list(&list, &n, dir)) < 0)
		return cli_fail(error);
	if (a->json)
		printf("[");
	for (size_t i = 0; i < n; i++) {
		const motcua_trust_entry *e = &list[i];

		mc_time_format_date(from, sizeof(from), e->not_before);
		mc_time_format_date(to, sizeof(to), e->not_after);
		if (a->json) {
			printf("%s{\"fingerprint\":\"%s\",\"kind\":\"%s\",\"subject\":", i ? "," : "",
				e->fingerprint, e->is_crl ? "crl" : e->self_signed ? "anchor" :
				"intermediate");
			cli_json_str(e->subject);
			printf(",\"issuer\":");
			cli_json_str(e->issuer);
			printf(",\"legacy\":%s,\"sha1_signed\":%s,\"from\":\"%s\",\"to\":\"%s\"}",
				e->legacy ? "true" : "false", e->sha1_signed ? "true" : "false", from, to);
		} else {
			printf("%.16s  %-12s %s  %s..%s%s%s\n", e->fingerprint, e->is_crl ? "CRL" :
				e->self_signed ? "anchor" : "intermediate", e->subject, from, to,
				e->sha1_signed ? "  SHA-1" : "", e->legacy ? "  legacy" : "");
		}
	}
	if (a->json)
		printf("]\n");
	motcua_trust_list_free(list, n);
	return EXIT_OK;
}

static int cmd_remove(cli_args *a)
{
	char buf[4096];
	const char *dir = cli_trust_dir(a, buf, sizeof(buf));
	int error;

	if (a->n_pos != 1)
		return cli_usage(&cli_trust_commands[2], "give one fingerprint (8+ hex digits)");
	if ((error = motcua_trust_remove(dir, a->pos[0])) < 0)
		return cli_fail(error);
	printf("removed %s\n", a->pos[0]);
	return EXIT_OK;
}

const cli_command cli_trust_commands[] = {
	{ "trust add", "FILE... [--legacy] [--trust DIR]", "add CA certificates or CRLs "
	  "(--legacy: a SHA-1 hierarchy such as the government CA's G1)", "--trust", "--legacy",
	  cmd_add, -1 },
	{ "trust list", "[--trust DIR] [--json]", "the trusted CAs and CRLs", "--trust", NULL,
	  cmd_list, 0 },
	{ "trust remove", "FINGERPRINT [--trust DIR]", "remove a CA or CRL by fingerprint",
	  "--trust", NULL, cmd_remove, 1 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
