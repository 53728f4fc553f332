/*
 * gindex.c: a group index (see gindex.h): a digest table to the keys'
 * numbers, and their texts one after another in one buffer.
 */
#include <stdlib.h>

#include "gindex.h"
#include "util.h"

struct gindex {
	struct dtab *tab;	/* digest -> uint32_t number */
	struct buf text;	/* the keys' texts, in number order */
	size_t *end;		/* key i's text ends at end[i], starts at end[i - 1] */
	size_t n, cap;
};

struct gindex *
gi_new(void)
{
	struct gindex *gi = xcalloc(1, sizeof *gi);

	gi->tab = dtab_new(sizeof(uint32_t));
	return gi;
}

void
gi_free(struct gindex *gi)
{
	if (gi == NULL)
		return;
	dtab_free(gi->tab);
	buf_free(&gi->text);
	free(gi->end);
	free(gi);
}

int
gi_put(struct gindex *gi, struct digest d, const char *text, size_t len,
    uint32_t *ix)
{
	int added;
	uint32_t *slot;

	if (gi->n == GI_MAX) {
		/* Full: a new key is refused, a known one still found. */
		if ((slot = dtab_get(gi->tab, d)) == NULL)
			return -1;
		*ix = *slot;
		return 0;
	}
	slot = dtab_put(gi->tab, d, &added);
	if (!added) {
		*ix = *slot;
		return 0;
	}
	if (gi->n == gi->cap) {
		gi->cap = gi->cap ? 2 * gi->cap : 64;
		gi->end = xreallocarray(gi->end, gi->cap, sizeof *gi->end);
	}
	buf_add(&gi->text, text, len);
	gi->end[gi->n] = gi->text.len;
	*ix = *slot = (uint32_t)gi->n++;
	return 1;
}

int
gi_get(const struct gindex *gi, struct digest d, uint32_t *ix)
{
	const uint32_t *slot = dtab_get(gi->tab, d);

	if (slot == NULL)
		return 0;
	*ix = *slot;
	return 1;
}

const char *
gi_text(const struct gindex *gi, uint32_t ix, size_t *len)
{
	size_t start = ix > 0 ? gi->end[ix - 1] : 0;

	*len = gi->end[ix] - start;
	return gi->text.p + start;
}

int
gi_cmp(const struct gindex *gi, uint32_t a, uint32_t b,
    int (*cmp)(const char *, size_t, const char *, size_t))
{
	size_t an, bn;
	const char *at = gi_text(gi, a, &an), *bt = gi_text(gi, b, &bn);

	return cmp(at, an, bt, bn);
}

size_t
gi_count(const struct gindex *gi)
{
	return gi->n;
}

size_t
gi_bytes(const struct gindex *gi)
{
	return sizeof *gi + dtab_bytes(gi->tab) + gi->text.cap +
	    gi->cap * sizeof *gi->end;
}
