/* tests/pki/issuance.c — a decision issued the way provinces issue them: the drafter's
 * initials, the leader's signature image between title and name, then the document office's
 * seal over the left third of it and the number and date written onto page 1 by agency
 * signatures in the template's fields. pdfsig calls every signature valid, motcua allows
 * every revision, and the rendered page shows each mark where it belongs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/time.h"
#include "motcua/pades.h"
#include "pdf/pdf.h"
#include "test.h"

#define FONT "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
#define BOLD "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"
#define DPI 72                  /* one pixel a point: widget rectangles map directly */

typedef struct {
	char *dir;
	char pki[4096], trust[4096], draft[4096];
} world;

static const char *const body[] = {
	"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;",
	"Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;",
	"Xét đề nghị của Chánh Văn phòng Ủy ban nhân dân tỉnh.",
	"QUYẾT ĐỊNH:",
	"Điều 1. Cấp giấy phép xây dựng cho ông Nguyễn Văn An.",
	"Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
};

static void world_open(world *w)
{
	mc_pdf_decision d = { 0 };
	char *out = NULL;

	w->dir = test_tmpdir();
	snprintf(w->pki, sizeof(w->pki), "%s/pki", w->dir);
	snprintf(w->trust, sizeof(w->trust), "%s/trust", w->dir);
	snprintf(w->draft, sizeof(w->draft), "%s/draft.pdf", w->dir);
	CHECK_OK(motcua_pki_demo(w->pki));
	CHECK_INT(test_run(&out, "mkdir -p '%s' && cp '%s/root.pem' '%s/issuing.crl.pem' '%s/'",
		w->trust, w->pki, w->pki, w->trust), 0);
	free(out);
	d.agency_parent = "ỦY BAN NHÂN DÂN";
	d.agency = "TỈNH QUẢNG NGÃI";
	d.place = "Quảng Ngãi";
	d.kind = "QUYẾT ĐỊNH";
	d.title = "Về việc cấp giấy phép xây dựng";
	d.body = body;
	d.n_body = sizeof(body) / sizeof(body[0]);
	d.signer_title[0] = "TM. ỦY BAN NHÂN DÂN";
	d.signer_title[1] = "CHỦ TỊCH";
	d.signer_name = "Nguyễn Văn Lãnh Đạo";
	d.font_file = FONT;
	d.bold_font_file = BOLD;
	CHECK_OK(mc_pdf_write_decision(w->draft, &d));
}

static void world_close(world *w)
{
	test_rmdir(w->dir);
	free(w->dir);
}

/* One signing step of the outgoing process: who signs, as what, where, with what. */
static int step(const world *w, const char *in, const char *out, const char *who,
	motcua_sign_as as, const char *field, const char *image, const char *text,
	const char *when)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_signer *s = NULL;
	char p12[4200], png[4200];
	int error;

	snprintf(p12, sizeof(p12), "%s/%s.p12", w->pki, who);
	if (image)
		snprintf(png, sizeof(png), "%s/%s", w->pki, image);
	o.as = as;
	o.field = field;
	o.image = image ? png : NULL;
	o.text = text;
	o.trust_dir = w->trust;
	if (mc_time_parse(&o.signing_time, when) < 0)
		return MOTCUA_EINVALID;
	if ((error = motcua_signer_load_p12(&s, p12, "motcua")) < 0)
		return error;
	error = motcua_sign_pdf(in, out, s, &o);
	motcua_signer_free(s);
	return error;
}

/* Page 1 rendered at 72 dpi as RGB, and its width and height. */
static unsigned char *render(const world *w, const char *pdf, int *pw, int *ph)
{
	char *out = NULL, path[4200], *ppm;
	size_t len = 0;
	unsigned char *pix = NULL;
	int maxval = 0, off = 0;

	CHECK_INT(test_run(&out, "pdftoppm -r %d -f 1 -l 1 -singlefile '%s' '%s/page'", DPI,
		pdf, w->dir), 0);
	free(out);
	snprintf(path, sizeof(path), "%s/page.ppm", w->dir);
	if (!(ppm = test_read_file(path, &len)))
		return NULL;
	if (sscanf(ppm, "P6 %d %d %d%n", pw, ph, &maxval, &off) == 3 && maxval == 255 &&
	    (size_t)off + 1 + (size_t)*pw * *ph * 3 <= len) {
		pix = malloc((size_t)*pw * *ph * 3);
		memcpy(pix, ppm + off + 1, (size_t)*pw * *ph * 3);
	}
	free(ppm);
	CHECK(pix != NULL);
	return pix;
}

typedef enum { INK_DARK, INK_RED, INK_BLUE } ink;

/* Pixels of an ink inside a rectangle given in PDF points (origin bottom left). */
static long count_ink(const unsigned char *pix, int pw, int ph, const double r[4], ink k)
{
	long n = 0;

	for (int y = (int)(ph - r[1] - r[3]); y < (int)(ph - r[1]); y++)
		for (int x = (int)r[0]; x < (int)(r[0] + r[2]); x++) {
			const unsigned char *p;

			if (x < 0 || y < 0 || x >= pw || y >= ph)
				continue;
			p = pix + ((size_t)y * pw + x) * 3;
			if (k == INK_DARK)
				n += p[0] < 100 && p[1] < 100 && p[2] < 100;
			else if (k == INK_RED)
				n += p[0] > 150 && p[1] < 110 && p[2] < 110;
			else
				n += p[2] > 120 && p[0] < 110 && p[1] < 130;
		}
	return n;
}

static void field_rect(const char *pdf, const char *name, double r[4])
{
	bool empty = false;
	int page = 0;

	CHECK_OK(mc_pdf_field_place(&page, r, &empty, pdf, name));
	CHECK_INT(page, 1);
}

static void test_issued_like_a_province(void)
{
	world w;
	char f[6][4200], *out = NULL;
	double num[4], date[4], lead[4], left_third[4], rest[4];
	motcua_verify_report *r = NULL;
	unsigned char *before, *after;
	int pw = 0, ph = 0;

	world_open(&w);
	for (int i = 0; i < 6; i++)
		snprintf(f[i], sizeof(f[i]), "%s/step%d.pdf", w.dir, i);
	CHECK_OK(step(&w, w.draft, f[1], "drafter", MOTCUA_SIGN_INITIALS,
		MC_PDF_FIELD_INITIALS, NULL, NULL, "2026-03-04T16:00"));
	CHECK_OK(step(&w, f[1], f[2], "leader", MOTCUA_SIGN_LEADER, MC_PDF_FIELD_LEADER,
		"leader-signature.png", NULL, "2026-03-05T10:30"));
	CHECK_OK(step(&w, f[2], f[3], "seal", MOTCUA_SIGN_AGENCY, NULL, "seal.png", NULL,
		"2026-03-05T14:00"));
	CHECK_OK(step(&w, f[3], f[4], "seal", MOTCUA_SIGN_AGENCY, MC_PDF_FIELD_NUMBER, NULL,
		"123/QĐ-UBND", "2026-03-05T14:01"));
	CHECK_OK(step(&w, f[4], f[5], "seal", MOTCUA_SIGN_AGENCY, MC_PDF_FIELD_DATE, NULL,
		"ngày 05 tháng 3 năm 2026", "2026-03-05T14:02"));

	/* pdfsig: all five valid, the last one covering the whole file */
	CHECK_INT(test_run(&out, "pdfsig '%s'", f[5]), 0);
	{
		int valid = 0;

		for (const char *p = out; (p = strstr(p, "Signature is Valid")); p++)
			valid++;
		CHECK_INT(valid, 5);
	}
	CHECK(strstr(out, "Total document signed") != NULL);
	free(out);
	CHECK_INT(test_run(&out, "qpdf --check '%s'", f[5]), 0);
	free(out);

	/* motcua: every signature intact, every revision allowed, every chain trusted */
	CHECK_OK(motcua_verify_pdf(&r, f[5], w.trust));
	if (r) {
		CHECK_INT(r->n_sigs, 5);
		for (size_t i = 0; i < r->n_sigs; i++) {
			CHECK_INT(r->sigs[i].integrity, MOTCUA_PASSED);
			CHECK_INT(r->sigs[i].modification, MOTCUA_PASSED);
			CHECK_INT(r->sigs[i].trust, MOTCUA_PASSED);
		}
		/* the drafter and the leader are people; the seal, number and date the agency */
		for (size_t i = 0; i < r->n_sigs; i++) {
			bool person = strcmp(r->sigs[i].field, MC_PDF_FIELD_INITIALS) == 0 ||
				strcmp(r->sigs[i].field, MC_PDF_FIELD_LEADER) == 0;

			CHECK_INT(r->sigs[i].signer_is_person, person);
		}
		CHECK(motcua_verify_all_passed(r));
		motcua_verify_report_free(r);
	}

	/* the page: number and date written where the draft left them blank */
	field_rect(f[5], MC_PDF_FIELD_NUMBER, num);
	field_rect(f[5], MC_PDF_FIELD_DATE, date);
	field_rect(f[5], MC_PDF_FIELD_LEADER, lead);
	before = render(&w, w.draft, &pw, &ph);
	after = render(&w, f[5], &pw, &ph);
	if (before && after) {
		CHECK(count_ink(before, pw, ph, num, INK_DARK) < 5);
		CHECK(count_ink(after, pw, ph, num, INK_DARK) > 60);
		CHECK(count_ink(before, pw, ph, date, INK_DARK) < 5);
		CHECK(count_ink(after, pw, ph, date, INK_DARK) > 120);
		/* the leader's blue strokes inside the leader's field */
		CHECK(count_ink(after, pw, ph, lead, INK_BLUE) > 200);
		/* the seal's red over the left third of the leader's image, none further right */
		memcpy(left_third, lead, sizeof(lead));
		left_third[2] = lead[2] / 3;
		memcpy(rest, lead, sizeof(lead));
		rest[0] = lead[0] + lead[2] / 3 + 2;
		rest[2] = lead[2] * 2 / 3 - 2;
		CHECK(count_ink(after, pw, ph, left_third, INK_RED) > 150);
		CHECK_INT(count_ink(after, pw, ph, rest, INK_RED), 0);
		CHECK_INT(count_ink(before, pw, ph, lead, INK_RED), 0);
	}
	free(before);
	free(after);
	world_close(&w);
}

/* The seal needs a personal signature to cover; a number field that is already signed
 * cannot be signed again; a leader signature made with a certificate expired at its claimed
 * time stops the office (the verifier's verdict, not the office's word). */
static void test_office_refuses_what_it_cannot_place(void)
{
	world w;
	char a[4200], b[4200];

	world_open(&w);
	snprintf(a, sizeof(a), "%s/a.pdf", w.dir);
	snprintf(b, sizeof(b), "%s/b.pdf", w.dir);
	CHECK_ERR(step(&w, w.draft, a, "seal", MOTCUA_SIGN_AGENCY, NULL, "seal.png", NULL,
		"2026-03-05T14:00"), MOTCUA_EINVALID);
	CHECK(strstr(motcua_error_last(), "personal signature") != NULL);
	CHECK(access(a, F_OK) != 0);
	CHECK_OK(step(&w, w.draft, a, "seal", MOTCUA_SIGN_AGENCY, MC_PDF_FIELD_NUMBER, NULL,
		"123/QĐ-UBND", "2026-03-05T14:01"));
	CHECK_ERR(step(&w, a, b, "seal", MOTCUA_SIGN_AGENCY, MC_PDF_FIELD_NUMBER, NULL,
		"124/QĐ-UBND", "2026-03-05T14:02"), MOTCUA_EINVALID);
	CHECK(strstr(motcua_error_last(), MC_PDF_FIELD_NUMBER) != NULL);
	CHECK(access(b, F_OK) != 0);
	/* an image that is not a PNG is named */
	{
		char *bad = test_write_file(w.dir, "seal-bad.png", "GIF89a not a png");
		motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
		motcua_signer *s = NULL;
		char p12[4200];

		snprintf(p12, sizeof(p12), "%s/leader.p12", w.pki);
		CHECK_OK(motcua_signer_load_p12(&s, p12, "motcua"));
		o.field = MC_PDF_FIELD_LEADER;
		o.image = bad;
		CHECK_ERR(motcua_sign_pdf(w.draft, b, s, &o), MOTCUA_EINVALID);
		CHECK(strstr(motcua_error_last(), "seal-bad.png") != NULL);
		CHECK(access(b, F_OK) != 0);
		motcua_signer_free(s);
		free(bad);
	}
	world_close(&w);
}

int main(int argc, char **argv)
{
	static const test_case cases[] = {
		{ "issued_like_a_province", test_issued_like_a_province },
		{ "office_refuses_what_it_cannot_place", test_office_refuses_what_it_cannot_place },
	};

	return test_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]));
}
