/* pki/der.h — just enough DER to write and read CMS by hand: a growable writer whose nested
 * values patch their own lengths, and a bounds-checked reader that walks tag-length-value
 * items. The reader trusts nothing: every length is checked against what remains, so any
 * byte string can be fed to it. Only low tag numbers (< 31) and definite lengths exist here. */
#ifndef MC_DER_H
#define MC_DER_H

#include <stddef.h>
#include <stdint.h>

/* Tags as they appear in the first octet. */
#define MC_DER_INTEGER    0x02
#define MC_DER_BITSTRING  0x03
#define MC_DER_OCTETS     0x04
#define MC_DER_NULL       0x05
#define MC_DER_OID        0x06
#define MC_DER_UTCTIME    0x17
#define MC_DER_GENTIME    0x18
#define MC_DER_SEQUENCE   0x30
#define MC_DER_SET        0x31
#define MC_DER_CTX(n)     (0x80 | (n))   /* [n] IMPLICIT, primitive */
#define MC_DER_CTXC(n)    (0xa0 | (n))   /* [n] constructed (EXPLICIT or IMPLICIT SET/SEQ) */

typedef struct {
	unsigned char *ptr;
	size_t size;
	size_t asize;
	int failed;        /* an allocation failed or end() was unbalanced: sticky */
} mc_der;

#define MC_DER_INIT { NULL, 0, 0, 0 }

/* Appends bytes that are already DER (a certificate, a name, an OID from i2d_...). */
int mc_der_raw(mc_der *d, const void *data, size_t len);
/* Appends tag, length and content. */
int mc_der_tlv(mc_der *d, unsigned int tag, const void *content, size_t len);
int mc_der_null(mc_der *d);
/* A non-negative INTEGER from a small number. */
int mc_der_uint(mc_der *d, unsigned long v);
/* Opens a constructed value; *mark remembers where, for mc_der_end to write the length. */
int mc_der_begin(mc_der *d, size_t *mark, unsigned int tag);
int mc_der_end(mc_der *d, size_t mark);
/* Hands the bytes to the caller (OPENSSL_malloc'd: OPENSSL_free them); NULL if anything
 * failed. The writer is reset either way. */
unsigned char *mc_der_detach(mc_der *d, size_t *len);
void mc_der_free(mc_der *d);

/* One item read: the whole encoding (raw) and its content (v). */
typedef struct {
	unsigned int tag;
	const unsigned char *raw;
	size_t raw_len;
	const unsigned char *v;
	size_t len;
} mc_der_item;

/* A cursor over a run of items: a whole input or the content of a constructed item. */
typedef struct {
	const unsigned char *p;
	size_t left;
} mc_der_cursor;

static inline mc_der_cursor mc_der_cursor_of(const unsigned char *p, size_t len)
{
	mc_der_cursor c = { p, len };
	return c;
}

/* Reads the next item. Returns 1 and advances, 0 at the end of the run, -1 on bad encoding
 * (high tag numbers, indefinite or overlong lengths, a length past the end). */
int mc_der_next(mc_der_item *out, mc_der_cursor *c);
/* Reads the next item and requires its tag: 1, or 0 when absent or different (nothing read),
 * -1 on bad encoding. For OPTIONAL fields. */
int mc_der_next_if(mc_der_item *out, mc_der_cursor *c, unsigned int tag);
/* The cursor over a constructed item's content. */
static inline mc_der_cursor mc_der_enter(const mc_der_item *it)
{
	return mc_der_cursor_of(it->v, it->len);
}
/* Whether one item of exactly this tag fills the buffer, with nothing after it. */
int mc_der_single(mc_der_item *out, const unsigned char *p, size_t len, unsigned int tag);

#endif
