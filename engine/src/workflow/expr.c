/* workflow/expr.c — the condition language: a tokenizer and a recursive-descent parser into a
 * small tree, and a walker that evaluates the tree against the dossier's variables. Nothing
 * here hands text to an interpreter; what the grammar in expr.h does not name is refused. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "workflow/expr.h"

/* Bounds that keep a hostile condition from exhausting the stack in the parser, the
 * evaluator or the free: real conditions have a handful of nodes. */
#define MAX_NODES 1024
#define MAX_DEPTH 64

typedef enum { N_LIT, N_VAR, N_NOT, N_AND, N_OR, N_CMP } node_kind;
typedef enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE } cmp_op;

typedef struct node {
	node_kind kind;
	cmp_op op;
	mc_value val;            /* N_LIT; a string points at str */
	char *str;               /* N_LIT string or N_VAR name, owned */
	struct node *l, *r;
} node;

struct mc_expr {
	char *text;              /* as given */
	char *where;             /* message prefix, may be NULL */
	node *root;
	const char **vars;       /* point at the N_VAR nodes' names */
	size_t n_vars;
};

typedef enum {
	T_END, T_CLOSE, T_LP, T_RP, T_NOT, T_AND, T_OR, T_CMP,
	T_NAME, T_NUM, T_STR, T_TRUE, T_FALSE, T_NULL
} tok_kind;

typedef struct {
	mc_expr *e;
	const char *src;         /* the condition without surrounding white space */
	size_t len;
	size_t pos;              /* next unread byte */
	tok_kind tok;
	size_t tok_start, tok_len;
	cmp_op op;
	double num;
	char *str;               /* T_STR decoded, T_NAME copied; owned until taken */
	size_t n_nodes;
	int depth;
} parser;

static const char *op_names[] = { "==", "!=", "<", "<=", ">", ">=" };

static void node_free(node *n)
{
	if (!n)
		return;
	node_free(n->l);
	node_free(n->r);
	free(n->str);
	free(n);
}

void mc_expr_free(mc_expr *e)
{
	if (!e)
		return;
	node_free(e->root);
	free(e->vars);
	free(e->text);
	free(e->where);
	free(e);
}

/* Sets an error prefixed with where the condition is and the condition itself, cut short
 * so that a huge condition does not crowd out the reason. */
static int MC_PRINTF(5, 0) vfail(int code, const char *where, const char *src, size_t len,
	const char *fmt, va_list ap)
{
	mc_buf b = MC_BUF_INIT;
	int shown = len > 60 ? 57 : (int)len;

	if (where)
		mc_buf_printf(&b, "%s: ", where);
	mc_buf_printf(&b, "condition %.*s%s: ", shown, src, len > 60 ? "..." : "");
	mc_buf_vprintf(&b, fmt, ap);
	if (b.failed) {
		mc_buf_free(&b);
		return mc_error_oom();
	}
	mc_error(code, "%s", mc_buf_cstr(&b));
	mc_buf_free(&b);
	return code;
}

static int MC_PRINTF(4, 5) fail(const char *where, const char *src, size_t len,
	const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = vfail(MOTCUA_EINVALID, where, src, len, fmt, ap);
	va_end(ap);
	return error;
}

static int parse_fail(parser *p, size_t at, const char *what)
{
	if (p->tok == T_END || at >= p->len)
		return fail(p->e->where, p->src, p->len, "column %zu: %s, found the end", at + 1,
			what);
	return fail(p->e->where, p->src, p->len, "column %zu: %s, found '%.*s'", at + 1, what,
		(int)(p->tok_len > 20 ? 20 : p->tok_len), p->src + p->tok_start);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int scan_string(parser *p)
{
	char quote = p->src[p->pos];
	mc_buf b = MC_BUF_INIT;
	size_t i = p->pos + 1;

	for (; i < p->len && p->src[i] != quote; i++) {
		/* JUEL escapes: \' \" \\ ; any other backslash stays as written */
		if (p->src[i] == '\\' && i + 1 < p->len &&
		    (p->src[i + 1] == '\'' || p->src[i + 1] == '"' || p->src[i + 1] == '\\'))
			i++;
		mc_buf_put(&b, p->src + i, 1);
	}
	if (i >= p->len) {
		mc_buf_free(&b);
		p->tok_len = p->len - p->tok_start;
		return fail(p->e->where, p->src, p->len, "column %zu: unterminated string",
			p->tok_start + 1);
	}
	if (!(p->str = mc_buf_detach(&b)))
		return mc_error_oom();
	p->pos = i + 1;
	p->tok = T_STR;
	return 0;
}

static int scan_number(parser *p)
{
	char tmp[64];
	size_t i = p->pos;

	if (p->src[i] == '-')
		i++;
	while (i < p->len && is_digit(p->src[i]))
		i++;
	if (i < p->len && p->src[i] == '.') {
		i++;
		while (i < p->len && is_digit(p->src[i]))
			i++;
	}
	if (i < p->len && (p->src[i] == 'e' || p->src[i] == 'E')) {
		size_t j = i + 1;

		if (j < p->len && (p->src[j] == '+' || p->src[j] == '-'))
			j++;
		if (j < p->len && is_digit(p->src[j])) {
			while (j < p->len && is_digit(p->src[j]))
				j++;
			i = j;
		}
	}
	p->tok_len = i - p->tok_start;
	if ((i < p->len && (is_name_start(p->src[i]) || p->src[i] == '.')) ||
	    p->tok_len >= sizeof(tmp)) {
		while (i < p->len && (is_name_start(p->src[i]) || is_digit(p->src[i]) ||
		       p->src[i] == '.'))
			i++;
		p->tok_len = i - p->tok_start;
		return fail(p->e->where, p->src, p->len, "column %zu: bad number '%.*s'",
			p->tok_start + 1, (int)(p->tok_len > 20 ? 20 : p->tok_len),
			p->src + p->tok_start);
	}
	memcpy(tmp, p->src + p->tok_start, p->tok_len);
	tmp[p->tok_len] = '\0';
	p->num = strtod(tmp, NULL);
	p->pos = i;
	p->tok = T_NUM;
	return 0;
}

static const struct {
	const char *word;
	tok_kind tok;
	cmp_op op;
} keywords[] = {
	{ "and", T_AND, OP_EQ }, { "or", T_OR, OP_EQ }, { "not", T_NOT, OP_EQ },
	{ "eq", T_CMP, OP_EQ }, { "ne", T_CMP, OP_NE }, { "lt", T_CMP, OP_LT },
	{ "le", T_CMP, OP_LE }, { "gt", T_CMP, OP_GT }, { "ge", T_CMP, OP_GE },
	{ "true", T_TRUE, OP_EQ }, { "false", T_FALSE, OP_EQ }, { "null", T_NULL, OP_EQ },
};

static int scan_name(parser *p)
{
	size_t i = p->pos;

	while (i < p->len && (is_name_start(p->src[i]) || is_digit(p->src[i])))
		i++;
	p->tok_len = i - p->tok_start;
	p->pos = i;
	for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++) {
		if (strlen(keywords[k].word) == p->tok_len &&
		    memcmp(keywords[k].word, p->src + p->tok_start, p->tok_len) == 0) {
			p->tok = keywords[k].tok;
			p->op = keywords[k].op;
			return 0;
		}
	}
	if (!(p->str = strndup(p->src + p->tok_start, p->tok_len)))
		return mc_error_oom();
	p->tok = T_NAME;
	return 0;
}

/* Reads the next token into p->tok; a token the grammar lacks is an error at its column. */
static int next(parser *p)
{
	const char *s = p->src;
	char c, d;

	free(p->str);
	p->str = NULL;
	while (p->pos < p->len && is_space(s[p->pos]))
		p->pos++;
	p->tok_start = p->pos;
	p->tok_len = 1;
	if (p->pos >= p->len) {
		p->tok = T_END;
		p->tok_len = 0;
		return 0;
	}
	c = s[p->pos];
	d = p->pos + 1 < p->len ? s[p->pos + 1] : '\0';
	if (c == '\'' || c == '"')
		return scan_string(p);
	if (is_digit(c) || (c == '.' && is_digit(d)) ||
	    (c == '-' && (is_digit(d) || d == '.')))
		return scan_number(p);
	if (is_name_start(c))
		return scan_name(p);
	p->tok_len = 2;
	if ((c == '&' && d == '&') || (c == '|' && d == '|')) {
		p->tok = c == '&' ? T_AND : T_OR;
	} else if ((c == '=' || c == '!' || c == '<' || c == '>') && d == '=') {
		p->tok = T_CMP;
		p->op = c == '=' ? OP_EQ : c == '!' ? OP_NE : c == '<' ? OP_LE : OP_GE;
	} else {
		p->tok_len = 1;
		switch (c) {
		case '<': p->tok = T_CMP; p->op = OP_LT; break;
		case '>': p->tok = T_CMP; p->op = OP_GT; break;
		case '!': p->tok = T_NOT; break;
		case '(': p->tok = T_LP; break;
		case ')': p->tok = T_RP; break;
		case '}': p->tok = T_CLOSE; break;
		default:
			return fail(p->e->where, p->src, p->len,
				"column %zu: unexpected character '%c'", p->pos + 1,
				(c >= 0x20 && c < 0x7f) ? c : '?');
		}
	}
	p->pos += p->tok_len;
	return 0;
}

static int new_node(node **out, parser *p, node_kind kind)
{
	node *n;

	*out = NULL;
	if (++p->n_nodes > MAX_NODES)
		return fail(p->e->where, p->src, p->len,
			"more than %d operands and operators", MAX_NODES);
	if (!(n = calloc(1, sizeof(*n))))
		return mc_error_oom();
	n->kind = kind;
	*out = n;
	return 0;
}

static int add_variable(mc_expr *e, const char *name)
{
	const char **v;

	for (size_t i = 0; i < e->n_vars; i++)
		if (strcmp(e->vars[i], name) == 0)
			return 0;
	if (!(v = realloc(e->vars, (e->n_vars + 1) * sizeof(*v))))
		return mc_error_oom();
	e->vars = v;
	e->vars[e->n_vars++] = name;
	return 0;
}

static int parse_or(node **out, parser *p);

static int parse_primary(node **out, parser *p)
{
	node *n = NULL;
	int error;

	*out = NULL;
	switch (p->tok) {
	case T_LP:
		if (++p->depth > MAX_DEPTH)
			return parse_fail(p, p->tok_start, "nested too deeply");
		if ((error = next(p)) < 0 || (error = parse_or(&n, p)) < 0)
			goto fail;
		if (p->tok != T_RP) {
			error = parse_fail(p, p->tok_start, "expected ')'");
			goto fail;
		}
		p->depth--;
		break;
	case T_NAME:
		if ((error = new_node(&n, p, N_VAR)) < 0)
			return error;
		n->str = p->str;
		p->str = NULL;
		if ((error = add_variable(p->e, n->str)) < 0)
			goto fail;
		break;
	case T_NUM:
	case T_STR:
	case T_TRUE:
	case T_FALSE:
	case T_NULL:
		if ((error = new_node(&n, p, N_LIT)) < 0)
			return error;
		if (p->tok == T_NUM) {
			n->val.type = MC_VAL_NUM;
			n->val.n = p->num;
		} else if (p->tok == T_STR) {
			n->val.type = MC_VAL_STR;
			n->val.s = n->str = p->str;
			p->str = NULL;
		} else if (p->tok == T_NULL) {
			n->val.type = MC_VAL_NULL;
		} else {
			n->val.type = MC_VAL_BOOL;
			n->val.b = p->tok == T_TRUE;
		}
		break;
	default:
		return parse_fail(p, p->tok_start, "expected a value");
	}
	/* on an error nothing is handed out: callers free only what they hold */
	if ((error = next(p)) < 0)
		goto fail;
	*out = n;
	return 0;
fail:
	node_free(n);
	return error;
}

static int parse_cmp(node **out, parser *p)
{
	node *l = NULL, *n = NULL;
	int error;

	*out = NULL;
	if ((error = parse_primary(&l, p)) < 0)
		return error;
	if (p->tok != T_CMP) {
		*out = l;
		return 0;
	}
	if ((error = new_node(&n, p, N_CMP)) < 0) {
		node_free(l);
		return error;
	}
	n->op = p->op;
	n->l = l;
	if ((error = next(p)) < 0 || (error = parse_primary(&n->r, p)) < 0) {
		node_free(n);
		return error;
	}
	*out = n;
	return 0;
}

static int parse_unary(node **out, parser *p)
{
	node *n = NULL;
	int error;

	*out = NULL;
	if (p->tok != T_NOT)
		return parse_cmp(out, p);
	if (++p->depth > MAX_DEPTH)
		return parse_fail(p, p->tok_start, "nested too deeply");
	if ((error = new_node(&n, p, N_NOT)) < 0)
		return error;
	if ((error = next(p)) < 0 || (error = parse_unary(&n->l, p)) < 0) {
		node_free(n);
		return error;
	}
	p->depth--;
	*out = n;
	return 0;
}

/* One level of a left-associative chain of && or ||. */
static int parse_chain(node **out, parser *p, tok_kind tok, node_kind kind,
	int (*operand)(node **, parser *))
{
	node *l = NULL, *n;
	int error;

	*out = NULL;
	if ((error = operand(&l, p)) < 0)
		return error;
	while (p->tok == tok) {
		if ((error = new_node(&n, p, kind)) < 0)
			goto fail;
		n->l = l;
		l = n;
		if ((error = next(p)) < 0 || (error = operand(&n->r, p)) < 0)
			goto fail;
	}
	*out = l;
	return 0;
fail:
	node_free(l);
	return error;
}

static int parse_and(node **out, parser *p)
{
	return parse_chain(out, p, T_AND, N_AND, parse_unary);
}

static int parse_or(node **out, parser *p)
{
	return parse_chain(out, p, T_OR, N_OR, parse_and);
}

int mc_expr_parse(mc_expr **out, const char *text, const char *where)
{
	parser p = { 0 };
	mc_expr *e;
	int error = 0;

	*out = NULL;
	if (!(e = calloc(1, sizeof(*e))) || !(e->text = strdup(text ? text : "")) ||
	    (where && !(e->where = strdup(where)))) {
		mc_expr_free(e);
		return mc_error_oom();
	}
	p.e = e;
	p.src = e->text;
	p.len = strlen(p.src);
	while (p.len && is_space(p.src[p.len - 1]))
		p.len--;
	while (p.len && is_space(p.src[0])) {
		p.src++;
		p.len--;
	}
	/* '${' and the closing '}' frame the expression; the tokenizer never sees '$' */
	if (p.len < 2 || p.src[0] != '$' || p.src[1] != '{') {
		error = fail(where, p.src, p.len, "column 1: expected '${'");
		goto done;
	}
	p.pos = 2;
	if ((error = next(&p)) < 0 || (error = parse_or(&e->root, &p)) < 0)
		goto done;
	if (p.tok != T_CLOSE) {
		error = parse_fail(&p, p.tok_start,
			p.tok == T_END ? "expected '}'" : "expected an operator or '}'");
		goto done;
	}
	if ((error = next(&p)) < 0)
		goto done;
	if (p.tok != T_END)
		error = parse_fail(&p, p.tok_start, "expected the end after '}'");
done:
	free(p.str);
	if (error < 0) {
		mc_expr_free(e);
		return error;
	}
	*out = e;
	return 0;
}

/* Evaluation */

typedef struct {
	const mc_expr *e;
	mc_var_lookup lookup;
	void *payload;
} evaluator;

static const char *type_name(mc_val_type t)
{
	switch (t) {
	case MC_VAL_NULL: return "null";
	case MC_VAL_BOOL: return "a boolean";
	case MC_VAL_NUM: return "a number";
	default: return "a string";
	}
}

static int eval_fail(const evaluator *ev, int code, const char *fmt, ...) MC_PRINTF(3, 4);

static int eval_fail(const evaluator *ev, int code, const char *fmt, ...)
{
	const char *src = ev->e->text + strspn(ev->e->text, " \t\r\n");
	size_t len = strlen(src);
	va_list ap;
	int error;

	while (len && strchr(" \t\r\n", src[len - 1]))
		len--;
	va_start(ap, fmt);
	error = vfail(code, ev->e->where, src, len, fmt, ap);
	va_end(ap);
	return error;
}

static int eval(mc_value *out, const node *n, const evaluator *ev);

static int eval_bool(bool *out, const node *n, const evaluator *ev, const char *role)
{
	mc_value v;
	int error;

	if ((error = eval(&v, n, ev)) < 0)
		return error;
	if (v.type != MC_VAL_BOOL) {
		if (n->kind == N_VAR)
			return eval_fail(ev, MOTCUA_EINVALID,
				"variable '%s' is %s, not a boolean%s", n->str,
				type_name(v.type), role);
		return eval_fail(ev, MOTCUA_EINVALID, "%s where a boolean is needed%s",
			type_name(v.type), role);
	}
	*out = v.b;
	return 0;
}

static int values_equal(const mc_value *a, const mc_value *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case MC_VAL_NULL: return 1;
	case MC_VAL_BOOL: return a->b == b->b;
	case MC_VAL_NUM: return a->n == b->n;
	default: return strcmp(a->s, b->s) == 0;
	}
}

static int eval_cmp(mc_value *out, const node *n, const evaluator *ev)
{
	mc_value a, b;
	int error, c;

	if ((error = eval(&a, n->l, ev)) < 0 || (error = eval(&b, n->r, ev)) < 0)
		return error;
	out->type = MC_VAL_BOOL;
	if (n->op == OP_EQ || n->op == OP_NE) {
		out->b = values_equal(&a, &b) == (n->op == OP_EQ);
		return 0;
	}
	if (a.type == MC_VAL_NUM && b.type == MC_VAL_NUM)
		c = a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
	else if (a.type == MC_VAL_STR && b.type == MC_VAL_STR)
		c = strcmp(a.s, b.s);
	else
		return eval_fail(ev, MOTCUA_EINVALID, "cannot order %s and %s with '%s'",
			type_name(a.type), type_name(b.type), op_names[n->op]);
	switch (n->op) {
	case OP_LT: out->b = c < 0; break;
	case OP_LE: out->b = c <= 0; break;
	case OP_GT: out->b = c > 0; break;
	default: out->b = c >= 0; break;
	}
	/* NaN from a lookup compares false every way, as in C */
	if (a.type == MC_VAL_NUM && (a.n != a.n || b.n != b.n))
		out->b = false;
	return 0;
}

static int eval(mc_value *out, const node *n, const evaluator *ev)
{
	bool l, r;
	int error;

	memset(out, 0, sizeof(*out));
	switch (n->kind) {
	case N_LIT:
		*out = n->val;
		return 0;
	case N_VAR:
		error = ev->lookup(out, n->str, ev->payload);
		if (error == MOTCUA_ENOTFOUND)
			return eval_fail(ev, MOTCUA_ENOTFOUND, "variable '%s' is not set", n->str);
		if (error < 0)
			return error;
		if (out->type == MC_VAL_STR && !out->s)
			out->s = "";
		return 0;
	case N_NOT:
		if ((error = eval_bool(&l, n->l, ev, " (operand of '!')")) < 0)
			return error;
		out->type = MC_VAL_BOOL;
		out->b = !l;
		return 0;
	case N_AND:
	case N_OR:
		/* short-circuit like JUEL: the right side may read variables not yet set */
		if ((error = eval_bool(&l, n->l, ev, n->kind == N_AND ? " (operand of '&&')" :
		    " (operand of '||')")) < 0)
			return error;
		out->type = MC_VAL_BOOL;
		if (l == (n->kind == N_OR)) {
			out->b = l;
			return 0;
		}
		if ((error = eval_bool(&r, n->r, ev, n->kind == N_AND ? " (operand of '&&')" :
		    " (operand of '||')")) < 0)
			return error;
		out->b = r;
		return 0;
	default:
		return eval_cmp(out, n, ev);
	}
}

int mc_expr_eval_bool(bool *out, const mc_expr *e, mc_var_lookup lookup, void *payload)
{
	evaluator ev = { e, lookup, payload };

	return eval_bool(out, e->root, &ev, "");
}

int mc_expr_variables(const char ***out_names, size_t *out_count, const mc_expr *e)
{
	*out_names = e->vars;
	*out_count = e->n_vars;
	return 0;
}

static int collect_constants(mc_value **vals, size_t *n, const node *nd, const char *name)
{
	const node *lit = NULL;
	mc_value *grown;
	int error;

	if (!nd)
		return 0;
	if (nd->kind == N_CMP) {
		if (nd->l->kind == N_VAR && strcmp(nd->l->str, name) == 0 && nd->r->kind == N_LIT)
			lit = nd->r;
		else if (nd->r->kind == N_VAR && strcmp(nd->r->str, name) == 0 &&
			 nd->l->kind == N_LIT)
			lit = nd->l;
	}
	if (lit) {
		for (size_t i = 0; i < *n; i++)
			if (values_equal(&(*vals)[i], &lit->val))
				return 0;
		if (!(grown = realloc(*vals, (*n + 1) * sizeof(*grown))))
			return mc_error_oom();
		*vals = grown;
		(*vals)[(*n)++] = lit->val;
		return 0;
	}
	if ((error = collect_constants(vals, n, nd->l, name)) < 0)
		return error;
	return collect_constants(vals, n, nd->r, name);
}

int mc_expr_constants(mc_value **out_values, size_t *out_count, const mc_expr *e,
	const char *name)
{
	mc_value *vals = NULL;
	size_t n = 0;
	int error;

	if ((error = collect_constants(&vals, &n, e->root, name)) < 0) {
		free(vals);
		return error;
	}
	*out_values = vals;
	*out_count = n;
	return 0;
}

const char *mc_expr_text(const mc_expr *e)
{
	return e->text;
}
