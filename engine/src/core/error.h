/* core/error.h — setting the thread-local last error. Set it once, where the failure is
 * understood, and return the code up unchanged. */
#ifndef MC_ERROR_H
#define MC_ERROR_H

#include "motcua/common.h"

#if defined(__GNUC__)
#define MC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MC_PRINTF(a, b)
#endif

/* Records the message and returns code, so callers can write `return mc_error(...)`. */
int mc_error(int code, const char *fmt, ...) MC_PRINTF(2, 3);

/* Out of memory: never allocates. */
int mc_error_oom(void);

/* Prepends context ("file.bpmn: ") to the current message, keeping the code. */
int mc_error_prefix(int code, const char *fmt, ...) MC_PRINTF(2, 3);

#endif
