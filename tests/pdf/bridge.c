/* tests/pdf/bridge.c — the PDF bridge against real tools: a signature prepared here, signed by
 * the openssl CLI and embedded here, must satisfy pdfsig, qpdf, pdffonts and pdftoppm; a second
 * signature keeps the first valid; bad inputs give named errors and leave no output; mutated
 * files never crash the reader. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pdf/pdf.h"
#include "pdfgen.h"
#include "test.h"

#define FONT "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
#define T_2026_03_05_103000_VN 1772681400      /* 2026-03-05T03:30:00Z */

static const char *const vn_lines[] = {
	"Ký bởi: Ủy ban nhân dân xã Mẫu",
	"Thời gian ký: 2026-03-05T10:30:00+07:00",
};

static char *path_in(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (!p)
		abort();
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static mc_pdf_sig_options visible_opts(const char *field)
{
	mc_pdf_sig_options o;

	memset(&o, 0, sizeof(o));
	o.field_name = field;
	o.page = 1;
	o.x = 330;
	o.y = 700;
	o.w = 240;
	o.h = 40;
	o.lines = vn_lines;
	o.n_lines = 2;
	o.font_file = FONT;
	o.font_size = 10;
	o.subfilter = "ETSI.CAdES.detached";
	o.reason = "Phê duyệt";
	o.location = "Xã Mẫu";
	o.signing_time = T_2026_03_05_103000_VN;
	return o;
}

static mc_pdf_sig_options invisible_opts(const char *field)
{
	mc_pdf_sig_options o = visible_opts(field);

	o.w = o.h = 0;
	o.lines = NULL;
	o.n_lines = 0;
	o.subfilter = "adbe.pkcs7.detached";
	return o;
}

/* The range must cover the whole file except the placeholder, which is '<' zeros '>'. */
static void check_range(const char *path, const int64_t br[4], size_t contents_size)
{
	size_t len = 0;
	char *data = test_read_file(path, &len);

	CHECK(data != NULL);
	if (!data)
		return;
	CHECK_INT(br[0], 0);
	CHECK(br[1] > 0 && br[2] > br[1] && (size_t)br[2] <= len);
	CHECK_INT(br[2] + br[3], (long long)len);
	if (br[1] > 0 && br[2] > br[1] && (size_t)br[2] <= len) {
		CHECK(data[br[1]] == '<');
		CHECK(data[br[2] - 1] == '>');
		CHECK_INT(br[2] - br[1] - 2, 2 * (contents_size ? contents_size : 16384));
		bool zeros = true;
		for (int64_t i = br[1] + 1; i < br[2] - 1; i++)
			zeros = zeros && data[i] == '0';
		CHECK(zeros);
	}
	free(data);
}

/* A self-signed key and certificate in dir (made once per directory). */
static void make_signer(const char *dir)
{
	char *out = NULL;
	int rc = test_run(&out, "cd '%s' && test -f cert.pem || openssl req -x509 -newkey "
		"rsa:2048 -nodes -subj /CN=test -days 3650 -keyout key.pem -out cert.pem", dir);

	CHECK_INT(rc, 0);
	if (rc != 0)
		fprintf(stderr, "%s\n", out);
	free(out);
}

/* Writes the bytes the range covers to dir/ranges.bin, signs them with openssl cms (detached
 * SHA-256) and returns the DER in *der. */
static size_t openssl_sign(unsigned char **der, const char *dir, const char *pdf,
	const int64_t br[4])
{
	size_t len = 0, der_len = 0;
	char *data = test_read_file(pdf, &len), *ranges = path_in(dir, "ranges.bin");
	char *sig = path_in(dir, "sig.der"), *out = NULL;
	FILE *fp;

	*der = NULL;
	make_signer(dir);
	CHECK(data && (fp = fopen(ranges, "wb")) != NULL);
	if (data && fp) {
		CHECK(fwrite(data + br[0], 1, (size_t)br[1], fp) == (size_t)br[1]);
		CHECK(fwrite(data + br[2], 1, (size_t)br[3], fp) == (size_t)br[3]);
		fclose(fp);
		int rc = test_run(&out, "openssl cms -sign -binary -outform DER -in '%s' -signer "
			"'%s/cert.pem' -inkey '%s/key.pem' -md sha256 -nosmimecap -out '%s'",
			ranges, dir, dir, sig);
		CHECK_INT(rc, 0);
		if (rc != 0)
			fprintf(stderr, "%s\n", out);
		free(out);
		*der = (unsigned char *)test_read_file(sig, &der_len);
	}
	free(data);
	free(ranges);
	free(sig);
	return der_len;
}

/* Prepares, signs and embeds one signature from in to out; returns its range in br. */
static void sign_file(int64_t br[4], const char *dir, const char *in, const char *out,
	const mc_pdf_sig_options *o)
{
	unsigned char *der;
	size_t der_len;

	CHECK_OK(mc_pdf_sign_prepare(br, in, out, o));
	check_range(out, br, o->contents_size);
	der_len = openssl_sign(&der, dir, out, br);
	CHECK(der_len > 100);
	if (der)
		CHECK_OK(mc_pdf_sign_embed(out, br, der, der_len));
	free(der);
}

static void test_visible_signature_verifies_in_every_tool(void)
{
	char *dir = test_tmpdir(), *in = path_in(dir, "in.pdf"), *out = path_in(dir, "out.pdf");
	char *before, *after, *text = NULL;
	size_t before_len = 0, after_len = 0, n = 0;
	mc_pdf_sig_options o = visible_opts("LanhDao");
	mc_pdf_signature *sigs = NULL;
	int64_t br[4];

	CHECK(test_make_pdf(in, "Giay khai sinh") == 0);
	before = test_read_file(in, &before_len);
	sign_file(br, dir, in, out, &o);
	/* the input is never touched */
	after = test_read_file(in, &after_len);
	CHECK(before && after && before_len == after_len && !memcmp(before, after, after_len));

	CHECK_INT(test_run(&text, "pdfsig '%s'", out), 0);
	CHECK_CONTAINS(text, "Signature is Valid");
	CHECK_CONTAINS(text, "Total document signed");
	CHECK_CONTAINS(text, "ETSI.CAdES.detached");
	CHECK_CONTAINS(text, "LanhDao");
	free(text);
	CHECK_INT(test_run(&text, "qpdf --check '%s'", out), 0);
	CHECK_CONTAINS(text, "No syntax or stream encoding errors");
	free(text);
	CHECK_INT(test_run(&text, "pdffonts '%s'", out), 0);
	CHECK_CONTAINS(text, "+LiberationSerif");
	CHECK_CONTAINS(text, "CID TrueType      Identity-H       yes yes yes");
	free(text);
	CHECK_INT(test_run(&text, "pdftoppm -r 72 -png '%s' '%s/page'", out, dir), 0);
	free(text);
	/* the appearance text is really there, in Vietnamese */
	CHECK_INT(test_run(&text, "pdftotext '%s' -", out), 0);
	CHECK_CONTAINS(text, "Ký bởi: Ủy ban nhân dân xã Mẫu");
	free(text);

	CHECK_OK(mc_pdf_signatures(&sigs, &n, out));
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(sigs[0].field_name, "LanhDao");
		CHECK_STR(sigs[0].subfilter, "ETSI.CAdES.detached");
		CHECK_STR(sigs[0].filter, "Adobe.PPKLite");
		CHECK_STR(sigs[0].m, "D:20260305103000+07'00'");
		CHECK_STR(sigs[0].reason, "Phê duyệt");
		CHECK(!sigs[0].is_doc_timestamp);
		for (int i = 0; i < 4; i++)
			CHECK_INT(sigs[0].byte_range[i], br[i]);
		CHECK_INT(sigs[0].contents_len, 16384);
		CHECK(sigs[0].contents && sigs[0].contents[0] == 0x30 &&
			sigs[0].contents[1] == 0x82);
	}
	mc_pdf_signatures_free(sigs, n);
	free(before);
	free(after);
	free(in);
	free(out);
	test_rmdir(dir);
	free(dir);
}

static void test_second_signature_keeps_the_first_valid(void)
{
	char *dir = test_tmpdir(), *in = path_in(dir, "in.pdf"), *one = path_in(dir, "one.pdf");
	char *two = path_in(dir, "two.pdf"), *text = NULL;
	mc_pdf_sig_options o1 = invisible_opts(NULL), o2 = visible_opts("DauCoQuan");
	mc_pdf_signature *sigs = NULL;
	int64_t br1[4], br2[4];
	size_t n = 0;

	CHECK(test_make_pdf(in, "Quyet dinh") == 0);
	sign_file(br1, dir, in, one, &o1);
	sign_file(br2, dir, one, two, &o2);
	CHECK_INT(test_run(&text, "pdfsig '%s'", two), 0);
	/* both valid; the first covers its revision only, the second the whole file */
	CHECK_CONTAINS(text, "Signature #1");
	CHECK_CONTAINS(text, "Signature #2");
	CHECK(text && !strstr(text, "Signature is Invalid"));
	CHECK(text && strstr(text, "Signature is Valid") &&
		strstr(strstr(text, "Signature is Valid") + 1, "Signature is Valid"));
	free(text);
	CHECK_INT(test_run(&text, "qpdf --check '%s'", two), 0);
	free(text);

	CHECK_OK(mc_pdf_signatures(&sigs, &n, two));
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(sigs[0].field_name, "Signature1");     /* the name made for NULL */
		CHECK_STR(sigs[0].subfilter, "adbe.pkcs7.detached");
		CHECK_STR(sigs[1].field_name, "DauCoQuan");
		for (int i = 0; i < 4; i++) {
			CHECK_INT(sigs[0].byte_range[i], br1[i]);
			CHECK_INT(sigs[1].byte_range[i], br2[i]);
		}
	}
	mc_pdf_signatures_free(sigs, n);
	/* the same name twice is refused, and nothing is written */
	char *three = path_in(dir, "three.pdf");
	CHECK_ERR(mc_pdf_sign_prepare(br1, two, three, &o2), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "DauCoQuan");
	CHECK(!exists(three));
	free(three);
	free(in);
	free(one);
	free(two);
	test_rmdir(dir);
	free(dir);
}

/* A w x h RGBA PNG (a red disc on transparency), deflate "stored" blocks, no zlib needed. */
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
			bool in = dx * dx + dy * dy < (w / 2 - 1) * (w / 2 - 1);
			px[0] = 220;
			px[3] = in ? 255 : 0;
		}
	z[zn++] = 0x78;
	z[zn++] = 0x01;
	z[zn++] = 1;                                  /* final stored block */
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

static void test_seal_image_with_transparency(void)
{
	char *dir = test_tmpdir(), *in = path_in(dir, "in.pdf"), *out = path_in(dir, "out.pdf");
	char *png = path_in(dir, "seal.png"), *text = NULL;
	mc_pdf_sig_options o = visible_opts("Seal");
	int64_t br[4];

	CHECK(test_make_pdf(in, "Con dau") == 0);
	CHECK(write_png(png, 40, 40) == 0);
	o.h = 80;
	o.image_png = png;
	o.image_rect[0] = 0;
	o.image_rect[1] = 0;
	o.image_rect[2] = 60;
	o.image_rect[3] = 60;
	sign_file(br, dir, in, out, &o);
	CHECK_INT(test_run(&text, "pdfsig '%s'", out), 0);
	CHECK_CONTAINS(text, "Signature is Valid");
	free(text);
	CHECK_INT(test_run(&text, "qpdf --check '%s'", out), 0);
	free(text);
	/* the image keeps its alpha as a soft mask */
	CHECK_INT(test_run(&text, "pdfimages -list '%s'", out), 0);
	CHECK_CONTAINS(text, "smask");
	free(text);
	CHECK_INT(test_run(&text, "pdftoppm -r 72 -png '%s' '%s/page'", out, dir), 0);
	free(text);
	/* a file that is not a PNG is named */
	char *bad = test_write_file(dir, "bad.png", "not a png");
	o.image_png = bad;
	o.field_name = "Seal2";
	CHECK_ERR(mc_pdf_sign_prepare(br, in, out, &o), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "bad.png");
	free(bad);
	free(png);
	free(in);
	free(out);
	test_rmdir(dir);
	free(dir);
}

static void test_page_size(void)
{
	char *dir = test_tmpdir(), *in = path_in(dir, "in.pdf");
	double w = 0, h = 0;
	int pages = 0;

	CHECK(test_make_pdf(in, "A4") == 0);
	CHECK_OK(mc_pdf_page_size(&w, &h, &pages, in, 1));
	CHECK_INT(pages, 1);
	CHECK_INT((int)w, 595);
	CHECK_INT((int)h, 842);
	CHECK_ERR(mc_pdf_page_size(&w, &h, &pages, in, 2), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "page 2");
	free(in);
	test_rmdir(dir);
	free(dir);
}

/* Each bad input gives MOTCUA_EINVALID naming the file, and no output file. */
static void expect_refused(const char *in, const char *out, const mc_pdf_sig_options *o,
	const char *words, bool bad_file)
{
	int64_t br[4];
	mc_pdf_signature *sigs = NULL;
	size_t n = 0;

	CHECK_ERR(mc_pdf_sign_prepare(br, in, out, o), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), in);
	CHECK_CONTAINS(motcua_error_last(), words);
	CHECK(!exists(out));
	if (bad_file) {
		CHECK_ERR(mc_pdf_signatures(&sigs, &n, in), MOTCUA_EINVALID);
		CHECK(sigs == NULL && n == 0);
	}
}

static void test_bad_inputs_are_refused_with_no_output(void)
{
	char *dir = test_tmpdir(), *in = path_in(dir, "in.pdf"), *out = path_in(dir, "out.pdf");
	char *trunc = path_in(dir, "trunc.pdf"), *enc = path_in(dir, "enc.pdf"), *text = NULL;
	char *empty = test_write_file(dir, "empty.pdf", "");
	char *junk = test_write_file(dir, "junk.pdf", "Xin chào, đây không phải PDF\n");
	mc_pdf_sig_options o = visible_opts("A");
	size_t len = 0;
	char *data;
	FILE *fp;

	CHECK(test_make_pdf(in, "Goc") == 0);
	data = test_read_file(in, &len);
	CHECK(data && (fp = fopen(trunc, "wb")) != NULL);
	if (data && fp) {
		fwrite(data, 1, len / 2, fp);
		fclose(fp);
	}
	free(data);
	expect_refused(trunc, out, &o, "not a readable PDF", true);
	expect_refused(empty, out, &o, "empty", true);
	expect_refused(junk, out, &o, "not a readable PDF", true);
	CHECK_INT(test_run(&text, "qpdf --encrypt u o 256 -- '%s' '%s'", in, enc), 0);
	free(text);
	expect_refused(enc, out, &o, "encrypted", true);
	/* encrypted with an empty user password: it opens, and is still refused */
	CHECK_INT(test_run(&text, "qpdf --encrypt '' o 256 -- '%s' '%s'", in, enc), 0);
	free(text);
	expect_refused(enc, out, &o, "encrypted", true);
	o.page = 9;
	expect_refused(in, out, &o, "page 9 out of range", false);
	o.page = 1;
	o.font_file = "/nonexistent/VNTimes.ttf";
	expect_refused(in, out, &o, "VNTimes.ttf", false);
	o.font_file = junk;                     /* exists, not a font */
	expect_refused(in, out, &o, "junk.pdf", false);
	o = visible_opts("a.b");
	expect_refused(in, out, &o, "a.b", false);
	/* a missing file is not found, not invalid; a stale output does not survive */
	int64_t br[4];
	char *stale = test_write_file(dir, "stale.pdf", "%PDF-1.7 from an earlier run\n");
	CHECK_ERR(mc_pdf_sign_prepare(br, out, stale, &o), MOTCUA_ENOTFOUND);
	CHECK(!exists(stale));
	free(stale);
	/* nor may the output be the input */
	CHECK_ERR(mc_pdf_sign_prepare(br, in, in, &o), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "overwrite the input");
	CHECK(exists(in));
	/* no temporary file is left beside the output */
	CHECK_INT(test_run(&text, "ls '%s' | grep -c tmp", dir), 1);
	CHECK_CONTAINS(text, "0");
	free(text);
	free(in);
	free(out);
	free(trunc);
	free(enc);
	free(empty);
	free(junk);
	test_rmdir(dir);
	free(dir);
}

static void test_embed_checks_the_placeholder(void)
{
	char *dir = test_tmpdir(), *in = path_in(dir, "in.pdf"), *out = path_in(dir, "out.pdf");
	mc_pdf_sig_options o = invisible_opts("S");
	unsigned char *big, der[4] = { 0x30, 0x82, 0x00, 0x00 };
	size_t len_before = 0, len_after = 0;
	char *before, *after;
	int64_t br[4], bad[4];

	CHECK(test_make_pdf(in, "Nhung") == 0);
	o.contents_size = 1000;
	CHECK_OK(mc_pdf_sign_prepare(br, in, out, &o));
	before = test_read_file(out, &len_before);
	/* too large by one byte */
	big = malloc(1001);
	memset(big, 0x5a, 1001);
	CHECK_ERR(mc_pdf_sign_embed(out, br, big, 1001), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "1001 bytes");
	/* a range that does not frame the placeholder */
	memcpy(bad, br, sizeof(bad));
	bad[1] += 1;
	CHECK_ERR(mc_pdf_sign_embed(out, bad, der, sizeof(der)), MOTCUA_EINVALID);
	memcpy(bad, br, sizeof(bad));
	bad[3] += 1;
	CHECK_ERR(mc_pdf_sign_embed(out, bad, der, sizeof(der)), MOTCUA_EINVALID);
	after = test_read_file(out, &len_after);
	CHECK(before && after && len_before == len_after && !memcmp(before, after, len_after));
	free(after);
	/* exactly full fits; then the placeholder is no longer empty */
	CHECK_OK(mc_pdf_sign_embed(out, br, big, 1000));
	CHECK_ERR(mc_pdf_sign_embed(out, br, der, sizeof(der)), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "not empty");
	CHECK_ERR(mc_pdf_sign_embed(in, br, der, sizeof(der)), MOTCUA_EINVALID);
	free(big);
	free(before);
	free(in);
	free(out);
	test_rmdir(dir);
	free(dir);
}

/* Deterministic mutations (flipped bytes, cut files, spliced garbage) of a signed PDF: every
 * call returns a code, none crashes. */
static void test_mutated_files_never_crash(void)
{
	char *dir = test_tmpdir(), *in = path_in(dir, "in.pdf"), *signed_ = path_in(dir, "s.pdf");
	char *mut = path_in(dir, "m.pdf"), *out = path_in(dir, "o.pdf");
	mc_pdf_sig_options o = invisible_opts("S");
	uint32_t seed = 20260305;
	size_t len = 0;
	int64_t br[4];
	char *data;
	int ok = 0;

	CHECK(test_make_pdf(in, "Dot bien") == 0);
	o.contents_size = 4096;
	sign_file(br, dir, in, signed_, &o);
	data = test_read_file(signed_, &len);
	CHECK(data != NULL);
	for (int round = 0; data && round < 200; round++) {
		char *m = malloc(len + 64);
		size_t mlen = len;
		FILE *fp;

		memcpy(m, data, len);
		for (int k = 0; k < 1 + round % 8; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % mlen;
			switch ((seed >> 4) % 4) {
			case 0: m[at] = (char)(seed >> 16); break;
			case 1: mlen = at + 1; break;
			case 2: m[at] = "0123456789<>[]/R ()"[(seed >> 16) % 19]; break;
			default: memset(m + at, ' ', mlen - at < 8 ? mlen - at : 8); break;
			}
		}
		CHECK((fp = fopen(mut, "wb")) != NULL);
		if (fp) {
			fwrite(m, 1, mlen, fp);
			fclose(fp);
		}
		free(m);
		mc_pdf_signature *sigs = NULL;
		size_t n = 0;
		if (mc_pdf_signatures(&sigs, &n, mut) == 0)
			ok++;
		mc_pdf_signatures_free(sigs, n);
		o.field_name = "T";
		if (mc_pdf_sign_prepare(br, mut, out, &o) == 0)
			unlink(out);
		else
			CHECK(!exists(out));
	}
	printf("  %d of 200 mutations still list\n", ok);
	free(data);
	free(in);
	free(signed_);
	free(mut);
	free(out);
	test_rmdir(dir);
	free(dir);
}

TEST_MAIN(TEST_CASE(test_visible_signature_verifies_in_every_tool),
	TEST_CASE(test_second_signature_keeps_the_first_valid),
	TEST_CASE(test_seal_image_with_transparency),
	TEST_CASE(test_page_size),
	TEST_CASE(test_bad_inputs_are_refused_with_no_output),
	TEST_CASE(test_embed_checks_the_placeholder),
	TEST_CASE(test_mutated_files_never_crash))
