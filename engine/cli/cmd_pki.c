/* cli/cmd_pki.c — keys and signatures: the demo PKI, signing PDFs as PAdES, verifying them.
 * Passwords come from a file or the environment, never from the command line (where any
 * user of the machine could read them in the process list). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/time.h"
#include "motcua/pades.h"

static int cmd_pki_demo(cli_args *a)
{
	int error;

	if (a->n_pos != 1)
		return cli_usage(&cli_pki_commands[0], "give the folder to write the demo PKI in");
	if ((error = motcua_pki_demo(a->pos[0])) < 0)
		return cli_fail(error);
	printf("demo PKI written to %s (PKCS#12 password: motcua)\n", a->pos[0]);
	return EXIT_OK;
}

/* The password for a PKCS#12 file: --password-file, else $MOTCUA_PASSWORD. */
static int password(char **out, const cli_args *a)
{
	const char *file = cli_opt(a, "--password-file"), *env = getenv("MOTCUA_PASSWORD");
	size_t len;
	int error;

	*out = NULL;
	if (file) {
		if ((error = mc_read_file(out, &len, file)) < 0)
			return error;
		while (len && ((*out)[len - 1] == '\n' || (*out)[len - 1] == '\r'))
			(*out)[--len] = '\0';
		return 0;
	}
	*out = strdup(env ? env : "");
	return *out ? 0 : mc_error_oom();
}

static int load_signer(motcua_signer **out, const cli_args *a)
{
	char *pass = NULL;
	int error;

	if (cli_opt(a, "--pkcs11")) {
		const char *file = cli_opt(a, "--pin-file"), *env = getenv("MOTCUA_PIN");
		size_t len;

		if (file && (error = mc_read_file(&pass, &len, file)) < 0)
			return error;
		if (pass)
			pass[strcspn(pass, "\r\n")] = '\0';
		else if (!(pass = strdup(env ? env : "")))
			return mc_error_oom();
		error = cli_opt(a, "--cert") ? motcua_signer_load_pkcs11(out, cli_opt(a, "--pkcs11"),
			pass, cli_opt(a, "--module"), cli_opt(a, "--cert"), cli_opt(a, "--chain")) :
			mc_error(MOTCUA_EINVALID, "--pkcs11 needs --cert: the token key's certificate");
	} else if (cli_opt(a, "--p12")) {
		if ((error = password(&pass, a)) == 0)
			error = motcua_signer_load_p12(out, cli_opt(a, "--p12"), pass);
	} else if (cli_opt(a, "--key") && cli_opt(a, "--cert")) {
		if ((error = password(&pass, a)) == 0)
			error = motcua_signer_load_pem(out, cli_opt(a, "--key"), cli_opt(a, "--cert"),
				cli_opt(a, "--chain"), *pass ? pass : NULL);
	} else {
		error = mc_error(MOTCUA_EINVALID, "give --p12 FILE, --key FILE and --cert FILE, or "
			"--pkcs11 URI and --cert FILE");
	}
	if (pass)
		memset(pass, 0, strlen(pass));
	free(pass);
	return error;
}

static int sign_options(motcua_sign_options *o, const cli_args *a)
{
	const char *as = cli_opt(a, "--as"), *rect = cli_opt(a, "--rect");
	const char *page = cli_opt(a, "--page"), *at = cli_opt(a, "--at");

	if (!as || strcmp(as, "leader") == 0)
		o->as = MOTCUA_SIGN_LEADER;
	else if (strcmp(as, "agency") == 0)
		o->as = MOTCUA_SIGN_AGENCY;
	else if (strcmp(as, "copy") == 0)
		o->as = MOTCUA_SIGN_COPY;
	else if (strcmp(as, "attachment") == 0)
		o->as = MOTCUA_SIGN_ATTACHMENT;
	else
		return mc_error(MOTCUA_EINVALID, "--as '%s': leader, agency, copy or attachment",
			as);
	if (cli_opt(a, "--profile") && strcmp(cli_opt(a, "--profile"), "B-B") != 0 &&
	    strcmp(cli_opt(a, "--profile"), "B-T") != 0)
		return mc_error(MOTCUA_EINVALID, "--profile %s: this version signs B-B and B-T; "
			"B-LT and B-LTA are coming", cli_opt(a, "--profile"));
	if (cli_opt(a, "--profile") && strcmp(cli_opt(a, "--profile"), "B-T") == 0 &&
	    !(o->tsa_url = cli_opt(a, "--tsa")))
		return mc_error(MOTCUA_EINVALID, "--profile B-T needs --tsa URL, the time-stamping "
			"authority");
	if (rect && sscanf(rect, "%lf,%lf,%lf,%lf", &o->rect[0], &o->rect[1], &o->rect[2],
	    &o->rect[3]) != 4)
		return mc_error(MOTCUA_EINVALID, "--rect '%s': want x,y,w,h in points", rect);
	if (page && (o->page = atoi(page)) < 1)
		return mc_error(MOTCUA_EINVALID, "--page '%s': a page number from 1", page);
	if (at && mc_time_parse(&o->signing_time, at) < 0)
		return MOTCUA_EINVALID;
	o->field = cli_opt(a, "--field");
	o->reason = cli_opt(a, "--reason");
	o->location = cli_opt(a, "--location");
	o->copy_form = cli_opt(a, "--copy-form");
	o->agency_name = cli_opt(a, "--agency-name");
	o->doc_number = cli_opt(a, "--doc-number");
	o->digest = cli_opt(a, "--digest");
	o->invisible = cli_flag(a, "--invisible");
	return 0;
}

static int cmd_sign(cli_args *a)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_signer *signer = NULL;
	int error;

	if (a->n_pos != 1 || !cli_opt(a, "--out"))
		return cli_usage(&cli_pki_commands[1], "give IN.pdf and -o OUT.pdf");
	if ((error = sign_options(&o, a)) < 0 || (error = load_signer(&signer, a)) < 0)
		return cli_fail(error);
	error = motcua_sign_pdf(a->pos[0], cli_opt(a, "--out"), signer, &o);
	if (error == 0)
		printf("%s: signed by %s\n", cli_opt(a, "--out"), motcua_signer_subject(signer));
	motcua_signer_free(signer);
	return error < 0 ? cli_fail(error) : EXIT_OK;
}

static int cmd_verify(cli_args *a)
{
	motcua_verify_report *r;
	char *text;
	int error, rc;

	if (a->n_pos != 1)
		return cli_usage(&cli_pki_commands[2], "give one FILE.pdf");
	if ((error = motcua_verify_pdf(&r, a->pos[0], cli_opt(a, "--trust"))) < 0)
		return cli_fail(error), EXIT_USAGE;   /* could not examine the file */
	text = a->json ? motcua_verify_report_json(r) :
		motcua_verify_report_text(r, cli_opt(a, "--lang"));
	printf("%s\n", text ? text : "");
	rc = motcua_verify_all_passed(r) ? EXIT_OK : EXIT_NO;
	free(text);
	motcua_verify_report_free(r);
	return rc;
}

const cli_command cli_pki_commands[] = {
	{ "pki demo", "DIR", "make a demo PKI: root and issuing CA, leader, seal, TSA, OCSP, CRLs",
	  NULL, NULL, cmd_pki_demo, 1 },
	{ "sign", "IN.pdf -o OUT.pdf [--as leader|agency|copy|attachment] [--profile B-B] "
	  "(--p12 FILE | --key FILE --cert FILE | --pkcs11 URI --cert FILE [--module SO]) "
	  "[--chain FILE] [--password-file FILE] [--pin-file FILE] "
	  "[--profile B-B|B-T --tsa URL] [--field NAME | --page N --rect x,y,w,h] [--invisible] [--reason TEXT] "
	  "[--doc-number TEXT] [--copy-form TEXT] [--agency-name TEXT] [--digest sha256] "
	  "[--at TIME]", "sign a PDF as PAdES (password from $MOTCUA_PASSWORD, PIN from $MOTCUA_PIN)",
	  "--out --as --profile --p12 --key --cert --chain --password-file --pkcs11 --module "
	  "--pin-file --tsa --field --page --rect "
	  "--reason --location --doc-number --copy-form --agency-name --digest --at",
	  "--invisible", cmd_sign, 1 },
	{ "verify", "FILE.pdf [--trust DIR] [--json] [--lang vi|en]",
	  "verify every signature: integrity, modification, trust (exit 0 only if all pass)",
	  "--trust --lang", NULL, cmd_verify, 1 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
