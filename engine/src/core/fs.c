/* core/fs.c — reading whole files: regular files only, bounded, errors naming the path. */
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

int mc_read_file(char **out, size_t *len, const char *path)
{
	struct stat st;
	char *data = NULL;
	size_t got = 0;
	int fd, error = 0;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return mc_error(errno == ENOENT ? MOTCUA_ENOTFOUND : MOTCUA_ERROR,
			"%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		error = mc_error(MOTCUA_EINVALID, "%s: not a regular file", path);
		goto done;
	}
	if ((size_t)st.st_size > MC_READ_MAX) {
		error = mc_error(MOTCUA_EINVALID, "%s: too large (%lld bytes, at most %u)", path,
			(long long)st.st_size, MC_READ_MAX);
		goto done;
	}
	if (!(data = malloc((size_t)st.st_size + 1))) {
		error = mc_error_oom();
		goto done;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error = mc_error(MOTCUA_ERROR, "%s: read failed: %s", path,
				n < 0 ? strerror(errno) : "file shrank");
			goto done;
		}
		got += (size_t)n;
	}
	data[got] = '\0';
	*out = data;
	data = NULL;
	if (len)
		*len = got;
done:
	free(data);
	close(fd);
	return error;
}

int mc_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return mc_error(MOTCUA_ERROR, "%s: cannot sync folder: %s", dir, strerror(e));
	}
	close(fd);
	return 0;
}

int mc_fsync_parent(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash)
		return mc_fsync_dir(".");
	if (slash == path)
		return mc_fsync_dir("/");
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return mc_fsync_dir(dir);
}
