/* tests/bench/pdfa.c — writing searchable PDF/A pages from scans and reading scans back out of
 * PDFs, beside anchors measured in the same run: gzip -6 over the same raw pixels (the zlib
 * floor every Flate writer shares), img2pdf for JPEG pages (when Debian's python3-img2pdf is
 * there) and poppler's pdfimages -j for reading. Pages are the real 200 dpi scan in
 * ../shared/samples-vn when present, else a synthetic A4 page. Usage: bench-pdfa [--pages N];
 * other arguments (meant for other benchmarks) are ignored. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <leptonica/allheaders.h>

#include "motcua/common.h"
#include "pdf/pdfa.h"

#define SAMPLE "../shared/samples-vn/baclieu-209-scan-signed-copy.pdf"
#define WORDS 300

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Seconds a shell command takes, or -1 when it fails. */
static double timed(const char *cmd)
{
	int64_t t0 = now_us();

	if (system(cmd) != 0)
		return -1;
	return (double)(now_us() - t0) / 1e6;
}

/* The page: the sample's first scan (a JPEG) or a synthetic one, with its pixels decoded. */
static int load_page(unsigned char **jpeg, size_t *jlen, PIX **rgb, int *w, int *h, double *dpi)
{
	mc_pdf_image img;
	int n;

	if (access(SAMPLE, R_OK) == 0 && mc_pdf_page_image(&img, &n, SAMPLE, 1) == 0 &&
	    img.kind == MC_PDFA_JPEG) {
		*jpeg = img.data;
		*jlen = img.len;
		*w = img.width;
		*h = img.height;
		*dpi = img.dpi_x;
		printf("page: %s page 1, %dx%d JPEG at %.0f dpi, %zu bytes\n", SAMPLE, *w, *h,
			*dpi, *jlen);
	} else {
		PIX *p = pixCreate(1654, 2339, 32);
		l_uint8 *data;
		size_t len;
		pixSetAllArbitrary(p, 0xf2eee600);
		for (int y = 150; y < 2200; y += 45)
			for (int x = 150; x < 1500; x += 90) {
				BOX *b = boxCreate(x, y, 70 + (x * y) % 17, 22);
				pixSetInRectArbitrary(p, b, 0x30303000);
				boxDestroy(&b);
			}
		pixAddGaussianNoise(p, 6.0);
		pixWriteMemJpeg(&data, &len, p, 85, 0);
		pixDestroy(&p);
		*jpeg = data;
		*jlen = len;
		*w = 1654;
		*h = 2339;
		*dpi = 200;
		printf("page: synthetic %dx%d JPEG at 200 dpi, %zu bytes (no %s)\n", *w, *h, len,
			SAMPLE);
	}
	*rgb = pixReadMem(*jpeg, *jlen);
	return *rgb ? 0 : -1;
}

/* Leptonica's pixels as the writer's raw kinds: rows top to bottom, no padding. */
static unsigned char *raw_of(PIX *rgb, mc_pdfa_pixels kind, size_t *len)
{
	int w = pixGetWidth(rgb), h = pixGetHeight(rgb);
	PIX *gray = pixConvertRGBToLuminance(rgb), *bin = NULL;
	size_t stride = kind == MC_PDFA_RGB8 ? (size_t)w * 3 : kind == MC_PDFA_GRAY8 ?
		(size_t)w : ((size_t)w + 7) / 8;
	unsigned char *out = malloc(stride * (size_t)h);

	if (kind == MC_PDFA_BILEVEL)
		bin = pixThresholdToBinary(gray, 140);
	for (int y = 0; out && y < h; y++) {
		unsigned char *o = out + (size_t)y * stride;
		if (kind == MC_PDFA_RGB8) {
			l_uint32 *line = pixGetData(rgb) + (size_t)y * pixGetWpl(rgb);
			for (int x = 0; x < w; x++) {
				o[3 * x] = (unsigned char)(line[x] >> 24);
				o[3 * x + 1] = (unsigned char)(line[x] >> 16);
				o[3 * x + 2] = (unsigned char)(line[x] >> 8);
			}
		} else if (kind == MC_PDFA_GRAY8) {
			l_uint32 *line = pixGetData(gray) + (size_t)y * pixGetWpl(gray);
			for (int x = 0; x < w; x++)
				o[x] = (unsigned char)GET_DATA_BYTE(line, x);
		} else {
			l_uint32 *line = pixGetData(bin) + (size_t)y * pixGetWpl(bin);
			for (size_t x = 0; x < stride; x++)
				o[x] = (unsigned char)GET_DATA_BYTE(line, x);
		}
	}
	pixDestroy(&gray);
	pixDestroy(&bin);
	*len = stride * (size_t)h;
	return out;
}

/* A text layer as recognition gives it: WORDS words in lines across the page. */
static void make_words(mc_ocr_word *words, int w, int h)
{
	static const char *const vn[] = { "Ủy", "ban", "nhân", "dân", "tỉnh", "Quảng", "Ngãi",
		"Cộng", "hòa", "xã", "hội", "chủ", "nghĩa", "Việt", "Nam", "đường", "Nguyễn" };
	int x = w / 12, y = h / 14, line = 0;

	for (int i = 0; i < WORDS; i++) {
		const char *t = vn[i % 17];
		int len = (int)strlen(t) * 9;
		if (x + len > w - w / 12) {
			x = w / 12;
			y += 45;
			line++;
		}
		words[i] = (mc_ocr_word){ (char *)t, x, y, x + len, y + 30, 90, line, NULL, 0 };
		x += len + 14;
	}
	(void)h;
}

/* Writes `pages` copies of the page as kind; pages per second, file size in *size. */
static double write_doc(const char *path, mc_pdfa_pixels kind, const unsigned char *data,
	size_t len, int w, int h, double dpi, const mc_ocr_word *words, int pages, long *size)
{
	mc_pdfa_writer *wr;
	mc_pdfa_meta meta = { "Bản sao điện tử", "motcua", NULL, NULL, "vi-VN", 0 };
	int64_t t0 = now_us();

	if (mc_pdfa_open(&wr, path, &meta) < 0) {
		fprintf(stderr, "%s\n", motcua_error_last());
		return -1;
	}
	for (int i = 0; i < pages; i++) {
		mc_pdfa_page pg = { kind, data, len, w, h, dpi, dpi, 0, words, WORDS };
		if (mc_pdfa_add_page(wr, &pg) < 0) {
			fprintf(stderr, "%s\n", motcua_error_last());
			mc_pdfa_abort(wr);
			return -1;
		}
	}
	if (mc_pdfa_close(wr) < 0) {
		fprintf(stderr, "%s\n", motcua_error_last());
		return -1;
	}
	*size = file_size(path);
	return pages / ((double)(now_us() - t0) / 1e6);
}

int main(int argc, char **argv)
{
	int pages = 40, w, h;
	unsigned char *jpeg;
	size_t jlen;
	double dpi;
	PIX *rgb;
	char dir[] = "/tmp/bench-pdfa-XXXXXX", path[256], cmd[4096];
	static mc_ocr_word words[WORDS];
	static const struct { mc_pdfa_pixels kind; const char *name; } kinds[] = {
		{ MC_PDFA_JPEG, "JPEG as delivered" }, { MC_PDFA_GRAY8, "8-bit gray" },
		{ MC_PDFA_RGB8, "8-bit colour" }, { MC_PDFA_BILEVEL, "bilevel" },
	};

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--pages") && i + 1 < argc)
			pages = atoi(argv[++i]);
	if (pages < 1 || !mkdtemp(dir) || load_page(&jpeg, &jlen, &rgb, &w, &h, &dpi) < 0) {
		fprintf(stderr, "bench-pdfa: cannot set up\n");
		return 1;
	}
	make_words(words, w, h);
	printf("%d pages a document, %d words a page\n", pages, WORDS);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t len = jlen;
		unsigned char *data = kinds[k].kind == MC_PDFA_JPEG ? jpeg :
			raw_of(rgb, kinds[k].kind, &len);
		long size = 0;
		snprintf(path, sizeof(path), "%s/%d.pdf", dir, (int)k);
		double pps = write_doc(path, kinds[k].kind, data, len, w, h, dpi, words, pages,
			&size);
		printf("write %-18s %7.1f pages/s  %6.1f MB/s of pixels  %8ld bytes/page\n",
			kinds[k].name, pps, pps * (double)len / 1e6, size / pages);
		if (kinds[k].kind == MC_PDFA_GRAY8 || kinds[k].kind == MC_PDFA_RGB8) {
			/* anchor: zlib at the same level over the same bytes */
			char raw[300];
			snprintf(raw, sizeof(raw), "%s/raw.bin", dir);
			FILE *fp = fopen(raw, "wb");
			for (int i = 0; fp && i < 4; i++)
				fwrite(data, 1, len, fp);
			if (fp)
				fclose(fp);
			snprintf(cmd, sizeof(cmd), "gzip -6 -c '%s' > /dev/null", raw);
			double s = timed(cmd);
			if (s > 0)
				printf("  anchor gzip -6 on the same pixels: %6.1f pages/s  %6.1f MB/s\n",
					4 / s, 4 * (double)len / 1e6 / s);
		}
		if (data != jpeg)
			free(data);
	}

	/* anchor for JPEG pages: img2pdf, given the same number of files in one run */
	snprintf(path, sizeof(path), "%s/scan.jpg", dir);
	FILE *fp = fopen(path, "wb");
	if (fp) {
		fwrite(jpeg, 1, jlen, fp);
		fclose(fp);
	}
	if (system("/usr/bin/python3 -c 'import img2pdf' 2>/dev/null") == 0) {
		int n = snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -m img2pdf");
		for (int i = 0; i < pages && n < (int)sizeof(cmd) - 300; i++)
			n += snprintf(cmd + n, sizeof(cmd) - (size_t)n, " '%s'", path);
		snprintf(cmd + n, sizeof(cmd) - (size_t)n, " -o '%s/img2pdf.pdf'", dir);
		double s = timed(cmd);
		if (s > 0)
			printf("  anchor img2pdf (no text layer): %7.1f pages/s\n", pages / s);
	}

	/* reading each page's scan back out, page by page as the pipeline does */
	snprintf(path, sizeof(path), "%s/0.pdf", dir);
	int64_t t0 = now_us();
	for (int p = 1; p <= pages; p++) {
		mc_pdf_image img;
		int n;
		if (mc_pdf_page_image(&img, &n, path, p) < 0) {
			fprintf(stderr, "%s\n", motcua_error_last());
			break;
		}
		mc_pdf_page_image_clear(&img);
	}
	double rs = (double)(now_us() - t0) / 1e6;
	printf("read  JPEG pages one call each  %7.1f pages/s\n", pages / rs);
	snprintf(cmd, sizeof(cmd), "pdfimages -j '%s' '%s/img'", path, dir);
	double s = timed(cmd);
	if (s > 0)
		printf("  anchor pdfimages -j (all pages, one run): %7.1f pages/s\n", pages / s);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench-pdfa: %s left behind\n", dir);
	pixDestroy(&rgb);
	free(jpeg);
	return 0;
}
