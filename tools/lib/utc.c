#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "utc.h"

static const char *const wdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

static long long digits(const char *s, size_t n)
{
	long long v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* H. Hinnant's days_from_civil. */
long long kskit_utc_civil(long long y, long long mo, long long d, long long h, long long mi,
			  long long s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	long long era, yoe, doy, doe;

	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 ||
	    s > 59)
		return -1;
	y -= mo <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return ((era * 146097 + doe - 719468) * 24 + h) * 3600 + mi * 60 + s;
}

long long kskit_utc_compact(const char *s, size_t n)
{
	if (n != 14 || !all_digits(s, 14))
		return -1;
	return kskit_utc_civil(digits(s, 4), digits(s + 4, 2), digits(s + 6, 2), digits(s + 8, 2),
			       digits(s + 10, 2), digits(s + 12, 2));
}

/* Does s[0..n) have the shape ('d' a digit, anything else itself)? */
static int shaped(const char *s, size_t n, const char *shape)
{
	if (n != strlen(shape))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (shape[i] == 'd' ? !all_digits(s + i, 1) : s[i] != shape[i])
			return 0;
	return 1;
}

long long kskit_utc_iso(const char *s, size_t n)
{
	long long t, offset = 0;

	if (n < 19 || !shaped(s, 19, "dddd-dd-ddTdd:dd:dd"))
		return -1;
	if (n == 20 && s[19] == 'Z')
		offset = 0;
	else if (n == 25 && (s[19] == '+' || s[19] == '-') && shaped(s + 20, 5, "dd:dd") &&
		 digits(s + 20, 2) <= 23 && digits(s + 23, 2) <= 59)
		offset = (s[19] == '-' ? -1 : 1) *
			 (digits(s + 20, 2) * 3600 + digits(s + 23, 2) * 60);
	else if (n != 19)
		return -1;
	t = kskit_utc_civil(digits(s, 4), digits(s + 5, 2), digits(s + 8, 2), digits(s + 11, 2),
			    digits(s + 14, 2), digits(s + 17, 2));
	if (t < 0 || t - offset < 0 || t - offset > KSKIT_UTC_MAX)
		return -1;
	return t - offset;
}

long long kskit_utc_unix(const char *s, size_t n)
{
	return n <= 12 && all_digits(s, n) ? digits(s, n) : -1;
}

static int name_index(const char *s, size_t n, const char *const *names, int count)
{
	for (int i = 0; i < count; i++)
		if (n == strlen(names[i]) && memcmp(s, names[i], n) == 0)
			return i;
	return -1;
}

long long kskit_utc_ctime(const char *s, size_t n)
{
	size_t day = n > 9 && s[9] == ' ' ? 1 : 2; /* digits of the day */
	int m;

	if (n != 22 + day || s[3] != ' ' || s[7] != ' ' || s[8 + day] != ' ' ||
	    !shaped(s + 9 + day, 13, "dd:dd:dd dddd") || !all_digits(s + 8, day) ||
	    name_index(s, 3, wdays, 7) < 0 || (m = name_index(s + 4, 3, months, 12)) < 0)
		return -1;
	return kskit_utc_civil(digits(s + 18 + day, 4), m + 1, digits(s + 8, day),
			       digits(s + 9 + day, 2), digits(s + 12 + day, 2),
			       digits(s + 15 + day, 2));
}

int kskit_utc_parse(const char *s, time_t *t)
{
	size_t n = s ? strlen(s) : 0;
	long long v = -1;

	if (n == 14)
		v = kskit_utc_compact(s, n);
	else if (n <= 12)
		v = kskit_utc_unix(s, n);
	else if (n >= 19)
		v = kskit_utc_iso(s, n);
	if (v < 0 || v > KSKIT_UTC_MAX)
		return KSKIT_EINVAL;
	*t = (time_t)v;
	return 0;
}

void kskit_utc_format(time_t t, enum kskit_utc_style style, char *buf, size_t size)
{
	struct tm tm;

	if (t < 0 || t > KSKIT_UTC_MAX || !gmtime_r(&t, &tm)) {
		snprintf(buf, size, "?");
		return;
	}
	switch (style) {
	case KSKIT_UTC_UNIX:
		snprintf(buf, size, "%lld", (long long)t);
		break;
	case KSKIT_UTC_COMPACT:
		snprintf(buf, size, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		break;
	case KSKIT_UTC_ISO:
		snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		break;
	case KSKIT_UTC_CTIME:
		snprintf(buf, size, "%s %s %2d %02d:%02d:%02d %04d", wdays[tm.tm_wday],
			 months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 tm.tm_year + 1900);
		break;
	}
}

int kskit_duration_parse(const char *s, unsigned long max, unsigned long *out)
{
	static const struct {
		char unit;
		unsigned long seconds;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 } };
	size_t n = s ? strlen(s) : 0, i;
	unsigned long v = 0, mult = 1;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (ULONG_MAX - 9) / 10)
			return KSKIT_EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (i == 0 || n - i > 1)
		return KSKIT_EINVAL;
	if (i < n) {
		size_t u;

		for (u = 0; u < sizeof(units) / sizeof(units[0]) && units[u].unit != s[i]; u++)
			;
		if (u == sizeof(units) / sizeof(units[0]))
			return KSKIT_EINVAL;
		mult = units[u].seconds;
	}
	if (v > max / mult)
		return KSKIT_EINVAL;
	*out = v * mult;
	return 0;
}
