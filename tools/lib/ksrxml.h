/* ksrxml.h - Key Signing Requests and Signed Key Responses in the root
 * zone's IANA XML form (ksr.rnc of iana-org/dnssec-keytools; vectors in
 * tests/unit/data/iana/), read into and written from the struct kskit_ksr
 * the text forms use.
 *
 *   <KSR id domain serial>
 *     <Request timestamp?> <RequestPolicy><ZSK>policy</ZSK></RequestPolicy>
 *       <RequestBundle id> Inception Expiration Signer* Key+ Signature+ ...
 *     or <Response timestamp?> <ResponsePolicy><KSK/><ZSK/></ResponsePolicy>
 *       <ResponseBundle id> Inception Expiration Key+ Signature+ ...
 *
 * A bundle's records are its Keys as DNSKEYs, then its Signatures as
 * RRSIGs, owner the domain, class IN; key_ids[i] is the keyIdentifier of
 * record i.  Durations (PublishSafety...) are xsd:durations of days, hours,
 * minutes and seconds (P21D, PT0S, P1DT12H); years and months, whose length
 * varies, are refused.  dateTimes are UTC: "2017-04-01T00:00:00" with Z,
 * +00:00 or another offset, or none.
 */
#ifndef KSKIT_KSRXML_H
#define KSKIT_KSRXML_H

#include <stddef.h>

#include "ksr.h"

/* Parse len bytes of XML.  The structure is checked against the schema
 * (element order, required attributes, number ranges), each Key's keyTag
 * against its DNSKEY, each Signature's TypeCovered (DNSKEY) and SignersName
 * (the domain).  No DTD, entity or network access: a DOCTYPE is refused.
 * KSKIT_EKSR with the element and what is wrong.  Free with
 * kskit_ksr_free(). */
int kskit_ksrxml_parse(const char *text, size_t len, struct kskit_ksr **out);

/* ksr as XML, Request or Response by ksr->skr, laid out as the root's own
 * SKRs are.  *out malloc()ed, NUL-terminated. */
int kskit_ksrxml_format(const struct kskit_ksr *ksr, char **out);

#endif
