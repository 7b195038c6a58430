#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Whole pages: mlock() does not nest, so two secrets sharing a page would
 * unlock each other when one is freed. */
static size_t secret_size(size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (sizeof(struct secret_head) + len + 1 + page - 1) / page * page;
}

void *kskit_secret_alloc(size_t len)
{
	struct secret_head *h = NULL;
	size_t total;

	if (len > (size_t)-1 / 2)
		return NULL;
	total = secret_size(len);
	if (posix_memalign((void **)&h, (size_t)sysconf(_SC_PAGESIZE), total) != 0)
		return NULL;
	memset(h, 0, total);
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
	total = secret_size(h->len);
	explicit_bzero(h, total);
	(void)munlock(h, total);
	free(h);
}
