/* store/store.h — the embedded store: one SQLite database in WAL mode beside a folder of
 * content-addressed blobs. Schema changes are numbered migrations applied on open. Writers take
 * the write lock at BEGIN IMMEDIATE, so nothing here assumes it is the only process. */
#ifndef MC_STORE_H
#define MC_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/hash.h"

typedef struct mc_store mc_store;

#define MC_STORE_DB "motcua.db"
#define MC_STORE_BLOBS "blobs"

/* Opens (create: makes) the store in `dir` and migrates it to the newest schema. */
int mc_store_open(mc_store **out, const char *dir, bool create);
/* The same, migrating no further than `version` (tests build old stores with it). */
int mc_store_open_at(mc_store **out, const char *dir, bool create, int version);
void mc_store_close(mc_store *s);

sqlite3 *mc_store_db(mc_store *s);
const char *mc_store_dir(const mc_store *s);
int mc_store_schema_version(mc_store *s);
int mc_store_latest_version(void);

/* A prepared statement for `sql`, reset and with bindings cleared. Statements are cached by the
 * address of the SQL text, which must be a string literal or otherwise live as long as s. */
int mc_store_stmt(sqlite3_stmt **out, mc_store *s, const char *sql);

/* A text column as a malloc'd string, NULL for SQL NULL (or when memory runs out). */
char *mc_store_col_dup(sqlite3_stmt *st, int col);

/* Sets the last error from SQLite's message, saying what was being done. */
int mc_store_error(mc_store *s, const char *what);

/* Runs a statement that returns no rows, or one row whose first column is an integer into
 * *out (out may be NULL). Returns 0, MOTCUA_ENOTFOUND when a row was expected and none came. */
int mc_store_exec_int(int64_t *out, mc_store *s, sqlite3_stmt *st);

/* Transactions: BEGIN IMMEDIATE takes the write lock up front, so a transaction never fails
 * half-way for want of it. Commit is durable (synchronous=FULL). */
int mc_store_begin(mc_store *s);
int mc_store_commit(mc_store *s);
void mc_store_rollback(mc_store *s);
bool mc_store_in_tx(mc_store *s);

/* Blobs: content-addressed by SHA-256. The file is written to a temporary name, fsynced,
 * renamed into place and its folder fsynced before the hash is returned, so a database row
 * that names it can only be committed after the bytes are safe. Putting the same content twice
 * is a no-op. The blob row is recorded in the current transaction (one must be open). */
int mc_blob_put_buf(char out[MC_HASH_HEX], mc_store *s, const void *data, size_t len);
int mc_blob_put_file(char out[MC_HASH_HEX], mc_store *s, const char *path);
/* The path of a stored blob (buf of at least PATH_MAX). */
int mc_blob_path(char *buf, size_t size, const mc_store *s, const char *hash);
/* Re-hashes a blob: 0 when intact, MOTCUA_ENOTFOUND, or MOTCUA_ECORRUPT. */
int mc_blob_check(const mc_store *s, const char *hash);

#endif
