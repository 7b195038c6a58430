/* object.h - finding objects on a token and reading their attributes. */
#ifndef KSKIT_OBJECT_H
#define KSKIT_OBJECT_H

#include <stddef.h>
#include <p11-kit/pkcs11.h>

#include "token.h"

/* Every object matching the template (n may be 0: all objects visible in the
 * session).  *objs is malloc()ed (NULL when none); free() it. */
int kskit_objects_find(struct kskit_token *tok, CK_ATTRIBUTE *tmpl, CK_ULONG n,
		       CK_OBJECT_HANDLE **objs, size_t *count);

/* The one object matching the object part of sel's URI (object=, id=,
 * type=); KSKIT_ENO_OBJECT or KSKIT_EAMBIGUOUS_OBJECT otherwise. */
int kskit_object_find_one(struct kskit_token *tok, const struct kskit_sel *sel,
			  CK_OBJECT_HANDLE *obj);

/* Read one attribute into a malloc()ed buffer (one extra NUL byte appended,
 * not counted in *len).  KSKIT_EPKCS11 with the CKR in the detail when the
 * token refuses (sensitive, invalid type). */
int kskit_attr_get(struct kskit_token *tok, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type,
		   unsigned char **val, CK_ULONG *len);

/* Read a CK_ULONG attribute (CKA_CLASS, CKA_KEY_TYPE, CKA_MODULUS_BITS). */
int kskit_attr_ulong(struct kskit_token *tok, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type,
		     CK_ULONG *val);

/* Read a CK_BBOOL attribute: 1, 0, or -1 when the token does not say. */
int kskit_attr_bool(struct kskit_token *tok, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type);

/* C_SetAttributeValue; 0 or the mapped CKR. */
int kskit_attr_set(struct kskit_token *tok, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE *attrs, CK_ULONG n);

/* "%01%ab..." (RFC 7512 id= encoding) of an id, into buf of 3*len+1 bytes. */
void kskit_id_format(char *buf, const unsigned char *id, size_t len);

#endif
