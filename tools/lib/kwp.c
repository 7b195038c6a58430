/* kwp.c - AES key wrap with padding (RFC 5649; RFC 3394's steps inside). */
#include <string.h>
#include <openssl/crypto.h>

#include "error.h"
#include "kwp.h"

static const uint8_t aiv_head[4] = { 0xa6, 0x59, 0x59, 0xa6 };

size_t kskit_kwp_wrapped_len(size_t len)
{
	return (len + 7) / 8 * 8 + 8;
}

static void xor_counter(uint8_t a[8], uint64_t t)
{
	for (int i = 7; i >= 0; i--, t >>= 8)
		a[i] ^= (uint8_t)t;
}

int kskit_kwp_wrap(kskit_aes_block_fn block, void *ctx, const uint8_t *in, size_t len, uint8_t *out)
{
	size_t n = (len + 7) / 8;
	uint8_t b[16];
	int ret = 0;

	if (len == 0 || len > 0xffffffffu)
		return kskit_error_set(KSKIT_EINVAL, "key wrap of %zu bytes", len);
	memcpy(out, aiv_head, 4);
	for (int i = 0; i < 4; i++)
		out[4 + i] = (uint8_t)(len >> (24 - 8 * i));
	memset(out + 8, 0, n * 8);
	memcpy(out + 8, in, len);
	if (n == 1)
		return block(ctx, 1, out);
	for (uint64_t j = 0; j < 6; j++) {
		for (size_t i = 1; i <= n; i++) {
			memcpy(b, out, 8);
			memcpy(b + 8, out + 8 * i, 8);
			ret = block(ctx, 1, b);
			if (ret)
				goto out;
			xor_counter(b, n * j + i);
			memcpy(out, b, 8);
			memcpy(out + 8 * i, b + 8, 8);
		}
	}
out:
	OPENSSL_cleanse(b, sizeof(b));
	return ret;
}

int kskit_kwp_unwrap(kskit_aes_block_fn block, void *ctx, const uint8_t *in, size_t len,
		     uint8_t *out, size_t *out_len)
{
	size_t n = len / 8 - 1, mli;
	uint8_t a[8], b[16];
	int ret = KSKIT_EDECRYPT;

	if (len < 16 || len % 8 != 0)
		return kskit_error_set(KSKIT_EDECRYPT, "wrapped key of %zu bytes", len);
	if (n == 1) {
		memcpy(b, in, 16);
		ret = block(ctx, 0, b);
		if (ret)
			goto out;
		memcpy(a, b, 8);
		memcpy(out, b + 8, 8);
	} else {
		memcpy(a, in, 8);
		memcpy(out, in + 8, n * 8);
		for (uint64_t j = 6; j-- > 0;) {
			for (size_t i = n; i >= 1; i--) {
				xor_counter(a, n * j + i);
				memcpy(b, a, 8);
				memcpy(b + 8, out + 8 * (i - 1), 8);
				ret = block(ctx, 0, b);
				if (ret)
					goto out;
				memcpy(a, b, 8);
				memcpy(out + 8 * (i - 1), b + 8, 8);
			}
		}
	}
	ret = KSKIT_EDECRYPT;
	mli = (size_t)a[4] << 24 | (size_t)a[5] << 16 | (size_t)a[6] << 8 | a[7];
	if (CRYPTO_memcmp(a, aiv_head, 4) != 0 || mli > 8 * n || mli <= 8 * (n - 1))
		goto out;
	for (size_t i = mli; i < 8 * n; i++)
		if (out[i] != 0)
			goto out;
	*out_len = mli;
	ret = 0;
out:
	if (ret) {
		OPENSSL_cleanse(out, 8 * n);
		if (ret == KSKIT_EDECRYPT)
			kskit_error_set(ret, "the key wrap's integrity check failed: "
					     "another wrapping key, or a damaged blob");
	}
	OPENSSL_cleanse(a, sizeof(a));
	OPENSSL_cleanse(b, sizeof(b));
	return ret;
}
