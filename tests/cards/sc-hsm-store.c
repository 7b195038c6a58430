/* The card's persistent state: PINs, DKEK, files and keys, kept in one
 * binary file that is replaced atomically (temporary file, fsync, rename)
 * after every change, so that killing the emulator is pulling the card.
 * The file holds the keys in the clear: it is a test card. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/objects.h>
#include <openssl/rand.h>

#include "sc-hsm-emu.h"

static const char MAGIC[8] = "SCHSMEM1";

struct reader {
	const uint8_t *p;
	size_t left;
	int err;
};

static const uint8_t *get(struct reader *r, size_t n)
{
	const uint8_t *v = r->p;

	if (r->err || n > r->left) {
		r->err = 1;
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return v;
}

static unsigned get_u8(struct reader *r)
{
	const uint8_t *v = get(r, 1);

	return v != NULL ? v[0] : 0;
}

static unsigned get_u16(struct reader *r)
{
	const uint8_t *v = get(r, 2);

	return v != NULL ? (unsigned)v[0] << 8 | v[1] : 0;
}

static void get_into(struct reader *r, void *dst, size_t n)
{
	const uint8_t *v = get(r, n);

	if (v != NULL)
		memcpy(dst, v, n);
}

void card_chr(const struct card *c, char chr[17])
{
	snprintf(chr, 17, "%s00001", c->serial);
}

struct file *card_file(struct card *c, uint16_t fid)
{
	size_t i;

	for (i = 0; i < c->nfiles; i++)
		if (c->files[i].fid == fid)
			return &c->files[i];
	return NULL;
}

struct file *card_file_put(struct card *c, uint16_t fid, const uint8_t *data, size_t len)
{
	struct file *f = card_file(c, fid);
	uint8_t *copy = malloc(len ? len : 1);

	if (copy == NULL)
		return NULL;
	if (len)
		memcpy(copy, data, len);
	if (f == NULL) {
		struct file *files = realloc(c->files, (c->nfiles + 1) * sizeof(*files));

		if (files == NULL) {
			free(copy);
			return NULL;
		}
		c->files = files;
		f = &c->files[c->nfiles++];
		f->fid = fid;
	} else {
		OPENSSL_cleanse(f->data, f->len);
		free(f->data);
	}
	f->data = copy;
	f->len = len;
	return f;
}

void card_file_delete(struct card *c, uint16_t fid)
{
	struct file *f = card_file(c, fid);

	if (f == NULL)
		return;
	OPENSSL_cleanse(f->data, f->len);
	free(f->data);
	*f = c->files[--c->nfiles];
}

void card_wipe_objects(struct card *c)
{
	size_t i = 0;

	while (i < c->nfiles) {
		uint16_t fid = c->files[i].fid;

		if (fid == DEVICE_KEY_FID || fid == FID_DEVCERT)
			i++;
		else
			card_file_delete(c, fid);
	}
}

EVP_PKEY *card_key(struct card *c, unsigned ref)
{
	struct file *f = card_file(c, (uint16_t)(PREFIX_KEY << 8 | ref));

	return f != NULL ? key_decode(f->data, f->len) : NULL;
}

void card_free(struct card *c)
{
	while (c->nfiles > 0)
		card_file_delete(c, c->files[0].fid);
	free(c->files);
	OPENSSL_cleanse(c, sizeof(*c));
}

static int serial_ok(const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return n >= 8 && n <= 11;
}

/* A card fresh from the factory: a device key and its certificates. */
static int card_new(struct card *c, const char *serial)
{
	struct buf key = { 0 }, certs = { 0 };
	EVP_PKEY *dev = key_new_ec(NID_X9_62_prime256v1);
	char chr[17];
	uint8_t r[3];
	int ret = -1;

	if (serial != NULL) {
		snprintf(c->serial, sizeof(c->serial), "%s", serial);
	} else {
		if (RAND_bytes(r, sizeof(r)) != 1)
			goto out;
		snprintf(c->serial, sizeof(c->serial), "KSKEMU%02X%02X%X", r[0], r[1], r[2] & 15);
	}
	c->so_tries = 15;
	card_chr(c, chr);
	if (dev == NULL || key_encode(dev, &key) < 0 || cvc_device_certs(dev, chr, &certs) < 0 ||
	    card_file_put(c, DEVICE_KEY_FID, key.p, key.len) == NULL ||
	    card_file_put(c, FID_DEVCERT, certs.p, certs.len) == NULL)
		goto out;
	ret = card_save(c);
out:
	buf_free(&key);
	buf_free(&certs);
	EVP_PKEY_free(dev);
	return ret;
}

static int card_parse(struct card *c, const uint8_t *data, size_t len)
{
	struct reader r = { data, len, 0 };
	const uint8_t *v;
	unsigned n, i;

	v = get(&r, sizeof(MAGIC));
	if (v == NULL || memcmp(v, MAGIC, sizeof(MAGIC)) != 0)
		return -1;
	n = get_u8(&r);
	if (n < 8 || n >= sizeof(c->serial))
		return -1;
	get_into(&r, c->serial, n);
	c->initialized = (int)get_u8(&r);
	c->pin_len = get_u8(&r);
	if (c->pin_len > sizeof(c->pin))
		return -1;
	get_into(&r, c->pin, c->pin_len);
	c->pin_tries = get_u8(&r);
	c->pin_max = get_u8(&r);
	get_into(&r, c->sopin, sizeof(c->sopin));
	c->so_tries = get_u8(&r);
	get_into(&r, c->options, sizeof(c->options));
	c->dkek_set = (int)get_u8(&r);
	c->dkek_total = get_u8(&r);
	c->dkek_missing = get_u8(&r);
	get_into(&r, c->dkek, sizeof(c->dkek));
	n = get_u16(&r);
	for (i = 0; i < n && !r.err; i++) {
		uint16_t fid = (uint16_t)get_u16(&r);
		size_t flen = (size_t)get_u16(&r) << 16;

		flen |= get_u16(&r);
		v = get(&r, flen);
		if (v != NULL && card_file_put(c, fid, v, flen) == NULL)
			return -1;
	}
	return r.err || r.left != 0 ? -1 : 0;
}

int card_load(struct card *c, const char *path, const char *serial)
{
	struct buf data = { 0 };
	uint8_t chunk[4096];
	ssize_t n;
	int fd, ret = -1;

	c->path = path;
	if (serial != NULL && !serial_ok(serial)) {
		fprintf(stderr, "sc-hsm-emu: serial %s: 8 to 11 of A-Z 0-9\n", serial);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return card_new(c, serial);
	if (fd < 0) {
		perror(path);
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_put(&data, chunk, (size_t)n);
	if (n < 0 || data.err) {
		perror(path);
		goto out;
	}
	if (card_parse(c, data.p, data.len) < 0) {
		fprintf(stderr, "sc-hsm-emu: %s: not a card state file\n", path);
		goto out;
	}
	ret = 0;
out:
	close(fd);
	OPENSSL_cleanse(chunk, sizeof(chunk));
	buf_free(&data);
	return ret;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int card_save(const struct card *c)
{
	struct buf b = { 0 };
	char tmp[4096];
	size_t i, n = strlen(c->serial);
	int fd = -1, ret = -1;

	buf_put(&b, MAGIC, sizeof(MAGIC));
	buf_u8(&b, (unsigned)n);
	buf_put(&b, c->serial, n);
	buf_u8(&b, (unsigned)c->initialized);
	buf_u8(&b, (unsigned)c->pin_len);
	buf_put(&b, c->pin, c->pin_len);
	buf_u8(&b, c->pin_tries);
	buf_u8(&b, c->pin_max);
	buf_put(&b, c->sopin, sizeof(c->sopin));
	buf_u8(&b, c->so_tries);
	buf_put(&b, c->options, sizeof(c->options));
	buf_u8(&b, (unsigned)c->dkek_set);
	buf_u8(&b, c->dkek_total);
	buf_u8(&b, c->dkek_missing);
	buf_put(&b, c->dkek, sizeof(c->dkek));
	buf_u16(&b, (unsigned)c->nfiles);
	for (i = 0; i < c->nfiles; i++) {
		buf_u16(&b, c->files[i].fid);
		buf_u16(&b, (unsigned)(c->files[i].len >> 16));
		buf_u16(&b, (unsigned)c->files[i].len);
		buf_put(&b, c->files[i].data, c->files[i].len);
	}
	if (b.err || (size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", c->path) >= sizeof(tmp))
		goto out;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, b.p, b.len) < 0 || fsync(fd) < 0)
		goto out;
	if (close(fd) < 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, c->path) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		fprintf(stderr, "sc-hsm-emu: cannot write %s: %s\n", c->path, strerror(errno));
	if (fd >= 0)
		close(fd);
	buf_free(&b);
	return ret;
}
