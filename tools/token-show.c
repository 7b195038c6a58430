/* kskit token show - every object on a token: the seeds' cardshow. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "describe.h"
#include "lib/error.h"
#include "lib/object.h"

static const char usage[] =
	"usage: kskit token show [--no-login] [--module PATH] URI\n"
	"\n"
	"Show every object on the token (or those the URI's object=, id=, type=\n"
	"select): class, key type and size or curve, label, id, CKA_SENSITIVE,\n"
	"EXTRACTABLE, LOCAL, ALWAYS_SENSITIVE, NEVER_EXTRACTABLE, and for each\n"
	"key pair its DNSKEY key tag as KSK and as ZSK.  Logs in (KSKIT_PIN,\n"
	"pin-source, or a prompt) unless --no-login: then private objects stay\n"
	"hidden.\n";

int cmd_token_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-login", no_argument, NULL, 'n' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *module = NULL;
	struct cli_token ct;
	CK_OBJECT_HANDLE *objs = NULL;
	CK_ATTRIBUTE *tmpl;
	CK_ULONG n_tmpl = 0;
	size_t n = 0;
	int c, login = 1, status, ret;

	while ((c = getopt_long(argc, argv, "nm:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			login = 0;
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
		return cli_usage(usage, "give exactly one token URI");
	status = cli_open(argv[optind], module, 0, &ct);
	if (status)
		return status;
	if (login && (kskit_token_info(ct.tok)->flags & CKF_LOGIN_REQUIRED)) {
		status = cli_login(&ct, CKU_USER);
		if (status)
			goto out;
	}
	tmpl = p11_kit_uri_get_attributes(kskit_sel_uri(ct.sel), &n_tmpl);
	ret = kskit_objects_find(ct.tok, tmpl, n_tmpl, &objs, &n);
	if (ret) {
		status = cli_fail(NULL, ret);
		goto out;
	}
	printf("token \"%s\": %zu object%s\n", kskit_token_label(ct.tok), n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		describe_object(stdout, ct.tok, objs[i]);
out:
	free(objs);
	cli_close(&ct);
	return status;
}
