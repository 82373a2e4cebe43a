/* pki/ocsp.c — OCSP responses as the verifier's revocation evidence, and the client that asks a
 * responder for one. A response counts only when the certificate's issuer stands behind its
 * responder (RFC 6960 §4.2.2.2) and it is fresh for the signing time; anyone can make a
 * well-formed response, so every other one is set aside with the reason, never believed. */
#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/time.h"
#include "pki/ocsp.h"

/* clocks of responders and verifiers differ a little */
#define OCSP_SKEW_S 300
#define OCSP_TIMEOUT_S 20L
#define OCSP_MAX_REPLY (1024 * 1024)
#define REPLY_TYPE "application/ocsp-response"

/* ---- the set ---- */

static const char *resp_status_name(int s)
{
	switch (s) {
	case OCSP_RESPONSE_STATUS_MALFORMEDREQUEST: return "malformedRequest";
	case OCSP_RESPONSE_STATUS_INTERNALERROR: return "internalError";
	case OCSP_RESPONSE_STATUS_TRYLATER: return "tryLater";
	case OCSP_RESPONSE_STATUS_SIGREQUIRED: return "sigRequired";
	case OCSP_RESPONSE_STATUS_UNAUTHORIZED: return "unauthorized";
	default: return "unknown";
	}
}

/* The BasicOCSPResponse in DER bytes, or NULL with the reason in why. */
static OCSP_BASICRESP *basic_of(char *why, size_t size, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *bs = NULL;
	int status;

	if (len > (size_t)MC_READ_MAX || !(resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len)) ||
	    p != der + len) {
		snprintf(why, size, "it is not a DER OCSPResponse");
		goto done;
	}
	if ((status = OCSP_response_status(resp)) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		snprintf(why, size, "the responder answered %s, with no revocation data",
			resp_status_name(status));
		goto done;
	}
	if (!(bs = OCSP_response_get1_basic(resp)))
		snprintf(why, size, "it holds no BasicOCSPResponse");
done:
	OCSP_RESPONSE_free(resp);
	ERR_clear_error();
	return bs;
}

int mc_ocsp_set_add(mc_ocsp_set *set, const unsigned char *der, size_t len, const char *source)
{
	mc_ocsp_item *it;

	if (set->n == set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 4;
		mc_ocsp_item *items = realloc(set->items, cap * sizeof(*items));

		if (!items)
			return mc_error_oom();
		set->items = items;
		set->cap = cap;
	}
	it = &set->items[set->n++];
	memset(it, 0, sizeof(*it));
	snprintf(it->source, sizeof(it->source), "%s", source ? source : "");
	it->basic = basic_of(it->problem, sizeof(it->problem), der, len);
	return 0;
}

int mc_ocsp_set_add_file(mc_ocsp_set *set, const char *path)
{
	const char *base = strrchr(path, '/');
	char *data = NULL, source[128];
	size_t len = 0;
	int error;

	if ((error = mc_read_file(&data, &len, path)) < 0)
		return error;
	snprintf(source, sizeof(source), "given (%.80s)", base ? base + 1 : path);
	if ((error = mc_ocsp_set_add(set, (const unsigned char *)data, len, source)) == 0 &&
	    !set->items[set->n - 1].basic) {
		error = mc_error(MOTCUA_EINVALID, "%s: not an OCSP response to use: %s", path,
			set->items[set->n - 1].problem);
		set->n--;        /* it holds nothing to free */
	}
	free(data);
	return error;
}

void mc_ocsp_set_clear(mc_ocsp_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		OCSP_BASICRESP_free(set->items[i].basic);
	free(set->items);
	memset(set, 0, sizeof(*set));
}

/* ---- judging ---- */

const char *mc_ocsp_reason_name(int reason)
{
	static const char *const names[] = { "unspecified", "keyCompromise", "cACompromise",
		"affiliationChanged", "superseded", "cessationOfOperation", "certificateHold",
		"unused", "removeFromCRL", "privilegeWithdrawn", "aACompromise" };

	return reason >= 0 && reason < (int)(sizeof(names) / sizeof(names[0])) ? names[reason] :
		"unspecified";
}

/* UTC seconds of an ASN.1 time; 0 when absent or unreadable. */
static int64_t seconds(const ASN1_GENERALIZEDTIME *t)
{
	struct tm tm;

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return mc_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
		tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

static void subject_cn(char *buf, size_t size, X509 *x)
{
	X509_NAME *n = X509_get_subject_name(x);
	int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
	ASN1_STRING *s = i >= 0 ? X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i)) : NULL;

	if (s)
		snprintf(buf, size, "%.*s", ASN1_STRING_length(s),
			(const char *)ASN1_STRING_get0_data(s));
	else
		X509_NAME_oneline(n, buf, (int)size);
}

/* The SingleResponse about cert, under the CertID hash the responder chose; NULL when the
 * response speaks only of other certificates. */
static OCSP_SINGLERESP *single_for(OCSP_BASICRESP *bs, X509 *cert, X509 *issuer)
{
	const ASN1_INTEGER *serial = X509_get0_serialNumber(cert);

	for (int i = 0; i < OCSP_resp_count(bs); i++) {
		OCSP_SINGLERESP *single = OCSP_resp_get0(bs, i);
		const OCSP_CERTID *cid = OCSP_SINGLERESP_get0_id(single);
		ASN1_OBJECT *alg = NULL;
		ASN1_INTEGER *their_serial = NULL;
		OCSP_CERTID *mine;
		const EVP_MD *md;
		int same;

		if (!OCSP_id_get0_info(NULL, &alg, NULL, &their_serial, (OCSP_CERTID *)cid) ||
		    ASN1_INTEGER_cmp(serial, their_serial) != 0 ||
		    !(md = EVP_get_digestbyobj(alg)) || !(mine = OCSP_cert_to_id(md, cert, issuer)))
			continue;
		same = OCSP_id_cmp(mine, cid) == 0;
		OCSP_CERTID_free(mine);
		if (same)
			return single;
	}
	return NULL;
}

/* Whether the issuer authorized the responder: the issuer itself, or a certificate it issued
 * with the OCSPSigning EKU. The answer OCSP_basic_verify gives too, with a reason a person
 * can act on. */
static bool responder_authorized(char *why, size_t size, X509 *signer, X509 *issuer)
{
	char who[128], ca[128];

	if (X509_cmp(signer, issuer) == 0)
		return true;
	subject_cn(who, sizeof(who), signer);
	subject_cn(ca, sizeof(ca), issuer);
	if (X509_check_issued(issuer, signer) != X509_V_OK ||
	    X509_verify(signer, X509_get0_pubkey(issuer)) != 1) {
		ERR_clear_error();
		snprintf(why, size, "its responder (%.60s) is not issued by the certificate's "
			"issuer (%.60s)", who, ca);
		return false;
	}
	if (!(X509_get_extension_flags(signer) & EXFLAG_XKUSAGE) ||
	    !(X509_get_extended_key_usage(signer) & XKU_OCSP_SIGN)) {
		snprintf(why, size, "its responder (%.60s) lacks the OCSPSigning extended key "
			"usage", who);
		return false;
	}
	return true;
}

/* The response's signature by its responder, the responder valid when it answered, and the
 * issuer's delegation, by OpenSSL's own rules: the issuer is the only anchor (it already
 * chains to the trust store), at producedAt; no "explicitly trusted root" shortcut, which
 * would let any responder under any trusted root answer for every CA. */
static bool response_verifies(char *why, size_t size, OCSP_BASICRESP *bs, X509 *issuer,
	STACK_OF(X509) *extra)
{
	X509_STORE *anchor = X509_STORE_new();
	const ASN1_GENERALIZEDTIME *produced = OCSP_resp_get0_produced_at(bs);
	int64_t at = seconds(produced);
	bool ok = false;

	if (!anchor || X509_STORE_add_cert(anchor, issuer) != 1) {
		snprintf(why, size, "out of memory");
		goto done;
	}
	if (at)
		X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(anchor), (time_t)at);
	if (OCSP_basic_verify(bs, extra, anchor, OCSP_NOEXPLICIT | OCSP_PARTIAL_CHAIN) == 1) {
		ok = true;
	} else {
		unsigned long e = ERR_peek_last_error();
		const char *reason = e ? ERR_reason_error_string(e) : NULL;

		snprintf(why, size, "its signature or responder does not verify (%s)",
			reason ? reason : "unknown reason");
	}
done:
	ERR_clear_error();
	X509_STORE_free(anchor);
	return ok;
}

/* A "good" answer vouches for the signing time only if it is fresh for it. */
static bool fresh_for(char *why, size_t size, int64_t this_up, int64_t next_up, int64_t at)
{
	char a[32], b[32], c[32];

	if (this_up > mc_time_now() + OCSP_SKEW_S) {
		snprintf(why, size, "its thisUpdate (%s) is in the future",
			mc_time_format(a, sizeof(a), this_up));
		return false;
	}
	if (next_up && next_up < this_up) {
		snprintf(why, size, "its nextUpdate is before its thisUpdate");
		return false;
	}
	if (next_up ? next_up + OCSP_SKEW_S < at : this_up + OCSP_SKEW_S < at) {
		snprintf(why, size, "it is stale: valid %s to %s, signed at %s",
			mc_time_format(a, sizeof(a), this_up), next_up ?
			mc_time_format(b, sizeof(b), next_up) : "its thisUpdate",
			mc_time_format(c, sizeof(c), at));
		return false;
	}
	return true;
}

/* Better evidence ranks higher: a revocation before the signing time settles it, then a
 * revocation after it (it says more than "good"), then "good". */
static int rank(mc_ocsp_verdict v)
{
	return v == MC_OCSP_REVOKED ? 3 : v == MC_OCSP_REVOKED_LATER ? 2 : v == MC_OCSP_GOOD ? 1 :
		0;
}

int mc_ocsp_check(mc_ocsp_result *out, const mc_ocsp_set *set, X509 *cert, X509 *issuer,
	STACK_OF(X509) *untrusted, int64_t at)
{
	STACK_OF(X509) *extra = untrusted ? sk_X509_dup(untrusted) : sk_X509_new_null();
	char other[160] = "";
	int error = 0;

	memset(out, 0, sizeof(*out));
	out->reason = -1;
	if (!extra || !sk_X509_push(extra, issuer)) {
		error = mc_error_oom();
		goto done;
	}
	for (size_t i = 0; set && cert && issuer && i < set->n; i++) {
		const mc_ocsp_item *it = &set->items[i];
		ASN1_GENERALIZEDTIME *rev = NULL, *this_t = NULL, *next_t = NULL;
		OCSP_SINGLERESP *single;
		X509 *signer = NULL;
		char why[200] = "";
		mc_ocsp_verdict v = MC_OCSP_NONE;
		int64_t this_up, next_up, rev_at = 0;
		int status, reason = -1;

		if (!it->basic) {
			if (!other[0])
				snprintf(other, sizeof(other), "%.150s", it->problem);
			continue;
		}
		if (!(single = single_for(it->basic, cert, issuer))) {
			if (!other[0])
				snprintf(other, sizeof(other), "it is about another certificate");
			continue;
		}
		out->n_about++;
		status = OCSP_single_get0_status(single, &reason, &rev, &this_t, &next_t);
		this_up = seconds(this_t);
		next_up = seconds(next_t);
		if (OCSP_resp_get0_signer(it->basic, &signer, extra) != 1 || !signer)
			snprintf(why, sizeof(why), "its responder's certificate is neither in the "
				"response nor in the document");
		else if (responder_authorized(why, sizeof(why), signer, issuer) &&
		    response_verifies(why, sizeof(why), it->basic, issuer, extra)) {
			if (status == V_OCSP_CERTSTATUS_REVOKED) {
				rev_at = seconds(rev);
				/* a revocation is for good, whenever it was said; a hold is not,
				 * and must be as fresh as a "good" */
				if (reason != OCSP_REVOKED_STATUS_CERTIFICATEHOLD ||
				    fresh_for(why, sizeof(why), this_up, next_up, at))
					v = rev_at && rev_at > at ? MC_OCSP_REVOKED_LATER :
						MC_OCSP_REVOKED;
			} else if (status == V_OCSP_CERTSTATUS_GOOD) {
				if (fresh_for(why, sizeof(why), this_up, next_up, at))
					v = MC_OCSP_GOOD;
			} else {
				snprintf(why, sizeof(why), "its responder does not know the "
					"certificate (status unknown)");
			}
		}
		ERR_clear_error();
		if (v == MC_OCSP_NONE) {
			if (!out->not_used[0])
				snprintf(out->not_used, sizeof(out->not_used), "the OCSP response "
					"%.96s was not used: %.180s", it->source, why);
			continue;
		}
		if (rank(v) > rank(out->verdict)) {
			out->verdict = v;
			out->source = it->source;
			out->this_update = this_up;
			out->next_update = next_up;
			out->revoked_at = rev_at;
			out->reason = v == MC_OCSP_GOOD ? -1 : reason;
		}
	}
	/* nothing about this certificate: say why once, if anything was there at all */
	if (!out->n_about && other[0])
		snprintf(out->not_used, sizeof(out->not_used), "the OCSP response%s %s not used: "
			"%s", set->n > 1 ? "s" : "", set->n > 1 ? "were" : "was", other);
done:
	sk_X509_free(extra);
	return error;
}

/* ---- asking ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct {
	unsigned char *p;
	size_t n, cap;
	bool too_big;
} reply_buf;

static size_t reply_write(char *data, size_t size, size_t n, void *userdata)
{
	reply_buf *b = userdata;
	size_t add = size * n;

	if (add > OCSP_MAX_REPLY - b->n) {
		b->too_big = true;
		return 0;
	}
	if (b->n + add > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *p;

		while (cap < b->n + add)
			cap *= 2;
		if (!(p = OPENSSL_realloc(b->p, cap)))
			return 0;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, data, add);
	b->n += add;
	return add;
}

/* POSTs the request; the reply's body in *body after checking HTTP 200 and its type. */
static int post(reply_buf *body, const char *url, const unsigned char *req, size_t req_len)
{
	static const char *const header_lines[] = { "Content-Type: application/ocsp-request",
		"Accept: " REPLY_TYPE, "Expect:" };
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = NULL, *h;
	char *type = NULL;
	long status = 0;
	CURLcode rc;
	CURL *curl;
	int error = 0;

	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return mc_error(MOTCUA_ERROR, "ocsp: libcurl did not start: %s",
			curl_easy_strerror(curl_init_rc));
	if (!(curl = curl_easy_init()))
		return mc_error_oom();
	for (size_t i = 0; i < sizeof(header_lines) / sizeof(header_lines[0]); i++) {
		if (!(h = curl_slist_append(headers, header_lines[i]))) {
			error = mc_error_oom();
			goto done;
		}
		headers = h;
	}
	if (curl_easy_setopt(curl, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 3L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_POSTREDIR, (long)CURL_REDIR_POST_ALL) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_TIMEOUT, OCSP_TIMEOUT_S) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_USERAGENT, "motcua") != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req_len) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, reply_write) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_WRITEDATA, body) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK) {
		error = mc_error(MOTCUA_ERROR, "ocsp: %s: libcurl refused an option", url);
		goto done;
	}
	if ((rc = curl_easy_perform(curl)) != CURLE_OK) {
		const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);

		if (body->too_big)
			error = mc_error(MOTCUA_ERROR, "ocsp: %s: the reply is larger than %d bytes",
				url, OCSP_MAX_REPLY);
		else if (rc == CURLE_OPERATION_TIMEDOUT)
			error = mc_error(MOTCUA_ERROR, "ocsp: the responder at %s did not answer "
				"within %ld s", url, OCSP_TIMEOUT_S);
		else
			error = mc_error(MOTCUA_ERROR, "ocsp: cannot reach the responder at %s: %s",
				url, why);
		goto done;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
	if (status != 200) {
		error = mc_error(MOTCUA_ERROR, "ocsp: the responder at %s answered HTTP %ld", url,
			status);
		goto done;
	}
	if (!type || strncasecmp(type, REPLY_TYPE, strlen(REPLY_TYPE)) != 0 ||
	    (type[strlen(REPLY_TYPE)] && type[strlen(REPLY_TYPE)] != ';' &&
	     type[strlen(REPLY_TYPE)] != ' '))
		error = mc_error(MOTCUA_ERROR, "ocsp: the responder at %s answered with %s, not "
			"an OCSP response", url, type ? type : "no Content-Type");
done:
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return error;
}

/* The first http(s) OCSP address in the certificate's Authority Information Access. */
static const char *aia_url(STACK_OF(OPENSSL_STRING) *urls)
{
	for (int i = 0; i < sk_OPENSSL_STRING_num(urls); i++) {
		const char *u = sk_OPENSSL_STRING_value(urls, i);

		if (strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0)
			return u;
	}
	return NULL;
}

int mc_ocsp_fetch(unsigned char **der, size_t *len, X509 *cert, X509 *issuer, const char *url)
{
	STACK_OF(OPENSSL_STRING) *aia = NULL;
	reply_buf body = { NULL, 0, 0, false };
	OCSP_REQUEST *req = NULL;
	OCSP_CERTID *id = NULL;
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *bs = NULL;
	unsigned char *req_der = NULL;
	const unsigned char *p;
	int req_len, status, nonce, error = 0;

	*der = NULL;
	*len = 0;
	if (!cert || !issuer)
		return mc_error(MOTCUA_EINVALID, "ocsp: no certificate or issuer to ask about");
	if (!url && (aia = X509_get1_ocsp(cert)))
		url = aia_url(aia);
	if (!url || (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)) {
		error = mc_error(MOTCUA_EINVALID, "ocsp: %s", url ? "the responder's address must "
			"be an http or https URL" : "the certificate names no OCSP responder (AIA) "
			"and none was given");
		goto done;
	}
	if (!(req = OCSP_REQUEST_new()) || !(id = OCSP_cert_to_id(EVP_sha1(), cert, issuer)) ||
	    !OCSP_request_add0_id(req, id)) {
		OCSP_CERTID_free(id);
		error = mc_error_oom();
		goto done;
	}
	if (!OCSP_request_add1_nonce(req, NULL, -1) || (req_len = i2d_OCSP_REQUEST(req,
	    &req_der)) <= 0) {
		error = mc_error(MOTCUA_ERROR, "ocsp: %s: cannot build the request", url);
		goto done;
	}
	if ((error = post(&body, url, req_der, (size_t)req_len)) < 0)
		goto done;
	error = MOTCUA_ERROR;
	p = body.p;
	if (!(resp = d2i_OCSP_RESPONSE(NULL, &p, (long)body.n)) || p != body.p + body.n) {
		mc_error(error, "ocsp: the responder at %s answered with something that is not an "
			"OCSP response (%zu bytes)", url, body.n);
		goto done;
	}
	if ((status = OCSP_response_status(resp)) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		mc_error(error, "ocsp: the responder at %s answered %s", url,
			resp_status_name(status));
		goto done;
	}
	if (!(bs = OCSP_response_get1_basic(resp))) {
		mc_error(error, "ocsp: the responder at %s sent no BasicOCSPResponse", url);
		goto done;
	}
	/* a responder may leave the nonce out (pre-produced answers), never get it wrong */
	if ((nonce = OCSP_check_nonce(req, bs)) != 1 && nonce != -1) {
		mc_error(error, "ocsp: the responder at %s answered another request (nonce)", url);
		goto done;
	}
	if (!single_for(bs, cert, issuer)) {
		mc_error(error, "ocsp: the responder at %s answered about another certificate",
			url);
		goto done;
	}
	*der = body.p;
	*len = body.n;
	body.p = NULL;
	error = 0;
done:
	ERR_clear_error();
	OPENSSL_free(body.p);
	OPENSSL_free(req_der);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	OCSP_REQUEST_free(req);
	X509_email_free(aia);
	return error;
}
