#include <stdlib.h>
#include <string.h>

#include "dnskey.h"
#include "error.h"
#include "rrsig.h"
#include "sign.h"

int kskit_rrsig_data(const ldns_rr_list *rrset, const ldns_rr *rrsig, uint8_t **data, size_t *len)
{
	ldns_buffer *buf = ldns_buffer_new(1024);
	ldns_rr_list *canon = ldns_rr_list_clone(rrset);
	uint32_t orig_ttl = ldns_rdf2native_int32(ldns_rr_rdf(rrsig, 3));
	uint8_t *copy;
	int ret = KSKIT_ENOMEM;

	if (!buf || !canon)
		goto out;
	for (size_t i = 0; i < ldns_rr_list_rr_count(canon); i++) {
		ldns_rr *rr = ldns_rr_list_rr(canon, i);

		ldns_rr2canonical(rr);
		ldns_rr_set_ttl(rr, orig_ttl);
	}
	ldns_rr_list_sort(canon);
	if (ldns_rrsig2buffer_wire(buf, rrsig) != LDNS_STATUS_OK ||
	    ldns_rr_list2buffer_wire(buf, canon) != LDNS_STATUS_OK) {
		ret = KSKIT_ECRYPTO;
		goto out;
	}
	copy = malloc(ldns_buffer_position(buf));
	if (!copy)
		goto out;
	memcpy(copy, ldns_buffer_begin(buf), ldns_buffer_position(buf));
	*data = copy;
	*len = ldns_buffer_position(buf);
	ret = 0;
out:
	ldns_rr_list_deep_free(canon);
	ldns_buffer_free(buf);
	return ret;
}

uint8_t kskit_rrsig_labels(const ldns_rdf *owner)
{
	uint8_t labels = ldns_dname_label_count(owner);

	return ldns_dname_is_wildcard(owner) ? labels - 1 : labels;
}

static int push(ldns_rr *rr, ldns_rdf *rdf)
{
	if (!rdf)
		return KSKIT_ENOMEM;
	if (!ldns_rr_push_rdf(rr, rdf)) {
		ldns_rdf_deep_free(rdf);
		return KSKIT_ENOMEM;
	}
	return 0;
}

int kskit_rrsig_make(const ldns_rr_list *rrset, const struct kskit_rrsig_params *p,
		     kskit_sign_fn fn, void *ctx, ldns_rr **out)
{
	const ldns_rr *first = ldns_rr_list_rr(rrset, 0);
	ldns_rr *sig = NULL;
	ldns_rdf *signer = NULL;
	uint8_t *data = NULL, *s = NULL;
	size_t len = 0, slen = 0;
	int ret;

	if (!first)
		return kskit_error_set(KSKIT_EINVAL, "empty RRset");
	for (size_t i = 1; i < ldns_rr_list_rr_count(rrset); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(rrset, i);

		if (ldns_rr_get_type(rr) != ldns_rr_get_type(first) ||
		    ldns_rr_get_class(rr) != ldns_rr_get_class(first) ||
		    ldns_dname_compare(ldns_rr_owner(rr), ldns_rr_owner(first)) != 0)
			return kskit_error_set(KSKIT_EINVAL, "not one RRset");
	}
	sig = ldns_rr_new(); /* not ldns_rr_new_frm_type(): it adds nine empty fields */
	if (!sig)
		return KSKIT_ENOMEM;
	ldns_rr_set_type(sig, LDNS_RR_TYPE_RRSIG);
	ldns_rr_set_owner(sig, ldns_rdf_clone(ldns_rr_owner(first)));
	ldns_rr_set_class(sig, ldns_rr_get_class(first));
	ldns_rr_set_ttl(sig, ldns_rr_ttl(first));
	ret = push(sig, ldns_native2rdf_int16(LDNS_RDF_TYPE_TYPE, ldns_rr_get_type(first)));
	if (ret == 0)
		ret = push(sig, ldns_native2rdf_int8(LDNS_RDF_TYPE_ALG, p->alg->number));
	if (ret == 0)
		ret = push(sig, ldns_native2rdf_int8(LDNS_RDF_TYPE_INT8,
						     kskit_rrsig_labels(ldns_rr_owner(first))));
	if (ret == 0)
		ret = push(sig, ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32, ldns_rr_ttl(first)));
	if (ret == 0)
		ret = push(sig, ldns_native2rdf_int32(LDNS_RDF_TYPE_TIME, p->expiration));
	if (ret == 0)
		ret = push(sig, ldns_native2rdf_int32(LDNS_RDF_TYPE_TIME, p->inception));
	if (ret == 0)
		ret = push(sig, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, p->key_tag));
	if (ret == 0 && (signer = ldns_rdf_clone(p->signer)) != NULL)
		ldns_dname2canonical(signer); /* RFC 4034 3.1.7: the signer in canonical form */
	if (ret == 0)
		ret = push(sig, signer);
	/* A placeholder signature: ldns_rrsig2buffer_wire() writes every RDATA
	 * field but the last. */
	if (ret == 0)
		ret = push(sig, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_B64, 1, ""));
	if (ret == 0)
		ret = kskit_rrsig_data(rrset, sig, &data, &len);
	if (ret == 0)
		ret = fn(ctx, data, len, &s, &slen);
	if (ret == 0) {
		ldns_rdf *rdf = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_B64, slen, s);

		if (!rdf)
			ret = KSKIT_ENOMEM;
		else
			ldns_rdf_deep_free(ldns_rr_set_rdf(sig, rdf, 8));
	}
	free(data);
	free(s);
	if (ret) {
		ldns_rr_free(sig);
		return ret;
	}
	*out = sig;
	return 0;
}

int kskit_rrsig_verify(const ldns_rr_list *rrset, const ldns_rr *rrsig, const ldns_rr *dnskey)
{
	const struct kskit_alg *alg;
	EVP_PKEY *pub = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	int ret;

	if (ldns_rr_get_type(rrsig) != LDNS_RR_TYPE_RRSIG || ldns_rr_rd_count(rrsig) != 9 ||
	    ldns_rr_get_type(dnskey) != LDNS_RR_TYPE_DNSKEY || ldns_rr_rd_count(dnskey) != 4)
		return kskit_error_set(KSKIT_EVERIFY, "not an RRSIG and a DNSKEY");
	alg = kskit_alg_by_number(ldns_rdf2native_int8(ldns_rr_rdf(dnskey, 2)));
	if (!alg || ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(rrsig)) != alg->number)
		return kskit_error_set(KSKIT_EVERIFY, "algorithm %u",
				       ldns_rdf2native_int8(ldns_rr_rdf(dnskey, 2)));
	if (ldns_rdf2native_int16(ldns_rr_rrsig_keytag(rrsig)) != ldns_calc_keytag(dnskey))
		return kskit_error_set(KSKIT_EVERIFY, "key tag %u is not the DNSKEY's (%u)",
				       ldns_rdf2native_int16(ldns_rr_rrsig_keytag(rrsig)),
				       ldns_calc_keytag(dnskey));
	if (kskit_dnskey_to_pkey(alg, ldns_rdf_data(ldns_rr_rdf(dnskey, 3)),
				 ldns_rdf_size(ldns_rr_rdf(dnskey, 3)), &pub) != 0)
		return kskit_error_set(KSKIT_EVERIFY, "DNSKEY %u is not a valid %s key",
				       ldns_calc_keytag(dnskey), alg->name);
	ret = kskit_rrsig_data(rrset, rrsig, &data, &len);
	if (ret == 0)
		ret = kskit_verify(alg, pub, data, len, ldns_rdf_data(ldns_rr_rdf(rrsig, 8)),
				   ldns_rdf_size(ldns_rr_rdf(rrsig, 8)));
	free(data);
	EVP_PKEY_free(pub);
	return ret;
}
