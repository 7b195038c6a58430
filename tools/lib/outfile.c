#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "outfile.h"

struct kskit_outfile {
	char *path;
	char *tmp;
	unsigned flags;
	int fd;
};

static int io_error(const char *what, const char *path)
{
	return kskit_error_set(errno == EEXIST ? KSKIT_EEXIST : KSKIT_EIO, "%s %s: %s", what, path,
			       strerror(errno));
}

int kskit_outfile_open(const char *path, unsigned flags, struct kskit_outfile **out)
{
	struct kskit_outfile *f;
	struct stat st;

	if ((flags & KSKIT_OUT_NO_REPLACE) && lstat(path, &st) == 0)
		return kskit_error_set(KSKIT_EEXIST, "%s", path);
	f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path)) || asprintf(&f->tmp, "%s.XXXXXX", path) < 0) {
		if (f)
			free(f->path);
		free(f);
		return KSKIT_ENOMEM;
	}
	f->flags = flags;
	f->fd = mkostemp(f->tmp, O_CLOEXEC); /* O_EXCL, mode 0600 */
	if (f->fd < 0) {
		int ret = io_error("create", f->tmp);

		free(f->tmp);
		free(f->path);
		free(f);
		return ret;
	}
	if ((flags & KSKIT_OUT_PUBLIC) && fchmod(f->fd, 0644) != 0) {
		int ret = io_error("chmod", f->tmp);

		kskit_outfile_abort(f);
		return ret;
	}
	*out = f;
	return 0;
}

int kskit_outfile_fd(const struct kskit_outfile *f)
{
	return f->fd;
}

static int sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, ret = 0;

	if (!copy)
		return KSKIT_ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0)
		ret = io_error("fsync directory of", path);
	if (fd >= 0)
		close(fd);
	free(copy);
	return ret;
}

int kskit_outfile_commit(struct kskit_outfile *f)
{
	int ret = 0;

	if (fsync(f->fd) != 0)
		ret = io_error("fsync", f->tmp);
	if (close(f->fd) != 0 && ret == 0)
		ret = io_error("close", f->tmp);
	f->fd = -1;
	if (ret == 0 && (f->flags & KSKIT_OUT_NO_REPLACE)) {
		/* link() refuses an existing name where rename() would replace
		 * it.  FAT (the usual USB stick) has no links: there,
		 * renameat2's RENAME_NOREPLACE does the same. */
		if (link(f->tmp, f->path) != 0 &&
		    (!(errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS ||
		       errno == EMLINK) ||
		     renameat2(AT_FDCWD, f->tmp, AT_FDCWD, f->path, RENAME_NOREPLACE) != 0))
			ret = io_error("create", f->path);
	} else if (ret == 0 && rename(f->tmp, f->path) != 0) {
		ret = io_error("rename to", f->path);
	}
	if (ret == 0)
		ret = sync_dir(f->path);
	kskit_outfile_abort(f); /* the temporary name: gone after link, or on failure */
	return ret;
}

void kskit_outfile_abort(struct kskit_outfile *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	(void)unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	free(f);
}

int kskit_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno == EPIPE
				       ? 1
				       : kskit_error_set(KSKIT_EIO, "write: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	return 0;
}
