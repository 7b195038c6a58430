/* sigcache.h - the RRSIGs of the zone as it was signed last time, found
 * by owner, type covered, algorithm and key tag: the signer keeps those
 * that still verify over the same data and have time left, and signs only
 * the rest (a token signs a few hundred signatures a second at best). */
#ifndef KSKIT_SIGCACHE_H
#define KSKIT_SIGCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <ldns/ldns.h>

struct kskit_sigcache;

/* The RRSIGs in the signed zone file at path that are owned by origin's
 * zone, one a line as kskit signer writes them; other lines are passed
 * over (a record that does not read is only a signature not kept).  A
 * missing file gives an empty cache.  0, KSKIT_EIO when the file is there
 * but cannot be read, KSKIT_ENOMEM. */
int kskit_sigcache_read(const char *path, const ldns_rdf *origin, struct kskit_sigcache **out);

void kskit_sigcache_free(struct kskit_sigcache *c);

/* How many signatures it holds. */
size_t kskit_sigcache_count(const struct kskit_sigcache *c);

/* The RRSIG over owner's RRset of type covered by key tag of algorithm
 * alg (the one that expires last, if there were several), or NULL. */
const ldns_rr *kskit_sigcache_find(const struct kskit_sigcache *c, const ldns_rdf *owner,
				   ldns_rr_type covered, uint8_t alg, uint16_t tag);

#endif
