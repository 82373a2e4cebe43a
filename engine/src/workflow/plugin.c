/* workflow/plugin.c — step-action plugins: shared objects named <plugin>.so in the plugin
 * folder, checked for the ABI version they were built against, kept loaded for the context's
 * life. A plugin name is checked before it becomes part of a path. */
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "motcua/plugin.h"
#include "workflow/plugin.h"
#include "workflow/vars.h"

struct mc_plugins {
	struct {
		char *name;
		void *handle;
		const motcua_plugin *plugin;
	} *items;
	size_t n;
};

void mc_plugins_free(mc_plugins *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->items[i].name);
		dlclose(p->items[i].handle);
	}
	free(p->items);
	free(p);
}

static bool name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		    ((name[i] == '-' || name[i] == '_') && i > 0)))
			return false;
	return true;
}

static int load(const motcua_plugin **out, motcua_ctx *ctx, const char *name)
{
	const motcua_plugin *(*entry)(void);
	const motcua_plugin *plugin;
	char path[PATH_MAX];
	void *handle, *grown;

	if (!ctx->plugins && !(ctx->plugins = calloc(1, sizeof(*ctx->plugins))))
		return mc_error_oom();
	for (size_t i = 0; i < ctx->plugins->n; i++) {
		if (strcmp(ctx->plugins->items[i].name, name) == 0) {
			*out = ctx->plugins->items[i].plugin;
			return 0;
		}
	}
	if (!name_ok(name))
		return mc_error(MOTCUA_EPLUGIN, "plugin '%.80s': not a valid plugin name", name);
	if (snprintf(path, sizeof(path), "%s/%s.so", ctx->plugin_dir, name) >= (int)sizeof(path))
		return mc_error(MOTCUA_EPLUGIN, "plugin '%s': path too long", name);
	if (!(handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)))
		return mc_error(MOTCUA_EPLUGIN, "plugin '%s': cannot load %s: %s", name, path,
			dlerror());
	*(void **)&entry = dlsym(handle, MOTCUA_PLUGIN_ENTRY_SYMBOL);
	if (!entry || !(plugin = entry())) {
		dlclose(handle);
		return mc_error(MOTCUA_EPLUGIN, "plugin '%s': %s has no %s()", name, path,
			MOTCUA_PLUGIN_ENTRY_SYMBOL);
	}
	if (plugin->abi_version != MOTCUA_PLUGIN_ABI_VERSION || !plugin->run ||
	    !plugin->name || strcmp(plugin->name, name) != 0) {
		dlclose(handle);
		return mc_error(MOTCUA_EPLUGIN, "plugin '%s': %s is built for plugin ABI %u (this "
			"engine speaks %d) or names itself otherwise", name, path,
			plugin->abi_version, MOTCUA_PLUGIN_ABI_VERSION);
	}
	grown = realloc(ctx->plugins->items, (ctx->plugins->n + 1) * sizeof(*ctx->plugins->items));
	if (!grown) {
		dlclose(handle);
		return mc_error_oom();
	}
	ctx->plugins->items = grown;
	ctx->plugins->items[ctx->plugins->n].name = strdup(name);
	ctx->plugins->items[ctx->plugins->n].handle = handle;
	ctx->plugins->items[ctx->plugins->n].plugin = plugin;
	if (!ctx->plugins->items[ctx->plugins->n].name) {
		dlclose(handle);
		return mc_error_oom();
	}
	ctx->plugins->n++;
	*out = plugin;
	return 0;
}

/* What the call's functions reach through call->engine. */
typedef struct {
	motcua_ctx *ctx;
	mc_plugin_run *run;
	char **strings;          /* values handed to the plugin; freed after the run */
	size_t n_strings;
	mc_buf notes;
} call_state;

static const char *call_property(motcua_plugin_call *call, const char *name)
{
	call_state *cs = call->engine;

	return name ? mc_node_property(cs->run->node, name) : NULL;
}

static const char *keep(call_state *cs, char *s)
{
	void *grown = realloc(cs->strings, (cs->n_strings + 1) * sizeof(char *));

	if (!grown) {
		free(s);
		return NULL;
	}
	cs->strings = grown;
	cs->strings[cs->n_strings++] = s;
	return s;
}

static const char *call_var(motcua_plugin_call *call, const char *name)
{
	call_state *cs = call->engine;
	char *value;

	/* a value the plugin set in this run wins over the stored one */
	for (size_t i = cs->run->n_vars; i-- > 0;)
		if (strcmp(cs->run->vars[i].name, name) == 0)
			return cs->run->vars[i].value;
	if (!name || mc_var_get(&value, NULL, cs->ctx, cs->run->dossier_id, name) < 0)
		return NULL;
	return keep(cs, value);
}

static int call_set_var(motcua_plugin_call *call, const char *name, const char *value)
{
	call_state *cs = call->engine;
	mc_plugin_run *run = cs->run;
	void *grown;
	char *n, *v;

	if (mc_var_check(name, value) < 0)
		return MOTCUA_EINVALID;
	if (!(grown = realloc(run->vars, (run->n_vars + 1) * sizeof(*run->vars))))
		return MOTCUA_ERROR;
	run->vars = grown;
	n = strdup(name);
	v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		return MOTCUA_ERROR;
	}
	run->vars[run->n_vars].name = n;
	run->vars[run->n_vars].value = v;
	run->n_vars++;
	return 0;
}

static int call_note(motcua_plugin_call *call, const char *text)
{
	call_state *cs = call->engine;

	if (!text)
		return MOTCUA_EINVALID;
	if (cs->notes.size)
		mc_buf_puts(&cs->notes, "; ");
	mc_buf_printf(&cs->notes, "%.500s", text);
	return cs->notes.failed ? MOTCUA_ERROR : 0;
}

static void call_fail(motcua_plugin_call *call, const char *message)
{
	call_state *cs = call->engine;

	free(cs->run->failure);
	cs->run->failure = strdup(message ? message : "failed");
}

int mc_plugin_run_step(motcua_ctx *ctx, mc_plugin_run *run)
{
	call_state cs = { ctx, run, NULL, 0, MC_BUF_INIT };
	const motcua_plugin *plugin;
	motcua_plugin_call call = { 0 };
	int rc;

	if (load(&plugin, ctx, run->node->plugin) < 0) {
		run->failure = strdup(motcua_error_last());
		return MOTCUA_EPLUGIN;
	}
	call.abi_version = MOTCUA_PLUGIN_ABI_VERSION;
	call.dossier_code = run->dossier_code;
	call.procedure_code = run->procedure_code;
	call.agency_code = run->agency_code;
	call.step_id = run->node->id;
	call.now = motcua_ctx_now(ctx);
	call.property = call_property;
	call.var = call_var;
	call.set_var = call_set_var;
	call.note = call_note;
	call.fail = call_fail;
	call.engine = &cs;
	rc = plugin->run(&call);
	for (size_t i = 0; i < cs.n_strings; i++)
		free(cs.strings[i]);
	free(cs.strings);
	run->notes = mc_buf_detach(&cs.notes);
	if (rc < 0) {
		if (!run->failure)
			run->failure = strdup("the plugin failed without saying why");
		return mc_error(MOTCUA_EPLUGIN, "plugin '%s': %s", run->node->plugin,
			run->failure ? run->failure : "failed");
	}
	return 0;
}

void mc_plugin_run_clear(mc_plugin_run *run)
{
	for (size_t i = 0; i < run->n_vars; i++) {
		free((char *)run->vars[i].name);
		free((char *)run->vars[i].value);
	}
	free(run->vars);
	free(run->notes);
	free(run->failure);
	run->vars = NULL;
	run->n_vars = 0;
	run->notes = run->failure = NULL;
}
