/* Preloaded under SANITIZE=1 only: PKCS#11 modules stay mapped after
 * p11-kit releases them, so LeakSanitizer can name the module a leak is in
 * (tests/lsan.supp) instead of "<unknown module>". */
int dlclose(void *handle);

int dlclose(void *handle)
{
	(void)handle;
	return 0;
}
