/* kskit keygen - a KSK generated on the token, or a ZSK generated in
 * software from the token's randomness (the seeds' genksk and genzsk) or
 * on the token for an online signer that signs with it, with
 * its DNSKEY, DS, CDS/CDNSKEY, BIND key files and, for a KSK, an RFC 7958
 * trust anchor. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/rand.h>
#include <p11-kit/uri.h>

#include "cli.h"
#include "commands.h"
#include "lib/anchor.h"
#include "lib/bindkey.h"
#include "lib/dnskey.h"
#include "lib/dnsrr.h"
#include "lib/error.h"
#include "lib/health.h"
#include "lib/import.h"
#include "lib/key.h"
#include "lib/keygen.h"
#include "lib/object.h"
#include "lib/outfile.h"
#include "lib/pkey.h"
#include "lib/secret.h"
#include "lib/sign.h"

static const char usage[] =
	"usage: kskit keygen --zone ZONE [--ksk | --zsk [--on-token]] [--algorithm ALG]\n"
	"                    [--bits N] [--label LABEL] [--backupable]\n"
	"                    [--ds sha256|sha384|both] [--ttl SECONDS] [--output-dir DIR]\n"
	"                    [--module PATH] URI\n"
	"\n"
	"--ksk (the default): generate a key pair on the token the URI selects\n"
	"(C_GenerateKeyPair: token object, private, sensitive, signing only;\n"
	"extractable only with --backupable, for the backup commands), sign a\n"
	"test message with it and verify that in software.\n"
	"--zsk: generate the key in software, with OpenSSL's RNG seeded from the\n"
	"token's C_GenerateRandom (health-tested), as the seeds' genzsk did.\n"
	"--zsk --on-token: generate the ZSK on the token as a KSK is made, for an\n"
	"online signer that signs with the token (kskit signer --token): the\n"
	"seeds' online smartcard or TPM ZSKs.\n"
	"\n"
	"ALG: RSASHA256 (default, 2048 bits; --bits 3072 or 4096), RSASHA512,\n"
	"ECDSAP256SHA256, ECDSAP384SHA384, ED25519, as the token allows.\n"
	"\n"
	"Files written in DIR (default .), never over existing ones, each\n"
	"complete or not at all, named as BIND names them, K<zone>+<alg>+<tag>:\n"
	"  .key       the DNSKEY (flags 257 for a KSK, 256 for a ZSK)\n"
	"  .private   a ZSK's key material (mode 0600), or for a KSK only the\n"
	"             token key's PKCS#11 URI (BIND's Engine: pkcs11, Label:)\n"
	"  .ds        DS records (SHA-256; --ds for SHA-384 or both)      KSK only\n"
	"  .cds       the same as CDS, and the DNSKEY as CDNSKEY          KSK only\n"
	"  .xml       an RFC 7958 trust anchor, like IANA's root-anchors.xml\n"
	"\n"
	"On the token the key pair is labelled K<zone>+<alg>+<tag> (or LABEL) and\n"
	"its CKA_ID is the SHA-1 of its SubjectPublicKeyInfo, as kskit token\n"
	"import gives imported keys; a token that will not change them after\n"
	"generation keeps a random 20-byte id and the label kskit-<id>.\n";

struct keygen_opts {
	const char *zone, *label, *dir, *module;
	const struct kskit_alg *alg;
	unsigned bits;
	int zsk, on_token, backupable, ds_sha256, ds_sha384;
	unsigned long ttl;
};

/* dir/base.ext, written atomically, never over an existing file. */
static int write_out(const struct keygen_opts *o, const char *base, const char *ext,
		     const char *text, int secret)
{
	struct kskit_outfile *f = NULL;
	char path[4096];
	size_t len = strlen(text);
	int ret;

	snprintf(path, sizeof(path), "%s/%s%s", o->dir, base, ext);
	ret = kskit_outfile_open(path, KSKIT_OUT_NO_REPLACE | (secret ? 0 : KSKIT_OUT_PUBLIC), &f);
	if (ret == 0 && (ret = kskit_write_all(kskit_outfile_fd(f), text, len)) != 0) {
		kskit_outfile_abort(f);
		return ret;
	}
	if (ret == 0)
		ret = kskit_outfile_commit(f);
	if (ret == 0)
		printf("wrote %s\n", path);
	return ret;
}

/* Text of several records, one a line, appended to *text. */
static int append_rr(char **text, const ldns_rr *rr)
{
	char *s = ldns_rr2str(rr), *more = NULL;

	if (!s || asprintf(&more, "%s%s%s", *text ? *text : "", s,
			   *s && s[strlen(s) - 1] == '\n' ? "" : "\n") < 0) {
		free(s);
		return KSKIT_ENOMEM;
	}
	free(s);
	free(*text);
	*text = more;
	return 0;
}

/* .key, .ds, .cds and .xml of a DNSKEY; .ds and the rest for a KSK only. */
static int write_public(const struct keygen_opts *o, const ldns_rr *dnskey, const char *base,
			time_t now)
{
	ldns_rr *ds[2] = { 0 }, *rr = NULL;
	char *key = kskit_bind_key_text(dnskey, now), *dstext = NULL, *cds = NULL, *xml = NULL;
	size_t nds = 0;
	int ret = key ? 0 : KSKIT_ENOMEM;

	if (ret == 0)
		ret = write_out(o, base, ".key", key, 0);
	if (ret || o->zsk)
		goto out;
	if (o->ds_sha256 && (ret = kskit_ds_rr(dnskey, KSKIT_DS_SHA256, &ds[nds])) == 0)
		nds++;
	if (ret == 0 && o->ds_sha384 && (ret = kskit_ds_rr(dnskey, KSKIT_DS_SHA384, &ds[nds])) == 0)
		nds++;
	for (size_t i = 0; ret == 0 && i < nds; i++) {
		ret = append_rr(&dstext, ds[i]);
		if (ret == 0)
			ret = kskit_rr_retype(ds[i], LDNS_RR_TYPE_CDS, &rr);
		if (ret == 0)
			ret = append_rr(&cds, rr);
		ldns_rr_free(rr);
		rr = NULL;
	}
	if (ret == 0 && (ret = kskit_rr_retype(dnskey, LDNS_RR_TYPE_CDNSKEY, &rr)) == 0)
		ret = append_rr(&cds, rr);
	if (ret == 0)
		ret = write_out(o, base, ".ds", dstext, 0);
	if (ret == 0)
		ret = write_out(o, base, ".cds", cds, 0);
	if (ret == 0) {
		char source[320];

		char id[300];

		snprintf(source, sizeof(source), "%s.xml", base);
		snprintf(id, sizeof(id), "%s", base);
		for (char *p = id; *p; p++)
			if (*p == '+')
				*p = '-';
		xml = kskit_anchor_xml(ds, nds, id, source, now);
		ret = xml ? write_out(o, base, ".xml", xml, 0) : KSKIT_ENOMEM;
	}
	if (ret == 0)
		printf("%s", dstext);
out:
	ldns_rr_free(rr);
	for (size_t i = 0; i < nds; i++)
		ldns_rr_free(ds[i]);
	free(key);
	free(dstext);
	free(cds);
	free(xml);
	return ret;
}

/* The object URI of the new private key, for the .private file. */
static char *key_uri(struct kskit_token *tok, const char *label, const unsigned char *id,
		     size_t id_len)
{
	P11KitUri *uri = p11_kit_uri_new();
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE a;
	char *s = NULL;

	if (!uri)
		return NULL;
	memcpy(p11_kit_uri_get_token_info(uri), kskit_token_info(tok), sizeof(CK_TOKEN_INFO));
	a = (CK_ATTRIBUTE){ CKA_CLASS, &cls, sizeof(cls) };
	p11_kit_uri_set_attribute(uri, &a);
	a = (CK_ATTRIBUTE){ CKA_LABEL, (void *)label, strlen(label) };
	p11_kit_uri_set_attribute(uri, &a);
	a = (CK_ATTRIBUTE){ CKA_ID, (void *)id, id_len };
	p11_kit_uri_set_attribute(uri, &a);
	p11_kit_uri_set_module_path(uri, kskit_token_module_path(tok));
	if (p11_kit_uri_format(uri, P11_KIT_URI_FOR_OBJECT_ON_TOKEN, &s) != P11_KIT_URI_OK)
		s = NULL;
	p11_kit_uri_free(uri);
	return s;
}

/* Give the pair kskit's id and label (a, 2 attributes); when the token
 * refuses for either half, both keep what they were generated with. */
static int rename_pair(struct kskit_token *tok, CK_OBJECT_HANDLE priv, CK_OBJECT_HANDLE pub,
		       CK_ATTRIBUTE *want, CK_ATTRIBUTE *was)
{
	if (kskit_attr_set(tok, pub, want, 2) != 0)
		return -1;
	if (kskit_attr_set(tok, priv, want, 2) != 0) {
		(void)kskit_attr_set(tok, pub, was, 2);
		return -1;
	}
	return 0;
}

/* A KSK, or a ZSK with --on-token: the key pair made on the token. */
static int token_pair(struct cli_token *ct, const struct keygen_opts *o, time_t now)
{
	struct kskit_keygen p = { .alg = o->alg, .bits = o->bits, .extractable = o->backupable };
	unsigned char gen_id[20], id[20];
	char gen_label[48], base[300], *priv_text = NULL, *uri = NULL;
	const char *label;
	CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE, pub = CK_INVALID_HANDLE;
	EVP_PKEY *pkey = NULL;
	ldns_rr *dnskey = NULL;
	int on_token = 0, ret;

	if (!kskit_token_offers_bits(ct->tok, o->alg, o->bits ? o->bits : o->alg->bits))
		return kskit_error_set(KSKIT_EMECHANISM, "the token cannot make %s keys of %u bits",
				       o->alg->name, o->bits ? o->bits : o->alg->bits);
	if (RAND_bytes(gen_id, sizeof(gen_id)) != 1)
		return KSKIT_ECRYPTO;
	memcpy(gen_label, "kskit-", 6);
	for (size_t i = 0; i < sizeof(gen_id); i++)
		snprintf(gen_label + 6 + 2 * i, 3, "%02x", gen_id[i]);
	p.label = o->label ? o->label : gen_label;
	p.id = gen_id;
	p.id_len = sizeof(gen_id);
	ret = kskit_keygen(ct->tok, &p, &priv, &pub, &on_token);
	if (ret)
		return ret;
	ret = kskit_key_public(ct->tok, pub, &pkey, NULL);
	if (ret == 0)
		ret = kskit_dnskey_rr(o->zone, (uint32_t)o->ttl, pkey, o->alg,
				      o->zsk ? KSKIT_DNSKEY_ZSK : KSKIT_DNSKEY_KSK, &dnskey);
	if (ret == 0)
		ret = kskit_sign_self_test(ct->tok, priv, o->alg, pkey);
	if (ret == 0)
		ret = kskit_key_id(pkey, id);
	if (ret)
		goto out;
	kskit_key_basename(dnskey, base, sizeof(base));
	label = o->label ? o->label : base;
	CK_ATTRIBUTE want[] = { { CKA_ID, id, sizeof(id) },
				{ CKA_LABEL, (void *)label, strlen(label) } };
	CK_ATTRIBUTE was[] = { { CKA_ID, gen_id, sizeof(gen_id) },
			       { CKA_LABEL, (void *)p.label, strlen(p.label) } };
	if (rename_pair(ct->tok, priv, pub, want, was) != 0) {
		memcpy(id, gen_id, sizeof(id));
		label = p.label;
	}
	uri = key_uri(ct->tok, label, id, sizeof(id));
	priv_text = uri ? kskit_bind_token_private_text(o->alg, uri, now) : NULL;
	ret = priv_text ? write_out(o, base, ".private", priv_text, 1) : KSKIT_ENOMEM;
	if (ret == 0)
		ret = write_public(o, dnskey, base, now);
	if (ret == 0)
		printf("%s %s on the token: %s\n", o->zsk ? "ZSK" : "KSK", base, uri);
out:
	if (ret && on_token) {
		(void)kskit_object_destroy(ct->tok, priv);
		(void)kskit_object_destroy(ct->tok, pub);
	}
	ldns_rr_free(dnskey);
	EVP_PKEY_free(pkey);
	free(priv_text);
	free(uri);
	return ret;
}

/* OpenSSL's RNG gets the token's randomness, health-tested, before a
 * software key is made from it. */
static int seed_from_token(struct cli_token *ct)
{
	struct kskit_health h;
	uint8_t *buf = kskit_secret_alloc(KSKIT_HEALTH_STARTUP);
	int ret;

	if (!buf)
		return KSKIT_ENOMEM;
	ret = kskit_health_init(&h, 2.0);
	if (ret == 0)
		ret = cli_random(ct, buf, KSKIT_HEALTH_STARTUP);
	if (ret == 0)
		ret = kskit_health_feed(&h, buf, KSKIT_HEALTH_STARTUP);
	if (ret == 0) {
		RAND_seed(buf, KSKIT_HEALTH_STARTUP);
		printf("OpenSSL's RNG seeded with %d bytes from the token\n", KSKIT_HEALTH_STARTUP);
	}
	kskit_secret_free(buf);
	return ret;
}

static int zsk(struct cli_token *ct, const struct keygen_opts *o, time_t now)
{
	EVP_PKEY *key = NULL;
	ldns_rr *dnskey = NULL;
	char base[300], *priv_text = NULL;
	int ret;

	ret = seed_from_token(ct);
	if (ret)
		return ret;
	key = kskit_pkey_generate(o->alg, o->bits);
	if (!key)
		return kskit_error_set(KSKIT_ECRYPTO, "%s key generation", o->alg->name);
	ret = kskit_dnskey_rr(o->zone, (uint32_t)o->ttl, key, o->alg, KSKIT_DNSKEY_ZSK, &dnskey);
	if (ret == 0) {
		kskit_key_basename(dnskey, base, sizeof(base));
		ret = kskit_bind_private_text(key, o->alg, now, &priv_text);
	}
	if (ret == 0)
		ret = write_out(o, base, ".private", priv_text, 1);
	if (ret == 0)
		ret = write_public(o, dnskey, base, now);
	if (ret == 0)
		printf("ZSK %s\n", base);
	kskit_secret_free(priv_text);
	ldns_rr_free(dnskey);
	EVP_PKEY_free(key);
	return ret;
}

static int parse(int argc, char **argv, struct keygen_opts *o)
{
	static const struct option opts[] = {
		{ "zone", required_argument, NULL, 'z' },
		{ "ksk", no_argument, NULL, 'K' },
		{ "zsk", no_argument, NULL, 'Z' },
		{ "on-token", no_argument, NULL, 'T' },
		{ "algorithm", required_argument, NULL, 'a' },
		{ "bits", required_argument, NULL, 'b' },
		{ "label", required_argument, NULL, 'l' },
		{ "backupable", no_argument, NULL, 'B' },
		{ "ds", required_argument, NULL, 'd' },
		{ "ttl", required_argument, NULL, 't' },
		{ "output-dir", required_argument, NULL, 'o' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	while ((c = getopt_long(argc, argv, "z:KZTa:b:l:Bd:t:o:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'z':
			o->zone = optarg;
			break;
		case 'K':
			o->zsk = 0;
			break;
		case 'Z':
			o->zsk = 1;
			break;
		case 'T':
			o->on_token = 1;
			break;
		case 'a':
			o->alg = kskit_alg_by_name(optarg);
			if (!o->alg)
				return cli_usage(usage, "--algorithm: unknown algorithm %s",
						 optarg);
			break;
		case 'b':
			if (cli_number(optarg, 1024, 4096, &v))
				return cli_usage(usage, "--bits: 1024 to 4096");
			o->bits = (unsigned)v;
			break;
		case 'l':
			o->label = optarg;
			break;
		case 'B':
			o->backupable = 1;
			break;
		case 'd':
			o->ds_sha256 = strcmp(optarg, "sha256") == 0 || strcmp(optarg, "both") == 0;
			o->ds_sha384 = strcmp(optarg, "sha384") == 0 || strcmp(optarg, "both") == 0;
			if (!o->ds_sha256 && !o->ds_sha384)
				return cli_usage(usage, "--ds: sha256, sha384 or both");
			break;
		case 't':
			if (cli_number(optarg, 0, 2147483647, &o->ttl))
				return cli_usage(usage, "--ttl: 0 to 2147483647");
			break;
		case 'o':
			o->dir = optarg;
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
	if (argc - optind != 1)
		return cli_usage(usage, "give exactly one token URI");
	if (!o->zone || !*o->zone)
		return cli_usage(usage, "--zone is required");
	if (o->bits && o->alg->key_type != CKK_RSA)
		return cli_usage(usage, "--bits is for RSA keys");
	if (o->on_token && !o->zsk)
		return cli_usage(usage,
				 "--on-token goes with --zsk (a KSK is always on the token)");
	if (o->zsk && !o->on_token && (o->label || o->backupable))
		return cli_usage(usage, "--label and --backupable are for keys on the token");
	return EXIT_OK;
}

int cmd_keygen(int argc, char **argv)
{
	struct keygen_opts o = {
		.alg = kskit_alg_by_number(8), .dir = ".", .ds_sha256 = 1, .ttl = 3600
	};
	struct cli_token ct;
	time_t now = time(NULL);
	int status, ret;

	status = parse(argc, argv, &o);
	if (status)
		return status < 0 ? EXIT_OK : status;
	status = cli_open(argv[optind], o.module, o.zsk && !o.on_token ? 0 : KSKIT_TOKEN_RW, &ct);
	if (status)
		return status;
	if (!o.zsk || o.on_token)
		status = cli_login(&ct, CKU_USER);
	if (status == EXIT_OK) {
		ret = o.zsk && !o.on_token ? zsk(&ct, &o, now) : token_pair(&ct, &o, now);
		if (ret == KSKIT_ECANCELED)
			status = EXIT_FAIL;
		else if (ret)
			status = cli_fail(NULL, ret);
	}
	cli_close(&ct);
	return status;
}
