/* Private key files: keys written by BIND's dnssec-keygen and by
 * ldns-keygen (tests/unit/data) give the public key and key tag those tools
 * wrote in their .key files; malformed files get precise errors. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "unit.h"
#include "lib/dnskey.h"
#include "lib/error.h"
#include "lib/keyfile.h"

/* From "K<zone>+<alg>+<tag>.key": the flags and base64 key of its DNSKEY
 * (BIND writes spaces, ldns tabs and a trailing comment). */
static void read_dnskey(const char *path, unsigned *flags, unsigned *alg, char *b64, size_t size)
{
	FILE *f = fopen(path, "r");
	char line[4096], *p, *save = NULL;
	int field = 0;

	assert_non_null(f);
	b64[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == ';' || !(p = strstr(line, "DNSKEY")))
			continue;
		for (char *t = strtok_r(p + 6, " \t\n()", &save); t && t[0] != ';';
		     t = strtok_r(NULL, " \t\n()", &save), field++) {
			if (field == 0)
				*flags = (unsigned)atoi(t);
			else if (field == 2)
				*alg = (unsigned)atoi(t);
			else if (field > 2)
				strncat(b64, t, size - strlen(b64) - 1);
		}
	}
	fclose(f);
	assert_true(field > 3);
}

static void tool_written_keys(void **state)
{
	DIR *d = opendir(UNIT_DATA);
	struct dirent *e;
	int seen = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char priv[512], pub[512], b64[2048];
		unsigned flags = 0, alg_n = 0, tag = 0, want_tag;
		const struct kskit_alg *alg = NULL;
		EVP_PKEY *key = NULL;
		uint8_t *mine = NULL, wire[1024];
		size_t mine_len = 0;
		uint16_t t = 0;
		char *dot = strrchr(e->d_name, '.');
		int wire_len;

		if (!dot || strcmp(dot, ".private") != 0)
			continue;
		snprintf(priv, sizeof(priv), "%s/%s", UNIT_DATA, e->d_name);
		snprintf(pub, sizeof(pub), "%s/%.*s.key", UNIT_DATA, (int)(dot - e->d_name),
			 e->d_name);
		assert_int_equal(sscanf(strrchr(e->d_name, '+') + 1, "%u", &want_tag), 1);
		read_dnskey(pub, &flags, &alg_n, b64, sizeof(b64));
		assert_int_equal(kskit_keyfile_read(priv, NULL, NULL, &key, &alg), 0);
		assert_int_equal(alg->number, alg_n);
		assert_int_equal(kskit_dnskey_pubkey(key, alg, &mine, &mine_len), 0);
		wire_len = EVP_DecodeBlock(wire, (unsigned char *)b64, (int)strlen(b64));
		wire_len -= (int)(strlen(b64) - strcspn(b64, "="));
		assert_int_equal(mine_len, wire_len);
		assert_memory_equal(mine, wire, mine_len);
		assert_int_equal(kskit_dnskey_keytag(key, alg, (uint16_t)flags, &t), 0);
		tag = t;
		assert_int_equal(tag, want_tag);
		free(mine);
		EVP_PKEY_free(key);
		seen++;
	}
	closedir(d);
	assert_true(seen >= 4);
}

static int parse(const char *text, EVP_PKEY **key)
{
	const struct kskit_alg *alg = NULL;
	char *copy = strdup(text);
	int ret = kskit_keyfile_parse(copy, strlen(copy), NULL, NULL, key, &alg);

	free(copy);
	return ret;
}

static void malformed_files(void **state)
{
	static const struct {
		const char *text;
		int code;
		const char *detail;
	} cases[] = {
		{ "", KSKIT_EKEYFILE, "neither" },
		{ "Private-key-format: v2.0\nAlgorithm: 8\n", KSKIT_EKEYFILE, "v1.x" },
		{ "Private-key-format: v1.3\n", KSKIT_EKEYFILE, "no Algorithm" },
		{ "Private-key-format: v1.3\nAlgorithm: 5 (RSASHA1)\n", KSKIT_EALGORITHM,
		  "Algorithm: 5" },
		{ "Private-key-format: v1.3\nAlgorithm: 13\n", KSKIT_EKEYFILE, "no PrivateKey" },
		{ "Private-key-format: v1.3\nAlgorithm: 13\nPrivateKey: !!!!\n", KSKIT_EKEYFILE,
		  "bad base64" },
		{ "Private-key-format: v1.3\nAlgorithm: 13\nPrivateKey: AAAA\n", KSKIT_EKEYFILE,
		  "3 bytes, want 32" },
		{ "Private-key-format: v1.3\nAlgorithm: 13\nPrivateKey: AAAA\nPrivateKey: AAAA\n",
		  KSKIT_EKEYFILE, "given twice" },
		{ "Private-key-format: v1.3\nAlgorithm: 8\nModulus: AQAB\n", KSKIT_EKEYFILE,
		  "no PublicExponent" },
		{ "Private-key-format: v1.3\nAlgorithm 8\n", KSKIT_EKEYFILE, "without ':'" },
		{ "Private-key-format: v1.3\nAlgorithm: 15\nPrivateKey: AAAA\n", KSKIT_EKEYFILE,
		  "ED25519" },
		{ "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", KSKIT_EKEYFILE,
		  "PEM" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EVP_PKEY *key = NULL;

		assert_int_equal(parse(cases[i].text, &key), cases[i].code);
		assert_null(key);
		if (!strstr(kskit_error_detail(cases[i].code), cases[i].detail))
			fail_msg("case %zu: detail \"%s\" lacks \"%s\"", i,
				 kskit_error_detail(cases[i].code), cases[i].detail);
	}
}

/* A bit flipped in a component the token may use must not make it to the
 * token: OpenSSL's pair check refuses the key. */
static void damaged_key_is_refused(void **state)
{
	const char *fields[] = { "PrivateExponent: ", "Prime1: ", "Coefficient: " };
	char path[512], text[8192];
	FILE *f;
	size_t n;

	(void)state;
	snprintf(path, sizeof(path), "%s/Kexample.org.+008+18512.private", UNIT_DATA);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char copy[8192];
		char *p;
		EVP_PKEY *key = NULL;

		memcpy(copy, text, n + 1);
		p = strstr(copy, fields[i]);
		assert_non_null(p);
		p += strlen(fields[i]) + 10;
		*p = *p == 'A' ? 'B' : 'A';
		assert_int_equal(parse(copy, &key), KSKIT_EKEYFILE);
		assert_null(key);
		assert_string_equal(kskit_error_detail(KSKIT_EKEYFILE), "inconsistent private key");
	}
}

static void nul_inside_is_refused(void **state)
{
	char text[] = "Private-key-format: v1.3\0Algorithm: 13\n";
	const struct kskit_alg *alg = NULL;
	EVP_PKEY *key = NULL;

	(void)state;
	assert_int_equal(kskit_keyfile_parse(text, sizeof(text) - 1, NULL, NULL, &key, &alg),
			 KSKIT_EKEYFILE);
}

static void missing_file(void **state)
{
	const struct kskit_alg *alg = NULL;
	EVP_PKEY *key = NULL;

	(void)state;
	assert_int_equal(kskit_keyfile_read("/nonexistent/K.private", NULL, NULL, &key, &alg),
			 KSKIT_EIO);
	assert_int_equal(kskit_keyfile_read("/", NULL, NULL, &key, &alg), KSKIT_EKEYFILE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tool_written_keys),	  cmocka_unit_test(malformed_files),
		cmocka_unit_test(damaged_key_is_refused), cmocka_unit_test(nul_inside_is_refused),
		cmocka_unit_test(missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
