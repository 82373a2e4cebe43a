/* tests/pdf/revisions.c — classifying what came after a signed revision: later signatures
 * (visible, with a seal image, on page 1) are allowed, as in the provinces' real documents;
 * a replaced page content stream or an added comment is not, even behind a later signature;
 * garbage and mutated files give errors, never crashes. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "motcua/pades.h"
#include "pdf/pdf.h"
#include "pdfgen.h"
#include "test.h"

typedef struct {
	char *dir;
	char pki[4096];
	char in[4096];      /* an unsigned one-page PDF */
	char one[4096];     /* in.pdf signed by the leader */
} world;

static void world_open(world *w)
{
	w->dir = test_tmpdir();
	snprintf(w->pki, sizeof(w->pki), "%s/pki", w->dir);
	snprintf(w->in, sizeof(w->in), "%s/in.pdf", w->dir);
	snprintf(w->one, sizeof(w->one), "%s/one.pdf", w->dir);
	CHECK_OK(motcua_pki_demo(w->pki));
	CHECK_INT(test_make_pdf(w->in, "QUYET DINH ve viec cap giay phep xay dung"), 0);
}

static void world_close(world *w)
{
	test_rmdir(w->dir);
	free(w->dir);
}

static char *path_in(const world *w, const char *name)
{
	size_t n = strlen(w->dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (!p)
		abort();
	snprintf(p, n, "%s/%s", w->dir, name);
	return p;
}

static int sign(const world *w, const char *in, const char *out, const char *who,
	motcua_sign_as as, const char *when)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_signer *s = NULL;
	char p12[4200];
	int error;

	o.as = as;
	if (mc_time_parse(&o.signing_time, when) < 0)
		return MOTCUA_EINVALID;
	o.doc_number = "Số: 123/QĐ-UBND";
	o.trust_dir = w->pki;       /* sealing checks the earlier signatures against it */
	snprintf(p12, sizeof(p12), "%s/%s.p12", w->pki, who);
	if ((error = motcua_signer_load_p12(&s, p12, "motcua")) < 0)
		return error;
	error = motcua_sign_pdf(in, out, s, &o);
	motcua_signer_free(s);
	return error;
}

/* The leader signs in.pdf into one.pdf. */
static void sign_once(world *w)
{
	CHECK_OK(sign(w, w->in, w->one, "leader", MOTCUA_SIGN_LEADER, "2026-03-05T10:30"));
}

/* Where the revision signed by the index-th signature (0-based) of path ends. */
static int64_t signed_end(const char *path, size_t index)
{
	mc_pdf_signature *sigs = NULL;
	size_t n = 0;
	int64_t end = -1;

	CHECK_OK(mc_pdf_signatures(&sigs, &n, path));
	if (index < n)
		end = sigs[index].byte_range[2] + sigs[index].byte_range[3];
	mc_pdf_signatures_free(sigs, n);
	CHECK(end > 0);
	return end;
}

static int copy_file(const char *from, const char *to)
{
	size_t len;
	char *data = test_read_file(from, &len);
	FILE *fp;
	int rc = -1;

	if (data && (fp = fopen(to, "wb"))) {
		rc = fwrite(data, 1, len, fp) == len ? 0 : -1;
		if (fclose(fp) != 0)
			rc = -1;
	}
	free(data);
	return rc;
}

/* The body (between "N 0 obj" and "endobj") of the last definition of object num. */
static char *last_body(const char *path, int num)
{
	size_t len;
	char *data = test_read_file(path, &len), head[32], *at = NULL, *body = NULL;

	if (!data)
		return NULL;
	/* the file holds binary streams: search past NULs */
	snprintf(head, sizeof(head), "\n%d 0 obj", num);
	size_t h = strlen(head);
	for (size_t i = 0; i + h <= len; i++)
		if (memcmp(data + i, head, h) == 0)
			at = data + i + h;
	char *end = at ? strstr(at, "endobj") : NULL;
	if (end && (body = malloc((size_t)(end - at) + 1))) {
		memcpy(body, at, (size_t)(end - at));
		body[end - at] = '\0';
	}
	free(data);
	return body;
}

static mc_pdf_revision_diff compare(const char *path, int64_t end)
{
	mc_pdf_revision_diff d = { false, NULL };

	CHECK_OK(mc_pdf_compare_revisions(&d, path, end));
	CHECK(d.summary != NULL);
	return d;
}

static void test_second_visible_signature_on_page_1_is_allowed(void)
{
	world w;

	world_open(&w);
	sign_once(&w);
	char *two = path_in(&w, "two.pdf");
	CHECK_OK(sign(&w, w.one, two, "seal", MOTCUA_SIGN_ATTACHMENT, "2026-03-05T11:00"));
	mc_pdf_revision_diff d = compare(two, signed_end(two, 0));
	CHECK(d.allowed);
	CHECK_CONTAINS(d.summary, "allowed: signature field \"");
	CHECK_CONTAINS(d.summary, "shown on page 1");
	CHECK(!strstr(d.summary, "not allowed"));
	mc_pdf_revision_diff_clear(&d);

	/* the last signature covers the whole file: nothing changed after it */
	d = compare(two, signed_end(two, 1));
	CHECK(d.allowed);
	CHECK_STR(d.summary, "");
	mc_pdf_revision_diff_clear(&d);
	free(two);
	world_close(&w);
}

/* A w x h RGBA PNG (a red disc on transparency) with "stored" deflate blocks: no zlib. */
static uint32_t png_crc(const unsigned char *p, size_t n, uint32_t c)
{
	c = ~c;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void png_chunk(FILE *fp, const char *type, const unsigned char *data, size_t n)
{
	unsigned char b[8];
	uint32_t crc;

	put32(b, (uint32_t)n);
	memcpy(b + 4, type, 4);
	fwrite(b, 1, 8, fp);
	if (n > 0)
		fwrite(data, 1, n, fp);
	crc = png_crc(b + 4, 4, 0);
	crc = png_crc(data, n, crc);
	put32(b, crc);
	fwrite(b, 1, 4, fp);
}

static int write_png(const char *path, int w, int h)
{
	size_t row = (size_t)w * 4 + 1, raw_len = row * (size_t)h;
	unsigned char *raw = calloc(1, raw_len), *z, ihdr[13];
	uint32_t a = 1, b = 0;
	size_t zn = 0;
	FILE *fp;

	if (!raw || raw_len > 65535 || !(z = malloc(raw_len + 11))) {
		free(raw);
		return -1;
	}
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned char *px = raw + (size_t)y * row + 1 + (size_t)x * 4;
			int dx = x - w / 2, dy = y - h / 2;
			px[0] = 220;
			px[3] = dx * dx + dy * dy < (w / 2 - 1) * (w / 2 - 1) ? 255 : 0;
		}
	z[zn++] = 0x78;
	z[zn++] = 0x01;
	z[zn++] = 1;
	z[zn++] = (unsigned char)raw_len;
	z[zn++] = (unsigned char)(raw_len >> 8);
	z[zn++] = (unsigned char)~raw_len;
	z[zn++] = (unsigned char)(~raw_len >> 8);
	memcpy(z + zn, raw, raw_len);
	zn += raw_len;
	for (size_t i = 0; i < raw_len; i++) {
		a = (a + raw[i]) % 65521;
		b = (b + a) % 65521;
	}
	put32(z + zn, (b << 16) | a);
	zn += 4;
	put32(ihdr, (uint32_t)w);
	put32(ihdr + 4, (uint32_t)h);
	memcpy(ihdr + 8, "\x08\x06\x00\x00\x00", 5);
	if ((fp = fopen(path, "wb")) != NULL) {
		fwrite("\x89PNG\r\n\x1a\n", 1, 8, fp);
		png_chunk(fp, "IHDR", ihdr, 13);
		png_chunk(fp, "IDAT", z, zn);
		png_chunk(fp, "IEND", NULL, 0);
		fclose(fp);
	}
	free(raw);
	free(z);
	return fp ? 0 : -1;
}

/* A third signature, the seal image over the leader's signature: the appearance brings an
 * image XObject with its soft mask. The CMS is a stand-in: only the structure is judged. */
static void test_third_signature_with_seal_image_is_allowed(void)
{
	static const unsigned char fake_cms[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	mc_pdf_sig_options o;
	int64_t br[4];
	world w;

	world_open(&w);
	sign_once(&w);
	char *two = path_in(&w, "two.pdf"), *three = path_in(&w, "three.pdf");
	char *png = path_in(&w, "seal.png");
	CHECK_OK(sign(&w, w.one, two, "seal", MOTCUA_SIGN_ATTACHMENT, "2026-03-05T11:00"));
	CHECK_INT(write_png(png, 20, 20), 0);
	memset(&o, 0, sizeof(o));
	o.field_name = "Seal";
	o.page = 1;
	o.x = 300;
	o.y = 400;
	o.w = 80;
	o.h = 80;
	o.image_png = png;
	o.image_rect[2] = 80;
	o.image_rect[3] = 80;
	o.contents_size = 64;
	o.signing_time = 1772681400;
	CHECK_OK(mc_pdf_sign_prepare(br, two, three, &o));
	CHECK_OK(mc_pdf_sign_embed(three, br, fake_cms, sizeof(fake_cms)));

	for (size_t i = 0; i < 2; i++) {
		mc_pdf_revision_diff d = compare(three, signed_end(three, i));
		CHECK(d.allowed);
		CHECK_CONTAINS(d.summary, "allowed: signature field \"Seal\" added");
		if (!d.allowed)
			fprintf(stderr, "%s\n", d.summary);
		mc_pdf_revision_diff_clear(&d);
	}
	free(two);
	free(three);
	free(png);
	world_close(&w);
}

/* Object 5 of test_make_pdf is page 1's content stream. */
static const char changed_content[] = "<< /Length 44 >>\nstream\n"
	"BT\n/F1 14 Tf\n72 770 Td\n(GIAY PHEP GIA) Tj\nET\nendstream";

static void test_replaced_page_content_is_not_allowed(void)
{
	world w;

	world_open(&w);
	sign_once(&w);
	char *bad = path_in(&w, "bad.pdf");
	int64_t end = signed_end(w.one, 0);
	CHECK_INT(copy_file(w.one, bad), 0);
	CHECK_INT(test_append_update(bad, 5, changed_content), 0);
	mc_pdf_revision_diff d = compare(bad, end);
	CHECK(!d.allowed);
	CHECK_CONTAINS(d.summary, "not allowed: page 1 content changed");
	mc_pdf_revision_diff_clear(&d);
	free(bad);
	world_close(&w);
}

/* Page 1 (object 3) rewritten with a comment (a /Text annotation) beside the signature. */
static void test_added_comment_is_not_allowed(void)
{
	world w;

	world_open(&w);
	sign_once(&w);
	char *bad = path_in(&w, "bad.pdf"), *page = last_body(w.one, 3), *annots;
	int64_t end = signed_end(w.one, 0);
	CHECK(page && (annots = strstr(page, "/Annots[")));
	if (page && annots) {
		size_t cut = (size_t)(annots - page) + strlen("/Annots[");
		size_t n = strlen(page) + 200;
		char *body = malloc(n);
		if (!body)
			abort();
		snprintf(body, n, "%.*s 99 0 R %s", (int)cut, page, page + cut);
		CHECK_INT(copy_file(w.one, bad), 0);
		CHECK_INT(test_append_update(bad, 99, "<< /Type /Annot /Subtype /Text "
			"/Rect [100 100 120 120] /Contents (da sua) >>"), 0);
		CHECK_INT(test_append_update(bad, 3, body), 0);
		mc_pdf_revision_diff d = compare(bad, end);
		CHECK(!d.allowed);
		CHECK_CONTAINS(d.summary, "not allowed: annotation (Text) 99 0 R added on page 1");
		mc_pdf_revision_diff_clear(&d);
		free(body);
	}
	free(page);
	free(bad);
	world_close(&w);
}

/* A legitimate second signature does not launder a content change made after it. */
static void test_signature_then_content_change_is_not_allowed(void)
{
	world w;

	world_open(&w);
	sign_once(&w);
	char *two = path_in(&w, "two.pdf");
	CHECK_OK(sign(&w, w.one, two, "seal", MOTCUA_SIGN_ATTACHMENT, "2026-03-05T11:00"));
	CHECK_INT(test_append_update(two, 5, changed_content), 0);
	mc_pdf_revision_diff d = compare(two, signed_end(two, 0));
	CHECK(!d.allowed);
	CHECK_CONTAINS(d.summary, "allowed: signature field \"");
	CHECK_CONTAINS(d.summary, "not allowed: page 1 content changed");
	mc_pdf_revision_diff_clear(&d);
	/* the second signature sees the same change */
	d = compare(two, signed_end(two, 1));
	CHECK(!d.allowed);
	CHECK_CONTAINS(d.summary, "not allowed: page 1 content changed");
	CHECK(!strstr(d.summary, "signature field"));
	mc_pdf_revision_diff_clear(&d);
	free(two);
	world_close(&w);
}

/* The catalog (object 1) rewritten with `extra` keys added. */
static int catalog_with(const char *path, const char *extra)
{
	char *cat = last_body(path, 1), *end, body[4096];

	if (!cat || !(end = strrchr(cat, '>')) || end == cat || end[-1] != '>') {
		free(cat);
		return -1;
	}
	snprintf(body, sizeof(body), "%.*s %s >>", (int)(end - 1 - cat), cat, extra);
	free(cat);
	return test_append_update(path, 1, body);
}

/* Validation material (PAdES B-LT) added after the signature is allowed; an /OpenAction,
 * which would run something when the document opens, is not. */
static void test_dss_is_allowed_open_action_is_not(void)
{
	world w;

	world_open(&w);
	sign_once(&w);
	char *lt = path_in(&w, "lt.pdf");
	int64_t end = signed_end(w.one, 0);
	CHECK_INT(copy_file(w.one, lt), 0);
	CHECK_INT(test_append_update(lt, 98, "<< /Length 3 >>\nstream\nabc\nendstream"), 0);
	CHECK_INT(test_append_update(lt, 97, "<< /Certs [98 0 R] /CRLs [] >>"), 0);
	CHECK_INT(catalog_with(lt, "/DSS 97 0 R"), 0);
	mc_pdf_revision_diff d = compare(lt, end);
	CHECK(d.allowed);
	CHECK_STR(d.summary, "allowed: catalog /DSS added");
	mc_pdf_revision_diff_clear(&d);

	CHECK_INT(test_append_update(lt, 97, "<< /Certs [98 0 R] /CRLs [98 0 R] >>"), 0);
	CHECK_INT(catalog_with(lt, "/OpenAction [3 0 R /Fit]"), 0);
	d = compare(lt, end);
	CHECK(!d.allowed);
	CHECK_CONTAINS(d.summary, "allowed: catalog /DSS added");
	CHECK_CONTAINS(d.summary, "not allowed: catalog /OpenAction added");
	mc_pdf_revision_diff_clear(&d);
	free(lt);
	world_close(&w);
}

/* A prepared empty signature field (object 20, field and widget in one) on page 1. */
static int64_t with_empty_field(const world *w, const char *path)
{
	size_t len = 0;
	char *data;

	if (copy_file(w->in, path) < 0 ||
	    test_append_update(path, 20, "<< /FT /Sig /T (Empty) /Type /Annot /Subtype /Widget "
		"/Rect [400 700 500 750] /P 3 0 R /F 132 >>") < 0 ||
	    test_append_update(path, 21, "<< /Fields [20 0 R] /SigFlags 3 >>") < 0 ||
	    test_append_update(path, 1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 21 0 R >>") < 0 ||
	    test_append_update(path, 3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
		"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R /Annots [20 0 R] >>") < 0 ||
	    test_append_update(path, 22, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter "
		"/ETSI.CAdES.detached /ByteRange [0 0 0 0] /Contents <00> >>") < 0 ||
	    test_append_update(path, 23, "<< /Type /XObject /Subtype /Form /BBox [0 0 100 50] "
		"/Length 0 >>\nstream\n\nendstream") < 0)
		return -1;
	data = test_read_file(path, &len);
	free(data);
	return (int64_t)len;
}

static void test_filling_an_empty_signature_field(void)
{
	world w;

	world_open(&w);
	char *path = path_in(&w, "empty.pdf");
	int64_t end = with_empty_field(&w, path);
	CHECK(end > 0);
	CHECK_INT(test_append_update(path, 20, "<< /FT /Sig /T (Empty) /Type /Annot "
		"/Subtype /Widget /Rect [400 700 500 750] /P 3 0 R /F 132 /V 22 0 R "
		"/AP << /N 23 0 R >> >>"), 0);
	mc_pdf_revision_diff d = compare(path, end);
	CHECK(d.allowed);
	CHECK_STR(d.summary, "allowed: empty signature field \"Empty\" signed");
	mc_pdf_revision_diff_clear(&d);
	/* moved while signed: the widget changed beyond /V and /AP */
	CHECK_INT(test_append_update(path, 20, "<< /FT /Sig /T (Empty) /Type /Annot "
		"/Subtype /Widget /Rect [0 0 595 842] /P 3 0 R /F 132 /V 22 0 R "
		"/AP << /N 23 0 R >> >>"), 0);
	d = compare(path, end);
	CHECK(!d.allowed);
	CHECK_CONTAINS(d.summary, "not allowed: annotation (Widget) 20 0 R on page 1 changed");
	mc_pdf_revision_diff_clear(&d);
	free(path);
	world_close(&w);
}

static void test_garbage_gives_errors(void)
{
	mc_pdf_revision_diff d = { true, NULL };
	world w;

	world_open(&w);
	sign_once(&w);
	int64_t end = signed_end(w.one, 0);
	/* a prefix that ends inside the first revision's objects */
	CHECK_ERR(mc_pdf_compare_revisions(&d, w.one, 100), MOTCUA_EINVALID);
	CHECK(!d.allowed && !d.summary);
	CHECK_CONTAINS(motcua_error_last(), "signed revision");
	CHECK_ERR(mc_pdf_compare_revisions(&d, w.one, 0), MOTCUA_EINVALID);
	CHECK_ERR(mc_pdf_compare_revisions(&d, w.one, end * 10), MOTCUA_EINVALID);
	char *junk = test_write_file(w.dir, "junk.pdf", "%PDF-1.7\nthis is not a PDF at all\n");
	CHECK_ERR(mc_pdf_compare_revisions(&d, junk, 20), MOTCUA_EINVALID);
	CHECK_ERR(mc_pdf_compare_revisions(&d, NULL, 20), MOTCUA_EINVALID);
	char *missing = path_in(&w, "missing.pdf");
	CHECK_ERR(mc_pdf_compare_revisions(&d, missing, 20), MOTCUA_ENOTFOUND);
	/* an unloadable latest revision */
	char *cut = path_in(&w, "cut.pdf");
	CHECK_INT(copy_file(w.one, cut), 0);
	FILE *fp = fopen(cut, "ab");
	if (fp) {
		fputs("\n7 0 obj\n<< /Broken >>\nendobj\nstartxref\n999999\n%%EOF\n", fp);
		fclose(fp);
	}
	CHECK_ERR(mc_pdf_compare_revisions(&d, cut, end), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "latest revision");
	free(junk);
	free(missing);
	free(cut);
	world_close(&w);
}

static void test_mutated_files_never_crash(void)
{
	world w;
	size_t len;
	int ok = 0, allowed = 0;

	world_open(&w);
	sign_once(&w);
	char *two = path_in(&w, "two.pdf"), *mut = path_in(&w, "mut.pdf");
	CHECK_OK(sign(&w, w.one, two, "seal", MOTCUA_SIGN_ATTACHMENT, "2026-03-05T11:00"));
	int64_t end = signed_end(two, 0);
	char *data = test_read_file(two, &len), *m = malloc(len + 1);
	CHECK(data && m && len > 0);
	srand(20260305);
	for (int round = 0; data && m && round < 100; round++) {
		memcpy(m, data, len);
		int k = 1 + rand() % 8;
		for (int i = 0; i < k; i++) {
			/* mostly in the later revision, sometimes anywhere */
			size_t at = rand() % 4 ? (size_t)end + (size_t)rand() % (len - (size_t)end)
				: (size_t)rand() % len;
			static const char pool[] = "0123456789 /<>[]()RobjendstreamR\n\r";
			m[at] = rand() % 2 ? (char)(rand() % 256)
				: pool[rand() % (sizeof(pool) - 1)];
		}
		FILE *fp = fopen(mut, "wb");
		if (!fp)
			break;
		fwrite(m, 1, len, fp);
		fclose(fp);
		mc_pdf_revision_diff d = { false, NULL };
		int64_t e = rand() % 10 ? end : (int64_t)(rand() % (int)len);
		if (mc_pdf_compare_revisions(&d, mut, e) == 0) {
			ok++;
			allowed += d.allowed;
			CHECK(d.summary != NULL);
		} else {
			CHECK(d.summary == NULL);
		}
		mc_pdf_revision_diff_clear(&d);
	}
	printf("  %d of 100 mutations compared, %d allowed\n", ok, allowed);
	free(data);
	free(m);
	free(two);
	free(mut);
	world_close(&w);
}

/* The provinces' own documents (../shared/samples-vn): every later signature, the seal and
 * the number and date written on page 1, is an allowed change for every earlier one. */
static void test_real_documents_are_allowed(void)
{
	char dir[4096];
	DIR *d;
	struct dirent *e;
	int files = 0;

	snprintf(dir, sizeof(dir), "%s/../shared/samples-vn", test_source_dir());
	if (!(d = opendir(dir))) {
		printf("  skipped: no %s\n", dir);
		return;
	}
	while ((e = readdir(d))) {
		char path[8192];
		mc_pdf_signature *sigs = NULL;
		size_t n = 0;

		if (!strstr(e->d_name, ".pdf"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		files++;
		CHECK_OK(mc_pdf_signatures(&sigs, &n, path));
		CHECK(n > 0);
		for (size_t i = 0; i < n; i++) {
			mc_pdf_revision_diff r = compare(path,
				sigs[i].byte_range[2] + sigs[i].byte_range[3]);
			if (!r.allowed || getenv("SHOW"))
				fprintf(stderr, "%s, signature %s:\n%s\n", e->d_name,
					sigs[i].field_name, r.summary);
			CHECK(r.allowed);
			mc_pdf_revision_diff_clear(&r);
		}
		mc_pdf_signatures_free(sigs, n);
	}
	closedir(d);
	printf("  %d real documents compared\n", files);
}

TEST_MAIN(TEST_CASE(test_second_visible_signature_on_page_1_is_allowed),
	TEST_CASE(test_third_signature_with_seal_image_is_allowed),
	TEST_CASE(test_replaced_page_content_is_not_allowed),
	TEST_CASE(test_added_comment_is_not_allowed),
	TEST_CASE(test_signature_then_content_change_is_not_allowed),
	TEST_CASE(test_dss_is_allowed_open_action_is_not),
	TEST_CASE(test_filling_an_empty_signature_field),
	TEST_CASE(test_garbage_gives_errors),
	TEST_CASE(test_mutated_files_never_crash),
	TEST_CASE(test_real_documents_are_allowed))
