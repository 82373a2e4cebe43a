/* workflow/plugin.h — loading step-action plugins (dlopen) and running one for a service
 * task, outside any transaction. */
#ifndef MC_PLUGIN_H
#define MC_PLUGIN_H

#include "ctx/ctx.h"
#include "motcua/dossier.h"

void mc_plugins_free(mc_plugins *p);

typedef struct {
	/* in */
	int64_t dossier_id;
	const char *dossier_code, *procedure_code, *agency_code;
	const mc_node *node;
	/* out: variables the plugin set (owned), notes for the audit, the failure message */
	motcua_var *vars;
	size_t n_vars;
	char *notes;
	char *failure;
} mc_plugin_run;

/* Loads (once per context) and runs the node's plugin. Returns 0 when it succeeded,
 * MOTCUA_EPLUGIN when it could not be loaded or failed (run->failure says why). */
int mc_plugin_run_step(motcua_ctx *ctx, mc_plugin_run *run);
void mc_plugin_run_clear(mc_plugin_run *run);

#endif
