/* kskit rng - the RNG pump: the seeds' cardrng and pkcs11-backup -r.
 * Random bytes from a token's C_GenerateRandom, health-tested, into the
 * kernel or to a file. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "lib/error.h"
#include "lib/health.h"
#include "lib/outfile.h"

#include "lib/rng.h"
#include "lib/secret.h"

static const char usage[] =
	"usage: kskit rng [--bytes N] [--loop [--interval SEC]] [--output FILE|-]\n"
	"                 [--entropy BITS] [--device PATH] [--module PATH] URI\n"
	"\n"
	"Read N bytes (default 512) from the token's C_GenerateRandom and mix\n"
	"them into the kernel (RNDADDENTROPY crediting BITS per byte, default 2,\n"
	"then RNDRESEEDCRNG; needs root), or write them to FILE (a new file,\n"
	"mode 0600, that appears only when complete; - for stdout, e.g. into\n"
	"rngtest).  --loop repeats every SEC seconds (default 60 into\n"
	"the kernel, none to a file) until interrupted.\n"
	"\n"
	"Every byte passes the SP 800-90B continuous health tests (repetition\n"
	"count, adaptive proportion) with cutoffs for BITS of min-entropy per\n"
	"byte; the first 1024 bytes are tested and discarded.  A failing source\n"
	"stops the pump with an error: nothing of the failing block is used.\n"
	"\n"
	"On Linux 5.18 and later the kernel has no entropy pool to keep full:\n"
	"the bytes are hashed into its input pool and the reseed makes the CRNG\n"
	"use them at once.  That adds the token's randomness to the kernel's;\n"
	"it cannot make the kernel's output weaker, nor is it needed to unblock\n"
	"/dev/random once the CRNG is initialised.\n";

struct rng_opts {
	unsigned long bytes;
	unsigned long interval;
	int interval_set;
	int loop;
	const char *output;
	double entropy;
	const char *device;
	const char *module;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void pause_for(unsigned long seconds)
{
	struct timespec ts = { (time_t)seconds, 0 };

	while (!stop && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int pump(struct cli_token *ct, const struct rng_opts *o, int fd)
{
	struct kskit_health h;
	uint8_t *buf;
	unsigned long rounds = 0;
	unsigned credit = (unsigned)(o->entropy * (double)o->bytes);
	int ret;

	buf = kskit_secret_alloc(o->bytes > KSKIT_HEALTH_STARTUP ? o->bytes : KSKIT_HEALTH_STARTUP);
	if (!buf)
		return KSKIT_ENOMEM;
	ret = kskit_health_init(&h, o->entropy);
	if (ret == 0)
		ret = cli_random(ct, buf, KSKIT_HEALTH_STARTUP);
	if (ret == 0)
		ret = kskit_health_feed(&h, buf, KSKIT_HEALTH_STARTUP);
	while (ret == 0 && !stop) {
		ret = cli_random(ct, buf, o->bytes);
		if (ret == 0)
			ret = kskit_health_feed(&h, buf, o->bytes);
		if (ret)
			break;
		if (fd >= 0) {
			ret = kskit_write_all(fd, buf, o->bytes);
			if (ret == 1) {
				ret = 0; /* the reader went away: done */
				break;
			}
		} else {
			ret = kskit_kernel_add_entropy(o->device, buf, o->bytes, credit);
			if (ret == 0)
				printf("mixed %lu bytes into the kernel (credited %u bits), reseeded\n",
				       o->bytes, credit);
			fflush(stdout);
		}
		rounds++;
		if (!o->loop)
			break;
		if (o->interval)
			pause_for(o->interval);
	}
	kskit_secret_free(buf);
	if (ret == 0 && !o->loop && rounds == 0)
		ret = KSKIT_EINTERRUPTED;
	if (ret == 0 && fd < 0 && o->loop)
		printf("stopped after %lu rounds\n", rounds);
	return ret;
}

static int parse(int argc, char **argv, struct rng_opts *o)
{
	static const struct option opts[] = {
		{ "bytes", required_argument, NULL, 'b' },
		{ "loop", no_argument, NULL, 'l' },
		{ "interval", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "entropy", required_argument, NULL, 'e' },
		{ "device", required_argument, NULL, 'd' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	while ((c = getopt_long(argc, argv, "b:li:o:e:d:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (cli_number(optarg, 1, 1 << 20, &o->bytes))
				return cli_usage(usage, "--bytes: 1 to 1048576");
			break;
		case 'l':
			o->loop = 1;
			break;
		case 'i':
			if (cli_number(optarg, 0, 86400, &o->interval))
				return cli_usage(usage, "--interval: 0 to 86400 seconds");
			o->interval_set = 1;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'e':
			if (cli_number(optarg, 1, 8, &v))
				return cli_usage(usage, "--entropy: 1 to 8 bits per byte");
			o->entropy = (double)v;
			break;
		case 'd':
			o->device = optarg;
			break;
		case 'm':
			o->module = optarg;
			break;
		case 'h':
			cli_help(usage);
			return -1;
		default:
			return cli_usage(usage, "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage(usage, "give exactly one token URI");
	if (o->interval_set && !o->loop)
		return cli_usage(usage, "--interval needs --loop");
	if (!o->interval_set)
		o->interval = o->output ? 0 : 60;
	return EXIT_OK;
}

int cmd_rng(int argc, char **argv)
{
	struct rng_opts o = { .bytes = 512, .entropy = 2.0, .device = "/dev/random" };
	struct sigaction sa = { .sa_handler = on_signal };
	struct kskit_outfile *out = NULL;
	struct cli_token ct;
	int status, ret = 0, fd = -1;

	status = parse(argc, argv, &o);
	if (status)
		return status < 0 ? EXIT_OK : status;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	status = cli_open(argv[optind], o.module, 0, &ct);
	if (status)
		return status;
	/* Random bytes may become key material: a new file, 0600, complete or
	 * not there at all, never over an existing one. */
	if (o.output && strcmp(o.output, "-") == 0)
		fd = STDOUT_FILENO;
	else if (o.output && (ret = kskit_outfile_open(o.output, KSKIT_OUT_NO_REPLACE, &out)) == 0)
		fd = kskit_outfile_fd(out);
	if (ret == 0)
		ret = pump(&ct, &o, fd);
	if (ret == 0 && out) {
		ret = kskit_outfile_commit(out);
		out = NULL;
	}
	kskit_outfile_abort(out);
	cli_close(&ct);
	if (ret == KSKIT_ECANCELED)
		return EXIT_FAIL; /* a failed login, said already */
	return ret ? cli_fail(NULL, ret) : EXIT_OK;
}
