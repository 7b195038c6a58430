#include <openssl/bn.h>
#include <openssl/core_names.h>

#include "alg.h"
#include "error.h"
#include "pkey.h"

int kskit_pkey_fromdata(const char *type, int selection, OSSL_PARAM_BLD *bld, EVP_PKEY **out)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	int ret = KSKIT_ECRYPTO;

	if (params && ctx && EVP_PKEY_fromdata_init(ctx) > 0 &&
	    EVP_PKEY_fromdata(ctx, out, selection, params) > 0)
		ret = 0;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return ret;
}

EVP_PKEY *kskit_pkey_generate(const struct kskit_alg *alg, unsigned bits)
{
	if (alg->key_type == CKK_RSA)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)(bits ? bits : alg->bits));
	if (alg->key_type == CKK_EC)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", alg->group);
	return EVP_PKEY_Q_keygen(NULL, NULL, alg->group);
}

void kskit_pkey_size(EVP_PKEY *pk, const struct kskit_alg *alg, unsigned *bits,
		     unsigned long *exponent)
{
	BIGNUM *e = NULL;

	*bits = (unsigned)EVP_PKEY_get_bits(pk);
	*exponent = 0;
	if (alg->key_type == CKK_RSA && EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) == 1)
		*exponent = BN_get_word(e);
	BN_free(e);
}
