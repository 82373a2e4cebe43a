/* pki/der.c — the DER writer and reader behind the CMS code. The writer reserves one length
 * octet per nested value and moves the content when the length turns out longer; the reader
 * checks every length against the bytes that remain before it looks at them. */
#include <openssl/crypto.h>
#include <string.h>

#include "core/error.h"
#include "pki/der.h"

static int grow(mc_der *d, size_t extra)
{
	size_t n;
	unsigned char *p;

	if (d->failed)
		return MOTCUA_ERROR;
	if (extra > SIZE_MAX / 4 - d->size) {
		d->failed = 1;
		return mc_error_oom();
	}
	if (d->size + extra <= d->asize)
		return 0;
	n = d->asize ? d->asize : 256;
	while (n < d->size + extra)
		n *= 2;
	if (!(p = OPENSSL_realloc(d->ptr, n))) {
		d->failed = 1;
		return mc_error_oom();
	}
	d->ptr = p;
	d->asize = n;
	return 0;
}

int mc_der_raw(mc_der *d, const void *data, size_t len)
{
	if (grow(d, len) < 0)
		return MOTCUA_ERROR;
	if (len)
		memcpy(d->ptr + d->size, data, len);
	d->size += len;
	return 0;
}

/* The length octets of len into out (at most 9); returns how many. */
static size_t length_octets(unsigned char *out, size_t len)
{
	unsigned char tmp[sizeof(size_t)];
	size_t n = 0, i;

	if (len < 0x80) {
		out[0] = (unsigned char)len;
		return 1;
	}
	while (len) {
		tmp[n++] = (unsigned char)(len & 0xff);
		len >>= 8;
	}
	out[0] = (unsigned char)(0x80 | n);
	for (i = 0; i < n; i++)
		out[1 + i] = tmp[n - 1 - i];
	return n + 1;
}

int mc_der_tlv(mc_der *d, unsigned int tag, const void *content, size_t len)
{
	unsigned char head[1 + 1 + sizeof(size_t)];
	size_t n;

	head[0] = (unsigned char)tag;
	n = length_octets(head + 1, len);
	if (mc_der_raw(d, head, n + 1) < 0)
		return MOTCUA_ERROR;
	return mc_der_raw(d, content, len);
}

int mc_der_null(mc_der *d)
{
	return mc_der_tlv(d, MC_DER_NULL, NULL, 0);
}

int mc_der_uint(mc_der *d, unsigned long v)
{
	unsigned char b[sizeof(v) + 1];
	size_t n = 0, i;
	unsigned long t = v;

	do {
		n++;
		t >>= 8;
	} while (t);
	for (i = 0; i < n; i++)
		b[1 + i] = (unsigned char)(v >> (8 * (n - 1 - i)));
	/* a leading 0x00 keeps a high first bit from reading as negative */
	if (b[1] & 0x80) {
		b[0] = 0;
		return mc_der_tlv(d, MC_DER_INTEGER, b, n + 1);
	}
	return mc_der_tlv(d, MC_DER_INTEGER, b + 1, n);
}

int mc_der_begin(mc_der *d, size_t *mark, unsigned int tag)
{
	unsigned char head[2] = { (unsigned char)tag, 0 };

	*mark = d->size;
	return mc_der_raw(d, head, 2);
}

int mc_der_end(mc_der *d, size_t mark)
{
	unsigned char len[1 + sizeof(size_t)];
	size_t content, n;

	if (d->failed)
		return MOTCUA_ERROR;
	if (mark + 2 > d->size) {
		d->failed = 1;
		return mc_error(MOTCUA_ERROR, "der: unbalanced end");
	}
	content = d->size - mark - 2;
	n = length_octets(len, content);
	if (n > 1) {
		if (grow(d, n - 1) < 0)
			return MOTCUA_ERROR;
		memmove(d->ptr + mark + 1 + n, d->ptr + mark + 2, content);
		d->size += n - 1;
	}
	memcpy(d->ptr + mark + 1, len, n);
	return 0;
}

unsigned char *mc_der_detach(mc_der *d, size_t *len)
{
	unsigned char *p = d->failed ? NULL : d->ptr;

	*len = p ? d->size : 0;
	if (!p)
		OPENSSL_free(d->ptr);
	memset(d, 0, sizeof(*d));
	return p;
}

void mc_der_free(mc_der *d)
{
	OPENSSL_free(d->ptr);
	memset(d, 0, sizeof(*d));
}

int mc_der_next(mc_der_item *out, mc_der_cursor *c)
{
	const unsigned char *p = c->p;
	size_t left = c->left, len, n, i;

	if (!left)
		return 0;
	if (left < 2 || (p[0] & 0x1f) == 0x1f)
		return -1;
	out->tag = p[0];
	if (p[1] < 0x80) {
		len = p[1];
		n = 2;
	} else {
		size_t k = p[1] & 0x7f;

		/* 0x80 is BER's indefinite length; more than 4 octets is no real length */
		if (k == 0 || k > 4 || left - 2 < k)
			return -1;
		for (len = 0, i = 0; i < k; i++)
			len = (len << 8) | p[2 + i];
		n = 2 + k;
	}
	if (len > left - n)
		return -1;
	out->raw = p;
	out->raw_len = n + len;
	out->v = p + n;
	out->len = len;
	c->p += n + len;
	c->left -= n + len;
	return 1;
}

int mc_der_next_if(mc_der_item *out, mc_der_cursor *c, unsigned int tag)
{
	mc_der_cursor save = *c;
	int rc = mc_der_next(out, c);

	if (rc == 1 && out->tag != tag) {
		*c = save;
		return 0;
	}
	return rc;
}

int mc_der_single(mc_der_item *out, const unsigned char *p, size_t len, unsigned int tag)
{
	mc_der_cursor c = mc_der_cursor_of(p, len);

	return mc_der_next(out, &c) == 1 && out->tag == tag && c.left == 0;
}
