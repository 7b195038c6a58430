/* kskit backup import (pkcs11-backup, kskit dkek unwrap) - a backup file's
 * keys onto a token; kskit backup show - what the file holds. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli-dkek.h"
#include "cli-schsm.h"
#include "commands.h"
#include "lib/backup.h"
#include "lib/error.h"
#include "lib/key.h"
#include "lib/object.h"
#include "lib/secret.h"
#include "lib/sign.h"
#include "lib/textfile.h"
#include "lib/wrapkey.h"

#define BACKUP_MAX (4u << 20)

static const char import_usage[] =
	"usage: kskit backup import [--module PATH] FILE URI\n"
	"       kskit dkek unwrap [--module PATH] FILE URI\n"
	"       pkcs11-backup import ...\n"
	"\n"
	"Unwrap every key of a backup file (`kskit backup export`) onto the token:\n"
	"under the DKEK with the file's key-check value (loaded by `kskit dkek\n"
	"import`), or under the AES key the file carries for this token's\n"
	"transport key.  Each key is created as it was (label, id, extractable),\n"
	"private, sensitive, for signing only; it signs once and the signature is\n"
	"verified in software with the file's public key before the next key.\n"
	"Prints each key's DNSKEY key tags.  A key whose id is on the token already\n"
	"with the same public key is skipped; with another key, refused.  The whole\n"
	"file is read and checked before anything is written.  Logs in as user.\n";

static const char show_usage[] =
	"usage: kskit backup show FILE\n"
	"\n"
	"Every key in a backup file: label, id, type and size, DNSKEY key tags,\n"
	"and what it is wrapped under.  Exit 1 when the file is malformed or\n"
	"damaged.\n";

static int read_backup(const char *path, struct kskit_backup **b, size_t *n)
{
	char *text = NULL;
	size_t len = 0;
	int ret = cli_read_file(path, BACKUP_MAX, &text, &len);

	if (ret == 0)
		ret = kskit_backup_read(text, len, b, n);
	free(text);
	return ret;
}

static void show(const struct kskit_backup *b)
{
	char id[2 * KSKIT_BACKUP_ID_MAX + 1], kcv[17];

	kskit_hex(id, b->id, b->id_len);
	printf("%s: %s, id %s, key tag %u as KSK (flags 257), %u as ZSK (256)%s\n", b->label,
	       b->alg->name, id, b->ksk_tag, b->zsk_tag, b->extractable ? ", extractable" : "");
	if (b->kek == KSKIT_KEK_DKEK) {
		kskit_hex(kcv, b->kcv, sizeof(b->kcv));
		printf("  wrapped %sunder the DKEK with KCV %s\n",
		       b->schsm ? "by a SmartCard-HSM " : "", kcv);
	} else {
		printf("  wrapped for one token's transport key\n");
	}
}

/* Whether the token has a key with b's id: 0 no, 1 the same key, or an
 * error. */
static int present(struct cli_token *ct, const struct kskit_backup *b)
{
	static const CK_OBJECT_CLASS priv = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, (void *)&priv, sizeof(priv) },
		{ CKA_ID, (void *)b->id, b->id_len },
	};
	CK_OBJECT_HANDLE *objs = NULL;
	EVP_PKEY *pk = NULL;
	size_t n = 0;
	int ret = kskit_objects_find(ct->tok, t, 2, &objs, &n);

	if (ret == 0 && n > 0) {
		ret = kskit_key_public(ct->tok, objs[0], &pk, NULL);
		if (ret == 0 && EVP_PKEY_eq(pk, b->pub) == 1)
			ret = 1;
		else if (ret == 0)
			ret = kskit_error_set(KSKIT_EEXIST,
					      "%s: the token has another key with "
					      "this id",
					      b->label);
	}
	EVP_PKEY_free(pk);
	free(objs);
	return ret;
}

/* A SmartCard-HSM's wrapped key onto a SmartCard-HSM with the same DKEK,
 * by sc-hsm-tool; checked by verify() once the token is opened again. */
static int restore_card(struct cli_token *ct, const struct kskit_backup *b, const char *pin)
{
	uint8_t kcv[KSKIT_DKEK_KCV_LEN];
	unsigned total = 0, missing = 0, ref;
	char reader[65];
	int ret;

	if (!cli_is_schsm(ct->tok))
		return kskit_error_set(KSKIT_EMECHANISM,
				       "a SmartCard-HSM's wrapped key goes onto a "
				       "SmartCard-HSM only");
	ret = cli_schsm_reader(ct->tok, reader, sizeof(reader));
	if (ret == 0)
		ret = cli_schsm_dkek_info(reader, &total, &missing, kcv);
	if (ret == 0 && (total == 0 || missing > 0 || memcmp(kcv, b->kcv, sizeof(kcv)) != 0))
		ret = kskit_error_set(KSKIT_ENO_OBJECT,
				      "the card has not the DKEK the key is "
				      "wrapped under (%u of %u shares missing)",
				      missing, total);
	if (ret == 0)
		ret = cli_schsm_free_ref(reader, &ref);
	if (ret == 0)
		ret = cli_schsm_unwrap(reader, ref, pin, b->wrapped, b->wrapped_len);
	return ret;
}

/* The key a card restored signs, verified with the file's public key. */
static int verify(struct cli_token *ct, const struct kskit_backup *b)
{
	static const CK_OBJECT_CLASS priv = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, (void *)&priv, sizeof(priv) },
		{ CKA_ID, (void *)b->id, b->id_len },
	};
	CK_OBJECT_HANDLE *objs = NULL;
	size_t n = 0;
	int ret = kskit_objects_find(ct->tok, t, 2, &objs, &n);

	if (ret == 0 && n != 1)
		ret = kskit_error_set(KSKIT_ENO_OBJECT, "the unwrapped key is not on the token");
	if (ret == 0)
		ret = kskit_sign_self_test(ct->tok, objs[0], b->alg, b->pub);
	free(objs);
	return ret;
}

static int restore(struct cli_token *ct, const struct kskit_backup *b, const char *pin)
{
	struct kskit_kek kek = { .handle = CK_INVALID_HANDLE };
	struct kskit_unwrap p = { .pub = b->pub,
				  .label = b->label,
				  .id = b->id,
				  .id_len = b->id_len,
				  .extractable = b->extractable };
	CK_OBJECT_HANDLE priv, pub;
	int ret = present(ct, b);

	if (ret == 1) {
		printf("%s: on the token already (key tag %u as KSK)\n", b->label, b->ksk_tag);
		return 1;
	}
	if (ret == 0 && b->schsm)
		ret = restore_card(ct, b, pin);
	else if (ret == 0)
		ret = b->kek == KSKIT_KEK_DKEK
			      ? kskit_dkek_find(ct->tok, b->kcv, &kek, NULL)
			      : kskit_transport_receive(ct->tok, b->transport, b->kek_wrapped,
							b->kek_wrapped_len, &kek);
	if (ret == 0 && !b->schsm)
		ret = kskit_unwrap_private(ct->tok, &kek, b->wrapped, b->wrapped_len, &p, &priv,
					   &pub);
	kskit_kek_release(ct->tok, &kek);
	if (ret)
		return kskit_error_set(ret, "%s: %s", b->label, kskit_error_detail(ret));
	if (!b->schsm)
		printf("restored %s: %s key tag %u as KSK, %u as ZSK; it signs, verified in "
		       "software\n",
		       b->label, b->alg->name, b->ksk_tag, b->zsk_tag);
	return 0;
}

/* After sc-hsm-tool changed the card, OpenSC shows it anew only to a new
 * session of a new module instance: open the token again and check what
 * the card restored. */
static int verify_cards(struct cli_token *ct, const char *uri, const char *module,
			const struct kskit_backup *b, const int *done, size_t n, const char *pin)
{
	int status, ret = 0;

	cli_close(ct);
	status = cli_open(uri, module, 0, ct);
	if (status)
		return status;
	ret = kskit_token_login(ct->tok, CKU_USER, pin, pin ? strlen(pin) : 0);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (!done[i])
			continue;
		ret = verify(ct, &b[i]);
		if (ret)
			ret = kskit_error_set(ret, "%s: %s", b[i].label, kskit_error_detail(ret));
		else
			printf("restored %s: %s key tag %u as KSK, %u as ZSK, by the card; it "
			       "signs, verified in software\n",
			       b[i].label, b[i].alg->name, b[i].ksk_tag, b[i].zsk_tag);
	}
	return ret ? cli_fail(NULL, ret) : EXIT_OK;
}

int cmd_backup_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *module = NULL;
	struct kskit_backup *b = NULL;
	struct cli_token ct = { 0 };
	char *pin = NULL;
	size_t n = 0;
	int c, status, ret, *done, cards = 0;

	while ((c = getopt_long(argc, argv, "m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			module = optarg;
			break;
		case 'h':
			return cli_help(import_usage);
		default:
			return cli_usage(import_usage, "bad option");
		}
	}
	if (argc - optind != 2)
		return cli_usage(import_usage, "give the backup file and the token URI");
	ret = read_backup(argv[optind], &b, &n);
	if (ret)
		return cli_fail(argv[optind], ret);
	done = calloc(n, sizeof(*done));
	status = done ? cli_open(argv[optind + 1], module, KSKIT_TOKEN_RW, &ct)
		      : cli_fail(NULL, KSKIT_ENOMEM);
	if (status == 0)
		status = cli_login_keep(&ct, CKU_USER, &pin);
	for (size_t i = 0; status == 0 && i < n; i++) {
		ret = restore(&ct, &b[i], pin);
		if (ret < 0)
			status = cli_fail(NULL, ret);
		else if (ret == 0 && b[i].schsm)
			done[i] = cards = 1;
	}
	if (status == 0 && cards)
		status = verify_cards(&ct, argv[optind + 1], module, b, done, n, pin);
	kskit_backup_free_all(b, n);
	kskit_secret_free(pin);
	free(done);
	cli_close(&ct);
	return status;
}

int cmd_backup_show(int argc, char **argv)
{
	struct kskit_backup *b = NULL;
	size_t n = 0;
	int ret;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return cli_help(show_usage);
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage(show_usage, "give one backup file");
	ret = read_backup(argv[1], &b, &n);
	if (ret)
		return cli_fail(argv[1], ret);
	for (size_t i = 0; i < n; i++)
		show(&b[i]);
	kskit_backup_free_all(b, n);
	return EXIT_OK;
}
