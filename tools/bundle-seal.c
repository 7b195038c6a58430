/* kskit bundle seal - the keybundles of a Signed Key Response: per bundle,
 * the active ZSKs' private keys and the signed DNSKEY RRset, checked,
 * encrypted for the online signer, with a manifest of their SHA-256s. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/pem.h>

#include "cli.h"
#include "cli-bundle.h"
#include "commands.h"
#include "lib/envelope.h"
#include "lib/error.h"
#include "lib/keybundle.h"
#include "lib/keyfile.h"
#include "lib/ksr.h"
#include "lib/secret.h"
#include "lib/utc.h"

#define MAX_KEYS 16
#define MAX_CERTS 8

static const char usage[] =
	"usage: kskit bundle seal --skr SKR --zsk KEY... --output-dir DIR\n"
	"                         (--recipient CERT... | --passphrase [--passphrase-file F])\n"
	"                         [--iterations N] [--ksk ANCHOR]\n"
	"\n"
	"One keybundle per bundle of the Signed Key Response SKR (kskit sign's, in\n"
	"any form): the period it covers, the ZSKs of its DNSKEY RRset with the\n"
	"private keys of those that sign in it, and its DNSKEY RRset with CDS,\n"
	"CDNSKEY and RRSIGs.  A ZSK signs unless, beside ZSKs that go on, it is\n"
	"new in the bundle (pre-published) or gone from the next (post-published):\n"
	"the secret of a key not yet in use stays out.  KEY: each ZSK's private key,\n"
	"BIND .private or PEM.  Every bundle's RRSIGs are verified with its KSKs\n"
	"(with ANCHOR, a DS or DNSKEY file, by that KSK) before it is sealed.\n"
	"\n"
	"Sealed in CMS for the online signer's certificate(s) (AuthEnvelopedData,\n"
	"AES-256-GCM; `openssl cms -decrypt -inkey KEY -recip CERT` opens it) or\n"
	"with a passphrase (EnvelopedData, AES-256-CBC, PBKDF2 with N iterations,\n"
	"default 1300000; `openssl cms -decrypt -pwri_password` opens it), typed\n"
	"twice, or from KSKIT_BUNDLE_PASSPHRASE or the first line of F.\n"
	"\n"
	"Written to DIR as ZONE.FROM-UNTIL.kb (the period, YYYYMMDDhhmmss), mode\n"
	"0600, then ZONE.FROM-UNTIL.manifest: each file's SHA-256 as sha256sum\n"
	"prints it (sha256sum -c checks it).  Every file is new: nothing is\n"
	"overwritten, and on any failure the bundles written so far are removed.\n"
	"The SHA-256 and PGP words of each file are printed for the ceremony log.\n";

struct seal_opts {
	const char *skr, *dir, *pass_file, *anchor;
	const char *zsk[MAX_KEYS], *cert[MAX_CERTS];
	size_t n_zsk, n_cert;
	int passphrase;
	unsigned long iterations;
};

static int parse(int argc, char **argv, struct seal_opts *o)
{
	static const struct option opts[] = {
		{ "skr", required_argument, NULL, 's' },
		{ "zsk", required_argument, NULL, 'z' },
		{ "output-dir", required_argument, NULL, 'd' },
		{ "recipient", required_argument, NULL, 'r' },
		{ "passphrase", no_argument, NULL, 'p' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "ksk", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "s:z:d:r:pP:i:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->skr = optarg;
			break;
		case 'z':
			if (o->n_zsk == MAX_KEYS)
				return cli_usage(usage, "at most %d ZSKs", MAX_KEYS);
			o->zsk[o->n_zsk++] = optarg;
			break;
		case 'd':
			o->dir = optarg;
			break;
		case 'r':
			if (o->n_cert == MAX_CERTS)
				return cli_usage(usage, "at most %d recipients", MAX_CERTS);
			o->cert[o->n_cert++] = optarg;
			break;
		case 'p':
			o->passphrase = 1;
			break;
		case 'P':
			o->pass_file = optarg;
			o->passphrase = 1;
			break;
		case 'i':
			if (cli_number(optarg, 100000, 100000000, &o->iterations) != 0)
				return cli_usage(usage, "--iterations: 100000 to 100000000");
			break;
		case 'k':
			o->anchor = optarg;
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
	if (!o->skr || !o->dir || o->n_zsk == 0)
		return cli_usage(usage, "--skr, --zsk and --output-dir are required");
	if ((o->n_cert > 0) == o->passphrase)
		return cli_usage(usage, "seal for --recipient certificates or a --passphrase");
	return EXIT_OK;
}

/* The keys, certificates, anchor and passphrase the options name. */
struct material {
	EVP_PKEY *keys[MAX_KEYS];
	const struct kskit_alg *algs[MAX_KEYS];
	X509 *certs[MAX_CERTS];
	ldns_rr *anchor;
	char *pass;
};

static int load(const struct seal_opts *o, struct material *m)
{
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < o->n_zsk; i++) {
		ret = kskit_keyfile_read(o->zsk[i], cli_pem_passphrase, (void *)o->zsk[i],
					 &m->keys[i], &m->algs[i]);
		if (ret)
			return kskit_error_set(ret, "%s: %s", o->zsk[i], kskit_error_detail(ret));
	}
	for (size_t i = 0; i < o->n_cert; i++) {
		FILE *f = fopen(o->cert[i], "r");

		m->certs[i] = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
		if (f)
			fclose(f);
		if (!m->certs[i])
			return kskit_error_set(KSKIT_EINVAL, "%s: not a PEM certificate",
					       o->cert[i]);
	}
	if (o->anchor && (ret = cli_read_anchor(o->anchor, &m->anchor)) != 0)
		return ret;
	if (o->passphrase) {
		ret = cli_bundle_passphrase(o->pass_file, 1, &m->pass);
		if (ret == 0 && strlen(m->pass) < 12)
			ret = kskit_error_set(
				KSKIT_EPIN_POLICY,
				"a keybundle passphrase needs at least 12 characters");
	}
	return ret;
}

static void unload(const struct seal_opts *o, struct material *m)
{
	for (size_t i = 0; i < o->n_zsk; i++)
		EVP_PKEY_free(m->keys[i]);
	for (size_t i = 0; i < o->n_cert; i++)
		X509_free(m->certs[i]);
	ldns_rr_free(m->anchor);
	kskit_secret_free(m->pass);
}

/* DIR/ZONE.FROM-UNTIL.EXT, times YYYYMMDDhhmmss ("root" for the root
 * zone): what a period's file covers, readable without opening it. */
static char *file_name(const char *dir, const ldns_rdf *zone, time_t from, time_t until,
		       const char *ext)
{
	char *z = ldns_rdf2str(zone), a[32], b[32], *path = NULL;

	if (!z)
		return NULL;
	if (strlen(z) > 1)
		z[strlen(z) - 1] = '\0';
	kskit_utc_format(from, KSKIT_UTC_COMPACT, a, sizeof(a));
	kskit_utc_format(until, KSKIT_UTC_COMPACT, b, sizeof(b));
	if (asprintf(&path, "%s/%s.%s-%s.%s", dir, strcmp(z, ".") ? z : "root", a, b, ext) < 0)
		path = NULL;
	free(z);
	return path;
}

static void print_bundle(size_t i, const struct kskit_keybundle *kb)
{
	char from[32], to[32];

	kskit_utc_format(kb->inception, KSKIT_UTC_ISO, from, sizeof(from));
	kskit_utc_format(kb->expiration, KSKIT_UTC_ISO, to, sizeof(to));
	printf("%3zu  %s  %s ", i + 1, from, to);
	for (size_t j = 0; j < kb->n_zsks; j++)
		printf(" %u%s", kb->zsks[j].tag, kb->zsks[j].active ? "" : "(published)");
	putchar('\n');
}

/* Check, format, seal and write one bundle to path; its SHA-256 in hex. */
static int seal_one(const struct kskit_keybundle *kb, const struct material *m,
		    const struct seal_opts *o, const char *path, char hex[65])
{
	struct kskit_recipients to = { .certs = m->certs,
				       .n_certs = o->n_cert,
				       .passphrase = m->pass,
				       .iterations = (uint32_t)o->iterations };
	char *text = NULL;
	uint8_t *der = NULL;
	size_t len = 0, der_len = 0;
	int ret = kskit_keybundle_verify(kb, m->anchor);

	if (ret == 0)
		ret = kskit_keybundle_format(kb, &text, &len);
	if (ret == 0) /* what the online side will parse, parsed here first */
		ret = cli_bundle_text_reads(text, len);
	if (ret == 0)
		ret = kskit_envelope_seal(text, len, &to, &der, &der_len);
	if (ret == 0)
		ret = cli_write_file(path, der, der_len, 1);
	if (ret == 0)
		cli_sha256_hex(der, der_len, hex);
	if (ret == 0)
		ret = cli_print_digest(stdout, path, der, der_len);
	kskit_secret_free(text);
	OPENSSL_free(der);
	return ret;
}

static int seal_all(const struct seal_opts *o, const struct kskit_ksr *skr, const char *skr_hex,
		    const struct material *m)
{
	struct kskit_keybundle **kbs = NULL;
	const char *base = strrchr(o->skr, '/');
	char **paths = calloc(skr->n_bundles + 1, sizeof(*paths)), *manifest = NULL;
	size_t written = 0, mlen = 0;
	FILE *mf = NULL;
	int ret = paths ? 0 : KSKIT_ENOMEM;

	if (ret == 0)
		ret = kskit_keybundles_from_skr(skr, skr_hex, base ? base + 1 : o->skr, m->keys,
						m->algs, o->n_zsk, &kbs);
	for (size_t i = 0; ret == 0 && i <= skr->n_bundles; i++) {
		paths[i] = i < skr->n_bundles
				   ? file_name(o->dir, skr->zone, kbs[i]->inception,
					       kbs[i]->expiration, "kb")
				   : file_name(o->dir, skr->zone, kbs[0]->inception,
					       kbs[skr->n_bundles - 1]->expiration, "manifest");
		if (!paths[i])
			ret = KSKIT_ENOMEM;
		else if (access(paths[i], F_OK) == 0)
			ret = kskit_error_set(KSKIT_EEXIST, "%s exists", paths[i]);
	}
	if (ret == 0) {
		printf("\n  #  period from           to                    ZSKs\n");
		for (size_t i = 0; i < skr->n_bundles; i++)
			print_bundle(i, kbs[i]);
		putchar('\n');
		if (!(mf = open_memstream(&manifest, &mlen)))
			ret = KSKIT_ENOMEM;
	}
	for (; ret == 0 && written < skr->n_bundles; written++) {
		char hex[65];
		const char *name = strrchr(paths[written], '/') + 1;

		ret = seal_one(kbs[written], m, o, paths[written], hex);
		if (ret == 0)
			fprintf(mf, "%s  %s\n", hex, name);
	}
	if (mf)
		fclose(mf);
	if (ret == 0)
		ret = cli_write_file(paths[skr->n_bundles], manifest, mlen, 0);
	if (ret == 0)
		ret = cli_print_digest(stdout, paths[skr->n_bundles], manifest, mlen);
	for (size_t i = 0; ret && i < written; i++) /* all or nothing */
		unlink(paths[i]);
	for (size_t i = 0; kbs && i < skr->n_bundles; i++)
		kskit_keybundle_free(kbs[i]);
	for (size_t i = 0; paths && i <= skr->n_bundles; i++)
		free(paths[i]);
	free(paths);
	free(kbs);
	free(manifest);
	return ret;
}

int cmd_bundle_seal(int argc, char **argv)
{
	struct seal_opts o = { 0 };
	struct material m = { 0 };
	struct kskit_ksr *skr = NULL;
	char *text = NULL, hex[65];
	size_t len = 0;
	int status, ret;

	status = parse(argc, argv, &o);
	if (status)
		return status < 0 ? EXIT_OK : status;
	ret = cli_read_ksr(o.skr, 1, &skr, &text, &len);
	if (ret == 0) {
		printf("Signed Key Response ");
		ret = cli_print_digest(stdout, o.skr, text, len);
		cli_sha256_hex(text, len, hex);
	}
	if (ret == 0)
		ret = load(&o, &m);
	if (ret == 0)
		ret = seal_all(&o, skr, hex, &m);
	if (ret)
		status = cli_fail(NULL, ret);
	unload(&o, &m);
	kskit_ksr_free(skr);
	free(text);
	return status;
}
