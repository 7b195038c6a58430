/* kskit token list - modules, slots, tokens, their state and algorithms. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "lib/alg.h"
#include "lib/error.h"

static const char usage[] =
	"usage: kskit token list [--module PATH] [URI]\n"
	"\n"
	"List the PKCS#11 modules the URI selects (module-path=, module-name=,\n"
	"--module, or every module in the p11-kit registry), their slots and\n"
	"tokens: label, serial, state (initialised, login required, PIN count\n"
	"low / final try / locked) and the DNSSEC algorithms each can sign.\n";

static void print_state(const CK_TOKEN_INFO *ti)
{
	static const struct {
		CK_FLAGS flag;
		const char *name;
	} flags[] = {
		{ CKF_LOGIN_REQUIRED, "login-required" },
		{ CKF_USER_PIN_INITIALIZED, "user-pin-set" },
		{ CKF_PROTECTED_AUTHENTICATION_PATH, "pin-pad" },
		{ CKF_USER_PIN_COUNT_LOW, "user-pin-count-low" },
		{ CKF_USER_PIN_FINAL_TRY, "user-pin-final-try" },
		{ CKF_USER_PIN_LOCKED, "user-pin-locked" },
		{ CKF_SO_PIN_COUNT_LOW, "so-pin-count-low" },
		{ CKF_SO_PIN_FINAL_TRY, "so-pin-final-try" },
		{ CKF_SO_PIN_LOCKED, "so-pin-locked" },
		{ CKF_USER_PIN_TO_BE_CHANGED, "user-pin-to-be-changed" },
		{ CKF_SO_PIN_TO_BE_CHANGED, "so-pin-to-be-changed" },
		{ CKF_WRITE_PROTECTED, "write-protected" },
		{ CKF_RNG, "rng" },
	};

	printf("    state:");
	printf(" %s", ti->flags & CKF_TOKEN_INITIALIZED ? "initialised" : "not-initialised");
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (ti->flags & flags[i].flag)
			printf(" %s", flags[i].name);
	printf("\n");
}

static void print_token(CK_FUNCTION_LIST *fl, const char *path, CK_SLOT_ID slot)
{
	struct kskit_token *tok = NULL;
	const CK_TOKEN_INFO *ti;
	char serial[17], model[17], manuf[33], *uri;
	const struct kskit_alg *alg;
	int ret;

	ret = kskit_token_at(fl, path, slot, &tok);
	if (ret) {
		printf("    token: unreadable: %s (%s)\n", kskit_strerror(ret),
		       kskit_error_detail(ret));
		return;
	}
	ti = kskit_token_info(tok);
	kskit_p11_string(serial, ti->serialNumber, sizeof(ti->serialNumber));
	kskit_p11_string(model, ti->model, sizeof(ti->model));
	kskit_p11_string(manuf, ti->manufacturerID, sizeof(ti->manufacturerID));
	printf("    token: \"%s\"  serial %s  model %s  manufacturer %s\n", kskit_token_label(tok),
	       serial, model, manuf);
	uri = kskit_token_uri(tok);
	if (uri)
		printf("    uri: %s\n", uri);
	free(uri);
	print_state(ti);
	printf("    dnssec:");
	for (size_t i = 0; (alg = kskit_alg_at(i)) != NULL; i++)
		if (kskit_token_offers(tok, alg))
			printf(" %s", alg->name);
	printf("\n");
	kskit_token_close(tok);
}

static int list_module(const struct kskit_sel *sel, CK_FUNCTION_LIST *fl, const char *path)
{
	P11KitUri *uri = kskit_sel_uri(sel);
	CK_SLOT_ID want = p11_kit_uri_get_slot_id(uri);
	CK_SLOT_ID *slots = NULL;
	CK_ULONG n = 0;
	CK_INFO mi;
	CK_RV rv;
	char desc[65], manuf[33];

	rv = fl->C_GetInfo(&mi);
	if (rv != CKR_OK)
		return kskit_p11_error("C_GetInfo", rv);
	if (!p11_kit_uri_match_module_info(uri, &mi))
		return 0;
	kskit_p11_string(desc, mi.libraryDescription, sizeof(mi.libraryDescription));
	kskit_p11_string(manuf, mi.manufacturerID, sizeof(mi.manufacturerID));
	printf("module: %s\n  library: %s (%s) %u.%u, Cryptoki %u.%u\n", path, desc, manuf,
	       mi.libraryVersion.major, mi.libraryVersion.minor, mi.cryptokiVersion.major,
	       mi.cryptokiVersion.minor);
	rv = fl->C_GetSlotList(CK_FALSE, NULL, &n);
	if (rv == CKR_OK && n > 0) {
		slots = calloc(n, sizeof(*slots));
		if (!slots)
			return KSKIT_ENOMEM;
		rv = fl->C_GetSlotList(CK_FALSE, slots, &n);
	}
	if (rv != CKR_OK) {
		free(slots);
		return kskit_p11_error("C_GetSlotList", rv);
	}
	if (n == 0)
		printf("  no slots: no reader connected, or the token's service is not running\n");
	for (CK_ULONG i = 0; i < n; i++) {
		CK_SLOT_INFO si;
		CK_TOKEN_INFO ti;

		if (want != (CK_SLOT_ID)-1 && want != slots[i])
			continue;
		if (fl->C_GetSlotInfo(slots[i], &si) != CKR_OK ||
		    !p11_kit_uri_match_slot_info(uri, &si))
			continue;
		if ((si.flags & CKF_TOKEN_PRESENT) &&
		    (fl->C_GetTokenInfo(slots[i], &ti) != CKR_OK ||
		     !p11_kit_uri_match_token_info(uri, &ti)))
			continue;
		kskit_p11_string(desc, si.slotDescription, sizeof(si.slotDescription));
		printf("  slot %lu: %s\n", (unsigned long)slots[i], desc);
		if (si.flags & CKF_TOKEN_PRESENT)
			print_token(fl, path, slots[i]);
		else
			printf("    no token (no card in the reader)\n");
	}
	free(slots);
	return 0;
}

int cmd_token_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kskit_sel *sel = NULL;
	struct kskit_p11 *p11 = NULL;
	const char *module = NULL;
	int c, ret, status = EXIT_OK;

	while ((c = getopt_long(argc, argv, "m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			module = optarg;
			break;
		case 'h':
			return cli_help(usage);
		default:
			return cli_usage(usage, "bad option");
		}
	}
	if (argc - optind > 1)
		return cli_usage(usage, "one URI at most");
	ret = kskit_sel_parse(argv[optind], module, &sel);
	if (ret == KSKIT_EINVAL)
		return cli_usage(usage, "%s", kskit_error_detail(ret));
	if (ret == 0)
		ret = kskit_p11_load(sel, &p11);
	if (ret) {
		status = cli_fail(NULL, ret);
		goto out;
	}
	if (kskit_p11_count(p11) == 0 && !kskit_p11_failed(p11))
		printf("no PKCS#11 modules registered with p11-kit\n");
	if (kskit_p11_failed(p11))
		printf("left out, their service not running or their device absent:\n%s",
		       kskit_p11_failed(p11));
	for (size_t i = 0; i < kskit_p11_count(p11); i++) {
		ret = list_module(sel, kskit_p11_module(p11, i), kskit_p11_module_path(p11, i));
		if (ret)
			status = cli_fail(kskit_p11_module_path(p11, i), ret);
	}
out:
	kskit_p11_free(p11);
	kskit_sel_free(sel);
	return status;
}
