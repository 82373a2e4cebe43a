/* core/hash.c — SHA-256 on OpenSSL's EVP interface (all cryptography goes through OpenSSL). */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/hash.h"

struct mc_sha256 {
	EVP_MD_CTX *md;
};

int mc_sha256_new(mc_sha256 **out)
{
	mc_sha256 *h = calloc(1, sizeof(*h));

	if (!h)
		return mc_error_oom();
	if (!(h->md = EVP_MD_CTX_new()) || EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) != 1) {
		mc_sha256_free(h);
		return mc_error(MOTCUA_ERROR, "SHA-256: OpenSSL could not start a digest");
	}
	*out = h;
	return 0;
}

int mc_sha256_update(mc_sha256 *h, const void *data, size_t len)
{
	if (EVP_DigestUpdate(h->md, data, len) != 1)
		return mc_error(MOTCUA_ERROR, "SHA-256: digest update failed");
	return 0;
}

int mc_sha256_final_hex(char out[MC_HASH_HEX], mc_sha256 *h)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(h->md, md, &n) != 1 || n != 32)
		return mc_error(MOTCUA_ERROR, "SHA-256: digest final failed");
	for (unsigned int i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

void mc_sha256_free(mc_sha256 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->md);
	free(h);
}

int mc_sha256_hex(char out[MC_HASH_HEX], const void *data, size_t len)
{
	mc_sha256 *h = NULL;
	int error;

	if ((error = mc_sha256_new(&h)) < 0)
		return error;
	if ((error = mc_sha256_update(h, data, len)) == 0)
		error = mc_sha256_final_hex(out, h);
	mc_sha256_free(h);
	return error;
}

int mc_hash_hex_valid(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}
