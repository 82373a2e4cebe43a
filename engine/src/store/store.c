/* store/store.c — opening the SQLite store (WAL, foreign keys, busy timeout, durable commits),
 * applying migrations, caching prepared statements, and transactions. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "store/migrations.h"
#include "store/store.h"

#define STMT_CACHE 128

struct mc_store {
	sqlite3 *db;
	char *dir;
	bool in_tx;
	struct {
		const char *sql;
		sqlite3_stmt *stmt;
	} cache[STMT_CACHE];
	size_t n_cache;
};

int mc_store_error(mc_store *s, const char *what)
{
	int rc = s && s->db ? sqlite3_extended_errcode(s->db) : 0;
	int code = (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB ?
		MOTCUA_ECORRUPT : MOTCUA_ERROR;

	return mc_error(code, "%s/%s: %s: %s", s && s->dir ? s->dir : "?", MC_STORE_DB, what,
		s && s->db ? sqlite3_errmsg(s->db) : "no database");
}

static int exec(mc_store *s, const char *sql, const char *what)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return mc_store_error(s, what);
	return 0;
}

static int user_version(int *out, mc_store *s)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return mc_store_error(s, "reading the schema version");
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : mc_store_error(s, "reading the schema version");
}

static int migrate(mc_store *s, int target)
{
	int version, error;
	char pragma[64];

	if ((error = user_version(&version, s)) < 0)
		return error;
	if (version > mc_migration_count)
		return mc_error(MOTCUA_ECORRUPT, "%s/%s: schema version %d is newer than this "
			"motcua knows (%d): upgrade motcua", s->dir, MC_STORE_DB, version,
			mc_migration_count);
	while (version < target) {
		if ((error = mc_store_begin(s)) < 0)
			return error;
		/* someone else may have migrated while we waited for the lock */
		if ((error = user_version(&version, s)) < 0 || version >= target) {
			mc_store_rollback(s);
			return error;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", version + 1);
		if ((error = exec(s, mc_migrations[version + 1], "applying a migration")) < 0 ||
		    (error = exec(s, pragma, "recording the schema version")) < 0 ||
		    (error = mc_store_commit(s)) < 0) {
			mc_store_rollback(s);
			return mc_error_prefix(error, "migration %d: ", version + 1);
		}
		version++;
	}
	return 0;
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0750) < 0 && errno != EEXIST)
		return mc_error(MOTCUA_ERROR, "%s: cannot create folder: %s", path, strerror(errno));
	return 0;
}

int mc_store_open_at(mc_store **out, const char *dir, bool create, int version)
{
	mc_store *s;
	char path[PATH_MAX], blobs[PATH_MAX];
	struct stat st;
	int error, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	*out = NULL;
	if (snprintf(path, sizeof(path), "%s/%s", dir, MC_STORE_DB) >= (int)sizeof(path) ||
	    snprintf(blobs, sizeof(blobs), "%s/%s", dir, MC_STORE_BLOBS) >= (int)sizeof(blobs))
		return mc_error(MOTCUA_EINVALID, "%s: store path too long", dir);
	if (create) {
		if ((error = make_dir(dir)) < 0 || (error = make_dir(blobs)) < 0)
			return error;
		flags |= SQLITE_OPEN_CREATE;
	} else if (stat(path, &st) < 0) {
		return mc_error(MOTCUA_ENOTFOUND, "%s: no motcua store here (run 'motcua init')",
			dir);
	}
	if (!(s = calloc(1, sizeof(*s))) || !(s->dir = strdup(dir))) {
		free(s);
		return mc_error_oom();
	}
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		error = mc_store_error(s, "opening");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 10000);
	/* WAL lets readers run beside the writer; synchronous=FULL makes every commit durable
	 * (an fsync of the WAL), which the crash test holds us to. */
	if ((error = exec(s, "PRAGMA journal_mode=WAL", "setting WAL mode")) < 0 ||
	    (error = exec(s, "PRAGMA synchronous=FULL", "setting durable commits")) < 0 ||
	    (error = exec(s, "PRAGMA foreign_keys=ON", "enabling foreign keys")) < 0 ||
	    (error = exec(s, "PRAGMA trusted_schema=OFF", "distrusting the schema")) < 0 ||
	    (error = migrate(s, version)) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	mc_store_close(s);
	return error;
}

int mc_store_open(mc_store **out, const char *dir, bool create)
{
	return mc_store_open_at(out, dir, create, mc_migration_count);
}

void mc_store_close(mc_store *s)
{
	if (!s)
		return;
	if (s->in_tx)
		mc_store_rollback(s);
	for (size_t i = 0; i < s->n_cache; i++)
		sqlite3_finalize(s->cache[i].stmt);
	sqlite3_close(s->db);
	free(s->dir);
	free(s);
}

sqlite3 *mc_store_db(mc_store *s)
{
	return s->db;
}

const char *mc_store_dir(const mc_store *s)
{
	return s->dir;
}

int mc_store_schema_version(mc_store *s)
{
	int v;

	return user_version(&v, s) < 0 ? -1 : v;
}

int mc_store_latest_version(void)
{
	return mc_migration_count;
}

int mc_store_stmt(sqlite3_stmt **out, mc_store *s, const char *sql)
{
	sqlite3_stmt *st;

	for (size_t i = 0; i < s->n_cache; i++) {
		if (s->cache[i].sql == sql) {
			st = s->cache[i].stmt;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			*out = st;
			return 0;
		}
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return mc_store_error(s, "preparing a statement");
	if (s->n_cache == STMT_CACHE) {
		/* more distinct statements than expected: keep the oldest, drop the newest slot */
		sqlite3_finalize(s->cache[STMT_CACHE - 1].stmt);
		s->n_cache--;
	}
	s->cache[s->n_cache].sql = sql;
	s->cache[s->n_cache].stmt = st;
	s->n_cache++;
	*out = st;
	return 0;
}

char *mc_store_col_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *text = sqlite3_column_text(st, col);

	return text ? strdup((const char *)text) : NULL;
}

int mc_store_exec_int(int64_t *out, mc_store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		if (out)
			*out = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return out ? MOTCUA_ENOTFOUND : 0;
	return mc_store_error(s, "running a statement");
}

int mc_store_begin(mc_store *s)
{
	if (s->in_tx)
		return mc_error(MOTCUA_ERROR, "internal: nested transaction");
	if (exec(s, "BEGIN IMMEDIATE", "starting a transaction") < 0)
		return MOTCUA_ERROR;
	s->in_tx = true;
	return 0;
}

int mc_store_commit(mc_store *s)
{
	if (exec(s, "COMMIT", "committing") < 0)
		return MOTCUA_ERROR;
	s->in_tx = false;
	return 0;
}

void mc_store_rollback(mc_store *s)
{
	if (!s->in_tx)
		return;
	/* statements still stepping would keep the transaction's locks */
	for (size_t i = 0; i < s->n_cache; i++)
		sqlite3_reset(s->cache[i].stmt);
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = false;
}

bool mc_store_in_tx(mc_store *s)
{
	return s->in_tx;
}
