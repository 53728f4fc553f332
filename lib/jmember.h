/*
 * jmember.h: the members of a JSON object, read from its text.
 *
 * For taking an object apart without a tree: histo's {bucket: count} maps
 * and merged partial outputs, cidrscore's merged outputs, actorsig's
 * X-Analytics objects, NDJSON table rows (iptread.c) and --output's rows
 * (tabular.c).  The text must be valid JSON (fs_eval or json_validate has
 * checked it), so the walk only finds token boundaries and never
 * re-validates.
 */
#ifndef TRAWL_JMEMBER_H
#define TRAWL_JMEMBER_H

#include <stddef.h>

#include "json.h"

/*
 * The next member of the object whose valid text is p[0..n): start with
 * *pos = 0.  Returns 1 with the key (a J_STRING, quotes included) and the
 * value (type, text and, for numbers, num), 0 after the last member, or
 * -1 when p does not hold an object.  Duplicate keys are all returned, in
 * order (jq keeps the last).
 */
int jmember_next(const char *p, size_t n, size_t *pos, struct jval *key,
    struct jval *val);

/* The same without converting numbers (val->num is 0): for a caller that
 * needs only the texts, since the conversion costs more than the walk. */
int jmember_next_text(const char *p, size_t n, size_t *pos, struct jval *key,
    struct jval *val);

#endif
