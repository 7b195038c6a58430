/* zonesign-job.h - inside kskit_zone_sign: the zone as a list of items
 * cut into chunks, the workers that sign and print them, and what they
 * share. */
#ifndef KSKIT_ZONESIGN_JOB_H
#define KSKIT_ZONESIGN_JOB_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <ldns/ldns.h>

#include "softsign.h"
#include "zonesign.h"

#define ZONESIGN_CHUNK 256 /* items a chunk */

/* One thing to print in the signed zone, in order. */
struct zonesign_item {
	const ldns_rr_list *set; /* an RRset (or the period's DNSKEY records) */
	ldns_rr *single;	 /* or one record of the chain */
	int sign;		 /* with an RRSIG by each ZSK */
};

struct zonesign_job {
	const struct zonesign_item *items;
	size_t n_items, n_chunks;
	const struct kskit_zsk *zsks;
	size_t n;
	uint16_t tags[KSKIT_ZONESIGN_MAX_ZSKS];
	EVP_PKEY *pubs[KSKIT_ZONESIGN_MAX_ZSKS]; /* to verify a kept signature */
	const struct kskit_zonesign *p;
	const ldns_rdf *origin;

	pthread_mutex_t lock; /* guards what follows */
	pthread_cond_t cond;
	size_t next;	       /* the chunk a worker takes next */
	size_t written;	       /* chunks written out */
	size_t window;	       /* how far workers may run ahead of the writer */
	ldns_buffer **done;    /* a chunk's text once signed */
	int error;	       /* the first failure, which stops everyone */
	char detail[512];      /* and what it said */
	pthread_mutex_t token; /* one token signature at a time */
};

struct zonesign_worker {
	struct zonesign_job *job;
	struct kskit_soft_signer *soft[KSKIT_ZONESIGN_MAX_ZSKS];
	uint64_t rng; /* xorshift state for the jitter: spread, not secret */
	struct kskit_zonesign_stats stats;
};

/* Record the job's first failure (ret and this thread's detail); the
 * caller holds the lock. */
void zonesign_fail(struct zonesign_job *j, int ret);

/* A worker thread: takes chunks until there are none or one failed. */
void *zonesign_work(void *worker);

#endif
