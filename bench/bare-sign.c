/* bare-sign - the baseline of bench/token-sign: C_SignInit + C_Sign in a
 * loop on one private key, nothing else (no hashing in the loop, no
 * verification).  Talks to the module directly, without kskit's library.
 *
 *	bare-sign MODULE TOKEN-LABEL KEY-LABEL COUNT     (PIN in KSKIT_PIN)
 *
 * Prints "N signatures in S s: R sigs/s". */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <p11-kit/pkcs11.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what, CK_RV rv)
{
	fprintf(stderr, "bare-sign: %s: 0x%lx\n", what, (unsigned long)rv);
	return 1;
}

int main(int argc, char **argv)
{
	/* SHA-256 DigestInfo prefix and a fixed digest: what kskit gives a token
	 * that signs with CKM_RSA_PKCS. */
	static const CK_BYTE digest_info[] = { 0x30, 0x31, 0x30, 0x0d, 0x06,
					       0x09, 0x60, 0x86, 0x48, 0x01,
					       0x65, 0x03, 0x04, 0x02, 0x01,
					       0x05, 0x00, 0x04, 0x20, [19 ... 50] = 0x5a };
	CK_RV (*get_list)(CK_FUNCTION_LIST_PTR_PTR);
	CK_FUNCTION_LIST *fl;
	CK_SLOT_ID slots[64];
	CK_ULONG n = 64, got = 0, kt = 0, count;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE key;
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_BYTE sig[1024];
	CK_MECHANISM mech = { CKM_RSA_PKCS, NULL, 0 };
	const char *pin = getenv("KSKIT_PIN");
	void *lib;
	double t0, dt;
	CK_RV rv;

	if (argc != 5 || !pin)
		return fprintf(stderr, "usage: KSKIT_PIN=... bare-sign MODULE TOKEN KEY COUNT\n"),
		       2;
	count = strtoul(argv[4], NULL, 10);
	lib = dlopen(argv[1], RTLD_NOW);
	if (!lib ||
	    !(get_list = (CK_RV(*)(CK_FUNCTION_LIST_PTR_PTR))dlsym(lib, "C_GetFunctionList")))
		return fprintf(stderr, "bare-sign: %s\n", dlerror()), 1;
	if ((rv = get_list(&fl)) != CKR_OK || (rv = fl->C_Initialize(NULL)) != CKR_OK)
		return die("C_Initialize", rv);
	if ((rv = fl->C_GetSlotList(CK_TRUE, slots, &n)) != CKR_OK)
		return die("C_GetSlotList", rv);
	for (CK_ULONG i = 0;; i++) {
		CK_TOKEN_INFO ti;
		size_t len = strlen(argv[2]);

		if (i == n || len > 32)
			return die("no such token", 0);
		if (fl->C_GetTokenInfo(slots[i], &ti) != CKR_OK || memcmp(ti.label, argv[2], len) ||
		    (len < 32 && ti.label[len] != ' '))
			continue;
		if ((rv = fl->C_OpenSession(slots[i], CKF_SERIAL_SESSION, NULL, NULL, &s)) !=
		    CKR_OK)
			return die("C_OpenSession", rv);
		break;
	}
	if ((rv = fl->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin))) != CKR_OK)
		return die("C_Login", rv);
	CK_ATTRIBUTE tmpl[] = { { CKA_CLASS, &cls, sizeof(cls) },
				{ CKA_LABEL, argv[3], strlen(argv[3]) } };
	CK_ATTRIBUTE kta = { CKA_KEY_TYPE, &kt, sizeof(kt) };
	if (fl->C_FindObjectsInit(s, tmpl, 2) != CKR_OK || fl->C_FindObjects(s, &key, 1, &got) ||
	    fl->C_FindObjectsFinal(s) != CKR_OK || got != 1)
		return die("key not found", 0);
	fl->C_GetAttributeValue(s, key, &kta, 1);
	const CK_BYTE *in = digest_info;
	CK_ULONG in_len = sizeof(digest_info);
	if (kt == CKK_EC) {
		mech.mechanism = CKM_ECDSA;
		in = digest_info + 19;
		in_len = 32;
	}
	t0 = now();
	for (CK_ULONG i = 0; i < count; i++) {
		CK_ULONG sig_len = sizeof(sig);

		if ((rv = fl->C_SignInit(s, &mech, key)) != CKR_OK ||
		    (rv = fl->C_Sign(s, (CK_BYTE_PTR)in, in_len, sig, &sig_len)) != CKR_OK)
			return die("C_Sign", rv);
	}
	dt = now() - t0;
	printf("%lu signatures in %.3f s: %.1f sigs/s\n", (unsigned long)count, dt, count / dt);
	fl->C_Logout(s);
	fl->C_CloseSession(s);
	fl->C_Finalize(NULL);
	return 0;
}
