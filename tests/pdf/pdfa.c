/* tests/pdf/pdfa.c — searchable PDF/A from scans, checked with real tools: pdftotext reads the
 * Vietnamese words back in order and -bbox puts them on their pixel boxes (also on rotated
 * pages); qpdf, pdffonts, pdfimages and pdfinfo see a clean PDF 1.7 with its font embedded,
 * the JPEG byte for byte, the XMP identification and the sRGB output intent; 200 pages stream
 * through and read back; failures leave nothing at the path; the reader takes PDFs from other
 * tools, names what it refuses, and never crashes on damaged files. */
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <leptonica/allheaders.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "pdf/pdf.h"
#include "pdf/pdfa.h"
#include "test.h"

#define T_2026_03_05_103000_VN 1772681400      /* 2026-03-05T03:30:00Z */
#define PAGE_W 1240                             /* A4 at 150 dpi */
#define PAGE_H 1754
#define DPI 150.0

/* Three lines of a provincial document, NFC as recognition delivers them. */
static const char *const vn_lines[] = {
	"Ủy ban nhân dân tỉnh Quảng Ngãi",
	"Cộng hòa xã hội chủ nghĩa Việt Nam",
	"Số 12 đường Nguyễn Trãi, phường Nghĩa Chánh",
};
#define N_LINES (sizeof(vn_lines) / sizeof(vn_lines[0]))
#define MAX_WORDS 64

typedef struct {
	mc_ocr_word w[MAX_WORDS];
	char text[MAX_WORDS][64];
	size_t n;
} word_set;

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

/* Entries in dir other than . and .. */
static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Runs a tool that must succeed; its output, or "" (never NULL). */
static char *tool(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *tool(const char *fmt, ...)
{
	char cmd[8192], *out = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int rc = test_run(&out, "%s", cmd);
	if (rc != 0) {
		test_failures++;
		fprintf(stderr, "%s: `%s` exited %d: %s\n", test_current, cmd, rc,
			out ? out : "");
	}
	if (!out && !(out = calloc(1, 1)))
		abort();
	return out;
}

/* The upright layout of vn_lines: 40-pixel lines 60 apart, words as wide as their letters,
 * 12-pixel gaps, all at 150 dpi on an A4 page. */
static void layout(word_set *ws)
{
	memset(ws, 0, sizeof(*ws));
	for (size_t l = 0; l < N_LINES; l++) {
		const char *s = vn_lines[l];
		int x = 100;
		while (*s && ws->n < MAX_WORDS) {
			size_t len = strcspn(s, " "), chars = 0;
			for (size_t i = 0; i < len; i++)
				chars += ((unsigned char)s[i] & 0xc0) != 0x80;
			snprintf(ws->text[ws->n], sizeof(ws->text[0]), "%.*s", (int)len, s);
			mc_ocr_word *w = &ws->w[ws->n];
			w->text = ws->text[ws->n];
			w->x0 = x;
			w->y0 = 100 + 60 * (int)l;
			w->x1 = x + 18 * (int)chars;
			w->y1 = w->y0 + 40;
			w->conf = 90;
			w->line = (int)l;
			x = w->x1 + 12;
			ws->n++;
			s += len;
			while (*s == ' ')
				s++;
		}
	}
}

/* The same words in the pixels of the image as a scanner delivered it, turned `rotate`
 * degrees counter-clockwise from upright (the page's /Rotate turns it back). */
static void deliver(word_set *out, const word_set *up, int rotate)
{
	*out = *up;
	for (size_t i = 0; i < up->n; i++) {
		const mc_ocr_word *u = &up->w[i];
		mc_ocr_word *d = &out->w[i];
		d->text = out->text[i];
		switch (rotate) {
		case 90:
			d->x0 = u->y0; d->x1 = u->y1; d->y0 = PAGE_W - u->x1; d->y1 = PAGE_W - u->x0;
			break;
		case 180:
			d->x0 = PAGE_W - u->x1; d->x1 = PAGE_W - u->x0;
			d->y0 = PAGE_H - u->y1; d->y1 = PAGE_H - u->y0;
			break;
		case 270:
			d->x0 = PAGE_H - u->y1; d->x1 = PAGE_H - u->y0; d->y0 = u->x0; d->y1 = u->x1;
			break;
		}
	}
}

/* A scan-like JPEG made with Leptonica: white paper, dark bars where the words are. */
static unsigned char *make_jpeg(size_t *len, int w, int h, int depth, const word_set *ws)
{
	PIX *pix = pixCreate(w, h, depth);
	l_uint8 *data = NULL;

	if (!pix)
		abort();
	pixSetAllArbitrary(pix, depth == 32 ? 0xf4f0e800 : 0xf0);
	for (size_t i = 0; ws && i < ws->n; i++) {
		BOX *b = boxCreate(ws->w[i].x0, ws->w[i].y0 + 8, ws->w[i].x1 - ws->w[i].x0,
			ws->w[i].y1 - ws->w[i].y0 - 16);
		pixSetInRectArbitrary(pix, b, depth == 32 ? 0x20204000 : 0x20);
		boxDestroy(&b);
	}
	pixSetResolution(pix, (l_int32)DPI, (l_int32)DPI);
	if (pixWriteMemJpeg(&data, len, pix, 80, 0) != 0)
		abort();
	pixDestroy(&pix);
	return data;
}

/* Raw pixels with some structure (gradients and stripes), so that compression and the PNG
 * predictors are really exercised. */
static unsigned char *make_raw(size_t *len, mc_pdfa_pixels kind, int w, int h, int seed)
{
	size_t stride = kind == MC_PDFA_RGB8 ? (size_t)w * 3 : kind == MC_PDFA_GRAY8 ?
		(size_t)w : ((size_t)w + 7) / 8;
	unsigned char *p = malloc(stride * (size_t)h);

	if (!p)
		abort();
	for (int y = 0; y < h; y++)
		for (size_t x = 0; x < stride; x++)
			p[(size_t)y * stride + x] = kind == MC_PDFA_BILEVEL ?
				(unsigned char)((y / 7 + seed) % 3 ? 0x00 : 0x3c) :
				(unsigned char)((x * 3 + (size_t)y * 5 + (size_t)seed * 11 +
					((x / 40 + (size_t)y / 30) % 2) * 90) & 0xff);
	*len = stride * (size_t)h;
	return p;
}

static mc_pdfa_meta demo_meta(void)
{
	mc_pdfa_meta m = { "Giấy khai sinh — bản sao điện tử", "Ủy ban nhân dân xã Nghĩa Hà",
		"Bản sao từ sổ gốc", "hộ tịch, khai sinh", "vi-VN", T_2026_03_05_103000_VN };
	return m;
}

/* Compares pdftotext's output with the lines expected, ignoring blank lines and the page's
 * form feed: one line of words per recognized line, single spaces between words. */
static void check_lines(const char *text, const char *const *lines, size_t n)
{
	const char *p = text;
	size_t i = 0;

	while (*p) {
		size_t len = strcspn(p, "\n");
		const char *q = p;
		size_t l = len;
		while (l && (*q == '\f' || *q == ' '))
			q++, l--;
		while (l && (q[l - 1] == ' ' || q[l - 1] == '\f' || q[l - 1] == '\r'))
			l--;
		if (l) {
			if (i >= n) {
				test_failures++;
				fprintf(stderr, "%s: extra line \"%.*s\"\n", test_current, (int)l, q);
			} else if (strlen(lines[i]) != l || memcmp(lines[i], q, l) != 0) {
				test_failures++;
				fprintf(stderr, "%s: line %zu is \"%.*s\", expected \"%s\"\n",
					test_current, i + 1, (int)l, q, lines[i]);
			}
			i++;
		}
		p += len + (p[len] == '\n');
	}
	if (i < n) {
		test_failures++;
		fprintf(stderr, "%s: %zu lines read, expected %zu\n", test_current, i, n);
	}
}

/* Each word of `pdftotext -bbox` at the pixel box it was given, in points (within half a
 * point), in the upright page's coordinates. */
static void check_boxes(const char *pdf, int page, const word_set *up)
{
	size_t found = 0;
	char *out = tool("pdftotext -f %d -l %d -bbox '%s' -", page, page, pdf);
	const char *p = out;
	while ((p = strstr(p, "<word "))) {
		double x0, y0, x1, y1;
		char word[128];
		const char *gt = strchr(p, '>'), *end = gt ? strstr(gt, "</word>") : NULL;
		if (!end || sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"",
		    &x0, &y0, &x1, &y1) != 4)
			break;
		snprintf(word, sizeof(word), "%.*s", (int)(end - gt - 1), gt + 1);
		if (found < up->n) {
			const mc_ocr_word *w = &up->w[found];
			double s = 72.0 / DPI;
			CHECK_STR(word, w->text);
			if (fabs(x0 - w->x0 * s) > 0.5 || fabs(x1 - w->x1 * s) > 0.5 ||
			    fabs(y0 - w->y0 * s) > 0.5 || fabs(y1 - w->y1 * s) > 0.5) {
				test_failures++;
				fprintf(stderr, "%s: page %d: \"%s\" at %.2f,%.2f-%.2f,%.2f, expected "
					"%.2f,%.2f-%.2f,%.2f\n", test_current, page, word, x0, y0,
					x1, y1, w->x0 * s, w->y0 * s, w->x1 * s, w->y1 * s);
			}
		}
		found++;
		p = end;
	}
	CHECK_INT(found, up->n);
	free(out);
}

/* A document of three pages: colour JPEG, 8-bit gray and bilevel, the same words on each. */
static void write_three_pages(const char *pdf, unsigned char **jpeg, size_t *jpeg_len)
{
	word_set ws;
	mc_pdfa_writer *w = NULL;
	mc_pdfa_meta meta = demo_meta();
	size_t glen, blen;

	layout(&ws);
	*jpeg = make_jpeg(jpeg_len, PAGE_W, PAGE_H, 32, &ws);
	unsigned char *gray = make_raw(&glen, MC_PDFA_GRAY8, PAGE_W, PAGE_H, 1);
	unsigned char *bits = make_raw(&blen, MC_PDFA_BILEVEL, PAGE_W, PAGE_H, 2);
	mc_pdfa_page pages[3] = {
		{ MC_PDFA_JPEG, *jpeg, *jpeg_len, PAGE_W, PAGE_H, DPI, DPI, 0, ws.w, ws.n },
		{ MC_PDFA_GRAY8, gray, glen, PAGE_W, PAGE_H, DPI, DPI, 0, ws.w, ws.n },
		{ MC_PDFA_BILEVEL, bits, blen, PAGE_W, PAGE_H, DPI, DPI, 0, ws.w, ws.n },
	};
	CHECK_OK(mc_pdfa_open(&w, pdf, &meta));
	for (int i = 0; w && i < 3; i++)
		CHECK_OK(mc_pdfa_add_page(w, &pages[i]));
	if (w)
		CHECK_OK(mc_pdfa_close(w));
	free(gray);
	free(bits);
}

static void test_text_layer_reads_back_in_order(void)
{
	char *dir = test_tmpdir(), *pdf = path_in(dir, "copy.pdf");
	unsigned char *jpeg = NULL;
	size_t jlen = 0;
	word_set ws;

	layout(&ws);
	write_three_pages(pdf, &jpeg, &jlen);
	for (int page = 1; page <= 3; page++) {
		char *text = tool("pdftotext -f %d -l %d '%s' -", page, page, pdf);
		check_lines(text, vn_lines, N_LINES);
		free(text);
		check_boxes(pdf, page, &ws);
	}
	/* the raw mode (content order) reads the same */
	char *raw = tool("pdftotext -raw -f 1 -l 1 '%s' -", pdf);
	check_lines(raw, vn_lines, N_LINES);
	free(raw);
	/* rendered at its resolution, the gray page is the scan alone, pixel for pixel: upright,
	 * filling the page, the text invisible */
	free(tool("pdftoppm -r 150 -f 2 -l 2 -gray -singlefile '%s' '%s/render'", pdf, dir));
	char *pgm_path = path_in(dir, "render.pgm");
	size_t pgm_len = 0, glen;
	unsigned char *pgm = (unsigned char *)test_read_file(pgm_path, &pgm_len);
	unsigned char *gray = make_raw(&glen, MC_PDFA_GRAY8, PAGE_W, PAGE_H, 1);
	int pw = 0, ph = 0, maxv = 0, hdr = 0;
	CHECK(pgm && sscanf((char *)pgm, "P5 %d %d %d%n", &pw, &ph, &maxv, &hdr) == 3);
	CHECK_INT(pw, PAGE_W);
	CHECK_INT(ph, PAGE_H);
	if (pgm && pw == PAGE_W && ph == PAGE_H && pgm_len == (size_t)hdr + 1 + glen) {
		/* renderers resample (a pixel off, a little blur): compare the means of the
		 * pattern's 40 x 30 blocks, which a flip, a shift or a wrong scale would upset */
		double sum = 0;
		int blocks = 0;
		for (int by = 0; by + 30 <= PAGE_H; by += 30)
			for (int bx = 0; bx + 40 <= PAGE_W; bx += 40, blocks++) {
				long r = 0, g = 0;
				for (int y = by; y < by + 30; y++)
					for (int x = bx; x < bx + 40; x++) {
						size_t i = (size_t)y * PAGE_W + (size_t)x;
						r += pgm[hdr + 1 + i];
						g += gray[i];
					}
				sum += fabs((double)(r - g)) / 1200;
			}
		printf("  rendered page's blocks differ from the scan's by %.2f levels\n",
			sum / blocks);
		CHECK(sum / blocks < 3);
	} else {
		CHECK(!"the rendering has the scan's size");
	}
	free(gray);
	free(pgm);
	free(pgm_path);
	free(jpeg);
	free(pdf);
	test_rmdir(dir);
	free(dir);
}

static void test_file_is_clean_pdf_17_with_fonts_embedded(void)
{
	char *dir = test_tmpdir(), *pdf = path_in(dir, "copy.pdf");
	unsigned char *jpeg = NULL;
	size_t jlen = 0, len = 0;

	write_three_pages(pdf, &jpeg, &jlen);
	char *out = tool("qpdf --check '%s'", pdf);
	CHECK_CONTAINS(out, "No syntax or stream encoding errors");
	CHECK(!strstr(out, "WARNING"));
	free(out);
	/* every font embedded: the emb column says yes on each font line */
	out = tool("pdffonts '%s'", pdf);
	int fonts = 0;
	for (char *l = strstr(out, "---\n"); l && (l = strchr(l, '\n')) && l[1]; l++) {
		char name[256], type[64], enc[64], emb[8];
		if (sscanf(l + 1, "%255s %63s %*s %63s %7s", name, type, enc, emb) == 4) {
			fonts++;
			CHECK_STR(emb, "yes");
		}
	}
	CHECK(fonts >= 1);
	CHECK(!strstr(out, "Type 3"));
	free(out);
	out = tool("pdfinfo '%s'", pdf);
	CHECK_CONTAINS(out, "PDF version:     1.7");
	CHECK_CONTAINS(out, "Encrypted:       no");
	CHECK_CONTAINS(out, "JavaScript:      no");
	CHECK_CONTAINS(out, "Pages:           3");
	CHECK_CONTAINS(out, "Page size:       595.2 x 841.92 pts (A4)");
	free(out);
	/* the header and its binary comment, a trailer /ID, nothing after %%EOF */
	char *data = test_read_file(pdf, &len);
	CHECK(data && len > 20);
	if (data && len > 20) {
		CHECK(!memcmp(data, "%PDF-1.7\n%", 10));
		int high = 0;
		for (size_t i = 10; i < 14; i++)
			high += (unsigned char)data[i] >= 128;
		CHECK_INT(high, 4);
		CHECK(!memcmp(data + len - 6, "%%EOF\n", 6));
		CHECK(!strstr(data, "/Encrypt"));
		CHECK(!strstr(data, "/JavaScript") && !strstr(data, "/JS"));
	}
	free(data);
	out = tool("qpdf --show-object=trailer '%s'", pdf);
	CHECK_CONTAINS(out, "/ID [ <");
	free(out);
	free(jpeg);
	free(pdf);
	test_rmdir(dir);
	free(dir);
}

static void test_jpeg_is_embedded_byte_for_byte(void)
{
	char *dir = test_tmpdir(), *pdf = path_in(dir, "copy.pdf");
	char *img = path_in(dir, "img-000.jpg");
	unsigned char *jpeg = NULL;
	size_t jlen = 0, got_len = 0;

	write_three_pages(pdf, &jpeg, &jlen);
	char *out = tool("pdfimages -list '%s'", pdf);
	/* page 1 the JPEG as jpeg, page 2 gray pixels, page 3 one bit per pixel */
	CHECK(strstr(out, "   1     0 image    1240  1754  rgb     3   8  jpeg") != NULL);
	CHECK(strstr(out, "   2     1 image    1240  1754  gray    1   8  image") != NULL);
	CHECK(strstr(out, "   3     2 image    1240  1754  gray    1   1  image") != NULL);
	CHECK_CONTAINS(out, "150   150");
	if (!strstr(out, "jpeg"))
		fprintf(stderr, "%s\n", out);
	free(out);
	out = tool("pdfimages -j -f 1 -l 1 '%s' '%s/img'", pdf, dir);
	free(out);
	char *got = test_read_file(img, &got_len);
	CHECK(got != NULL);
	CHECK_INT(got_len, jlen);
	CHECK(got && got_len == jlen && !memcmp(got, jpeg, jlen));
	free(got);
	free(img);
	free(jpeg);
	free(pdf);
	test_rmdir(dir);
	free(dir);
}

/* The number after key in text ("/Root 1 0 R" gives 1), or -1. */
static long ref_after(const char *text, const char *key)
{
	const char *p = text ? strstr(text, key) : NULL;

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static char *object(const char *pdf, long num)
{
	return tool("qpdf --show-object=%ld '%s'", num, pdf);
}

/* The text of the first node an XPath finds in the XMP, or NULL. */
static char *xmp_value(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r;
	char *s = NULL;

	xmlXPathRegisterNs(ctx, BAD_CAST "x", BAD_CAST "adobe:ns:meta/");
	xmlXPathRegisterNs(ctx, BAD_CAST "rdf",
		BAD_CAST "http://www.w3.org/1999/02/22-rdf-syntax-ns#");
	xmlXPathRegisterNs(ctx, BAD_CAST "pdfaid", BAD_CAST "http://www.aiim.org/pdfa/ns/id/");
	xmlXPathRegisterNs(ctx, BAD_CAST "dc", BAD_CAST "http://purl.org/dc/elements/1.1/");
	xmlXPathRegisterNs(ctx, BAD_CAST "xmp", BAD_CAST "http://ns.adobe.com/xap/1.0/");
	xmlXPathRegisterNs(ctx, BAD_CAST "pdf", BAD_CAST "http://ns.adobe.com/pdf/1.3/");
	r = xmlXPathEvalExpression(BAD_CAST xpath, ctx);
	if (r && r->nodesetval && r->nodesetval->nodeNr > 0) {
		xmlChar *c = xmlNodeGetContent(r->nodesetval->nodeTab[0]);
		s = strdup((const char *)c);
		xmlFree(c);
	}
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	return s;
}

static void check_xmp(xmlDocPtr doc, const char *xpath, const char *want)
{
	char *v = xmp_value(doc, xpath);

	if (!v || strcmp(v, want)) {
		test_failures++;
		fprintf(stderr, "%s: XMP %s is \"%s\", expected \"%s\"\n", test_current, xpath,
			v ? v : "(none)", want);
	}
	free(v);
}

static void test_xmp_and_output_intent_identify_pdfa_2b(void)
{
	char *dir = test_tmpdir(), *pdf = path_in(dir, "copy.pdf");
	char *icc_path = path_in(dir, "profile.icc"), *xmp_path = path_in(dir, "xmp.xml");
	unsigned char *jpeg = NULL;
	size_t jlen = 0, len = 0;
	mc_pdfa_meta meta = demo_meta();

	write_three_pages(pdf, &jpeg, &jlen);
	char *trailer = tool("qpdf --show-object=trailer '%s'", pdf);
	long root = ref_after(trailer, "/Root ");
	free(trailer);
	CHECK(root > 0);
	char *cat = object(pdf, root);
	long meta_obj = ref_after(cat, "/Metadata "), intent = ref_after(cat, "/OutputIntents [ ");
	CHECK_CONTAINS(cat, "/Lang (vi-VN)");
	CHECK(meta_obj > 0 && intent > 0);
	free(cat);

	/* the XMP: unfiltered, well-formed, with the PDF/A identification and the metadata */
	char *md = object(pdf, meta_obj);
	CHECK_CONTAINS(md, "/Subtype /XML");
	CHECK_CONTAINS(md, "/Type /Metadata");
	CHECK(!strstr(md, "/Filter"));
	free(md);
	free(tool("qpdf --show-object=%ld --raw-stream-data '%s' > '%s'", meta_obj, pdf,
		xmp_path));
	char *xmp = test_read_file(xmp_path, &len);
	xmlDocPtr doc = xmp ? xmlReadMemory(xmp, (int)len, "xmp.xml", NULL, XML_PARSE_NONET) :
		NULL;
	CHECK(doc != NULL);
	if (doc) {
		check_xmp(doc, "//pdfaid:part", "2");
		check_xmp(doc, "//pdfaid:conformance", "B");
		check_xmp(doc, "//dc:title/rdf:Alt/rdf:li[@xml:lang='x-default']", meta.title);
		check_xmp(doc, "//dc:creator/rdf:Seq/rdf:li", meta.author);
		check_xmp(doc, "//dc:description/rdf:Alt/rdf:li", meta.subject);
		check_xmp(doc, "//pdf:Keywords", meta.keywords);
		check_xmp(doc, "//xmp:CreateDate", "2026-03-05T10:30:00+07:00");
		check_xmp(doc, "//xmp:ModifyDate", "2026-03-05T10:30:00+07:00");
		check_xmp(doc, "//pdf:Producer", "motcua " MOTCUA_VERSION);
		xmlFreeDoc(doc);
	}
	CHECK(xmp && strstr(xmp, "<?xpacket begin=") == xmp);
	CHECK(xmp && strstr(xmp, "<?xpacket end=\"w\"?>"));
	free(xmp);

	/* the Info dictionary says the same (PDF/A-2 6.6.2.3.1) */
	char *info = tool("pdfinfo -isodates '%s'", pdf);
	CHECK_CONTAINS(info, "Title:           Giấy khai sinh — bản sao điện tử");
	CHECK_CONTAINS(info, "Author:          Ủy ban nhân dân xã Nghĩa Hà");
	CHECK_CONTAINS(info, "Subject:         Bản sao từ sổ gốc");
	CHECK_CONTAINS(info, "Keywords:        hộ tịch, khai sinh");
	CHECK_CONTAINS(info, "Producer:        motcua " MOTCUA_VERSION);
	CHECK_CONTAINS(info, "CreationDate:    2026-03-05T10:30:00+07");
	CHECK_CONTAINS(info, "ModDate:         2026-03-05T10:30:00+07");
	free(info);

	/* one GTS_PDFA1 output intent whose profile is an RGB display ICC profile */
	char *oi = object(pdf, intent);
	CHECK_CONTAINS(oi, "/S /GTS_PDFA1");
	CHECK_CONTAINS(oi, "/Type /OutputIntent");
	CHECK_CONTAINS(oi, "/OutputConditionIdentifier (sRGB IEC61966-2.1)");
	long prof = ref_after(oi, "/DestOutputProfile ");
	free(oi);
	CHECK(prof > 0);
	char *pd = object(pdf, prof);
	CHECK_CONTAINS(pd, "/N 3");
	free(pd);
	free(tool("qpdf --show-object=%ld --filtered-stream-data '%s' > '%s'", prof, pdf,
		icc_path));
	unsigned char *icc = (unsigned char *)test_read_file(icc_path, &len);
	CHECK(icc && len > 128);
	if (icc && len > 128) {
		uint32_t size = (uint32_t)icc[0] << 24 | icc[1] << 16 | icc[2] << 8 | icc[3];
		CHECK_INT(size, len);
		CHECK_INT(icc[8], 2);                       /* ICC version 2 */
		CHECK(!memcmp(icc + 12, "mntr", 4));
		CHECK(!memcmp(icc + 16, "RGB ", 4));
		CHECK(!memcmp(icc + 20, "XYZ ", 4));
		CHECK(!memcmp(icc + 36, "acsp", 4));
	}
	free(icc);
	free(icc_path);
	free(xmp_path);
	free(jpeg);
	free(pdf);
	test_rmdir(dir);
	free(dir);
}

static void test_rotated_pages_read_upright(void)
{
	char *dir = test_tmpdir(), *pdf = path_in(dir, "rotated.pdf");
	word_set up, del[3];
	unsigned char *jpeg[3] = {0};
	size_t jlen[3] = {0};
	mc_pdfa_writer *w = NULL;

	layout(&up);
	CHECK_OK(mc_pdfa_open(&w, pdf, NULL));
	for (int i = 0; w && i < 3; i++) {
		int rot = 90 * (i + 1), dw = rot == 180 ? PAGE_W : PAGE_H;
		int dh = rot == 180 ? PAGE_H : PAGE_W;
		deliver(&del[i], &up, rot);
		jpeg[i] = make_jpeg(&jlen[i], dw, dh, 8, &del[i]);
		mc_pdfa_page pg = { MC_PDFA_JPEG, jpeg[i], jlen[i], dw, dh, DPI, DPI, rot,
			del[i].w, del[i].n };
		CHECK_OK(mc_pdfa_add_page(w, &pg));
	}
	if (w)
		CHECK_OK(mc_pdfa_close(w));
	char *info = tool("pdfinfo -f 1 -l 3 '%s'", pdf);
	CHECK_CONTAINS(info, "Page    1 rot:   90");
	CHECK_CONTAINS(info, "Page    2 rot:   180");
	CHECK_CONTAINS(info, "Page    3 rot:   270");
	CHECK_CONTAINS(info, "Page    1 size:  841.92 x 595.2 pts");
	free(info);
	for (int page = 1; page <= 3; page++) {
		char *text = tool("pdftotext -f %d -l %d '%s' -", page, page, pdf);
		check_lines(text, vn_lines, N_LINES);
		free(text);
		/* as shown: the boxes of the upright layout */
		check_boxes(pdf, page, &up);
	}
	/* the reader gives the image as stored and the page's rotation */
	for (int page = 1; page <= 3; page++) {
		mc_pdf_image img;
		int n = 0;
		CHECK_OK(mc_pdf_page_image(&img, &n, pdf, page));
		CHECK_INT(img.rotate, 90 * page);
		CHECK_INT(img.width, page == 2 ? PAGE_W : PAGE_H);
		CHECK(img.len == jlen[page - 1] && !memcmp(img.data, jpeg[page - 1], img.len));
		mc_pdf_page_image_clear(&img);
	}
	for (int i = 0; i < 3; i++)
		free(jpeg[i]);
	free(pdf);
	test_rmdir(dir);
	free(dir);
}

/* 200 pages added one by one, cycling through every pixel kind, then each page's image read
 * back: kind, size, resolution and pixels (bytes, for the JPEG) as given. */
static void test_two_hundred_pages_write_and_read_back(void)
{
	char *dir = test_tmpdir(), *pdf = path_in(dir, "long.pdf");
	const mc_pdfa_pixels kinds[4] = { MC_PDFA_JPEG, MC_PDFA_GRAY8, MC_PDFA_RGB8,
		MC_PDFA_BILEVEL };
	unsigned char *data[4];
	size_t len[4];
	const int w = 200, h = 283;                 /* A4 at 24 dpi */
	const double dpi = 24;
	mc_pdfa_writer *wr = NULL;
	char text[200][32];
	mc_ocr_word words[200][2];

	data[0] = make_jpeg(&len[0], w, h, 32, NULL);
	for (int k = 1; k < 4; k++)
		data[k] = make_raw(&len[k], kinds[k], w, h, k);
	CHECK_OK(mc_pdfa_open(&wr, pdf, NULL));
	for (int i = 0; wr && i < 200; i++) {
		snprintf(text[i], sizeof(text[i]), "%d", i + 1);
		mc_ocr_word tw[2] = {
			{ (char *)"Trang", 20, 20, 80, 40, 95, 0, NULL, 0 },
			{ text[i], 90, 20, 130, 40, 95, 0, NULL, 0 },
		};
		memcpy(words[i], tw, sizeof(tw));
		mc_pdfa_page pg = { kinds[i % 4], data[i % 4], len[i % 4], w, h, dpi, dpi, 0,
			words[i], 2 };
		CHECK_OK(mc_pdfa_add_page(wr, &pg));
	}
	if (wr)
		CHECK_OK(mc_pdfa_close(wr));
	char *out = tool("qpdf --check '%s'", pdf);
	CHECK_CONTAINS(out, "No syntax or stream encoding errors");
	free(out);
	out = tool("pdfinfo '%s'", pdf);
	CHECK_CONTAINS(out, "Pages:           200");
	free(out);
	out = tool("pdftotext -f 200 -l 200 '%s' -", pdf);
	static const char *const last[] = { "Trang 200" };
	check_lines(out, last, 1);
	free(out);
	for (int page = 1; page <= 200; page++) {
		mc_pdf_image img;
		int n = 0, k = (page - 1) % 4;
		int rc = mc_pdf_page_image(&img, &n, pdf, page);
		CHECK_OK(rc);
		if (rc < 0)
			continue;
		CHECK_INT(n, 200);
		CHECK_INT(img.kind, kinds[k]);
		CHECK_INT(img.width, w);
		CHECK_INT(img.height, h);
		CHECK(fabs(img.dpi_x - dpi) < 0.01 && fabs(img.dpi_y - dpi) < 0.01);
		CHECK_INT(img.len, len[k]);
		CHECK(img.len == len[k] && !memcmp(img.data, data[k], len[k]));
		mc_pdf_page_image_clear(&img);
	}
	for (int k = 0; k < 4; k++)
		free(data[k]);
	free(pdf);
	test_rmdir(dir);
	free(dir);
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* 200 pages of a megabyte of pixels each pass through a writer whose peak memory grows by
 * far less than the 200 MB given. Measured in a child, whose peak starts at what it inherits
 * rather than at this process's history (ASan keeps freed memory in quarantine: skipped). */
static void test_memory_stays_bounded(void)
{
#ifdef UNDER_ASAN
	printf("  skipped under AddressSanitizer (its quarantine holds freed memory)\n");
#else
	char *dir = test_tmpdir(), *pdf = path_in(dir, "big.pdf");
	size_t len;
	unsigned char *gray = make_raw(&len, MC_PDFA_GRAY8, 1000, 1000, 3);
	int fds[2];
	long grew = -1;

	CHECK(pipe(fds) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		mc_pdfa_writer *w = NULL;
		struct rusage ru;
		long before, rc = 0;

		getrusage(RUSAGE_SELF, &ru);
		before = ru.ru_maxrss;
		rc |= mc_pdfa_open(&w, pdf, NULL);
		for (int i = 0; rc == 0 && i < 200; i++) {
			mc_pdfa_page pg = { MC_PDFA_GRAY8, gray, len, 1000, 1000, 100, 100, 0,
				NULL, 0 };
			gray[i] ^= 0xff;          /* every page a little different */
			rc |= mc_pdfa_add_page(w, &pg);
		}
		rc |= w ? mc_pdfa_close(w) : -1;
		getrusage(RUSAGE_SELF, &ru);
		long out = rc ? -1 : ru.ru_maxrss - before;
		if (write(fds[1], &out, sizeof(out)) != sizeof(out))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	CHECK(pid > 0 && read(fds[0], &grew, sizeof(grew)) == sizeof(grew));
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	printf("  peak memory grew by %ld KB writing 200 MB of pixels\n", grew);
	CHECK(grew >= 0 && grew < 48 * 1024);
	char *out = tool("pdfinfo '%s'", pdf);
	CHECK_CONTAINS(out, "Pages:           200");
	free(out);
	free(gray);
	free(pdf);
	test_rmdir(dir);
	free(dir);
#endif
}

/* Opens a writer on pdf, adds one good page then `bad`, and aborts: nothing is left. */
static void check_refused(const char *dir, const char *pdf, const mc_pdfa_page *bad,
	const char *message)
{
	mc_pdfa_writer *w = NULL;
	unsigned char *jpeg;
	size_t jlen;
	int before = dir_entries(dir);

	jpeg = make_jpeg(&jlen, 100, 141, 8, NULL);
	mc_pdfa_page good = { MC_PDFA_JPEG, jpeg, jlen, 100, 141, 12, 12, 0, NULL, 0 };
	CHECK_OK(mc_pdfa_open(&w, pdf, NULL));
	if (w) {
		CHECK_OK(mc_pdfa_add_page(w, &good));
		CHECK_ERR(mc_pdfa_add_page(w, bad), MOTCUA_EINVALID);
		CHECK_CONTAINS(motcua_error_last(), pdf);
		CHECK_CONTAINS(motcua_error_last(), "page 2");
		CHECK_CONTAINS(motcua_error_last(), message);
		mc_pdfa_abort(w);
	}
	CHECK(!exists(pdf));
	CHECK_INT(dir_entries(dir), before);
	free(jpeg);
}

static void test_failures_leave_nothing_at_the_path(void)
{
	char *dir = test_tmpdir(), *pdf = path_in(dir, "out.pdf");
	unsigned char png[] = "\x89PNG\r\n\x1a\n not a jpeg at all";
	size_t glen, jlen;
	unsigned char *gray = make_raw(&glen, MC_PDFA_GRAY8, 100, 141, 0);
	unsigned char *jpeg = make_jpeg(&jlen, 100, 141, 32, NULL);
	mc_pdfa_page p;

	p = (mc_pdfa_page){ MC_PDFA_JPEG, png, sizeof(png), 100, 141, 12, 12, 0, NULL, 0 };
	check_refused(dir, pdf, &p, "not a JPEG");
	p = (mc_pdfa_page){ MC_PDFA_JPEG, jpeg, jlen - 10, 100, 141, 12, 12, 0, NULL, 0 };
	check_refused(dir, pdf, &p, "JPEG truncated (no end-of-image marker)");
	p = (mc_pdfa_page){ MC_PDFA_JPEG, jpeg, jlen, 141, 100, 12, 12, 0, NULL, 0 };
	check_refused(dir, pdf, &p, "the JPEG is 100x141");
	p = (mc_pdfa_page){ MC_PDFA_GRAY8, gray, glen, 0, 141, 12, 12, 0, NULL, 0 };
	check_refused(dir, pdf, &p, "image size 0x141");
	p = (mc_pdfa_page){ MC_PDFA_GRAY8, gray, glen - 1, 100, 141, 12, 12, 0, NULL, 0 };
	check_refused(dir, pdf, &p, "expected 14100");
	p = (mc_pdfa_page){ MC_PDFA_GRAY8, gray, glen, 100, 141, 0.001, 12, 0, NULL, 0 };
	check_refused(dir, pdf, &p, "outside PDF/A");
	p = (mc_pdfa_page){ MC_PDFA_GRAY8, gray, glen, 100, 141, 12, 12, 45, NULL, 0 };
	check_refused(dir, pdf, &p, "rotate 45");
	mc_ocr_word bad_word = { (char *)"Vi\xe1\xbb", 1, 1, 20, 20, 50, 0, NULL, 0 };
	p = (mc_pdfa_page){ MC_PDFA_GRAY8, gray, glen, 100, 141, 12, 12, 0, &bad_word, 1 };
	check_refused(dir, pdf, &p, "word 0 is not valid UTF-8");

	/* no pages: close refuses and leaves nothing */
	mc_pdfa_writer *w = NULL;
	CHECK_OK(mc_pdfa_open(&w, pdf, NULL));
	if (w)
		CHECK_ERR(mc_pdfa_close(w), MOTCUA_EINVALID);
	CHECK(!exists(pdf));
	CHECK_INT(dir_entries(dir), 0);

	/* an earlier file at the path stays until the new one is complete */
	char *old = test_write_file(dir, "out.pdf", "previous version");
	CHECK_OK(mc_pdfa_open(&w, pdf, NULL));
	p = (mc_pdfa_page){ MC_PDFA_JPEG, jpeg, jlen, 100, 141, 12, 12, 0, NULL, 0 };
	if (w) {
		CHECK_OK(mc_pdfa_add_page(w, &p));
		mc_pdfa_abort(w);
	}
	size_t olen = 0;
	char *kept = test_read_file(pdf, &olen);
	CHECK_STR(kept, "previous version");
	CHECK_INT(dir_entries(dir), 1);
	free(kept);
	free(old);

	/* metadata and paths that cannot be written */
	mc_pdfa_meta meta = demo_meta();
	meta.title = "B\xe1n sao";
	CHECK_ERR(mc_pdfa_open(&w, pdf, &meta), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "title is not valid UTF-8");
	meta = demo_meta();
	meta.lang = "vi VN";
	CHECK_ERR(mc_pdfa_open(&w, pdf, &meta), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "language tag");
	char *nowhere = path_in(dir, "no/such/dir/out.pdf");
	CHECK(mc_pdfa_open(&w, nowhere, NULL) < 0);
	CHECK_CONTAINS(motcua_error_last(), nowhere);
	free(nowhere);
	CHECK_INT(dir_entries(dir), 1);
	free(gray);
	free(jpeg);
	free(pdf);
	test_rmdir(dir);
	free(dir);
}

/* The disk fills up (a file size limit, in a child) while pages are written: the writer
 * reports it and nothing is left, neither the PDF nor its temporary file. */
static void test_full_disk_leaves_nothing(void)
{
	char *dir = test_tmpdir(), *pdf = path_in(dir, "out.pdf");
	size_t len;
	unsigned char *noise = make_raw(&len, MC_PDFA_GRAY8, 600, 600, 5);
	int status = -1;

	/* pixels no compressor can shrink (xorshift) */
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		noise[i] = (unsigned char)(x >> 24);
	}
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit rl = { 200000, 200000 };
		mc_pdfa_writer *w = NULL;
		int rc = 0;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0 || mc_pdfa_open(&w, pdf, NULL) < 0)
			_exit(2);
		for (int i = 0; rc == 0 && i < 5; i++) {
			mc_pdfa_page pg = { MC_PDFA_GRAY8, noise, len, 600, 600, 100, 100, 0,
				NULL, 0 };
			rc = mc_pdfa_add_page(w, &pg);
		}
		if (rc == 0)
			rc = mc_pdfa_close(w);
		else
			mc_pdfa_abort(w);
		/* the failure is the disk's and says which file */
		_exit(rc == MOTCUA_ERROR && strstr(motcua_error_last(), pdf) ? 0 : 3);
	}
	CHECK(pid > 0);
	if (pid > 0)
		waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(!exists(pdf));
	CHECK_INT(dir_entries(dir), 0);
	free(noise);
	free(pdf);
	test_rmdir(dir);
	free(dir);
}

/* A refused page adds nothing: the pages before and after it make the document. */
static void test_refused_page_keeps_the_writer_usable(void)
{
	char *dir = test_tmpdir(), *pdf = path_in(dir, "out.pdf");
	size_t jlen;
	unsigned char *jpeg = make_jpeg(&jlen, 100, 141, 8, NULL);
	mc_pdfa_writer *w = NULL;

	mc_pdfa_page good = { MC_PDFA_JPEG, jpeg, jlen, 100, 141, 12, 12, 0, NULL, 0 };
	mc_pdfa_page bad = { MC_PDFA_JPEG, jpeg, 10, 100, 141, 12, 12, 0, NULL, 0 };
	CHECK_OK(mc_pdfa_open(&w, pdf, NULL));
	if (w) {
		CHECK_OK(mc_pdfa_add_page(w, &good));
		CHECK_ERR(mc_pdfa_add_page(w, &bad), MOTCUA_EINVALID);
		CHECK_OK(mc_pdfa_add_page(w, &good));
		CHECK_OK(mc_pdfa_close(w));
	}
	char *out = tool("pdfinfo '%s'", pdf);
	CHECK_CONTAINS(out, "Pages:           2");
	free(out);
	CHECK_INT(dir_entries(dir), 1);
	free(jpeg);
	free(pdf);
	test_rmdir(dir);
	free(dir);
}

/* Image-only PDFs made by other tools: img2pdf (JPEG kept as is), Ghostscript's pdfimage8
 * device (Flate gray) and qpdf's object and cross-reference streams. */
static void test_reads_scans_from_other_tools(void)
{
	char *dir = test_tmpdir(), *ours = path_in(dir, "ours.pdf");
	char *jpg = path_in(dir, "scan.jpg"), *other = path_in(dir, "other.pdf");
	unsigned char *jpeg = NULL;
	size_t jlen = 0;
	mc_pdf_image img, again;
	int n = 0;
	char *out = NULL;

	write_three_pages(ours, &jpeg, &jlen);
	FILE *fp = fopen(jpg, "wb");
	CHECK(fp && fwrite(jpeg, 1, jlen, fp) == jlen);
	if (fp)
		fclose(fp);

	if (test_run(&out, "/usr/bin/python3 -c 'import img2pdf' 2>&1") == 0) {
		free(out);
		free(tool("/usr/bin/python3 -m img2pdf '%s' -o '%s'", jpg, other));
		CHECK_OK(mc_pdf_page_image(&img, &n, other, 1));
		CHECK_INT(n, 1);
		CHECK_INT(img.kind, MC_PDFA_JPEG);
		CHECK(img.len == jlen && !memcmp(img.data, jpeg, jlen));
		CHECK(fabs(img.dpi_x - DPI) < 0.01 && fabs(img.dpi_y - DPI) < 0.01);
		mc_pdf_page_image_clear(&img);

		/* a PNG goes in as its own zlib data with libpng's row predictors (Paeth,
		 * Average...): the pixels must come back exactly */
		size_t glen, plen;
		unsigned char *gray = make_raw(&glen, MC_PDFA_GRAY8, 301, 211, 7), *png = NULL;
		PIX *pix = pixCreate(301, 211, 8);
		for (int y = 0; pix && y < 211; y++)
			for (int x = 0; x < 301; x++)
				pixSetPixel(pix, x, y, gray[(size_t)y * 301 + (size_t)x]);
		char *png_path = path_in(dir, "scan.png");
		CHECK(pix && pixWriteMemPng(&png, &plen, pix, 0) == 0);
		fp = fopen(png_path, "wb");
		CHECK(fp && png && fwrite(png, 1, plen, fp) == plen);
		if (fp)
			fclose(fp);
		free(tool("/usr/bin/python3 -m img2pdf '%s' -o '%s'", png_path, other));
		CHECK_OK(mc_pdf_page_image(&img, &n, other, 1));
		CHECK_INT(img.kind, MC_PDFA_GRAY8);
		CHECK(img.len == glen && img.data && !memcmp(img.data, gray, glen));
		mc_pdf_page_image_clear(&img);
		pixDestroy(&pix);
		free(png);
		free(png_path);
		free(gray);
	} else {
		free(out);
		printf("  img2pdf not available: that part skipped\n");
	}

	if (test_run(&out, "gs --version") == 0) {
		free(out);
		free(tool("gs -q -sDEVICE=pdfimage8 -r100 -o '%s' '%s'", other, ours));
		for (int page = 1; page <= 3; page++) {
			CHECK_OK(mc_pdf_page_image(&img, &n, other, page));
			CHECK_INT(n, 3);
			CHECK_INT(img.kind, MC_PDFA_GRAY8);
			CHECK(abs(img.width - 827) <= 1 && abs(img.height - 1169) <= 1);
			CHECK(fabs(img.dpi_x - 100) < 0.5 && fabs(img.dpi_y - 100) < 0.5);
			CHECK_INT(img.len, (size_t)img.width * (size_t)img.height);
			mc_pdf_page_image_clear(&img);
		}
	} else {
		free(out);
		printf("  Ghostscript not available: that part skipped\n");
	}

	/* object streams and an xref stream: the same images come back */
	free(tool("qpdf --object-streams=generate '%s' '%s'", ours, other));
	for (int page = 1; page <= 3; page++) {
		CHECK_OK(mc_pdf_page_image(&img, &n, ours, page));
		CHECK_OK(mc_pdf_page_image(&again, &n, other, page));
		CHECK_INT(again.kind, img.kind);
		CHECK(img.len == again.len && img.data && again.data &&
			!memcmp(img.data, again.data, img.len));
		mc_pdf_page_image_clear(&img);
		mc_pdf_page_image_clear(&again);
	}
	free(jpeg);
	free(jpg);
	free(other);
	free(ours);
	test_rmdir(dir);
	free(dir);
}

/* ---- hand-made PDFs, for encodings and drawings our writer never makes ---- */

typedef struct {
	const char *dict;           /* without << >> when stream is set */
	const char *stream;
	size_t stream_len;
} hobj;

/* Objects 1..n with an xref whose offsets are counted as written. */
static void write_hpdf(const char *path, const hobj *objs, int n)
{
	FILE *fp = fopen(path, "wb");
	long off[32];

	if (!fp || n > 31)
		abort();
	fputs("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", fp);
	for (int i = 0; i < n; i++) {
		off[i] = ftell(fp);
		if (objs[i].stream) {
			fprintf(fp, "%d 0 obj\n<< %s /Length %zu >>\nstream\n", i + 1, objs[i].dict,
				objs[i].stream_len);
			fwrite(objs[i].stream, 1, objs[i].stream_len, fp);
			fputs("\nendstream\nendobj\n", fp);
		} else {
			fprintf(fp, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i].dict);
		}
	}
	long xref = ftell(fp);
	fprintf(fp, "xref\n0 %d\n0000000000 65535 f \n", n + 1);
	for (int i = 0; i < n; i++)
		fprintf(fp, "%010ld 00000 n \n", off[i]);
	fprintf(fp, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", n + 1,
		xref);
	fclose(fp);
}

/* A one-page PDF whose content (object 4) draws image object 5 (dict and data given), with
 * a form XObject (object 6) drawing it too, and the page's /Rotate. */
static void drawn_pdf(const char *path, const char *image_dict, const char *data, size_t len,
	const char *content, const char *form, int rotate)
{
	char page[512];

	snprintf(page, sizeof(page), "<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 612 792 ] "
		"/Rotate %d /Contents 4 0 R /Resources << /XObject << /Fm0 6 0 R /Im0 5 0 R >> >> >>",
		rotate);
	hobj objs[] = {
		{ "<< /Type /Catalog /Pages 2 0 R >>", NULL, 0 },
		{ "<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>", NULL, 0 },
		{ page, NULL, 0 },
		{ "", content, strlen(content) },
		{ image_dict, data, len },
		{ "/Type /XObject /Subtype /Form /BBox [ 0 0 1000 1000 ] "
		  "/Resources << /XObject << /Im0 5 0 R >> >>", form, strlen(form) },
	};
	write_hpdf(path, objs, 6);
}

/* The image drawn at w x h points inside a form scaled by 2 (the CTM is followed into
 * forms), and once more small beside it (the largest drawing counts). */
static void image_pdf(const char *path, const char *image_dict, const char *data, size_t len,
	double w_pt, double h_pt)
{
	char form[256];

	snprintf(form, sizeof(form), "q %g 0 0 %g 0 0 cm /Im0 Do Q", w_pt / 2, h_pt / 2);
	drawn_pdf(path, image_dict, data, len, "q 1 0 0 1 10 10 cm 2 0 0 2 0 0 cm /Fm0 Do Q "
		"q 5 0 0 5 0 0 cm /Im0 Do Q", form, 0);
}

static void test_reader_converts_or_names_encodings(void)
{
	char *dir = test_tmpdir(), *pdf = path_in(dir, "img.pdf");
	mc_pdf_image img;
	int n = 0;

	/* 4-bit indexed RGB: red, blue, red / blue, blue, blue; drawn 300 x 200 pt */
	image_pdf(pdf, "/Type /XObject /Subtype /Image /Width 3 /Height 2 /BitsPerComponent 4 "
		"/ColorSpace [ /Indexed /DeviceRGB 1 <FF00000000FF> ]", "\x01\x00\x11\x10", 4,
		300, 200);
	CHECK_OK(mc_pdf_page_image(&img, &n, pdf, 1));
	CHECK_INT(img.kind, MC_PDFA_RGB8);
	CHECK(img.len == 18 && img.data && !memcmp(img.data,
		"\xff\0\0\0\0\xff\xff\0\0\0\0\xff\0\0\xff\0\0\xff", 18));
	CHECK(fabs(img.dpi_x - 3 * 72.0 / 300) < 1e-6 && fabs(img.dpi_y - 2 * 72.0 / 200) < 1e-6);
	mc_pdf_page_image_clear(&img);

	/* an image drawn turned a quarter counter-clockwise: shown upright by a clockwise 270,
	 * or by nothing more when the page's /Rotate 90 already turns it back */
	static const char gray_dict[] = "/Type /XObject /Subtype /Image /Width 3 /Height 2 "
		"/BitsPerComponent 8 /ColorSpace /DeviceGray";
	drawn_pdf(pdf, gray_dict, "abcdef", 6, "q 0 200 -300 0 300 0 cm /Im0 Do Q", "", 0);
	CHECK_OK(mc_pdf_page_image(&img, &n, pdf, 1));
	CHECK_INT(img.rotate, 270);
	CHECK(fabs(img.dpi_x - 3 * 72.0 / 200) < 1e-6 && fabs(img.dpi_y - 2 * 72.0 / 300) < 1e-6);
	mc_pdf_page_image_clear(&img);
	drawn_pdf(pdf, gray_dict, "abcdef", 6, "q 0 200 -300 0 300 0 cm /Im0 Do Q", "", 90);
	CHECK_OK(mc_pdf_page_image(&img, &n, pdf, 1));
	CHECK_INT(img.rotate, 0);
	mc_pdf_page_image_clear(&img);

	/* CMYK white and black become RGB */
	image_pdf(pdf, "/Type /XObject /Subtype /Image /Width 2 /Height 1 /BitsPerComponent 8 "
		"/ColorSpace /DeviceCMYK", "\0\0\0\0\0\0\0\xff", 8, 100, 100);
	CHECK_OK(mc_pdf_page_image(&img, &n, pdf, 1));
	CHECK_INT(img.kind, MC_PDFA_RGB8);
	CHECK(img.len == 6 && img.data && !memcmp(img.data, "\xff\xff\xff\0\0\0", 6));
	mc_pdf_page_image_clear(&img);

	/* a CMYK JPEG (Ghostscript's, Adobe-inverted) comes back as RGB: cyan, then black */
	char *out = NULL, *cmyk = path_in(dir, "cmyk.jpg");
	if (test_run(&out, "gs -q -sDEVICE=jpegcmyk -r72 -g40x30 -o '%s' -c '1 0 0 0 "
	    "setcmykcolor 0 0 20 30 rectfill 0 0 0 1 setcmykcolor 20 0 20 30 rectfill "
	    "showpage'", cmyk) == 0) {
		size_t clen = 0;
		char *cdata = test_read_file(cmyk, &clen);
		drawn_pdf(pdf, "/Type /XObject /Subtype /Image /Width 40 /Height 30 "
			"/BitsPerComponent 8 /ColorSpace /DeviceCMYK /Filter /DCTDecode", cdata,
			clen, "q 40 0 0 30 0 0 cm /Im0 Do Q", "", 0);
		CHECK_OK(mc_pdf_page_image(&img, &n, pdf, 1));
		CHECK_INT(img.kind, MC_PDFA_RGB8);
		CHECK_INT(img.len, 40 * 30 * 3);
		if (img.len == 40 * 30 * 3) {
			const unsigned char *c = img.data + 3 * (15 * 40 + 5);
			const unsigned char *k = img.data + 3 * (15 * 40 + 30);
			CHECK(c[0] < 80 && c[1] > 150 && c[2] > 200);
			CHECK(k[0] < 60 && k[1] < 60 && k[2] < 60);
		}
		mc_pdf_page_image_clear(&img);
		free(cdata);
	} else {
		printf("  Ghostscript not available: CMYK JPEG skipped\n");
	}
	free(out);
	free(cmyk);

	/* a stencil mask: 0 paints, so it reads 1 = black */
	image_pdf(pdf, "/Type /XObject /Subtype /Image /Width 8 /Height 1 /ImageMask true",
		"\x0f", 1, 100, 100);
	CHECK_OK(mc_pdf_page_image(&img, &n, pdf, 1));
	CHECK_INT(img.kind, MC_PDFA_BILEVEL);
	CHECK(img.len == 1 && img.data && img.data[0] == 0xf0);
	mc_pdf_page_image_clear(&img);

	/* 1-bit gray with /Decode [1 0]: 1 is black already; a 10-pixel row keeps its pad 0 */
	image_pdf(pdf, "/Type /XObject /Subtype /Image /Width 10 /Height 1 /BitsPerComponent 1 "
		"/ColorSpace /DeviceGray /Decode [ 1 0 ]", "\x0f\xff", 2, 100, 100);
	CHECK_OK(mc_pdf_page_image(&img, &n, pdf, 1));
	CHECK_INT(img.kind, MC_PDFA_BILEVEL);
	CHECK(img.len == 2 && img.data && img.data[0] == 0x0f && img.data[1] == 0xc0);
	mc_pdf_page_image_clear(&img);

	/* ASCIIHex-encoded gray */
	image_pdf(pdf, "/Type /XObject /Subtype /Image /Width 2 /Height 2 /BitsPerComponent 8 "
		"/ColorSpace /DeviceGray /Filter /ASCIIHexDecode", "00 80 FF 40>", 12, 100, 100);
	CHECK_OK(mc_pdf_page_image(&img, &n, pdf, 1));
	CHECK_INT(img.kind, MC_PDFA_GRAY8);
	CHECK(img.len == 4 && img.data && !memcmp(img.data, "\x00\x80\xff\x40", 4));
	mc_pdf_page_image_clear(&img);

	static const struct { const char *dict, *message; } refused[] = {
		{ "/Type /XObject /Subtype /Image /Width 8 /Height 8 /BitsPerComponent 1 "
		  "/ColorSpace /DeviceGray /Filter /JBIG2Decode", "JBIG2-encoded" },
		{ "/Type /XObject /Subtype /Image /Width 8 /Height 8 /BitsPerComponent 1 "
		  "/ColorSpace /DeviceGray /Filter /CCITTFaxDecode", "CCITTFax-encoded" },
		{ "/Type /XObject /Subtype /Image /Width 8 /Height 8 /Filter /JPXDecode",
		  "JPX-encoded" },
		{ "/Type /XObject /Subtype /Image /Width 2 /Height 2 /BitsPerComponent 16 "
		  "/ColorSpace /DeviceGray", "16-bit images are not supported" },
		{ "/Type /XObject /Subtype /Image /Width 2 /Height 2 /BitsPerComponent 8 "
		  "/ColorSpace /Lab", "the Lab colour space is not supported" },
		{ "/Type /XObject /Subtype /Image /Width 20000 /Height 20000 /BitsPerComponent 8 "
		  "/ColorSpace /DeviceGray", "20000x20000 pixels" },
		{ "/Type /XObject /Subtype /Image /Width 100 /Height 100 /BitsPerComponent 8 "
		  "/ColorSpace /DeviceGray", "the image data is short (8 of 10000 bytes)" },
		{ "/Type /XObject /Subtype /Image /Width 100 /Height 100 /BitsPerComponent 8 "
		  "/ColorSpace /DeviceGray /Filter /DCTDecode", "not a JPEG" },
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		image_pdf(pdf, refused[i].dict, "12345678", 8, 100, 100);
		CHECK_ERR(mc_pdf_page_image(&img, &n, pdf, 1), MOTCUA_EINVALID);
		CHECK_CONTAINS(motcua_error_last(), pdf);
		CHECK_CONTAINS(motcua_error_last(), "page 1");
		CHECK_CONTAINS(motcua_error_last(), refused[i].message);
		CHECK(img.data == NULL);
	}
	free(pdf);
	test_rmdir(dir);
	free(dir);
}

/* Page trees, forms and resources that refer to themselves, a page count that lies and
 * predictor parameters that do not fit: named errors, no crash, no hang. */
static void test_hostile_structures_give_errors(void)
{
	char *dir = test_tmpdir(), *pdf = path_in(dir, "h.pdf");
	static const char img[] = "/Type /XObject /Subtype /Image /Width 2 /Height 2 "
		"/BitsPerComponent 8 /ColorSpace /DeviceGray /Filter /FlateDecode /DecodeParms "
		"<< /Predictor 15 /Columns 1000000 /Colors 32 /BitsPerComponent 16 >>";
	mc_pdf_image out;
	int n = 0;

	hobj kids_loop[] = {
		{ "<< /Type /Catalog /Pages 2 0 R >>", NULL, 0 },
		{ "<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>", NULL, 0 },
		{ "<< /Type /Pages /Kids [ 2 0 R ] /Count 1 /Parent 2 0 R >>", NULL, 0 },
	};
	write_hpdf(pdf, kids_loop, 3);
	CHECK_ERR(mc_pdf_page_image(&out, &n, pdf, 1), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), pdf);

	/* a form drawing itself, resources that are a loop of references */
	hobj form_loop[] = {
		{ "<< /Type /Catalog /Pages 2 0 R >>", NULL, 0 },
		{ "<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>", NULL, 0 },
		{ "<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 100 100 ] /Contents 4 0 R "
		  "/Resources << /XObject << /F 5 0 R >> >> >>", NULL, 0 },
		{ "", "/F Do", 5 },
		{ "/Type /XObject /Subtype /Form /BBox [ 0 0 1 1 ] /Resources << /XObject << "
		  "/F 5 0 R >> >>", "/F Do", 5 },
	};
	write_hpdf(pdf, form_loop, 5);
	CHECK_ERR(mc_pdf_page_image(&out, &n, pdf, 1), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "page 1: no image on the page");
	hobj res_loop[] = {
		{ "<< /Type /Catalog /Pages 2 0 R >>", NULL, 0 },
		{ "<< /Type /Pages /Kids [ 3 0 R ] /Count 3 >>", NULL, 0 },
		{ "<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 100 100 ] /Contents 4 0 R "
		  "/Resources 5 0 R >>", NULL, 0 },
		{ "", "q 100 0 0 100 0 0 cm /X Do Q", 28 },
		{ "6 0 R", NULL, 0 },
		{ "5 0 R", NULL, 0 },
	};
	write_hpdf(pdf, res_loop, 6);
	CHECK_ERR(mc_pdf_page_image(&out, &n, pdf, 1), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "page 1: no image on the page");
	/* /Count says 3, the tree holds 1 */
	CHECK_ERR(mc_pdf_page_image(&out, &n, pdf, 2), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "page 2 is missing");

	image_pdf(pdf, img, "x\x9c\x03\x00\x00\x00\x00\x01", 8, 100, 100);
	CHECK_ERR(mc_pdf_page_image(&out, &n, pdf, 1), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "do not fit the image");
	free(pdf);
	test_rmdir(dir);
	free(dir);
}

static void test_reader_errors_name_file_and_page(void)
{
	char *dir = test_tmpdir(), *text = path_in(dir, "text.pdf"), *pdf = path_in(dir, "a.pdf");
	char *cut = path_in(dir, "cut.pdf");
	static const char *const lines[] = { "Giay bien nhan ho so" };
	unsigned char *jpeg = NULL;
	size_t jlen = 0, len = 0;
	mc_pdf_image img;
	int n = -1;

	/* a PDF with text and no image */
	CHECK_OK(mc_pdf_write_text_page(text, lines, 1));
	CHECK_ERR(mc_pdf_page_image(&img, &n, text, 1), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), text);
	CHECK_CONTAINS(motcua_error_last(), "page 1: no image on the page");
	CHECK_INT(n, 1);

	write_three_pages(pdf, &jpeg, &jlen);
	CHECK_ERR(mc_pdf_page_image(&img, &n, pdf, 4), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "page 4 out of range (the PDF has 3)");
	CHECK_INT(n, 3);
	CHECK_ERR(mc_pdf_page_image(&img, &n, pdf, 0), MOTCUA_EINVALID);

	/* truncated at half, garbage, empty, missing */
	char *data = test_read_file(pdf, &len);
	FILE *fp = fopen(cut, "wb");
	CHECK(data && fp);
	if (data && fp)
		fwrite(data, 1, len / 2, fp);
	if (fp)
		fclose(fp);
	int rc = mc_pdf_page_image(&img, &n, cut, 1);
	CHECK(rc < 0);
	CHECK_CONTAINS(motcua_error_last(), cut);
	char *garbage = test_write_file(dir, "garbage.pdf", "%PDF-1.7\nthis is not a pdf\n");
	CHECK_ERR(mc_pdf_page_image(&img, &n, garbage, 1), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), garbage);
	char *empty = test_write_file(dir, "empty.pdf", "");
	CHECK_ERR(mc_pdf_page_image(&img, &n, empty, 1), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "empty file");
	char *missing = path_in(dir, "missing.pdf");
	CHECK_ERR(mc_pdf_page_image(&img, &n, missing, 1), MOTCUA_ENOTFOUND);
	CHECK_CONTAINS(motcua_error_last(), missing);
	free(missing);
	free(empty);
	free(garbage);
	free(data);
	free(jpeg);
	free(cut);
	free(pdf);
	free(text);
	test_rmdir(dir);
	free(dir);
}

/* Bytes flipped, zeroed and cut at random across a three-page output: every call returns,
 * either with an image or with an error naming the file. */
static void test_damaged_files_never_crash_the_reader(void)
{
	char *dir = test_tmpdir(), *pdf = path_in(dir, "a.pdf"), *mut = path_in(dir, "m.pdf");
	unsigned char *jpeg = NULL;
	size_t jlen = 0, len = 0;
	int ok = 0, failed = 0;
	unsigned seed = 4;

	write_three_pages(pdf, &jpeg, &jlen);
	char *data = test_read_file(pdf, &len);
	char *m = malloc(len ? len : 1);
	CHECK(data && m);
	for (int round = 0; data && m && round < 120; round++) {
		size_t mlen = len;
		memcpy(m, data, len);
		for (int k = 0; k < 1 + round % 8; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % len;
			/* aim half the damage at the small objects after the images */
			if (round % 2)
				at = len - 1 - (seed >> 8) % (len < 20000 ? len : 20000);
			m[at] = round % 3 ? (char)(seed >> 24) : 0;
		}
		if (round % 10 == 9)
			mlen = (seed >> 8) % len;
		FILE *fp = fopen(mut, "wb");
		if (!fp)
			break;
		fwrite(m, 1, mlen, fp);
		fclose(fp);
		for (int page = 1; page <= 3; page++) {
			mc_pdf_image img;
			int n = 0;
			if (mc_pdf_page_image(&img, &n, mut, page) == 0) {
				ok++;
				CHECK(img.data != NULL && img.len > 0);
				mc_pdf_page_image_clear(&img);
			} else {
				failed++;
				CHECK_CONTAINS(motcua_error_last(), mut);
			}
		}
	}
	printf("  %d page reads of damaged files gave an image, %d an error\n", ok, failed);
	free(m);
	free(data);
	free(jpeg);
	free(mut);
	free(pdf);
	test_rmdir(dir);
	free(dir);
}

TEST_MAIN(TEST_CASE(test_text_layer_reads_back_in_order),
	TEST_CASE(test_file_is_clean_pdf_17_with_fonts_embedded),
	TEST_CASE(test_jpeg_is_embedded_byte_for_byte),
	TEST_CASE(test_xmp_and_output_intent_identify_pdfa_2b),
	TEST_CASE(test_rotated_pages_read_upright),
	TEST_CASE(test_two_hundred_pages_write_and_read_back),
	TEST_CASE(test_memory_stays_bounded),
	TEST_CASE(test_failures_leave_nothing_at_the_path),
	TEST_CASE(test_full_disk_leaves_nothing),
	TEST_CASE(test_refused_page_keeps_the_writer_usable),
	TEST_CASE(test_reads_scans_from_other_tools),
	TEST_CASE(test_reader_converts_or_names_encodings),
	TEST_CASE(test_hostile_structures_give_errors),
	TEST_CASE(test_reader_errors_name_file_and_page),
	TEST_CASE(test_damaged_files_never_crash_the_reader))
