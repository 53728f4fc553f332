/*
 * fuzz/ts.c: time and duration parsing (lib/ts.h).
 *
 * Any text must parse or be refused without a crash or an overflow that
 * UBSan sees.  A time that parses must print as RFC 3339 and parse back
 * to the same nanosecond; a field value (string or number, at each unit)
 * must agree with ts_parse for strings; ts_floor must land on a bucket
 * start at or before the time; a duration that parses is never negative.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "ts.h"

static void
die(const char *why, const uint8_t *p, size_t n)
{
	fprintf(stderr, "fuzz/ts: %s on %zu bytes: ", why, n);
	fwrite(p, 1, n > 200 ? 200 : n, stderr);
	fputc('\n', stderr);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *why;
	int64_t ns, back;
	struct buf b = { 0 };

	if (ts_parse(s, size, &ns, &why) == 0) {
		ts_put_rfc3339(&b, ns);
		if (ts_parse(b.p, b.len, &back, &why) != 0 || back != ns)
			die("an RFC 3339 time does not read back", data, size);
		static const int64_t widths[] = { 1, 1000, NS_PER_SEC, 60 * NS_PER_SEC,
			3600 * NS_PER_SEC, 86400 * NS_PER_SEC, 7 * 86400 * NS_PER_SEC };
		for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
			int64_t f = ts_floor(ns, widths[i], 0);
			if (f > ns || ns - f >= widths[i])
				die("ts_floor is not the bucket start", data, size);
		}
		buf_reset(&b);
		ts_put(&b, ns, 1);
		buf_reset(&b);
		ts_put(&b, ns, 0);
	}

	/* The same bytes as a JSON field value, when they are one. */
	size_t k = json_skip(s, size);
	if (k > 0 && k == size) {
		struct jval v = { 0 };
		v.text = s;
		v.len = size;
		if (s[0] == '"')
			v.type = J_STRING;
		else if (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))
			v.type = J_NUMBER, v.num = json_number(s, size);
		else
			v.type = s[0] == '[' ? J_ARRAY : s[0] == '{' ? J_OBJECT : J_NULL;
		for (int u = TS_S; u <= TS_NS; u++) {
			if (ts_from_jval(&v, (enum ts_unit)u, &ns, &why) == 0) {
				buf_reset(&b);
				ts_put(&b, ns, 1);
			}
		}
		if (v.type == J_STRING && memchr(s, '\\', size) == NULL) {
			int a = ts_from_jval(&v, TS_S, &ns, &why) == 0;
			int c = ts_parse(s + 1, size - 2, &back, &why) == 0;
			if (a != c || (a && ns != back))
				die("a string field and ts_parse disagree", data, size);
		}
	}

	/* Durations take a C string. */
	char *z = malloc(size + 1);
	memcpy(z, data, size);
	z[size] = '\0';
	if (strlen(z) == size && dur_parse(z, &ns, &why) == 0) {
		if (ns < 0)
			die("a negative duration", data, size);
		buf_reset(&b);
		dur_put_seconds(&b, ns);
	}
	free(z);
	buf_free(&b);
	return 0;
}
