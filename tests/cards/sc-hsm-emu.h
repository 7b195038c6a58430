/*
 * sc-hsm-emu: a software SmartCard-HSM for the tests, driven by the real
 * OpenSC (opensc-pkcs11.so, pkcs11-tool, pkcs15-init, sc-hsm-tool) through
 * pcscd and vsmartcard's vpcd reader.  One process is one card in one
 * reader slot; its state lives in one file, rewritten after every change.
 *
 * Modules: sc-hsm-vpcd.c (main, the vpcd connection), sc-hsm-apdu.c
 * (APDU parsing, dispatch, files), sc-hsm-pin.c (PINs, INITIALIZE),
 * sc-hsm-gen.c (GENERATE and SIGN), sc-hsm-key.c (keys: storage form,
 * public key encoding, signatures), sc-hsm-cvc.c (TLV and CV
 * certificates), sc-hsm-dkek.c (DKEK shares, key wrap and unwrap),
 * sc-hsm-store.c (card state and its file).
 */
#ifndef SC_HSM_EMU_H
#define SC_HSM_EMU_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/bn.h>
#include <openssl/evp.h>

/* Status words. */
enum {
	SW_OK = 0x9000,
	SW_EOF = 0x6282,
	SW_WRONG_LENGTH = 0x6700,
	SW_SECURITY = 0x6982,
	SW_BLOCKED = 0x6983,
	SW_CONDITIONS = 0x6985,
	SW_WRONG_DATA = 0x6A80,
	SW_FUNC_UNSUPPORTED = 0x6A81,
	SW_NOT_FOUND = 0x6A82,
	SW_WRONG_P1P2 = 0x6A86,
	SW_REF_NOT_FOUND = 0x6A88,
	SW_EXISTS = 0x6A89,
	SW_INS_UNSUPPORTED = 0x6D00,
	SW_MEMORY = 0x6581,
};

/* Key CCxx (OpenSC's card-sc-hsm.h prefixes); CC00 is the device key. */
#define PREFIX_KEY 0xCC
#define DEVICE_KEY_FID 0xCC00
#define FID_DEVCERT 0x2F02

/* A growable byte buffer; err is set once an allocation failed. */
struct buf {
	uint8_t *p;
	size_t len, cap;
	int err;
};

void buf_put(struct buf *b, const void *data, size_t len);
void buf_u8(struct buf *b, unsigned v);
void buf_u16(struct buf *b, unsigned v);
/* A TLV with a 1- to 3-byte tag (e.g. 0x7F49) and a DER length. */
void buf_tlv(struct buf *b, unsigned tag, const void *data, size_t len);
/* Open a constructed TLV; close it with tlv_end(b, the returned mark). */
size_t tlv_begin(struct buf *b, unsigned tag);
/* A 2-byte big-endian length and the value; a number padded to PAD bytes
 * (0: its own length; NULL: empty). */
void buf_lv(struct buf *b, const void *data, size_t len);
void buf_lv_bn(struct buf *b, const BIGNUM *bn, int pad);
/* The next length-value field of p[0..*left), or NULL when short. */
const uint8_t *lv_next(const uint8_t **p, size_t *left, size_t *len);
void tlv_end(struct buf *b, size_t mark);
void buf_free(struct buf *b);

/* The next TLV of p[0..*left): 0, or -1 when malformed or at the end. */
int tlv_next(const uint8_t **p, size_t *left, unsigned *tag, const uint8_t **val, size_t *len);
/* The value of the first TLV tagged TAG at the top level of p[0..n). */
const uint8_t *tlv_find(const uint8_t *p, size_t n, unsigned tag, size_t *len);

struct file {
	uint16_t fid;
	size_t len;
	uint8_t *data;
};

struct card {
	const char *path; /* the state file */
	char serial[12];
	int initialized;
	uint8_t pin[16];
	size_t pin_len;
	unsigned pin_tries, pin_max;
	uint8_t sopin[8];
	unsigned so_tries;
	uint8_t options[2];
	int dkek_set; /* a DKEK exists (random, or shares expected) */
	unsigned dkek_total, dkek_missing;
	uint8_t dkek[32];
	struct file *files;
	size_t nfiles;
	/* Volatile: lost on reset and on SELECT of the application. */
	int pin_ok;
	uint16_t cur_fid;
	int verbose;
};

/* sc-hsm-store.c */
int card_load(struct card *c, const char *path, const char *serial);
int card_save(const struct card *c);
void card_free(struct card *c);
struct file *card_file(struct card *c, uint16_t fid);
struct file *card_file_put(struct card *c, uint16_t fid, const uint8_t *data, size_t len);
void card_file_delete(struct card *c, uint16_t fid);
/* Erase every file and key but the device's own (INITIALIZE). */
void card_wipe_objects(struct card *c);
/* The device's CHR: its serial and a 5-digit sequence number. */
void card_chr(const struct card *c, char chr[17]);
/* The key in file CC<ref> (the caller frees it), or NULL. */
EVP_PKEY *card_key(struct card *c, unsigned ref);

/* sc-hsm-apdu.c: one command APDU in, response data + SW out (rsp holds
 * at least 65538 bytes); returns the response length. */
size_t card_process(struct card *c, const uint8_t *apdu, size_t len, uint8_t *rsp);
void card_reset(struct card *c);

/* The parsed command. */
struct apdu {
	uint8_t cla, ins, p1, p2;
	const uint8_t *data;
	size_t lc;
	size_t ne; /* 0 when no response data is expected */
};

/* Command handlers: response data into out, the SW as their result. */
int cmd_verify(struct card *c, const struct apdu *a);
int cmd_change_pin(struct card *c, const struct apdu *a);
int cmd_reset_retry(struct card *c, const struct apdu *a);
int cmd_initialize(struct card *c, const struct apdu *a);
int cmd_generate(struct card *c, const struct apdu *a, struct buf *out);
int cmd_sign(struct card *c, const struct apdu *a, struct buf *out);
int cmd_import_dkek(struct card *c, const struct apdu *a, struct buf *out);
int cmd_wrap(struct card *c, const struct apdu *a, struct buf *out);
int cmd_unwrap(struct card *c, const struct apdu *a);

/* sc-hsm-key.c: keys in the card's storage form (struct file data).
 * Functions returning an EVP_PKEY give a new one that the caller frees. */
EVP_PKEY *key_decode(const uint8_t *data, size_t len);
int key_encode(EVP_PKEY *pkey, struct buf *out);
/* The public key as the contents of a CVC's 7F49 with OID, for EC with
 * the curve's domain parameters (OpenSC finds the curve by the prime). */
int key_cvc_public(EVP_PKEY *pkey, const uint8_t *oid, size_t oidlen, struct buf *out);
/* A new EC key on curve NID (the device key is P-256). */
EVP_PKEY *key_new_ec(int nid);
int key_ec_nid(EVP_PKEY *pkey);
/* From n, e, d and optionally p, q, dp, dq, qinv (NULL or zero: absent). */
EVP_PKEY *key_rsa_from(BIGNUM *const parts[8]);
EVP_PKEY *key_ec_from(int nid, const BIGNUM *d, const uint8_t *pub, size_t publen);
/* The curve whose prime is p[0..len), or NID_undef. */
int key_curve_by_prime(const uint8_t *p, size_t len);
/* Raw signature over data with the algorithm byte of SIGN (0x20, 0x70-0x73),
 * SW_OK or an SW. */
int key_sign(EVP_PKEY *pkey, unsigned algo, const uint8_t *data, size_t len, struct buf *out);

/* sc-hsm-cvc.c */
extern const uint8_t OID_TA_RSA_SHA256[10];
extern const uint8_t OID_TA_ECDSA_SHA256[10];
/* An authenticated CV request '67' for pkey: the inner CVC signed with
 * pkey itself, the outer signature by the device key (outer CAR). */
int cvc_request(EVP_PKEY *pkey, EVP_PKEY *devkey, const char *car, const char *chr,
		const char *outer_car, struct buf *out);
/* EF.C_DevAut: the device CVC followed by its issuer's CVC. */
int cvc_device_certs(EVP_PKEY *devkey, const char *chr, struct buf *out);

#endif
