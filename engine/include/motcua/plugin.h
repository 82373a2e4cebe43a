/* motcua/plugin.h — the ABI between the engine and step actions loaded at run time.
 *
 * A plugin is a shared object `<name>.so` in the plugin directory exporting
 * `motcua_plugin_entry`. It does not link against libmotcua: everything it may do goes through
 * the function table in the call. The engine runs a service task's plugin outside any store
 * transaction and at least once (again after a crash or a retry), so a plugin must be safe to
 * run twice. Version 1 of the ABI; a plugin built for another major version is refused. */
#ifndef MOTCUA_PLUGIN_H
#define MOTCUA_PLUGIN_H

#define MOTCUA_PLUGIN_ABI_VERSION 1

typedef struct motcua_plugin_call motcua_plugin_call;

struct motcua_plugin_call {
	unsigned int abi_version;      /* the engine's MOTCUA_PLUGIN_ABI_VERSION */
	const char *dossier_code;
	const char *procedure_code;
	const char *agency_code;
	const char *step_id;           /* the BPMN service task's id */
	long long now;                 /* engine time, UTC seconds */

	/* A parameter from the task's extension properties, or NULL. */
	const char *(*property)(motcua_plugin_call *call, const char *name);
	/* A dossier variable as text ("true", "250", "online"), or NULL when unset. */
	const char *(*var)(motcua_plugin_call *call, const char *name);
	/* Sets a variable: text that reads as true/false or a number is stored as such. Variables
	 * set by a run are saved only if the run succeeds. Returns 0 or a negative code. */
	int (*set_var)(motcua_plugin_call *call, const char *name, const char *value);
	/* A line for the audit trail of this step (ids, no personal data). */
	int (*note)(motcua_plugin_call *call, const char *text);
	/* Explains a failure; return a negative value from run() after calling it. */
	void (*fail)(motcua_plugin_call *call, const char *message);

	void *engine;                  /* the engine's own data: do not touch */
};

typedef struct {
	unsigned int abi_version;      /* MOTCUA_PLUGIN_ABI_VERSION the plugin was built against */
	const char *name;              /* must equal the file name without .so */
	const char *description;
	/* 0 done; negative: failed (the task goes to the error state with the message). */
	int (*run)(motcua_plugin_call *call);
} motcua_plugin;

#define MOTCUA_PLUGIN_ENTRY_SYMBOL "motcua_plugin_entry"
const motcua_plugin *motcua_plugin_entry(void);

#endif
