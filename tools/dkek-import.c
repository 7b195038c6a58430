/* kskit dkek import - the custodians rebuild the DKEK into a token (the
 * seeds' himportshare, for tokens that are not SmartCard-HSMs). */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "cli-dkek.h"
#include "cli-schsm.h"
#include "commands.h"
#include "lib/error.h"
#include "lib/secret.h"
#include "lib/wrapkey.h"

static const char usage[] =
	"usage: kskit dkek import [--passphrase-dir PDIR] [--module PATH] SHARE... URI\n"
	"       kskit dkek import --sc-hsm ...  (sc-hsm-tool's files: --sc-hsm --help)\n"
	"\n"
	"Each custodian in turn: the share file is shown (share i of n, custodian)\n"
	"and its passphrase typed (or read from PDIR/NAME); after each, how many\n"
	"shares are still missing.  When enough are open the DKEK is rebuilt in\n"
	"this process's locked memory, checked against the shares' key-check\n"
	"value, stored on the token as a non-extractable AES-256 wrap/unwrap key\n"
	"(label \"kskit DKEK\", id = KCV; logs in as user) and wiped here.  Prints\n"
	"the KCV to compare with the one written down at `kskit dkek create`.\n"
	"Nothing is written to the token unless every share opens and they\n"
	"rebuild the DKEK.  A token that already holds this DKEK is left as it is.\n"
	"A SmartCard-HSM (initialised by sc-hsm-tool --initialize --dkek-shares 1)\n"
	"gets the DKEK as its one share, through OpenSC's sc-hsm-tool: the card\n"
	"then shows the same key-check value.\n";

int cmd_dkek_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "passphrase-dir", required_argument, NULL, 'P' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *passdir = NULL, *module = NULL;
	struct cli_token ct = { 0 };
	struct kskit_kek kek;
	CK_MECHANISM_TYPE mech;
	char reader[65];
	int card;
	uint8_t *dkek = NULL, kcv[KSKIT_DKEK_KCV_LEN];
	int c, status, ret;

	if (cli_has_option(argc, argv, "--sc-hsm"))
		return cmd_dkek_import_schsm(argc, argv);
	while ((c = getopt_long(argc, argv, "P:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'P':
			passdir = optarg;
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
	if (argc - optind < 2)
		return cli_usage(usage, "give the share files and the token URI");
	/* The token first: a missing token is found before anyone types. */
	status = cli_open(argv[argc - 1], module, KSKIT_TOKEN_RW, &ct);
	if (status)
		return status;
	status = cli_login(&ct, CKU_USER);
	if (status)
		goto out;
	card = cli_is_schsm(ct.tok);
	ret = card ? cli_schsm_reader(ct.tok, reader, sizeof(reader))
		   : kskit_kwp_mechanism(ct.tok, &mech);
	if (ret) {
		status = cli_fail(NULL, ret);
		goto out;
	}
	dkek = kskit_secret_alloc(KSKIT_DKEK_LEN);
	if (!dkek) {
		status = cli_fail(NULL, KSKIT_ENOMEM);
		goto out;
	}
	status = cli_dkek_rebuild(argv + optind, (size_t)(argc - optind - 1), passdir, dkek, kcv);
	if (status)
		goto out;
	if (card) {
		/* The whole DKEK as the card's one share: its KCV is the same. */
		ret = cli_schsm_import_secret(reader, dkek);
		if (ret)
			status = cli_fail("importing the DKEK into the SmartCard-HSM", ret);
		else
			printf("DKEK imported into the SmartCard-HSM %s as its one share\n",
			       kskit_token_label(ct.tok));
		goto done;
	}
	ret = kskit_dkek_store(ct.tok, dkek, &kek);
	kskit_secret_free(dkek);
	dkek = NULL;
	if (ret == KSKIT_EEXIST) {
		printf("the token holds this DKEK already\n");
	} else if (ret) {
		status = cli_fail("storing the DKEK", ret);
		goto out;
	} else {
		printf("DKEK stored on token %s%s\n", kskit_token_label(ct.tok),
		       kek.kwp ? "" : " (RFC 5649 over the token's AES-ECB)");
	}
done:
	if (status == EXIT_OK)
		cli_print_kcv("DKEK", kcv);
out:
	kskit_secret_free(dkek);
	cli_close(&ct);
	return status;
}
