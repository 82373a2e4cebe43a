/* workflow/bpmn.h — a BPMN 2.0 process as the runtime sees it: nodes, sequence flows and their
 * conditions, timers. The loader accepts only what the runtime can run (see workflows/README.md
 * for the subset and the motcua extension attributes) and refuses the rest with file, line and
 * element, listing every problem it finds, one per line, in the error message. */
#ifndef MC_BPMN_H
#define MC_BPMN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workflow/expr.h"

#define MC_BPMN_NS "http://www.omg.org/spec/BPMN/20100524/MODEL"
#define MC_MOTCUA_NS "https://motcua.vn/schema/bpmn/1"
#define MC_CAMUNDA_NS "http://camunda.org/schema/1.0/bpmn"

typedef enum {
	MC_NODE_START,
	MC_NODE_END,
	MC_NODE_USER_TASK,
	MC_NODE_SERVICE_TASK,
	MC_NODE_EXCLUSIVE,
	MC_NODE_PARALLEL,
	MC_NODE_TIMER          /* a boundary timer event attached to a user or service task */
} mc_node_kind;

#define MC_NONE ((size_t)-1)

typedef struct {
	char *name;
	char *value;
} mc_property;

typedef struct {
	char *id;
	char *name;            /* may be NULL */
	mc_node_kind kind;
	int line;

	size_t *in, n_in;      /* indices into mc_process.flows */
	size_t *out, n_out;

	/* user task: candidate role (camunda:candidateGroups, first group, or motcua:role) */
	char *role;
	/* user task: motcua:clock="paused" — the legal clock stops while it is open (the
	 * dossier waits on the citizen, e.g. for more papers) */
	bool pauses_clock;
	/* service task: plugin name (motcua:plugin, or camunda:type / camunda:topic) */
	char *plugin;
	/* task extension properties (motcua:property name= value=, or camunda:property) */
	mc_property *props;
	size_t n_props;
	/* end event: motcua:outcome, e.g. "approved", "refused" (NULL: "done") */
	char *outcome;
	/* exclusive gateway: index of the default flow, or MC_NONE */
	size_t default_flow;

	/* boundary timer: the task it is attached to, whether it interrupts that task, and when
	 * it fires — a duration after the task starts (timeDuration, ISO 8601, e.g. P3D, PT4H;
	 * counted in working time when motcua:working="true"), or the dossier's legal due time
	 * (motcua:at="legal-due"), optionally less a warning margin (timeDuration with
	 * motcua:at="legal-due" means that long before the due time, in working time). */
	size_t attached_to;
	bool cancel_activity;
	bool at_legal_due;
	bool working_time;
	int64_t duration;      /* seconds; a day in working time is one office day (P1W: 7) */
	bool duration_in_days; /* the ISO duration had a day part: P3D counts office days */

	/* tasks: indices of the boundary timers attached to this node */
	size_t *timers, n_timers;
} mc_node;

typedef struct {
	char *id;
	char *name;
	size_t source, target;   /* node indices */
	mc_expr *condition;      /* NULL when unconditional */
	int line;
} mc_flow;

typedef struct {
	char *id;                /* process id */
	char *name;
	char *file;              /* name used in messages */
	mc_node *nodes;
	size_t n_nodes;
	mc_flow *flows;
	size_t n_flows;
	size_t start;            /* the one none start event */
} mc_process;

/* Loads the single executable process of a BPMN file. Definitions with BPMNDI (diagram
 * interchange), documentation, lanes, collaborations and textAnnotations load fine. */
int mc_bpmn_load_file(mc_process **out, const char *path);
int mc_bpmn_load_buffer(mc_process **out, const char *data, size_t len, const char *name);
void mc_process_free(mc_process *p);

/* Node index by id, or MC_NONE. */
size_t mc_process_find(const mc_process *p, const char *id);

/* A task property's value by name, or NULL. */
const char *mc_node_property(const mc_node *n, const char *name);

#endif
