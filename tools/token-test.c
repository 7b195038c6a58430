/* kskit token test - acceptance test of a token for DNSSEC, in the spirit of
 * Knot's keymgr keystore-test: per algorithm, generate a session key, sign,
 * verify every signature in software, report the rate; check the RNG. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/rand.h>

#include "cli.h"
#include "commands.h"
#include "lib/error.h"
#include "lib/health.h"
#include "lib/key.h"
#include "lib/keygen.h"
#include "lib/object.h"
#include "lib/rng.h"
#include "lib/sign.h"

static const char usage[] =
	"usage: kskit token test [--algorithm ALG[,ALG...]] [--count N | --seconds S]\n"
	"                        [--rng-bytes N] [--module PATH] URI\n"
	"\n"
	"For each DNSSEC algorithm the token offers (or those named), generate a\n"
	"session key pair on the token, check that its private half cannot be\n"
	"read, sign N test messages (or for S seconds, default 1), verify every\n"
	"signature in software with OpenSSL and print the rate: overall, and of\n"
	"the token alone.  When the URI names a private key (object=, id=),\n"
	"test that key instead of generating any.  Then read N bytes (default\n"
	"65536) from the token's RNG and run the SP 800-90B health tests and a\n"
	"frequency check on them.  Exit 1 when anything fails.\n";

struct test_opts {
	const char *algs;
	unsigned long count;
	double seconds;
	unsigned long rng_bytes;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A DNSSEC implementation must never be able to read the private key. */
static int check_sensitive(struct kskit_token *tok, CK_OBJECT_HANDLE priv, CK_KEY_TYPE kt)
{
	CK_ATTRIBUTE_TYPE secret = kt == CKK_RSA ? CKA_PRIVATE_EXPONENT : CKA_VALUE;
	unsigned char *v = NULL;
	CK_ULONG len = 0;

	if (kskit_attr_get(tok, priv, secret, &v, &len) == 0) {
		OPENSSL_cleanse(v, len);
		free(v);
		return kskit_error_set(KSKIT_EKEY_TYPE, "the private key value is readable");
	}
	return 0;
}

static int sign_loop(struct kskit_token *tok, CK_OBJECT_HANDLE priv, const struct kskit_alg *alg,
		     EVP_PKEY *pub, const struct test_opts *o)
{
	struct kskit_signer *s = NULL;
	uint8_t msg[512];
	unsigned long n = 0;
	double t0, dt;
	int ret;

	ret = kskit_signer_new(tok, priv, alg, pub, &s);
	if (ret)
		return ret;
	if (RAND_bytes(msg, sizeof(msg)) != 1) {
		kskit_signer_free(s);
		return KSKIT_ECRYPTO;
	}
	t0 = now();
	do {
		uint8_t *sig = NULL;
		size_t sig_len = 0;

		memcpy(msg, &n, sizeof(n));
		ret = kskit_signer_sign(s, msg, sizeof(msg), &sig, &sig_len);
		free(sig);
		if (ret)
			break;
		n++;
	} while (o->count ? n < o->count : (now() - t0 < o->seconds || n < 3));
	dt = now() - t0;
	if (ret == 0)
		printf("  %lu signatures, all verified: %.1f sigs/s (token alone %.1f sigs/s) with %s\n",
		       n, n / dt, n / (kskit_signer_token_ns(s) / 1e9),
		       kskit_ckm_name(kskit_signer_mechanism(s)));
	kskit_signer_free(s);
	return ret;
}

static int test_generated(struct kskit_token *tok, const struct kskit_alg *alg,
			  const struct test_opts *o)
{
	struct kskit_keygen p = { .alg = alg, .label = "kskit-token-test", .session_only = 1 };
	CK_OBJECT_HANDLE priv, pub;
	EVP_PKEY *pkey = NULL;
	int on_token = 0, ret;
	double t0 = now();

	ret = kskit_keygen(tok, &p, &priv, &pub, &on_token);
	if (ret)
		return ret;
	printf("  key pair generated in %.2f s%s\n", now() - t0,
	       on_token ? " (as token objects: session objects refused; deleted after)" : "");
	ret = check_sensitive(tok, priv, alg->key_type);
	if (ret == 0)
		ret = kskit_key_public(tok, pub, &pkey, NULL);
	if (ret == 0)
		ret = sign_loop(tok, priv, alg, pkey, o);
	EVP_PKEY_free(pkey);
	if (on_token) {
		(void)kskit_object_destroy(tok, priv);
		(void)kskit_object_destroy(tok, pub);
	}
	return ret;
}

static int wanted(const char *list, const struct kskit_alg *alg)
{
	char *copy, *tok, *save = NULL;
	int found = 0;

	if (!list)
		return 1;
	copy = strdup(list);
	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save))
		if (kskit_alg_by_name(tok) == alg)
			found = 1;
	free(copy);
	return found;
}

static int test_algorithms(struct kskit_token *tok, const struct test_opts *o)
{
	const struct kskit_alg *alg;
	int failures = 0, tested = 0;

	for (size_t i = 0; (alg = kskit_alg_at(i)) != NULL; i++) {
		int ret;

		if (!wanted(o->algs, alg))
			continue;
		printf("%s (%u):\n", alg->name, alg->number);
		if (!kskit_token_offers(tok, alg) ||
		    !kskit_token_has_mechanism(tok, alg->gen_mech, NULL)) {
			printf("  not offered by this token (mechanisms)\n");
			failures += o->algs != NULL;
			continue;
		}
		tested++;
		ret = test_generated(tok, alg, o);
		if (ret) {
			printf("  FAILED: %s (%s)\n", kskit_strerror(ret), kskit_error_detail(ret));
			failures++;
			if (ret == KSKIT_ETOKEN_GONE)
				return -1;
		}
	}
	if (tested == 0) {
		printf("no DNSSEC algorithm could be tested\n");
		failures++;
	}
	return failures;
}

static int test_object(struct cli_token *ct, const struct test_opts *o)
{
	const struct kskit_alg *alg = NULL;
	CK_OBJECT_HANDLE priv;
	CK_ULONG cls = 0;
	EVP_PKEY *pkey = NULL;
	int ret;

	ret = kskit_object_find_one(ct->tok, ct->sel, &priv);
	if (ret == 0)
		ret = kskit_attr_ulong(ct->tok, priv, CKA_CLASS, &cls);
	if (ret == 0 && cls != CKO_PRIVATE_KEY)
		ret = kskit_error_set(KSKIT_EKEY_TYPE,
				      "the URI must name a private key (type=private)");
	if (ret == 0)
		ret = kskit_key_public(ct->tok, priv, &pkey, &alg);
	if (ret == 0 && o->algs) {
		const struct kskit_alg *want = kskit_alg_by_name(o->algs);

		ret = want ? 0 : KSKIT_EALGORITHM;
		alg = want;
	}
	if (ret == 0) {
		printf("%s (%u), key on the token:\n", alg->name, alg->number);
		ret = sign_loop(ct->tok, priv, alg, pkey, o);
	}
	EVP_PKEY_free(pkey);
	return ret;
}

/* Health tests at a low claimed entropy (only a broken source fails), plus
 * a frequency check: every byte value present, ones within 6 sigma. */
static int test_rng(struct kskit_token *tok, unsigned long n)
{
	struct kskit_health h;
	unsigned long counts[256] = { 0 }, ones = 0;
	double t0, dt, sigma;
	uint8_t *buf;
	int ret;

	if (!(kskit_token_info(tok)->flags & CKF_RNG)) {
		printf("RNG: the token has none (no CKF_RNG)\n");
		return 0;
	}
	buf = malloc(n);
	if (!buf)
		return KSKIT_ENOMEM;
	t0 = now();
	ret = kskit_token_random(tok, buf, n);
	dt = now() - t0;
	if (ret == 0)
		ret = kskit_health_init(&h, 1.0);
	if (ret == 0)
		ret = kskit_health_feed(&h, buf, n);
	for (unsigned long i = 0; ret == 0 && i < n; i++) {
		counts[buf[i]]++;
		ones += (unsigned long)__builtin_popcount(buf[i]);
	}
	sigma = n ? (double)ones - 4.0 * (double)n : 0.0;
	if (ret == 0 && n >= 16384) {
		for (int v = 0; v < 256; v++)
			if (counts[v] == 0)
				ret = kskit_error_set(KSKIT_EHEALTH_APT, "byte value %d never seen",
						      v);
		if (sigma * sigma > 36.0 * 2.0 * (double)n)
			ret = kskit_error_set(KSKIT_EHEALTH_APT, "ones off by %.0f bits", sigma);
	}
	free(buf);
	if (ret == 0)
		printf("RNG: %lu bytes in %.2f s (%.0f bytes/s), health tests and frequency check passed\n",
		       n, dt, n / dt);
	return ret;
}

static int parse(int argc, char **argv, struct test_opts *o, const char **module)
{
	static const struct option opts[] = {
		{ "algorithm", required_argument, NULL, 'a' },
		{ "count", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 's' },
		{ "rng-bytes", required_argument, NULL, 'r' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	while ((c = getopt_long(argc, argv, "a:n:s:r:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o->algs = optarg;
			break;
		case 'n':
			if (cli_number(optarg, 1, 100000000, &o->count))
				return cli_usage(usage, "--count: 1 to 100000000");
			break;
		case 's':
			if (cli_number(optarg, 1, 3600, &v))
				return cli_usage(usage, "--seconds: 1 to 3600");
			o->seconds = (double)v;
			break;
		case 'r':
			if (cli_number(optarg, 0, 1 << 28, &o->rng_bytes))
				return cli_usage(usage, "--rng-bytes: 0 to 268435456");
			break;
		case 'm':
			*module = optarg;
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
	if (o->algs) {
		char *copy = strdup(o->algs), *t, *save = NULL;
		int bad = 0;

		for (t = copy ? strtok_r(copy, ",", &save) : NULL; t;
		     t = strtok_r(NULL, ",", &save))
			bad |= kskit_alg_by_name(t) == NULL;
		free(copy);
		if (bad)
			return cli_usage(usage, "--algorithm: unknown algorithm in '%s'", o->algs);
	}
	return EXIT_OK;
}

int cmd_token_test(int argc, char **argv)
{
	struct test_opts o = { .seconds = 1.0, .rng_bytes = 65536 };
	const char *module = NULL;
	struct cli_token ct;
	int status, ret;

	status = parse(argc, argv, &o, &module);
	if (status)
		return status < 0 ? EXIT_OK : status;
	if (o.algs && strchr(o.algs, ',')) {
		struct kskit_sel *sel = NULL;
		int names = kskit_sel_parse(argv[optind], module, &sel) == 0 &&
			    kskit_sel_names_object(sel);

		kskit_sel_free(sel);
		if (names)
			return cli_usage(usage, "a key URI takes one --algorithm");
	}
	status = cli_open(argv[optind], module, KSKIT_TOKEN_RW, &ct);
	if (status)
		return status;
	status = cli_login(&ct, CKU_USER);
	if (status)
		goto out;

	if (kskit_sel_names_object(ct.sel)) {
		ret = test_object(&ct, &o);
		if (ret) {
			status = cli_fail(NULL, ret);
			goto out;
		}
	} else {
		ret = test_algorithms(ct.tok, &o);
		if (ret < 0) {
			status = cli_fail(NULL, KSKIT_ETOKEN_GONE);
			goto out;
		}
		if (ret > 0) {
			fprintf(stderr, "%s: %d algorithm test%s failed\n", cli_name, ret,
				ret == 1 ? "" : "s");
			status = EXIT_FAIL;
		}
	}
	if (status == EXIT_OK && o.rng_bytes > 0 && (ret = test_rng(ct.tok, o.rng_bytes)) != 0)
		status = cli_fail("RNG", ret);
out:
	cli_close(&ct);
	return status;
}
