/* tests/harness/pdfgen.h — a minimal valid one-page A4 PDF, written byte by byte from C: a
 * catalog, a page tree, one page with a Helvetica text line and an xref table whose offsets
 * are counted as the file is written. Header-only so any test can include it. */
#ifndef MC_TEST_PDFGEN_H
#define MC_TEST_PDFGEN_H

#include <stdarg.h>
#include <stdio.h>
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

#endif
