#include <stdlib.h>
#include <string.h>
#include <p11-kit/uri.h>

#include "describe.h"
#include "lib/dnskey.h"
#include "lib/error.h"
#include "lib/key.h"
#include "lib/object.h"

static const char *class_name(CK_ULONG c)
{
	switch (c) {
	case CKO_DATA:
		return "data";
	case CKO_CERTIFICATE:
		return "certificate";
	case CKO_PUBLIC_KEY:
		return "public-key";
	case CKO_PRIVATE_KEY:
		return "private-key";
	case CKO_SECRET_KEY:
		return "secret-key";
	}
	return "other";
}

static const char *uri_type(CK_ULONG c)
{
	switch (c) {
	case CKO_DATA:
		return "data";
	case CKO_CERTIFICATE:
		return "cert";
	case CKO_PUBLIC_KEY:
		return "public";
	case CKO_PRIVATE_KEY:
		return "private";
	case CKO_SECRET_KEY:
		return "secret-key";
	}
	return NULL;
}

static void print_key_kind(FILE *f, struct kskit_token *tok, CK_OBJECT_HANDLE obj, CK_ULONG kt,
			   EVP_PKEY *pkey, const struct kskit_alg *alg)
{
	CK_ULONG bits = 0;

	switch (kt) {
	case CKK_RSA:
		if (pkey)
			bits = (CK_ULONG)EVP_PKEY_get_bits(pkey);
		else
			(void)kskit_attr_ulong(tok, obj, CKA_MODULUS_BITS, &bits);
		fprintf(f, " RSA-%lu", (unsigned long)bits);
		break;
	case CKK_EC:
		fprintf(f, " EC-%s", alg ? alg->group : "?");
		break;
	case CKK_EC_EDWARDS:
		fprintf(f, " %s", alg ? alg->group : "EdDSA");
		break;
	case CKK_AES:
		fprintf(f, " AES");
		break;
	default:
		fprintf(f, " key-type-0x%lx", (unsigned long)kt);
	}
}

static void print_flags(FILE *f, struct kskit_token *tok, CK_OBJECT_HANDLE obj)
{
	static const struct {
		CK_ATTRIBUTE_TYPE type;
		const char *name;
	} attrs[] = {
		{ CKA_SENSITIVE, "sensitive" },
		{ CKA_EXTRACTABLE, "extractable" },
		{ CKA_LOCAL, "local" },
		{ CKA_ALWAYS_SENSITIVE, "always-sensitive" },
		{ CKA_NEVER_EXTRACTABLE, "never-extractable" },
	};

	fprintf(f, "   ");
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		int v = kskit_attr_bool(tok, obj, attrs[i].type);

		fprintf(f, " %s=%s", attrs[i].name, v < 0 ? "?" : v ? "yes" : "no");
	}
	fprintf(f, "\n");
}

static void print_uri(FILE *f, struct kskit_token *tok, CK_ULONG cls, const unsigned char *label,
		      CK_ULONG label_len, const unsigned char *id, CK_ULONG id_len)
{
	P11KitUri *uri = p11_kit_uri_new();
	const char *type = uri_type(cls);
	CK_ATTRIBUTE a;
	char *s = NULL;

	if (!uri)
		return;
	memcpy(p11_kit_uri_get_token_info(uri), kskit_token_info(tok), sizeof(CK_TOKEN_INFO));
	a = (CK_ATTRIBUTE){ CKA_CLASS, &cls, sizeof(cls) };
	if (type)
		p11_kit_uri_set_attribute(uri, &a);
	if (label_len) {
		a = (CK_ATTRIBUTE){ CKA_LABEL, (void *)label, label_len };
		p11_kit_uri_set_attribute(uri, &a);
	}
	if (id_len) {
		a = (CK_ATTRIBUTE){ CKA_ID, (void *)id, id_len };
		p11_kit_uri_set_attribute(uri, &a);
	}
	if (p11_kit_uri_format(uri, P11_KIT_URI_FOR_OBJECT_ON_TOKEN, &s) == P11_KIT_URI_OK)
		fprintf(f, "    uri: %s\n", s);
	free(s);
	p11_kit_uri_free(uri);
}

void describe_object(FILE *f, struct kskit_token *tok, CK_OBJECT_HANDLE obj)
{
	unsigned char *label = NULL, *id = NULL;
	CK_ULONG label_len = 0, id_len = 0, cls = (CK_ULONG)-1, kt = (CK_ULONG)-1;
	const struct kskit_alg *alg = NULL;
	EVP_PKEY *pkey = NULL;
	char *idtext;
	int is_key, pub_ret = 0;

	(void)kskit_attr_ulong(tok, obj, CKA_CLASS, &cls);
	(void)kskit_attr_get(tok, obj, CKA_LABEL, &label, &label_len);
	(void)kskit_attr_get(tok, obj, CKA_ID, &id, &id_len);
	is_key = cls == CKO_PUBLIC_KEY || cls == CKO_PRIVATE_KEY || cls == CKO_SECRET_KEY;
	fprintf(f, "%s", class_name(cls));
	if (is_key && kskit_attr_ulong(tok, obj, CKA_KEY_TYPE, &kt) == 0) {
		if (cls != CKO_SECRET_KEY)
			pub_ret = kskit_key_public(tok, obj, &pkey, &alg);
		print_key_kind(f, tok, obj, kt, pkey, alg);
	}
	fprintf(f, " label \"");
	for (CK_ULONG i = 0; label && i < label_len; i++)
		fputc(label[i] < 0x20 || label[i] == 0x7f ? '?' : label[i],
		      f); /* no terminal escapes */
	fprintf(f, "\"");
	idtext = malloc(3 * id_len + 1);
	if (idtext) {
		kskit_id_format(idtext, id ? id : (unsigned char *)"", id_len);
		fprintf(f, " id=%s", id_len ? idtext : "(none)");
		free(idtext);
	}
	fprintf(f, "\n");
	if (cls == CKO_PRIVATE_KEY || cls == CKO_SECRET_KEY)
		print_flags(f, tok, obj);
	if (pkey && alg) {
		uint16_t ksk = 0, zsk = 0;

		if (kskit_dnskey_keytag(pkey, alg, KSKIT_DNSKEY_KSK, &ksk) == 0 &&
		    kskit_dnskey_keytag(pkey, alg, KSKIT_DNSKEY_ZSK, &zsk) == 0)
			fprintf(f,
				"    dnssec: %s (%u) key tag %u as KSK (flags 257), %u as ZSK (256)\n",
				alg->name, alg->number, ksk, zsk);
	} else if (is_key && cls != CKO_SECRET_KEY) {
		fprintf(f, "    dnssec: no public key found: %s\n", kskit_strerror(pub_ret));
	}
	print_uri(f, tok, cls, label, label_len, id, id_len);
	EVP_PKEY_free(pkey);
	free(label);
	free(id);
}
