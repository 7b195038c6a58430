/* kskit dkek status - which DKEKs a token holds, and what share files are
 * (the seeds' hcardshow, for the DKEK part). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli-dkek.h"
#include "cli-schsm.h"
#include "commands.h"
#include "lib/error.h"
#include "lib/textfile.h"
#include "lib/wrapkey.h"

static const char usage[] =
	"usage: kskit dkek status [--module PATH] (URI | SHARE...)\n"
	"\n"
	"With a token URI: the DKEKs stored on it by `kskit dkek import`, by\n"
	"key-check value (logs in as user).  With share files: for each, the\n"
	"custodian, share i of n, threshold, the DKEK's KCV and the set it\n"
	"belongs to, without opening it.  Exit 1 when a file is not a share or is\n"
	"damaged.\n";

#define MAX_DKEKS 16

/* A SmartCard-HSM holds one DKEK, of the shares it was initialised for. */
static int card_status(struct cli_token *ct)
{
	uint8_t kcv[KSKIT_DKEK_KCV_LEN];
	unsigned total = 0, missing = 0;
	char reader[65];
	int ret = cli_schsm_reader(ct->tok, reader, sizeof(reader));

	if (ret == 0)
		ret = cli_schsm_dkek_info(reader, &total, &missing, kcv);
	if (ret)
		return cli_fail(NULL, ret);
	printf("SmartCard-HSM %s: a DKEK of %u share%s, %u missing\n", kskit_token_label(ct->tok),
	       total, total == 1 ? "" : "s", missing);
	if (total && !missing)
		cli_print_kcv("  DKEK", kcv);
	return EXIT_OK;
}

static int token_status(const char *uri, const char *module)
{
	uint8_t kcvs[MAX_DKEKS][KSKIT_DKEK_KCV_LEN];
	struct cli_token ct;
	size_t n = 0;
	int status = cli_open(uri, module, 0, &ct), ret;

	if (status)
		return status;
	if (cli_is_schsm(ct.tok)) {
		status = card_status(&ct);
		goto out;
	}
	status = cli_login(&ct, CKU_USER);
	if (status)
		goto out;
	ret = kskit_dkek_list(ct.tok, kcvs, MAX_DKEKS, &n);
	if (ret) {
		status = cli_fail(NULL, ret);
		goto out;
	}
	printf("token %s: %zu DKEK%s\n", kskit_token_label(ct.tok), n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n && i < MAX_DKEKS; i++)
		cli_print_kcv("  DKEK", kcvs[i]);
out:
	cli_close(&ct);
	return status;
}

static int share_status(const char *path)
{
	struct kskit_dkek_share s;
	char set[33], *text = NULL;
	size_t len = 0;
	int ret = cli_read_file(path, 4096, &text, &len);

	if (ret == 0)
		ret = kskit_dkek_share_read(text, len, &s);
	free(text);
	if (ret)
		return cli_fail(path, ret);
	kskit_hex(set, s.set, sizeof(s.set));
	printf("%s: custodian %s, share %u of %u, any %u rebuild the DKEK\n", path, s.custodian,
	       s.index, s.total, s.threshold);
	printf("  set %s, scrypt 2^%u r=%u p=%u\n", set, s.kdf.log2n, s.kdf.r, s.kdf.p);
	cli_print_kcv("  DKEK", s.kcv);
	return EXIT_OK;
}

int cmd_dkek_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *module = NULL;
	int c, status = EXIT_OK;

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
	if (argc == optind)
		return cli_usage(usage, "give a token URI or share files");
	if (strncmp(argv[optind], "pkcs11:", 7) == 0) {
		if (argc - optind != 1)
			return cli_usage(usage, "one token URI, or share files");
		return token_status(argv[optind], module);
	}
	for (int i = optind; i < argc; i++)
		if (share_status(argv[i]) != EXIT_OK)
			status = EXIT_FAIL;
	return status;
}
