#include <math.h>

#include "error.h"
#include "health.h"

#define LOG2_ALPHA 40.0 /* alpha = 2^-40 */

/* The smallest C with P(1 + X >= C) <= alpha, X ~ Binomial(W - 1, p):
 * the first sample of a window counts once, each of the others with p. */
static unsigned apt_cutoff(double p)
{
	const unsigned n = KSKIT_HEALTH_APT_WINDOW - 1;
	const double alpha = pow(2.0, -LOG2_ALPHA);
	double tail = 0.0;
	unsigned k;

	for (k = n + 1; k-- > 0;) {
		double lpmf = lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) +
			      k * log(p) + (n - k) * log1p(-p);

		tail += exp(lpmf);
		if (tail > alpha)
			break;
	}
	/* P(X >= k + 1) <= alpha, so C - 1 = k + 1. */
	return k + 2;
}

int kskit_health_init(struct kskit_health *t, double h)
{
	if (!(h > 0.0 && h <= 8.0))
		return KSKIT_EINVAL;
	*t = (struct kskit_health){ 0 };
	t->rct_cutoff = 1 + (unsigned)ceil(LOG2_ALPHA / h);
	t->apt_cutoff = apt_cutoff(pow(2.0, -h));
	if (t->apt_cutoff > KSKIT_HEALTH_APT_WINDOW)
		t->apt_cutoff = KSKIT_HEALTH_APT_WINDOW;
	return 0;
}

int kskit_health_feed(struct kskit_health *t, const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++, t->samples++) {
		uint8_t x = buf[i];

		if (t->samples > 0 && x == t->rct_last) {
			if (++t->rct_count >= t->rct_cutoff)
				return KSKIT_EHEALTH_RCT;
		} else {
			t->rct_last = x;
			t->rct_count = 1;
		}
		if (t->apt_seen == 0) {
			t->apt_first = x;
			t->apt_count = 1;
		} else if (x == t->apt_first && ++t->apt_count >= t->apt_cutoff) {
			return KSKIT_EHEALTH_APT;
		}
		if (++t->apt_seen == KSKIT_HEALTH_APT_WINDOW)
			t->apt_seen = 0;
	}
	return 0;
}
