/* DKEK share files: a round trip, a wrong passphrase told from a damaged
 * file at every byte, and the checks of combining. */
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>

#include "unit.h"
#include "lib/dkekshare.h"
#include "lib/error.h"

static const struct kskit_scrypt cheap = { 14, 8, 1 };

static void make(uint8_t dkek[32], struct kskit_dkek_share s[5], char *text[5], size_t len[5])
{
	assert_int_equal(RAND_bytes(dkek, 32), 1);
	assert_int_equal(kskit_dkek_shares_make(dkek, 5, 3, s), 0);
	for (int i = 0; i < 5; i++) {
		snprintf(s[i].custodian, sizeof(s[i].custodian), "custodian %d", i + 1);
		assert_int_equal(
			kskit_dkek_share_write(&s[i], "correct horse", &cheap, &text[i], &len[i]),
			0);
	}
}

static void round_trip(void **state)
{
	uint8_t dkek[32], got[32], kcv[8];
	struct kskit_dkek_share s[5], r[3];
	char *text[5];
	size_t len[5];

	(void)state;
	make(dkek, s, text, len);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(kskit_dkek_share_read(text[i + 2], len[i + 2], &r[i]), 0);
		assert_int_equal(r[i].index, i + 3);
		assert_string_equal(r[i].custodian, s[i + 2].custodian);
		assert_int_equal(kskit_dkek_share_open(&r[i], "correct horse"), 0);
		assert_memory_equal(r[i].value, s[i + 2].value, 32);
	}
	assert_int_equal(kskit_dkek_combine(r, 3, got), 0);
	assert_memory_equal(got, dkek, 32);
	kskit_dkek_kcv(dkek, kcv);
	assert_memory_equal(r[0].kcv, kcv, 8);
	assert_int_equal(kskit_dkek_combine(r, 2, got), KSKIT_ESHARES);
	r[2].index = r[1].index;
	assert_int_equal(kskit_dkek_combine(r, 3, got), KSKIT_ESHARES);
	for (int i = 0; i < 5; i++)
		free(text[i]);
}

/* Every byte of a share file changed: never read as a good file opened
 * with the wrong passphrase, and never opened. */
static void damage_everywhere(void **state)
{
	uint8_t dkek[32];
	struct kskit_dkek_share s[5], r;
	char *text[5];
	size_t len[5];

	(void)state;
	make(dkek, s, text, len);
	assert_int_equal(kskit_dkek_share_read(text[0], len[0], &r), 0);
	assert_int_equal(kskit_dkek_share_open(&r, "wrong horse"), KSKIT_EPASSPHRASE);
	for (size_t i = 0; i < len[0]; i++) {
		char c = text[0][i];

		text[0][i] = c == '0' ? '1' : c == '\n' ? 'x' : '0';
		assert_int_equal(kskit_dkek_share_read(text[0], len[0], &r), KSKIT_ESHARE);
		text[0][i] = c;
	}
	assert_int_equal(kskit_dkek_share_read(text[0], len[0] - 1, &r), KSKIT_ESHARE);
	for (int i = 0; i < 5; i++)
		free(text[i]);
}

static void another_set(void **state)
{
	uint8_t dkek[32], got[32];
	struct kskit_dkek_share a[5], b[5], mix[3];
	char *ta[5], *tb[5];
	size_t la[5], lb[5];

	(void)state;
	make(dkek, a, ta, la);
	make(dkek, b, tb, lb); /* the same DKEK split again: another set */
	mix[0] = a[0];
	mix[1] = a[1];
	mix[2] = b[2];
	assert_int_equal(kskit_dkek_combine(mix, 3, got), KSKIT_ESHARES);
	assert_non_null(strstr(kskit_error_detail(KSKIT_ESHARES), "belongs to another DKEK"));
	for (int i = 0; i < 5; i++) {
		free(ta[i]);
		free(tb[i]);
	}
}

static void bad_names(void **state)
{
	uint8_t dkek[32] = { 0 };
	struct kskit_dkek_share s[2];
	char *text = NULL;
	size_t len;

	(void)state;
	assert_int_equal(kskit_dkek_shares_make(dkek, 2, 2, s), 0);
	strcpy(s[0].custodian, "a/b");
	assert_int_equal(kskit_dkek_share_write(&s[0], "x", &cheap, &text, &len), KSKIT_EINVAL);
	strcpy(s[0].custodian, "tab\there");
	assert_int_equal(kskit_dkek_share_write(&s[0], "x", &cheap, &text, &len), KSKIT_EINVAL);
	assert_null(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(damage_everywhere),
		cmocka_unit_test(another_set),
		cmocka_unit_test(bad_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
