/* pdf/pdf.h — the C face of everything that touches PDF bytes. Behind it, one C++ file over
 * PoDoFo 0.9.8 (pdf/podofo_bridge.cpp); no exception crosses it, errors come back as MOTCUA_E*
 * with the file named. */
#ifndef MC_PDF_H
#define MC_PDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	const char *field_name;     /* unique per document; NULL: "Signature<n>". The name of an
	                             * empty signature field fills it: its widget gives the page
	                             * and place, and w and h must match (mc_pdf_field_place) */
	int page;                   /* 1-based */
	double x, y, w, h;          /* the widget in PDF points from the page's bottom left;
	                             * w or h 0: an invisible signature */
	const char *const *lines;   /* appearance text, UTF-8, top to bottom */
	size_t n_lines;
	const char *font_file;      /* TTF embedded (subset) for the text */
	double font_size;           /* points */
	const char *image_png;      /* optional image drawn in image_rect (e.g. a seal) */
	double image_rect[4];       /* x, y, w, h inside the widget */
	const char *subfilter;      /* "ETSI.CAdES.detached" or "adbe.pkcs7.detached" */
	const char *reason;         /* optional /Reason, /Location, /ContactInfo */
	const char *location;
	const char *name;           /* optional /Name */
	int64_t signing_time;       /* /M, UTC seconds (written with +07'00') */
	size_t contents_size;       /* bytes reserved for the DER CMS (the hex is twice) */
	bool scratch;               /* out_path is a scratch file the caller completes, syncs
	                             * and renames itself: skip the syncs (one fsync a signature
	                             * is what the disk allows; three were spent) */
} mc_pdf_sig_options;

/* Copies in_path to out_path with an incremental update that adds a signature field and its
 * widget (and appearance) on the page, and a signature dictionary whose /Contents is a
 * zero-filled placeholder. byte_range receives the four /ByteRange numbers written. The input
 * is never modified; on error out_path is removed. */
int mc_pdf_sign_prepare(int64_t byte_range[4], const char *in_path, const char *out_path,
	const mc_pdf_sig_options *opts);

/* Writes the DER CMS, hex-encoded, into the placeholder of a prepared file (checking that
 * byte_range[1] is the '<' of a zero-filled /Contents big enough), and syncs the file. */
int mc_pdf_sign_embed(const char *path, const int64_t byte_range[4], const unsigned char *cms,
	size_t len);

/* The same without the sync, for a caller that makes many files durable at once (batch
 * signing: one syncfs for a chunk instead of one fsync per file). */
int mc_pdf_sign_embed_unsynced(const char *path, const int64_t byte_range[4],
	const unsigned char *cms, size_t len);

/* Where the field `name` is shown: its page (1-based) and widget rectangle (x, y, w, h in
 * points), and whether it is a signature field still empty — a template's place for a
 * signature, which mc_pdf_sign_prepare fills when given its name. MOTCUA_ENOTFOUND when the
 * document has no such field. */
int mc_pdf_field_place(int *page, double rect[4], bool *empty, const char *path,
	const char *name);

/* Page count and the size of a page (its MediaBox), for placing signatures. */
int mc_pdf_page_size(double *w, double *h, int *pages, const char *path, int page);

typedef struct {
	char *field_name;
	char *subfilter;            /* as written, e.g. "ETSI.CAdES.detached" */
	char *filter;
	int64_t byte_range[4];
	unsigned char *contents;    /* the /Contents bytes (DER, trailing zeros kept) */
	size_t contents_len;
	char *m;                    /* /M as written, or NULL */
	char *reason;
	bool is_doc_timestamp;      /* /Type /DocTimeStamp */
} mc_pdf_signature;

/* Every signature dictionary reachable from the AcroForm's fields (in field order). The
 * caller frees with mc_pdf_signatures_free. A PDF with no signatures gives count 0. */
int mc_pdf_signatures(mc_pdf_signature **out, size_t *count, const char *path);
void mc_pdf_signatures_free(mc_pdf_signature *list, size_t count);

/* What changed after a signed revision (pdf/revisions.cpp), classified by the rules of
 * ETSI EN 319 102-1 for PAdES: later signatures (fields, widgets on any page, their
 * appearances), the DSS, document timestamps and the filling of empty signature fields are
 * allowed; changes to pages (content, resources, other annotations), other catalog keys, form
 * values and removed objects are not. */
typedef struct {
	bool allowed;               /* no change is "not allowed" */
	char *summary;              /* one line per change, "allowed: ..." or "not allowed: ...",
	                             * '\n'-separated; "" when nothing changed */
} mc_pdf_revision_diff;

/* Compares the document as it was at byte offset signed_end (the end of a signed revision,
 * /ByteRange[2] + /ByteRange[3]) with the whole file. Returns 0 with *out filled (the caller
 * clears it), or MOTCUA_EINVALID when either revision cannot be read as a PDF. */
int mc_pdf_compare_revisions(mc_pdf_revision_diff *out, const char *path, int64_t signed_end);
void mc_pdf_revision_diff_clear(mc_pdf_revision_diff *d);

/* Long-term validation (pdf/dss.cpp, ETSI EN 319 142-1 §5.4). Copies in_path to out_path with
 * an incremental update that adds the catalog's /DSS (or extends the one there, keeping its
 * entries) with one stream object per DER certificate (/Certs), CRL (/CRLs) and OCSPResponse
 * (/OCSPs); bytes the DSS already holds are not added twice. Earlier signatures stay valid.
 * The output is written beside out_path and renamed into place; errors name the file. */
int mc_pdf_add_dss(const char *in_path, const char *out_path,
	const unsigned char *const *certs, const size_t *cert_lens, size_t n_certs,
	const unsigned char *const *crls, const size_t *crl_lens, size_t n_crls,
	const unsigned char *const *ocsps, const size_t *ocsp_lens, size_t n_ocsps);

typedef struct {
	unsigned char *data;        /* decoded stream bytes (DER) */
	size_t len;
} mc_pdf_blob;

typedef struct {
	mc_pdf_blob *certs;
	size_t n_certs;
	mc_pdf_blob *crls;
	size_t n_crls;
	mc_pdf_blob *ocsps;
	size_t n_ocsps;
} mc_pdf_dss_data;

/* The DSS of the latest revision, for the verifier; a PDF without one gives all counts 0, and
 * entries that are not readable streams are skipped. Clear with mc_pdf_dss_clear. */
int mc_pdf_dss(mc_pdf_dss_data *out, const char *path);
void mc_pdf_dss_clear(mc_pdf_dss_data *d);

/* Like mc_pdf_sign_prepare for a document timestamp (PAdES B-LTA): an invisible signature
 * field on page 1 (field_name NULL: "Timestamp<n>") whose value is /Type /DocTimeStamp
 * /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161 with a zero-filled /Contents of
 * contents_size bytes (0: 16384). mc_pdf_sign_embed then writes the RFC 3161 token over the
 * /ByteRange bytes. On error out_path is not created. */
int mc_pdf_timestamp_prepare(int64_t byte_range[4], const char *in_path, const char *out_path,
	const char *field_name, size_t contents_size);

/* The first page of an outgoing document, laid out as Decree 30/2020 Appendix I shows it, in
 * Vietnamese with an embedded font, with empty signature fields where the issuing steps sign:
 * MC_PDF_FIELD_INITIALS after the body's last line (the drafter's ký nháy), MC_PDF_FIELD_LEADER
 * between the signer's title and name, MC_PDF_FIELD_NUMBER after "Số:" and MC_PDF_FIELD_DATE
 * after "<place>,". Written whole (temp file, sync, rename). */
#define MC_PDF_FIELD_INITIALS "ky_nhay"
#define MC_PDF_FIELD_LEADER "chu_ky_lanh_dao"
#define MC_PDF_FIELD_NUMBER "so_ky_hieu"
#define MC_PDF_FIELD_DATE "ngay_ban_hanh"
#define MC_PDF_DECISION_MAX_LINES 24

typedef struct {
	const char *agency_parent;  /* "ỦY BAN NHÂN DÂN" or the superior agency, upper case */
	const char *agency;         /* the issuing agency, upper case */
	const char *place;          /* "Quảng Ngãi" */
	const char *kind;           /* "QUYẾT ĐỊNH" */
	const char *title;          /* "Về việc ..." */
	const char *const *body;    /* lines that fit the page's width at 13 pt */
	size_t n_body;
	const char *signer_title[2];/* "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"; the second may be NULL */
	const char *signer_name;
	const char *font_file;      /* a TTF covering Vietnamese (Liberation Serif) */
	const char *bold_font_file; /* NULL: font_file */
} mc_pdf_decision;

int mc_pdf_write_decision(const char *path, const mc_pdf_decision *d);

/* A one-page A4 PDF showing `lines` (ASCII, Times-Roman), written whole. For the demo and
 * tests: a real page to sign. */
int mc_pdf_write_text_page(const char *path, const char *const *lines, size_t n);

#ifdef __cplusplus
}
#endif

#endif
