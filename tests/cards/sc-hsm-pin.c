/* The user PIN (reference 81, 6 to 16 characters, a retry counter), the
 * SO-PIN (reference 88, 8 bytes, BCD from OpenSC, 15 tries), and
 * INITIALIZE DEVICE, which sets both and erases every key and file.
 * The PIN pad references 85 and 86 do not exist (6A88): OpenSC would
 * otherwise take the card for one with a protected authentication path. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "sc-hsm-emu.h"

#define SO_TRIES 15

/* 63Cx with x tries left, or 6983 when none is. */
static int tries_sw(unsigned left)
{
	return left == 0 ? SW_BLOCKED : 0x63C0 | (left > 15 ? 15 : left);
}

static int pin_ok(const struct card *c, const uint8_t *pin, size_t len)
{
	return len == c->pin_len && CRYPTO_memcmp(pin, c->pin, len) == 0;
}

/* Check a presented user PIN against the counter; SW_OK or why not. */
static int check_user(struct card *c, const uint8_t *pin, size_t len)
{
	if (c->pin_tries == 0)
		return SW_BLOCKED;
	if (!pin_ok(c, pin, len)) {
		c->pin_tries--;
		c->pin_ok = 0;
		return card_save(c) < 0 ? SW_MEMORY : tries_sw(c->pin_tries);
	}
	c->pin_ok = 1;
	if (c->pin_tries == c->pin_max)
		return SW_OK;
	c->pin_tries = c->pin_max;
	return card_save(c) < 0 ? SW_MEMORY : SW_OK;
}

static int check_so(struct card *c, const uint8_t *sopin, size_t len)
{
	if (c->so_tries == 0)
		return SW_BLOCKED;
	if (len < sizeof(c->sopin) || CRYPTO_memcmp(sopin, c->sopin, sizeof(c->sopin)) != 0) {
		c->so_tries--;
		return card_save(c) < 0 ? SW_MEMORY : tries_sw(c->so_tries);
	}
	if (c->so_tries == SO_TRIES)
		return SW_OK;
	c->so_tries = SO_TRIES;
	return card_save(c) < 0 ? SW_MEMORY : SW_OK;
}

static int set_pin(struct card *c, const uint8_t *pin, size_t len)
{
	if (len < 6 || len > sizeof(c->pin))
		return SW_WRONG_LENGTH;
	memcpy(c->pin, pin, len);
	c->pin_len = len;
	c->pin_tries = c->pin_max;
	return SW_OK;
}

int cmd_verify(struct card *c, const struct apdu *a)
{
	if (a->p1 != 0)
		return SW_WRONG_P1P2;
	if (!c->initialized || (a->p2 != 0x81 && a->p2 != 0x88))
		return SW_REF_NOT_FOUND;
	if (a->p2 == 0x88) {
		if (a->lc == 0)
			return tries_sw(c->so_tries);
		return check_so(c, a->data, a->lc);
	}
	if (a->lc == 0) {
		if (c->pin_ok && c->pin_tries > 0)
			return SW_OK;
		return tries_sw(c->pin_tries);
	}
	return check_user(c, a->data, a->lc);
}

int cmd_change_pin(struct card *c, const struct apdu *a)
{
	int sw;

	if (a->p1 != 0)
		return SW_WRONG_P1P2;
	if (!c->initialized || (a->p2 != 0x81 && a->p2 != 0x88))
		return SW_REF_NOT_FOUND;
	if (a->p2 == 0x88) {
		if (a->lc != 2 * sizeof(c->sopin))
			return SW_WRONG_LENGTH;
		sw = check_so(c, a->data, sizeof(c->sopin));
		if (sw != SW_OK)
			return sw;
		memcpy(c->sopin, a->data + sizeof(c->sopin), sizeof(c->sopin));
		return card_save(c) < 0 ? SW_MEMORY : SW_OK;
	}
	if (a->lc < c->pin_len + 6 || a->lc > c->pin_len + sizeof(c->pin))
		return SW_WRONG_LENGTH;
	sw = check_user(c, a->data, c->pin_len);
	if (sw != SW_OK)
		return sw;
	sw = set_pin(c, a->data + c->pin_len, a->lc - c->pin_len);
	if (sw == SW_OK && card_save(c) < 0)
		sw = SW_MEMORY;
	return sw;
}

/* RESET RETRY COUNTER: P1 00 with SO-PIN || new PIN, P1 01 with SO-PIN. */
int cmd_reset_retry(struct card *c, const struct apdu *a)
{
	size_t so = sizeof(c->sopin);
	int sw;

	if (a->p1 > 1)
		return SW_WRONG_P1P2;
	if (!c->initialized || a->p2 != 0x81)
		return SW_REF_NOT_FOUND;
	if (a->lc < so || (a->p1 == 0 && (a->lc < so + 6 || a->lc > so + sizeof(c->pin))) ||
	    (a->p1 == 1 && a->lc != so))
		return SW_WRONG_LENGTH;
	sw = check_so(c, a->data, so);
	if (sw != SW_OK)
		return sw;
	if (a->p1 == 0)
		set_pin(c, a->data + so, a->lc - so);
	c->pin_tries = c->pin_max;
	return card_save(c) < 0 ? SW_MEMORY : SW_OK;
}

/* INITIALIZE DEVICE: 80 options, 81 user PIN, 82 SO-PIN (initialization
 * code), 91 retry counter, 92 number of DKEK shares.  Without 92 the card
 * makes a random DKEK of its own. */
int cmd_initialize(struct card *c, const struct apdu *a)
{
	const uint8_t *opt, *pin, *so, *retry, *shares;
	size_t optlen, pinlen, solen, retrylen, shareslen;
	int sw;

	opt = tlv_find(a->data, a->lc, 0x80, &optlen);
	pin = tlv_find(a->data, a->lc, 0x81, &pinlen);
	so = tlv_find(a->data, a->lc, 0x82, &solen);
	retry = tlv_find(a->data, a->lc, 0x91, &retrylen);
	shares = tlv_find(a->data, a->lc, 0x92, &shareslen);
	if (pin == NULL || so == NULL || solen != sizeof(c->sopin) || pinlen < 6 ||
	    pinlen > sizeof(c->pin) || (opt != NULL && optlen != 2) ||
	    (retry != NULL && (retrylen != 1 || retry[0] < 1 || retry[0] > 10)) ||
	    (shares != NULL && shareslen != 1))
		return SW_WRONG_DATA;
	if (c->initialized) {
		if (c->so_tries == 0)
			return SW_BLOCKED;
		sw = check_so(c, so, solen);
		if (sw != SW_OK)
			return sw == SW_BLOCKED || sw == SW_MEMORY ? sw : SW_SECURITY;
	}
	card_wipe_objects(c);
	c->pin_max = retry != NULL ? retry[0] : 3;
	set_pin(c, pin, pinlen);
	memcpy(c->sopin, so, sizeof(c->sopin));
	c->so_tries = SO_TRIES;
	if (opt != NULL)
		memcpy(c->options, opt, 2);
	c->dkek_set = 1;
	c->dkek_total = shares != NULL ? shares[0] : 0;
	c->dkek_missing = c->dkek_total;
	memset(c->dkek, 0, sizeof(c->dkek));
	if (c->dkek_total == 0 && RAND_bytes(c->dkek, sizeof(c->dkek)) != 1)
		return SW_MEMORY;
	c->initialized = 1;
	c->pin_ok = 0;
	return card_save(c) < 0 ? SW_MEMORY : SW_OK;
}
