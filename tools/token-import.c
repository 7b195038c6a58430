/* kskit token import - write a software key onto a token: the seeds'
 * cardwrite. */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "cli.h"
#include "commands.h"
#include "describe.h"
#include "lib/error.h"
#include "lib/import.h"
#include "lib/keyfile.h"
#include "lib/object.h"
#include "lib/quirks.h"
#include "lib/keygen.h"
#include "lib/secret.h"
#include "lib/sign.h"

static const char usage[] =
	"usage: kskit token import [--label LABEL] [--id HEX] [--extractable]\n"
	"                          [--module PATH] FILE URI\n"
	"\n"
	"Write the private key in FILE (BIND K*.private, or PEM: PKCS#8 or the\n"
	"traditional RSA/EC forms) and its public key onto the token.  The\n"
	"private key is private and sensitive; extractable only with\n"
	"--extractable.  Every copy of the key in kskit's memory is wiped.\n"
	"\n"
	"LABEL defaults to the file name without its extension; the id to the\n"
	"SHA-1 of the public key (Knot's convention).  An encrypted PEM asks for\n"
	"its passphrase (or reads KSKIT_KEY_PASSPHRASE).\n";

static int parse_hex(const char *s, unsigned char **out, size_t *len)
{
	long n = 0;
	unsigned char *b = OPENSSL_hexstr2buf(s, &n);

	if (!b || n <= 0) {
		OPENSSL_free(b);
		return -1;
	}
	*out = b;
	*len = (size_t)n;
	return 0;
}

static char *default_label(const char *path)
{
	char *copy = strdup(path), *base, *dot, *label;

	if (!copy)
		return NULL;
	base = basename(copy);
	dot = strrchr(base, '.');
	if (dot && dot != base)
		*dot = '\0';
	label = strndup(base, 32);
	free(copy);
	return label;
}

static int id_in_use(struct kskit_token *tok, const unsigned char *id, size_t len)
{
	CK_ATTRIBUTE a = { CKA_ID, (void *)id, len };
	CK_OBJECT_HANDLE *objs = NULL;
	size_t n = 0;

	if (kskit_objects_find(tok, &a, 1, &objs, &n) != 0)
		return 0;
	free(objs);
	return n > 0;
}

/* The token must sign with what it was given: one signature, verified in
 * software, before the key counts as imported. */
static int test_signature(struct kskit_token *tok, CK_OBJECT_HANDLE priv,
			  const struct kskit_alg *alg, EVP_PKEY *key)
{
	int ret = kskit_sign_self_test(tok, priv, alg, key);

	if (ret) {
		char why[256];

		snprintf(why, sizeof(why), "%s", kskit_error_detail(ret));
		return kskit_error_set(ret, "test signature failed, the key was removed again: %s",
				       why);
	}
	return 0;
}

static int import(struct cli_token *ct, const char *path, struct kskit_import *p)
{
	const struct kskit_alg *alg = NULL;
	const struct kskit_quirks *q = kskit_quirks_of(ct->tok);
	EVP_PKEY *key = NULL;
	unsigned char id[20];
	CK_OBJECT_HANDLE priv, pub;
	int ret;

	if (q->no_import) {
		fprintf(stderr, "%s: cannot import into this token: %s\n", cli_name, q->no_import);
		return EXIT_FAIL;
	}
	ret = kskit_keyfile_read(path, cli_pem_passphrase, (void *)path, &key, &alg);
	if (ret)
		return cli_fail(path, ret);
	if (!kskit_token_offers_bits(ct->tok, alg, (unsigned)EVP_PKEY_get_bits(key))) {
		ret = kskit_error_set(
			KSKIT_EMECHANISM,
			"the token cannot sign with %s and a %d-bit key: not imported", alg->name,
			EVP_PKEY_get_bits(key));
		EVP_PKEY_free(key);
		return cli_fail(path, ret);
	}
	if (!p->id) {
		ret = kskit_key_id(key, id);
		p->id = id;
		p->id_len = sizeof(id);
	}
	if (ret == 0 && id_in_use(ct->tok, p->id, p->id_len))
		ret = kskit_error_set(KSKIT_EINVAL,
				      "an object with this id is already on the token");
	if (ret == 0)
		ret = kskit_import_key(ct->tok, key, p, &priv, &pub);
	if (ret == 0 && (ret = test_signature(ct->tok, priv, alg, key)) != 0) {
		(void)kskit_object_destroy(ct->tok, priv);
		(void)kskit_object_destroy(ct->tok, pub);
	}
	EVP_PKEY_free(key);
	if (ret)
		return cli_fail(path, ret);
	printf("imported %s (%s):\n", path, alg->name);
	describe_object(stdout, ct->tok, priv);
	return EXIT_OK;
}

int cmd_token_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "label", required_argument, NULL, 'l' },
		{ "id", required_argument, NULL, 'i' },
		{ "extractable", no_argument, NULL, 'x' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kskit_import p = { 0 };
	const char *module = NULL;
	unsigned char *id = NULL;
	char *label = NULL;
	struct cli_token ct;
	int c, status;

	while ((c = getopt_long(argc, argv, "l:i:xm:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			free(label);
			label = strdup(optarg);
			break;
		case 'i':
			OPENSSL_free(id);
			id = NULL;
			if (parse_hex(optarg, &id, &p.id_len) != 0) {
				free(label);
				return cli_usage(usage, "--id: not hexadecimal");
			}
			break;
		case 'x':
			p.extractable = 1;
			break;
		case 'm':
			module = optarg;
			break;
		case 'h':
			free(label);
			OPENSSL_free(id);
			return cli_help(usage);
		default:
			free(label);
			OPENSSL_free(id);
			return cli_usage(usage, "bad option");
		}
	}
	if (argc - optind != 2) {
		free(label);
		OPENSSL_free(id);
		return cli_usage(usage, "give a key FILE and a token URI");
	}
	if (!label)
		label = default_label(argv[optind]);
	p.label = label;
	p.id = id;
	status = cli_open(argv[optind + 1], module, KSKIT_TOKEN_RW, &ct);
	if (status == EXIT_OK)
		status = cli_login(&ct, CKU_USER);
	if (status == EXIT_OK)
		status = import(&ct, argv[optind], &p);
	cli_close(&ct);
	free(label);
	OPENSSL_free(id);
	return status;
}
