/* signer-keys.c - kskit signer's keys for a period: the keybundle of the
 * manifest (model A) or the response's bundle with the ZSK files or the
 * ZSKs on a token (model B), checked; then what signs with them. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli-bundle.h"
#include "signer.h"
#include "lib/dnskey.h"
#include "lib/dnsrr.h"
#include "lib/error.h"
#include "lib/key.h"
#include "lib/keybundle.h"
#include "lib/keyfile.h"
#include "lib/ksr.h"
#include "lib/sign.h"
#include "lib/utc.h"

/* Model A: the keybundle of the manifest whose period covers now. */
static int bundle_from_manifest(struct signer_opts *o, struct kskit_keybundle **kb)
{
	const struct cli_manifest_entry *pick = NULL;
	struct cli_manifest m = { 0 };
	time_t first = -1, last = -1;
	int ret = cli_manifest_read(o->manifest, &m);

	if (ret == 0)
		ret = cli_manifest_periods(o->manifest, &m);
	for (size_t i = 0; ret == 0 && i < m.n; i++) {
		const struct cli_manifest_entry *e = &m.entries[i];

		if (first < 0 || e->from < first)
			first = e->from;
		if (e->until > last)
			last = e->until;
		if (e->from <= o->sign.now && o->sign.now < e->until)
			pick = e;
	}
	if (ret == 0 && !pick) {
		char when[32];

		kskit_utc_format(o->sign.now < first ? first : last, KSKIT_UTC_ISO, when,
				 sizeof(when));
		ret = kskit_error_set(KSKIT_EKEYBUNDLE, "no keybundle covers now: %s %s",
				      o->sign.now < first ? "the first one starts at"
							  : "the last one ended at",
				      when);
	}
	if (ret == 0)
		ret = cli_unseal(pick->path, &o->unlock, pick->hex, kb);
	o->keys_until = last;
	cli_manifest_free(&m);
	return ret;
}

/* The public keys of the response's ZSKs that are on the token (the
 * private keys stay there). */
static int token_zsks(const struct signer_opts *o, const struct kskit_ksr *skr, EVP_PKEY **keys,
		      const struct kskit_alg **algs, size_t *n)
{
	int ret = 0;

	for (size_t b = 0; ret == 0 && b < skr->n_bundles; b++)
		for (size_t i = 0; ret == 0 && i < ldns_rr_list_rr_count(skr->bundles[b].records);
		     i++) {
			const ldns_rr *rr = ldns_rr_list_rr(skr->bundles[b].records, i);
			CK_OBJECT_HANDLE priv;
			size_t k;

			if (!kskit_dnskey_is_zsk(rr))
				continue;
			for (k = 0; k < *n && !kskit_dnskey_is_key(rr, keys[k], algs[k]); k++)
				;
			if (k < *n)
				continue;
			if (*n == MAX_KEYS)
				return kskit_error_set(KSKIT_EKEYBUNDLE, "more than %d ZSKs",
						       MAX_KEYS);
			ret = kskit_key_by_tag(o->token.tok, ldns_calc_keytag(rr), KSKIT_DNSKEY_ZSK,
					       rr, &priv, &keys[*n], &algs[*n]);
			if (ret == 0)
				(*n)++;
			else if (ret == KSKIT_ENO_OBJECT)
				ret = 0; /* the bundles that need it say so */
		}
	return ret;
}

/* Model B: the response's bundle that covers now, with the ZSK files or
 * the ZSKs on the token. */
static int bundle_from_skr(struct signer_opts *o, struct kskit_keybundle **kb)
{
	EVP_PKEY *keys[MAX_KEYS] = { 0 };
	const struct kskit_alg *algs[MAX_KEYS] = { 0 };
	struct kskit_keybundle **all = NULL;
	struct kskit_ksr *skr = NULL;
	char *text = NULL, hex[65];
	size_t len = 0, pick = 0, n_keys = o->n_zsk;
	int ret = cli_read_ksr(o->skr, 1, &skr, &text, &len);

	for (size_t i = 0; ret == 0 && i < o->n_zsk; i++)
		if ((ret = kskit_keyfile_read(o->zsk[i], cli_pem_passphrase, (void *)o->zsk[i],
					      &keys[i], &algs[i])) != 0)
			ret = kskit_error_set(ret, "%s: %s", o->zsk[i], kskit_error_detail(ret));
	if (ret == 0 && o->token_uri)
		ret = token_zsks(o, skr, keys, algs, &n_keys);
	if (ret == 0) {
		cli_sha256_hex(text, len, hex);
		ret = kskit_keybundles_from_skr(skr, hex, o->skr, keys, algs, n_keys, &all);
	}
	for (size_t i = 0; ret == 0 && i < skr->n_bundles; i++)
		if (all[i]->inception <= o->sign.now)
			pick = i + 1;
	if (ret == 0 && pick == 0)
		ret = kskit_error_set(
			KSKIT_EKEYBUNDLE,
			"no bundle of the response covers now: the first starts later");
	if (ret == 0) {
		o->keys_until = all[skr->n_bundles - 1]->expiration;
		*kb = all[pick - 1];
		all[pick - 1] = NULL;
	}
	for (size_t i = 0; all && i < skr->n_bundles; i++)
		kskit_keybundle_free(all[i]);
	free(all);
	for (size_t i = 0; i < n_keys; i++)
		EVP_PKEY_free(keys[i]);
	kskit_ksr_free(skr);
	free(text);
	return ret;
}

/* The period's keys: checked for the zone, now, and their signatures. */
int signer_period_keys(struct signer_opts *o, const struct kskit_zone *z,
		       struct kskit_keybundle **kb)
{
	ldns_rr *anchor = NULL;
	char until[32];
	int ret = o->anchor ? cli_read_anchor(o->anchor, &anchor) : 0;

	if (ret == 0 && o->manifest && (ret = cli_unlock_load(&o->unlock)) == 0)
		ret = bundle_from_manifest(o, kb);
	else if (ret == 0 && o->skr)
		ret = bundle_from_skr(o, kb);
	if (ret == 0 && ldns_dname_compare((*kb)->zone, z->origin) != 0)
		ret = kskit_error_set(KSKIT_EKEYBUNDLE, "the keys are for another zone");
	if (ret == 0 && (*kb)->expiration <= o->sign.now) {
		kskit_utc_format((*kb)->expiration, KSKIT_UTC_ISO, until, sizeof(until));
		ret = kskit_error_set(KSKIT_EKEYBUNDLE,
				      "no bundle covers now: the last one ended at %s", until);
	}
	if (ret == 0)
		ret = kskit_keybundle_verify(*kb, anchor);
	ldns_rr_free(anchor);
	return ret;
}

/* The period's active ZSKs: the bundle's private keys, or a signer for
 * each on the token (free with kskit_signer_free()). */
/* How far the token is with the run's signatures. */
static struct cli_progress progress;

int signer_period_zsks(const struct signer_opts *o, const struct kskit_keybundle *kb,
		       struct kskit_zsk *zsks, struct kskit_signer **signers, size_t *n)
{
	int ret = 0;

	*n = 0;
	progress = (struct cli_progress){ 0 };
	for (size_t i = 0; ret == 0 && i < kb->n_zsks; i++) {
		const struct kskit_keybundle_zsk *k = &kb->zsks[i];
		CK_OBJECT_HANDLE priv;
		EVP_PKEY *pub = NULL;
		const struct kskit_alg *alg;

		if (!k->active)
			continue;
		zsks[*n] = (struct kskit_zsk){ k->dnskey, k->alg, k->key, NULL, NULL };
		if (o->token_uri) {
			ret = kskit_key_by_tag(o->token.tok, k->tag, KSKIT_DNSKEY_ZSK, k->dnskey,
					       &priv, &pub, &alg);
			if (ret == 0)
				ret = kskit_signer_new(o->token.tok, priv, alg, pub, &signers[*n]);
			if (ret == 0)
				kskit_signer_set_progress(signers[*n], cli_progress_signed,
							  &progress);
			EVP_PKEY_free(pub);
			zsks[*n] = (struct kskit_zsk){ k->dnskey, k->alg, NULL,
						       kskit_signer_sign_cb, signers[*n] };
		}
		(*n)++;
	}
	return ret;
}
