/* cli-bundle.h - what kskit bundle and kskit signer share: opening
 * keybundles and reading their manifests. */
#ifndef KSKIT_CLI_BUNDLE_H
#define KSKIT_CLI_BUNDLE_H

#include <stddef.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "lib/keybundle.h"

#define CLI_BUNDLE_MAX (1u << 20)

/* How to open: a recipient's key (and certificate), or a passphrase. */
struct cli_unlock {
	const char *key_path, *cert_path, *pass_file;
	EVP_PKEY *key;
	X509 *cert;
	char *pass;
};

/* The long options --key (K), --cert (C), --passphrase-file (P): 0, or a
 * usage error's status for any other option c. */
int cli_unlock_option(int c, const char *usage, struct cli_unlock *u);

/* The keybundles' passphrase: the first line of file (any path), else
 * KSKIT_BUNDLE_PASSPHRASE, else the terminal (twice with confirm). */
int cli_bundle_passphrase(const char *file, int confirm, char **pass);

/* Load the key and certificate, or get the passphrase (first line of the
 * --passphrase-file, KSKIT_BUNDLE_PASSPHRASE, or the terminal). */
int cli_unlock_load(struct cli_unlock *u);
void cli_unlock_free(struct cli_unlock *u);

/* The keybundle file at path decrypted into a secret buffer (free with
 * kskit_secret_free()); with want, only when its SHA-256 is that. */
int cli_decrypt(const char *path, const struct cli_unlock *u, const char *want, char **text,
		size_t *len);

/* cli_decrypt, then kskit_keybundle_parse; the text is wiped. */
int cli_unseal(const char *path, const struct cli_unlock *u, const char *want,
	       struct kskit_keybundle **kb);

/* A manifest line "HEX  NAME" (NAME a plain file name), split in place. */
int cli_manifest_line(char *line, char **hex, char **name);

/* The period a keybundle's file name gives, ZONE.FROM-UNTIL.kb (times
 * YYYYMMDDhhmmss): 0, or -1 for another name. */
int cli_bundle_period(const char *name, time_t *from, time_t *until);

#endif
