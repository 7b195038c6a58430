/* dnsrr.h - the DNS records of a key, as ldns builds and prints them:
 * DNSKEY, DS, CDS, CDNSKEY. */
#ifndef KSKIT_DNSRR_H
#define KSKIT_DNSRR_H

#include <stdint.h>
#include <ldns/ldns.h>
#include <openssl/evp.h>

#include "alg.h"

/* Does rr have every field its type needs?  ldns reads "\# 0" (RFC 3597)
 * as a record of any type with none. */
int kskit_rr_complete(const ldns_rr *rr);

/* Is dnskey the public half of key (of alg): the same algorithm number
 * and public key field?  1 or 0. */
int kskit_dnskey_is_key(const ldns_rr *dnskey, EVP_PKEY *key, const struct kskit_alg *alg);

/* Is rr a ZSK's DNSKEY (flags 256)?  1 or 0. */
int kskit_dnskey_is_zsk(const ldns_rr *rr);

/* Are two DNSKEY records the same key: algorithm and public key, whatever
 * their flags (a key revoked or not)?  1 or 0. */
int kskit_dnskey_same(const ldns_rr *a, const ldns_rr *b);

/* The records of list of type, as an RRset (the records stay list's:
 * free with ldns_rr_list_free()); NULL when out of memory. */
ldns_rr_list *kskit_rrs_of_type(const ldns_rr_list *list, ldns_rr_type type);

#define KSKIT_DS_SHA256 2
#define KSKIT_DS_SHA384 4

/* The DNSKEY of pkey for zone (made absolute), class IN.  Free with
 * ldns_rr_free(). */
int kskit_dnskey_rr(const char *zone, uint32_t ttl, EVP_PKEY *pkey, const struct kskit_alg *alg,
		    uint16_t flags, ldns_rr **out);

/* The DS of a DNSKEY with digest type KSKIT_DS_SHA256 or KSKIT_DS_SHA384. */
int kskit_ds_rr(const ldns_rr *dnskey, int digest, ldns_rr **out);

/* A copy of rr with another type: DS -> CDS, DNSKEY -> CDNSKEY. */
int kskit_rr_retype(const ldns_rr *rr, ldns_rr_type type, ldns_rr **out);

/* "K<zone>+<alg>+<tag>" as BIND names key files (zone with its final dot,
 * root as "."); out holds at least 300 bytes. */
void kskit_key_basename(const ldns_rr *dnskey, char *out, size_t size);

#endif
