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

/* Does a keybundle's text (len bytes) read as one?  Parsed in a secret
 * copy, the text itself left as it is: 0, or the parser's error. */
int cli_bundle_text_reads(const char *text, size_t len);

/* One line of a manifest: "HEX  NAME", NAME a plain file name. */
struct cli_manifest_entry {
	const char *hex, *name; /* into the manifest's lines */
	char *path;		/* the file, in the manifest's directory */
	time_t from, until;	/* the period the name gives, or -1 */
};

struct cli_manifest {
	char *text; /* the file as it was read, len bytes */
	size_t len;
	char *lines; /* a copy, split into the entries */
	struct cli_manifest_entry *entries;
	size_t n;
};

/* Read the manifest at path: at least one entry, every line one.
 * KSKIT_EKEYBUNDLE naming the line otherwise.  Free with
 * cli_manifest_free(). */
int cli_manifest_read(const char *path, struct cli_manifest *m);

/* 0 when every entry names its period (ZONE.FROM-UNTIL.kb), else
 * KSKIT_EKEYBUNDLE. */
int cli_manifest_periods(const char *path, const struct cli_manifest *m);

void cli_manifest_free(struct cli_manifest *m);

/* The period a keybundle's file name gives, ZONE.FROM-UNTIL.kb (times
 * YYYYMMDDhhmmss): 0, or -1 for another name. */
int cli_bundle_period(const char *name, time_t *from, time_t *until);

#endif
