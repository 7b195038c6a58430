/* alg.h - the DNSSEC signing algorithms kskit knows, and what each needs
 * from a PKCS#11 token. */
#ifndef KSKIT_ALG_H
#define KSKIT_ALG_H

#include <stddef.h>
#include <stdint.h>
#include <p11-kit/pkcs11.h>

/* "No such mechanism" (0 is CKM_RSA_PKCS_KEY_PAIR_GEN). */
#define KSKIT_MECH_NONE ((CK_MECHANISM_TYPE)-1)

struct kskit_alg {
	uint8_t number;		  /* IANA DNSSEC algorithm number */
	const char *name;	  /* mnemonic: "RSASHA256" */
	CK_KEY_TYPE key_type;	  /* CKK_RSA, CKK_EC, CKK_EC_EDWARDS */
	unsigned bits;		  /* curve size; default modulus for RSA */
	const char *group;	  /* OpenSSL group/key name for EC and EdDSA */
	const uint8_t *ec_params; /* DER of CKA_EC_PARAMS (OID), or NULL */
	size_t ec_params_len;
	const char *digest;	     /* OpenSSL digest name, NULL for EdDSA */
	CK_MECHANISM_TYPE raw_mech;  /* token signs a digest we give it */
	CK_MECHANISM_TYPE hash_mech; /* token hashes the data itself, or KSKIT_MECH_NONE */
	CK_MECHANISM_TYPE gen_mech;  /* key pair generation */
};

/* NULL when unknown. */
const struct kskit_alg *kskit_alg_by_number(unsigned number);

/* By mnemonic (case-insensitive) or decimal number; NULL when unknown. */
const struct kskit_alg *kskit_alg_by_name(const char *name);

/* The i-th algorithm of the table, NULL past the end. */
const struct kskit_alg *kskit_alg_at(size_t i);

/* For an EC or EdDSA key, the algorithm whose curve matches the DER
 * CKA_EC_PARAMS (an OID; for EdDSA also the printable-string curve name some
 * tokens use); NULL when none does. */
const struct kskit_alg *kskit_alg_by_ec_params(const uint8_t *der, size_t len);

#endif
