/* core/buf.h — a growable, always NUL-terminated byte buffer for building strings, SQL
 * results and JSON without fixed-size arrays. */
#ifndef MC_BUF_H
#define MC_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "core/error.h"

typedef struct {
	char *ptr;
	size_t size;
	size_t asize;
	int failed;     /* an allocation failed: later appends do nothing */
} mc_buf;

#define MC_BUF_INIT { NULL, 0, 0, 0 }

int mc_buf_put(mc_buf *b, const char *data, size_t len);
int mc_buf_puts(mc_buf *b, const char *s);
int mc_buf_printf(mc_buf *b, const char *fmt, ...) MC_PRINTF(2, 3);
int mc_buf_vprintf(mc_buf *b, const char *fmt, va_list ap);
/* Appends s as a JSON string literal, quotes included. */
int mc_buf_json_str(mc_buf *b, const char *s);
void mc_buf_clear(mc_buf *b);
/* "" when nothing was appended, never NULL. */
const char *mc_buf_cstr(const mc_buf *b);
/* Hands the string to the caller (who frees it) and resets b. NULL if an append failed. */
char *mc_buf_detach(mc_buf *b);
void mc_buf_free(mc_buf *b);

#endif
