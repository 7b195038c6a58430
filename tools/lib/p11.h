/* p11.h - choosing PKCS#11 modules with an RFC 7512 URI (parsed by p11-kit),
 * loading them, and naming what a failed PKCS#11 call returned.
 *
 * A selection is the user's URI plus an optional module path given outside
 * it (--module).  The module comes from, in this order: module-path= in the
 * URI or --module (both at once is KSKIT_EINVAL), module-name= (looked up in
 * the p11-kit registry), or every module the registry lists.
 */
#ifndef KSKIT_P11_H
#define KSKIT_P11_H

#include <stddef.h>
#include <p11-kit/pkcs11.h>
#include <p11-kit/uri.h>

struct kskit_sel;
struct kskit_p11;

/* Parse uri (NULL means "pkcs11:") and module (NULL if not given).
 * Refuses pin-value (KSKIT_EURI_PIN_VALUE) and attributes p11-kit does not
 * recognise (KSKIT_EURI_UNKNOWN).  Free *out with kskit_sel_free(). */
int kskit_sel_parse(const char *uri, const char *module, struct kskit_sel **out);
void kskit_sel_free(struct kskit_sel *sel);

/* A selection of the token labelled label in the module at module_path. */
int kskit_sel_for_label(const char *module_path, const char *label, struct kskit_sel **out);

/* The parsed URI, owned by sel. */
P11KitUri *kskit_sel_uri(const struct kskit_sel *sel);

/* pin-source= of the URI, or NULL.  Owned by sel. */
const char *kskit_sel_pin_source(const struct kskit_sel *sel);

/* Non-zero when the URI names an object (object=, id= or type=). */
int kskit_sel_names_object(const struct kskit_sel *sel);

/* Load and initialise the module(s) sel refers to.  Free with kskit_p11_free(),
 * which finalises them.  Modules known to log to stderr are quieted unless
 * their variables are set (TPM2_PKCS11_LOG_LEVEL, TSS2_LOG). */
int kskit_p11_load(const struct kskit_sel *sel, struct kskit_p11 **out);
void kskit_p11_free(struct kskit_p11 *p11);

size_t kskit_p11_count(const struct kskit_p11 *p11);
CK_FUNCTION_LIST *kskit_p11_module(const struct kskit_p11 *p11, size_t i);
/* The module's file name as p11-kit knows it; owned by p11. */
const char *kskit_p11_module_path(const struct kskit_p11 *p11, size_t i);

/* Registry modules that would not initialise and were left out, one
 * "path: C_Initialize: CKR_..." line each; NULL when none.  Owned by p11. */
const char *kskit_p11_failed(const struct kskit_p11 *p11);

/* "CKR_PIN_INCORRECT", or "CKR_0x..." for codes without a name here. */
const char *kskit_ckr_name(CK_RV rv);

/* Map a failed PKCS#11 call to a kskit code and record "call: CKR_..." as
 * the error detail.  rv must not be CKR_OK. */
int kskit_p11_error(const char *call, CK_RV rv);

#endif
