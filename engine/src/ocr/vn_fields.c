/* ocr/vn_fields.c — the fields a clerk would otherwise type, found among one page's words:
 * ID numbers, tax codes, names and dates after their usual labels, free-standing dates, the
 * decision's number and symbol, and the issuing agency at the top left. Labels are matched
 * with the marks folded away and values are read through the recognizer's usual slips (O for
 * 0, l for 1, digit groups split by spaces), because the words come straight from OCR. */
#include "ocr/vn_text.h"
#include "ocr/vn_letters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"

#define FOLD_MAX 64
#define NAME_MAX_WORDS 7
#define LOOK_LINES 8            /* the issuer sits in the page's first lines */

/* What a label announces; K_STOP labels announce nothing we extract but end a name. */
#define K_STOP (-1)

typedef struct {
	const mc_ocr_word *w;
	const char *core;           /* the word without punctuation around it */
	size_t core_len;
	char fold[FOLD_MAX];        /* the core folded: "tên" -> "ten" */
	bool colon;                 /* a ':' follows the core */
	bool stop;                  /* ',', ';', '.' or ')' follows the core: ends a name */
	bool ascii;                 /* the core is plain ASCII */
	size_t line;                /* index of its line in ctx.line_start */
	bool used;
} tok;

typedef struct {
	tok *t;
	size_t n;
	size_t *line_start;         /* line k is t[line_start[k] .. line_start[k + 1]) */
	size_t n_lines;
	mc_field *out;
	size_t *out_at;             /* the first value token of each field, for ordering */
	size_t n_out, cap;
	int page;
	bool failed;                /* out of memory */
} ctx;

typedef struct {
	int kind;                   /* mc_field_kind or K_STOP */
	const char *words;          /* folded, space separated */
	const char *shown;          /* as the label is printed */
} label;

/* Longest first where one label begins another. */
static const label labels[] = {
	{ MC_FIELD_FULL_NAME, "ho chu dem va ten khai sinh", "Họ, chữ đệm và tên khai sinh" },
	{ MC_FIELD_FULL_NAME, "ho chu dem va ten", "Họ, chữ đệm và tên" },
	{ MC_FIELD_FULL_NAME, "ho va ten khai sinh", "Họ và tên khai sinh" },
	{ MC_FIELD_FULL_NAME, "ho va ten", "Họ và tên" },
	{ MC_FIELD_FULL_NAME, "ho ten", "Họ tên" },
	{ MC_FIELD_FULL_NAME, "full name", "Full name" },
	{ MC_FIELD_FULL_NAME, "ong/ba", "Ông/Bà" },
	{ MC_FIELD_FULL_NAME, "ong", "Ông" },
	{ MC_FIELD_FULL_NAME, "ba", "Bà" },
	{ MC_FIELD_BIRTH_DATE, "ngay thang nam sinh", "Ngày, tháng, năm sinh" },
	{ MC_FIELD_BIRTH_DATE, "ngay sinh", "Ngày sinh" },
	{ MC_FIELD_BIRTH_DATE, "sinh ngay", "Sinh ngày" },
	{ MC_FIELD_BIRTH_DATE, "date of birth", "Date of birth" },
	{ MC_FIELD_PERSONAL_ID, "so dinh danh ca nhan", "Số định danh cá nhân" },
	{ MC_FIELD_PERSONAL_ID, "so dinh danh", "Số định danh" },
	{ MC_FIELD_PERSONAL_ID, "so can cuoc cong dan", "Số căn cước công dân" },
	{ MC_FIELD_PERSONAL_ID, "can cuoc cong dan so", "Căn cước công dân số" },
	{ MC_FIELD_PERSONAL_ID, "so can cuoc", "Số căn cước" },
	{ MC_FIELD_PERSONAL_ID, "so cccd", "Số CCCD" },
	{ MC_FIELD_PERSONAL_ID, "cccd so", "CCCD số" },
	{ MC_FIELD_PERSONAL_ID, "so/no", "Số/No." },
	{ MC_FIELD_PERSONAL_ID, "so no", "Số/No." },
	{ MC_FIELD_PERSONAL_ID, "personal identification number",
	  "Personal identification number" },
	{ MC_FIELD_PERSONAL_ID, "cccd", "CCCD" },
	{ MC_FIELD_OLD_ID, "so chung minh nhan dan", "Số chứng minh nhân dân" },
	{ MC_FIELD_OLD_ID, "chung minh nhan dan so", "Chứng minh nhân dân số" },
	{ MC_FIELD_OLD_ID, "so cmnd", "Số CMND" },
	{ MC_FIELD_OLD_ID, "cmnd so", "CMND số" },
	{ MC_FIELD_OLD_ID, "cmnd", "CMND" },
	{ MC_FIELD_TAX_CODE, "ma so doanh nghiep", "Mã số doanh nghiệp" },
	{ MC_FIELD_TAX_CODE, "ma so thue", "Mã số thuế" },
	{ MC_FIELD_TAX_CODE, "mst", "MST" },
	{ MC_FIELD_TAX_CODE, "tax code", "Tax code" },
	{ MC_FIELD_DATE, "ngay cap", "Ngày cấp" },
	{ MC_FIELD_DATE, "co gia tri den", "Có giá trị đến" },
	{ MC_FIELD_DATE, "ngay het han", "Ngày hết hạn" },
	{ MC_FIELD_DATE, "date of expiry", "Date of expiry" },
	{ MC_FIELD_DATE, "date of issue", "Date of issue" },
	{ MC_FIELD_DOC_NUMBER, "so", "Số" },
	{ K_STOP, "gioi tinh", NULL }, { K_STOP, "quoc tich", NULL },
	{ K_STOP, "que quan", NULL }, { K_STOP, "noi thuong tru", NULL },
	{ K_STOP, "noi cu tru", NULL }, { K_STOP, "dan toc", NULL },
	{ K_STOP, "ton giao", NULL }, { K_STOP, "dia chi", NULL },
	{ K_STOP, "chuc vu", NULL }, { K_STOP, "nghe nghiep", NULL },
	{ K_STOP, "so dien thoai", NULL }, { K_STOP, "dien thoai", NULL },
	{ K_STOP, "sex", NULL }, { K_STOP, "nationality", NULL },
};

/* Words an agency's name opens with, folded; the header of a decision names it at the top
 * left in capitals. */
static const char *const agency_starts[] = {
	"uy ban", "ubnd", "hoi dong", "so", "bo", "cong an", "cuc", "chi cuc", "tong cuc",
	"toa an", "vien kiem sat", "van phong", "phong", "trung tam", "ban", "kho bac",
	"chi nhanh", "benh vien", "truong", "dai hoc", "bo chi huy", "thanh tra", "hdnd",
};

static const char *const kind_names[] = {
	"personal_id", "old_id", "tax_code", "full_name", "birth_date", "date", "doc_number",
	"issuer"
};

const char *mc_field_kind_name(mc_field_kind kind)
{
	if ((int)kind < 0 || (size_t)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "unknown";
	return kind_names[kind];
}

void mc_vn_fields_free(mc_field *fields, size_t n)
{
	if (!fields)
		return;
	for (size_t i = 0; i < n; i++) {
		free(fields[i].value);
		free(fields[i].label);
	}
	free(fields);
}

/* ---- building strings -------------------------------------------------------------- */

/* Appends s as valid UTF-8: a sequence that is not becomes U+FFFD. */
static void put_clean(mc_buf *b, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t at = i;
		uint32_t cp = vn_utf8_next(s, len, &i);

		if (cp == VN_NONE || cp == 0)
			mc_buf_puts(b, "\xEF\xBF\xBD");
		else
			mc_buf_put(b, s + at, i - at);
	}
}

/* Appends a word in NFC (đ for ð). The case is kept, or with `title` the first letter is
 * upper case and the rest lower. A word that is not letters is copied as it is. */
static void put_word(mc_buf *b, const char *s, size_t len, bool title)
{
	vn_word w;
	char syl[4 * VN_MAX_LETTERS + 1];

	if (vn_word_parse(&w, s, len, true) == 0 && w.lead == 0 && w.trail == 0) {
		if (title)
			for (size_t i = 0; i < w.n; i++)
				w.l[i].upper = i == 0;
		vn_word_compose(&w, syl, false);
		mc_buf_puts(b, syl);
		return;
	}
	if (!title) {
		put_clean(b, s, len);
		return;
	}
	/* names like H'Hen: letter by letter */
	{
		size_t i = 0;
		bool first = true;

		while (i < len) {
			size_t at = i;
			uint32_t cp = vn_utf8_next(s, len, &i);
			vn_letter l;
			char u[4];

			if (cp != VN_NONE && vn_letter_of(cp, &l)) {
				int tone = 0;

				for (int t = 1; t < 6; t++)
					if (l.tones & (1u << t))
						tone = t;
				mc_buf_put(b, u, vn_utf8_put(u, vn_letter_cp(l.base, tone, first)));
				first = false;
			} else {
				put_clean(b, s + at, i - at);
				if (cp == '-')
					first = true;
			}
		}
	}
}

static char *dup_cstr(ctx *c, const char *s)
{
	char *d = strdup(s);

	if (!d)
		c->failed = true;
	return d;
}

/* Adds a field whose value came from tokens idx[0..count) (in page order); its box is their
 * union, its confidence the lowest of theirs, and the tokens are used up. */
static void emit_tokens(ctx *c, mc_field_kind kind, const char *value, const char *shown,
	const size_t *idx, size_t count)
{
	mc_field *f;

	if (c->failed || count == 0)
		return;
	if (c->n_out == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		mc_field *o = realloc(c->out, cap * sizeof(*o));
		size_t *a;

		if (!o) {
			c->failed = true;
			return;
		}
		c->out = o;
		if (!(a = realloc(c->out_at, cap * sizeof(*a)))) {
			c->failed = true;
			return;
		}
		c->out_at = a;
		c->cap = cap;
	}
	f = &c->out[c->n_out];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->page = c->page;
	f->value = dup_cstr(c, value);
	f->label = dup_cstr(c, shown ? shown : "");
	if (!f->value || !f->label) {
		free(f->value);
		free(f->label);
		return;
	}
	for (size_t k = 0; k < count; k++) {
		const mc_ocr_word *w = c->t[idx[k]].w;

		c->t[idx[k]].used = true;
		if (k == 0 || w->x0 < f->x0) f->x0 = w->x0;
		if (k == 0 || w->y0 < f->y0) f->y0 = w->y0;
		if (k == 0 || w->x1 > f->x1) f->x1 = w->x1;
		if (k == 0 || w->y1 > f->y1) f->y1 = w->y1;
		if (k == 0 || w->conf < f->conf) f->conf = w->conf;
	}
	c->out_at[c->n_out++] = idx[0];
}

/* The same for the tokens [from, to); punctuation-only tokens at its ends do not count. */
static void emit(ctx *c, mc_field_kind kind, const char *value, const char *shown,
	size_t from, size_t to)
{
	size_t idx[16] = { 0 }, count = 0;

	while (from < to && c->t[from].core_len == 0)
		from++;
	while (to > from && c->t[to - 1].core_len == 0)
		to--;
	for (size_t k = from; k < to && count < sizeof(idx) / sizeof(idx[0]); k++)
		idx[count++] = k;
	emit_tokens(c, kind, value, shown, idx, count);
	for (size_t k = from; k < to; k++)
		c->t[k].used = true;
}

/* ---- tokens and lines ---------------------------------------------------------------- */

/* Whether b starts a new column after a on the same line: a gap wider than three letter
 * heights. In 64 bits, since boxes come from outside. */
static bool column_gap(const mc_ocr_word *a, const mc_ocr_word *b)
{
	long long h = (long long)a->y1 - a->y0;

	if (h < 1)
		h = 1;
	return (long long)b->x0 - a->x1 > 3 * h;
}

static size_t line_end(const ctx *c, size_t i)
{
	return c->line_start[c->t[i].line + 1];
}

static int tokens_build(ctx *c, const mc_ocr_word *words, size_t n)
{
	if (!(c->t = calloc(n ? n : 1, sizeof(*c->t))) ||
	    !(c->line_start = calloc(n + 1, sizeof(*c->line_start))))
		return mc_error_oom();
	c->n = n;
	for (size_t i = 0; i < n; i++) {
		tok *t = &c->t[i];
		const char *s = words[i].text ? words[i].text : "";
		size_t len = strlen(s), lead, trail;

		t->w = &words[i];
		if (i == 0 || words[i].line != words[i - 1].line)
			c->line_start[c->n_lines++] = i;
		t->line = c->n_lines - 1;
		vn_trim(s, len, &lead, &trail);
		t->core = s + lead;
		t->core_len = len - lead - trail;
		vn_fold(t->fold, sizeof(t->fold), t->core, t->core_len);
		t->ascii = true;
		for (size_t k = 0; k < t->core_len; k++)
			if ((unsigned char)t->core[k] >= 0x80)
				t->ascii = false;
		for (size_t k = t->core_len ? lead + t->core_len : 0; k < len; k++) {
			if (s[k] == ':')
				t->colon = true;
			if (s[k] == ',' || s[k] == ';' || s[k] == '.' || s[k] == ')')
				t->stop = true;
		}
	}
	c->line_start[c->n_lines] = n;
	return 0;
}

/* Whether the token is punctuation only ("/", "-", ":"). */
static bool is_blank(const tok *t)
{
	return t->core_len == 0;
}

/* Matches label l at token i (punctuation-only tokens between its words are skipped);
 * returns the index after it, or 0. */
static size_t label_at(const ctx *c, size_t i, const label *l)
{
	const char *p = l->words;
	size_t end = line_end(c, i), k = i;

	if (is_blank(&c->t[i]))
		return 0;
	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t wl = sp ? (size_t)(sp - p) : strlen(p);

		while (k < end && is_blank(&c->t[k]) && k > i)
			k++;
		if (k >= end || strlen(c->t[k].fold) != wl || memcmp(c->t[k].fold, p, wl) != 0)
			return 0;
		k++;
		p += wl;
		if (*p == ' ')
			p++;
	}
	return k;
}

static const label *label_find(const ctx *c, size_t i, size_t *after)
{
	for (size_t l = 0; l < sizeof(labels) / sizeof(labels[0]); l++)
		if ((*after = label_at(c, i, &labels[l])) != 0)
			return &labels[l];
	return NULL;
}

/* Where a label's value starts: after a colon, after the English half of a bilingual label
 * ("Họ và tên / Full name:"), or right after the label; on the next line when the label
 * ends its line. Returns n when there is nothing. */
static size_t value_start(const ctx *c, size_t label_from, size_t after)
{
	size_t end = line_end(c, label_from), k;
	bool colon = c->t[after - 1].colon;

	if (!colon && after < end) {
		bool english = false;

		for (k = after; k < end && k < after + 6; k++) {
			const tok *t = &c->t[k];

			if (!t->ascii)
				break;
			if (is_blank(t) || !mc_vn_syllable_valid(t->core, t->core_len))
				english = true;
			if (t->colon) {
				if (english)
					after = k + 1;
				break;
			}
		}
	}
	while (after < end && is_blank(&c->t[after]))
		after++;
	if (after < end)
		return after;
	/* the value is on the next line */
	if (end >= c->n)
		return c->n;
	k = end;
	while (k < c->n && is_blank(&c->t[k]) && c->t[k].line == c->t[end].line)
		k++;
	return k < c->n && c->t[k].line == c->t[end].line ? k : c->n;
}

/* ---- numbers and dates ----------------------------------------------------------------- */

/* The digit a character stands for in a number the recognizer read: O/o for 0, l/I/| for 1;
 * -1 for anything else. */
static int digit_of(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch == 'O' || ch == 'o')
		return 0;
	if (ch == 'l' || ch == 'I' || ch == '|')
		return 1;
	return -1;
}

/* A token that is a group of digits, perhaps with O/l slips, separators among them
 * ("-" "." "/" when allow_sep) and at least one real digit. */
static bool digitish(const tok *t, bool allow_sep)
{
	size_t real = 0;

	if (t->core_len == 0)
		return false;
	for (size_t k = 0; k < t->core_len; k++) {
		char ch = t->core[k];

		if (ch >= '0' && ch <= '9')
			real++;
		else if (digit_of(ch) < 0 && !(allow_sep && (ch == '-' || ch == '.' || ch == '/')))
			return false;
	}
	return real * 2 >= t->core_len;
}

typedef struct {
	char digits[16];
	size_t n;
	size_t dash;           /* digits before a '-', or 0 */
	size_t end;            /* the token after the number */
} number;

/* Digits from token i on, across the spaces the recognizer put inside the groups
 * ("001 089 012 345"); a '-' is kept as the tax code's branch separator. */
static bool number_at(const ctx *c, size_t i, number *num)
{
	size_t end = line_end(c, i), k;

	memset(num, 0, sizeof(*num));
	for (k = i; k < end && !c->t[k].used; k++) {
		const tok *t = &c->t[k];

		if (!digitish(t, true))
			break;
		for (size_t j = 0; j < t->core_len; j++) {
			int d = digit_of(t->core[j]);

			if (t->core[j] == '-' && num->n && !num->dash) {
				num->dash = num->n;
			} else if (d >= 0) {
				if (num->n >= 14)
					return false;   /* longer than any ID: a different number */
				num->digits[num->n++] = (char)('0' + d);
			} else if (t->core[j] != '.') {
				return false;      /* a slash: a date or a document number */
			}
		}
		if (t->stop && k + 1 < end && !digitish(&c->t[k + 1], true))
			break;
	}
	num->digits[num->n] = '\0';
	num->end = k;
	return num->n > 0;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool date_ok(int y, int m, int d)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= days[m - 1] + (m == 2 && is_leap(y));
}

/* A number of 1..maxd digits written in t (all of it, O/l slips allowed); -1 if not. */
static int small_number(const tok *t, size_t maxd)
{
	int v = 0;
	size_t real = 0;

	if (t->core_len == 0 || t->core_len > maxd)
		return -1;
	for (size_t k = 0; k < t->core_len; k++) {
		int d = digit_of(t->core[k]);

		if (d < 0)
			return -1;
		real += t->core[k] >= '0' && t->core[k] <= '9';
		v = v * 10 + d;
	}
	return real ? v : -1;
}

typedef struct {
	int y, m, d;
	size_t from, end;      /* the tokens that hold it */
} date;

/* "ngày 05 tháng 3 năm 2024" from token i. */
static bool date_words_at(const ctx *c, size_t i, date *dt)
{
	size_t end = line_end(c, i);

	if (i + 6 > end || strcmp(c->t[i].fold, "ngay") != 0 ||
	    strcmp(c->t[i + 2].fold, "thang") != 0 || strcmp(c->t[i + 4].fold, "nam") != 0)
		return false;
	for (size_t k = i; k < i + 6; k++)
		if (c->t[k].used)
			return false;
	dt->d = small_number(&c->t[i + 1], 2);
	dt->m = small_number(&c->t[i + 3], 2);
	dt->y = small_number(&c->t[i + 5], 4);
	if (c->t[i + 5].core_len != 4 || !date_ok(dt->y, dt->m, dt->d))
		return false;
	dt->from = i;
	dt->end = i + 6;
	return true;
}

/* "05/3/2024", "05-03-2024", "05.03.2024" in one token or split by spaces. */
static bool date_digits_at(const ctx *c, size_t i, date *dt)
{
	size_t end = line_end(c, i);
	char s[48];
	size_t sl = 0;

	for (size_t k = i; k < end && k < i + 5; k++) {
		const tok *t = &c->t[k];
		int part[3] = { 0, 0, 0 }, len[3] = { 0, 0, 0 }, p = 0;
		char sep = 0;
		bool bad = false;

		if (t->used || (!digitish(t, true) && !is_blank(t)) ||
		    sl + t->core_len >= sizeof(s))
			break;
		memcpy(s + sl, t->core, t->core_len);
		sl += t->core_len;
		for (size_t j = 0; j < sl && !bad; j++) {
			int d = digit_of(s[j]);

			if (d >= 0) {
				if (++len[p] > (p == 2 ? 4 : 2))
					bad = true;
				part[p] = part[p] * 10 + d;
			} else if ((s[j] == '/' || s[j] == '-' || s[j] == '.') && p < 2 && len[p] &&
				   (!sep || sep == s[j])) {
				sep = s[j];
				p++;
			} else {
				bad = true;
			}
		}
		if (!bad && p == 2 && len[2] == 4 && date_ok(part[2], part[1], part[0])) {
			/* the year may be cut across tokens: take the longest that parses */
			dt->d = part[0];
			dt->m = part[1];
			dt->y = part[2];
			dt->from = i;
			dt->end = k + 1;
			return true;
		}
		if (bad)
			break;
	}
	return false;
}

static bool date_at(const ctx *c, size_t i, date *dt)
{
	return date_words_at(c, i, dt) || date_digits_at(c, i, dt);
}

/* A date starting at i or a little after it on the same line (a label's value). */
static bool date_near(const ctx *c, size_t i, date *dt)
{
	size_t end = line_end(c, i);

	for (size_t k = i; k < end && k < i + 3; k++)
		if (date_at(c, k, dt))
			return true;
	return false;
}

static void emit_date(ctx *c, mc_field_kind kind, const date *dt, const char *shown)
{
	char v[16];

	snprintf(v, sizeof(v), "%04d-%02d-%02d", dt->y, dt->m, dt->d);
	emit(c, kind, v, shown, dt->from, dt->end);
}

/* ---- IDs and document numbers ---------------------------------------------------------- */

/* The first three digits of a personal ID are the province of birth registration: 001 to
 * 096 in the 2016 list. A bare 12-digit number is taken for an ID only then. */
static bool province_ok(const char *d)
{
	int p = (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');

	return p >= 1 && p <= 96;
}

/* An ID after label kind `want` (or, with want < 0, a bare number) at token i. */
static bool id_at(ctx *c, size_t i, int want, const char *shown)
{
	number num;
	char v[48];

	if (!number_at(c, i, &num))
		return false;
	if (num.dash == 10 && num.n == 13) {
		snprintf(v, sizeof(v), "%.10s-%s", num.digits, num.digits + 10);
		emit(c, MC_FIELD_TAX_CODE, v, shown, i, num.end);
		return true;
	}
	if (num.dash)
		return false;
	if (num.n == 12 && (want >= 0 || province_ok(num.digits))) {
		emit(c, MC_FIELD_PERSONAL_ID, num.digits, shown, i, num.end);
		return true;
	}
	if (num.n == 9 && want >= 0 && want != MC_FIELD_TAX_CODE) {
		emit(c, MC_FIELD_OLD_ID, num.digits, shown, i, num.end);
		return true;
	}
	if (want == MC_FIELD_TAX_CODE && (num.n == 10 || num.n == 13)) {
		if (num.n == 13)
			snprintf(v, sizeof(v), "%.10s-%s", num.digits, num.digits + 10);
		else
			snprintf(v, sizeof(v), "%s", num.digits);
		emit(c, MC_FIELD_TAX_CODE, v, shown, i, num.end);
		return true;
	}
	return false;
}

/* The token for a document number: its text without the punctuation around it, except
 * '/' and '-', which belong to the number ("123 /QĐ-UBND"). */
static void symbol_span(const tok *t, const char **s, size_t *len)
{
	const char *p = t->w->text ? t->w->text : "";
	size_t l = strlen(p);

	while (l && strchr(" ,;:.()\"", p[l - 1]))
		l--;
	while (l && strchr(" ,;:.()\"", p[0])) {
		p++;
		l--;
	}
	*s = p;
	*len = l;
}

/* Letters, digits, '/' and '-' only, with an upper-case letter, a digit or a '/' in it: a
 * piece of "123/QĐ-UBND" however the recognizer split it. */
static bool symbolish(const tok *t)
{
	const char *s;
	size_t i = 0, len;
	bool strong = false;

	symbol_span(t, &s, &len);
	if (len == 0)
		return false;
	while (i < len) {
		uint32_t cp = vn_utf8_next(s, len, &i);
		vn_letter l;

		if (cp == '/' || (cp >= '0' && cp <= '9') || cp == 0xD0)
			strong = true;
		else if (cp == '-' || cp == 0xF0)
			continue;
		else if (cp == VN_NONE || !vn_letter_of(cp, &l))
			return false;
		else if (l.upper)
			strong = true;
	}
	return strong;
}

/* Checks and normalizes "123/QĐ-UBND", "45/2024/NQ-HĐND", "123/UBND-VP": a number, an
 * optional year, then a symbol of letter groups joined by '-'. */
static bool doc_number_parse(mc_buf *out, const char *s, size_t len)
{
	size_t i = 0, digits = 0, parts = 0;
	bool upper = false, letters_ok = true;
	mc_buf sym = MC_BUF_INIT;
	char nb[8];

	/* the number */
	while (i < len && s[i] != '/') {
		int d = digit_of(s[i]);

		if (d < 0 || digits >= 6)
			return false;
		nb[digits++] = (char)('0' + d);
		i++;
	}
	if (!digits || i >= len)
		return false;
	mc_buf_put(out, nb, digits);
	i++;
	/* a year */
	if (len - i > 5 && digit_of(s[i]) >= 0 && (s[i] == '1' || s[i] == '2')) {
		char yb[4];
		size_t k;

		for (k = 0; k < 4 && i + k < len && digit_of(s[i + k]) >= 0; k++)
			yb[k] = (char)('0' + digit_of(s[i + k]));
		if (k != 4 || i + 4 >= len || s[i + 4] != '/')
			return false;
		mc_buf_put(out, "/", 1);
		mc_buf_put(out, yb, 4);
		i += 5;
	}
	/* the symbol: letter groups joined by '-' */
	{
		size_t group = 0;

		while (i < len && letters_ok) {
			uint32_t cp = vn_utf8_next(s, len, &i);
			vn_letter l;

			if (cp == '-') {
				if (!group)
					letters_ok = false;
				group = 0;
				mc_buf_put(&sym, "-", 1);
				continue;
			}
			if (cp == 0xD0 || cp == 0xF0) {
				l.base = 0x111;
				l.upper = cp == 0xD0;
				l.tones = 0;
			} else if (cp == VN_NONE || !vn_letter_of(cp, &l) || l.tones) {
				letters_ok = false;
				break;
			}
			if (!group)
				parts++;
			group++;
			upper = upper || l.upper;
			{
				char u[4];
				size_t ul = vn_utf8_put(u, vn_letter_cp(l.base, 0, l.upper));

				mc_buf_put(&sym, u, ul);
			}
		}
		if (!group)
			letters_ok = false;
	}
	if (letters_ok && upper && parts >= 1 && sym.size >= 2) {
		mc_buf_put(out, "/", 1);
		mc_buf_put(out, mc_buf_cstr(&sym), sym.size);
	} else {
		letters_ok = false;
	}
	mc_buf_free(&sym);
	return letters_ok;
}

/* "123/QĐ-UBND" at token i, perhaps split by spaces ("123 /QĐ-UBND"). */
static bool doc_number_at(ctx *c, size_t i, const char *shown)
{
	size_t end = line_end(c, i), best = 0;
	char s[128];
	size_t sl = 0;
	mc_buf v = MC_BUF_INIT, keep = MC_BUF_INIT;
	bool ok;

	for (size_t k = i; k < end && k < i + 5; k++) {
		const tok *t = &c->t[k];
		const char *p;
		size_t pl;

		symbol_span(t, &p, &pl);
		if (t->used || !symbolish(t) || sl + pl >= sizeof(s))
			break;
		if (k > i && column_gap(c->t[k - 1].w, t->w))
			break;
		memcpy(s + sl, p, pl);
		sl += pl;
		mc_buf_clear(&v);
		if (doc_number_parse(&v, s, sl) && !v.failed) {
			best = k + 1;
			mc_buf_clear(&keep);
			mc_buf_puts(&keep, mc_buf_cstr(&v));
		}
	}
	ok = best && !keep.failed;
	if (ok)
		emit(c, MC_FIELD_DOC_NUMBER, mc_buf_cstr(&keep), shown, i, best);
	else if (v.failed || keep.failed)
		c->failed = true;
	mc_buf_free(&v);
	mc_buf_free(&keep);
	return ok;
}

/* ---- names ------------------------------------------------------------------------------ */

/* Whether the token can be part of a name: letters (apostrophes and hyphens inside allowed
 * for names such as H'Hen), the first one upper case. */
static bool name_word(const tok *t)
{
	size_t i = 0;
	bool first = true;

	if (t->core_len == 0)
		return false;
	while (i < t->core_len) {
		uint32_t cp = vn_utf8_next(t->core, t->core_len, &i);
		vn_letter l;

		if (cp == '\'' || cp == 0x2019 || cp == '-') {
			if (first)
				return false;
			continue;
		}
		if (cp >= 0x300 && cp <= 0x36F && !first)
			continue;
		if (cp == 0xD0 || cp == 0xF0) {
			l.upper = cp == 0xD0;
		} else if (cp == VN_NONE || !vn_letter_of(cp, &l)) {
			return false;
		}
		if (first && !l.upper)
			return false;
		first = false;
	}
	return true;
}

static bool name_at(ctx *c, size_t i, size_t min_words, const char *shown)
{
	size_t end = line_end(c, i), k, after;
	mc_buf b = MC_BUF_INIT;

	for (k = i; k < end && k < i + NAME_MAX_WORDS; k++) {
		const tok *t = &c->t[k];

		if (t->used || !name_word(t) || label_find(c, k, &after))
			break;
		if (k > i)
			mc_buf_put(&b, " ", 1);
		put_word(&b, t->core, t->core_len, true);
		if (t->stop) {
			k++;
			break;
		}
	}
	if (k - i < min_words || b.failed) {
		c->failed = c->failed || b.failed;
		mc_buf_free(&b);
		return false;
	}
	emit(c, MC_FIELD_FULL_NAME, mc_buf_cstr(&b), shown, i, k);
	mc_buf_free(&b);
	return true;
}

/* ---- the issuer ------------------------------------------------------------------------- */

/* Mostly capitals, at least two words, no digits and no colon: a line of an agency's name
 * ("Số: 12/QĐ-UBND" and "Số CCCD: ..." are capitals too, but not names). */
static bool header_line(const ctx *c, size_t from, size_t to)
{
	size_t up = 0, all = 0;

	if (to < from + 2)
		return false;
	for (size_t k = from; k < to; k++) {
		size_t i = 0;
		const tok *t = &c->t[k];

		if (t->colon)
			return false;
		while (i < t->core_len) {
			uint32_t cp = vn_utf8_next(t->core, t->core_len, &i);
			vn_letter l;

			if (cp >= '0' && cp <= '9')
				return false;
			if (cp != VN_NONE && vn_letter_of(cp, &l)) {
				all++;
				up += l.upper;
			} else if (cp == 0xD0) {
				all++;
				up++;
			}
		}
	}
	return all >= 2 && up * 10 >= all * 8;
}

/* The end of the first column of the line that starts at `from`: a gap wider than three
 * letter heights separates the left header from the right one. */
static size_t segment_end(const ctx *c, size_t from)
{
	size_t end = line_end(c, from);

	for (size_t k = from + 1; k < end; k++)
		if (column_gap(c->t[k - 1].w, c->t[k].w))
			return k;
	return end;
}

static bool starts_agency(const ctx *c, size_t from, size_t to)
{
	for (size_t a = 0; a < sizeof(agency_starts) / sizeof(agency_starts[0]); a++) {
		const char *p = agency_starts[a];
		size_t k = from;
		bool ok = true;

		while (*p && ok) {
			const char *sp = strchr(p, ' ');
			size_t wl = sp ? (size_t)(sp - p) : strlen(p);

			ok = k < to && strlen(c->t[k].fold) == wl && !memcmp(c->t[k].fold, p, wl);
			k++;
			p += wl + (sp ? 1 : 0);
		}
		if (ok)
			return true;
	}
	return false;
}

#define ISSUER_MAX_WORDS 40

static void issuer_find(ctx *c)
{
	size_t lines = c->n_lines < LOOK_LINES ? c->n_lines : LOOK_LINES;
	size_t idx[ISSUER_MAX_WORDS], count = 0;
	mc_buf b = MC_BUF_INIT;

	for (size_t ln = 0; ln < lines && !count; ln++) {
		size_t from = c->line_start[ln], to = segment_end(c, from), taken = 1;
		int left, right;

		if (from >= to || !header_line(c, from, to) || !starts_agency(c, from, to))
			continue;
		left = c->t[from].w->x0;
		right = c->t[to - 1].w->x1;
		for (size_t k = from; k < to && count < ISSUER_MAX_WORDS; k++)
			idx[count++] = k;
		/* the rest of the block: capitals under the first line, skipping the lines of the
		 * right-hand header that reading order may put between them */
		for (size_t next = ln + 1; next < c->n_lines && next <= ln + 4 && taken < 3;
		     next++) {
			size_t nf = c->line_start[next], ne = c->line_start[next + 1], nt;

			while (nf < ne && c->t[nf].w->x1 <= left)
				nf++;
			if (nf >= ne || c->t[nf].w->x0 >= right)
				continue;                       /* only the right-hand header */
			nt = segment_end(c, nf);
			if (!header_line(c, nf, nt) || !strcmp(c->t[nf].fold, "cong") ||
			    !strcmp(c->t[nf].fold, "quyet"))
				break;                          /* "Số:", the republic, the title */
			for (size_t k = nf; k < nt && count < ISSUER_MAX_WORDS; k++)
				idx[count++] = k;
			if (c->t[nt - 1].w->x1 > right)
				right = c->t[nt - 1].w->x1;
			taken++;
		}
	}
	if (!count)
		return;
	for (size_t k = 0; k < count; k++) {
		if (k)
			mc_buf_put(&b, " ", 1);
		put_word(&b, c->t[idx[k]].core, c->t[idx[k]].core_len, false);
	}
	if (b.failed)
		c->failed = true;
	else
		emit_tokens(c, MC_FIELD_ISSUER, mc_buf_cstr(&b), "", idx, count);
	mc_buf_free(&b);
}

/* ---- the scan ---------------------------------------------------------------------------- */

/* What follows a label: the field it announces, if its value is there. */
static bool label_value(ctx *c, const label *l, size_t from, size_t after)
{
	size_t v;
	date dt;

	if (l->kind == MC_FIELD_DOC_NUMBER) {
		/* "Số:" heads a document number only with its colon or at the start of a line;
		 * "Nghị định số 30/2020/NĐ-CP" cites another document */
		bool head = c->t[after - 1].colon ||
			(after < c->n && is_blank(&c->t[after]) && c->t[after].colon);

		if (!head && from != c->line_start[c->t[from].line])
			return false;
	}
	if ((v = value_start(c, from, after)) >= c->n || c->t[v].used)
		return false;
	switch (l->kind) {
	case MC_FIELD_FULL_NAME:
		return name_at(c, v, strlen(l->words) <= 6 ? 2 : 1, l->shown);
	case MC_FIELD_BIRTH_DATE:
	case MC_FIELD_DATE:
		if (!date_near(c, v, &dt))
			return false;
		emit_date(c, l->kind, &dt, l->shown);
		return true;
	case MC_FIELD_PERSONAL_ID:
	case MC_FIELD_OLD_ID:
	case MC_FIELD_TAX_CODE:
		return id_at(c, v, l->kind, l->shown);
	case MC_FIELD_DOC_NUMBER:
		return doc_number_at(c, v, l->shown) || id_at(c, v, MC_FIELD_PERSONAL_ID, l->shown);
	default:
		return false;
	}
}

static void scan(ctx *c)
{
	for (size_t i = 0; i < c->n && !c->failed; i++) {
		const label *l;
		size_t after;
		date dt;

		if (c->t[i].used)
			continue;
		if ((l = label_find(c, i, &after)) != NULL) {
			if (l->kind != K_STOP && label_value(c, l, i, after)) {
				for (size_t k = i; k < after; k++)
					c->t[k].used = true;
			}
			if (l->kind == K_STOP || c->t[i].used)
				i = after - 1;
			continue;
		}
		if (date_at(c, i, &dt)) {
			emit_date(c, MC_FIELD_DATE, &dt, "");
			i = dt.end - 1;
			continue;
		}
		id_at(c, i, -1, "");
	}
}

static void order_fields(ctx *c)
{
	/* insertion sort by first value token: few fields, stable */
	for (size_t i = 1; i < c->n_out; i++) {
		mc_field f = c->out[i];
		size_t at = c->out_at[i], j = i;

		for (; j > 0 && c->out_at[j - 1] > at; j--) {
			c->out[j] = c->out[j - 1];
			c->out_at[j] = c->out_at[j - 1];
		}
		c->out[j] = f;
		c->out_at[j] = at;
	}
}

int mc_vn_fields(mc_field **out, size_t *n, const mc_ocr_word *words, size_t n_words, int page)
{
	ctx c;
	int error = 0;

	*out = NULL;
	*n = 0;
	memset(&c, 0, sizeof(c));
	c.page = page;
	if (!words || n_words == 0)
		return 0;
	if ((error = tokens_build(&c, words, n_words)) < 0)
		goto done;
	issuer_find(&c);
	scan(&c);
	if (c.failed) {
		error = mc_error_oom();
		goto done;
	}
	order_fields(&c);
	*out = c.out;
	*n = c.n_out;
	c.out = NULL;
	c.n_out = 0;
done:
	mc_vn_fields_free(c.out, c.n_out);
	free(c.out_at);
	free(c.t);
	free(c.line_start);
	return error;
}

char *mc_vn_fields_json(const mc_field *fields, size_t n)
{
	mc_buf b = MC_BUF_INIT, tmp = MC_BUF_INIT;

	mc_buf_put(&b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		const mc_field *f = &fields[i];

		mc_buf_puts(&b, i ? ",\n {" : "\n {");
		mc_buf_puts(&b, "\"kind\": ");
		mc_buf_json_str(&b, mc_field_kind_name(f->kind));
		mc_buf_puts(&b, ", \"value\": ");
		mc_buf_clear(&tmp);
		put_clean(&tmp, f->value ? f->value : "", f->value ? strlen(f->value) : 0);
		mc_buf_json_str(&b, mc_buf_cstr(&tmp));
		mc_buf_puts(&b, ", \"label\": ");
		mc_buf_clear(&tmp);
		put_clean(&tmp, f->label ? f->label : "", f->label ? strlen(f->label) : 0);
		mc_buf_json_str(&b, mc_buf_cstr(&tmp));
		mc_buf_printf(&b, ", \"page\": %d, \"box\": [%d, %d, %d, %d], \"conf\": %.1f}",
			f->page, f->x0, f->y0, f->x1, f->y1,
			f->conf == f->conf ? (double)f->conf : 0.0);    /* NaN is not JSON */
	}
	mc_buf_puts(&b, n ? "\n]\n" : "]\n");
	if (tmp.failed)
		b.failed = 1;
	mc_buf_free(&tmp);
	return mc_buf_detach(&b);
}
