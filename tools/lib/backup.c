/* backup.c - the key backup file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "backup.h"
#include "dnskey.h"
#include "error.h"
#include "pkey.h"
#include "textfile.h"

#define MAGIC "kskit key backup 1"
#define BLOB_MAX (64u << 10)

static const char *type_name(const struct kskit_alg *alg)
{
	return alg->key_type == CKK_RSA ? "rsa" : alg->key_type == CKK_EC ? "ec" : "eddsa";
}

static unsigned key_bits(EVP_PKEY *pub, const struct kskit_alg *alg)
{
	unsigned bits = 0;
	unsigned long e;

	kskit_pkey_size(pub, alg, &bits, &e);
	return bits;
}

int kskit_backup_describe(struct kskit_backup *b)
{
	b->alg = kskit_alg_for_pkey(b->pub);
	if (!b->alg || kskit_dnskey_keytag(b->pub, b->alg, 257, &b->ksk_tag) ||
	    kskit_dnskey_keytag(b->pub, b->alg, 256, &b->zsk_tag))
		return kskit_error_set(KSKIT_EKEY_TYPE, "a key DNSSEC has no algorithm for");
	return 0;
}

/* DER SubjectPublicKeyInfo of pk as base64 (free()). */
static char *spki_base64(EVP_PKEY *pk, uint8_t sha256[32])
{
	unsigned char *der = NULL;
	int len = i2d_PUBKEY(pk, &der);
	char *b64 = NULL;

	if (len > 0 && (b64 = malloc((size_t)(len + 2) / 3 * 4 + 1)))
		EVP_EncodeBlock((unsigned char *)b64, der, len);
	if (len > 0 && sha256)
		SHA256(der, (size_t)len, sha256);
	OPENSSL_free(der);
	return b64;
}

static char *base64(const uint8_t *v, size_t len)
{
	char *b64 = malloc((len + 2) / 3 * 4 + 1);

	if (b64)
		EVP_EncodeBlock((unsigned char *)b64, v, (int)len);
	return b64;
}

int kskit_backup_write(const struct kskit_backup *b, char **text, size_t *len)
{
	char id[2 * KSKIT_BACKUP_ID_MAX + 1], kcv[17], hash[65], check[65];
	char *pub = NULL, *wrapped = NULL, *transport = NULL, *kekw = NULL, *body = NULL;
	uint8_t md[32];
	size_t blen = 0;
	FILE *f = open_memstream(&body, &blen);
	int n, ret = KSKIT_ENOMEM;

	if (!f)
		return KSKIT_ENOMEM;
	kskit_hex(id, b->id, b->id_len);
	pub = spki_base64(b->pub, md);
	kskit_hex(hash, md, sizeof(md));
	wrapped = base64(b->wrapped, b->wrapped_len);
	if (!pub || !wrapped)
		goto out;
	fprintf(f,
		MAGIC "\nlabel: %s\nid: %s\nkey-type: %s\nkey-size: %u\nalgorithm: %u\n"
		      "ksk-tag: %u\nzsk-tag: %u\nextractable: %s\nwrap: %s\n",
		b->label, id, type_name(b->alg), key_bits(b->pub, b->alg), b->alg->number,
		b->ksk_tag, b->zsk_tag, b->extractable ? "yes" : "no",
		b->schsm ? "sc-hsm-tool" : "aes-key-wrap-pad");
	if (b->kek == KSKIT_KEK_DKEK) {
		kskit_hex(kcv, b->kcv, sizeof(b->kcv));
		fprintf(f, "kek: dkek %s\n", kcv);
	} else {
		transport = spki_base64(b->transport, NULL);
		kekw = base64(b->kek_wrapped, b->kek_wrapped_len);
		if (!transport || !kekw)
			goto out;
		fprintf(f, "kek: rsa-oaep-sha1\ntransport-key: %s\nkek-wrapped: %s\n", transport,
			kekw);
	}
	fprintf(f, "wrapped-key: %s\npublic-key: %s\npublic-key-sha256: %s\n", wrapped, pub, hash);
	if (fclose(f) != 0) {
		f = NULL;
		goto out;
	}
	f = NULL;
	SHA256((const uint8_t *)body, blen, md);
	kskit_hex(check, md, sizeof(md));
	n = asprintf(text, "%scheck: %s\n", body, check);
	if (n < 0)
		goto out;
	*len = (size_t)n;
	ret = 0;
out:
	if (f)
		fclose(f);
	free(body);
	free(pub);
	free(wrapped);
	free(transport);
	free(kekw);
	return ret;
}

static int read_spki(struct kskit_lines *l, const char *name, EVP_PKEY **out, uint8_t sha256[32])
{
	uint8_t *der = NULL;
	const uint8_t *p;
	size_t len = 0;
	int ret = kskit_lines_base64(l, name, BLOB_MAX, &der, &len);

	if (ret)
		return ret;
	p = der;
	*out = d2i_PUBKEY(NULL, &p, (long)len);
	if (!*out || p != der + len)
		ret = kskit_error_set(KSKIT_EBACKUP, "line %u: %s: not a public key", l->line,
				      name);
	else if (sha256)
		SHA256(der, len, sha256);
	free(der);
	return ret;
}

/* "yes" or "no". */
static int read_bool(struct kskit_lines *l, const char *name, int *out)
{
	const char *v;
	size_t n;
	int ret = kskit_lines_field(l, name, &v, &n);

	if (ret)
		return ret;
	if (n == 3 && memcmp(v, "yes", 3) == 0)
		*out = 1;
	else if (n == 2 && memcmp(v, "no", 2) == 0)
		*out = 0;
	else
		return kskit_error_set(KSKIT_EBACKUP, "line %u: %s: yes or no", l->line, name);
	return 0;
}

/* How the key is wrapped. */
static int read_wrap(struct kskit_lines *l, struct kskit_backup *b)
{
	const char *v;
	size_t n;
	int ret = kskit_lines_field(l, "wrap", &v, &n);

	if (ret)
		return ret;
	if (n == strlen("sc-hsm-tool") && memcmp(v, "sc-hsm-tool", n) == 0)
		b->schsm = 1;
	else if (n != strlen("aes-key-wrap-pad") || memcmp(v, "aes-key-wrap-pad", n) != 0)
		return kskit_error_set(KSKIT_EBACKUP,
				       "line %u: wrap: aes-key-wrap-pad or sc-hsm-tool", l->line);
	return 0;
}

/* The key encryption key lines. */
static int read_kek(struct kskit_lines *l, struct kskit_backup *b)
{
	const char *v;
	size_t n;
	int ret = kskit_lines_field(l, "kek", &v, &n);
	struct kskit_lines one;

	if (ret)
		return ret;
	if (n == 5 + 16 && memcmp(v, "dkek ", 5) == 0) {
		/* The KCV as a line of its own for the hex reader. */
		char line[32];

		snprintf(line, sizeof(line), "kcv: %.16s\n", v + 5);
		kskit_lines_init(&one, line, strlen(line), KSKIT_EBACKUP);
		one.line = l->line - 1;
		b->kek = KSKIT_KEK_DKEK;
		return kskit_lines_hex(&one, "kcv", b->kcv, sizeof(b->kcv));
	}
	if (n != strlen("rsa-oaep-sha1") || memcmp(v, "rsa-oaep-sha1", n) != 0)
		return kskit_error_set(KSKIT_EBACKUP,
				       "line %u: kek: not \"dkek KCV\" or "
				       "\"rsa-oaep-sha1\"",
				       l->line);
	b->kek = KSKIT_KEK_TRANSPORT;
	ret = read_spki(l, "transport-key", &b->transport, NULL);
	if (ret == 0 && EVP_PKEY_get_base_id(b->transport) != EVP_PKEY_RSA)
		ret = kskit_error_set(KSKIT_EBACKUP, "line %u: the transport key is not RSA",
				      l->line);
	if (ret == 0)
		ret = kskit_lines_base64(l, "kek-wrapped", BLOB_MAX, &b->kek_wrapped,
					 &b->kek_wrapped_len);
	return ret;
}

/* Whether what the record says of its key is what the key is. */
static int consistent(const struct kskit_backup *b, const char *type, unsigned long bits,
		      unsigned long alg, unsigned long ksk, unsigned long zsk)
{
	struct kskit_backup d = { .pub = b->pub };

	if (kskit_backup_describe(&d) || strcmp(type, type_name(d.alg)) != 0 ||
	    bits != key_bits(d.pub, d.alg) || alg != d.alg->number || ksk != d.ksk_tag ||
	    zsk != d.zsk_tag)
		return kskit_error_set(KSKIT_EBACKUP,
				       "key %s: its type, size, algorithm or tags "
				       "are not those of its public key",
				       b->label);
	return 0;
}

static int read_record(struct kskit_lines *l, struct kskit_backup *b)
{
	const char *start = l->p, *type;
	char tname[8];
	unsigned long bits, alg, ksk, zsk;
	uint8_t hash[32], want[32], check[32], md[32];
	size_t tlen, covered;
	int ret;

	if ((ret = kskit_lines_expect(l, MAGIC)) ||
	    (ret = kskit_lines_string(l, "label", b->label, sizeof(b->label))) ||
	    (ret = kskit_lines_hexvar(l, "id", b->id, sizeof(b->id), &b->id_len)) ||
	    (ret = kskit_lines_field(l, "key-type", &type, &tlen)))
		return ret;
	if (tlen >= sizeof(tname))
		return kskit_error_set(KSKIT_EBACKUP, "line %u: key-type: rsa, ec or eddsa",
				       l->line);
	memcpy(tname, type, tlen);
	tname[tlen] = '\0';
	if ((ret = kskit_lines_number(l, "key-size", 1, 16384, &bits)) ||
	    (ret = kskit_lines_number(l, "algorithm", 1, 255, &alg)) ||
	    (ret = kskit_lines_number(l, "ksk-tag", 0, 65535, &ksk)) ||
	    (ret = kskit_lines_number(l, "zsk-tag", 0, 65535, &zsk)) ||
	    (ret = read_bool(l, "extractable", &b->extractable)) || (ret = read_wrap(l, b)) ||
	    (ret = read_kek(l, b)) ||
	    (ret = kskit_lines_base64(l, "wrapped-key", BLOB_MAX, &b->wrapped, &b->wrapped_len)) ||
	    (ret = read_spki(l, "public-key", &b->pub, hash)) ||
	    (ret = kskit_lines_hex(l, "public-key-sha256", want, sizeof(want))))
		return ret;
	covered = (size_t)(l->p - start);
	if ((ret = kskit_lines_hex(l, "check", check, sizeof(check))))
		return ret;
	SHA256((const uint8_t *)start, covered, md);
	if (CRYPTO_memcmp(md, check, sizeof(md)) != 0 || memcmp(hash, want, sizeof(hash)) != 0)
		return kskit_error_set(KSKIT_EBACKUP,
				       "record ending at line %u is damaged: its "
				       "check value does not match",
				       l->line);
	if (b->schsm && b->kek != KSKIT_KEK_DKEK)
		return kskit_error_set(KSKIT_EBACKUP,
				       "line %u: a SmartCard-HSM wraps under its DKEK "
				       "only",
				       l->line);
	ret = consistent(b, tname, bits, alg, ksk, zsk);
	if (ret == 0)
		ret = kskit_backup_describe(b);
	return ret;
}

int kskit_backup_read(const char *text, size_t len, struct kskit_backup **out, size_t *count)
{
	struct kskit_lines l;
	struct kskit_backup *all = NULL;
	size_t n = 0;
	int ret = 0;

	kskit_lines_init(&l, text, len, KSKIT_EBACKUP);
	while (ret == 0 && l.p < l.end) {
		struct kskit_backup *grown = realloc(all, (n + 1) * sizeof(*all));

		if (!grown) {
			ret = KSKIT_ENOMEM;
			break;
		}
		all = grown;
		memset(&all[n], 0, sizeof(all[n]));
		ret = read_record(&l, &all[n++]);
	}
	if (ret == 0 && n == 0)
		ret = kskit_error_set(KSKIT_EBACKUP, "no key in the file");
	if (ret) {
		kskit_backup_free_all(all, n);
		return ret;
	}
	*out = all;
	*count = n;
	return 0;
}

void kskit_backup_clear(struct kskit_backup *b)
{
	EVP_PKEY_free(b->pub);
	EVP_PKEY_free(b->transport);
	free(b->kek_wrapped);
	free(b->wrapped);
	memset(b, 0, sizeof(*b));
}

void kskit_backup_free_all(struct kskit_backup *b, size_t count)
{
	for (size_t i = 0; i < count; i++)
		kskit_backup_clear(&b[i]);
	free(b);
}
