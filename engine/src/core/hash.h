/* core/hash.h — SHA-256 through OpenSSL, as lowercase hex, for blobs and the audit chain. */
#ifndef MC_HASH_H
#define MC_HASH_H

#include <stddef.h>

#define MC_HASH_HEX 65   /* 64 hex digits and a NUL */

typedef struct mc_sha256 mc_sha256;

int mc_sha256_new(mc_sha256 **out);
int mc_sha256_update(mc_sha256 *h, const void *data, size_t len);
int mc_sha256_final_hex(char out[MC_HASH_HEX], mc_sha256 *h);
void mc_sha256_free(mc_sha256 *h);

int mc_sha256_hex(char out[MC_HASH_HEX], const void *data, size_t len);
int mc_hash_hex_valid(const char *s);

#endif
