/* pki/tsp.c — the RFC 3161 client and token reader. Asking: a TimeStampReq POSTed with libcurl
 * (http and https only), the reply checked against the request; the token is handed back as the
 * TSA encoded it. Reading: genTime, the imprint against the stamped bytes, the signature, and
 * the chain to a trust store. Every reply and token is untrusted input. */
#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/time.h"
#include "pki/der.h"
#include "pki/tsp.h"

#define TSP_TIMEOUT_S 20L
#define TSP_MAX_REPLY (1024 * 1024)
#define REPLY_TYPE "application/timestamp-reply"

/* OpenSSL's last reason (and the detail some functions add), for messages; clears the queue. */
static const char *ossl_why(char *buf, size_t size)
{
	const char *data = NULL;
	int flags = 0;
	unsigned long e = ERR_peek_last_error_all(NULL, NULL, NULL, &data, &flags);
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	snprintf(buf, size, "%s%s%s", reason ? reason : "unknown reason",
		data && (flags & ERR_TXT_STRING) && *data ? ": " : "",
		data && (flags & ERR_TXT_STRING) ? data : "");
	ERR_clear_error();
	return buf;
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
	int too_big;
} reply_buf;

static size_t reply_write(char *data, size_t size, size_t n, void *userdata)
{
	reply_buf *b = userdata;
	size_t add = size * n;

	if (add > TSP_MAX_REPLY - b->n) {
		b->too_big = 1;
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

/* TimeStampReq { version 1, messageImprint md(data), nonce (64 random bits), certReq TRUE }. */
static int make_request(TS_REQ **out, const char *url, const EVP_MD *md,
	const unsigned char *data, size_t data_len)
{
	unsigned char hash[EVP_MAX_MD_SIZE], rnd[8];
	unsigned int hash_len;
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *imprint = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	BIGNUM *bn = NULL;
	ASN1_INTEGER *nonce = NULL;
	int error = 0;

	*out = NULL;
	if (!req || !imprint || !alg) {
		error = mc_error_oom();
		goto done;
	}
	if (EVP_Digest(data, data_len, hash, &hash_len, md, NULL) != 1 ||
	    RAND_bytes(rnd, sizeof(rnd)) != 1 ||
	    !(bn = BN_bin2bn(rnd, sizeof(rnd), NULL)) || !(nonce = BN_to_ASN1_INTEGER(bn, NULL)) ||
	    !X509_ALGOR_set0(alg, OBJ_nid2obj(EVP_MD_get_type(md)), V_ASN1_NULL, NULL) ||
	    !TS_MSG_IMPRINT_set_algo(imprint, alg) ||
	    !TS_MSG_IMPRINT_set_msg(imprint, hash, (int)hash_len) ||
	    !TS_REQ_set_version(req, 1) || !TS_REQ_set_msg_imprint(req, imprint) ||
	    !TS_REQ_set_nonce(req, nonce) || !TS_REQ_set_cert_req(req, 1)) {
		char why[160];

		error = mc_error(MOTCUA_ERROR, "tsp: %s: cannot build the request: %s", url,
			ossl_why(why, sizeof(why)));
		goto done;
	}
	*out = req;
	req = NULL;
done:
	TS_REQ_free(req);
	TS_MSG_IMPRINT_free(imprint);
	X509_ALGOR_free(alg);
	BN_free(bn);
	ASN1_INTEGER_free(nonce);
	return error;
}

/* POSTs the request; the reply's body in *body, after checking HTTP 200 and its type. */
static int post(reply_buf *body, const char *url, const unsigned char *req, size_t req_len)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = NULL, *h;
	CURL *curl;
	CURLcode rc;
	long status = 0;
	char *type = NULL;
	size_t i;
	int error = 0;
	static const char *const header_lines[] = {
		"Content-Type: application/timestamp-query", "Accept: " REPLY_TYPE,
		"Expect:",      /* no 100-continue round trip */
	};

	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return mc_error(MOTCUA_ERROR, "tsp: libcurl did not start: %s",
			curl_easy_strerror(curl_init_rc));
	if (!(curl = curl_easy_init()))
		return mc_error_oom();
	for (i = 0; i < sizeof(header_lines) / sizeof(header_lines[0]); i++) {
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
	    curl_easy_setopt(curl, CURLOPT_TIMEOUT, TSP_TIMEOUT_S) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_USERAGENT, "motcua") != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req_len) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, reply_write) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_WRITEDATA, body) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK) {
		error = mc_error(MOTCUA_ERROR, "tsp: %s: libcurl refused an option", url);
		goto done;
	}
	if ((rc = curl_easy_perform(curl)) != CURLE_OK) {
		const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);

		if (body->too_big)
			error = mc_error(MOTCUA_ERROR, "tsp: %s: the reply is larger than %d bytes",
				url, TSP_MAX_REPLY);
		else if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
			error = mc_error(MOTCUA_ERROR, "tsp: cannot reach the time-stamping "
				"authority at %s: %s", url, why);
		else if (rc == CURLE_OPERATION_TIMEDOUT)
			error = mc_error(MOTCUA_ERROR, "tsp: the time-stamping authority at %s did "
				"not answer within %ld s", url, TSP_TIMEOUT_S);
		else
			error = mc_error(MOTCUA_ERROR, "tsp: %s: %s", url, why);
		goto done;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
	if (status != 200) {
		error = mc_error(MOTCUA_ERROR, "tsp: the time-stamping authority at %s answered "
			"HTTP %ld", url, status);
		goto done;
	}
	if (!type || strncasecmp(type, REPLY_TYPE, strlen(REPLY_TYPE)) != 0 ||
	    (type[strlen(REPLY_TYPE)] && type[strlen(REPLY_TYPE)] != ';' &&
	     type[strlen(REPLY_TYPE)] != ' ')) {
		error = mc_error(MOTCUA_ERROR, "tsp: the time-stamping authority at %s "
			"answered with %s, not a time-stamp reply", url,
			type ? type : "no Content-Type");
		goto done;
	}
done:
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return error;
}

static const char *status_name(long s)
{
	static const char *names[] = { "granted", "granted with modifications", "rejection",
		"waiting", "revocation warning", "revocation notification" };

	return s >= 0 && s < (long)(sizeof(names) / sizeof(names[0])) ? names[s] : "unknown";
}

/* "rejection (text; badAlg)" from PKIStatusInfo, for the error message. */
static void status_text(char *buf, size_t size, const TS_STATUS_INFO *si)
{
	static const struct { int bit; const char *name; } fails[] = {
		{ TS_INFO_BAD_ALG, "badAlg" }, { TS_INFO_BAD_REQUEST, "badRequest" },
		{ TS_INFO_BAD_DATA_FORMAT, "badDataFormat" },
		{ TS_INFO_TIME_NOT_AVAILABLE, "timeNotAvailable" },
		{ TS_INFO_UNACCEPTED_POLICY, "unacceptedPolicy" },
		{ TS_INFO_UNACCEPTED_EXTENSION, "unacceptedExtension" },
		{ TS_INFO_ADD_INFO_NOT_AVAILABLE, "addInfoNotAvailable" },
		{ TS_INFO_SYSTEM_FAILURE, "systemFailure" },
	};
	const STACK_OF(ASN1_UTF8STRING) *text = TS_STATUS_INFO_get0_text(si);
	const ASN1_BIT_STRING *fi = TS_STATUS_INFO_get0_failure_info(si);
	size_t n;
	int i;

	n = (size_t)snprintf(buf, size, "%s",
		status_name(ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(si))));
	for (i = 0; i < sk_ASN1_UTF8STRING_num(text) && n < size; i++) {
		const ASN1_UTF8STRING *s = sk_ASN1_UTF8STRING_value(text, i);

		n += (size_t)snprintf(buf + n, size - n, "%s%.*s", i ? "; " : ": ",
			ASN1_STRING_length(s), (const char *)ASN1_STRING_get0_data(s));
	}
	for (i = 0; fi && i < (int)(sizeof(fails) / sizeof(fails[0])) && n < size; i++)
		if (ASN1_BIT_STRING_get_bit(fi, fails[i].bit))
			n += (size_t)snprintf(buf + n, size - n, " [%s]", fails[i].name);
}

/* The timeStampToken inside TimeStampResp { status, timeStampToken }, byte for byte. */
static int token_bytes(mc_der_item *tok, const unsigned char *p, size_t n)
{
	mc_der_item resp, status;
	mc_der_cursor c;

	if (!mc_der_single(&resp, p, n, MC_DER_SEQUENCE))
		return -1;
	c = mc_der_enter(&resp);
	if (mc_der_next(&status, &c) != 1 || status.tag != MC_DER_SEQUENCE ||
	    mc_der_next(tok, &c) != 1 || tok->tag != MC_DER_SEQUENCE || c.left)
		return -1;
	return 0;
}

static int url_allowed(const char *url)
{
	return url && (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0);
}

int mc_tsp_timestamp(unsigned char **token, size_t *len, const char *url, const EVP_MD *md,
	const unsigned char *data, size_t data_len)
{
	reply_buf body = { NULL, 0, 0, 0 };
	TS_REQ *req = NULL;
	TS_RESP *resp = NULL;
	TS_VERIFY_CTX *vctx = NULL;
	unsigned char *req_der = NULL;
	const unsigned char *p;
	mc_der_item tok;
	long status;
	int req_len, error;
	char why[256];

	*token = NULL;
	*len = 0;
	if (!url_allowed(url))
		return mc_error(MOTCUA_EINVALID, "tsp: the time-stamping authority's address must "
			"be an http or https URL, not \"%s\"", url ? url : "(none)");
	if (!md || EVP_MD_get_size(md) <= 0 || (!data && data_len))
		return mc_error(MOTCUA_EINVALID, "tsp: %s: nothing to time-stamp", url);
	if ((error = make_request(&req, url, md, data, data_len)) < 0)
		return error;
	if ((req_len = i2d_TS_REQ(req, &req_der)) <= 0) {
		error = mc_error(MOTCUA_ERROR, "tsp: %s: cannot encode the request: %s", url,
			ossl_why(why, sizeof(why)));
		goto done;
	}
	if ((error = post(&body, url, req_der, (size_t)req_len)) < 0)
		goto done;

	error = MOTCUA_ERROR;
	p = body.p;
	if (body.n > (size_t)TSP_MAX_REPLY || !(resp = d2i_TS_RESP(NULL, &p, (long)body.n))) {
		ERR_clear_error();
		mc_error(error, "tsp: the time-stamping authority at %s answered with something "
			"that is not a time-stamp response (%zu bytes)", url, body.n);
		goto done;
	}
	status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp)));
	if (status != TS_STATUS_GRANTED && status != TS_STATUS_GRANTED_WITH_MODS) {
		status_text(why, sizeof(why), TS_RESP_get_status_info(resp));
		mc_error(error, "tsp: the time-stamping authority at %s did not grant the request: %s",
			url, why);
		goto done;
	}
	if (!TS_RESP_get_token(resp) || token_bytes(&tok, body.p, body.n) < 0) {
		mc_error(error, "tsp: the time-stamping authority at %s granted the request but "
			"sent no well-formed token", url);
		goto done;
	}
	if (!(vctx = TS_REQ_to_TS_VERIFY_CTX(req, NULL))) {
		error = mc_error_oom();
		goto done;
	}
	/* the reply must answer this request; the signature and chain are the verifier's */
	TS_VERIFY_CTX_set_flags(vctx, TS_VFY_VERSION | TS_VFY_IMPRINT | TS_VFY_NONCE);
	if (TS_RESP_verify_response(vctx, resp) != 1) {
		mc_error(error, "tsp: the token from the time-stamping authority at %s does not "
			"answer the request: %s", url,
			ossl_why(why, sizeof(why)));
		goto done;
	}
	if (!(*token = OPENSSL_memdup(tok.raw, tok.raw_len))) {
		error = mc_error_oom();
		goto done;
	}
	*len = tok.raw_len;
	error = 0;
done:
	ERR_clear_error();
	TS_VERIFY_CTX_free(vctx);
	TS_RESP_free(resp);
	TS_REQ_free(req);
	OPENSSL_free(req_der);
	OPENSSL_free(body.p);
	return error;
}

/* ---- reading ---- */

static void problem(mc_tsp_info *r, const char *fmt, ...) MC_PRINTF(2, 3);

static void problem(mc_tsp_info *r, const char *fmt, ...)
{
	size_t n = strlen(r->problem);
	va_list ap;

	if (n && n + 2 < sizeof(r->problem)) {
		memcpy(r->problem + n, "; ", 3);
		n += 2;
	}
	if (n + 1 >= sizeof(r->problem))
		return;
	va_start(ap, fmt);
	vsnprintf(r->problem + n, sizeof(r->problem) - n, fmt, ap);
	va_end(ap);
}

static int64_t gen_time(const ASN1_GENERALIZEDTIME *t)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm)) {
		ERR_clear_error();
		return 0;
	}
	return mc_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
		tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

static void check_imprint(mc_tsp_info *r, TS_TST_INFO *tst, const unsigned char *data,
	size_t data_len)
{
	TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(tst);
	const ASN1_OBJECT *obj;
	const ASN1_OCTET_STRING *msg;
	unsigned char hash[EVP_MAX_MD_SIZE];
	unsigned int hash_len;
	const EVP_MD *md;
	int nid;

	X509_ALGOR_get0(&obj, NULL, NULL, TS_MSG_IMPRINT_get_algo(mi));
	nid = OBJ_obj2nid(obj);
	snprintf(r->hash_alg, sizeof(r->hash_alg), "%s",
		nid != NID_undef ? OBJ_nid2ln(nid) : "unknown");
	if (!(md = EVP_get_digestbynid(nid))) {
		problem(r, "the imprint's hash algorithm is unknown");
		return;
	}
	if (nid == NID_sha1 || nid == NID_md5)
		problem(r, "the imprint uses %s", r->hash_alg);   /* reported; the caller judges */
	msg = TS_MSG_IMPRINT_get_msg(mi);
	if (EVP_Digest(data, data_len, hash, &hash_len, md, NULL) != 1) {
		ERR_clear_error();
		problem(r, "cannot hash the stamped data with %s", r->hash_alg);
		return;
	}
	r->imprint_ok = msg && (unsigned int)ASN1_STRING_length(msg) == hash_len &&
		!CRYPTO_memcmp(ASN1_STRING_get0_data(msg), hash, hash_len);
	if (!r->imprint_ok)
		problem(r, "the time-stamp is over other data");
}

static void name_of(char *buf, size_t size, X509 *cert)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	buf[0] = 0;
	if (b && X509_NAME_print_ex(b, X509_get_subject_name(cert), 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0 && (n = BIO_get_mem_data(b, &p)) > 0)
		snprintf(buf, size, "%.*s", (int)n, p);
	BIO_free(b);
}

/* The signature alone, with the signer's certificate from the token. */
static void check_signature(mc_tsp_info *r, PKCS7 *p7)
{
	STACK_OF(X509) *signers = PKCS7_get0_signers(p7, NULL, 0);
	char why[160];

	if (!signers || sk_X509_num(signers) != 1) {
		ERR_clear_error();
		problem(r, "the token does not hold its TSA's certificate");
		sk_X509_free(signers);
		return;
	}
	r->signer = sk_X509_value(signers, 0);
	X509_up_ref(r->signer);
	sk_X509_free(signers);
	name_of(r->tsa, sizeof(r->tsa), r->signer);
	r->signature_ok = PKCS7_verify(p7, NULL, NULL, NULL, NULL, PKCS7_NOVERIFY) == 1;
	if (!r->signature_ok)
		problem(r, "the token's signature does not verify: %s", ossl_why(why, sizeof(why)));
	ERR_clear_error();
}

/* Signature, ESS signingCertificate binding, chain to the store with the timeStamping EKU. */
static void check_chain(mc_tsp_info *r, PKCS7 *p7, X509_STORE *trust)
{
	TS_VERIFY_CTX *v = TS_VERIFY_CTX_new();
	char why[200];

	r->chain_checked = true;
	if (!v || !X509_STORE_up_ref(trust)) {
		problem(r, "out of memory checking the TSA's chain");
		TS_VERIFY_CTX_free(v);
		return;
	}
	TS_VERIFY_CTX_set_flags(v, TS_VFY_VERSION | TS_VFY_SIGNATURE);
	TS_VERIFY_CTX_set_store(v, trust);     /* the context now holds the reference */
	r->chain_ok = TS_RESP_verify_token(v, p7) == 1;
	if (!r->chain_ok)
		problem(r, "the TSA's certificate does not chain to the trust store: %s",
			ossl_why(why, sizeof(why)));
	ERR_clear_error();
	TS_VERIFY_CTX_free(v);
}

int mc_tsp_check_token(mc_tsp_info *out, const unsigned char *token, size_t len,
	const unsigned char *data, size_t data_len, X509_STORE *trust)
{
	const unsigned char *p = token;
	PKCS7 *p7 = NULL;
	TS_TST_INFO *tst = NULL;
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (!token || !len || len > (size_t)LONG_MAX ||
	    !(p7 = d2i_PKCS7(NULL, &p, (long)len)) || p != token + len ||
	    !(tst = PKCS7_to_TS_TST_INFO(p7))) {
		ERR_clear_error();
		problem(out, "not an RFC 3161 time-stamp token");
		error = mc_error(MOTCUA_EINVALID, "tsp: not an RFC 3161 time-stamp token");
		goto done;
	}
	out->parsed = true;
	out->gen_time = gen_time(TS_TST_INFO_get_time(tst));
	if (!out->gen_time)
		problem(out, "the token's genTime is unreadable");
	check_imprint(out, tst, data, data_len);
	check_signature(out, p7);
	if (trust)
		check_chain(out, p7, trust);
done:
	ERR_clear_error();
	TS_TST_INFO_free(tst);
	PKCS7_free(p7);
	return error;
}

void mc_tsp_info_clear(mc_tsp_info *info)
{
	if (!info)
		return;
	X509_free(info->signer);
	memset(info, 0, sizeof(*info));
}
