/* AES key wrap with padding (RFC 5649) over a block function: RFC 5649's
 * own vectors, OpenSSL's EVP_aes_256_wrap_pad at every length up to 300,
 * and a flipped bit refused. */
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "unit.h"
#include "lib/error.h"
#include "lib/kwp.h"

struct aes {
	const EVP_CIPHER *cipher;
	const uint8_t *key;
};

static int ecb(void *ctx, int encrypt, uint8_t block[16])
{
	const struct aes *a = ctx;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, ok = c && EVP_CipherInit_ex(c, a->cipher, NULL, a->key, NULL, encrypt) &&
			EVP_CIPHER_CTX_set_padding(c, 0) &&
			EVP_CipherUpdate(c, block, &n, block, 16) && n == 16;

	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : KSKIT_ECRYPTO;
}

static void unhex(const char *h, uint8_t *out, size_t *len)
{
	size_t n = 0;
	unsigned v;

	for (; *h; h += 2) {
		assert_int_equal(sscanf(h, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
	}
	*len = n;
}

/* RFC 5649 section 6, with its 192-bit KEK. */
static void rfc5649_vectors(void **state)
{
	static const struct {
		const char *key, *wrapped;
	} v[] = {
		{ "c37b7e6492584340bed12207808941155068f738",
		  "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a" },
		{ "466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f" },
	};
	uint8_t kek[24], key[32], want[48], got[48], plain[48];
	size_t klen, keylen, wlen, plen = 0;
	struct aes a = { EVP_aes_192_ecb(), kek };

	(void)state;
	unhex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", kek, &klen);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		unhex(v[i].key, key, &keylen);
		unhex(v[i].wrapped, want, &wlen);
		assert_int_equal(kskit_kwp_wrapped_len(keylen), wlen);
		assert_int_equal(kskit_kwp_wrap(ecb, &a, key, keylen, got), 0);
		assert_memory_equal(got, want, wlen);
		assert_int_equal(kskit_kwp_unwrap(ecb, &a, want, wlen, plain, &plen), 0);
		assert_int_equal(plen, keylen);
		assert_memory_equal(plain, key, keylen);
	}
}

static void same_as_openssl(void **state)
{
	uint8_t kek[32], in[300], ours[320], theirs[320], back[320];
	struct aes a = { EVP_aes_256_ecb(), kek };
	size_t plen = 0;

	(void)state;
	assert_int_equal(RAND_bytes(kek, sizeof(kek)), 1);
	assert_int_equal(RAND_bytes(in, sizeof(in)), 1);
	for (size_t len = 1; len <= sizeof(in); len++) {
		EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
		int n = 0, f = 0;

		assert_non_null(c);
		assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_wrap_pad(), NULL, kek, NULL), 1);
		assert_int_equal(EVP_EncryptUpdate(c, theirs, &n, in, (int)len), 1);
		assert_int_equal(EVP_EncryptFinal_ex(c, theirs + n, &f), 1);
		EVP_CIPHER_CTX_free(c);
		assert_int_equal((size_t)(n + f), kskit_kwp_wrapped_len(len));
		assert_int_equal(kskit_kwp_wrap(ecb, &a, in, len, ours), 0);
		assert_memory_equal(ours, theirs, (size_t)(n + f));
		assert_int_equal(kskit_kwp_unwrap(ecb, &a, theirs, (size_t)(n + f), back, &plen),
				 0);
		assert_int_equal(plen, len);
		assert_memory_equal(back, in, len);
	}
}

static void tampered(void **state)
{
	uint8_t kek[32], other[32], in[100], w[120], out[120];
	struct aes a = { EVP_aes_256_ecb(), kek }, b = { EVP_aes_256_ecb(), other };
	size_t wlen = kskit_kwp_wrapped_len(sizeof(in)), plen = 0;

	(void)state;
	assert_int_equal(RAND_bytes(kek, sizeof(kek)), 1);
	assert_int_equal(RAND_bytes(other, sizeof(other)), 1);
	assert_int_equal(RAND_bytes(in, sizeof(in)), 1);
	assert_int_equal(kskit_kwp_wrap(ecb, &a, in, sizeof(in), w), 0);
	assert_int_equal(kskit_kwp_unwrap(ecb, &b, w, wlen, out, &plen), KSKIT_EDECRYPT);
	for (size_t i = 0; i < wlen; i += 7) {
		w[i] ^= 0x10;
		assert_int_equal(kskit_kwp_unwrap(ecb, &a, w, wlen, out, &plen), KSKIT_EDECRYPT);
		w[i] ^= 0x10;
	}
	assert_int_equal(kskit_kwp_unwrap(ecb, &a, w, wlen - 8, out, &plen), KSKIT_EDECRYPT);
	assert_int_equal(kskit_kwp_unwrap(ecb, &a, w, 15, out, &plen), KSKIT_EDECRYPT);
	assert_int_equal(kskit_kwp_unwrap(ecb, &a, w, wlen, out, &plen), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc5649_vectors),
		cmocka_unit_test(same_as_openssl),
		cmocka_unit_test(tampered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
