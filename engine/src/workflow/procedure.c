/* workflow/procedure.c — reading procedure descriptors (format: workflows/README.md): the TTHC
 * facts of one procedure and the path of the BPMN file that runs it. Descriptors are written by
 * admins and shipped in folders anyone may drop files into, so the parser never touches the
 * network, refuses any DTD (no entity can expand), keeps the process file inside the
 * descriptor's folder, and names the file, line and element or attribute of every refusal. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "core/buf.h"
#include "core/error.h"
#include "workflow/procedure.h"

#define PROCEDURE_NS "https://motcua.vn/schema/procedure/1"

/* Descriptors are a few kilobytes; anything this big is a mistake, not a procedure. */
#define MAX_FILE_SIZE (4 * 1024 * 1024)
/* Ten years of working days: no TTHC comes near it; a larger number is a typo. */
#define MAX_LIMIT 3650
#define MAX_COPIES 100
#define MAX_CODE 32
#define MAX_TYPE 64

#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_error_ptr;
#else
typedef xmlErrorPtr xml_error_ptr;
#endif

typedef struct {
	const char *file;       /* name for messages */
	const char *base_dir;   /* NULL: the process path stays as written */
} reader;

/* What the parser reports: only the first problem, since later ones follow from it. */
typedef struct {
	bool failed;
	long line;
	char message[512];
} parse_error;

static int fail(const reader *r, const xmlNode *n, const char *fmt, ...) MC_PRINTF(3, 4);

static int fail(const reader *r, const xmlNode *n, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return mc_error(MOTCUA_EINVALID, "%s:%ld: %s", r->file, xmlGetLineNo(n), msg);
}

static int fail_attr(const reader *r, const xmlNode *n, const char *attr, const char *value,
	const char *why)
{
	return fail(r, n, "<%s> attribute '%s': '%s' %s", (const char *)n->name, attr, value, why);
}

static void record_first(parse_error *pe, long line, const char *msg)
{
	size_t n;

	if (pe->failed)
		return;
	pe->failed = true;
	pe->line = line;
	snprintf(pe->message, sizeof(pe->message), "%s", msg ? msg : "malformed XML");
	n = strlen(pe->message);
	while (n > 0 && (pe->message[n - 1] == '\n' || pe->message[n - 1] == ' '))
		pe->message[--n] = '\0';
}

static void on_xml_error(void *data, xml_error_ptr err)
{
	xmlParserCtxtPtr ctxt = data;

	if (err->level == XML_ERR_WARNING)
		return;
	record_first(ctxt->_private, err->line, err->message);
}

/* Called when the parser meets <!DOCTYPE, before it reads any declaration in it: stopping
 * here is what keeps entity definitions (and their expansion) out entirely. */
static void on_doctype(void *data, const xmlChar *name, const xmlChar *external_id,
	const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = data;

	(void)name;
	(void)external_id;
	(void)system_id;
	record_first(ctxt->_private, ctxt->input ? ctxt->input->line : 0,
		"a DOCTYPE is not allowed in a procedure descriptor");
	xmlStopParser(ctxt);
}

static int parse_xml(xmlDocPtr *out, const reader *r, const char *data, size_t len)
{
	xmlParserCtxtPtr ctxt;
	parse_error pe = { false, 0, "" };
	xmlDocPtr doc;

	*out = NULL;
	if (!data || len == 0)
		return mc_error(MOTCUA_EINVALID, "%s:1: the document is empty", r->file);
	if (len > INT_MAX)
		return mc_error(MOTCUA_EINVALID, "%s: too large for a procedure descriptor",
			r->file);
	xmlInitParser();
	/* A context of our own rather than xmlReadMemory: its SAX handler is ours to change. */
	if (!(ctxt = xmlCreateMemoryParserCtxt(data, (int)len)))
		return mc_error_oom();
	ctxt->_private = &pe;
	ctxt->sax->serror = on_xml_error;
	ctxt->sax->internalSubset = on_doctype;
	xmlCtxtUseOptions(ctxt,
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	if (!ctxt->wellFormed || !ctxt->nsWellFormed)
		record_first(&pe, ctxt->input ? ctxt->input->line : 0, "malformed XML");
	xmlFreeParserCtxt(ctxt);
	if (pe.failed || !doc) {
		xmlFreeDoc(doc);
		return mc_error(MOTCUA_EINVALID, "%s:%ld: %s", r->file, pe.line,
			pe.failed ? pe.message : "malformed XML");
	}
	*out = doc;
	return 0;
}

static bool is_ours(const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
		strcmp((const char *)n->ns->href, PROCEDURE_NS) == 0;
}

static bool is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_blank(const char *s)
{
	for (; *s; s++)
		if (!is_xml_space(*s))
			return false;
	return true;
}

/* Elements of other namespaces are extensions and pass; anything else in ours must be known,
 * so that a misspelt <timelimit> is an error rather than a procedure with no limit. */
static int check_attrs(const reader *r, const xmlNode *n, const char *const *allowed)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		size_t i;

		if (a->ns)
			continue;
		for (i = 0; allowed && allowed[i]; i++)
			if (strcmp((const char *)a->name, allowed[i]) == 0)
				break;
		if (!allowed || !allowed[i])
			return fail(r, n, "<%s>: unknown attribute '%s'", (const char *)n->name,
				(const char *)a->name);
	}
	return 0;
}

/* Text children only; an element inside a value is a misplaced tag. */
static int check_text_only(const reader *r, const xmlNode *n)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return fail(r, c, "<%s>: unexpected element <%s> inside a value",
				(const char *)n->name, (const char *)c->name);
	return 0;
}

static int check_empty(const reader *r, const xmlNode *n)
{
	int error;
	xmlChar *text;
	bool blank;

	if ((error = check_text_only(r, n)) < 0)
		return error;
	if (!(text = xmlNodeGetContent(n)))
		return 0;
	blank = is_blank((const char *)text);
	xmlFree(text);
	return blank ? 0 : fail(r, n, "<%s>: must be empty", (const char *)n->name);
}

/* The element's text with surrounding white space trimmed and inner runs folded to one space,
 * so a long name may be wrapped over several lines of the descriptor. */
static int text_value(char **out, const reader *r, const xmlNode *n)
{
	xmlChar *raw;
	const char *s;
	char *v, *w;
	int error;

	*out = NULL;
	if ((error = check_text_only(r, n)) < 0)
		return error;
	if (!(raw = xmlNodeGetContent(n)))
		raw = xmlStrdup((const xmlChar *)"");
	if (!raw || !(v = malloc(strlen((const char *)raw) + 1))) {
		xmlFree(raw);
		return mc_error_oom();
	}
	for (s = (const char *)raw, w = v; *s; s++) {
		if (!is_xml_space(*s))
			*w++ = *s;
		else if (w > v && !is_xml_space(s[1]) && s[1] != '\0')
			*w++ = ' ';
	}
	*w = '\0';
	xmlFree(raw);
	if (!*v) {
		free(v);
		return fail(r, n, "<%s>: is empty", (const char *)n->name);
	}
	*out = v;
	return 0;
}

/* An attribute without namespace; *out is NULL when it is absent and not required. */
static int attr_value(char **out, const reader *r, const xmlNode *n, const char *name,
	bool required)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);

	*out = NULL;
	if (!v) {
		if (required)
			return fail(r, n, "<%s>: missing attribute '%s'", (const char *)n->name,
				name);
		return 0;
	}
	*out = strdup((const char *)v);
	xmlFree(v);
	return *out ? 0 : mc_error_oom();
}

/* [0-9A-Za-z][0-9A-Za-z._-]{0,max-1}; with first_alnum false, [0-9A-Za-z._-]{1,max}. */
static bool is_code(const char *s, size_t max, bool first_alnum)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		char c = s[i];
		bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
			(c >= 'a' && c <= 'z');

		if (i >= max || !(alnum || ((i > 0 || !first_alnum) &&
		    (c == '.' || c == '_' || c == '-'))))
			return false;
	}
	return i > 0;
}

/* Digits only: no sign, no space, no thousands separator (75.000 is an error, not 75). */
static bool parse_uint(uint64_t *out, const char *s, uint64_t max)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static int dup_element(const reader *r, const xmlNode *n)
{
	return fail(r, n, "<%s>: appears more than once", (const char *)n->name);
}

static int read_agency(mc_procedure_desc *d, const reader *r, const xmlNode *n)
{
	static const char *const attrs[] = { "level", NULL };
	static const char *const levels[] = { "province", "department", "district", "commune",
		NULL };
	int error;

	if ((error = check_attrs(r, n, attrs)) < 0 ||
	    (error = attr_value(&d->agency_level, r, n, "level", true)) < 0)
		return error;
	if (!one_of(d->agency_level, levels))
		return fail_attr(r, n, "level", d->agency_level,
			"is not province, department, district or commune");
	return text_value(&d->agency, r, n);
}

static int read_time_limit(mc_procedure_desc *d, const reader *r, const xmlNode *n)
{
	static const char *const attrs[] = { "unit", NULL };
	char *unit = NULL, *text = NULL;
	uint64_t v;
	int error;

	if ((error = check_attrs(r, n, attrs)) < 0 ||
	    (error = attr_value(&unit, r, n, "unit", true)) < 0)
		goto done;
	if (strcmp(unit, "working-days") == 0) {
		d->unit = MOTCUA_LIMIT_WORKING_DAYS;
	} else if (strcmp(unit, "working-hours") == 0) {
		d->unit = MOTCUA_LIMIT_WORKING_HOURS;
	} else {
		error = fail_attr(r, n, "unit", unit, "is not working-days or working-hours");
		goto done;
	}
	if ((error = text_value(&text, r, n)) < 0)
		goto done;
	if (!parse_uint(&v, text, MAX_LIMIT)) {
		error = fail(r, n, "<timeLimit>: '%s' is not a whole number from 0 (no limit) "
			"to %d", text, MAX_LIMIT);
		goto done;
	}
	d->limit = (unsigned int)v;
done:
	free(unit);
	free(text);
	return error;
}

static int read_fee(mc_procedure_desc *d, const reader *r, const xmlNode *n)
{
	static const char *const attrs[] = { "currency", NULL };
	char *currency = NULL, *text = NULL;
	uint64_t v;
	int error;

	if ((error = check_attrs(r, n, attrs)) < 0 ||
	    (error = attr_value(&currency, r, n, "currency", false)) < 0)
		goto done;
	if (currency && strcmp(currency, "VND") != 0) {
		error = fail_attr(r, n, "currency", currency, "is not VND");
		goto done;
	}
	if ((error = text_value(&text, r, n)) < 0)
		goto done;
	if (!parse_uint(&v, text, INT64_MAX)) {
		error = fail(r, n, "<fee>: '%s' is not a whole number of đồng, 0 or more",
			text);
		goto done;
	}
	d->fee = (int64_t)v;
done:
	free(currency);
	free(text);
	return error;
}

static int read_online(mc_procedure_desc *d, const reader *r, const xmlNode *n)
{
	static const char *const levels[] = { "full", "partial", NULL };
	int error;

	if ((error = check_attrs(r, n, NULL)) < 0 ||
	    (error = text_value(&d->online, r, n)) < 0)
		return error;
	if (!one_of(d->online, levels))
		return fail(r, n, "<online>: '%s' is not full or partial", d->online);
	return 0;
}

static int read_result(mc_procedure_desc *d, const reader *r, const xmlNode *n)
{
	static const char *const attrs[] = { "type", NULL };
	int error;

	if ((error = check_attrs(r, n, attrs)) < 0 ||
	    (error = attr_value(&d->result_type, r, n, "type", true)) < 0)
		return error;
	if (!is_code(d->result_type, MAX_TYPE, false))
		return fail_attr(r, n, "type", d->result_type,
			"is not a result type code ([A-Za-z0-9._-], at most 64)");
	return text_value(&d->result_name, r, n);
}

/* Lexical checks only: the folder is the admin's, and a symbolic link placed in it is theirs
 * to answer for; what this stops is a descriptor reaching out of its folder by itself. */
static const char *process_path_problem(const char *p)
{
	size_t n = strlen(p);

	if (n == 0)
		return "is empty";
	if (p[0] == '/')
		return "must be a path relative to the descriptor's folder";
	if (strchr(p, '\\'))
		return "must not contain a backslash";
	if (strstr(p, ".."))
		return "must not contain '..'";
	for (const char *s = p; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return "must not contain control characters";
	if (n <= 5 || strcmp(p + n - 5, ".bpmn") != 0)
		return "must name a .bpmn file";
	return NULL;
}

static int read_process(mc_procedure_desc *d, const reader *r, const xmlNode *n)
{
	static const char *const attrs[] = { "file", NULL };
	const char *problem;
	char *file = NULL;
	mc_buf path = MC_BUF_INIT;
	int error;

	if ((error = check_attrs(r, n, attrs)) < 0 || (error = check_empty(r, n)) < 0 ||
	    (error = attr_value(&file, r, n, "file", true)) < 0)
		goto done;
	if ((problem = process_path_problem(file)) != NULL) {
		error = fail_attr(r, n, "file", file, problem);
		goto done;
	}
	if (r->base_dir && *r->base_dir) {
		size_t bn = strlen(r->base_dir);

		mc_buf_puts(&path, r->base_dir);
		if (r->base_dir[bn - 1] != '/')
			mc_buf_puts(&path, "/");
	}
	mc_buf_puts(&path, file);
	if (!(d->process_file = mc_buf_detach(&path)))
		error = mc_error_oom();
done:
	mc_buf_free(&path);
	free(file);
	return error;
}

static int read_accepts(mc_required_doc *doc, const reader *r, const xmlNode *n)
{
	static const char *const attrs[] = { "result", NULL };
	char *type = NULL, **grown;
	int error;

	if ((error = check_attrs(r, n, attrs)) < 0 || (error = check_empty(r, n)) < 0 ||
	    (error = attr_value(&type, r, n, "result", true)) < 0)
		return error;
	if (!is_code(type, MAX_TYPE, false)) {
		error = fail_attr(r, n, "result", type,
			"is not a result type code ([A-Za-z0-9._-], at most 64)");
		goto done;
	}
	for (size_t i = 0; i < doc->n_accepts; i++) {
		if (strcmp(doc->accepts[i], type) == 0) {
			error = fail_attr(r, n, "result", type, "is already accepted");
			goto done;
		}
	}
	if (!(grown = realloc(doc->accepts, (doc->n_accepts + 1) * sizeof(*grown)))) {
		error = mc_error_oom();
		goto done;
	}
	doc->accepts = grown;
	doc->accepts[doc->n_accepts++] = type;
	type = NULL;
done:
	free(type);
	return error;
}

static int read_document(mc_required_doc *doc, const mc_procedure_desc *d, const reader *r,
	const xmlNode *n)
{
	static const char *const attrs[] = { "code", "copies", "required", NULL };
	char *copies = NULL, *required = NULL;
	uint64_t v;
	int error;

	doc->copies = 1;
	doc->required = true;
	if ((error = check_attrs(r, n, attrs)) < 0 ||
	    (error = attr_value(&doc->code, r, n, "code", true)) < 0 ||
	    (error = attr_value(&copies, r, n, "copies", false)) < 0 ||
	    (error = attr_value(&required, r, n, "required", false)) < 0)
		goto done;
	if (!is_code(doc->code, MAX_CODE, true)) {
		error = fail_attr(r, n, "code", doc->code,
			"is not a document code ([0-9A-Za-z][0-9A-Za-z._-], at most 32)");
		goto done;
	}
	for (size_t i = 0; i < d->n_docs; i++) {
		if (strcmp(d->docs[i].code, doc->code) == 0) {
			error = fail_attr(r, n, "code", doc->code,
				"is used by another document of this procedure");
			goto done;
		}
	}
	if (copies) {
		if (!parse_uint(&v, copies, MAX_COPIES) || v < 1) {
			error = fail_attr(r, n, "copies", copies, "is not a number from 1 to 100");
			goto done;
		}
		doc->copies = (unsigned int)v;
	}
	if (required) {
		if (strcmp(required, "true") == 0) {
			doc->required = true;
		} else if (strcmp(required, "false") == 0) {
			doc->required = false;
		} else {
			error = fail_attr(r, n, "required", required, "is not true or false");
			goto done;
		}
	}
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (!is_blank((const char *)c->content)) {
				error = fail(r, n, "<document code=\"%s\">: text outside <name>",
					doc->code);
				goto done;
			}
			continue;
		}
		if (c->type != XML_ELEMENT_NODE || (c->ns && !is_ours(c)))
			continue;
		if (is_ours(c) && strcmp((const char *)c->name, "name") == 0) {
			if (doc->name) {
				error = dup_element(r, c);
				goto done;
			}
			if ((error = check_attrs(r, c, NULL)) < 0 ||
			    (error = text_value(&doc->name, r, c)) < 0)
				goto done;
		} else if (is_ours(c) && strcmp((const char *)c->name, "accepts") == 0) {
			if ((error = read_accepts(doc, r, c)) < 0)
				goto done;
		} else {
			error = fail(r, c, "<%s>: not allowed in <document>",
				(const char *)c->name);
			goto done;
		}
	}
	if (!doc->name)
		error = fail(r, n, "<document code=\"%s\">: missing <name>", doc->code);
done:
	free(copies);
	free(required);
	return error;
}

static void required_doc_clear(mc_required_doc *doc)
{
	free(doc->code);
	free(doc->name);
	for (size_t i = 0; i < doc->n_accepts; i++)
		free(doc->accepts[i]);
	free(doc->accepts);
}

static int read_documents(mc_procedure_desc *d, const reader *r, const xmlNode *n)
{
	int error;

	if ((error = check_attrs(r, n, NULL)) < 0)
		return error;
	for (const xmlNode *c = n->children; c; c = c->next) {
		mc_required_doc *grown;

		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (!is_blank((const char *)c->content))
				return fail(r, n, "<documents>: unexpected text");
			continue;
		}
		if (c->type != XML_ELEMENT_NODE || (c->ns && !is_ours(c)))
			continue;
		if (!is_ours(c) || strcmp((const char *)c->name, "document") != 0)
			return fail(r, c, "<%s>: not allowed in <documents>",
				(const char *)c->name);
		if (!(grown = realloc(d->docs, (d->n_docs + 1) * sizeof(*grown))))
			return mc_error_oom();
		d->docs = grown;
		memset(&d->docs[d->n_docs], 0, sizeof(d->docs[0]));
		if ((error = read_document(&d->docs[d->n_docs], d, r, c)) < 0) {
			required_doc_clear(&d->docs[d->n_docs]);
			return error;
		}
		d->n_docs++;
	}
	return 0;
}

/* Each child of <procedure> once, in any order. <field>, <fee>, <result> and <documents> are
 * optional: a document-office process (văn bản đến) issues no result and asks no papers. */
static int read_procedure(mc_procedure_desc *d, const reader *r, const xmlNode *root)
{
	static const char *const attrs[] = { "code", NULL };
	bool seen_fee = false, seen_documents = false, seen_limit = false;
	int error;

	if ((error = check_attrs(r, root, attrs)) < 0 ||
	    (error = attr_value(&d->code, r, root, "code", true)) < 0)
		return error;
	if (!is_code(d->code, MAX_CODE, true))
		return fail_attr(r, root, "code", d->code,
			"is not a procedure code ([0-9A-Za-z][0-9A-Za-z._-], at most 32)");

	for (const xmlNode *c = root->children; c; c = c->next) {
		const char *name = (const char *)c->name;

		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			/* the element's line: libxml2 dates a text node by where it ends */
			if (!is_blank((const char *)c->content))
				return fail(r, root, "<procedure>: unexpected text");
			continue;
		}
		if (c->type != XML_ELEMENT_NODE || (c->ns && !is_ours(c)))
			continue;
		if (!is_ours(c))
			return fail(r, c, "<%s>: not in the procedure namespace %s", name,
				PROCEDURE_NS);

		if (strcmp(name, "name") == 0) {
			if (d->name)
				return dup_element(r, c);
			if ((error = check_attrs(r, c, NULL)) < 0 ||
			    (error = text_value(&d->name, r, c)) < 0)
				return error;
		} else if (strcmp(name, "field") == 0) {
			if (d->field)
				return dup_element(r, c);
			if ((error = check_attrs(r, c, NULL)) < 0 ||
			    (error = text_value(&d->field, r, c)) < 0)
				return error;
		} else if (strcmp(name, "agency") == 0) {
			if (d->agency_level)
				return dup_element(r, c);
			if ((error = read_agency(d, r, c)) < 0)
				return error;
		} else if (strcmp(name, "timeLimit") == 0) {
			if (seen_limit)
				return dup_element(r, c);
			seen_limit = true;
			if ((error = read_time_limit(d, r, c)) < 0)
				return error;
		} else if (strcmp(name, "fee") == 0) {
			if (seen_fee)
				return dup_element(r, c);
			seen_fee = true;
			if ((error = read_fee(d, r, c)) < 0)
				return error;
		} else if (strcmp(name, "online") == 0) {
			if (d->online)
				return dup_element(r, c);
			if ((error = read_online(d, r, c)) < 0)
				return error;
		} else if (strcmp(name, "result") == 0) {
			if (d->result_type)
				return dup_element(r, c);
			if ((error = read_result(d, r, c)) < 0)
				return error;
		} else if (strcmp(name, "process") == 0) {
			if (d->process_file)
				return dup_element(r, c);
			if ((error = read_process(d, r, c)) < 0)
				return error;
		} else if (strcmp(name, "documents") == 0) {
			if (seen_documents)
				return dup_element(r, c);
			seen_documents = true;
			if ((error = read_documents(d, r, c)) < 0)
				return error;
		} else {
			return fail(r, c, "<%s>: not allowed in <procedure>", name);
		}
	}

	if (!d->name)
		return fail(r, root, "<procedure code=\"%s\">: missing <name>", d->code);
	if (!d->agency_level)
		return fail(r, root, "<procedure code=\"%s\">: missing <agency>", d->code);
	if (!seen_limit)
		return fail(r, root, "<procedure code=\"%s\">: missing <timeLimit>", d->code);
	if (!d->online)
		return fail(r, root, "<procedure code=\"%s\">: missing <online>", d->code);
	if (!d->process_file)
		return fail(r, root, "<procedure code=\"%s\">: missing <process>", d->code);
	return 0;
}

int mc_procedure_load_buffer(mc_procedure_desc **out, const char *data, size_t len,
	const char *name, const char *base_dir)
{
	reader r = { name ? name : "(buffer)", base_dir };
	mc_procedure_desc *d = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	int error;

	*out = NULL;
	if ((error = parse_xml(&doc, &r, data, len)) < 0)
		return error;
	root = xmlDocGetRootElement(doc);
	if (!root || !is_ours(root) || strcmp((const char *)root->name, "procedure") != 0) {
		error = root ? fail(&r, root, "root element <%s> is not <procedure xmlns=\"%s\">",
				(const char *)root->name, PROCEDURE_NS) :
			mc_error(MOTCUA_EINVALID, "%s: no root element", r.file);
		goto done;
	}
	if (!(d = calloc(1, sizeof(*d))) || !(d->file = strdup(r.file))) {
		error = mc_error_oom();
		goto done;
	}
	error = read_procedure(d, &r, root);
done:
	xmlFreeDoc(doc);
	if (error < 0) {
		mc_procedure_desc_free(d);
		d = NULL;
	}
	*out = d;
	return error;
}

static int read_whole_file(mc_buf *b, const char *path)
{
	char chunk[8192];
	size_t n;
	FILE *f;
	int error = 0;

	if (!(f = fopen(path, "rb")))
		return mc_error(errno == ENOENT ? MOTCUA_ENOTFOUND : MOTCUA_ERROR, "%s: %s",
			path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b->size + n > MAX_FILE_SIZE) {
			error = mc_error(MOTCUA_EINVALID,
				"%s: larger than %d bytes, too large for a procedure descriptor",
				path, MAX_FILE_SIZE);
			break;
		}
		if ((error = mc_buf_put(b, chunk, n)) < 0)
			break;
	}
	if (!error && ferror(f))
		error = mc_error(MOTCUA_ERROR, "%s: %s", path, strerror(errno));
	fclose(f);
	return error;
}

int mc_procedure_load_file(mc_procedure_desc **out, const char *path)
{
	mc_buf data = MC_BUF_INIT;
	const char *slash = strrchr(path, '/');
	char *base_dir = NULL;
	int error;

	*out = NULL;
	if ((error = read_whole_file(&data, path)) < 0)
		goto done;
	/* "x.procedure.xml" keeps its process path relative to the working directory, where the
	 * descriptor itself is; "/x.procedure.xml" has the root as its folder. */
	if (slash && !(base_dir = strndup(path, slash == path ? 1 : (size_t)(slash - path)))) {
		error = mc_error_oom();
		goto done;
	}
	error = mc_procedure_load_buffer(out, mc_buf_cstr(&data), data.size, path, base_dir);
done:
	free(base_dir);
	mc_buf_free(&data);
	return error;
}

void mc_procedure_desc_free(mc_procedure_desc *d)
{
	if (!d)
		return;
	free(d->file);
	free(d->code);
	free(d->name);
	free(d->field);
	free(d->agency);
	free(d->agency_level);
	free(d->online);
	free(d->result_type);
	free(d->result_name);
	free(d->process_file);
	for (size_t i = 0; i < d->n_docs; i++)
		required_doc_clear(&d->docs[i]);
	free(d->docs);
	free(d);
}
