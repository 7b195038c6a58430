/* cli-schsm.h - SmartCard-HSMs through OpenSC's own tools.
 *
 * What PKCS#11 cannot do with a SmartCard-HSM (import a DKEK share, wrap
 * and unwrap a key under the DKEK) goes through OpenSC's sc-hsm-tool, and
 * the key references it needs come from pkcs15-tool.  A password or PIN
 * is typed at the tool's own prompt on a pseudo-terminal, never put on its
 * command line.  The card is named by its reader: the
 * PKCS#11 slot description OpenSC gives the slot.
 */
#ifndef KSKIT_CLI_SCHSM_H
#define KSKIT_CLI_SCHSM_H

#include <stddef.h>
#include <stdint.h>

#include "lib/dkekshare.h"
#include "lib/token.h"

/* Non-zero when the token is a SmartCard-HSM behind OpenSC. */
int cli_is_schsm(struct kskit_token *tok);

/* The reader the token's card is in, for the tools' --reader. */
int cli_schsm_reader(struct kskit_token *tok, char *reader, size_t size);

/* A prompt of the tool's, and what to type at it. */
struct cli_answer {
	const char *prompt;
	const char *text;
};

/* Run argv[0] (found on PATH) with its arguments on a pseudo-terminal of
 * its own (OpenSC 0.23's prompts need one); each time the next of the
 * answers' prompts appears in its output and the tool has turned echo off
 * to read it, type that answer and a newline (sooner would be flushed, and
 * echoed).  Its output into
 * *out (malloc()ed, NUL-terminated; may be NULL).  0 when it exits 0
 * having asked every prompt; otherwise KSKIT_EINIT_TOOL with its last line
 * of output, or the signal that ended it, as the detail. */
int cli_schsm_run(const char *const *argv, const struct cli_answer *answers, size_t n_answers,
		  char **out);

/* The card's DKEK: shares it was initialised for, how many are still
 * missing, and its key-check value (all zero while shares are missing). */
int cli_schsm_dkek_info(const char *reader, unsigned *total, unsigned *missing,
			uint8_t kcv[KSKIT_DKEK_KCV_LEN]);

/* Import one sc-hsm-tool share file under password. */
int cli_schsm_import_share(const char *reader, const char *path, const char *password);

/* Import the 32-byte share into the card: sealed in sc-hsm-tool's format
 * under a one-time password that goes to the tool on its standard input
 * (passwords of any bytes, a rebuilt n-of-m one, a DKEK rebuilt from
 * kskit's custodian shares: all go in the same way), in a private
 * directory removed after. */
int cli_schsm_import_secret(const char *reader, const uint8_t share[32]);

/* The card's key reference of the private key with this CKA_ID. */
int cli_schsm_key_ref(const char *reader, const uint8_t *id, size_t id_len, unsigned *ref);

/* The lowest key reference (1..255) no key uses. */
int cli_schsm_free_ref(const char *reader, unsigned *ref);

/* sc-hsm-tool --wrap-key of key reference ref into *blob (malloc()ed). */
int cli_schsm_wrap(const char *reader, unsigned ref, const char *pin, uint8_t **blob, size_t *len);

/* sc-hsm-tool --unwrap-key of blob into key reference ref. */
int cli_schsm_unwrap(const char *reader, unsigned ref, const char *pin, const uint8_t *blob,
		     size_t len);

#endif
