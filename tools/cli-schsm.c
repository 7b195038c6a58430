/* cli-schsm.c - SmartCard-HSMs through sc-hsm-tool and pkcs15-tool. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "cli.h"
#include "cli-schsm.h"
#include "lib/error.h"
#include "lib/schsm-share.h"
#include "lib/textfile.h"

#define OUTPUT_MAX (1u << 20)

int cli_is_schsm(struct kskit_token *tok)
{
	char manuf[33];

	kskit_p11_string(manuf, kskit_token_info(tok)->manufacturerID,
			 sizeof(kskit_token_info(tok)->manufacturerID));
	return strcmp(manuf, "www.CardContact.de") == 0;
}

int cli_schsm_reader(struct kskit_token *tok, char *reader, size_t size)
{
	CK_SLOT_INFO si;
	CK_RV rv = kskit_token_module(tok)->C_GetSlotInfo(kskit_token_slot(tok), &si);

	if (rv != CKR_OK)
		return kskit_p11_error("C_GetSlotInfo", rv);
	if (size < sizeof(si.slotDescription) + 1)
		return KSKIT_EINVAL;
	kskit_p11_string(reader, si.slotDescription, sizeof(si.slotDescription));
	return 0;
}

/* The last non-empty line of out, for messages. */
static const char *last_line(char *out)
{
	char *end = out + strlen(out), *start;

	while (end > out && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	start = strrchr(out, '\n');
	return start ? start + 1 : out;
}

int cli_schsm_run(const char *const *argv, const char *input, char **out)
{
	int in[2] = { -1, -1 }, res[2] = { -1, -1 }, status = 0, ret = 0;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	pid_t pid;
	ssize_t n;

	if (!buf || pipe2(in, O_CLOEXEC) != 0 || pipe2(res, O_CLOEXEC) != 0) {
		ret = kskit_error_set(KSKIT_EINIT_TOOL, "%s: %s", argv[0], strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ret = kskit_error_set(KSKIT_EINIT_TOOL, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(res[1], 1) < 0 || dup2(res[1], 2) < 0)
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(res[1]);
	in[0] = res[1] = -1;
	if (input && write(in[1], input, strlen(input)) < 0 && errno != EPIPE)
		ret = kskit_error_set(KSKIT_EINIT_TOOL, "%s: %s", argv[0], strerror(errno));
	close(in[1]);
	in[1] = -1;
	while ((n = read(res[0], buf + len, cap - len - 1)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
		if (len + 1 == cap && cap < OUTPUT_MAX) {
			char *grown = realloc(buf, cap * 2);

			if (!grown)
				break;
			buf = grown;
			cap *= 2;
		} else if (len + 1 == cap) {
			break;
		}
	}
	buf[len] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (ret == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		ret = kskit_error_set(KSKIT_EINIT_TOOL, "%s: %s", argv[0], last_line(buf));
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (res[i] >= 0)
			close(res[i]);
	}
	if (ret == 0 && out)
		*out = buf;
	else
		free(buf);
	return ret;
}

/* A value after "name : " in out, or NULL. */
static const char *field(const char *out, const char *name)
{
	const char *p = out;
	size_t n = strlen(name);

	while ((p = strstr(p, name)) != NULL) {
		const char *v = p + n;

		if (p == out || p[-1] == '\n') {
			while (*v == ' ')
				v++;
			if (*v == ':')
				return v + 1 + strspn(v + 1, " ");
		}
		p = v;
	}
	return NULL;
}

int cli_schsm_dkek_info(const char *reader, unsigned *total, unsigned *missing,
			uint8_t kcv[KSKIT_DKEK_KCV_LEN])
{
	const char *argv[] = { "sc-hsm-tool", "--reader", reader, NULL };
	const char *shares, *check, *pending;
	char *out = NULL;
	int ret = cli_schsm_run(argv, NULL, &out);

	if (ret)
		return ret;
	shares = field(out, "DKEK shares");
	check = field(out, "DKEK key check value");
	pending = strstr(out, "DKEK import pending, ");
	*total = shares ? (unsigned)strtoul(shares, NULL, 10) : 0;
	*missing = pending ? (unsigned)strtoul(pending + strlen("DKEK import pending, "), NULL, 10)
			   : 0;
	memset(kcv, 0, KSKIT_DKEK_KCV_LEN);
	for (size_t i = 0; check && i < KSKIT_DKEK_KCV_LEN; i++) {
		unsigned v;

		if (sscanf(check + 2 * i, "%2x", &v) != 1) {
			ret = kskit_error_set(KSKIT_EINIT_TOOL, "sc-hsm-tool: a KCV of %.20s",
					      check);
			break;
		}
		kcv[i] = (uint8_t)v;
	}
	free(out);
	return ret;
}

int cli_schsm_import_share(const char *reader, const char *path, const char *password)
{
	const char *argv[] = {
		"sc-hsm-tool", "--reader", reader, "--import-dkek-share", path, NULL
	};
	size_t n = strlen(password) + 2;
	char *input = malloc(n), *out = NULL;
	int ret;

	if (!input)
		return KSKIT_ENOMEM;
	snprintf(input, n, "%s\n", password);
	ret = cli_schsm_run(argv, input, &out);
	if (ret == 0 && !strstr(out, "DKEK share imported"))
		ret = kskit_error_set(KSKIT_EPASSPHRASE, "%s: %s", path, last_line(out));
	OPENSSL_cleanse(input, n);
	free(input);
	free(out);
	return ret;
}

/* Hand one share to a SmartCard-HSM through sc-hsm-tool: sealed again
 * under a one-time password that goes to the tool on its standard input
 * (so that passwords of any bytes, and a rebuilt n-of-m one with its
 * leading zero, all work), in a private directory removed after. */
int cli_schsm_import_secret(const char *reader, const uint8_t share[KSKIT_SCHSM_SHARE_LEN])
{
	uint8_t otp[12], file[KSKIT_SCHSM_SHARE_FILE_LEN];
	char hex[2 * sizeof(otp) + 1], dir[PATH_MAX], path[PATH_MAX + 8];
	const char *t = getenv("TMPDIR");
	int fd = -1, ret = 0;

	snprintf(dir, sizeof(dir), "%s/kskit-share.XXXXXX", t && *t ? t : "/tmp");
	if (RAND_priv_bytes(otp, sizeof(otp)) != 1)
		return KSKIT_ECRYPTO;
	kskit_hex(hex, otp, sizeof(otp));
	if (!mkdtemp(dir))
		ret = kskit_error_set(KSKIT_EIO, "%s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/share", dir);
	if (ret == 0)
		ret = kskit_schsm_share_seal(share, hex, strlen(hex), NULL,
					     KSKIT_SCHSM_SHARE_ITERATIONS, file);
	if (ret == 0) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 || write(fd, file, sizeof(file)) != (ssize_t)sizeof(file))
			ret = kskit_error_set(KSKIT_EIO, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (ret == 0)
		ret = cli_schsm_import_share(reader, path, hex);
	unlink(path);
	rmdir(dir);
	OPENSSL_cleanse(otp, sizeof(otp));
	OPENSSL_cleanse(hex, sizeof(hex));
	return ret;
}

/* Every private key's reference and id, from pkcs15-tool --list-keys:
 * calls fn for each; stops when it returns non-zero. */
static int each_key(const char *reader, int (*fn)(void *, unsigned, const char *), void *arg)
{
	const char *argv[] = { "pkcs15-tool", "--reader", reader, "--list-keys", NULL };
	char *out = NULL, *line, *save = NULL;
	unsigned ref = 0;
	int have_ref = 0, ret = cli_schsm_run(argv, NULL, &out);

	for (line = ret ? NULL : strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *v;

		if (strncmp(line, "Private ", 8) == 0)
			have_ref = 0;
		else if ((v = field(line + strspn(line, "\t "), "Key ref")) != NULL)
			ref = (unsigned)strtoul(v, NULL, 10), have_ref = 1;
		else if ((v = field(line + strspn(line, "\t "), "ID")) != NULL && have_ref &&
			 fn(arg, ref, v))
			break;
	}
	free(out);
	return ret;
}

struct ref_search {
	char id[2 * 255 + 1];
	unsigned ref, used[8];
	int found;
};

static int match_id(void *arg, unsigned ref, const char *id)
{
	struct ref_search *s = arg;

	if (ref < 256)
		s->used[ref / 32] |= 1u << (ref % 32);
	if (strcasecmp(id, s->id) == 0) {
		s->ref = ref;
		s->found = 1;
	}
	return 0;
}

int cli_schsm_key_ref(const char *reader, const uint8_t *id, size_t id_len, unsigned *ref)
{
	struct ref_search s = { 0 };
	int ret;

	if (id_len > 255)
		return KSKIT_EINVAL;
	kskit_hex(s.id, id, id_len);
	ret = each_key(reader, match_id, &s);
	if (ret == 0 && !s.found)
		return kskit_error_set(KSKIT_ENO_OBJECT, "pkcs15-tool lists no key with id %s",
				       s.id);
	if (ret == 0)
		*ref = s.ref;
	return ret;
}

int cli_schsm_free_ref(const char *reader, unsigned *ref)
{
	struct ref_search s = { 0 };
	int ret = each_key(reader, match_id, &s);

	for (unsigned r = 1; ret == 0 && r < 256; r++)
		if (!(s.used[r / 32] & 1u << (r % 32))) {
			*ref = r;
			return 0;
		}
	return ret ? ret : kskit_error_set(KSKIT_EINVAL, "no free key reference on the card");
}

/* A private temporary directory for the tool's files. */
static int tmp_dir(char dir[PATH_MAX])
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, PATH_MAX, "%s/kskit-schsm.XXXXXX", t && *t ? t : "/tmp");
	return mkdtemp(dir) ? 0 : kskit_error_set(KSKIT_EIO, "%s: %s", dir, strerror(errno));
}

static char *pin_line(const char *pin)
{
	size_t n = strlen(pin) + 2;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s\n", pin);
	return s;
}

static void pin_free(char *s)
{
	if (s)
		OPENSSL_cleanse(s, strlen(s));
	free(s);
}

int cli_schsm_wrap(const char *reader, unsigned ref, const char *pin, uint8_t **blob, size_t *len)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], refs[8], *input = pin_line(pin), *data = NULL;
	const char *argv[] = { "sc-hsm-tool", "--reader",	 reader, "--wrap-key",
			       path,	      "--key-reference", refs,	 NULL };
	int ret = input ? tmp_dir(dir) : KSKIT_ENOMEM;

	if (ret) {
		pin_free(input);
		return ret;
	}
	snprintf(path, sizeof(path), "%s/wrapped", dir);
	snprintf(refs, sizeof(refs), "%u", ref);
	ret = cli_schsm_run(argv, input, NULL);
	if (ret == 0)
		ret = cli_read_file(path, 64u << 10, &data, len);
	if (ret == 0)
		*blob = (uint8_t *)data;
	unlink(path);
	rmdir(dir);
	pin_free(input);
	return ret;
}

int cli_schsm_unwrap(const char *reader, unsigned ref, const char *pin, const uint8_t *blob,
		     size_t len)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], refs[8], *input = pin_line(pin);
	const char *argv[] = { "sc-hsm-tool", "--reader",	 reader, "--unwrap-key",
			       path,	      "--key-reference", refs,	 NULL };
	int fd, ret = input ? tmp_dir(dir) : KSKIT_ENOMEM;

	if (ret) {
		pin_free(input);
		return ret;
	}
	snprintf(path, sizeof(path), "%s/wrapped", dir);
	snprintf(refs, sizeof(refs), "%u", ref);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, blob, len) != (ssize_t)len)
		ret = kskit_error_set(KSKIT_EIO, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (ret == 0)
		ret = cli_schsm_run(argv, input, NULL);
	unlink(path);
	rmdir(dir);
	pin_free(input);
	return ret;
}
