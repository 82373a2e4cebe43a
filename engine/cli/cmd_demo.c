/* cli/cmd_demo.c — `motcua demo`: a fresh store with the sample procedures and calendar, and
 * sample dossiers driven through them on a simulated clock, printing each step, then the
 * indicators and the store's self-checks. The README's run command ends here. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/time.h"
#include "motcua/pades.h"
#include "motcua/trust.h"
#include "pdf/pdf.h"

typedef struct {
	motcua_ctx *ctx;
	const char *dir;     /* the store folder: the demo PKI and documents go beside the data */
	int failed;
} demo;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static bool check(demo *d, int error, const char *what)
{
	if (error < 0) {
		fprintf(stderr, "demo: %s: %s\n", what, motcua_error_last());
		d->failed = 1;
		return false;
	}
	return true;
}

static void at(demo *d, const char *when, const char *user)
{
	int64_t t;

	if (mc_time_parse(&t, when) == 0)
		motcua_ctx_set_now(d->ctx, t);
	motcua_ctx_set_user(d->ctx, user);
}

static void show_open(demo *d, const char *code)
{
	motcua_task_filter f = { 0 };
	motcua_task_info *tasks;
	size_t n;

	f.dossier = code;
	if (motcua_task_list(&tasks, &n, d->ctx, &f) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		say("      → waiting: %s (%s, role %s)\n", tasks[i].name, tasks[i].node,
			tasks[i].role ? tasks[i].role : tasks[i].plugin);
	motcua_task_list_free(tasks, n);
}

/* The acting user completes the dossier's open task at `node`, with variables. */
static void step(demo *d, const char *code, const char *when, const char *user,
	const char *node, const motcua_var *vars, size_t n)
{
	motcua_task_filter f = { 0 };
	motcua_task_info *tasks;
	size_t count;
	int64_t id = 0;
	const char *name = node;

	if (d->failed)
		return;
	at(d, when, user);
	f.dossier = code;
	if (!check(d, motcua_task_list(&tasks, &count, d->ctx, &f), "listing tasks"))
		return;
	for (size_t i = 0; i < count; i++)
		if (strcmp(tasks[i].node, node) == 0 && !id) {
			id = tasks[i].id;
			name = tasks[i].name;
		}
	say("  %s  %-12s %s", when, user, name);
	for (size_t i = 0; i < n; i++)
		say("%s%s=%s", i ? ", " : " [", vars[i].name, vars[i].value);
	say("%s\n", n ? "]" : "");
	if (!id) {
		fprintf(stderr, "demo: %s has no open task '%s'\n", code, node);
		d->failed = 1;
	} else {
		check(d, motcua_task_complete(d->ctx, id, vars, n), node);
		show_open(d, code);
	}
	motcua_task_list_free(tasks, count);
}

static void receive(demo *d, char *code, const char *when, const char *user,
	const char *agency, const char *procedure, const char *applicant, motcua_channel ch)
{
	motcua_receive_options opts = MOTCUA_RECEIVE_OPTIONS_INIT;
	motcua_dossier_info info;
	char due[32];

	if (d->failed)
		return;
	at(d, when, user);
	opts.applicant_id = applicant;
	opts.channel = ch;
	if (!check(d, motcua_dossier_receive(code, d->ctx, agency, procedure, &opts), procedure) ||
	    !check(d, motcua_dossier_get(&info, d->ctx, code), code))
		return;
	say("  %s  %-12s received %s (%s), due %s\n", when, user, code,
		ch == MOTCUA_CHANNEL_ONLINE ? "online" : "at the counter",
		cli_time(due, info.due_at));
	show_open(d, code);
	motcua_dossier_info_clear(&info);
}

static void summary(demo *d, const char *code)
{
	motcua_dossier_info info;
	char t[2][32];

	if (d->failed || !check(d, motcua_dossier_get(&info, d->ctx, code), code))
		return;
	say("  => %s %s (%s): finished %s, due %s, %s; clock paused %.0f working hours\n\n",
		code, info.status, info.outcome ? info.outcome : "-",
		cli_time(t[0], info.finished_at), cli_time(t[1], info.due_at),
		info.on_time ? "ON TIME" : info.finished_at ? "LATE" : "open",
		info.paused_seconds / 3600.0);
	motcua_dossier_info_clear(&info);
}

static void setup(demo *d, const char *workflows, const char *calendar)
{
	static const struct { const char *code, *name, *level, *parent; } agencies[] = {
		{ "000.00.00.H99", "Ủy ban nhân dân tỉnh Mẫu", "province", NULL },
		{ "000.00.21.H99", "Ủy ban nhân dân huyện Mẫu", "district", "000.00.00.H99" },
		{ "000.21.31.H99", "Ủy ban nhân dân xã Mẫu", "commune", "000.00.21.H99" },
	};
	static const struct { const char *name, *full, *agency, *roles; } users[] = {
		{ "admin", "Quản trị hệ thống", "000.00.00.H99", "admin" },
		{ "vanthu.tinh", "Nguyễn Thị Văn Thư", "000.00.00.H99", "office,clerk" },
		{ "cv.tinh", "Trần Văn Chuyên", "000.00.00.H99", "specialist" },
		{ "ld.tinh", "Lê Văn Lãnh Đạo", "000.00.00.H99", "leader" },
		{ "motcua.huyen", "Phạm Thị Một Cửa", "000.00.21.H99", "clerk" },
		{ "cv.huyen", "Hoàng Văn Thẩm Định", "000.00.21.H99", "specialist" },
		{ "ld.huyen", "Đỗ Văn Phê Duyệt", "000.00.21.H99", "leader" },
		{ "motcua.xa", "Vũ Thị Tiếp Nhận", "000.21.31.H99", "clerk" },
		{ "tuphap.xa", "Bùi Văn Hộ Tịch", "000.21.31.H99", "specialist" },
		{ "ct.xa", "Đặng Văn Chủ Tịch", "000.21.31.H99", "leader" },
	};

	at(d, "2026-01-05T08:00", "admin");
	if (!check(d, motcua_calendar_install(d->ctx, calendar), calendar))
		return;
	say("calendar: %s (Tết: Monday 16 to Friday 20 February 2026)\n", calendar);
	for (size_t i = 0; i < sizeof(agencies) / sizeof(agencies[0]); i++)
		if (!check(d, motcua_agency_add(d->ctx, agencies[i].code, agencies[i].name,
		    agencies[i].level, agencies[i].parent), agencies[i].code))
			return;
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
		if (!check(d, motcua_user_add(d->ctx, users[i].name, users[i].full, users[i].agency,
		    users[i].roles), users[i].name))
			return;
	say("agencies: province, district, commune; %zu users with their roles\n",
		sizeof(users) / sizeof(users[0]));
	if (cli_load_procedures(d->ctx, workflows, true) != EXIT_OK) {
		d->failed = 1;
		return;
	}
	say("procedures loaded from %s\n\n", workflows);
}

#define VARS(...) (const motcua_var[]){ __VA_ARGS__ }, \
	sizeof((const motcua_var[]){ __VA_ARGS__ }) / sizeof(motcua_var)

static void construction_permit(demo *d)
{
	char c[MOTCUA_DOSSIER_CODE_MAX] = "";

	say("1. Cấp giấy phép xây dựng nhà ở riêng lẻ (15 working days), received after the "
		"15:00 cut-off on the Thursday before Tết; one request for more papers\n");
	receive(d, c, "2026-02-12T16:00", "motcua.huyen", "000.00.21.H99", "1.004442",
		"001086012345", MOTCUA_CHANNEL_COUNTER);
	step(d, c, "2026-02-13T09:00", "motcua.huyen", "receive", NULL, 0);
	step(d, c, "2026-02-23T10:00", "cv.huyen", "review", VARS({ "needMorePapers", "true" }));
	step(d, c, "2026-02-26T10:00", "motcua.huyen", "supplement", NULL, 0);
	step(d, c, "2026-02-27T09:00", "cv.huyen", "review", VARS({ "needMorePapers", "false" }));
	step(d, c, "2026-03-03T10:00", "cv.huyen", "site_inspection", NULL, 0);
	step(d, c, "2026-03-03T11:00", "motcua.huyen", "collect_fee", NULL, 0);
	step(d, c, "2026-03-09T15:00", "ld.huyen", "approve", VARS({ "approved", "true" }));
	step(d, c, "2026-03-10T09:00", "motcua.huyen", "return_result", NULL, 0);
	summary(d, c);
}

static void birth_registration(demo *d)
{
	char c[MOTCUA_DOSSIER_CODE_MAX] = "";

	say("2. Đăng ký khai sinh (1 working day), received online\n");
	receive(d, c, "2026-03-02T08:30", "motcua.xa", "000.21.31.H99", "1.001193",
		"001226009876", MOTCUA_CHANNEL_ONLINE);
	step(d, c, "2026-03-02T08:45", "motcua.xa", "receive", NULL, 0);
	step(d, c, "2026-03-02T10:00", "tuphap.xa", "review", NULL, 0);
	step(d, c, "2026-03-02T11:00", "ct.xa", "approve", VARS({ "approved", "true" }));
	step(d, c, "2026-03-02T14:00", "motcua.xa", "return_result", NULL, 0);
	summary(d, c);
}

static void copy_certification(demo *d)
{
	char c[MOTCUA_DOSSIER_CODE_MAX] = "";
	size_t fired = 0;

	say("3. Chứng thực bản sao từ bản chính (8 working hours): the leader lets the "
		"deadline pass, the timer escalates\n");
	receive(d, c, "2026-03-02T14:00", "motcua.xa", "000.21.31.H99", "2.000815",
		"001090001111", MOTCUA_CHANNEL_COUNTER);
	step(d, c, "2026-03-02T14:10", "motcua.xa", "receive", NULL, 0);
	at(d, "2026-03-03T13:30", "admin");
	if (!d->failed && check(d, motcua_tick(d->ctx, &fired), "tick")) {
		say("  2026-03-03T13:30  (tick)       %zu timer(s) fired or step(s) run\n", fired);
		show_open(d, c);
	}
	step(d, c, "2026-03-03T14:00", "ct.xa", "certify", NULL, 0);
	step(d, c, "2026-03-03T14:15", "motcua.xa", "return_result", NULL, 0);
	summary(d, c);
}

/* One signing step of issuance: `who` (a demo PKI name) signs `in` into `out` as `as`, in
 * the draft's field when one is named, with a demo image, at the demo clock. */
static void sign_as(demo *d, const char *in, const char *out, const char *who,
	motcua_sign_as as, const char *field, const char *image, const char *text)
{
	motcua_sign_options o = MOTCUA_SIGN_OPTIONS_INIT;
	motcua_signer *s = NULL;
	char p12[4200], trust[4200], png[4200];

	if (d->failed)
		return;
	snprintf(p12, sizeof(p12), "%s/pki/%s.p12", d->dir, who);
	snprintf(trust, sizeof(trust), "%s/trust", d->dir);
	snprintf(png, sizeof(png), "%s/pki/%s", d->dir, image ? image : "");
	o.as = as;
	o.signing_time = motcua_ctx_now(d->ctx);
	o.field = field;
	o.image = image ? png : NULL;
	o.text = text;
	o.trust_dir = trust;
	if (check(d, motcua_signer_load_p12(&s, p12, "motcua"), p12))
		check(d, motcua_sign_pdf(in, out, s, &o), out);
	motcua_signer_free(s);
}

/* The decision the outgoing-document process issues, drafted on the Decree 30 layout with
 * empty fields for the initials, the leader's signature, the number and the date. */
static void decision_pdf(demo *d, char *path, size_t size)
{
	static const char *const body[] = {
		"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;",
		"Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;",
		"Xét đề nghị của Giám đốc Sở Khoa học và Công nghệ.",
		"QUYẾT ĐỊNH:",
		"Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số năm 2026.",
		"Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
	};
	mc_pdf_decision doc = { 0 };
	char pki[4200], trust[4200], file[4300];
	size_t added;

	snprintf(pki, sizeof(pki), "%s/pki", d->dir);
	snprintf(trust, sizeof(trust), "%s/trust", d->dir);
	snprintf(path, size, "%s/decision.pdf", d->dir);
	if (!check(d, motcua_pki_demo(pki), "pki demo"))
		return;
	snprintf(file, sizeof(file), "%s/root.pem", pki);
	check(d, motcua_trust_add(&added, trust, file, false), file);
	snprintf(file, sizeof(file), "%s/issuing.crl.pem", pki);
	check(d, motcua_trust_add(&added, trust, file, false), file);
	doc.agency_parent = "ỦY BAN NHÂN DÂN";
	doc.agency = "TỈNH MẪU";
	doc.place = "Mẫu";
	doc.kind = "QUYẾT ĐỊNH";
	doc.title = "Ban hành Kế hoạch chuyển đổi số của tỉnh năm 2026";
	doc.body = body;
	doc.n_body = sizeof(body) / sizeof(body[0]);
	doc.signer_title[0] = "TM. ỦY BAN NHÂN DÂN";
	doc.signer_title[1] = "CHỦ TỊCH";
	doc.signer_name = "Nguyễn Văn Lãnh Đạo";
	doc.font_file = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf";
	doc.bold_font_file = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf";
	check(d, mc_pdf_write_decision(path, &doc), path);
}

static void show_verification(demo *d, const char *path)
{
	motcua_verify_report *r = NULL;
	char trust[4200], *text;

	snprintf(trust, sizeof(trust), "%s/trust", d->dir);
	if (d->failed || !check(d, motcua_verify_pdf(&r, path, trust), path))
		return;
	if ((text = motcua_verify_report_text(r, "en"))) {
		say("%s", text);
		free(text);
	}
	if (!motcua_verify_all_passed(r))
		d->failed = 1;
	motcua_verify_report_free(r);
}

static void documents(demo *d)
{
	char pdf[4096], signed_pdf[4200], issued[4200];
	char in[MOTCUA_DOSSIER_CODE_MAX] = "", out[MOTCUA_DOSSIER_CODE_MAX] = "";

	char initialled[4200], sealed[4200], numbered[4200];

	say("4. Văn bản đi: drafted and initialled, sent back once for changes, signed by the "
		"leader, then sealed, numbered and dated on page 1 by the document office (PAdES)\n");
	receive(d, out, "2026-03-04T08:00", "vanthu.tinh", "000.00.00.H99", "VB-DI",
		"0100109106", MOTCUA_CHANNEL_COUNTER);
	step(d, out, "2026-03-04T10:00", "cv.tinh", "draft", NULL, 0);
	step(d, out, "2026-03-04T15:00", "ld.tinh", "review",
		VARS({ "changesRequested", "true" }));
	/* the drafter's second draft, initialled (ký nháy) where the text ends */
	at(d, "2026-03-05T09:00", "cv.tinh");
	decision_pdf(d, pdf, sizeof(pdf));
	snprintf(initialled, sizeof(initialled), "%s/decision-initialled.pdf", d->dir);
	sign_as(d, pdf, initialled, "drafter", MOTCUA_SIGN_INITIALS, MC_PDF_FIELD_INITIALS,
		NULL, NULL);
	step(d, out, "2026-03-05T09:00", "cv.tinh", "draft", NULL, 0);
	step(d, out, "2026-03-05T10:00", "ld.tinh", "review",
		VARS({ "changesRequested", "false" }));
	snprintf(signed_pdf, sizeof(signed_pdf), "%s/decision-signed.pdf", d->dir);
	snprintf(sealed, sizeof(sealed), "%s/decision-sealed.pdf", d->dir);
	snprintf(numbered, sizeof(numbered), "%s/decision-numbered.pdf", d->dir);
	snprintf(issued, sizeof(issued), "%s/decision-issued.pdf", d->dir);
	at(d, "2026-03-05T10:30", "ld.tinh");
	sign_as(d, initialled, signed_pdf, "leader", MOTCUA_SIGN_LEADER, MC_PDF_FIELD_LEADER,
		"leader-signature.png", NULL);
	step(d, out, "2026-03-05T10:30", "ld.tinh", "sign", NULL, 0);
	/* the office: every earlier signature checked, then the seal over the left third of
	 * the leader's signature, the register's number and the issue date onto page 1 */
	at(d, "2026-03-05T11:00", "vanthu.tinh");
	sign_as(d, signed_pdf, sealed, "seal", MOTCUA_SIGN_AGENCY, NULL, "seal.png", NULL);
	sign_as(d, sealed, numbered, "seal", MOTCUA_SIGN_AGENCY, MC_PDF_FIELD_NUMBER, NULL,
		"01/QĐ-UBND");
	sign_as(d, numbered, issued, "seal", MOTCUA_SIGN_AGENCY, MC_PDF_FIELD_DATE, NULL,
		"ngày 05 tháng 3 năm 2026");
	if (!d->failed)
		check(d, motcua_dossier_attach(d->ctx, out, issued, "result",
			"Quyết định số 01/QĐ-UBND"), "attach");
	step(d, out, "2026-03-05T11:00", "vanthu.tinh", "number_and_seal", NULL, 0);
	summary(d, out);
	say("   the issued decision %s, verified:\n", issued);
	show_verification(d, issued);
	say("\n");
	say("5. Văn bản đến: registered and assigned, still being handled\n");
	receive(d, in, "2026-03-05T08:00", "vanthu.tinh", "000.00.00.H99", "VB-DEN",
		"0100109106", MOTCUA_CHANNEL_ONLINE);
	step(d, in, "2026-03-05T08:30", "vanthu.tinh", "register", NULL, 0);
	step(d, in, "2026-03-05T09:00", "ld.tinh", "assign", NULL, 0);
	say("\n");
}

static void report(demo *d)
{
	motcua_stats_options opts = MOTCUA_STATS_OPTIONS_INIT;
	motcua_audit_report audit;
	size_t problems = 0;

	if (d->failed)
		return;
	at(d, "2026-03-31T17:00", "admin");
	say("Indicators, all agencies, as of 2026-03-31:\n");
	check(d, cli_print_stats(d->ctx, &opts, false), "stats");
	if (check(d, motcua_audit_verify(&audit, d->ctx), "audit verify"))
		say("\naudit chain intact: %lld events, head %.16s…\n", (long long)audit.events,
			audit.head);
	if (check(d, motcua_fsck(&problems, d->ctx, NULL, NULL), "fsck"))
		say("fsck: store is consistent\n");
}

static int cmd_demo(cli_args *a)
{
	const char *workflows = cli_opt(a, "--workflows") ? cli_opt(a, "--workflows") :
		MC_SOURCE_ROOT "/workflows";
	const char *calendar = cli_opt(a, "--calendar-file") ? cli_opt(a, "--calendar-file") :
		MC_SOURCE_ROOT "/samples/calendar/vn-2026.cal";
	char fresh[] = "motcua-demo-XXXXXX";
	cli_args b = *a;
	demo d = { 0 };
	int rc;

	if (!b.store) {
		if (!mkdtemp(fresh)) {
			perror("motcua demo: cannot make a store folder");
			return EXIT_USAGE;
		}
		b.store = fresh;
	}
	say("motcua %s demo — store %s\n", MOTCUA_VERSION, b.store);
	d.dir = b.store;
	if ((rc = cli_open(&d.ctx, &b, true)) != EXIT_OK)
		return rc;
	setup(&d, workflows, calendar);
	if (!d.failed) {
		construction_permit(&d);
		birth_registration(&d);
		copy_certification(&d);
		documents(&d);
		report(&d);
	}
	motcua_ctx_free(d.ctx);
	if (!d.failed)
		say("\nexplore it: build/motcua dossier list --store %s\n", b.store);
	return d.failed ? EXIT_NO : EXIT_OK;
}

const cli_command cli_demo_commands[] = {
	{ "demo", "[--store DIR] [--workflows DIR] [--calendar-file FILE]",
	  "make a store and drive sample dossiers through the sample procedures",
	  "--workflows --calendar-file", NULL, cmd_demo, 0 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, 0 }
};
