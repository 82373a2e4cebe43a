/* workflow/procedure.h — procedure descriptors: the TTHC facts of one procedure (code as in
 * the national TTHC database, name, implementing agency level, legal time limit, required
 * documents and the earlier results that may stand in for them, result type, fee, level of
 * online service) and the BPMN file that runs it. Format: workflows/README.md. */
#ifndef MC_PROCEDURE_H
#define MC_PROCEDURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "motcua/calendar.h"

typedef struct {
	char *code;            /* e.g. "TP1", unique in the procedure */
	char *name;
	unsigned int copies;   /* 1 by default */
	bool required;         /* true by default */
	char **accepts;        /* result types that may stand in for this paper */
	size_t n_accepts;
} mc_required_doc;

typedef struct {
	char *file;            /* descriptor path as given */
	char *code;            /* "1.004442": digits and dots */
	char *name;
	char *field;           /* lĩnh vực, may be NULL */
	char *agency;          /* implementing agency (cơ quan thực hiện), e.g. "UBND cấp xã" */
	char *agency_level;    /* province | department | district | commune */
	unsigned int limit;    /* 0: no legal limit */
	motcua_limit_unit unit;
	int64_t fee;           /* VND; 0 when free */
	char *online;          /* "full" or "partial" */
	char *result_type;     /* code of the result this procedure issues, e.g. "TRICH-LUC-KS" */
	char *result_name;
	char *process_file;    /* the BPMN path, resolved against the descriptor's folder */
	mc_required_doc *docs;
	size_t n_docs;
} mc_procedure_desc;

/* Reads and checks a descriptor. Errors name the file, line and element or attribute. The BPMN
 * file is not loaded here, only its path resolved and checked to stay inside the descriptor's
 * folder. */
int mc_procedure_load_file(mc_procedure_desc **out, const char *path);
int mc_procedure_load_buffer(mc_procedure_desc **out, const char *data, size_t len,
	const char *name, const char *base_dir);
void mc_procedure_desc_free(mc_procedure_desc *d);

#endif
