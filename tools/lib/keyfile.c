#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evperr.h>
#include <openssl/pemerr.h>
#include <openssl/pkcs12err.h>
#include <openssl/proverr.h>

#include <openssl/params.h>
#include <openssl/param_build.h>

#include "dnskey.h"
#include "error.h"
#include "bindkey.h"
#include "keyfile.h"
#include "pkey.h"
#include "secret.h"

#define KEYFILE_MAX (64 * 1024)

struct bind_key {
	const struct kskit_alg *alg;
	uint8_t *rsa[KSKIT_BIND_RSA_FIELDS];
	size_t rsa_len[KSKIT_BIND_RSA_FIELDS];
	uint8_t *priv;
	size_t priv_len;
};

static int read_file(const char *path, char **buf, size_t *len)
{
	struct stat st;
	char *b = NULL;
	size_t got = 0;
	ssize_t r;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kskit_error_set(KSKIT_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > KEYFILE_MAX) {
		ret = kskit_error_set(KSKIT_EKEYFILE, "%s: not a regular file of at most %d bytes",
				      path, KEYFILE_MAX);
		goto out;
	}
	b = kskit_secret_alloc((size_t)st.st_size);
	if (!b) {
		ret = KSKIT_ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		r = read(fd, b + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ret = kskit_error_set(KSKIT_EIO, "%s: %s", path,
					      r < 0 ? strerror(errno) : "short read");
			goto out;
		}
		got += (size_t)r;
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
	b = NULL;
out:
	kskit_secret_free(b);
	close(fd);
	return ret;
}

/* Base64 (whitespace allowed inside) into a secret buffer. */
static int b64_secret(const char *in, uint8_t **out, size_t *out_len)
{
	size_t n = strlen(in), clean_len = 0, pad = 0;
	char *clean = kskit_secret_alloc(n);
	uint8_t *bin = NULL;
	int r, ret = KSKIT_EKEYFILE;

	if (!clean)
		return KSKIT_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (in[i] != ' ' && in[i] != '\t' && in[i] != '\r')
			clean[clean_len++] = in[i];
	if (clean_len == 0 || clean_len % 4 != 0)
		goto out;
	while (pad < 2 && clean[clean_len - 1 - pad] == '=')
		pad++;
	bin = kskit_secret_alloc(clean_len / 4 * 3);
	if (!bin) {
		ret = KSKIT_ENOMEM;
		goto out;
	}
	r = EVP_DecodeBlock(bin, (unsigned char *)clean, (int)clean_len);
	if (r < 0 || (size_t)r < pad)
		goto out;
	*out = bin;
	*out_len = (size_t)r - pad;
	bin = NULL;
	ret = 0;
out:
	kskit_secret_free(bin);
	kskit_secret_free(clean);
	return ret;
}

static void bind_key_wipe(struct bind_key *k)
{
	for (size_t i = 0; i < KSKIT_BIND_RSA_FIELDS; i++)
		kskit_secret_free(k->rsa[i]);
	kskit_secret_free(k->priv);
	*k = (struct bind_key){ 0 };
}

static int bind_field(struct bind_key *k, const char *name, const char *value)
{
	uint8_t **dst = NULL;
	size_t *dst_len = NULL;

	if (strcmp(name, "Algorithm") == 0) {
		k->alg = kskit_alg_by_number((unsigned)strtoul(value, NULL, 10));
		return k->alg ? 0 : kskit_error_set(KSKIT_EALGORITHM, "Algorithm: %s", value);
	}
	for (size_t i = 0; i < KSKIT_BIND_RSA_FIELDS; i++)
		if (strcmp(name, kskit_bind_rsa[i].field) == 0) {
			dst = &k->rsa[i];
			dst_len = &k->rsa_len[i];
		}
	if (strcmp(name, "PrivateKey") == 0) {
		dst = &k->priv;
		dst_len = &k->priv_len;
	}
	if (!dst)
		return 0; /* Created:, Publish:, Label:... carry no key material */
	if (*dst)
		return kskit_error_set(KSKIT_EKEYFILE, "%s: given twice", name);
	return b64_secret(value, dst, dst_len)
		       ? kskit_error_set(KSKIT_EKEYFILE, "%s: bad base64", name)
		       : 0;
}

static int bind_parse(char *text, struct bind_key *k)
{
	char *save = NULL, *line;
	int first = 1, ret;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');
		char *value;

		if (!colon)
			return kskit_error_set(KSKIT_EKEYFILE, "line without ':'");
		*colon = '\0';
		value = colon + 1;
		while (*value == ' ' || *value == '\t')
			value++;
		if (first) {
			if (strcmp(line, "Private-key-format") != 0 ||
			    strncmp(value, "v1.", 3) != 0)
				return kskit_error_set(KSKIT_EKEYFILE,
						       "not a BIND Private-key-format v1.x file");
			first = 0;
			continue;
		}
		ret = bind_field(k, line, value);
		if (ret)
			return ret;
	}
	if (!k->alg)
		return kskit_error_set(KSKIT_EKEYFILE, "no Algorithm: line");
	return 0;
}

static int bind_rsa(struct bind_key *k, EVP_PKEY **out)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *bn[KSKIT_BIND_RSA_FIELDS] = { 0 };
	int ret = KSKIT_ECRYPTO;

	if (!bld)
		return KSKIT_ENOMEM;
	for (size_t i = 0; i < KSKIT_BIND_RSA_FIELDS; i++) {
		if (!k->rsa[i]) {
			ret = kskit_error_set(KSKIT_EKEYFILE, "no %s: line",
					      kskit_bind_rsa[i].field);
			goto out;
		}
		bn[i] = BN_secure_new();
		if (!bn[i] || !BN_bin2bn(k->rsa[i], (int)k->rsa_len[i], bn[i]) ||
		    !OSSL_PARAM_BLD_push_BN(bld, kskit_bind_rsa[i].param, bn[i]))
			goto out;
	}
	ret = kskit_pkey_fromdata("RSA", EVP_PKEY_KEYPAIR, bld, out);
out:
	OSSL_PARAM_BLD_free(bld);
	for (size_t i = 0; i < KSKIT_BIND_RSA_FIELDS; i++)
		BN_clear_free(bn[i]);
	return ret;
}

/* An EC key pair from its private scalar: the public point is computed. */
static int bind_ec(struct bind_key *k, EVP_PKEY **out)
{
	int nid = k->alg->bits == 256 ? NID_X9_62_prime256v1 : NID_secp384r1;
	EC_GROUP *group = EC_GROUP_new_by_curve_name(nid);
	EC_POINT *pub = NULL;
	BIGNUM *d = BN_secure_new();
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	uint8_t point[1 + 2 * 48];
	size_t plen;
	int ret = KSKIT_ECRYPTO;

	if (k->priv_len != k->alg->bits / 8) {
		ret = kskit_error_set(KSKIT_EKEYFILE, "PrivateKey: %zu bytes, want %u", k->priv_len,
				      k->alg->bits / 8);
		goto out;
	}
	if (!group || !d || !bld || !BN_bin2bn(k->priv, (int)k->priv_len, d) ||
	    !(pub = EC_POINT_new(group)) || !EC_POINT_mul(group, pub, d, NULL, NULL, NULL))
		goto out;
	plen = EC_POINT_point2oct(group, pub, POINT_CONVERSION_UNCOMPRESSED, point, sizeof(point),
				  NULL);
	if (plen == 0 ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, k->alg->group, 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, plen))
		goto out;
	ret = kskit_pkey_fromdata("EC", EVP_PKEY_KEYPAIR, bld, out);
out:
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(d);
	EC_POINT_free(pub);
	EC_GROUP_free(group);
	return ret;
}

static int read_bind(char *text, EVP_PKEY **key, const struct kskit_alg **alg)
{
	struct bind_key k = { 0 };
	EVP_PKEY *pkey = NULL;
	int ret;

	ret = bind_parse(text, &k);
	if (ret)
		goto out;
	switch (k.alg->key_type) {
	case CKK_RSA:
		ret = bind_rsa(&k, &pkey);
		break;
	case CKK_EC:
		ret = k.priv ? bind_ec(&k, &pkey)
			     : kskit_error_set(KSKIT_EKEYFILE, "no PrivateKey: line");
		break;
	default:
		if (!k.priv) {
			ret = kskit_error_set(KSKIT_EKEYFILE, "no PrivateKey: line");
			break;
		}
		pkey = EVP_PKEY_new_raw_private_key_ex(NULL, k.alg->group, NULL, k.priv,
						       k.priv_len);
		ret = pkey ? 0 : kskit_error_set(KSKIT_EKEYFILE, "bad %s PrivateKey", k.alg->name);
		break;
	}
	if (ret == 0) {
		*key = pkey;
		*alg = k.alg;
	}
out:
	bind_key_wipe(&k);
	return ret;
}

/* Whether OpenSSL's error queue says a decryption failed: a wrong
 * passphrase, as opposed to a damaged file.  Empties the queue. */
static int bad_decrypt(void)
{
	unsigned long e;
	int bad = 0;

	while ((e = ERR_get_error()) != 0) {
		int lib = ERR_GET_LIB(e), reason = ERR_GET_REASON(e);

		bad |= (lib == ERR_LIB_PROV && reason == PROV_R_BAD_DECRYPT) ||
		       (lib == ERR_LIB_EVP && reason == EVP_R_BAD_DECRYPT) ||
		       (lib == ERR_LIB_PEM &&
			(reason == PEM_R_BAD_DECRYPT || reason == PEM_R_BAD_PASSWORD_READ)) ||
		       (lib == ERR_LIB_PKCS12 && reason == PKCS12_R_PKCS12_CIPHERFINAL_ERROR);
	}
	return bad;
}

static int read_pem(const char *text, size_t len, pem_password_cb *cb, void *arg, EVP_PKEY **key,
		    const struct kskit_alg **alg)
{
	BIO *bio = BIO_new_mem_buf(text, (int)len);
	EVP_PKEY *pkey;

	if (!bio)
		return KSKIT_ENOMEM;
	ERR_clear_error();
	pkey = PEM_read_bio_PrivateKey(bio, NULL, cb, arg);
	BIO_free(bio);
	if (!pkey)
		return bad_decrypt()
			       ? kskit_error_set(KSKIT_EPASSPHRASE, "PEM private key")
			       : kskit_error_set(KSKIT_EKEYFILE, "PEM private key: unreadable");
	*alg = kskit_alg_for_pkey(pkey);
	if (!*alg) {
		int ret = kskit_error_set(KSKIT_EKEY_TYPE, "%s key has no DNSSEC algorithm",
					  EVP_PKEY_get0_type_name(pkey));

		EVP_PKEY_free(pkey);
		return ret;
	}
	*key = pkey;
	return 0;
}

/* A damaged private key (a flipped bit in a BIND file) would make bad
 * signatures on a token that uses the component: OpenSSL checks the pair.
 * Ed25519 has nothing to check: its public key is derived. */
static int key_consistent(EVP_PKEY *key)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	int r = ctx ? EVP_PKEY_check(ctx) : 0;

	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return r == 1 || r == -2 ? 0 : kskit_error_set(KSKIT_EKEYFILE, "inconsistent private key");
}

int kskit_keyfile_parse(char *text, size_t len, pem_password_cb *pass_cb, void *cb_arg,
			EVP_PKEY **key, const struct kskit_alg **alg)
{
	const struct kskit_alg *a = NULL;
	EVP_PKEY *k = NULL;
	int ret;

	if (strlen(text) != len)
		return kskit_error_set(KSKIT_EKEYFILE, "NUL byte in a key file");
	if (strncmp(text, "Private-key-format:", 19) == 0)
		ret = read_bind(text, &k, &a);
	else if (strstr(text, "-----BEGIN "))
		ret = read_pem(text, len, pass_cb, cb_arg, &k, &a);
	else
		return kskit_error_set(KSKIT_EKEYFILE, "neither a BIND .private file nor PEM");
	if (ret == 0)
		ret = key_consistent(k);
	if (ret) {
		EVP_PKEY_free(k);
		return ret;
	}
	*key = k;
	*alg = a;
	return 0;
}

int kskit_keyfile_read(const char *path, pem_password_cb *pass_cb, void *cb_arg, EVP_PKEY **key,
		       const struct kskit_alg **alg)
{
	char *text = NULL;
	size_t len = 0;
	int ret;

	ret = read_file(path, &text, &len);
	if (ret)
		return ret;
	ret = kskit_keyfile_parse(text, len, pass_cb, cb_arg, key, alg);
	kskit_secret_free(text);
	return ret;
}
