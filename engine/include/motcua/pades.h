/* motcua/pades.h — signing PDFs as PAdES (ETSI EN 319 142-1, baselines B-B to B-LTA) with the
 * visible forms Decree 30/2020 prescribes, and verifying the signatures in a PDF.
 *
 * A signature is an incremental update: the input file is never modified, earlier signatures
 * stay valid, and the output is written whole or not at all. */
#ifndef MOTCUA_PADES_H
#define MOTCUA_PADES_H

#include "motcua/pki.h"

typedef enum {
	MOTCUA_SIGN_LEADER = 0,     /* a person's signature */
	MOTCUA_SIGN_AGENCY,         /* the agency's signature (electronic seal) */
	MOTCUA_SIGN_COPY,           /* electronic copy of a paper document: top right of page 1 */
	MOTCUA_SIGN_ATTACHMENT,     /* attachment issued with a document: top right of page 1 */
	MOTCUA_SIGN_INITIALS        /* the drafter's initials (ký nháy): a small appearance */
} motcua_sign_as;

typedef struct {
	unsigned int version;
	motcua_sign_as as;
	const char *digest;         /* "sha256" (default), "sha384", "sha512"; never SHA-1 */
	const char *field;          /* signature field name; NULL: generated */
	int page;                   /* 0: page 1 */
	double rect[4];             /* x, y, w, h in points; all 0: the role's default place */
	bool invisible;
	const char *reason;
	const char *location;
	const char *copy_form;      /* COPY: the form of copy, default "SAO Y" */
	const char *agency_name;    /* COPY/AGENCY: default the certificate's O (or CN) */
	const char *doc_number;     /* ATTACHMENT: the document's number and symbol */
	const char *font_file;      /* default: Liberation Serif (Times New Roman metrics) */
	int64_t signing_time;       /* 0: now */
	const char *tsa_url;        /* set: PAdES B-T, an RFC 3161 signature timestamp from it */
	const char *profile;        /* "B-B", "B-T", "B-LT", "B-LTA"; NULL: B-T with a tsa_url,
	                             * else B-B. B-LT adds the validation material in a DSS
	                             * update; B-LTA then a document timestamp from the TSA. Both
	                             * need tsa_url (MOTCUA_EINVALID without) */
	const char *const *validation_files; /* B-LT/B-LTA: more to put in the DSS, PEM or DER CA
	                             * certificates, CRLs (e.g. the CAs' *.crl.pem) and OCSP
	                             * responses; the signer's chain and the TSA's certificates go
	                             * in anyway */
	size_t n_validation_files;
	/* AGENCY and ATTACHMENT (the document office's signatures): every earlier signature is
	 * verified against this trust folder first, and the file is not sealed unless all pass
	 * (NULL: no anchors, so any earlier signature stops it) */
	const char *trust_dir;
	/* Decree 30/2020 Appendix I images, PNG with transparency: LEADER the signature image,
	 * centred in the field (the space between the signer's title and name); AGENCY the
	 * seal at its real size (image_mm wide, 0: 36 mm), placed when no field or rect says
	 * otherwise so that it covers the left third of the last person's visible signature */
	const char *image;
	double image_mm;
	/* AGENCY, ATTACHMENT, INITIALS: the text the appearance shows instead of the role's own
	 * lines, e.g. the number and symbol or the issue date written into a template's field */
	const char *text;
} motcua_sign_options;
#define MOTCUA_SIGN_OPTIONS_INIT { 1, MOTCUA_SIGN_LEADER, NULL, NULL, 0, { 0, 0, 0, 0 }, \
	false, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0, NULL, NULL, 0, NULL }

int motcua_sign_pdf(const char *in_path, const char *out_path, const motcua_signer *signer,
	const motcua_sign_options *opts);

/* Verdicts in the terms of ETSI EN 319 102-1. */
typedef enum {
	MOTCUA_PASSED = 0,
	MOTCUA_INDETERMINATE,
	MOTCUA_FAILED
} motcua_verdict;

typedef struct {
	char *field;
	char *subfilter;
	char *signer;               /* subject of the signing certificate, UTF-8 */
	bool signer_is_person;      /* the certificate names a person rather than an organisation */
	int64_t signing_time;       /* UTC seconds */
	const char *time_source;    /* "timestamp", "claimed (/M)", "claimed (signingTime)" */
	bool timestamped;           /* a valid signature timestamp fixes the time (B-T) */
	motcua_verdict integrity;   /* ByteRange, digest, CMS signature */
	motcua_verdict modification;/* later revisions */
	motcua_verdict trust;       /* chain to the trust store at the signing time */
	char integrity_detail[256];
	char modification_detail[256];
	char trust_detail[512];
	char warnings[512];
	bool covers_whole_file;
} motcua_sig_report;

typedef struct {
	char *file;
	motcua_sig_report *sigs;
	size_t n_sigs;
} motcua_verify_report;

/* Verifies every signature of the PDF; trust_dir holds trusted CA certificates (*.pem, *.crt)
 * and CRLs (*.crl.pem); NULL: no trust anchors, so every chain is indeterminate. The document's
 * DSS (B-LT) adds untrusted intermediates and CRLs, used when the store has no CRL for a chain
 * (trust_detail then says "revocation data from the document's DSS"). Document timestamps
 * (B-LTA) are reported as entries with subfilter "ETSI.RFC3161" and the TSA as signer.
 * Returns 0 when the file could be examined, whatever the verdicts. */
int motcua_verify_pdf(motcua_verify_report **out, const char *path, const char *trust_dir);

/* Verification with revocation data the caller brings beside the trust store and the DSS. */
typedef struct {
	unsigned int version;
	const char *trust_dir;      /* as for motcua_verify_pdf */
	const char *const *crl_files;   /* CRLs, PEM (any number a file) or DER; used like the
	                             * DSS's, before them */
	size_t n_crl_files;
	const char *const *ocsp_files;  /* OCSP responses, DER (openssl ocsp -respout) */
	size_t n_ocsp_files;
} motcua_verify_options;
#define MOTCUA_VERIFY_OPTIONS_INIT { 1, NULL, NULL, 0, NULL, 0 }

/* motcua_verify_pdf with options (NULL: none). OCSP responses, from the files given and the
 * DSS's /OCSPs, count for a certificate when its issuer authorized the responder (the issuer
 * itself, or a certificate it issued with the OCSPSigning EKU), the signature verifies, the
 * CertID is the certificate's and, for "good", the response is fresh at the signing time;
 * one that says revoked before the signing time fails trust (REVOKED). trust_detail says
 * which source decided, and why a response was not used. A given file that cannot be read or
 * is not a CRL or a successful OCSP response is MOTCUA_EINVALID (ENOTFOUND when missing),
 * naming it. */
int motcua_verify_pdf_ex(motcua_verify_report **out, const char *path,
	const motcua_verify_options *opts);

/* Whether every signature passed all three checks and the file has at least one. */
bool motcua_verify_all_passed(const motcua_verify_report *r);

/* The report as JSON, or as readable text (lang "vi" or "en"); the caller frees. */
char *motcua_verify_report_json(const motcua_verify_report *r);
char *motcua_verify_report_text(const motcua_verify_report *r, const char *lang);

void motcua_verify_report_free(motcua_verify_report *r);

/* Batch signing: many PDFs with one signer (one PIN, one token session), each to
 * out_dir/<its base name>. */
typedef struct {
	char *input;                /* as given */
	char *output;               /* out_dir/<base name>; written only when error is 0 */
	int error;                  /* 0 signed, else the MOTCUA_E* code of this file */
	char *message;              /* why it failed (names the file), NULL when signed */
} motcua_batch_result;

/* Called once per file as it finishes, one call at a time, in the thread that signed it, so
 * that when error < 0 motcua_error_last() there holds the file's message. `file` is the
 * input as given; done counts from 1 to total. */
typedef void (*motcua_batch_progress)(size_t done, size_t total, const char *file, int error,
	void *payload);

typedef struct {
	unsigned int version;
	unsigned int jobs;          /* threads signing at once; 0 or 1: the calling thread alone */
	motcua_batch_progress progress;   /* optional */
	void *payload;
} motcua_batch_options;
#define MOTCUA_BATCH_OPTIONS_INIT { 1, 1, NULL, NULL }

/* Signs every input into out_dir (created if absent), each as motcua_sign_pdf does: whole or
 * not at all, the input untouched. A file that cannot be signed (not a PDF, unreadable,
 * unwritable output) is recorded in its result and the others go on. *results (in input
 * order, *n of them) is the caller's, freed with motcua_batch_results_free; the return is 0
 * whenever the batch ran, whatever each file's fate. Refused before signing anything, with
 * MOTCUA_EINVALID: two inputs with the same base name, or an out_dir that is an input's own
 * folder (the output would replace the input). */
int motcua_sign_batch(motcua_batch_result **results, size_t *n, const char *const *inputs,
	size_t n_inputs, const char *out_dir, const motcua_signer *signer,
	const motcua_sign_options *opts,
	void (*progress)(size_t done, size_t total, const char *file, int error, void *payload),
	void *payload);

/* The same with batch options: several threads share the signer's key, each with its own PDF
 * and digest state (a PKCS#11 token may serialise them). */
int motcua_sign_batch_ex(motcua_batch_result **results, size_t *n, const char *const *inputs,
	size_t n_inputs, const char *out_dir, const motcua_signer *signer,
	const motcua_sign_options *opts, const motcua_batch_options *batch);

/* How many results failed. */
size_t motcua_batch_failures(const motcua_batch_result *results, size_t n);

void motcua_batch_results_free(motcua_batch_result *results, size_t n);

#endif
