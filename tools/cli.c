#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "lib/error.h"
#include "lib/rng.h"
#include "lib/secret.h"

#define PIN_MAX 256

const char *cli_name = "kskit";

/* One line: "kskit CMD: what: message (detail); note". */
static int fail_with(const char *what, int code, const char *note)
{
	const char *detail = kskit_error_detail(code);

	fprintf(stderr, "%s: %s%s%s", cli_name, what ? what : "", what ? ": " : "",
		kskit_strerror(code));
	if (detail && *detail)
		fprintf(stderr, " (%s)", detail);
	if (note)
		fprintf(stderr, "; %s", note);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

int cli_fail(const char *what, int code)
{
	return fail_with(what, code, NULL);
}

int cli_usage(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return EXIT_USAGE;
}

int cli_help(const char *usage)
{
	fputs(usage, stdout);
	return EXIT_OK;
}

int cli_number(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int cli_open(const char *uri, const char *module, unsigned flags, struct cli_token *ct)
{
	int ret;

	*ct = (struct cli_token){ 0 };
	ret = kskit_sel_parse(uri, module, &ct->sel);
	if (ret == KSKIT_EINVAL) {
		fprintf(stderr, "%s: %s\n", cli_name, kskit_error_detail(ret));
		return EXIT_USAGE;
	}
	if (ret == 0)
		ret = kskit_p11_load(ct->sel, &ct->p11);
	if (ret == 0)
		ret = kskit_token_open(ct->p11, ct->sel, flags, &ct->tok);
	if (ret) {
		cli_fail(NULL, ret); /* not the URI: it may carry a pin-value */
		cli_close(ct);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

void cli_close(struct cli_token *ct)
{
	kskit_token_close(ct->tok);
	kskit_p11_free(ct->p11);
	kskit_sel_free(ct->sel);
	*ct = (struct cli_token){ 0 };
}

static volatile sig_atomic_t tty_interrupted;

static void on_tty_signal(int sig)
{
	(void)sig;
	tty_interrupted = 1;
}

/* Read a line; Ctrl-C, SIGTERM or SIGHUP while waiting cancel the read
 * (the terminal's echo is restored first), they do not kill the process
 * with echo off nor get swallowed. */
static int tty_read(int fd, const char *prompt, int echo, char *buf, size_t size)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_tty_signal }, saved[3];
	struct termios old, quiet;
	size_t n = 0;
	int restore = 0, ret = 0;
	char c;

	tty_interrupted = 0;
	for (size_t i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &saved[i]);

	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		if (!echo)
			quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (write(fd, prompt, strlen(prompt)) < 0)
		ret = KSKIT_EIO;
	while (ret == 0) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t r;

		/* A signal that comes before read() would not interrupt it:
		 * look at the flag between short waits. */
		while (!tty_interrupted && poll(&pfd, 1, 100) == 0)
			;
		r = tty_interrupted ? -1 : read(fd, &c, 1);
		if (tty_interrupted) {
			ret = KSKIT_EINTERRUPTED;
			break;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ret = n ? 0 : KSKIT_ECANCELED;
			break;
		}
		if (c == '\n' || c == '\r')
			break;
		if (n + 1 >= size) {
			ret = KSKIT_EINVAL;
			break;
		}
		buf[n++] = c;
	}
	buf[n] = '\0';
	explicit_bzero(&c, sizeof(c));
	if (restore)
		(void)tcsetattr(fd, TCSAFLUSH, &old);
	if (!echo && write(fd, "\n", 1) < 0 && ret == 0)
		ret = KSKIT_EIO;
	for (size_t i = 0; i < 3; i++)
		sigaction(sigs[i], &saved[i], NULL);
	return ret;
}

static int tty_line(const char *prompt, int echo, char **out)
{
	char *buf = kskit_secret_alloc(PIN_MAX);
	int fd, ret;

	if (!buf)
		return KSKIT_ENOMEM;
	/* what stdout holds (a table to confirm) is seen before the prompt */
	fflush(stdout);
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		kskit_secret_free(buf);
		return KSKIT_ENO_PIN;
	}
	ret = tty_read(fd, prompt, echo, buf, PIN_MAX);
	close(fd);
	if (ret) {
		kskit_secret_free(buf);
		return ret;
	}
	*out = buf;
	return 0;
}

int cli_read_secret(const char *prompt, char **out)
{
	return tty_line(prompt, 0, out);
}

static int secret_dup(const char *s, size_t len, char **out)
{
	char *buf = kskit_secret_alloc(len);

	if (!buf)
		return KSKIT_ENOMEM;
	memcpy(buf, s, len);
	*out = buf;
	return 0;
}

/* pin-source: "file:PATH" or an absolute path; the first line is the PIN. */
static int pin_from_source(const char *source, char **pin)
{
	const char *path = strncmp(source, "file:", 5) == 0 ? source + 5 : source;
	char *buf;
	size_t n = 0;
	ssize_t r;
	int fd, ret = 0;

	if (path[0] != '/')
		return kskit_error_set(KSKIT_EPIN_SOURCE, "pin-source must be file:/absolute/path");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return kskit_error_set(KSKIT_EPIN_SOURCE, "%s: %s", path, strerror(errno));
	buf = kskit_secret_alloc(PIN_MAX);
	if (!buf) {
		close(fd);
		return KSKIT_ENOMEM;
	}
	while (n < PIN_MAX && (r = read(fd, buf + n, PIN_MAX - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = kskit_error_set(KSKIT_EPIN_SOURCE, "%s: %s", path, strerror(errno));
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	buf[n < PIN_MAX ? n : PIN_MAX] = '\0';
	if (ret == 0 && strcspn(buf, "\r\n") >= PIN_MAX)
		ret = kskit_error_set(KSKIT_EPIN_SOURCE, "%s: no PIN line of under %d bytes", path,
				      PIN_MAX);
	buf[strcspn(buf, "\r\n")] = '\0';
	if (ret == 0 && buf[0] == '\0')
		ret = kskit_error_set(KSKIT_EPIN_SOURCE, "%s: empty", path);
	if (ret) {
		kskit_secret_free(buf);
		return ret;
	}
	*pin = buf;
	return 0;
}

int cli_get_pin(const char *what, const char *pin_source, const char *env, int confirm, char **pin)
{
	char prompt[128], *a = NULL, *b = NULL;
	const char *e;
	int ret;

	if (pin_source)
		return pin_from_source(pin_source, pin);
	e = env ? getenv(env) : NULL;
	if (e && *e)
		return secret_dup(e, strlen(e), pin);
	snprintf(prompt, sizeof(prompt), "%s: ", what);
	ret = cli_read_secret(prompt, &a);
	if (ret == 0 && confirm) {
		snprintf(prompt, sizeof(prompt), "%s again: ", what);
		ret = cli_read_secret(prompt, &b);
		if (ret == 0 && strcmp(a, b) != 0)
			ret = kskit_error_set(KSKIT_ECANCELED, "the two entries differ");
	}
	kskit_secret_free(b);
	if (ret) {
		kskit_secret_free(a);
		return ret;
	}
	*pin = a;
	return 0;
}

/* What the token's PIN flags say after a failed login. */
static const char *pin_state(const CK_TOKEN_INFO *ti, CK_USER_TYPE who)
{
	CK_FLAGS low = who == CKU_SO ? CKF_SO_PIN_COUNT_LOW : CKF_USER_PIN_COUNT_LOW;
	CK_FLAGS last = who == CKU_SO ? CKF_SO_PIN_FINAL_TRY : CKF_USER_PIN_FINAL_TRY;
	CK_FLAGS locked = who == CKU_SO ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED;

	if (ti->flags & locked)
		return "the token now reports the PIN locked";
	if (ti->flags & last)
		return "the token reports one try left before the PIN locks";
	if (ti->flags & low)
		return "the token reports few tries left (PIN count low)";
	return NULL;
}

int cli_login_keep(struct cli_token *ct, CK_USER_TYPE who, char **kept)
{
	const CK_TOKEN_INFO *ti = kskit_token_info(ct->tok);
	char *pin = NULL;
	int ret;

	if (who == CKU_USER && (ti->flags & CKF_USER_PIN_LOCKED))
		return cli_fail(kskit_token_label(ct->tok), KSKIT_EPIN_LOCKED);
	if (!(ti->flags & CKF_PROTECTED_AUTHENTICATION_PATH)) {
		ret = who == CKU_SO ? cli_get_pin("SO PIN", NULL, "KSKIT_SO_PIN", 0, &pin)
				    : cli_get_pin("User PIN", kskit_sel_pin_source(ct->sel),
						  "KSKIT_PIN", 0, &pin);
		if (ret)
			return cli_fail(NULL, ret);
	}
	ret = kskit_token_login(ct->tok, who, pin, pin ? strlen(pin) : 0);
	if (ret == 0 && kept && pin) {
		*kept = pin;
		pin = NULL;
	}
	kskit_secret_free(pin);
	if (ret)
		return fail_with(kskit_token_label(ct->tok), ret,
				 ret == KSKIT_EPIN_INCORRECT || ret == KSKIT_EPIN_LOCKED
					 ? pin_state(kskit_token_info(ct->tok), who)
					 : NULL);
	return EXIT_OK;
}

int cli_login(struct cli_token *ct, CK_USER_TYPE who)
{
	return cli_login_keep(ct, who, NULL);
}

int cli_confirm(const char *question, const char *expected)
{
	char *answer = NULL;
	int ret;

	ret = tty_line(question, 1, &answer);
	if (ret == KSKIT_ENO_PIN)
		return kskit_error_set(KSKIT_ECANCELED, "no terminal to confirm on; use --yes");
	if (ret == 0 && strcmp(answer, expected) != 0)
		ret = kskit_error_set(KSKIT_ECANCELED, "typed text does not match");
	kskit_secret_free(answer);
	return ret;
}

int cli_random(struct cli_token *ct, uint8_t *buf, size_t n)
{
	int ret = kskit_token_random(ct->tok, buf, n);

	if (ret == KSKIT_ELOGIN_REQUIRED) {
		if (cli_login(ct, CKU_USER) != EXIT_OK)
			return KSKIT_ECANCELED;
		ret = kskit_token_random(ct->tok, buf, n);
	}
	return ret;
}

int cli_pem_passphrase(char *buf, int size, int rwflag, void *arg)
{
	const char *path = arg;
	char what[300], *pass = NULL;
	size_t len;

	(void)rwflag;
	snprintf(what, sizeof(what), "Passphrase for %s", path);
	if (cli_get_pin(what, NULL, "KSKIT_KEY_PASSPHRASE", 0, &pass) != 0)
		return -1;
	len = strlen(pass);
	if (len >= (size_t)size) {
		kskit_secret_free(pass);
		return -1;
	}
	memcpy(buf, pass, len);
	kskit_secret_free(pass);
	return (int)len;
}
