/* utc.h - the UTC time forms DNSSEC tools write: unix seconds (Knot's KSR
 * headers), YYYYMMDDhhmmss (RRSIG fields, BIND), ISO 8601 (Knot's closing
 * lines, IANA XML) and ctime style (BIND's comments). */
#ifndef KSKIT_UTC_H
#define KSKIT_UTC_H

#include <stddef.h>
#include <time.h>

#define KSKIT_UTC_MAX 253402300799LL /* 9999-12-31T23:59:59Z */

enum kskit_utc_style {
	KSKIT_UTC_UNIX,	   /* 1795330869 */
	KSKIT_UTC_COMPACT, /* 20261122070109 */
	KSKIT_UTC_ISO,	   /* 2026-11-22T07:01:09Z */
	KSKIT_UTC_CTIME,   /* Sun Nov 22 07:01:09 2026 */
};

/* Seconds since the epoch of a UTC civil time; -1 unless every field is in
 * range and the year is 1970 to 9999. */
long long kskit_utc_civil(long long y, long long mo, long long d, long long h, long long mi,
			  long long s);

/* s[0..n) as YYYYMMDDhhmmss; -1 when it is not one. */
long long kskit_utc_compact(const char *s, size_t n);

/* s[0..n) as YYYY-MM-DDThh:mm:ss followed by Z, +hh:mm, -hh:mm or nothing
 * (UTC); -1 when it is not one. */
long long kskit_utc_iso(const char *s, size_t n);

/* s[0..n) as unix seconds (1 to 12 digits); -1 when it is not that. */
long long kskit_utc_unix(const char *s, size_t n);

/* s[0..n) as "Www Mmm D hh:mm:ss YYYY" (ctime, one space between words,
 * the day of one or two digits), read as UTC; -1 when it is not one. */
long long kskit_utc_ctime(const char *s, size_t n);

/* A time given by a user: unix seconds, YYYYMMDDhhmmss or ISO 8601.
 * 0, or KSKIT_EINVAL. */
int kskit_utc_parse(const char *s, time_t *t);

/* A duration: seconds, or a number followed by s, m, h, d or w, of at most
 * max seconds.  0, or KSKIT_EINVAL. */
int kskit_duration_parse(const char *s, unsigned long max, unsigned long *out);

/* t in style into buf (32 bytes are always enough); "?" when t is out of
 * range. */
void kskit_utc_format(time_t t, enum kskit_utc_style style, char *buf, size_t size);

#endif
