/* pdf/podofo_bridge.cpp — PoDoFo 0.9.8 behind the signing and reading functions of pdf/pdf.h
 * (dss.cpp and revisions.cpp hold the rest; what the three share is in pdf/bridge.h). Every
 * entry point catches PdfError (which is not a std::exception), then std::exception, then
 * anything, so no exception crosses into C; the message names the file. Preparing a
 * signature writes an incremental update to a temporary file beside the output and renames
 * it into place only once its /ByteRange has been read back and checked. */
#include <podofo/podofo.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <new>
#include <set>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

extern "C" {
#include "core/error.h"
}
#include "pdf/bridge.h"
#include "pdf/pdf.h"

using namespace PoDoFo;
using namespace mc_pdf_bridge;

namespace {

const size_t DEFAULT_CONTENTS_SIZE = 16384;
const size_t MAX_CONTENTS_SIZE = 1024 * 1024;
const int MAX_FIELD_DEPTH = 32;       /* /Kids nesting followed; deeper is a loop or garbage */
const double DEFAULT_FONT_SIZE = 10;

/* What a field walk sees at each terminal field: its full name, its inherited /FT and the
 * field dictionary (where /V may be inherited too). */
struct field_visit {
	std::string name;
	std::string ft;
	PdfObject *field;
	PdfObject *v;
};

/* Walks /Fields and their /Kids depth first, in order. Kids without /T are widgets of their
 * parent, which is then the terminal field. Loops and excessive depth are cut off. */
void walk_fields(PdfVecObjects *objs, PdfObject *node, const std::string &parent_name,
	const std::string &parent_ft, PdfObject *parent_v, int depth,
	std::set<PdfObject *> &seen, std::vector<field_visit> &out)
{
	if (!node || !node->IsDictionary() || depth > MAX_FIELD_DEPTH || seen.count(node))
		return;
	seen.insert(node);
	std::string name = parent_name, ft = parent_ft;
	PdfObject *t = dict_get(objs, node, "T"), *f = dict_get(objs, node, "FT");
	PdfObject *v = dict_get(objs, node, "V");
	if (t && is_string(t))
		name = name.empty() ? utf8(t->GetString()) : name + "." + utf8(t->GetString());
	if (f && f->IsName())
		ft = f->GetName().GetName();
	if (!v)
		v = parent_v;
	PdfObject *kids = dict_get(objs, node, "Kids");
	bool has_field_kids = false;
	if (kids && kids->IsArray())
		for (PdfObject &k : kids->GetArray()) {
			PdfObject *kid = resolve(objs, &k);
			if (kid && kid->IsDictionary() && kid->GetDictionary().HasKey("T"))
				has_field_kids = true;
		}
	if (has_field_kids) {
		for (PdfObject &k : kids->GetArray())
			walk_fields(objs, resolve(objs, &k), name, ft, v, depth + 1, seen, out);
		return;
	}
	out.push_back(field_visit{name, ft, node, v});
}

std::vector<field_visit> fields_of(PdfMemDocument &doc)
{
	std::vector<field_visit> out;
	std::set<PdfObject *> seen;
	PdfVecObjects *objs = &doc.GetObjects();
	PdfObject *acro = dict_get(objs, doc.GetCatalog(), "AcroForm");
	PdfObject *fields = dict_get(objs, acro, "Fields");

	if (fields && fields->IsArray())
		for (PdfObject &f : fields->GetArray())
			walk_fields(objs, resolve(objs, &f), "", "", NULL, 0, seen, out);
	return out;
}

/* "D:YYYYMMDDHHmmSS+07'00'": the signing time as Vietnam's wall clock. */
std::string vn_pdf_date(int64_t utc)
{
	time_t t = (time_t)(utc + 7 * 3600);
	struct tm tm;
	char buf[64];

	if (!gmtime_r(&t, &tm))
		return std::string();
	snprintf(buf, sizeof(buf), "D:%04d%02d%02d%02d%02d%02d+07'00'", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return buf;
}

/* A name PoDoFo's tokenizer and the fields' full names both accept: non-empty, no '.'. */
int check_field_name(const std::string &name, const std::vector<field_visit> &fields,
	const char *path)
{
	if (name.empty() || name.find('.') != std::string::npos)
		return mc_error(MOTCUA_EINVALID, "%s: field name \"%s\" is empty or contains '.'",
			path, name.c_str());
	for (const field_visit &f : fields)
		if (f.name == name)
			return mc_error(MOTCUA_EINVALID, "%s: a field named \"%s\" already exists",
				path, name.c_str());
	return 0;
}

std::string free_field_name(const std::vector<field_visit> &fields)
{
	for (int n = 1;; n++) {
		std::string name = "Signature" + std::to_string(n);
		bool used = false;
		for (const field_visit &f : fields)
			if (f.name == name)
				used = true;
		if (!used)
			return name;
	}
}

/* The PNG for the appearance, loaded into the document. */
int load_image(std::unique_ptr<PdfImage> &img, PdfMemDocument &doc, const char *png,
	const char *in_path)
{
	if (access(png, R_OK) != 0)
		return mc_error(MOTCUA_EINVALID, "%s: image %s: %s", in_path, png, strerror(errno));
	img.reset(new PdfImage(&doc));
	try {
		img->LoadFromPng(png);
	} catch (const PdfError &e) {
		return mc_error(MOTCUA_EINVALID, "%s: image %s: not a readable PNG: %s", in_path,
			png, describe(e).c_str());
	}
	if (img->GetWidth() <= 0 || img->GetHeight() <= 0)
		return mc_error(MOTCUA_EINVALID, "%s: image %s: empty", in_path, png);
	return 0;
}

/* The TTF, embedded as a subset with Identity-H so any Vietnamese text can be drawn. */
int load_font(PdfFont *&font, PdfMemDocument &doc, const char *font_file, const char *in_path)
{
	if (!font_file)
		return mc_error(MOTCUA_EINVALID, "%s: appearance text needs a font_file", in_path);
	if (access(font_file, R_OK) != 0)
		return mc_error(MOTCUA_EINVALID, "%s: font %s: %s", in_path, font_file,
			strerror(errno));
	std::string base(font_file);
	size_t slash = base.rfind('/');
	if (slash != std::string::npos)
		base = base.substr(slash + 1);
	size_t dot = base.rfind('.');
	if (dot != std::string::npos && dot > 0)
		base = base.substr(0, dot);
	/* PoDoFo owns the encoding once the font exists; on failure it is still ours */
	PdfIdentityEncoding *enc = new PdfIdentityEncoding(0, 0xffff, true);
	try {
		font = doc.CreateFontSubset(base.c_str(), false, false, false, enc, font_file);
	} catch (const PdfError &e) {
		delete enc;
		return mc_error(MOTCUA_EINVALID, "%s: font %s cannot be loaded: %s", in_path,
			font_file, describe(e).c_str());
	}
	if (!font) {
		delete enc;
		return mc_error(MOTCUA_EINVALID, "%s: font %s cannot be loaded", in_path,
			font_file);
	}
	return 0;
}

/* Draws the optional image, then the lines top to bottom, into the widget's appearance.
 * Everything that can fail on the caller's input is loaded before painting starts. */
int draw_appearance(PdfMemDocument &doc, PdfSignatureField &field,
	const mc_pdf_sig_options *opts, const char *in_path)
{
	std::unique_ptr<PdfImage> img;
	PdfFont *font = NULL;
	int error;

	if (opts->image_png && (error = load_image(img, doc, opts->image_png, in_path)) < 0)
		return error;
	if (opts->n_lines > 0 && (error = load_font(font, doc, opts->font_file, in_path)) < 0)
		return error;
	PdfXObject ap(PdfRect(0, 0, opts->w, opts->h), &doc);
	PdfPainter painter;
	painter.SetPage(&ap);
	try {
		if (img) {
			const double *r = opts->image_rect;
			painter.DrawImage(r[0], r[1], img.get(), r[2] / img->GetWidth(),
				r[3] / img->GetHeight());
		}
		if (font) {
			double size = opts->font_size > 0 ? opts->font_size : DEFAULT_FONT_SIZE;
			double leading = size * 1.2;
			font->SetFontSize((float)size);
			painter.SetFont(font);
			for (size_t i = 0; i < opts->n_lines; i++) {
				double y = opts->h - leading * (double)(i + 1) + (leading - size);
				if (opts->lines[i])
					painter.DrawText(2, y, PdfString(
						reinterpret_cast<const pdf_utf8 *>(opts->lines[i])));
			}
		}
	} catch (...) {
		try {
			painter.FinishPage();    /* frees the content stream's encoder */
		} catch (...) {
		}
		throw;
	}
	painter.FinishPage();
	field.SetAppearanceStream(&ap);
	return 0;
}

/* The widget annotation of a terminal field that is its own widget (the usual merged form)
 * or its first kid, and its page (1-based); widget NULL when no page shows it. */
int widget_of(PdfMemDocument &doc, const field_visit &f, PdfAnnotation *&widget, int &page_no,
	const char *path)
{
	PdfVecObjects *objs = &doc.GetObjects();
	PdfObject *target = f.field;
	PdfObject *kids = dict_get(objs, f.field, "Kids");
	if (kids && kids->IsArray() && !kids->GetArray().empty())
		target = resolve(objs, &kids->GetArray()[0]);
	widget = NULL;
	for (int i = 0; i < doc.GetPageCount() && !widget; i++) {
		PdfPage *page = doc.GetPage(i);
		int error = check_structure(doc, page, i + 1, path);
		if (error < 0)
			return error;
		for (int a = 0; a < page->GetNumAnnots() && !widget; a++) {
			PdfAnnotation *an = page->GetAnnotation(a);
			if (an && an->GetObject() == target) {
				widget = an;
				page_no = i + 1;
			}
		}
	}
	return 0;
}

int field_place(int *page, double rect[4], bool *empty, const char *path, const char *name)
{
	std::string bytes;            /* declared first: outlives doc */
	PdfMemDocument doc;
	int error;

	if ((error = load(doc, bytes, path, false)) < 0)
		return error;
	for (const field_visit &f : fields_of(doc)) {
		if (f.name != name)
			continue;
		PdfAnnotation *widget = NULL;
		int page_no = 0;
		if ((error = widget_of(doc, f, widget, page_no, path)) < 0)
			return error;
		if (!widget)
			return mc_error(MOTCUA_EINVALID, "%s: field \"%s\" has no widget on any page",
				path, name);
		PdfRect r = widget->GetRect();
		rect[0] = r.GetLeft();
		rect[1] = r.GetBottom();
		rect[2] = r.GetWidth();
		rect[3] = r.GetHeight();
		*page = page_no;
		*empty = f.ft == "Sig" && !f.v;
		return 0;
	}
	return mc_error(MOTCUA_ENOTFOUND, "%s: no field named \"%s\"", path, name);
}

/* Adds the field, its widget and signature dictionary to the loaded document. */
int add_signature_field(PdfMemDocument &doc, std::unique_ptr<PdfSignatureField> &field,
	const mc_pdf_sig_options *opts, const char *in_path)
{
	std::vector<field_visit> fields = fields_of(doc);
	std::string name = opts->field_name ? opts->field_name : free_field_name(fields);
	int error;

	const field_visit *empty = NULL;
	mc_pdf_sig_options filled = *opts;  /* an empty field's widget decides the size */
	bool had_mk = false;
	for (const field_visit &f : fields)
		if (f.name == name && f.ft == "Sig" && !f.v)
			empty = &f;
	bool visible = opts->w > 0 && opts->h > 0;
	if (empty) {
		/* the document's own place for this signature (a template's field): fill it,
		 * changing only /V and the widget's /AP and /M, as a later revision may */
		PdfAnnotation *widget = NULL;
		int page_no = 0;
		if ((error = widget_of(doc, *empty, widget, page_no, in_path)) < 0)
			return error;
		if (!widget)
			return mc_error(MOTCUA_EINVALID, "%s: signature field \"%s\" has no widget "
				"on any page", in_path, name.c_str());
		PdfRect r = widget->GetRect();
		visible = r.GetWidth() > 0 && r.GetHeight() > 0;
		filled.w = r.GetWidth();
		filled.h = r.GetHeight();
		opts = &filled;
		had_mk = widget->GetObject()->GetDictionary().HasKey("MK");
		field.reset(new PdfSignatureField(widget));
	} else {
		if ((error = check_field_name(name, fields, in_path)) < 0)
			return error;
		if (opts->page < 1 || opts->page > doc.GetPageCount())
			return mc_error(MOTCUA_EINVALID, "%s: page %d out of range (the PDF has %d)",
				in_path, opts->page, doc.GetPageCount());
		PdfPage *page = doc.GetPage(opts->page - 1);
		if ((error = check_structure(doc, page, opts->page, in_path)) < 0)
			return error;
		PdfRect rect = visible ? PdfRect(opts->x, opts->y, opts->w, opts->h) :
			PdfRect(0, 0, 0, 0);

		/* no default appearance: PoDoFo would add (and embed) a font no field uses */
		PdfAcroForm *form = doc.GetAcroForm(true, ePdfAcroFormDefaultAppearance_None);
		form->GetObject()->GetDictionary().AddKey("SigFlags", PdfObject((pdf_int64)3));
		form->SetNeedAppearances(false);
		field.reset(new PdfSignatureField(page, rect, &doc));
		field->SetFieldName(PdfString(reinterpret_cast<const pdf_utf8 *>(name.c_str())));
		field->GetWidgetAnnotation()->SetFlags(ePdfAnnotationFlags_Print |
			ePdfAnnotationFlags_Locked);
	}
	field->EnsureSignatureObject();
	PdfDictionary &sig = field->GetSignatureObject()->GetDictionary();
	sig.AddKey("SubFilter", PdfName(opts->subfilter ? opts->subfilter : "ETSI.CAdES.detached"));
	std::string m = vn_pdf_date(opts->signing_time ? opts->signing_time : (int64_t)time(NULL));
	sig.AddKey("M", PdfString(m));
	/* PoDoFo stamps the widget with the machine's clock; say the signing time instead */
	field->GetWidgetAnnotation()->GetObject()->GetDictionary().AddKey("M", PdfString(m));
	if (opts->reason)
		field->SetSignatureReason(PdfString(reinterpret_cast<const pdf_utf8 *>(opts->reason)));
	if (opts->location)
		field->SetSignatureLocation(
			PdfString(reinterpret_cast<const pdf_utf8 *>(opts->location)));
	if (opts->name)
		sig.AddKey("Name", PdfString(reinterpret_cast<const pdf_utf8 *>(opts->name)));
	if (visible && (opts->n_lines > 0 || opts->image_png)) {
		error = draw_appearance(doc, *field, opts, in_path);
	} else {
		/* an empty appearance: validators want /AP even on an invisible widget */
		PdfXObject ap(PdfRect(0, 0, visible ? opts->w : 0, visible ? opts->h : 0), &doc);
		field->SetAppearanceStream(&ap);
	}
	/* PoDoFo adds an empty /MK to the widget it wraps: a filled field changes /V, /AP
	 * and /M only, or the revision would not be an allowed one */
	if (empty && !had_mk)
		field->GetWidgetAnnotation()->GetObject()->GetDictionary().RemoveKey("MK");
	return error;
}

int sign_prepare(int64_t byte_range[4], const char *in_path, const char *out_path,
	const mc_pdf_sig_options *opts)
{
	std::string bytes;            /* declared first: outlives doc */
	PdfMemDocument doc;
	std::unique_ptr<PdfSignatureField> field;
	temp_file tmp;
	std::string data;
	int error;

	if (!opts || !out_path)
		return mc_error(MOTCUA_EINVALID, "%s: signature options or output path missing",
			in_path ? in_path : "(null)");
	size_t contents_size = opts->contents_size ? opts->contents_size : DEFAULT_CONTENTS_SIZE;
	if (contents_size > MAX_CONTENTS_SIZE)
		return mc_error(MOTCUA_EINVALID, "%s: contents_size %zu is above %zu", in_path,
			contents_size, MAX_CONTENTS_SIZE);
	if ((error = load(doc, bytes, in_path, true)) < 0 ||
	    (error = check_distinct(in_path, out_path)) < 0)
		return error;
	try {
		error = add_signature_field(doc, field, opts, in_path);
	} catch (const PdfError &e) {
		return load_error(in_path, e);
	}
	if (error < 0)
		return error;
	if ((error = make_temp(tmp, out_path)) < 0 ||
	    (error = write_placeholder(doc, *field, contents_size, tmp.path.c_str(),
		tmp.path.c_str(), "signature")) < 0 ||
	    (error = read_all(data, tmp.path.c_str())) < 0 ||
	    (error = byte_range_of(byte_range, data, tmp.path.c_str())) < 0)
		return error;
	return sync_and_rename(tmp, out_path, !opts->scratch);
}

char *dup_str(const std::string &s)
{
	char *p = static_cast<char *>(malloc(s.size() + 1));
	if (!p)
		throw std::bad_alloc();
	memcpy(p, s.data(), s.size());
	p[s.size()] = '\0';
	return p;
}

char *dup_name_or_string(PdfObject *o)
{
	if (!o)
		return NULL;
	if (o->IsName())
		return dup_str(o->GetName().GetName());
	if (is_string(o))
		return dup_str(utf8(o->GetString()));
	return NULL;
}

void signature_from(mc_pdf_signature &s, const field_visit &f, PdfVecObjects *objs)
{
	PdfObject *v = f.v;

	s.field_name = dup_str(f.name);
	s.filter = dup_name_or_string(dict_get(objs, v, "Filter"));
	s.subfilter = dup_name_or_string(dict_get(objs, v, "SubFilter"));
	PdfObject *type = dict_get(objs, v, "Type");
	s.is_doc_timestamp = type && type->IsName() && type->GetName() == PdfName("DocTimeStamp");
	/* a missing or malformed /ByteRange reads as -1s: the verifier reports it */
	PdfObject *br = dict_get(objs, v, "ByteRange");
	for (int i = 0; i < 4; i++)
		s.byte_range[i] = -1;
	if (br && br->IsArray() && br->GetArray().size() == 4)
		for (int i = 0; i < 4; i++) {
			PdfObject *n = resolve(objs, &br->GetArray()[i]);
			if (n && n->IsNumber())
				s.byte_range[i] = n->GetNumber();
		}
	PdfObject *contents = dict_get(objs, v, "Contents");
	if (contents && is_string(contents)) {
		const PdfString &str = contents->GetString();
		size_t len = str.IsValid() ? str.GetLength() : 0;
		s.contents = static_cast<unsigned char *>(malloc(len ? len : 1));
		if (!s.contents)
			throw std::bad_alloc();
		if (len)
			memcpy(s.contents, str.GetString(), len);
		s.contents_len = len;
	}
	PdfObject *m = dict_get(objs, v, "M");
	if (m && is_string(m))
		s.m = dup_str(utf8(m->GetString()));
	PdfObject *reason = dict_get(objs, v, "Reason");
	if (reason && is_string(reason))
		s.reason = dup_str(utf8(reason->GetString()));
}

void free_members(mc_pdf_signature &s)
{
	free(s.field_name);
	free(s.subfilter);
	free(s.filter);
	free(s.contents);
	free(s.m);
	free(s.reason);
}

int signatures(mc_pdf_signature **out, size_t *count, const char *path)
{
	std::string bytes;            /* declared first: outlives doc */
	PdfMemDocument doc;
	std::vector<mc_pdf_signature> list;
	int error;

	if ((error = load(doc, bytes, path, false)) < 0)
		return error;
	try {
		PdfVecObjects *objs = &doc.GetObjects();
		for (const field_visit &f : fields_of(doc)) {
			if (f.ft != "Sig" || !f.v || !f.v->IsDictionary())
				continue;
			list.push_back(mc_pdf_signature());
			memset(&list.back(), 0, sizeof(list.back()));
			signature_from(list.back(), f, objs);
		}
	} catch (...) {
		for (mc_pdf_signature &s : list)
			free_members(s);
		throw;
	}
	mc_pdf_signature *arr = NULL;
	if (!list.empty()) {
		arr = static_cast<mc_pdf_signature *>(calloc(list.size(), sizeof(*arr)));
		if (!arr) {
			for (mc_pdf_signature &s : list)
				free_members(s);
			return mc_error_oom();
		}
		memcpy(arr, list.data(), list.size() * sizeof(*arr));
	}
	*out = arr;
	*count = list.size();
	return 0;
}

int page_size(double *w, double *h, int *pages, const char *path, int page)
{
	std::string bytes;            /* declared first: outlives doc */
	PdfMemDocument doc;
	int error;

	if ((error = load(doc, bytes, path, false)) < 0)
		return error;
	int n = doc.GetPageCount();
	if (pages)
		*pages = n;
	if (page < 1 || page > n)
		return mc_error(MOTCUA_EINVALID, "%s: page %d out of range (the PDF has %d)", path,
			page, n);
	PdfRect box = doc.GetPage(page - 1)->GetMediaBox();
	if (w)
		*w = box.GetWidth();
	if (h)
		*h = box.GetHeight();
	return 0;
}

} /* namespace */

extern "C" int mc_pdf_sign_prepare(int64_t byte_range[4], const char *in_path,
	const char *out_path, const mc_pdf_sig_options *opts)
{
	int error;

	try {
		error = sign_prepare(byte_range, in_path, out_path, opts);
	} catch (...) {
		error = caught(in_path ? in_path : "(null)");
	}
	/* no stale output survives a failure (sign_prepare refused out_path == in_path) */
	if (error < 0 && out_path) {
		struct stat a, b;
		if (!in_path || stat(in_path, &a) != 0 || stat(out_path, &b) != 0 ||
		    a.st_dev != b.st_dev || a.st_ino != b.st_ino)
			unlink(out_path);
	}
	return error;
}

extern "C" int mc_pdf_page_size(double *w, double *h, int *pages, const char *path, int page)
{
	try {
		return page_size(w, h, pages, path, page);
	} catch (...) {
		return caught(path ? path : "(null)");
	}
}

extern "C" int mc_pdf_field_place(int *page, double rect[4], bool *empty, const char *path,
	const char *name)
{
	try {
		return field_place(page, rect, empty, path, name ? name : "");
	} catch (...) {
		return caught(path ? path : "(null)");
	}
}

extern "C" int mc_pdf_signatures(mc_pdf_signature **out, size_t *count, const char *path)
{
	*out = NULL;
	*count = 0;
	try {
		return signatures(out, count, path);
	} catch (...) {
		return caught(path ? path : "(null)");
	}
}

extern "C" void mc_pdf_signatures_free(mc_pdf_signature *list, size_t count)
{
	if (!list)
		return;
	for (size_t i = 0; i < count; i++)
		free_members(list[i]);
	free(list);
}
