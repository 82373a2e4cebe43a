/* pki/trust.c — the trust store folder: CA certificates and CRLs copied in under their SHA-256
 * fingerprints (<fp>.pem, <fp>.legacy.pem, <fp>.crl.pem), so adding the same file twice changes
 * nothing and removing one never touches another. Files are written whole (temporary name,
 * fsync, rename). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/hash.h"
#include "motcua/trust.h"

static char *name_text(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *text = NULL;
	long n;

	if (!bio)
		return NULL;
	X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	if ((n = BIO_get_mem_data(bio, &data)) >= 0 && (text = malloc((size_t)n + 1))) {
		memcpy(text, data, (size_t)n);
		text[n] = '\0';
	}
	BIO_free(bio);
	return text;
}

static int64_t asn1_time(const ASN1_TIME *t)
{
	struct tm tm;

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

static int fingerprint(char out[65], const unsigned char *der, size_t len)
{
	return mc_sha256_hex(out, der, len);
}

/* Writes one PEM object under dir/<name>, whole or not at all. */
static int write_pem(const char *dir, const char *name, int (*write)(BIO *, const void *),
	const void *obj)
{
	char tmp[4096], path[4096];
	BIO *bio;
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (access(path, F_OK) == 0)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return mc_error(MOTCUA_ERROR, "%s: cannot write: %s", tmp, strerror(errno));
	if (!(bio = BIO_new_fd(fd, BIO_NOCLOSE))) {
		close(fd);
		return mc_error_oom();
	}
	ok = write(bio, obj) == 1 && BIO_flush(bio) == 1;
	BIO_free(bio);
	ok = ok && fsync(fd) == 0;
	close(fd);
	if (!ok || rename(tmp, path) < 0) {
		unlink(tmp);
		return mc_error(MOTCUA_ERROR, "%s: cannot write", path);
	}
	return 1;
}

static int write_cert(BIO *b, const void *x)
{
	return PEM_write_bio_X509(b, (X509 *)x);
}

static int write_crl(BIO *b, const void *x)
{
	return PEM_write_bio_X509_CRL(b, (X509_CRL *)x);
}

static int add_cert(size_t *added, const char *dir, const char *path, X509 *cert, bool legacy)
{
	unsigned char *der = NULL;
	char fp[65], name[128];
	int len, error;

	if (X509_check_ca(cert) < 1)
		return mc_error(MOTCUA_EINVALID, "%s: not a CA certificate (basic constraints "
			"CA:TRUE): the trust store holds authorities, not signers", path);
	if ((len = i2d_X509(cert, &der)) <= 0)
		return mc_error(MOTCUA_EINVALID, "%s: cannot encode the certificate", path);
	error = fingerprint(fp, der, (size_t)len);
	OPENSSL_free(der);
	if (error < 0)
		return error;
	snprintf(name, sizeof(name), "%s%s.pem", fp, legacy ? ".legacy" : "");
	if ((error = write_pem(dir, name, write_cert, cert)) < 0)
		return error;
	*added += (size_t)error;
	return 0;
}

static int add_crl(size_t *added, const char *dir, const char *path, X509_CRL *crl)
{
	unsigned char *der = NULL;
	char fp[65], name[128];
	int len, error;

	if ((len = i2d_X509_CRL(crl, &der)) <= 0)
		return mc_error(MOTCUA_EINVALID, "%s: cannot encode the CRL", path);
	error = fingerprint(fp, der, (size_t)len);
	OPENSSL_free(der);
	if (error < 0)
		return error;
	snprintf(name, sizeof(name), "%s.crl.pem", fp);
	if ((error = write_pem(dir, name, write_crl, crl)) < 0)
		return error;
	*added += (size_t)error;
	return 0;
}

int motcua_trust_add(size_t *added, const char *dir, const char *path, bool legacy)
{
	STACK_OF(X509_INFO) *infos = NULL;
	size_t count = 0, found = 0;
	BIO *bio;
	X509 *der_cert;
	X509_CRL *der_crl;
	int error = 0;

	*added = 0;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return mc_error(MOTCUA_ERROR, "%s: cannot create the trust folder: %s", dir,
			strerror(errno));
	if (!(bio = BIO_new_file(path, "rb")))
		return mc_error(MOTCUA_ENOTFOUND, "%s: cannot open", path);
	infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
	for (int i = 0; infos && i < sk_X509_INFO_num(infos) && error == 0; i++) {
		X509_INFO *info = sk_X509_INFO_value(infos, i);

		if (info->x509 && ++found)
			error = add_cert(&count, dir, path, info->x509, legacy);
		if (info->crl && error == 0 && ++found)
			error = add_crl(&count, dir, path, info->crl);
	}
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	if (!found && error == 0) {
		/* not PEM: one DER certificate or CRL */
		BIO_reset(bio);
		ERR_clear_error();
		if ((der_cert = d2i_X509_bio(bio, NULL))) {
			found = 1;
			error = add_cert(&count, dir, path, der_cert, legacy);
			X509_free(der_cert);
		} else if ((void)BIO_reset(bio), (der_crl = d2i_X509_CRL_bio(bio, NULL))) {
			found = 1;
			error = add_crl(&count, dir, path, der_crl);
			X509_CRL_free(der_crl);
		}
	}
	ERR_clear_error();
	BIO_free(bio);
	if (error == 0 && !found)
		error = mc_error(MOTCUA_EINVALID, "%s: no certificate or CRL in it (PEM or DER)",
			path);
	*added = count;
	return error;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* One entry per file, read back; files that are not ours are passed over. */
static int read_entry(motcua_trust_entry *e, const char *dir, const char *name)
{
	char path[4096];
	BIO *bio;

	memset(e, 0, sizeof(*e));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(e->fingerprint, sizeof(e->fingerprint), "%.64s", name);
	if (!(bio = BIO_new_file(path, "r")))
		return 0;
	if (has_suffix(name, ".crl.pem")) {
		X509_CRL *crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);

		if (crl) {
			e->is_crl = true;
			e->issuer = name_text(X509_CRL_get_issuer(crl));
			e->subject = strdup(e->issuer ? e->issuer : "");
			e->not_before = asn1_time(X509_CRL_get0_lastUpdate(crl));
			e->not_after = asn1_time(X509_CRL_get0_nextUpdate(crl));
			X509_CRL_free(crl);
		}
	} else {
		X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);

		if (cert) {
			int nid = X509_get_signature_nid(cert);

			e->subject = name_text(X509_get_subject_name(cert));
			e->issuer = name_text(X509_get_issuer_name(cert));
			e->self_signed = X509_check_issued(cert, cert) == X509_V_OK;
			e->legacy = has_suffix(name, ".legacy.pem");
			e->sha1_signed = nid == NID_sha1WithRSAEncryption ||
				nid == NID_ecdsa_with_SHA1;
			e->not_before = asn1_time(X509_get0_notBefore(cert));
			e->not_after = asn1_time(X509_get0_notAfter(cert));
			X509_free(cert);
		}
	}
	ERR_clear_error();
	BIO_free(bio);
	return e->subject ? 1 : 0;
}

int motcua_trust_list(motcua_trust_entry **out, size_t *count, const char *dir)
{
	struct dirent **names;
	motcua_trust_entry *list;
	int n = scandir(dir, &names, NULL, alphasort);
	size_t used = 0;

	*out = NULL;
	*count = 0;
	if (n < 0)
		return errno == ENOENT ? 0 : mc_error(MOTCUA_ERROR, "%s: cannot read: %s", dir,
			strerror(errno));
	if (!(list = calloc((size_t)n + 1, sizeof(*list)))) {
		for (int i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return mc_error_oom();
	}
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' && has_suffix(names[i]->d_name, ".pem") &&
		    read_entry(&list[used], dir, names[i]->d_name) == 1)
			used++;
		free(names[i]);
	}
	free(names);
	*out = list;
	*count = used;
	return 0;
}

void motcua_trust_list_free(motcua_trust_entry *list, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(list[i].subject);
		free(list[i].issuer);
	}
	free(list);
}

int motcua_trust_remove(const char *dir, const char *prefix)
{
	size_t n = prefix ? strlen(prefix) : 0, matches = 0;
	char match[256] = "", path[4096];
	struct dirent *e;
	DIR *d;

	if (n < 8 || n > 64 || strspn(prefix, "0123456789abcdef") != n)
		return mc_error(MOTCUA_EINVALID, "'%.70s': give at least 8 lowercase hex digits of "
			"a fingerprint (see 'motcua trust list')", prefix ? prefix : "");
	if (!(d = opendir(dir)))
		return mc_error(MOTCUA_ENOTFOUND, "%s: no trust store here", dir);
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, n) == 0 && has_suffix(e->d_name, ".pem")) {
			matches++;
			snprintf(match, sizeof(match), "%s", e->d_name);
		}
	}
	closedir(d);
	if (matches != 1)
		return mc_error(matches ? MOTCUA_EINVALID : MOTCUA_ENOTFOUND, "%s: %s entry starts "
			"with %s", dir, matches ? "more than one" : "no", prefix);
	snprintf(path, sizeof(path), "%s/%s", dir, match);
	if (unlink(path) < 0)
		return mc_error(MOTCUA_ERROR, "%s: cannot remove: %s", path, strerror(errno));
	return 0;
}
