/* kskit ksr - a Key Signing Request for ZSKs made here (the self-contained
 * ceremony): their DNSKEYs over a regular schedule of bundles, in Knot's or
 * BIND's text form or as IANA XML with the ZSKs' proof of possession. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "commands.h"
#include "lib/dnskey.h"
#include "lib/dnsrr.h"
#include "lib/error.h"
#include "lib/keyfile.h"
#include "lib/ksrbuild.h"
#include "lib/ksrxml.h"
#include "lib/softsign.h"
#include "lib/utc.h"

#define MAX_ZSKS 16

static const char usage[] =
	"usage: kskit ksr --zsk KEY[,bundles=FIRST-LAST]... --start TIME --output KSR\n"
	"                 [--format knot|bind|xml] [--periods N] [--period DURATION]\n"
	"                 [--validity DURATION | --overlap DURATION] [--ttl SECONDS]\n"
	"                 [--serial N]\n"
	"\n"
	"Write a Key Signing Request for the ZSKs whose K<zone>+<alg>+<tag>.key\n"
	"files are given (kskit keygen --zsk makes them), for kskit sign to sign\n"
	"with the KSK: N bundles (default 9), the first at TIME, one every period\n"
	"(default 10d).  Each ZSK is in bundles FIRST to LAST (counted from 1;\n"
	"\"3\" is bundle 3 alone, \"3-\" from 3 on, \"-3\" up to 3), by default in\n"
	"all: a ZSK rollover publishes the new key a bundle or more before the old\n"
	"one goes.  Every bundle must hold a ZSK.  KSR is written atomically, never\n"
	"over an existing file.\n"
	"\n"
	"Forms: knot (default; unix-second times, which Knot's keymgr reads),\n"
	"bind (BIND 9.20's YYYYMMDDhhmmss), or xml (the root zone's: each bundle\n"
	"also has an expiration, inception plus the signature validity, default\n"
	"21d, or the period plus --overlap; random ids; a RequestPolicy claiming\n"
	"this schedule; and each ZSK's signature over its bundle's DNSKEY RRset,\n"
	"made with the K*.private file beside its .key and verified).  The text\n"
	"forms carry no validity: kskit sign --lifetime sets it.\n"
	"\n"
	"--ttl: the DNSKEY TTL (default the first .key file's).  --serial: the\n"
	"XML request's serial number (default 1).  TIME: unix seconds,\n"
	"YYYYMMDDhhmmss or ISO 8601 UTC.  DURATION: seconds, or with s, m, h, d\n"
	"or w.  The policy is checked when kskit sign reads the request.\n";

struct ksr_opts {
	const char *output;
	const char *zsk_spec[MAX_ZSKS];
	size_t n_zsk;
	int have_start, have_validity, have_overlap, have_ttl;
	uint32_t overlap;
	struct kskit_ksr_schedule sched;
};

/* One --zsk: its files, and what kskit_ksr_build needs of it. */
struct zsk_slot {
	ldns_rr *dnskey;
	char *id;
	struct kskit_soft_key key; /* XML: from the .private file */
};

static int parse(int argc, char **argv, struct ksr_opts *o)
{
	static const struct option opts[] = {
		{ "zsk", required_argument, NULL, 'z' },
		{ "start", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "periods", required_argument, NULL, 'n' },
		{ "period", required_argument, NULL, 'p' },
		{ "validity", required_argument, NULL, 'V' },
		{ "overlap", required_argument, NULL, 'O' },
		{ "ttl", required_argument, NULL, 't' },
		{ "serial", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kskit_ksr_schedule *s = &o->sched;
	unsigned long v;
	int c;

	while ((c = getopt_long(argc, argv, "z:s:o:f:n:p:V:O:t:S:h", opts, NULL)) != -1) {
		switch (c) {
		case 'z':
			if (o->n_zsk == MAX_ZSKS)
				return cli_usage(usage, "at most %d ZSKs", MAX_ZSKS);
			o->zsk_spec[o->n_zsk++] = optarg;
			break;
		case 's':
			if (kskit_utc_parse(optarg, &s->start) != 0)
				return cli_usage(usage, "--start: not a time");
			o->have_start = 1;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "knot") == 0)
				s->form = KSKIT_KSR_KNOT;
			else if (strcmp(optarg, "bind") == 0)
				s->form = KSKIT_KSR_BIND;
			else if (strcmp(optarg, "xml") == 0)
				s->form = KSKIT_KSR_XML;
			else
				return cli_usage(usage, "--format: knot, bind or xml");
			break;
		case 'n':
			if (cli_number(optarg, 1, 1000, &v) != 0)
				return cli_usage(usage, "--periods: 1 to 1000");
			s->periods = v;
			break;
		case 'p':
		case 'V':
		case 'O':
			if (cli_duration(optarg, 366UL * 86400, &v) != 0 || (v == 0 && c != 'O'))
				return cli_usage(usage, "bad duration \"%s\"", optarg);
			if (c == 'p')
				s->period = (uint32_t)v;
			else if (c == 'V')
				s->validity = (uint32_t)v, o->have_validity = 1;
			else
				o->overlap = (uint32_t)v, o->have_overlap = 1;
			break;
		case 't':
			if (cli_number(optarg, 0, 0x7fffffff, &v) != 0)
				return cli_usage(usage, "--ttl: 0 to 2147483647 seconds");
			s->ttl = (uint32_t)v;
			o->have_ttl = 1;
			break;
		case 'S':
			if (cli_number(optarg, 0, 0xffffffffUL, &v) != 0)
				return cli_usage(usage, "--serial: a number");
			s->serial = v;
			break;
		case 'h':
			cli_help(usage);
			return -1;
		default:
			return cli_usage(usage, "bad option");
		}
	}
	if (optind != argc)
		return cli_usage(usage, "unexpected argument \"%s\"", argv[optind]);
	if (o->n_zsk == 0 || !o->have_start || !o->output)
		return cli_usage(usage, "--zsk, --start and --output are required");
	if (o->have_validity && o->have_overlap)
		return cli_usage(usage, "--validity or --overlap, not both");
	if ((o->have_validity || o->have_overlap) && s->form != KSKIT_KSR_XML)
		return cli_usage(usage, "the text forms carry no signature validity: "
					"kskit sign --lifetime sets it");
	if (o->have_overlap)
		s->validity = s->period + o->overlap;
	return EXIT_OK;
}

/* "FIRST-LAST", "N", "FIRST-", "-LAST" (from 1) into first and last (from
 * 0; last stays as it is when open). */
static int parse_range(const char *r, size_t *first, size_t *last)
{
	const char *dash = strchr(r, '-');
	char a[16] = "", b[16] = "";
	unsigned long v;

	if (strlen(r) >= sizeof(a))
		return -1;
	if (!dash) {
		if (cli_number(r, 1, 1000, &v) != 0)
			return -1;
		*first = *last = v - 1;
		return 0;
	}
	memcpy(a, r, (size_t)(dash - r));
	strcpy(b, dash + 1);
	if (!a[0] && !b[0])
		return -1;
	if (a[0] && cli_number(a, 1, 1000, &v) != 0)
		return -1;
	*first = a[0] ? v - 1 : 0;
	if (b[0] && cli_number(b, 1, 1000, &v) != 0)
		return -1;
	if (b[0])
		*last = v - 1;
	return 0;
}

/* The .private file beside path (which ends in .key) into k, checked to be
 * the key of dnskey. */
static int read_private(const char *path, const ldns_rr *dnskey, struct kskit_soft_key *k)
{
	char *priv = NULL;
	int ret;

	if (asprintf(&priv, "%.*s.private", (int)(strlen(path) - 4), path) < 0)
		return KSKIT_ENOMEM;
	ret = kskit_keyfile_read(priv, NULL, NULL, &k->key, &k->alg);
	if (ret == KSKIT_EIO)
		ret = kskit_error_set(KSKIT_EKEYFILE,
				      "%s: cannot read it (an XML request carries each ZSK's "
				      "signature)",
				      priv);
	if (ret == 0 && k->alg->number != ldns_rdf2native_int8(ldns_rr_rdf(dnskey, 2)))
		ret = kskit_error_set(KSKIT_EKEYFILE, "%s: another algorithm than its .key", priv);
	if (ret == 0 && !kskit_dnskey_is_key(dnskey, k->key, k->alg))
		ret = kskit_error_set(KSKIT_EKEYFILE, "%s: not the key of %s", priv, path);
	free(priv);
	return ret;
}

/* One --zsk: KEY[,bundles=RANGE] into slot and z. */
static int load_zsk(char *spec, const struct ksr_opts *o, struct zsk_slot *slot,
		    struct kskit_ksr_zsk *z)
{
	char *save = NULL, *path = strtok_r(spec, ",", &save), *word, *base;
	size_t n;
	int ret;

	z->first = 0;
	z->last = o->sched.periods - 1;
	while ((word = strtok_r(NULL, ",", &save)) != NULL)
		if (strncmp(word, "bundles=", 8) != 0 || parse_range(word + 8, &z->first, &z->last))
			return cli_usage(usage, "--zsk: \"%s\" is not bundles=FIRST-LAST", word);
	if (!path || (n = strlen(path)) < 5 || strcmp(path + n - 4, ".key") != 0)
		return cli_usage(usage, "--zsk: give a K*.key file");
	ret = cli_read_dnskey(path, KSKIT_DNSKEY_ZSK, &slot->dnskey);
	if (ret == 0 &&
	    !(z->alg = kskit_alg_by_number(ldns_rdf2native_int8(ldns_rr_rdf(slot->dnskey, 2)))))
		ret = kskit_error_set(KSKIT_EALGORITHM, "%s: an algorithm kskit does not know",
				      path);
	if (ret == 0 && o->sched.form == KSKIT_KSR_XML)
		ret = read_private(path, slot->dnskey, &slot->key);
	if (ret)
		return cli_fail(NULL, ret);
	base = strrchr(path, '/');
	slot->id = strndup(base ? base + 1 : path, strlen(base ? base + 1 : path) - 4);
	if (!slot->id)
		return cli_fail(NULL, KSKIT_ENOMEM);
	z->dnskey = slot->dnskey;
	z->id = slot->id;
	if (slot->key.key) {
		z->sign = kskit_soft_sign;
		z->ctx = &slot->key;
	}
	return EXIT_OK;
}

static void print_request(const struct kskit_ksr *ksr)
{
	char *zone = ldns_rdf2str(ksr->zone);

	printf("Key Signing Request for %s: %zu bundles\n\n  #  inception             %s"
	       "ZSKs\n",
	       zone ? zone : "?", ksr->n_bundles, ksr->xml ? "expiration            " : "");
	for (size_t i = 0; i < ksr->n_bundles; i++) {
		const struct kskit_ksr_bundle *b = &ksr->bundles[i];
		char t[32];

		kskit_utc_format(b->time, KSKIT_UTC_ISO, t, sizeof(t));
		printf("%3zu  %s  ", i + 1, t);
		if (ksr->xml) {
			kskit_utc_format(b->expiration, KSKIT_UTC_ISO, t, sizeof(t));
			printf("%s  ", t);
		}
		for (size_t j = 0; j < ldns_rr_list_rr_count(b->records); j++) {
			const ldns_rr *rr = ldns_rr_list_rr(b->records, j);

			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY)
				printf("%s%u", j ? " " : "", ldns_calc_keytag(rr));
		}
		putchar('\n');
	}
	putchar('\n');
	free(zone);
}

static int write_request(const struct ksr_opts *o, const struct kskit_ksr *ksr)
{
	char *text = NULL;
	int ret = ksr->xml ? kskit_ksrxml_format(ksr, &text)
			   : kskit_ksr_format(ksr, ksr->bind_times, &text);

	if (ret == 0)
		ret = cli_write_file(o->output, text, strlen(text), 0);
	if (ret == 0) {
		printf("wrote ");
		ret = cli_print_digest(stdout, o->output, text, strlen(text));
	}
	free(text);
	return ret;
}

int cmd_ksr(int argc, char **argv)
{
	struct ksr_opts o = {
		.sched = { .periods = 9, .period = 10 * 86400, .validity = 21 * 86400, .serial = 1 }
	};
	struct zsk_slot slots[MAX_ZSKS] = { 0 };
	struct kskit_ksr_zsk zsks[MAX_ZSKS] = { 0 };
	struct kskit_ksr *ksr = NULL;
	int status, ret;

	status = parse(argc, argv, &o);
	if (status)
		return status < 0 ? EXIT_OK : status;
	for (size_t i = 0; status == EXIT_OK && i < o.n_zsk; i++)
		status = load_zsk((char *)o.zsk_spec[i], &o, &slots[i], &zsks[i]);
	if (status)
		goto out;
	if (!o.have_ttl)
		o.sched.ttl = ldns_rr_ttl(slots[0].dnskey);
	o.sched.generated = time(NULL);
	ret = kskit_ksr_build(&o.sched, zsks, o.n_zsk, &ksr);
	if (ret == 0) {
		print_request(ksr);
		ret = write_request(&o, ksr);
	}
	if (ret)
		status = cli_fail(NULL, ret);
out:
	for (size_t i = 0; i < o.n_zsk; i++) {
		ldns_rr_free(slots[i].dnskey);
		EVP_PKEY_free(slots[i].key.key);
		free(slots[i].id);
	}
	kskit_ksr_free(ksr);
	return status;
}
