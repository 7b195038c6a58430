/* backup.h - the key backup file: private keys wrapped for another token.
 *
 * A text file of one or more records, each:
 *
 *   kskit key backup 1
 *   label: <CKA_LABEL>
 *   id: <CKA_ID, hex>
 *   key-type: rsa | ec | eddsa
 *   key-size: <bits: modulus, or curve>
 *   algorithm: <DNSSEC algorithm number the key tags below are for>
 *   ksk-tag: <DNSKEY key tag with flags 257>
 *   zsk-tag: <DNSKEY key tag with flags 256>
 *   extractable: yes | no          (restored as it was: CKA_EXTRACTABLE)
 *   wrap: aes-key-wrap-pad         (RFC 5649; the private key as PKCS#8), or
 *   wrap: sc-hsm-tool              (a SmartCard-HSM's own wrapped key, as
 *                                   sc-hsm-tool --wrap-key writes it: for
 *                                   SmartCard-HSMs with the DKEK alone)
 *   kek: dkek <KCV, hex>           (the DKEK of custodian shares), or
 *   kek: rsa-oaep-sha1             (an AES-256 key made for this backup,
 *   transport-key: <base64 SPKI>    wrapped under the target token's
 *   kek-wrapped: <base64>           transport key, which alone unwraps it)
 *   wrapped-key: <base64>
 *   public-key: <base64 DER SubjectPublicKeyInfo>
 *   public-key-sha256: <hex>
 *   check: <SHA-256 of the record's lines above, hex>
 *
 * Reading refuses any line out of this order, any value it does not
 * understand, and a record whose key type, size, tags or hash disagree with
 * its public key.  Nothing in it is secret without the KEK.
 */
#ifndef KSKIT_BACKUP_H
#define KSKIT_BACKUP_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "alg.h"
#include "dkekshare.h"

#define KSKIT_BACKUP_LABEL_MAX 128
#define KSKIT_BACKUP_ID_MAX 64

enum kskit_backup_kek { KSKIT_KEK_DKEK, KSKIT_KEK_TRANSPORT };

struct kskit_backup {
	char label[KSKIT_BACKUP_LABEL_MAX];
	uint8_t id[KSKIT_BACKUP_ID_MAX];
	size_t id_len;
	EVP_PKEY *pub;
	const struct kskit_alg *alg; /* of pub, by kskit_alg_for_pkey() */
	uint16_t ksk_tag, zsk_tag;
	int extractable;
	int schsm; /* wrap: sc-hsm-tool */
	enum kskit_backup_kek kek;
	uint8_t kcv[KSKIT_DKEK_KCV_LEN]; /* KSKIT_KEK_DKEK */
	EVP_PKEY *transport;		 /* KSKIT_KEK_TRANSPORT */
	uint8_t *kek_wrapped;
	size_t kek_wrapped_len;
	uint8_t *wrapped;
	size_t wrapped_len;
};

/* Fill the tags and algorithm of b from b->pub.  0 or KSKIT_EKEY_TYPE. */
int kskit_backup_describe(struct kskit_backup *b);

/* Append b's record to the memory stream out. */
int kskit_backup_write(const struct kskit_backup *b, char **text, size_t *len);

/* Every record of a backup file: *out (kskit_backup_free_all()) of *count.
 * KSKIT_EBACKUP with the line when anything is off. */
int kskit_backup_read(const char *text, size_t len, struct kskit_backup **out, size_t *count);

void kskit_backup_clear(struct kskit_backup *b);
void kskit_backup_free_all(struct kskit_backup *b, size_t count);

#endif
