/* ocr/vn_correct.c — repairing the recognizer's Vietnamese with the closed syllable
 * structure. A word is touched only when it is not a valid syllable, or when it is a doubtful
 * one (low confidence, marked, unknown to our syllable sample) with a clearly better known
 * reading; the replacement is always valid and close to what was read, and where nothing
 * breaks a tie the word stays as it is. Conservative by design: good text never gets worse. */
#include "ocr/vn_text.h"
#include "ocr/vn_letters.h"

#include <stdlib.h>
#include <string.h>

/* Below this word confidence a valid reading the sample does not know is doubtful: the
 * recognizer's LSTM gives the words it reads right 93-97, while its mark slips on valid
 * syllables ("tỉn" for "tin", "đõi" for "dõi") come out between 55 and 91. */
#define DOUBT_CONF 92.0f

/* A doubtful reading gives way to a one-mark variant only if the sample has met that
 * variant at least this often. */
#define DOUBT_MIN_COUNT 2

/* Room for a composed syllable. */
#define SYL_BUF (4 * VN_MAX_LETTERS + 1)

/* Levenshtein distance of two short byte strings, capped: anything above cap is cap + 1. */
static size_t edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), row[VN_MAX_TOKEN + 1];

	if (la > VN_MAX_TOKEN || lb > VN_MAX_TOKEN)
		return cap + 1;
	if (la > lb ? la - lb > cap : lb - la > cap)
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb] > cap ? cap + 1 : row[lb];
}

/* How many marks differ between the word as read and a candidate with the same letters:
 * one per letter whose hat, breve, horn or bar changed, and for the tone one per mark
 * removed, added, moved or changed (moving or changing counts once). */
static int mark_cost(const vn_word *orig, const vn_word *cand)
{
	int cost = 0, orig_tones = 0, exact = 0, near = 0;
	size_t cand_at = cand->n;
	uint8_t cand_tone = 0;

	for (size_t i = 0; i < cand->n; i++) {
		if (orig->l[i].base != cand->l[i].base)
			cost++;
		if (cand->l[i].tones) {
			cand_at = i;
			cand_tone = cand->l[i].tones;
		}
	}
	for (size_t i = 0; i < orig->n; i++)
		for (int t = 1; t < 6; t++) {
			if (!(orig->l[i].tones & (1u << t)))
				continue;
			orig_tones++;
			if (i == cand_at && cand_tone == (1u << t))
				exact = 1;
			else if (cand_tone && (i == cand_at || cand_tone == (1u << t)))
				near = 1;
		}
	cost += orig_tones + (cand_tone ? 1 : 0);
	cost -= exact ? 2 : near ? 1 : 0;
	return cost;
}

typedef struct {
	const vn_word *orig;
	int max_cost;               /* candidates costing more are ignored */
	unsigned min_freq;          /* and so are those the sample knows less often */
	vn_word best;
	int best_cost;
	unsigned best_freq;
	bool tied;                  /* another candidate has the same cost and count */
	bool any;
	bool any_cheaper_than_2;
} pick;

static bool consider(const vn_word *cand, void *payload)
{
	pick *p = payload;
	char s[SYL_BUF];
	int cost = mark_cost(p->orig, cand);
	unsigned f;

	if (cost > p->max_cost || cost == 0)
		return true;
	vn_word_compose(cand, s, true);
	f = vn_freq(s);
	if (f < p->min_freq)
		return true;
	if (cost < 2)
		p->any_cheaper_than_2 = true;
	if (!p->any || cost < p->best_cost || (cost == p->best_cost && f > p->best_freq)) {
		p->best = *cand;
		p->best_cost = cost;
		p->best_freq = f;
		p->tied = false;
		p->any = true;
	} else if (cost == p->best_cost && f == p->best_freq) {
		p->tied = true;
	}
	return true;
}

/* The smallest change of marks that makes w valid, when the choice is clear: one mark with
 * no rival (or the one our sample knows best), or two marks for a syllable the sample knows
 * and no one-mark repair exists. */
static bool repair_marks(vn_word *out, const vn_word *w)
{
	pick p;

	memset(&p, 0, sizeof(p));
	p.orig = w;
	p.max_cost = 2;
	vn_word_variants(w, consider, &p);
	if (!p.any || p.tied)
		return false;
	if (p.best_cost == 2 && (p.best_freq == 0 || p.any_cheaper_than_2))
		return false;
	*out = p.best;
	return true;
}

/* For a doubtful valid reading: the one-mark variant the sample knows best, when it knows
 * it often enough and no other one-mark variant as well. */
static bool repair_doubtful(vn_word *out, const vn_word *w)
{
	pick p;

	memset(&p, 0, sizeof(p));
	p.orig = w;
	p.max_cost = 1;
	p.min_freq = DOUBT_MIN_COUNT;
	vn_word_variants(w, consider, &p);
	if (!p.any || p.tied)
		return false;
	*out = p.best;
	return true;
}

/* Whether any letter is upper case: names of places and people ("Đức Phổ", "Tơ"), which a
 * sample of common syllables knows worst, and headings. */
static bool has_upper(const vn_word *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->l[i].upper)
			return true;
	return false;
}

/* Whether the recognizer put any mark on the word. A word read without marks that breaks
 * the rules is most often not Vietnamese at all (SOC, clip, video); adding marks to it would
 * make a Vietnamese word of a foreign one. */
static bool has_marks(const vn_word *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->l[i].base >= 0x80 || w->l[i].tones)
			return true;
	return w->repaired;
}

/* Replaces *text with its punctuation around the letters of w, composed in NFC. */
static bool rewrite(char **text, const char *orig, size_t len, const vn_word *lead_trail,
	const vn_word *letters)
{
	char syl[SYL_BUF], *s;
	size_t sl = vn_word_compose(letters, syl, false);
	size_t lead = lead_trail->lead, trail = lead_trail->trail;

	if (lead + sl + trail == len && memcmp(orig + lead, syl, sl) == 0)
		return false;                   /* already written so */
	if (!(s = malloc(lead + sl + trail + 1)))
		return false;                   /* out of memory: keep what was read */
	memcpy(s, orig, lead);
	memcpy(s + lead, syl, sl);
	memcpy(s + lead + sl, orig + len - trail, trail);
	s[lead + sl + trail] = '\0';
	free(*text);
	*text = s;
	return true;
}

/* Whether s holds only ASCII bytes. */
static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* The first recognizer alternative that is a valid syllable close to what was read: the
 * same letters up to one edit once the marks are folded away, and without marks when the
 * reading had none (`ascii_only`). With same_letters_as (a valid but doubtful reading) it
 * must have exactly those letters and be a syllable the sample knows. */
static bool pick_alternative(vn_word *out, const mc_ocr_word *word,
	const vn_word *same_letters_as, bool ascii_only)
{
	char folded[VN_MAX_TOKEN + 1], alt_folded[VN_MAX_TOKEN + 1];
	size_t len = strlen(word->text), lead, trail;
	size_t cap = same_letters_as ? 0 : 1;

	if (len > VN_MAX_TOKEN)
		return false;
	vn_trim(word->text, len, &lead, &trail);
	if (lead == len)
		return false;
	vn_fold(folded, sizeof(folded), word->text + lead, len - lead - trail);
	for (size_t j = 0; j < word->n_alts; j++) {
		const char *a = word->alts[j].text;
		size_t al, alead, atrail;
		vn_word w;
		char syl[SYL_BUF];

		if (!a || (al = strlen(a)) == 0 || al > VN_MAX_TOKEN ||
		    (ascii_only && !is_ascii(a)) || mc_vn_token_is_code(a, al))
			continue;
		if (vn_word_parse(&w, a, al, true) < 0 || !vn_word_valid(&w))
			continue;
		vn_trim(a, al, &alead, &atrail);
		vn_fold(alt_folded, sizeof(alt_folded), a + alead, al - alead - atrail);
		if (edit_distance(folded, alt_folded, cap) > cap)
			continue;
		if (same_letters_as) {
			if (w.n != same_letters_as->n)
				continue;
			vn_word_compose(&w, syl, true);
			if (vn_freq(syl) == 0)
				continue;
		}
		*out = w;
		return true;
	}
	return false;
}

/* Whether a token carries combining marks (NFD or a mix). */
static bool has_combining(const char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned char c = (unsigned char)s[i], d = (unsigned char)s[i + 1];

		if ((c == 0xCC && d >= 0x80) || (c == 0xCD && d <= 0xAF))
			return true;
	}
	return false;
}

/* One word; true when its text changed. */
static bool correct_word(mc_ocr_word *word)
{
	const char *t = word->text;
	size_t len;
	vn_word w, fix;
	bool strict_ok, parsed;

	if (!t || (len = strlen(t)) == 0 || len > VN_MAX_TOKEN || mc_vn_token_is_code(t, len))
		return false;
	parsed = vn_word_parse(&w, t, len, true) == 0;
	strict_ok = parsed && !w.repaired && vn_word_valid(&w);

	if (strict_ok) {
		char syl[SYL_BUF];

		/* a valid reading: only a doubtful one, unknown to the sample, may give way to a
		 * known alternative of the recognizer's with the same letters, or to a known
		 * one-mark variant */
		vn_word_compose(&w, syl, true);
		if (word->conf < DOUBT_CONF && vn_freq(syl) == 0 && has_marks(&w)) {
			/* the recognizer's slips on valid syllables add marks ("tỉn", "đữ"); a
			 * reading without any ("nhu" in "nhu cầu") is left alone */
			if (pick_alternative(&fix, word, &w, false) ||
			    (!has_upper(&w) && repair_doubtful(&fix, &w)))
				return rewrite(&word->text, t, len, &w, &fix);
		}
		if (has_combining(t, len))
			return rewrite(&word->text, t, len, &w, &w);    /* to NFC */
		return false;
	}
	if (parsed && vn_word_valid(&w))
		return rewrite(&word->text, t, len, &w, &w);    /* ð for đ, a stray mark, NFD */
	/* an invalid reading: the recognizer's own valid alternative first (one without marks
	 * for a reading without any, which is most often a foreign word: SOC, clip) */
	if (pick_alternative(&fix, word, NULL, parsed && !has_marks(&w))) {
		if (!parsed) {
			/* the reading's punctuation around the alternative's letters */
			memset(&w, 0, sizeof(w));
			vn_trim(t, len, &w.lead, &w.trail);
		}
		return rewrite(&word->text, t, len, &w, &fix);
	}
	/* then the smallest change of marks */
	if (parsed && has_marks(&w) && repair_marks(&fix, &w))
		return rewrite(&word->text, t, len, &w, &fix);
	return false;
}

size_t mc_vn_correct_words(mc_ocr_word *words, size_t n)
{
	size_t changed = 0;

	if (!words)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (correct_word(&words[i]))
			changed++;
	return changed;
}
