/* zone-parts.h - inside kskit_zone_read: the zone file read by several
 * threads at once, each from a line where a record with its own owner
 * starts, with the $ORIGIN and $TTL in force there. */
#ifndef KSKIT_ZONE_PARTS_H
#define KSKIT_ZONE_PARTS_H

#include <stddef.h>
#include <ldns/ldns.h>

/* Every record of the file at path as ldns reads it, in file order, into
 * *rrs (*n of them, malloc()ed); DNSSEC records counted in *dropped and
 * left out.  KSKIT_EZONE with the first bad line's number and reason,
 * KSKIT_EIO when the file cannot be read. */
int kskit_zone_records(const char *path, const ldns_rdf *origin, ldns_rr ***rrs, size_t *n,
		       size_t *dropped);

#endif
