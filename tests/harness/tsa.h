/* tests/harness/tsa.h — a time-stamping authority on loopback for tests, header-only: a child
 * process answers RFC 3161 requests over HTTP by running `openssl ts -reply` with the demo
 * PKI's tsa.pem and tsa.key. It serves one request per connection and stops after 200 requests,
 * after five minutes, when its parent dies, or when test_tsa_stop kills it. Other modes answer
 * badly on purpose (HTTP 500, garbage, the wrong type, a rejection, a replayed reply) for the
 * error paths. */
#ifndef MC_TEST_TSA_H
#define MC_TEST_TSA_H

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_TSA_FN static __attribute__((unused))

typedef enum {
	TEST_TSA_OK = 0,        /* real tokens */
	TEST_TSA_HTTP_500,      /* HTTP 500, no body */
	TEST_TSA_GARBAGE,       /* HTTP 200, application/timestamp-reply, not DER */
	TEST_TSA_WRONG_TYPE,    /* a real reply labelled text/html */
	TEST_TSA_REJECT,        /* accepts only SHA-512 imprints: others get status rejection */
	TEST_TSA_REPLAY         /* answers every request with its first reply (a stale nonce) */
} test_tsa_mode;

typedef struct {
	pid_t pid;
	int port;
	char url[64];
} test_tsa;

/* <workdir>/ts.cnf for `openssl ts -reply`; sha512_only for TEST_TSA_REJECT. */
TEST_TSA_FN int test_tsa_write_config(const char *pki_dir, const char *workdir,
	int sha512_only)
{
	char path[8192];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/tsaserial", workdir);
	if (!(fp = fopen(path, "w")))
		return -1;
	fputs("01\n", fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/ts.cnf", workdir);
	if (!(fp = fopen(path, "w")))
		return -1;
	fprintf(fp,
		"[tsa]\n"
		"default_tsa = tsa_config1\n"
		"[tsa_config1]\n"
		"serial = %s/tsaserial\n"
		"crypto_device = builtin\n"
		"signer_cert = %s/tsa.pem\n"
		"certs = %s/chain.pem\n"
		"signer_key = %s/tsa.key\n"
		"signer_digest = sha256\n"
		"default_policy = 1.2.3.4.1\n"
		"digests = %s\n"
		"accuracy = secs:1\n"
		"ordering = no\n"
		"tsa_name = yes\n"
		"ess_cert_id_chain = no\n"
		"ess_cert_id_alg = sha256\n",
		workdir, pki_dir, pki_dir, pki_dir, sha512_only ? "sha512" : "sha256, sha384, sha512");
	return fclose(fp) == 0 ? 0 : -1;
}

TEST_TSA_FN int test_tsa_send(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);

		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

TEST_TSA_FN void test_tsa_answer(int fd, int status, const char *type, const void *body,
	size_t n)
{
	char head[256];
	int len = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
		"Content-Length: %zu\r\nConnection: close\r\n\r\n", status,
		status == 200 ? "OK" : "Internal Server Error", type, n);

	if (test_tsa_send(fd, head, (size_t)len) == 0 && n)
		test_tsa_send(fd, body, n);
}

/* Reads one POST: headers, then Content-Length bytes of body (at most 64 KiB). */
TEST_TSA_FN char *test_tsa_read_post(int fd, size_t *body_len)
{
	enum { CAP = 80 * 1024 };
	char *buf = malloc(CAP + 1), *end = NULL, *cl;
	size_t n = 0, want = 0, i;

	if (!buf)
		return NULL;
	while (!end && n < 16384) {
		ssize_t r = recv(fd, buf + n, 16384 - n, 0);

		if (r <= 0)
			goto bad;
		n += (size_t)r;
		buf[n] = 0;
		end = strstr(buf, "\r\n\r\n");
	}
	if (!end)
		goto bad;
	for (i = 0; buf + i < end; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	*end = 0;
	if (!(cl = strstr(buf, "\r\ncontent-length:")))
		goto bad;
	want = strtoul(cl + 17, NULL, 10);
	end += 4;
	n -= (size_t)(end - buf);
	memmove(buf, end, n);
	if (want > 65536)
		goto bad;
	while (n < want) {
		ssize_t r = recv(fd, buf + n, want - n, 0);

		if (r <= 0)
			goto bad;
		n += (size_t)r;
	}
	*body_len = want;
	return buf;
bad:
	free(buf);
	return NULL;
}

/* One request: the body to a file, `openssl ts -reply`, the reply back. */
TEST_TSA_FN void test_tsa_serve(int fd, const char *workdir, test_tsa_mode mode)
{
	char query[8192], reply[8192], cmd[24576], *body = NULL;
	size_t n = 0;
	FILE *fp;
	unsigned char *resp = NULL;
	long size = 0;

	if (!(body = test_tsa_read_post(fd, &n)))
		return;
	if (mode == TEST_TSA_HTTP_500) {
		test_tsa_answer(fd, 500, "text/plain", NULL, 0);
		goto done;
	}
	if (mode == TEST_TSA_GARBAGE) {
		static const char junk[] = "this is not a time-stamp response";

		test_tsa_answer(fd, 200, "application/timestamp-reply", junk, sizeof(junk) - 1);
		goto done;
	}
	snprintf(query, sizeof(query), "%s/query.tsq", workdir);
	snprintf(reply, sizeof(reply), "%s/reply.tsr", workdir);
	if (!(fp = fopen(query, "wb")))
		goto fail;
	fwrite(body, 1, n, fp);
	fclose(fp);
	remove(reply);
	snprintf(cmd, sizeof(cmd), "openssl ts -reply -config '%s/ts.cnf' -queryfile '%s' "
		"-out '%s' >/dev/null 2>&1", workdir, query, reply);
	if (system(cmd) != 0 || !(fp = fopen(reply, "rb")))
		goto fail;
	if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) > 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (resp = malloc((size_t)size)) &&
	    fread(resp, 1, (size_t)size, fp) == (size_t)size) {
		fclose(fp);
		if (mode == TEST_TSA_REPLAY) {
			static unsigned char *first;
			static long first_size;

			if (!first) {
				first = resp;
				first_size = size;
				resp = NULL;
			}
			test_tsa_answer(fd, 200, "application/timestamp-reply", first,
				(size_t)first_size);
			goto done;
		}
		test_tsa_answer(fd, 200, mode == TEST_TSA_WRONG_TYPE ? "text/html" :
			"application/timestamp-reply", resp, (size_t)size);
		goto done;
	}
	fclose(fp);
fail:
	test_tsa_answer(fd, 500, "text/plain", NULL, 0);
done:
	free(resp);
	free(body);
}

/* Starts the TSA in `mode`; workdir receives ts.cnf and the request files. 0 or -1. */
TEST_TSA_FN int test_tsa_start_mode(test_tsa *t, const char *pki_dir, const char *workdir,
	test_tsa_mode mode)
{
	struct sockaddr_in addr;
	socklen_t alen = sizeof(addr);
	int pfd[2], s = -1, port = 0, requests;
	ssize_t r;

	memset(t, 0, sizeof(*t));
	t->pid = -1;
	if (test_tsa_write_config(pki_dir, workdir, mode == TEST_TSA_REJECT) < 0 || pipe(pfd) < 0)
		return -1;
	fflush(NULL);
	if ((t->pid = fork()) < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (t->pid == 0) {
		close(pfd[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(300);
		signal(SIGPIPE, SIG_IGN);
		memset(&addr, 0, sizeof(addr));
		addr.sin_family = AF_INET;
		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if ((s = socket(AF_INET, SOCK_STREAM, 0)) >= 0 &&
		    bind(s, (struct sockaddr *)&addr, sizeof(addr)) == 0 && listen(s, 16) == 0 &&
		    getsockname(s, (struct sockaddr *)&addr, &alen) == 0)
			port = ntohs(addr.sin_port);
		if (write(pfd[1], &port, sizeof(port)) != (ssize_t)sizeof(port) || !port)
			_exit(1);
		close(pfd[1]);
		for (requests = 0; requests < 200; requests++) {
			int c = accept(s, NULL, NULL);

			if (c < 0)
				continue;
			test_tsa_serve(c, workdir, mode);
			shutdown(c, SHUT_WR);
			close(c);
		}
		_exit(0);
	}
	close(pfd[1]);
	r = read(pfd[0], &port, sizeof(port));
	close(pfd[0]);
	if (r != (ssize_t)sizeof(port) || !port) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, NULL, 0);
		t->pid = -1;
		return -1;
	}
	t->port = port;
	snprintf(t->url, sizeof(t->url), "http://127.0.0.1:%d/", port);
	return 0;
}

TEST_TSA_FN int test_tsa_start(test_tsa *t, const char *pki_dir, const char *workdir)
{
	return test_tsa_start_mode(t, pki_dir, workdir, TEST_TSA_OK);
}

/* "http://127.0.0.1:PORT/": lives as long as t. */
TEST_TSA_FN const char *test_tsa_url(const test_tsa *t)
{
	return t->url;
}

TEST_TSA_FN void test_tsa_stop(test_tsa *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGTERM);
		waitpid(t->pid, NULL, 0);
	}
	t->pid = -1;
}

#endif
