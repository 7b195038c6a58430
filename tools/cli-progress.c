/* cli-progress.c - how far a long run of token signatures is. */
#include <stdio.h>
#include <time.h>

#include "cli.h"

#define FIRST_NS 2000000000ull
#define EVERY_NS 5000000000ull

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void cli_progress_signed(void *progress, uint64_t count, uint64_t token_ns)
{
	struct cli_progress *p = progress;
	uint64_t now = monotonic_ns();

	(void)count;
	(void)token_ns;
	if (!p->start)
		p->start = p->last = now;
	p->count++;
	if (now - p->start < FIRST_NS || (p->last != p->start && now - p->last < EVERY_NS))
		return;
	p->last = now;
	fprintf(stderr, "%s: %llu %s by the token so far, %.1f/s\n", cli_name,
		(unsigned long long)p->count, p->what ? p->what : "signatures",
		(double)p->count * 1e9 / (double)(now - p->start));
}
