/* envelope.c - CMS envelopes for certificates or a passphrase. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "envelope.h"
#include "error.h"
#include "secret.h"

/* One certificate recipient with kskit's key parameters. */
static int add_cert(CMS_ContentInfo *cms, X509 *cert)
{
	EVP_PKEY *pub = X509_get0_pubkey(cert);
	CMS_RecipientInfo *ri;
	EVP_PKEY_CTX *pctx;
	int rsa = pub && EVP_PKEY_is_a(pub, "RSA"), ec = pub && EVP_PKEY_is_a(pub, "EC");

	if (!rsa && !ec)
		return kskit_error_set(KSKIT_EINVAL, "a recipient certificate's key is neither "
						     "RSA nor EC");
	ri = CMS_add1_recipient_cert(cms, cert, CMS_KEY_PARAM);
	pctx = ri ? CMS_RecipientInfo_get0_pkey_ctx(ri) : NULL;
	if (!pctx)
		return KSKIT_ECRYPTO;
	if (rsa && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_oaep_md(pctx, EVP_sha256()) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) <= 0))
		return KSKIT_ECRYPTO;
	if (ec && EVP_PKEY_CTX_set_ecdh_kdf_md(pctx, EVP_sha256()) <= 0)
		return KSKIT_ECRYPTO;
	return 0;
}

/* The passphrase recipient: CMS frees the copy it is given, wiping it. */
static int add_passphrase(CMS_ContentInfo *cms, const char *pass, uint32_t iterations)
{
	size_t len = strlen(pass);
	unsigned char *copy = OPENSSL_secure_malloc(len + 1);

	if (!copy)
		return KSKIT_ENOMEM;
	memcpy(copy, pass, len + 1);
	if (!CMS_add0_recipient_password(cms, (int)iterations, NID_id_alg_PWRI_KEK, NID_id_pbkdf2,
					 copy, (ossl_ssize_t)len, NULL)) {
		OPENSSL_secure_clear_free(copy, len + 1);
		return KSKIT_ECRYPTO;
	}
	return 0;
}

int kskit_envelope_seal(const void *data, size_t len, const struct kskit_recipients *to,
			uint8_t **der, size_t *der_len)
{
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL;
	unsigned char *out = NULL;
	int n, ret = 0;

	if ((to->n_certs > 0) == (to->passphrase != NULL) || len > INT32_MAX)
		return kskit_error_set(KSKIT_EINVAL, "seal for certificates or a passphrase");
	cms = to->n_certs ? CMS_AuthEnvelopedData_create(EVP_aes_256_gcm())
			  : CMS_EnvelopedData_create(EVP_aes_256_cbc());
	if (!cms || CMS_set_detached(cms, 0) != 1) /* the ciphertext inside */
		ret = KSKIT_ECRYPTO;
	for (size_t i = 0; ret == 0 && i < to->n_certs; i++)
		ret = add_cert(cms, to->certs[i]);
	if (ret == 0 && to->passphrase)
		ret = add_passphrase(cms, to->passphrase,
				     to->iterations ? to->iterations : KSKIT_PBKDF2_ITERATIONS);
	if (ret == 0 &&
	    (!(in = BIO_new_mem_buf(data, (int)len)) || CMS_final(cms, in, NULL, CMS_BINARY) != 1 ||
	     (n = i2d_CMS_ContentInfo(cms, &out)) <= 0))
		ret = KSKIT_ECRYPTO;
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	if (ret)
		return ret;
	*der = out;
	*der_len = (size_t)n;
	return 0;
}

static CMS_ContentInfo *parse(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = len <= LONG_MAX ? d2i_CMS_ContentInfo(NULL, &p, (long)len) : NULL;

	if (cms && (p != der + len || !CMS_get0_RecipientInfos(cms))) {
		CMS_ContentInfo_free(cms);
		cms = NULL;
	}
	ERR_clear_error();
	return cms;
}

int kskit_envelope_open(const uint8_t *der, size_t len, EVP_PKEY *key, X509 *cert,
			const char *passphrase, char **out, size_t *out_len)
{
	CMS_ContentInfo *cms = parse(der, len);
	BIO *plain = BIO_new(BIO_s_secmem());
	BUF_MEM *bm = NULL;
	char *buf = NULL;
	int ret = 0;

	if (!cms)
		ret = kskit_error_set(KSKIT_EKEYBUNDLE, "not a CMS envelope");
	else if (!plain)
		ret = KSKIT_ENOMEM;
	else if ((passphrase &&
		  CMS_decrypt_set1_password(cms, (unsigned char *)passphrase, -1) != 1) ||
		 CMS_decrypt(cms, passphrase ? NULL : key, passphrase ? NULL : cert, NULL, plain,
			     CMS_BINARY) != 1)
		ret = kskit_error_set(KSKIT_EDECRYPT, "%s",
				      passphrase ? "not with this passphrase"
						 : "not with this key, or not intact");
	if (ret == 0) {
		BIO_get_mem_ptr(plain, &bm);
		if (!(buf = kskit_secret_alloc(bm->length)))
			ret = KSKIT_ENOMEM;
		else
			memcpy(buf, bm->data, bm->length);
	}
	if (ret == 0) {
		*out = buf;
		*out_len = bm->length;
	}
	BIO_free(plain); /* secure memory: wiped as it is freed */
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return ret;
}

/* "certificate SERIAL of ISSUER" into buf. */
static void describe_cert(const X509_NAME *issuer, const ASN1_INTEGER *serial, char *buf,
			  size_t size)
{
	char name[256] = "?";
	BIGNUM *bn = serial ? ASN1_INTEGER_to_BN(serial, NULL) : NULL;
	char *hex = bn ? BN_bn2hex(bn) : NULL;

	if (issuer)
		X509_NAME_oneline(issuer, name, sizeof(name));
	snprintf(buf, size, "certificate %s of %s", hex ? hex : "?", name);
	OPENSSL_free(hex);
	BN_free(bn);
}

int kskit_envelope_describe(const uint8_t *der, size_t len, char **text)
{
	CMS_ContentInfo *cms = parse(der, len);
	STACK_OF(CMS_RecipientInfo) * ris;
	char *s = NULL, *more;

	if (!cms)
		return kskit_error_set(KSKIT_EKEYBUNDLE, "not a CMS envelope");
	ris = CMS_get0_RecipientInfos(cms);
	s = strdup(OBJ_obj2nid(CMS_get0_type(cms)) == NID_id_smime_ct_authEnvelopedData
			   ? "AuthEnvelopedData (AES-256-GCM, authenticated)"
			   : "EnvelopedData (not authenticated)");
	for (int i = 0; s && i < sk_CMS_RecipientInfo_num(ris); i++) {
		CMS_RecipientInfo *ri = sk_CMS_RecipientInfo_value(ris, i);
		X509_NAME *issuer = NULL;
		ASN1_INTEGER *serial = NULL;
		char one[400] = "other";

		if (CMS_RecipientInfo_type(ri) == CMS_RECIPINFO_PASS) {
			snprintf(one, sizeof(one), "password (PBKDF2)");
		} else if (CMS_RecipientInfo_type(ri) == CMS_RECIPINFO_TRANS) {
			if (CMS_RecipientInfo_ktri_get0_signer_id(ri, NULL, &issuer, &serial) == 1)
				describe_cert(issuer, serial, one, sizeof(one));
		} else if (CMS_RecipientInfo_type(ri) == CMS_RECIPINFO_AGREE) {
			STACK_OF(CMS_RecipientEncryptedKey) *reks =
				CMS_RecipientInfo_kari_get0_reks(ri);
			CMS_RecipientEncryptedKey *rek =
				sk_CMS_RecipientEncryptedKey_value(reks, 0);

			if (rek && CMS_RecipientEncryptedKey_get0_id(rek, NULL, NULL, NULL, &issuer,
								     &serial) == 1)
				describe_cert(issuer, serial, one, sizeof(one));
		}
		more = NULL;
		if (asprintf(&more, "%s\nrecipient: %s", s, one) < 0)
			more = NULL;
		free(s);
		s = more;
	}
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	if (!s)
		return KSKIT_ENOMEM;
	*text = s;
	return 0;
}
