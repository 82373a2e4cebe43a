/* ocr/vn_letters.c — Vietnamese letters without ICU: a strict UTF-8 decoder, the 134
 * precomposed Vietnamese letters as base + tone (upper and lower case), and the split of a
 * token written in NFC, NFD or a mix into letters. Both normalization forms end up here as
 * the same vn_word, so nothing after this cares how the recognizer encoded a mark. */
#include "ocr/vn_letters.h"

#include <string.h>

/* The twelve vowel bases in table order. */
static const uint32_t vowel_base[12] = {
	'a', 0x103, 0xE2, 'e', 0xEA, 'i', 'o', 0xF4, 0x1A1, 'u', 0x1B0, 'y'
};

/* [vowel][tone] = { lower, upper }; tones: none, huyền, sắc, hỏi, ngã, nặng. With đ/Đ these
 * are the 134 precomposed letters (plus the 12 plain ASCII vowels). */
static const uint16_t vowel_cp[12][6][2] = {
	{ { 0x61, 0x41 }, { 0xE0, 0xC0 }, { 0xE1, 0xC1 }, { 0x1EA3, 0x1EA2 },
	  { 0xE3, 0xC3 }, { 0x1EA1, 0x1EA0 } },                                   /* a */
	{ { 0x103, 0x102 }, { 0x1EB1, 0x1EB0 }, { 0x1EAF, 0x1EAE }, { 0x1EB3, 0x1EB2 },
	  { 0x1EB5, 0x1EB4 }, { 0x1EB7, 0x1EB6 } },                               /* ă */
	{ { 0xE2, 0xC2 }, { 0x1EA7, 0x1EA6 }, { 0x1EA5, 0x1EA4 }, { 0x1EA9, 0x1EA8 },
	  { 0x1EAB, 0x1EAA }, { 0x1EAD, 0x1EAC } },                               /* â */
	{ { 0x65, 0x45 }, { 0xE8, 0xC8 }, { 0xE9, 0xC9 }, { 0x1EBB, 0x1EBA },
	  { 0x1EBD, 0x1EBC }, { 0x1EB9, 0x1EB8 } },                               /* e */
	{ { 0xEA, 0xCA }, { 0x1EC1, 0x1EC0 }, { 0x1EBF, 0x1EBE }, { 0x1EC3, 0x1EC2 },
	  { 0x1EC5, 0x1EC4 }, { 0x1EC7, 0x1EC6 } },                               /* ê */
	{ { 0x69, 0x49 }, { 0xEC, 0xCC }, { 0xED, 0xCD }, { 0x1EC9, 0x1EC8 },
	  { 0x129, 0x128 }, { 0x1ECB, 0x1ECA } },                                 /* i */
	{ { 0x6F, 0x4F }, { 0xF2, 0xD2 }, { 0xF3, 0xD3 }, { 0x1ECF, 0x1ECE },
	  { 0xF5, 0xD5 }, { 0x1ECD, 0x1ECC } },                                   /* o */
	{ { 0xF4, 0xD4 }, { 0x1ED3, 0x1ED2 }, { 0x1ED1, 0x1ED0 }, { 0x1ED5, 0x1ED4 },
	  { 0x1ED7, 0x1ED6 }, { 0x1ED9, 0x1ED8 } },                               /* ô */
	{ { 0x1A1, 0x1A0 }, { 0x1EDD, 0x1EDC }, { 0x1EDB, 0x1EDA }, { 0x1EDF, 0x1EDE },
	  { 0x1EE1, 0x1EE0 }, { 0x1EE3, 0x1EE2 } },                               /* ơ */
	{ { 0x75, 0x55 }, { 0xF9, 0xD9 }, { 0xFA, 0xDA }, { 0x1EE7, 0x1EE6 },
	  { 0x169, 0x168 }, { 0x1EE5, 0x1EE4 } },                                 /* u */
	{ { 0x1B0, 0x1AF }, { 0x1EEB, 0x1EEA }, { 0x1EE9, 0x1EE8 }, { 0x1EED, 0x1EEC },
	  { 0x1EEF, 0x1EEE }, { 0x1EF1, 0x1EF0 } },                               /* ư */
	{ { 0x79, 0x59 }, { 0x1EF3, 0x1EF2 }, { 0xFD, 0xDD }, { 0x1EF7, 0x1EF6 },
	  { 0x1EF9, 0x1EF8 }, { 0x1EF5, 0x1EF4 } },                               /* y */
};

uint32_t vn_utf8_next(const char *s, size_t len, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	size_t left = len - *i, need, k;
	uint32_t cp, min;

	if (p[0] < 0x80) {
		*i += 1;
		return p[0];
	}
	if ((p[0] & 0xE0) == 0xC0) {
		need = 1, cp = p[0] & 0x1F, min = 0x80;
	} else if ((p[0] & 0xF0) == 0xE0) {
		need = 2, cp = p[0] & 0x0F, min = 0x800;
	} else if ((p[0] & 0xF8) == 0xF0) {
		need = 3, cp = p[0] & 0x07, min = 0x10000;
	} else {
		*i += 1;
		return VN_NONE;
	}
	for (k = 1; k <= need; k++) {
		if (k >= left || (p[k] & 0xC0) != 0x80) {
			*i += k;             /* resynchronize on the byte that broke the sequence */
			return VN_NONE;
		}
		cp = (cp << 6) | (p[k] & 0x3F);
	}
	*i += need + 1;
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return VN_NONE;
	return cp;
}

size_t vn_utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

bool vn_is_punct(uint32_t cp)
{
	if (cp < 0x80)
		return (cp <= 0x20 || cp == 0x7F) ||
			!((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
			  (cp >= 'A' && cp <= 'Z'));
	switch (cp) {
	case 0xA0: case 0xAB: case 0xBB: case 0xB7: case 0xB0: case 0xA7:
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
	case 0x2018: case 0x2019: case 0x201A: case 0x201C: case 0x201D: case 0x201E:
	case 0x2022: case 0x2026: case 0x2039: case 0x203A: case 0x2212: case 0x3000:
		return true;
	default:
		return false;
	}
}

bool vn_base_is_vowel(uint32_t base)
{
	for (size_t v = 0; v < 12; v++)
		if (vowel_base[v] == base)
			return true;
	return false;
}

char vn_base_plain(uint32_t base)
{
	switch (base) {
	case 0x103: case 0xE2: return 'a';
	case 0xEA: return 'e';
	case 0xF4: case 0x1A1: return 'o';
	case 0x1B0: return 'u';
	case 0x111: return 'd';
	default: return base < 0x80 ? (char)base : '?';
	}
}

bool vn_letter_of(uint32_t cp, vn_letter *out)
{
	out->tones = 0;
	if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
		out->upper = cp <= 'Z';
		out->base = out->upper ? cp + 32 : cp;
		return true;
	}
	if (cp == 0x111 || cp == 0x110) {
		out->base = 0x111;
		out->upper = cp == 0x110;
		return true;
	}
	if (cp < 0xC0 || (cp > 0x1B0 && cp < 0x1EA0) || cp > 0x1EF9)
		return false;
	for (size_t v = 0; v < 12; v++)
		for (int t = 0; t < 6; t++)
			for (int u = 0; u < 2; u++)
				if (vowel_cp[v][t][u] == cp) {
					out->base = vowel_base[v];
					out->tones = t ? (uint8_t)(1u << t) : 0;
					out->upper = u == 1;
					return true;
				}
	return false;
}

uint32_t vn_letter_cp(uint32_t base, int tone, bool upper)
{
	for (size_t v = 0; v < 12; v++)
		if (vowel_base[v] == base)
			return vowel_cp[v][tone >= 0 && tone < 6 ? tone : 0][upper];
	if (base == 0x111)
		return upper ? 0x110 : 0x111;
	return upper && base >= 'a' && base <= 'z' ? base - 32 : base;
}

/* The tone a combining mark stands for, or 0. U+0340/U+0341 are the deprecated twins of
 * grave and acute that some converters still emit. */
static int combining_tone(uint32_t cp)
{
	switch (cp) {
	case 0x300: case 0x340: return VN_TONE_HUYEN;
	case 0x301: case 0x341: return VN_TONE_SAC;
	case 0x309: return VN_TONE_HOI;
	case 0x303: return VN_TONE_NGA;
	case 0x323: return VN_TONE_NANG;
	default: return 0;
	}
}

/* Circumflex, breve or horn on a base; 0 when the pair is not a Vietnamese letter. */
static uint32_t with_modifier(uint32_t base, uint32_t mark)
{
	if (mark == 0x302)
		return base == 'a' ? 0xE2 : base == 'e' ? 0xEA : base == 'o' ? 0xF4 : 0;
	if (mark == 0x306)
		return base == 'a' ? 0x103 : 0;
	if (mark == 0x31B)
		return base == 'o' ? 0x1A1 : base == 'u' ? 0x1B0 : 0;
	return 0;
}

static bool is_combining(uint32_t cp)
{
	return cp >= 0x300 && cp <= 0x36F;
}

void vn_trim(const char *s, size_t len, size_t *lead, size_t *trail)
{
	size_t i = 0, first = len, last = len;

	while (i < len) {
		size_t at = i;
		uint32_t cp = vn_utf8_next(s, len, &i);

		if (cp != VN_NONE && vn_is_punct(cp))
			continue;
		if (first == len)
			first = at;
		last = i;
	}
	*lead = first;
	*trail = len - last;
}

int vn_word_parse(vn_word *w, const char *s, size_t len, bool lenient)
{
	size_t i, first, last, next;
	uint32_t cp;

	memset(w, 0, sizeof(*w));
	if (!s || len == 0 || len > VN_MAX_TOKEN)
		return -1;
	vn_trim(s, len, &w->lead, &w->trail);
	if (w->lead == len)
		return -1;
	first = w->lead;
	last = len - w->trail;
	for (i = first; i < last; i = next) {
		vn_letter l;
		int tone;

		next = i;
		cp = vn_utf8_next(s, len, &next);
		if (cp == VN_NONE)
			return -1;
		if (is_combining(cp)) {
			vn_letter *prev = w->n ? &w->l[w->n - 1] : NULL;
			uint32_t b;

			if (prev && (tone = combining_tone(cp)) != 0 &&
			    vn_base_is_vowel(prev->base)) {
				prev->tones |= (uint8_t)(1u << tone);
				continue;
			}
			if (prev && (b = with_modifier(prev->base, cp)) != 0) {
				prev->base = b;
				continue;
			}
			if (!lenient)
				return -1;
			w->repaired = true;        /* a mark the letter cannot carry: drop it */
			continue;
		}
		if (lenient && (cp == 0xF0 || cp == 0xD0)) {
			/* eth looks like đ and recognizers trained on Latin scripts emit it */
			l.base = 0x111;
			l.tones = 0;
			l.upper = cp == 0xD0;
			w->repaired = true;
		} else if (!vn_letter_of(cp, &l)) {
			return -1;
		}
		if (w->n == VN_MAX_LETTERS)
			return -1;
		w->l[w->n++] = l;
	}
	return w->n ? 0 : -1;
}

size_t vn_word_compose(const vn_word *w, char *out, bool lower)
{
	size_t o = 0;

	for (size_t i = 0; i < w->n; i++) {
		int tone = 0;

		for (int t = 1; t < 6; t++)
			if (w->l[i].tones & (1u << t)) {
				tone = t;
				break;
			}
		o += vn_utf8_put(out + o,
			vn_letter_cp(w->l[i].base, tone, !lower && w->l[i].upper));
	}
	out[o] = '\0';
	return o;
}

size_t vn_fold(char *out, size_t outsz, const char *s, size_t len)
{
	size_t i = 0, o = 0;

	if (outsz == 0)
		return 0;
	while (i < len && o + 1 < outsz) {
		uint32_t cp = vn_utf8_next(s, len, &i);
		vn_letter l;

		if (cp == VN_NONE) {
			out[o++] = '?';
		} else if (cp < 0x80) {
			out[o++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		} else if (is_combining(cp)) {
			continue;
		} else if (cp == 0xF0 || cp == 0xD0) {
			out[o++] = 'd';
		} else if (vn_letter_of(cp, &l)) {
			out[o++] = vn_base_plain(l.base);
		} else {
			out[o++] = '?';
		}
	}
	out[o] = '\0';
	return o;
}
