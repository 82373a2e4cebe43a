/* workflow/vars.h — dossier variables: typed (bool, number, string) from the text a user or a
 * plugin gives, stored per dossier, read by gateway conditions. */
#ifndef MC_VARS_H
#define MC_VARS_H

#include "ctx/ctx.h"
#include "motcua/dossier.h"
#include "workflow/expr.h"

/* Checks a name ([A-Za-z_][A-Za-z0-9_]*, at most 64) and a value (at most 4096 bytes, UTF-8). */
int mc_var_check(const char *name, const char *value);

/* Stores name=value for the dossier (inside the caller's transaction). */
int mc_var_set(motcua_ctx *ctx, int64_t dossier_id, const char *name, const char *value);
int mc_vars_set(motcua_ctx *ctx, int64_t dossier_id, const motcua_var *vars, size_t n);

/* The variable's text and type ("bool", "number", "string"), malloc'd; MOTCUA_ENOTFOUND. */
int mc_var_get(char **value, char **type, motcua_ctx *ctx, int64_t dossier_id,
	const char *name);

/* A condition evaluated against a dossier's variables. */
int mc_vars_eval(bool *out, motcua_ctx *ctx, int64_t dossier_id, const mc_expr *e);

#endif
