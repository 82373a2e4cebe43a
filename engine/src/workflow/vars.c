/* workflow/vars.c — typed dossier variables and the lookup that conditions read them through. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "workflow/vars.h"

#define VAR_NAME_MAX 64
#define VAR_VALUE_MAX 4096

static bool is_number(const char *s, double *out)
{
	char *end;
	double v;

	if (!*s || strlen(s) > 64)
		return false;
	v = strtod(s, &end);
	if (*end || !isfinite(v) || end == s || s[0] == ' ' || s[0] == '+')
		return false;
	/* no hex, no exponent-free oddities like "inf": digits, one dot, minus, exponent only */
	for (const char *p = s; *p; p++)
		if (!strchr("0123456789.-eE", *p))
			return false;
	if (out)
		*out = v;
	return true;
}

static const char *type_of(const char *value)
{
	if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0)
		return "bool";
	return is_number(value, NULL) ? "number" : "string";
}

int mc_var_check(const char *name, const char *value)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > VAR_NAME_MAX || !((name[0] >= 'A' && name[0] <= 'Z') ||
	    (name[0] >= 'a' && name[0] <= 'z') || name[0] == '_'))
		return mc_error(MOTCUA_EINVALID, "variable name '%.80s': must start with a letter "
			"or _ and have at most %d letters, digits or _", name ? name : "",
			VAR_NAME_MAX);
	for (size_t i = 1; i < n; i++)
		if (!((name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return mc_error(MOTCUA_EINVALID, "variable name '%.80s': '%c' is not allowed",
				name, name[i]);
	if (!value || strlen(value) > VAR_VALUE_MAX)
		return mc_error(MOTCUA_EINVALID, "variable '%s': value missing or longer than %d "
			"bytes", name, VAR_VALUE_MAX);
	return 0;
}

int mc_var_set(motcua_ctx *ctx, int64_t dossier_id, const char *name, const char *value)
{
	static const char sql[] =
		"INSERT INTO variable(dossier_id, name, type, value) VALUES(?, ?, ?, ?)"
		" ON CONFLICT(dossier_id, name) DO UPDATE SET type = excluded.type,"
		" value = excluded.value";
	sqlite3_stmt *st;
	int error;

	if ((error = mc_var_check(name, value)) < 0 ||
	    (error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, dossier_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, type_of(value), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, value, -1, SQLITE_STATIC);
	return mc_store_exec_int(NULL, ctx->store, st);
}

int mc_vars_set(motcua_ctx *ctx, int64_t dossier_id, const motcua_var *vars, size_t n)
{
	int error;

	for (size_t i = 0; i < n; i++)
		if ((error = mc_var_set(ctx, dossier_id, vars[i].name, vars[i].value)) < 0)
			return error;
	return 0;
}

int mc_var_get(char **value, char **type, motcua_ctx *ctx, int64_t dossier_id,
	const char *name)
{
	static const char sql[] =
		"SELECT type, value FROM variable WHERE dossier_id = ? AND name = ?";
	sqlite3_stmt *st;
	int error;

	*value = NULL;
	if (type)
		*type = NULL;
	if ((error = mc_store_stmt(&st, ctx->store, sql)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, dossier_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return MOTCUA_ENOTFOUND;
	}
	*value = strdup((const char *)sqlite3_column_text(st, 1));
	if (type)
		*type = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (!*value || (type && !*type)) {
		free(*value);
		if (type)
			free(*type);
		return mc_error_oom();
	}
	return 0;
}

typedef struct {
	motcua_ctx *ctx;
	int64_t dossier_id;
	char **strings;      /* values handed out, freed after the evaluation */
	size_t n;
} lookup_state;

static int lookup(mc_value *out, const char *name, void *payload)
{
	lookup_state *ls = payload;
	char *value, *type;
	void *grown;
	int error;

	if ((error = mc_var_get(&value, &type, ls->ctx, ls->dossier_id, name)) < 0)
		return error;
	if (!(grown = realloc(ls->strings, (ls->n + 1) * sizeof(char *)))) {
		free(value);
		free(type);
		return mc_error_oom();
	}
	ls->strings = grown;
	ls->strings[ls->n++] = value;
	memset(out, 0, sizeof(*out));
	if (strcmp(type, "bool") == 0) {
		out->type = MC_VAL_BOOL;
		out->b = strcmp(value, "true") == 0;
	} else if (strcmp(type, "number") == 0) {
		out->type = MC_VAL_NUM;
		out->n = strtod(value, NULL);
	} else {
		out->type = MC_VAL_STR;
		out->s = value;
	}
	free(type);
	return 0;
}

int mc_vars_eval(bool *out, motcua_ctx *ctx, int64_t dossier_id, const mc_expr *e)
{
	lookup_state ls = { ctx, dossier_id, NULL, 0 };
	int error = mc_expr_eval_bool(out, e, lookup, &ls);

	for (size_t i = 0; i < ls.n; i++)
		free(ls.strings[i]);
	free(ls.strings);
	return error;
}
