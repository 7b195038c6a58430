/* kskit sign - a Key Signing Request in, a Signed Key Response out, with
 * the KSK(s) on the token: the request is read, checked, shown to the
 * operator (hash, PGP words, a table of bundles), confirmed, signed, every
 * signature verified in software, and the response written atomically. */
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
#include "lib/key.h"
#include "lib/ksr.h"
#include "lib/ksrxml.h"
#include "lib/object.h"
#include "lib/pkey.h"
#include "lib/policy.h"
#include "lib/sign.h"
#include "lib/skr.h"

static const char usage[] =
	"usage: kskit sign --ksk KEY[,TIMER=TIME|,publish-only|,revoked]... --output SKR\n"
	"                  [--format knot|bind] [--cds sha256|sha384|both]\n"
	"                  [--lifetime DURATION] [--refresh DURATION] [--backdate DURATION]\n"
	"                  [--policy FILE] [--previous SKR] [--now TIME]\n"
	"                  [--yes] [--module PATH] URI KSR\n"
	"\n"
	"Sign the DNSKEY RRsets a Key Signing Request asks for with the KSK(s) on\n"
	"the token the URI selects, and write the Signed Key Response to SKR (never\n"
	"over an existing file; complete or not at all).  KSR is Knot's text form\n"
	"(keymgr generate-ksr: unix-second times), BIND 9.20's (dnssec-ksr:\n"
	"YYYYMMDDhhmmss) or the root zone's IANA XML; the response has the same\n"
	"form, or with --format the other text form.\n"
	"\n"
	"The request must pass the signing policy first: the root zone signer's\n"
	"checks (KSR-DOMAIN, KSR-BUNDLE-POP, KSR-POLICY-SIG-HORIZON...), with the\n"
	"root's limits for IANA XML and looser ones for the text forms, or those\n"
	"of --policy FILE (see templates/policy-*.conf).  --previous names the\n"
	"last response signed, for the chain checks (replay, ZSKs carried over,\n"
	"overlap, its KSKs on this token).  --now evaluates the horizon at TIME\n"
	"instead of the clock's time (re-signing an old request in a test).\n"
	"\n"
	"Before signing, the request's SHA-256 is shown in hex and as PGP words,\n"
	"with a table of the response's bundles (RRSIG inception and expiration,\n"
	"ZSK key tags, each KSK's role: S signs, P is published only, R is\n"
	"published revoked and signs, - is absent), and the operator types yes\n"
	"(--yes: scripts that confirm otherwise).\n"
	"\n"
	"KEY: a KSK's key tag, or its K<zone>+<alg>+<tag>.key file.  The token's\n"
	"key pair is found by its public key.  Timers, Knot's, make rollovers: at\n"
	"each bundle's time a KSK is absent before publish= and from remove= on,\n"
	"published revoked (RFC 5011) and signing from revoke= on, signing from\n"
	"active= until retire=, else published only.  TIME: unix seconds,\n"
	"YYYYMMDDhhmmss or ISO 8601 UTC.  publish-only: never signs; revoked:\n"
	"revoked throughout.  Default: published and signing throughout.\n"
	"\n"
	"Text forms carry only the time each ZSK set starts: each is signed at its\n"
	"time T with RRSIGs valid from T - backdate to T + lifetime (default 14d),\n"
	"and a re-signed bundle follows every lifetime - refresh until the next\n"
	"one, or at a KSK timer.  Other defaults follow the requester's own signer:\n"
	"for Knot (keymgr sign-ksr) backdate 90m, refresh 1h plus the DNSKEY TTL,\n"
	"CDS and CDNSKEY with TTL 0; for BIND (dnssec-ksr sign) backdate 1h,\n"
	"refresh 5d, every TTL the DNSKEY TTL.  IANA XML bundles carry their own\n"
	"validity.  --cds adds CDNSKEY and CDS of the signing KSKs, signed too.\n"
	"DURATION: seconds, or with s, m, h, d or w.\n";

struct sign_opts {
	const char *output, *module, *uri, *ksr_path, *policy, *previous;
	time_t now;
	const char *ksk_spec[KSKIT_SKR_MAX_KSKS];
	size_t n_ksk;
	int format; /* -1 as the request, 0 Knot, 1 BIND */
	int yes, have_refresh, have_backdate;
	struct kskit_skr_params params;
};

/* One --ksk, resolved on the token. */
struct ksk_slot {
	uint16_t tag;
	ldns_rr *file_key; /* from a .key file, or NULL */
	ldns_rr *dnskey;
	EVP_PKEY *pub;
	struct kskit_signer *signer;
	unsigned char *label;
};

/* KEY[,TIMER=TIME|,publish-only|,revoked]... into k's timers and s. */
static int parse_ksk(char *spec, struct kskit_ksk *k, struct ksk_slot *s)
{
	static const char *const timers[] = { "publish", "active", "retire", "revoke", "remove" };
	time_t *fields[] = { &k->publish, &k->active, &k->retire, &k->revoke, &k->remove };
	char *save = NULL, *key = strtok_r(spec, ",", &save), *word;
	unsigned long tag;
	int ret;

	kskit_ksk_always(k);
	if (!key)
		return cli_usage(usage, "--ksk: no key");
	if (cli_number(key, 0, 65535, &tag) == 0) {
		s->tag = (uint16_t)tag;
	} else {
		ret = cli_read_dnskey(key, KSKIT_DNSKEY_KSK, &s->file_key);
		if (ret)
			return cli_fail("--ksk", ret);
		s->tag = ldns_calc_keytag(s->file_key);
	}
	while ((word = strtok_r(NULL, ",", &save)) != NULL) {
		char *eq = strchr(word, '=');
		size_t i;

		if (strcmp(word, "publish-only") == 0) {
			k->active = KSKIT_NEVER;
			continue;
		}
		if (strcmp(word, "revoked") == 0) {
			k->revoke = 0;
			continue;
		}
		for (i = 0; eq && i < 5; i++)
			if (strlen(timers[i]) == (size_t)(eq - word) &&
			    strncmp(word, timers[i], (size_t)(eq - word)) == 0)
				break;
		if (!eq || i == 5)
			return cli_usage(usage, "--ksk: unknown option \"%s\"", word);
		if (kskit_utc_parse(eq + 1, fields[i]) != 0)
			return cli_usage(usage, "--ksk: %s: not a time", word);
	}
	return EXIT_OK;
}

static int parse(int argc, char **argv, struct sign_opts *o)
{
	static const struct option opts[] = {
		{ "ksk", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "cds", required_argument, NULL, 'c' },
		{ "lifetime", required_argument, NULL, 'L' },
		{ "refresh", required_argument, NULL, 'R' },
		{ "backdate", required_argument, NULL, 'B' },
		{ "policy", required_argument, NULL, 'p' },
		{ "previous", required_argument, NULL, 'P' },
		{ "now", required_argument, NULL, 'n' },
		{ "yes", no_argument, NULL, 'y' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	while ((c = getopt_long(argc, argv, "k:o:f:c:L:R:B:p:P:n:ym:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (o->n_ksk == KSKIT_SKR_MAX_KSKS)
				return cli_usage(usage, "at most %d KSKs", KSKIT_SKR_MAX_KSKS);
			o->ksk_spec[o->n_ksk++] = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'f':
			o->format = strcmp(optarg, "knot") == 0	  ? 0
				    : strcmp(optarg, "bind") == 0 ? 1
								  : -2;
			if (o->format == -2)
				return cli_usage(usage, "--format: knot or bind");
			break;
		case 'c':
			o->params.cds_sha256 = !strcmp(optarg, "sha256") || !strcmp(optarg, "both");
			o->params.cds_sha384 = !strcmp(optarg, "sha384") || !strcmp(optarg, "both");
			if (!o->params.cds_sha256 && !o->params.cds_sha384)
				return cli_usage(usage, "--cds: sha256, sha384 or both");
			break;
		case 'L':
		case 'R':
		case 'B':
			if (cli_duration(optarg, 366UL * 86400, &v) != 0)
				return cli_usage(usage, "bad duration \"%s\"", optarg);
			if (c == 'L')
				o->params.lifetime = (uint32_t)v;
			else if (c == 'R')
				o->params.refresh = (uint32_t)v;
			else
				o->params.backdate = (uint32_t)v;
			o->have_refresh |= c == 'R';
			o->have_backdate |= c == 'B';
			break;
		case 'p':
			o->policy = optarg;
			break;
		case 'P':
			o->previous = optarg;
			break;
		case 'n':
			if (kskit_utc_parse(optarg, &o->now) != 0)
				return cli_usage(usage, "--now: not a time");
			break;
		case 'y':
			o->yes = 1;
			break;
		case 'm':
			o->module = optarg;
			break;
		case 'h':
			cli_help(usage);
			return -1;
		default:
			return cli_usage(usage, "bad option");
		}
	}
	if (argc - optind != 2)
		return cli_usage(usage, "give a token URI and a KSR file");
	if (o->n_ksk == 0)
		return cli_usage(usage, "--ksk is required");
	if (!o->output)
		return cli_usage(usage, "--output is required");
	o->uri = argv[optind];
	o->ksr_path = argv[optind + 1];
	return EXIT_OK;
}

/* The largest DNSKEY TTL of the request. */
static uint32_t max_ttl(const struct kskit_ksr *ksr)
{
	uint32_t ttl = 0;

	for (size_t i = 0; i < ksr->n_bundles; i++)
		for (size_t j = 0; j < ldns_rr_list_rr_count(ksr->bundles[i].records); j++) {
			const ldns_rr *rr = ldns_rr_list_rr(ksr->bundles[i].records, j);

			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY && ldns_rr_ttl(rr) > ttl)
				ttl = ldns_rr_ttl(rr);
		}
	return ttl;
}

/* How far the token is with the response's signatures. */
static struct cli_progress progress;

/* Find each KSK on the token, with its DNSKEY for the request's zone and a
 * signer. */
static int resolve(struct cli_token *ct, const struct kskit_ksr *ksr, struct ksk_slot *slots,
		   struct kskit_ksk *ksks, size_t n)
{
	char *zone = ldns_rdf2str(ksr->zone);
	int ret = zone ? 0 : KSKIT_ENOMEM;

	for (size_t i = 0; ret == 0 && i < n; i++) {
		struct ksk_slot *s = &slots[i];
		CK_OBJECT_HANDLE priv;
		CK_ULONG len;

		if (s->file_key && ldns_dname_compare(ldns_rr_owner(s->file_key), ksr->zone) != 0) {
			ret = kskit_error_set(KSKIT_EPOLICY, "KSK %u is for another zone than %s",
					      s->tag, zone);
			break;
		}
		ret = kskit_key_by_tag(ct->tok, s->tag, KSKIT_DNSKEY_KSK, s->file_key, &priv,
				       &s->pub, &ksks[i].alg);
		if (ret == KSKIT_ENO_OBJECT)
			ret = kskit_error_set(KSKIT_ENO_OBJECT, "KSK %u is not on the token",
					      s->tag);
		if (ret == 0)
			ret = kskit_dnskey_rr(zone, 0, s->pub, ksks[i].alg, KSKIT_DNSKEY_KSK,
					      &s->dnskey);
		if (ret == 0)
			ret = kskit_signer_new(ct->tok, priv, ksks[i].alg, s->pub, &s->signer);
		if (ret == 0)
			kskit_signer_set_progress(s->signer, cli_progress_signed, &progress);
		if (ret == 0 && kskit_attr_get(ct->tok, priv, CKA_LABEL, &s->label, &len) == 0 &&
		    len == 0) {
			free(s->label);
			s->label = NULL;
		}
		ksks[i].dnskey = s->dnskey;
		ksks[i].label = (const char *)s->label;
		ksks[i].sign = kskit_signer_sign_cb;
		ksks[i].ctx = s->signer;
	}
	free(zone);
	return ret;
}

static void print_plan(const struct kskit_ksr *ksr, const struct ksk_slot *slots,
		       const struct kskit_ksk *ksks, size_t n, const struct kskit_skr_plan *plan)
{
	char *zone = ldns_rdf2str(ksr->zone);

	printf("zone %s: %zu request bundles, %zu response bundles\nKSKs:", zone ? zone : "?",
	       ksr->n_bundles, plan->n_slots);
	for (size_t i = 0; i < n; i++)
		printf(" %u (%s%s%s)", slots[i].tag, ksks[i].alg->name, ksks[i].label ? ", " : "",
		       ksks[i].label ? ksks[i].label : "");
	printf("\n\n  #  inception             expiration            ZSKs         KSKs\n");
	for (size_t i = 0; i < plan->n_slots; i++) {
		const struct kskit_skr_slot *s = &plan->slots[i];
		const ldns_rr_list *recs = ksr->bundles[s->request].records;
		char inc[32], exp[32], zsks[64] = "";
		size_t used = 0;

		kskit_utc_format(s->inception, KSKIT_UTC_ISO, inc, sizeof(inc));
		kskit_utc_format(s->expiration, KSKIT_UTC_ISO, exp, sizeof(exp));
		for (size_t j = 0; j < ldns_rr_list_rr_count(recs) && used < sizeof(zsks); j++) {
			const ldns_rr *rr = ldns_rr_list_rr(recs, j);

			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY)
				used += (size_t)snprintf(zsks + used, sizeof(zsks) - used, "%s%u",
							 used ? " " : "", ldns_calc_keytag(rr));
		}
		printf("%3zu  %s  %s  %-11s ", i + 1, inc, exp, zsks);
		for (size_t k = 0; k < n; k++)
			printf(" %u %c", slots[k].tag, kskit_ksk_role_letter(s->role[k]));
		putchar('\n');
	}
	putchar('\n');
	free(zone);
}

static int write_response(const struct sign_opts *o, const struct kskit_ksr *skr)
{
	char *text = NULL;
	int ret;

	if (skr->xml)
		ret = kskit_ksrxml_format(skr, &text);
	else
		ret = kskit_ksr_format(skr, o->format >= 0 ? o->format : skr->bind_times, &text);
	if (ret == 0)
		ret = cli_write_file(o->output, text, strlen(text), 0);
	if (ret == 0) {
		printf("wrote ");
		ret = cli_print_digest(stdout, o->output, text, strlen(text));
	}
	free(text);
	return ret;
}

/* KSR-CHAIN-KSK: is the key of dnskey (revoked or not) on the token? */
static int on_token(void *ctx, const ldns_rr *dnskey)
{
	struct cli_token *ct = ctx;
	ldns_rr *plain = ldns_rr_clone(dnskey);
	const struct kskit_alg *alg;
	CK_OBJECT_HANDLE priv;
	EVP_PKEY *pub = NULL;
	ldns_rdf *flags;
	int ret = KSKIT_ENOMEM;

	if (!plain)
		return ret;
	flags = ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16,
				      ldns_rdf2native_int16(ldns_rr_rdf(plain, 0)) &
					      ~LDNS_KEY_REVOKE_KEY);
	if (flags) {
		ldns_rdf_deep_free(ldns_rr_set_rdf(plain, flags, 0));
		ret = kskit_key_by_tag(ct->tok, ldns_calc_keytag(plain),
				       ldns_rdf2native_int16(flags), plain, &priv, &pub, &alg);
	}
	EVP_PKEY_free(pub);
	ldns_rr_free(plain);
	return ret;
}

/* The policy, from its defaults for the request's form and --policy. */
static int load_policy(const struct sign_opts *o, int xml, struct kskit_policy *pol)
{
	char *text = NULL;
	size_t len = 0;
	int ret = 0;

	kskit_policy_defaults(pol, xml);
	if (o->policy && (ret = cli_read_file(o->policy, 1u << 20, &text, &len)) == 0)
		ret = kskit_policy_parse(text, len, pol);
	free(text);
	return ret;
}

/* The XML response's <KSK> policy: the limits kskit held the request to,
 * and the KSKs' algorithms.  kskit has no publish or retire safety of its
 * own: they are written as 0. */
static void ksk_policy(const struct kskit_policy *pol, const struct ksk_slot *slots,
		       const struct kskit_ksk *ksks, size_t n, struct kskit_ksr_policy *out)
{
	*out = (struct kskit_ksr_policy){ .present = 1,
					  .max_sig_validity = pol->max_validity,
					  .min_sig_validity = pol->min_validity,
					  .max_overlap = pol->max_overlap,
					  .min_overlap = pol->min_overlap };
	for (size_t i = 0; i < n && out->n_algs < KSKIT_KSR_POLICY_ALGS; i++) {
		out->algs[out->n_algs].alg = ksks[i].alg->number;
		kskit_pkey_size(slots[i].pub, ksks[i].alg, &out->algs[out->n_algs].size,
				&out->algs[out->n_algs].exponent);
		out->n_algs++;
	}
}

static int sign(struct cli_token *ct, struct sign_opts *o, const struct kskit_ksr *ksr,
		const struct kskit_ksr *previous, struct ksk_slot *slots, struct kskit_ksk *ksks)
{
	struct kskit_policy pol;
	struct kskit_policy_input in = { .ksr = ksr,
					 .ksks = ksks,
					 .n_ksks = o->n_ksk,
					 .previous = previous,
					 .now = o->now,
					 .on_token = on_token,
					 .ctx = ct };
	struct kskit_skr_plan plan = { 0 };
	struct kskit_ksr *skr = NULL;
	int ret;

	ret = load_policy(o, ksr->xml, &pol);
	if (ret == 0)
		ret = resolve(ct, ksr, slots, ksks, o->n_ksk);
	if (ret == 0)
		ret = kskit_skr_plan(ksr, ksks, o->n_ksk, &o->params, &plan);
	in.plan = &plan;
	if (ret == 0)
		ret = kskit_policy_check(&pol, &in);
	if (ret == 0) {
		print_plan(ksr, slots, ksks, o->n_ksk, &plan);
		if (!o->yes)
			ret = cli_confirm("Type yes to sign these bundles: ", "yes");
	}
	if (ret == 0)
		ret = kskit_skr_sign(ksr, ksks, o->n_ksk, &o->params, &plan, &skr);
	if (ret == 0 && skr->xml)
		ksk_policy(&pol, slots, ksks, o->n_ksk, &skr->ksk_policy);
	if (ret == 0)
		ret = write_response(o, skr);
	kskit_ksr_free(skr);
	kskit_skr_plan_free(&plan);
	kskit_policy_clear(&pol);
	return ret;
}

/* Per-form defaults: Knot's sign-ksr, BIND's dnssec-ksr (its TTLs are all
 * the DNSKEY TTL, its signatures-refresh 5 days, inception an hour back). */
static void form_defaults(struct sign_opts *o, const struct kskit_ksr *ksr)
{
	uint32_t ttl = max_ttl(ksr);
	int bind = o->format >= 0 ? o->format : ksr->bind_times;

	if (!o->have_backdate)
		o->params.backdate = bind ? 3600 : 5400;
	if (!o->have_refresh)
		o->params.refresh = bind ? 5 * 86400 : 3600 + ttl;
	o->params.cds_ttl = bind ? ttl : 0;
	o->params.generated = time(NULL);
	if (!o->now)
		o->now = o->params.generated;
}

int cmd_sign(int argc, char **argv)
{
	struct sign_opts o = { .format = -1, .params = { .lifetime = 14 * 86400 } };
	struct ksk_slot slots[KSKIT_SKR_MAX_KSKS] = { 0 };
	struct kskit_ksk ksks[KSKIT_SKR_MAX_KSKS] = { 0 };
	struct kskit_ksr *ksr = NULL, *previous = NULL;
	struct cli_token ct = { 0 };
	char *text = NULL, *prev_text = NULL;
	size_t len = 0, prev_len = 0;
	int status, ret;

	status = parse(argc, argv, &o);
	if (status)
		return status < 0 ? EXIT_OK : status;
	for (size_t i = 0; status == EXIT_OK && i < o.n_ksk; i++)
		status = parse_ksk((char *)o.ksk_spec[i], &ksks[i], &slots[i]);
	if (status)
		goto out;
	ret = cli_read_ksr(o.ksr_path, 0, &ksr, &text, &len);
	if (ret == 0 && o.previous)
		ret = cli_read_ksr(o.previous, 1, &previous, &prev_text, &prev_len);
	if (ret) {
		status = cli_fail(NULL, ret);
		goto out;
	}
	if (ksr->xml && (o.format >= 0 || o.params.cds_sha256 || o.params.cds_sha384)) {
		status = cli_usage(usage, "--format and --cds are for the text forms");
		goto out;
	}
	form_defaults(&o, ksr);
	printf("Key Signing Request ");
	cli_print_digest(stdout, o.ksr_path, text, len);
	if (previous) {
		printf("previous Signed Key Response ");
		cli_print_digest(stdout, o.previous, prev_text, prev_len);
	}
	status = cli_open(o.uri, o.module, 0, &ct);
	if (status)
		goto out;
	status = cli_login(&ct, CKU_USER);
	if (status == EXIT_OK) {
		ret = sign(&ct, &o, ksr, previous, slots, ksks);
		if (ret)
			status = cli_fail(NULL, ret);
	}
out:
	for (size_t i = 0; i < o.n_ksk; i++) {
		kskit_signer_free(slots[i].signer);
		EVP_PKEY_free(slots[i].pub);
		ldns_rr_free(slots[i].dnskey);
		ldns_rr_free(slots[i].file_key);
		free(slots[i].label);
	}
	if (ct.tok)
		cli_close(&ct);
	kskit_ksr_free(previous);
	kskit_ksr_free(ksr);
	free(prev_text);
	free(text);
	return status;
}
