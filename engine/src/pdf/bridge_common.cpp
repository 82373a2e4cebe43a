/* pdf/bridge_common.cpp — the helpers of pdf/bridge.h, once for the three C++ files over
 * PoDoFo: loading from memory, errors named by file, object lookup, the structure check
 * PoDoFo 0.9.8 needs before adding a field, and temporary outputs renamed into place. Nothing
 * here has an extern "C" entry point; exceptions are the callers' to catch. */
#include "pdf/bridge.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <new>
#include <sys/stat.h>
#include <unistd.h>

extern "C" {
#include "core/error.h"
}

using namespace PoDoFo;

namespace mc_pdf_bridge {

void quiet()
{
	static bool done;
	if (!done) {
		PdfError::EnableDebug(false);
		PdfError::EnableLogging(false);
		done = true;
	}
}

std::string describe(const PdfError &e)
{
	const char *msg = PdfError::ErrorMessage(e.GetError());
	std::string s = msg && *msg ? msg : PdfError::ErrorName(e.GetError());
	for (const PdfErrorInfo &info : e.GetCallstack())
		if (!info.GetInformation().empty()) {
			s += " (" + info.GetInformation() + ")";
			break;
		}
	return s;
}

int load_error(const char *path, const PdfError &e, const char *which)
{
	if (e.GetError() == ePdfError_OutOfMemory)
		return mc_error_oom();
	if (which)
		return mc_error(MOTCUA_EINVALID, "%s: %s is not a readable PDF: %s", path, which,
			describe(e).c_str());
	if (e.GetError() == ePdfError_InvalidPassword)
		return mc_error(MOTCUA_EINVALID, "%s: the PDF is encrypted", path);
	return mc_error(MOTCUA_EINVALID, "%s: not a readable PDF: %s", path, describe(e).c_str());
}

int write_error(const char *path, const PdfError &e)
{
	if (e.GetError() == ePdfError_OutOfMemory)
		return mc_error_oom();
	return mc_error(MOTCUA_ERROR, "%s: cannot write the PDF: %s", path, describe(e).c_str());
}

int check_input(const char *path)
{
	struct stat st;

	if (!path)
		return mc_error(MOTCUA_EINVALID, "PDF path missing");
	if (stat(path, &st) != 0)
		return mc_error(errno == ENOENT ? MOTCUA_ENOTFOUND : MOTCUA_ERROR, "%s: %s", path,
			strerror(errno));
	if (!S_ISREG(st.st_mode))
		return mc_error(MOTCUA_EINVALID, "%s: not a regular file", path);
	if (st.st_size == 0)
		return mc_error(MOTCUA_EINVALID, "%s: empty file, not a PDF", path);
	return 0;
}

int check_distinct(const char *in_path, const char *out_path)
{
	struct stat a, b;

	if (!out_path)
		return mc_error(MOTCUA_EINVALID, "%s: output path missing", in_path);
	if (stat(out_path, &b) == 0 && stat(in_path, &a) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		return mc_error(MOTCUA_EINVALID, "%s: the output would overwrite the input",
			out_path);
	return 0;
}

/* A regular file is read in one call into a buffer of its size; anything else (a pipe, a
 * file that does not know its size) is read to its end in growing chunks. */
int read_all(std::string &data, const char *path)
{
	struct stat st;
	size_t got = 0;
	int fd, error = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return mc_error(errno == ENOENT ? MOTCUA_ENOTFOUND : MOTCUA_ERROR, "%s: %s", path,
			strerror(errno));
	if (fstat(fd, &st) < 0) {
		error = mc_error(MOTCUA_ERROR, "%s: %s", path, strerror(errno));
		close(fd);
		return error;
	}
	bool sized = S_ISREG(st.st_mode) && st.st_size > 0;
	try {
		data.clear();
		data.resize(sized ? (size_t)st.st_size : 65536);
		for (;;) {
			if (got == data.size()) {
				if (sized)
					break;
				data.resize(data.size() * 2);
			}
			ssize_t n = read(fd, &data[got], data.size() - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				error = mc_error(MOTCUA_ERROR, "%s: read error", path);
				break;
			}
			if (n == 0)
				break;
			got += (size_t)n;
		}
		data.resize(got);
	} catch (const std::bad_alloc &) {
		error = mc_error_oom();
	}
	close(fd);
	if (!error && sized && got != (size_t)st.st_size)
		error = mc_error(MOTCUA_ERROR, "%s: short read", path);
	return error;
}

int load_buffer(PdfMemDocument &doc, const std::string &bytes, const char *path,
	bool for_update, const char *which)
{
	quiet();
	try {
		doc.LoadFromBuffer(bytes.data(), (long)bytes.size(), for_update);
	} catch (const PdfError &e) {
		return load_error(path, e, which);
	}
	if (doc.GetEncrypt())
		return mc_error(MOTCUA_EINVALID, "%s: the PDF is encrypted", path);
	return 0;
}

int load(PdfMemDocument &doc, std::string &bytes, const char *path, bool for_update)
{
	int error;

	if ((error = check_input(path)) < 0 || (error = read_all(bytes, path)) < 0)
		return error;
	return load_buffer(doc, bytes, path, for_update);
}

PdfObject *resolve(PdfVecObjects *objs, PdfObject *o)
{
	int hops = 0;

	while (o && o->IsReference()) {
		if (++hops > 8)
			return NULL;
		o = objs->GetObject(o->GetReference());
	}
	return o;
}

PdfObject *dict_get(PdfVecObjects *objs, PdfObject *o, const char *key)
{
	if (!o || !o->IsDictionary())
		return NULL;
	return resolve(objs, o->GetDictionary().GetKey(PdfName(key)));
}

bool is_string(const PdfObject *o)
{
	return o->IsString() || o->IsHexString();
}

std::string utf8(const PdfString &s)
{
	if (!s.IsValid())
		return std::string();
	PdfString u = s.ToUnicode();
	return u.GetStringUtf8();
}

int check_structure(PdfMemDocument &doc, PdfPage *page, int page_no, const char *path)
{
	PdfVecObjects *objs = &doc.GetObjects();

	if (!page || !page->GetObject() || !page->GetObject()->IsDictionary())
		return mc_error(MOTCUA_EINVALID, "%s: page %d is not a dictionary", path, page_no);
	PdfDictionary &pd = page->GetObject()->GetDictionary();
	if (pd.HasKey("Annots")) {
		PdfObject *annots = resolve(objs, pd.GetKey("Annots"));
		if (!annots || !annots->IsArray())
			return mc_error(MOTCUA_EINVALID, "%s: page %d: /Annots is not an array",
				path, page_no);
	}
	PdfObject *catalog = doc.GetCatalog();
	if (!catalog || !catalog->IsDictionary())
		return mc_error(MOTCUA_EINVALID, "%s: no document catalog", path);
	if (!catalog->GetDictionary().HasKey("AcroForm"))
		return 0;
	PdfObject *acro = dict_get(objs, catalog, "AcroForm");
	if (!acro || !acro->IsDictionary())
		return mc_error(MOTCUA_EINVALID, "%s: /AcroForm is not a dictionary", path);
	PdfDictionary &ad = acro->GetDictionary();
	if (!ad.HasKey("Fields")) {
		ad.AddKey("Fields", PdfArray());
		return 0;
	}
	PdfObject *fields = ad.GetKey("Fields");
	if (fields->IsReference()) {
		PdfObject *target = resolve(objs, fields);
		if (!target || !target->IsArray())
			return mc_error(MOTCUA_EINVALID, "%s: /AcroForm /Fields is not an array",
				path);
		PdfArray copy = target->GetArray();
		ad.AddKey("Fields", copy);
	} else if (!fields->IsArray()) {
		return mc_error(MOTCUA_EINVALID, "%s: /AcroForm /Fields is not an array", path);
	}
	return 0;
}

int write_placeholder(PdfMemDocument &doc, PdfSignatureField &field, size_t contents_size,
	const char *tmp, const char *path, const char *what)
{
	try {
		PdfOutputDevice out(tmp, true);
		PdfSignOutputDevice signer(&out);
		signer.SetSignatureSize(contents_size);
		field.SetSignature(*signer.GetSignatureBeacon());
		doc.WriteUpdate(&signer, true);
		if (!signer.HasSignaturePosition())
			return mc_error(MOTCUA_ERROR, "%s: the %s placeholder was not written", path,
				what);
		signer.AdjustByteRange();
		/* the beacon becomes zeros: an empty signature is padded with '0' */
		signer.SetSignature(PdfData("", 0));
		signer.Flush();
	} catch (const PdfError &e) {
		return write_error(path, e);
	}
	return 0;
}

temp_file::~temp_file()
{
	if (!path.empty())
		unlink(path.c_str());
}

int make_temp(temp_file &tmp, const char *out_path)
{
	static std::atomic<unsigned> counter;

	for (int attempt = 0; attempt < 100; attempt++) {
		std::string path = std::string(out_path) + ".tmp" + std::to_string(getpid()) + "." +
			std::to_string(counter++);
		int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0) {
			close(fd);
			tmp.path = path;
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	return mc_error(MOTCUA_ERROR, "%s: cannot create a temporary file beside it: %s",
		out_path, strerror(errno));
}

int sync_and_rename(temp_file &tmp, const char *out_path, bool durable)
{
	int fd = durable ? open(tmp.path.c_str(), O_RDONLY | O_CLOEXEC) : -1;
	if (durable && (fd < 0 || fsync(fd) != 0)) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		return mc_error(MOTCUA_ERROR, "%s: %s", tmp.path.c_str(), strerror(err));
	}
	if (fd >= 0)
		close(fd);
	if (rename(tmp.path.c_str(), out_path) != 0)
		return mc_error(MOTCUA_ERROR, "%s: cannot rename into place: %s", out_path,
			strerror(errno));
	tmp.path.clear();                     /* renamed: nothing left to remove */
	if (!durable)
		return 0;
	std::string dir(out_path);
	size_t slash = dir.rfind('/');
	dir = slash == std::string::npos ? "." : slash == 0 ? "/" : dir.substr(0, slash);
	if ((fd = open(dir.c_str(), O_RDONLY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);              /* the rename is durable; failure here is not fatal */
		close(fd);
	}
	return 0;
}

int byte_range_of(int64_t br[4], const std::string &data, const char *path)
{
	size_t at = data.rfind("/ByteRange");
	if (at == std::string::npos)
		return mc_error(MOTCUA_ERROR, "%s: no /ByteRange was written", path);
	const char *p = data.c_str() + at + strlen("/ByteRange");
	const char *end = data.c_str() + data.size();
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r'))
		p++;
	if (p >= end || *p != '[')
		return mc_error(MOTCUA_ERROR, "%s: malformed /ByteRange written", path);
	p++;
	for (int i = 0; i < 4; i++) {
		char *next;
		errno = 0;
		long long v = strtoll(p, &next, 10);
		if (next == p || errno || v < 0)
			return mc_error(MOTCUA_ERROR, "%s: malformed /ByteRange written", path);
		br[i] = v;
		p = next;
	}
	int64_t size = (int64_t)data.size();
	if (br[0] != 0 || br[1] < 1 || br[2] <= br[1] + 1 || br[2] + br[3] != size ||
	    data[(size_t)br[1]] != '<' || data[(size_t)br[2] - 1] != '>')
		return mc_error(MOTCUA_ERROR, "%s: the /ByteRange written does not frame /Contents",
			path);
	for (int64_t i = br[1] + 1; i < br[2] - 1; i++)
		if (data[(size_t)i] != '0')
			return mc_error(MOTCUA_ERROR, "%s: the /Contents placeholder is not zeros",
				path);
	return 0;
}

int caught(const char *path, const char *action)
{
	try {
		throw;
	} catch (const PdfError &e) {
		if (!action)
			return load_error(path, e);
		if (e.GetError() == ePdfError_OutOfMemory)
			return mc_error_oom();
		return mc_error(MOTCUA_EINVALID, "%s: cannot %s: %s", path, action,
			describe(e).c_str());
	} catch (const std::bad_alloc &) {
		return mc_error_oom();
	} catch (const std::exception &e) {
		if (action)
			return mc_error(MOTCUA_ERROR, "%s: cannot %s: %s", path, action, e.what());
		return mc_error(MOTCUA_ERROR, "%s: %s", path, e.what());
	} catch (...) {
		return mc_error(MOTCUA_ERROR, "%s: unexpected failure in the PDF library", path);
	}
}

} /* namespace mc_pdf_bridge */
