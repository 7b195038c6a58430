/* health.h - continuous health tests of a noise source, NIST SP 800-90B
 * section 4.4: the repetition count test and the adaptive proportion test,
 * on byte samples, with a false-positive probability of 2^-40 per sample.
 *
 * The cutoffs follow from the min-entropy per byte claimed for the source:
 * claim little and only a broken source fails; claim too much and a good one
 * fails now and then.
 */
#ifndef KSKIT_HEALTH_H
#define KSKIT_HEALTH_H

#include <stddef.h>
#include <stdint.h>

#define KSKIT_HEALTH_APT_WINDOW 512
#define KSKIT_HEALTH_STARTUP 1024 /* samples tested and discarded at start-up */

struct kskit_health {
	unsigned rct_cutoff; /* C of 4.4.1: this many equal samples in a row fail */
	unsigned apt_cutoff; /* C of 4.4.2: this many of one value in a window fail */
	unsigned rct_count;
	unsigned apt_count;
	unsigned apt_seen;
	uint8_t rct_last;
	uint8_t apt_first;
	uint64_t samples;
};

/* Set the cutoffs for a claimed min-entropy of h bits per byte (0 < h <= 8).
 * KSKIT_EINVAL for a claim out of range. */
int kskit_health_init(struct kskit_health *t, double h);

/* The cutoffs for a claim of h bits per byte and a false-positive
 * probability of 2^-log2_alpha (SP 800-90B 4.4.1 and 4.4.2). */
unsigned kskit_health_rct_cutoff(double h, double log2_alpha);
unsigned kskit_health_apt_cutoff(double h, double log2_alpha);

/* Run both tests over n more samples.  0, or KSKIT_EHEALTH_RCT /
 * KSKIT_EHEALTH_APT at the first failure; after a failure the source must
 * not be used again. */
int kskit_health_feed(struct kskit_health *t, const uint8_t *buf, size_t n);

#endif
