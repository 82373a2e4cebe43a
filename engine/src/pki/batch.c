/* pki/batch.c — signing many PDFs with one signer: the inputs are checked as a set first (no
 * two with one base name, none that its output would replace), then they are signed chunk by
 * chunk into the output folder, by the calling thread or by a few worker threads taking the
 * next file in turn. A chunk's files are written unsynced under scratch names, made durable
 * by one syncfs, renamed into place, and the folder synced once: the disk's flush, not the
 * RSA key, would otherwise bound the rate. Each output is whole or absent, and a file is
 * reported only once it is durable. One file's failure is its result's, never the batch's. */
#define _GNU_SOURCE            /* syncfs */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fs.h"
#include "motcua/pades.h"
#include "pdf/pdf.h"
#include "pki/pades_sign.h"

#define MAX_JOBS 64
#define CHUNK 64                /* files made durable by one syncfs */

typedef struct {
	motcua_batch_result *results;
	size_t n;
	const motcua_signer *signer;
	const motcua_sign_options *opts;
	const motcua_batch_options *batch;
	const char *out_dir;
	pthread_mutex_t lock;       /* guards next */
	size_t next;                /* the next file to take */
	size_t end;                 /* the end of the current chunk */
	size_t done;
	char **scratch;             /* per file: where it is written before it is durable */
} batch;

/* The part of path after its last '/'; "" when it ends with one. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int by_base_name(const void *a, const void *b)
{
	return strcmp(base_name(*(const char *const *)a), base_name(*(const char *const *)b));
}

/* Whether the folder holding path is the folder out (same device and inode). */
static bool in_folder(const char *path, const struct stat *out)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	struct stat st;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if (snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path) >=
	    (int)sizeof(dir))
		return false;
	return stat(dir, &st) == 0 && st.st_dev == out->st_dev && st.st_ino == out->st_ino;
}

/* The set as a whole: names that can be outputs, no two alike, none in out_dir itself; then
 * out_dir is made if absent. A refused set leaves nothing behind. */
static int check_inputs(const char *const *inputs, size_t n, const char *out_dir)
{
	const char **sorted = NULL;
	struct stat out;
	bool made = false;
	int error = 0;

	if (stat(out_dir, &out) < 0) {
		if (errno != ENOENT)
			return mc_error(MOTCUA_ERROR, "%s: %s", out_dir, strerror(errno));
		made = true;   /* absent: no input can be in it */
	} else if (!S_ISDIR(out.st_mode)) {
		return mc_error(MOTCUA_EINVALID, "%s: the output folder is not a folder", out_dir);
	}
	for (size_t i = 0; i < n; i++) {
		if (!inputs[i] || !*base_name(inputs[i]))
			return mc_error(MOTCUA_EINVALID, "input %zu '%s': not a file name", i + 1,
				inputs[i] ? inputs[i] : "(null)");
		if (!made && in_folder(inputs[i], &out))
			return mc_error(MOTCUA_EINVALID, "%s: the output folder %s is this file's own "
				"folder, so its signed copy would replace it: choose another --out-dir",
				inputs[i], out_dir);
	}
	if (n > 1) {
		if (!(sorted = malloc(n * sizeof(*sorted))))
			return mc_error_oom();
		memcpy(sorted, inputs, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), by_base_name);
		for (size_t i = 1; i < n && error == 0; i++)
			if (strcmp(base_name(sorted[i - 1]), base_name(sorted[i])) == 0)
				error = mc_error(MOTCUA_EINVALID, "%s and %s have the same name: their "
					"signed copies would both be %s/%s", sorted[i - 1], sorted[i],
					out_dir, base_name(sorted[i]));
		free(sorted);
	}
	if (error == 0 && made && mkdir(out_dir, 0777) < 0 && errno != EEXIST)
		error = mc_error(MOTCUA_ERROR, "%s: cannot make the output folder: %s", out_dir,
			strerror(errno));
	return error;
}

/* Signs file i into its scratch name, in this thread: the message is read from this
 * thread's last-error slot before anything else can set it. */
static void sign_one(batch *b, size_t i)
{
	motcua_batch_result *r = &b->results[i];

	motcua_error_clear();
	r->error = mc_sign_pdf_unsynced(r->input, b->scratch[i], b->signer, b->opts);
	if (r->error < 0) {
		const char *msg = motcua_error_last();

		r->message = strdup(*msg ? msg : "failed");   /* NULL only when out of memory */
	}
}

static void *worker(void *arg)
{
	batch *b = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&b->lock);
		i = b->next < b->end ? b->next++ : b->end;
		pthread_mutex_unlock(&b->lock);
		if (i == b->end)
			return NULL;
		sign_one(b, i);
	}
}

static void fail(motcua_batch_result *r, int error)
{
	free(r->message);
	r->error = error;
	r->message = strdup(motcua_error_last());
}

/* The chunk [from, b->end) is written: one syncfs makes every scratch file durable, then
 * each is renamed to its output, the folder is synced once, and each file is reported. */
static void finish_chunk(batch *b, size_t from)
{
	int fd = open(b->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), error = 0;

	if (fd < 0 || syncfs(fd) != 0)
		error = mc_error(MOTCUA_ERROR, "%s: cannot sync the signed files: %s", b->out_dir,
			strerror(errno));
	for (size_t i = from; i < b->end; i++) {
		motcua_batch_result *r = &b->results[i];

		if (r->error < 0)
			continue;
		if (error < 0)
			fail(r, error);
		else if (rename(b->scratch[i], r->output) != 0)
			fail(r, mc_error(MOTCUA_ERROR, "%s: cannot write: %s", r->output,
				strerror(errno)));
	}
	if (error == 0 && fsync(fd) != 0) {
		error = mc_error(MOTCUA_ERROR, "%s: cannot sync the folder: %s", b->out_dir,
			strerror(errno));
		for (size_t i = from; i < b->end; i++)
			if (b->results[i].error == 0) {
				unlink(b->results[i].output);   /* not reported durable: not there */
				fail(&b->results[i], error);
			}
	}
	if (fd >= 0)
		close(fd);
	for (size_t i = from; i < b->end; i++) {
		motcua_batch_result *r = &b->results[i];

		unlink(b->scratch[i]);      /* left only by a failure */
		b->done++;
		if (!b->batch->progress)
			continue;
		if (r->error < 0)
			mc_error(r->error, "%s", r->message ? r->message : "failed");
		b->batch->progress(b->done, b->n, r->input, r->error, b->batch->payload);
	}
}

/* Runs the batch chunk by chunk on `jobs` threads, the calling thread one of them. A thread
 * that cannot start only leaves more files to the others. */
static void run(batch *b, unsigned int jobs)
{
	/* PoDoFo sets its process-wide logging switches on first use: do that here, once,
	 * before any worker can race on them (a failure only means a bad first input) */
	if (jobs > 1) {
		double w, h;
		int pages;

		(void)mc_pdf_page_size(&w, &h, &pages, b->results[0].input, 1);
	}
	for (size_t from = 0; from < b->n; from += CHUNK) {
		pthread_t threads[MAX_JOBS];
		unsigned int started = 0;

		b->next = from;
		b->end = from + CHUNK < b->n ? from + CHUNK : b->n;
		while (started + 1 < jobs && pthread_create(&threads[started], NULL, worker, b) == 0)
			started++;
		worker(b);
		for (unsigned int t = 0; t < started; t++)
			pthread_join(threads[t], NULL);
		finish_chunk(b, from);
	}
}

static void scratch_free(char **scratch, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(scratch[i]);
	free(scratch);
}

int motcua_sign_batch_ex(motcua_batch_result **results, size_t *n, const char *const *inputs,
	size_t n_inputs, const char *out_dir, const motcua_signer *signer,
	const motcua_sign_options *opts, const motcua_batch_options *batch_opts)
{
	motcua_batch_options defaults = MOTCUA_BATCH_OPTIONS_INIT;
	batch b = { 0 };
	unsigned int jobs;
	int error;

	*results = NULL;
	*n = 0;
	if (!batch_opts)
		batch_opts = &defaults;
	if (!out_dir || !*out_dir)
		return mc_error(MOTCUA_EINVALID, "give the folder for the signed files");
	if (!signer)
		return mc_error(MOTCUA_EINVALID, "give a signer");
	if (n_inputs == 0)
		return 0;
	if ((error = check_inputs(inputs, n_inputs, out_dir)) < 0)
		return error;
	if (!(b.results = calloc(n_inputs, sizeof(*b.results))))
		return mc_error_oom();
	b.n = n_inputs;
	if (!(b.scratch = calloc(n_inputs, sizeof(*b.scratch)))) {
		free(b.results);
		return mc_error_oom();
	}
	for (size_t i = 0; i < n_inputs; i++) {
		/* the scratch name is hidden and distinct: base names are unique in a batch */
		size_t len = strlen(out_dir) + 1 + strlen(base_name(inputs[i])) + sizeof(".signing") + 1;

		if (!(b.results[i].input = strdup(inputs[i])) ||
		    !(b.results[i].output = malloc(len)) || !(b.scratch[i] = malloc(len))) {
			error = mc_error_oom();
			goto fail;
		}
		snprintf(b.results[i].output, len, "%s/%s", out_dir, base_name(inputs[i]));
		snprintf(b.scratch[i], len, "%s/.%s.signing", out_dir, base_name(inputs[i]));
	}
	b.out_dir = out_dir;
	b.signer = signer;
	b.opts = opts;
	b.batch = batch_opts;
	jobs = batch_opts->jobs ? batch_opts->jobs : 1;
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	if (jobs > n_inputs)
		jobs = (unsigned int)n_inputs;
	if ((error = pthread_mutex_init(&b.lock, NULL)) != 0) {
		error = mc_error(MOTCUA_ERROR, "cannot make a lock: %s", strerror(error));
		goto fail;
	}
	run(&b, jobs);
	pthread_mutex_destroy(&b.lock);
	scratch_free(b.scratch, n_inputs);
	*results = b.results;
	*n = n_inputs;
	return 0;
fail:
	scratch_free(b.scratch, n_inputs);
	motcua_batch_results_free(b.results, n_inputs);
	return error;
}

int motcua_sign_batch(motcua_batch_result **results, size_t *n, const char *const *inputs,
	size_t n_inputs, const char *out_dir, const motcua_signer *signer,
	const motcua_sign_options *opts,
	void (*progress)(size_t done, size_t total, const char *file, int error, void *payload),
	void *payload)
{
	motcua_batch_options b = MOTCUA_BATCH_OPTIONS_INIT;

	b.progress = progress;
	b.payload = payload;
	return motcua_sign_batch_ex(results, n, inputs, n_inputs, out_dir, signer, opts, &b);
}

size_t motcua_batch_failures(const motcua_batch_result *results, size_t n)
{
	size_t failed = 0;

	for (size_t i = 0; i < n; i++)
		failed += results[i].error < 0;
	return failed;
}

void motcua_batch_results_free(motcua_batch_result *results, size_t n)
{
	if (!results)
		return;
	for (size_t i = 0; i < n; i++) {
		free(results[i].input);
		free(results[i].output);
		free(results[i].message);
	}
	free(results);
}
