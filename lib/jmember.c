/*
 * jmember.c: walk the members of a valid JSON object's text (jmember.h).
 */
#include <stddef.h>

#include "jmember.h"

static size_t
skip_ws(const char *p, size_t n, size_t i)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
		i++;
	return i;
}

enum jtype
jmember_type(const char *p, size_t n)
{
	if (n == 0)
		return J_NULL;
	switch (p[0]) {
	case 'n':
		return J_NULL;
	case 'f':
		return J_FALSE;
	case 't':
		return J_TRUE;
	case '"':
		return J_STRING;
	case '[':
		return J_ARRAY;
	case '{':
		return J_OBJECT;
	default:
		return J_NUMBER;
	}
}

static void
set_val(struct jval *v, const char *p, size_t n)
{
	v->type = jmember_type(p, n);
	v->text = p;
	v->len = n;
	v->num = v->type == J_NUMBER ? json_number(p, n) : 0;
}

int
jmember_next(const char *p, size_t n, size_t *pos, struct jval *key,
    struct jval *val)
{
	size_t i = *pos, len;

	if (i == 0) {
		i = skip_ws(p, n, 0);
		if (i >= n || p[i] != '{')
			return -1;
		i++;
	}
	i = skip_ws(p, n, i);
	if (i < n && p[i] == ',')
		i = skip_ws(p, n, i + 1);
	if (i >= n || p[i] == '}') {
		*pos = n;
		return 0;
	}
	len = json_skip(p + i, n - i);
	if (len == 0)
		return -1;
	set_val(key, p + i, len);
	i = skip_ws(p, n, i + len);
	if (i >= n || p[i] != ':')
		return -1;
	i = skip_ws(p, n, i + 1);
	len = json_skip(p + i, n - i);
	if (len == 0)
		return -1;
	set_val(val, p + i, len);
	*pos = i + len;
	return 1;
}
