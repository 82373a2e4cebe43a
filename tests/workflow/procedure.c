/* tests/workflow/procedure.c — procedure descriptors: every field read as written, every
 * refusal naming its line and attribute, the process path kept inside the descriptor's folder,
 * and every descriptor shipped in workflows/ loading together with its BPMN process. */
#include <dirent.h>

#include "test.h"
#include "workflow/bpmn.h"
#include "workflow/procedure.h"

/* Line numbers matter: the error cases below replace one of these lines. */
static const char *const base_lines[] = {
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
	"<procedure xmlns=\"https://motcua.vn/schema/procedure/1\" code=\"1.004442\">",
	"  <name>Cấp giấy phép xây dựng\n    nhà ở riêng lẻ </name>",
	"  <field>Hoạt động xây dựng</field>",
	"  <agency level=\"district\">Ủy ban nhân dân cấp huyện</agency>",
	"  <timeLimit unit=\"working-days\">15</timeLimit>",
	"  <fee currency=\"VND\">75000</fee>",
	"  <online>partial</online>",
	"  <result type=\"GPXD\">Giấy phép xây dựng</result>",
	"  <process file=\"construction-permit.bpmn\"/>",
	"  <documents>",
	"    <document code=\"TP1\" copies=\"1\" required=\"true\">",
	"      <name>Đơn đề nghị cấp giấy phép xây dựng</name>",
	"    </document>",
	"    <document code=\"TP2\" copies=\"2\" required=\"false\">",
	"      <name>Bản sao giấy tờ chứng minh quyền sử dụng đất</name>",
	"      <accepts result=\"GCN-QSDD\"/>",
	"    </document>",
	"    <document code=\"TP3\">",
	"      <name>Bản vẽ thiết kế xây dựng</name>",
	"      <accepts result=\"BV-TK\"/><accepts result=\"BV.TK_2\"/>",
	"    </document>",
	"  </documents>",
	"</procedure>",
};
#define N_BASE (sizeof(base_lines) / sizeof(base_lines[0]))

/* The base descriptor with line `line` (1-based; 0 for none) replaced by `text`. Line 3 spans
 * two lines, so every line after it is one further down in the document. */
static char *descriptor_with(size_t line, const char *text)
{
	size_t size = 1;
	char *s;

	for (size_t i = 0; i < N_BASE; i++)
		size += strlen(i + 1 == line ? text : base_lines[i]) + 1;
	if (!(s = malloc(size)))
		abort();
	s[0] = '\0';
	for (size_t i = 0; i < N_BASE; i++) {
		strcat(s, i + 1 == line ? text : base_lines[i]);
		strcat(s, "\n");
	}
	return s;
}

static int load_text(mc_procedure_desc **out, const char *text)
{
	return mc_procedure_load_buffer(out, text, strlen(text), "permit.procedure.xml",
		"/srv/motcua/workflows");
}

static void test_valid_descriptor_field_by_field(void)
{
	char *text = descriptor_with(0, NULL);
	mc_procedure_desc *d = NULL;

	CHECK_OK(load_text(&d, text));
	CHECK(d != NULL);
	if (d) {
		CHECK_STR(d->file, "permit.procedure.xml");
		CHECK_STR(d->code, "1.004442");
		/* wrapped over two lines, trailing space: folded and trimmed */
		CHECK_STR(d->name, "Cấp giấy phép xây dựng nhà ở riêng lẻ");
		CHECK_STR(d->field, "Hoạt động xây dựng");
		CHECK_STR(d->agency, "Ủy ban nhân dân cấp huyện");
		CHECK_STR(d->agency_level, "district");
		CHECK_INT(d->limit, 15);
		CHECK_INT(d->unit, MOTCUA_LIMIT_WORKING_DAYS);
		CHECK_INT(d->fee, 75000);
		CHECK_STR(d->online, "partial");
		CHECK_STR(d->result_type, "GPXD");
		CHECK_STR(d->result_name, "Giấy phép xây dựng");
		CHECK_STR(d->process_file, "/srv/motcua/workflows/construction-permit.bpmn");
		CHECK_INT(d->n_docs, 3);
	}
	if (d && d->n_docs == 3) {
		CHECK_STR(d->docs[0].code, "TP1");
		CHECK_STR(d->docs[0].name, "Đơn đề nghị cấp giấy phép xây dựng");
		CHECK_INT(d->docs[0].copies, 1);
		CHECK(d->docs[0].required);
		CHECK_INT(d->docs[0].n_accepts, 0);

		CHECK_STR(d->docs[1].code, "TP2");
		CHECK_INT(d->docs[1].copies, 2);
		CHECK(!d->docs[1].required);
		CHECK_INT(d->docs[1].n_accepts, 1);
		if (d->docs[1].n_accepts == 1)
			CHECK_STR(d->docs[1].accepts[0], "GCN-QSDD");

		/* copies and required left out: one copy, required */
		CHECK_STR(d->docs[2].code, "TP3");
		CHECK_INT(d->docs[2].copies, 1);
		CHECK(d->docs[2].required);
		CHECK_INT(d->docs[2].n_accepts, 2);
		if (d->docs[2].n_accepts == 2) {
			CHECK_STR(d->docs[2].accepts[0], "BV-TK");
			CHECK_STR(d->docs[2].accepts[1], "BV.TK_2");
		}
	}
	mc_procedure_desc_free(d);
	free(text);
}

static void test_optional_parts_may_be_left_out(void)
{
	static const char text[] =
		"<procedure xmlns='https://motcua.vn/schema/procedure/1' code='VB-DEN'\n"
		"    xmlns:x='urn:example:ext' x:note='ignored'>\n"
		"  <name>Văn bản đến</name>\n"
		"  <agency level='province'>Văn phòng Ủy ban nhân dân tỉnh</agency>\n"
		"  <timeLimit unit='working-hours'>0</timeLimit>\n"
		"  <online>full</online>\n"
		"  <x:anything><x:inside/></x:anything>\n"
		"  <!-- a comment -->\n"
		"  <process file='sub/incoming-document.bpmn'></process>\n"
		"</procedure>\n";
	mc_procedure_desc *d = NULL;

	CHECK_OK(mc_procedure_load_buffer(&d, text, strlen(text), "in.procedure.xml", NULL));
	CHECK(d != NULL);
	if (!d)
		return;
	CHECK_STR(d->code, "VB-DEN");
	CHECK(d->field == NULL);
	CHECK_INT(d->limit, 0);
	CHECK_INT(d->unit, MOTCUA_LIMIT_WORKING_HOURS);
	CHECK_INT(d->fee, 0);
	CHECK(d->result_type == NULL);
	CHECK(d->result_name == NULL);
	CHECK_INT(d->n_docs, 0);
	/* no base folder: the path stays as written */
	CHECK_STR(d->process_file, "sub/incoming-document.bpmn");
	mc_procedure_desc_free(d);
}

/* Replaces base line `line`, expects MOTCUA_EINVALID and a message with "file:at:" and every
 * one of the fragments. */
static void expect_invalid_at(int caller, size_t line, const char *text, long at,
	const char *frag1, const char *frag2)
{
	char *doc = descriptor_with(line, text), where[64];
	mc_procedure_desc *d = (mc_procedure_desc *)1;
	int rc = load_text(&d, doc);
	const char *msg = motcua_error_last();

	snprintf(where, sizeof(where), "permit.procedure.xml:%ld: ", at);
	if (rc != MOTCUA_EINVALID || d != NULL || strncmp(msg, where, strlen(where)) != 0 ||
	    (frag1 && !strstr(msg, frag1)) || (frag2 && !strstr(msg, frag2))) {
		test_failures++;
		fprintf(stderr, "%s:%d: %s: line %zu as '%s': returned %d, message \"%s\"; "
			"expected %d, \"%s...\" with \"%s\" and \"%s\"\n", __FILE__, caller,
			test_current, line, text, rc, msg, MOTCUA_EINVALID, where,
			frag1 ? frag1 : "", frag2 ? frag2 : "");
	}
	if (d != (mc_procedure_desc *)1)
		mc_procedure_desc_free(d);
	free(doc);
}
#define EXPECT_INVALID(line, text, at, f1, f2) \
	expect_invalid_at(__LINE__, line, text, at, f1, f2)

static void test_each_error_names_line_and_attribute(void)
{
	static const char root[] = "<procedure xmlns=\"https://motcua.vn/schema/procedure/1\" ";

	/* base line n sits on document line n, or n + 1 from line 4 on */
	char *bad_code = malloc(256), *long_code = malloc(256), *no_ns = malloc(256);

	snprintf(bad_code, 256, "%scode=\"../1\">", root);
	snprintf(long_code, 256, "%scode=\"123456789012345678901234567890123\">", root);
	snprintf(no_ns, 256, "<procedure code=\"1.004442\">");
	EXPECT_INVALID(2, bad_code, 2, "<procedure> attribute 'code'", "'../1'");
	EXPECT_INVALID(2, long_code, 2, "attribute 'code'", NULL);
	EXPECT_INVALID(2, no_ns, 2, "root element <procedure>", "https://motcua.vn");
	EXPECT_INVALID(3, "  <name> </name>", 3, "<name>", "empty");
	EXPECT_INVALID(3, "", 2, "missing <name>", NULL);
	EXPECT_INVALID(4, "  <name>Hai tên</name>", 5, "<name>", "more than once");
	EXPECT_INVALID(5, "  <agency level=\"city\">UBND</agency>", 6,
		"<agency> attribute 'level'", "'city'");
	EXPECT_INVALID(5, "  <agency>UBND</agency>", 6, "<agency>",
		"missing attribute 'level'");
	EXPECT_INVALID(5, "  <agency level=\"commune\"><b>UBND</b></agency>", 6, "<agency>",
		"unexpected element <b>");
	EXPECT_INVALID(6, "  <timeLimit unit=\"days\">15</timeLimit>", 7,
		"<timeLimit> attribute 'unit'", "'days'");
	EXPECT_INVALID(6, "  <timeLimit>15</timeLimit>", 7, "<timeLimit>",
		"missing attribute 'unit'");
	EXPECT_INVALID(6, "  <timeLimit unit=\"working-days\">-1</timeLimit>", 7,
		"<timeLimit>", "'-1'");
	EXPECT_INVALID(6, "  <timeLimit unit=\"working-days\">3651</timeLimit>", 7,
		"<timeLimit>", "'3651'");
	EXPECT_INVALID(6, "  <timeLimit unit=\"working-days\">1.5</timeLimit>", 7,
		"<timeLimit>", NULL);
	EXPECT_INVALID(6, "  <timeLimit unit=\"working-days\" max=\"3\">15</timeLimit>", 7,
		"<timeLimit>", "unknown attribute 'max'");
	EXPECT_INVALID(7, "  <fee currency=\"VND\">-75000</fee>", 8, "<fee>", "'-75000'");
	EXPECT_INVALID(7, "  <fee currency=\"VND\">75.000</fee>", 8, "<fee>", "'75.000'");
	EXPECT_INVALID(7, "  <fee currency=\"USD\">3</fee>", 8, "<fee> attribute 'currency'",
		"'USD'");
	EXPECT_INVALID(8, "  <online>yes</online>", 9, "<online>", "'yes'");
	EXPECT_INVALID(8, "  <onlien>full</onlien>", 9, "<onlien>", "not allowed");
	EXPECT_INVALID(9, "  <result type=\"GP XD\">Giấy phép</result>", 10,
		"<result> attribute 'type'", "'GP XD'");
	EXPECT_INVALID(9, "  <result type=\"GPXD\"></result>", 10, "<result>", "empty");
	EXPECT_INVALID(9, "  <result type=\"GPXD\">Giấy phép xây dựng</reslt>", 10, NULL,
		NULL);
	EXPECT_INVALID(10, "  <process/>", 11, "<process>", "missing attribute 'file'");
	EXPECT_INVALID(10, "  <process file=\"x.bpmn\">x</process>", 11, "<process>",
		"must be empty");
	EXPECT_INVALID(10, "", 2, "missing <process>", NULL);
	EXPECT_INVALID(12, "    <document copies=\"1\">", 13, "<document>",
		"missing attribute 'code'");
	EXPECT_INVALID(12, "    <document code=\"TP1\" copies=\"0\">", 13,
		"<document> attribute 'copies'", "'0'");
	EXPECT_INVALID(12, "    <document code=\"TP1\" copies=\"hai\">", 13,
		"<document> attribute 'copies'", "'hai'");
	EXPECT_INVALID(12, "    <document code=\"TP1\" required=\"yes\">", 13,
		"<document> attribute 'required'", "'yes'");
	EXPECT_INVALID(13, "", 13, "<document code=\"TP1\">", "missing <name>");
	EXPECT_INVALID(13, "      <title>Đơn</title>", 14, "<title>", "not allowed");
	EXPECT_INVALID(15, "    <document code=\"TP1\">", 16, "<document> attribute 'code'",
		"'TP1'");
	EXPECT_INVALID(17, "      <accepts/>", 18, "<accepts>", "missing attribute 'result'");
	EXPECT_INVALID(17, "      <accepts result=\"\"/>", 18, "<accepts> attribute 'result'",
		NULL);
	EXPECT_INVALID(21, "      <accepts result=\"BV\"/><accepts result=\"BV\"/>", 22,
		"<accepts> attribute 'result'", "already");
	EXPECT_INVALID(11, "  <documents>stray", 12, "<documents>", "text");
	free(bad_code);
	free(long_code);
	free(no_ns);
}

static void test_process_path_stays_in_folder(void)
{
	static const char *const refused[] = {
		"../construction-permit.bpmn", "sub/../../construction-permit.bpmn",
		"/etc/construction-permit.bpmn", "..\\construction-permit.bpmn",
		"sub\\construction-permit.bpmn", "construction-permit.xml", ".bpmn",
		"", "a/..bpmn",
	};
	mc_procedure_desc *d = NULL;
	char line[160], *text;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(line, sizeof(line), "  <process file=\"%s\"/>", refused[i]);
		EXPECT_INVALID(10, line, 11, "<process> attribute 'file'", refused[i]);
	}

	text = descriptor_with(10, "  <process file=\"sub/dir/x.bpmn\"/>");
	CHECK_OK(load_text(&d, text));
	if (d)
		CHECK_STR(d->process_file, "/srv/motcua/workflows/sub/dir/x.bpmn");
	mc_procedure_desc_free(d);
	free(text);
}

/* No DTD means no entity: neither the billion laughs nor a file pulled in by reference. */
static void test_doctype_refused(void)
{
	static const char laughs[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE procedure [\n"
		"  <!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
		"  <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		"]>\n"
		"<procedure xmlns=\"https://motcua.vn/schema/procedure/1\" code=\"1\">\n"
		"  <name>&b;</name>\n"
		"</procedure>\n";
	static const char external[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE procedure SYSTEM \"file:///etc/passwd\">\n"
		"<procedure xmlns=\"https://motcua.vn/schema/procedure/1\" code=\"1\"/>\n";
	static const char undefined[] =
		"<procedure xmlns=\"https://motcua.vn/schema/procedure/1\" code=\"1\">\n"
		"  <name>&passwd;</name>\n"
		"</procedure>\n";
	mc_procedure_desc *d = NULL;

	CHECK_ERR(load_text(&d, laughs), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "permit.procedure.xml:2: ");
	CHECK_CONTAINS(motcua_error_last(), "DOCTYPE");
	CHECK(d == NULL);
	CHECK_ERR(load_text(&d, external), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "DOCTYPE");
	CHECK_ERR(load_text(&d, undefined), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "permit.procedure.xml:2: ");
	CHECK_CONTAINS(motcua_error_last(), "passwd");
	CHECK_ERR(load_text(&d, ""), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "permit.procedure.xml:");
}

static void test_load_file_resolves_against_its_folder(void)
{
	char *dir = test_tmpdir(), *text = descriptor_with(0, NULL), *path;
	char want[4096], missing[4096];
	mc_procedure_desc *d = NULL;

	path = test_write_file(dir, "permit.procedure.xml", text);
	CHECK_OK(mc_procedure_load_file(&d, path));
	if (d) {
		snprintf(want, sizeof(want), "%s/construction-permit.bpmn", dir);
		CHECK_STR(d->file, path);
		CHECK_STR(d->process_file, want);
	}
	mc_procedure_desc_free(d);

	snprintf(missing, sizeof(missing), "%s/none.procedure.xml", dir);
	CHECK_ERR(mc_procedure_load_file(&d, missing), MOTCUA_ENOTFOUND);
	CHECK_CONTAINS(motcua_error_last(), missing);
	CHECK(d == NULL);

	free(path);
	free(text);
	path = test_write_file(dir, "bad.procedure.xml", "<procedure>\n<name>x</nam>\n");
	CHECK_ERR(mc_procedure_load_file(&d, path), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "bad.procedure.xml:2: ");
	free(path);
	test_rmdir(dir);
	free(dir);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool in_set(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

/* What a shipped process must satisfy beyond loading: names a person reads in the modeler and
 * the task lists, and only the roles and plugins every installation has. */
static void check_sample(const mc_procedure_desc *d, const mc_process *p)
{
	static const char *const roles[] = { "clerk", "specialist", "leader", "office", NULL };
	static const char *const plugins[] = { "receipt", "notify", NULL };

	for (size_t i = 0; i < p->n_nodes; i++) {
		const mc_node *n = &p->nodes[i];

		CHECK(n->name != NULL || n->kind == MC_NODE_PARALLEL);
		if (n->kind == MC_NODE_USER_TASK)
			CHECK(n->role && in_set(n->role, roles));
		if (n->kind == MC_NODE_SERVICE_TASK)
			CHECK(n->plugin && in_set(n->plugin, plugins));
	}
	CHECK(d->name && *d->name);
}

static void test_every_shipped_descriptor_loads_with_its_process(void)
{
	char dir[2048], path[4096];
	struct dirent *e;
	size_t count = 0;
	DIR *dh;

	snprintf(dir, sizeof(dir), "%s/workflows", test_source_dir());
	CHECK((dh = opendir(dir)) != NULL);
	while (dh && (e = readdir(dh)) != NULL) {
		mc_procedure_desc *d = NULL;
		mc_process *p = NULL;

		if (!ends_with(e->d_name, ".procedure.xml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		count++;
		CHECK_OK(mc_procedure_load_file(&d, path));
		if (d) {
			CHECK_OK(mc_bpmn_load_file(&p, d->process_file));
			if (p)
				check_sample(d, p);
		}
		mc_process_free(p);
		mc_procedure_desc_free(d);
	}
	if (dh)
		closedir(dh);
	CHECK(count >= 5);
}

typedef struct {
	const char *id;
	mc_node_kind kind;
	const char *role_or_plugin;   /* NULL for events and gateways */
} expected_node;

static void check_process(const char *file, const char *process_id, const expected_node *want,
	size_t n)
{
	char path[4096];
	mc_process *p = NULL;

	snprintf(path, sizeof(path), "%s/workflows/%s", test_source_dir(), file);
	CHECK_OK(mc_bpmn_load_file(&p, path));
	if (!p)
		return;
	CHECK_STR(p->id, process_id);
	for (size_t i = 0; i < n; i++) {
		size_t at = mc_process_find(p, want[i].id);
		const mc_node *node = at == MC_NONE ? NULL : &p->nodes[at];

		if (!node) {
			test_failures++;
			fprintf(stderr, "%s: %s: no node '%s'\n", test_current, file, want[i].id);
			continue;
		}
		CHECK_INT(node->kind, want[i].kind);
		if (want[i].kind == MC_NODE_USER_TASK)
			CHECK_STR(node->role, want[i].role_or_plugin);
		else if (want[i].kind == MC_NODE_SERVICE_TASK)
			CHECK_STR(node->plugin, want[i].role_or_plugin);
		else if (want[i].kind == MC_NODE_END)
			CHECK((node->outcome == NULL && want[i].role_or_plugin == NULL) ||
				(node->outcome && want[i].role_or_plugin &&
				 strcmp(node->outcome, want[i].role_or_plugin) == 0));
	}
	mc_process_free(p);
}

/* The end-to-end tests drive these processes by task id: keep the ids and roles stable. */
static void test_sample_task_ids_and_roles(void)
{
	static const expected_node permit[] = {
		{ "start", MC_NODE_START, NULL },
		{ "receive", MC_NODE_USER_TASK, "clerk" },
		{ "receipt", MC_NODE_SERVICE_TASK, "receipt" },
		{ "review", MC_NODE_USER_TASK, "specialist" },
		{ "review_due_warning", MC_NODE_TIMER, NULL },
		{ "warn_leader", MC_NODE_SERVICE_TASK, "notify" },
		{ "warned", MC_NODE_END, NULL },
		{ "papers_complete", MC_NODE_EXCLUSIVE, NULL },
		{ "supplement", MC_NODE_USER_TASK, "clerk" },
		{ "fork", MC_NODE_PARALLEL, NULL },
		{ "site_inspection", MC_NODE_USER_TASK, "specialist" },
		{ "collect_fee", MC_NODE_USER_TASK, "clerk" },
		{ "join", MC_NODE_PARALLEL, NULL },
		{ "approve", MC_NODE_USER_TASK, "leader" },
		{ "decision", MC_NODE_EXCLUSIVE, NULL },
		{ "return_result", MC_NODE_USER_TASK, "clerk" },
		{ "issued", MC_NODE_END, "approved" },
		{ "notify_refusal", MC_NODE_SERVICE_TASK, "notify" },
		{ "return_refusal", MC_NODE_USER_TASK, "clerk" },
		{ "refused", MC_NODE_END, "refused" },
	};
	static const expected_node birth[] = {
		{ "start", MC_NODE_START, NULL },
		{ "receive", MC_NODE_USER_TASK, "clerk" },
		{ "receipt", MC_NODE_SERVICE_TASK, "receipt" },
		{ "review", MC_NODE_USER_TASK, "specialist" },
		{ "approve", MC_NODE_USER_TASK, "leader" },
		{ "decision", MC_NODE_EXCLUSIVE, NULL },
		{ "return_result", MC_NODE_USER_TASK, "clerk" },
		{ "issued", MC_NODE_END, "approved" },
		{ "return_refusal", MC_NODE_USER_TASK, "clerk" },
		{ "refused", MC_NODE_END, "refused" },
	};
	static const expected_node copy[] = {
		{ "start", MC_NODE_START, NULL },
		{ "receive", MC_NODE_USER_TASK, "clerk" },
		{ "certify", MC_NODE_USER_TASK, "leader" },
		{ "certify_overdue", MC_NODE_TIMER, NULL },
		{ "escalate", MC_NODE_SERVICE_TASK, "notify" },
		{ "return_result", MC_NODE_USER_TASK, "clerk" },
		{ "issued", MC_NODE_END, "approved" },
	};
	static const expected_node incoming[] = {
		{ "start", MC_NODE_START, NULL },
		{ "register", MC_NODE_USER_TASK, "office" },
		{ "assign", MC_NODE_USER_TASK, "leader" },
		{ "handle", MC_NODE_USER_TASK, "specialist" },
		{ "handle_due_warning", MC_NODE_TIMER, NULL },
		{ "remind_leader", MC_NODE_SERVICE_TASK, "notify" },
		{ "reminded", MC_NODE_END, NULL },
		{ "close", MC_NODE_USER_TASK, "office" },
		{ "closed", MC_NODE_END, "done" },
	};
	static const expected_node outgoing[] = {
		{ "start", MC_NODE_START, NULL },
		{ "draft", MC_NODE_USER_TASK, "specialist" },
		{ "review", MC_NODE_USER_TASK, "leader" },
		{ "review_ok", MC_NODE_EXCLUSIVE, NULL },
		{ "sign", MC_NODE_USER_TASK, "leader" },
		{ "number_and_seal", MC_NODE_USER_TASK, "office" },
		{ "issue", MC_NODE_SERVICE_TASK, "notify" },
		{ "issued", MC_NODE_END, "approved" },
	};
#define N(a) (sizeof(a) / sizeof(a[0]))
	check_process("construction-permit.bpmn", "construction_permit", permit, N(permit));
	check_process("birth-registration.bpmn", "birth_registration", birth, N(birth));
	check_process("copy-certification.bpmn", "copy_certification", copy, N(copy));
	check_process("incoming-document.bpmn", "incoming_document", incoming, N(incoming));
	check_process("outgoing-document.bpmn", "outgoing_document", outgoing, N(outgoing));
#undef N
}

TEST_MAIN(TEST_CASE(test_valid_descriptor_field_by_field),
	TEST_CASE(test_optional_parts_may_be_left_out),
	TEST_CASE(test_each_error_names_line_and_attribute),
	TEST_CASE(test_process_path_stays_in_folder),
	TEST_CASE(test_doctype_refused),
	TEST_CASE(test_load_file_resolves_against_its_folder),
	TEST_CASE(test_every_shipped_descriptor_loads_with_its_process),
	TEST_CASE(test_sample_task_ids_and_roles))
