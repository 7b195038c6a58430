/* cli-dkek.c - custodians, their passphrases and share files. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "cli.h"
#include "cli-dkek.h"
#include "lib/error.h"
#include "lib/secret.h"
#include "lib/textfile.h"

#define SHARE_FILE_MAX 4096
#define PASSPHRASE_MIN 12

int cli_split_custodians(struct cli_split *s, char *list)
{
	char *save = NULL;

	s->n = 0;
	for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		if (s->n == KSKIT_SHAMIR_SPLIT_MAX || !kskit_printable(name, KSKIT_CUSTODIAN_MAX) ||
		    strchr(name, '/') || name[0] == '.') {
			fprintf(stderr,
				"%s: custodian \"%s\": at most %d names of printable "
				"characters, no '/', not starting with '.'\n",
				cli_name, name, KSKIT_SHAMIR_SPLIT_MAX);
			return -1;
		}
		for (unsigned i = 0; i < s->n; i++)
			if (strcmp(s->custodians[i], name) == 0) {
				fprintf(stderr, "%s: custodian %s named twice\n", cli_name, name);
				return -1;
			}
		s->custodians[s->n++] = name;
	}
	return 0;
}

int cli_custodian_passphrase(const char *dir, const char *name, int confirm, char **pass)
{
	char what[160], source[PATH_MAX + 8], *abs;
	int ret;

	if (dir) {
		snprintf(source, sizeof(source), "%s/%s", dir, name);
		abs = realpath(source, NULL);
		if (!abs)
			return kskit_error_set(KSKIT_EPIN_SOURCE, "%s: %s", source,
					       strerror(errno));
		snprintf(source, sizeof(source), "file:%s", abs);
		free(abs);
		return cli_get_pin(NULL, source, NULL, 0, pass);
	}
	snprintf(what, sizeof(what), "Passphrase of custodian %s", name);
	ret = cli_get_pin(what, NULL, NULL, confirm, pass);
	if (ret == 0 && confirm && strlen(*pass) < PASSPHRASE_MIN) {
		kskit_secret_free(*pass);
		*pass = NULL;
		ret = kskit_error_set(KSKIT_EINVAL,
				      "a custodian's passphrase needs at least %d "
				      "characters",
				      PASSPHRASE_MIN);
	}
	return ret;
}

int cli_secret_random(const char *uri, const char *module, struct cli_token *ct, uint8_t *buf,
		      size_t len)
{
	uint8_t mix[64];
	int status, ret;

	if (len > sizeof(mix))
		return cli_fail(NULL, KSKIT_EINVAL);
	if (RAND_priv_bytes(buf, (int)len) != 1)
		return cli_fail("OpenSSL RAND_priv_bytes", KSKIT_ECRYPTO);
	if (!uri)
		return EXIT_OK;
	status = cli_open(uri, module, 0, ct);
	if (status)
		return status;
	ret = cli_random(ct, mix, len);
	if (ret)
		status = ret == KSKIT_ECANCELED ? EXIT_FAIL : cli_fail("C_GenerateRandom", ret);
	for (size_t i = 0; ret == 0 && i < len; i++)
		buf[i] ^= mix[i];
	OPENSSL_cleanse(mix, sizeof(mix));
	return status;
}

int cli_has_option(int argc, char **argv, const char *opt)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], opt) == 0)
			return 1;
	return 0;
}

void cli_print_kcv(const char *what, const uint8_t kcv[KSKIT_DKEK_KCV_LEN])
{
	char hex[2 * KSKIT_DKEK_KCV_LEN + 1];

	kskit_hex(hex, kcv, KSKIT_DKEK_KCV_LEN);
	printf("%s key-check value (KCV): %s\n", what, hex);
}

/* Read one share file and open it with its custodian's passphrase. */
static int open_share(const char *path, const char *passdir, struct kskit_dkek_share *s)
{
	char *text = NULL, *pass = NULL;
	size_t len = 0;
	int ret = cli_read_file(path, SHARE_FILE_MAX, &text, &len);

	if (ret == 0)
		ret = kskit_dkek_share_read(text, len, s);
	if (ret == 0) {
		printf("%s: share %u of %u (any %u rebuild the DKEK), custodian %s\n", path,
		       s->index, s->total, s->threshold, s->custodian);
		fflush(stdout);
		ret = cli_custodian_passphrase(passdir, s->custodian, 0, &pass);
	}
	if (ret == 0)
		ret = kskit_dkek_share_open(s, pass);
	kskit_secret_free(pass);
	free(text);
	return ret;
}

int cli_dkek_rebuild(char **paths, size_t n, const char *passdir, uint8_t *dkek,
		     uint8_t kcv[KSKIT_DKEK_KCV_LEN])
{
	struct kskit_dkek_share *shares = kskit_secret_alloc(n * sizeof(*shares));
	int status = EXIT_FAIL, ret = 0;
	size_t i;

	if (!shares)
		return cli_fail(NULL, KSKIT_ENOMEM);
	for (i = 0; i < n && ret == 0; i++) {
		ret = open_share(paths[i], passdir, &shares[i]);
		if (ret) {
			cli_fail(paths[i], ret);
			goto out;
		}
		/* Combining checks it all again; this is for the room. */
		if (memcmp(shares[i].set, shares[0].set, sizeof(shares[0].set)) != 0) {
			ret = kskit_dkek_combine(shares, i + 1, dkek);
			cli_fail(paths[i], ret);
			goto out;
		}
		if (i + 1 < shares[0].threshold)
			printf("  opened; %zu more share(s) needed\n", shares[0].threshold - i - 1);
		else
			printf("  opened; enough shares\n");
		fflush(stdout);
	}
	ret = kskit_dkek_combine(shares, n, dkek);
	if (ret) {
		cli_fail(NULL, ret);
		goto out;
	}
	memcpy(kcv, shares[0].kcv, KSKIT_DKEK_KCV_LEN);
	status = EXIT_OK;
out:
	for (size_t j = 0; j < n; j++)
		kskit_dkek_share_wipe(&shares[j]);
	kskit_secret_free(shares);
	return status;
}

int cli_dkek_split(const uint8_t *dkek, const struct cli_split *s, const char *passdir)
{
	struct kskit_dkek_share *shares = kskit_secret_alloc(s->n * sizeof(*shares));
	char path[PATH_MAX], *pass = NULL, *text = NULL;
	size_t len = 0;
	int status = EXIT_FAIL, ret;

	if (!shares)
		return cli_fail(NULL, KSKIT_ENOMEM);
	/* All or none: a share file in the way is found before any is made. */
	for (unsigned i = 0; i < s->n; i++) {
		snprintf(path, sizeof(path), "%s/%s.share", s->dir, s->custodians[i]);
		if (access(path, F_OK) == 0) {
			cli_fail(path, KSKIT_EEXIST);
			goto out;
		}
	}
	ret = kskit_dkek_shares_make(dkek, s->n, s->k, shares);
	if (ret) {
		cli_fail(NULL, ret);
		goto out;
	}
	for (unsigned i = 0; i < s->n; i++) {
		snprintf(shares[i].custodian, sizeof(shares[i].custodian), "%s", s->custodians[i]);
		snprintf(path, sizeof(path), "%s/%s.share", s->dir, s->custodians[i]);
		printf("share %u of %u: custodian %s\n", i + 1, s->n, s->custodians[i]);
		fflush(stdout);
		ret = cli_custodian_passphrase(passdir, s->custodians[i], 1, &pass);
		if (ret == 0)
			ret = kskit_dkek_share_write(&shares[i], pass, &s->kdf, &text, &len);
		kskit_secret_free(pass);
		pass = NULL;
		if (ret == 0)
			ret = cli_write_file(path, text, len, 1);
		if (ret == 0)
			ret = cli_print_digest(stdout, path, text, len);
		free(text);
		text = NULL;
		if (ret) {
			cli_fail(path, ret);
			goto out;
		}
	}
	status = EXIT_OK;
out:
	for (unsigned i = 0; i < s->n; i++)
		kskit_dkek_share_wipe(&shares[i]);
	kskit_secret_free(shares);
	return status;
}
