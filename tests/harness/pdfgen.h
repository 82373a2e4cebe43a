/* tests/harness/pdfgen.h — a minimal valid one-page A4 PDF, written byte by byte from C: a
 * catalog, a page tree, one page with a Helvetica text line and an xref table whose offsets
 * are counted as the file is written. Header-only so any test can include it. */
#ifndef MC_TEST_PDFGEN_H
#define MC_TEST_PDFGEN_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends a printf-formatted piece to buf at *len (bounded); returns -1 when it does not fit. */
static int pdfgen_put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5), unused));

static int pdfgen_put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *len)
		return -1;
	*len += (size_t)n;
	return 0;
}

/* Writes a one-page A4 PDF showing `text` (ASCII; '(', ')' and '\' are escaped) at path.
 * Returns 0 or -1. */
static int test_make_pdf(const char *path, const char *text) __attribute__((unused));

static int test_make_pdf(const char *path, const char *text)
{
	static char buf[16384];
	char content[4096], esc[2048];
	size_t len = 0, off[6], e = 0, clen = 0;
	size_t xref;
	const char *t;
	FILE *fp;
	int i, rc = 0;

	for (t = text; *t && e + 2 < sizeof(esc); t++) {
		if (*t == '(' || *t == ')' || *t == '\\')
			esc[e++] = '\\';
		esc[e++] = *t;
	}
	esc[e] = '\0';
	if (pdfgen_put(content, sizeof(content), &clen,
		"BT\n/F1 14 Tf\n72 770 Td\n(%s) Tj\nET\n", esc) < 0)
		return -1;
	/* the binary comment line tells tools the file holds 8-bit data */
	if (pdfgen_put(buf, sizeof(buf), &len, "%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n") < 0)
		return -1;
	off[1] = len;
	rc |= pdfgen_put(buf, sizeof(buf), &len,
		"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = len;
	rc |= pdfgen_put(buf, sizeof(buf), &len,
		"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
	off[3] = len;
	rc |= pdfgen_put(buf, sizeof(buf), &len,
		"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
		" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>\nendobj\n");
	off[4] = len;
	rc |= pdfgen_put(buf, sizeof(buf), &len,
		"4 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
		" /Encoding /WinAnsiEncoding >>\nendobj\n");
	off[5] = len;
	rc |= pdfgen_put(buf, sizeof(buf), &len,
		"5 0 obj\n<< /Length %zu >>\nstream\n%sendstream\nendobj\n", clen, content);
	xref = len;
	/* each xref entry is exactly 20 bytes: 10 digits, 5 digits, type, CR LF */
	rc |= pdfgen_put(buf, sizeof(buf), &len, "xref\n0 6\n0000000000 65535 f\r\n");
	for (i = 1; i <= 5; i++)
		rc |= pdfgen_put(buf, sizeof(buf), &len, "%010zu 00000 n\r\n", off[i]);
	rc |= pdfgen_put(buf, sizeof(buf), &len,
		"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	if (rc < 0)
		return -1;
	if (!(fp = fopen(path, "wb")))
		return -1;
	if (fwrite(buf, 1, len, fp) != len)
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	return rc;
}

/* Appends an incremental update to path that (re)defines object `objnum` (generation 0) as
 * object_body: the object, an xref section for it alone, and a trailer whose /Prev is the
 * previous startxref, with /Size grown as needed and /Root (and /Info) copied from the last
 * classic trailer. Returns 0 or -1 (no classic trailer, I/O error). */
static int test_append_update(const char *path, int objnum, const char *object_body)
	__attribute__((unused));

/* The integer after the last `key` in text[0, len), or -1. */
static long pdfgen_last_number(const char *text, size_t len, const char *key)
	__attribute__((unused));
static long pdfgen_last_number(const char *text, size_t len, const char *key)
{
	size_t k = strlen(key);
	long v = -1;

	for (size_t i = 0; i + k <= len; i++)
		if (memcmp(text + i, key, k) == 0) {
			char num[32];
			size_t j = i + k, n = 0;

			while (j < len && (text[j] == ' ' || text[j] == '\r' || text[j] == '\n'))
				j++;
			while (j < len && n + 1 < sizeof(num) && text[j] >= '0' && text[j] <= '9')
				num[n++] = text[j++];
			num[n] = '\0';
			if (n > 0)
				v = strtol(num, NULL, 10);
		}
	return v;
}

/* "/Key N G R" after the last `key` in text, written into out; 0 or -1. */
static int pdfgen_last_ref(char *out, size_t cap, const char *text, size_t len, const char *key)
	__attribute__((unused));
static int pdfgen_last_ref(char *out, size_t cap, const char *text, size_t len, const char *key)
{
	size_t k = strlen(key);
	long num = -1, gen = -1;

	for (size_t i = 0; i + k <= len; i++)
		if (memcmp(text + i, key, k) == 0 && i + k < len &&
		    (text[i + k] == ' ' || text[i + k] == '\r' || text[i + k] == '\n')) {
			char *end;
			num = strtol(text + i + k, &end, 10);
			gen = strtol(end, NULL, 10);
		}
	if (num < 0 || gen < 0)
		return -1;
	return snprintf(out, cap, "%s %ld %ld R", key, num, gen) < (int)cap ? 0 : -1;
}

static int test_append_update(const char *path, int objnum, const char *object_body)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL, root[64], info[64] = "";
	long size, prev, end, obj_at, xref_at;
	const char *trailer = NULL;
	int rc = 0;

	if (!fp)
		return -1;
	if (fseek(fp, 0, SEEK_END) != 0 || (end = ftell(fp)) <= 0 || fseek(fp, 0, SEEK_SET) != 0 ||
	    !(data = (char *)malloc((size_t)end + 1)) ||
	    fread(data, 1, (size_t)end, fp) != (size_t)end) {
		fclose(fp);
		free(data);
		return -1;
	}
	fclose(fp);
	data[end] = '\0';
	/* the last classic trailer: after the last "trailer" keyword */
	for (long i = end - 7; i >= 0 && !trailer; i--)
		if (memcmp(data + i, "trailer", 7) == 0)
			trailer = data + i;
	size_t tlen = trailer ? (size_t)(data + end - trailer) : 0;
	size = trailer ? pdfgen_last_number(trailer, tlen, "/Size") : -1;
	prev = pdfgen_last_number(data, (size_t)end, "startxref");
	if (!trailer || size < 0 || prev < 0 ||
	    pdfgen_last_ref(root, sizeof(root), trailer, tlen, "/Root") < 0) {
		free(data);
		return -1;
	}
	(void)pdfgen_last_ref(info, sizeof(info), trailer, tlen, "/Info");
	free(data);
	if (objnum + 1 > size)
		size = objnum + 1;
	if (!(fp = fopen(path, "ab")))
		return -1;
	obj_at = end + 1;
	xref_at = obj_at + (long)snprintf(NULL, 0, "%d 0 obj\n%s\nendobj\n", objnum, object_body);
	if (fprintf(fp, "\n%d 0 obj\n%s\nendobj\n", objnum, object_body) < 0 ||
	    fprintf(fp, "xref\n%d 1\n%010ld 00000 n\r\n", objnum, obj_at) < 0 ||
	    fprintf(fp, "trailer\n<< /Size %ld %s %s /Prev %ld >>\nstartxref\n%ld\n%%%%EOF\n",
		size, root, info, prev, xref_at) < 0)
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	return rc;
}

#endif
