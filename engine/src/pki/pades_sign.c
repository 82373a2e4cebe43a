/* pki/pades_sign.c — signing a PDF as PAdES: place the signature where Decree 30/2020 puts it
 * for the role, reserve its /Contents in an incremental update (pdf module), hash the bytes the
 * /ByteRange covers, build the CMS (pki/cms.c, with a signature timestamp for B-T) and write it
 * in; for B-LT add the validation material in a DSS update, for B-LTA then a document
 * timestamp over it all. The output appears under its name only once it is complete. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/time.h"
#include "motcua/pades.h"
#include "pdf/pdf.h"
#include "pki/pades_sign.h"
#include "pki/cms.h"
#include "pki/signer.h"
#include "pki/tsp.h"

#define DEFAULT_FONT "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
#define TOP_RIGHT_W 200.0   /* points: wide enough for an agency's name at 10 pt */
#define MARGIN 28.0
#define DOC_TS_SIZE 16384   /* bytes for a document timestamp token: its TSA's chain and more */

/* A field of the certificate's subject as UTF-8 (O, CN), or NULL. */
static char *subject_field(X509 *cert, int nid)
{
	X509_NAME *name = X509_get_subject_name(cert);
	int i = X509_NAME_get_index_by_NID(name, nid, -1);
	unsigned char *utf8 = NULL;
	char *copy;

	if (i < 0 || ASN1_STRING_to_UTF8(&utf8,
	    X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i))) < 0)
		return NULL;
	copy = strdup((const char *)utf8);
	OPENSSL_free(utf8);
	return copy;
}

static const EVP_MD *digest_named(const char *name)
{
	if (!name || strcmp(name, "sha256") == 0)
		return EVP_sha256();
	if (strcmp(name, "sha384") == 0)
		return EVP_sha384();
	if (strcmp(name, "sha512") == 0)
		return EVP_sha512();
	return NULL;
}

/* SHA-2 over the two byte ranges of a prepared file. */
static int hash_ranges(unsigned char *out, unsigned int *out_len, const char *path,
	const int64_t br[4], const EVP_MD *md)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC), error = 0;

	if (fd < 0 || !ctx || EVP_DigestInit_ex(ctx, md, NULL) != 1) {
		error = mc_error(MOTCUA_ERROR, "%s: cannot hash: %s", path, strerror(errno));
		goto done;
	}
	for (int r = 0; r < 2 && error == 0; r++) {
		int64_t off = br[2 * r], left = br[2 * r + 1];

		while (left > 0) {
			ssize_t n = pread(fd, buf, left > (int64_t)sizeof(buf) ? sizeof(buf) :
				(size_t)left, off);

			if (n <= 0) {
				error = mc_error(MOTCUA_ERROR, "%s: short read at %lld", path,
					(long long)off);
				break;
			}
			EVP_DigestUpdate(ctx, buf, (size_t)n);
			off += n;
			left -= n;
		}
	}
	if (error == 0 && EVP_DigestFinal_ex(ctx, out, out_len) != 1)
		error = mc_error(MOTCUA_ERROR, "%s: digest failed", path);
done:
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(ctx);
	return error;
}

/* Room for the CMS: the certificates it carries, the signature, and slack for what B-T and
 * B-LT add later (a timestamp token). */
static size_t contents_size(const motcua_signer *s)
{
	size_t n = (size_t)i2d_X509(s->cert, NULL) + 8192;

	for (int i = 0; i < sk_X509_num(s->chain); i++)
		n += (size_t)i2d_X509(sk_X509_value(s->chain, i), NULL);
	return n;
}

typedef struct {
	const char *lines[4];
	size_t n;
	char *owned[3];
	char when[32];
} appearance;

#define SEAL_MM 36.0            /* a round seal's usual diameter */
#define PT_PER_MM (72.0 / 25.4)

/* A PNG's width and height from its IHDR chunk; the bridge reads the image itself. */
static int png_size(double *w, double *h, const char *path)
{
	unsigned char b[24];
	FILE *f = fopen(path, "rb");
	size_t got = f ? fread(b, 1, sizeof(b), f) : 0;

	if (f)
		fclose(f);
	if (got != sizeof(b) || memcmp(b, "\x89PNG\r\n\x1a\n", 8) != 0 ||
	    memcmp(b + 12, "IHDR", 4) != 0)
		return mc_error(MOTCUA_EINVALID, "image %s: not a PNG", path);
	*w = (double)((uint32_t)b[16] << 24 | (uint32_t)b[17] << 16 | b[18] << 8 | b[19]);
	*h = (double)((uint32_t)b[20] << 24 | (uint32_t)b[21] << 16 | b[22] << 8 | b[23]);
	if (*w < 1 || *h < 1)
		return mc_error(MOTCUA_EINVALID, "image %s: empty", path);
	return 0;
}

/* The image drawn as large as fits the widget, keeping its proportions, centred. */
static void image_centred(mc_pdf_sig_options *p, double iw, double ih)
{
	double scale = p->w / iw < p->h / ih ? p->w / iw : p->h / ih;

	p->image_rect[2] = iw * scale;
	p->image_rect[3] = ih * scale;
	p->image_rect[0] = (p->w - p->image_rect[2]) / 2;
	p->image_rect[1] = (p->h - p->image_rect[3]) / 2;
}

/* The seal's place when none is given: its real size, centred on the height of the last
 * person's visible signature, its right edge a third of the way into that signature. */
static int seal_over_leader(mc_pdf_sig_options *p, const char *in, const char *leader_field,
	double iw, double ih, double mm)
{
	double rect[4];
	bool empty;
	int page, error;

	if (!leader_field)
		return mc_error(MOTCUA_EINVALID, "%s: no visible personal signature for the seal to "
			"cover: give a field or --page/--rect", in);
	if ((error = mc_pdf_field_place(&page, rect, &empty, in, leader_field)) < 0)
		return error;
	p->w = (mm > 0 ? mm : SEAL_MM) * PT_PER_MM;
	p->h = p->w * ih / iw;
	p->page = page;
	p->x = rect[0] + rect[2] / 3 - p->w;
	p->y = rect[1] + rect[3] / 2 - p->h / 2;
	return 0;
}

/* The initials a drafter puts after the text: the first letter of each word of the name. */
static char *initials_of(const char *name)
{
	char *out = malloc(strlen(name) + 1), *o = out;
	bool start = true;

	if (!out)
		return NULL;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		if (*c == ' ') {
			start = true;
		} else if (start) {
			/* a whole UTF-8 letter: its lead byte and continuation bytes */
			*o++ = (char)*c;
			while ((c[1] & 0xc0) == 0x80)
				*o++ = (char)*++c;
			start = false;
		}
	}
	*o = '\0';
	return out;
}

/* What the signature shows, by role (Decree 30/2020, Appendix I). */
static int lines_for(appearance *a, const motcua_signer *s, const motcua_sign_options *o,
	int64_t when)
{
	mc_time_format(a->when, sizeof(a->when), when);
	if (o->text && (o->as == MOTCUA_SIGN_AGENCY || o->as == MOTCUA_SIGN_ATTACHMENT ||
	    o->as == MOTCUA_SIGN_INITIALS)) {
		a->lines[a->n++] = o->text;     /* the number or the date: nothing else */
		return 0;
	}
	switch (o->as) {
	case MOTCUA_SIGN_COPY:
		a->lines[a->n++] = o->copy_form ? o->copy_form : "SAO Y";
		a->lines[a->n++] = o->agency_name ? o->agency_name :
			(a->owned[0] = subject_field(s->cert, NID_organizationName)) ? a->owned[0] :
			(a->owned[1] = subject_field(s->cert, NID_commonName)) ? a->owned[1] : "";
		break;
	case MOTCUA_SIGN_ATTACHMENT:
		if (!o->doc_number || !*o->doc_number)
			return mc_error(MOTCUA_EINVALID, "an attachment signature shows the "
				"document's number and symbol: give doc_number (--doc-number)");
		a->lines[a->n++] = o->doc_number;
		break;
	case MOTCUA_SIGN_INITIALS:
		if (!(a->owned[0] = subject_field(s->cert, NID_commonName)) ||
		    !(a->owned[1] = initials_of(a->owned[0])))
			return mc_error(MOTCUA_EINVALID, "initials: the certificate names nobody");
		a->lines[a->n++] = a->owned[1];
		return 0;                       /* a mark, not a statement: no time */
	case MOTCUA_SIGN_AGENCY:
		if (o->image)
			return 0;               /* the seal speaks for itself; /Name says who */
		a->lines[a->n++] = o->agency_name ? o->agency_name :
			(a->owned[0] = subject_field(s->cert, NID_organizationName)) ? a->owned[0] :
			"";
		break;
	default:
		if (o->image)
			return 0;               /* the leader's image, nothing written over it */
		a->lines[a->n++] = (a->owned[0] = subject_field(s->cert, NID_commonName)) ?
			a->owned[0] : "";
	}
	a->lines[a->n++] = a->when;
	return 0;
}

/* What the signature shows and where. A named field that the document already has and that
 * is still empty (a template's place) decides the page and rectangle; otherwise --rect, or
 * the role's default place. leader_field is the last person's signature, for the seal. */
static int place(mc_pdf_sig_options *p, appearance *a, const char *in, const motcua_signer *s,
	const motcua_sign_options *o, const char *leader_field)
{
	double pw, ph, iw = 0, ih = 0, rect[4];
	bool empty = false, in_field = false;
	int pages, page, error;

	if ((error = lines_for(a, s, o, p->signing_time)) < 0)
		return error;
	p->lines = a->lines;
	p->n_lines = a->n;
	if (o->as == MOTCUA_SIGN_INITIALS || (o->text && o->as != MOTCUA_SIGN_COPY))
		p->font_size = o->as == MOTCUA_SIGN_INITIALS ? 8.0 : 13.0;
	if (o->image && ((error = png_size(&iw, &ih, o->image)) < 0))
		return error;
	if (o->field) {
		error = mc_pdf_field_place(&page, rect, &empty, in, o->field);
		if (error < 0 && error != MOTCUA_ENOTFOUND)
			return error;
		in_field = error == 0 && empty;
	}
	if ((error = mc_pdf_page_size(&pw, &ph, &pages, in, in_field ? page : p->page)) < 0)
		return error;
	if (o->invisible)
		return 0;
	if (in_field) {
		p->page = page;
		p->x = rect[0];
		p->y = rect[1];
		p->w = rect[2];
		p->h = rect[3];
	} else if (o->rect[2] > 0 && o->rect[3] > 0) {
		p->x = o->rect[0];
		p->y = o->rect[1];
		p->w = o->rect[2];
		p->h = o->rect[3];
	} else if (o->as == MOTCUA_SIGN_AGENCY && o->image) {
		if ((error = seal_over_leader(p, in, leader_field, iw, ih, o->image_mm)) < 0)
			return error;
	} else if (o->as == MOTCUA_SIGN_COPY || o->as == MOTCUA_SIGN_ATTACHMENT) {
		/* top right of the first page, no image, 10 pt serif, black */
		p->w = TOP_RIGHT_W;
		p->h = 12.0 * (double)a->n + 6.0;
		p->x = pw - p->w - MARGIN;
		p->y = ph - p->h - MARGIN / 2;
	}
	/* a leader's or agency's signature without a place stays invisible: its place is in the
	 * document's layout, which a named field or --page/--rect gives */
	if (o->image && p->w > 0 && p->h > 0) {
		p->image_png = o->image;
		image_centred(p, iw, ih);
	}
	return 0;
}

/* ---- profiles ---- */

typedef enum { PROFILE_B_B, PROFILE_B_T, PROFILE_B_LT, PROFILE_B_LTA } profile;

static const char *const profile_names[] = { "B-B", "B-T", "B-LT", "B-LTA" };

/* The baseline asked for: "B-LT", "PAdES-B-LT", any case; NULL follows tsa_url. */
static int profile_of(profile *out, const motcua_sign_options *o)
{
	const char *p = o->profile;
	bool tsa = o->tsa_url && *o->tsa_url;

	if (!p) {
		*out = tsa ? PROFILE_B_T : PROFILE_B_B;
		return 0;
	}
	if (strncasecmp(p, "PAdES-", 6) == 0)
		p += 6;
	for (int i = PROFILE_B_B; i <= PROFILE_B_LTA; i++)
		if (strcasecmp(p, profile_names[i]) == 0) {
			*out = (profile)i;
			if (*out >= PROFILE_B_T && !tsa)
				return mc_error(MOTCUA_EINVALID, "profile %s needs a time-stamping "
					"authority: give tsa_url (--tsa)", profile_names[i]);
			return 0;
		}
	return mc_error(MOTCUA_EINVALID, "profile '%.32s': motcua signs B-B, B-T, B-LT or B-LTA",
		o->profile);
}

/* What goes in the DSS: DER certificates, CRLs and OCSP responses, OPENSSL_malloc'd. */
enum { VM_CERT, VM_CRL, VM_OCSP };

typedef struct {
	unsigned char **der[3];
	size_t *len[3];
	size_t n[3], cap[3];
} material;

/* Takes der (OPENSSL_malloc'd) in all cases. */
static int material_take(material *m, int k, unsigned char *der, int len)
{
	if (len <= 0 || !der) {
		OPENSSL_free(der);
		return mc_error_oom();
	}
	if (m->n[k] == m->cap[k]) {
		size_t cap = m->cap[k] ? 2 * m->cap[k] : 8;
		unsigned char **d = realloc(m->der[k], cap * sizeof(*d));
		size_t *l;

		if (d)
			m->der[k] = d;
		if (!d || !(l = realloc(m->len[k], cap * sizeof(*l)))) {
			OPENSSL_free(der);
			return mc_error_oom();
		}
		m->len[k] = l;
		m->cap[k] = cap;
	}
	m->der[k][m->n[k]] = der;
	m->len[k][m->n[k]++] = (size_t)len;
	return 0;
}

static int material_cert(material *m, X509 *x)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);

	return material_take(m, VM_CERT, der, len);
}

static int material_crl(material *m, X509_CRL *crl)
{
	unsigned char *der = NULL;
	int len = i2d_X509_CRL(crl, &der);

	return material_take(m, VM_CRL, der, len);
}

static void material_free(material *m)
{
	for (int k = 0; k < 3; k++) {
		for (size_t i = 0; i < m->n[k]; i++)
			OPENSSL_free(m->der[k][i]);
		free(m->der[k]);
		free(m->len[k]);
	}
	memset(m, 0, sizeof(*m));
}

/* PEM certificates and CRLs (any number, other blocks ignored); else one DER certificate, CRL
 * or OCSP response. */
static int material_file(material *m, const char *path)
{
	const unsigned char *p;
	char *data = NULL;
	size_t len = 0, before = m->n[VM_CERT] + m->n[VM_CRL] + m->n[VM_OCSP];
	X509 *x = NULL;
	X509_CRL *crl = NULL;
	OCSP_RESPONSE *resp = NULL;
	BIO *bio = NULL;
	int error;

	if ((error = mc_read_file(&data, &len, path)) < 0)
		return error;
	if (len > (size_t)INT_MAX) {
		free(data);
		return mc_error(MOTCUA_EINVALID, "%s: too large", path);
	}
	if ((bio = BIO_new_mem_buf(data, (int)len))) {
		while (error == 0 && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
			error = material_cert(m, x);
			X509_free(x);
		}
		BIO_free(bio);
	}
	if (error == 0 && (bio = BIO_new_mem_buf(data, (int)len))) {
		while (error == 0 && (crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL))) {
			error = material_crl(m, crl);
			X509_CRL_free(crl);
		}
		BIO_free(bio);
	}
	ERR_clear_error();
	if (error == 0 && m->n[VM_CERT] + m->n[VM_CRL] + m->n[VM_OCSP] == before) {
		p = (const unsigned char *)data;
		if ((x = d2i_X509(NULL, &p, (long)len)) && p == (const unsigned char *)data + len) {
			error = material_cert(m, x);
		} else if ((p = (const unsigned char *)data,
		    crl = d2i_X509_CRL(NULL, &p, (long)len)) &&
		    p == (const unsigned char *)data + len) {
			error = material_crl(m, crl);
		} else if ((p = (const unsigned char *)data,
		    resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len)) &&
		    p == (const unsigned char *)data + len) {
			unsigned char *der = NULL;
			int n = i2d_OCSP_RESPONSE(resp, &der);

			error = material_take(m, VM_OCSP, der, n);
		} else {
			error = mc_error(MOTCUA_EINVALID, "%s: neither certificates, CRLs (PEM or "
				"DER) nor an OCSP response (DER)", path);
		}
		X509_free(x);
		X509_CRL_free(crl);
		OCSP_RESPONSE_free(resp);
		ERR_clear_error();
	}
	free(data);
	return error;
}

/* The signer's certificate and chain, then the files given. */
static int material_load(material *m, const motcua_signer *s, const motcua_sign_options *o)
{
	int error;

	if ((error = material_cert(m, s->cert)) < 0)
		return error;
	for (int i = 0; i < sk_X509_num(s->chain); i++)
		if ((error = material_cert(m, sk_X509_value(s->chain, i))) < 0)
			return error;
	for (size_t i = 0; i < o->n_validation_files; i++) {
		if (!o->validation_files || !o->validation_files[i])
			return mc_error(MOTCUA_EINVALID, "validation file %zu missing", i + 1);
		if ((error = material_file(m, o->validation_files[i])) < 0)
			return error;
	}
	return 0;
}

static int known_digest(unsigned char *out, unsigned int *out_len, const EVP_MD *md,
	void *payload)
{
	const unsigned char *d = payload;

	(void)md;
	*out_len = d[0];
	memcpy(out, d + 1, d[0]);
	return 0;
}

/* The certificates of the signature timestamp the TSA put in our CMS: its own and its chain. */
static int material_tsa(material *m, const unsigned char *cms, size_t cms_len,
	const unsigned char *digest, unsigned int digest_len)
{
	unsigned char known[EVP_MAX_MD_SIZE + 1];
	const unsigned char *p;
	mc_cms_report r;
	PKCS7 *p7 = NULL;
	int error = 0;

	known[0] = (unsigned char)digest_len;
	memcpy(known + 1, digest, digest_len);
	if (mc_cms_verify(&r, cms, cms_len, known_digest, known) < 0 || !r.timestamp) {
		error = mc_error(MOTCUA_ERROR, "the signature holds no timestamp token");
		goto done;
	}
	p = r.timestamp;
	if (!(p7 = d2i_PKCS7(NULL, &p, (long)r.timestamp_len)) || !PKCS7_type_is_signed(p7)) {
		error = mc_error(MOTCUA_ERROR, "the signature timestamp is not a SignedData");
		goto done;
	}
	for (int i = 0; error == 0 && i < sk_X509_num(p7->d.sign->cert); i++)
		error = material_cert(m, sk_X509_value(p7->d.sign->cert, i));
done:
	ERR_clear_error();
	PKCS7_free(p7);
	mc_cms_report_clear(&r);
	return error;
}

/* The bytes a /ByteRange covers, for a document timestamp's imprint. */
static int read_ranges(unsigned char **out, size_t *out_len, const char *path,
	const int64_t br[4])
{
	unsigned char *buf = NULL;
	size_t len = (size_t)br[1] + (size_t)br[3], got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), error = 0;

	if (fd < 0)
		return mc_error(MOTCUA_ERROR, "%s: cannot open: %s", path, strerror(errno));
	if (!(buf = malloc(len ? len : 1))) {
		error = mc_error_oom();
		goto done;
	}
	for (int r = 0; r < 2 && error == 0; r++) {
		int64_t off = br[2 * r], left = br[2 * r + 1];

		while (left > 0) {
			ssize_t n = pread(fd, buf + got, (size_t)left, off);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				error = mc_error(MOTCUA_ERROR, "%s: short read at %lld", path,
					(long long)off);
				break;
			}
			got += (size_t)n;
			off += n;
			left -= n;
		}
	}
done:
	close(fd);
	if (error < 0) {
		free(buf);
		buf = NULL;
	}
	*out = buf;
	*out_len = got;
	return error;
}

/* B-LTA: a document timestamp from the TSA over everything before it (SHA-256). */
static int doc_timestamp(const char *in, const char *out, const char *tsa_url)
{
	unsigned char *data = NULL, *token = NULL;
	size_t data_len = 0, token_len = 0;
	int64_t br[4];
	int error;

	if ((error = mc_pdf_timestamp_prepare(br, in, out, NULL, DOC_TS_SIZE)) < 0 ||
	    (error = read_ranges(&data, &data_len, out, br)) < 0 ||
	    (error = mc_tsp_timestamp(&token, &token_len, tsa_url, EVP_sha256(), data,
	    data_len)) < 0)
		goto done;
	error = mc_pdf_sign_embed(out, br, token, token_len);
done:
	free(data);
	OPENSSL_free(token);
	return error;
}

static int partial_name(char *buf, size_t size, const char *out, const char *suffix)
{
	if (snprintf(buf, size, "%s%s", out, suffix) >= (int)size)
		return mc_error(MOTCUA_EINVALID, "%s: path too long", out);
	return 0;
}

/* The document office seals only what stands: before an agency or attachment signature,
 * every earlier signature must pass integrity, modification and trust. *leader_field (the
 * caller frees) names the last signature a person made, where a seal goes. */
static int earlier_signatures_stand(char **leader_field, const char *in,
	const motcua_sign_options *o)
{
	motcua_verify_report *r = NULL;
	int error;

	*leader_field = NULL;
	if (o->as != MOTCUA_SIGN_AGENCY && o->as != MOTCUA_SIGN_ATTACHMENT)
		return 0;
	if ((error = motcua_verify_pdf(&r, in, o->trust_dir)) < 0)
		return error;
	for (size_t i = 0; i < r->n_sigs && error == 0; i++) {
		const motcua_sig_report *sig = &r->sigs[i];
		const char *what = sig->integrity != MOTCUA_PASSED ? sig->integrity_detail :
			sig->modification != MOTCUA_PASSED ? sig->modification_detail :
			sig->trust != MOTCUA_PASSED ? sig->trust_detail : NULL;

		if (what)
			error = mc_error(MOTCUA_ESTATE, "%s: not sealed: signature %zu (%s, %.80s) "
				"does not stand: %.200s", in, i + 1, sig->field,
				sig->signer ? sig->signer : "?", what);
		else if (sig->signer_is_person && sig->field) {
			free(*leader_field);
			if (!(*leader_field = strdup(sig->field)))
				error = mc_error_oom();
		}
	}
	motcua_verify_report_free(r);
	return error;
}

/* Signs in into out; durable: out is synced and its folder too, else the caller makes it
 * durable (batch signing syncs a whole chunk at once). */
static int sign_pdf(const char *in, const char *out, const motcua_signer *s,
	const motcua_sign_options *o, bool durable)
{
	motcua_sign_options defaults = MOTCUA_SIGN_OPTIONS_INIT;
	mc_pdf_sig_options p = { 0 };
	appearance a = { 0 };
	material m = { 0 };
	unsigned char digest[EVP_MAX_MD_SIZE], *cms = NULL;
	unsigned int digest_len = 0;
	char partial[PATH_MAX], with_dss[PATH_MAX], with_ts[PATH_MAX], *leader_field = NULL;
	const char *done_path;
	const EVP_MD *md;
	profile prof = PROFILE_B_B;
	int64_t br[4];
	size_t cms_len = 0;
	int error;

	if (!o)
		o = &defaults;
	if (!(md = digest_named(o->digest)))
		return mc_error(MOTCUA_EINVALID, "digest '%.16s': motcua signs with sha256, sha384 "
			"or sha512, never SHA-1", o->digest);
	if ((error = profile_of(&prof, o)) < 0 ||
	    (error = partial_name(partial, sizeof(partial), out, ".partial")) < 0 ||
	    (error = partial_name(with_dss, sizeof(with_dss), out, ".partial-dss")) < 0 ||
	    (error = partial_name(with_ts, sizeof(with_ts), out, ".partial-ts")) < 0)
		return error;
	if ((error = earlier_signatures_stand(&leader_field, in, o)) < 0)
		return error;
	/* the validation material first: a bad file fails before the TSA is asked */
	if (prof >= PROFILE_B_LT && (error = material_load(&m, s, o)) < 0)
		goto done;
	p.field_name = o->field;
	p.page = o->page ? o->page : 1;
	p.font_file = o->font_file ? o->font_file : DEFAULT_FONT;
	p.font_size = 10.0;
	p.subfilter = "ETSI.CAdES.detached";
	p.reason = o->reason;
	p.location = o->location;
	p.signing_time = o->signing_time ? o->signing_time : mc_time_now();
	p.contents_size = contents_size(s);
	p.scratch = true;       /* synced at most once, when the CMS is in */
	if (o->as == MOTCUA_SIGN_AGENCY)
		p.name = a.owned[2] = o->agency_name ? strdup(o->agency_name) :
			subject_field(s->cert, NID_organizationName);
	if ((error = place(&p, &a, in, s, o, leader_field)) < 0 ||
	    (error = mc_pdf_sign_prepare(br, in, partial, &p)) < 0)
		goto done;
	if ((error = hash_ranges(digest, &digest_len, partial, br, md)) < 0 ||
	    (error = mc_cms_sign_ex(&cms, &cms_len, s, md, digest, digest_len,
	    prof >= PROFILE_B_T ? o->tsa_url : NULL)) < 0 ||
	    (error = (durable ? mc_pdf_sign_embed : mc_pdf_sign_embed_unsynced)(partial, br, cms,
	    cms_len)) < 0)
		goto done;
	done_path = partial;
	if (prof >= PROFILE_B_LT) {
		/* B-LT: the chains of the signer and of the TSA, and the CRLs given, in the DSS */
		if ((error = material_tsa(&m, cms, cms_len, digest, digest_len)) < 0 ||
		    (error = mc_pdf_add_dss(partial, with_dss,
		    (const unsigned char *const *)m.der[VM_CERT], m.len[VM_CERT], m.n[VM_CERT],
		    (const unsigned char *const *)m.der[VM_CRL], m.len[VM_CRL], m.n[VM_CRL],
		    (const unsigned char *const *)m.der[VM_OCSP], m.len[VM_OCSP],
		    m.n[VM_OCSP])) < 0)
			goto done;
		done_path = with_dss;
	}
	if (prof == PROFILE_B_LTA) {
		if ((error = doc_timestamp(with_dss, with_ts, o->tsa_url)) < 0)
			goto done;
		done_path = with_ts;
	}
	if (rename(done_path, out) < 0)
		error = mc_error(MOTCUA_ERROR, "%s: cannot write: %s", out, strerror(errno));
	else if (durable)
		error = mc_fsync_parent(out);
done:
	/* the steps' files: none survives, whether the last one became `out` or not */
	unlink(partial);
	unlink(with_dss);
	unlink(with_ts);
	material_free(&m);
	OPENSSL_free(cms);
	free(a.owned[0]);
	free(a.owned[1]);
	free(a.owned[2]);
	free(leader_field);
	return error;
}

int motcua_sign_pdf(const char *in, const char *out, const motcua_signer *s,
	const motcua_sign_options *o)
{
	return sign_pdf(in, out, s, o, true);
}

int mc_sign_pdf_unsynced(const char *in, const char *out, const motcua_signer *s,
	const motcua_sign_options *o)
{
	return sign_pdf(in, out, s, o, false);
}
