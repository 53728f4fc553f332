/*
 * sorted.h: --sorted's promise, checked.  Under --sorted a tool holds one
 * key's group at a time and ends it when another key comes; a key whose
 * group has ended must not come back, or its answer would be split in two.
 * Every key seen is kept as a digest (about 40 bytes each), so the check
 * costs memory per key but none per record.
 */
#ifndef TRAWL_SORTED_H
#define TRAWL_SORTED_H

#include <stddef.h>

#include "hash.h"
#include "util.h"

struct sorted {
	struct dtab *seen;	/* every key seen, the current one included */
	struct digest cur;	/* the key of the group being read */
	int have;		/* cur is set */
};

enum sorted_step {
	SORTED_SAME,		/* the group being read goes on */
	SORTED_NEW,		/* a new group (the one before, if any, ended) */
	SORTED_BACK		/* a key whose group ended: the input is not grouped */
};

void sorted_init(struct sorted *s);
void sorted_free(struct sorted *s);

/* Where a record of key d stands.  SORTED_BACK leaves the current group
 * as it was. */
enum sorted_step sorted_new_key(struct sorted *s, struct digest d);

static inline enum sorted_step
sorted_step(struct sorted *s, struct digest d)
{
	if (s->have && digest_eq(s->cur, d))
		return SORTED_SAME;
	return sorted_new_key(s, d);
}

/* End the group being read without starting another: the next key is
 * SORTED_NEW if never seen, else SORTED_BACK. */
static inline void
sorted_end(struct sorted *s)
{
	s->have = 0;
}

/* The message for a record whose key (text[0 .. len), cut at 80 bytes)
 * came back, into b. */
void sorted_message(struct buf *b, const char *text, size_t len);

#endif
