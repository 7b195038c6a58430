/* kwp.h - AES key wrap with padding (RFC 5649) over any AES-ECB.
 *
 * Tokens that cannot wrap or unwrap with CKM_AES_KEY_WRAP_PAD themselves
 * (opencryptoki's soft token) still encrypt and decrypt single AES blocks
 * with a key that never leaves them; this builds RFC 5649 on that.  With
 * an OpenSSL key it gives what EVP_aes_256_wrap_pad() gives.
 */
#ifndef KSKIT_KWP_H
#define KSKIT_KWP_H

#include <stddef.h>
#include <stdint.h>

/* One AES block, in place: encrypted when encrypt, else decrypted.
 * 0 or a kskit code, which the wrap or unwrap returns. */
typedef int (*kskit_aes_block_fn)(void *ctx, int encrypt, uint8_t block[16]);

/* The wrapped size of len bytes: len rounded up to 8, plus 8. */
size_t kskit_kwp_wrapped_len(size_t len);

/* Wrap in[0..len-1] (1 <= len < 2^32) into out, kskit_kwp_wrapped_len(len)
 * bytes.  0, KSKIT_EINVAL or what block returned. */
int kskit_kwp_wrap(kskit_aes_block_fn block, void *ctx, const uint8_t *in, size_t len,
		   uint8_t *out);

/* Unwrap in[0..len-1] into out (at least len - 8 bytes; the caller wipes
 * it), *out_len the plaintext's length.  KSKIT_EDECRYPT when the integrity
 * check fails (another key, or a damaged blob): out is then wiped. */
int kskit_kwp_unwrap(kskit_aes_block_fn block, void *ctx, const uint8_t *in, size_t len,
		     uint8_t *out, size_t *out_len);

#endif
