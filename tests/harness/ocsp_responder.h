/* tests/harness/ocsp_responder.h — OCSP for tests, header-only. test_ocsp_make builds a
 * response with OpenSSL's API, every field chosen by the test (status, times, responder, CertID
 * hash), for the verifier's cases; test_ocsp_start runs a real responder on loopback: a child
 * process that answers each HTTP POST by running `openssl ocsp -index` with the demo PKI's
 * ocsp.pem as the issuing CA's delegated responder (HTTP plumbing from tsa.h). It stops after
 * 200 requests, after five minutes, when its parent dies, or at test_ocsp_stop. */
#ifndef MC_TEST_OCSP_RESPONDER_H
#define MC_TEST_OCSP_RESPONDER_H

#include <openssl/bn.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "tsa.h"

#define TEST_OCSP_FN static __attribute__((unused))

typedef struct {
	const char *cert;           /* PEM file: the certificate the response speaks for */
	const char *issuer;         /* PEM file: its issuer, for the CertID */
	const char *responder;      /* PEM file: the responder's certificate */
	const char *responder_key;  /* PEM file: its private key */
	int status;                 /* V_OCSP_CERTSTATUS_GOOD, _REVOKED or _UNKNOWN */
	int64_t revoked_at;         /* REVOKED: when (UTC seconds) */
	int reason;                 /* REVOKED: CRL reason code, -1 none */
	int64_t this_update;        /* 0: now */
	int64_t next_update;        /* 0: a day after this_update; -1: absent */
	const EVP_MD *id_md;        /* the CertID's hash; NULL: SHA-1 */
} test_ocsp_spec;

TEST_OCSP_FN X509 *test_ocsp_read_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;

	if (f)
		fclose(f);
	return x;
}

TEST_OCSP_FN EVP_PKEY *test_ocsp_read_key(const char *path)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;

	if (f)
		fclose(f);
	return k;
}

/* Writes the DER OCSPResponse the spec describes to out_path, signed now. 0 or -1. */
TEST_OCSP_FN int test_ocsp_make(const char *out_path, const test_ocsp_spec *s)
{
	X509 *cert = test_ocsp_read_cert(s->cert), *issuer = test_ocsp_read_cert(s->issuer);
	X509 *rcert = test_ocsp_read_cert(s->responder);
	EVP_PKEY *rkey = test_ocsp_read_key(s->responder_key);
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	OCSP_RESPONSE *resp = NULL;
	OCSP_CERTID *id = NULL;
	ASN1_TIME *this_t = NULL, *next_t = NULL, *rev_t = NULL;
	time_t now = time(NULL), this_up = s->this_update ? (time_t)s->this_update : now;
	unsigned char *der = NULL;
	int len = 0, rc = -1;
	FILE *f;

	if (!cert || !issuer || !rcert || !rkey || !bs ||
	    !(id = OCSP_cert_to_id(s->id_md ? s->id_md : EVP_sha1(), cert, issuer)) ||
	    !(this_t = ASN1_GENERALIZEDTIME_set(NULL, this_up)))
		goto done;
	if (s->next_update >= 0 && !(next_t = ASN1_GENERALIZEDTIME_set(NULL,
	    s->next_update ? (time_t)s->next_update : this_up + 86400)))
		goto done;
	if (s->status == V_OCSP_CERTSTATUS_REVOKED &&
	    !(rev_t = ASN1_GENERALIZEDTIME_set(NULL, (time_t)s->revoked_at)))
		goto done;
	if (!OCSP_basic_add1_status(bs, id, s->status, s->reason, rev_t, this_t, next_t) ||
	    !OCSP_basic_sign(bs, rcert, rkey, EVP_sha256(), NULL, 0) ||
	    !(resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs)) ||
	    (len = i2d_OCSP_RESPONSE(resp, &der)) <= 0 || !(f = fopen(out_path, "wb")))
		goto done;
	rc = fwrite(der, 1, (size_t)len, f) == (size_t)len ? 0 : -1;
	if (fclose(f) != 0)
		rc = -1;
done:
	OPENSSL_free(der);
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	OCSP_CERTID_free(id);
	ASN1_TIME_free(this_t);
	ASN1_TIME_free(next_t);
	ASN1_TIME_free(rev_t);
	X509_free(cert);
	X509_free(issuer);
	X509_free(rcert);
	EVP_PKEY_free(rkey);
	return rc;
}

/* One line of an `openssl ca` index for the certificate at pem: valid, or revoked at
 * revoked_at (keyCompromise) when it is not 0. Appended to path. 0 or -1. */
TEST_OCSP_FN int test_ocsp_index_add(const char *path, const char *pem, int64_t revoked_at)
{
	X509 *x = test_ocsp_read_cert(pem);
	BIGNUM *bn = x ? ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL) : NULL;
	char *hex = bn ? BN_bn2hex(bn) : NULL, rev[64] = "";
	FILE *f = hex ? fopen(path, "a") : NULL;
	int rc = -1;

	if (f && revoked_at) {
		time_t t = (time_t)revoked_at;
		struct tm tm;

		gmtime_r(&t, &tm);
		snprintf(rev, sizeof(rev), "%02d%02d%02d%02d%02d%02dZ,keyCompromise",
			tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			tm.tm_sec);
	}
	/* the subject is only shown by openssl; the serial is what it looks up */
	if (f && fprintf(f, "%s\t300101000000Z\t%s\t%s\tunknown\t/CN=test\n", revoked_at ? "R" :
	    "V", rev, hex) > 0)
		rc = 0;
	if (f && fclose(f) != 0)
		rc = -1;
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
	return rc;
}

typedef struct {
	pid_t pid;
	int port;
	char url[64];
} test_ocsp_responder;

/* One request: the body to a file, `openssl ocsp` as the responder, the response back. */
TEST_OCSP_FN void test_ocsp_serve(int fd, const char *pki_dir, const char *workdir)
{
	char query[4096], reply[4096], cmd[32768], *body = NULL;
	unsigned char *resp = NULL;
	size_t n = 0;
	long size = 0;
	FILE *fp;

	if (!(body = test_tsa_read_post(fd, &n)))
		return;
	if (snprintf(query, sizeof(query), "%s/request.der", workdir) >= (int)sizeof(query) ||
	    snprintf(reply, sizeof(reply), "%s/response.der", workdir) >= (int)sizeof(reply) ||
	    !(fp = fopen(query, "wb")))
		goto fail;
	fwrite(body, 1, n, fp);
	fclose(fp);
	remove(reply);
	if (snprintf(cmd, sizeof(cmd), "openssl ocsp -index '%s/index.txt' -CA '%s/issuing.pem' "
	    "-rsigner '%s/ocsp.pem' -rkey '%s/ocsp.key' -reqin '%s' -respout '%s' -ndays 1 "
	    ">/dev/null 2>&1", workdir, pki_dir, pki_dir, pki_dir, query, reply) >=
	    (int)sizeof(cmd) || system(cmd) != 0 || !(fp = fopen(reply, "rb")))
		goto fail;
	if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) > 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (resp = malloc((size_t)size)) &&
	    fread(resp, 1, (size_t)size, fp) == (size_t)size) {
		fclose(fp);
		test_tsa_answer(fd, 200, "application/ocsp-response", resp, (size_t)size);
		goto done;
	}
	fclose(fp);
fail:
	test_tsa_answer(fd, 500, "text/plain", NULL, 0);
done:
	free(resp);
	free(body);
}

/* Starts the responder for the demo PKI in pki_dir; workdir must hold index.txt (see
 * test_ocsp_index_add) and receives the request files. 0 or -1. */
TEST_OCSP_FN int test_ocsp_start(test_ocsp_responder *t, const char *pki_dir,
	const char *workdir)
{
	struct sockaddr_in addr;
	socklen_t alen = sizeof(addr);
	int pfd[2], s = -1, port = 0;
	ssize_t r;

	memset(t, 0, sizeof(*t));
	t->pid = -1;
	if (pipe(pfd) < 0)
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
		for (int requests = 0; requests < 200; requests++) {
			int c = accept(s, NULL, NULL);

			if (c < 0)
				continue;
			test_ocsp_serve(c, pki_dir, workdir);
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

TEST_OCSP_FN void test_ocsp_stop(test_ocsp_responder *t)
{
	if (t->pid > 0) {
		kill(t->pid, SIGTERM);
		waitpid(t->pid, NULL, 0);
	}
	t->pid = -1;
}

#endif
