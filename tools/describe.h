/* describe.h - printing token objects the way `kskit token show` does. */
#ifndef KSKIT_DESCRIBE_H
#define KSKIT_DESCRIBE_H

#include <stdio.h>
#include <p11-kit/pkcs11.h>

#include "lib/token.h"

/* Print one object: class, key type and size or curve, label, id, the
 * protection attributes of keys, the DNSKEY key tags of key pairs, and the
 * object's PKCS#11 URI. */
void describe_object(FILE *f, struct kskit_token *tok, CK_OBJECT_HANDLE obj);

#endif
