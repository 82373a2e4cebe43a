/* tests/workflow/expr.c — the condition language: every operator and spelling, precedence,
 * literals, the errors a modeler sees (with the column), and random garbage that must never
 * crash the parser. */
#include "workflow/expr.h"
#include "test.h"

typedef struct {
	const char *name;
	mc_value v;
} var;

static const var vars[] = {
	{ "approved", { MC_VAL_BOOL, true, 0, NULL } },
	{ "urban", { MC_VAL_BOOL, false, 0, NULL } },
	{ "area", { MC_VAL_NUM, false, 300, NULL } },
	{ "floors", { MC_VAL_NUM, false, 2.5, NULL } },
	{ "kind", { MC_VAL_STR, false, 0, "online" } },
	{ "note", { MC_VAL_NULL, false, 0, NULL } },
};

static int lookup(mc_value *out, const char *name, void *payload)
{
	(void)payload;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (strcmp(vars[i].name, name) == 0) {
			*out = vars[i].v;
			return 0;
		}
	return MOTCUA_ENOTFOUND;
}

/* 1 true, 0 false, or the error code */
static int eval(const char *text)
{
	mc_expr *e = NULL;
	bool b = false;
	int error;

	if ((error = mc_expr_parse(&e, text, "t.bpmn:7: sequenceFlow 'f1'")) < 0)
		return error;
	error = mc_expr_eval_bool(&b, e, lookup, NULL);
	mc_expr_free(e);
	return error < 0 ? error : b;
}

static void test_comparison_operators_in_both_spellings(void)
{
	CHECK_INT(eval("${area == 300}"), 1);
	CHECK_INT(eval("${area eq 300}"), 1);
	CHECK_INT(eval("${area != 300}"), 0);
	CHECK_INT(eval("${area ne 301}"), 1);
	CHECK_INT(eval("${area < 300}"), 0);
	CHECK_INT(eval("${area lt 300.5}"), 1);
	CHECK_INT(eval("${area <= 300}"), 1);
	CHECK_INT(eval("${area le 299}"), 0);
	CHECK_INT(eval("${area > 250}"), 1);
	CHECK_INT(eval("${area gt 300}"), 0);
	CHECK_INT(eval("${area >= 300}"), 1);
	CHECK_INT(eval("${area ge 301}"), 0);
	CHECK_INT(eval("${250 < area}"), 1);
}

static void test_logical_operators_in_both_spellings(void)
{
	CHECK_INT(eval("${approved}"), 1);
	CHECK_INT(eval("${!approved}"), 0);
	CHECK_INT(eval("${not approved}"), 0);
	CHECK_INT(eval("${!!approved}"), 1);
	CHECK_INT(eval("${approved && urban}"), 0);
	CHECK_INT(eval("${approved and !urban}"), 1);
	CHECK_INT(eval("${approved || urban}"), 1);
	CHECK_INT(eval("${urban or urban}"), 0);
	CHECK_INT(eval("${area > 250 && !urban}"), 1);
	CHECK_INT(eval("${true}"), 1);
	CHECK_INT(eval("${false}"), 0);
}

static void test_and_binds_tighter_than_or(void)
{
	/* true || (false && false) is true; (true || false) && false would be false */
	CHECK_INT(eval("${approved || urban && urban}"), 1);
	CHECK_INT(eval("${(approved || urban) && urban}"), 0);
	CHECK_INT(eval("${urban && urban || approved}"), 1);
	/* ! applies to the whole comparison: !(area == 300) */
	CHECK_INT(eval("${!area == 300}"), 0);
	CHECK_INT(eval("${not (area < 100) and kind == 'online'}"), 1);
}

static void test_strings_in_either_quote_with_escapes(void)
{
	CHECK_INT(eval("${kind == 'online'}"), 1);
	CHECK_INT(eval("${kind == \"online\"}"), 1);
	CHECK_INT(eval("${kind != 'counter'}"), 1);
	CHECK_INT(eval("${kind < 'post'}"), 1);         /* byte-wise */
	CHECK_INT(eval("${'it\\'s' == \"it's\"}"), 1);
	CHECK_INT(eval("${kind == 'Online'}"), 0);
}

static void test_numbers_and_literals(void)
{
	CHECK_INT(eval("${floors == 2.5}"), 1);
	CHECK_INT(eval("${floors > 2}"), 1);
	CHECK_INT(eval("${area == 3e2}"), 1);
	CHECK_INT(eval("${area > -1}"), 1);
	CHECK_INT(eval("${0.5 < .75}"), 1);
	CHECK_INT(eval("${note == null}"), 1);
	CHECK_INT(eval("${kind != null}"), 1);
	CHECK_INT(eval("${area == '300'}"), 0);         /* different types are unequal */
	CHECK_INT(eval("${approved == true}"), 1);
	CHECK_INT(eval("  ${approved}\n\t"), 1);         /* as it comes out of the XML */
}

static void test_missing_variable_is_named(void)
{
	CHECK_INT(eval("${approved && fee > 0}"), MOTCUA_ENOTFOUND);
	CHECK_CONTAINS(motcua_error_last(), "t.bpmn:7: sequenceFlow 'f1'");
	CHECK_CONTAINS(motcua_error_last(), "variable 'fee' is not set");
	/* short-circuit: the right side is not read */
	CHECK_INT(eval("${urban && fee > 0}"), 0);
	CHECK_INT(eval("${approved || fee > 0}"), 1);
}

static void test_type_errors(void)
{
	CHECK_INT(eval("${kind}"), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "variable 'kind' is a string, not a boolean");
	CHECK_INT(eval("${!area}"), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "'area' is a number");
	CHECK_INT(eval("${approved && 'yes'}"), MOTCUA_EINVALID);
	CHECK_INT(eval("${kind > 3}"), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "cannot order a string and a number with '>'");
	CHECK_INT(eval("${approved < urban}"), MOTCUA_EINVALID);
	CHECK_INT(eval("${note < 1}"), MOTCUA_EINVALID);
	CHECK_INT(eval("${1}"), MOTCUA_EINVALID);
}

static void check_parse_error(const char *text, const char *needle)
{
	mc_expr *e = (mc_expr *)1;

	CHECK_ERR(mc_expr_parse(&e, text, "p.bpmn:3: sequenceFlow 'f'"), MOTCUA_EINVALID);
	CHECK(e == NULL);
	CHECK_CONTAINS(motcua_error_last(), "p.bpmn:3: sequenceFlow 'f': condition ");
	CHECK_CONTAINS(motcua_error_last(), needle);
}

static void test_parse_errors_give_the_column(void)
{
	check_parse_error("approved", "column 1: expected '${'");
	check_parse_error("#{approved}", "column 1: expected '${'");
	check_parse_error("${}", "column 3: expected a value, found '}'");
	check_parse_error("${a ==}", "column 7: expected a value, found '}'");
	check_parse_error("${a == 1", "column 9: expected '}', found the end");
	check_parse_error("${a = 1}", "column 5: unexpected character '='");
	check_parse_error("${a & b}", "column 5: unexpected character '&'");
	check_parse_error("${(a}", "column 5: expected ')', found '}'");
	check_parse_error("${a b}", "column 5: expected an operator or '}', found 'b'");
	check_parse_error("${a == 1 == 2}", "column 10: expected an operator or '}'");
	check_parse_error("${kind == 'x}", "column 11: unterminated string");
	check_parse_error("${a > 12abc}", "column 7: bad number '12abc'");
	check_parse_error("${a} junk", "column 6: expected the end after '}'");
	check_parse_error("${a + 1}", "column 5: unexpected character '+'");
	check_parse_error("", "expected '${'");
	check_parse_error("  ${a ==}", "column 7");     /* columns count from the '$' */
}

static void test_nesting_is_bounded(void)
{
	char text[600];
	size_t n = 0;
	mc_expr *e;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "${");
	for (int i = 0; i < 200; i++)
		text[n++] = '(';
	snprintf(text + n, sizeof(text) - n, "a}");
	CHECK_ERR(mc_expr_parse(&e, text, NULL), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "nested too deeply");
}

static void test_variables_in_first_use_order(void)
{
	mc_expr *e;
	const char **names;
	size_t n;

	CHECK_OK(mc_expr_parse(&e, "${kind == 'x' && (area > 3 || kind == 'y') && !urban}", NULL));
	CHECK_OK(mc_expr_variables(&names, &n, e));
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(names[0], "kind");
		CHECK_STR(names[1], "area");
		CHECK_STR(names[2], "urban");
	}
	CHECK_STR(mc_expr_text(e), "${kind == 'x' && (area > 3 || kind == 'y') && !urban}");
	mc_expr_free(e);
}

static void test_constants_compared_with_a_variable(void)
{
	mc_expr *e;
	mc_value *vals;
	size_t n;

	CHECK_OK(mc_expr_parse(&e, "${kind == 'x' || 'y' != kind || kind eq 'x' || area > 250}",
		NULL));
	CHECK_OK(mc_expr_constants(&vals, &n, e, "kind"));
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(vals[0].type, MC_VAL_STR);
		CHECK_STR(vals[0].s, "x");
		CHECK_STR(vals[1].s, "y");
	}
	free(vals);
	CHECK_OK(mc_expr_constants(&vals, &n, e, "area"));
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_INT(vals[0].type, MC_VAL_NUM);
		CHECK(vals[0].n == 250);
	}
	free(vals);
	CHECK_OK(mc_expr_constants(&vals, &n, e, "urban"));
	CHECK_INT(n, 0);
	free(vals);
	mc_expr_free(e);
}

static int any_lookup(mc_value *out, const char *name, void *payload)
{
	unsigned *seed = payload;

	*seed = *seed * 1103515245u + 12345u;
	switch ((*seed >> 16) % 5) {
	case 0: return MOTCUA_ENOTFOUND;
	case 1: out->type = MC_VAL_BOOL; out->b = (*seed >> 8) & 1; break;
	case 2: out->type = MC_VAL_NUM; out->n = (double)((*seed >> 8) % 7); break;
	case 3: out->type = MC_VAL_STR; out->s = name; break;
	default: out->type = MC_VAL_NULL; break;
	}
	return 0;
}

/* Random mutations of real conditions: parse and evaluate must return 0 or an error with a
 * message, never crash (ASan watches the memory). */
static void test_random_conditions_never_crash(void)
{
	static const char *seeds[] = {
		"${approved}", "${!approved}", "${kind == 'online' && area > 250 || !urban}",
		"${not (a lt 3) and b ge 'x' or c ne null}", "${x == \"q\\\"\" && y <= -1.5e3}",
	};
	static const char alphabet[] = "${}()!&|=<>'\"ab_ 019.-eandortrue\\";
	unsigned seed = 12345;
	char text[128];

	for (int i = 0; i < 2000; i++) {
		const char *s = seeds[i % 5];
		size_t n = strlen(s);
		mc_expr *e = NULL;
		bool b;
		int error;

		memcpy(text, s, n + 1);
		for (int k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % (n + 1);

			switch ((seed >> 4) % 4) {
			case 0:
				text[at < n ? at : n - 1] =
					alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
				break;
			case 1: text[at] = '\0'; n = at; break;         /* truncate */
			case 2: if (at < n) text[at] ^= (char)(1u << ((seed >> 20) % 8)); break;
			default: if (n + 1 < sizeof(text)) {                          /* insert */
					memmove(text + at + 1, text + at, n - at + 1);
					text[at] = alphabet[(seed >> 12) % (sizeof(alphabet) - 1)];
					n++;
				}
			}
			n = strlen(text);
			if (n == 0)
				break;
		}
		error = mc_expr_parse(&e, text, "fuzz");
		if (error < 0) {
			CHECK(e == NULL);
			CHECK(motcua_error_last()[0] != '\0');
			continue;
		}
		error = mc_expr_eval_bool(&b, e, any_lookup, &seed);
		CHECK(error == 0 || motcua_error_last()[0] != '\0');
		mc_expr_free(e);
	}
}

TEST_MAIN(TEST_CASE(test_comparison_operators_in_both_spellings),
	TEST_CASE(test_logical_operators_in_both_spellings),
	TEST_CASE(test_and_binds_tighter_than_or),
	TEST_CASE(test_strings_in_either_quote_with_escapes),
	TEST_CASE(test_numbers_and_literals),
	TEST_CASE(test_missing_variable_is_named),
	TEST_CASE(test_type_errors),
	TEST_CASE(test_parse_errors_give_the_column),
	TEST_CASE(test_nesting_is_bounded),
	TEST_CASE(test_variables_in_first_use_order),
	TEST_CASE(test_constants_compared_with_a_variable),
	TEST_CASE(test_random_conditions_never_crash))
