/* motcua/common.h — what every motcua header shares: error codes, the context type and the
 * last-error slot. Functions that can fail return 0 or a negative MOTCUA_E* code; the detail,
 * naming the file, line, field or id involved, is in motcua_error_last(). */
#ifndef MOTCUA_COMMON_H
#define MOTCUA_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MOTCUA_VERSION "0.1.0"

enum {
	MOTCUA_OK = 0,
	MOTCUA_ERROR = -1,      /* a system error: I/O, out of memory, SQLite */
	MOTCUA_ENOTFOUND = -3,  /* no such dossier, task, procedure, file */
	MOTCUA_EEXISTS = -4,    /* already there */
	MOTCUA_EINVALID = -5,   /* bad input: the message names the field or line */
	MOTCUA_EDENIED = -6,    /* the user lacks the role or clearance */
	MOTCUA_ESTATE = -7,     /* not allowed in the current state (completed twice, ...) */
	MOTCUA_ECORRUPT = -8,   /* stored data fails its check (hash, chain) */
	MOTCUA_EPLUGIN = -9     /* a plugin could not be loaded or failed */
};

typedef struct motcua_ctx motcua_ctx;

/* The message of the last failure in this thread, or "" when there was none. */
const char *motcua_error_last(void);

/* The code of the last failure in this thread, or 0. */
int motcua_error_last_code(void);

void motcua_error_clear(void);

#endif
