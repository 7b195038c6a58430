/* Token selection: what a URI may and may not carry; error messages. */
#include <string.h>

#include "unit.h"
#include "lib/error.h"
#include "lib/p11.h"

static int parse(const char *uri, const char *module)
{
	struct kskit_sel *sel = NULL;
	int ret = kskit_sel_parse(uri, module, &sel);

	assert_true(ret == 0 ? sel != NULL : sel == NULL);
	kskit_sel_free(sel);
	return ret;
}

static void accepted(void **state)
{
	struct kskit_sel *sel = NULL;

	(void)state;
	assert_int_equal(parse(NULL, NULL), 0);
	assert_int_equal(parse("pkcs11:", NULL), 0);
	assert_int_equal(parse("pkcs11:token=KSK%202026;object=k1;type=private", "/m.so"), 0);
	assert_int_equal(parse("pkcs11:token=a?module-path=/m.so", "/m.so"), 0);
	assert_int_equal(kskit_sel_parse("pkcs11:token=a;id=%01%02?pin-source=file:/p", NULL, &sel),
			 0);
	assert_string_equal(kskit_sel_pin_source(sel), "file:/p");
	assert_true(kskit_sel_names_object(sel));
	kskit_sel_free(sel);
	assert_int_equal(kskit_sel_parse("pkcs11:token=a", NULL, &sel), 0);
	assert_false(kskit_sel_names_object(sel));
	kskit_sel_free(sel);
}

static void refused(void **state)
{
	(void)state;
	assert_int_equal(parse("pkcs11:token=a?pin-value=1234", NULL), KSKIT_EURI_PIN_VALUE);
	assert_int_equal(parse("pkcs11:token=a;colour=blue", NULL), KSKIT_EURI_UNKNOWN);
	assert_int_equal(parse("file:///x", NULL), KSKIT_EURI);
	assert_int_equal(parse("pkcs11:token=%zz", NULL), KSKIT_EURI);
	assert_int_equal(parse("pkcs11:?module-path=/a.so", "/b.so"), KSKIT_EINVAL);
	assert_int_equal(parse("pkcs11:?module-name=softhsm2&module-path=/a.so", NULL),
			 KSKIT_EINVAL);
}

static void every_error_has_a_message(void **state)
{
	(void)state;
	for (int code = 0; code >= KSKIT_ERROR_MIN; code--)
		assert_string_not_equal(kskit_strerror(code), "unknown error");
	assert_string_equal(kskit_strerror(1), "unknown error");
	assert_string_equal(kskit_strerror(KSKIT_ERROR_MIN - 1), "unknown error");
}

static void ckr_names(void **state)
{
	(void)state;
	assert_string_equal(kskit_ckr_name(CKR_PIN_INCORRECT), "CKR_PIN_INCORRECT");
	assert_string_equal(kskit_ckr_name(0x12345678), "CKR_0x12345678");
	assert_int_equal(kskit_p11_error("C_Login", CKR_PIN_LOCKED), KSKIT_EPIN_LOCKED);
	assert_string_equal(kskit_error_detail(KSKIT_EPIN_LOCKED), "C_Login: CKR_PIN_LOCKED");
	assert_string_equal(kskit_error_detail(KSKIT_EPKCS11), "");
	assert_int_equal(kskit_p11_error("C_Sign", CKR_DEVICE_REMOVED), KSKIT_ETOKEN_GONE);
	assert_int_equal(kskit_p11_error("C_Sign", CKR_MECHANISM_INVALID), KSKIT_EMECHANISM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepted),
		cmocka_unit_test(refused),
		cmocka_unit_test(every_error_has_a_message),
		cmocka_unit_test(ckr_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
