#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "object.h"

int kskit_objects_find(struct kskit_token *tok, CK_ATTRIBUTE *tmpl, CK_ULONG n,
		       CK_OBJECT_HANDLE **objs, size_t *count)
{
	CK_FUNCTION_LIST *fl = kskit_token_module(tok);
	CK_SESSION_HANDLE s = kskit_token_session(tok);
	CK_OBJECT_HANDLE *all = NULL, chunk[64];
	size_t total = 0;
	CK_ULONG got;
	CK_RV rv;
	int ret = 0;

	rv = fl->C_FindObjectsInit(s, tmpl, n);
	if (rv != CKR_OK)
		return kskit_p11_error("C_FindObjectsInit", rv);
	do {
		rv = fl->C_FindObjects(s, chunk, 64, &got);
		if (rv != CKR_OK) {
			ret = kskit_p11_error("C_FindObjects", rv);
			break;
		}
		if (got > 0) {
			CK_OBJECT_HANDLE *p = realloc(all, (total + got) * sizeof(*all));

			if (!p) {
				ret = KSKIT_ENOMEM;
				break;
			}
			all = p;
			memcpy(all + total, chunk, got * sizeof(*all));
			total += got;
		}
	} while (got > 0);
	(void)fl->C_FindObjectsFinal(s);
	if (ret) {
		free(all);
		return ret;
	}
	*objs = all;
	*count = total;
	return 0;
}

int kskit_object_find_one(struct kskit_token *tok, const struct kskit_sel *sel,
			  CK_OBJECT_HANDLE *obj)
{
	CK_ATTRIBUTE *tmpl;
	CK_ULONG n = 0;
	CK_OBJECT_HANDLE *objs = NULL;
	size_t count = 0;
	int ret;

	tmpl = p11_kit_uri_get_attributes(kskit_sel_uri(sel), &n);
	ret = kskit_objects_find(tok, tmpl, n, &objs, &count);
	if (ret)
		return ret;
	if (count == 0)
		ret = KSKIT_ENO_OBJECT;
	else if (count > 1)
		ret = kskit_error_set(KSKIT_EAMBIGUOUS_OBJECT, "%zu objects match", count);
	else
		*obj = objs[0];
	free(objs);
	return ret;
}

int kskit_attr_get(struct kskit_token *tok, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type,
		   unsigned char **val, CK_ULONG *len)
{
	CK_FUNCTION_LIST *fl = kskit_token_module(tok);
	CK_ATTRIBUTE a = { type, NULL, 0 };
	unsigned char *buf;
	CK_RV rv;

	rv = fl->C_GetAttributeValue(kskit_token_session(tok), obj, &a, 1);
	if (rv != CKR_OK)
		return kskit_p11_error("C_GetAttributeValue", rv);
	if (a.ulValueLen == (CK_ULONG)-1)
		return kskit_p11_error("C_GetAttributeValue", CKR_ATTRIBUTE_TYPE_INVALID);
	buf = malloc(a.ulValueLen + 1);
	if (!buf)
		return KSKIT_ENOMEM;
	a.pValue = buf;
	rv = fl->C_GetAttributeValue(kskit_token_session(tok), obj, &a, 1);
	if (rv != CKR_OK) {
		free(buf);
		return kskit_p11_error("C_GetAttributeValue", rv);
	}
	buf[a.ulValueLen] = '\0';
	*val = buf;
	*len = a.ulValueLen;
	return 0;
}

int kskit_attr_ulong(struct kskit_token *tok, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type,
		     CK_ULONG *val)
{
	CK_ULONG v = 0;
	CK_ATTRIBUTE a = { type, &v, sizeof(v) };
	CK_RV rv;

	rv = kskit_token_module(tok)->C_GetAttributeValue(kskit_token_session(tok), obj, &a, 1);
	if (rv != CKR_OK)
		return kskit_p11_error("C_GetAttributeValue", rv);
	*val = v;
	return 0;
}

int kskit_attr_bool(struct kskit_token *tok, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type)
{
	CK_BBOOL v = CK_FALSE;
	CK_ATTRIBUTE a = { type, &v, sizeof(v) };
	CK_RV rv;

	rv = kskit_token_module(tok)->C_GetAttributeValue(kskit_token_session(tok), obj, &a, 1);
	if (rv != CKR_OK || a.ulValueLen != sizeof(v))
		return -1;
	return v ? 1 : 0;
}

int kskit_attr_set(struct kskit_token *tok, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE *attrs, CK_ULONG n)
{
	CK_RV rv = kskit_token_module(tok)->C_SetAttributeValue(kskit_token_session(tok), obj,
								attrs, n);

	return rv == CKR_OK ? 0 : kskit_p11_error("C_SetAttributeValue", rv);
}

void kskit_id_format(char *buf, const unsigned char *id, size_t len)
{
	for (size_t i = 0; i < len; i++)
		snprintf(buf + 3 * i, 4, "%%%02x", id[i]);
	buf[3 * len] = '\0';
}
