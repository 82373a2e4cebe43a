/* tests/harness/test.h — the test harness: cases are plain functions, checks print the file,
 * line and motcua's last error, and main() runs every case (or the ones named on the command
 * line) and exits non-zero when any check failed. Each test file is one ctest test. */
#ifndef MC_TEST_H
#define MC_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "motcua/common.h"

extern int test_failures;
extern const char *test_current;

#define CHECK(cond) do { \
	if (!(cond)) { \
		test_failures++; \
		fprintf(stderr, "%s:%d: %s: CHECK(%s) failed; last error: %s\n", __FILE__, \
			__LINE__, test_current, #cond, motcua_error_last()); \
	} \
} while (0)

#define CHECK_OK(expr) do { \
	int check_rc_ = (expr); \
	if (check_rc_ < 0) { \
		test_failures++; \
		fprintf(stderr, "%s:%d: %s: %s returned %d: %s\n", __FILE__, __LINE__, \
			test_current, #expr, check_rc_, motcua_error_last()); \
	} \
} while (0)

#define CHECK_ERR(expr, code) do { \
	int check_rc_ = (expr); \
	if (check_rc_ != (code)) { \
		test_failures++; \
		fprintf(stderr, "%s:%d: %s: %s returned %d, expected %d (%s); last error: %s\n", \
			__FILE__, __LINE__, test_current, #expr, check_rc_, (int)(code), #code, \
			motcua_error_last()); \
	} \
} while (0)

#define CHECK_INT(a, b) do { \
	long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
	if (check_a_ != check_b_) { \
		test_failures++; \
		fprintf(stderr, "%s:%d: %s: %s == %lld, expected %lld\n", __FILE__, __LINE__, \
			test_current, #a, check_a_, check_b_); \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *check_a_ = (a), *check_b_ = (b); \
	if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) { \
		test_failures++; \
		fprintf(stderr, "%s:%d: %s: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
			test_current, #a, check_a_ ? check_a_ : "(null)", \
			check_b_ ? check_b_ : "(null)"); \
	} \
} while (0)

/* Whether haystack contains needle (NULL-safe). */
#define CHECK_CONTAINS(haystack, needle) do { \
	const char *check_h_ = (haystack), *check_n_ = (needle); \
	if (!check_h_ || !strstr(check_h_, check_n_)) { \
		test_failures++; \
		fprintf(stderr, "%s:%d: %s: \"%s\" does not contain \"%s\"\n", __FILE__, \
			__LINE__, test_current, check_h_ ? check_h_ : "(null)", check_n_); \
	} \
} while (0)

typedef struct {
	const char *name;
	void (*fn)(void);
} test_case;

#define TEST_CASE(fn) { #fn, fn }

/* Runs the cases; argv[1..] may name some of them. */
int test_main(int argc, char **argv, const test_case *cases, size_t n);

#define TEST_MAIN(...) \
	int main(int argc, char **argv) { \
		static const test_case cases_[] = { __VA_ARGS__ }; \
		return test_main(argc, argv, cases_, sizeof(cases_) / sizeof(cases_[0])); \
	}

/* A fresh directory under the build tree's tmp (or $TMPDIR); removed by test_rmdir. */
char *test_tmpdir(void);
void test_rmdir(const char *path);

/* Writes data to dir/name and returns the malloc'd path. */
char *test_write_file(const char *dir, const char *name, const char *data);

/* Reads a whole file (NUL-terminated); NULL when it cannot. */
char *test_read_file(const char *path, size_t *len);

/* Runs a shell command, capturing stdout+stderr into *out (malloc'd); returns the exit status
 * (or -1). */
int test_run(char **out, const char *fmt, ...);

/* The source tree's root (from the build) and the motcua program's path. */
const char *test_source_dir(void);
const char *test_motcua_bin(void);
const char *test_plugin_dir(void);

#endif
