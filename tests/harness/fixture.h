/* tests/harness/fixture.h — a fresh store with a district and a commune, their staff, the
 * Tết-2026 calendar and the sample procedures, for the runtime tests. */
#ifndef MC_TEST_FIXTURE_H
#define MC_TEST_FIXTURE_H

#include "motcua/admin.h"
#include "motcua/ctx.h"
#include "motcua/dossier.h"
#include "motcua/task.h"

#define DISTRICT "000.00.21.H99"
#define COMMUNE "000.21.31.H99"

typedef struct {
	char *dir;
	motcua_ctx *ctx;
} fixture;

/* Makes the store; every sample procedure in workflows/ is loaded. */
void fixture_open(fixture *f);
void fixture_close(fixture *f);

/* Sets the clock ("2026-02-12T16:00", Vietnam time) and the acting user. */
void fixture_at(fixture *f, const char *when, const char *user);
int64_t fixture_time(const char *when);

/* The id of the dossier's open task at `node`, or 0. */
int64_t fixture_task(fixture *f, const char *code, const char *node);

/* Completes the dossier's open task at node as user at when; returns the API's result. */
int fixture_complete(fixture *f, const char *code, const char *when, const char *user,
	const char *node, const motcua_var *vars, size_t n);

/* Counts rows of a table, to show an action changed nothing. */
long long fixture_count(fixture *f, const char *table);

#endif
