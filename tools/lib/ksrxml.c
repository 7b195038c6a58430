#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "error.h"
#include "ksrxml.h"
#include "utc.h"

#define XML_MAX (16u << 20)

/* The walk over one parent's element children, in order. */
struct walk {
	xmlNode *next;
	const char *parent;
};

static int bad(const char *where, const char *what)
{
	return kskit_error_set(KSKIT_EKSR, "<%s>: %s", where, what);
}

static int blank(const xmlChar *s)
{
	for (; s && *s; s++)
		if (!strchr(" \t\r\n", *s))
			return 0;
	return 1;
}

/* The next element child, skipping comments and blank text; anything else
 * (text, a CDATA section) is an error. */
static int next_element(struct walk *w, xmlNode **out)
{
	for (; w->next; w->next = w->next->next) {
		if (w->next->type == XML_ELEMENT_NODE)
			break;
		if (w->next->type == XML_COMMENT_NODE)
			continue;
		if (w->next->type != XML_TEXT_NODE || !blank(w->next->content))
			return bad(w->parent, "text between elements");
	}
	*out = w->next;
	if (w->next)
		w->next = w->next->next;
	return 0;
}

static struct walk children(xmlNode *n)
{
	return (struct walk){ n->children, (const char *)n->name };
}

static int named(const xmlNode *n, const char *name)
{
	return n && strcmp((const char *)n->name, name) == 0;
}

/* The next element child, which must be called name. */
static int expect(struct walk *w, const char *name, xmlNode **out)
{
	char what[96];
	int ret = next_element(w, out);

	if (ret == 0 && !named(*out, name)) {
		snprintf(what, sizeof(what), "expected <%s>%s%s%s", name, *out ? ", not <" : "",
			 *out ? (const char *)(*out)->name : "", *out ? ">" : "");
		ret = bad(w->parent, what);
	}
	return ret;
}

static int no_more(struct walk *w)
{
	xmlNode *n;
	int ret = next_element(w, &n);

	if (ret == 0 && n)
		ret = bad(w->parent, "unexpected element");
	return ret;
}

/* The text of an element without children elements, trimmed; malloc()ed
 * (xmlFree). */
static int text_of(xmlNode *n, char **out)
{
	xmlChar *s, *start, *end;

	for (xmlNode *c = n->children; c; c = c->next)
		if (c->type != XML_TEXT_NODE)
			return bad((const char *)n->name, "holds elements or other markup");
	s = xmlNodeGetContent(n);
	if (!s)
		return KSKIT_ENOMEM;
	for (start = s; *start && strchr(" \t\r\n", *start); start++)
		;
	for (end = start + strlen((char *)start); end > start && strchr(" \t\r\n", end[-1]); end--)
		;
	memmove(s, start, (size_t)(end - start));
	s[end - start] = '\0';
	*out = (char *)s;
	return 0;
}

static int parse_number(const char *s, unsigned long max, unsigned long *v)
{
	size_t n = strlen(s);

	*v = 0;
	if (n == 0 || n > 19)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned long)(s[i] - '0');
	}
	return *v <= max ? 0 : -1;
}

/* xsd:duration of days, hours, minutes, seconds. */
static int parse_duration(const char *s, uint32_t *out)
{
	static const char units[] = "DHMS";
	static const uint32_t secs[] = { 86400, 3600, 60, 1 };
	unsigned long long total = 0;
	int in_time = 0, last = -1, any = 0;

	if (*s++ != 'P')
		return -1;
	while (*s) {
		unsigned long long v = 0;
		const char *u;
		int i, digits = 0;

		if (*s == 'T') {
			if (in_time || !s[1])
				return -1;
			in_time = 1;
			s++;
			continue;
		}
		for (; *s >= '0' && *s <= '9' && digits < 9; s++, digits++)
			v = v * 10 + (unsigned)(*s - '0');
		u = *s ? strchr(units, *s) : NULL;
		if (!digits || !u)
			return -1;
		i = (int)(u - units);
		if ((i == 0) == in_time || i <= last)
			return -1;
		last = i;
		total += v * secs[i];
		any = 1;
		s++;
	}
	if (!any || total > 0xffffffffULL)
		return -1;
	*out = (uint32_t)total;
	return 0;
}

static void put_duration(FILE *f, uint32_t s)
{
	if (s == 0) {
		fputs("PT0S", f);
		return;
	}
	fputc('P', f);
	if (s >= 86400)
		fprintf(f, "%uD", s / 86400);
	s %= 86400;
	if (s)
		fputc('T', f);
	if (s >= 3600)
		fprintf(f, "%uH", s / 3600);
	if (s % 3600 >= 60)
		fprintf(f, "%uM", s % 3600 / 60);
	if (s % 60)
		fprintf(f, "%uS", s % 60);
}

/* The text of the next element child called name. */
static int field(struct walk *w, const char *name, char **out)
{
	xmlNode *n;
	int ret = expect(w, name, &n);

	return ret ? ret : text_of(n, out);
}

static int field_number(struct walk *w, const char *name, unsigned long max, unsigned long *v)
{
	char *s = NULL, what[64];
	int ret = field(w, name, &s);

	if (ret == 0 && parse_number(s, max, v) != 0) {
		snprintf(what, sizeof(what), "not a number up to %lu", max);
		ret = bad(name, what);
	}
	xmlFree(s);
	return ret;
}

static int field_time(struct walk *w, const char *name, time_t *t)
{
	char *s = NULL;
	long long v;
	int ret = field(w, name, &s);

	if (ret == 0) {
		v = kskit_utc_iso(s, strlen(s));
		if (v < 0)
			ret = bad(name, "not a dateTime (YYYY-MM-DDThh:mm:ss, UTC or an offset)");
		else
			*t = (time_t)v;
	}
	xmlFree(s);
	return ret;
}

static int field_duration(struct walk *w, const char *name, uint32_t *d)
{
	char *s = NULL;
	int ret = field(w, name, &s);

	if (ret == 0 && parse_duration(s, d) != 0)
		ret = bad(name, "not a duration of days, hours, minutes and seconds");
	xmlFree(s);
	return ret;
}

/* An attribute's value (xmlFree), or NULL when it is missing: an error
 * unless optional. */
static int attr(xmlNode *n, const char *name, int optional, char **out)
{
	char what[64];

	*out = (char *)xmlGetProp(n, (const xmlChar *)name);
	if (*out || optional)
		return 0;
	snprintf(what, sizeof(what), "no %s attribute", name);
	return bad((const char *)n->name, what);
}

static int attr_number(xmlNode *n, const char *name, unsigned long max, unsigned long *v)
{
	char *s = NULL, what[64];
	int ret = attr(n, name, 0, &s);

	if (ret == 0 && parse_number(s, max, v) != 0) {
		snprintf(what, sizeof(what), "%s is not a number up to %lu", name, max);
		ret = bad((const char *)n->name, what);
	}
	xmlFree(s);
	return ret;
}

static int parse_policy(xmlNode *n, struct kskit_ksr_policy *p)
{
	struct walk w = children(n);
	xmlNode *alg;
	int ret;

	*p = (struct kskit_ksr_policy){ .present = 1 };
	ret = field_duration(&w, "PublishSafety", &p->publish_safety);
	if (ret == 0)
		ret = field_duration(&w, "RetireSafety", &p->retire_safety);
	if (ret == 0)
		ret = field_duration(&w, "MaxSignatureValidity", &p->max_sig_validity);
	if (ret == 0)
		ret = field_duration(&w, "MinSignatureValidity", &p->min_sig_validity);
	if (ret == 0)
		ret = field_duration(&w, "MaxValidityOverlap", &p->max_overlap);
	if (ret == 0)
		ret = field_duration(&w, "MinValidityOverlap", &p->min_overlap);
	while (ret == 0 && (ret = next_element(&w, &alg)) == 0 && alg) {
		struct walk aw = children(alg);
		unsigned long number, size, exponent = 0;
		xmlNode *kind;

		if (!named(alg, "SignatureAlgorithm"))
			return bad((const char *)n->name, "expected <SignatureAlgorithm>");
		if (p->n_algs == KSKIT_KSR_POLICY_ALGS)
			return bad((const char *)n->name, "too many algorithms");
		ret = attr_number(alg, "algorithm", 255, &number);
		if (ret == 0)
			ret = next_element(&aw, &kind);
		if (ret == 0 && !named(kind, "RSA") && !named(kind, "ECDSA"))
			ret = bad("SignatureAlgorithm", "expected <RSA> or <ECDSA>");
		if (ret == 0)
			ret = attr_number(kind, "size", 65535, &size);
		if (ret == 0 && named(kind, "RSA"))
			ret = attr_number(kind, "exponent", 0xffffffffUL, &exponent);
		if (ret == 0)
			ret = no_more(&aw);
		if (ret == 0) {
			p->algs[p->n_algs].alg = (uint8_t)number;
			p->algs[p->n_algs].size = (unsigned)size;
			p->algs[p->n_algs].exponent = exponent;
			p->n_algs++;
		}
	}
	if (ret == 0 && p->n_algs == 0)
		ret = bad((const char *)n->name, "no <SignatureAlgorithm>");
	return ret;
}

static int base64_ok(const char *s)
{
	size_t n = strlen(s), pad = 0;

	if (n == 0 || n % 4)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=' && i + 2 >= n) {
			pad++;
			continue;
		}
		if (pad ||
		    !strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
			    s[i]))
			return 0;
	}
	return 1;
}

struct bundle_parse {
	const char *zone; /* presentation form */
	struct kskit_ksr_bundle *b;
	size_t cap;
};

static int add_record(struct bundle_parse *bp, ldns_rr *rr, char *key_id)
{
	size_t n = ldns_rr_list_rr_count(bp->b->records);

	if (n == bp->cap) {
		size_t more = bp->cap ? 2 * bp->cap : 8;
		char **ids = realloc(bp->b->key_ids, more * sizeof(*ids));

		if (!ids)
			goto nomem;
		bp->b->key_ids = ids;
		bp->cap = more;
	}
	if (!ldns_rr_list_push_rr(bp->b->records, rr))
		goto nomem;
	bp->b->key_ids[n] = key_id;
	return 0;
nomem:
	ldns_rr_free(rr);
	free(key_id);
	return KSKIT_ENOMEM;
}

/* The record of presentation text (an error in element what when it is
 * rejected) added to the bundle with key identifier id; *rr (may be NULL)
 * points to it, the bundle's now. */
static int add_text(struct bundle_parse *bp, const char *text, const char *what, const char *id,
		    const ldns_rr **rr)
{
	ldns_rr *new = NULL;
	char *copy;
	int ret;

	if (ldns_rr_new_frm_str(&new, text, 0, NULL, NULL) != LDNS_STATUS_OK)
		return bad(what, "not a valid record");
	copy = strdup(id);
	if (!copy) {
		ldns_rr_free(new);
		return KSKIT_ENOMEM;
	}
	ret = add_record(bp, new, copy);
	if (ret == 0 && rr)
		*rr = new;
	return ret;
}

static int parse_key(struct bundle_parse *bp, xmlNode *n)
{
	struct walk w = children(n);
	unsigned long tag, ttl, flags, proto, alg;
	char *id = NULL, *key = NULL, *text = NULL;
	const ldns_rr *rr = NULL;
	int ret;

	ret = attr(n, "keyIdentifier", 0, &id);
	if (ret == 0)
		ret = attr_number(n, "keyTag", 65535, &tag);
	if (ret == 0)
		ret = field_number(&w, "TTL", 0x7fffffffUL, &ttl);
	if (ret == 0)
		ret = field_number(&w, "Flags", 65535, &flags);
	if (ret == 0)
		ret = field_number(&w, "Protocol", 255, &proto);
	if (ret == 0 && proto != 3)
		ret = bad("Protocol", "must be 3");
	if (ret == 0)
		ret = field_number(&w, "Algorithm", 255, &alg);
	if (ret == 0)
		ret = field(&w, "PublicKey", &key);
	if (ret == 0 && !base64_ok(key))
		ret = bad("PublicKey", "not base64");
	if (ret == 0)
		ret = no_more(&w);
	if (ret == 0 &&
	    asprintf(&text, "%s %lu IN DNSKEY %lu 3 %lu %s", bp->zone, ttl, flags, alg, key) < 0) {
		text = NULL;
		ret = KSKIT_ENOMEM;
	}
	if (ret == 0)
		ret = add_text(bp, text, "Key", id, &rr);
	if (ret == 0 && ldns_calc_keytag(rr) != tag) {
		kskit_error_set(KSKIT_EKSR,
				"<Key keyIdentifier=\"%.60s\">: keyTag %lu, the key's is %u", id,
				tag, ldns_calc_keytag(rr));
		ret = KSKIT_EKSR;
	}
	free(text);
	xmlFree(key);
	xmlFree(id);
	return ret;
}

static int parse_signature(struct bundle_parse *bp, xmlNode *n, const ldns_rdf *zone)
{
	struct walk w = children(n);
	unsigned long ttl, alg, labels, orig, tag;
	time_t exp = 0, inc = 0;
	char *id = NULL, *type = NULL, *signer = NULL, *sig = NULL, *text = NULL;
	char e[32], i[32];
	ldns_rdf *name = NULL;
	int ret;

	ret = attr(n, "keyIdentifier", 0, &id);
	if (ret == 0)
		ret = field_number(&w, "TTL", 0x7fffffffUL, &ttl);
	if (ret == 0)
		ret = field(&w, "TypeCovered", &type);
	if (ret == 0 && strcmp(type, "DNSKEY") != 0)
		ret = bad("TypeCovered", "must be DNSKEY");
	if (ret == 0)
		ret = field_number(&w, "Algorithm", 255, &alg);
	if (ret == 0)
		ret = field_number(&w, "Labels", 255, &labels);
	if (ret == 0)
		ret = field_number(&w, "OriginalTTL", 0x7fffffffUL, &orig);
	if (ret == 0)
		ret = field_time(&w, "SignatureExpiration", &exp);
	if (ret == 0)
		ret = field_time(&w, "SignatureInception", &inc);
	if (ret == 0)
		ret = field_number(&w, "KeyTag", 65535, &tag);
	if (ret == 0)
		ret = field(&w, "SignersName", &signer);
	if (ret == 0 && (ldns_str2rdf_dname(&name, signer) != LDNS_STATUS_OK ||
			 ldns_dname_compare(name, zone) != 0))
		ret = bad("SignersName", "is not the domain");
	if (ret == 0)
		ret = field(&w, "SignatureData", &sig);
	if (ret == 0 && !base64_ok(sig))
		ret = bad("SignatureData", "not base64");
	if (ret == 0)
		ret = no_more(&w);
	if (ret == 0) {
		kskit_utc_format(exp, KSKIT_UTC_COMPACT, e, sizeof(e));
		kskit_utc_format(inc, KSKIT_UTC_COMPACT, i, sizeof(i));
		if (asprintf(&text, "%s %lu IN RRSIG DNSKEY %lu %lu %lu %s %s %lu %s %s", bp->zone,
			     ttl, alg, labels, orig, e, i, tag, bp->zone, sig) < 0) {
			text = NULL;
			ret = KSKIT_ENOMEM;
		}
	}
	if (ret == 0)
		ret = add_text(bp, text, "Signature", id, NULL);
	ldns_rdf_deep_free(name);
	free(text);
	xmlFree(sig);
	xmlFree(signer);
	xmlFree(type);
	xmlFree(id);
	return ret;
}

static int parse_bundle(struct kskit_ksr *ksr, xmlNode *n, const char *zone, int request)
{
	struct kskit_ksr_bundle *b = &ksr->bundles[ksr->n_bundles];
	struct bundle_parse bp = { zone, b, 0 };
	struct walk w = children(n);
	char *id = NULL;
	xmlNode *c;
	size_t keys = 0, sigs = 0;
	int ret;

	*b = (struct kskit_ksr_bundle){ .records = ldns_rr_list_new() };
	if (!b->records)
		return KSKIT_ENOMEM;
	ksr->n_bundles++; /* freed with the request from here on */
	ret = attr(n, "id", 0, &id);
	if (ret == 0 && !(b->id = strdup(id)))
		ret = KSKIT_ENOMEM;
	xmlFree(id);
	if (ret == 0)
		ret = field_time(&w, "Inception", &b->time);
	if (ret == 0)
		ret = field_time(&w, "Expiration", &b->expiration);
	if (ret == 0 && b->expiration <= b->time)
		ret = bad((const char *)n->name, "Expiration is not after Inception");
	while (ret == 0 && (ret = next_element(&w, &c)) == 0 && c) {
		if (request && named(c, "Signer") && keys == 0)
			continue;
		if (named(c, "Key") && sigs == 0) {
			ret = parse_key(&bp, c);
			keys++;
		} else if (named(c, "Signature") && keys > 0) {
			ret = parse_signature(&bp, c, ksr->zone);
			sigs++;
		} else {
			ret = bad((const char *)n->name, "expected Signer*, Key+, Signature+");
		}
	}
	if (ret == 0 && (keys == 0 || sigs == 0))
		ret = bad((const char *)n->name, "needs at least one Key and one Signature");
	return ret;
}

static int parse_doc(xmlNode *root, struct kskit_ksr *ksr)
{
	struct walk w = children(root);
	xmlNode *body, *pol, *n;
	char *domain = NULL, *id = NULL, *stamp = NULL, zone[300];
	size_t cap = 0;
	int ret, request;

	if (!named(root, "KSR"))
		return bad((const char *)root->name, "not a KSR document");
	ret = attr(root, "id", 0, &id);
	if (ret == 0 && !(ksr->id = strdup(id)))
		ret = KSKIT_ENOMEM;
	xmlFree(id);
	if (ret == 0)
		ret = attr_number(root, "serial", 0xffffffffUL, &ksr->serial);
	if (ret == 0)
		ret = attr(root, "domain", 0, &domain);
	if (ret == 0) {
		size_t len = strlen(domain);

		snprintf(zone, sizeof(zone), "%s%s", domain,
			 len && domain[len - 1] == '.' ? "" : ".");
		if (len > 255 || ldns_str2rdf_dname(&ksr->zone, zone) != LDNS_STATUS_OK)
			ret = bad("KSR", "the domain is not a domain name");
	}
	xmlFree(domain);
	if (ret == 0)
		ret = next_element(&w, &body);
	if (ret)
		return ret;
	request = named(body, "Request");
	if (!request && !named(body, "Response"))
		return bad("KSR", "expected <Request> or <Response>");
	ksr->skr = !request;
	ret = no_more(&w);
	if (ret == 0)
		ret = attr(body, "timestamp", 1, &stamp);
	if (ret == 0 && stamp) {
		long long t = kskit_utc_iso(stamp, strlen(stamp));

		if (t < 0)
			ret = bad((const char *)body->name, "timestamp is not a dateTime");
		ksr->generated = (time_t)t;
	}
	xmlFree(stamp);
	w = children(body);
	if (ret == 0)
		ret = expect(&w, request ? "RequestPolicy" : "ResponsePolicy", &pol);
	if (ret == 0) {
		struct walk pw = children(pol);

		if (!request && (ret = expect(&pw, "KSK", &n)) == 0)
			ret = parse_policy(n, &ksr->ksk_policy);
		if (ret == 0 && (ret = expect(&pw, "ZSK", &n)) == 0)
			ret = parse_policy(n, &ksr->zsk_policy);
		if (ret == 0)
			ret = no_more(&pw);
	}
	while (ret == 0 && (ret = next_element(&w, &n)) == 0 && n) {
		if (!named(n, request ? "RequestBundle" : "ResponseBundle"))
			return bad((const char *)body->name, "expected a bundle");
		if (ksr->n_bundles == cap) {
			size_t more = cap ? 2 * cap : 16;
			struct kskit_ksr_bundle *b = realloc(ksr->bundles, more * sizeof(*b));

			if (!b)
				return KSKIT_ENOMEM;
			ksr->bundles = b;
			cap = more;
		}
		ret = parse_bundle(ksr, n, zone, request);
	}
	if (ret == 0 && ksr->n_bundles == 0)
		ret = bad((const char *)body->name, "no bundle");
	for (size_t i = 1; ret == 0 && i < ksr->n_bundles; i++)
		if (ksr->bundles[i].time < ksr->bundles[i - 1].time)
			ret = kskit_error_set(KSKIT_EKSR, "bundle %zu starts before bundle %zu",
					      i + 1, i);
	return ret;
}

int kskit_ksrxml_parse(const char *text, size_t len, struct kskit_ksr **out)
{
	struct kskit_ksr *ksr;
	xmlDoc *doc;
	int ret;

	if (len > XML_MAX)
		return kskit_error_set(KSKIT_EKSR, "larger than %u bytes", XML_MAX);
	doc = xmlReadMemory(text, (int)len, NULL, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				    XML_PARSE_NOCDATA);
	if (!doc) {
		const xmlError *e = xmlGetLastError();

		ret = kskit_error_set(KSKIT_EKSR, "not well-formed XML (line %d: %s)",
				      e ? e->line : 0, e && e->message ? e->message : "?");
		xmlResetLastError();
		return ret;
	}
	if (doc->intSubset || doc->extSubset || !xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		return kskit_error_set(KSKIT_EKSR, "a DOCTYPE or no root element");
	}
	ksr = calloc(1, sizeof(*ksr));
	if (!ksr) {
		xmlFreeDoc(doc);
		return KSKIT_ENOMEM;
	}
	ksr->xml = 1;
	ret = parse_doc(xmlDocGetRootElement(doc), ksr);
	xmlFreeDoc(doc);
	if (ret) {
		kskit_ksr_free(ksr);
		return ret;
	}
	*out = ksr;
	return 0;
}

/* s with XML's five special characters escaped. */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void put_time(FILE *f, const char *name, time_t t)
{
	char buf[32];

	kskit_utc_format(t, KSKIT_UTC_ISO, buf, sizeof(buf));
	buf[19] = '\0'; /* the Z, written as the root's files write it */
	fprintf(f, "<%s>%s+00:00</%s>\n", name, buf, name);
}

static void put_policy(FILE *f, const char *name, const struct kskit_ksr_policy *p)
{
	static const char *const names[] = { "PublishSafety",	     "RetireSafety",
					     "MaxSignatureValidity", "MinSignatureValidity",
					     "MaxValidityOverlap",   "MinValidityOverlap" };
	const uint32_t v[] = { p->publish_safety,   p->retire_safety, p->max_sig_validity,
			       p->min_sig_validity, p->max_overlap,   p->min_overlap };

	fprintf(f, "<%s>\n", name);
	for (size_t i = 0; i < 6; i++) {
		fprintf(f, "<%s>", names[i]);
		put_duration(f, v[i]);
		fprintf(f, "</%s>\n", names[i]);
	}
	for (size_t i = 0; i < p->n_algs; i++) {
		fprintf(f, "<SignatureAlgorithm algorithm=\"%u\">\n", p->algs[i].alg);
		if (p->algs[i].exponent)
			fprintf(f, "<RSA size=\"%u\" exponent=\"%lu\"/>\n", p->algs[i].size,
				p->algs[i].exponent);
		else
			fprintf(f, "<ECDSA size=\"%u\"/>\n", p->algs[i].size);
		fputs("</SignatureAlgorithm>\n", f);
	}
	fprintf(f, "</%s>\n", name);
}

static int put_rdf(FILE *f, const char *name, const ldns_rdf *rdf)
{
	char *s = ldns_rdf2str(rdf);

	if (!s)
		return KSKIT_ENOMEM;
	fprintf(f, "<%s>%s</%s>\n", name, s, name);
	free(s);
	return 0;
}

static int put_record(FILE *f, const ldns_rr *rr, const char *id)
{
	char tag[8];
	int ret = 0;

	if (!id) {
		snprintf(tag, sizeof(tag), "%u",
			 ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY
				 ? ldns_calc_keytag(rr)
				 : ldns_rdf2native_int16(ldns_rr_rrsig_keytag(rr)));
		id = tag;
	}
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY) {
		fputs("<Key keyIdentifier=\"", f);
		put_escaped(f, id);
		fprintf(f, "\" keyTag=\"%u\">\n<TTL>%u</TTL>\n", ldns_calc_keytag(rr),
			ldns_rr_ttl(rr));
		fprintf(f, "<Flags>%u</Flags>\n<Protocol>3</Protocol>\n<Algorithm>%u</Algorithm>\n",
			ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)),
			ldns_rdf2native_int8(ldns_rr_rdf(rr, 2)));
		ret = put_rdf(f, "PublicKey", ldns_rr_rdf(rr, 3));
		fputs("</Key>\n", f);
		return ret;
	}
	if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG)
		return kskit_error_set(KSKIT_EINVAL,
				       "IANA XML holds only DNSKEY and RRSIG records");
	fputs("<Signature keyIdentifier=\"", f);
	put_escaped(f, id);
	fprintf(f, "\">\n<TTL>%u</TTL>\n<TypeCovered>DNSKEY</TypeCovered>\n", ldns_rr_ttl(rr));
	fprintf(f,
		"<Algorithm>%u</Algorithm>\n<Labels>%u</Labels>\n<OriginalTTL>%u</OriginalTTL>\n",
		ldns_rdf2native_int8(ldns_rr_rdf(rr, 1)), ldns_rdf2native_int8(ldns_rr_rdf(rr, 2)),
		ldns_rdf2native_int32(ldns_rr_rdf(rr, 3)));
	put_time(f, "SignatureExpiration", (time_t)ldns_rdf2native_time_t(ldns_rr_rdf(rr, 4)));
	put_time(f, "SignatureInception", (time_t)ldns_rdf2native_time_t(ldns_rr_rdf(rr, 5)));
	fprintf(f, "<KeyTag>%u</KeyTag>\n", ldns_rdf2native_int16(ldns_rr_rdf(rr, 6)));
	ret = put_rdf(f, "SignersName", ldns_rr_rdf(rr, 7));
	if (ret == 0)
		ret = put_rdf(f, "SignatureData", ldns_rr_rdf(rr, 8));
	fputs("</Signature>\n", f);
	return ret;
}

int kskit_ksrxml_format(const struct kskit_ksr *ksr, char **out)
{
	const char *kind = ksr->skr ? "Response" : "Request";
	char *text = NULL, *zone = NULL;
	size_t size = 0;
	FILE *f;
	int ret = 0;

	if (!ksr->id || ksr->n_bundles == 0)
		return KSKIT_EINVAL;
	zone = ldns_rdf2str(ksr->zone);
	f = open_memstream(&text, &size);
	if (!zone || !f) {
		free(zone);
		if (f)
			fclose(f);
		free(text);
		return KSKIT_ENOMEM;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<KSR id=\"", f);
	put_escaped(f, ksr->id);
	fputs("\" domain=\"", f);
	put_escaped(f, zone);
	fprintf(f, "\" serial=\"%lu\">\n<%s", ksr->serial, kind);
	if (ksr->generated) {
		char t[32];

		kskit_utc_format(ksr->generated, KSKIT_UTC_ISO, t, sizeof(t));
		t[19] = '\0';
		fprintf(f, " timestamp=\"%s+00:00\"", t);
	}
	fprintf(f, ">\n<%sPolicy>\n", kind);
	if (ksr->skr)
		put_policy(f, "KSK", &ksr->ksk_policy);
	put_policy(f, "ZSK", &ksr->zsk_policy);
	fprintf(f, "</%sPolicy>\n", kind);
	for (size_t i = 0; ret == 0 && i < ksr->n_bundles; i++) {
		const struct kskit_ksr_bundle *b = &ksr->bundles[i];

		fprintf(f, "<%sBundle id=\"", kind);
		put_escaped(f, b->id ? b->id : "");
		fputs("\">\n", f);
		put_time(f, "Inception", b->time);
		put_time(f, "Expiration", b->expiration);
		for (size_t j = 0; ret == 0 && j < ldns_rr_list_rr_count(b->records); j++)
			ret = put_record(f, ldns_rr_list_rr(b->records, j),
					 b->key_ids ? b->key_ids[j] : NULL);
		fprintf(f, "</%sBundle>\n", kind);
	}
	fprintf(f, "</%s>\n</KSR>\n", kind);
	free(zone);
	if (fclose(f) != 0 && ret == 0)
		ret = KSKIT_ENOMEM;
	if (ret)
		free(text);
	else
		*out = text;
	return ret;
}
