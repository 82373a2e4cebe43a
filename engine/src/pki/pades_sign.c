/* pki/pades_sign.c — signing a PDF as PAdES B-B: place the signature where Decree 30/2020 puts
 * it for the role, reserve its /Contents in an incremental update (pdf module), hash the bytes
 * the /ByteRange covers, build the CMS (pki/cms.c) and write it in. The output appears under its
 * name only once it is complete. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/time.h"
#include "motcua/pades.h"
#include "pdf/pdf.h"
#include "pki/cms.h"

#define DEFAULT_FONT "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
#define TOP_RIGHT_W 200.0   /* points: wide enough for an agency's name at 10 pt */
#define MARGIN 28.0

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
	char *owned[2];
	char when[32];
} appearance;

/* What the signature shows and where, by role (Decree 30/2020, Appendix I). */
static int place(mc_pdf_sig_options *p, appearance *a, const char *in, const motcua_signer *s,
	const motcua_sign_options *o)
{
	double pw, ph;
	int pages, error;

	if ((error = mc_pdf_page_size(&pw, &ph, &pages, in, p->page)) < 0)
		return error;
	mc_time_format(a->when, sizeof(a->when), p->signing_time);
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
	case MOTCUA_SIGN_AGENCY:
		a->lines[a->n++] = o->agency_name ? o->agency_name :
			(a->owned[0] = subject_field(s->cert, NID_organizationName)) ? a->owned[0] :
			"";
		break;
	default:
		a->lines[a->n++] = (a->owned[0] = subject_field(s->cert, NID_commonName)) ?
			a->owned[0] : "";
	}
	a->lines[a->n++] = a->when;
	p->lines = a->lines;
	p->n_lines = a->n;
	if (o->invisible)
		return 0;
	if (o->rect[2] > 0 && o->rect[3] > 0) {
		p->x = o->rect[0];
		p->y = o->rect[1];
		p->w = o->rect[2];
		p->h = o->rect[3];
	} else if (o->as == MOTCUA_SIGN_COPY || o->as == MOTCUA_SIGN_ATTACHMENT) {
		/* top right of the first page, no image, 10 pt serif, black */
		p->w = TOP_RIGHT_W;
		p->h = 12.0 * (double)a->n + 6.0;
		p->x = pw - p->w - MARGIN;
		p->y = ph - p->h - MARGIN / 2;
	}
	/* a leader's or agency's signature without a place stays invisible: its place is in the
	 * document's layout, which a named field or --page/--rect gives */
	return 0;
}

int motcua_sign_pdf(const char *in, const char *out, const motcua_signer *s,
	const motcua_sign_options *o)
{
	motcua_sign_options defaults = MOTCUA_SIGN_OPTIONS_INIT;
	mc_pdf_sig_options p = { 0 };
	appearance a = { 0 };
	unsigned char digest[EVP_MAX_MD_SIZE], *cms = NULL;
	unsigned int digest_len = 0;
	char partial[PATH_MAX];
	const EVP_MD *md;
	int64_t br[4];
	size_t cms_len = 0;
	int error;

	if (!o)
		o = &defaults;
	if (!(md = digest_named(o->digest)))
		return mc_error(MOTCUA_EINVALID, "digest '%.16s': motcua signs with sha256, sha384 "
			"or sha512, never SHA-1", o->digest);
	if (snprintf(partial, sizeof(partial), "%s.partial", out) >= (int)sizeof(partial))
		return mc_error(MOTCUA_EINVALID, "%s: path too long", out);
	p.field_name = o->field;
	p.page = o->page ? o->page : 1;
	p.font_file = o->font_file ? o->font_file : DEFAULT_FONT;
	p.font_size = 10.0;
	p.subfilter = "ETSI.CAdES.detached";
	p.reason = o->reason;
	p.location = o->location;
	p.signing_time = o->signing_time ? o->signing_time : mc_time_now();
	p.contents_size = contents_size(s);
	if ((error = place(&p, &a, in, s, o)) < 0 ||
	    (error = mc_pdf_sign_prepare(br, in, partial, &p)) < 0)
		goto done;
	if ((error = hash_ranges(digest, &digest_len, partial, br, md)) < 0 ||
	    (error = mc_cms_sign_ex(&cms, &cms_len, s, md, digest, digest_len, o->tsa_url)) < 0 ||
	    (error = mc_pdf_sign_embed(partial, br, cms, cms_len)) < 0)
		goto done;
	if (rename(partial, out) < 0)
		error = mc_error(MOTCUA_ERROR, "%s: cannot write: %s", out, strerror(errno));
done:
	if (error < 0)
		unlink(partial);
	OPENSSL_free(cms);
	free(a.owned[0]);
	free(a.owned[1]);
	return error;
}
