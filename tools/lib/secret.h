/* secret.h - handling of PINs and key material in memory.
 *
 * Secrets live in buffers from kskit_secret_alloc(): locked in RAM where the
 * system allows, and wiped by kskit_secret_free() before they are released.
 */
#ifndef KSKIT_SECRET_H
#define KSKIT_SECRET_H

#include <stddef.h>

/* Forbid core dumps and ptrace attach by other users' processes.
 * Call once at program start.  Returns 0 or KSKIT_EPERM. */
int kskit_secure_process(void);

/* Zeroed, mlock()ed buffer of len bytes (+1 for a terminating NUL) on
 * pages of its own, or NULL when out of memory.  Free with kskit_secret_free(). */
void *kskit_secret_alloc(size_t len);

/* Wipe the whole buffer p came with, unlock and free it.  NULL is ignored. */
void kskit_secret_free(void *p);

#endif
