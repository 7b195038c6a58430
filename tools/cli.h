/* cli.h - what every kskit subcommand shares: opening the token a URI names,
 * asking for PINs, confirmations, and turning library errors into one line
 * on stderr and an exit code. */
#ifndef KSKIT_CLI_H
#define KSKIT_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include <ldns/ldns.h>
#include <p11-kit/pkcs11.h>

#include "lib/p11.h"
#include "lib/token.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct cli_cmd {
	const char *group; /* "token", or NULL for a top-level command */
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* The program name and subcommand, for messages: "kskit token show". */
extern const char *cli_name;

/* Print "kskit CMD: what: message (detail)" and return EXIT_FAIL.
 * what may be NULL. */
int cli_fail(const char *what, int code);

/* Print a usage error and the usage text; return EXIT_USAGE. */
int cli_usage(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print the usage text to stdout; return EXIT_OK. */
int cli_help(const char *usage);

/* What a subcommand works on: the selection, its modules, the token. */
struct cli_token {
	struct kskit_sel *sel;
	struct kskit_p11 *p11;
	struct kskit_token *tok;
};

/* Parse uri and --module, load the modules, open the token (flags from
 * token.h).  Errors are printed; returns EXIT_OK, EXIT_FAIL or EXIT_USAGE. */
int cli_open(const char *uri, const char *module, unsigned flags, struct cli_token *ct);
void cli_close(struct cli_token *ct);

/* Log in as user (CKU_USER) or SO (CKU_SO), getting the PIN from
 * pin-source (user only), KSKIT_PIN / KSKIT_SO_PIN, or a prompt without
 * echo.  Errors printed (with the token's PIN count flags); EXIT_* result. */
int cli_login(struct cli_token *ct, CK_USER_TYPE who);

/* cli_login(), keeping the PIN in *pin (a secret string, or NULL on a PIN
 * pad) for a token's own tool that needs it too. */
int cli_login_keep(struct cli_token *ct, CK_USER_TYPE who, char **pin);

/* Get a PIN: pin_source (may be NULL), then environment variable env, then
 * a prompt on the terminal without echo (typed twice when confirm).
 * *pin is a secret string: free with kskit_secret_free().  0 or kskit code. */
int cli_get_pin(const char *what, const char *pin_source, const char *env, int confirm, char **pin);

/* n bytes from the token's C_GenerateRandom, logging in first only when
 * the token asks for it.  0, KSKIT_ECANCELED after a failed login (said
 * already), or another kskit code. */
int cli_random(struct cli_token *ct, uint8_t *buf, size_t n);

/* Ask on the terminal to type expected to go on.  0 when typed, otherwise
 * KSKIT_ECANCELED (also when there is no terminal). */
int cli_confirm(const char *question, const char *expected);

/* OpenSSL's pem_password_cb for an encrypted PEM key, arg its path: the
 * passphrase from KSKIT_KEY_PASSPHRASE or the terminal. */
int cli_pem_passphrase(char *buf, int size, int rwflag, void *arg);

/* Read a line from the terminal without echo into a secret string. */
int cli_read_secret(const char *prompt, char **out);

/* Read a whole regular file of at most max bytes into *text (malloc()ed,
 * NUL-terminated; *len without the NUL).  0, KSKIT_EIO or KSKIT_ENOMEM. */
int cli_read_file(const char *path, size_t max, char **text, size_t *len);

/* Write path atomically, never over an existing file (KSKIT_EEXIST), mode
 * 0600 when secret else 0644. */
int cli_write_file(const char *path, const void *data, size_t len, int secret);

/* The SHA-256 of len bytes of data in lowercase hex. */
void cli_sha256_hex(const void *data, size_t len, char hex[65]);

/* A Key Signing Request (skr 0) or Signed Key Response (skr 1) in any form
 * kskit reads (Knot or BIND text, IANA XML), at most CLI_KSR_MAX bytes;
 * its text in *text (free()).  Free *ksr with kskit_ksr_free(). */
#define CLI_KSR_MAX (16u << 20)
struct kskit_ksr;
int cli_read_ksr(const char *path, int skr, struct kskit_ksr **ksr, char **text, size_t *len);

/* Progress of a long run of token signatures (a smartcard signs about
 * once a second): after two seconds, and then every five, a line on
 * stderr saying how many signatures the token made and at what rate.
 * Give cli_progress_signed to kskit_signer_set_progress() with a struct
 * cli_progress (zeroed, what set) shared by all signers of one run. */
struct cli_progress {
	const char *what; /* "signatures" by default */
	uint64_t start, last, count;
};
void cli_progress_signed(void *progress, uint64_t count, uint64_t token_ns);

/* Print name, size, SHA-256 in hex and as PGP words to out, as the
 * ceremony log records every file. */
int cli_print_digest(FILE *out, const char *name, const void *data, size_t len);

/* The DNSKEY of a BIND K*.key file (comment lines, then one DNSKEY),
 * whose flags must be flags (KSKIT_DNSKEY_KSK or _ZSK).  0 or
 * KSKIT_EKEYFILE.  Free *out with ldns_rr_free(). */
int cli_read_dnskey(const char *path, uint16_t flags, ldns_rr **out);

/* A trust anchor: the first record of a DS file (kskit keygen's .ds) or a
 * KSK's .key file.  0 or KSKIT_EKEYFILE.  Free *out with ldns_rr_free(). */
int cli_read_anchor(const char *path, ldns_rr **out);

/* A duration: seconds, or a number with s, m, h, d or w; at most max
 * seconds.  0 or -1. */
int cli_duration(const char *s, unsigned long max, unsigned long *out);

/* Parse a decimal number within [min, max]; 0 or -1. */
int cli_number(const char *s, unsigned long min, unsigned long max, unsigned long *out);

#endif
