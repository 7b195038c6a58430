/* Command APDUs (ISO 7816-4 short and extended cases) and their dispatch;
 * the file commands: SELECT, READ BINARY, UPDATE BINARY, DELETE FILE,
 * ENUMERATE OBJECTS; GET CHALLENGE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "sc-hsm-emu.h"

/* The SmartCard-HSM application (OpenSC's sc_hsm_aid). */
static const uint8_t AID[] = { 0xE8, 0x2B, 0x06, 0x01, 0x04, 0x01, 0x81, 0xC3, 0x1F, 0x02, 0x01 };

/* Response data fits a vpcd message (65535 bytes) with its SW. */
#define MAX_RESPONSE 65533

static int parse_apdu(const uint8_t *b, size_t len, struct apdu *a)
{
	size_t lc;

	memset(a, 0, sizeof(*a));
	if (len < 4)
		return -1;
	a->cla = b[0];
	a->ins = b[1];
	a->p1 = b[2];
	a->p2 = b[3];
	b += 4;
	len -= 4;
	if (len == 0)
		return 0;
	if (len == 1) {
		a->ne = b[0] ? b[0] : 256;
		return 0;
	}
	if (b[0] != 0) {
		lc = b[0];
		if (len != 1 + lc && len != 2 + lc)
			return -1;
		a->data = b + 1;
		a->lc = lc;
		if (len == 2 + lc)
			a->ne = b[1 + lc] ? b[1 + lc] : 256;
		return 0;
	}
	if (len == 3) {
		a->ne = (size_t)b[1] << 8 | b[2];
		a->ne = a->ne ? a->ne : 65536;
		return 0;
	}
	lc = (size_t)b[1] << 8 | b[2];
	if (lc == 0 || (len != 3 + lc && len != 5 + lc))
		return -1;
	a->data = b + 3;
	a->lc = lc;
	if (len == 5 + lc) {
		a->ne = (size_t)b[3 + lc] << 8 | b[4 + lc];
		a->ne = a->ne ? a->ne : 65536;
	}
	return 0;
}

void card_reset(struct card *c)
{
	c->pin_ok = 0;
	c->cur_fid = 0;
}

/* A key's file exists; its content is never read out. */
static int is_key(uint16_t fid)
{
	return fid >> 8 == PREFIX_KEY;
}

static int select_aid(struct card *c, const struct apdu *a, struct buf *out)
{
	uint8_t prop[5] = { 0x00, (uint8_t)(c->options[1] & ~0x04), 0xFF, 0x03, 0x05 };
	size_t mark;

	if (a->lc != sizeof(AID) || memcmp(a->data, AID, sizeof(AID)) != 0)
		return SW_NOT_FOUND;
	card_reset(c);
	if (a->p2 == 0x0C)
		return SW_OK;
	mark = tlv_begin(out, 0x62);
	buf_tlv(out, 0x82, "\x38", 1);
	buf_tlv(out, 0x84, AID, sizeof(AID));
	buf_tlv(out, 0x85, prop, sizeof(prop));
	tlv_end(out, mark);
	return SW_OK;
}

static int cmd_select(struct card *c, const struct apdu *a, struct buf *out)
{
	struct file *f;
	uint16_t fid;
	size_t mark;
	uint8_t v[2];

	if (a->p1 == 0x04)
		return select_aid(c, a, out);
	if ((a->p1 != 0x00 && a->p1 != 0x02 && a->p1 != 0x08) || a->lc < 2 || a->lc % 2)
		return a->lc == 0 ? SW_WRONG_LENGTH : SW_WRONG_P1P2;
	fid = (uint16_t)(a->data[a->lc - 2] << 8 | a->data[a->lc - 1]);
	f = card_file(c, fid);
	if (f == NULL)
		return SW_NOT_FOUND;
	c->cur_fid = fid;
	if (a->p2 == 0x0C)
		return SW_OK;
	mark = tlv_begin(out, 0x62);
	v[0] = (uint8_t)(f->len >> 8);
	v[1] = (uint8_t)f->len;
	buf_tlv(out, 0x80, v, 2);
	buf_tlv(out, 0x82, "\x01", 1);
	v[0] = (uint8_t)(fid >> 8);
	v[1] = (uint8_t)fid;
	buf_tlv(out, 0x83, v, 2);
	tlv_end(out, mark);
	return SW_OK;
}

/* READ BINARY: B0 with the offset in P1-P2 from the current file, or B1
 * with the file in P1-P2 (0000: the current one) and the offset in tag 54.
 * Short of Ne bytes at the end of the file: 6282. */
static int cmd_read(struct card *c, const struct apdu *a, struct buf *out)
{
	uint16_t fid = c->cur_fid;
	size_t off = 0, n, len;
	const uint8_t *v;
	struct file *f;

	if (a->ins == 0xB0) {
		if (a->p1 & 0x80)
			return SW_FUNC_UNSUPPORTED;
		off = (size_t)a->p1 << 8 | a->p2;
	} else {
		if (a->p1 || a->p2)
			fid = (uint16_t)(a->p1 << 8 | a->p2);
		v = tlv_find(a->data, a->lc, 0x54, &len);
		if (v == NULL || len != 2)
			return SW_WRONG_DATA;
		off = (size_t)v[0] << 8 | v[1];
	}
	f = card_file(c, fid);
	if (f == NULL)
		return SW_NOT_FOUND;
	if (is_key(fid))
		return SW_SECURITY;
	c->cur_fid = fid;
	if (off > f->len)
		return 0x6B00;
	n = f->len - off;
	if (a->ne < n)
		n = a->ne;
	if (n > MAX_RESPONSE)
		n = MAX_RESPONSE;
	buf_put(out, f->data + off, n);
	return n < a->ne ? SW_EOF : SW_OK;
}

static int protected_fid(uint16_t fid)
{
	return is_key(fid) || fid == FID_DEVCERT;
}

/* UPDATE BINARY D7: the file in P1-P2 (0000: the current one), 54 offset,
 * 53 data; creates the file.  D6: the current file, offset in P1-P2. */
static int cmd_update(struct card *c, const struct apdu *a)
{
	uint16_t fid = c->cur_fid;
	const uint8_t *v, *data = a->data;
	size_t off, len = a->lc;
	struct file *f;
	uint8_t *grown;

	if (!c->pin_ok)
		return SW_SECURITY;
	if (a->ins == 0xD6) {
		off = (size_t)a->p1 << 8 | a->p2;
	} else {
		if (a->p1 || a->p2)
			fid = (uint16_t)(a->p1 << 8 | a->p2);
		v = tlv_find(a->data, a->lc, 0x54, &len);
		data = tlv_find(a->data, a->lc, 0x53, &len);
		if (v == NULL || data == NULL)
			return SW_WRONG_DATA;
		off = (size_t)v[0] << 8 | v[1];
	}
	if (fid == 0)
		return SW_NOT_FOUND;
	if (protected_fid(fid))
		return SW_SECURITY;
	f = card_file(c, fid);
	if (f == NULL && (f = card_file_put(c, fid, NULL, 0)) == NULL)
		return SW_MEMORY;
	if (off + len > f->len) {
		grown = realloc(f->data, off + len);
		if (grown == NULL)
			return SW_MEMORY;
		memset(grown + f->len, 0, off + len - f->len);
		f->data = grown;
		f->len = off + len;
	}
	if (len > 0)
		memcpy(f->data + off, data, len);
	c->cur_fid = fid;
	return card_save(c) < 0 ? SW_MEMORY : SW_OK;
}

static int cmd_delete(struct card *c, const struct apdu *a)
{
	uint16_t fid;

	if (!c->pin_ok)
		return SW_SECURITY;
	if (a->p1 != 0x02 || a->lc != 2)
		return SW_WRONG_P1P2;
	fid = (uint16_t)(a->data[0] << 8 | a->data[1]);
	if (fid == DEVICE_KEY_FID || fid == FID_DEVCERT)
		return SW_SECURITY;
	if (card_file(c, fid) == NULL)
		return SW_NOT_FOUND;
	card_file_delete(c, fid);
	if (c->cur_fid == fid)
		c->cur_fid = 0;
	return card_save(c) < 0 ? SW_MEMORY : SW_OK;
}

static int fid_order(const void *x, const void *y)
{
	const struct file *a = x, *b = y;

	return (a->fid == DEVICE_KEY_FID ? -1 : a->fid) - (b->fid == DEVICE_KEY_FID ? -1 : b->fid);
}

/* ENUMERATE OBJECTS: the file identifiers, the device key CC00 first, so
 * that OpenSC, taking the first free CCxx, gives user keys 1 and up. */
static int cmd_enumerate(struct card *c, struct buf *out)
{
	size_t i;

	qsort(c->files, c->nfiles, sizeof(*c->files), fid_order);
	for (i = 0; i < c->nfiles; i++)
		buf_u16(out, c->files[i].fid);
	return SW_OK;
}

static int cmd_challenge(const struct apdu *a, struct buf *out)
{
	uint8_t r[1024];

	if (a->ne == 0 || a->ne > sizeof(r))
		return SW_WRONG_LENGTH;
	if (RAND_bytes(r, (int)a->ne) != 1)
		return SW_MEMORY;
	buf_put(out, r, a->ne);
	return SW_OK;
}

static int dispatch(struct card *c, const struct apdu *a, struct buf *out)
{
	if (a->cla != 0x00 && a->cla != 0x80)
		return SW_INS_UNSUPPORTED;
	switch (a->ins) {
	case 0xA4:
		return cmd_select(c, a, out);
	case 0xB0:
	case 0xB1:
		return cmd_read(c, a, out);
	case 0xD6:
	case 0xD7:
		return cmd_update(c, a);
	case 0xE4:
		return cmd_delete(c, a);
	case 0x58:
		return cmd_enumerate(c, out);
	case 0x84:
		return cmd_challenge(a, out);
	case 0x20:
		return cmd_verify(c, a);
	case 0x24:
		return cmd_change_pin(c, a);
	case 0x2C:
		return cmd_reset_retry(c, a);
	case 0x50:
		return cmd_initialize(c, a);
	case 0x46:
		return cmd_generate(c, a, out);
	case 0x68:
		return cmd_sign(c, a, out);
	case 0x52:
		return cmd_import_dkek(c, a, out);
	case 0x72:
		return cmd_wrap(c, a, out);
	case 0x74:
		return cmd_unwrap(c, a);
	default:
		return SW_INS_UNSUPPORTED;
	}
}

size_t card_process(struct card *c, const uint8_t *apdu, size_t len, uint8_t *rsp)
{
	struct buf out = { 0 };
	struct apdu a;
	size_t n = 0;
	int sw;

	if (parse_apdu(apdu, len, &a) < 0)
		sw = SW_WRONG_LENGTH;
	else
		sw = dispatch(c, &a, &out);
	if (out.err)
		sw = SW_MEMORY;
	if ((sw == SW_OK || sw == SW_EOF) && out.len <= MAX_RESPONSE) {
		if (out.len > 0)
			memcpy(rsp, out.p, out.len);
		n = out.len;
	} else if (sw == SW_OK) {
		sw = SW_MEMORY;
	}
	if (c->verbose)
		fprintf(stderr, "sc-hsm-emu: %02X %02X %02X %02X lc=%zu ne=%zu -> %zu bytes %04X\n",
			a.cla, a.ins, a.p1, a.p2, a.lc, a.ne, n, (unsigned)sw);
	rsp[n++] = (uint8_t)(sw >> 8);
	rsp[n++] = (uint8_t)sw;
	buf_free(&out);
	return n;
}
