/* anchor.h - an RFC 7958 trust anchor (the format of IANA's
 * root-anchors.xml) for a KSK's DS. */
#ifndef KSKIT_ANCHOR_H
#define KSKIT_ANCHOR_H

#include <time.h>
#include <ldns/ldns.h>

/* The XML of a trust anchor with one KeyDigest per DS (n of them, all of
 * one key), valid from valid_from; the KeyDigests' ids are key_id (an XML
 * name: no '+') and the digest type, source is the document's origin.
 * malloc()ed. */
char *kskit_anchor_xml(ldns_rr *const *ds, size_t n, const char *key_id, const char *source,
		       time_t valid_from);

#endif
