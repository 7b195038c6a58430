/*
 * sc-hsm-emu: a software SmartCard-HSM in one vpcd reader slot.
 *
 *   sc-hsm-emu --state FILE --port PORT [--serial SERIAL] [--delay MS] [--verbose]
 *
 * vpcd (pcscd's virtual reader) listens on 127.0.0.1:PORT; we connect.
 * Every message is a 2-byte big-endian length and a payload.  A 1-byte
 * payload is a control code (0 power off, 1 power on, 2 reset, 4 get ATR,
 * answered by the ATR); anything else is an APDU, answered by the
 * response data and SW.  FILE holds the card (created, with a new device
 * key and SERIAL or a random serial, when missing).  --delay answers each
 * APDU MS milliseconds late, as slow as a real card.  SIGTERM or vpcd
 * closing the connection ends the program with status 0: the card is pulled.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sc-hsm-emu.h"

#define MSG_MAX 65535

/* The SmartCard-HSM's standard ATR (OpenSC's sc_hsm_atrs). */
static const uint8_t ATR[] = { 0x3B, 0xFE, 0x18, 0x00, 0x00, 0x81, 0x31, 0xFE,
			       0x45, 0x80, 0x31, 0x81, 0x54, 0x48, 0x53, 0x4D,
			       0x31, 0x73, 0x80, 0x21, 0x40, 0x81, 0x07, 0xFA };

enum { CTRL_OFF = 0, CTRL_ON = 1, CTRL_RESET = 2, CTRL_ATR = 4 };

static volatile sig_atomic_t stop;
/* SIGTERM and SIGINT stay blocked except while we wait in ppoll. */
static sigset_t waitmask;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* 0 on success, 1 on a clean end (EOF or SIGTERM), -1 on error. */
static int read_full(int fd, uint8_t *buf, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;

	while (got < len) {
		ssize_t n;

		if (ppoll(&pfd, 1, NULL, &waitmask) < 0) {
			if (errno != EINTR)
				return -1;
			if (stop)
				return 1;
			continue;
		}
		/* vpcd writes a length and its payload separately: without an
		 * immediate ACK, Nagle holds the payload back ~40 ms each time. */
		setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &(int){ 1 }, sizeof(int));
		n = read(fd, buf + got, len - got);
		if (n == 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -1;
		if (n > 0)
			got += (size_t)n;
	}
	return 0;
}

static int send_msg(int fd, const uint8_t *data, size_t len)
{
	static uint8_t buf[2 + MSG_MAX];
	size_t off = 0;

	if (len > MSG_MAX)
		return -1;
	buf[0] = (uint8_t)(len >> 8);
	buf[1] = (uint8_t)len;
	memcpy(buf + 2, data, len);
	len += 2;
	while (off < len) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* vpcd opens its port when pcscd loads the driver: retry for a while. */
static int connect_vpcd(unsigned port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	int tries;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (tries = 0; tries < 100 && !stop; tries++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
			return fd;
		}
		close(fd);
		ppoll(NULL, 0, &pause, &waitmask);
	}
	return -1;
}

static void delay(unsigned ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (ms > 0 && !stop && nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* One vpcd message in, at most one answer out. */
static int serve(int fd, struct card *c, const uint8_t *msg, size_t len, unsigned delay_ms)
{
	static uint8_t rsp[MSG_MAX + 3];

	if (len == 1) {
		switch (msg[0]) {
		case CTRL_OFF:
		case CTRL_ON:
		case CTRL_RESET:
			card_reset(c);
			return 0;
		case CTRL_ATR:
			/* vpcd polls card presence with this: no reset here. */
			return send_msg(fd, ATR, sizeof(ATR));
		default:
			fprintf(stderr, "sc-hsm-emu: unknown control code %u\n", msg[0]);
			return 0;
		}
	}
	delay(delay_ms);
	return send_msg(fd, rsp, card_process(c, msg, len, rsp));
}

static int number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return *s != '\0' && *end == '\0' && errno == 0 && *out <= max ? 0 : -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: sc-hsm-emu --state FILE --port PORT [--serial SERIAL] "
			"[--delay MS] [--verbose]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "serial", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	static uint8_t msg[MSG_MAX];
	struct sigaction sa = { .sa_handler = on_term };
	struct card card = { 0 };
	const char *state = NULL, *serial = NULL;
	unsigned long port = 0, delay_ms = 0;
	sigset_t block;
	int ret = 1, fd = -1, r, opt, verbose = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			state = optarg;
			break;
		case 'p':
			if (number(optarg, 65535, &port) < 0 || port == 0) {
				fprintf(stderr, "sc-hsm-emu: bad port %s\n", optarg);
				return 2;
			}
			break;
		case 'n':
			serial = optarg;
			break;
		case 'd':
			if (number(optarg, 60000, &delay_ms) < 0) {
				fprintf(stderr, "sc-hsm-emu: bad delay %s\n", optarg);
				return 2;
			}
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (state == NULL || port == 0 || optind != argc) {
		usage();
		return 2;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &waitmask);

	if (card_load(&card, state, serial) < 0)
		goto out;
	card.verbose = verbose;
	fd = connect_vpcd((unsigned)port);
	if (fd < 0) {
		if (!stop)
			fprintf(stderr, "sc-hsm-emu: cannot connect to vpcd on 127.0.0.1:%lu\n",
				port);
		ret = stop ? 0 : 1;
		goto out;
	}
	for (;;) {
		size_t len = 0;

		r = read_full(fd, msg, 2);
		if (r == 0) {
			len = (size_t)msg[0] << 8 | msg[1];
			r = read_full(fd, msg, len);
		}
		if (r == 1)
			break;
		if (r < 0 || serve(fd, &card, msg, len, (unsigned)delay_ms) < 0) {
			perror("sc-hsm-emu: vpcd connection");
			goto out;
		}
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	card_free(&card);
	return ret;
}
