/* core/buf.c — the growable string buffer. An allocation failure is sticky, so a long chain
 * of appends needs one check at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static int grow(mc_buf *b, size_t extra)
{
	size_t need, n;
	char *p;

	if (b->failed)
		return MOTCUA_ERROR;
	need = b->size + extra + 1;
	if (need <= b->asize)
		return 0;
	n = b->asize ? b->asize : 64;
	while (n < need)
		n *= 2;
	if (!(p = realloc(b->ptr, n))) {
		b->failed = 1;
		return mc_error_oom();
	}
	b->ptr = p;
	b->asize = n;
	return 0;
}

int mc_buf_put(mc_buf *b, const char *data, size_t len)
{
	if (grow(b, len) < 0)
		return MOTCUA_ERROR;
	memcpy(b->ptr + b->size, data, len);
	b->size += len;
	b->ptr[b->size] = '\0';
	return 0;
}

int mc_buf_puts(mc_buf *b, const char *s)
{
	return mc_buf_put(b, s, strlen(s));
}

int mc_buf_vprintf(mc_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0 || grow(b, (size_t)n) < 0)
		return MOTCUA_ERROR;
	vsnprintf(b->ptr + b->size, (size_t)n + 1, fmt, ap);
	b->size += (size_t)n;
	return 0;
}

int mc_buf_printf(mc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = mc_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return error;
}

int mc_buf_json_str(mc_buf *b, const char *s)
{
	const unsigned char *p;

	if (!s)
		return mc_buf_puts(b, "null");
	mc_buf_put(b, "\"", 1);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': mc_buf_put(b, "\\\"", 2); break;
		case '\\': mc_buf_put(b, "\\\\", 2); break;
		case '\n': mc_buf_put(b, "\\n", 2); break;
		case '\r': mc_buf_put(b, "\\r", 2); break;
		case '\t': mc_buf_put(b, "\\t", 2); break;
		default:
			if (*p < 0x20)
				mc_buf_printf(b, "\\u%04x", *p);
			else
				mc_buf_put(b, (const char *)p, 1);
		}
	}
	return mc_buf_put(b, "\"", 1);
}

void mc_buf_clear(mc_buf *b)
{
	b->size = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

const char *mc_buf_cstr(const mc_buf *b)
{
	return b->ptr ? b->ptr : "";
}

char *mc_buf_detach(mc_buf *b)
{
	char *p = b->failed ? NULL : b->ptr;

	if (!p && !b->failed)
		p = strdup("");
	if (b->failed)
		free(b->ptr);
	b->ptr = NULL;
	b->size = b->asize = 0;
	b->failed = 0;
	return p;
}

void mc_buf_free(mc_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->size = b->asize = 0;
	b->failed = 0;
}
