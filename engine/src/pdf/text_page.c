/* pdf/text_page.c — a one-page A4 PDF of plain text lines, written byte by byte: the demo's
 * decisions and test fixtures need a real page to sign, and this needs no PDF library. The
 * page uses the standard Times-Roman font, so the text is ASCII (other bytes become '?');
 * Vietnamese goes in signature appearances, which embed their own font. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error.h"
#include "pdf/pdf.h"

#define MAX_LINES 60

int mc_pdf_write_text_page(const char *path, const char *const *lines, size_t n)
{
	mc_buf content = MC_BUF_INIT, pdf = MC_BUF_INIT;
	size_t off[6], xref;
	char tmp[4096];
	FILE *f;
	int error = 0;

	if (n > MAX_LINES)
		return mc_error(MOTCUA_EINVALID, "%s: at most %d lines on a page", path, MAX_LINES);
	mc_buf_puts(&content, "BT\n/F1 12 Tf\n15 TL\n72 770 Td\n");
	for (size_t i = 0; i < n; i++) {
		mc_buf_puts(&content, "(");
		for (const unsigned char *p = (const unsigned char *)lines[i]; *p; p++) {
			if (*p == '(' || *p == ')' || *p == '\\')
				mc_buf_put(&content, "\\", 1);
			mc_buf_put(&content, *p >= 0x20 && *p < 0x7f ? (const char *)p : "?", 1);
		}
		mc_buf_puts(&content, ") Tj T*\n");
	}
	mc_buf_puts(&content, "ET\n");
	/* the binary comment line tells tools the file holds 8-bit data */
	mc_buf_puts(&pdf, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
	off[1] = pdf.size;
	mc_buf_puts(&pdf, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = pdf.size;
	mc_buf_puts(&pdf, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
	off[3] = pdf.size;
	mc_buf_puts(&pdf, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
		" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>\nendobj\n");
	off[4] = pdf.size;
	mc_buf_puts(&pdf, "4 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman"
		" /Encoding /WinAnsiEncoding >>\nendobj\n");
	off[5] = pdf.size;
	mc_buf_printf(&pdf, "5 0 obj\n<< /Length %zu >>\nstream\n%sendstream\nendobj\n",
		content.size, mc_buf_cstr(&content));
	xref = pdf.size;
	/* each xref entry is exactly 20 bytes: 10 digits, 5 digits, type, CR LF */
	mc_buf_puts(&pdf, "xref\n0 6\n0000000000 65535 f\r\n");
	for (int i = 1; i <= 5; i++)
		mc_buf_printf(&pdf, "%010zu 00000 n\r\n", off[i]);
	mc_buf_printf(&pdf, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	if (content.failed || pdf.failed) {
		error = mc_error_oom();
		goto done;
	}
	snprintf(tmp, sizeof(tmp), "%s.partial", path);
	if (!(f = fopen(tmp, "wb")) || fwrite(pdf.ptr, 1, pdf.size, f) != pdf.size ||
	    fflush(f) != 0 || fsync(fileno(f)) != 0) {
		error = mc_error(MOTCUA_ERROR, "%s: cannot write: %s", path, strerror(errno));
		if (f)
			fclose(f);
		unlink(tmp);
		goto done;
	}
	fclose(f);
	if (rename(tmp, path) < 0) {
		error = mc_error(MOTCUA_ERROR, "%s: cannot write: %s", path, strerror(errno));
		unlink(tmp);
	}
done:
	mc_buf_free(&content);
	mc_buf_free(&pdf);
	return error;
}
