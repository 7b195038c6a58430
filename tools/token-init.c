/* kskit token init - erase and initialise a token: the seeds' carderase. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli-schsm.h"
#include "commands.h"
#include "lib/error.h"
#include "lib/quirks.h"
#include "lib/secret.h"
#include "token-init.h"

static const char usage[] =
	"usage: kskit token init --label LABEL [--yes] [--dkek-shares N] [--module PATH] URI\n"
	"\n"
	"Erase the token the URI selects (initialised or not: `kskit token list`\n"
	"gives an empty slot's slot-id URI) and initialise it with a new label,\n"
	"SO PIN and user PIN; then log in with both to prove they work.  An\n"
	"initialised token is erased only after its current label is typed on\n"
	"the terminal; --yes skips that question, for scripts.\n"
	"\n"
	"PINs: KSKIT_SO_PIN (the new SO PIN) and KSKIT_PIN (the new user PIN),\n"
	"or prompts without echo, each typed twice.  Re-initialising needs the\n"
	"current SO PIN: KSKIT_CURRENT_SO_PIN, else KSKIT_SO_PIN, else a prompt.\n"
	"\n"
	"Stack quirks handled here: opencryptoki's tokens take their factory SO\n"
	"PIN (87654321) in C_InitToken and get the new one with C_SetPIN; its\n"
	"TPM 1.2 token keeps its factory user PIN (12345678) through C_InitPIN\n"
	"and gets the new one with C_SetPIN.  opencryptoki's soft token cannot\n"
	"be re-initialised once its SO PIN was changed: kskit refuses and says\n"
	"which files to remove.  tpm2-pkcs11 tokens are made with\n"
	"ceremony/tpm2-init (tpm2_ptool).  A SmartCard-HSM is initialised by\n"
	"OpenSC's sc-hsm-tool --initialize, the PINs on its standard input, for\n"
	"--dkek-shares N DKEK shares (default 1; 0: its keys can never be\n"
	"backed up); its SO PIN is 16 hexadecimal digits, its user PIN 6 to 16\n"
	"characters, and its label reads \"LABEL (UserPIN)\" through OpenSC.\n";

static void pins_free(struct token_pins *p)
{
	kskit_secret_free(p->current_so);
	kskit_secret_free(p->so);
	kskit_secret_free(p->user);
}

static int get_pins(int initialised, struct token_pins *p)
{
	const char *env = getenv("KSKIT_CURRENT_SO_PIN") ? "KSKIT_CURRENT_SO_PIN" : "KSKIT_SO_PIN";
	int ret = 0;

	if (initialised)
		ret = cli_get_pin("Current SO PIN", NULL, env, 0, &p->current_so);
	if (ret == 0)
		ret = cli_get_pin("New SO PIN", NULL, "KSKIT_SO_PIN", 1, &p->so);
	if (ret == 0)
		ret = cli_get_pin("New user PIN", NULL, "KSKIT_PIN", 1, &p->user);
	return ret;
}

/* Checked before anything is erased: a PIN the token refuses after
 * C_InitToken would leave it half initialised. */
static int pin_lengths_fit(const CK_TOKEN_INFO *ti, const struct token_pins *p)
{
	const char *pins[] = { p->so, p->user };

	for (size_t i = 0; i < 2; i++) {
		size_t len = strlen(pins[i]);

		if ((ti->ulMinPinLen && len < ti->ulMinPinLen) ||
		    (ti->ulMaxPinLen && len > ti->ulMaxPinLen))
			return kskit_error_set(KSKIT_EPIN_POLICY,
					       "%s PIN: %zu characters, the token takes %lu to %lu",
					       i == 0 ? "SO" : "user", len,
					       (unsigned long)ti->ulMinPinLen,
					       (unsigned long)ti->ulMaxPinLen);
	}
	return 0;
}

/* A label must survive the token's blank padding: a trailing blank would
 * be lost, and "a " would then be "a". */
static int label_ok(const char *label)
{
	size_t len = label ? strlen(label) : 0;

	if (len == 0 || len > 32 || label[len - 1] == ' ')
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)label[i] < 0x20 || label[i] == 0x7f)
			return 0;
	return 1;
}

/* Another initialised token in the same module with this label would make
 * the label useless as a selector.  1 when taken, 0 when free, or a
 * negative kskit code. */
static int label_taken(struct kskit_token *tok, const char *label)
{
	CK_FUNCTION_LIST *fl = kskit_token_module(tok);
	CK_SLOT_ID *slots = NULL;
	CK_ULONG n = 0;
	CK_RV rv;
	int taken = 0;

	rv = fl->C_GetSlotList(CK_TRUE, NULL, &n);
	if (rv == CKR_OK && n > 0 && !(slots = calloc(n, sizeof(*slots))))
		return KSKIT_ENOMEM;
	if (rv == CKR_OK && n > 0)
		rv = fl->C_GetSlotList(CK_TRUE, slots, &n);
	if (rv != CKR_OK) {
		free(slots);
		return kskit_p11_error("C_GetSlotList", rv);
	}
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;
		char l[33];

		if (slots[i] == kskit_token_slot(tok) ||
		    fl->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
			continue;
		kskit_p11_string(l, ti.label, sizeof(ti.label));
		if ((ti.flags & CKF_TOKEN_INITIALIZED) && strcmp(l, label) == 0)
			taken = 1;
	}
	free(slots);
	return taken;
}

int token_init_proven(struct cli_token *ct, const struct token_pins *p, const char *name)
{
	int ret;

	kskit_token_logout(ct->tok);
	ret = kskit_token_login(ct->tok, CKU_SO, p->so, strlen(p->so));
	if (ret == 0) {
		char *uri = kskit_token_uri(ct->tok);

		printf("initialised: %s\n", uri ? uri : name);
		printf("SO PIN and user PIN set; a login with each succeeded\n");
		free(uri);
	}
	return ret;
}

/* After C_InitToken: the SO PIN and the user PIN, each proven by a login. */
static int set_pins(const char *module_path, const char *label, const char *init_so,
		    const struct token_pins *p, const struct kskit_quirks *q)
{
	/* opencryptoki's tokens come out of C_InitToken with the factory SO PIN
	 * whatever PIN C_InitToken was given. */
	const char *so_now = q->factory_so_pin ? q->factory_so_pin : init_so;
	struct cli_token ct = { 0 };
	int ret;

	ret = kskit_sel_for_label(module_path, label, &ct.sel);
	if (ret == 0)
		ret = kskit_p11_load(ct.sel, &ct.p11);
	if (ret == 0)
		ret = kskit_token_open(ct.p11, ct.sel, KSKIT_TOKEN_RW, &ct.tok);
	if (ret == 0)
		ret = kskit_token_login(ct.tok, CKU_SO, so_now, strlen(so_now));
	if (ret == 0 && strcmp(so_now, p->so) != 0)
		ret = kskit_token_set_pin(ct.tok, so_now, p->so);
	if (ret == 0)
		ret = kskit_token_init_pin(ct.tok, p->user);
	if (ret)
		goto out;
	kskit_token_logout(ct.tok);
	ret = kskit_token_login(ct.tok, CKU_USER, p->user, strlen(p->user));
	if (ret == KSKIT_EPIN_INCORRECT && q->factory_user_pin) {
		ret = kskit_token_login(ct.tok, CKU_USER, q->factory_user_pin,
					strlen(q->factory_user_pin));
		if (ret == 0)
			ret = kskit_token_set_pin(ct.tok, q->factory_user_pin, p->user);
		kskit_token_logout(ct.tok);
		if (ret == 0)
			ret = kskit_token_login(ct.tok, CKU_USER, p->user, strlen(p->user));
	}
	if (ret == 0)
		ret = token_init_proven(&ct, p, label);
out:
	cli_close(&ct);
	return ret;
}

static int run(struct cli_token *ct, const char *label, int yes, unsigned dkek_shares)
{
	const CK_TOKEN_INFO *ti = kskit_token_info(ct->tok);
	const struct kskit_quirks *q = kskit_quirks_of(ct->tok);
	int initialised = (ti->flags & CKF_TOKEN_INITIALIZED) != 0;
	struct token_pins p = { 0 };
	const char *init_so;
	unsigned char padded[32];
	CK_RV rv;
	int ret;

	ret = label_taken(ct->tok, label);
	if (ret < 0)
		return cli_fail(NULL, ret);
	if (ret) {
		fprintf(stderr, "%s: another token of this module is labelled \"%s\"\n", cli_name,
			label);
		return EXIT_FAIL;
	}
	if (initialised && q->no_reinit && !(ti->flags & CKF_SO_PIN_TO_BE_CHANGED)) {
		fprintf(stderr, "%s: the %s cannot be re-initialised: %s\n", cli_name, q->stack,
			q->no_reinit);
		return EXIT_FAIL;
	}
	if (initialised && !yes) {
		printf("This erases every object on token \"%s\".\n", kskit_token_label(ct->tok));
		fflush(stdout);
		ret = cli_confirm("Type the token's label to go on: ", kskit_token_label(ct->tok));
		if (ret)
			return cli_fail(NULL, ret);
	}
	ret = get_pins(initialised, &p);
	if (ret == 0 && cli_is_schsm(ct->tok)) {
		ret = token_init_schsm(ct, label, dkek_shares, &p, initialised);
		goto out;
	}
	if (ret == 0)
		ret = pin_lengths_fit(ti, &p);
	if (ret)
		goto out;
	init_so = initialised ? p.current_so : q->factory_so_pin ? q->factory_so_pin : p.so;
	memset(padded, ' ', sizeof(padded));
	memcpy(padded, label, strlen(label));
	rv = kskit_token_module(ct->tok)->C_InitToken(
		kskit_token_slot(ct->tok), (CK_UTF8CHAR_PTR)init_so, strlen(init_so), padded);
	if (rv != CKR_OK) {
		ret = kskit_p11_error("C_InitToken", rv);
		if (rv == CKR_FUNCTION_NOT_SUPPORTED)
			ret = kskit_error_set(ret,
					      "C_InitToken: not supported by %s; see "
					      "kskit token init --help",
					      q->stack);
		goto out;
	}
	ret = set_pins(kskit_token_module_path(ct->tok), label, init_so, &p, q);
out:
	pins_free(&p);
	return ret ? cli_fail(NULL, ret) : EXIT_OK;
}

int cmd_token_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "label", required_argument, NULL, 'l' },
		{ "yes", no_argument, NULL, 'y' },
		{ "dkek-shares", required_argument, NULL, 'd' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *label = NULL, *module = NULL;
	struct cli_token ct;
	unsigned long shares = 1;
	int c, yes = 0, status;

	while ((c = getopt_long(argc, argv, "l:yd:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (cli_number(optarg, 0, 255, &shares) != 0)
				return cli_usage(usage, "--dkek-shares: 0 to 255");
			break;
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
	if (!label_ok(label))
		return cli_usage(usage, "--label of 1 to 32 printable characters, not ending in a "
					"blank, is required");
	status = cli_open(argv[optind], module, KSKIT_TOKEN_UNINITIALIZED | KSKIT_TOKEN_NO_SESSION,
			  &ct);
	if (status)
		return status;
	status = run(&ct, label, yes, (unsigned)shares);
	cli_close(&ct);
	return status;
}
