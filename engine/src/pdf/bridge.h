/* pdf/bridge.h — what the C++ files over PoDoFo 0.9.8 share (podofo_bridge.cpp, dss.cpp,
 * revisions.cpp): loading a document from memory, turning PdfError and other exceptions into
 * MOTCUA_E* with the file named, resolving objects, and writing an incremental update beside
 * its output and renaming it into place once checked. Internal C++, not part of pdf/pdf.h;
 * defined once in pdf/bridge_common.cpp so the three entry files cannot drift apart. */
#ifndef MC_PDF_BRIDGE_H
#define MC_PDF_BRIDGE_H

#include <podofo/podofo.h>

#include <cstdint>
#include <string>

namespace mc_pdf_bridge {

/* Silences PoDoFo's own logging (Load would print the trailer) once per process. */
void quiet();

/* PoDoFo's words for an error: its message for the code, then the first detail it recorded. */
std::string describe(const PoDoFo::PdfError &e);

/* An error from loading or reading a document: the input is at fault. `which` names the part
 * that failed ("the signed revision": "<path>: the signed revision is not a readable PDF:
 * ..."); NULL means the whole file, and a wrong password is reported as encryption. */
int load_error(const char *path, const PoDoFo::PdfError &e, const char *which = NULL);

/* An error from writing a document to path. */
int write_error(const char *path, const PoDoFo::PdfError &e);

/* The input must be an existing regular, non-empty file; PoDoFo's messages for these are
 * vague. */
int check_input(const char *path);

/* The output must be given and must not be the input (an update is renamed over it). */
int check_distinct(const char *in_path, const char *out_path);

/* The whole file in data: one open, fstat and read (no seeks). A missing file is
 * MOTCUA_ENOTFOUND. */
int read_all(std::string &data, const char *path);

/* Parses bytes as a PDF and refuses an encrypted one. PoDoFo parsing from a file seeks a
 * thousand times or more per document (an lseek each), which dominated batch signing; parsing
 * one buffer does not. bytes must outlive doc (an update copies the original from them);
 * `which` names the bytes in errors as for load_error. */
int load_buffer(PoDoFo::PdfMemDocument &doc, const std::string &bytes, const char *path,
	bool for_update, const char *which = NULL);

/* check_input, read_all and load_buffer: path loaded from memory into doc. Declare bytes
 * before doc so that it outlives it. */
int load(PoDoFo::PdfMemDocument &doc, std::string &bytes, const char *path, bool for_update);

/* Resolves a reference (or returns the object itself); NULL for a dangling one or a chain
 * of more than 8. */
PoDoFo::PdfObject *resolve(PoDoFo::PdfVecObjects *objs, PoDoFo::PdfObject *o);

/* The value under key in a dictionary, resolved; NULL if o is not a dictionary. */
PoDoFo::PdfObject *dict_get(PoDoFo::PdfVecObjects *objs, PoDoFo::PdfObject *o,
	const char *key);

/* A literal (string) or hex (<...>) string: PoDoFo types them apart. */
bool is_string(const PoDoFo::PdfObject *o);

/* A PDF text string (PDFDocEncoding or UTF-16BE) as UTF-8; "" for an invalid one. */
std::string utf8(const PoDoFo::PdfString &s);

/* PoDoFo 0.9.8 dereferences NULL when a page's /Annots is not an array, and throws on a
 * /Fields that is an indirect array (which is legal): checks the one, makes the other direct.
 * page_no (1-based) names the page in errors. */
int check_structure(PoDoFo::PdfMemDocument &doc, PoDoFo::PdfPage *page, int page_no,
	const char *path);

/* Writes doc's incremental update to tmp (a temp_file's path) with field's /Contents a
 * zero-filled placeholder of contents_size bytes and its /ByteRange filled in. Errors name
 * path and call the placeholder what's ("the timestamp placeholder was not written"). */
int write_placeholder(PoDoFo::PdfMemDocument &doc, PoDoFo::PdfSignatureField &field,
	size_t contents_size, const char *tmp, const char *path, const char *what);

/* Removes the temporary output unless it was renamed into place. */
struct temp_file {
	std::string path;
	~temp_file();
};

/* A new file beside out_path, made with the usual 0666 & ~umask (mkstemp would give 0600). */
int make_temp(temp_file &tmp, const char *out_path);

/* Syncs tmp, renames it to out_path (tmp then owns nothing) and syncs the directory; with
 * durable false only renames (a scratch file its caller syncs when complete). */
int sync_and_rename(temp_file &tmp, const char *out_path, bool durable = true);

/* Finds the last "/ByteRange [a b c d]" in data (ours: the update comes last) and checks that
 * it frames a '<' ... '>' placeholder of '0's reaching the end of the file; path names the
 * file in errors. */
int byte_range_of(int64_t br[4], const std::string &data, const char *path);

/* The error for the exception being handled; call only from a catch block. With action NULL a
 * PdfError blames the input (as load_error); otherwise every error says "cannot <action>". */
int caught(const char *path, const char *action = NULL);

} /* namespace mc_pdf_bridge */

#endif
