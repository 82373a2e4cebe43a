/* core/error.c — the thread-local last-error slot behind motcua_error_last(). It is the
 * library's only global state besides nothing: one buffer per thread. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

static _Thread_local char last_message[2048];
static _Thread_local int last_code;

const char *motcua_error_last(void)
{
	return last_message;
}

int motcua_error_last_code(void)
{
	return last_code;
}

void motcua_error_clear(void)
{
	last_message[0] = '\0';
	last_code = 0;
}

int mc_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
	va_end(ap);
	last_code = code;
	return code;
}

int mc_error_oom(void)
{
	static const char msg[] = "out of memory";

	memcpy(last_message, msg, sizeof(msg));
	last_code = MOTCUA_ERROR;
	return MOTCUA_ERROR;
}

int mc_error_prefix(int code, const char *fmt, ...)
{
	char prefix[512], rest[sizeof(last_message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	size_t n = strlen(prefix);

	memcpy(rest, last_message, sizeof(rest));
	if (n >= sizeof(last_message))
		n = sizeof(last_message) - 1;
	memcpy(last_message, prefix, n);
	/* the original message, cut to what still fits */
	snprintf(last_message + n, sizeof(last_message) - n, "%.*s",
		(int)(sizeof(last_message) - n - 1), rest);
	last_code = code;
	return code;
}
