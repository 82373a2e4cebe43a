/* pdf/embed.c — writing a DER CMS into the /Contents placeholder of a prepared PDF, in place.
 * Plain C, no PoDoFo: the placeholder is checked byte by byte ('<', zeros, '>' exactly where
 * the /ByteRange says) before anything is written, so a wrong range never damages a file. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "pdf/pdf.h"

static int read_at(int fd, unsigned char *buf, size_t len, off_t off)
{
	while (len > 0) {
		ssize_t n = pread(fd, buf, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

static int write_at(int fd, const char *buf, size_t len, off_t off)
{
	while (len > 0) {
		ssize_t n = pwrite(fd, buf, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* Checks that the range frames '<' zeros '>' in a file of `size` bytes. */
static int check_placeholder(int fd, const char *path, const int64_t br[4], int64_t size)
{
	unsigned char *buf;
	size_t n;
	int error = 0;

	if (br[0] != 0 || br[1] < 1 || br[2] < br[1] + 2 || br[3] < 0 || br[2] + br[3] != size)
		return mc_error(MOTCUA_EINVALID, "%s: /ByteRange [%lld %lld %lld %lld] does not fit "
			"the file of %lld bytes", path, (long long)br[0], (long long)br[1],
			(long long)br[2], (long long)br[3], (long long)size);
	n = (size_t)(br[2] - br[1]);
	if (!(buf = malloc(n)))
		return mc_error_oom();
	errno = 0;
	if (read_at(fd, buf, n, (off_t)br[1]) < 0)
		error = mc_error(MOTCUA_ERROR, "%s: %s", path, errno ? strerror(errno) : "short read");
	else if (buf[0] != '<' || buf[n - 1] != '>')
		error = mc_error(MOTCUA_EINVALID, "%s: no /Contents placeholder at byte %lld",
			path, (long long)br[1]);
	else
		for (size_t i = 1; i + 1 < n; i++)
			if (buf[i] != '0') {
				error = mc_error(MOTCUA_EINVALID, "%s: the /Contents placeholder is "
					"not empty (already signed?)", path);
				break;
			}
	free(buf);
	return error;
}

static int embed(const char *path, const int64_t byte_range[4], const unsigned char *cms,
	size_t len, bool sync)
{
	static const char hex[] = "0123456789abcdef";
	struct stat st;
	char *text = NULL;
	size_t room;
	int fd, error;

	if (!cms || len == 0)
		return mc_error(MOTCUA_EINVALID, "%s: empty CMS", path);
	if ((fd = open(path, O_RDWR)) < 0)
		return mc_error(errno == ENOENT ? MOTCUA_ENOTFOUND : MOTCUA_ERROR, "%s: %s", path,
			strerror(errno));
	if (fstat(fd, &st) != 0) {
		error = mc_error(MOTCUA_ERROR, "%s: %s", path, strerror(errno));
		goto done;
	}
	if ((error = check_placeholder(fd, path, byte_range, (int64_t)st.st_size)) < 0)
		goto done;
	room = (size_t)(byte_range[2] - byte_range[1] - 2);
	if (len > room / 2) {
		error = mc_error(MOTCUA_EINVALID, "%s: the CMS is %zu bytes, the placeholder holds "
			"%zu", path, len, room / 2);
		goto done;
	}
	if (!(text = malloc(2 * len))) {
		error = mc_error_oom();
		goto done;
	}
	for (size_t i = 0; i < len; i++) {
		text[2 * i] = hex[cms[i] >> 4];
		text[2 * i + 1] = hex[cms[i] & 15];
	}
	errno = 0;
	if (write_at(fd, text, 2 * len, (off_t)byte_range[1] + 1) < 0 || (sync && fsync(fd) != 0))
		error = mc_error(MOTCUA_ERROR, "%s: %s", path, errno ? strerror(errno) :
			"short write");
done:
	free(text);
	if (close(fd) != 0 && error == 0)
		error = mc_error(MOTCUA_ERROR, "%s: %s", path, strerror(errno));
	return error;
}

int mc_pdf_sign_embed(const char *path, const int64_t byte_range[4], const unsigned char *cms,
	size_t len)
{
	return embed(path, byte_range, cms, len, true);
}

int mc_pdf_sign_embed_unsynced(const char *path, const int64_t byte_range[4],
	const unsigned char *cms, size_t len)
{
	return embed(path, byte_range, cms, len, false);
}
