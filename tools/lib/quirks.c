#include <string.h>

#include "quirks.h"
#include "token.h"

static const struct kskit_quirks standard = { "PKCS#11", NULL, 0, NULL };
static const struct kskit_quirks ock_soft = {
	"opencryptoki soft token", "87654321",
	"stop pkcsslotd, remove /var/lib/opencryptoki/swtok/NVTOK.DAT, "
	"/var/lib/opencryptoki/swtok/TOK_OBJ/* and /dev/shm/var.lib.opencryptoki.swtok, "
	"start pkcsslotd, and initialise the token again",
	NULL,
};
static const struct kskit_quirks ock_tpm = { "opencryptoki TPM token", "87654321", NULL, "12345678" };

const struct kskit_quirks *kskit_token_quirks(const CK_TOKEN_INFO *info)
{
	char manuf[33], model[17];

	kskit_p11_string(manuf, info->manufacturerID, sizeof(info->manufacturerID));
	kskit_p11_string(model, info->model, sizeof(info->model));
	if (strcmp(manuf, "IBM Corp.") != 0 && strcmp(manuf, "IBM") != 0)
		return &standard;
	return strstr(model, "TPM") ? &ock_tpm : &ock_soft;
}
