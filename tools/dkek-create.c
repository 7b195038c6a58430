/* kskit dkek create, kskit dkek resplit - a DKEK split among custodians
 * (the seeds' hmakeshares), and the same DKEK handed to new custodians. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "cli.h"
#include "cli-dkek.h"
#include "commands.h"
#include "lib/error.h"
#include "lib/secret.h"

static const char create_usage[] =
	"usage: kskit dkek create --custodians A,B,C,... --threshold K -d DIR\n"
	"                         [--passphrase-dir PDIR] [--scrypt-log2n N] [--module PATH] [URI]\n"
	"       kskit dkek create --sc-hsm ...  (sc-hsm-tool's format: --sc-hsm --help)\n"
	"\n"
	"Make a new DKEK (device key-encryption key, AES-256) and split it among\n"
	"the custodians, any K of whom rebuild it (Shamir's secret sharing over\n"
	"GF(2^8)).  Each custodian's share is written to DIR/NAME.share, sealed\n"
	"with a passphrase the custodian types twice (at least 12 characters;\n"
	"scrypt N=2^17 r=8 p=1, AES-256-GCM).  PDIR/NAME, when given, holds the\n"
	"passphrase instead, for scripted ceremonies.  The DKEK is the XOR of\n"
	"random bytes from the token URI names (C_GenerateRandom) and from\n"
	"OpenSSL; without a URI, OpenSSL's alone.  It exists only in this\n"
	"process's locked memory and is wiped; load it into tokens with\n"
	"`kskit dkek import`.  Prints the DKEK's key-check value (the first 8\n"
	"bytes of its SHA-256, as a SmartCard-HSM shows it) and every file's\n"
	"SHA-256 for the ceremony log.  --scrypt-log2n lowers the KDF's cost\n"
	"(14 at least), for tests.\n";

static const char resplit_usage[] =
	"usage: kskit dkek resplit --custodians A,B,C,... --threshold K -d DIR\n"
	"                          [--passphrase-dir PDIR] [--scrypt-log2n N] SHARE...\n"
	"\n"
	"Rebuild the DKEK from enough of its current shares (each custodian types\n"
	"the passphrase of their share) and split the same DKEK among a new set\n"
	"of custodians, K of N, into DIR/NAME.share as `kskit dkek create` does.\n"
	"The key-check value stays the same, so keys wrapped under the DKEK and\n"
	"tokens that hold it need nothing; the old shares should be destroyed.\n";

/* Options both commands take; 0, or a usage error's status. */
static int split_options(int argc, char **argv, const char *usage, struct cli_split *s,
			 const char **passdir, const char **module, char **list)
{
	static const struct option opts[] = {
		{ "custodians", required_argument, NULL, 'c' },
		{ "threshold", required_argument, NULL, 'k' },
		{ "passphrase-dir", required_argument, NULL, 'P' },
		{ "scrypt-log2n", required_argument, NULL, 'N' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	s->kdf = kskit_scrypt_default;
	while ((c = getopt_long(argc, argv, "c:k:d:P:N:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			*list = optarg;
			break;
		case 'k':
			if (cli_number(optarg, 2, KSKIT_SHAMIR_SPLIT_MAX, &v) != 0)
				return cli_usage(usage, "--threshold: 2 to %d",
						 KSKIT_SHAMIR_SPLIT_MAX);
			s->k = (unsigned)v;
			break;
		case 'd':
			s->dir = optarg;
			break;
		case 'P':
			*passdir = optarg;
			break;
		case 'N':
			if (cli_number(optarg, 14, 22, &v) != 0)
				return cli_usage(usage, "--scrypt-log2n: 14 to 22");
			s->kdf.log2n = (unsigned)v;
			break;
		case 'm':
			if (!module)
				return cli_usage(usage, "bad option");
			*module = optarg;
			break;
		case 'h':
			return cli_help(usage);
		default:
			return cli_usage(usage, "bad option");
		}
	}
	if (!*list || !s->k || !s->dir)
		return cli_usage(usage, "--custodians, --threshold and -d are needed");
	if (cli_split_custodians(s, *list) != 0)
		return EXIT_USAGE;
	if (s->n < s->k)
		return cli_usage(usage, "%u custodians cannot make a threshold of %u", s->n, s->k);
	return 0;
}

int cmd_dkek_create(int argc, char **argv)
{
	struct cli_split s = { 0 };
	struct cli_token ct = { 0 };
	const char *passdir = NULL, *module = NULL;
	char *list = NULL;
	uint8_t *dkek = NULL, kcv[KSKIT_DKEK_KCV_LEN];
	int status;

	if (cli_has_option(argc, argv, "--sc-hsm"))
		return cmd_dkek_create_schsm(argc, argv);
	status = split_options(argc, argv, create_usage, &s, &passdir, &module, &list);
	if (status)
		return status;
	if (argc - optind > 1)
		return cli_usage(create_usage, "at most one token URI");
	dkek = kskit_secret_alloc(KSKIT_DKEK_LEN);
	if (!dkek)
		return cli_fail(NULL, KSKIT_ENOMEM);
	status = cli_secret_random(argc - optind == 1 ? argv[optind] : NULL, module, &ct, dkek,
				   KSKIT_DKEK_LEN);
	if (status)
		goto out;
	if (argc - optind == 1)
		printf("DKEK from the token's and OpenSSL's random numbers\n");
	kskit_dkek_kcv(dkek, kcv);
	cli_print_kcv("new DKEK", kcv);
	printf("split %u of %u among:", s.k, s.n);
	for (unsigned i = 0; i < s.n; i++)
		printf(" %s", s.custodians[i]);
	printf("\n");
	fflush(stdout);
	status = cli_dkek_split(dkek, &s, passdir);
	if (status == EXIT_OK)
		cli_print_kcv("DKEK", kcv);
out:
	kskit_secret_free(dkek);
	cli_close(&ct);
	return status;
}

int cmd_dkek_resplit(int argc, char **argv)
{
	struct cli_split s = { 0 };
	const char *passdir = NULL;
	char *list = NULL;
	uint8_t *dkek, kcv[KSKIT_DKEK_KCV_LEN];
	int status = split_options(argc, argv, resplit_usage, &s, &passdir, NULL, &list);

	if (status)
		return status;
	if (argc == optind)
		return cli_usage(resplit_usage, "name the current shares");
	dkek = kskit_secret_alloc(KSKIT_DKEK_LEN);
	if (!dkek)
		return cli_fail(NULL, KSKIT_ENOMEM);
	status = cli_dkek_rebuild(argv + optind, (size_t)(argc - optind), passdir, dkek, kcv);
	if (status == EXIT_OK) {
		cli_print_kcv("DKEK", kcv);
		printf("split %u of %u among the new custodians\n", s.k, s.n);
		fflush(stdout);
		status = cli_dkek_split(dkek, &s, passdir);
	}
	if (status == EXIT_OK)
		cli_print_kcv("DKEK, unchanged,", kcv);
	kskit_secret_free(dkek);
	return status;
}
