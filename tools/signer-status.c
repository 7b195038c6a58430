/* kskit signer status - how far the keybundles reach, for monitoring: read
 * from the manifest's file names, nothing decrypted. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli-bundle.h"
#include "commands.h"
#include "lib/error.h"
#include "lib/utc.h"

static const char usage[] =
	"usage: kskit signer status --manifest MANIFEST [--warn DURATION] [--now TIME]\n"
	"\n"
	"How far the keybundles of MANIFEST reach, from their file names alone\n"
	"(nothing is decrypted, no secret is needed): the one that covers now, and\n"
	"the time left until the last one ends.  Exit 1, with a warning line on\n"
	"standard error, when no keybundle covers now or less than DURATION\n"
	"(default 14d) is left: time for the next ceremony.  For monitoring, as\n"
	"Knot warns near the end of its signed key response.\n";

struct coverage {
	size_t n, current; /* current: from 1, 0 for none */
	time_t from, until, last;
	char zone[256];
};

static int read_coverage(const char *path, time_t now, struct coverage *c)
{
	struct cli_manifest m = { 0 };
	int ret = cli_manifest_read(path, &m);

	if (ret == 0)
		ret = cli_manifest_periods(path, &m);
	for (size_t i = 0; ret == 0 && i < m.n; i++) {
		const struct cli_manifest_entry *e = &m.entries[i];

		if (e->from <= now && now < e->until)
			c->current = i + 1, c->from = e->from, c->until = e->until;
		if (e->until > c->last) {
			c->last = e->until;
			snprintf(c->zone, sizeof(c->zone), "%.*s", (int)(strlen(e->name) - 33),
				 e->name);
		}
	}
	c->n = m.n;
	cli_manifest_free(&m);
	return ret;
}

int cmd_signer_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "manifest", required_argument, NULL, 'M' },
		{ "warn", required_argument, NULL, 'w' },
		{ "now", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct coverage c = { 0 };
	const char *manifest = NULL;
	unsigned long warn = 14 * 86400;
	time_t now = 0;
	char a[32], b[32];
	int ch, ret;

	while ((ch = getopt_long(argc, argv, "M:w:n:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'M':
			manifest = optarg;
			break;
		case 'w':
			if (cli_duration(optarg, 3660UL * 86400, &warn) != 0)
				return cli_usage(usage, "bad duration \"%s\"", optarg);
			break;
		case 'n':
			if (kskit_utc_parse(optarg, &now) != 0)
				return cli_usage(usage, "--now: not a time");
			break;
		case 'h':
			return cli_help(usage);
		default:
			return cli_usage(usage, "bad option");
		}
	}
	if (optind != argc || !manifest)
		return cli_usage(usage, "give --manifest");
	if (!now)
		now = time(NULL);
	ret = read_coverage(manifest, now, &c);
	if (ret)
		return cli_fail(NULL, ret);
	kskit_utc_format(c.last, KSKIT_UTC_ISO, b, sizeof(b));
	if (c.current) {
		kskit_utc_format(c.from, KSKIT_UTC_ISO, a, sizeof(a));
		printf("%s: keybundle %zu of %zu covers now (%s to ", c.zone, c.current, c.n, a);
		kskit_utc_format(c.until, KSKIT_UTC_ISO, a, sizeof(a));
		printf("%s)\n", a);
	} else {
		printf("%s: no keybundle of %zu covers now\n", c.zone, c.n);
	}
	printf("keybundles until %s: %lld days %lld hours left\n", b,
	       c.last > now ? (long long)(c.last - now) / 86400 : 0,
	       c.last > now ? (long long)(c.last - now) % 86400 / 3600 : 0);
	if (!c.current) {
		fprintf(stderr, "%s: WARNING: no keybundle covers now\n", cli_name);
		return EXIT_FAIL;
	}
	if (c.last - now < (time_t)warn) {
		fprintf(stderr,
			"%s: WARNING: the keybundles end in less than %lu days: time for "
			"the next ceremony\n",
			cli_name, warn / 86400);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
