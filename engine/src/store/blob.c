/* store/blob.c — the content-addressed blob store: blobs/<first two hex>/<sha256>. Written to a
 * temporary file, fsynced, renamed, folder fsynced: a blob is either whole or absent. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fs.h"
#include "store/store.h"

int mc_blob_path(char *buf, size_t size, const mc_store *s, const char *hash)
{
	if (!mc_hash_hex_valid(hash))
		return mc_error(MOTCUA_EINVALID, "'%.70s' is not a blob hash", hash);
	if (snprintf(buf, size, "%s/%s/%.2s/%s", mc_store_dir(s), MC_STORE_BLOBS, hash, hash) >=
	    (int)size)
		return mc_error(MOTCUA_EINVALID, "%s: store path too long", mc_store_dir(s));
	return 0;
}

static int record(mc_store *s, const char *hash, size_t len)
{
	static const char sql[] =
		"INSERT INTO blob(hash, size, created_at) VALUES(?, ?, strftime('%s','now'))"
		" ON CONFLICT(hash) DO NOTHING";
	sqlite3_stmt *st;
	int error;

	if ((error = mc_store_stmt(&st, s, sql)) < 0)
		return error;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)len);
	return mc_store_exec_int(NULL, s, st);
}

/* Moves the finished temporary file into its place and makes the rename durable. */
static int install(mc_store *s, const char *tmp, const char *hash)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int error;

	snprintf(dir, sizeof(dir), "%s/%s/%.2s", mc_store_dir(s), MC_STORE_BLOBS, hash);
	if ((error = mc_blob_path(path, sizeof(path), s, hash)) < 0)
		return error;
	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		return mc_error(MOTCUA_ERROR, "%s: cannot create folder: %s", dir, strerror(errno));
	if (rename(tmp, path) < 0)
		return mc_error(MOTCUA_ERROR, "%s: cannot store blob: %s", path, strerror(errno));
	return mc_fsync_dir(dir);
}

/* Streams from `in` (or the buffer) into a temporary file in the blob folder, hashing. */
static int put(char out[MC_HASH_HEX], mc_store *s, int in, const void *data, size_t len,
	const char *name)
{
	char tmp[PATH_MAX], buf[65536], existing[PATH_MAX];
	mc_sha256 *h = NULL;
	size_t total = 0;
	int fd = -1, error;
	struct stat st;

	if (!mc_store_in_tx(s))
		return mc_error(MOTCUA_ERROR, "internal: blob put outside a transaction");
	snprintf(tmp, sizeof(tmp), "%s/%s/tmp-XXXXXX", mc_store_dir(s), MC_STORE_BLOBS);
	if ((fd = mkstemp(tmp)) < 0)
		return mc_error(MOTCUA_ERROR, "%s: cannot create a temporary file: %s",
			tmp, strerror(errno));
	if ((error = mc_sha256_new(&h)) < 0)
		goto done;
	for (;;) {
		const char *chunk = data ? (const char *)data + total : buf;
		ssize_t n;

		if (data)
			n = (ssize_t)(len - total > sizeof(buf) ? sizeof(buf) : len - total);
		else if ((n = read(in, buf, sizeof(buf))) < 0) {
			if (errno == EINTR)
				continue;
			error = mc_error(MOTCUA_ERROR, "%s: read failed: %s", name, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		if ((error = mc_sha256_update(h, chunk, (size_t)n)) < 0)
			goto done;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, chunk + off, (size_t)(n - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				error = mc_error(MOTCUA_ERROR, "%s: write failed: %s", tmp,
					strerror(errno));
				goto done;
			}
			off += w;
		}
		total += (size_t)n;
	}
	if ((error = mc_sha256_final_hex(out, h)) < 0)
		goto done;
	if (fsync(fd) < 0) {
		error = mc_error(MOTCUA_ERROR, "%s: fsync failed: %s", tmp, strerror(errno));
		goto done;
	}
	close(fd);
	fd = -1;
	if ((error = mc_blob_path(existing, sizeof(existing), s, out)) < 0)
		goto done;
	if (stat(existing, &st) == 0 && (size_t)st.st_size == total &&
	    mc_blob_check(s, out) == 0) {
		unlink(tmp);            /* same content already stored intact */
		tmp[0] = '\0';
	} else if ((error = install(s, tmp, out)) < 0) {
		goto done;
	} else {
		tmp[0] = '\0';
	}
	error = record(s, out, total);
done:
	if (fd >= 0)
		close(fd);
	if (tmp[0])
		unlink(tmp);
	mc_sha256_free(h);
	return error;
}

int mc_blob_put_buf(char out[MC_HASH_HEX], mc_store *s, const void *data, size_t len)
{
	static const char empty[1];

	return put(out, s, -1, data ? data : empty, len, "(memory)");
}

int mc_blob_put_file(char out[MC_HASH_HEX], mc_store *s, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), error;

	if (fd < 0)
		return mc_error(errno == ENOENT ? MOTCUA_ENOTFOUND : MOTCUA_ERROR,
			"%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return mc_error(MOTCUA_EINVALID, "%s: not a regular file", path);
	}
	error = put(out, s, fd, NULL, 0, path);
	close(fd);
	return error;
}

int mc_blob_check(const mc_store *s, const char *hash)
{
	char path[PATH_MAX], buf[65536], got[MC_HASH_HEX];
	mc_sha256 *h = NULL;
	ssize_t n;
	int fd, error;

	if ((error = mc_blob_path(path, sizeof(path), s, hash)) < 0)
		return error;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return mc_error(MOTCUA_ENOTFOUND, "blob %s: missing (%s)", hash, path);
	if ((error = mc_sha256_new(&h)) < 0)
		goto done;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if ((error = mc_sha256_update(h, buf, (size_t)n)) < 0)
			goto done;
	if (n < 0) {
		error = mc_error(MOTCUA_ERROR, "%s: read failed: %s", path, strerror(errno));
		goto done;
	}
	if ((error = mc_sha256_final_hex(got, h)) < 0)
		goto done;
	if (strcmp(got, hash) != 0)
		error = mc_error(MOTCUA_ECORRUPT, "blob %s: content hashes to %s (%s)",
			hash, got, path);
done:
	close(fd);
	mc_sha256_free(h);
	return error;
}
