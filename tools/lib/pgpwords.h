/* pgpwords.h - the PGP word list (Juola & Zimmermann, 1995; public domain).
 *
 * Turns bytes into words an operator can read aloud and another can check,
 * as the root zone's KSR signer does with a request's SHA-256 before it
 * signs.  Two lists of 256 words each: bytes at even positions (0, 2, ...)
 * take a two-syllable word, bytes at odd positions a three-syllable word,
 * so a dropped, repeated or swapped word is heard.  Capitalisation as in the
 * published list ("Istanbul", "Pluto").
 *
 * Example: E5 82 94 F2 -> "topmost Istanbul Pluto vagabond".
 */
#ifndef KSKIT_PGPWORDS_H
#define KSKIT_PGPWORDS_H

#include <stddef.h>

/* The word for byte (0..255) at an even position (odd == 0) or an odd
 * position (odd != 0).  A static string; NULL when byte > 255. */
const char *kskit_pgp_word(unsigned byte, int odd);

/* The words for data[0..len-1], the first byte at an even position,
 * separated by single spaces, no trailing space or newline ("" when len is
 * 0).  The caller frees the result with free().  NULL when out of memory
 * (or when len is too large for the result to fit in a size_t). */
char *kskit_pgp_words(const unsigned char *data, size_t len);

#endif
