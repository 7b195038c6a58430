#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "error.h"
#include "secret.h"

/* Every secret buffer records its size just before the bytes handed out, so
 * the free function needs only the pointer. */
struct secret_head {
	size_t len;
	max_align_t align[];
};

int kskit_secure_process(void)
{
	struct rlimit none = { 0, 0 };

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return KSKIT_EPERM;
	if (setrlimit(RLIMIT_CORE, &none) != 0)
		return KSKIT_EPERM;
	return 0;
}

void *kskit_secret_alloc(size_t len)
{
	struct secret_head *h;
	size_t total = sizeof(*h) + len + 1;

	if (len > (size_t)-1 - sizeof(*h) - 1)
		return NULL;
	h = calloc(1, total);
	if (!h)
		return NULL;
	(void)mlock(h, total); /* best effort: RLIMIT_MEMLOCK may forbid it */
	h->len = len;
	return h->align;
}

void kskit_secret_free(void *p)
{
	struct secret_head *h;
	size_t total;

	if (!p)
		return;
	h = (struct secret_head *)((char *)p - offsetof(struct secret_head, align));
	total = sizeof(*h) + h->len + 1;
	explicit_bzero(h, total);
	(void)munlock(h, total);
	free(h);
}
