/* cli-schsm.c - SmartCard-HSMs through sc-hsm-tool and pkcs15-tool. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "cli.h"
#include "cli-schsm.h"
#include "lib/error.h"
#include "lib/schsm-share.h"
#include "lib/textfile.h"

#define OUTPUT_MAX (1u << 20)
#define TOOL_TIMEOUT_MS 600000
#define TICK_MS 50

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

/* Whether the program on the terminal has turned echo off. */
static int echo_off(int master)
{
	struct termios t;

	return tcgetattr(master, &t) == 0 && !(t.c_lflag & ECHO);
}

/* Type answer and a newline on the terminal. */
static int type(int fd, const char *answer)
{
	size_t n = strlen(answer);

	return write(fd, answer, n) == (ssize_t)n && write(fd, "\n", 1) == 1 ? 0 : -1;
}

/* Append what the tool wrote to *buf; 0 at its end, 1 for more, -1. */
static int collect(int fd, char **buf, size_t *len, size_t *cap)
{
	ssize_t n;

	if (*len + 1 >= *cap) {
		char *grown = *cap < OUTPUT_MAX ? realloc(*buf, *cap * 2) : NULL;

		if (!grown)
			return -1;
		*buf = grown;
		*cap *= 2;
	}
	n = read(fd, *buf + *len, *cap - *len - 1);
	if (n < 0 && errno == EINTR)
		return 1;
	if (n <= 0) /* EIO: the tool closed the terminal */
		return 0;
	*len += (size_t)n;
	(*buf)[*len] = '\0';
	return 1;
}

int cli_schsm_run(const char *const *argv, const struct cli_answer *answers, size_t n_answers,
		  char **out)
{
	size_t len = 0, cap = 4096, next = 0, seen = 0;
	char *buf = calloc(1, cap);
	int master = -1, slave = -1, status = 0, ret = 0, more = 1;
	pid_t pid = -1;

	if (!buf || openpty(&master, &slave, NULL, NULL, NULL) != 0) {
		ret = kskit_error_set(KSKIT_EINIT_TOOL, "%s: no terminal: %s", argv[0],
				      strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ret = kskit_error_set(KSKIT_EINIT_TOOL, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(master);
		if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0 || dup2(slave, 0) < 0 ||
		    dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(slave);
	slave = -1;
	for (int waited = 0; more > 0;) {
		struct pollfd pfd = { master, POLLIN, 0 };
		int r = poll(&pfd, 1, TICK_MS);

		if (r == 0 && (waited += TICK_MS) >= TOOL_TIMEOUT_MS) {
			kill(pid, SIGTERM);
			ret = kskit_error_set(KSKIT_EINIT_TOOL, "%s: no answer in %d s", argv[0],
					      TOOL_TIMEOUT_MS / 1000);
			break;
		}
		if (r > 0) {
			waited = 0;
			more = collect(master, &buf, &len, &cap);
		} else if (r < 0 && errno != EINTR) {
			more = -1;
		}
		/* Each answer once its prompt is out and the tool has turned
		 * echo off to read it: what is typed before is flushed. */
		if (next < n_answers && strstr(buf + seen, answers[next].prompt) &&
		    echo_off(master)) {
			seen = len;
			if (type(master, answers[next++].text) != 0)
				more = -1;
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* The terminal ends lines with CR LF. */
	for (size_t i = 0, j = 0; i <= len; i++)
		if (buf[i] != '\r')
			buf[j++] = buf[i];
	if (ret == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		ret = kskit_error_set(KSKIT_EINIT_TOOL, "%s: %s", argv[0],
				      WIFSIGNALED(status) ? strsignal(WTERMSIG(status))
							  : last_line(buf));
	else if (ret == 0 && next < n_answers)
		ret = kskit_error_set(KSKIT_EINIT_TOOL, "%s: never asked \"%s\"", argv[0],
				      answers[next].prompt);
out:
	if (master >= 0)
		close(master);
	if (slave >= 0)
		close(slave);
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
	int ret = cli_schsm_run(argv, NULL, 0, &out);

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
	const struct cli_answer pw = { "Enter password to decrypt DKEK share", password };
	char *out = NULL;
	int ret = cli_schsm_run(argv, &pw, 1, &out);

	if (ret == 0 && !strstr(out, "DKEK share imported"))
		ret = kskit_error_set(KSKIT_EPASSPHRASE, "%s: %s", path, last_line(out));
	free(out);
	return ret;
}

/* Hand one share to a SmartCard-HSM through sc-hsm-tool: sealed again
 * under a one-time password that goes to the tool on its standard input
 * (so that passwords of any bytes, and a rebuilt n-of-m one with its
 * leading zero, all work), in a private directory removed after. */
/* The file at path in a new private temporary directory dir, for the
 * tool; with data (len bytes), written 0600.  Remove with tmp_remove(). */
static int tmp_file(char dir[PATH_MAX], char path[PATH_MAX + 16], const void *data, size_t len)
{
	const char *t = getenv("TMPDIR");
	int fd, ret = 0;

	snprintf(dir, PATH_MAX, "%s/kskit-schsm.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir))
		return kskit_error_set(KSKIT_EIO, "%s: %s", dir, strerror(errno));
	snprintf(path, PATH_MAX + 16, "%s/file", dir);
	if (!data)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		ret = kskit_error_set(KSKIT_EIO, "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (ret) {
		unlink(path);
		rmdir(dir);
	}
	return ret;
}

static void tmp_remove(const char *dir, const char *path)
{
	unlink(path);
	rmdir(dir);
}

int cli_schsm_import_secret(const char *reader, const uint8_t share[KSKIT_SCHSM_SHARE_LEN])
{
	uint8_t otp[12], file[KSKIT_SCHSM_SHARE_FILE_LEN];
	char hex[2 * sizeof(otp) + 1], dir[PATH_MAX], path[PATH_MAX + 16];
	int ret;

	if (RAND_priv_bytes(otp, sizeof(otp)) != 1)
		return KSKIT_ECRYPTO;
	kskit_hex(hex, otp, sizeof(otp));
	ret = kskit_schsm_share_seal(share, hex, strlen(hex), NULL, KSKIT_SCHSM_SHARE_ITERATIONS,
				     file);
	if (ret == 0)
		ret = tmp_file(dir, path, file, sizeof(file));
	if (ret == 0) {
		ret = cli_schsm_import_share(reader, path, hex);
		tmp_remove(dir, path);
	}
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
	int have_ref = 0, ret = cli_schsm_run(argv, NULL, 0, &out);

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

int cli_schsm_wrap(const char *reader, unsigned ref, const char *pin, uint8_t **blob, size_t *len)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], refs[8], *data = NULL;
	const char *argv[] = { "sc-hsm-tool", "--reader",	 reader, "--wrap-key",
			       path,	      "--key-reference", refs,	 NULL };
	const struct cli_answer answer = { "Enter User PIN", pin };
	int ret = tmp_file(dir, path, NULL, 0);

	if (ret)
		return ret;
	snprintf(refs, sizeof(refs), "%u", ref);
	ret = cli_schsm_run(argv, &answer, 1, NULL);
	if (ret == 0)
		ret = cli_read_file(path, 64u << 10, &data, len);
	if (ret == 0)
		*blob = (uint8_t *)data;
	tmp_remove(dir, path);
	return ret;
}

int cli_schsm_unwrap(const char *reader, unsigned ref, const char *pin, const uint8_t *blob,
		     size_t len)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], refs[8];
	const char *argv[] = { "sc-hsm-tool", "--reader",	 reader, "--unwrap-key",
			       path,	      "--key-reference", refs,	 NULL };
	const struct cli_answer answer = { "Enter User PIN", pin };
	int ret = tmp_file(dir, path, blob, len);

	if (ret)
		return ret;
	snprintf(refs, sizeof(refs), "%u", ref);
	ret = cli_schsm_run(argv, &answer, 1, NULL);
	tmp_remove(dir, path);
	return ret;
}
