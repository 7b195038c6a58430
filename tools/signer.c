/* kskit signer - the online signer: an unsigned zone signed with the keys
 * of the current period, from a keybundle (model A: only the bundle that
 * covers now is decrypted) or from a Signed Key Response and the ZSK files
 * (model B; signer-keys.c), written atomically, then the name server told
 * to reload. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli-bundle.h"
#include "commands.h"
#include "signer.h"
#include "lib/error.h"
#include "lib/keybundle.h"
#include "lib/outfile.h"
#include "lib/sign.h"
#include "lib/sigcache.h"
#include "lib/utc.h"
#include "lib/zone.h"
#include "lib/zonesign.h"

extern char **environ;

static const char usage[] =
	"usage: kskit signer --zone ZONE --input UNSIGNED --output SIGNED\n"
	"         (--manifest MANIFEST [--key KEY [--cert CERT] | --passphrase-file F]\n"
	"          | --skr SKR (--zsk KEY... | --token URI [--module PATH]))\n"
	"         [--ksk ANCHOR] [--nsec3 [--opt-out] [--nsec3-iterations N]\n"
	"         [--salt HEX]] [--serial keep|increment|unixtime] [--validity D]\n"
	"         [--jitter D] [--backdate D] [--refresh D] [--full] [--threads N]\n"
	"         [--warn D] [--now TIME] [--reload COMMAND] [--daemon [--poll SECONDS]]\n"
	"\n"
	"Sign the zone file UNSIGNED for ZONE with the keys of the period that\n"
	"covers now, and write the signed zone to SIGNED atomically: the old file\n"
	"stays whole until the new one replaces it.  DNSSEC records in UNSIGNED\n"
	"are dropped; the DNSKEY RRset, CDS and CDNSKEY and their signatures are\n"
	"the ceremony's.\n"
	"\n"
	"Model A: MANIFEST is kskit bundle seal's; only the keybundle whose period\n"
	"covers now is decrypted (its SHA-256 checked against the manifest), with\n"
	"KEY and CERT or the passphrase (F's first line, KSKIT_BUNDLE_PASSPHRASE\n"
	"or the terminal).  Model B: the bundle of the Signed Key Response SKR\n"
	"that covers now, and the ZSKs' private keys.  Either way the DNSKEY\n"
	"RRset's signatures are verified first (by ANCHOR's KSK, a DS or DNSKEY\n"
	"file, if given).  With --token the ZSKs stay on the token URI (a TPM,\n"
	"smartcard or HSM; PIN from pin-source, KSKIT_PIN or the prompt), found by\n"
	"their public keys; every signature the token makes is verified in\n"
	"software before it is written.\n"
	"\n"
	"Denial of existence: NSEC, or NSEC3 (RFC 9276: SHA-1, 0 extra iterations,\n"
	"no salt unless asked; --opt-out leaves unsigned delegations out).\n"
	"Signatures are valid from now - backdate (1h) to now + validity (14d)\n"
	"less a random part of jitter (1d), so that re-signing spreads.  The SOA\n"
	"serial is kept, incremented (default) or set to unix time.\n"
	"\n"
	"Signing is incremental: a signature already in SIGNED is kept when it\n"
	"verifies over the RRset as it is now, is by a ZSK of the period and has\n"
	"more than --refresh (default: half the validity) left; only the others\n"
	"are made (--full: all of them).  --threads threads sign (default: one a\n"
	"CPU); a token makes one signature at a time.\n"
	"\n"
	"After the zone is written, COMMAND (sh -c) reloads the name server (knotc\n"
	"zone-reload ZONE, nsd-control reload, rndc reload); if it fails, kskit\n"
	"says so and exits 1, the signed zone written.  When the keybundles or the\n"
	"response reach less than --warn (14d) beyond now, a WARNING line says it\n"
	"is time for the next ceremony; kskit signer status says how far the\n"
	"keybundles reach, for monitoring.\n"
	"\n"
	"--daemon keeps the zone signed (the demo DVD's signemd): it signs at once\n"
	"(and exits 1 if that fails), then again when the zone file changes\n"
	"(looked at every --poll seconds, default 60), on SIGHUP, when the first\n"
	"signature reaches its refresh point, and when the period ends:\n"
	"then, and only then, the next keybundle is decrypted.  The serial always\n"
	"moves past the one published.  A failure is logged and the last signed\n"
	"zone stays; SIGTERM or SIGINT stops it.\n";

static int parse_salt(const char *hex, struct kskit_nsec3 *p)
{
	size_t n = strlen(hex);

	if (strcmp(hex, "-") == 0)
		return 0;
	if (n % 2 || n > 2 * sizeof(p->salt))
		return -1;
	for (size_t i = 0; i < n / 2; i++)
		if (sscanf(hex + 2 * i, "%2hhx", &p->salt[i]) != 1 ||
		    !strchr("0123456789abcdefABCDEF", hex[2 * i + 1]))
			return -1;
	p->salt_len = (uint8_t)(n / 2);
	return 0;
}

static int parse(int argc, char **argv, struct signer_opts *o)
{
	static const struct option opts[] = {
		{ "zone", required_argument, NULL, 'z' },
		{ "input", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "manifest", required_argument, NULL, 'M' },
		{ "key", required_argument, NULL, 'K' },
		{ "cert", required_argument, NULL, 'C' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "skr", required_argument, NULL, 's' },
		{ "zsk", required_argument, NULL, 'Z' },
		{ "ksk", required_argument, NULL, 'k' },
		{ "nsec3", no_argument, NULL, '3' },
		{ "opt-out", no_argument, NULL, 'O' },
		{ "nsec3-iterations", required_argument, NULL, 'I' },
		{ "salt", required_argument, NULL, 'S' },
		{ "serial", required_argument, NULL, 'e' },
		{ "validity", required_argument, NULL, 'V' },
		{ "jitter", required_argument, NULL, 'J' },
		{ "backdate", required_argument, NULL, 'B' },
		{ "now", required_argument, NULL, 'n' },
		{ "reload", required_argument, NULL, 'r' },
		{ "daemon", no_argument, NULL, 'd' },
		{ "poll", required_argument, NULL, 'p' },
		{ "refresh", required_argument, NULL, 'R' },
		{ "warn", required_argument, NULL, 'W' },
		{ "full", no_argument, NULL, 'F' },
		{ "threads", required_argument, NULL, 't' },
		{ "token", required_argument, NULL, 'T' },
		{ "module", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kskit_zonesign *p = &o->sign;
	unsigned long v;
	int c, ret;

	while ((c = getopt_long(argc, argv, "z:i:o:M:K:C:P:s:Z:k:3OI:S:e:V:J:B:n:r:dp:R:W:Ft:T:m:h",
				opts, NULL)) != -1) {
		switch (c) {
		case 'z':
			o->zone = optarg;
			break;
		case 'i':
			o->input = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'M':
			o->manifest = optarg;
			break;
		case 's':
			o->skr = optarg;
			break;
		case 'Z':
			if (o->n_zsk == MAX_KEYS)
				return cli_usage(usage, "at most %d ZSKs", MAX_KEYS);
			o->zsk[o->n_zsk++] = optarg;
			break;
		case 'k':
			o->anchor = optarg;
			break;
		case '3':
			p->nsec3.on = 1;
			break;
		case 'O':
			p->nsec3.opt_out = 1;
			break;
		case 'I':
			if (cli_number(optarg, 0, 100, &v) != 0)
				return cli_usage(usage,
						 "--nsec3-iterations: 0 to 100 (RFC 9276: 0)");
			p->nsec3.iterations = (uint16_t)v;
			break;
		case 'S':
			if (parse_salt(optarg, &p->nsec3) != 0)
				return cli_usage(usage, "--salt: hexadecimal, at most 255 bytes");
			break;
		case 'e':
			if (strcmp(optarg, "keep") == 0)
				p->serial = KSKIT_SERIAL_KEEP;
			else if (strcmp(optarg, "increment") == 0)
				p->serial = KSKIT_SERIAL_INCREMENT;
			else if (strcmp(optarg, "unixtime") == 0)
				p->serial = KSKIT_SERIAL_UNIXTIME;
			else
				return cli_usage(usage, "--serial: keep, increment or unixtime");
			break;
		case 'V':
		case 'J':
		case 'B':
			if (cli_duration(optarg, 366UL * 86400, &v) != 0 || (c == 'V' && v < 3600))
				return cli_usage(usage, "bad duration \"%s\"", optarg);
			*(c == 'V'   ? &p->validity
			  : c == 'J' ? &p->jitter
				     : &p->backdate) = (uint32_t)v;
			break;
		case 'n':
			if (kskit_utc_parse(optarg, &p->now) != 0)
				return cli_usage(usage, "--now: not a time");
			break;
		case 'r':
			o->reload = optarg;
			break;
		case 'd':
			o->daemon = 1;
			break;
		case 'p':
			if (cli_number(optarg, 1, 3600, &o->poll) != 0)
				return cli_usage(usage, "--poll: 1 to 3600 seconds");
			break;
		case 'R':
			if (cli_duration(optarg, 366UL * 86400, &v) != 0 || v == 0)
				return cli_usage(usage, "bad duration \"%s\"", optarg);
			p->refresh = (uint32_t)v;
			break;
		case 'W':
			if (cli_duration(optarg, 3660UL * 86400, &o->warn) != 0)
				return cli_usage(usage, "bad duration \"%s\"", optarg);
			break;
		case 'F':
			o->full = 1;
			break;
		case 't':
			if (cli_number(optarg, 1, 64, &v) != 0)
				return cli_usage(usage, "--threads: 1 to 64");
			p->threads = (unsigned)v;
			break;
		case 'T':
			o->token_uri = optarg;
			break;
		case 'm':
			o->module = optarg;
			break;
		case 'h':
			cli_help(usage);
			return -1;
		default:
			if ((ret = cli_unlock_option(c, usage, &o->unlock)) != 0)
				return ret;
		}
	}
	if (optind != argc)
		return cli_usage(usage, "unexpected argument \"%s\"", argv[optind]);
	if (!o->zone || !o->input || !o->output)
		return cli_usage(usage, "--zone, --input and --output are required");
	if (!o->manifest == !o->skr || (o->skr && !o->n_zsk == !o->token_uri))
		return cli_usage(usage, "--manifest, or --skr with --zsk or --token");
	if (o->module && !o->token_uri)
		return cli_usage(usage, "--module goes with --token");
	if ((p->nsec3.opt_out || p->nsec3.iterations || p->nsec3.salt_len) && !p->nsec3.on)
		return cli_usage(usage, "--opt-out, --nsec3-iterations and --salt need --nsec3");
	if (p->jitter >= p->validity / 2)
		return cli_usage(usage, "--jitter must be under half the validity");
	if (!p->refresh)
		p->refresh = p->validity / 2;
	if ((uint64_t)p->refresh + p->jitter + (o->daemon ? 3600 : 0) >= p->validity)
		return cli_usage(usage, "refresh plus jitter must leave%s some of the validity",
				 o->daemon ? " an hour and" : "");
	if (o->daemon && p->now)
		return cli_usage(usage, "--daemon runs on the clock (no --now)");
	return EXIT_OK;
}

static int write_signed(struct signer_opts *o, struct kskit_zone *z,
			const struct kskit_keybundle *kb, struct kskit_zonesign_stats *stats)
{
	struct kskit_zsk zsks[KSKIT_KEYBUNDLE_MAX_ZSKS];
	struct kskit_signer *signers[KSKIT_KEYBUNDLE_MAX_ZSKS] = { 0 };
	struct kskit_sigcache *previous = NULL;
	struct kskit_outfile *f = NULL;
	FILE *out = NULL;
	size_t n = 0;
	int ret = signer_period_zsks(o, kb, zsks, signers, &n);

	if (ret == 0 && !o->full)
		ret = kskit_sigcache_read(o->output, z->origin, &previous);
	o->sign.previous = previous;
	if (ret == 0)
		ret = kskit_outfile_open(o->output, KSKIT_OUT_PUBLIC, &f);
	if (ret == 0) {
		int fd = dup(kskit_outfile_fd(f));

		if (fd < 0 || !(out = fdopen(fd, "w"))) {
			if (fd >= 0)
				close(fd);
			ret = kskit_error_set(KSKIT_EIO, "%s: cannot write", o->output);
		}
	}
	if (ret == 0)
		ret = kskit_zone_sign(z, kb->records, zsks, n, &o->sign, out, stats);
	if (out && fclose(out) != 0 && ret == 0)
		ret = kskit_error_set(KSKIT_EIO, "%s: %s", o->output, strerror(errno));
	o->sign.previous = NULL;
	kskit_sigcache_free(previous);
	for (size_t i = 0; i < KSKIT_KEYBUNDLE_MAX_ZSKS; i++)
		kskit_signer_free(signers[i]);
	if (ret == 0)
		return kskit_outfile_commit(f);
	if (f)
		kskit_outfile_abort(f);
	return ret;
}

static int reload(const char *command)
{
	char *argv[] = { "sh", "-c", (char *)command, NULL };
	pid_t pid;
	int st = 0;

	if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) != 0 ||
	    waitpid(pid, &st, 0) != pid)
		return kskit_error_set(KSKIT_EIO, "cannot run the reload command");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return kskit_error_set(KSKIT_EIO,
				       "the reload command failed (%s %d); the signed zone is "
				       "written",
				       WIFEXITED(st) ? "exit" : "signal",
				       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	return 0;
}

/* The SOA serial of the signed zone already at path, if there is one. */
static void published_serial(const char *path, const ldns_rdf *origin, struct kskit_zonesign *p)
{
	FILE *f = fopen(path, "r");
	int line = 0;

	p->have_published = 0;
	for (int i = 0; f && i < 1000 && !feof(f) && !p->have_published; i++) {
		ldns_rr *rr = NULL;

		if (ldns_rr_new_frm_fp_l(&rr, f, NULL, NULL, NULL, &line) == LDNS_STATUS_OK &&
		    ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA &&
		    ldns_dname_compare(ldns_rr_owner(rr), origin) == 0) {
			p->published = ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
			p->have_published = 1;
		}
		ldns_rr_free(rr);
	}
	if (f)
		fclose(f);
}

int signer_run(struct signer_opts *o, struct kskit_keybundle **kb)
{
	struct kskit_zonesign_stats stats = { 0 };
	struct kskit_zone *z = NULL;
	char from[32], to[32], now[32], last[32];
	int ret = kskit_zone_read(o->input, o->zone, &z);

	if (ret)
		ret = kskit_error_set(ret, "%s: %s", o->input, kskit_error_detail(ret));
	if (ret == 0 && !*kb)
		ret = signer_period_keys(o, z, kb);
	if (ret == 0) {
		published_serial(o->output, z->origin, &o->sign);
		ret = write_signed(o, z, *kb, &stats);
	}
	if (ret == 0) {
		kskit_utc_format(o->sign.now, KSKIT_UTC_ISO, now, sizeof(now));
		kskit_utc_format((*kb)->inception, KSKIT_UTC_ISO, from, sizeof(from));
		kskit_utc_format((*kb)->expiration, KSKIT_UTC_ISO, to, sizeof(to));
		printf("%s %s: %zu records signed into %s with the keys of %s to %s (serial %u): "
		       "%zu signatures made, %zu kept\n",
		       now, o->zone, z->n_records, o->output, from, to,
		       ldns_rdf2native_int32(ldns_rr_rdf(kskit_zone_soa(z), 2)), stats.made,
		       stats.kept);
		kskit_utc_format(o->keys_until, KSKIT_UTC_ISO, last, sizeof(last));
		if (o->keys_until - o->sign.now < (time_t)o->warn)
			printf("%s %s: WARNING: the keys reach only to %s, less than %lu days "
			       "from now: time for the next ceremony\n",
			       now, o->zone, last, o->warn / 86400);
		o->due = stats.earliest ? stats.earliest - (time_t)o->sign.refresh
					: o->sign.now + (time_t)(o->sign.validity / 2);
		fflush(stdout);
		if (o->reload)
			ret = reload(o->reload);
	}
	kskit_zone_free(z);
	return ret;
}

int cmd_signer(int argc, char **argv)
{
	struct signer_opts o = { .sign = { .backdate = 3600,
					   .validity = 14 * 86400,
					   .jitter = 86400,
					   .serial = KSKIT_SERIAL_INCREMENT },
				 .poll = 60,
				 .warn = 14 * 86400 };
	struct kskit_keybundle *kb = NULL;
	int status, ret;

	status = parse(argc, argv, &o);
	if (status)
		return status < 0 ? EXIT_OK : status;
	/* Threads allocate and free much: freed memory goes back to the kernel
	 * only in large steps, and no buffer gets a mapping of its own, or the
	 * TLB shootdowns of each unmapping take a third of the time. */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	if (o.token_uri && (status = cli_open(o.token_uri, o.module, 0, &o.token)) == EXIT_OK &&
	    (status = cli_login(&o.token, CKU_USER)) != EXIT_OK)
		cli_close(&o.token);
	if (status)
		return status;
	if (o.daemon) {
		status = signer_daemon(&o);
	} else {
		if (!o.sign.now)
			o.sign.now = time(NULL);
		ret = signer_run(&o, &kb);
		if (ret)
			status = cli_fail(NULL, ret);
		kskit_keybundle_free(kb);
	}
	cli_unlock_free(&o.unlock);
	if (o.token_uri)
		cli_close(&o.token);
	return status;
}
