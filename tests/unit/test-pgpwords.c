/* The PGP word list: published vectors, kskm's own vectors, and the whole
 * table against a digest of an independent copy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/sha.h>

#include "unit.h"
#include "lib/pgpwords.h"

static void hex_to_bytes(const char *hex, unsigned char *out, size_t *len)
{
	size_t n = 0;
	unsigned v;

	while (*hex != '\0') {
		if (*hex == ' ') {
			hex++;
			continue;
		}
		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		out[n++] = (unsigned char)v;
		hex += 2;
	}
	*len = n;
}

static void assert_words(const char *hex, const char *want)
{
	unsigned char buf[64];
	size_t len;
	char *got;

	hex_to_bytes(hex, buf, &len);
	got = kskit_pgp_words(buf, len);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* The example of the Wikipedia article "PGP word list". */
static void wikipedia_example(void **state)
{
	(void)state;
	assert_words("E582 94F2 E9A2 2748 6E8B 061B 31CC 528F D7FA 3F19",
		     "topmost Istanbul Pluto vagabond treadmill Pacific brackish dictator "
		     "goldfish Medusa afflict bravado chatter revolver Dupont midsummer "
		     "stopwatch whimsical cowbell bottomless");
}

/* The example of Warren Guy's pgp-word-list (Ruby). */
static void ruby_example(void **state)
{
	(void)state;
	assert_words("D1D4 64C0 04F0 0FB5 C9A4 C8D8 E433 E7FB 7FF5 6256",
		     "stairway souvenir flytrap recipe adrift upcoming artist positive "
		     "spearhead Pandora spaniel stupendous tonic concurrent transit Wichita "
		     "lockup visitor flagpole escapade");
}

/* kskm's common/tests/test_wordlist.py: the words the root's KSR signer
 * shows for a SHA-256, so an operator hears the same words from both. */
static void kskm_sha256_vectors(void **state)
{
	static const struct {
		const char *message, *words;
	} v[] = {
		{ "mekmitasdigoat",
		  "optic onlooker ringbolt recover upset almighty steamship hemisphere billiard "
		  "butterfat classic letterhead reward filament waffle midsummer berserk speculate "
		  "cement revival ribcage repellent commence combustion freedom component standard "
		  "disruptive physique liberty acme typewriter" },
		{ "The quick brown fox jumps over the lazy dog",
		  "stopwatch paramount watchword pocketful ahead stethoscope merit molecule gazelle "
		  "revenue pupil pyramid ruffled antenna buzzard document optic escapade drunken "
		  "tradition goggles crossover suspense impetus button aftermath stagnate rebellion "
		  "clamshell retrospect topmost misnomer" },
	};
	unsigned char md[SHA256_DIGEST_LENGTH];
	size_t i;
	char *got;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		SHA256((const unsigned char *)v[i].message, strlen(v[i].message), md);
		got = kskit_pgp_words(md, sizeof(md));
		assert_non_null(got);
		assert_string_equal(got, v[i].words);
		free(got);
	}
}

/* SHA-256 of the 256 even words then the 256 odd words, one per line,
 * computed from magic-wormhole's _wordlist.py and kskm's wordlist.py (both
 * give this digest), not from our table. */
static void table_matches_independent_copy(void **state)
{
	static const unsigned char want[SHA256_DIGEST_LENGTH] = {
		0x7e, 0x52, 0x37, 0xab, 0xee, 0x2c, 0x4e, 0xd4, 0x37, 0x4b, 0x29,
		0xa8, 0x53, 0xb0, 0xac, 0x3a, 0xc1, 0x08, 0xa0, 0xea, 0x11, 0xe8,
		0xc7, 0xf5, 0x0f, 0x6d, 0xc6, 0x67, 0x40, 0x2a, 0x49, 0xb6,
	};
	unsigned char md[SHA256_DIGEST_LENGTH];
	char text[512 * 12];
	size_t n = 0;
	unsigned b;
	int odd;

	(void)state;
	for (odd = 0; odd <= 1; odd++)
		for (b = 0; b < 256; b++)
			n += (size_t)sprintf(text + n, "%s\n", kskit_pgp_word(b, odd));
	SHA256((const unsigned char *)text, n, md);
	assert_memory_equal(md, want, sizeof(want));
}

static void lists_are_full_and_distinct(void **state)
{
	const char *all[512];
	unsigned b, i, j;
	int odd;

	(void)state;
	for (odd = 0; odd <= 1; odd++)
		for (b = 0; b < 256; b++) {
			const char *w = kskit_pgp_word(b, odd);

			assert_non_null(w);
			assert_true(strlen(w) >= 4 && strlen(w) <= 11);
			assert_null(strchr(w, ' '));
			all[odd * 256 + b] = w;
		}
	for (i = 0; i < 512; i++)
		for (j = i + 1; j < 512; j++)
			assert_int_not_equal(strcasecmp(all[i], all[j]), 0);
	assert_string_equal(kskit_pgp_word(0, 0), "aardvark");
	assert_string_equal(kskit_pgp_word(0, 1), "adroitness");
	assert_string_equal(kskit_pgp_word(255, 0), "Zulu");
	assert_string_equal(kskit_pgp_word(255, 1), "Yucatan");
	assert_string_equal(kskit_pgp_word(0x17, 0), "banjo"); /* some copies say "basalt" */
	assert_string_equal(kskit_pgp_word(0x17, 2), "bookseller");
	assert_null(kskit_pgp_word(256, 0));
	assert_null(kskit_pgp_word(256, 1));
}

static void positions_alternate(void **state)
{
	static const unsigned char zeros[5];
	char *got;

	(void)state;
	got = kskit_pgp_words(zeros, sizeof(zeros));
	assert_non_null(got);
	assert_string_equal(got, "aardvark adroitness aardvark adroitness aardvark");
	free(got);
	got = kskit_pgp_words(zeros + 1, 1);
	assert_non_null(got);
	assert_string_equal(got, "aardvark");
	free(got);
	got = kskit_pgp_words(NULL, 0);
	assert_non_null(got);
	assert_string_equal(got, "");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wikipedia_example),
		cmocka_unit_test(ruby_example),
		cmocka_unit_test(kskm_sha256_vectors),
		cmocka_unit_test(table_matches_independent_copy),
		cmocka_unit_test(lists_are_full_and_distinct),
		cmocka_unit_test(positions_alternate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
