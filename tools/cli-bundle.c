/* cli-bundle.c - what the keybundle commands and the signer share: the
 * secret that opens a keybundle, opening one, reading a manifest. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>

#include "cli.h"
#include "cli-bundle.h"
#include "lib/envelope.h"
#include "lib/error.h"
#include "lib/keyfile.h"
#include "lib/secret.h"
#include "lib/utc.h"

int cli_bundle_passphrase(const char *file, int confirm, char **pass)
{
	char *abs = file ? realpath(file, NULL) : NULL, *source = NULL;
	int ret;

	if (file && !abs)
		return kskit_error_set(KSKIT_EPIN_SOURCE, "%s: %s", file, strerror(errno));
	if (abs && asprintf(&source, "file:%s", abs) < 0)
		source = NULL;
	free(abs);
	if (file && !source)
		return KSKIT_ENOMEM;
	ret = cli_get_pin("Keybundle passphrase", source, "KSKIT_BUNDLE_PASSPHRASE", confirm, pass);
	free(source);
	return ret;
}

int cli_unlock_load(struct cli_unlock *u)
{
	const struct kskit_alg *alg;
	int ret;

	if (!u->key_path)
		return cli_bundle_passphrase(u->pass_file, 0, &u->pass);
	ret = kskit_keyfile_read(u->key_path, cli_pem_passphrase, (void *)u->key_path, &u->key,
				 &alg);
	if (ret)
		return kskit_error_set(ret, "%s: %s", u->key_path, kskit_error_detail(ret));
	if (u->cert_path) {
		FILE *f = fopen(u->cert_path, "r");

		u->cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
		if (f)
			fclose(f);
		if (!u->cert)
			return kskit_error_set(KSKIT_EINVAL, "%s: not a PEM certificate",
					       u->cert_path);
	}
	return 0;
}

void cli_unlock_free(struct cli_unlock *u)
{
	EVP_PKEY_free(u->key);
	X509_free(u->cert);
	kskit_secret_free(u->pass);
}

/* The options open and verify share; 0, or a usage error's status. */
int cli_unlock_option(int c, const char *usage, struct cli_unlock *u)
{
	switch (c) {
	case 'K':
		u->key_path = optarg;
		return 0;
	case 'C':
		u->cert_path = optarg;
		return 0;
	case 'P':
		u->pass_file = optarg;
		return 0;
	default:
		return cli_usage(usage, "bad option");
	}
}

/* The file at path decrypted into a secret buffer; with want, only when
 * its SHA-256 is that. */
int cli_decrypt(const char *path, const struct cli_unlock *u, const char *want, char **text,
		size_t *len)
{
	char *der = NULL, got[65];
	size_t der_len = 0;
	int ret = cli_read_file(path, CLI_BUNDLE_MAX, &der, &der_len);

	if (ret == 0 && want) {
		cli_sha256_hex(der, der_len, got);
		if (strcmp(got, want) != 0)
			ret = kskit_error_set(KSKIT_EKEYBUNDLE,
					      "not the file the manifest lists (its SHA-256 is %s)",
					      got);
	}
	if (ret == 0)
		ret = kskit_envelope_open((uint8_t *)der, der_len, u->key, u->cert, u->pass, text,
					  len);
	free(der);
	if (ret)
		return kskit_error_set(ret, "%s: %s", path, kskit_error_detail(ret));
	return 0;
}

/* decrypt, then parse: *kb, the text wiped. */
int cli_unseal(const char *path, const struct cli_unlock *u, const char *want,
	       struct kskit_keybundle **kb)
{
	char *text = NULL;
	size_t len = 0;
	int ret = cli_decrypt(path, u, want, &text, &len);

	if (ret == 0 && (ret = kskit_keybundle_parse(text, len, kb)) != 0)
		ret = kskit_error_set(ret, "%s: %s", path, kskit_error_detail(ret));
	kskit_secret_free(text);
	return ret;
}

int cli_bundle_text_reads(const char *text, size_t len)
{
	char *copy = kskit_secret_alloc(len);
	struct kskit_keybundle *kb = NULL;
	int ret;

	if (!copy)
		return KSKIT_ENOMEM;
	memcpy(copy, text, len);
	ret = kskit_keybundle_parse(copy, len, &kb);
	kskit_keybundle_free(kb);
	kskit_secret_free(copy);
	return ret;
}

/* One manifest line: "HEX  NAME", NAME a plain file name. */
static int manifest_line(char *line, char **hex, char **name)
{
	if (strlen(line) < 67 || line[64] != ' ' || line[65] != ' ' || strchr(line + 66, '/'))
		return -1;
	line[64] = '\0';
	for (int i = 0; i < 64; i++)
		if (!strchr("0123456789abcdef", line[i]))
			return -1;
	*hex = line;
	*name = line + 66;
	return 0;
}

int cli_manifest_read(const char *path, struct cli_manifest *m)
{
	const char *slash = strrchr(path, '/');
	char *save = NULL, *line;
	int ret = cli_read_file(path, CLI_BUNDLE_MAX, &m->text, &m->len);

	*m = (struct cli_manifest){ .text = m->text, .len = m->len };
	if (ret == 0 && (!(m->lines = strdup(m->text)) ||
			 !(m->entries = calloc(m->len / 67 + 1, sizeof(*m->entries)))))
		ret = KSKIT_ENOMEM;
	for (line = ret ? NULL : strtok_r(m->lines, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct cli_manifest_entry *e = &m->entries[m->n];
		char *hex, *name;

		if (manifest_line(line, &hex, &name) != 0) {
			ret = kskit_error_set(KSKIT_EKEYBUNDLE,
					      "%s is not a manifest of keybundles: line %zu is not "
					      "\"SHA-256  NAME\"",
					      path, m->n + 1);
			break;
		}
		m->n++;
		e->hex = hex;
		e->name = name;
		if (cli_bundle_period(name, &e->from, &e->until) != 0)
			e->from = e->until = -1;
		if (asprintf(&e->path, "%.*s/%s", slash ? (int)(slash - path) : 1,
			     slash ? path : ".", name) < 0) {
			e->path = NULL;
			ret = KSKIT_ENOMEM;
			break;
		}
	}
	if (ret == 0 && m->n == 0)
		ret = kskit_error_set(KSKIT_EKEYBUNDLE, "%s lists no keybundle", path);
	if (ret)
		cli_manifest_free(m);
	return ret;
}

int cli_manifest_periods(const char *path, const struct cli_manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->entries[i].from < 0)
			return kskit_error_set(KSKIT_EKEYBUNDLE,
					       "%s is not a manifest of keybundles: %s names no "
					       "period",
					       path, m->entries[i].name);
	return 0;
}

void cli_manifest_free(struct cli_manifest *m)
{
	for (size_t i = 0; m->entries && i < m->n; i++)
		free(m->entries[i].path);
	free(m->entries);
	free(m->lines);
	free(m->text);
	*m = (struct cli_manifest){ 0 };
}

/* The period a keybundle's file name gives: ZONE.FROM-UNTIL.kb. */
int cli_bundle_period(const char *name, time_t *from, time_t *until)
{
	size_t n = strlen(name);

	if (n < 33 || strcmp(name + n - 3, ".kb") != 0 || name[n - 33] != '.' ||
	    name[n - 18] != '-')
		return -1;
	*from = (time_t)kskit_utc_compact(name + n - 32, 14);
	*until = (time_t)kskit_utc_compact(name + n - 17, 14);
	return *from < 0 || *until <= *from ? -1 : 0;
}
