/*
 * t_fieldgen: deterministic records for the field differential tests.
 *
 *   t_fieldgen [-n COUNT] [-s SEED]
 *
 * Writes COUNT lines (default 3000) drawn from a seeded generator that
 * favours the cases where a raw-text scanner and jq could disagree:
 * duplicate keys (at every level), keys spelled with escapes, with dots,
 * spaces, raw and escaped non-ASCII and invalid UTF-8, numbers jq reads
 * specially (79.0 and 79, -0, 1e400, integers above 2^53, NaN, 01, +1, .5),
 * strings with escapes, surrogate pairs, lone low surrogates, raw 0x1f and
 * invalid bytes, nested arrays and objects, null intermediates, non-object
 * lines, optional whitespace, and a share of lines that are not JSON
 * (truncated, trailing garbage, two values, bad literals).  The same seed
 * always gives the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static uint64_t state;

static uint64_t
rnd(void)
{
	uint64_t z = (state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static unsigned
pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* Keys as written in records; several spell the same decoded key. */
static const char *const keys[] = {
	"\"a\"", "\"a\"", "\"b\"", "\"b\"", "\"c\"", "\"id\"", "\"x y\"",
	"\"a.b\"", "\"\xc3\xa9\"", "\"\\u00e9\"", "\"\\u0061\"", "\"\"",
	"\"\\ud83d\\ude00\"", "\"\xf0\x9f\x98\x80\"", "\"\xff\"", "\"\\ufffd\"",
	"\"\\\"q\"", "\"meta\"", "\"0\"",
};

static const char *const numbers[] = {
	"0", "-0", "1", "79", "79.0", "7.9e1", "1e400", "-1e400",
	"1485817596984554752", "9007199254740993", "0.1", "1e-400", "-1e-400",
	"1.5", "-2", "100000000000000000000", "1E2", "4.0", "3", "2",
	"NaN", "01", "+1", ".5", "1.", "-0.0", "123456789012345678901234567890",
	"0.30000000000000004", "5e-324", "1.7976931348623157e308",
};

static const char *const strings[] = {
	"\"\"", "\"x\"", "\"5\"", "\"79\"", "\"a\\\"b\"", "\"\\\\\"",
	"\"\\u00e9\"", "\"\xc3\xa9\"", "\"\\ud83d\\ude00\"", "\"\\udc00\"",
	"\"\\u0000\"", "\"a\x1f\"", "\"\xff\xfe\"", "\"\xed\xa0\x80z\"",
	"\"\\/\"", "\"tab\\t\"", "\"\\u007f\x7f\"", "\"\xe0\\u0080\"",
	"\"a\x00b\"", "\"\xc3\"", "\"x y\"", "\"a.b\"", "\"null\"",
};

static const char *const ws[] = { "", "", "", "", " ", "\t", "\r\n " };

static void
space(struct buf *b)
{
	buf_adds(b, ws[pick(LEN(ws))]);
}

static void value(struct buf *b, int depth);

static void
object(struct buf *b, int depth)
{
	unsigned n = pick(5);
	buf_addc(b, '{');
	space(b);
	for (unsigned i = 0; i < n; i++) {
		if (i) {
			buf_addc(b, ',');
			space(b);
		}
		buf_adds(b, keys[pick(LEN(keys))]);
		space(b);
		buf_addc(b, ':');
		space(b);
		value(b, depth + 1);
		space(b);
	}
	buf_addc(b, '}');
}

static void
array(struct buf *b, int depth)
{
	unsigned n = pick(5);
	buf_addc(b, '[');
	space(b);
	for (unsigned i = 0; i < n; i++) {
		if (i) {
			buf_addc(b, ',');
			space(b);
		}
		value(b, depth + 1);
		space(b);
	}
	buf_addc(b, ']');
}

static void
value(struct buf *b, int depth)
{
	unsigned r = pick(depth > 4 ? 6 : 12);
	switch (r) {
	case 0: buf_adds(b, "null"); break;
	case 1: buf_adds(b, pick(2) ? "true" : "false"); break;
	case 2: case 3: buf_adds(b, numbers[pick(LEN(numbers))]); break;
	case 4: case 5: buf_adds(b, strings[pick(LEN(strings))]); break;
	case 6: case 7: case 8: case 9: object(b, depth); break;
	default: array(b, depth); break;
	}
}

/* Ways a line stops being JSON. */
static void
spoil(struct buf *b)
{
	switch (pick(6)) {
	case 0:		/* truncated */
		if (b->len > 1)
			b->len = 1 + pick((unsigned)b->len - 1);
		b->p[b->len] = '\0';
		break;
	case 1: buf_adds(b, " 1"); break;		/* two values */
	case 2: buf_adds(b, "x"); break;		/* trailing garbage */
	case 3: buf_adds(b, ",{}"); break;
	case 4: buf_adds(b, "}"); break;
	default:
		b->len = 0;
		buf_adds(b, pick(2) ? "{\"a\":tru}" : "{\"a\":[1,]}");
		break;
	}
}

int
main(int argc, char **argv)
{
	unsigned long count = 3000, seed = 1;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "-n") == 0)
			count = strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "-s") == 0)
			seed = strtoul(argv[i + 1], NULL, 10);
		else {
			fprintf(stderr, "usage: t_fieldgen [-n count] [-s seed]\n");
			return 2;
		}
	}
	state = seed;
	struct buf b = { 0 };
	for (unsigned long i = 0; i < count; i++) {
		buf_reset(&b);
		if (pick(2))
			space(&b);
		if (pick(10) < 8)
			object(&b, 0);
		else
			value(&b, 0);
		if (pick(2))
			space(&b);
		if (pick(20) == 0)
			spoil(&b);
		/* A line never holds a newline; "\r\n " spacing becomes CR. */
		for (size_t k = 0; k < b.len; k++)
			if (b.p[k] == '\n')
				b.p[k] = ' ';
		fwrite(b.p, 1, b.len, stdout);
		putchar('\n');
	}
	buf_free(&b);
	return 0;
}
