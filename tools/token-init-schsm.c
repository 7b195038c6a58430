/* kskit token init on a SmartCard-HSM: through OpenSC's sc-hsm-tool
 * --initialize, which, unlike OpenSC's C_InitToken, gives the card DKEK
 * shares (the seeds' hcarderase), so that its keys can be backed up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <p11-kit/uri.h>

#include "cli.h"
#include "cli-schsm.h"
#include "lib/error.h"
#include "lib/secret.h"
#include "token-init.h"

/* The card's SO PIN is its 8-byte initialisation code: 16 hex digits. */
static int so_pin_ok(const char *pin)
{
	return strlen(pin) == 16 && strspn(pin, "0123456789abcdefABCDEF") == 16;
}

/* The token in the same reader, as OpenSC shows it after the change. */
static int reopen(const char *module_path, const char *reader, struct cli_token *ct)
{
	P11KitUri *uri = p11_kit_uri_new();
	CK_SLOT_INFO *si = uri ? p11_kit_uri_get_slot_info(uri) : NULL;
	size_t n = strlen(reader);
	char *s = NULL;
	int ret;

	if (!uri)
		return KSKIT_ENOMEM;
	memset(si->slotDescription, ' ', sizeof(si->slotDescription));
	memcpy(si->slotDescription, reader, n < 64 ? n : 64);
	p11_kit_uri_set_module_path(uri, module_path);
	ret = p11_kit_uri_format(uri, P11_KIT_URI_FOR_SLOT, &s) == P11_KIT_URI_OK ? 0
										  : KSKIT_ENOMEM;
	p11_kit_uri_free(uri);
	if (ret == 0)
		ret = kskit_sel_parse(s, NULL, &ct->sel);
	free(s);
	if (ret == 0)
		ret = kskit_p11_load(ct->sel, &ct->p11);
	if (ret == 0)
		ret = kskit_token_open(ct->p11, ct->sel, KSKIT_TOKEN_RW, &ct->tok);
	return ret;
}

/* The new SO PIN (when it differs from the one the card was initialised
 * with) and a login with each PIN. */
static int prove(const char *module_path, const char *reader, const char *init_so,
		 const struct token_pins *p)
{
	struct cli_token ct = { 0 };
	int ret = reopen(module_path, reader, &ct);

	if (ret == 0 && strcmp(init_so, p->so) != 0) {
		ret = kskit_token_login(ct.tok, CKU_SO, init_so, strlen(init_so));
		if (ret == 0)
			ret = kskit_token_set_pin(ct.tok, init_so, p->so);
		kskit_token_logout(ct.tok);
	}
	if (ret == 0)
		ret = kskit_token_login(ct.tok, CKU_USER, p->user, strlen(p->user));
	if (ret == 0)
		ret = token_init_proven(&ct, p, reader);
	cli_close(&ct);
	return ret;
}

int token_init_schsm(struct cli_token *ct, const char *label, unsigned dkek_shares,
		     const struct token_pins *p, int initialised)
{
	const char *init_so = initialised ? p->current_so : p->so;
	const char *module_path = kskit_token_module_path(ct->tok);
	char reader[65], shares[12], *out = NULL;
	const char *argv[] = { "sc-hsm-tool", "--reader", reader, "--initialize", "--label", label,
			       NULL,	      NULL,	  NULL };
	const struct cli_answer answers[] = {
		{ "Enter SO-PIN", init_so },
		{ "Enter initial User-PIN", p->user },
	};
	int ret;

	if (!so_pin_ok(p->so) || !so_pin_ok(init_so))
		return kskit_error_set(KSKIT_EPIN_POLICY,
				       "a SmartCard-HSM's SO PIN is 16 hexadecimal digits");
	if (strlen(p->user) < 6 || strlen(p->user) > 16)
		return kskit_error_set(KSKIT_EPIN_POLICY,
				       "a SmartCard-HSM's user PIN has 6 to 16 characters");
	ret = cli_schsm_reader(ct->tok, reader, sizeof(reader));
	if (ret)
		return ret;
	if (dkek_shares) {
		snprintf(shares, sizeof(shares), "%u", dkek_shares);
		argv[6] = "--dkek-shares";
		argv[7] = shares;
	}
	/* The card is the tool's now: this process lets go of it. */
	module_path = module_path ? strdup(module_path) : NULL;
	cli_close(ct);
	ret = module_path ? cli_schsm_run(argv, answers, 2, &out) : KSKIT_ENOMEM;
	/* sc-hsm-tool --initialize exits 0 when the card refuses. */
	if (ret == 0 && (strstr(out, "failed") || strstr(out, "rror")))
		ret = kskit_error_set(KSKIT_EINIT_TOOL, "sc-hsm-tool --initialize: %s", out);
	free(out);
	if (ret == 0)
		ret = prove(module_path, reader, init_so, p);
	if (ret == 0 && dkek_shares)
		printf("the card waits for %u DKEK share%s (kskit dkek import)\n", dkek_shares,
		       dkek_shares == 1 ? "" : "s");
	free((char *)module_path);
	return ret;
}
