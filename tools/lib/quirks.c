#include <string.h>

#include "quirks.h"
#include "token.h"

static const struct kskit_quirks standard = { .stack = "PKCS#11" };

static const struct kskit_quirks ock_soft = {
	.stack = "opencryptoki soft token",
	.factory_so_pin = "87654321",
	.no_reinit = "it locks its SO out for good once the SO PIN was changed; stop pkcsslotd, "
		     "remove /var/lib/opencryptoki/swtok/NVTOK.DAT, "
		     "/var/lib/opencryptoki/swtok/TOK_OBJ/* and "
		     "/dev/shm/var.lib.opencryptoki.swtok, start pkcsslotd, and initialise the "
		     "token again",
};

static const struct kskit_quirks ock_tpm = {
	.stack = "opencryptoki TPM token",
	.factory_so_pin = "87654321",
	.factory_user_pin = "12345678",
};

static const struct kskit_quirks tpm2 = {
	.stack = "tpm2-pkcs11",
	.no_reinit = "tpm2-pkcs11 does not re-initialise tokens; remove it with "
		     "'tpm2_ptool rmtoken --label LABEL' and initialise the empty slot",
	.no_import = "tpm2-pkcs11 creates no private keys through C_CreateObject; its own "
		     "'tpm2_ptool import --label TOKEN --key-label LABEL --privkey FILE.pem "
		     "--algorithm rsa|ecc' wants the user PIN on its command line (--userpin), "
		     "which kskit will not do for you: run it yourself on the air-gapped "
		     "machine, or generate the key inside the TPM",
	.no_wrap = "tpm2-pkcs11 has no C_WrapKey or C_UnwrapKey: a TPM's key never leaves it "
		   "wrapped for another token.  Back up a TPM-held KSK with the TPM's own "
		   "duplication (tpm2_duplicate to a second TPM's parent key), or make the KSK on "
		   "a token that wraps (SmartCard-HSM, HSM) and keep the TPM for signing",
	.no_decrypt_false = 1,
};

/* The SmartCard-HSM behind OpenSC: kskit's DKEK and backups go through
 * sc-hsm-tool (cli-schsm.c), not through these PKCS#11 calls. */
static const struct kskit_quirks schsm = {
	.stack = "SmartCard-HSM (OpenSC)",
	.no_import = "a SmartCard-HSM takes a private key only wrapped under its DKEK: make the "
		     "key on the card (kskit keygen), or restore a SmartCard-HSM's backup of it "
		     "(kskit backup import)",
	.no_wrap = "a SmartCard-HSM wraps and unwraps under its own DKEK only, through "
		   "sc-hsm-tool",
};

const struct kskit_quirks *kskit_token_quirks(const CK_INFO *module, const CK_TOKEN_INFO *token)
{
	char manuf[33], desc[33], model[17], tmanuf[33];

	kskit_p11_string(manuf, module->manufacturerID, sizeof(module->manufacturerID));
	kskit_p11_string(desc, module->libraryDescription, sizeof(module->libraryDescription));
	kskit_p11_string(model, token->model, sizeof(token->model));
	if (strstr(desc, "TPM2.0 Cryptoki") || strstr(manuf, "tpm2-software"))
		return &tpm2;
	if (strcmp(manuf, "IBM") == 0 && strstr(desc, "Meta PKCS11"))
		return strstr(model, "TPM") ? &ock_tpm : &ock_soft;
	kskit_p11_string(tmanuf, token->manufacturerID, sizeof(token->manufacturerID));
	if (strcmp(tmanuf, "www.CardContact.de") == 0)
		return &schsm;
	return &standard;
}

const struct kskit_quirks *kskit_quirks_of(struct kskit_token *tok)
{
	CK_INFO mi;

	if (kskit_token_module(tok)->C_GetInfo(&mi) != CKR_OK)
		memset(&mi, 0, sizeof(mi));
	return kskit_token_quirks(&mi, kskit_token_info(tok));
}
