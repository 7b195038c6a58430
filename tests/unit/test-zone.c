/* The zone reader: canonical order, RRsets, what is signed and what is
 * glue, the DNSSEC records of the input dropped; each malformed zone
 * refused with the line or the name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "lib/error.h"
#include "lib/zone.h"

/* text into a temporary file; its path in a static buffer. */
static const char *zone_file(const char *text)
{
	static char path[] = "/tmp/kskit-test-zone.XXXXXX";
	int fd;

	strcpy(path, "/tmp/kskit-test-zone.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static const char good[] =
	"$ORIGIN example.com.\n"
	"$TTL 3600\n"
	"www\tA\t192.0.2.10\n"
	"@\tSOA\tns1 hostmaster 1 7200 3600 1209600 300\n"
	"\tNS\tns1\n"
	"ns1\tA\t192.0.2.1\n"
	"sub\tNS\tns1.sub\n"
	"\tDS\t1 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	"\tA\t192.0.2.9\n"
	"ns1.sub\tA\t192.0.2.53\n"
	"www\t600\tA\t192.0.2.11\n"
	"www\tA\t192.0.2.10\n"
	"@\tDNSKEY\t256 3 13 AAAA\n"
	"@\tNSEC\twww.example.com. A\n";

/* The set of z with owner name and type, or NULL. */
static const struct kskit_rrset *find(const struct kskit_zone *z, const char *name,
				      ldns_rr_type type)
{
	ldns_rdf *n = ldns_dname_new_frm_str(name);
	const struct kskit_rrset *found = NULL;

	for (size_t i = 0; i < z->n_sets && !found; i++)
		if (z->sets[i].type == type &&
		    ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(z->sets[i].rrs, 0)), n) == 0)
			found = &z->sets[i];
	ldns_rdf_deep_free(n);
	return found;
}

static void reads_and_classifies(void **state)
{
	const char *path = zone_file(good);
	struct kskit_zone *z = NULL;
	const struct kskit_rrset *www;

	(void)state;
	assert_int_equal(kskit_zone_read(path, "example.com.", &z), 0);
	unlink(path);
	assert_int_equal(z->dropped, 2);   /* the DNSKEY and the NSEC */
	assert_int_equal(z->n_records, 9); /* the duplicate www A counted once */
	assert_int_equal(kskit_zone_soa(z) != NULL, 1);
	assert_int_equal(z->soa_minimum, 300);
	/* canonical order: the apex first, its sets by type */
	assert_int_equal(z->sets[0].type, LDNS_RR_TYPE_NS);
	assert_int_equal(z->sets[0].kind, KSKIT_NAME_APEX);
	www = find(z, "www.example.com.", LDNS_RR_TYPE_A);
	assert_non_null(www);
	assert_int_equal(ldns_rr_list_rr_count(www->rrs), 2);
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(www->rrs, 1)), 600); /* the lowest */
	assert_int_equal(find(z, "sub.example.com.", LDNS_RR_TYPE_NS)->kind, KSKIT_NAME_DELEGATION);
	assert_int_equal(find(z, "sub.example.com.", LDNS_RR_TYPE_DS)->kind, KSKIT_NAME_AUTH);
	assert_int_equal(find(z, "sub.example.com.", LDNS_RR_TYPE_A)->kind, KSKIT_NAME_GLUE);
	assert_int_equal(find(z, "ns1.sub.example.com.", LDNS_RR_TYPE_A)->kind, KSKIT_NAME_GLUE);
	assert_int_equal(find(z, "ns1.example.com.", LDNS_RR_TYPE_A)->kind, KSKIT_NAME_AUTH);
	kskit_zone_free(z);
}

static void bad_zones_are_refused(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "@ 3600 IN SOA ns1 h 1 2 3 4 5\nwww 3600 IN A 192.0.2.300\n", "line 2: " },
		{ "@ 3600 IN SOA ns1 h 1 2 3 4 5\nwww.example.net. 3600 IN A 192.0.2.1\n",
		  "line 2: a record outside the zone" },
		{ "www 3600 IN A 192.0.2.1\n", "no SOA record at the apex" },
		{ "@ 3600 IN SOA ns1 h 1 2 3 4 5\n@ 3600 IN SOA ns1 h 2 2 3 4 5\n",
		  "more than one SOA" },
		{ "@ 3600 IN SOA ns1 h 1 2 3 4 5\nwww 3600 IN SOA ns1 h 1 2 3 4 5\n",
		  "not at the apex" },
		{ "@ 3600 IN SOA ns1 h 1 2 3 4 5\nx 3600 IN CNAME www\nx 3600 IN A 192.0.2.1\n",
		  "a CNAME beside other data at x.example.com." },
		{ "@ 3600 IN SOA ns1 h 1 2 3 4 5\n$INCLUDE /etc/passwd\n", "$INCLUDE" },
		{ "", "no records" },
		{ "@ 3600 IN SOA ns1 h 1 2 3 4 5\nwww 3600 IN A \\# 0\n",
		  "line 2: a record without all its fields" },
	};
	struct kskit_zone *z = (struct kskit_zone *)1;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *path = zone_file(bad[i].text);
		int ret = kskit_zone_read(path, "example.com.", &z);

		unlink(path);
		if (ret != KSKIT_EZONE || !strstr(kskit_error_detail(ret), bad[i].why))
			fail_msg("zone %zu: %d \"%s\", not \"%s\"", i, ret, kskit_error_detail(ret),
				 bad[i].why);
		assert_null(z);
	}
	assert_int_equal(kskit_zone_read("/nonexistent/zone", "example.com.", &z), KSKIT_EIO);
	assert_int_equal(kskit_zone_read("/dev/null", "example.com", &z), KSKIT_EINVAL);
}

/* A zone of about 100 KiB, read in parts (one a CPU), with what makes a
 * cut risky: $ORIGIN and $TTL changes, records over several lines with
 * parentheses, quotes and comments holding "(", ";" and newlines' kin,
 * owners left blank; and its first bad line, far down. */
static char *big_zone(int bad_at)
{
	size_t cap = 1 << 18, n = 0;
	char *t = malloc(cap);

	assert_non_null(t);
	n += (size_t)snprintf(t + n, cap - n,
			      "$ORIGIN example.com.\n$TTL 300\n"
			      "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
			      "  NS ns1\nns1 A 192.0.2.1\n");
	for (int i = 0; i < 2000 && n + 512 < cap; i++) {
		if (i % 100 == 50)
			n += (size_t)snprintf(t + n, cap - n, "$ORIGIN sub%d.example.com.\n", i);
		if (i % 100 == 60)
			n += (size_t)snprintf(t + n, cap - n, "$ORIGIN example.com.\n");
		if (i % 150 == 0)
			n += (size_t)snprintf(t + n, cap - n, "$TTL %d\n", 60 + i);
		if (i == bad_at)
			n += (size_t)snprintf(t + n, cap - n, "bad%d A 192.0.2.300\n", i);
		else if (i % 7 == 0)
			n += (size_t)snprintf(t + n, cap - n,
					      "m%d TXT ( \"a (b;\" ; a comment (\n"
					      "\t\"c \\\"d\" ) ; closed\n",
					      i);
		else
			n += (size_t)snprintf(t + n, cap - n,
					      "h%d A 198.51.100.%d\n\tAAAA 2001:db8::%x\n", i,
					      i % 250, i);
	}
	return t;
}

static void a_large_file_reads_in_parts_as_ldns_reads_it(void **state)
{
	char *text = big_zone(-1);
	const char *path = zone_file(text);
	struct kskit_zone *z = NULL;
	ldns_zone *ref = NULL;
	FILE *f = fopen(path, "r");
	ldns_rdf *origin = ldns_dname_new_frm_str("example.com.");
	size_t n_ref;

	(void)state;
	assert_non_null(f);
	assert_int_equal(ldns_zone_new_frm_fp(&ref, f, origin, 300, LDNS_RR_CLASS_IN),
			 LDNS_STATUS_OK);
	fclose(f);
	assert_int_equal(kskit_zone_read(path, "example.com.", &z), 0);
	unlink(path);
	n_ref = ldns_rr_list_rr_count(ldns_zone_rrs(ref)) + 1; /* and the SOA */
	assert_int_equal(z->n_records, n_ref);
	for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_zone_rrs(ref)); i++) {
		const ldns_rr *want = ldns_rr_list_rr(ldns_zone_rrs(ref), i);
		char *name = ldns_rdf2str(ldns_rr_owner(want));
		const struct kskit_rrset *set = find(z, name, ldns_rr_get_type(want));
		int found = 0;

		for (size_t j = 0; set && !found && j < ldns_rr_list_rr_count(set->rrs); j++)
			found = ldns_rr_compare(ldns_rr_list_rr(set->rrs, j), want) == 0 &&
				ldns_rr_ttl(ldns_rr_list_rr(set->rrs, j)) == ldns_rr_ttl(want);
		if (!found)
			fail_msg("record %zu of ldns's, at %s, is not kskit's", i, name);
		free(name);
	}
	kskit_zone_free(z);
	ldns_zone_deep_free(ref);
	ldns_rdf_deep_free(origin);
	free(text);

	/* the first bad line, wherever the cut falls, by its number */
	text = big_zone(1700);
	path = zone_file(text);
	assert_int_equal(kskit_zone_read(path, "example.com.", &z), KSKIT_EZONE);
	unlink(path);
	{
		int line = 1;

		for (const char *p = text; (p = strstr(p, "\nbad1700 ")) != NULL; p++)
			for (const char *q = text; q <= p; q++)
				line += *q == '\n';
		char want[32];

		snprintf(want, sizeof(want), "line %d: ", line);
		if (!strstr(kskit_error_detail(KSKIT_EZONE), want))
			fail_msg("\"%s\", not \"%s\"", kskit_error_detail(KSKIT_EZONE), want);
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_and_classifies),
		cmocka_unit_test(bad_zones_are_refused),
		cmocka_unit_test(a_large_file_reads_in_parts_as_ldns_reads_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
