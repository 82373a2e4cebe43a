/* tests/store/store.c — the SQLite store: durable settings, migrations (a store made by
 * migration 1 upgrades on open and keeps its rows), the content-addressed blob store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "test.h"

static int exec(mc_store *s, const char *sql)
{
	return sqlite3_exec(mc_store_db(s), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static void test_new_store_is_wal_with_foreign_keys(void)
{
	char *dir = test_tmpdir();
	sqlite3_stmt *st;
	mc_store *s;

	CHECK_OK(mc_store_open(&s, dir, true));
	CHECK_INT(mc_store_schema_version(s), mc_store_latest_version());
	CHECK(sqlite3_prepare_v2(mc_store_db(s), "PRAGMA journal_mode", -1, &st, NULL) == 0);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	/* a dossier naming no agency is refused by the schema itself */
	CHECK(exec(s, "INSERT INTO user(name, agency, created_at) VALUES('x', 'nowhere', 0)")
		< 0);
	mc_store_close(s);
	test_rmdir(dir);
	free(dir);
}

static void test_missing_store_is_not_created_silently(void)
{
	char *dir = test_tmpdir(), path[4096];
	mc_store *s = NULL;

	snprintf(path, sizeof(path), "%s/none", dir);
	CHECK_ERR(mc_store_open(&s, path, false), MOTCUA_ENOTFOUND);
	CHECK_CONTAINS(motcua_error_last(), "motcua init");
	CHECK(s == NULL);
	test_rmdir(dir);
	free(dir);
}

static void test_version_1_store_upgrades_and_keeps_rows(void)
{
	char *dir = test_tmpdir();
	sqlite3_stmt *st;
	mc_store *s;

	CHECK_OK(mc_store_open_at(&s, dir, true, 1));
	CHECK_INT(mc_store_schema_version(s), 1);
	CHECK(exec(s, "INSERT INTO agency(code, name, level) VALUES('000.00.21.H99', 'Huyện',"
		" 'district')") == 0);
	/* migration 2 adds the rating; version 1 has no such column */
	CHECK(exec(s, "UPDATE dossier SET rating = 5") < 0);
	mc_store_close(s);

	CHECK_OK(mc_store_open(&s, dir, false));
	CHECK_INT(mc_store_schema_version(s), 2);
	CHECK(exec(s, "UPDATE dossier SET rating = 5") == 0);
	CHECK(sqlite3_prepare_v2(mc_store_db(s), "SELECT name FROM agency", -1, &st, NULL) == 0);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "Huyện");
	sqlite3_finalize(st);
	/* opening again changes nothing */
	mc_store_close(s);
	CHECK_OK(mc_store_open(&s, dir, false));
	CHECK_INT(mc_store_schema_version(s), 2);
	mc_store_close(s);
	test_rmdir(dir);
	free(dir);
}

static void test_store_from_the_future_is_refused(void)
{
	char *dir = test_tmpdir();
	mc_store *s;

	CHECK_OK(mc_store_open(&s, dir, true));
	CHECK(exec(s, "PRAGMA user_version = 99") == 0);
	mc_store_close(s);
	CHECK_ERR(mc_store_open(&s, dir, false), MOTCUA_ECORRUPT);
	CHECK_CONTAINS(motcua_error_last(), "schema version 99");
	test_rmdir(dir);
	free(dir);
}

static void test_blobs_are_content_addressed_and_checked(void)
{
	char *dir = test_tmpdir(), *src, hash[MC_HASH_HEX], again[MC_HASH_HEX], path[4096];
	static const char text[] = "Giấy khai sinh bản chính";
	FILE *fp;
	mc_store *s;

	CHECK_OK(mc_store_open(&s, dir, true));
	CHECK_OK(mc_store_begin(s));
	CHECK_OK(mc_blob_put_buf(hash, s, text, strlen(text)));
	src = test_write_file(dir, "scan.txt", text);
	CHECK_OK(mc_blob_put_file(again, s, src));
	CHECK_STR(again, hash);            /* same bytes, same blob */
	CHECK_OK(mc_store_commit(s));
	CHECK_OK(mc_blob_check(s, hash));
	CHECK_OK(mc_blob_path(path, sizeof(path), s, hash));
	CHECK(strstr(path, hash) != NULL);
	/* outside a transaction nothing may be stored: the row must commit with its user */
	CHECK_ERR(mc_blob_put_buf(again, s, "x", 1), MOTCUA_ERROR);
	/* a changed byte on disk is named */
	CHECK((fp = fopen(path, "r+b")) != NULL);
	if (fp) {
		fputc('X', fp);
		fclose(fp);
	}
	CHECK_ERR(mc_blob_check(s, hash), MOTCUA_ECORRUPT);
	CHECK_CONTAINS(motcua_error_last(), hash);
	/* putting the content again repairs the damaged copy */
	CHECK_OK(mc_store_begin(s));
	CHECK_OK(mc_blob_put_buf(again, s, text, strlen(text)));
	CHECK_OK(mc_store_commit(s));
	CHECK_OK(mc_blob_check(s, hash));
	/* a path is never made from something that is not a hash */
	CHECK_ERR(mc_blob_path(path, sizeof(path), s, "../../etc/passwd"), MOTCUA_EINVALID);
	unlink(path);
	CHECK_ERR(mc_blob_check(s, hash), MOTCUA_ENOTFOUND);
	mc_store_close(s);
	free(src);
	test_rmdir(dir);
	free(dir);
}

static void test_rollback_leaves_nothing(void)
{
	char *dir = test_tmpdir();
	sqlite3_stmt *st;
	mc_store *s;
	int64_t n = -1;

	CHECK_OK(mc_store_open(&s, dir, true));
	CHECK_OK(mc_store_begin(s));
	CHECK(exec(s, "INSERT INTO setting(key, value) VALUES('a', 'b')") == 0);
	mc_store_rollback(s);
	CHECK(!mc_store_in_tx(s));
	CHECK_OK(mc_store_stmt(&st, s, "SELECT count(*) FROM setting"));
	CHECK_OK(mc_store_exec_int(&n, s, st));
	CHECK_INT(n, 0);
	mc_store_close(s);
	test_rmdir(dir);
	free(dir);
}

TEST_MAIN(TEST_CASE(test_new_store_is_wal_with_foreign_keys),
	TEST_CASE(test_missing_store_is_not_created_silently),
	TEST_CASE(test_version_1_store_upgrades_and_keeps_rows),
	TEST_CASE(test_store_from_the_future_is_refused),
	TEST_CASE(test_blobs_are_content_addressed_and_checked),
	TEST_CASE(test_rollback_leaves_nothing))
