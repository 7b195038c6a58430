/* BIND key files kskit writes: the .private of a software key reads back
 * as the same key (BIND's own reading is checked by the shell tests with
 * dnssec-signzone); the .key has the DNSKEY; DS records and the trust
 * anchor carry the same digest. */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "unit.h"
#include "lib/anchor.h"
#include "lib/bindkey.h"
#include "lib/dnskey.h"
#include "lib/dnsrr.h"
#include "lib/error.h"
#include "lib/pkey.h"
#include "lib/keyfile.h"
#include "lib/secret.h"

static EVP_PKEY *keygen(const struct kskit_alg *alg)
{
	EVP_PKEY *k = kskit_pkey_generate(alg, 2048);

	assert_non_null(k);
	return k;
}

static void private_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; kskit_alg_at(i); i++) {
		const struct kskit_alg *alg = kskit_alg_at(i), *back_alg = NULL;
		EVP_PKEY *key = keygen(alg), *back = NULL;
		char *text = NULL;

		assert_non_null(key);
		assert_int_equal(kskit_bind_private_text(key, alg, 1700000000, &text), 0);
		assert_non_null(strstr(text, "Created: 20231114221320\n"));
		assert_int_equal(
			kskit_keyfile_parse(text, strlen(text), NULL, NULL, &back, &back_alg), 0);
		assert_ptr_equal(back_alg, alg);
		assert_int_equal(EVP_PKEY_eq(key, back), 1);
		kskit_secret_free(text);
		EVP_PKEY_free(back);
		EVP_PKEY_free(key);
	}
}

static void key_file_ds_and_anchor(void **state)
{
	const struct kskit_alg *alg = kskit_alg_by_number(13);
	EVP_PKEY *key = keygen(alg);
	ldns_rr *dnskey = NULL, *ds = NULL;
	char base[300], *text, *xml, *digest, want[300];
	uint16_t tag = 0;

	(void)state;
	assert_int_equal(kskit_dnskey_rr("example.net", 3600, key, alg, 257, &dnskey), 0);
	assert_int_equal(kskit_dnskey_keytag(key, alg, 257, &tag), 0);
	kskit_key_basename(dnskey, base, sizeof(base));
	snprintf(want, sizeof(want), "Kexample.net.+013+%05u", tag);
	assert_string_equal(base, want);
	text = kskit_bind_key_text(dnskey, 0);
	assert_non_null(strstr(text, "; This is a key-signing key"));
	assert_non_null(strstr(text, "IN\tDNSKEY\t257 3 13 "));
	assert_int_equal(text[strlen(text) - 1], '\n');
	assert_int_equal(kskit_ds_rr(dnskey, KSKIT_DS_SHA256, &ds), 0);
	assert_int_equal(kskit_ds_rr(dnskey, 1, &ds), KSKIT_EINVAL);
	xml = kskit_anchor_xml(&ds, 1, "Kexample.net.-013-1", "x.xml", 0);
	digest = ldns_rdf2str(ldns_rr_rdf(ds, 3));
	assert_non_null(strstr(xml, digest));
	assert_non_null(strstr(xml, "<Zone>example.net.</Zone>"));
	assert_non_null(strstr(xml, "validFrom=\"1970-01-01T00:00:00+00:00\""));
	free(digest);
	free(xml);
	free(text);
	ldns_rr_free(ds);
	ldns_rr_free(dnskey);
	EVP_PKEY_free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(private_round_trip),
		cmocka_unit_test(key_file_ds_and_anchor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
