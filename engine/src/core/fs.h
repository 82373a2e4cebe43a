/* core/fs.h — reading whole files with a size bound, for descriptors, calendars and BPMN. */
#ifndef MC_FS_H
#define MC_FS_H

#include <stddef.h>

#define MC_READ_MAX (64u * 1024 * 1024)

/* Reads a regular file of at most MC_READ_MAX bytes; *out is NUL-terminated and the caller's. */
int mc_read_file(char **out, size_t *len, const char *path);

/* Makes a rename or a new file in `dir` durable (fsync of the folder). Errors name it. */
int mc_fsync_dir(const char *dir);

/* The same for the folder that holds `path`. */
int mc_fsync_parent(const char *path);

#endif
