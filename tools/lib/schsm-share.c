/* schsm-share.c - sc-hsm-tool's DKEK share files. */
#define OPENSSL_SUPPRESS_DEPRECATED /* MD5_Init: see derive() */
#include <limits.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/rand.h>

#include "error.h"
#include "schsm-share.h"

static const uint8_t magic[8] = { 'S', 'a', 'l', 't', 'e', 'd', '_', '_' };

#define CT_LEN (KSKIT_SCHSM_SHARE_FILE_LEN - 16)
#define PAD_LEN (CT_LEN - KSKIT_SCHSM_SHARE_LEN)

/* EVP_BytesToKey(AES-256-CBC, MD5): D_i = MD5^count(D_(i-1) | pw | salt),
 * key | iv = D_1 | D_2 | D_3.  Written out with OpenSSL's MD5 functions
 * (deprecated in OpenSSL 3, kept for such formats): EVP_BytesToKey fetches
 * MD5 from the provider and allocates on each of its 30 million digests,
 * five times slower, and minutes under AddressSanitizer. */
static int derive(const uint8_t *salt, const char *pw, size_t pwlen, unsigned long iterations,
		  uint8_t key[32], uint8_t iv[16])
{
	uint8_t out[48], d[16];
	MD5_CTX ctx;

	if (iterations < 1 || iterations > INT_MAX)
		return kskit_error_set(KSKIT_EINVAL,
				       "EVP_BytesToKey iterations must be 1..%d, not %lu", INT_MAX,
				       iterations);
	if (pwlen > INT_MAX || (!pw && pwlen > 0))
		return kskit_error_set(KSKIT_EINVAL, "bad password length %zu", pwlen);
	for (size_t b = 0; b < sizeof(out); b += sizeof(d)) {
		MD5_Init(&ctx);
		if (b > 0)
			MD5_Update(&ctx, d, sizeof(d));
		MD5_Update(&ctx, pw, pwlen);
		MD5_Update(&ctx, salt, KSKIT_SCHSM_SHARE_SALT_LEN);
		MD5_Final(d, &ctx);
		for (unsigned long i = 1; i < iterations; i++) {
			MD5_Init(&ctx);
			MD5_Update(&ctx, d, sizeof(d));
			MD5_Final(d, &ctx);
		}
		memcpy(out + b, d, sizeof(d));
	}
	memcpy(key, out, 32);
	memcpy(iv, out + 32, 16);
	OPENSSL_cleanse(&ctx, sizeof(ctx));
	OPENSSL_cleanse(out, sizeof(out));
	OPENSSL_cleanse(d, sizeof(d));
	return 0;
}

int kskit_schsm_share_seal(const uint8_t share[KSKIT_SCHSM_SHARE_LEN], const char *pw, size_t pwlen,
			   const uint8_t salt[KSKIT_SCHSM_SHARE_SALT_LEN], unsigned long iterations,
			   uint8_t file[KSKIT_SCHSM_SHARE_FILE_LEN])
{
	uint8_t buf[KSKIT_SCHSM_SHARE_FILE_LEN], key[32], iv[16];
	EVP_CIPHER_CTX *ctx = NULL;
	int n1 = 0, n2 = 0, ret;

	memcpy(buf, magic, sizeof(magic));
	if (salt)
		memcpy(buf + 8, salt, KSKIT_SCHSM_SHARE_SALT_LEN);
	else if (RAND_bytes(buf + 8, KSKIT_SCHSM_SHARE_SALT_LEN) != 1) {
		ret = kskit_error_set(KSKIT_ECRYPTO, "RAND_bytes failed for the salt");
		goto out;
	}
	ret = derive(buf + 8, pw, pwlen, iterations, key, iv);
	if (ret != 0)
		goto out;
	if (!(ctx = EVP_CIPHER_CTX_new()) ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv) != 1 ||
	    EVP_EncryptUpdate(ctx, buf + 16, &n1, share, KSKIT_SCHSM_SHARE_LEN) != 1 ||
	    EVP_EncryptFinal_ex(ctx, buf + 16 + n1, &n2) != 1 || n1 + n2 != CT_LEN) {
		ret = kskit_error_set(KSKIT_ECRYPTO, "AES-256-CBC encryption of the share failed");
		goto out;
	}
	memcpy(file, buf, sizeof(buf));
out:
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(iv, sizeof(iv));
	return ret;
}

int kskit_schsm_share_open(const uint8_t *file, size_t len, const char *pw, size_t pwlen,
			   unsigned long iterations, uint8_t share[KSKIT_SCHSM_SHARE_LEN])
{
	static const uint8_t pad[PAD_LEN] = { 16, 16, 16, 16, 16, 16, 16, 16,
					      16, 16, 16, 16, 16, 16, 16, 16 };
	uint8_t plain[CT_LEN + 16], key[32], iv[16];
	EVP_CIPHER_CTX *ctx = NULL;
	int n1 = 0, n2 = 0, ret;

	if (len != KSKIT_SCHSM_SHARE_FILE_LEN)
		return kskit_error_set(KSKIT_EKEYFILE,
				       "a sc-hsm-tool DKEK share file has 64 bytes, this one %zu",
				       len);
	if (memcmp(file, magic, sizeof(magic)) != 0)
		return kskit_error_set(KSKIT_EKEYFILE, "no \"Salted__\" at the start: not a "
						       "sc-hsm-tool DKEK share file");
	ret = derive(file + 8, pw, pwlen, iterations, key, iv);
	if (ret != 0)
		goto out;
	if (!(ctx = EVP_CIPHER_CTX_new()) ||
	    EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_DecryptUpdate(ctx, plain, &n1, file + 16, CT_LEN) != 1 ||
	    EVP_DecryptFinal_ex(ctx, plain + n1, &n2) != 1 || n1 + n2 != CT_LEN) {
		ret = kskit_error_set(KSKIT_ECRYPTO, "AES-256-CBC decryption of the share failed");
		goto out;
	}
	if (CRYPTO_memcmp(plain + KSKIT_SCHSM_SHARE_LEN, pad, PAD_LEN) != 0) {
		ret = kskit_error_set(KSKIT_EPASSPHRASE, "wrong password or damaged share file "
							 "(the padding does not check out)");
		goto out;
	}
	memcpy(share, plain, KSKIT_SCHSM_SHARE_LEN);
out:
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(plain, sizeof(plain));
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(iv, sizeof(iv));
	return ret;
}
