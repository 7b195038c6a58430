#include <math.h>

#include "error.h"
#include "health.h"

#define LOG2_ALPHA 40.0 /* alpha = 2^-40 */

unsigned kskit_health_rct_cutoff(double h, double log2_alpha)
{
	return 1 + (unsigned)ceil(log2_alpha / h);
}

/* C = 1 + CRITBINOM(W, 2^-H, 1 - alpha): CRITBINOM is the smallest k with
 * P(X > k) <= alpha, X ~ Binomial(W, p).  The tail is summed from the top so
 * that alphas far below double precision's 1 - epsilon still resolve. */
unsigned kskit_health_apt_cutoff(double h, double log2_alpha)
{
	const unsigned n = KSKIT_HEALTH_APT_WINDOW;
	const double alpha = pow(2.0, -log2_alpha), p = pow(2.0, -h);
	double tail = 0.0;
	unsigned k;

	for (k = n; k > 0; k--) {
		double lpmf = lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) + k * log(p) +
			      (n - k) * log1p(-p);

		if (tail + exp(lpmf) > alpha)
			break;
		tail += exp(lpmf); /* tail = P(X >= k) <= alpha, so P(X > k - 1) <= alpha */
	}
	return 1 + k;
}

int kskit_health_init(struct kskit_health *t, double h)
{
	if (!(h > 0.0 && h <= 8.0))
		return KSKIT_EINVAL;
	*t = (struct kskit_health){ 0 };
	t->rct_cutoff = kskit_health_rct_cutoff(h, LOG2_ALPHA);
	t->apt_cutoff = kskit_health_apt_cutoff(h, LOG2_ALPHA);
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
