/* kskit backup export (pkcs11-backup, kskit dkek wrap) - keys of a token
 * wrapped for another token; kskit backup transport - the key a target
 * token receives them under. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "cli.h"
#include "cli-dkek.h"
#include "cli-schsm.h"
#include "commands.h"
#include "lib/backup.h"
#include "lib/error.h"
#include "lib/key.h"
#include "lib/object.h"
#include "lib/secret.h"
#include "lib/textfile.h"
#include "lib/wrapkey.h"

static const char export_usage[] =
	"usage: kskit backup export (--dkek [--kcv KCV] | --to TRANSPORT.pem) -o FILE\n"
	"                           [--module PATH] URI\n"
	"       kskit dkek wrap [--kcv KCV] -o FILE [--module PATH] URI\n"
	"       pkcs11-backup export ...\n"
	"\n"
	"Wrap the token's private keys (those the URI's object= / id= select, else\n"
	"all but kskit's own transport keys) with AES key wrap with padding\n"
	"(RFC 5649) and write them to FILE, a text backup file (`kskit backup\n"
	"show`).  The key-encryption key never leaves a token:\n"
	"  --dkek       the DKEK loaded by `kskit dkek import` (the one there is, or\n"
	"               the one with --kcv); any token holding the same DKEK can\n"
	"               restore the file, at any later time;\n"
	"  --to FILE    a fresh AES-256 key made on this token for this backup,\n"
	"               sent in the file under the target token's RSA transport key\n"
	"               (`kskit backup transport` on the target wrote FILE): only\n"
	"               that token can restore it.\n"
	"Keys must have been made extractable (`kskit keygen --backupable`); they\n"
	"stay sensitive.  Logs in as user.  The file is written atomically and\n"
	"never over an existing one; its SHA-256 is printed for the log.\n";

static const char transport_usage[] =
	"usage: kskit backup transport -o PUBLIC.pem [--module PATH] URI\n"
	"\n"
	"Make an RSA-3072 key pair on the target token (label \"kskit backup\n"
	"transport\"; the private key unwraps only) and write its public key.\n"
	"Take the file to the source token's `kskit backup export --to`.  Its\n"
	"SHA-256 is printed: read it out to check the file arrived unchanged.\n";

struct export_opts {
	const char *out, *module, *to, *kcv_hex;
	int dkek;
	char *pin;	 /* for sc-hsm-tool, on a SmartCard-HSM */
	char reader[65]; /* the SmartCard-HSM's, or "" */
};

static int parse(int argc, char **argv, struct export_opts *o)
{
	static const struct option opts[] = {
		{ "dkek", no_argument, NULL, 'D' },
		{ "kcv", required_argument, NULL, 'K' },
		{ "to", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->dkek = strstr(cli_name, "dkek wrap") != NULL;
	while ((c = getopt_long(argc, argv, "DK:t:o:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			o->dkek = 1;
			break;
		case 'K':
			o->kcv_hex = optarg;
			break;
		case 't':
			o->to = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'm':
			o->module = optarg;
			break;
		case 'h':
			return cli_help(export_usage);
		default:
			return cli_usage(export_usage, "bad option");
		}
	}
	if (o->dkek == !!o->to)
		return cli_usage(export_usage, "wrap under --dkek or --to a transport key");
	if (o->kcv_hex && (!o->dkek || strlen(o->kcv_hex) != 16 ||
			   strspn(o->kcv_hex, "0123456789abcdefABCDEF") != 16))
		return cli_usage(export_usage, "--kcv: 16 hex digits, with --dkek");
	if (!o->out || argc - optind != 1)
		return cli_usage(export_usage, "give -o FILE and one token URI");
	return 0;
}

static int read_transport(const char *path, EVP_PKEY **out)
{
	FILE *f = fopen(path, "r");

	*out = f ? PEM_read_PUBKEY(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	if (!*out || EVP_PKEY_get_base_id(*out) != EVP_PKEY_RSA)
		return kskit_error_set(KSKIT_EKEYFILE, "%s: not a PEM RSA public key", path);
	return 0;
}

/* The private keys the URI selects (all when it names none). */
static int select_keys(struct cli_token *ct, CK_OBJECT_HANDLE **objs, size_t *n)
{
	static const CK_OBJECT_CLASS priv = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE t[8];
	CK_ULONG nu = 0, m = 0;
	CK_ATTRIBUTE *u = p11_kit_uri_get_attributes(kskit_sel_uri(ct->sel), &nu);

	for (CK_ULONG i = 0; i < nu && m < 7; i++)
		if (u[i].type != CKA_CLASS)
			t[m++] = u[i];
	t[m++] = (CK_ATTRIBUTE){ CKA_CLASS, (void *)&priv, sizeof(priv) };
	return kskit_objects_find(ct->tok, t, m, objs, n);
}

/* Fill b from the private key obj; 1 when it is a transport key to skip.
 * A SmartCard-HSM's keys are not extractable through PKCS#11: the card
 * itself decides whether it wraps them. */
static int describe_key(struct cli_token *ct, CK_OBJECT_HANDLE obj, struct kskit_backup *b,
			int card)
{
	unsigned char *label = NULL, *id = NULL;
	CK_ULONG llen = 0, ilen = 0;
	int ret = kskit_key_public(ct->tok, obj, &b->pub, NULL);

	if (ret == 0)
		ret = kskit_backup_describe(b);
	if (ret == 0 && kskit_attr_get(ct->tok, obj, CKA_LABEL, &label, &llen) == 0 && llen > 0)
		snprintf(b->label, sizeof(b->label), "%s", (char *)label);
	else if (ret == 0)
		snprintf(b->label, sizeof(b->label), "key %u", b->ksk_tag);
	if (ret == 0 && strcmp(b->label, KSKIT_TRANSPORT_LABEL) == 0)
		ret = 1;
	if (ret == 0 && (kskit_attr_get(ct->tok, obj, CKA_ID, &id, &ilen) != 0 || ilen == 0 ||
			 ilen > sizeof(b->id)))
		ret = kskit_error_set(KSKIT_EINVAL, "key %s has no CKA_ID of 1 to %zu bytes",
				      b->label, sizeof(b->id));
	if (ret == 0) {
		memcpy(b->id, id, ilen);
		b->id_len = ilen;
		if (!kskit_printable(b->label, sizeof(b->label)))
			ret = kskit_error_set(KSKIT_EINVAL, "a key label with control characters");
	}
	if (ret == 0 && !card && kskit_attr_bool(ct->tok, obj, CKA_EXTRACTABLE) != 1)
		ret = kskit_error_set(KSKIT_EPERM,
				      "key %s (tag %u as KSK) is not extractable: made without "
				      "--backupable, it cannot leave the token",
				      b->label, b->ksk_tag);
	b->extractable = !card;
	free(label);
	free(id);
	return ret;
}

/* The SmartCard-HSM's DKEK, which must be whole. */
static int card_dkek(const struct export_opts *o, uint8_t kcv[KSKIT_DKEK_KCV_LEN])
{
	unsigned total = 0, missing = 0;
	int ret = cli_schsm_dkek_info(o->reader, &total, &missing, kcv);

	if (ret == 0 && (total == 0 || missing > 0))
		ret = kskit_error_set(
			KSKIT_ENO_OBJECT,
			"the SmartCard-HSM's DKEK is not there: %u of %u shares missing", missing,
			total);
	if (ret == 0 && !o->dkek)
		ret = kskit_error_set(KSKIT_EMECHANISM,
				      "a SmartCard-HSM wraps under its DKEK only");
	return ret;
}

/* One key wrapped: by the token under kek, or by the card's sc-hsm-tool. */
static int wrap_one(struct cli_token *ct, const struct export_opts *o, struct kskit_kek *kek,
		    CK_OBJECT_HANDLE obj, struct kskit_backup *b)
{
	unsigned ref;
	int ret;

	if (!o->reader[0])
		return kskit_wrap_private(ct->tok, kek, obj, &b->wrapped, &b->wrapped_len);
	b->schsm = 1;
	ret = cli_schsm_key_ref(o->reader, b->id, b->id_len, &ref);
	if (ret == 0)
		ret = cli_schsm_wrap(o->reader, ref, o->pin, &b->wrapped, &b->wrapped_len);
	return ret;
}

/* Wrap every selected key into one text. */
static int export_keys(struct cli_token *ct, const struct export_opts *o, EVP_PKEY *to, char **text,
		       size_t *len)
{
	struct kskit_kek kek = { .handle = CK_INVALID_HANDLE };
	struct kskit_backup b;
	CK_OBJECT_HANDLE *objs = NULL;
	uint8_t kcv[KSKIT_DKEK_KCV_LEN], want[KSKIT_DKEK_KCV_LEN], *kekw = NULL;
	size_t n = 0, kekw_len = 0, done = 0;
	FILE *f = open_memstream(text, len);
	int ret;

	if (!f)
		return KSKIT_ENOMEM;
	for (size_t i = 0; o->kcv_hex && i < sizeof(want); i++)
		sscanf(o->kcv_hex + 2 * i, "%2hhx", &want[i]);
	if (o->reader[0])
		ret = card_dkek(o, kcv);
	else
		ret = o->dkek ? kskit_dkek_find(ct->tok, o->kcv_hex ? want : NULL, &kek, kcv)
			      : kskit_transport_send(ct->tok, to, &kek, &kekw, &kekw_len);
	if (ret == 0 && o->kcv_hex && memcmp(kcv, want, sizeof(kcv)) != 0)
		ret = kskit_error_set(KSKIT_ENO_OBJECT, "the token's DKEK has another KCV");
	if (ret == 0)
		ret = select_keys(ct, &objs, &n);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		char *rec = NULL;
		size_t rlen = 0;
		int skip;

		memset(&b, 0, sizeof(b));
		skip = describe_key(ct, objs[i], &b, o->reader[0] != '\0');
		ret = skip < 0 ? skip : 0;
		if (skip == 0) {
			b.kek = o->dkek ? KSKIT_KEK_DKEK : KSKIT_KEK_TRANSPORT;
			memcpy(b.kcv, kcv, sizeof(kcv));
			b.transport = to;
			b.kek_wrapped = kekw;
			b.kek_wrapped_len = kekw_len;
			ret = wrap_one(ct, o, &kek, objs[i], &b);
			if (ret == 0)
				ret = kskit_backup_write(&b, &rec, &rlen);
			if (ret == 0) {
				fwrite(rec, 1, rlen, f);
				printf("wrapped %s: %s key tag %u as KSK, %u as ZSK\n", b.label,
				       b.alg->name, b.ksk_tag, b.zsk_tag);
				done++;
			}
			free(rec);
			b.transport = NULL;
			b.kek_wrapped = NULL;
		}
		kskit_backup_clear(&b);
	}
	if (ret == 0 && done == 0)
		ret = kskit_error_set(KSKIT_ENO_OBJECT, "no private key to back up");
	if (ret == 0 && o->dkek)
		cli_print_kcv("under the DKEK with", kcv);
	kskit_kek_release(ct->tok, &kek);
	free(kekw);
	free(objs);
	if (fclose(f) != 0 && ret == 0)
		ret = KSKIT_ENOMEM;
	return ret;
}

int cmd_backup_export(int argc, char **argv)
{
	struct export_opts o = { 0 };
	struct cli_token ct;
	EVP_PKEY *to = NULL;
	char *text = NULL;
	size_t len = 0;
	int status = parse(argc, argv, &o), ret;

	if (status)
		return status;
	if (o.to && (ret = read_transport(o.to, &to)) != 0)
		return cli_fail(NULL, ret);
	status = cli_open(argv[optind], o.module, KSKIT_TOKEN_RW, &ct);
	if (status)
		goto out;
	status = cli_login_keep(&ct, CKU_USER, &o.pin);
	if (status)
		goto out;
	if (cli_is_schsm(ct.tok) && (ret = cli_schsm_reader(ct.tok, o.reader, sizeof(o.reader)))) {
		status = cli_fail(NULL, ret);
		goto out;
	}
	ret = export_keys(&ct, &o, to, &text, &len);
	if (ret == 0)
		ret = cli_write_file(o.out, text, len, 0);
	if (ret == 0)
		ret = cli_print_digest(stdout, o.out, text, len);
	if (ret)
		status = cli_fail(NULL, ret);
out:
	free(text);
	EVP_PKEY_free(to);
	kskit_secret_free(o.pin);
	cli_close(&ct);
	return status;
}

int cmd_backup_transport(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *module = NULL;
	struct cli_token ct;
	EVP_PKEY *pub = NULL;
	BIO *mem = NULL;
	char *pem;
	long len;
	int c, status, ret;

	while ((c = getopt_long(argc, argv, "o:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'm':
			module = optarg;
			break;
		case 'h':
			return cli_help(transport_usage);
		default:
			return cli_usage(transport_usage, "bad option");
		}
	}
	if (!out || argc - optind != 1)
		return cli_usage(transport_usage, "give -o FILE and one token URI");
	status = cli_open(argv[optind], module, KSKIT_TOKEN_RW, &ct);
	if (status)
		return status;
	status = cli_login(&ct, CKU_USER);
	if (status)
		goto out;
	ret = kskit_transport_create(ct.tok, &pub);
	mem = ret == 0 ? BIO_new(BIO_s_mem()) : NULL;
	if (ret == 0 && (!mem || !PEM_write_bio_PUBKEY(mem, pub)))
		ret = KSKIT_ENOMEM;
	if (ret == 0) {
		len = BIO_get_mem_data(mem, &pem);
		ret = cli_write_file(out, pem, (size_t)len, 0);
		if (ret == 0)
			ret = cli_print_digest(stdout, out, pem, (size_t)len);
	}
	if (ret)
		status = cli_fail(NULL, ret);
out:
	BIO_free(mem);
	EVP_PKEY_free(pub);
	cli_close(&ct);
	return status;
}
