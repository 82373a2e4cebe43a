/* pdf/dss.cpp — long-term validation in the PDF itself (ETSI EN 319 142-1, §5.4 and §5.5): the
 * document security store (/DSS in the catalog, with the certificates, CRLs and OCSP responses a
 * verifier needs later) added or extended by an incremental update, read back for the verifier,
 * and the placeholder of a document timestamp (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161).
 * Like the bridge, no PoDoFo exception leaves this file; outputs appear whole or not at all. */
#include <podofo/podofo.h>

#include <cstdlib>
#include <cstring>
#include <memory>
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

const size_t MAX_DSS_ENTRIES = 10000;            /* per array: more is garbage */
const size_t MAX_DSS_ITEM = 16 * 1024 * 1024;    /* bytes per certificate, CRL or response */
const size_t DEFAULT_TS_SIZE = 16384;
const size_t MAX_TS_SIZE = 1024 * 1024;
const int MAX_FIELD_DEPTH = 32;
const char *const DSS_KEYS[3] = { "Certs", "CRLs", "OCSPs" };

/* path loaded from memory (pdf/bridge.h) with a catalog to hang the DSS or a field on. */
int load_with_catalog(PdfMemDocument &doc, std::string &bytes, const char *path,
	bool for_update)
{
	int error;

	if ((error = load(doc, bytes, path, for_update)) < 0)
		return error;
	if (!doc.GetCatalog() || !doc.GetCatalog()->IsDictionary())
		return mc_error(MOTCUA_EINVALID, "%s: no document catalog", path);
	return 0;
}

/* ---- the DSS ---- */

/* The decoded bytes of a stream (Flate or none: what PoDoFo can decode). */
bool stream_bytes(std::string &out, PdfObject *o)
{
	if (!o || !o->HasStream())
		return false;
	char *buf = NULL;
	pdf_long len = 0;
	o->GetStream()->GetFilteredCopy(&buf, &len);
	if (len < 0 || (size_t)len > MAX_DSS_ITEM) {
		podofo_free(buf);
		return false;
	}
	out.assign(buf ? buf : "", buf ? (size_t)len : 0);
	podofo_free(buf);
	return true;
}

/* The catalog's /DSS as an indirect dictionary we may extend: the existing one, a direct one
 * made indirect, or a new one. */
PdfObject *dss_object(PdfMemDocument &doc, const char *path)
{
	PdfVecObjects *objs = &doc.GetObjects();
	PdfDictionary &catalog = doc.GetCatalog()->GetDictionary();
	PdfObject *raw = catalog.GetKey("DSS");

	if (raw && raw->IsReference()) {
		PdfObject *dss = resolve(objs, raw);
		if (!dss || !dss->IsDictionary()) {
			mc_error(MOTCUA_EINVALID, "%s: the catalog's /DSS is not a dictionary", path);
			return NULL;
		}
		return dss;
	}
	if (raw && !raw->IsDictionary()) {
		mc_error(MOTCUA_EINVALID, "%s: the catalog's /DSS is not a dictionary", path);
		return NULL;
	}
	PdfObject *dss = raw ? objs->CreateObject(PdfVariant(raw->GetDictionary())) :
		objs->CreateObject();
	if (!raw)
		dss->GetDictionary().AddKey(PdfName::KeyType, PdfName("DSS"));
	catalog.AddKey("DSS", dss->Reference());
	return dss;
}

/* Appends a stream per new blob to the array under `key`, keeping what is there and skipping
 * bytes the DSS already holds. Returns how many were added. */
size_t extend_array(PdfMemDocument &doc, PdfObject *dss, const char *key,
	const unsigned char *const *blobs, const size_t *lens, size_t n)
{
	PdfVecObjects *objs = &doc.GetObjects();
	PdfObject *old = dict_get(objs, dss, key);
	PdfArray arr;
	std::set<std::string> have;
	size_t added = 0;

	if (old && old->IsArray()) {
		arr = old->GetArray();
		for (PdfObject &e : arr) {
			std::string bytes;
			if (stream_bytes(bytes, resolve(objs, &e)))
				have.insert(bytes);
		}
	}
	for (size_t i = 0; i < n; i++) {
		std::string bytes(reinterpret_cast<const char *>(blobs[i]), lens[i]);
		if (!have.insert(bytes).second)
			continue;
		PdfObject *s = objs->CreateObject();
		/* PoDoFo's default filter: Flate, which EN 319 142-1 allows */
		s->GetStream()->Set(bytes.data(), (pdf_long)bytes.size());
		arr.push_back(s->Reference());
		added++;
	}
	if (added)
		dss->GetDictionary().AddKey(key, arr);
	return added;
}

int add_dss(const char *in_path, const char *out_path, const unsigned char *const *const blobs[3],
	const size_t *const lens[3], const size_t counts[3])
{
	std::string bytes;            /* declared first: outlives doc */
	PdfMemDocument doc;
	temp_file tmp;
	int error;

	if ((error = check_distinct(in_path, out_path)) < 0)
		return error;
	for (int k = 0; k < 3; k++) {
		if (counts[k] && (!blobs[k] || !lens[k]))
			return mc_error(MOTCUA_EINVALID, "%s: DSS %s missing", in_path, DSS_KEYS[k]);
		for (size_t i = 0; i < counts[k]; i++)
			if (!blobs[k][i] || lens[k][i] == 0 || lens[k][i] > MAX_DSS_ITEM)
				return mc_error(MOTCUA_EINVALID, "%s: DSS %s entry %zu is empty or "
					"too large", in_path, DSS_KEYS[k], i + 1);
	}
	if (counts[0] + counts[1] + counts[2] == 0)
		return mc_error(MOTCUA_EINVALID, "%s: nothing to add to the DSS", in_path);
	if ((error = load_with_catalog(doc, bytes, in_path, true)) < 0)
		return error;
	PdfObject *dss = dss_object(doc, in_path);
	if (!dss)
		return MOTCUA_EINVALID;
	for (int k = 0; k < 3; k++)
		extend_array(doc, dss, DSS_KEYS[k], blobs[k], lens[k], counts[k]);
	if ((error = make_temp(tmp, out_path)) < 0)
		return error;
	try {
		PdfOutputDevice out(tmp.path.c_str(), true);
		doc.WriteUpdate(&out, true);
		out.Flush();
	} catch (const PdfError &e) {
		return write_error(out_path, e);
	}
	return sync_and_rename(tmp, out_path);
}

void blobs_clear(mc_pdf_blob *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i].data);
	free(list);
}

/* The streams of one DSS array as malloc'd blobs; unreadable entries are skipped. */
void read_array(mc_pdf_blob **out, size_t *count, PdfVecObjects *objs, PdfObject *dss,
	const char *key)
{
	PdfObject *arr = dict_get(objs, dss, key);
	std::vector<mc_pdf_blob> list;

	*out = NULL;
	*count = 0;
	if (!arr || !arr->IsArray())
		return;
	try {
		for (PdfObject &e : arr->GetArray()) {
			std::string bytes;
			if (list.size() >= MAX_DSS_ENTRIES)
				break;
			if (!stream_bytes(bytes, resolve(objs, &e)) || bytes.empty())
				continue;
			mc_pdf_blob b = { static_cast<unsigned char *>(malloc(bytes.size())),
				bytes.size() };
			if (!b.data)
				throw std::bad_alloc();
			memcpy(b.data, bytes.data(), bytes.size());
			list.push_back(b);
		}
	} catch (...) {
		for (mc_pdf_blob &b : list)
			free(b.data);
		throw;
	}
	if (list.empty())
		return;
	mc_pdf_blob *arr_out = static_cast<mc_pdf_blob *>(calloc(list.size(), sizeof(*arr_out)));
	if (!arr_out) {
		for (mc_pdf_blob &b : list)
			free(b.data);
		throw std::bad_alloc();
	}
	memcpy(arr_out, list.data(), list.size() * sizeof(*arr_out));
	*out = arr_out;
	*count = list.size();
}

int read_dss(mc_pdf_dss_data *out, const char *path)
{
	std::string bytes;            /* declared first: outlives doc */
	PdfMemDocument doc;
	int error;

	if ((error = load_with_catalog(doc, bytes, path, false)) < 0)
		return error;
	PdfVecObjects *objs = &doc.GetObjects();
	PdfObject *dss = dict_get(objs, doc.GetCatalog(), "DSS");
	if (!dss)
		return 0;
	if (!dss->IsDictionary())
		return mc_error(MOTCUA_EINVALID, "%s: the catalog's /DSS is not a dictionary", path);
	read_array(&out->certs, &out->n_certs, objs, dss, "Certs");
	read_array(&out->crls, &out->n_crls, objs, dss, "CRLs");
	read_array(&out->ocsps, &out->n_ocsps, objs, dss, "OCSPs");
	return 0;
}

/* ---- the document timestamp ---- */

/* Full names of every terminal field, to keep the new one unique. */
void field_names(PdfVecObjects *objs, PdfObject *node, const std::string &parent, int depth,
	std::set<PdfObject *> &seen, std::set<std::string> &out)
{
	if (!node || !node->IsDictionary() || depth > MAX_FIELD_DEPTH || !seen.insert(node).second)
		return;
	std::string name = parent;
	PdfObject *t = dict_get(objs, node, "T");
	if (t && is_string(t))
		name = name.empty() ? utf8(t->GetString()) : name + "." + utf8(t->GetString());
	out.insert(name);
	PdfObject *kids = dict_get(objs, node, "Kids");
	if (kids && kids->IsArray())
		for (PdfObject &k : kids->GetArray())
			field_names(objs, resolve(objs, &k), name, depth + 1, seen, out);
}

/* An invisible signature field on page 1 whose value is a document timestamp dictionary. */
int add_timestamp_field(PdfMemDocument &doc, std::unique_ptr<PdfSignatureField> &field,
	const char *field_name, const char *path)
{
	PdfVecObjects *objs = &doc.GetObjects();
	std::set<std::string> names;
	std::set<PdfObject *> seen;
	std::string name;
	int error;

	PdfObject *fields = dict_get(objs, dict_get(objs, doc.GetCatalog(), "AcroForm"), "Fields");
	if (fields && fields->IsArray())
		for (PdfObject &f : fields->GetArray())
			field_names(objs, resolve(objs, &f), "", 0, seen, names);
	if (field_name) {
		name = field_name;
		if (name.empty() || name.find('.') != std::string::npos)
			return mc_error(MOTCUA_EINVALID, "%s: field name \"%s\" is empty or "
				"contains '.'", path, field_name);
		if (names.count(name))
			return mc_error(MOTCUA_EINVALID, "%s: a field named \"%s\" already exists",
				path, field_name);
	} else {
		for (int n = 1; names.count(name = "Timestamp" + std::to_string(n)); n++)
			;
	}
	if (doc.GetPageCount() < 1)
		return mc_error(MOTCUA_EINVALID, "%s: the PDF has no page", path);
	PdfPage *page = doc.GetPage(0);
	if ((error = check_structure(doc, page, 1, path)) < 0)
		return error;
	PdfAcroForm *form = doc.GetAcroForm(true, ePdfAcroFormDefaultAppearance_None);
	form->GetObject()->GetDictionary().AddKey("SigFlags", PdfObject((pdf_int64)3));
	form->SetNeedAppearances(false);
	field.reset(new PdfSignatureField(page, PdfRect(0, 0, 0, 0), &doc));
	field->SetFieldName(PdfString(reinterpret_cast<const pdf_utf8 *>(name.c_str())));
	field->GetWidgetAnnotation()->SetFlags(ePdfAnnotationFlags_Print |
		ePdfAnnotationFlags_Locked);
	field->GetWidgetAnnotation()->GetObject()->GetDictionary().RemoveKey("M");
	field->EnsureSignatureObject();
	PdfDictionary &sig = field->GetSignatureObject()->GetDictionary();
	sig.AddKey(PdfName::KeyType, PdfName("DocTimeStamp"));
	sig.AddKey(PdfName::KeyFilter, PdfName("Adobe.PPKLite"));
	sig.AddKey("SubFilter", PdfName("ETSI.RFC3161"));
	PdfXObject ap(PdfRect(0, 0, 0, 0), &doc);
	field->SetAppearanceStream(&ap);
	return 0;
}

int timestamp_prepare(int64_t byte_range[4], const char *in_path, const char *out_path,
	const char *field_name, size_t contents_size)
{
	std::string bytes;            /* declared first: outlives doc */
	PdfMemDocument doc;
	std::unique_ptr<PdfSignatureField> field;
	temp_file tmp;
	std::string data;
	int error;

	if (!contents_size)
		contents_size = DEFAULT_TS_SIZE;
	if (contents_size > MAX_TS_SIZE)
		return mc_error(MOTCUA_EINVALID, "%s: contents_size %zu is above %zu", in_path,
			contents_size, MAX_TS_SIZE);
	if ((error = check_distinct(in_path, out_path)) < 0 ||
	    (error = load_with_catalog(doc, bytes, in_path, true)) < 0)
		return error;
	try {
		error = add_timestamp_field(doc, field, field_name, in_path);
	} catch (const PdfError &e) {
		return load_error(in_path, e);
	}
	if (error < 0 || (error = make_temp(tmp, out_path)) < 0 ||
	    (error = write_placeholder(doc, *field, contents_size, tmp.path.c_str(), out_path,
		"timestamp")) < 0 ||
	    (error = read_all(data, tmp.path.c_str())) < 0 ||
	    (error = byte_range_of(byte_range, data, out_path)) < 0)
		return error;
	return sync_and_rename(tmp, out_path);
}

} /* namespace */

extern "C" int mc_pdf_add_dss(const char *in_path, const char *out_path,
	const unsigned char *const *certs, const size_t *cert_lens, size_t n_certs,
	const unsigned char *const *crls, const size_t *crl_lens, size_t n_crls,
	const unsigned char *const *ocsps, const size_t *ocsp_lens, size_t n_ocsps)
{
	const unsigned char *const *const blobs[3] = { certs, crls, ocsps };
	const size_t *const lens[3] = { cert_lens, crl_lens, ocsp_lens };
	const size_t counts[3] = { n_certs, n_crls, n_ocsps };
	const char *p = in_path ? in_path : "(null)";

	try {
		return add_dss(p, out_path, blobs, lens, counts);
	} catch (...) {
		return caught(p);
	}
}

extern "C" int mc_pdf_dss(mc_pdf_dss_data *out, const char *path)
{
	const char *p = path ? path : "(null)";
	int error;

	memset(out, 0, sizeof(*out));
	try {
		error = read_dss(out, p);
	} catch (...) {
		error = caught(p);
	}
	if (error < 0)
		mc_pdf_dss_clear(out);
	return error;
}

extern "C" void mc_pdf_dss_clear(mc_pdf_dss_data *d)
{
	if (!d)
		return;
	blobs_clear(d->certs, d->n_certs);
	blobs_clear(d->crls, d->n_crls);
	blobs_clear(d->ocsps, d->n_ocsps);
	memset(d, 0, sizeof(*d));
}

extern "C" int mc_pdf_timestamp_prepare(int64_t byte_range[4], const char *in_path,
	const char *out_path, const char *field_name, size_t contents_size)
{
	const char *p = in_path ? in_path : "(null)";

	try {
		return timestamp_prepare(byte_range, p, out_path, field_name, contents_size);
	} catch (...) {
		return caught(p);
	}
}
