/* plugins/receipt — issues the receipt and appointment slip (Giấy tiếp nhận hồ sơ và hẹn trả
 * kết quả): records its number, which is the dossier code, so the clerk can print it. Safe to
 * run twice: it sets the same variables to the same values. */
#include <stdio.h>

#include "motcua/plugin.h"

static int run(motcua_plugin_call *call)
{
	char text[256];

	snprintf(text, sizeof(text), "Giấy tiếp nhận hồ sơ và hẹn trả kết quả số %s",
		call->dossier_code);
	if (call->set_var(call, "receipt_issued", "true") < 0 ||
	    call->set_var(call, "receipt_title", text) < 0) {
		call->fail(call, "could not record the receipt");
		return -1;
	}
	call->note(call, "receipt issued");
	return 0;
}

static const motcua_plugin plugin = {
	MOTCUA_PLUGIN_ABI_VERSION, "receipt",
	"issues the receipt and appointment slip for a dossier", run
};

const motcua_plugin *motcua_plugin_entry(void)
{
	return &plugin;
}
