/* plugins/notify — tells a role about a dossier (the property "to"); until connectors to mail,
 * SMS and the national portal exist, the notice is the audit trail's note, which the role's
 * task list and the logs show. Counts the notices in a variable so a process can test it. */
#include <stdio.h>
#include <stdlib.h>

#include "motcua/plugin.h"

static int run(motcua_plugin_call *call)
{
	const char *to = call->property(call, "to");
	const char *sent = call->var(call, "notices_sent");
	char note[256], count[32];

	if (!to || !*to) {
		call->fail(call, "step has no 'to' property naming the role to notify");
		return -1;
	}
	snprintf(note, sizeof(note), "notified %.64s about %.64s at step %.64s", to,
		call->dossier_code, call->step_id);
	snprintf(count, sizeof(count), "%ld", (sent ? strtol(sent, NULL, 10) : 0) + 1);
	if (call->set_var(call, "notices_sent", count) < 0) {
		call->fail(call, "could not count the notice");
		return -1;
	}
	call->note(call, note);
	return 0;
}

static const motcua_plugin plugin = {
	MOTCUA_PLUGIN_ABI_VERSION, "notify", "notifies a role about a dossier", run
};

const motcua_plugin *motcua_plugin_entry(void)
{
	return &plugin;
}
