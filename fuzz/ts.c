/*
 * fuzz/ts.c: time and duration parsing (lib/ts.h).
 *
 * Any text must parse or be refused without a crash or an overflow that
 * UBSan sees.  A time that parses must print as RFC 3339 and parse back
 * to the same nanosecond; a field value (string or number, at each unit)
 * must agree with ts_parse for strings; ts_floor must land on a bucket
 * start at or before the time; a duration that parses is never negative.
 * Time formats: the text is read with a few formats, and compiled as a
 * format and used to read a few texts; a time read must print.  Periods:
 * every time's period starts at or before it, the next one after it, and
 * the period's index leads back to its start.
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

static const char *const formats[] = {
	"%d/%b/%Y:%H:%M:%S %z", "%b %e %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f%z",
	"%s.%f", "%a, %d %B %Y %T %Z", "%I:%M %p %F", "%Y %j", "%D %r",
};
static const char *const texts[] = {
	"17/May/2015:10:05:03 +0000", "May  5 10:05:03", "2017-03-12T10:00:00.5Z",
	"1489312800.25", "Sun, 12 March 2017 10:00:00 GMT", "12:30 PM 2017-03-12",
	"2016 366", "03/12/17 01:02:03 am", "",
};
static const char *const periods[] = {
	"hour", "day", "week", "month", "year", "90m", "1w", "7ms",
};

static void
check_period(int64_t ns, const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < sizeof periods / sizeof periods[0]; i++) {
		struct period p;
		const char *why;
		int64_t start, next, back;

		if (period_parse(periods[i], &p, &why) < 0)
			die("a period does not parse", data, size);
		if (!p.calendar && period_set_origin(&p, ns / 3 - 17, &why) < 0)
			die("an origin is refused", data, size);
		start = period_floor(&p, ns);
		if (start > ns)
			die("a period starts after its time", data, size);
		if (period_next(&p, start, &next) == 0 && next <= ns)
			die("the next period starts at or before the time", data, size);
		if (period_start(&p, period_index(&p, ns), &back) < 0 || back != start)
			die("a period's index does not lead back to its start", data, size);
	}
}

static void
check_formats(const uint8_t *data, size_t size)
{
	static struct ts_format *f[sizeof formats / sizeof formats[0]];
	char err[256];
	const char *why;
	int64_t ns;
	struct buf b = { 0 };

	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		if (f[i] == NULL && (f[i] = ts_format_new(formats[i], err, sizeof err)) == NULL)
			die("a format does not compile", (const uint8_t *)formats[i], strlen(formats[i]));
		if (ts_parse_format(f[i], (const char *)data, size, &ns, &why) == 0) {
			ts_put(&b, ns, 0);
			check_period(ns, data, size);
		}
	}
	/* The input as a format (a C string). */
	char *z = malloc(size + 1);
	memcpy(z, data, size);
	z[size] = '\0';
	struct ts_format *g = ts_format_new(z, err, sizeof err);
	for (size_t i = 0; g != NULL && i < sizeof texts / sizeof texts[0]; i++)
		if (ts_parse_format(g, texts[i], strlen(texts[i]), &ns, &why) == 0)
			ts_put(&b, ns, 0);
	ts_format_free(g);
	free(z);
	buf_free(&b);
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
		check_period(ns, data, size);
	}
	check_formats(data, size);

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
			if (ts_from_jval(&v, (enum ts_unit)u, NULL, &ns, &why) == 0) {
				buf_reset(&b);
				ts_put(&b, ns, 1);
			}
		}
		if (v.type == J_STRING && memchr(s, '\\', size) == NULL) {
			int a = ts_from_jval(&v, TS_S, NULL, &ns, &why) == 0;
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
