#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <p11-kit/p11-kit.h>

#include "error.h"
#include "p11.h"

struct kskit_sel {
	P11KitUri *uri;
	char *module_path;
	char *module_name;
};

struct kskit_p11 {
	CK_FUNCTION_LIST **registry; /* from p11_kit_modules_load, or NULL */
	CK_FUNCTION_LIST **modules;  /* the ones in use and initialised */
	char **paths;
	size_t n;
	int direct;   /* modules[0] was loaded by path: finalise and release it */
	char *failed; /* "path: C_Initialize: CKR_...\n" for each registry module skipped */
};

static const struct {
	CK_RV rv;
	const char *name;
} ckr_names[] = {
#define N(x)                                                                                       \
	{                                                                                          \
		x, #x                                                                              \
	}
	N(CKR_CANCEL),
	N(CKR_HOST_MEMORY),
	N(CKR_SLOT_ID_INVALID),
	N(CKR_GENERAL_ERROR),
	N(CKR_FUNCTION_FAILED),
	N(CKR_ARGUMENTS_BAD),
	N(CKR_ATTRIBUTE_READ_ONLY),
	N(CKR_ATTRIBUTE_SENSITIVE),
	N(CKR_ATTRIBUTE_TYPE_INVALID),
	N(CKR_ATTRIBUTE_VALUE_INVALID),
	N(CKR_DATA_INVALID),
	N(CKR_DATA_LEN_RANGE),
	N(CKR_DEVICE_ERROR),
	N(CKR_DEVICE_MEMORY),
	N(CKR_DEVICE_REMOVED),
	N(CKR_FUNCTION_CANCELED),
	N(CKR_FUNCTION_NOT_SUPPORTED),
	N(CKR_KEY_HANDLE_INVALID),
	N(CKR_KEY_SIZE_RANGE),
	N(CKR_KEY_TYPE_INCONSISTENT),
	N(CKR_KEY_FUNCTION_NOT_PERMITTED),
	N(CKR_MECHANISM_INVALID),
	N(CKR_MECHANISM_PARAM_INVALID),
	N(CKR_OBJECT_HANDLE_INVALID),
	N(CKR_OPERATION_ACTIVE),
	N(CKR_OPERATION_NOT_INITIALIZED),
	N(CKR_PIN_INCORRECT),
	N(CKR_PIN_INVALID),
	N(CKR_PIN_LEN_RANGE),
	N(CKR_PIN_EXPIRED),
	N(CKR_PIN_LOCKED),
	N(CKR_SESSION_CLOSED),
	N(CKR_SESSION_COUNT),
	N(CKR_SESSION_HANDLE_INVALID),
	N(CKR_SESSION_READ_ONLY),
	N(CKR_SESSION_EXISTS),
	N(CKR_SESSION_READ_WRITE_SO_EXISTS),
	N(CKR_SIGNATURE_INVALID),
	N(CKR_TEMPLATE_INCOMPLETE),
	N(CKR_TEMPLATE_INCONSISTENT),
	N(CKR_TOKEN_NOT_PRESENT),
	N(CKR_TOKEN_NOT_RECOGNIZED),
	N(CKR_TOKEN_WRITE_PROTECTED),
	N(CKR_USER_ALREADY_LOGGED_IN),
	N(CKR_USER_NOT_LOGGED_IN),
	N(CKR_USER_PIN_NOT_INITIALIZED),
	N(CKR_USER_TYPE_INVALID),
	N(CKR_USER_ANOTHER_ALREADY_LOGGED_IN),
	N(CKR_USER_TOO_MANY_TYPES),
	N(CKR_RANDOM_NO_RNG),
	N(CKR_BUFFER_TOO_SMALL),
	N(CKR_CRYPTOKI_NOT_INITIALIZED),
	N(CKR_CRYPTOKI_ALREADY_INITIALIZED),
	N(CKR_DOMAIN_PARAMS_INVALID),
	N(CKR_CURVE_NOT_SUPPORTED),
	N(CKR_WRAPPED_KEY_INVALID),
	N(CKR_WRAPPING_KEY_HANDLE_INVALID),
	N(CKR_UNWRAPPING_KEY_HANDLE_INVALID),
	N(CKR_RANDOM_SEED_NOT_SUPPORTED),
	N(CKR_ENCRYPTED_DATA_INVALID),
#undef N
};

const char *kskit_ckr_name(CK_RV rv)
{
	static _Thread_local char buf[32];

	for (size_t i = 0; i < sizeof(ckr_names) / sizeof(ckr_names[0]); i++)
		if (ckr_names[i].rv == rv)
			return ckr_names[i].name;
	snprintf(buf, sizeof(buf), "CKR_0x%lx", (unsigned long)rv);
	return buf;
}

int kskit_p11_error(const char *call, CK_RV rv)
{
	int code;

	switch (rv) {
	case CKR_HOST_MEMORY:
		code = KSKIT_ENOMEM;
		break;
	case CKR_PIN_INCORRECT:
		code = KSKIT_EPIN_INCORRECT;
		break;
	case CKR_PIN_LOCKED:
		code = KSKIT_EPIN_LOCKED;
		break;
	case CKR_PIN_INVALID:
	case CKR_PIN_LEN_RANGE:
		code = KSKIT_EPIN_POLICY;
		break;
	case CKR_DEVICE_ERROR:
	case CKR_DEVICE_REMOVED:
	case CKR_TOKEN_NOT_PRESENT:
	case CKR_TOKEN_NOT_RECOGNIZED:
	case CKR_SESSION_CLOSED:
	case CKR_SESSION_HANDLE_INVALID:
		code = KSKIT_ETOKEN_GONE;
		break;
	case CKR_MECHANISM_INVALID:
	case CKR_CURVE_NOT_SUPPORTED:
		code = KSKIT_EMECHANISM;
		break;
	case CKR_USER_NOT_LOGGED_IN:
		code = KSKIT_ELOGIN_REQUIRED;
		break;
	case CKR_USER_PIN_NOT_INITIALIZED:
		code = KSKIT_EUSER_PIN_UNSET;
		break;
	default:
		code = KSKIT_EPKCS11;
		break;
	}
	return kskit_error_set(code, "%s: %s", call, kskit_ckr_name(rv));
}

int kskit_sel_parse(const char *uri, const char *module, struct kskit_sel **out)
{
	struct kskit_sel *sel;
	const char *s;
	int ret = KSKIT_ENOMEM;
	int r;

	sel = calloc(1, sizeof(*sel));
	if (!sel || !(sel->uri = p11_kit_uri_new()))
		goto out;
	r = p11_kit_uri_parse(uri ? uri : "pkcs11:", P11_KIT_URI_FOR_ANY, sel->uri);
	if (r != P11_KIT_URI_OK) {
		ret = kskit_error_set(KSKIT_EURI, "%s", p11_kit_uri_message(r));
		goto out;
	}
	if (p11_kit_uri_get_pin_value(sel->uri)) {
		ret = KSKIT_EURI_PIN_VALUE;
		goto out;
	}
	if (p11_kit_uri_any_unrecognized(sel->uri)) {
		ret = KSKIT_EURI_UNKNOWN; /* no detail: the URI might carry a secret */
		goto out;
	}
	s = p11_kit_uri_get_module_path(sel->uri);
	if (s && module && strcmp(s, module) != 0) {
		ret = kskit_error_set(KSKIT_EINVAL,
				      "--module and module-path= name different modules");
		goto out;
	}
	if (!s)
		s = module;
	if (s && !(sel->module_path = strdup(s)))
		goto out;
	s = p11_kit_uri_get_module_name(sel->uri);
	if (s && sel->module_path) {
		ret = kskit_error_set(KSKIT_EINVAL,
				      "give either module-name= or a module path, not both");
		goto out;
	}
	if (s && !(sel->module_name = strdup(s)))
		goto out;
	*out = sel;
	sel = NULL;
	ret = 0;
out:
	kskit_sel_free(sel);
	return ret;
}

int kskit_sel_for_label(const char *module_path, const char *label, struct kskit_sel **out)
{
	struct kskit_sel *sel;
	CK_TOKEN_INFO *ti;
	size_t len = strlen(label);

	if (len > sizeof(ti->label))
		return KSKIT_EINVAL;
	sel = calloc(1, sizeof(*sel));
	if (!sel || !(sel->uri = p11_kit_uri_new()) || !(sel->module_path = strdup(module_path))) {
		kskit_sel_free(sel);
		return KSKIT_ENOMEM;
	}
	ti = p11_kit_uri_get_token_info(sel->uri);
	memset(ti->label, ' ', sizeof(ti->label));
	memcpy(ti->label, label, len);
	*out = sel;
	return 0;
}

void kskit_sel_free(struct kskit_sel *sel)
{
	if (!sel)
		return;
	if (sel->uri)
		p11_kit_uri_free(sel->uri);
	free(sel->module_path);
	free(sel->module_name);
	free(sel);
}

P11KitUri *kskit_sel_uri(const struct kskit_sel *sel)
{
	return sel->uri;
}

const char *kskit_sel_pin_source(const struct kskit_sel *sel)
{
	return p11_kit_uri_get_pin_source(sel->uri);
}

int kskit_sel_names_object(const struct kskit_sel *sel)
{
	return p11_kit_uri_get_attribute(sel->uri, CKA_LABEL) ||
	       p11_kit_uri_get_attribute(sel->uri, CKA_ID) ||
	       p11_kit_uri_get_attribute(sel->uri, CKA_CLASS);
}

static int p11_add(struct kskit_p11 *p11, CK_FUNCTION_LIST *mod)
{
	CK_FUNCTION_LIST **m;
	char **p;

	m = realloc(p11->modules, (p11->n + 2) * sizeof(*m));
	if (!m)
		return KSKIT_ENOMEM;
	p11->modules = m;
	p = realloc(p11->paths, (p11->n + 1) * sizeof(*p));
	if (!p)
		return KSKIT_ENOMEM;
	p11->paths = p;
	p11->paths[p11->n] = p11_kit_module_get_filename(mod);
	p11->modules[p11->n++] = mod;
	p11->modules[p11->n] = NULL;
	return 0;
}

static int load_path(struct kskit_p11 *p11, const char *path)
{
	CK_FUNCTION_LIST *mod;
	CK_RV rv;
	int ret;

	if (strchr(path, '/') && access(path, R_OK) != 0)
		return kskit_error_set(KSKIT_EMODULE_MISSING, "%s", path);
	p11_kit_be_quiet();
	mod = p11_kit_module_load(path, 0);
	if (!mod) {
		const char *msg = p11_kit_message();
		return kskit_error_set(KSKIT_EMODULE_LOAD, "%s: %s", path,
				       msg ? msg : "not a PKCS#11 module");
	}
	rv = p11_kit_module_initialize(mod);
	if (rv != CKR_OK) {
		p11_kit_module_release(mod);
		kskit_p11_error("C_Initialize", rv);
		return kskit_error_set(KSKIT_EMODULE_LOAD, "%s: C_Initialize: %s", path,
				       kskit_ckr_name(rv));
	}
	ret = p11_add(p11, mod);
	if (ret) {
		p11_kit_module_finalize(mod);
		p11_kit_module_release(mod);
		return ret;
	}
	p11->direct = 1;
	return 0;
}

static void note_failure(struct kskit_p11 *p11, CK_FUNCTION_LIST *mod, CK_RV rv)
{
	char *path = p11_kit_module_get_filename(mod), *more = NULL;

	if (asprintf(&more, "%s%s: C_Initialize: %s\n", p11->failed ? p11->failed : "",
		     path ? path : "?", kskit_ckr_name(rv)) >= 0) {
		free(p11->failed);
		p11->failed = more;
	}
	free(path);
}

/* Load the registry without initialising it, then initialise only the
 * modules wanted: one named module must not wake every other stack. */
static int load_registry(struct kskit_p11 *p11, const char *name)
{
	int ret;

	p11_kit_be_quiet();
	p11->registry = p11_kit_modules_load(NULL, 0);
	if (!p11->registry)
		return kskit_error_set(KSKIT_EMODULE_LOAD, "p11-kit registry: %s",
				       p11_kit_message() ? p11_kit_message() : "cannot load");
	for (size_t i = 0; p11->registry[i]; i++) {
		CK_FUNCTION_LIST *mod = p11->registry[i];
		char *mname = p11_kit_module_get_name(mod);
		int want = !name || (mname && strcmp(mname, name) == 0);
		CK_RV rv;

		free(mname);
		if (!want)
			continue;
		rv = p11_kit_module_initialize(mod);
		if (rv != CKR_OK) {
			if (name)
				return kskit_error_set(KSKIT_EMODULE_LOAD,
						       "module-name=%s: C_Initialize: %s", name,
						       kskit_ckr_name(rv));
			note_failure(p11, mod, rv); /* listing everything: skip, and say so */
			continue;
		}
		ret = p11_add(p11, mod);
		if (ret) {
			p11_kit_module_finalize(mod);
			return ret;
		}
	}
	if (name && p11->n == 0)
		return kskit_error_set(KSKIT_EMODULE_NAME, "module-name=%s", name);
	return 0;
}

/* Modules that log to stderr by default would break the one-error-line
 * rule; a user who wants their logs sets these variables. */
static void quiet_modules(void)
{
	setenv("TPM2_PKCS11_LOG_LEVEL", "0", 0);
	setenv("TSS2_LOG", "all+NONE", 0);
}

int kskit_p11_load(const struct kskit_sel *sel, struct kskit_p11 **out)
{
	struct kskit_p11 *p11;
	int ret;

	quiet_modules();
	p11 = calloc(1, sizeof(*p11));
	if (!p11)
		return KSKIT_ENOMEM;
	if (sel->module_path)
		ret = load_path(p11, sel->module_path);
	else
		ret = load_registry(p11, sel->module_name);
	if (ret) {
		kskit_p11_free(p11);
		return ret;
	}
	*out = p11;
	return 0;
}

void kskit_p11_free(struct kskit_p11 *p11)
{
	if (!p11)
		return;
	for (size_t i = 0; i < p11->n; i++)
		p11_kit_module_finalize(p11->modules[i]);
	if (p11->direct && p11->n == 1)
		p11_kit_module_release(p11->modules[0]);
	if (p11->registry)
		p11_kit_modules_release(p11->registry);
	for (size_t i = 0; i < p11->n; i++)
		free(p11->paths[i]);
	free(p11->paths);
	free(p11->failed);
	free(p11->modules);
	free(p11);
}

size_t kskit_p11_count(const struct kskit_p11 *p11)
{
	return p11->n;
}

CK_FUNCTION_LIST *kskit_p11_module(const struct kskit_p11 *p11, size_t i)
{
	return i < p11->n ? p11->modules[i] : NULL;
}

const char *kskit_p11_module_path(const struct kskit_p11 *p11, size_t i)
{
	return i < p11->n && p11->paths[i] ? p11->paths[i] : "(unknown)";
}

const char *kskit_p11_failed(const struct kskit_p11 *p11)
{
	return p11->failed;
}
