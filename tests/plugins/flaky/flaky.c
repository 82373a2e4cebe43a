/* tests/plugins/flaky — a plugin for tests: fails while the dossier variable `fail` is true,
 * with the message in `fail_message`, and otherwise sets `flaky_ran`. */
#include <string.h>

#include "motcua/plugin.h"

static int run(motcua_plugin_call *call)
{
	const char *fail = call->var(call, "fail");

	if (fail && strcmp(fail, "true") == 0) {
		const char *msg = call->var(call, "fail_message");

		call->fail(call, msg ? msg : "flaky failed as asked");
		return -1;
	}
	return call->set_var(call, "flaky_ran", "true");
}

static const motcua_plugin plugin = {
	MOTCUA_PLUGIN_ABI_VERSION, "flaky", "fails on demand, for tests", run
};

const motcua_plugin *motcua_plugin_entry(void)
{
	return &plugin;
}
