/* pdf/pdfa.h — scanned pages in and out of PDF: writing a PDF/A-2b (ISO 19005-2) document whose
 * pages are the scanner's images with an invisible, searchable text layer from recognition, and
 * reading the page images back out of an image-only PDF from a scanner. Implemented over
 * PoDoFo 0.9.8 in pdf/pdfa.cpp; no exception crosses this header. */
#ifndef MC_PDF_PDFA_H
#define MC_PDF_PDFA_H

#include <stddef.h>
#include <stdint.h>

#include "ocr/words.h"   /* mc_ocr_word: text (UTF-8 NFC), pixel box x0,y0,x1,y1 (top-left
                          * origin, exclusive), conf, line */

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { MC_PDFA_JPEG, MC_PDFA_GRAY8, MC_PDFA_RGB8, MC_PDFA_BILEVEL } mc_pdfa_pixels;

typedef struct {
	mc_pdfa_pixels kind;
	const unsigned char *data;  /* JPEG: the scanner's file bytes, embedded as delivered
	                             * (DCTDecode, no re-encoding); raw kinds: rows top to bottom;
	                             * BILEVEL rows are byte-aligned, 1 = black */
	size_t len;
	int width, height;          /* pixels */
	double dpi_x, dpi_y;        /* the page's size in points is width*72/dpi_x by
	                             * height*72/dpi_y */
	int rotate;                 /* 0, 90, 180, 270: /Rotate so the page shows upright (the
	                             * image stays as delivered) */
	const mc_ocr_word *words;   /* the invisible text layer, boxes in the image's pixels */
	size_t n_words;
} mc_pdfa_page;

typedef struct {
	const char *title, *author, *subject, *keywords;  /* UTF-8, may be NULL */
	const char *lang;           /* e.g. "vi-VN" */
	int64_t created;            /* UTC seconds; 0: now */
} mc_pdfa_meta;

typedef struct mc_pdfa_writer mc_pdfa_writer;

/* Starts a PDF/A-2b file at a temp name beside path; pages are written as they are added
 * (memory stays bounded: a 200-page document never sits in memory). */
int mc_pdfa_open(mc_pdfa_writer **out, const char *path, const mc_pdfa_meta *meta);

/* Appends one page: the image fills the page; each word is invisible text (render mode 3)
 * stretched over its box, consecutive words with the same `line` sharing one baseline, a space
 * between words and a line break between lines for every reader. A page refused before
 * anything is written (MOTCUA_EINVALID naming the file, page and what is wrong: not a JPEG,
 * sizes that disagree, a page outside PDF/A's 3-14400 points, a word not UTF-8) adds nothing
 * and the writer stays usable. A failure while writing (MOTCUA_ERROR: the disk is full, ...)
 * leaves it unfinishable: abort it (close refuses it too). Characters outside the BMP become
 * U+FFFD in the text layer. */
int mc_pdfa_add_page(mc_pdfa_writer *w, const mc_pdfa_page *page);

/* Writes the trailer, fsyncs, renames into place, syncs the directory, frees w. On error
 * nothing is left at path. */
int mc_pdfa_close(mc_pdfa_writer *w);

/* Drops the temp file and frees w. NULL is allowed. */
void mc_pdfa_abort(mc_pdfa_writer *w);

/* What a JPEG's frame header says: size and components. Accepts what the writer embeds and
 * every PDF reader decodes: one baseline, extended or progressive 8-bit frame of 1 (gray) or 3
 * (colour) components, with an end-of-image marker. MOTCUA_EINVALID otherwise, the message
 * starting with `what` (e.g. "scan.pdf: page 3"). */
int mc_pdfa_jpeg_info(int *width, int *height, int *components, const unsigned char *data,
	size_t len, const char *what);

/* Reading scanner PDFs (image-only): one image per page. The type is mc_pdf_image, not
 * mc_pdf_page_image: C does not allow a typedef and a function of the same name. */
typedef struct {
	mc_pdfa_pixels kind;        /* JPEG: data is the DCT stream as stored; raw kinds: decoded
	                             * (Flate/none) pixels */
	unsigned char *data;
	size_t len;
	int width, height;
	double dpi_x, dpi_y;        /* from the image's size on the page */
	int rotate;                 /* 0, 90, 180, 270: the clockwise turn that shows the image
	                             * as the page does (its /Rotate and any turn the drawing
	                             * gives it); as mc_pdfa_page.rotate it keeps the page's look */
} mc_pdf_image;

/* The largest image drawn on page (1-based) of an image-only PDF (followed through forms),
 * and the page count (set as soon as the file parses). JPEG comes back byte for byte, except
 * CMYK, which is decoded to RGB8 like other colour; 1-bit images come back BILEVEL, indexed
 * and 2/4-bit images as GRAY8 or RGB8. MOTCUA_EINVALID naming the file and page when the page
 * has no image, the file is not a readable or is an encrypted PDF, or the image is JBIG2,
 * CCITT or JPX, 16-bit, in Lab, Separation or DeviceN, or larger than 100 million pixels;
 * MOTCUA_ENOTFOUND for a missing file. Only the page's own objects are read. Clear with
 * mc_pdf_page_image_clear (also safe after an error). */
int mc_pdf_page_image(mc_pdf_image *out, int *n_pages, const char *path, int page);
void mc_pdf_page_image_clear(mc_pdf_image *img);

#ifdef __cplusplus
}
#endif

#endif
