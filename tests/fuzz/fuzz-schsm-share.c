/* Fuzz target: sc-hsm-tool DKEK share files, under one EVP_BytesToKey
 * iteration.  The password is "secret123", and, for input longer than 64
 * bytes, also the bytes after the first 64. */
#include <string.h>

#include "fuzz.h"
#include "lib/schsm-share.h"

/* A file that opens seals again to the same bytes: same salt, password and
 * count, and the full padding block kskit insists on. */
static void open_and_reseal(const uint8_t *data, size_t size, const char *pw, size_t pwlen)
{
	uint8_t share[KSKIT_SCHSM_SHARE_LEN], again[KSKIT_SCHSM_SHARE_FILE_LEN];

	if (kskit_schsm_share_open(data, size, pw, pwlen, 1, share) != 0)
		return;
	if (size != KSKIT_SCHSM_SHARE_FILE_LEN ||
	    kskit_schsm_share_seal(share, pw, pwlen, data + 8, 1, again) != 0 ||
	    memcmp(again, data, sizeof(again)) != 0)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	open_and_reseal(data, size, "secret123", 9);
	if (size > KSKIT_SCHSM_SHARE_FILE_LEN)
		open_and_reseal(data, KSKIT_SCHSM_SHARE_FILE_LEN,
				(const char *)data + KSKIT_SCHSM_SHARE_FILE_LEN,
				size - KSKIT_SCHSM_SHARE_FILE_LEN);
	return 0;
}
