/* tests/harness/fixture.c — the shared runtime fixture (see fixture.h). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "core/time.h"
#include "test.h"

static const char tet_calendar[] =
	"# Tết 2026 as the acceptance test declares it\n"
	"hours 08:00-17:00\ncutoff 15:00\n"
	"holiday 2026-01-01 Tết Dương lịch\n"
	"holiday 2026-02-16..2026-02-20 Tết Nguyên đán\n";

void fixture_open(fixture *f)
{
	static const char *const procedures[] = { "construction-permit", "birth-registration",
		"copy-certification", "incoming-document", "outgoing-document" };
	static const struct { const char *name, *agency, *roles; } users[] = {
		{ "admin", DISTRICT, "admin" },
		{ "clerk.d", DISTRICT, "clerk" }, { "spec.d", DISTRICT, "specialist" },
		{ "lead.d", DISTRICT, "leader" }, { "clerk.c", COMMUNE, "clerk" },
		{ "spec.c", COMMUNE, "specialist" }, { "lead.c", COMMUNE, "leader" },
	};
	motcua_ctx_options opts = MOTCUA_CTX_OPTIONS_INIT;
	char *cal, path[4096];

	f->dir = test_tmpdir();
	opts.store_dir = f->dir;
	opts.create = true;
	opts.plugin_dir = test_plugin_dir();
	if (motcua_ctx_open(&f->ctx, &opts) < 0) {
		fprintf(stderr, "fixture: %s\n", motcua_error_last());
		abort();
	}
	cal = test_write_file(f->dir, "tet.cal", tet_calendar);
	fixture_at(f, "2026-01-05T08:00", "admin");
	if (motcua_calendar_install(f->ctx, cal) < 0 ||
	    motcua_agency_add(f->ctx, DISTRICT, "UBND huyện Mẫu", "district", NULL) < 0 ||
	    motcua_agency_add(f->ctx, COMMUNE, "UBND xã Mẫu", "commune", DISTRICT) < 0) {
		fprintf(stderr, "fixture: %s\n", motcua_error_last());
		abort();
	}
	free(cal);
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
		if (motcua_user_add(f->ctx, users[i].name, NULL, users[i].agency,
		    users[i].roles) < 0) {
			fprintf(stderr, "fixture: %s\n", motcua_error_last());
			abort();
		}
	for (size_t i = 0; i < sizeof(procedures) / sizeof(procedures[0]); i++) {
		snprintf(path, sizeof(path), "%s/workflows/%s.procedure.xml", test_source_dir(),
			procedures[i]);
		if (motcua_procedure_load(f->ctx, path) < 0) {
			fprintf(stderr, "fixture: %s\n", motcua_error_last());
			abort();
		}
	}
}

void fixture_close(fixture *f)
{
	motcua_ctx_free(f->ctx);
	test_rmdir(f->dir);
	free(f->dir);
}

int64_t fixture_time(const char *when)
{
	int64_t t = 0;

	if (mc_time_parse(&t, when) < 0)
		abort();
	return t;
}

void fixture_at(fixture *f, const char *when, const char *user)
{
	motcua_ctx_set_now(f->ctx, fixture_time(when));
	motcua_ctx_set_user(f->ctx, user);
}

int64_t fixture_task(fixture *f, const char *code, const char *node)
{
	motcua_task_filter filter = { 0 };
	motcua_task_info *tasks;
	int64_t id = 0;
	size_t n;

	filter.dossier = code;
	if (motcua_task_list(&tasks, &n, f->ctx, &filter) < 0)
		return 0;
	for (size_t i = 0; i < n && !id; i++)
		if (strcmp(tasks[i].node, node) == 0)
			id = tasks[i].id;
	motcua_task_list_free(tasks, n);
	return id;
}

int fixture_complete(fixture *f, const char *code, const char *when, const char *user,
	const char *node, const motcua_var *vars, size_t n)
{
	int64_t id = fixture_task(f, code, node);

	fixture_at(f, when, user);
	if (!id) {
		fprintf(stderr, "fixture: %s has no open task '%s'\n", code, node);
		return MOTCUA_ENOTFOUND;
	}
	return motcua_task_complete(f->ctx, id, vars, n);
}

long long fixture_count(fixture *f, const char *table)
{
	char sql[128], path[4096];
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n = -1;

	snprintf(path, sizeof(path), "%s/motcua.db", f->dir);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return n;
}
