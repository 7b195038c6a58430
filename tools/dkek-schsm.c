/* kskit dkek create --sc-hsm, kskit dkek import --sc-hsm - DKEK share
 * files in OpenSC's sc-hsm-tool format, with its n-of-m password shares,
 * for SmartCard-HSMs and the tokens that back them up. */
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "cli.h"
#include "cli-dkek.h"
#include "cli-schsm.h"
#include "commands.h"
#include "lib/error.h"
#include "lib/pwshares.h"
#include "lib/schsm-share.h"
#include "lib/secret.h"
#include "lib/textfile.h"
#include "lib/token.h"
#include "lib/wrapkey.h"

#define PASSWORD_MIN 6 /* sc-hsm-tool's */
#define MAX_FILES 16

static const char create_usage[] =
	"usage: kskit dkek create --sc-hsm -o FILE [--password-shares T/N]\n"
	"                         [--password-file F] [--module PATH] [URI]\n"
	"\n"
	"A DKEK share file as OpenSC's `sc-hsm-tool --create-dkek-share` writes\n"
	"it (64 bytes: \"Salted__\", salt, AES-256-CBC under EVP_BytesToKey-MD5\n"
	"with 10,000,000 iterations), which sc-hsm-tool --import-dkek-share and\n"
	"`kskit dkek import --sc-hsm` read.  The share is the XOR of random bytes\n"
	"from the token URI names and from OpenSSL.  The password is typed twice\n"
	"(at least 6 characters; --password-file F: its first line, for tests),\n"
	"or, with --password-shares T/N, a random 8-byte password split among N\n"
	"custodians, any T of whom rebuild it (Shamir over a 64-bit prime): each\n"
	"custodian's screen (prime, share ID, share value) is shown in turn as\n"
	"sc-hsm-tool shows it, to be typed into either tool later.  The DKEK of a\n"
	"SmartCard-HSM is the XOR of all its shares; with this share alone its\n"
	"key-check value is printed.\n";

static const char import_usage[] =
	"usage: kskit dkek import --sc-hsm [--password-shares N]\n"
	"                         [--password-dir D | --password-screens DIR]\n"
	"                         [--module PATH] FILE... URI\n"
	"\n"
	"Open sc-hsm-tool DKEK share files (each with its password, typed, or\n"
	"D/NAME for FILE's base name NAME; with --password-shares N, N custodians\n"
	"type the prime, their share ID and value at sc-hsm-tool's prompts, or\n"
	"DIR holds one screen per file), XOR them into the DKEK as a\n"
	"SmartCard-HSM does, print its key-check value and store it on the token\n"
	"(a non-extractable AES-256 wrap/unwrap key, as `kskit dkek import`).\n"
	"Nothing is written unless every file opens.  On a SmartCard-HSM each\n"
	"share goes to the card itself through OpenSC's sc-hsm-tool (sealed again\n"
	"under a one-time password given on its standard input), and the card's\n"
	"own count of missing shares and KCV are printed.\n";

/* Hidden, for tests: the count sc-hsm-tool always uses is the default. */
static unsigned long iterations = KSKIT_SCHSM_SHARE_ITERATIONS;

/* Random bytes from the token when there is one, for pwshares.h. */
static int token_rng(void *ctx, uint8_t *buf, size_t len)
{
	return ctx ? cli_random(ctx, buf, len) : (RAND_priv_bytes(buf, (int)len) == 1 ? 0 : -1);
}

static int wait_enter(const char *prompt)
{
	return isatty(STDIN_FILENO) ? cli_confirm(prompt, "") : 0;
}

/* Show each custodian's screen: on a terminal one at a time, cleared after. */
static int show_screens(const struct kskit_pwshare *s, unsigned n)
{
	char prompt[64], *text = NULL;
	int ret = 0;

	for (unsigned i = 0; i < n && ret == 0; i++) {
		snprintf(prompt, sizeof(prompt), "Press <enter> to display key share %u of %u ",
			 i + 1, n);
		ret = wait_enter(prompt);
		if (ret == 0)
			ret = kskit_pwshare_format(&s[i], n, &text);
		if (ret == 0) {
			printf("%s%s\n", isatty(STDOUT_FILENO) ? "\033[H\033[2J" : "", text);
			fflush(stdout);
			kskit_secret_free(text);
			ret = wait_enter(
				"Please note ALL values above and press <enter> when finished ");
		}
		if (ret == 0 && isatty(STDOUT_FILENO))
			printf("\033[H\033[2J");
	}
	return ret;
}

/* The password: random and split into screens, from a file, or typed. */
static int create_password(struct cli_token *ct, unsigned t, unsigned n, const char *file,
			   char **pw, size_t *len)
{
	struct kskit_pwshare shares[KSKIT_PWSHARE_MAX];
	char source[PATH_MAX + 8], *abs;
	int ret;

	if (n) {
		*pw = kskit_secret_alloc(KSKIT_PWSHARE_PWLEN);
		if (!*pw)
			return KSKIT_ENOMEM;
		*len = KSKIT_PWSHARE_PWLEN;
		ret = kskit_pwshare_password(token_rng, ct->tok ? ct : NULL, (uint8_t *)*pw);
		if (ret == 0)
			ret = kskit_pwshare_split((uint8_t *)*pw, t, n, token_rng,
						  ct->tok ? ct : NULL, shares);
		if (ret == 0) {
			printf("The share file's password: 8 random bytes, split %u of %u\n", t, n);
			ret = show_screens(shares, n);
		}
		OPENSSL_cleanse(shares, sizeof(shares));
		return ret;
	}
	if (file) {
		abs = realpath(file, NULL);
		if (!abs)
			return kskit_error_set(KSKIT_EPIN_SOURCE, "%s: cannot read it", file);
		snprintf(source, sizeof(source), "file:%s", abs);
		free(abs);
	}
	ret = cli_get_pin("Password to encrypt the DKEK share", file ? source : NULL, NULL, 1, pw);
	if (ret == 0 && strlen(*pw) < PASSWORD_MIN) {
		kskit_secret_free(*pw);
		*pw = NULL;
		return kskit_error_set(KSKIT_EINVAL, "the password needs at least %d characters",
				       PASSWORD_MIN);
	}
	if (ret == 0)
		*len = strlen(*pw);
	return ret;
}

static int parse_shares(const char *s, unsigned *t, unsigned *n)
{
	char end;

	return sscanf(s, "%u/%u%c", t, n, &end) == 2 && *t >= 2 && *t <= *n &&
			       *n <= KSKIT_PWSHARE_MAX
		       ? 0
		       : -1;
}

int cmd_dkek_create_schsm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sc-hsm", no_argument, NULL, 'S' },
		{ "output", required_argument, NULL, 'o' },
		{ "password-shares", required_argument, NULL, 's' },
		{ "password-file", required_argument, NULL, 'f' },
		{ "iterations", required_argument, NULL, 'I' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *module = NULL, *pwfile = NULL;
	struct cli_token ct = { 0 };
	uint8_t *share = NULL, file[KSKIT_SCHSM_SHARE_FILE_LEN], kcv[KSKIT_DKEK_KCV_LEN];
	unsigned t = 0, n = 0;
	unsigned long v;
	char *pw = NULL;
	size_t pwlen = 0;
	int c, status = EXIT_FAIL, ret;

	while ((c = getopt_long(argc, argv, "So:s:f:I:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			if (parse_shares(optarg, &t, &n) != 0)
				return cli_usage(create_usage,
						 "--password-shares T/N: 2 <= T <= N <= %d",
						 KSKIT_PWSHARE_MAX);
			break;
		case 'f':
			pwfile = optarg;
			break;
		case 'I':
			if (cli_number(optarg, 1, INT_MAX, &v) != 0)
				return cli_usage(create_usage, "bad --iterations");
			iterations = v;
			break;
		case 'm':
			module = optarg;
			break;
		case 'h':
			return cli_help(create_usage);
		default:
			return cli_usage(create_usage, "bad option");
		}
	}
	if (!out || argc - optind > 1 || (n && pwfile))
		return cli_usage(create_usage,
				 "give -o FILE, at most one URI, and one password source");
	share = kskit_secret_alloc(KSKIT_SCHSM_SHARE_LEN);
	if (!share) {
		status = cli_fail(NULL, KSKIT_ENOMEM);
		goto out;
	}
	status = cli_secret_random(argc - optind == 1 ? argv[optind] : NULL, module, &ct, share,
				   KSKIT_SCHSM_SHARE_LEN);
	if (status)
		goto out;
	status = EXIT_FAIL;
	ret = create_password(&ct, t, n, pwfile, &pw, &pwlen);
	if (ret == 0)
		ret = kskit_schsm_share_seal(share, pw, pwlen, NULL, iterations, file);
	if (ret == 0)
		ret = cli_write_file(out, file, sizeof(file), 1);
	if (ret == 0)
		ret = cli_print_digest(stdout, out, file, sizeof(file));
	if (ret) {
		status = cli_fail(out, ret);
		goto out;
	}
	kskit_dkek_kcv(share, kcv);
	cli_print_kcv("a DKEK of this share alone:", kcv);
	status = EXIT_OK;
out:
	kskit_secret_free(share);
	kskit_secret_free(pw);
	cli_close(&ct);
	return status;
}

/* One answer at an sc-hsm-tool prompt, without echo. */
static int ask(const char *prompt, int (*parse)(const char *, void *), void *out)
{
	char *line = NULL;
	int ret = cli_read_secret(prompt, &line);

	if (ret == 0)
		ret = parse(line, out);
	kskit_secret_free(line);
	return ret;
}

static int parse_prime(const char *s, void *out)
{
	return kskit_pwshare_parse_prime(s, out);
}

static int parse_id(const char *s, void *out)
{
	return kskit_pwshare_parse_id(s, out);
}

static int parse_value(const char *s, void *out)
{
	return kskit_pwshare_parse_value(s, out);
}

/* The n custodians' screens: typed, or one file each in dir. */
static int read_screens(unsigned n, const char *dir, struct kskit_pwshare *s)
{
	struct dirent **names = NULL;
	char path[PATH_MAX], *text = NULL, prompt[64];
	size_t len = 0;
	int count, ret = 0;

	if (!dir) {
		printf("The share file's password: %u custodians enter their shares\n", n);
		fflush(stdout);
		ret = ask("Please enter prime: ", parse_prime, &s[0].prime);
		for (unsigned i = 0; i < n && ret == 0; i++) {
			snprintf(prompt, sizeof(prompt), "Share %u of %u: share ID: ", i + 1, n);
			s[i].prime = s[0].prime;
			ret = ask(prompt, parse_id, &s[i].id);
			snprintf(prompt, sizeof(prompt), "Share %u of %u: share value: ", i + 1, n);
			if (ret == 0)
				ret = ask(prompt, parse_value, &s[i].value);
		}
		return ret;
	}
	count = scandir(dir, &names, NULL, alphasort);
	unsigned k = 0;

	for (int i = 0; i < count; i++) {
		if (names[i]->d_name[0] != '.' && ret == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			if (k == n)
				ret = kskit_error_set(KSKIT_EINVAL, "%s: more than %u screens", dir,
						      n);
			if (ret == 0)
				ret = cli_read_file(path, 4096, &text, &len);
			if (ret == 0)
				ret = kskit_pwshare_parse(text, len, &s[k++], NULL);
			if (ret)
				ret = kskit_error_set(ret, "%s: %s", path, kskit_error_detail(ret));
			free(text);
			text = NULL;
		}
		free(names[i]);
	}
	free(names);
	if (count < 0)
		return kskit_error_set(KSKIT_EIO, "%s: cannot list it", dir);
	if (ret == 0 && k < n)
		ret = kskit_error_set(KSKIT_EINVAL, "%s: %u screens, %u needed", dir, k, n);
	return ret;
}

/* The password of one share file. */
static int import_password(const char *path, unsigned n, const char *dir, const char *screens,
			   char **pw, size_t *len)
{
	struct kskit_pwshare s[KSKIT_PWSHARE_MAX];
	const char *base = strrchr(path, '/');
	char what[PATH_MAX + 40];
	int ret;

	if (n) {
		*pw = kskit_secret_alloc(KSKIT_PWSHARE_PWLEN);
		if (!*pw)
			return KSKIT_ENOMEM;
		*len = KSKIT_PWSHARE_PWLEN;
		ret = read_screens(n, screens, s);
		if (ret == 0)
			ret = kskit_pwshare_combine(s, n, (uint8_t *)*pw);
		OPENSSL_cleanse(s, sizeof(s));
		return ret;
	}
	base = base ? base + 1 : path;
	snprintf(what, sizeof(what), "Password to decrypt the DKEK share %s", base);
	ret = dir ? cli_custodian_passphrase(dir, base, 0, pw)
		  : cli_get_pin(what, NULL, NULL, 0, pw);
	if (ret == 0)
		*len = strlen(*pw);
	return ret;
}

/* Open the share files: XOR their shares into dkek, or, when reader is a
 * SmartCard-HSM's, import each into the card. */
static int open_files(char **paths, size_t count, unsigned n, const char *dir, const char *screens,
		      const char *reader, uint8_t *dkek)
{
	uint8_t share[KSKIT_SCHSM_SHARE_LEN];
	char *text = NULL, *pw = NULL;
	size_t len = 0, pwlen = 0;
	int ret = 0;

	for (size_t i = 0; i < count && ret == 0; i++) {
		ret = cli_read_file(paths[i], 4096, &text, &len);
		if (ret == 0)
			ret = import_password(paths[i], n, dir, screens, &pw, &pwlen);
		if (ret == 0)
			ret = kskit_schsm_share_open((uint8_t *)text, len, pw, pwlen, iterations,
						     share);
		if (ret == 0 && reader)
			ret = cli_schsm_import_secret(reader, share);
		if (ret == 0) {
			for (size_t b = 0; !reader && b < sizeof(share); b++)
				dkek[b] ^= share[b];
			printf("%s: share %zu of %zu opened%s\n", paths[i], i + 1, count,
			       reader ? " and imported into the card" : "");
			fflush(stdout);
		} else {
			ret = kskit_error_set(ret, "%s: %s", paths[i], kskit_error_detail(ret));
		}
		kskit_secret_free(pw);
		pw = NULL;
		free(text);
		text = NULL;
	}
	OPENSSL_cleanse(share, sizeof(share));
	return ret;
}

/* What the card says of its DKEK after the import. */
static int card_status(const char *reader)
{
	uint8_t kcv[KSKIT_DKEK_KCV_LEN];
	unsigned total = 0, missing = 0;
	int ret = cli_schsm_dkek_info(reader, &total, &missing, kcv);

	if (ret)
		return ret;
	if (missing)
		printf("the card's DKEK: %u of %u shares still missing\n", missing, total);
	else
		cli_print_kcv("the card's DKEK", kcv);
	return 0;
}

int cmd_dkek_import_schsm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sc-hsm", no_argument, NULL, 'S' },
		{ "password-shares", required_argument, NULL, 's' },
		{ "password-dir", required_argument, NULL, 'D' },
		{ "password-screens", required_argument, NULL, 'R' },
		{ "iterations", required_argument, NULL, 'I' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *module = NULL, *dir = NULL, *screens = NULL;
	struct cli_token ct = { 0 };
	struct kskit_kek kek;
	CK_MECHANISM_TYPE mech;
	uint8_t *dkek = NULL, kcv[KSKIT_DKEK_KCV_LEN];
	char reader[65];
	unsigned long v;
	unsigned n = 0;
	int c, status, ret;

	while ((c = getopt_long(argc, argv, "Ss:D:R:I:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
			break;
		case 's':
			if (cli_number(optarg, 2, KSKIT_PWSHARE_ID_MAX, &v) != 0)
				return cli_usage(import_usage, "--password-shares: 2 or more");
			n = (unsigned)v;
			break;
		case 'D':
			dir = optarg;
			break;
		case 'R':
			screens = optarg;
			break;
		case 'I':
			if (cli_number(optarg, 1, INT_MAX, &v) != 0)
				return cli_usage(import_usage, "bad --iterations");
			iterations = v;
			break;
		case 'm':
			module = optarg;
			break;
		case 'h':
			return cli_help(import_usage);
		default:
			return cli_usage(import_usage, "bad option");
		}
	}
	if (argc - optind < 2 || argc - optind - 1 > MAX_FILES || (screens && !n) || (n && dir))
		return cli_usage(import_usage,
				 "give share files (at most %d) and the token URI; "
				 "--password-screens goes with --password-shares",
				 MAX_FILES);
	status = cli_open(argv[argc - 1], module, KSKIT_TOKEN_RW, &ct);
	if (status)
		return status;
	status = cli_login(&ct, CKU_USER);
	if (status)
		goto out;
	if (cli_is_schsm(ct.tok)) {
		ret = cli_schsm_reader(ct.tok, reader, sizeof(reader));
		if (ret == 0)
			ret = open_files(argv + optind, (size_t)(argc - optind - 1), n, dir,
					 screens, reader, NULL);
		if (ret == 0)
			ret = card_status(reader);
		status = ret ? cli_fail(NULL, ret) : EXIT_OK;
		goto out;
	}
	ret = kskit_kwp_mechanism(ct.tok, &mech);
	dkek = ret ? NULL : kskit_secret_alloc(KSKIT_DKEK_LEN);
	if (ret == 0 && !dkek)
		ret = KSKIT_ENOMEM;
	if (ret == 0)
		ret = open_files(argv + optind, (size_t)(argc - optind - 1), n, dir, screens, NULL,
				 dkek);
	if (ret == 0) {
		kskit_dkek_kcv(dkek, kcv);
		ret = kskit_dkek_store(ct.tok, dkek, &kek);
		if (ret == KSKIT_EEXIST) {
			printf("the token holds this DKEK already\n");
			ret = 0;
		} else if (ret == 0) {
			printf("DKEK stored on token %s\n", kskit_token_label(ct.tok));
		}
	}
	if (ret) {
		status = cli_fail(NULL, ret);
		goto out;
	}
	cli_print_kcv("DKEK", kcv);
out:
	kskit_secret_free(dkek);
	cli_close(&ct);
	return status;
}
