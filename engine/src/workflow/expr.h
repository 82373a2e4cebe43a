/* workflow/expr.h — the condition language on sequence flows: the small JUEL subset that
 * Camunda Modeler users write (${approved}, ${!approved}, ${kind == 'online'},
 * ${area > 250 && !urban}). Parsed into a tree by the engine and evaluated against the
 * dossier's variables; never handed to a general interpreter.
 *
 * Grammar:  expr   := '${' or '}'            (surrounding white space allowed)
 *           or     := and ( ('||' | 'or') and )*
 *           and    := unary ( ('&&' | 'and') unary )*
 *           unary  := ('!' | 'not') unary | cmp
 *           cmp    := primary ( ('=='|'!='|'<'|'<='|'>'|'>='|'eq'|'ne'|'lt'|'le'|'gt'|'ge') primary )?
 *           primary:= '(' or ')' | NAME | NUMBER | 'string' | "string" | true | false | null
 * NAME is [A-Za-z_][A-Za-z0-9_]*; a NUMBER may start with '-' (there is no arithmetic).
 * Comparisons of numbers are numeric, of strings byte-wise,
 * == and != work on any two values (different types are unequal). */
#ifndef MC_EXPR_H
#define MC_EXPR_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { MC_VAL_NULL, MC_VAL_BOOL, MC_VAL_NUM, MC_VAL_STR } mc_val_type;

typedef struct {
	mc_val_type type;
	bool b;
	double n;
	const char *s;   /* borrowed; lives as long as whoever produced the value says */
} mc_value;

/* Looks a variable up: 0 and *out set when found, MOTCUA_ENOTFOUND when not. */
typedef int (*mc_var_lookup)(mc_value *out, const char *name, void *payload);

typedef struct mc_expr mc_expr;

/* Parses `text`; `where` (e.g. "permit.bpmn:42: sequenceFlow 'f3'") prefixes error messages,
 * which also say the column. Returns 0 or MOTCUA_EINVALID. */
int mc_expr_parse(mc_expr **out, const char *text, const char *where);

/* Evaluates to a boolean. A missing variable is MOTCUA_ENOTFOUND naming it; a value that is not
 * a boolean where one is needed (the whole result, an operand of !, && or ||) is
 * MOTCUA_EINVALID; an ordering comparison between non-numbers of different types likewise. */
int mc_expr_eval_bool(bool *out, const mc_expr *e, mc_var_lookup lookup, void *payload);

/* The names of the variables the expression reads, in first-use order: *out_names points into
 * the expression and lives as long as it. */
int mc_expr_variables(const char ***out_names, size_t *out_count, const mc_expr *e);

/* The literal values the expression compares `name` with (for the gateway check), each once.
 * *out_values is malloc'd (NULL when there are none) and the caller frees it with free(); its
 * strings point into the expression and live as long as it. */
int mc_expr_constants(mc_value **out_values, size_t *out_count, const mc_expr *e,
	const char *name);

/* The source text, as given. */
const char *mc_expr_text(const mc_expr *e);

void mc_expr_free(mc_expr *e);

#endif
