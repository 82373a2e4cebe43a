/* ocr/vn_text.h — the Vietnamese side of digitization: is a token a well-formed syllable,
 * repairing what the recognizer got wrong with the closed syllable structure, the share of
 * valid syllables on a page (the quality gate) and the fields a clerk would otherwise type.
 * Every function takes untrusted bytes (invalid UTF-8 included) and keeps no mutable state,
 * so recognition threads call them at once. */
#ifndef MC_OCR_VN_TEXT_H
#define MC_OCR_VN_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "ocr/words.h"

/* One token (UTF-8, NFC or NFD, any case) is a well-formed Vietnamese syllable: initial
 * consonant (b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x, or none) +
 * rhyme from the closed list of legal rhymes + at most one tone mark on the right vowel, with
 * the orthographic constraints (k/gh/ngh before i e ê y; c/g/ng elsewhere; stop-final rhymes
 * -p -t -c -ch only with sắc or nặng; ...). Punctuation around the token is ignored.
 * Both the old ("hoà", "thuỷ") and the new ("hòa", "thủy") tone placement are accepted.
 * Latin words that happen to fit the structure are valid ("the" is also the Vietnamese for
 * gauze, "to" for big); those that do not ("form", "sign", "Kon", "Đắk") are not: the
 * structure cannot tell languages apart. ð/Ð (eth) is not đ here; correction repairs it. */
bool mc_vn_syllable_valid(const char *utf8, size_t len);

/* Is the token something correction must leave alone: numbers, codes like 123/QĐ-UBND,
 * dates, Latin abbreviations, e-mail, punctuation-only — and foreign words that no choice of
 * marks could make Vietnamese: capitals such as UBND, CCCD, TNHH; plain Latin such as the
 * English of bilingual cards ("Personal", "number", "of"); words with f, j, w or z; mixed
 * case (iPhone). Words that marks could make Vietnamese ("NGUYEN", "quyet") are words. */
bool mc_vn_token_is_code(const char *utf8, size_t len);

/* Repairs words in place using the closed syllable structure and the recognizer's
 * alternatives (words[i].alts) — Tesseract's known weakness is stacked marks on â ê ô ơ ư
 * (e.g. "ổ" read as "ố", "ư" read as "u", "đ" read as "d" or "ð", tone on the wrong vowel,
 * NFD leftovers). Only tokens that are not valid syllables, or valid ones that are doubtful
 * (confidence under 92, carrying marks, unknown to our syllable sample: "tỉn" for "tin") are
 * touched; a replacement must itself be valid; the recognizer's alternative comes first,
 * then the smallest diacritic-only edit, ties broken by a frequency table of syllables from
 * our own sentences (ocr/vn_freq.c), and a tie nothing breaks leaves the word as read. Words
 * read without any mark (most often foreign: "SOC", "clip") never get one added, nor do
 * doubtful words in capitals (names of places and people). Valid text becomes NFC. Returns
 * how many words changed. Never changes codes/numbers. */
size_t mc_vn_correct_words(mc_ocr_word *words, size_t n);

/* The share (0..1) of word tokens, codes excluded, that are valid syllables; 0 words gives 0. */
double mc_vn_valid_share(const mc_ocr_word *words, size_t n);

typedef enum {
	MC_FIELD_PERSONAL_ID, MC_FIELD_OLD_ID, MC_FIELD_TAX_CODE, MC_FIELD_FULL_NAME,
	MC_FIELD_BIRTH_DATE, MC_FIELD_DATE, MC_FIELD_DOC_NUMBER, MC_FIELD_ISSUER
} mc_field_kind;

typedef struct {
	mc_field_kind kind;
	char *value;        /* normalized: IDs digits only; names as written (NFC, title case);
	                     * dates ISO yyyy-mm-dd; number and symbol as "123/QĐ-UBND" */
	char *label;        /* the label text it followed, e.g. "Họ và tên", or "" */
	int page;           /* as given */
	int x0, y0, x1, y1; /* union of the value's word boxes */
	float conf;         /* the lowest word confidence among them */
} mc_field;

/* Fields found among one page's words (in reading order, with line numbers): 12-digit
 * personal ID (Số định danh / Số CCCD / CMND ...), 9-digit old ID, tax codes (10 digits, or
 * 10-3 with a dash: "0101234567-001"), full names after their usual labels ("Họ và tên",
 * "Họ, chữ đệm và tên", "Họ tên", "Ông/Bà" ...), the date of birth after "Ngày sinh" /
 * "Ngày, tháng, năm sinh", dates in Vietnamese forms ("ngày 05 tháng 3 năm 2024",
 * "05/3/2024", "05-03-2024", "05.03.2024"; calendar-checked), the document number and symbol
 * after "Số:" ("Số: 123/QĐ-UBND", "Số: 45/2024/NQ-HĐND"), and the issuing agency (the agency
 * lines at the top left of a decision, possibly over two lines). Tolerates OCR noise: O/0,
 * l/1, spaces inside digit groups, missing diacritics in labels ("Ho va ten").
 * *out holds n fields (NULL when none), freed with mc_vn_fields_free(). Returns 0 or
 * MOTCUA_ERROR when out of memory. */
int mc_vn_fields(mc_field **out, size_t *n, const mc_ocr_word *words, size_t n_words, int page);
void mc_vn_fields_free(mc_field *fields, size_t n);

/* "personal_id", "old_id", "tax_code", "full_name", "birth_date", "date", "doc_number",
 * "issuer"; "unknown" for anything else. */
const char *mc_field_kind_name(mc_field_kind kind);

/* The fields as a JSON array (UTF-8, escaped), for `motcua digitize --fields`: objects with
 * kind, value, label, page, box [x0,y0,x1,y1] and conf. Caller frees; NULL when out of
 * memory. */
char *mc_vn_fields_json(const mc_field *fields, size_t n);

#endif
