/* keybundle-verify.c - a keybundle's RRSIGs, checked with its KSKs. */
#include <ldns/ldns.h>

#include "dnskey.h"
#include "dnsrr.h"
#include "error.h"
#include "keybundle.h"
#include "rrsig.h"

/* Is key the anchor's key: the same DNSKEY, or the key of the DS? */
static int anchored(const ldns_rr *key, const ldns_rr *anchor)
{
	if (ldns_rr_get_type(anchor) == LDNS_RR_TYPE_DS)
		return ldns_rr_compare_ds(key, anchor);
	return ldns_rr_get_type(anchor) == LDNS_RR_TYPE_DNSKEY && kskit_dnskey_same(key, anchor);
}

/* DNSKEY, CDS, CDNSKEY: the types a keybundle holds (the parser
 * refuses others). */
static const char *type_name(ldns_rr_type t)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(t);

	return d && d->_name ? d->_name : "?";
}

/* The KSK of keys that made sig and verifies it over set, or NULL. */
static const ldns_rr *signer(const ldns_rr_list *keys, const ldns_rr_list *set, const ldns_rr *sig)
{
	uint16_t tag = ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig));

	for (size_t i = 0; i < ldns_rr_list_rr_count(keys); i++) {
		const ldns_rr *key = ldns_rr_list_rr(keys, i);

		if ((ldns_rdf2native_int16(ldns_rr_rdf(key, 0)) & LDNS_KEY_SEP_KEY) &&
		    ldns_calc_keytag(key) == tag && kskit_rrsig_verify(set, sig, key) == 0)
			return key;
	}
	return NULL;
}

int kskit_keybundle_verify(const struct kskit_keybundle *kb, const ldns_rr *anchor)
{
	ldns_rr_list *keys = kskit_rrs_of_type(kb->records, LDNS_RR_TYPE_DNSKEY);
	int ret = keys ? 0 : KSKIT_ENOMEM, by_ksk = 0;

	for (size_t i = 0; ret == 0 && i < ldns_rr_list_rr_count(kb->records); i++) {
		const ldns_rr *sig = ldns_rr_list_rr(kb->records, i), *key;
		ldns_rr_type covered;
		ldns_rr_list *set;

		if (ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG)
			continue;
		covered = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig));
		if (!(set = kskit_rrs_of_type(kb->records, covered))) {
			ret = KSKIT_ENOMEM;
			break;
		}
		key = ldns_rr_list_rr_count(set) ? signer(keys, set, sig) : NULL;
		ldns_rr_list_free(set);
		if (!key) {
			ret = kskit_error_set(KSKIT_EVERIFY,
					      "the RRSIG by %u over %s does not verify with a KSK "
					      "of the bundle",
					      ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig)),
					      type_name(covered));
		} else if ((time_t)ldns_rdf2native_time_t(ldns_rr_rrsig_inception(sig)) >
				   kb->inception ||
			   (time_t)ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(sig)) <
				   kb->expiration) {
			ret = kskit_error_set(KSKIT_EVERIFY,
					      "the RRSIG by %u over %s is not valid for the "
					      "whole period",
					      ldns_calc_keytag(key), type_name(covered));
		} else if (covered == LDNS_RR_TYPE_DNSKEY &&
			   ldns_rdf2native_int16(ldns_rr_rdf(key, 0)) == KSKIT_DNSKEY_KSK &&
			   (!anchor || anchored(key, anchor))) {
			by_ksk = 1;
		}
	}
	ldns_rr_list_free(keys);
	if (ret == 0 && !by_ksk)
		ret = kskit_error_set(KSKIT_EVERIFY,
				      anchor ? "the trust anchor's KSK signs no DNSKEY "
					       "RRset of the bundle"
					     : "no KSK signs the DNSKEY RRset");
	return ret;
}
