/* cli-dkek.h - what the DKEK commands share: custodians' passphrases,
 * rebuilding a DKEK from share files, splitting one into share files. */
#ifndef KSKIT_CLI_DKEK_H
#define KSKIT_CLI_DKEK_H

#include <stddef.h>
#include <stdint.h>

#include "lib/dkekshare.h"

#define KSKIT_SHAMIR_SPLIT_MAX 32

/* Options of the commands that write shares. */
struct cli_split {
	char *custodians[KSKIT_SHAMIR_SPLIT_MAX];
	unsigned n, k;
	const char *dir;
	struct kskit_scrypt kdf;
};

/* Parse --custodians a,b,c (names for file names: no '/', no leading '.').
 * s->custodians point into list, which must outlive s.  0 or -1 (said). */
int cli_split_custodians(struct cli_split *s, char *list);

/* The passphrase of a custodian: the file DIR/NAME when dir is given
 * (scripted ceremonies, tests), else typed on the terminal (twice when
 * confirm, then at least 12 characters).  A secret string. */
int cli_custodian_passphrase(const char *dir, const char *name, int confirm, char **pass);

/* Read and open the share files paths[0..n-1], one custodian after the
 * other, saying after each how many are still missing; rebuild the DKEK
 * into dkek (the caller's secret buffer) and its KCV.  Errors printed;
 * EXIT_* result.  Nothing is written anywhere. */
int cli_dkek_rebuild(char **paths, size_t n, const char *passdir, uint8_t *dkek,
		     uint8_t kcv[KSKIT_DKEK_KCV_LEN]);

/* Split dkek k of n among s's custodians into DIR/NAME.share (0600, never
 * over an existing file), each sealed with that custodian's passphrase;
 * print each file's digest.  Errors printed; EXIT_* result. */
int cli_dkek_split(const uint8_t *dkek, const struct cli_split *s, const char *passdir);

/* kskit dkek create --sc-hsm and import --sc-hsm (dkek-schsm.c). */
int cmd_dkek_create_schsm(int argc, char **argv);
int cmd_dkek_import_schsm(int argc, char **argv);

/* Whether argv has the option opt before a "--". */
int cli_has_option(int argc, char **argv, const char *opt);

/* len secret bytes into buf: OpenSSL's, and when uri is not NULL XORed
 * with the token's C_GenerateRandom (ct opened for it: the caller closes
 * it, and may use it on).  Errors printed; EXIT_* result. */
int cli_secret_random(const char *uri, const char *module, struct cli_token *ct, uint8_t *buf,
		      size_t len);

/* The KCV as the SmartCard-HSM shows it: 16 hex digits. */
void cli_print_kcv(const char *what, const uint8_t kcv[KSKIT_DKEK_KCV_LEN]);

#endif
