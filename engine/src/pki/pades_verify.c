/* pki/pades_verify.c — verifying every signature of a PDF, each judged apart in the terms of
 * ETSI EN 319 102-1: integrity (ByteRange, digest, CMS signature), modification (what came
 * after it) and trust (the chain to the trust store at the signing time; revocation from the
 * store's CRLs, else CRLs the caller gives or the document's DSS holds, and OCSP responses
 * from either). Document timestamps (B-LTA) are judged as timestamps. A CA missing from the
 * store makes a signature indeterminate, never broken. */
#include <dirent.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/time.h"
#include "motcua/pades.h"
#include "pdf/pdf.h"
#include "pki/cms.h"
#include "pki/ocsp.h"
#include "pki/tsp.h"

typedef struct {
	const unsigned char *file;
	const int64_t *br;
} ranges;

static int hash_ranges(unsigned char *out, unsigned int *out_len, const EVP_MD *md,
	void *payload)
{
	const ranges *r = payload;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
		EVP_DigestUpdate(ctx, r->file + r->br[0], (size_t)r->br[1]) == 1 &&
		EVP_DigestUpdate(ctx, r->file + r->br[2], (size_t)r->br[3]) == 1 &&
		EVP_DigestFinal_ex(ctx, out, out_len) == 1;

	EVP_MD_CTX_free(ctx);
	return ok ? 0 : MOTCUA_ERROR;
}

/* The /ByteRange must start at 0 and leave out exactly the /Contents hex string. */
static bool byte_range_ok(char *why, size_t size, const int64_t br[4], const unsigned char *f,
	size_t file_size)
{
	if (br[0] != 0 || br[1] <= 0 || br[2] <= br[1] + 1 || br[3] < 0 ||
	    (uint64_t)br[2] + (uint64_t)br[3] > file_size) {
		snprintf(why, size, "/ByteRange [%lld %lld %lld %lld] does not fit the file of %zu "
			"bytes", (long long)br[0], (long long)br[1], (long long)br[2],
			(long long)br[3], file_size);
		return false;
	}
	if (f[br[1]] != '<' || f[br[2] - 1] != '>') {
		snprintf(why, size, "/ByteRange leaves out bytes %lld-%lld, which are not the "
			"/Contents string", (long long)br[1], (long long)br[2] - 1);
		return false;
	}
	for (int64_t i = br[1] + 1; i < br[2] - 1; i++) {
		int c = f[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
			snprintf(why, size, "the bytes /ByteRange leaves out are not only the "
				"/Contents hex string (byte %lld)", (long long)i);
			return false;
		}
	}
	return true;
}

/* "D:20260305103000+07'00'" → UTC seconds; 0 when unreadable. */
static int64_t pdf_date(const char *m)
{
	int y, mo, d, h = 0, mi = 0, s = 0, oh = 0, om = 0, sign = 1;
	char tz = 'Z';

	if (!m || strncmp(m, "D:", 2) != 0 || sscanf(m + 2, "%4d%2d%2d%2d%2d%2d%c%2d'%2d", &y,
	    &mo, &d, &h, &mi, &s, &tz, &oh, &om) < 3 || !mc_date_valid(y, mo, d))
		return 0;
	if (tz == '-')
		sign = -1;
	else if (tz != '+')
		oh = om = 0;
	return mc_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s -
		sign * (oh * 3600 + om * 60);
}

/* A name as UTF-8 text (RFC 2253 order, Vietnamese left as it is), cut to the buffer. */
static void name_utf8(char *buf, size_t size, const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;

	buf[0] = '\0';
	if (!bio)
		return;
	X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	if ((n = BIO_get_mem_data(bio, &data)) > 0)
		snprintf(buf, size, "%.*s", (int)n, data);
	BIO_free(bio);
}

static char *subject_text(X509 *cert)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *text = NULL, *data;
	long n;

	if (!bio)
		return NULL;
	X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0,
		XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	if ((n = BIO_get_mem_data(bio, &data)) >= 0 && (text = malloc((size_t)n + 1))) {
		memcpy(text, data, (size_t)n);
		text[n] = '\0';
	}
	BIO_free(bio);
	return text;
}

/* Personal certificates of the government CA carry what only a person has: an e-mail
 * address, a title, a given name or surname, a user id (the ID number); an agency's seal
 * certificate names the agency and nothing personal. */
static bool names_person(X509 *cert)
{
	static const int personal[] = { NID_pkcs9_emailAddress, NID_title, NID_givenName,
		NID_surname, NID_userId };
	X509_NAME *n = X509_get_subject_name(cert);

	for (size_t i = 0; i < sizeof(personal) / sizeof(personal[0]); i++)
		if (X509_NAME_get_index_by_NID(n, personal[i], -1) >= 0)
			return true;
	return false;
}

/* The trust folder: certificates and CRLs; files named *.legacy.pem (motcua trust add
 * --legacy) also go to `legacy`, the hierarchies where SHA-1 certificate signatures stand. */
static X509_STORE *load_trust(const char *dir, int *n_crls, STACK_OF(X509) *legacy)
{
	X509_STORE *store = X509_STORE_new();
	struct dirent *e;
	DIR *d;

	*n_crls = 0;
	if (!store || !dir || !(d = opendir(dir)))
		return store;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char path[4096];
		BIO *bio;
		X509 *cert;
		X509_CRL *crl;

		if (n < 5 || (strcmp(e->d_name + n - 4, ".pem") != 0 &&
		    strcmp(e->d_name + n - 4, ".crt") != 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!(bio = BIO_new_file(path, "r")))
			continue;
		if (n > 8 && strcmp(e->d_name + n - 8, ".crl.pem") == 0) {
			while ((crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL))) {
				X509_STORE_add_crl(store, crl);
				X509_CRL_free(crl);
				(*n_crls)++;
			}
		} else {
			bool marked = n > 11 && strcmp(e->d_name + n - 11, ".legacy.pem") == 0;

			while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
				X509_STORE_add_cert(store, cert);
				if (marked && legacy && sk_X509_push(legacy, cert))
					continue;      /* the stack owns it now */
				X509_free(cert);
			}
		}
		ERR_clear_error();
		BIO_free(bio);
	}
	closedir(d);
	return store;
}

/* What trust is judged with: the trust folder, and the validation material of the document's
 * DSS, which only helps build chains (its certificates are untrusted intermediates) and gives
 * revocation data (a CRL counts only if it verifies against its issuer in the chain, an OCSP
 * response only if the issuer authorized its responder), and what the caller gives. */
typedef struct {
	X509_STORE *store;
	int n_crls;                  /* CRLs the trust folder holds */
	bool have_store;             /* a trust folder was given */
	STACK_OF(X509) *dss_certs;
	STACK_OF(X509_CRL) *dss_crls;
	STACK_OF(X509_CRL) *given_crls;  /* the caller's CRL files */
	mc_ocsp_set ocsp;            /* OCSP responses: the caller's files, then the DSS's */
	STACK_OF(X509) *legacy;      /* trust folder certificates marked legacy (SHA-1) */
} validation;

/* SHA-1 in a certificate signature of the chain stands only where the admin marked the
 * hierarchy legacy (the government CA's G1). 0: no SHA-1; 1: SHA-1 accepted as legacy;
 * -1: SHA-1 in a hierarchy not marked. An anchor's own self-signature is not relied on. */
static int sha1_in_chain(char *which, size_t size, X509_STORE_CTX *ctx, const validation *v)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	bool sha1 = false, marked = false;

	for (int i = 0; i < sk_X509_num(chain); i++) {
		X509 *c = sk_X509_value(chain, i);
		int nid = X509_get_signature_nid(c);

		for (int l = 0; l < sk_X509_num(v->legacy); l++)
			marked |= X509_cmp(c, sk_X509_value(v->legacy, l)) == 0;
		if (X509_check_issued(c, c) == X509_V_OK)
			continue;
		if (nid == NID_sha1WithRSAEncryption || nid == NID_ecdsa_with_SHA1 ||
		    nid == NID_dsaWithSHA1) {
			if (!sha1)
				name_utf8(which, size, X509_get_subject_name(c));
			sha1 = true;
		}
	}
	return !sha1 ? 0 : marked ? 1 : -1;
}

/* One chain building attempt at `at`; the context is returned for its error and current
 * certificate (NULL when none could be made). */
static X509_STORE_CTX *chain_check(int *err, const validation *v, X509 *signer,
	STACK_OF(X509) *untrusted, int64_t at, bool crl_check, STACK_OF(X509_CRL) *crls)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509_VERIFY_PARAM *param;

	if (!ctx || X509_STORE_CTX_init(ctx, v->store, signer, untrusted) != 1) {
		X509_STORE_CTX_free(ctx);
		ERR_clear_error();
		return NULL;
	}
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(param, (time_t)at);
	X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_ANY);
	if (crl_check)
		X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK);
	if (crls)
		X509_STORE_CTX_set0_crls(ctx, crls);    /* beside the store's; not owned by ctx */
	if (X509_verify_cert(ctx) == 1)
		*err = X509_V_OK;
	else if ((*err = X509_STORE_CTX_get_error(ctx)) == X509_V_OK)
		*err = X509_V_ERR_UNSPECIFIED;
	ERR_clear_error();
	return ctx;
}

/* Where the CRL that decided came from: its name in sentences, and as an owner ("the DSS's"). */
typedef struct {
	const char *name;
	const char *owner;
} crl_source;

static const crl_source crl_store = { "the store's CRLs", "store's" };
static const crl_source crl_given = { "the CRLs given", "given" };
static const crl_source crl_dss = { "the revocation data from the document's DSS", "DSS's" };

/* What the OCSP responses say about a certificate whose chain holds: REVOKED settles it; GOOD
 * (or revoked only after the signing time) can stand in for a CRL the store lacks, so the
 * chain is checked again without one; otherwise why none was used goes in `note`. */
typedef struct {
	mc_ocsp_result res;
	bool used;                  /* GOOD or REVOKED_LATER decided */
	char note[320];
} ocsp_view;

static void judge_ocsp(ocsp_view *o, X509_STORE_CTX **ctx, int *err, const validation *v,
	X509 *signer, STACK_OF(X509) *untrusted, int64_t at)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(*ctx);
	X509 *issuer = sk_X509_num(chain) > 1 ? sk_X509_value(chain, 1) : NULL;
	X509_STORE_CTX *again;
	int err2;

	memset(o, 0, sizeof(*o));
	if (!issuer || mc_ocsp_check(&o->res, &v->ocsp, signer, issuer, untrusted, at) < 0)
		return;
	if (o->res.verdict == MC_OCSP_NONE) {
		snprintf(o->note, sizeof(o->note), "%s", o->res.not_used);
		return;
	}
	if (o->res.verdict == MC_OCSP_REVOKED)
		return;
	o->used = true;
	/* a missing or outdated CRL stopped OpenSSL before it checked the rest of the chain */
	if (*err != X509_V_OK &&
	    (again = chain_check(&err2, v, signer, untrusted, at, false, NULL))) {
		X509_STORE_CTX_free(*ctx);
		*ctx = again;
		*err = err2;
	}
}

static void judge_trust(motcua_sig_report *r, const validation *v, X509 *signer,
	STACK_OF(X509) *certs)
{
	X509_STORE_CTX *ctx = NULL, *retry;
	STACK_OF(X509) *untrusted = certs ? sk_X509_dup(certs) : sk_X509_new_null();
	const struct {
		STACK_OF(X509_CRL) *crls;
		const crl_source *src;
	} extra[] = { { v->given_crls, &crl_given }, { v->dss_crls, &crl_dss } };
	uint32_t ku = X509_get_key_usage(signer);
	int64_t at = r->signing_time ? r->signing_time : mc_time_now();
	const crl_source *crl_from = v->n_crls ? &crl_store : NULL;
	char by_crl[160] = "", when[32];
	ocsp_view ocsp = { 0 };
	int err = X509_V_OK, err2;

	if (!(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
		r->trust = MOTCUA_FAILED;
		snprintf(r->trust_detail, sizeof(r->trust_detail), "SIG_CONSTRAINTS_FAILURE: the "
			"certificate's key usage allows no signatures");
		goto done;
	}
	for (int i = 0; untrusted && i < sk_X509_num(v->dss_certs); i++)
		sk_X509_push(untrusted, sk_X509_value(v->dss_certs, i));
	/* the signer's own dates first: OpenSSL would check revocation before them, and a CRL
	 * younger than a back-dated signature hides the real reason */
	if (r->signing_time) {
		time_t t = (time_t)r->signing_time;

		if (X509_cmp_time(X509_get0_notBefore(signer), &t) > 0) {
			r->trust = MOTCUA_FAILED;
			snprintf(r->trust_detail, sizeof(r->trust_detail), "NOT_YET_VALID: the "
				"signing certificate was not yet valid at the signing time");
			goto done;
		}
	}
	if (!untrusted || !(ctx = chain_check(&err, v, signer, untrusted, at, v->n_crls > 0,
	    NULL))) {
		r->trust = MOTCUA_INDETERMINATE;
		snprintf(r->trust_detail, sizeof(r->trust_detail), "could not build a chain");
		goto done;
	}
	/* the store has no CRL for this chain: the caller's CRLs, then the DSS's, decide */
	for (size_t k = 0; k < sizeof(extra) / sizeof(extra[0]); k++) {
		if (sk_X509_CRL_num(extra[k].crls) == 0 || !(err == X509_V_ERR_UNABLE_TO_GET_CRL ||
		    (err == X509_V_OK && !crl_from)) ||
		    !(retry = chain_check(&err2, v, signer, untrusted, at, true, extra[k].crls)))
			continue;
		/* CRLs that do not cover the chain leave the first answer standing */
		if (err2 != X509_V_ERR_UNABLE_TO_GET_CRL || err != X509_V_OK) {
			X509_STORE_CTX_free(ctx);
			ctx = retry;
			err = err2;
			if (err2 != X509_V_ERR_UNABLE_TO_GET_CRL)
				crl_from = extra[k].src;
		} else {
			X509_STORE_CTX_free(retry);
		}
	}
	if (crl_from && crl_from != &crl_store)
		snprintf(by_crl, sizeof(by_crl), " (per %s)", crl_from->name);
	/* OCSP beside the CRLs: a revocation either reports counts, and a good answer stands
	 * in for a CRL that is missing or does not cover the signing time */
	if (v->ocsp.n > 0 && (err == X509_V_OK || err == X509_V_ERR_UNABLE_TO_GET_CRL ||
	    err == X509_V_ERR_CRL_HAS_EXPIRED || err == X509_V_ERR_CRL_NOT_YET_VALID)) {
		int crl_err = err;

		judge_ocsp(&ocsp, &ctx, &err, v, signer, untrusted, at);
		if (ocsp.used && crl_err != X509_V_OK)
			crl_from = NULL;        /* no CRL decided: the response did */
		if (ocsp.res.verdict == MC_OCSP_REVOKED) {
			r->trust = MOTCUA_FAILED;
			snprintf(r->trust_detail, sizeof(r->trust_detail), "REVOKED: the signing "
				"certificate was revoked on %s (%s), at or before the signing time, "
				"per the OCSP response %s", mc_time_format(when, sizeof(when),
				ocsp.res.revoked_at), mc_ocsp_reason_name(ocsp.res.reason),
				ocsp.res.source);
			goto done;
		}
	}
	switch (err) {
	case X509_V_OK: {
		char which[256] = "", revocation[300];
		int sha1 = sha1_in_chain(which, sizeof(which), ctx, v);
		size_t used = strlen(r->warnings);

		if (sha1 < 0) {
			r->trust = MOTCUA_FAILED;
			snprintf(r->trust_detail, sizeof(r->trust_detail), "CRYPTO_CONSTRAINTS_FAILURE: "
				"%.200s is signed with SHA-1 and its hierarchy is not marked legacy "
				"(motcua trust add --legacy)", which);
			break;
		}
		if (ocsp.used && ocsp.res.verdict == MC_OCSP_REVOKED_LATER && !r->timestamped) {
			r->trust = MOTCUA_INDETERMINATE;
			snprintf(r->trust_detail, sizeof(r->trust_detail), "REVOKED_NO_POE: the "
				"signing certificate was revoked on %s (%s) per the OCSP response %s, "
				"after the claimed signing time; no timestamp proves the signature came "
				"first", mc_time_format(when, sizeof(when), ocsp.res.revoked_at),
				mc_ocsp_reason_name(ocsp.res.reason), ocsp.res.source);
			break;
		}
		if (sha1 > 0)
			snprintf(r->warnings + used, sizeof(r->warnings) - used, "%sSHA-1 in "
				"certificate signatures accepted: legacy hierarchy (%.120s)",
				used ? "; " : "", which);
		if (ocsp.used)
			snprintf(revocation, sizeof(revocation), "not revoked%s per %s%sthe OCSP "
				"response %s%s", ocsp.res.verdict == MC_OCSP_REVOKED_LATER ?
				" at the signing time" : "", crl_from ? crl_from->name : "",
				crl_from ? " and " : "", ocsp.res.source,
				ocsp.res.verdict == MC_OCSP_REVOKED_LATER ? " (revoked later, after "
				"the time-stamped signing time)" : "");
		else if (crl_from)
			snprintf(revocation, sizeof(revocation), "not revoked per %s",
				crl_from->name);
		else
			snprintf(revocation, sizeof(revocation), "no revocation data in the store");
		r->trust = MOTCUA_PASSED;
		snprintf(r->trust_detail, sizeof(r->trust_detail), "chain to a trusted root valid "
			"at the signing time; %.250s%s%.200s", revocation, ocsp.note[0] ? "; " : "",
			ocsp.note);
		break;
	}
	case X509_V_ERR_CERT_REVOKED:
		r->trust = MOTCUA_FAILED;
		snprintf(r->trust_detail, sizeof(r->trust_detail), "REVOKED: the signing "
			"certificate is revoked%s", by_crl);
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		r->trust = MOTCUA_FAILED;
		snprintf(r->trust_detail, sizeof(r->trust_detail), "NOT_YET_VALID: a certificate "
			"of the chain was not yet valid at the signing time");
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		r->trust = MOTCUA_INDETERMINATE;
		snprintf(r->trust_detail, sizeof(r->trust_detail), "OUT_OF_BOUNDS_NO_POE: a "
			"certificate of the chain had expired at the claimed signing time");
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: {
		X509 *top = X509_STORE_CTX_get_current_cert(ctx);
		char issuer[256] = "?";

		if (top)
			name_utf8(issuer, sizeof(issuer), X509_get_issuer_name(top));
		r->trust = MOTCUA_INDETERMINATE;
		snprintf(r->trust_detail, sizeof(r->trust_detail), "NO_CERTIFICATE_CHAIN_FOUND: "
			"%s; install the CA %s in the trust store", v->have_store ?
			"the trust store has no anchor for this chain" : "no trust store given",
			issuer);
		break;
	}
	case X509_V_ERR_CRL_NOT_YET_VALID:
	case X509_V_ERR_CRL_HAS_EXPIRED:
		r->trust = MOTCUA_INDETERMINATE;
		snprintf(r->trust_detail, sizeof(r->trust_detail), "REVOCATION_OUT_OF_BOUNDS_NO_POE: "
			"the %s CRL does not cover the signing time%s%.280s", crl_from ?
			crl_from->owner : "store's", ocsp.note[0] ? "; " : "", ocsp.note);
		break;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
		r->trust = MOTCUA_INDETERMINATE;
		snprintf(r->trust_detail, sizeof(r->trust_detail), "TRY_LATER: no CRL in the store "
			"%s%sfor the signing certificate's issuer%s%.280s",
			sk_X509_CRL_num(v->given_crls) > 0 ? "or the files given " : "",
			sk_X509_CRL_num(v->dss_crls) > 0 ? "or the document's DSS " : "",
			ocsp.note[0] ? "; " : "", ocsp.note);
		break;
	default:
		r->trust = MOTCUA_FAILED;
		snprintf(r->trust_detail, sizeof(r->trust_detail), "CHAIN_CONSTRAINTS_FAILURE: "
			"%s%s", X509_verify_cert_error_string(err), by_crl);
	}
done:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
}

/* Every revision after the signed one: only new signatures, their appearances, a DSS and
 * document timestamps may come after a signature (what provinces add when they seal and
 * number a document); anything else is a modification. */
static void judge_revisions(motcua_sig_report *r, const char *path, int64_t signed_end)
{
	mc_pdf_revision_diff d = { 0 };
	char *nl;

	if (mc_pdf_compare_revisions(&d, path, signed_end) < 0) {
		snprintf(r->modification_detail, sizeof(r->modification_detail), "the later "
			"revisions cannot be compared: %.180s", motcua_error_last());
		return;
	}
	r->modification = d.allowed ? MOTCUA_PASSED : MOTCUA_FAILED;
	/* one line of the summary per change: show them joined, disallowed ones first */
	for (nl = d.summary; nl && (nl = strchr(nl, '\n'));)
		*nl = nl[1] ? ';' : '\0';
	snprintf(r->modification_detail, sizeof(r->modification_detail), "%s%.220s",
		d.allowed ? "later revisions only add what is allowed: " :
		"modified after signing: ", d.summary ? d.summary : "");
	mc_pdf_revision_diff_clear(&d);
}

/* A signature timestamp (B-T) over the signature value fixes when the signature existed; a
 * bad one is a warning and the time stays claimed. */
static void judge_timestamp(motcua_sig_report *r, const mc_cms_report *cms, X509_STORE *store)
{
	mc_tsp_info ts;
	size_t used = strlen(r->warnings);

	if (mc_tsp_check_token(&ts, cms->timestamp, cms->timestamp_len, cms->signature_value,
	    cms->signature_value_len, store) < 0 || !ts.parsed) {
		snprintf(r->warnings + used, sizeof(r->warnings) - used, "%sthe signature "
			"timestamp cannot be read", used ? "; " : "");
	} else if (!ts.imprint_ok || !ts.signature_ok || !ts.chain_ok) {
		snprintf(r->warnings + used, sizeof(r->warnings) - used, "%sthe signature "
			"timestamp does not hold (%.160s); the signing time stays claimed",
			used ? "; " : "", ts.problem);
	} else {
		r->signing_time = ts.gen_time;
		r->time_source = "timestamp";
		r->timestamped = true;
	}
	mc_tsp_info_clear(&ts);
}

/* The DER of the CMS without the placeholder's trailing zeros. */
static size_t der_length(const unsigned char *p, size_t n)
{
	size_t len, hdr;

	if (n < 2 || p[0] != 0x30)
		return n;
	if (p[1] < 0x80) {
		len = p[1];
		hdr = 2;
	} else {
		size_t k = p[1] & 0x7f;

		if (k == 0 || k > 4 || n < 2 + k)
			return n;
		len = 0;
		for (size_t i = 0; i < k; i++)
			len = (len << 8) | p[2 + i];
		hdr = 2 + k;
	}
	return hdr + len <= n ? hdr + len : n;
}

/* The certificates a time-stamp token carries (its TSA's and maybe a chain), owned. */
static STACK_OF(X509) *token_certs(const unsigned char *token, size_t len)
{
	const unsigned char *p = token;
	PKCS7 *p7 = len <= (size_t)LONG_MAX ? d2i_PKCS7(NULL, &p, (long)len) : NULL;
	STACK_OF(X509) *certs = NULL;

	if (p7 && PKCS7_type_is_signed(p7) && p7->d.sign->cert)
		certs = X509_chain_up_ref(p7->d.sign->cert);
	PKCS7_free(p7);
	ERR_clear_error();
	return certs ? certs : sk_X509_new_null();
}

/* A document timestamp (PAdES B-LTA, /SubFilter /ETSI.RFC3161) is judged as what it is: an
 * RFC 3161 token whose imprint covers the /ByteRange bytes, signed by a TSA that chains to the
 * store at its genTime, with revocation as for signatures. */
static void judge_doc_timestamp(motcua_sig_report *r, const char *path,
	const mc_pdf_signature *sig, const unsigned char *file, size_t size, const validation *v)
{
	const int64_t *br = sig->byte_range;
	STACK_OF(X509) *certs = NULL;
	unsigned char *data = NULL;
	mc_tsp_info ts;

	memset(&ts, 0, sizeof(ts));
	r->time_source = "timestamp";
	if (!byte_range_ok(r->integrity_detail, sizeof(r->integrity_detail), br, file, size)) {
		r->integrity = MOTCUA_FAILED;
		snprintf(r->trust_detail, sizeof(r->trust_detail), "not judged: integrity failed");
		return;
	}
	r->covers_whole_file = (size_t)(br[2] + br[3]) == size;
	if (!(data = malloc((size_t)(br[1] + br[3]) + 1))) {
		snprintf(r->integrity_detail, sizeof(r->integrity_detail), "out of memory");
		return;
	}
	memcpy(data, file + br[0], (size_t)br[1]);
	memcpy(data + br[1], file + br[2], (size_t)br[3]);
	if (mc_tsp_check_token(&ts, sig->contents, der_length(sig->contents, sig->contents_len),
	    data, (size_t)(br[1] + br[3]), v->store) < 0 || !ts.parsed) {
		r->integrity = MOTCUA_FAILED;
		snprintf(r->integrity_detail, sizeof(r->integrity_detail), "FORMAT_FAILURE: "
			"/Contents is not an RFC 3161 time-stamp token");
		snprintf(r->trust_detail, sizeof(r->trust_detail), "not judged: integrity failed");
		goto done;
	}
	r->signer = ts.signer ? subject_text(ts.signer) : strdup(ts.tsa);
	r->signing_time = ts.gen_time;
	if (!ts.imprint_ok || !ts.signature_ok || !ts.signer) {
		r->integrity = MOTCUA_FAILED;
		snprintf(r->integrity_detail, sizeof(r->integrity_detail), "%s: %.200s",
			!ts.imprint_ok ? "HASH_FAILURE" : "SIG_CRYPTO_FAILURE", ts.problem);
	} else {
		r->integrity = MOTCUA_PASSED;
		r->timestamped = true;
		snprintf(r->integrity_detail, sizeof(r->integrity_detail), "%s imprint over the "
			"signed bytes; time-stamp token signature valid", ts.hash_alg);
	}
	if (strcmp(ts.hash_alg, "sha1") == 0)
		snprintf(r->warnings, sizeof(r->warnings), "SHA-1 imprint: a weak algorithm");
	if (r->covers_whole_file) {
		r->modification = MOTCUA_PASSED;
		snprintf(r->modification_detail, sizeof(r->modification_detail),
			"the timestamp covers the whole file");
	} else {
		judge_revisions(r, path, br[2] + br[3]);
	}
	if (r->integrity != MOTCUA_PASSED) {
		snprintf(r->trust_detail, sizeof(r->trust_detail), "not judged: integrity failed");
		goto done;
	}
	certs = token_certs(sig->contents, der_length(sig->contents, sig->contents_len));
	judge_trust(r, v, ts.signer, certs);
	/* the chain holds at genTime; the token's own checks (timeStamping EKU, ESS binding
	 * of the TSA's certificate) must hold too */
	if (r->trust == MOTCUA_PASSED && !ts.chain_ok) {
		r->trust = MOTCUA_FAILED;
		snprintf(r->trust_detail, sizeof(r->trust_detail), "CHAIN_CONSTRAINTS_FAILURE: "
			"%.480s", ts.problem);
	}
done:
	sk_X509_pop_free(certs, X509_free);
	mc_tsp_info_clear(&ts);
	free(data);
}

static void judge(motcua_sig_report *r, const char *path, const mc_pdf_signature *sig,
	const unsigned char *file, size_t size, const validation *v)
{
	ranges rg = { file, sig->byte_range };
	mc_cms_report cms;

	r->field = strdup(sig->field_name ? sig->field_name : "");
	r->subfilter = strdup(sig->subfilter ? sig->subfilter : "");
	r->integrity = r->modification = r->trust = MOTCUA_INDETERMINATE;
	if (sig->is_doc_timestamp || (sig->subfilter &&
	    strcmp(sig->subfilter, "ETSI.RFC3161") == 0)) {
		judge_doc_timestamp(r, path, sig, file, size, v);
		return;
	}
	r->signing_time = pdf_date(sig->m);
	r->time_source = "claimed (/M)";
	if (!byte_range_ok(r->integrity_detail, sizeof(r->integrity_detail), sig->byte_range,
	    file, size)) {
		r->integrity = MOTCUA_FAILED;
		snprintf(r->trust_detail, sizeof(r->trust_detail), "not judged: integrity failed");
		return;
	}
	r->covers_whole_file = (size_t)(sig->byte_range[2] + sig->byte_range[3]) == size;
	if (mc_cms_verify(&cms, sig->contents, der_length(sig->contents, sig->contents_len),
	    hash_ranges, &rg) < 0 || !cms.parsed) {
		r->integrity = MOTCUA_FAILED;
		snprintf(r->integrity_detail, sizeof(r->integrity_detail), "FORMAT_FAILURE: "
			"/Contents is not a CMS SignedData: %s", motcua_error_last());
		mc_cms_report_clear(&cms);
		return;
	}
	r->signer = subject_text(cms.signer);
	r->signer_is_person = names_person(cms.signer);
	if (!r->signing_time && cms.signing_time) {
		r->signing_time = cms.signing_time;
		r->time_source = "claimed (signingTime)";
	}
	if (cms.timestamp)
		judge_timestamp(r, &cms, v->store);
	if (!cms.digest_ok || !cms.signature_ok) {
		r->integrity = MOTCUA_FAILED;
		snprintf(r->integrity_detail, sizeof(r->integrity_detail), "%s: %.200s",
			!cms.digest_ok ? "HASH_FAILURE" : "SIG_CRYPTO_FAILURE", cms.problem);
	} else {
		r->integrity = MOTCUA_PASSED;
		snprintf(r->integrity_detail, sizeof(r->integrity_detail), "%s over the signed "
			"bytes; CMS signature valid", cms.digest_alg);
	}
	if (r->covers_whole_file) {
		r->modification = MOTCUA_PASSED;
		snprintf(r->modification_detail, sizeof(r->modification_detail),
			"the signature covers the whole file");
	} else {
		judge_revisions(r, path, sig->byte_range[2] + sig->byte_range[3]);
	}
	if (strcmp(cms.digest_alg, "sha1") == 0)
		snprintf(r->warnings, sizeof(r->warnings), "SHA-1 digest: a weak algorithm, "
			"accepted for documents signed with it; ");
	if (cms.digestinfo_no_null)
		snprintf(r->warnings + strlen(r->warnings), sizeof(r->warnings) -
			strlen(r->warnings), "the RSA DigestInfo omits the NULL parameters (accepted, "
			"RFC 4055)");
	if (!cms.has_signing_cert_v2 && strcmp(r->subfilter, "ETSI.CAdES.detached") == 0)
		snprintf(r->warnings + strlen(r->warnings), sizeof(r->warnings) - strlen(r->warnings),
			"%sno signingCertificateV2 attribute", r->warnings[0] ? "; " : "");
	if (r->integrity == MOTCUA_PASSED)
		judge_trust(r, v, cms.signer, cms.certs);
	else
		snprintf(r->trust_detail, sizeof(r->trust_detail), "not judged: integrity failed");
	mc_cms_report_clear(&cms);
}

/* The DSS's certificates, CRLs and OCSP responses, parsed; certificates and CRLs that do not
 * parse are left out, responses kept so the report can say why they were not used. */
static int load_dss(validation *v, const char *path)
{
	mc_pdf_dss_data dss;
	int error;

	if (!(v->dss_certs = sk_X509_new_null()) || !(v->dss_crls = sk_X509_CRL_new_null()))
		return mc_error_oom();
	if ((error = mc_pdf_dss(&dss, path)) < 0)
		return error;
	for (size_t i = 0; i < dss.n_certs; i++) {
		const unsigned char *p = dss.certs[i].data;
		X509 *x = d2i_X509(NULL, &p, (long)dss.certs[i].len);

		if (x && !sk_X509_push(v->dss_certs, x))
			X509_free(x);
	}
	for (size_t i = 0; i < dss.n_crls; i++) {
		const unsigned char *p = dss.crls[i].data;
		X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)dss.crls[i].len);

		if (crl && !sk_X509_CRL_push(v->dss_crls, crl))
			X509_CRL_free(crl);
	}
	for (size_t i = 0; i < dss.n_ocsps && error == 0; i++)
		error = mc_ocsp_set_add(&v->ocsp, dss.ocsps[i].data, dss.ocsps[i].len,
			"in the document's DSS");
	ERR_clear_error();
	mc_pdf_dss_clear(&dss);
	return error;
}

/* A CRL file the caller gives: PEM, any number of them, or one DER. */
static int load_crl_file(STACK_OF(X509_CRL) *crls, const char *path)
{
	const unsigned char *p;
	char *data = NULL;
	size_t len = 0;
	int before = sk_X509_CRL_num(crls), error;
	X509_CRL *crl;
	BIO *bio;

	if ((error = mc_read_file(&data, &len, path)) < 0)
		return error;
	if (!(bio = BIO_new_mem_buf(data, (int)len))) {
		free(data);
		return mc_error_oom();
	}
	while ((crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)))
		if (!sk_X509_CRL_push(crls, crl))
			X509_CRL_free(crl);
	BIO_free(bio);
	p = (const unsigned char *)data;
	if (sk_X509_CRL_num(crls) == before && (crl = d2i_X509_CRL(NULL, &p, (long)len))) {
		if (p != (const unsigned char *)data + len || !sk_X509_CRL_push(crls, crl))
			X509_CRL_free(crl);
	}
	ERR_clear_error();
	free(data);
	if (sk_X509_CRL_num(crls) == before)
		return mc_error(MOTCUA_EINVALID, "%s: not a CRL (PEM or DER)", path);
	return 0;
}

/* What the caller gives, checked before any PDF work: a bad file is the caller's error. */
static int load_given(validation *v, const motcua_verify_options *o)
{
	int error = 0;

	if (!(v->given_crls = sk_X509_CRL_new_null()))
		return mc_error_oom();
	for (size_t i = 0; i < o->n_crl_files && error == 0; i++)
		error = o->crl_files && o->crl_files[i] ?
			load_crl_file(v->given_crls, o->crl_files[i]) :
			mc_error(MOTCUA_EINVALID, "CRL file %zu missing", i + 1);
	for (size_t i = 0; i < o->n_ocsp_files && error == 0; i++)
		error = o->ocsp_files && o->ocsp_files[i] ?
			mc_ocsp_set_add_file(&v->ocsp, o->ocsp_files[i]) :
			mc_error(MOTCUA_EINVALID, "OCSP file %zu missing", i + 1);
	return error;
}

int motcua_verify_pdf(motcua_verify_report **out, const char *path, const char *trust_dir)
{
	motcua_verify_options o = MOTCUA_VERIFY_OPTIONS_INIT;

	o.trust_dir = trust_dir;
	return motcua_verify_pdf_ex(out, path, &o);
}

int motcua_verify_pdf_ex(motcua_verify_report **out, const char *path,
	const motcua_verify_options *opts)
{
	motcua_verify_options defaults = MOTCUA_VERIFY_OPTIONS_INIT;
	motcua_verify_report *r = NULL;
	mc_pdf_signature *sigs = NULL;
	unsigned char *file = NULL;
	validation v = { 0 };
	size_t n = 0, size = 0;
	int error;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if ((error = load_given(&v, opts)) < 0 ||
	    (error = mc_read_file((char **)&file, &size, path)) < 0 ||
	    (error = mc_pdf_signatures(&sigs, &n, path)) < 0)
		goto done;
	if (!(r = calloc(1, sizeof(*r))) || !(r->file = strdup(path)) ||
	    (n && !(r->sigs = calloc(n, sizeof(*r->sigs))))) {
		error = mc_error_oom();
		goto done;
	}
	v.have_store = opts->trust_dir != NULL;
	if (!(v.legacy = sk_X509_new_null()) ||
	    !(v.store = load_trust(opts->trust_dir, &v.n_crls, v.legacy))) {
		error = mc_error_oom();
		goto done;
	}
	/* a DSS that cannot be read is no validation material, not a reason to stop */
	(void)load_dss(&v, path);
	r->n_sigs = n;
	for (size_t i = 0; i < n; i++)
		judge(&r->sigs[i], path, &sigs[i], file, size, &v);
	*out = r;
	r = NULL;
done:
	X509_STORE_free(v.store);
	sk_X509_pop_free(v.legacy, X509_free);
	sk_X509_pop_free(v.dss_certs, X509_free);
	sk_X509_CRL_pop_free(v.dss_crls, X509_CRL_free);
	sk_X509_CRL_pop_free(v.given_crls, X509_CRL_free);
	mc_ocsp_set_clear(&v.ocsp);
	motcua_verify_report_free(r);
	mc_pdf_signatures_free(sigs, n);
	free(file);
	return error;
}

bool motcua_verify_all_passed(const motcua_verify_report *r)
{
	if (!r || r->n_sigs == 0)
		return false;
	for (size_t i = 0; i < r->n_sigs; i++)
		if (r->sigs[i].integrity != MOTCUA_PASSED || r->sigs[i].trust != MOTCUA_PASSED ||
		    r->sigs[i].modification != MOTCUA_PASSED)
			return false;
	return true;
}

void motcua_verify_report_free(motcua_verify_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_sigs; i++) {
		free(r->sigs[i].field);
		free(r->sigs[i].subfilter);
		free(r->sigs[i].signer);
	}
	free(r->sigs);
	free(r->file);
	free(r);
}

static const char *verdict_name(motcua_verdict v)
{
	return v == MOTCUA_PASSED ? "passed" : v == MOTCUA_FAILED ? "failed" : "indeterminate";
}

char *motcua_verify_report_json(const motcua_verify_report *r)
{
	mc_buf b = MC_BUF_INIT;
	char when[32];

	mc_buf_puts(&b, "{\"file\":");
	mc_buf_json_str(&b, r->file);
	mc_buf_printf(&b, ",\"valid\":%s,\"signatures\":[",
		motcua_verify_all_passed(r) ? "true" : "false");
	for (size_t i = 0; i < r->n_sigs; i++) {
		const motcua_sig_report *s = &r->sigs[i];

		mc_buf_printf(&b, "%s{\"field\":", i ? "," : "");
		mc_buf_json_str(&b, s->field);
		mc_buf_puts(&b, ",\"subfilter\":");
		mc_buf_json_str(&b, s->subfilter);
		mc_buf_puts(&b, ",\"signer\":");
		mc_buf_json_str(&b, s->signer);
		mc_buf_printf(&b, ",\"role\":\"%s\",\"signing_time\":",
			s->signer_is_person ? "person" : "organisation");
		mc_buf_json_str(&b, s->signing_time ? mc_time_format(when, sizeof(when),
			s->signing_time) : NULL);
		mc_buf_puts(&b, ",\"time_source\":");
		mc_buf_json_str(&b, s->time_source);
		mc_buf_printf(&b, ",\"timestamped\":%s", s->timestamped ? "true" : "false");
		mc_buf_printf(&b, ",\"covers_whole_file\":%s,\"integrity\":{\"verdict\":\"%s\","
			"\"detail\":", s->covers_whole_file ? "true" : "false",
			verdict_name(s->integrity));
		mc_buf_json_str(&b, s->integrity_detail);
		mc_buf_printf(&b, "},\"modification\":{\"verdict\":\"%s\",\"detail\":",
			verdict_name(s->modification));
		mc_buf_json_str(&b, s->modification_detail);
		mc_buf_printf(&b, "},\"trust\":{\"verdict\":\"%s\",\"detail\":",
			verdict_name(s->trust));
		mc_buf_json_str(&b, s->trust_detail);
		mc_buf_puts(&b, "},\"warnings\":");
		mc_buf_json_str(&b, s->warnings);
		mc_buf_puts(&b, "}");
	}
	mc_buf_puts(&b, "]}");
	return mc_buf_detach(&b);
}

char *motcua_verify_report_text(const motcua_verify_report *r, const char *lang)
{
	bool vi = lang && strcmp(lang, "vi") == 0;
	mc_buf b = MC_BUF_INIT;
	char when[32];

	mc_buf_printf(&b, "%s: %zu %s\n", r->file, r->n_sigs, vi ? "chữ ký" : "signature(s)");
	for (size_t i = 0; i < r->n_sigs; i++) {
		const motcua_sig_report *s = &r->sigs[i];

		mc_buf_printf(&b, "\n[%zu] %s (%s)\n  %s %s — %s\n  %s %s, %s\n", i + 1, s->field,
			s->subfilter, vi ? "Người ký:" : "Signer:", s->signer ? s->signer : "?",
			s->signer_is_person ? (vi ? "cá nhân" : "person") :
			(vi ? "tổ chức" : "organisation"), vi ? "Thời gian ký:" : "Signed at:",
			s->signing_time ? mc_time_format(when, sizeof(when), s->signing_time) : "?",
			s->time_source);
		mc_buf_printf(&b, "  %-14s %-13s %s\n", vi ? "Toàn vẹn:" : "integrity:",
			verdict_name(s->integrity), s->integrity_detail);
		mc_buf_printf(&b, "  %-14s %-13s %s\n", vi ? "Sửa đổi:" : "modification:",
			verdict_name(s->modification), s->modification_detail);
		mc_buf_printf(&b, "  %-14s %-13s %s\n", vi ? "Tin cậy:" : "trust:",
			verdict_name(s->trust), s->trust_detail);
		if (s->warnings[0])
			mc_buf_printf(&b, "  %s %s\n", vi ? "Lưu ý:" : "warning:", s->warnings);
	}
	mc_buf_printf(&b, "\n%s\n", motcua_verify_all_passed(r) ?
		(vi ? "Mọi chữ ký hợp lệ." : "Every signature is valid.") :
		(vi ? "Có chữ ký không hợp lệ hoặc chưa xác định." :
		"Not every signature could be confirmed valid."));
	return mc_buf_detach(&b);
}
