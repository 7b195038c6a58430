#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/random.h>

#include "error.h"
#include "rng.h"
#include "secret.h"

/* Tokens that cap one C_GenerateRandom call (smartcards: a few hundred bytes)
 * are asked in chunks of this size. */
#define RANDOM_CHUNK 256

int kskit_token_random(struct kskit_token *tok, uint8_t *buf, size_t n)
{
	CK_FUNCTION_LIST *fl = kskit_token_module(tok);

	while (n > 0) {
		size_t k = n < RANDOM_CHUNK ? n : RANDOM_CHUNK;
		CK_RV rv = fl->C_GenerateRandom(kskit_token_session(tok), buf, k);

		if (rv != CKR_OK)
			return kskit_p11_error("C_GenerateRandom", rv);
		buf += k;
		n -= k;
	}
	return 0;
}

int kskit_kernel_add_entropy(const char *dev, const uint8_t *buf, size_t n, unsigned credit_bits)
{
	struct rand_pool_info *info;
	int fd, ret = 0;

	if (n == 0 || n > 1 << 20 || credit_bits > 8 * n)
		return KSKIT_EINVAL;
	info = kskit_secret_alloc(sizeof(*info) + n);
	if (!info)
		return KSKIT_ENOMEM;
	info->entropy_count = (int)credit_bits;
	info->buf_size = (int)n;
	memcpy(info->buf, buf, n);
	fd = open(dev, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = kskit_error_set(KSKIT_EIO, "%s: %s", dev, strerror(errno));
		goto out;
	}
	if (ioctl(fd, RNDADDENTROPY, info) != 0) {
		ret = kskit_error_set(errno == EPERM ? KSKIT_EPERM : KSKIT_EIO, "RNDADDENTROPY: %s",
				      strerror(errno));
		goto out;
	}
	if (ioctl(fd, RNDRESEEDCRNG) != 0)
		ret = kskit_error_set(errno == EPERM ? KSKIT_EPERM : KSKIT_EIO, "RNDRESEEDCRNG: %s",
				      strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	kskit_secret_free(info);
	return ret;
}
