/* kskit token init - erase and initialise a token: the seeds' carderase. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "lib/error.h"
#include "lib/secret.h"

static const char usage[] =
	"usage: kskit token init --label LABEL [--yes] [--module PATH] URI\n"
	"\n"
	"Erase the token the URI selects (initialised or not) and initialise it\n"
	"with a new label, SO PIN and user PIN (C_InitToken, then C_InitPIN).\n"
	"An initialised token is erased only after its current label is typed\n"
	"on the terminal; --yes skips that question, for scripts.\n"
	"\n"
	"PINs: KSKIT_SO_PIN and KSKIT_PIN, or prompts without echo (new PINs\n"
	"are typed twice).  On a token that is already initialised the SO PIN\n"
	"is its current one, and stays.\n"
	"\n"
	"Stacks that do not initialise through C_InitToken: the opencryptoki\n"
	"TPM 1.2 token (ceremony/tpm12-init runs tpmtoken_init) and tpm2-pkcs11\n"
	"(ceremony/tpm2-init runs tpm2_ptool); kskit says so when it meets them.\n";

/* Another initialised token in the same module with this label would make
 * the label useless as a selector. */
static int label_taken(struct kskit_token *tok, const char *label)
{
	CK_FUNCTION_LIST *fl = kskit_token_module(tok);
	CK_SLOT_ID slots[64];
	CK_ULONG n = 64;
	int taken = 0;

	if (fl->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK)
		return 0;
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;
		char l[33];

		if (slots[i] == kskit_token_slot(tok) || fl->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
			continue;
		kskit_p11_string(l, ti.label, sizeof(ti.label));
		if ((ti.flags & CKF_TOKEN_INITIALIZED) && strcmp(l, label) == 0)
			taken = 1;
	}
	return taken;
}

static int init_user_pin(const char *module_path, const char *label, const char *so_pin,
			 const char *user_pin)
{
	struct cli_token ct = { 0 };
	CK_RV rv;
	int ret;

	ret = kskit_sel_for_label(module_path, label, &ct.sel);
	if (ret == 0)
		ret = kskit_p11_load(ct.sel, &ct.p11);
	if (ret == 0)
		ret = kskit_token_open(ct.p11, ct.sel, KSKIT_TOKEN_RW, &ct.tok);
	if (ret == 0)
		ret = kskit_token_login(ct.tok, CKU_SO, so_pin, strlen(so_pin));
	if (ret == 0) {
		rv = kskit_token_module(ct.tok)->C_InitPIN(kskit_token_session(ct.tok),
							   (CK_UTF8CHAR_PTR)user_pin,
							   strlen(user_pin));
		if (rv != CKR_OK)
			ret = kskit_p11_error("C_InitPIN", rv);
	}
	if (ret == 0) {
		char *uri = kskit_token_uri(ct.tok);

		printf("initialised: %s\n", uri ? uri : label);
		free(uri);
	}
	cli_close(&ct);
	return ret;
}

/* The stacks whose tokens are made by their own tools. */
static const char *own_tool(const CK_TOKEN_INFO *ti)
{
	char manuf[33], model[17];

	kskit_p11_string(manuf, ti->manufacturerID, sizeof(ti->manufacturerID));
	kskit_p11_string(model, ti->model, sizeof(ti->model));
	if (strstr(model, "TPM") && strstr(manuf, "IBM"))
		return "this is opencryptoki's TPM 1.2 token: initialise it with "
		       "ceremony/tpm12-init (tpm_takeownership, tpmtoken_init)";
	return NULL;
}

static int run(struct cli_token *ct, const char *label, int yes)
{
	const CK_TOKEN_INFO *ti = kskit_token_info(ct->tok);
	int initialised = (ti->flags & CKF_TOKEN_INITIALIZED) != 0;
	const char *tool = own_tool(ti);
	unsigned char padded[32];
	char *so_pin = NULL, *user_pin = NULL;
	CK_RV rv;
	int ret;

	if (tool) {
		fprintf(stderr, "%s: %s\n", cli_name, tool);
		return EXIT_FAIL;
	}
	if (label_taken(ct->tok, label)) {
		fprintf(stderr, "%s: another token of this module is labelled \"%s\"\n", cli_name,
			label);
		return EXIT_FAIL;
	}
	if (initialised && !yes) {
		printf("This erases every object on token \"%s\".\n", kskit_token_label(ct->tok));
		fflush(stdout);
		ret = cli_confirm("Type the token's label to go on: ", kskit_token_label(ct->tok));
		if (ret)
			return cli_fail(NULL, ret);
	}
	ret = cli_get_pin(initialised ? "SO PIN" : "New SO PIN", NULL, "KSKIT_SO_PIN", !initialised,
			  &so_pin);
	if (ret == 0)
		ret = cli_get_pin("New user PIN", NULL, "KSKIT_PIN", 1, &user_pin);
	if (ret)
		goto out;
	memset(padded, ' ', sizeof(padded));
	memcpy(padded, label, strlen(label));
	rv = kskit_token_module(ct->tok)->C_InitToken(kskit_token_slot(ct->tok),
						      (CK_UTF8CHAR_PTR)so_pin, strlen(so_pin),
						      padded);
	if (rv == CKR_FUNCTION_NOT_SUPPORTED) {
		ret = kskit_error_set(KSKIT_EPKCS11,
				      "C_InitToken: CKR_FUNCTION_NOT_SUPPORTED: initialise this "
				      "token with its own tool (see kskit token init --help)");
		goto out;
	}
	if (rv != CKR_OK) {
		ret = kskit_p11_error("C_InitToken", rv);
		goto out;
	}
	ret = init_user_pin(kskit_token_module_path(ct->tok), label, so_pin, user_pin);
out:
	kskit_secret_free(so_pin);
	kskit_secret_free(user_pin);
	return ret ? cli_fail(NULL, ret) : EXIT_OK;
}

int kskit_token_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "label", required_argument, NULL, 'l' },
		{ "yes", no_argument, NULL, 'y' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *label = NULL, *module = NULL;
	struct cli_token ct;
	int c, yes = 0, status;

	while ((c = getopt_long(argc, argv, "l:ym:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			label = optarg;
			break;
		case 'y':
			yes = 1;
			break;
		case 'm':
			module = optarg;
			break;
		case 'h':
			return cli_help(usage);
		default:
			return cli_usage(usage, "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage(usage, "give exactly one token URI");
	if (!label || !*label || strlen(label) > 32)
		return cli_usage(usage, "--label of 1 to 32 bytes is required");
	status = cli_open(argv[optind], module,
			  KSKIT_TOKEN_UNINITIALIZED | KSKIT_TOKEN_NO_SESSION, &ct);
	if (status)
		return status;
	status = run(&ct, label, yes);
	cli_close(&ct);
	return status;
}
