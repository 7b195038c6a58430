#include <stdio.h>
#include <openssl/rand.h>

#include "error.h"
#include "uuid.h"

int kskit_uuid4(char out[37])
{
	unsigned char b[16];

	out[0] = '\0';
	if (RAND_bytes(b, sizeof(b)) != 1)
		return KSKIT_ECRYPTO;
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
	return 0;
}
