/* kskit bundle open / inspect / verify - keybundles on the online side:
 * decrypt one, say what one is sealed for, or check a whole manifest. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>

#include "cli.h"
#include "cli-bundle.h"
#include "commands.h"
#include "lib/envelope.h"
#include "lib/error.h"
#include "lib/keybundle.h"
#include "lib/keyfile.h"
#include "lib/secret.h"
#include "lib/utc.h"

static const char open_usage[] =
	"usage: kskit bundle open [--key KEY [--cert CERT] | --passphrase-file F]\n"
	"                         --output FILE BUNDLE\n"
	"\n"
	"Decrypt a keybundle of kskit bundle seal and write its text (ZSK private\n"
	"keys: mode 0600, never over an existing file; \"-\" for standard output).\n"
	"It is written only if it decrypted (and authenticated, for certificate\n"
	"bundles) and reads as a keybundle.  KEY and CERT: the recipient's private\n"
	"key (PEM; an encrypted one asks for its passphrase or reads\n"
	"KSKIT_KEY_PASSPHRASE) and certificate.  Otherwise the passphrase comes\n"
	"from the first line of F, KSKIT_BUNDLE_PASSPHRASE or the terminal.\n";

static const char inspect_usage[] =
	"usage: kskit bundle inspect BUNDLE...\n"
	"\n"
	"For each keybundle, without opening it: its SHA-256 in hex and PGP\n"
	"words, its CMS type (AuthEnvelopedData: AES-256-GCM for certificates;\n"
	"EnvelopedData: AES-256-CBC for a passphrase) and its recipients.\n";

static const char verify_usage[] =
	"usage: kskit bundle verify [--key KEY [--cert CERT] | --passphrase-file F]\n"
	"                           [--ksk ANCHOR] MANIFEST\n"
	"\n"
	"Check every keybundle MANIFEST lists (files in its directory): the\n"
	"SHA-256 the manifest gives, decryption, the text, each active ZSK's\n"
	"private key against its DNSKEY, every RRSIG against the bundle's KSKs\n"
	"(and ANCHOR's KSK, a DS or DNSKEY file) over the whole period, one zone,\n"
	"periods that follow each other.  Nothing secret is written anywhere.\n"
	"Compare the manifest's SHA-256, printed first, with the ceremony log's.\n"
	"KEY, CERT and the passphrase as for kskit bundle open.\n";

int cmd_bundle_open(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'K' },
		{ "cert", required_argument, NULL, 'C' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_unlock u = { 0 };
	const char *output = NULL;
	char *text = NULL;
	size_t len = 0;
	int c, ret, status = EXIT_OK;

	while ((c = getopt_long(argc, argv, "K:C:P:o:h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(open_usage);
		if (c == 'o')
			output = optarg;
		else if ((status = cli_unlock_option(c, open_usage, &u)) != 0)
			return status;
	}
	if (argc - optind != 1 || !output)
		return cli_usage(open_usage, "give --output and one keybundle");
	ret = cli_unlock_load(&u);
	if (ret == 0)
		ret = cli_decrypt(argv[optind], &u, NULL, &text, &len);
	if (ret == 0) /* only what reads as a keybundle comes out */
		ret = cli_bundle_text_reads(text, len);
	if (ret == 0 && strcmp(output, "-") == 0)
		ret = fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : KSKIT_EIO;
	else if (ret == 0)
		ret = cli_write_file(output, text, len, 1);
	if (ret)
		status = cli_fail(NULL, ret);
	kskit_secret_free(text);
	cli_unlock_free(&u);
	return status;
}

int cmd_bundle_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, status = EXIT_OK;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(inspect_usage);
		return cli_usage(inspect_usage, "bad option");
	}
	if (optind == argc)
		return cli_usage(inspect_usage, "give at least one keybundle");
	for (int i = optind; i < argc; i++) {
		char *der = NULL, *what = NULL;
		size_t len = 0;
		int ret = cli_read_file(argv[i], CLI_BUNDLE_MAX, &der, &len);

		if (ret == 0)
			ret = kskit_envelope_describe((uint8_t *)der, len, &what);
		if (ret == 0)
			ret = cli_print_digest(stdout, argv[i], der, len);
		for (char *line = what, *nl; ret == 0 && line; line = nl ? nl + 1 : NULL) {
			nl = strchr(line, '\n');
			printf("  %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
		}
		if (ret)
			status = cli_fail(argv[i], ret);
		free(what);
		free(der);
	}
	return status;
}

/* Bundle kb (from file name) against the bundle before it (or NULL). */
static int check_one(const struct kskit_keybundle *kb, const struct kskit_keybundle *prev,
		     const ldns_rr *anchor, const char *name)
{
	int ret = kskit_keybundle_verify(kb, anchor);

	if (ret == 0 && prev && ldns_dname_compare(kb->zone, prev->zone) != 0)
		ret = kskit_error_set(KSKIT_EKEYBUNDLE, "another zone than the bundle before");
	if (ret == 0 && prev && kb->inception != prev->expiration)
		ret = kskit_error_set(KSKIT_EKEYBUNDLE,
				      "its period does not start where the one before ends");
	if (ret)
		return kskit_error_set(ret, "%s: %s", name, kskit_error_detail(ret));
	return 0;
}

static void print_one(const struct kskit_keybundle *kb, const char *name)
{
	char from[32], to[32];

	kskit_utc_format(kb->inception, KSKIT_UTC_ISO, from, sizeof(from));
	kskit_utc_format(kb->expiration, KSKIT_UTC_ISO, to, sizeof(to));
	printf("  %s  %s  %s ", name, from, to);
	for (size_t j = 0; j < kb->n_zsks; j++)
		printf(" %u%s", kb->zsks[j].tag, kb->zsks[j].active ? "" : "(published)");
	putchar('\n');
}

static int verify_manifest(const struct cli_manifest *m, const struct cli_unlock *u,
			   const ldns_rr *anchor)
{
	struct kskit_keybundle *prev = NULL;
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < m->n; i++) {
		const struct cli_manifest_entry *e = &m->entries[i];
		struct kskit_keybundle *kb = NULL;

		ret = cli_unseal(e->path, u, e->hex, &kb);
		if (ret == 0)
			ret = check_one(kb, prev, anchor, e->path);
		if (ret == 0)
			print_one(kb, e->name);
		kskit_keybundle_free(prev);
		prev = kb;
	}
	kskit_keybundle_free(prev);
	if (ret == 0)
		printf("all %zu keybundles verified\n", m->n);
	return ret;
}

int cmd_bundle_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'K' },
		{ "cert", required_argument, NULL, 'C' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "ksk", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_unlock u = { 0 };
	ldns_rr *anchor = NULL;
	const char *anchor_path = NULL;
	struct cli_manifest m = { 0 };
	int c, ret, status = EXIT_OK;

	while ((c = getopt_long(argc, argv, "K:C:P:k:h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(verify_usage);
		if (c == 'k')
			anchor_path = optarg;
		else if ((status = cli_unlock_option(c, verify_usage, &u)) != 0)
			return status;
	}
	if (argc - optind != 1)
		return cli_usage(verify_usage, "give one manifest");
	ret = cli_manifest_read(argv[optind], &m);
	if (ret == 0) {
		printf("manifest ");
		ret = cli_print_digest(stdout, argv[optind], m.text, m.len);
	}
	if (ret == 0 && anchor_path)
		ret = cli_read_anchor(anchor_path, &anchor);
	if (ret == 0)
		ret = cli_unlock_load(&u);
	if (ret == 0)
		ret = verify_manifest(&m, &u, anchor);
	if (ret)
		status = cli_fail(NULL, ret);
	ldns_rr_free(anchor);
	cli_unlock_free(&u);
	cli_manifest_free(&m);
	return status;
}
