#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "anchor.h"
#include "uuid.h"

char *kskit_anchor_xml(ldns_rr *const *ds, size_t n, const char *key_id, const char *source,
		       time_t valid_from)
{
	char id[37], from[32], *zone = NULL, *xml = NULL, *more;
	struct tm tm;

	if (n == 0 || kskit_uuid4(id) != 0 || !(zone = ldns_rdf2str(ldns_rr_owner(ds[0]))))
		return NULL;
	for (char *c = id; *c; c++) /* upper case, as IANA's root-anchors.xml */
		*c = (char)toupper((unsigned char)*c);
	gmtime_r(&valid_from, &tm);
	strftime(from, sizeof(from), "%Y-%m-%dT%H:%M:%S+00:00", &tm);
	if (asprintf(&xml,
		     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<TrustAnchor id=\"%s\" source=\"%s\">\n<Zone>%s</Zone>\n",
		     id, source, zone) < 0)
		xml = NULL;
	for (size_t i = 0; xml && i < n; i++) {
		char *digest = ldns_rdf2str(ldns_rr_rdf(ds[i], 3));

		if (!digest || asprintf(&more,
					"%s<KeyDigest id=\"%s-%u\" validFrom=\"%s\">\n"
					"<KeyTag>%u</KeyTag>\n<Algorithm>%u</Algorithm>\n"
					"<DigestType>%u</DigestType>\n<Digest>%s</Digest>\n"
					"</KeyDigest>\n",
					xml, key_id, ldns_rdf2native_int8(ldns_rr_rdf(ds[i], 2)),
					from, ldns_rdf2native_int16(ldns_rr_rdf(ds[i], 0)),
					ldns_rdf2native_int8(ldns_rr_rdf(ds[i], 1)),
					ldns_rdf2native_int8(ldns_rr_rdf(ds[i], 2)), digest) < 0)
			more = NULL;
		free(digest);
		free(xml);
		xml = more;
	}
	if (xml && asprintf(&more, "%s</TrustAnchor>\n", xml) >= 0) {
		free(xml);
		xml = more;
	} else {
		free(xml);
		xml = NULL;
	}
	free(zone);
	return xml;
}
