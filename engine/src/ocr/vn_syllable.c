/* ocr/vn_syllable.c — what a well-formed Vietnamese syllable is: an initial consonant, a rhyme
 * from the closed list below and at most one tone on the vowel the orthography puts it on.
 * Correction, the quality gate and field extraction all ask this file, so the rules of the
 * writing system live here once. Also: which tokens are codes and numbers, not words. */
#include "ocr/vn_text.h"
#include "ocr/vn_letters.h"

#include <string.h>

#define A_BREVE 0x103
#define A_HAT 0xE2
#define E_HAT 0xEA
#define O_HAT 0xF4
#define O_HORN 0x1A1
#define U_HORN 0x1B0
#define D_BAR 0x111

enum {
	R_MEDIAL = 1,        /* opens with the glide /w/ (oa, uy, uyê ...): not after c, k */
	R_AFTER_INITIAL = 2, /* iê- rhymes: written yê- when there is no initial */
	R_NO_INITIAL = 4     /* yê- rhymes */
};

/* Every rhyme the orthography writes, without tone. Rare but real rhymes are in (oong as in
 * "xoong", uơ as in "thuở", uyu as in "khuỷu"); what never occurs is out (ăi, êng, ơng), so
 * a recognizer's slip to such a form is caught. */
static const struct {
	const char *s;
	unsigned flags;
} rhymes[] = {
	{ "a", 0 }, { "ai", 0 }, { "ao", 0 }, { "au", 0 }, { "ay", 0 }, { "am", 0 },
	{ "an", 0 }, { "ang", 0 }, { "anh", 0 }, { "ap", 0 }, { "at", 0 }, { "ac", 0 },
	{ "ach", 0 },
	{ "ăm", 0 }, { "ăn", 0 }, { "ăng", 0 }, { "ăp", 0 }, { "ăt", 0 }, { "ăc", 0 },
	{ "âm", 0 }, { "ân", 0 }, { "âng", 0 }, { "âp", 0 }, { "ât", 0 }, { "âc", 0 },
	{ "âu", 0 }, { "ây", 0 },
	{ "e", 0 }, { "eo", 0 }, { "em", 0 }, { "en", 0 }, { "eng", 0 }, { "ep", 0 },
	{ "et", 0 }, { "ec", 0 },
	{ "ê", 0 }, { "êu", 0 }, { "êm", 0 }, { "ên", 0 }, { "ênh", 0 }, { "êp", 0 },
	{ "êt", 0 }, { "êch", 0 },
	{ "i", 0 }, { "ia", 0 }, { "iu", 0 }, { "im", 0 }, { "in", 0 }, { "inh", 0 },
	{ "ip", 0 }, { "it", 0 }, { "ich", 0 },
	{ "iêm", R_AFTER_INITIAL }, { "iên", R_AFTER_INITIAL }, { "iêng", R_AFTER_INITIAL },
	{ "iêp", R_AFTER_INITIAL }, { "iêt", R_AFTER_INITIAL }, { "iêc", R_AFTER_INITIAL },
	{ "iêu", R_AFTER_INITIAL },
	{ "yêm", R_NO_INITIAL }, { "yên", R_NO_INITIAL }, { "yêng", R_NO_INITIAL },
	{ "yêt", R_NO_INITIAL }, { "yêu", R_NO_INITIAL },
	{ "o", 0 }, { "oi", 0 }, { "om", 0 }, { "on", 0 }, { "ong", 0 }, { "op", 0 },
	{ "ot", 0 }, { "oc", 0 }, { "oong", 0 }, { "ooc", 0 },
	{ "ô", 0 }, { "ôi", 0 }, { "ôm", 0 }, { "ôn", 0 }, { "ông", 0 }, { "ôp", 0 },
	{ "ôt", 0 }, { "ôc", 0 },
	{ "ơ", 0 }, { "ơi", 0 }, { "ơm", 0 }, { "ơn", 0 }, { "ơp", 0 }, { "ơt", 0 },
	{ "u", 0 }, { "ua", 0 }, { "ui", 0 }, { "um", 0 }, { "un", 0 }, { "ung", 0 },
	{ "up", 0 }, { "ut", 0 }, { "uc", 0 },
	{ "uôi", 0 }, { "uôm", 0 }, { "uôn", 0 }, { "uông", 0 }, { "uôt", 0 }, { "uôc", 0 },
	{ "ư", 0 }, { "ưa", 0 }, { "ưi", 0 }, { "ưu", 0 }, { "ưng", 0 }, { "ưt", 0 },
	{ "ưc", 0 },
	{ "ươi", 0 }, { "ươu", 0 }, { "ươm", 0 }, { "ươn", 0 }, { "ương", 0 }, { "ươp", 0 },
	{ "ươt", 0 }, { "ươc", 0 },
	{ "y", 0 },
	{ "oa", R_MEDIAL }, { "oai", R_MEDIAL }, { "oay", R_MEDIAL }, { "oao", R_MEDIAL },
	{ "oam", R_MEDIAL }, { "oan", R_MEDIAL }, { "oang", R_MEDIAL }, { "oanh", R_MEDIAL },
	{ "oap", R_MEDIAL }, { "oat", R_MEDIAL }, { "oac", R_MEDIAL }, { "oach", R_MEDIAL },
	{ "oăm", R_MEDIAL }, { "oăn", R_MEDIAL }, { "oăng", R_MEDIAL }, { "oăp", R_MEDIAL },
	{ "oăt", R_MEDIAL }, { "oăc", R_MEDIAL },
	{ "oe", R_MEDIAL }, { "oeo", R_MEDIAL }, { "oen", R_MEDIAL }, { "oet", R_MEDIAL },
	{ "uân", R_MEDIAL }, { "uâng", R_MEDIAL }, { "uât", R_MEDIAL }, { "uây", R_MEDIAL },
	{ "uê", R_MEDIAL }, { "uên", R_MEDIAL }, { "uênh", R_MEDIAL }, { "uêt", R_MEDIAL },
	{ "uêch", R_MEDIAL },
	{ "uy", R_MEDIAL }, { "uyu", R_MEDIAL }, { "uya", R_MEDIAL }, { "uyt", R_MEDIAL },
	{ "uynh", R_MEDIAL }, { "uych", R_MEDIAL },
	{ "uyên", R_MEDIAL }, { "uyêt", R_MEDIAL },
	{ "uơ", R_MEDIAL },
};

/* Initial consonants, longest first so that "ngh" wins over "ng" and "n". "gi" and "qu" are
 * handled apart: their second letter doubles as part of the rhyme. */
static const char *const initials[] = {
	"ngh", "ch", "gh", "kh", "ng", "nh", "ph", "th", "tr",
	"b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x"
};

static bool is_front(uint32_t b)
{
	return b == 'i' || b == 'e' || b == E_HAT || b == 'y';
}

static bool is_marked_vowel(uint32_t b)
{
	return b == A_BREVE || b == A_HAT || b == E_HAT || b == O_HAT || b == O_HORN ||
		b == U_HORN;
}

/* Lowercase toneless UTF-8 of letters [from, to) into out (room for 4 bytes a letter). */
static size_t bases_utf8(char *out, const vn_word *w, size_t from, size_t to)
{
	size_t o = 0;

	for (size_t i = from; i < to; i++)
		o += vn_utf8_put(out + o, w->l[i].base);
	out[o] = '\0';
	return o;
}

static int rhyme_find(const char *s)
{
	for (size_t i = 0; i < sizeof(rhymes) / sizeof(rhymes[0]); i++)
		if (strcmp(rhymes[i].s, s) == 0)
			return (int)i;
	return -1;
}

/* Which rhyme letters may carry the tone, as a bit mask over r[0..m): the last of ă â ê ô ơ ư
 * when there is one (ươ takes it on ơ, uô on ô); else the last vowel before a final
 * consonant; else the middle of three vowels (oai, uyu, oeo); of two vowels the first,
 * except after the glide (oa, oe, uy) where both the old ("hoà") and the new ("hòa")
 * placement are in use. */
static unsigned tone_positions(const uint32_t *r, size_t m, bool medial)
{
	int marked = -1, last_vowel = -1;
	size_t vowels = 0;

	for (size_t i = 0; i < m; i++) {
		if (!vn_base_is_vowel(r[i]))
			continue;
		vowels++;
		last_vowel = (int)i;
		if (is_marked_vowel(r[i]))
			marked = (int)i;
	}
	if (marked >= 0)
		return 1u << marked;
	if (last_vowel < 0)
		return 0;
	if (!vn_base_is_vowel(r[m - 1]))
		return 1u << last_vowel;
	if (vowels == 1)
		return 1u;
	if (vowels == 3)
		return 2u;
	return medial ? 3u : 1u;
}

bool vn_word_valid(const vn_word *w)
{
	uint32_t b[VN_MAX_LETTERS + 1], r[VN_MAX_LETTERS + 1];
	char init[16], rs[4 * VN_MAX_LETTERS + 8];
	size_t n = w->n, L = 0, start, m = 0, tone_at = n;
	int tone = 0, ri;
	bool synthetic = false, qu = false, gi = false;
	unsigned allowed, flags;

	if (n == 0 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++) {
		b[i] = w->l[i].base;
		if (w->l[i].tones) {
			if (tone_at != n || (w->l[i].tones & (w->l[i].tones - 1)))
				return false;           /* two tone marks */
			tone_at = i;
			for (tone = 1; !(w->l[i].tones & (1u << tone)); tone++)
				;
		}
	}

	/* the initial */
	if (n >= 3 && b[0] == 'q' && b[1] == 'u') {
		qu = true;
		L = 2;
	} else if (n >= 2 && b[0] == 'g' && b[1] == 'i') {
		gi = true;
		L = 2;
	} else if (!vn_base_is_vowel(b[0])) {
		for (size_t k = 0; k < sizeof(initials) / sizeof(initials[0]) && !L; k++) {
			size_t len = strlen(initials[k]), letters = 0, o = 0;

			/* compare letter by letter: "đ" is one letter of two bytes */
			for (size_t i = 0; i < n && o < len; i++, letters++) {
				char u[4];
				size_t ul = vn_utf8_put(u, b[i]);

				if (o + ul > len || memcmp(initials[k] + o, u, ul) != 0)
					break;
				o += ul;
			}
			if (o == len && letters < n)
				L = letters;
		}
		if (!L)
			return false;
	}
	if (L >= n && !gi)
		return false;

	/* the rhyme, in r[0..m) with token letter (i + offset) for r[i] */
	start = L;
	if (qu) {
		uint32_t first = b[2];

		if (!vn_base_is_vowel(first))
			return false;
		r[m++] = (first == 'a' || first == A_BREVE || first == 'e') ? 'o' : 'u';
		synthetic = true;
		for (size_t i = 2; i < n; i++)
			r[m++] = (i == 2 && first == 'i') ? 'y' : b[i];   /* "qui" is old "quy" */
	} else if (gi) {
		/* "gì", "gìn", "giếng": the i is also the rhyme's vowel */
		if (n == 2 || !vn_base_is_vowel(b[2]) || b[2] == E_HAT)
			start = 1;
		else if (b[2] == 'i' || b[2] == 'y')
			return false;
		for (size_t i = start; i < n; i++)
			r[m++] = b[i];
	} else {
		for (size_t i = start; i < n; i++)
			r[m++] = b[i];
	}
	if (m == 0 || !vn_base_is_vowel(r[synthetic ? 1 : 0]))
		return false;
	{
		size_t o = 0;

		for (size_t i = 0; i < m; i++) {
			if (o + 4 >= sizeof(rs))
				return false;
			o += vn_utf8_put(rs + o, r[i]);
		}
		rs[o] = '\0';
	}
	if ((ri = rhyme_find(rs)) < 0)
		return false;
	flags = rhymes[ri].flags;
	if (qu && !(flags & R_MEDIAL) && strcmp(rs, "uôc") != 0)
		return false;                   /* qu is /kw/: "quốc" is the one exception */

	/* the initial's constraints on the rhyme */
	bases_utf8(init, w, 0, L < 4 ? L : 0);
	if (!qu && !gi && L > 0) {
		uint32_t first = r[0];

		if (!strcmp(init, "k") && (!is_front(first) || (flags & R_MEDIAL)))
			return false;
		if ((!strcmp(init, "gh") || !strcmp(init, "ngh")) &&
		    (!is_front(first) || first == 'y'))
			return false;
		if ((!strcmp(init, "c") || !strcmp(init, "g") || !strcmp(init, "ng")) &&
		    is_front(first))
			return false;
		if (!strcmp(init, "c") && (flags & R_MEDIAL))
			return false;
	}
	if ((flags & R_AFTER_INITIAL) && L == 0)
		return false;
	if ((flags & R_NO_INITIAL) && L > 0)
		return false;

	/* the tone */
	{
		uint32_t last = r[m - 1];
		bool stop = last == 'p' || last == 't' || last == 'c' ||
			(last == 'h' && m >= 2 && r[m - 2] == 'c');

		if (stop && tone != VN_TONE_SAC && tone != VN_TONE_NANG)
			return false;
	}
	if (tone_at == n)
		return true;
	{
		size_t offset = synthetic ? 1 : start;

		if (tone_at < start || tone_at < offset)
			return false;           /* on the initial's letters */
		allowed = tone_positions(r, m, (flags & R_MEDIAL) != 0);
		if (synthetic)
			allowed &= ~1u;
		return (allowed >> (tone_at - offset)) & 1u;
	}
}

bool mc_vn_syllable_valid(const char *utf8, size_t len)
{
	vn_word w;

	if (vn_word_parse(&w, utf8, len, false) < 0)
		return false;
	return vn_word_valid(&w);
}

/* Variants: every combination of the marks each letter may take, then each tone on each
 * vowel, checked against the rules above. */
typedef struct {
	vn_word cur;
	size_t at[VN_MAX_LETTERS];      /* letters whose base may change */
	size_t n_at;
	size_t vowels[VN_MAX_LETTERS];
	size_t n_vowels;
	vn_variant_fn fn;
	void *payload;
	bool stop;
} variant_walk;

static size_t base_options(uint32_t plain, uint32_t *opt)
{
	switch (plain) {
	case 'a': opt[0] = 'a'; opt[1] = A_BREVE; opt[2] = A_HAT; return 3;
	case 'e': opt[0] = 'e'; opt[1] = E_HAT; return 2;
	case 'o': opt[0] = 'o'; opt[1] = O_HAT; opt[2] = O_HORN; return 3;
	case 'u': opt[0] = 'u'; opt[1] = U_HORN; return 2;
	case 'd': opt[0] = 'd'; opt[1] = D_BAR; return 2;
	default: opt[0] = plain; return 1;
	}
}

static void variants_tones(variant_walk *vw)
{
	vn_word *c = &vw->cur;

	for (size_t i = 0; i < c->n; i++)
		c->l[i].tones = 0;
	if (vn_word_valid(c) && !vw->fn(c, vw->payload)) {
		vw->stop = true;
		return;
	}
	for (size_t v = 0; v < vw->n_vowels && !vw->stop; v++) {
		for (int t = 1; t < 6 && !vw->stop; t++) {
			c->l[vw->vowels[v]].tones = (uint8_t)(1u << t);
			if (vn_word_valid(c) && !vw->fn(c, vw->payload))
				vw->stop = true;
		}
		c->l[vw->vowels[v]].tones = 0;
	}
}

static void variants_bases(variant_walk *vw, size_t k)
{
	uint32_t opt[3];
	size_t n_opt, i;

	if (vw->stop)
		return;
	if (k == vw->n_at) {
		variants_tones(vw);
		return;
	}
	i = vw->at[k];
	n_opt = base_options((uint32_t)vn_base_plain(vw->cur.l[i].base), opt);
	for (size_t o = 0; o < n_opt && !vw->stop; o++) {
		vw->cur.l[i].base = opt[o];
		variants_bases(vw, k + 1);
	}
}

void vn_word_variants(const vn_word *w, vn_variant_fn fn, void *payload)
{
	variant_walk vw;

	memset(&vw, 0, sizeof(vw));
	if (w->n == 0 || w->n > 8)
		return;
	vw.cur = *w;
	vw.fn = fn;
	vw.payload = payload;
	for (size_t i = 0; i < w->n; i++) {
		uint32_t opt[3];
		char plain = vn_base_plain(w->l[i].base);

		if (plain == '?')
			return;
		if (vn_base_is_vowel((uint32_t)plain))
			vw.vowels[vw.n_vowels++] = i;
		if (base_options((uint32_t)plain, opt) > 1)
			vw.at[vw.n_at++] = i;
	}
	/* no syllable has more than three vowel letters; this also bounds the walk */
	if (vw.n_vowels == 0 || vw.n_vowels > 3)
		return;
	variants_bases(&vw, 0);
}

static bool found_one(const vn_word *cand, void *payload)
{
	(void)cand;
	*(bool *)payload = true;
	return false;
}

/* Whether some choice of marks makes a syllable of these letters. */
static bool could_be_syllable(const vn_word *w)
{
	bool any = false;

	vn_word_variants(w, found_one, &any);
	return any;
}

static bool all_upper(const vn_word *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (!w->l[i].upper)
			return false;
	return true;
}

/* Plain ASCII letters, at least one a vowel, and no marks on them. */
static bool plain_word(const vn_word *w)
{
	bool vowel = false;

	for (size_t i = 0; i < w->n; i++) {
		if (w->l[i].base >= 0x80 || w->l[i].tones)
			return false;
		vowel = vowel || vn_base_is_vowel(w->l[i].base);
	}
	return vowel;
}

static bool ascii_letters(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

bool mc_vn_token_is_code(const char *utf8, size_t len)
{
	size_t i, first, trail, last, letters = 0;
	bool prev_lower = false, foreign = false, camel = false;
	vn_word w;

	if (!utf8 || len == 0)
		return true;
	if (len > VN_MAX_TOKEN)
		return true;        /* not a word a recognizer gives; nothing to correct */
	vn_trim(utf8, len, &first, &trail);
	if (first == len)
		return true;        /* punctuation only */
	last = len - trail;
	for (i = first; i < last;) {
		size_t at = i;
		uint32_t cp = vn_utf8_next(utf8, len, &i);
		vn_letter l;

		if (cp >= '0' && cp <= '9')
			return true;                    /* numbers, dates, 123/QĐ-UBND */
		if (cp == '@' || cp == '/' || cp == '\\' || cp == '_' || cp == '=' ||
		    cp == '+' || cp == '#' || cp == '%' || cp == '&' || cp == ':')
			return true;                    /* e-mail, v/v, URLs */
		if ((cp == '-' || cp == '.') && at > first)
			return true;                    /* QĐ-UBND, TP.HCM */
		if (cp != VN_NONE && vn_letter_of(cp, &l)) {
			letters++;
			if (l.base == 'f' || l.base == 'j' || l.base == 'w' || l.base == 'z')
				foreign = true;
			if (l.upper && prev_lower)
				camel = true;
			prev_lower = !l.upper;
		}
	}
	if (camel)
		return true;                            /* iPhone, eKYC: mixed case */
	if (letters > 8 && ascii_letters(utf8 + first, last - first))
		return true;                            /* "identification": no syllable is so long */
	if (vn_word_parse(&w, utf8, len, false) < 0)
		return false;       /* letters with something odd: a damaged word, not a code */
	if (foreign)
		return true;                            /* Zalo, file: not Vietnamese letters */
	if (letters == 1)
		return !vn_word_valid(&w);              /* list markers "a)", "b)" */
	if (vn_word_valid(&w))
		return false;
	/* upper case that no marks make a syllable: UBND, HĐND, CCCD, TNHH, II, IV ("QUYÊT",
	 * a heading missing its tone, stays a word); plain letters that no marks make one: the
	 * English of bilingual cards ("Personal", "number", "of", "expiry") */
	return (all_upper(&w) || plain_word(&w)) && !could_be_syllable(&w);
}

double mc_vn_valid_share(const mc_ocr_word *words, size_t n)
{
	size_t total = 0, valid = 0;

	if (!words)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const char *t = words[i].text;
		size_t len;

		if (!t)
			continue;
		len = strlen(t);
		if (mc_vn_token_is_code(t, len))
			continue;
		total++;
		if (mc_vn_syllable_valid(t, len))
			valid++;
	}
	return total ? (double)valid / (double)total : 0;
}
