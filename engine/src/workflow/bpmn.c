/* workflow/bpmn.c — the BPMN loader: reads a BPMN 2.0 file with libxml2 (no network, no
 * entity expansion, no DTD), keeps its one executable process and checks it against the
 * subset the runtime can run (workflows/README.md). Every problem found is reported, one per
 * line and in file order, so that a modeler fixes a file in one round rather than ten. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "core/buf.h"
#include "core/error.h"
#include "workflow/bpmn.h"

/* The gateway check tries every combination of representative values; beyond this many it
 * gives up and asks for a default flow rather than take long on a load. */
#define MAX_COMBINATIONS 4096
/* The error message has room for about this much of the problem list. */
#define MAX_REPORT 1800

typedef struct {
	int line;
	size_t seq;              /* order found, to keep problems on one line in order */
	char *text;
} problem;

typedef struct {
	const char *id;
	size_t index;
} id_entry;

typedef struct {
	const char *file;
	mc_process *p;
	size_t cap_nodes, cap_flows;
	xmlNodePtr *xnodes;      /* the element each node came from */
	bool *cond_bad;          /* per flow: had a condition that did not parse */
	id_entry *node_ids, *flow_ids;   /* sorted, for lookups while loading */
	problem *probs;
	size_t n_probs, cap_probs;
	int oom;                 /* an allocation failed: the load fails with out of memory */
	char first_xml_error[512];
	int first_xml_line;
} loader;

/* Small helpers */

static int grow(void **ptr, size_t *cap, size_t n, size_t elem)
{
	size_t c;
	void *p;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 16;
	if (!(p = realloc(*ptr, c * elem)))
		return -1;
	*ptr = p;
	*cap = c;
	return 0;
}

static void MC_PRINTF(5, 0) vproblem(loader *ld, const char *elem, int line, const char *id,
	const char *fmt, va_list ap)
{
	mc_buf b = MC_BUF_INIT;

	if (ld->oom || grow((void **)&ld->probs, &ld->cap_probs, ld->n_probs,
	    sizeof(*ld->probs)) < 0) {
		ld->oom = 1;
		return;
	}
	mc_buf_printf(&b, "%s:%d: ", ld->file, line);
	if (elem && id)
		mc_buf_printf(&b, "%s '%s': ", elem, id);
	else if (elem)
		mc_buf_printf(&b, "%s: ", elem);
	mc_buf_vprintf(&b, fmt, ap);
	if (!(ld->probs[ld->n_probs].text = mc_buf_detach(&b))) {
		ld->oom = 1;
		return;
	}
	ld->probs[ld->n_probs].line = line;
	ld->probs[ld->n_probs].seq = ld->n_probs;
	ld->n_probs++;
}

/* Records "file:line: elem 'id': reason"; elem and id may be NULL. */
static void MC_PRINTF(5, 6) problem_at(loader *ld, const char *elem, int line,
	const char *id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(ld, elem, line, id, fmt, ap);
	va_end(ap);
}

/* A problem with node n, read from element x. */
static void MC_PRINTF(4, 5) problem_node(loader *ld, xmlNodePtr x, const mc_node *n,
	const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(ld, (const char *)x->name, n->line, n->id, fmt, ap);
	va_end(ap);
}

/* A problem whose message is already complete, such as a condition's parse error. */
static void problem_raw(loader *ld, int line, const char *text)
{
	char *copy;

	if (ld->oom || grow((void **)&ld->probs, &ld->cap_probs, ld->n_probs,
	    sizeof(*ld->probs)) < 0 || !(copy = strdup(text))) {
		ld->oom = 1;
		return;
	}
	ld->probs[ld->n_probs].line = line;
	ld->probs[ld->n_probs].seq = ld->n_probs;
	ld->probs[ld->n_probs].text = copy;
	ld->n_probs++;
}

static int line_of(xmlNodePtr x)
{
	long l = xmlGetLineNo(x);

	return l < 0 ? 0 : l > INT_MAX ? INT_MAX : (int)l;
}

static const char *ename(xmlNodePtr x)
{
	return (const char *)x->name;
}

static bool in_ns(xmlNodePtr x, const char *ns, const char *local)
{
	return x && x->type == XML_ELEMENT_NODE && x->ns && x->ns->href &&
		strcmp((const char *)x->ns->href, ns) == 0 &&
		(!local || strcmp((const char *)x->name, local) == 0);
}

static bool is_bpmn(xmlNodePtr x, const char *local)
{
	return in_ns(x, MC_BPMN_NS, local);
}

/* An attribute's value as a malloc'd string, NULL when absent. ns NULL: unqualified. */
static char *get_attr(loader *ld, xmlNodePtr x, const char *name, const char *ns)
{
	xmlChar *v = ns ? xmlGetNsProp(x, (const xmlChar *)name, (const xmlChar *)ns) :
		xmlGetNoNsProp(x, (const xmlChar *)name);
	char *copy;

	if (!v)
		return NULL;
	if (!(copy = strdup((const char *)v)))
		ld->oom = 1;
	xmlFree(v);
	return copy;
}

static char *get_text(loader *ld, xmlNodePtr x)
{
	xmlChar *v = xmlNodeGetContent(x);
	char *copy = strdup(v ? (const char *)v : "");

	if (!copy)
		ld->oom = 1;
	xmlFree(v);
	return copy;
}

static char *trim(char *s)
{
	size_t n;

	if (!s)
		return s;
	n = strspn(s, " \t\r\n");
	memmove(s, s + n, strlen(s + n) + 1);
	n = strlen(s);
	while (n && strchr(" \t\r\n", s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int id_cmp(const void *a, const void *b)
{
	return strcmp(((const id_entry *)a)->id, ((const id_entry *)b)->id);
}

static size_t id_find(const id_entry *ids, size_t n, const char *id)
{
	id_entry key = { id, 0 }, *hit;

	if (!id || !n)
		return MC_NONE;
	hit = bsearch(&key, ids, n, sizeof(*ids), id_cmp);
	return hit ? hit->index : MC_NONE;
}

static const char *kind_word(mc_node_kind k)
{
	static const char *words[] = { "startEvent", "endEvent", "userTask", "serviceTask",
		"exclusiveGateway", "parallelGateway", "boundaryEvent" };

	return words[k];
}

/* Plugin names become file names (plugins/<name>.so), hence the narrow alphabet. */
static bool plugin_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* ISO 8601 durations without years and months, whose length varies: P2W, P3D, PT4H30M,
 * P1DT2H, PT90S. *in_days says whether there was a week or day part. */
static int parse_duration(int64_t *out, bool *in_days, const char *s)
{
	static const char date_units[] = "WD", time_units[] = "HMS";
	static const int64_t date_secs[] = { 7 * 86400, 86400 }, time_secs[] = { 3600, 60, 1 };
	const char *units = date_units;
	const int64_t *secs = date_secs;
	size_t next_unit = 0, parts = 0;
	int64_t total = 0;
	bool in_time = false;

	*in_days = false;
	if (*s++ != 'P')
		return -1;
	while (*s) {
		int64_t v = 0;
		int digits = 0;
		const char *u;

		if (*s == 'T') {
			if (in_time || !s[1])
				return -1;
			in_time = true;
			units = time_units;
			secs = time_secs;
			next_unit = 0;
			s++;
			continue;
		}
		for (; *s >= '0' && *s <= '9'; s++) {
			if (++digits > 9)
				return -1;
			v = v * 10 + (*s - '0');
		}
		if (!digits || !*s || !(u = strchr(units, *s)) || (size_t)(u - units) < next_unit)
			return -1;
		next_unit = (size_t)(u - units) + 1;
		total += v * secs[u - units];
		if (!in_time)
			*in_days = true;
		parts++;
		s++;
	}
	if (!parts)
		return -1;
	*out = total;
	return 0;
}

/* Reading the process */

static mc_node *add_node(loader *ld, xmlNodePtr x, mc_node_kind kind)
{
	mc_process *p = ld->p;
	mc_node *n;
	size_t cap = ld->cap_nodes;
	char *id = get_attr(ld, x, "id", NULL);

	if (!id) {
		problem_at(ld, ename(x), line_of(x), NULL, "no id");
		return NULL;
	}
	if (grow((void **)&p->nodes, &ld->cap_nodes, p->n_nodes, sizeof(*p->nodes)) < 0 ||
	    grow((void **)&ld->xnodes, &cap, p->n_nodes, sizeof(*ld->xnodes)) < 0) {
		free(id);
		ld->oom = 1;
		return NULL;
	}
	n = &p->nodes[p->n_nodes];
	memset(n, 0, sizeof(*n));
	n->id = id;
	n->name = get_attr(ld, x, "name", NULL);
	n->kind = kind;
	n->line = line_of(x);
	n->default_flow = MC_NONE;
	n->attached_to = MC_NONE;
	n->cancel_activity = true;
	ld->xnodes[p->n_nodes++] = x;
	return n;
}

static xmlNodePtr event_definition(xmlNodePtr x)
{
	for (xmlNodePtr c = x->children; c; c = c->next) {
		size_t n;

		if (!is_bpmn(c, NULL))
			continue;
		n = strlen((const char *)c->name);
		if ((n > 15 && strcmp((const char *)c->name + n - 15, "EventDefinition") == 0) ||
		    strcmp((const char *)c->name, "eventDefinitionRef") == 0)
			return c;
	}
	return NULL;
}

static void check_no_loop(loader *ld, xmlNodePtr x, const mc_node *n)
{
	for (xmlNodePtr c = x->children; c; c = c->next)
		if (is_bpmn(c, "multiInstanceLoopCharacteristics") ||
		    is_bpmn(c, "standardLoopCharacteristics"))
			problem_at(ld, ename(x), line_of(c), n->id, "%s is not supported",
				(const char *)c->name);
}

static void add_property(loader *ld, mc_node *n, xmlNodePtr x)
{
	char *name = get_attr(ld, x, "name", NULL);
	char *value = get_attr(ld, x, "value", NULL);
	mc_property *grown = NULL;

	if (!value)
		value = trim(get_text(ld, x));
	if (!name || !*name) {
		problem_at(ld, kind_word(n->kind), line_of(x), n->id, "a property has no name");
		goto fail;
	}
	/* exact-size growth: tasks have a handful of properties */
	if (!value || !(grown = realloc(n->props, (n->n_props + 1) * sizeof(*grown)))) {
		ld->oom = 1;
		goto fail;
	}
	n->props = grown;
	n->props[n->n_props].name = name;
	n->props[n->n_props].value = value;
	n->n_props++;
	return;
fail:
	free(name);
	free(value);
}

static bool is_extension(xmlNodePtr x, const char *local)
{
	return in_ns(x, MC_MOTCUA_NS, local) || in_ns(x, MC_CAMUNDA_NS, local);
}

/* motcua:property / camunda:property right under extensionElements or in a properties
 * element there; properties nested deeper (form fields, connectors) are someone else's. */
static void read_properties(loader *ld, mc_node *n, xmlNodePtr x)
{
	for (xmlNodePtr ext = x->children; ext; ext = ext->next) {
		if (!is_bpmn(ext, "extensionElements"))
			continue;
		for (xmlNodePtr c = ext->children; c; c = c->next) {
			if (is_extension(c, "property"))
				add_property(ld, n, c);
			else if (is_extension(c, "properties"))
				for (xmlNodePtr q = c->children; q; q = q->next)
					if (is_extension(q, "property"))
						add_property(ld, n, q);
		}
	}
}

static void read_user_task(loader *ld, mc_node *n, xmlNodePtr x)
{
	char *clock = get_attr(ld, x, "clock", MC_MOTCUA_NS);
	char *groups;

	n->role = trim(get_attr(ld, x, "role", MC_MOTCUA_NS));
	if ((!n->role || !*n->role) && (groups = get_attr(ld, x, "candidateGroups",
	    MC_CAMUNDA_NS))) {
		groups[strcspn(groups, ",")] = '\0';
		free(n->role);
		n->role = trim(groups);
	}
	if (!n->role || !*n->role)
		problem_at(ld, ename(x), n->line, n->id,
			"no role (set camunda:candidateGroups or motcua:role)");
	if (clock && strcmp(clock, "paused") == 0)
		n->pauses_clock = true;
	else if (clock && strcmp(clock, "running") != 0)
		problem_at(ld, ename(x), n->line, n->id,
			"motcua:clock is '%s'; it can be 'paused' or 'running'", clock);
	free(clock);
	read_properties(ld, n, x);
	check_no_loop(ld, x, n);
}

static void read_service_task(loader *ld, mc_node *n, xmlNodePtr x)
{
	char *type = get_attr(ld, x, "type", MC_CAMUNDA_NS);

	n->plugin = get_attr(ld, x, "plugin", MC_MOTCUA_NS);
	/* camunda:type="external" names the worker in camunda:topic */
	if (!n->plugin && type && strcmp(type, "external") != 0) {
		n->plugin = type;
		type = NULL;
	}
	if (!n->plugin)
		n->plugin = get_attr(ld, x, "topic", MC_CAMUNDA_NS);
	free(type);
	if (!n->plugin)
		problem_at(ld, ename(x), n->line, n->id,
			"no plugin (set motcua:plugin, camunda:type or camunda:topic)");
	else if (!plugin_name_ok(n->plugin))
		problem_at(ld, ename(x), n->line, n->id,
			"plugin name '%s' must match [a-z0-9][a-z0-9_-]{0,63}", n->plugin);
	read_properties(ld, n, x);
	check_no_loop(ld, x, n);
}

/* motcua:at and motcua:working may sit on the boundaryEvent or its timerEventDefinition. */
static char *timer_attr(loader *ld, xmlNodePtr x, xmlNodePtr def, const char *name)
{
	char *v = get_attr(ld, x, name, MC_MOTCUA_NS);

	return v ? v : get_attr(ld, def, name, MC_MOTCUA_NS);
}

static void read_timer(loader *ld, mc_node *n, xmlNodePtr x)
{
	xmlNodePtr def = event_definition(x), c;
	char *cancel, *at = NULL, *working = NULL, *duration = NULL;

	if ((cancel = get_attr(ld, x, "cancelActivity", NULL)))
		n->cancel_activity = strcmp(trim(cancel), "false") != 0;
	free(cancel);
	if (!def || !is_bpmn(def, "timerEventDefinition")) {
		problem_node(ld, x, n, "a boundary event %s%s; only timer boundary events are "
			"supported", def ? "with " : "without an event definition",
			def ? (const char *)def->name : "");
		return;
	}
	at = timer_attr(ld, x, def, "at");
	working = timer_attr(ld, x, def, "working");
	for (c = def->children; c; c = c->next) {
		if (is_bpmn(c, "timeDuration") && !duration)
			duration = trim(get_text(ld, c));
		else if (is_bpmn(c, "timeDate") || is_bpmn(c, "timeCycle"))
			problem_at(ld, ename(x), line_of(c), n->id,
				"%s is not supported; use timeDuration or motcua:at=\"legal-due\"",
				(const char *)c->name);
	}
	if (at && strcmp(at, "legal-due") == 0)
		n->at_legal_due = true;
	else if (at)
		problem_node(ld, x, n, "motcua:at is '%s'; it can only be 'legal-due'",
			at);
	if (working && strcmp(working, "true") == 0)
		n->working_time = true;
	else if (working && strcmp(working, "false") != 0)
		problem_node(ld, x, n, "motcua:working is '%s', not true or false",
			working);
	if (duration && *duration) {
		if (parse_duration(&n->duration, &n->duration_in_days, duration) < 0)
			problem_node(ld, x, n, "timeDuration '%.40s' is not an ISO 8601 "
				"duration like P3D, PT4H, P1DT2H or P2W", duration);
	} else if (!n->at_legal_due) {
		problem_at(ld, ename(x), n->line, n->id,
			"the timer has no timeDuration and no motcua:at=\"legal-due\"");
	}
	free(at);
	free(working);
	free(duration);
}

static const char *ignored_elements[] = {
	"documentation", "extensionElements", "laneSet", "textAnnotation", "association",
	"group", "dataObject", "dataObjectReference", "dataStoreReference", "property",
	"ioSpecification", "auditing", "monitoring", "sequenceFlow", NULL
};

static void read_nodes(loader *ld, xmlNodePtr proc)
{
	for (xmlNodePtr x = proc->children; x && !ld->oom; x = x->next) {
		const char *name = (const char *)x->name;
		xmlNodePtr def;
		mc_node *n = NULL;
		size_t i;

		/* elements of other vocabularies are tool extensions, not steps */
		if (!is_bpmn(x, NULL))
			continue;
		if (strcmp(name, "startEvent") == 0) {
			if ((n = add_node(ld, x, MC_NODE_START)) && (def = event_definition(x)))
				problem_node(ld, x, n, "a start event with %s is not supported; "
					"use a none start event", ename(def));
		} else if (strcmp(name, "endEvent") == 0) {
			if ((n = add_node(ld, x, MC_NODE_END)) && (def = event_definition(x)))
				problem_node(ld, x, n, "an end event with %s is not supported; "
					"use a none end event", ename(def));
			if (n)
				n->outcome = get_attr(ld, x, "outcome", MC_MOTCUA_NS);
		} else if (strcmp(name, "userTask") == 0) {
			if ((n = add_node(ld, x, MC_NODE_USER_TASK)))
				read_user_task(ld, n, x);
		} else if (strcmp(name, "serviceTask") == 0) {
			if ((n = add_node(ld, x, MC_NODE_SERVICE_TASK)))
				read_service_task(ld, n, x);
		} else if (strcmp(name, "exclusiveGateway") == 0) {
			add_node(ld, x, MC_NODE_EXCLUSIVE);
		} else if (strcmp(name, "parallelGateway") == 0) {
			add_node(ld, x, MC_NODE_PARALLEL);
		} else if (strcmp(name, "boundaryEvent") == 0) {
			if ((n = add_node(ld, x, MC_NODE_TIMER)))
				read_timer(ld, n, x);
		} else {
			for (i = 0; ignored_elements[i]; i++)
				if (strcmp(name, ignored_elements[i]) == 0)
					break;
			if (!ignored_elements[i]) {
				char *id = get_attr(ld, x, "id", NULL);

				problem_at(ld, name, line_of(x), id, "%s is not in the BPMN "
					"subset motcua runs (see workflows/README.md)", name);
				free(id);
			}
		}
	}
}

static void read_condition(loader *ld, mc_flow *f, xmlNodePtr c)
{
	char *lang = get_attr(ld, c, "language", NULL), *text = get_text(ld, c), *where = NULL;
	int line = line_of(c);
	mc_buf b = MC_BUF_INIT;

	ld->cond_bad[ld->p->n_flows] = true;
	if (lang && *lang && strcasecmp(lang, "juel") != 0) {
		problem_at(ld, "sequenceFlow", line, f->id, "condition language '%s' is not "
			"supported; write a ${...} expression", lang);
		goto done;
	}
	if (!text)
		goto done;
	mc_buf_printf(&b, "%s:%d: sequenceFlow '%s'", ld->file, line, f->id);
	if (!(where = mc_buf_detach(&b))) {
		ld->oom = 1;
		goto done;
	}
	if (mc_expr_parse(&f->condition, text, where) < 0) {
		if (motcua_error_last_code() == MOTCUA_EINVALID)
			problem_raw(ld, line, motcua_error_last());
		else
			ld->oom = 1;
		goto done;
	}
	ld->cond_bad[ld->p->n_flows] = false;
done:
	free(lang);
	free(text);
	free(where);
}

static size_t resolve_ref(loader *ld, xmlNodePtr x, const char *flow_id, const char *attr)
{
	char *ref = trim(get_attr(ld, x, attr, NULL));
	size_t i = MC_NONE;

	if (!ref || !*ref)
		problem_at(ld, ename(x), line_of(x), flow_id, "no %s", attr);
	else if ((i = id_find(ld->node_ids, ld->p->n_nodes, ref)) == MC_NONE)
		problem_at(ld, ename(x), line_of(x), flow_id,
			"%s '%s' does not name a node of the process", attr, ref);
	free(ref);
	return i;
}

static void read_flows(loader *ld, xmlNodePtr proc)
{
	mc_process *p = ld->p;

	for (xmlNodePtr x = proc->children; x && !ld->oom; x = x->next) {
		size_t cap = ld->cap_flows;
		mc_flow *f;
		char *id;

		if (!is_bpmn(x, "sequenceFlow"))
			continue;
		if (!(id = get_attr(ld, x, "id", NULL))) {
			problem_at(ld, ename(x), line_of(x), NULL, "no id");
			continue;
		}
		if (grow((void **)&p->flows, &ld->cap_flows, p->n_flows, sizeof(*p->flows)) < 0 ||
		    grow((void **)&ld->cond_bad, &cap, p->n_flows, sizeof(*ld->cond_bad)) < 0) {
			free(id);
			ld->oom = 1;
			return;
		}
		f = &p->flows[p->n_flows];
		memset(f, 0, sizeof(*f));
		ld->cond_bad[p->n_flows] = false;
		f->id = id;
		f->name = get_attr(ld, x, "name", NULL);
		f->line = line_of(x);
		f->source = resolve_ref(ld, x, id, "sourceRef");
		f->target = resolve_ref(ld, x, id, "targetRef");
		for (xmlNodePtr c = x->children; c; c = c->next)
			if (is_bpmn(c, "conditionExpression") && !f->condition &&
			    !ld->cond_bad[p->n_flows])
				read_condition(ld, f, c);
		p->n_flows++;
	}
}

/* Checks */

static int build_index(id_entry **out, size_t n, const void *items, size_t stride)
{
	id_entry *ids = malloc((n ? n : 1) * sizeof(*ids));

	if (!ids)
		return -1;
	for (size_t i = 0; i < n; i++) {
		ids[i].id = *(char *const *)((const char *)items + i * stride);
		ids[i].index = i;
	}
	qsort(ids, n, sizeof(*ids), id_cmp);
	*out = ids;
	return 0;
}

static void check_unique_ids(loader *ld)
{
	mc_process *p = ld->p;
	size_t n = p->n_nodes + p->n_flows;
	id_entry *all = malloc((n ? n : 1) * sizeof(*all));

	if (!all) {
		ld->oom = 1;
		return;
	}
	/* indices past n_nodes are flows */
	for (size_t i = 0; i < n; i++) {
		all[i].id = i < p->n_nodes ? p->nodes[i].id : p->flows[i - p->n_nodes].id;
		all[i].index = i;
	}
	qsort(all, n, sizeof(*all), id_cmp);
	for (size_t i = 1; i < n; i++) {
		size_t a = all[i - 1].index, b = all[i].index, second;
		int la, lb;

		if (strcmp(all[i - 1].id, all[i].id) != 0)
			continue;
		la = a < p->n_nodes ? p->nodes[a].line : p->flows[a - p->n_nodes].line;
		lb = b < p->n_nodes ? p->nodes[b].line : p->flows[b - p->n_nodes].line;
		second = la <= lb ? b : a;
		problem_at(ld, second < p->n_nodes ? ename(ld->xnodes[second]) : "sequenceFlow",
			la <= lb ? lb : la, all[i].id, "the id is used twice (first at line %d)",
			la <= lb ? la : lb);
	}
	free(all);
}

static int link_flows(loader *ld)
{
	mc_process *p = ld->p;

	for (size_t i = 0; i < p->n_flows; i++) {
		mc_flow *f = &p->flows[i];
		size_t *a;

		if (f->source != MC_NONE) {
			mc_node *n = &p->nodes[f->source];

			if (!(a = realloc(n->out, (n->n_out + 1) * sizeof(*a))))
				return -1;
			n->out = a;
			n->out[n->n_out++] = i;
		}
		if (f->target != MC_NONE) {
			mc_node *n = &p->nodes[f->target];

			if (!(a = realloc(n->in, (n->n_in + 1) * sizeof(*a))))
				return -1;
			n->in = a;
			n->in[n->n_in++] = i;
		}
	}
	return 0;
}

static void attach_timers(loader *ld)
{
	mc_process *p = ld->p;

	for (size_t i = 0; i < p->n_nodes && !ld->oom; i++) {
		mc_node *n = &p->nodes[i], *task;
		xmlNodePtr x = ld->xnodes[i];
		char *ref;
		size_t t, *a;

		if (n->kind != MC_NODE_TIMER)
			continue;
		ref = trim(get_attr(ld, x, "attachedToRef", NULL));
		if (!ref || !*ref) {
			problem_node(ld, x, n, "no attachedToRef");
		} else if ((t = id_find(ld->node_ids, p->n_nodes, ref)) == MC_NONE) {
			problem_node(ld, x, n, "attachedToRef '%s' does not name a node "
				"of the process", ref);
		} else if ((task = &p->nodes[t])->kind != MC_NODE_USER_TASK &&
			   task->kind != MC_NODE_SERVICE_TASK) {
			problem_node(ld, x, n, "attached to %s '%s'; timers go on user "
				"and service tasks", kind_word(task->kind), ref);
		} else if (!(a = realloc(task->timers, (task->n_timers + 1) * sizeof(*a)))) {
			ld->oom = 1;
		} else {
			task->timers = a;
			task->timers[task->n_timers++] = i;
			n->attached_to = t;
		}
		free(ref);
	}
}

static void check_defaults(loader *ld)
{
	mc_process *p = ld->p;

	for (size_t i = 0; i < p->n_nodes && !ld->oom; i++) {
		mc_node *n = &p->nodes[i];
		char *def;
		size_t f;

		if (n->kind != MC_NODE_EXCLUSIVE ||
		    !(def = trim(get_attr(ld, ld->xnodes[i], "default", NULL))))
			continue;
		f = id_find(ld->flow_ids, p->n_flows, def);
		if (f == MC_NONE || p->flows[f].source != i) {
			problem_at(ld, ename(ld->xnodes[i]), n->line, n->id,
				"default flow '%s' is not one of its outgoing flows", def);
		} else {
			n->default_flow = f;
			if (p->flows[f].condition || ld->cond_bad[f])
				problem_at(ld, "sequenceFlow", p->flows[f].line, p->flows[f].id,
					"the default flow of '%s' must not have a condition",
					n->id);
		}
		free(def);
	}
}

static void check_structure(loader *ld, xmlNodePtr proc, const char *proc_id)
{
	mc_process *p = ld->p;
	size_t starts = 0;

	for (size_t i = 0; i < p->n_nodes; i++) {
		mc_node *n = &p->nodes[i];
		xmlNodePtr x = ld->xnodes[i];

		if (n->kind == MC_NODE_START && starts++ == 0)
			p->start = i;
		else if (n->kind == MC_NODE_START)
			problem_node(ld, x, n, "a second start event (the first is '%s')",
				p->nodes[p->start].id);
		if ((n->kind == MC_NODE_START || n->kind == MC_NODE_TIMER) && n->n_in)
			problem_node(ld, x, n, "sequenceFlow '%s' leads into it; %s have "
				"no incoming flows", p->flows[n->in[0]].id,
				n->kind == MC_NODE_START ? "start events" : "boundary events");
		if (n->kind == MC_NODE_END && n->n_out)
			problem_node(ld, x, n, "sequenceFlow '%s' leaves an end event",
				p->flows[n->out[0]].id);
		else if (n->kind != MC_NODE_END && !n->n_out)
			problem_node(ld, x, n, "no outgoing sequence flow: every step "
				"needs a way out");
	}
	if (!starts)
		problem_at(ld, ename(proc), line_of(proc), proc_id, "no start event");
	for (size_t i = 0; i < p->n_flows; i++) {
		mc_flow *f = &p->flows[i];

		if ((f->condition || ld->cond_bad[i]) && f->source != MC_NONE &&
		    p->nodes[f->source].kind != MC_NODE_EXCLUSIVE)
			problem_at(ld, "sequenceFlow", f->line, f->id, "a condition on a flow out "
				"of %s '%s'; conditions go on flows out of an exclusive gateway",
				kind_word(p->nodes[f->source].kind), p->nodes[f->source].id);
	}
}

static void check_reachable(loader *ld)
{
	mc_process *p = ld->p;
	size_t *queue, head = 0, tail = 0;
	bool *seen;

	if (p->start == MC_NONE || !p->n_nodes)
		return;
	queue = malloc(p->n_nodes * sizeof(*queue));
	seen = calloc(p->n_nodes, sizeof(*seen));
	if (!queue || !seen) {
		ld->oom = 1;
		goto done;
	}
	seen[p->start] = true;
	queue[tail++] = p->start;
	while (head < tail) {
		mc_node *n = &p->nodes[queue[head++]];

		for (size_t k = 0; k < n->n_out + n->n_timers; k++) {
			size_t t = k < n->n_out ? p->flows[n->out[k]].target :
				n->timers[k - n->n_out];

			if (t != MC_NONE && !seen[t]) {
				seen[t] = true;
				queue[tail++] = t;
			}
		}
	}
	/* a timer on an unreachable task, or on no task, is reported through its task */
	for (size_t i = 0; i < p->n_nodes; i++)
		if (!seen[i] && p->nodes[i].kind != MC_NODE_TIMER)
			problem_at(ld, ename(ld->xnodes[i]), p->nodes[i].line, p->nodes[i].id,
				"cannot be reached from the start event");
done:
	free(queue);
	free(seen);
}

/* Exclusive gateways: can every condition be false at once? */

typedef struct {
	const char *name;
	mc_value *vals;
	size_t n, cap, cur;
	char other[80];          /* a string equal to none of the constants */
} domain;

typedef struct {
	domain *d;
	size_t n;
} assignment;

static int assigned(mc_value *out, const char *name, void *payload)
{
	assignment *a = payload;

	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->d[i].name, name) == 0) {
			*out = a->d[i].vals[a->d[i].cur];
			return 0;
		}
	return MOTCUA_ENOTFOUND;
}

static int domain_add(domain *d, mc_value v)
{
	for (size_t i = 0; i < d->n; i++) {
		mc_value *w = &d->vals[i];

		if (w->type == v.type && (v.type == MC_VAL_NULL ||
		    (v.type == MC_VAL_BOOL && w->b == v.b) ||
		    (v.type == MC_VAL_NUM && w->n == v.n) ||
		    (v.type == MC_VAL_STR && strcmp(w->s, v.s) == 0)))
			return 0;
	}
	if (grow((void **)&d->vals, &d->cap, d->n, sizeof(*d->vals)) < 0)
		return -1;
	d->vals[d->n++] = v;
	return 0;
}

/* The values worth trying for one variable: those its conditions compare it with, the
 * numbers either side of each numeric constant, a string none of them names, and
 * true/false when it is used as a boolean. */
static int domain_fill(domain *d, mc_expr **conds, size_t n_conds)
{
	bool num = false, str = false, boolean = false;
	mc_value *consts = NULL, v = { 0 };
	size_t n_consts = 0;
	int error = 0;

	for (size_t c = 0; c < n_conds && !error; c++) {
		if ((error = mc_expr_constants(&consts, &n_consts, conds[c], d->name)) < 0)
			break;
		for (size_t i = 0; i < n_consts && !error; i++) {
			mc_value k = consts[i];

			if (k.type == MC_VAL_NUM) {
				static const double deltas[] = { -1, -0.5, 0, 0.5, 1 };

				num = true;
				for (size_t j = 0; j < 5 && !error; j++) {
					v.type = MC_VAL_NUM;
					v.n = k.n + deltas[j];
					error = domain_add(d, v);
				}
				continue;
			}
			str |= k.type == MC_VAL_STR;
			boolean |= k.type == MC_VAL_BOOL;
			error = domain_add(d, k);
		}
		free(consts);
		consts = NULL;
	}
	if (!error && str) {
		int tries = 0;

		v.type = MC_VAL_STR;
		v.s = d->other;
		snprintf(d->other, sizeof(d->other), "other");
		for (size_t i = 0; i < d->n; i++)
			if (d->vals[i].type == MC_VAL_STR && strcmp(d->vals[i].s, d->other) == 0) {
				snprintf(d->other, sizeof(d->other), "other%d", ++tries);
				i = (size_t)-1;    /* start over with the new name */
			}
		error = domain_add(d, v);
	}
	if (!error && (boolean || (!num && !str))) {
		v.type = MC_VAL_BOOL;
		v.b = true;
		error = domain_add(d, v);
		v.b = false;
		if (!error)
			error = domain_add(d, v);
	}
	return error;
}

static void describe_assignment(mc_buf *b, const assignment *a)
{
	for (size_t i = 0; i < a->n; i++) {
		const mc_value *v = &a->d[i].vals[a->d[i].cur];

		mc_buf_printf(b, "%s%s=", i ? ", " : "", a->d[i].name);
		switch (v->type) {
		case MC_VAL_NULL: mc_buf_puts(b, "null"); break;
		case MC_VAL_BOOL: mc_buf_puts(b, v->b ? "true" : "false"); break;
		case MC_VAL_NUM: mc_buf_printf(b, "%g", v->n); break;
		default: mc_buf_printf(b, "'%s'", v->s); break;
		}
	}
}

/* Whether some assignment of the representative values makes every condition false;
 * a condition that fails to evaluate counts as not false, since the runtime reports it. */
static void check_exhaustive(loader *ld, size_t gw)
{
	mc_process *p = ld->p;
	mc_node *n = &p->nodes[gw];
	mc_expr **conds = calloc(n->n_out, sizeof(*conds));
	assignment a = { NULL, 0 };
	size_t combos = 1;
	mc_buf b = MC_BUF_INIT;

	if (!conds) {
		ld->oom = 1;
		return;
	}
	for (size_t k = 0; k < n->n_out; k++)
		conds[k] = p->flows[n->out[k]].condition;
	for (size_t k = 0; k < n->n_out; k++) {
		const char **names;
		size_t n_names;

		mc_expr_variables(&names, &n_names, conds[k]);
		for (size_t j = 0; j < n_names; j++) {
			size_t i;
			domain *d;

			for (i = 0; i < a.n && strcmp(a.d[i].name, names[j]) != 0; i++)
				;
			if (i < a.n)
				continue;
			if (!(d = realloc(a.d, (a.n + 1) * sizeof(*d)))) {
				ld->oom = 1;
				goto done;
			}
			a.d = d;
			memset(&a.d[a.n], 0, sizeof(*a.d));
			a.d[a.n++].name = names[j];
		}
	}
	for (size_t i = 0; i < a.n; i++) {
		if (domain_fill(&a.d[i], conds, n->n_out) < 0) {
			ld->oom = 1;
			goto done;
		}
		if (combos <= MAX_COMBINATIONS)
			combos *= a.d[i].n;
	}
	if (combos > MAX_COMBINATIONS) {
		problem_node(ld, ld->xnodes[gw], n, "cannot prove that some condition "
			"always holds (more than %d combinations of values); add a default flow",
			MAX_COMBINATIONS);
		goto done;
	}
	for (;;) {
		bool any = false;
		size_t i;

		for (size_t k = 0; k < n->n_out && !any; k++) {
			bool v;

			if (mc_expr_eval_bool(&v, conds[k], assigned, &a) < 0 || v)
				any = true;
		}
		if (!any) {
			if (a.n) {
				mc_buf_puts(&b, "when ");
				describe_assignment(&b, &a);
				mc_buf_puts(&b, " no flow is taken and there is no default");
			} else {
				mc_buf_puts(&b, "every condition is false and there is no "
					"default");
			}
			if (b.failed)
				ld->oom = 1;
			else
				problem_node(ld, ld->xnodes[gw], n, "%s", mc_buf_cstr(&b));
			break;
		}
		/* the next combination, odometer style */
		for (i = 0; i < a.n; i++) {
			if (++a.d[i].cur < a.d[i].n)
				break;
			a.d[i].cur = 0;
		}
		if (i == a.n)
			break;
	}
done:
	for (size_t i = 0; i < a.n; i++)
		free(a.d[i].vals);
	free(a.d);
	free(conds);
	mc_buf_free(&b);
}

static void check_gateways(loader *ld)
{
	mc_process *p = ld->p;

	for (size_t i = 0; i < p->n_nodes && !ld->oom; i++) {
		mc_node *n = &p->nodes[i];
		bool all_conditional = n->n_out > 0;

		if (n->kind != MC_NODE_EXCLUSIVE || n->default_flow != MC_NONE)
			continue;
		for (size_t k = 0; k < n->n_out; k++) {
			/* a condition that did not parse is reported already */
			if (ld->cond_bad[n->out[k]])
				all_conditional = false;
			if (!p->flows[n->out[k]].condition)
				all_conditional = false;
		}
		if (all_conditional)
			check_exhaustive(ld, i);
	}
}

/* Loading */

static int problem_cmp(const void *a, const void *b)
{
	const problem *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* One message, problems in file order, cut short with a count when they do not all fit. */
static int report(loader *ld)
{
	mc_buf b = MC_BUF_INIT;
	size_t i;

	qsort(ld->probs, ld->n_probs, sizeof(*ld->probs), problem_cmp);
	for (i = 0; i < ld->n_probs; i++) {
		if (i && b.size + strlen(ld->probs[i].text) > MAX_REPORT)
			break;
		mc_buf_printf(&b, "%s%s", i ? "\n" : "", ld->probs[i].text);
	}
	if (i < ld->n_probs)
		mc_buf_printf(&b, "\n%s: ... and %zu more problems", ld->file, ld->n_probs - i);
	if (b.failed) {
		mc_buf_free(&b);
		return mc_error_oom();
	}
	mc_error(MOTCUA_EINVALID, "%s", mc_buf_cstr(&b));
	mc_buf_free(&b);
	return MOTCUA_EINVALID;
}

/* libxml2 reports through the parser context; keep the first error for the message and
 * print nothing. */
static void xml_error(void *data, xmlErrorPtr err)
{
	xmlParserCtxtPtr ctxt = data;
	loader *ld = ctxt ? ctxt->_private : NULL;
	size_t n;

	if (!ld || !err || err->level < XML_ERR_ERROR || ld->first_xml_error[0])
		return;
	snprintf(ld->first_xml_error, sizeof(ld->first_xml_error), "%s",
		err->message ? err->message : "malformed XML");
	n = strlen(ld->first_xml_error);
	while (n && strchr(" \r\n", ld->first_xml_error[n - 1]))
		ld->first_xml_error[--n] = '\0';
	ld->first_xml_line = err->line;
}

static int parse_xml(xmlDocPtr *out, loader *ld, const char *data, size_t len)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	int line;

	*out = NULL;
	if (len == 0)
		return mc_error(MOTCUA_EINVALID, "%s:1: malformed XML: the file is empty",
			ld->file);
	if (len > INT_MAX)
		return mc_error(MOTCUA_EINVALID, "%s: too large for a BPMN file", ld->file);
	xmlInitParser();
	if (!(ctxt = xmlCreateMemoryParserCtxt(data, (int)len)))
		return mc_error_oom();
	/* no XML_PARSE_NOENT or DTDLOAD: entities stay unexpanded and no DTD is fetched */
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING |
		XML_PARSE_NOERROR);
	ctxt->_private = ld;
	ctxt->userData = ctxt;
	ctxt->sax->serror = xml_error;
	xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (doc && ctxt->wellFormed) {
		xmlFreeParserCtxt(ctxt);
		*out = doc;
		return 0;
	}
	line = ld->first_xml_line;
	if (!ld->first_xml_error[0]) {
		xmlErrorPtr err = xmlCtxtGetLastError(ctxt);

		snprintf(ld->first_xml_error, sizeof(ld->first_xml_error), "%s",
			err && err->message ? err->message : "not well-formed");
		line = err ? err->line : 0;
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return mc_error(MOTCUA_EINVALID, "%s:%d: malformed XML: %s", ld->file, line > 0 ? line : 1,
		trim(ld->first_xml_error));
}

/* Finds the one executable process, reporting others that claim to be executable. */
static xmlNodePtr find_process(loader *ld, xmlNodePtr root)
{
	xmlNodePtr found = NULL;

	for (xmlNodePtr x = root->children; x; x = x->next) {
		char *exec, *id;

		if (!is_bpmn(x, "process"))
			continue;
		exec = get_attr(ld, x, "isExecutable", NULL);
		if (exec && strcmp(trim(exec), "false") == 0) {
			free(exec);
			continue;
		}
		free(exec);
		if (!found) {
			found = x;
			continue;
		}
		id = get_attr(ld, x, "id", NULL);
		problem_at(ld, ename(x), line_of(x), id ? id : "",
			"a second executable process; a file holds one");
		free(id);
	}
	if (!found)
		problem_at(ld, ename(root), line_of(root), NULL, "no executable process "
			"(a process with isExecutable not false)");
	return found;
}

static void load_process(loader *ld, xmlNodePtr proc)
{
	mc_process *p = ld->p;

	p->id = get_attr(ld, proc, "id", NULL);
	p->name = get_attr(ld, proc, "name", NULL);
	read_nodes(ld, proc);
	if (ld->oom || build_index(&ld->node_ids, p->n_nodes, p->nodes, sizeof(*p->nodes)) < 0) {
		ld->oom = 1;
		return;
	}
	read_flows(ld, proc);
	if (ld->oom || build_index(&ld->flow_ids, p->n_flows, p->flows, sizeof(*p->flows)) < 0 ||
	    link_flows(ld) < 0) {
		ld->oom = 1;
		return;
	}
	check_unique_ids(ld);
	attach_timers(ld);
	check_defaults(ld);
	check_structure(ld, proc, p->id ? p->id : "");
	check_reachable(ld);
	check_gateways(ld);
}

/* libxml2 keeps no line for the DOCTYPE; count it from the text. */
static int doctype_line(const char *data, size_t len)
{
	int line = 1;

	for (size_t i = 0; i + 9 <= len && memcmp(data + i, "<!DOCTYPE", 9) != 0; i++)
		if (data[i] == '\n')
			line++;
	return line;
}

int mc_bpmn_load_buffer(mc_process **out, const char *data, size_t len, const char *name)
{
	loader ld = { 0 };
	xmlDocPtr doc = NULL;
	xmlNodePtr root, proc;
	int error = 0;

	*out = NULL;
	ld.file = name ? name : "(buffer)";
	if (!(ld.p = calloc(1, sizeof(*ld.p))) || !(ld.p->file = strdup(ld.file))) {
		error = mc_error_oom();
		goto done;
	}
	ld.p->start = MC_NONE;
	if ((error = parse_xml(&doc, &ld, data, len)) < 0)
		goto done;
	root = xmlDocGetRootElement(doc);
	if (doc->intSubset)
		problem_at(&ld, NULL, doctype_line(data, len), NULL,
			"a DOCTYPE is not allowed in a BPMN file");
	if (!root || !is_bpmn(root, "definitions"))
		problem_at(&ld, NULL, root ? line_of(root) : 1, NULL, "the root element is '%s', "
			"not BPMN 'definitions' in namespace %s", root ? (const char *)root->name :
			"", MC_BPMN_NS);
	else if ((proc = find_process(&ld, root)))
		load_process(&ld, proc);
	if (ld.oom)
		error = mc_error_oom();
	else if (ld.n_probs)
		error = report(&ld);
done:
	for (size_t i = 0; i < ld.n_probs; i++)
		free(ld.probs[i].text);
	free(ld.probs);
	free(ld.xnodes);
	free(ld.cond_bad);
	free(ld.node_ids);
	free(ld.flow_ids);
	xmlFreeDoc(doc);
	if (error < 0) {
		mc_process_free(ld.p);
		return error;
	}
	*out = ld.p;
	return 0;
}

int mc_bpmn_load_file(mc_process **out, const char *path)
{
	mc_buf b = MC_BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *f;
	int error;

	*out = NULL;
	if (!(f = fopen(path, "rb")))
		return mc_error(errno == ENOENT ? MOTCUA_ENOTFOUND : MOTCUA_ERROR, "%s: %s", path,
			strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		mc_buf_put(&b, chunk, n);
	if (ferror(f)) {
		error = mc_error(MOTCUA_ERROR, "%s: read error", path);
		goto done;
	}
	if (b.failed) {
		error = mc_error_oom();
		goto done;
	}
	error = mc_bpmn_load_buffer(out, mc_buf_cstr(&b), b.size, path);
done:
	fclose(f);
	mc_buf_free(&b);
	return error;
}

void mc_process_free(mc_process *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_nodes; i++) {
		mc_node *n = &p->nodes[i];

		free(n->id);
		free(n->name);
		free(n->in);
		free(n->out);
		free(n->role);
		free(n->plugin);
		for (size_t k = 0; k < n->n_props; k++) {
			free(n->props[k].name);
			free(n->props[k].value);
		}
		free(n->props);
		free(n->outcome);
		free(n->timers);
	}
	for (size_t i = 0; i < p->n_flows; i++) {
		free(p->flows[i].id);
		free(p->flows[i].name);
		mc_expr_free(p->flows[i].condition);
	}
	free(p->nodes);
	free(p->flows);
	free(p->id);
	free(p->name);
	free(p->file);
	free(p);
}

size_t mc_process_find(const mc_process *p, const char *id)
{
	for (size_t i = 0; i < p->n_nodes; i++)
		if (strcmp(p->nodes[i].id, id) == 0)
			return i;
	return MC_NONE;
}

const char *mc_node_property(const mc_node *n, const char *name)
{
	for (size_t i = 0; i < n->n_props; i++)
		if (strcmp(n->props[i].name, name) == 0)
			return n->props[i].value;
	return NULL;
}
