/*
 * cac-bridge: a virtual CAC card for the tests.  libcacard emulates the card
 * over an NSS database (certificates and their private keys); this program
 * carries APDUs between it and vsmartcard's vpcd reader driver in pcscd.
 *
 *   cac-bridge NSSDB PORT NICKNAME...
 *
 * vpcd listens on 127.0.0.1:PORT; we connect.  Every message is a 2-byte
 * big-endian length and a payload.  A 1-byte payload is a control code
 * (0 power off, 1 power on, 2 reset, 4 get ATR, answered by the ATR);
 * anything else is an APDU, answered by the card's response data and SW.
 * One addition to libcacard's card: GET CHALLENGE, as real CAC cards have.
 * SIGTERM or vpcd closing the connection ends the program with status 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libcacard.h>

#define READER_NAME "kskit CAC reader"
#define MSG_MAX 65535

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
	uint8_t buf[2 + MSG_MAX];
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
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		close(fd);
		ppoll(NULL, 0, &pause, &waitmask);
	}
	return -1;
}

static char *emul_options(const char *db, int ncerts, char **certs)
{
	size_t len = strlen(db) + 64 + sizeof(READER_NAME);
	char *opts;
	int i;

	for (i = 0; i < ncerts; i++)
		len += strlen(certs[i]) + 1;
	opts = malloc(len);
	if (opts == NULL)
		return NULL;
	/* soft=(NSS slot: "" is the db's key slot, reader, type, params, certs) */
	snprintf(opts, len, "db=\"sql:%s\" use_hw=no soft=(," READER_NAME ",CAC,", db);
	for (i = 0; i < ncerts; i++) {
		strcat(opts, ",");
		strcat(opts, certs[i]);
	}
	strcat(opts, ")");
	return opts;
}

/* One vpcd message in, at most one answer out. */
static int serve(int fd, VReader *reader, uint8_t *msg, size_t len)
{
	static uint8_t resp[MSG_MAX];
	int rlen = sizeof(resp);

	if (len == 1) {
		switch (msg[0]) {
		case CTRL_OFF:
			vreader_power_off(reader);
			return 0;
		case CTRL_ON:
		case CTRL_RESET:
			vreader_power_on(reader, NULL, NULL);
			return 0;
		case CTRL_ATR:
			/* vpcd polls card presence with this: no reset here, it
			 * would drop the login and a pending GET RESPONSE. */
			vcard_emul_get_atr(NULL, resp, &rlen);
			return send_msg(fd, resp, (size_t)rlen);
		default:
			fprintf(stderr, "cac-bridge: unknown control code %u\n", msg[0]);
			return 0;
		}
	}
	/* GET CHALLENGE (00 84 00 00 Le): libcacard answers 6D00, a real CAC
	 * card answers with random bytes; take them from the kernel. */
	if (len == 5 && msg[0] == 0x00 && msg[1] == 0x84 && msg[2] == 0 && msg[3] == 0) {
		size_t n = msg[4] ? msg[4] : 256;

		if (getrandom(resp, n, 0) != (ssize_t)n)
			return -1;
		resp[n] = 0x90;
		resp[n + 1] = 0x00;
		return send_msg(fd, resp, n + 2);
	}
	/* vreader_xfr_bytes: vcard_apdu_new, vcard_process_apdu, data + SW. */
	if (vreader_xfr_bytes(reader, msg, (int)len, resp, &rlen) != VREADER_OK)
		rlen = 0;
	return send_msg(fd, resp, (size_t)rlen);
}

int main(int argc, char **argv)
{
	static uint8_t msg[MSG_MAX];
	struct sigaction sa = { .sa_handler = on_term };
	sigset_t block;
	VCardEmulOptions *options;
	VReader *reader = NULL;
	char *opts = NULL, *end;
	unsigned long port;
	int ret = 1, fd = -1, r;

	if (argc < 4) {
		fprintf(stderr, "usage: cac-bridge NSSDB PORT NICKNAME...\n");
		return 2;
	}
	port = strtoul(argv[2], &end, 10);
	if (*end != '\0' || port == 0 || port > 65535) {
		fprintf(stderr, "cac-bridge: bad port %s\n", argv[2]);
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

	/* vcard_emul_options gives NULL on a syntax error, and vcard_emul_init
	 * takes NULL for its defaults: /etc/pki/nssdb and every hardware token. */
	opts = emul_options(argv[1], argc - 3, argv + 3);
	if (opts == NULL || (options = vcard_emul_options(opts)) == NULL ||
	    vcard_emul_init(options) != VCARD_EMUL_OK) {
		fprintf(stderr, "cac-bridge: libcacard cannot use %s with those certificates\n",
			argv[1]);
		goto out;
	}
	reader = vreader_get_reader_by_name(READER_NAME);
	if (reader == NULL || vreader_card_is_present(reader) != VREADER_OK) {
		fprintf(stderr, "cac-bridge: no card in the emulated reader\n");
		goto out;
	}
	fd = connect_vpcd((unsigned)port);
	if (fd < 0) {
		if (!stop)
			fprintf(stderr, "cac-bridge: cannot connect to vpcd on 127.0.0.1:%lu\n",
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
		if (r < 0 || serve(fd, reader, msg, len) < 0) {
			perror("cac-bridge: vpcd connection");
			goto out;
		}
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (reader != NULL)
		vreader_free(reader);
	free(opts);
	return ret;
}
