#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alg.h"

static const uint8_t oid_p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t oid_p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const uint8_t oid_ed25519[] = { 0x06, 0x03, 0x2b, 0x65, 0x70 };
static const uint8_t str_ed25519[] = { 0x13, 0x0c, 'e', 'd', 'w', 'a', 'r',
				       'd',  's',  '2', '5', '5', '1', '9' };

static const struct kskit_alg algs[] = {
	{ 8, "RSASHA256", CKK_RSA, 2048, NULL, NULL, 0, "SHA256", CKM_RSA_PKCS, CKM_SHA256_RSA_PKCS,
	  CKM_RSA_PKCS_KEY_PAIR_GEN },
	{ 10, "RSASHA512", CKK_RSA, 2048, NULL, NULL, 0, "SHA512", CKM_RSA_PKCS,
	  CKM_SHA512_RSA_PKCS, CKM_RSA_PKCS_KEY_PAIR_GEN },
	{ 13, "ECDSAP256SHA256", CKK_EC, 256, "P-256", oid_p256, sizeof(oid_p256), "SHA256",
	  CKM_ECDSA, CKM_ECDSA_SHA256, CKM_EC_KEY_PAIR_GEN },
	{ 14, "ECDSAP384SHA384", CKK_EC, 384, "P-384", oid_p384, sizeof(oid_p384), "SHA384",
	  CKM_ECDSA, CKM_ECDSA_SHA384, CKM_EC_KEY_PAIR_GEN },
	{ 15, "ED25519", CKK_EC_EDWARDS, 256, "ED25519", oid_ed25519, sizeof(oid_ed25519), NULL,
	  CKM_EDDSA, KSKIT_MECH_NONE, CKM_EC_EDWARDS_KEY_PAIR_GEN },
};

#define N_ALGS (sizeof(algs) / sizeof(algs[0]))

const struct kskit_alg *kskit_alg_at(size_t i)
{
	return i < N_ALGS ? &algs[i] : NULL;
}

const struct kskit_alg *kskit_alg_by_number(unsigned number)
{
	for (size_t i = 0; i < N_ALGS; i++)
		if (algs[i].number == number)
			return &algs[i];
	return NULL;
}

const struct kskit_alg *kskit_alg_by_name(const char *name)
{
	char *end;
	unsigned long n;

	if (!name || !*name)
		return NULL;
	n = strtoul(name, &end, 10);
	if (*end == '\0')
		return n < 256 ? kskit_alg_by_number((unsigned)n) : NULL;
	for (size_t i = 0; i < N_ALGS; i++)
		if (strcasecmp(algs[i].name, name) == 0)
			return &algs[i];
	return NULL;
}

static int der_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

const struct kskit_alg *kskit_alg_by_ec_params(const uint8_t *der, size_t len)
{
	if (der_equal(der, len, str_ed25519, sizeof(str_ed25519)))
		return kskit_alg_by_number(15);
	for (size_t i = 0; i < N_ALGS; i++)
		if (algs[i].ec_params &&
		    der_equal(der, len, algs[i].ec_params, algs[i].ec_params_len))
			return &algs[i];
	return NULL;
}
