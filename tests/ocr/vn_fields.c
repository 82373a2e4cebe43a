/* tests/ocr/vn_fields.c — fields from a page's words as recognition delivers them (lines,
 * boxes, confidences, the usual slips): a citizen-ID-like card and the first page of a
 * decision, each value checked with its page and box; IDs, tax codes and dates in their
 * forms and calendar checks; the JSON; and random words that must never crash. */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>

#include "ocr/vn_letters.h"
#include "ocr/vn_text.h"
#include "test.h"

/* Words are laid out as a renderer would: 20 px a character, 20 px between words, 40 px
 * high, so that a test can state boxes by hand. */
#define CHAR_W 20
#define WORD_H 40

typedef struct {
	mc_ocr_word w[256];
	size_t n;
} page;

static size_t utf8_chars(const char *s, size_t len)
{
	size_t i = 0, n = 0;

	while (i < len) {
		uint32_t cp = vn_utf8_next(s, len, &i);

		if (!(cp >= 0x300 && cp <= 0x36F))
			n++;
	}
	return n;
}

/* Adds the words of `text` on `line` from x at top y, with confidence conf; returns the
 * index of the first word. */
static size_t put(page *p, int line, int x, int y, float conf, const char *text)
{
	size_t first = p->n;

	while (*text && p->n < sizeof(p->w) / sizeof(p->w[0])) {
		size_t len;
		mc_ocr_word *w;

		while (*text == ' ')
			text++;
		if (!(len = strcspn(text, " ")))
			break;
		w = &p->w[p->n++];
		memset(w, 0, sizeof(*w));
		w->text = strndup(text, len);
		w->line = line;
		w->conf = conf;
		w->x0 = x;
		w->y0 = y;
		w->x1 = x + (int)utf8_chars(text, len) * CHAR_W;
		w->y1 = y + WORD_H;
		x = w->x1 + CHAR_W;
		text += len;
	}
	return first;
}

static void page_free(page *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->w[i].text);
	p->n = 0;
}

static const mc_field *find(const mc_field *f, size_t n, mc_field_kind kind, size_t nth)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].kind == kind && nth-- == 0)
			return &f[i];
	return NULL;
}

#define CHECK_FIELD(f, n, kind, nth, want_value, want_label, bx0, by0, bx1, by1) do { \
	const mc_field *cf_ = find((f), (n), (kind), (nth)); \
	CHECK(cf_ != NULL); \
	if (cf_) { \
		CHECK_STR(cf_->value, (want_value)); \
		CHECK_STR(cf_->label, (want_label)); \
		CHECK_INT(cf_->x0, (bx0)); \
		CHECK_INT(cf_->y0, (by0)); \
		CHECK_INT(cf_->x1, (bx1)); \
		CHECK_INT(cf_->y1, (by1)); \
	} \
} while (0)

static size_t count_kind(const mc_field *f, size_t n, mc_field_kind kind)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += f[i].kind == kind;
	return c;
}

/* ---- a citizen ID card ------------------------------------------------------------------ */

static void card(page *p)
{
	put(p, 0, 300, 40, 91, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
	put(p, 1, 380, 85, 90, "Độc lập - Tự do - Hạnh phúc");
	put(p, 2, 420, 140, 93, "CĂN CƯỚC CÔNG DÂN");
	put(p, 3, 300, 200, 88, "Số định danh cá nhân / Personal identification number:");
	/* O for 0 twice, and the digit groups split as the card prints them */
	put(p, 4, 380, 240, 71, "0O1 089 O12345");
	/* the label without its marks */
	put(p, 5, 300, 300, 85, "Ho va ten / Full name:");
	put(p, 6, 300, 340, 82, "NGUYỄN VĂN AN");
	/* l for 1 in the year */
	put(p, 7, 300, 400, 80, "Ngày sinh / Date of birth: 05/03/l989");
	put(p, 8, 300, 450, 86, "Giới tính / Sex: Nam Quốc tịch / Nationality: Việt Nam");
	put(p, 9, 300, 500, 84, "Quê quán / Place of origin: Nghĩa Hành, Quảng Ngãi");
	put(p, 10, 300, 550, 87, "Có giá trị đến / Date of expiry: 05/03/2029");
}

static void test_card_yields_id_name_and_dates(void)
{
	page p = { .n = 0 };
	mc_field *f = NULL;
	size_t n = 0;

	card(&p);
	CHECK_OK(mc_vn_fields(&f, &n, p.w, p.n, 3));
	CHECK_INT(n, 4);
	/* "0O1 089 O12345" from x 380: 0O1 380..440, 089 460..520, O12345 540..660 */
	CHECK_FIELD(f, n, MC_FIELD_PERSONAL_ID, 0, "001089012345", "Số định danh cá nhân",
		380, 240, 660, 280);
	/* NGUYỄN 300..420, VĂN 440..500, AN 520..560 */
	CHECK_FIELD(f, n, MC_FIELD_FULL_NAME, 0, "Nguyễn Văn An", "Họ và tên", 300, 340, 560, 380);
	/* "Ngày sinh / Date of birth: " is 27 characters: the date starts at 300 + 27 * 20 */
	CHECK_FIELD(f, n, MC_FIELD_BIRTH_DATE, 0, "1989-03-05", "Ngày sinh", 840, 400, 1040, 440);
	CHECK_FIELD(f, n, MC_FIELD_DATE, 0, "2029-03-05", "Có giá trị đến", 960, 550, 1160, 590);
	for (size_t i = 0; i < n; i++)
		CHECK_INT(f[i].page, 3);
	/* the confidence is the lowest of the value's words */
	CHECK(find(f, n, MC_FIELD_PERSONAL_ID, 0) &&
		find(f, n, MC_FIELD_PERSONAL_ID, 0)->conf == 71);
	/* reading order */
	CHECK(n == 4 && f[0].kind == MC_FIELD_PERSONAL_ID && f[1].kind == MC_FIELD_FULL_NAME &&
		f[2].kind == MC_FIELD_BIRTH_DATE && f[3].kind == MC_FIELD_DATE);
	mc_vn_fields_free(f, n);
	page_free(&p);
}

static void test_card_with_the_value_beside_its_label(void)
{
	page p = { .n = 0 };
	mc_field *f = NULL;
	size_t n = 0;

	put(&p, 0, 100, 100, 90, "Số CCCD: 079 2O3 001 234");
	put(&p, 1, 100, 150, 90, "Họ, chữ đệm và tên khai sinh: Trần Thị Bích");
	put(&p, 2, 100, 200, 90, "Ngày, tháng, năm sinh: ngày 29 tháng 02 năm 2004");
	put(&p, 3, 100, 250, 90, "Số CMND: 212 345 678");
	CHECK_OK(mc_vn_fields(&f, &n, p.w, p.n, 1));
	CHECK_INT(n, 4);
	CHECK_FIELD(f, n, MC_FIELD_PERSONAL_ID, 0, "079203001234", "Số CCCD", 280, 100, 580, 140);
	CHECK_FIELD(f, n, MC_FIELD_FULL_NAME, 0, "Trần Thị Bích", "Họ, chữ đệm và tên khai sinh",
		700, 150, 960, 190);
	CHECK_FIELD(f, n, MC_FIELD_BIRTH_DATE, 0, "2004-02-29", "Ngày, tháng, năm sinh",
		560, 200, 1060, 240);
	CHECK_FIELD(f, n, MC_FIELD_OLD_ID, 0, "212345678", "Số CMND", 280, 250, 500, 290);
	mc_vn_fields_free(f, n);
	page_free(&p);
}

/* ---- the first page of a decision ------------------------------------------------------- */

static void decision(page *p, bool split_header)
{
	if (split_header) {
		/* reading order that gives each header its own lines */
		put(p, 0, 80, 60, 90, "ỦY BAN NHÂN DÂN");
		put(p, 1, 700, 60, 90, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
		put(p, 2, 100, 105, 74, "TỈNH QUẢNG NGÃI");
		put(p, 3, 760, 105, 90, "Độc lập - Tự do - Hạnh phúc");
		put(p, 4, 150, 140, 60, "-------");
		put(p, 5, 80, 190, 90, "Số: 123/QĐ-UBND");
		put(p, 6, 700, 190, 88, "Quảng Ngãi, ngày 05 tháng 3 năm 2024");
	} else {
		/* both headers on the same lines, a wide gap between them */
		put(p, 0, 80, 60, 90, "ỦY BAN NHÂN DÂN");
		put(p, 0, 700, 60, 90, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
		put(p, 1, 100, 105, 74, "TỈNH QUẢNG NGÃI");
		put(p, 1, 760, 105, 90, "Độc lập - Tự do - Hạnh phúc");
		put(p, 2, 150, 140, 60, "-------");
		put(p, 2, 820, 140, 60, "---------------");
		put(p, 3, 80, 190, 90, "Số: 123/QĐ-UBND");
		put(p, 3, 700, 190, 88, "Quảng Ngãi, ngày 05 tháng 3 năm 2024");
	}
	put(p, 10, 520, 280, 95, "QUYẾT ĐỊNH");
	put(p, 11, 400, 320, 90, "Về việc cấp bản sao trích lục hộ tịch");
	put(p, 12, 300, 370, 92, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI");
	put(p, 13, 120, 430, 90,
		"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;");
	put(p, 14, 120, 480, 90, "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ;");
	put(p, 15, 520, 540, 90, "QUYẾT ĐỊNH:");
	put(p, 16, 120, 600, 85,
		"Điều 1. Cấp bản sao cho ông Nguyễn Văn An, sinh ngày 12/10/1985.");
}

static void check_decision(const mc_field *f, size_t n)
{
	const mc_field *fd;

	CHECK_INT(n, 7);
	/* ỦY 80..120 ... DÂN ..380 on y 60; TỈNH QUẢNG NGÃI 100..400 on y 105 */
	CHECK_FIELD(f, n, MC_FIELD_ISSUER, 0, "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "",
		80, 60, 400, 145);
	CHECK(find(f, n, MC_FIELD_ISSUER, 0) && find(f, n, MC_FIELD_ISSUER, 0)->conf == 74);
	CHECK_FIELD(f, n, MC_FIELD_DOC_NUMBER, 0, "123/QĐ-UBND", "Số", 160, 190, 380, 230);
	/* "Quảng Ngãi, " is 12 characters: "ngày" starts at 700 + 12 * 20 */
	CHECK_FIELD(f, n, MC_FIELD_DATE, 0, "2024-03-05", "", 940, 190, 1420, 230);
	CHECK_FIELD(f, n, MC_FIELD_DATE, 1, "2015-06-19", "", 980, 430, 1480, 470);
	/* the decree's own number is cited, not this document's */
	CHECK_INT(count_kind(f, n, MC_FIELD_DOC_NUMBER), 1);
	CHECK_FIELD(f, n, MC_FIELD_DATE, 2, "2020-03-05", "", 900, 480, 1080, 520);
	CHECK_FIELD(f, n, MC_FIELD_FULL_NAME, 0, "Nguyễn Văn An", "Ông", 680, 600, 960, 640);
	CHECK_FIELD(f, n, MC_FIELD_BIRTH_DATE, 0, "1985-10-12", "Sinh ngày", 1180, 600, 1400, 640);
	fd = find(f, n, MC_FIELD_DOC_NUMBER, 0);
	CHECK(fd && fd->page == 2);
	CHECK(n == 7 && f[0].kind == MC_FIELD_ISSUER && f[1].kind == MC_FIELD_DOC_NUMBER);
}

static void test_decision_yields_issuer_number_dates_and_name(void)
{
	page p = { .n = 0 };
	mc_field *f = NULL;
	size_t n = 0;

	decision(&p, false);
	CHECK_OK(mc_vn_fields(&f, &n, p.w, p.n, 2));
	check_decision(f, n);
	mc_vn_fields_free(f, n);
	page_free(&p);

	decision(&p, true);
	CHECK_OK(mc_vn_fields(&f, &n, p.w, p.n, 2));
	check_decision(f, n);
	mc_vn_fields_free(f, n);
	page_free(&p);
}

static void test_decision_header_variants_and_slips(void)
{
	page p = { .n = 0 };
	mc_field *f = NULL;
	size_t n = 0;

	/* a department under the province; the number with O for 0, eth for Đ, a wrong mark on
	 * the label and a space inside */
	put(&p, 0, 60, 60, 90, "UBND TỈNH QUẢNG NGÃI");
	put(&p, 0, 700, 60, 90, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
	put(&p, 1, 100, 105, 90, "SỞ TƯ PHÁP");
	put(&p, 1, 760, 105, 90, "Độc lập - Tự do - Hạnh phúc");
	put(&p, 2, 80, 190, 90, "Sô: 12O /QÐ-STP");
	put(&p, 3, 80, 240, 90, "Số: 45/2024/NQ-HĐND");
	CHECK_OK(mc_vn_fields(&f, &n, p.w, p.n, 1));
	CHECK_FIELD(f, n, MC_FIELD_ISSUER, 0, "UBND TỈNH QUẢNG NGÃI SỞ TƯ PHÁP", "",
		60, 60, 460, 145);
	CHECK_FIELD(f, n, MC_FIELD_DOC_NUMBER, 0, "120/QĐ-STP", "Số", 160, 190, 380, 230);
	CHECK_FIELD(f, n, MC_FIELD_DOC_NUMBER, 1, "45/2024/NQ-HĐND", "Số", 160, 240, 460, 280);
	CHECK_INT(n, 3);
	mc_vn_fields_free(f, n);
	page_free(&p);
}

/* ---- numbers and dates on their own ----------------------------------------------------- */

static void test_tax_codes_and_bare_ids(void)
{
	page p = { .n = 0 };
	mc_field *f = NULL;
	size_t n = 0;

	put(&p, 0, 100, 100, 90, "Mã số thuế: 0101234567-001");
	put(&p, 1, 100, 150, 90, "MST: 03l2345678");
	put(&p, 2, 100, 200, 90, "Đơn vị: 0312345678-002 chi nhánh");
	/* a bare 12-digit number is an ID only with a province code 001..096 in front */
	put(&p, 3, 100, 250, 90, "công dân 036 185 000 123 và 999 185 000 123");
	/* a phone number is not a tax code without its label */
	put(&p, 4, 100, 300, 90, "Điện thoại 0912345678");
	CHECK_OK(mc_vn_fields(&f, &n, p.w, p.n, 1));
	CHECK_FIELD(f, n, MC_FIELD_TAX_CODE, 0, "0101234567-001", "Mã số thuế", 340, 100, 620, 140);
	CHECK_FIELD(f, n, MC_FIELD_TAX_CODE, 1, "0312345678", "MST", 200, 150, 400, 190);
	CHECK_FIELD(f, n, MC_FIELD_TAX_CODE, 2, "0312345678-002", "", 260, 200, 540, 240);
	CHECK_FIELD(f, n, MC_FIELD_PERSONAL_ID, 0, "036185000123", "", 280, 250, 580, 290);
	CHECK_INT(count_kind(f, n, MC_FIELD_PERSONAL_ID), 1);
	CHECK_INT(n, 4);
	mc_vn_fields_free(f, n);
	page_free(&p);
}

static void test_dates_in_every_form_and_only_real_ones(void)
{
	page p = { .n = 0 };
	mc_field *f = NULL;
	size_t n = 0;
	static const char *const want[] = {
		"2024-03-05", "2024-03-05", "2024-03-05", "2024-03-05", "2024-02-29", "2000-02-29",
		"2024-03-05",
	};

	put(&p, 0, 100, 100, 90, "ngày 05 tháng 3 năm 2024");
	put(&p, 1, 100, 150, 90, "05/3/2024 và 05-03-2024 và 05.03.2024");
	put(&p, 2, 100, 200, 90, "29/02/2024 29/02/2000");
	/* no such days: 2023 is not a leap year, 1900 is not either, April has 30 */
	put(&p, 3, 100, 250, 90, "29/02/2023 29/02/1900 31/04/2024 ngày 31 tháng 2 năm 2024");
	/* mixed separators, a month 13, a two-digit year */
	put(&p, 4, 100, 300, 90, "05/03-2024 05/13/2024 05/03/24");
	/* spaces inside, and the missing marks of a tired scan */
	put(&p, 5, 100, 350, 90, "ngay O5 thang 3 nam 2O24");
	CHECK_OK(mc_vn_fields(&f, &n, p.w, p.n, 1));
	CHECK_INT(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n && i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK_INT(f[i].kind, MC_FIELD_DATE);
		CHECK_STR(f[i].value, want[i]);
	}
	mc_vn_fields_free(f, n);
	page_free(&p);
}

static void test_names_stop_where_they_should(void)
{
	page p = { .n = 0 };
	mc_field *f = NULL;
	size_t n = 0;

	/* the next label on the same line ends the name */
	put(&p, 0, 100, 100, 90, "Họ tên: LÊ HOÀNG PHÚC Giới tính: Nam");
	/* a lowercase word ends it; one word after "Bà" is not a name (Bà Rịa) */
	put(&p, 1, 100, 150, 90, "bà Phạm Quỳnh Anh là người nộp hồ sơ, tỉnh Bà Rịa");
	/* a label with nothing after it: the next line's label is not a name */
	put(&p, 2, 100, 200, 90, "Họ và tên:");
	put(&p, 3, 100, 250, 90, "Ngày Sinh: 01/01/1990");
	put(&p, 4, 100, 300, 90, "Họ và tên:");
	CHECK_OK(mc_vn_fields(&f, &n, p.w, p.n, 1));
	CHECK_INT(count_kind(f, n, MC_FIELD_FULL_NAME), 2);
	CHECK_FIELD(f, n, MC_FIELD_BIRTH_DATE, 0, "1990-01-01", "Ngày sinh", 320, 250, 520, 290);
	CHECK_FIELD(f, n, MC_FIELD_FULL_NAME, 0, "Lê Hoàng Phúc", "Họ tên", 260, 100, 520, 140);
	CHECK_FIELD(f, n, MC_FIELD_FULL_NAME, 1, "Phạm Quỳnh Anh", "Bà", 160, 150, 440, 190);
	mc_vn_fields_free(f, n);
	page_free(&p);
}

/* ---- output -------------------------------------------------------------------------------- */

static void test_json_is_escaped_and_valid_utf8(void)
{
	mc_field f[2];
	char *json;

	memset(f, 0, sizeof(f));
	f[0].kind = MC_FIELD_FULL_NAME;
	f[0].value = "Nguyễn \"An\"\\";
	f[0].label = "Họ và tên";
	f[0].page = 1;
	f[0].x0 = 1, f[0].y0 = 2, f[0].x1 = 3, f[0].y1 = 4;
	f[0].conf = 71.25f;
	f[1].kind = (mc_field_kind)42;
	f[1].value = "a\x01\xFF" "b";
	f[1].label = NULL;
	json = mc_vn_fields_json(f, 2);
	CHECK_STR(json, "[\n {\"kind\": \"full_name\", \"value\": \"Nguyễn \\\"An\\\"\\\\\", "
		"\"label\": \"Họ và tên\", \"page\": 1, \"box\": [1, 2, 3, 4], \"conf\": 71.2},\n"
		" {\"kind\": \"unknown\", \"value\": \"a\\u0001\xEF\xBF\xBD" "b\", "
		"\"label\": \"\", "
		"\"page\": 0, \"box\": [0, 0, 0, 0], \"conf\": 0.0}\n]\n");
	free(json);
	json = mc_vn_fields_json(NULL, 0);
	CHECK_STR(json, "[]\n");
	free(json);
	CHECK_STR(mc_field_kind_name(MC_FIELD_TAX_CODE), "tax_code");
	CHECK_STR(mc_field_kind_name(MC_FIELD_ISSUER), "issuer");
	CHECK_STR(mc_field_kind_name((mc_field_kind)-1), "unknown");
}

static void test_no_words_no_fields(void)
{
	mc_field *f = (mc_field *)&f;
	size_t n = 7;
	mc_ocr_word w;

	CHECK_OK(mc_vn_fields(&f, &n, NULL, 0, 1));
	CHECK(f == NULL && n == 0);
	memset(&w, 0, sizeof(w));      /* a word with no text */
	CHECK_OK(mc_vn_fields(&f, &n, &w, 1, 1));
	CHECK(n == 0);
	mc_vn_fields_free(f, n);
	mc_vn_fields_free(NULL, 3);
}

/* ---- threads ----------------------------------------------------------------------------- */

typedef struct {
	const page *p;
	const char *want;       /* the JSON one thread made */
	int mismatches;
} worker;

static char *decision_json(const page *p)
{
	mc_field *f = NULL;
	size_t n = 0;
	char *json;

	if (mc_vn_fields(&f, &n, p->w, p->n, 2) < 0)
		return NULL;
	json = mc_vn_fields_json(f, n);
	mc_vn_fields_free(f, n);
	return json;
}

static void *work(void *arg)
{
	worker *k = arg;

	for (int round = 0; round < 200; round++) {
		char *json = decision_json(k->p);
		mc_ocr_word w[3];
		const char *slipped[3] = { "nguời", "tỉn", "Quyêt" }, *want[3] = { "người", "tin",
			"Quyết" };

		if (!json || strcmp(json, k->want) != 0)
			k->mismatches++;
		free(json);
		memset(w, 0, sizeof(w));
		for (int i = 0; i < 3; i++) {
			w[i].text = strdup(slipped[i]);
			w[i].conf = 80;
		}
		mc_vn_correct_words(w, 3);
		for (int i = 0; i < 3; i++) {
			k->mismatches += strcmp(w[i].text, want[i]) != 0;
			free(w[i].text);
		}
	}
	return NULL;
}

static void test_threads_get_the_answers_one_thread_gets(void)
{
	page p = { .n = 0 };
	worker k[4];
	pthread_t th[4];
	char *want;

	decision(&p, false);
	want = decision_json(&p);
	CHECK(want != NULL);
	for (int i = 0; i < 4 && want; i++) {
		k[i].p = &p;
		k[i].want = want;
		k[i].mismatches = 0;
		CHECK_INT(pthread_create(&th[i], NULL, work, &k[i]), 0);
	}
	for (int i = 0; i < 4 && want; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(k[i].mismatches, 0);
	}
	free(want);
	page_free(&p);
}

/* ---- garbage -------------------------------------------------------------------------------- */

static uint64_t rnd_state = 0x2545F4914F6CDD1Dull;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state >> 32);
}

static char *random_word(void)
{
	static const char *const pieces[] = {
		"Số", ":", "ngày", "tháng", "năm", "0", "O", "1", "l", "/", "-", ".", "QĐ", "Ð",
		"UBND", "Họ", "và", "tên", "Ông", "Bà", "NGUYỄN", "sinh", "Ngày", "ỦY", "BAN", "SỞ",
		"\xFF", "\xCC\x81", "\xE1\xBB", "2024", "123", "05", "29", ",", "MST", "CCCD", "\"",
		"\\", "\x01", "Mã", "số", "thuế",
	};
	char buf[64];
	size_t o = 0, parts = 1 + rnd() % 4;

	for (size_t k = 0; k < parts; k++) {
		const char *pc = pieces[rnd() % (sizeof(pieces) / sizeof(pieces[0]))];
		size_t pl = strlen(pc);

		if (rnd() % 8 == 0) {
			buf[o++] = (char)(1 + rnd() % 255);
			continue;
		}
		if (o + pl >= sizeof(buf))
			break;
		memcpy(buf + o, pc, pl);
		o += pl;
	}
	buf[o] = '\0';
	return strdup(buf);
}

static void test_random_words_never_crash(void)
{
	size_t total = 0;

	for (int round = 0; round < 600; round++) {
		page p = { .n = 0 };
		size_t words = rnd() % 120, line = 0;
		mc_field *f = NULL;
		size_t n = 0;
		char *json;

		for (size_t i = 0; i < words; i++) {
			mc_ocr_word *w = &p.w[p.n++];

			memset(w, 0, sizeof(*w));
			w->text = rnd() % 50 ? random_word() : NULL;
			if (rnd() % 4 == 0)
				line += rnd() % 3;      /* lines may repeat or skip */
			w->line = (int)line;
			w->x0 = (int)(rnd() % 3000) - 100;
			w->y0 = (int)(rnd() % 4000) - 100;
			w->x1 = w->x0 + (int)(rnd() % 400) - 20;
			w->y1 = w->y0 + (int)(rnd() % 80) - 10;
			w->conf = (float)(rnd() % 101);
			if (rnd() % 16 == 0) {
				/* boxes at the ends of int: no overflow in gap arithmetic */
				w->x0 = rnd() % 2 ? INT_MIN : INT_MAX;
				w->x1 = rnd() % 2 ? INT_MIN : INT_MAX;
				w->y0 = rnd() % 2 ? INT_MIN : INT_MAX;
				w->y1 = rnd() % 2 ? INT_MIN : INT_MAX;
			}
		}
		CHECK_OK(mc_vn_fields(&f, &n, p.w, p.n, round));
		total += n;
		json = mc_vn_fields_json(f, n);
		CHECK(json != NULL);
		if (json) {
			size_t len = strlen(json), i = 0;

			while (i < len)
				if (vn_utf8_next(json, len, &i) == VN_NONE) {
					test_failures++;
					fprintf(stderr, "%s: the JSON is not UTF-8\n",
						test_current);
					break;
				}
			CHECK(json[0] == '[');
		}
		for (size_t i = 0; i < n; i++) {
			CHECK(f[i].value && f[i].label);
			CHECK(f[i].page == round);
		}
		free(json);
		mc_vn_fields_free(f, n);
		page_free(&p);
	}
	CHECK(total > 0);
}

TEST_MAIN(
	TEST_CASE(test_card_yields_id_name_and_dates),
	TEST_CASE(test_card_with_the_value_beside_its_label),
	TEST_CASE(test_decision_yields_issuer_number_dates_and_name),
	TEST_CASE(test_decision_header_variants_and_slips),
	TEST_CASE(test_tax_codes_and_bare_ids),
	TEST_CASE(test_dates_in_every_form_and_only_real_ones),
	TEST_CASE(test_names_stop_where_they_should),
	TEST_CASE(test_json_is_escaped_and_valid_utf8),
	TEST_CASE(test_no_words_no_fields),
	TEST_CASE(test_threads_get_the_answers_one_thread_gets),
	TEST_CASE(test_random_words_never_crash)
)
