/* motcua/pades.h — signing PDFs as PAdES (ETSI EN 319 142-1, baseline B-B for now) with the
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
	MOTCUA_SIGN_ATTACHMENT      /* attachment issued with a document: top right of page 1 */
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
} motcua_sign_options;
#define MOTCUA_SIGN_OPTIONS_INIT { 1, MOTCUA_SIGN_LEADER, NULL, NULL, 0, { 0, 0, 0, 0 }, \
	false, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL }

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
 * and CRLs (*.crl.pem); NULL: no trust anchors, so every chain is indeterminate. Returns 0
 * when the file could be examined, whatever the verdicts. */
int motcua_verify_pdf(motcua_verify_report **out, const char *path, const char *trust_dir);

/* Whether every signature passed all three checks and the file has at least one. */
bool motcua_verify_all_passed(const motcua_verify_report *r);

/* The report as JSON, or as readable text (lang "vi" or "en"); the caller frees. */
char *motcua_verify_report_json(const motcua_verify_report *r);
char *motcua_verify_report_text(const motcua_verify_report *r, const char *lang);

void motcua_verify_report_free(motcua_verify_report *r);

#endif
