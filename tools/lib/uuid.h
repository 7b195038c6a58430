/* uuid.h - random (version 4) UUIDs, RFC 9562: the ids of IANA's KSR
 * bundles and of RFC 7958 trust anchors. */
#ifndef KSKIT_UUID_H
#define KSKIT_UUID_H

/* out: 36 lowercase characters and a NUL, from OpenSSL's RNG.
 * KSKIT_ECRYPTO when the RNG fails (out is then empty). */
int kskit_uuid4(char out[37]);

#endif
