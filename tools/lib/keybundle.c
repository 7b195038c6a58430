/* keybundle.c - a keybundle's text: written and read back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "bindkey.h"
#include "dnskey.h"
#include "dnsrr.h"
#include "error.h"
#include "keybundle.h"
#include "keyfile.h"
#include "secret.h"
#include "utc.h"

#define MAGIC ";; kskit keybundle 1.0"

void kskit_keybundle_free(struct kskit_keybundle *kb)
{
	if (!kb)
		return;
	for (size_t i = 0; i < kb->n_zsks; i++)
		EVP_PKEY_free(kb->zsks[i].key);
	ldns_rdf_deep_free(kb->zone);
	ldns_rr_list_deep_free(kb->records);
	free(kb->source_name);
	free(kb);
}

/* The text before the private keys and the records. */
static char *head_text(const struct kskit_keybundle *kb)
{
	char *zone = ldns_rdf2str(kb->zone), from[32], to[32], *text = NULL;

	kskit_utc_format(kb->inception, KSKIT_UTC_ISO, from, sizeof(from));
	kskit_utc_format(kb->expiration, KSKIT_UTC_ISO, to, sizeof(to));
	if (zone &&
	    asprintf(&text, MAGIC "\n;; zone %s\n;; period %lld %lld (%s to %s)\n;; source %s %s\n",
		     zone, (long long)kb->inception, (long long)kb->expiration, from, to,
		     kb->source_sha256, kb->source_name) < 0)
		text = NULL;
	free(zone);
	return text;
}

/* Append len bytes of s to the secret buffer out of size bytes at *pos. */
static int append(char *out, size_t size, size_t *pos, const char *s, size_t len)
{
	if (*pos + len >= size)
		return KSKIT_ENOMEM;
	memcpy(out + *pos, s, len);
	*pos += len;
	return 0;
}

/* No control characters: the name ends its line. */
static int printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int kskit_keybundle_format(const struct kskit_keybundle *kb, char **out, size_t *len)
{
	char *head = printable(kb->source_name) ? head_text(kb) : NULL,
	     *priv[KSKIT_KEYBUNDLE_MAX_ZSKS] = { 0 }, *recs = NULL, *buf;
	size_t size, pos = 0;
	int ret = head ? 0 : KSKIT_ENOMEM;

	for (size_t i = 0; ret == 0 && i < kb->n_zsks; i++)
		if (kb->zsks[i].active)
			ret = kskit_bind_private_text(kb->zsks[i].key, kb->zsks[i].alg,
						      kb->inception, &priv[i]);
	if (ret == 0 && !(recs = ldns_rr_list2str(kb->records)))
		ret = KSKIT_ENOMEM;
	size = ret ? 0 : strlen(head) + strlen(recs) + 64 + 48 * kb->n_zsks;
	for (size_t i = 0; i < kb->n_zsks; i++)
		size += priv[i] ? strlen(priv[i]) : 0;
	buf = ret ? NULL : kskit_secret_alloc(size);
	if (ret == 0 && !buf)
		ret = KSKIT_ENOMEM;
	if (ret == 0)
		ret = append(buf, size, &pos, head, strlen(head));
	for (size_t i = 0; ret == 0 && i < kb->n_zsks; i++) {
		char line[48];
		int n = snprintf(line, sizeof(line), ";; zsk %u %s\n", kb->zsks[i].tag,
				 kb->zsks[i].active ? "active" : "published");

		ret = append(buf, size, &pos, line, (size_t)n);
		if (ret == 0 && priv[i])
			ret = append(buf, size, &pos, priv[i], strlen(priv[i]));
	}
	if (ret == 0)
		ret = append(buf, size, &pos, ";; records\n", 11);
	if (ret == 0)
		ret = append(buf, size, &pos, recs, strlen(recs));
	if (ret == 0)
		ret = append(buf, size, &pos, ";; end\n", 7);
	for (size_t i = 0; i < kb->n_zsks; i++)
		kskit_secret_free(priv[i]);
	free(recs);
	free(head);
	if (ret) {
		kskit_secret_free(buf);
		return ret;
	}
	*out = buf;
	*len = pos;
	return 0;
}

/* The parser's position: the line being read, NUL-terminated in place. */
struct cursor {
	char *next, *end;
	char *line;
	size_t number;
};

static int next_line(struct cursor *c)
{
	char *nl;

	if (c->next >= c->end)
		return 0;
	c->line = c->next;
	nl = memchr(c->line, '\n', (size_t)(c->end - c->line));
	if (nl) {
		*nl = '\0';
		c->next = nl + 1;
	} else {
		c->next = c->end;
	}
	c->number++;
	return 1;
}

static int bad(const struct cursor *c, const char *what)
{
	return kskit_error_set(KSKIT_EKEYBUNDLE, "line %zu: %s", c->number, what);
}

static int is_hex64(const char *s)
{
	for (int i = 0; i < 64; i++)
		if (!s[i] || !strchr("0123456789abcdef", s[i]))
			return 0;
	return s[64] == ' ';
}

static int parse_head(struct cursor *c, struct kskit_keybundle *kb)
{
	char zone[256], *name;
	long long from, to;
	int n = 0;

	if (!next_line(c) || strcmp(c->line, MAGIC) != 0)
		return bad(c, "not a kskit keybundle 1.0");
	if (!next_line(c) || sscanf(c->line, ";; zone %255s%n", zone, &n) != 1 || c->line[n] ||
	    zone[strlen(zone) - 1] != '.' || ldns_str2rdf_dname(&kb->zone, zone) != LDNS_STATUS_OK)
		return bad(c, "not \";; zone NAME.\"");
	if (!next_line(c) || sscanf(c->line, ";; period %lld %lld", &from, &to) != 2 || from < 0 ||
	    to <= from || to > 0xffffffffLL)
		return bad(c, "not \";; period INCEPTION EXPIRATION\" (unix seconds, in order)");
	kb->inception = (time_t)from;
	kb->expiration = (time_t)to;
	if (!next_line(c) || strncmp(c->line, ";; source ", 10) != 0 || !is_hex64(c->line + 10) ||
	    !*(name = c->line + 10 + 65) || !printable(name))
		return bad(c, "not \";; source SHA-256 NAME\"");
	memcpy(kb->source_sha256, c->line + 10, 64);
	kb->source_sha256[64] = '\0';
	if (!(kb->source_name = strdup(name)))
		return KSKIT_ENOMEM;
	return 0;
}

/* The private key text from the cursor up to the next ";;" line, copied
 * into a secret buffer, parsed; the source lines are wiped. */
static int parse_private(struct cursor *c, struct kskit_keybundle_zsk *z)
{
	char *start = c->next, *stop = c->next, *copy;
	size_t len;
	int ret;

	while (stop < c->end && strncmp(stop, ";;", 2) != 0) {
		char *nl = memchr(stop, '\n', (size_t)(c->end - stop));

		stop = nl ? nl + 1 : c->end;
		c->number++;
	}
	len = (size_t)(stop - start);
	if (!(copy = kskit_secret_alloc(len)))
		return KSKIT_ENOMEM;
	memcpy(copy, start, len);
	OPENSSL_cleanse(start, len);
	c->next = stop;
	ret = kskit_keyfile_parse(copy, len, NULL, NULL, &z->key, &z->alg);
	kskit_secret_free(copy);
	if (ret)
		return kskit_error_set(KSKIT_EKEYBUNDLE, "line %zu: ZSK %u: %s", c->number, z->tag,
				       kskit_error_detail(ret));
	return 0;
}

static int parse_zsks(struct cursor *c, struct kskit_keybundle *kb)
{
	while (next_line(c) && strcmp(c->line, ";; records") != 0) {
		struct kskit_keybundle_zsk *z = &kb->zsks[kb->n_zsks];
		unsigned tag;
		char role[16];
		int n = 0, ret;

		if (sscanf(c->line, ";; zsk %5u %15s%n", &tag, role, &n) != 2 || c->line[n] ||
		    tag > 65535 || (strcmp(role, "active") && strcmp(role, "published")))
			return bad(c, "not \";; zsk TAG active|published\" or \";; records\"");
		if (kb->n_zsks == KSKIT_KEYBUNDLE_MAX_ZSKS)
			return bad(c, "too many ZSKs");
		kb->n_zsks++;
		z->tag = (uint16_t)tag;
		z->active = role[0] == 'a';
		if (z->active && (ret = parse_private(c, z)) != 0)
			return ret;
	}
	if (!c->line || strcmp(c->line, ";; records") != 0)
		return bad(c, "no \";; records\"");
	return 0;
}

/* Does rr read back from its text?  ldns writes an RRSIG time as a date
 * within 68 years of now, one it refuses when that is before 1970. */
static int reads_back(const ldns_rr *rr)
{
	char *s = ldns_rr2str(rr);
	ldns_rr *again = NULL;
	int same = s && ldns_rr_new_frm_str(&again, s, 0, NULL, NULL) == LDNS_STATUS_OK &&
		   ldns_rr_compare(rr, again) == 0;

	ldns_rr_free(again);
	free(s);
	return same;
}

static int parse_records(struct cursor *c, struct kskit_keybundle *kb)
{
	if (!(kb->records = ldns_rr_list_new()))
		return KSKIT_ENOMEM;
	while (next_line(c) && strcmp(c->line, ";; end") != 0) {
		ldns_rr *rr = NULL;

		if (ldns_rr_new_frm_str(&rr, c->line, 0, NULL, NULL) != LDNS_STATUS_OK)
			return bad(c, "not a DNS record");
		if (!ldns_rr_list_push_rr(kb->records, rr)) {
			ldns_rr_free(rr);
			return KSKIT_ENOMEM;
		}
		if (ldns_dname_compare(ldns_rr_owner(rr), kb->zone) != 0 ||
		    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
			return bad(c, "a record of another zone or class");
		switch (ldns_rr_get_type(rr)) {
		case LDNS_RR_TYPE_DNSKEY:
		case LDNS_RR_TYPE_CDS:
		case LDNS_RR_TYPE_CDNSKEY:
		case LDNS_RR_TYPE_RRSIG:
			break;
		default:
			return bad(c, "not a DNSKEY, CDS, CDNSKEY or RRSIG record");
		}
		/* "\# 0" makes a record without its fields */
		if (!kskit_rr_complete(rr))
			return bad(c, "a record without all its fields");
		if (!reads_back(rr))
			return bad(c, "a record that would not read back as it is");
	}
	if (!c->line || strcmp(c->line, ";; end") != 0)
		return bad(c, "no \";; end\": the bundle is cut short");
	while (c->next < c->end && strchr(" \t\r\n", *c->next))
		c->next++;
	if (c->next != c->end)
		return bad(c, "text after \";; end\"");
	return 0;
}

/* Each zsk line names a ZSK of the DNSKEY RRset, every ZSK has one, and
 * an active one's private key is that DNSKEY's. */
static int match_zsks(struct kskit_keybundle *kb)
{
	size_t zsks = 0, active = 0;

	for (size_t i = 0; i < ldns_rr_list_rr_count(kb->records); i++) {
		ldns_rr *rr = ldns_rr_list_rr(kb->records, i);
		uint16_t tag;
		size_t j;

		if (!kskit_dnskey_is_zsk(rr))
			continue;
		zsks++;
		tag = ldns_calc_keytag(rr);
		for (j = 0; j < kb->n_zsks && (kb->zsks[j].tag != tag || kb->zsks[j].dnskey); j++)
			;
		if (j == kb->n_zsks)
			return kskit_error_set(KSKIT_EKEYBUNDLE, "ZSK %u has no zsk line", tag);
		kb->zsks[j].dnskey = rr;
	}
	for (size_t j = 0; j < kb->n_zsks; j++) {
		struct kskit_keybundle_zsk *z = &kb->zsks[j];

		if (!z->dnskey)
			return kskit_error_set(KSKIT_EKEYBUNDLE, "no ZSK %u in the DNSKEY RRset",
					       z->tag);
		if (!z->active)
			continue;
		active++;
		if (!kskit_dnskey_is_key(z->dnskey, z->key, z->alg))
			return kskit_error_set(KSKIT_EKEYBUNDLE,
					       "ZSK %u: not the key of its DNSKEY", z->tag);
	}
	if (zsks != kb->n_zsks || active == 0)
		return kskit_error_set(KSKIT_EKEYBUNDLE, "no active ZSK");
	return 0;
}

int kskit_keybundle_parse(char *text, size_t len, struct kskit_keybundle **out)
{
	struct kskit_keybundle *kb = calloc(1, sizeof(*kb));
	struct cursor c = { .next = text, .end = text + len };
	int ret;

	*out = NULL;
	if (!kb)
		return KSKIT_ENOMEM;
	if (memchr(text, '\0', len))
		ret = kskit_error_set(KSKIT_EKEYBUNDLE, "a NUL byte in the bundle");
	else if ((ret = parse_head(&c, kb)) == 0 && (ret = parse_zsks(&c, kb)) == 0 &&
		 (ret = parse_records(&c, kb)) == 0)
		ret = match_zsks(kb);
	if (ret) {
		kskit_keybundle_free(kb);
		return ret;
	}
	*out = kb;
	return 0;
}
