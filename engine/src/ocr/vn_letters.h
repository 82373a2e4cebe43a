/* ocr/vn_letters.h — what the vn_*.c files share inside the engine: a strict UTF-8 decoder,
 * Vietnamese letters as base + tone (our own NFC/NFD tables, no ICU), a token split into
 * letters, the syllable check on that form, diacritic variants of a token and the syllable
 * frequency table. Nothing here allocates or keeps state. */
#ifndef MC_OCR_VN_LETTERS_H
#define MC_OCR_VN_LETTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VN_NONE UINT32_MAX      /* an invalid UTF-8 sequence */

enum { VN_TONE_NONE, VN_TONE_HUYEN, VN_TONE_SAC, VN_TONE_HOI, VN_TONE_NGA, VN_TONE_NANG };

/* A syllable has at most 7 letters ("nghiêng"); a little room for what OCR adds. */
#define VN_MAX_LETTERS 10
/* Longest token (bytes) the letter functions look at; longer ones are not syllables. */
#define VN_MAX_TOKEN 256

typedef struct {
	uint32_t base;   /* the lowercase letter without tone: 'a', U+0103 ă, U+00E2 â, 'e',
	                  * U+00EA ê, 'i', 'o', U+00F4 ô, U+01A1 ơ, 'u', U+01B0 ư, 'y',
	                  * U+0111 đ, or another ASCII letter */
	uint8_t tones;   /* bit (1 << VN_TONE_x) per tone mark on it; two bits is an error
	                  * kept so that correction can drop one */
	bool upper;
} vn_letter;

typedef struct {
	vn_letter l[VN_MAX_LETTERS];
	size_t n;
	size_t lead, trail;   /* bytes of punctuation before and after the letters */
	bool repaired;        /* lenient parse: it dropped a stray mark or read ð as đ */
} vn_word;

/* Decodes one code point at s[*i] (i < len) and advances *i by at least one byte; VN_NONE
 * for an invalid, overlong or truncated sequence or a surrogate. */
uint32_t vn_utf8_next(const char *s, size_t len, size_t *i);

/* Writes cp as UTF-8 into out (4 bytes room); returns the byte count. */
size_t vn_utf8_put(char *out, uint32_t cp);

/* Punctuation or white space that may surround a word ("(", "Phúc.", “…”). */
bool vn_is_punct(uint32_t cp);

/* The bytes of punctuation and space before and after what is inside (all of it when the
 * token is punctuation only: *lead == len). Invalid UTF-8 counts as inside. */
void vn_trim(const char *s, size_t len, size_t *lead, size_t *trail);

/* A Vietnamese or ASCII letter, precomposed: base and tone; false for anything else. */
bool vn_letter_of(uint32_t cp, vn_letter *out);

/* The precomposed code point of a letter with at most one tone. */
uint32_t vn_letter_cp(uint32_t base, int tone, bool upper);

bool vn_base_is_vowel(uint32_t base);

/* The ASCII letter a base letter is written with when its marks are lost (ư→u, đ→d). */
char vn_base_plain(uint32_t base);

/* Splits a token into letters, skipping punctuation around it. Strict: any combining mark
 * that does not fit, ð, a digit, another character or invalid UTF-8 inside fails (-1).
 * Lenient (for correction): ð/Ð is read as đ/Đ and stray marks are dropped, setting
 * w->repaired. */
int vn_word_parse(vn_word *w, const char *s, size_t len, bool lenient);

/* Whether the letters form a well-formed syllable (see mc_vn_syllable_valid). */
bool vn_word_valid(const vn_word *w);

/* The letters as NFC UTF-8, NUL-terminated; out needs 4 * VN_MAX_LETTERS + 1 bytes. Letters
 * with two tones keep the lowest-numbered one. `lower` ignores the letters' case. */
size_t vn_word_compose(const vn_word *w, char *out, bool lower);

/* Calls fn for each valid syllable made from w by changing only marks: a/ă/â, e/ê, o/ô/ơ,
 * u/ư, d/đ and the tone; fn returns false to stop. Words with more than three vowels or
 * letters that no syllable holds yield nothing. */
typedef bool (*vn_variant_fn)(const vn_word *cand, void *payload);
void vn_word_variants(const vn_word *w, vn_variant_fn fn, void *payload);

/* How often a syllable (lowercase NFC) occurs in motcua's own sample of administrative
 * Vietnamese (ocr/vn_freq.c); 0 when it does not. */
unsigned vn_freq(const char *syllable);

/* Entry i of that table (for its test): the syllable and its count, or NULL past the end. */
const char *vn_freq_entry(size_t i, unsigned *count);

/* Folds s for matching labels despite lost marks: letters to lowercase ASCII (đ, ð → d),
 * combining marks dropped, other ASCII kept, anything else as '?'. Writes at most outsz - 1
 * bytes and a NUL; returns the length written. */
size_t vn_fold(char *out, size_t outsz, const char *s, size_t len);

#endif
