/*
 * sorted.c: the --sorted check (see sorted.h).
 */
#include "sorted.h"

void
sorted_init(struct sorted *s)
{
	s->seen = dtab_new(0);
	s->have = 0;
}

void
sorted_free(struct sorted *s)
{
	dtab_free(s->seen);
	s->seen = NULL;
}

enum sorted_step
sorted_new_key(struct sorted *s, struct digest d)
{
	int added;

	dtab_put(s->seen, d, &added);
	if (!added)
		return SORTED_BACK;
	s->cur = d;
	s->have = 1;
	return SORTED_NEW;
}

void
sorted_message(struct buf *b, const char *text, size_t len)
{
	buf_reset(b);
	buf_adds(b, "key ");
	buf_add(b, text, len > 80 ? 80 : len);
	buf_adds(b, len > 80 ? "... " : " ");
	buf_adds(b, "reappears after its group ended "
	    "(--sorted needs the input grouped by key)");
}
