/* tests/harness/test.c — the runner behind TEST_MAIN and the helpers for temporary
 * directories, files and commands. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

int test_failures;
const char *test_current = "";

int test_main(int argc, char **argv, const test_case *cases, size_t n)
{
	int ran = 0;

	for (size_t i = 0; i < n; i++) {
		int wanted = argc < 2;

		for (int a = 1; a < argc; a++)
			if (strcmp(argv[a], cases[i].name) == 0)
				wanted = 1;
		if (!wanted)
			continue;
		int before = test_failures;
		test_current = cases[i].name;
		motcua_error_clear();
		cases[i].fn();
		ran++;
		printf("%s %s\n", test_failures == before ? "ok  " : "FAIL", cases[i].name);
		fflush(stdout);
	}
	printf("%d cases, %d failed checks\n", ran, test_failures);
	return test_failures || ran == 0 ? 1 : 0;
}

char *test_tmpdir(void)
{
	const char *base = getenv("MOTCUA_TEST_TMP");
	char *path;

	if (!base || !*base)
		base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&path, "%s/motcua-test-XXXXXX", base) < 0)
		abort();
	if (!mkdtemp(path)) {
		perror(path);
		abort();
	}
	return path;
}

void test_rmdir(const char *path)
{
	char *cmd;

	if (!path || !*path || getenv("MOTCUA_TEST_KEEP"))
		return;
	if (asprintf(&cmd, "rm -rf '%s'", path) < 0)
		abort();
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
	free(cmd);
}

char *test_write_file(const char *dir, const char *name, const char *data)
{
	char *path;
	FILE *f;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		abort();
	if (!(f = fopen(path, "wb")) || fwrite(data, 1, strlen(data), f) != strlen(data)) {
		perror(path);
		abort();
	}
	fclose(f);
	return path;
}

char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    !(data = malloc((size_t)n + 1))) {
		fclose(f);
		return NULL;
	}
	if (fread(data, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(data);
		return NULL;
	}
	fclose(f);
	data[n] = '\0';
	if (len)
		*len = (size_t)n;
	return data;
}

int test_run(char **out, const char *fmt, ...)
{
	char *cmd, *full, chunk[4096];
	size_t size = 0, n;
	char *text = NULL;
	va_list ap;
	FILE *p;
	int status;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (asprintf(&full, "%s 2>&1", cmd) < 0)
		abort();
	if (!(p = popen(full, "r")))
		abort();
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		text = realloc(text, size + n + 1);
		memcpy(text + size, chunk, n);
		size += n;
	}
	if (!text)
		text = calloc(1, 1);
	text[size] = '\0';
	status = pclose(p);
	free(cmd);
	free(full);
	if (out)
		*out = text;
	else
		free(text);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const char *test_source_dir(void)
{
	return MC_SOURCE_DIR;
}

const char *test_motcua_bin(void)
{
	return MC_MOTCUA_BIN;
}

const char *test_plugin_dir(void)
{
	return MC_PLUGIN_DIR;
}
