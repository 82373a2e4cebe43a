/* cli/cmd_pki.c — keys and signatures: the demo PKI, signing PDFs as PAdES (one file, or a
 * batch with one signer), verifying them. Passwords come from a file or the environment, never
 * from the command line (where any user of the machine could read them in the process list). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>
#include <sys/stat.h>

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

int cli_load_signer(motcua_signer **out, const cli_args *a)
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

/* The trust folder for verify and for sealing: as named, or the store's when it has one; none
 * otherwise (every chain then indeterminate, which the report explains). */
static const char *trust_dir(const cli_args *a, char *buf, size_t size)
{
	const char *dir = cli_trust_dir(a, buf, size);

	if (cli_opt(a, "--trust") || getenv("MOTCUA_TRUST"))
		return dir;
	return access(dir, R_OK) == 0 ? dir : NULL;
}

static int sign_options(motcua_sign_options *o, const cli_args *a)
{
	static char trust_buf[4096];     /* lives as long as the options it fills */
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
	else if (strcmp(as, "initials") == 0)
		o->as = MOTCUA_SIGN_INITIALS;
	else
		return mc_error(MOTCUA_EINVALID, "--as '%s': leader, agency, copy, attachment or "
			"initials", as);
	o->trust_dir = trust_dir(a, trust_buf, sizeof(trust_buf));
	o->profile = cli_opt(a, "--profile");
	o->tsa_url = cli_opt(a, "--tsa");
	if (cli_opt(a, "--validation")) {
		/* comma-separated files for the DSS; the strings live as long as argv */
		static const char *files[16];
		static char list[4096];
		char *save = NULL;

		snprintf(list, sizeof(list), "%s", cli_opt(a, "--validation"));
		o->n_validation_files = 0;
		for (char *f = strtok_r(list, ",", &save); f && o->n_validation_files < 16;
		    f = strtok_r(NULL, ",", &save))
			files[o->n_validation_files++] = f;
		o->validation_files = files;
	}
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
	o->image = cli_opt(a, "--image");
	o->text = cli_opt(a, "--text");
	if (cli_opt(a, "--seal-mm") && (o->image_mm = atof(cli_opt(a, "--seal-mm"))) <= 0)
		return mc_error(MOTCUA_EINVALID, "--seal-mm '%s': the seal's width in mm",
			cli_opt(a, "--seal-mm"));
	o->digest = cli_opt(a, "--digest");
	o->invisible = cli_flag(a, "--invisible");
	return 0;
}

typedef struct {
	char **names;
	size_t n;
} file_list;

static void file_list_free(file_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_pdf_name(const char *name)
{
	size_t len = strlen(name);

	return len > 4 && strcasecmp(name + len - 4, ".pdf") == 0;
}

/* Every *.pdf (any case) that is a regular file in dir, as dir/name, sorted. */
static int pdfs_in(file_list *l, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int error = 0;

	if (!d)
		return mc_error(MOTCUA_ENOTFOUND, "%s: cannot read the folder", dir);
	while (error == 0 && (e = readdir(d))) {
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		struct stat st;
		char *path, **grown;

		if (!is_pdf_name(e->d_name))
			continue;
		if (!(path = malloc(len))) {
			error = mc_error_oom();
			break;
		}
		snprintf(path, len, "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (!(grown = realloc(l->names, (l->n + 1) * sizeof(*grown)))) {
			free(path);
			error = mc_error_oom();
			break;
		}
		l->names = grown;
		l->names[l->n++] = path;
	}
	closedir(d);
	if (error == 0 && l->n == 0)
		error = mc_error(MOTCUA_ENOTFOUND, "%s: no *.pdf file in the folder", dir);
	if (error == 0)
		qsort(l->names, l->n, sizeof(*l->names), by_name);
	return error;
}

/* One progress line per file, as it finishes; the library calls this one file at a time, in
 * the thread that signed it, where motcua_error_last() holds that file's message. */
static void batch_progress(size_t done, size_t total, const char *file, int error,
	void *payload)
{
	const char *slash = strrchr(file, '/');

	(void)payload;
	if (error < 0)
		printf("[%zu/%zu] %s: FAILED: %s\n", done, total, slash ? slash + 1 : file,
			motcua_error_last());
	else
		printf("[%zu/%zu] %s: signed\n", done, total, slash ? slash + 1 : file);
	fflush(stdout);
}

static int sign_batch(cli_args *a, const motcua_sign_options *o, motcua_signer *signer)
{
	motcua_batch_options b = MOTCUA_BATCH_OPTIONS_INIT;
	motcua_batch_result *results = NULL;
	const char *out_dir = cli_opt(a, "--out-dir");
	file_list dir = { NULL, 0 };
	const char *const *inputs = a->pos;
	size_t n_inputs = a->n_pos, n = 0, failed;
	struct stat st;
	int error;

	if (cli_opt(a, "--jobs")) {
		int64_t jobs;

		if (cli_int64(&jobs, cli_opt(a, "--jobs"), "--jobs") != EXIT_OK)
			return EXIT_USAGE;
		b.jobs = jobs > 64 ? 64 : (unsigned int)jobs;
	}
	if (n_inputs == 1 && stat(a->pos[0], &st) == 0 && S_ISDIR(st.st_mode)) {
		if ((error = pdfs_in(&dir, a->pos[0])) < 0)
			return cli_fail(error);
		inputs = (const char *const *)dir.names;
		n_inputs = dir.n;
	}
	b.progress = batch_progress;
	error = motcua_sign_batch_ex(&results, &n, inputs, n_inputs, out_dir, signer, o, &b);
	file_list_free(&dir);
	if (error < 0)
		return cli_fail(error);
	failed = motcua_batch_failures(results, n);
	printf("%zu of %zu signed by %s into %s, %zu failed", n - failed, n,
		motcua_signer_subject(signer), out_dir, failed);
	for (size_t i = 0, shown = 0; i < n; i++)
		if (results[i].error < 0)
			printf("%s%s", shown++ ? ", " : ": ", results[i].input);
	printf("\n");
	motcua_batch_results_free(results, n);
	return failed ? EXIT_NO : EXIT_OK;
}

static int cmd_sign(cli_args *a)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_signer *signer = NULL;
	int error;

	if (cli_flag(a, "--batch")) {
		if (a->n_pos == 0 || !cli_opt(a, "--out-dir") || cli_opt(a, "--out"))
			return cli_usage(&cli_pki_commands[1], "give --batch FILE... (or a folder) "
				"and --out-dir DIR");
		if ((error = sign_options(&o, a)) < 0 || (error = cli_load_signer(&signer, a)) < 0)
			return cli_fail(error);
		error = sign_batch(a, &o, signer);
		motcua_signer_free(signer);
		return error;
	}
	if (a->n_pos != 1 || !cli_opt(a, "--out"))
		return cli_usage(&cli_pki_commands[1], "give IN.pdf and -o OUT.pdf");
	if ((error = sign_options(&o, a)) < 0 || (error = cli_load_signer(&signer, a)) < 0)
		return cli_fail(error);
	error = motcua_sign_pdf(a->pos[0], cli_opt(a, "--out"), signer, &o);
	if (error == 0)
		printf("%s: signed by %s\n", cli_opt(a, "--out"), motcua_signer_subject(signer));
	motcua_signer_free(signer);
	return error < 0 ? cli_fail(error) : EXIT_OK;
}

/* Every file an option names, given once or more, each time one or several comma-separated:
 * `--ocsp a.der --ocsp b.der` or `--ocsp a.der,b.der`. The names point into copies, which
 * *copies holds (the caller frees it). */
#define GIVEN_MAX 16

static int given_files(const char **files, size_t *n, char **copies, const cli_args *a,
	const char *name)
{
	size_t total = 0, used = 0;
	char *save = NULL;

	*n = 0;
	*copies = NULL;
	for (size_t i = 0; i < a->n_opt; i++)
		if (strcmp(a->opt[i].name, name) == 0)
			total += strlen(a->opt[i].value) + 1;
	if (!total)
		return 0;
	if (!(*copies = malloc(total)))
		return mc_error_oom();
	for (size_t i = 0; i < a->n_opt; i++) {
		char *list;

		if (strcmp(a->opt[i].name, name) != 0)
			continue;
		list = *copies + used;
		memcpy(list, a->opt[i].value, strlen(a->opt[i].value) + 1);
		used += strlen(a->opt[i].value) + 1;
		for (char *f = strtok_r(list, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
			if (*n == GIVEN_MAX)
				return mc_error(MOTCUA_EINVALID, "%s: at most %d files", name,
					GIVEN_MAX);
			files[(*n)++] = f;
		}
	}
	return 0;
}

static int cmd_verify(cli_args *a)
{
	motcua_verify_options o = MOTCUA_VERIFY_OPTIONS_INIT;
	const char *crls[GIVEN_MAX], *ocsps[GIVEN_MAX];
	char *crl_copy = NULL, *ocsp_copy = NULL;
	motcua_verify_report *r;
	char *text, buf[4096];
	int error, rc;

	if (a->n_pos != 1)
		return cli_usage(&cli_pki_commands[2], "give one FILE.pdf");
	o.trust_dir = trust_dir(a, buf, sizeof(buf));
	o.crl_files = crls;
	o.ocsp_files = ocsps;
	if ((error = given_files(crls, &o.n_crl_files, &crl_copy, a, "--crl")) == 0 &&
	    (error = given_files(ocsps, &o.n_ocsp_files, &ocsp_copy, a, "--ocsp")) == 0)
		error = motcua_verify_pdf_ex(&r, a->pos[0], &o);
	free(crl_copy);
	free(ocsp_copy);
	if (error < 0)
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
	{ "sign", "(IN.pdf -o OUT.pdf | --batch FILE...|DIR --out-dir DIR [--jobs N]) "
	  "[--as leader|agency|copy|attachment|initials] [--image PNG [--seal-mm N]] [--text TEXT] "
	  "(--p12 FILE | --key FILE --cert FILE | --pkcs11 URI --cert FILE [--module SO]) "
	  "[--chain FILE] [--password-file FILE] [--pin-file FILE] "
	  "[--profile B-B|B-T|B-LT|B-LTA --tsa URL [--validation FILE,...]] [--field NAME | --page N --rect x,y,w,h] [--invisible] "
	  "[--reason TEXT] "
	  "[--doc-number TEXT] [--copy-form TEXT] [--agency-name TEXT] [--digest sha256] "
	  "[--at TIME]", "sign a PDF, or a batch with one signer, as PAdES (password from "
	  "$MOTCUA_PASSWORD, PIN from $MOTCUA_PIN); a batch exits 1 if any file failed",
	  "--trust --validation --tsa --out --out-dir --jobs --as --profile --p12 --key --cert --chain --password-file "
	  "--pkcs11 --module "
	  "--pin-file --tsa --field --page --rect "
	  "--reason --location --doc-number --copy-form --agency-name --digest --at --image "
	  "--seal-mm --text",
	  "--invisible --batch", cmd_sign, -1 },
	{ "verify", "FILE.pdf [--trust DIR] [--crl FILE,...] [--ocsp FILE,...] [--json] "
	  "[--lang vi|en] (trust: --trust, $MOTCUA_TRUST or trust/ in the store; --crl: CRLs, "
	  "PEM or DER; --ocsp: OCSP responses, DER; both beside the document's DSS)",
	  "verify every signature: integrity, modification, trust (exit 0 only if all pass)",
	  "--trust --lang --crl --ocsp", NULL, cmd_verify, 1 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
