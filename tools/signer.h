/* signer.h - what kskit signer's one-shot run and its daemon share. */
#ifndef KSKIT_SIGNER_H
#define KSKIT_SIGNER_H

#include "cli.h"
#include "cli-bundle.h"
#include "lib/keybundle.h"
#include "lib/sign.h"
#include "lib/zone.h"
#include "lib/zonesign.h"

#define MAX_KEYS 16

struct signer_opts {
	const char *zone, *input, *output, *manifest, *skr, *anchor, *reload;
	const char *zsk[MAX_KEYS];
	size_t n_zsk;
	const char *token_uri, *module; /* model B: the ZSKs on a token */
	struct cli_token token;		/* open and logged in to, with token_uri */
	struct cli_unlock unlock;
	struct kskit_zonesign sign; /* sign.now: the time of the run */
	int full;		    /* keep no signature of the last signed zone */
	int daemon;
	unsigned long poll; /* daemon: seconds between looks at the zone file */
	time_t due;	    /* after a run: when its first signature needs refreshing */
	time_t keys_until;  /* when the last period of the manifest or response ends */
	unsigned long warn; /* say so when less than this is left */
};

/* The keys of the period that covers o->sign.now, checked for z's zone. */
int signer_period_keys(struct signer_opts *o, const struct kskit_zone *z,
		       struct kskit_keybundle **kb);

/* The period's active ZSKs for kskit_zone_sign: kb's private keys, or
 * with a token a signer for each (free with kskit_signer_free()). */
int signer_period_zsks(const struct signer_opts *o, const struct kskit_keybundle *kb,
		       struct kskit_zsk *zsks, struct kskit_signer **signers, size_t *n);

/* One run: the zone read, the keys of *kb (loaded first when NULL), the
 * signed zone written with a serial past the one it replaces, a line
 * said, the reload command run. */
int signer_run(struct signer_opts *o, struct kskit_keybundle **kb);

/* Keep the zone signed until SIGTERM or SIGINT: see kskit signer --help. */
int signer_daemon(struct signer_opts *o);

#endif
