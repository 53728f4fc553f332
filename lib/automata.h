/*
 * automata.h: the Wikimedia refinery's actor signatures, host
 * normalisation, spider pattern and automated-traffic labels, reproduced
 * exactly: actorsig(1) describes them and names the refinery sources
 * followed (SEE ALSO).
 *
 * Strings are UTF-8 byte ranges, not NUL-terminated.  Where the refinery's
 * Java works on UTF-16 code units, these functions count them the same way.
 */
#ifndef TRAWL_AUTOMATA_H
#define TRAWL_AUTOMATA_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* A column's text as a byte range; p == NULL stands for SQL NULL. */
struct am_text {
	const char *p;
	size_t n;
};

/*
 * Append project_class (= project_family) as Webrequest.normalizeHost
 * computes it: the second-to-last dot label of the lower-cased host after
 * the port is cut and runs of '.' and '/' are collapsed into one '.'; "-"
 * for a NULL, blank, one-label or numeric-TLD host.  Only ASCII letters are
 * folded (hosts are ASCII; Java would fold other letters too).
 */
void am_project_family(struct buf *out, struct am_text host);

/*
 * X-Analytics lookups.  hdr is the raw "k=v;k=v" header (Spark's
 * str_to_map: pairs split on ';', each on its first '='; a pair without '='
 * has a NULL value; the last duplicate wins).  Returns 0 when key is
 * absent, 1 with *val set when present (val->p == NULL for a NULL value).
 */
int am_xa_get(struct am_text hdr, const char *key, struct am_text *val);

/*
 * The signature suffix: the wmfuuid value when wmfuuid is present ("null"
 * when its value is NULL, as Java's StringBuilder appends it), else the
 * appInstallID value found in the query at an index > 0 (the character
 * after the key is skipped unchecked, the value runs to the next '&'),
 * else empty.  Returns 0, or -1 where the refinery's Java would throw
 * (the query ends right after "appInstallID", or a '&' follows it
 * directly).  has_uuid says whether wmfuuid is present.  *lone is set when
 * the skipped character was half of a surrogate pair: the message then has
 * a '?' (Java's encoding of the other half) before the suffix.
 */
int am_suffix(int has_uuid, struct am_text uuid, struct am_text query,
    struct am_text *suffix, int *lone);

/*
 * ActorSignatureGenerator: MD5 of ip + the first 200 UTF-16 units of ua +
 * accept_language + host + suffix, over the first N bytes of the UTF-8
 * message where N is its length in UTF-16 units (Java's
 * getBytes(), length() mismatch).  Two signatures that differ only in the
 * host argument share the hashing of their common prefix: host_a may be
 * NULL (its signature is then NULL, *ok_a = 0), host_b may not.
 * ip, ua and al must not be NULL (the refinery's NULL cases are the
 * caller's).
 */
void am_signatures(struct am_text ip, struct am_text ua, struct am_text al,
    struct am_text host_a, struct am_text host_b, struct am_text suffix,
    int suffix_lone, unsigned char sig_a[16], int *ok_a,
    unsigned char sig_b[16]);

/* Length in characters (code points), as Spark's length() counts them. */
size_t am_chars(struct am_text s);

/*
 * Webrequest.isSpider: "-", or a match of the refinery's case-insensitive
 * spider pattern (Java regex semantics: ASCII-only case folding, '.' stops
 * at line terminators).  Compiled once with Oniguruma.
 */
struct am_spider;
struct am_spider *am_spider_new(char *err, size_t errlen);
int am_spider_match(struct am_spider *sp, struct am_text ua);
/* The Oniguruma pattern alone (am_spider_match takes a faster exact path
 * for printable ASCII); for the tests that compare the two. */
int am_spider_regex(struct am_spider *sp, struct am_text ua);
void am_spider_free(struct am_spider *sp);

/*
 * Append the page title the refinery derives from a pageview's path and
 * query (PageviewDefinition.getPageTitleFromUri): the first non-empty
 * title= value, else the path after /wiki/ (or /w/, or after the second
 * '/'), else page=; percent-decoded, spaces as '_', "-" when unknown or
 * not a legal title.  path and query may be NULL.
 */
void am_page_title(struct buf *out, struct am_text path, struct am_text query);

/*
 * The 24-hour rollup of one actor and request kind, and its label
 * (compute_webrequest_actor_label_hourly.hql, Dec 2024).
 */
struct am_rollup {
	uint64_t count;		/* sum(pageview_count) */
	int64_t first;		/* min(first_interaction_dt), epoch seconds */
	int64_t last;		/* max(last_interaction_dt) */
	uint64_t nocookies;	/* sum(nocookies) */
	uint64_t ualen;		/* max(user_agent_length) */
	uint64_t sum_distinct;	/* sum of the hourly distinct page titles */
	uint64_t hours;		/* hourly rows (avg's denominator) */
	uint64_t rolled_up_hours; /* hourly rows with a distinct count > 0 */
};

/* cast((count / (last - first)) * 60 as int) in Spark's double arithmetic;
 * 0 when the duration is 0 (SQL NULL), else 1 with *rate set. */
int am_rate(const struct am_rollup *r, int64_t *rate);
/* avg(distinct_pages_visited_count) */
double am_avg_distinct(const struct am_rollup *r);
/* The label ("user", "automated", "unclassified") and its exact reason. */
const char *am_label(const struct am_rollup *r, const char **reason);

#endif
