/* kskit digest - the SHA-256 of files in hex and as PGP words, the form in
 * which the ceremony log records every file in and out and witnesses read
 * them aloud. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "lib/error.h"

#define DIGEST_MAX (1u << 30)

static const char usage[] =
	"usage: kskit digest FILE...\n"
	"\n"
	"For each FILE: its size, its SHA-256 in hex (groups of four bytes) and\n"
	"the same 32 bytes as PGP words (two-syllable words for even bytes,\n"
	"three-syllable for odd ones, so a word read out of place is heard), as\n"
	"kskit sign shows a request.  Files of up to 1 GiB.\n";

int cmd_digest(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, status = EXIT_OK;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(usage);
		return cli_usage(usage, "bad option");
	}
	if (optind == argc)
		return cli_usage(usage, "give at least one file");
	for (int i = optind; i < argc; i++) {
		char *data = NULL;
		size_t len = 0;
		int ret = cli_read_file(argv[i], DIGEST_MAX, &data, &len);

		if (ret == 0)
			ret = cli_print_digest(stdout, argv[i], data, len);
		if (ret)
			status = cli_fail(argv[i], ret);
		free(data);
	}
	return status;
}
