/* rng.h - random bytes from a token, and into the kernel. */
#ifndef KSKIT_RNG_H
#define KSKIT_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "token.h"

/* Fill buf with n bytes from C_GenerateRandom, in chunks the token accepts. */
int kskit_token_random(struct kskit_token *tok, uint8_t *buf, size_t n);

/* Mix n bytes into the kernel's input pool with RNDADDENTROPY, crediting
 * credit_bits (at most 8 n), then ask for a reseed of the CRNG
 * (RNDRESEEDCRNG).  Needs CAP_SYS_ADMIN: KSKIT_EPERM without it.
 * dev is the random device, normally "/dev/random". */
int kskit_kernel_add_entropy(const char *dev, const uint8_t *buf, size_t n, unsigned credit_bits);

#endif
