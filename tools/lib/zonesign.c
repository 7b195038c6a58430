/* zonesign.c - an unsigned zone, its chain and the period's keys into a
 * signed zone file: the zone laid out as items in order, cut into chunks
 * that worker threads sign and print (zonesign-chunk.c), and written out
 * in order as they come, workers a few chunks ahead at most. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/rand.h>

#include "dnskey.h"
#include "error.h"
#include "zonesign-job.h"

static void set_serial(struct kskit_zone *z, const struct kskit_zonesign *p)
{
	ldns_rr *soa = kskit_zone_soa(z);
	uint32_t old = ldns_rdf2native_int32(ldns_rr_rdf(soa, 2)), serial = old;

	if (p->serial == KSKIT_SERIAL_INCREMENT)
		serial = old + 1;
	else if (p->serial == KSKIT_SERIAL_UNIXTIME)
		serial = (int32_t)((uint32_t)p->now - old) > 0 ? (uint32_t)p->now : old + 1;
	if (p->serial != KSKIT_SERIAL_KEEP && p->have_published &&
	    (int32_t)(serial - p->published) <= 0)
		serial = p->published + 1;
	if (serial != old)
		ldns_rdf_deep_free(ldns_rr_set_rdf(
			soa, ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32, serial), 2));
}

/* The keyset's types, for the apex's NSEC bitmap; each ZSK in its DNSKEYs. */
static int keyset_types(const ldns_rr_list *keyset, const struct kskit_zsk *zsks, size_t n,
			ldns_rr_type *types, size_t *n_types)
{
	*n_types = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(keyset); i++) {
		ldns_rr_type t = ldns_rr_get_type(ldns_rr_list_rr(keyset, i));
		size_t j;

		for (j = 0; j < *n_types && types[j] != t; j++)
			;
		if (j == *n_types && t != LDNS_RR_TYPE_RRSIG && *n_types < 4)
			types[(*n_types)++] = t;
	}
	if (n == 0 || n > KSKIT_ZONESIGN_MAX_ZSKS)
		return kskit_error_set(KSKIT_EINVAL, "1 to %d ZSKs sign a zone, not %zu",
				       KSKIT_ZONESIGN_MAX_ZSKS, n);
	for (size_t k = 0; k < n; k++) {
		int found = 0;

		for (size_t i = 0; !found && i < ldns_rr_list_rr_count(keyset); i++)
			found = ldns_rr_compare(ldns_rr_list_rr(keyset, i), zsks[k].dnskey) == 0;
		if (!found)
			return kskit_error_set(KSKIT_EINVAL, "ZSK %u is not in the DNSKEY RRset",
					       ldns_calc_keytag(zsks[k].dnskey));
	}
	return 0;
}

static const ldns_rdf *owner(const struct kskit_rrset *s)
{
	return ldns_rr_owner(ldns_rr_list_rr(s->rrs, 0));
}

/* The signed zone in order: each name's RRsets (the apex's with the
 * period's DNSKEY records first) and its NSEC; then the NSEC3PARAM and
 * NSEC3 records.  *items has room for every set, chain record and the
 * DNSKEY records. */
static size_t lay_out(const struct kskit_zone *z, const ldns_rr_list *keyset,
		      const ldns_rr_list *chain, struct zonesign_item *items)
{
	size_t n = 0, next = 0, n_chain = ldns_rr_list_rr_count(chain);

	for (size_t i = 0; i < z->n_sets;) {
		const ldns_rdf *name = owner(&z->sets[i]);

		if (ldns_dname_compare(name, z->origin) == 0)
			items[n++] = (struct zonesign_item){ .set = keyset };
		for (; i < z->n_sets && ldns_dname_compare(owner(&z->sets[i]), name) == 0; i++)
			items[n++] = (struct zonesign_item){
				.set = z->sets[i].rrs,
				.sign = z->sets[i].kind == KSKIT_NAME_APEX ||
					z->sets[i].kind == KSKIT_NAME_AUTH
			};
		if (next < n_chain) {
			ldns_rr *nsec = ldns_rr_list_rr(chain, next);

			if (ldns_rr_get_type(nsec) == LDNS_RR_TYPE_NSEC &&
			    ldns_dname_compare(ldns_rr_owner(nsec), name) == 0) {
				items[n++] = (struct zonesign_item){ .single = nsec, .sign = 1 };
				next++;
			}
		}
	}
	for (; next < n_chain; next++)
		items[n++] =
			(struct zonesign_item){ .single = ldns_rr_list_rr(chain, next), .sign = 1 };
	return n;
}

/* The chunks written out in order as the workers finish them. */
static int write_chunks(struct zonesign_job *j, FILE *out)
{
	int ret;

	for (size_t c = 0; c < j->n_chunks; c++) {
		ldns_buffer *buf;
		size_t len;

		pthread_mutex_lock(&j->lock);
		while (!j->error && !j->done[c])
			pthread_cond_wait(&j->cond, &j->lock);
		buf = j->done[c];
		j->done[c] = NULL;
		pthread_mutex_unlock(&j->lock);
		if (!buf)
			break;
		len = ldns_buffer_position(buf);
		if (fwrite(ldns_buffer_begin(buf), 1, len, out) != len) {
			ret = kskit_error_set(KSKIT_EIO, "writing the signed zone: %s",
					      strerror(errno));

			pthread_mutex_lock(&j->lock);
			zonesign_fail(j, ret);
		} else {
			pthread_mutex_lock(&j->lock);
			j->written++;
		}
		pthread_cond_broadcast(&j->cond);
		pthread_mutex_unlock(&j->lock);
		ldns_buffer_free(buf);
	}
	pthread_mutex_lock(&j->lock);
	ret = j->error;
	pthread_mutex_unlock(&j->lock);
	return ret;
}

static int worker_init(struct zonesign_worker *w, struct zonesign_job *j)
{
	int ret = 0;

	w->job = j;
	if (RAND_bytes((unsigned char *)&w->rng, sizeof(w->rng)) != 1 || w->rng == 0)
		w->rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)j->p->now ^ (uintptr_t)w;
	for (size_t k = 0; ret == 0 && k < j->n; k++)
		if (j->zsks[k].key)
			ret = kskit_soft_signer_new(j->zsks[k].alg, j->zsks[k].key, &w->soft[k]);
	return ret;
}

static void worker_free(struct zonesign_worker *w)
{
	for (size_t k = 0; k < KSKIT_ZONESIGN_MAX_ZSKS; k++)
		kskit_soft_signer_free(w->soft[k]);
}

static unsigned thread_count(const struct zonesign_job *j)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned t = j->p->threads ? j->p->threads : cpus > 0 ? (unsigned)cpus : 1;

	if (t > 64)
		t = 64;
	return t > j->n_chunks ? (unsigned)j->n_chunks : t ? t : 1;
}

/* The workers started, the chunks written, the workers joined. */
static int run(struct zonesign_job *j, FILE *out, struct kskit_zonesign_stats *stats)
{
	struct zonesign_worker w[64];
	pthread_t threads[64];
	unsigned n = thread_count(j), started = 0;
	int ret = 0;

	memset(w, 0, sizeof(w));
	j->window = 4 * (size_t)n;
	for (unsigned i = 0; ret == 0 && i < n; i++)
		ret = worker_init(&w[i], j);
	for (unsigned i = 0; ret == 0 && i < n; i++)
		if (pthread_create(&threads[i], NULL, zonesign_work, &w[i]) == 0)
			started++;
	if (ret == 0 && started == 0)
		ret = kskit_error_set(KSKIT_ENOMEM, "cannot start a signing thread");
	if (ret == 0)
		ret = write_chunks(j, out);
	for (unsigned i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	if (ret && j->error)
		ret = kskit_error_set(j->error, "%s", j->detail);
	for (unsigned i = 0; i < n; i++) {
		stats->made += w[i].stats.made;
		stats->kept += w[i].stats.kept;
		if (w[i].stats.earliest &&
		    (!stats->earliest || w[i].stats.earliest < stats->earliest))
			stats->earliest = w[i].stats.earliest;
		worker_free(&w[i]);
	}
	return ret;
}

/* The job's keys: tags, and public keys to check kept signatures with. */
static int job_keys(struct zonesign_job *j)
{
	for (size_t k = 0; k < j->n; k++) {
		const ldns_rr *d = j->zsks[k].dnskey;

		j->tags[k] = ldns_calc_keytag(d);
		if (j->zsks[k].key) {
			j->pubs[k] = j->zsks[k].key;
			EVP_PKEY_up_ref(j->pubs[k]);
		} else if (!j->zsks[k].sign ||
			   kskit_dnskey_to_pkey(j->zsks[k].alg, ldns_rdf_data(ldns_rr_rdf(d, 3)),
						ldns_rdf_size(ldns_rr_rdf(d, 3)),
						&j->pubs[k]) != 0) {
			return kskit_error_set(KSKIT_EINVAL, "ZSK %u: no key to sign with",
					       j->tags[k]);
		}
	}
	return 0;
}

int kskit_zone_sign(struct kskit_zone *z, const ldns_rr_list *keyset, const struct kskit_zsk *zsks,
		    size_t n, const struct kskit_zonesign *p, FILE *out,
		    struct kskit_zonesign_stats *stats)
{
	struct zonesign_job j = { .zsks = zsks, .n = n, .p = p, .origin = z->origin };
	struct kskit_zonesign_stats mine = { 0 };
	struct zonesign_item *items = NULL;
	ldns_rr_type types[4];
	ldns_rr_list *chain = NULL;
	size_t n_types = 0;
	int ret = keyset_types(keyset, zsks, n, types, &n_types);

	if (ret == 0) {
		set_serial(z, p);
		ret = kskit_denial_chain(z, types, n_types, &p->nsec3, &chain);
	}
	if (ret == 0 &&
	    !(items = calloc(z->n_sets + ldns_rr_list_rr_count(chain) + 1, sizeof(*items))))
		ret = KSKIT_ENOMEM;
	if (ret == 0) {
		j.items = items;
		j.n_items = lay_out(z, keyset, chain, items);
		j.n_chunks = (j.n_items + ZONESIGN_CHUNK - 1) / ZONESIGN_CHUNK;
		if (!(j.done = calloc(j.n_chunks, sizeof(*j.done))))
			ret = KSKIT_ENOMEM;
	}
	if (ret == 0)
		ret = job_keys(&j);
	if (ret == 0) {
		pthread_mutex_init(&j.lock, NULL);
		pthread_mutex_init(&j.token, NULL);
		pthread_cond_init(&j.cond, NULL);
		ret = run(&j, out, &mine);
		pthread_cond_destroy(&j.cond);
		pthread_mutex_destroy(&j.token);
		pthread_mutex_destroy(&j.lock);
	}
	for (size_t c = 0; j.done && c < j.n_chunks; c++)
		ldns_buffer_free(j.done[c]);
	free(j.done);
	for (size_t k = 0; k < n && k < KSKIT_ZONESIGN_MAX_ZSKS; k++)
		EVP_PKEY_free(j.pubs[k]);
	free(items);
	ldns_rr_list_deep_free(chain);
	if (ret == 0 && fflush(out) != 0)
		ret = kskit_error_set(KSKIT_EIO, "writing the signed zone: %s", strerror(errno));
	if (stats)
		*stats = mine;
	return ret;
}
