/* kskit - DNSSEC key ceremony toolkit: a table of subcommands. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "cli.h"
#include "commands.h"
#include "lib/secret.h"

#ifndef KSKIT_VERSION
#define KSKIT_VERSION "0.0.0"
#endif

static const struct cli_cmd commands[] = {
	{ "token", "list", cmd_token_list,
	  "modules, slots, tokens, their state and DNSSEC algorithms" },
	{ "token", "init", cmd_token_init,
	  "erase and initialise a token (label, SO PIN, user PIN)" },
	{ "token", "show", cmd_token_show, "every object on a token, with key tags" },
	{ "token", "delete", cmd_token_delete, "delete one object" },
	{ "token", "import", cmd_token_import,
	  "write a software key (BIND .private or PEM) onto a token" },
	{ "token", "test", cmd_token_test,
	  "acceptance test of a token for DNSSEC: sign, verify, rate, RNG" },
	{ NULL, "keygen", cmd_keygen,
	  "a KSK on the token, or a ZSK from its randomness, with DS and key files" },
	{ NULL, "ksr", cmd_ksr, "a Key Signing Request for ZSKs made here, on a schedule" },
	{ NULL, "sign", cmd_sign, "sign a Key Signing Request: the Signed Key Response" },
	{ "bundle", "seal", cmd_bundle_seal,
	  "encrypt a response's bundles with their ZSKs for the online signer" },
	{ "bundle", "open", cmd_bundle_open, "decrypt one keybundle (secret output, 0600)" },
	{ "bundle", "inspect", cmd_bundle_inspect, "what a keybundle is sealed for, unopened" },
	{ "bundle", "verify", cmd_bundle_verify,
	  "a manifest's keybundles: hashes, decryption, keys and RRSIGs" },
	{ "signer", "status", cmd_signer_status,
	  "how far the keybundles reach; exit 1 when the next ceremony is due" },
	{ NULL, "signer", cmd_signer,
	  "sign a zone with the current period's keybundle or response bundle" },
	{ "dkek", "create", cmd_dkek_create,
	  "a new DKEK split k-of-n among custodians' share files" },
	{ "dkek", "import", cmd_dkek_import, "custodians rebuild the DKEK into a token" },
	{ "dkek", "status", cmd_dkek_status, "the DKEKs on a token, or what share files are" },
	{ "dkek", "resplit", cmd_dkek_resplit, "the same DKEK for a new set of custodians" },
	{ "dkek", "wrap", cmd_backup_export,
	  "back up keys wrapped under the DKEK (backup export)" },
	{ "dkek", "unwrap", cmd_backup_import,
	  "restore wrapped keys onto a token (backup import)" },
	{ "backup", "export", cmd_backup_export,
	  "keys of a token wrapped under the DKEK or for a target token (pkcs11-backup)" },
	{ "backup", "import", cmd_backup_import, "unwrap a backup file's keys onto a token" },
	{ "backup", "transport", cmd_backup_transport,
	  "a target token's RSA key that backups for it are wrapped to" },
	{ "backup", "show", cmd_backup_show, "what a backup file holds" },
	{ NULL, "digest", cmd_digest, "SHA-256 of files in hex and as PGP words" },
	{ NULL, "rng", cmd_rng, "pump a token's random numbers into the kernel or a file" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: kskit COMMAND [ARGS...]   (kskit COMMAND --help for each)\n\n");
	for (size_t i = 0; i < N_COMMANDS; i++) {
		char name[32];

		snprintf(name, sizeof(name), "%s%s%s", commands[i].group ? commands[i].group : "",
			 commands[i].group ? " " : "", commands[i].name);
		fprintf(f, "  %-14s %s\n", name, commands[i].summary);
	}
	fprintf(f, "\nTokens are chosen by RFC 7512 PKCS#11 URI; PINs come from a prompt,\n"
		   "pin-source=file:..., or KSKIT_PIN / KSKIT_SO_PIN, never from arguments.\n");
}

static const struct cli_cmd *lookup(int argc, char **argv, int *used)
{
	for (size_t i = 0; i < N_COMMANDS; i++) {
		const struct cli_cmd *c = &commands[i];

		if (!c->group && strcmp(argv[1], c->name) == 0) {
			*used = 1;
			return c;
		}
		if (c->group && strcmp(argv[1], c->group) == 0 && argc > 2 &&
		    strcmp(argv[2], c->name) == 0) {
			*used = 2;
			return c;
		}
	}
	return NULL;
}

/* Installed as pkcs11-backup too, the seeds' name for `kskit backup`:
 * then argv with "backup" inserted (free()), else NULL. */
static char **as_backup(int *argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	char **v;

	if (strcmp(base ? base + 1 : argv[0], "pkcs11-backup") != 0 ||
	    !(v = calloc((size_t)*argc + 2, sizeof(*v))))
		return NULL;
	v[0] = argv[0];
	v[1] = "backup";
	memcpy(v + 2, argv + 1, (size_t)*argc * sizeof(*v));
	(*argc)++;
	return v;
}

/* Everything but the argv that pkcs11-backup gets. */
static int dispatch(int argc, char **argv)
{
	static char name[64];
	const struct cli_cmd *cmd;
	int used = 0;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("kskit %s (%s)\n", KSKIT_VERSION, OpenSSL_version(OPENSSL_VERSION));
		return EXIT_OK;
	}
	cmd = lookup(argc, argv, &used);
	if (!cmd) {
		fprintf(stderr, "kskit: unknown command '%s%s%s'\n", argv[1], argc > 2 ? " " : "",
			argc > 2 ? argv[2] : "");
		usage(stderr);
		return EXIT_USAGE;
	}
	snprintf(name, sizeof(name), "kskit %s%s%s", cmd->group ? cmd->group : "",
		 cmd->group ? " " : "", cmd->name);
	cli_name = name;
	return cmd->run(argc - used, argv + used);
}

int main(int argc, char **argv)
{
	char **backup_argv;
	int status;

	if (kskit_secure_process() != 0) {
		fprintf(stderr, "kskit: cannot disable core dumps\n");
		return EXIT_FAIL;
	}
	/* A token daemon that dies (tcsd) must show up as a failed call with
	 * an error line, not as a silent death by SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	backup_argv = as_backup(&argc, argv);
	status = dispatch(argc, backup_argv ? backup_argv : argv);
	free(backup_argv);
	return status;
}
