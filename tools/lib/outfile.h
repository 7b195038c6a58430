/* outfile.h - output files written atomically: into a temporary file
 * beside the final name, fsynced, then renamed.  A crash or a pulled USB
 * stick leaves the old file or the new one, never half of one. */
#ifndef KSKIT_OUTFILE_H
#define KSKIT_OUTFILE_H

#include <stddef.h>

struct kskit_outfile;

enum kskit_outfile_flags {
	KSKIT_OUT_NO_REPLACE = 1 << 0, /* never over an existing file (KSKIT_EEXIST) */
	KSKIT_OUT_PUBLIC = 1 << 1,     /* mode 0644; otherwise 0600 */
};

/* Start writing path.  With KSKIT_OUT_NO_REPLACE an existing path is
 * refused now and again at commit.  Free with commit or abort. */
int kskit_outfile_open(const char *path, unsigned flags, struct kskit_outfile **out);

/* The descriptor to write to (the temporary file). */
int kskit_outfile_fd(const struct kskit_outfile *f);

/* Write all n bytes to fd, through short writes and EINTR.  0, 1 when the
 * reader of a pipe went away (EPIPE), or KSKIT_EIO (ENOSPC on a full disk
 * among them). */
int kskit_write_all(int fd, const void *buf, size_t n);

/* fsync, put in place, fsync the directory; the outfile is freed, and on
 * failure the temporary file removed. */
int kskit_outfile_commit(struct kskit_outfile *f);

/* Remove the temporary file and free.  NULL is ignored. */
void kskit_outfile_abort(struct kskit_outfile *f);

#endif
