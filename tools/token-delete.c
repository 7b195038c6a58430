/* kskit token delete - delete one object: the seeds' carddel. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "describe.h"
#include "lib/error.h"
#include "lib/keygen.h"
#include "lib/object.h"

static const char usage[] =
	"usage: kskit token delete [--yes] [--module PATH] URI\n"
	"\n"
	"Delete the one object the URI selects (object=, id=, type=; a key pair\n"
	"is two objects: give type=private or type=public).  The object is shown\n"
	"and \"delete\" must be typed on the terminal; --yes skips that, for\n"
	"scripts.\n";

int cmd_token_delete(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *module = NULL;
	struct cli_token ct;
	CK_OBJECT_HANDLE obj;
	int c, yes = 0, status, ret;

	while ((c = getopt_long(argc, argv, "ym:h", opts, NULL)) != -1) {
		switch (c) {
		case 'y':
			yes = 1;
			break;
		case 'm':
			module = optarg;
			break;
		case 'h':
			return cli_help(usage);
		default:
			return cli_usage(usage, "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage(usage, "give exactly one object URI");
	status = cli_open(argv[optind], module, KSKIT_TOKEN_RW, &ct);
	if (status)
		return status;
	if (!kskit_sel_names_object(ct.sel)) {
		cli_close(&ct);
		return cli_usage(usage, "the URI names no object (object=, id= or type=)");
	}
	if (kskit_token_info(ct.tok)->flags & CKF_LOGIN_REQUIRED) {
		status = cli_login(&ct, CKU_USER);
		if (status)
			goto out;
	}
	ret = kskit_object_find_one(ct.tok, ct.sel, &obj);
	if (ret) {
		status = cli_fail(NULL, ret);
		goto out;
	}
	describe_object(stdout, ct.tok, obj);
	fflush(stdout);
	if (!yes && (ret = cli_confirm("Type \"delete\" to delete this object: ", "delete")) != 0) {
		status = cli_fail(NULL, ret);
		goto out;
	}
	ret = kskit_object_destroy(ct.tok, obj);
	if (ret)
		status = cli_fail(NULL, ret);
	else
		printf("deleted\n");
out:
	cli_close(&ct);
	return status;
}
