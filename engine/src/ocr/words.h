/* ocr/words.h — what recognition yields for a page: words with their boxes, confidences and
 * the recognizer's alternatives. Shared by recognition (ocr/recognize.c), Vietnamese
 * post-correction and field extraction (ocr/vn_*.c) and the PDF/A text layer (pdf/pdfa.h),
 * so that each of them reads the same structure. */
#ifndef MC_OCR_WORDS_H
#define MC_OCR_WORDS_H

#include <stddef.h>

typedef struct {
	char *text;                 /* UTF-8, NFC */
	float conf;                 /* 0–100 */
} mc_ocr_choice;

typedef struct {
	char *text;                 /* UTF-8, NFC; the best reading after correction */
	int x0, y0, x1, y1;         /* pixels in the page image as delivered (origin top left,
	                             * x1/y1 exclusive), whatever rotation recognition needed */
	float conf;                 /* 0–100, the recognizer's word confidence */
	int line;                   /* 0-based line number on the page, in reading order */
	mc_ocr_choice *alts;        /* the recognizer's other readings, best first; may be 0 */
	size_t n_alts;
} mc_ocr_word;

/* Frees the strings and alternatives of n words, then the array. */
void mc_ocr_words_free(mc_ocr_word *words, size_t n);

#endif
