/* pdf/revisions.cpp — what changed after a signed revision, in the terms of PAdES (ETSI EN 319
 * 102-1, "modification"): both revisions are loaded with PoDoFo, objects are matched by
 * reference, and every object that is new, changed or gone is explained by the structure it
 * belongs to (page, annotation, form field, catalog, DSS). Later signatures, their appearances
 * on any page, the DSS and document timestamps are allowed; anything that alters what the
 * signer saw is not. Like the bridge, no exception leaves this file. */
#include <podofo/podofo.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <set>
#include <string>
#include <vector>

extern "C" {
#include "core/error.h"
}
#include "pdf/bridge.h"
#include "pdf/pdf.h"

using namespace PoDoFo;
using namespace mc_pdf_bridge;

namespace {

const int MAX_DEPTH = 32;              /* /Parent, /Kids nesting followed; deeper is garbage */
const size_t MAX_WALK = 1000000;       /* objects visited per closure: bounds garbage input */
const size_t MAX_LINES = 200;          /* summary lines kept; the rest are counted */

typedef std::set<PdfReference> refset;

/* One revision: the bytes it was read from outlive the document that points into them. */
struct revision {
	std::string bytes;
	PdfMemDocument doc;
	PdfVecObjects *objs;

	revision() : objs(&doc.GetObjects()) {}
};

/* Loads rev.bytes; which ("the signed revision", "the latest revision") names it in errors. */
int load_revision(revision &rev, const char *path, const char *which)
{
	int error;

	if ((error = load_buffer(rev.doc, rev.bytes, path, false, which)) < 0)
		return error;
	if (!rev.doc.GetTrailer() || !rev.doc.GetTrailer()->IsDictionary())
		return mc_error(MOTCUA_EINVALID, "%s: %s has no trailer", path, which);
	return 0;
}

/* The value under key, unresolved (a reference stays one). */
PdfObject *raw_get(PdfObject *o, const char *key)
{
	if (!o || !o->IsDictionary())
		return NULL;
	return o->GetDictionary().GetKey(PdfName(key));
}

bool is_name(PdfObject *o, const char *name)
{
	return o && o->IsName() && o->GetName() == PdfName(name);
}

/* A value as PDF text; a stream object adds its raw (still encoded) bytes. */
std::string serial(const PdfObject *o)
{
	std::string s;

	if (!o)
		return s;
	bool stream = o->HasStream();
	o->ToString(s);
	if (stream) {
		char *buf = NULL;
		pdf_long len = 0;
		o->GetStream()->GetCopy(&buf, &len);
		s += "\nstream\n";
		if (buf && len > 0)
			s.append(buf, (size_t)len);
		podofo_free(buf);
	}
	return s;
}

std::string ref_text(const PdfReference &r)
{
	return std::to_string(r.ObjectNumber()) + " " + std::to_string(r.GenerationNumber()) +
		" R";
}

/* Text from the file, made safe for a one-line summary. */
std::string printable(const std::string &in)
{
	std::string s;

	for (unsigned char c : in)
		s += c < 0x20 || c == 0x7f ? '?' : (char)c;
	if (s.size() > 80)
		s = s.substr(0, 77) + "...";
	return s;
}

/* A field's full name: the /T of it and its parents, joined by '.'. */
std::string field_name(PdfVecObjects *objs, PdfObject *f)
{
	std::string name;

	for (int depth = 0; f && f->IsDictionary() && depth < MAX_DEPTH; depth++) {
		PdfObject *t = dict_get(objs, f, "T");
		if (t && is_string(t))
			name = utf8(t->GetString()) + (name.empty() ? "" : "." + name);
		f = dict_get(objs, f, "Parent");
	}
	return printable(name);
}

/* A field attribute that children inherit (/FT, /V): on the object or a parent. */
PdfObject *inherited(PdfVecObjects *objs, PdfObject *f, const char *key)
{
	for (int depth = 0; f && f->IsDictionary() && depth < MAX_DEPTH; depth++) {
		if (PdfObject *v = dict_get(objs, f, key))
			return v;
		f = dict_get(objs, f, "Parent");
	}
	return NULL;
}

bool is_sig_field(PdfVecObjects *objs, PdfObject *f)
{
	return is_name(inherited(objs, f, "FT"), "Sig");
}

bool is_sig_widget(PdfVecObjects *objs, PdfObject *a)
{
	return is_name(dict_get(objs, a, "Subtype"), "Widget") && is_sig_field(objs, a);
}

/* Keys whose values differ between two dictionaries (either may be NULL or not a dict). */
std::vector<std::string> key_diff(PdfObject *a, PdfObject *b)
{
	std::set<std::string> keys;
	std::vector<std::string> out;

	for (PdfObject *d : {a, b})
		if (d && d->IsDictionary())
			for (const auto &kv : d->GetDictionary().GetKeys())
				keys.insert(kv.first.GetName());
	for (const std::string &k : keys) {
		PdfObject *va = raw_get(a, k.c_str()), *vb = raw_get(b, k.c_str());
		if (!va || !vb || serial(va) != serial(vb))
			out.push_back(k);
	}
	return out;
}

/* What happened to a key: "added", "removed" or "changed". */
const char *key_change(PdfObject *a, PdfObject *b, const std::string &k)
{
	if (!raw_get(a, k.c_str()))
		return "added";
	if (!raw_get(b, k.c_str()))
		return "removed";
	return "changed";
}

/* Every object reachable from value through references, not crossing into `stop` and not
 * following /Parent or /P (which lead back up to pages and fields). */
void closure(PdfVecObjects *objs, PdfObject *value, refset &out, const refset &stop)
{
	std::vector<PdfObject *> todo;
	size_t steps = 0;

	if (value)
		todo.push_back(value);
	while (!todo.empty() && steps++ < MAX_WALK) {
		PdfObject *o = todo.back();
		todo.pop_back();
		if (o->IsReference()) {
			const PdfReference &r = o->GetReference();
			if (stop.count(r) || out.count(r))
				continue;
			out.insert(r);
			if (PdfObject *t = objs->GetObject(r))
				todo.push_back(t);
		} else if (o->IsDictionary()) {
			for (const auto &kv : o->GetDictionary().GetKeys())
				if (kv.second && kv.first != PdfName("Parent") &&
				    kv.first != PdfName("P"))
					todo.push_back(kv.second);
		} else if (o->IsArray()) {
			for (PdfObject &e : o->GetArray())
				todo.push_back(&e);
		}
	}
}

/* The references written directly in one object (not followed). */
void refs_in(PdfObject *value, refset &out)
{
	std::vector<PdfObject *> todo;
	size_t steps = 0;

	todo.push_back(value);
	while (!todo.empty() && steps++ < MAX_WALK) {
		PdfObject *o = todo.back();
		todo.pop_back();
		if (o->IsReference())
			out.insert(o->GetReference());
		else if (o->IsDictionary())
			for (const auto &kv : o->GetDictionary().GetKeys()) {
				if (kv.second)
					todo.push_back(kv.second);
			}
		else if (o->IsArray())
			for (PdfObject &e : o->GetArray())
				todo.push_back(&e);
	}
}

/* The pages in order and the intermediate /Pages nodes, walked from the catalog. */
struct page_tree {
	std::vector<PdfObject *> pages;
	refset nodes;                  /* intermediate nodes */
	refset page_refs;
	bool broken = false;
};

void walk_pages(PdfVecObjects *objs, PdfObject *node, int depth, refset &seen, page_tree &t)
{
	if (!node || !node->IsDictionary() || depth > MAX_DEPTH || t.pages.size() > 100000) {
		t.broken = true;
		return;
	}
	PdfObject *kids = dict_get(objs, node, "Kids");
	if (!kids || !kids->IsArray()) {
		t.pages.push_back(node);
		if (node->Reference().IsIndirect())
			t.page_refs.insert(node->Reference());
		return;
	}
	if (node->Reference().IsIndirect())
		t.nodes.insert(node->Reference());
	for (PdfObject &k : kids->GetArray()) {
		if (k.IsReference()) {
			if (seen.count(k.GetReference())) {
				t.broken = true;
				continue;
			}
			seen.insert(k.GetReference());
		}
		walk_pages(objs, resolve(objs, &k), depth + 1, seen, t);
	}
}

page_tree pages_of(revision &rev)
{
	page_tree t;
	refset seen;
	PdfObject *root = rev.doc.GetCatalog();
	PdfObject *pages = dict_get(rev.objs, root, "Pages");

	if (PdfObject *r = raw_get(root, "Pages"))
		if (r->IsReference())
			seen.insert(r->GetReference());
	walk_pages(rev.objs, pages, 0, seen, t);
	return t;
}

/* The comparison in progress: the lines written so far and which changed objects have been
 * explained (covered) by a rule. */
struct judge {
	revision &o, &n;
	std::map<PdfReference, bool> changed;   /* -> covered */
	std::vector<std::string> lines;
	std::set<std::string> said;
	size_t dropped = 0;
	bool allowed = true;
	refset stop;                            /* catalog, page tree: closures stop there */

	judge(revision &old_rev, revision &new_rev) : o(old_rev), n(new_rev) {}

	void say(bool ok, const std::string &what)
	{
		std::string line = (ok ? "allowed: " : "not allowed: ") + what;
		if (!ok)
			allowed = false;
		if (said.count(line))
			return;
		said.insert(line);
		if (lines.size() < MAX_LINES)
			lines.push_back(line);
		else
			dropped++;
	}

	/* Whether r changed and is not yet explained; marks it explained. */
	bool take(const PdfReference &r)
	{
		auto it = changed.find(r);
		if (it == changed.end() || it->second)
			return false;
		it->second = true;
		return true;
	}

	/* Takes every changed object of a set; whether there was one. */
	bool take_any(const refset &s)
	{
		bool any = false;
		for (const PdfReference &r : s)
			any |= take(r);
		return any;
	}
};

/* The objects of both revisions matched by reference: new ones, changed ones, removed ones. */
void match_objects(judge &j, refset &added)
{
	for (PdfObject *obj : *j.n.objs) {
		if (!obj)
			continue;
		const PdfReference &r = obj->Reference();
		PdfObject *old = j.o.objs->GetObject(r);
		if (!old)
			added.insert(r);
		else if (serial(old) != serial(obj))
			j.changed[r] = false;
	}
	for (PdfObject *obj : *j.o.objs) {
		if (!obj || j.n.objs->GetObject(obj->Reference()))
			continue;
		PdfObject *type = dict_get(j.o.objs, obj, "Type");
		if (is_name(type, "XRef") || is_name(type, "ObjStm"))
			continue;                /* the file's plumbing, not the document */
		j.say(false, "object " + ref_text(obj->Reference()) + " removed");
	}
	/* cross-reference and object streams are the file's plumbing */
	for (auto &kv : j.changed) {
		PdfObject *type = dict_get(j.n.objs, j.n.objs->GetObject(kv.first), "Type");
		if (is_name(type, "XRef") || is_name(type, "ObjStm"))
			kv.second = true;
	}
}

/* An object the signed revision pointed at without defining it must not appear later: that
 * would change what the signed revision shows. */
void check_dangling(judge &j, const refset &added)
{
	refset used;

	if (added.empty())
		return;
	for (PdfObject *obj : *j.o.objs)
		if (obj)
			refs_in(obj, used);
	refs_in(const_cast<PdfObject *>(j.o.doc.GetTrailer()), used);
	for (const PdfReference &r : added)
		if (used.count(r))
			j.say(false, "object " + ref_text(r) + ", referenced but missing in the "
				"signed revision, was added");
}

/* An old widget or field of an empty signature field now signed: /V set, appearance
 * replaced, nothing else. */
bool fills_empty_sig(judge &j, PdfObject *old_f, PdfObject *new_f)
{
	if (!is_sig_field(j.o.objs, old_f) || inherited(j.o.objs, old_f, "V"))
		return false;
	for (const std::string &k : key_diff(old_f, new_f))
		if (k != "V" && k != "AP" && k != "M")
			return false;
	return true;
}

/* A widget of a signature field added to a page: describes it. */
std::string sig_widget_text(judge &j, PdfObject *a, int page_no)
{
	std::string name = field_name(j.n.objs, a);
	PdfObject *v = inherited(j.n.objs, a, "V");
	bool ts = is_name(dict_get(j.n.objs, v, "Type"), "DocTimeStamp");
	return std::string(ts ? "document timestamp" : "signature field") + " \"" + name +
		"\" shown on page " + std::to_string(page_no);
}

std::string annot_text(PdfObject *a, PdfVecObjects *objs)
{
	std::string s = "annotation";
	PdfObject *sub = dict_get(objs, a, "Subtype");

	if (sub && sub->IsName())
		s += " (" + printable(sub->GetName().GetName()) + ")";
	if (a && a->Reference().IsIndirect())
		s += " " + ref_text(a->Reference());
	return s;
}

/* /Annots of one page: old entries kept, new ones only widgets of signature fields. */
void compare_annots(judge &j, PdfObject *po, PdfObject *pn, int page_no)
{
	std::string pg = " on page " + std::to_string(page_no);
	PdfObject *raw_o = raw_get(po, "Annots"), *raw_n = raw_get(pn, "Annots");
	PdfObject *ao = resolve(j.o.objs, raw_o), *an = resolve(j.n.objs, raw_n);

	for (PdfObject *raw : {raw_o, raw_n})
		if (raw && raw->IsReference())
			j.take(raw->GetReference());
	if (serial(ao) == serial(an))
		return;
	if ((ao && !ao->IsArray()) || (an && !an->IsArray())) {
		j.say(false, "annotations" + pg + " changed");
		return;
	}
	std::multiset<std::string> old_entries, new_entries;
	if (ao)
		for (PdfObject &e : ao->GetArray())
			old_entries.insert(serial(&e));
	if (an)
		for (PdfObject &e : an->GetArray()) {
			std::string s = serial(&e);
			new_entries.insert(s);
			auto it = old_entries.find(s);
			if (it != old_entries.end()) {
				old_entries.erase(it);
				continue;
			}
			PdfObject *a = resolve(j.n.objs, &e);
			if (is_sig_widget(j.n.objs, a))
				j.say(true, sig_widget_text(j, a, page_no));
			else
				j.say(false, annot_text(a, j.n.objs) + " added" + pg);
		}
	for (const std::string &s : old_entries)
		j.say(false, "annotation " + printable(s) + " removed from page " +
			std::to_string(page_no));
}

/* One old annotation (and its appearance) against the latest revision. */
void compare_annot(judge &j, PdfObject *entry, int page_no)
{
	if (!entry->IsReference())
		return;                /* a direct annotation: the /Annots comparison saw it */
	const PdfReference &r = entry->GetReference();
	PdfObject *ao = j.o.objs->GetObject(r), *an = j.n.objs->GetObject(r);
	if (!ao || !an)
		return;
	refset ap;
	closure(j.o.objs, raw_get(ao, "AP"), ap, j.stop);
	bool self = j.take(r), look = j.take_any(ap);
	if (!self && !look)
		return;
	std::string what = annot_text(ao, j.o.objs) + " on page " + std::to_string(page_no);
	if (fills_empty_sig(j, ao, an))
		j.say(true, "empty signature field \"" + field_name(j.n.objs, an) + "\" signed");
	else
		j.say(false, what + (self ? " changed" : ": its appearance changed"));
}

/* What a page shows: its dictionary, content streams, resources, annotations. */
void compare_page(judge &j, PdfObject *po, PdfObject *pn, int page_no)
{
	std::string pg = "page " + std::to_string(page_no);

	if (po->Reference() != pn->Reference())
		j.say(false, pg + " replaced by object " + ref_text(pn->Reference()));
	if (po->Reference().IsIndirect())
		j.take(po->Reference());
	for (const std::string &k : key_diff(po, pn)) {
		if (k == "Annots")
			continue;
		if (k == "Contents")
			j.say(false, pg + " content changed");
		else if (k == "Resources")
			j.say(false, pg + " resources changed");
		else
			j.say(false, pg + " /" + printable(k) + " " + key_change(po, pn, k));
	}
	compare_annots(j, po, pn, page_no);

	refset contents, resources;
	closure(j.o.objs, raw_get(po, "Contents"), contents, j.stop);
	if (j.take_any(contents))
		j.say(false, pg + " content changed");
	/* resources may be inherited from a /Pages node */
	PdfObject *res = NULL, *node = po;
	for (int depth = 0; node && !res && depth < MAX_DEPTH; depth++) {
		res = raw_get(node, "Resources");
		node = dict_get(j.o.objs, node, "Parent");
	}
	closure(j.o.objs, res, resources, j.stop);
	if (j.take_any(resources))
		j.say(false, pg + " resources changed");
	PdfObject *annots = dict_get(j.o.objs, po, "Annots");
	if (annots && annots->IsArray())
		for (PdfObject &e : annots->GetArray())
			compare_annot(j, &e, page_no);
}

void compare_pages(judge &j, const page_tree &to, const page_tree &tn)
{
	if (to.pages.size() != tn.pages.size())
		j.say(false, "page count changed from " + std::to_string(to.pages.size()) + " to " +
			std::to_string(tn.pages.size()));
	size_t n = std::min(to.pages.size(), tn.pages.size());
	for (size_t i = 0; i < n; i++)
		compare_page(j, to.pages[i], tn.pages[i], (int)i + 1);
	for (const PdfReference &r : to.nodes)
		if (j.take(r))
			j.say(false, "page tree changed (object " + ref_text(r) + ")");
}

/* A field added to /Fields: only signature fields (and document timestamps) may be. */
void judge_new_field(judge &j, PdfObject *f)
{
	std::string name = field_name(j.n.objs, f);
	if (!is_sig_field(j.n.objs, f)) {
		j.say(false, "form field \"" + name + "\" added");
		return;
	}
	PdfObject *v = inherited(j.n.objs, f, "V");
	if (is_name(dict_get(j.n.objs, v, "Type"), "DocTimeStamp"))
		j.say(true, "document timestamp \"" + name + "\" added");
	else
		j.say(true, "signature field \"" + name + "\" added");
}

/* /Fields may only grow, and only with signature fields. */
void compare_fields(judge &j, PdfObject *fo, PdfObject *fn)
{
	if (serial(fo) == serial(fn))
		return;
	if ((fo && !fo->IsArray()) || (fn && !fn->IsArray())) {
		j.say(false, "AcroForm /Fields changed");
		return;
	}
	std::multiset<std::string> old_entries;
	if (fo)
		for (PdfObject &e : fo->GetArray())
			old_entries.insert(serial(&e));
	if (fn)
		for (PdfObject &e : fn->GetArray()) {
			auto it = old_entries.find(serial(&e));
			if (it != old_entries.end())
				old_entries.erase(it);
			else
				judge_new_field(j, resolve(j.n.objs, &e));
		}
	for (const std::string &s : old_entries)
		j.say(false, "form field " + printable(s) + " removed");
}

/* Old fields, depth first: a changed field is allowed only as an empty signature field being
 * signed; a changed value of any field is not. */
void compare_old_fields(judge &j, PdfObject *node, int depth, refset &seen)
{
	if (!node || !node->IsDictionary() || depth > MAX_DEPTH)
		return;
	const PdfReference &r = node->Reference();
	if (r.IsIndirect()) {
		if (seen.count(r))
			return;
		seen.insert(r);
	}
	std::string name = field_name(j.o.objs, node);
	PdfObject *newer = r.IsIndirect() ? j.n.objs->GetObject(r) : NULL;
	refset ap, value;
	closure(j.o.objs, raw_get(node, "AP"), ap, j.stop);
	closure(j.o.objs, raw_get(node, "V"), value, j.stop);
	bool self = r.IsIndirect() && j.take(r), look = j.take_any(ap), val = j.take_any(value);
	if (val)
		j.say(false, (is_sig_field(j.o.objs, node) ? "signature \"" :
			"value of form field \"") + name + "\" changed");
	if (self || look) {
		if (newer && fills_empty_sig(j, node, newer))
			j.say(true, "empty signature field \"" + name + "\" signed");
		else
			j.say(false, "form field \"" + name + "\" changed");
	}
	PdfObject *kids = dict_get(j.o.objs, node, "Kids");
	if (kids && kids->IsArray())
		for (PdfObject &k : kids->GetArray())
			compare_old_fields(j, resolve(j.o.objs, &k), depth + 1, seen);
}

/* The AcroForm: /Fields growing with signature fields, /SigFlags, /DR, /DA, /NeedAppearances. */
void compare_acroform(judge &j, PdfObject *co, PdfObject *cn)
{
	PdfObject *raw_o = raw_get(co, "AcroForm"), *raw_n = raw_get(cn, "AcroForm");
	PdfObject *ao = resolve(j.o.objs, raw_o), *an = resolve(j.n.objs, raw_n);

	if (raw_o && raw_o->IsReference())
		j.take(raw_o->GetReference());
	if ((ao && !ao->IsDictionary()) || (an && !an->IsDictionary())) {
		if (serial(ao) != serial(an))
			j.say(false, "AcroForm changed");
		return;
	}
	for (const std::string &k : key_diff(ao, an)) {
		if (k == "SigFlags" || k == "DR" || k == "DA" || k == "NeedAppearances")
			j.say(true, "AcroForm /" + k + " " + key_change(ao, an, k));
		else if (k != "Fields")
			j.say(false, "AcroForm /" + printable(k) + " " + key_change(ao, an, k));
	}
	PdfObject *fo_raw = raw_get(ao, "Fields"), *fn_raw = raw_get(an, "Fields");
	if (fo_raw && fo_raw->IsReference())
		j.take(fo_raw->GetReference());
	compare_fields(j, resolve(j.o.objs, fo_raw), resolve(j.n.objs, fn_raw));

	refset seen, dr;
	PdfObject *fields = resolve(j.o.objs, fo_raw);
	if (fields && fields->IsArray())
		for (PdfObject &f : fields->GetArray())
			compare_old_fields(j, resolve(j.o.objs, &f), 0, seen);
	closure(j.o.objs, raw_get(ao, "DR"), dr, j.stop);
	if (j.take_any(dr))
		j.say(true, "AcroForm /DR updated");
}

/* The catalog: only /AcroForm, /DSS and /Extensions may change, and /Version, which signing
 * tools (iText) raise to 1.7 when they add the ESIC extension. */
void compare_catalog(judge &j)
{
	PdfObject *co = j.o.doc.GetCatalog(), *cn = j.n.doc.GetCatalog();

	if (!co || !cn || !co->IsDictionary() || !cn->IsDictionary()) {
		j.say(false, "document catalog missing");
		return;
	}
	if (co->Reference().IsIndirect())
		j.take(co->Reference());
	for (const std::string &k : key_diff(co, cn)) {
		if (k == "DSS" || k == "Extensions" || k == "Version")
			j.say(true, "catalog /" + k + " " + key_change(co, cn, k));
		else if (k != "AcroForm")
			j.say(false, "catalog /" + printable(k) + " " + key_change(co, cn, k));
	}
	compare_acroform(j, co, cn);
	refset dss, ext;
	closure(j.o.objs, raw_get(co, "DSS"), dss, j.stop);
	if (j.take_any(dss))
		j.say(true, "/DSS updated");
	closure(j.o.objs, raw_get(co, "Extensions"), ext, j.stop);
	if (j.take_any(ext))
		j.say(true, "catalog /Extensions updated");
}

/* The document information dictionary: every iText signature rewrites its /ModDate and
 * /Producer (the provinces' documents all show it). It is metadata no page shows. */
void compare_info(judge &j)
{
	refset info;
	const PdfObject *trailer = j.o.doc.GetTrailer();

	closure(j.o.objs, raw_get(const_cast<PdfObject *>(trailer), "Info"), info, j.stop);
	if (j.take_any(info))
		j.say(true, "document information (/Info) updated");
}

std::string joined(const judge &j)
{
	std::string s;

	for (const std::string &l : j.lines)
		s += l + "\n";
	if (j.dropped)
		s += "(" + std::to_string(j.dropped) + " more lines)\n";
	if (!s.empty())
		s.pop_back();
	return s;
}

int compare(mc_pdf_revision_diff *out, const char *path, int64_t signed_end)
{
	revision o, n;
	refset added;
	int error;

	if (!path)
		return mc_error(MOTCUA_EINVALID, "PDF path missing");
	if ((error = read_all(n.bytes, path)) < 0)
		return error;
	if (signed_end <= 0 || (uint64_t)signed_end > n.bytes.size())
		return mc_error(MOTCUA_EINVALID, "%s: signed revision end %lld is outside the file "
			"(%zu bytes)", path, (long long)signed_end, n.bytes.size());
	o.bytes.assign(n.bytes, 0, (size_t)signed_end);
	if ((error = load_revision(o, path, "the signed revision")) < 0 ||
	    (error = load_revision(n, path, "the latest revision")) < 0)
		return error;

	judge j(o, n);
	page_tree to = pages_of(o), tn = pages_of(n);
	if (to.broken || tn.broken)
		return mc_error(MOTCUA_EINVALID, "%s: the page tree of the %s revision is broken",
			path, to.broken ? "signed" : "latest");
	j.stop = to.nodes;
	j.stop.insert(to.page_refs.begin(), to.page_refs.end());
	if (o.doc.GetCatalog() && o.doc.GetCatalog()->Reference().IsIndirect())
		j.stop.insert(o.doc.GetCatalog()->Reference());

	match_objects(j, added);
	check_dangling(j, added);
	/* the strictest reading first: what a page shows, then forms, then the catalog */
	compare_pages(j, to, tn);
	compare_catalog(j);
	compare_info(j);
	for (auto &kv : j.changed)
		if (!kv.second)
			j.say(false, "object " + ref_text(kv.first) + " changed");

	std::string s = joined(j);
	char *summary = static_cast<char *>(malloc(s.size() + 1));
	if (!summary)
		return mc_error_oom();
	memcpy(summary, s.c_str(), s.size() + 1);
	out->allowed = j.allowed;
	out->summary = summary;
	return 0;
}

} /* namespace */

extern "C" int mc_pdf_compare_revisions(mc_pdf_revision_diff *out, const char *path,
	int64_t signed_end)
{
	const char *p = path ? path : "(null)";

	if (!out)
		return mc_error(MOTCUA_EINVALID, "%s: no place for the revision comparison", p);
	out->allowed = false;
	out->summary = NULL;
	try {
		return compare(out, path, signed_end);
	} catch (...) {
		return caught(p, "compare revisions");
	}
}

extern "C" void mc_pdf_revision_diff_clear(mc_pdf_revision_diff *d)
{
	if (!d)
		return;
	free(d->summary);
	d->summary = NULL;
	d->allowed = false;
}
