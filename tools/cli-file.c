/* Files the subcommands read and write, and their digests as the ceremony
 * log shows them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/sha.h>

#include "cli.h"
#include "lib/dnskey.h"
#include "lib/error.h"
#include "lib/ksr.h"
#include "lib/ksrxml.h"
#include "lib/outfile.h"
#include "lib/pgpwords.h"
#include "lib/utc.h"

int cli_read_file(const char *path, size_t max, char **text, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd, ret = KSKIT_EIO;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kskit_error_set(KSKIT_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		ret = kskit_error_set(KSKIT_EIO, "%s: not a regular file", path);
		goto out;
	}
	if ((unsigned long long)st.st_size > max) {
		ret = kskit_error_set(KSKIT_EIO, "%s: larger than %zu bytes", path, max);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		ret = KSKIT_ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = kskit_error_set(KSKIT_EIO, "%s: %s", path,
					      n ? strerror(errno) : "shorter than it was");
			goto out;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*text = buf;
	*len = got;
	buf = NULL;
	ret = 0;
out:
	free(buf);
	close(fd);
	return ret;
}

int cli_write_file(const char *path, const void *data, size_t len, int secret)
{
	struct kskit_outfile *f = NULL;
	int ret;

	ret = kskit_outfile_open(path, KSKIT_OUT_NO_REPLACE | (secret ? 0 : KSKIT_OUT_PUBLIC), &f);
	if (ret == 0 && (ret = kskit_write_all(kskit_outfile_fd(f), data, len)) != 0) {
		kskit_outfile_abort(f);
		return ret == 1 ? KSKIT_EIO : ret;
	}
	if (ret == 0)
		ret = kskit_outfile_commit(f);
	return ret;
}

void cli_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(data, len, md);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

int cli_print_digest(FILE *out, const char *name, const void *data, size_t len)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char *words, hex[65];

	SHA256(data, len, md);
	words = kskit_pgp_words(md, sizeof(md));
	if (!words)
		return KSKIT_ENOMEM;
	cli_sha256_hex(data, len, hex);
	/* lower-case and whole, as sha256sum prints it, to compare by eye */
	fprintf(out, "%s (%zu bytes)\n  SHA-256   %s\n  PGP words", name, len, hex);
	/* eight words a line, as they are read aloud */
	for (size_t i = 0, w = 0; words[i]; w++) {
		size_t n = strcspn(words + i, " ");

		fprintf(out, "%s%.*s", w % 8 ? " " : (w ? "\n            " : " "), (int)n,
			words + i);
		i += n + (words[i + n] == ' ');
	}
	fputc('\n', out);
	free(words);
	return 0;
}

int cli_duration(const char *s, unsigned long max, unsigned long *out)
{
	return kskit_duration_parse(s, max, out) == 0 ? 0 : -1;
}

/* The first record of a master file (comment lines first), or
 * KSKIT_EKEYFILE saying there is no record of what. */
static int first_record(const char *path, const char *what, ldns_rr **out)
{
	FILE *f = fopen(path, "r");
	ldns_rr *rr = NULL;
	ldns_status st = LDNS_STATUS_SYNTAX_EMPTY;
	int line = 0;

	if (!f)
		return kskit_error_set(KSKIT_EKEYFILE, "%s: cannot open", path);
	while (!feof(f) && (st == LDNS_STATUS_SYNTAX_EMPTY || st == LDNS_STATUS_SYNTAX_TTL ||
			    st == LDNS_STATUS_SYNTAX_ORIGIN))
		st = ldns_rr_new_frm_fp_l(&rr, f, NULL, NULL, NULL, &line);
	fclose(f);
	if (st != LDNS_STATUS_OK) {
		ldns_rr_free(rr);
		return kskit_error_set(KSKIT_EKEYFILE, "%s: no %s record", path, what);
	}
	*out = rr;
	return 0;
}

int cli_read_dnskey(const char *path, uint16_t flags, ldns_rr **out)
{
	ldns_rr *rr = NULL;
	int ret = first_record(path, "DNSKEY", &rr);

	if (ret == 0 && ldns_rr_get_type(rr) != LDNS_RR_TYPE_DNSKEY)
		ret = kskit_error_set(KSKIT_EKEYFILE, "%s: no DNSKEY record", path);
	else if (ret == 0 && ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)) != flags)
		ret = kskit_error_set(KSKIT_EKEYFILE, "%s: not a %s (flags %u)", path,
				      flags == KSKIT_DNSKEY_KSK ? "KSK" : "ZSK", flags);
	if (ret) {
		ldns_rr_free(rr);
		return ret;
	}
	*out = rr;
	return 0;
}

int cli_read_anchor(const char *path, ldns_rr **out)
{
	ldns_rr *rr = NULL;
	int ret = first_record(path, "DS or DNSKEY", &rr);

	if (ret == 0 && ldns_rr_get_type(rr) != LDNS_RR_TYPE_DS &&
	    (ldns_rr_get_type(rr) != LDNS_RR_TYPE_DNSKEY ||
	     ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)) != KSKIT_DNSKEY_KSK))
		ret = kskit_error_set(KSKIT_EKEYFILE, "%s: neither a DS nor a KSK's DNSKEY", path);
	if (ret) {
		ldns_rr_free(rr);
		return ret;
	}
	*out = rr;
	return 0;
}

/* A request (skr 0) or a response (skr 1) in any form. */
int cli_read_ksr(const char *path, int skr, struct kskit_ksr **ksr, char **text, size_t *len)
{
	size_t i = 0;
	int ret = cli_read_file(path, CLI_KSR_MAX, text, len);

	if (ret)
		return ret;
	while (i < *len && strchr(" \t\r\n", (*text)[i]))
		i++;
	if (i < *len && (*text)[i] == '<')
		ret = kskit_ksrxml_parse(*text, *len, ksr);
	else
		ret = kskit_ksr_parse(*text, *len, ksr);
	if (ret == 0 && (*ksr)->skr != skr) {
		kskit_ksr_free(*ksr);
		*ksr = NULL;
		ret = kskit_error_set(KSKIT_EKSR, "%s is a %s, not a %s", path,
				      skr ? "request" : "response", skr ? "response" : "request");
	}
	return ret;
}
