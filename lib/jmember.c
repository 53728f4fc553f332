/*
 * jmember.c: walk the members of a valid JSON object's text (jmember.h).
 */
#include <stddef.h>

#include "jmember.h"
#include "jscan.h"

/* The index of the first byte of p[i..n) that is not jq's whitespace. */
static size_t
ws(const char *p, size_t n, size_t i)
{
	return (size_t)(jscan_ws(p + i, p + n) - p);
}

static void
set_val(struct jval *v, const char *p, size_t n, int num)
{
	v->type = n == 0 ? J_NULL : jscan_kind(p, n);
	v->text = p;
	v->len = n;
	v->num = num && v->type == J_NUMBER ? json_number(p, n) : 0;
}

static int
next(const char *p, size_t n, size_t *pos, struct jval *key, struct jval *val,
    int num)
{
	size_t i = *pos, len;

	if (i == 0) {
		i = ws(p, n, 0);
		if (i >= n || p[i] != '{')
			return -1;
		i++;
	}
	i = ws(p, n, i);
	if (i < n && p[i] == ',')
		i = ws(p, n, i + 1);
	if (i >= n || p[i] == '}') {
		*pos = n;
		return 0;
	}
	len = json_skip(p + i, n - i);
	if (len == 0)
		return -1;
	set_val(key, p + i, len, 0);
	i = ws(p, n, i + len);
	if (i >= n || p[i] != ':')
		return -1;
	i = ws(p, n, i + 1);
	len = json_skip(p + i, n - i);
	if (len == 0)
		return -1;
	set_val(val, p + i, len, num);
	*pos = i + len;
	return 1;
}

int
jmember_next(const char *p, size_t n, size_t *pos, struct jval *key,
    struct jval *val)
{
	return next(p, n, pos, key, val, 1);
}

int
jmember_next_text(const char *p, size_t n, size_t *pos, struct jval *key,
    struct jval *val)
{
	return next(p, n, pos, key, val, 0);
}
