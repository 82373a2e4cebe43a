/* tests/workflow/bpmn.c — the BPMN loader: a Camunda Modeler file loads into the right graph;
 * every refusal names the file, line and element; exclusive gateways whose conditions can all
 * be false are caught; and mangled files never crash the loader. */
#include "workflow/bpmn.h"
#include "test.h"

#define HEAD "<?xml version=\"1.0\"?>\n" \
	"<definitions xmlns=\"" MC_BPMN_NS "\" xmlns:motcua=\"" MC_MOTCUA_NS "\"\n" \
	"  xmlns:camunda=\"" MC_CAMUNDA_NS "\"><process id=\"p\" isExecutable=\"true\">\n"
#define TAIL "</process>\n</definitions>\n"

/* Loads HEAD body TAIL as "t.bpmn": the body's first line is line 4. */
static int load(mc_process **out, const char *body)
{
	size_t n = strlen(HEAD) + strlen(body) + strlen(TAIL) + 1;
	char *text = malloc(n);
	int error;

	if (!text)
		abort();
	snprintf(text, n, "%s%s%s", HEAD, body, TAIL);
	error = mc_bpmn_load_buffer(out, text, strlen(text), "t.bpmn");
	free(text);
	return error;
}

/* Checks that body is refused with a message containing each of the needles. */
static void check_refused(const char *body, const char *const *needles)
{
	mc_process *p = (mc_process *)1;

	CHECK_ERR(load(&p, body), MOTCUA_EINVALID);
	CHECK(p == NULL);
	for (; *needles; needles++)
		CHECK_CONTAINS(motcua_error_last(), *needles);
}

#define REFUSED(body, ...) do { \
	static const char *const needles_[] = { __VA_ARGS__, NULL }; \
	check_refused(body, needles_); \
} while (0)

static char *fixture_path(const char *name)
{
	size_t n = strlen(test_source_dir()) + strlen(name) + 32;
	char *path = malloc(n);

	if (!path)
		abort();
	snprintf(path, n, "%s/tests/fixtures/bpmn/%s", test_source_dir(), name);
	return path;
}

static const mc_node *node(const mc_process *p, const char *id)
{
	size_t i = mc_process_find(p, id);

	CHECK(i != MC_NONE);
	return i == MC_NONE ? &p->nodes[0] : &p->nodes[i];
}

static const char *flow_target(const mc_process *p, size_t flow)
{
	return p->nodes[p->flows[flow].target].id;
}

static void test_modeler_file_loads_into_the_graph(void)
{
	char *path = fixture_path("construction-permit.bpmn");
	mc_process *p = NULL;
	const mc_node *n;

	CHECK_OK(mc_bpmn_load_file(&p, path));
	free(path);
	if (!p)
		return;
	CHECK_STR(p->id, "permit");
	CHECK_STR(p->name, "Cấp giấy phép xây dựng");
	CHECK_INT(p->n_nodes, 15);
	CHECK_INT(p->n_flows, 15);
	CHECK_STR(p->nodes[p->start].id, "start");
	CHECK_INT(p->nodes[p->start].kind, MC_NODE_START);

	n = node(p, "receive");
	CHECK_INT(n->kind, MC_NODE_USER_TASK);
	CHECK_STR(n->role, "counter-clerk");       /* the first candidate group */
	CHECK_STR(n->name, "Tiếp nhận");
	CHECK_INT(n->line, 27);
	CHECK(!n->pauses_clock);
	CHECK_INT(n->n_in, 1);
	CHECK_INT(n->n_out, 1);

	n = node(p, "review");
	CHECK_STR(n->role, "specialist");
	CHECK_INT(n->n_props, 2);
	CHECK_STR(mc_node_property(n, "form"), "review-form");
	CHECK_STR(mc_node_property(n, "checklist"), "gpxd");
	CHECK(mc_node_property(n, "nothing") == NULL);
	CHECK_INT(n->n_timers, 2);
	CHECK_INT(n->n_in, 2);                      /* from the fork and back from supplement */

	CHECK(node(p, "supplement")->pauses_clock);
	CHECK_STR(node(p, "fee")->plugin, "payment");
	CHECK_INT(node(p, "fee")->kind, MC_NODE_SERVICE_TASK);
	n = node(p, "notify_late");
	CHECK_STR(n->plugin, "sms");                /* camunda:type="external" camunda:topic */
	CHECK_STR(mc_node_property(n, "template"), "Hồ sơ sắp trễ hạn");

	n = node(p, "review_late");
	CHECK_INT(n->kind, MC_NODE_TIMER);
	CHECK_STR(p->nodes[n->attached_to].id, "review");
	CHECK(!n->cancel_activity);
	CHECK(!n->at_legal_due);
	CHECK(n->working_time);
	CHECK_INT(n->duration, 86400 + 4 * 3600);
	CHECK(n->duration_in_days);
	CHECK_INT(n->line, 44);        /* libxml2 gives the line where the start tag ends */

	n = node(p, "review_due");
	CHECK(n->cancel_activity);
	CHECK(n->at_legal_due);
	CHECK(!n->working_time);
	CHECK_INT(n->duration, 4 * 3600);
	CHECK(!n->duration_in_days);

	n = node(p, "decide");
	CHECK_INT(n->kind, MC_NODE_EXCLUSIVE);
	CHECK_INT(n->n_out, 3);
	CHECK(n->default_flow != MC_NONE);
	if (n->default_flow != MC_NONE) {
		CHECK_STR(p->flows[n->default_flow].id, "f_refuse");
		CHECK_STR(flow_target(p, n->default_flow), "end_refused");
		CHECK(p->flows[n->default_flow].condition == NULL);
	}
	/* outgoing flows keep document order: conditions are tried in it */
	if (n->n_out == 3) {
		CHECK_STR(p->flows[n->out[0]].id, "f_sign");
		CHECK_STR(mc_expr_text(p->flows[n->out[0]].condition),
			"${approved && area <= 250}");
		CHECK_INT(p->flows[n->out[0]].line, 77);
		CHECK_STR(p->flows[n->out[0]].name, "Đạt");
		CHECK_STR(mc_expr_text(p->flows[n->out[1]].condition), "${missing_papers}");
	}
	CHECK_INT(node(p, "fork")->kind, MC_NODE_PARALLEL);
	CHECK_INT(node(p, "fork")->n_out, 2);
	CHECK_INT(node(p, "join")->n_in, 2);
	CHECK_STR(node(p, "end_ok")->outcome, "approved");
	CHECK(node(p, "end_escalated")->outcome == NULL);
	CHECK_INT(node(p, "end_escalated")->n_in, 2);
	CHECK(mc_process_find(p, "f_start") == MC_NONE);     /* flows are not nodes */
	mc_process_free(p);
}

static void test_missing_file_is_not_found(void)
{
	mc_process *p;

	CHECK_ERR(mc_bpmn_load_file(&p, "/nonexistent/x.bpmn"), MOTCUA_ENOTFOUND);
	CHECK_CONTAINS(motcua_error_last(), "/nonexistent/x.bpmn");
}

static void test_malformed_xml_names_the_line(void)
{
	mc_process *p;
	static const char bad[] = "<?xml version=\"1.0\"?>\n<definitions>\n<process>\n"
		"<startEvent id=\"s\">\n</process>\n";

	CHECK_ERR(mc_bpmn_load_buffer(&p, bad, strlen(bad), "bad.bpmn"), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "bad.bpmn:5: malformed XML: ");
	CHECK_ERR(mc_bpmn_load_buffer(&p, "", 0, "empty.bpmn"), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "empty.bpmn:1: malformed XML");
}

static void test_refuses_a_doctype_and_other_roots(void)
{
	mc_process *p;
	static const char dtd[] = "<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE definitions [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n"
		"<definitions xmlns=\"" MC_BPMN_NS "\"><process id=\"p\">&b;</process>"
		"</definitions>\n";
	static const char other[] = "<?xml version=\"1.0\"?>\n\n<procedure code=\"1\"/>\n";

	CHECK_ERR(mc_bpmn_load_buffer(&p, dtd, strlen(dtd), "d.bpmn"), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "d.bpmn:2: a DOCTYPE is not allowed");
	CHECK_ERR(mc_bpmn_load_buffer(&p, other, strlen(other), "o.bpmn"), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "o.bpmn:3: the root element is 'procedure'");
}

static void test_needs_exactly_one_executable_process(void)
{
	mc_process *p;
	static const char none[] = "<definitions xmlns=\"" MC_BPMN_NS "\">\n"
		"<process id=\"a\" isExecutable=\"false\"/>\n</definitions>";
	static const char two[] = "<definitions xmlns=\"" MC_BPMN_NS "\">\n"
		"<process id=\"a\"><startEvent id=\"s\"/></process>\n"
		"<process id=\"b\" isExecutable=\"true\"/>\n"
		"<process id=\"c\" isExecutable=\"false\"/>\n</definitions>";

	CHECK_ERR(mc_bpmn_load_buffer(&p, none, strlen(none), "n.bpmn"), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "n.bpmn:1: definitions: no executable process");
	CHECK_ERR(mc_bpmn_load_buffer(&p, two, strlen(two), "two.bpmn"), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(),
		"two.bpmn:3: process 'b': a second executable process");
	CHECK_CONTAINS(motcua_error_last(),
		"two.bpmn:2: startEvent 's': no outgoing sequence flow");
}

static void test_minimal_process_loads(void)
{
	mc_process *p = NULL;

	CHECK_OK(load(&p,
		"<startEvent id=\"s\"/>\n"
		"<userTask id=\"t\" motcua:role=\"clerk\"/>\n"
		"<endEvent id=\"e\"/>\n"
		"<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>\n"
		"<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/>\n"));
	if (p) {
		CHECK_INT(p->n_nodes, 3);
		CHECK_STR(p->file, "t.bpmn");
		CHECK_INT(node(p, "t")->line, 5);
		CHECK_INT(p->flows[0].source, mc_process_find(p, "s"));
		CHECK_INT(p->flows[0].target, mc_process_find(p, "t"));
	}
	mc_process_free(p);
}

static void test_refuses_unsupported_elements(void)
{
	REFUSED("<startEvent id=\"s\"/>\n"
		"<scriptTask id=\"js\" scriptFormat=\"javascript\"/>\n"
		"<subProcess id=\"sub\"/>\n"
		"<inclusiveGateway id=\"ig\"/>\n"
		"<endEvent id=\"e\"/>\n"
		"<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"e\"/>\n",
		"t.bpmn:5: scriptTask 'js': scriptTask is not in the BPMN subset motcua runs",
		"t.bpmn:6: subProcess 'sub': subProcess is not in",
		"t.bpmn:7: inclusiveGateway 'ig': inclusiveGateway is not in");
	REFUSED("<startEvent id=\"s\"><messageEventDefinition/></startEvent>\n"
		"<endEvent id=\"e\"><terminateEventDefinition/></endEvent>\n"
		"<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"e\"/>\n",
		"t.bpmn:4: startEvent 's': a start event with messageEventDefinition is not "
		"supported",
		"t.bpmn:5: endEvent 'e': an end event with terminateEventDefinition");
}

static void test_refuses_bad_events_and_flows(void)
{
	REFUSED("<startEvent id=\"s\"/>\n"
		"<startEvent id=\"s2\"/>\n"
		"<userTask id=\"t\" motcua:role=\"clerk\"/>\n"
		"<endEvent id=\"e\"/>\n"
		"<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>\n"
		"<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/>\n"
		"<sequenceFlow id=\"f3\" sourceRef=\"e\" targetRef=\"s\"/>\n"
		"<sequenceFlow id=\"f4\" sourceRef=\"s2\" targetRef=\"t\"/>\n",
		"t.bpmn:4: startEvent 's': sequenceFlow 'f3' leads into it",
		"t.bpmn:5: startEvent 's2': a second start event (the first is 's')",
		"t.bpmn:7: endEvent 'e': sequenceFlow 'f3' leaves an end event");
	REFUSED("<userTask id=\"t\" motcua:role=\"clerk\"/>\n"
		"<endEvent id=\"e\"/>\n"
		"<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/>\n",
		"t.bpmn:3: process 'p': no start event");
}

static void test_refuses_dangling_references_and_duplicate_ids(void)
{
	REFUSED("<startEvent id=\"s\"/>\n"
		"<userTask id=\"t\" motcua:role=\"clerk\"/>\n"
		"<endEvent id=\"t\"/>\n"
		"<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"nowhere\"/>\n"
		"<sequenceFlow id=\"f2\" sourceRef=\"ghost\" targetRef=\"t\"/>\n"
		"<sequenceFlow id=\"f2\" targetRef=\"t\"/>\n",
		"t.bpmn:6: endEvent 't': the id is used twice (first at line 5)",
		"t.bpmn:7: sequenceFlow 'f1': targetRef 'nowhere' does not name a node",
		"t.bpmn:8: sequenceFlow 'f2': sourceRef 'ghost' does not name a node",
		"t.bpmn:9: sequenceFlow 'f2': no sourceRef",
		"t.bpmn:9: sequenceFlow 'f2': the id is used twice (first at line 8)");
}

static void test_refuses_dead_ends_and_unreachable_steps(void)
{
	REFUSED("<startEvent id=\"s\"/>\n"
		"<userTask id=\"t\" motcua:role=\"clerk\"/>\n"
		"<userTask id=\"island\" motcua:role=\"clerk\"/>\n"
		"<endEvent id=\"e\"/>\n"
		"<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>\n"
		"<sequenceFlow id=\"f2\" sourceRef=\"island\" targetRef=\"e\"/>\n",
		"t.bpmn:5: userTask 't': no outgoing sequence flow",
		"t.bpmn:6: userTask 'island': cannot be reached from the start event",
		"t.bpmn:7: endEvent 'e': cannot be reached from the start event");
}

static void test_refuses_tasks_without_role_or_plugin(void)
{
	REFUSED("<startEvent id=\"s\"/>\n"
		"<userTask id=\"t\" name=\"Review\"/>\n"
		"<serviceTask id=\"a\"/>\n"
		"<serviceTask id=\"b\" motcua:plugin=\"../../etc/evil\"/>\n"
		"<serviceTask id=\"c\" camunda:class=\"com.example.Java\"/>\n"
		"<endEvent id=\"e\"/>\n"
		"<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>\n"
		"<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"a\"/>\n"
		"<sequenceFlow id=\"f3\" sourceRef=\"a\" targetRef=\"b\"/>\n"
		"<sequenceFlow id=\"f4\" sourceRef=\"b\" targetRef=\"c\"/>\n"
		"<sequenceFlow id=\"f5\" sourceRef=\"c\" targetRef=\"e\"/>\n",
		"t.bpmn:5: userTask 't': no role (set camunda:candidateGroups or motcua:role)",
		"t.bpmn:6: serviceTask 'a': no plugin",
		"t.bpmn:7: serviceTask 'b': plugin name '../../etc/evil' must match",
		"t.bpmn:8: serviceTask 'c': no plugin");
}

/* A task with one boundary event whose inside is `timer` (line 6) and attributes `attrs`. */
static int load_timer(mc_process **p, const char *attrs, const char *timer)
{
	char body[2048];

	snprintf(body, sizeof(body),
		"<startEvent id=\"s\"/>\n"
		"<userTask id=\"t\" motcua:role=\"clerk\"/>\n"
		"<boundaryEvent id=\"late\" attachedToRef=\"t\" %s>\n"
		"%s\n"
		"</boundaryEvent>\n"
		"<endEvent id=\"e\"/>\n"
		"<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>\n"
		"<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/>\n"
		"<sequenceFlow id=\"f3\" sourceRef=\"late\" targetRef=\"e\"/>\n", attrs, timer);
	return load(p, body);
}

static int64_t timer_duration(const char *iso, bool *in_days)
{
	char def[256];
	mc_process *p = NULL;
	int64_t d = -1;

	snprintf(def, sizeof(def), "<timerEventDefinition><timeDuration>%s</timeDuration>"
		"</timerEventDefinition>", iso);
	CHECK_OK(load_timer(&p, "", def));
	if (p) {
		d = node(p, "late")->duration;
		*in_days = node(p, "late")->duration_in_days;
	}
	mc_process_free(p);
	return d;
}

static void test_timer_durations_in_iso_8601(void)
{
	bool days = false;

	CHECK_INT(timer_duration("P3D", &days), 3 * 86400);
	CHECK(days);
	CHECK_INT(timer_duration("PT4H", &days), 4 * 3600);
	CHECK(!days);
	CHECK_INT(timer_duration("P1DT2H", &days), 86400 + 2 * 3600);
	CHECK(days);
	CHECK_INT(timer_duration(" PT1H30M15S ", &days), 3600 + 1800 + 15);
	CHECK_INT(timer_duration("P2W", &days), 14 * 86400);
	CHECK(days);
}

static void test_refuses_bad_timers(void)
{
	static const char *bad[] = { "P1M", "P3X", "PT", "P", "3D", "PT4H2D", "P1DT", "${due}",
		"P1Y", "PT1.5H" };
	mc_process *p;
	char def[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(def, sizeof(def), "<timerEventDefinition><timeDuration>%s"
			"</timeDuration></timerEventDefinition>", bad[i]);
		CHECK_ERR(load_timer(&p, "", def), MOTCUA_EINVALID);
		CHECK_CONTAINS(motcua_error_last(),
			"t.bpmn:6: boundaryEvent 'late': timeDuration '");
		CHECK_CONTAINS(motcua_error_last(), "is not an ISO 8601 duration");
	}
	CHECK_ERR(load_timer(&p, "", "<timerEventDefinition/>"), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "t.bpmn:6: boundaryEvent 'late': the timer has no "
		"timeDuration and no motcua:at=\"legal-due\"");
	CHECK_ERR(load_timer(&p, "", "<timerEventDefinition>\n<timeDate>2026-01-01</timeDate>"
		"</timerEventDefinition>"), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "t.bpmn:8: boundaryEvent 'late': timeDate is not "
		"supported");
	CHECK_ERR(load_timer(&p, "", "<messageEventDefinition/>"), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "t.bpmn:6: boundaryEvent 'late': a boundary event "
		"with messageEventDefinition; only timer boundary events are supported");
	CHECK_ERR(load_timer(&p, "motcua:at=\"tomorrow\"", "<timerEventDefinition/>"),
		MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "motcua:at is 'tomorrow'");
}

static void test_legal_due_timer_needs_no_duration(void)
{
	mc_process *p = NULL;

	CHECK_OK(load_timer(&p, "motcua:at=\"legal-due\" cancelActivity=\"true\"",
		"<timerEventDefinition/>"));
	if (p) {
		const mc_node *n = node(p, "late");

		CHECK(n->at_legal_due);
		CHECK_INT(n->duration, 0);
		CHECK(n->cancel_activity);
		CHECK_INT(node(p, "t")->n_timers, 1);
	}
	mc_process_free(p);
}

static void test_refuses_timers_not_on_tasks(void)
{
	REFUSED("<startEvent id=\"s\"/>\n"
		"<userTask id=\"t\" motcua:role=\"clerk\"/>\n"
		"<boundaryEvent id=\"b1\" attachedToRef=\"s\"><timerEventDefinition>"
		"<timeDuration>P1D</timeDuration></timerEventDefinition></boundaryEvent>\n"
		"<boundaryEvent id=\"b2\" attachedToRef=\"gone\"><timerEventDefinition>"
		"<timeDuration>P1D</timeDuration></timerEventDefinition></boundaryEvent>\n"
		"<endEvent id=\"e\"/>\n"
		"<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>\n"
		"<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/>\n"
		"<sequenceFlow id=\"f3\" sourceRef=\"b1\" targetRef=\"e\"/>\n"
		"<sequenceFlow id=\"f4\" sourceRef=\"b2\" targetRef=\"e\"/>\n"
		"<sequenceFlow id=\"f5\" sourceRef=\"t\" targetRef=\"b1\"/>\n",
		"t.bpmn:6: boundaryEvent 'b1': attached to startEvent 's'; timers go on user and "
		"service tasks",
		"t.bpmn:6: boundaryEvent 'b1': sequenceFlow 'f5' leads into it",
		"t.bpmn:7: boundaryEvent 'b2': attachedToRef 'gone' does not name a node");
}

static void test_refuses_misplaced_defaults_and_conditions(void)
{
	REFUSED("<startEvent id=\"s\"/>\n"
		"<exclusiveGateway id=\"g\" default=\"f1\"/>\n"
		"<userTask id=\"t\" motcua:role=\"clerk\"/>\n"
		"<parallelGateway id=\"pg\"/>\n"
		"<endEvent id=\"e\"/>\n"
		"<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"g\"/>\n"
		"<sequenceFlow id=\"f2\" sourceRef=\"g\" targetRef=\"t\"/>\n"
		"<sequenceFlow id=\"f3\" sourceRef=\"t\" targetRef=\"pg\">\n"
		"  <conditionExpression>${ok}</conditionExpression></sequenceFlow>\n"
		"<sequenceFlow id=\"f4\" sourceRef=\"pg\" targetRef=\"e\">"
		"<conditionExpression>${ok}</conditionExpression></sequenceFlow>\n",
		"t.bpmn:5: exclusiveGateway 'g': default flow 'f1' is not one of its outgoing",
		"t.bpmn:11: sequenceFlow 'f3': a condition on a flow out of userTask 't'; "
		"conditions go on flows out of an exclusive gateway",
		"t.bpmn:13: sequenceFlow 'f4': a condition on a flow out of parallelGateway 'pg'");
	REFUSED("<startEvent id=\"s\"/>\n"
		"<exclusiveGateway id=\"g\" default=\"f2\"/>\n"
		"<endEvent id=\"e\"/>\n"
		"<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"g\"/>\n"
		"<sequenceFlow id=\"f2\" sourceRef=\"g\" targetRef=\"e\">"
		"<conditionExpression>${ok}</conditionExpression></sequenceFlow>\n",
		"t.bpmn:8: sequenceFlow 'f2': the default flow of 'g' must not have a condition");
}

static void test_refuses_conditions_that_do_not_parse(void)
{
	REFUSED("<startEvent id=\"s\"/>\n"
		"<exclusiveGateway id=\"g\"/>\n"
		"<endEvent id=\"e\"/>\n"
		"<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"g\"/>\n"
		"<sequenceFlow id=\"f2\" sourceRef=\"g\" targetRef=\"e\">\n"
		"  <conditionExpression>${kind = 'x'}</conditionExpression></sequenceFlow>\n"
		"<sequenceFlow id=\"f3\" sourceRef=\"g\" targetRef=\"e\">\n"
		"  <conditionExpression language=\"javascript\">x</conditionExpression>"
		"</sequenceFlow>\n",
		"t.bpmn:9: sequenceFlow 'f2': condition ${kind = 'x'}: column 8: unexpected "
		"character '='",
		"t.bpmn:11: sequenceFlow 'f3': condition language 'javascript' is not supported");
}

static void test_lists_every_problem_one_per_line_in_file_order(void)
{
	mc_process *p;
	const char *msg, *a, *b, *c;

	CHECK_ERR(load(&p,
		"<startEvent id=\"s\"/>\n"
		"<userTask id=\"t\"/>\n"
		"<scriptTask id=\"js\"/>\n"
		"<endEvent id=\"e\"/>\n"
		"<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"x\"/>\n"
		"<sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"e\"/>\n"), MOTCUA_EINVALID);
	msg = motcua_error_last();
	a = strstr(msg, "t.bpmn:5: userTask 't': no role");
	b = strstr(msg, "t.bpmn:6: scriptTask 'js'");
	c = strstr(msg, "t.bpmn:8: sequenceFlow 'f1': targetRef 'x'");
	CHECK(a && b && c && a < b && b < c);
	CHECK_CONTAINS(msg, "motcua:role)\nt.bpmn:5: userTask 't': cannot be reached");
	CHECK_CONTAINS(msg, "t.bpmn:7: endEvent 'e': cannot be reached");
	CHECK(msg[strlen(msg) - 1] != '\n');
}

/* A gateway g (line 5) with two conditional flows out of it, on lines 9 and 10. */
static int load_gateway(mc_process **p, const char *c1, const char *c2)
{
	char body[2048];

	snprintf(body, sizeof(body),
		"<startEvent id=\"s\"/>\n"
		"<exclusiveGateway id=\"g\"/>\n"
		"<endEvent id=\"e1\"/>\n"
		"<endEvent id=\"e2\"/>\n"
		"<sequenceFlow id=\"f0\" sourceRef=\"s\" targetRef=\"g\"/>\n"
		"<sequenceFlow id=\"f1\" sourceRef=\"g\" targetRef=\"e1\">"
		"<conditionExpression>%s</conditionExpression></sequenceFlow>\n"
		"<sequenceFlow id=\"f2\" sourceRef=\"g\" targetRef=\"e2\"%s%s%s</sequenceFlow>\n",
		c1, c2 ? "><conditionExpression>" : ">", c2 ? c2 : "",
		c2 ? "</conditionExpression>" : "");
	return load(p, body);
}

static void check_exhaustive(const char *c1, const char *c2)
{
	mc_process *p = NULL;

	CHECK_OK(load_gateway(&p, c1, c2));
	mc_process_free(p);
}

static void check_not_exhaustive(const char *c1, const char *c2, const char *when)
{
	mc_process *p = NULL;

	CHECK_ERR(load_gateway(&p, c1, c2), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "t.bpmn:5: exclusiveGateway 'g': ");
	CHECK_CONTAINS(motcua_error_last(), when);
}

static void test_gateway_conditions_that_always_pick_a_flow(void)
{
	check_exhaustive("${approved}", "${!approved}");
	check_exhaustive("${approved == true}", "${not approved}");
	check_exhaustive("${area > 250}", "${area &lt;= 250}");
	check_exhaustive("${area ge 250.5}", "${area lt 250.5}");
	check_exhaustive("${kind == 'online'}", "${kind != 'online'}");
	check_exhaustive("${a &amp;&amp; b}", "${!a || !b}");
	check_exhaustive("${x == null}", "${x != null}");
	check_exhaustive("${approved}", NULL);    /* an unconditional flow always fits */
}

static void test_gateway_conditions_that_can_all_be_false(void)
{
	check_not_exhaustive("${a}", "${b}",
		"when a=false, b=false no flow is taken and there is no default");
	check_not_exhaustive("${kind == 'online'}", "${kind == 'counter'}",
		"when kind='other' no flow is taken and there is no default");
	check_not_exhaustive("${area > 250}", "${area &lt; 250}", "when area=250 no flow");
	check_not_exhaustive("${kind == 'other'}", "${kind == 'x'}", "when kind='other1'");
	check_not_exhaustive("${approved &amp;&amp; area > 100}", "${!approved}",
		"when approved=true, area=99 no flow");
	check_not_exhaustive("${false}", "${1 == 2}", "every condition is false");
}

static void test_single_conditional_flow_needs_a_default(void)
{
	mc_process *p;

	CHECK_ERR(load(&p,
		"<startEvent id=\"s\"/>\n"
		"<exclusiveGateway id=\"g\"/>\n"
		"<endEvent id=\"e\"/>\n"
		"<sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"g\"/>\n"
		"<sequenceFlow id=\"f2\" sourceRef=\"g\" targetRef=\"e\">"
		"<conditionExpression>${approved}</conditionExpression></sequenceFlow>\n"),
		MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "t.bpmn:5: exclusiveGateway 'g': when approved=false "
		"no flow is taken");
}

static void test_gateway_with_too_many_combinations_needs_a_default(void)
{
	mc_process *p = NULL;
	const char *many = "${a == 1 || b == 2 || c == 3 || d == 4 || e == 5 || f == 6}";

	CHECK_ERR(load_gateway(&p, many, "${!x}"), MOTCUA_EINVALID);
	CHECK_CONTAINS(motcua_error_last(), "t.bpmn:5: exclusiveGateway 'g': cannot prove");
	CHECK_CONTAINS(motcua_error_last(), "add a default flow");
}

static uint32_t rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* Byte flips, truncations, deletions and duplications of the modeler file: the loader must
 * return 0 or an error with a message, never crash or leak (ASan checks both). */
static void test_mangled_files_never_crash(void)
{
	static const char noise[] = "<>/=\"' &;:x${}!";
	char *path = fixture_path("construction-permit.bpmn");
	size_t len, n;
	char *orig = test_read_file(path, &len), *buf;
	uint32_t seed = 20260212;
	int loaded = 0, refused = 0;

	free(path);
	CHECK(orig != NULL);
	if (!orig)
		return;
	buf = malloc(2 * len + 1);
	for (int i = 0; buf && i < 2000; i++) {
		mc_process *p = NULL;
		int error;

		memcpy(buf, orig, len);
		n = len;
		for (int k = 0, m = 1 + (int)(rnd(&seed) % 4); k < m && n > 0; k++) {
			size_t at = rnd(&seed) % n, span = 1 + rnd(&seed) % 40;

			if (span > n - at)
				span = n - at;
			switch (rnd(&seed) % 5) {
			case 0: buf[at] ^= (char)(1u << (rnd(&seed) % 8)); break;
			case 1: buf[at] = noise[rnd(&seed) % (sizeof(noise) - 1)]; break;
			case 2: n = at; break;
			case 3:
				memmove(buf + at, buf + at + span, n - at - span);
				n -= span;
				break;
			default:
				if (n + span <= 2 * len) {
					memmove(buf + at + span, buf + at, n - at);
					n += span;
				}
			}
		}
		error = mc_bpmn_load_buffer(&p, buf, n, "fuzz.bpmn");
		if (error == 0) {
			CHECK(p != NULL);
			loaded++;
			mc_process_free(p);
		} else {
			CHECK(p == NULL);
			CHECK(error == MOTCUA_EINVALID);
			CHECK(motcua_error_last()[0] != '\0');
			refused++;
		}
	}
	CHECK(loaded > 0 && refused > 0);
	free(buf);
	free(orig);
}

TEST_MAIN(TEST_CASE(test_modeler_file_loads_into_the_graph),
	TEST_CASE(test_missing_file_is_not_found),
	TEST_CASE(test_malformed_xml_names_the_line),
	TEST_CASE(test_refuses_a_doctype_and_other_roots),
	TEST_CASE(test_needs_exactly_one_executable_process),
	TEST_CASE(test_minimal_process_loads),
	TEST_CASE(test_refuses_unsupported_elements),
	TEST_CASE(test_refuses_bad_events_and_flows),
	TEST_CASE(test_refuses_dangling_references_and_duplicate_ids),
	TEST_CASE(test_refuses_dead_ends_and_unreachable_steps),
	TEST_CASE(test_refuses_tasks_without_role_or_plugin),
	TEST_CASE(test_timer_durations_in_iso_8601),
	TEST_CASE(test_refuses_bad_timers),
	TEST_CASE(test_legal_due_timer_needs_no_duration),
	TEST_CASE(test_refuses_timers_not_on_tasks),
	TEST_CASE(test_refuses_misplaced_defaults_and_conditions),
	TEST_CASE(test_refuses_conditions_that_do_not_parse),
	TEST_CASE(test_lists_every_problem_one_per_line_in_file_order),
	TEST_CASE(test_gateway_conditions_that_always_pick_a_flow),
	TEST_CASE(test_gateway_conditions_that_can_all_be_false),
	TEST_CASE(test_single_conditional_flow_needs_a_default),
	TEST_CASE(test_gateway_with_too_many_combinations_needs_a_default),
	TEST_CASE(test_mangled_files_never_crash))
