/*
 * fuzz/tabular.c: --output rows (lib/tabular.h).
 *
 * Each input that is one valid JSON object is written as a table of one
 * row, in TSV and in CSV.  The TSV header and row must each be one line
 * with one tab fewer than the header has names; the CSV lines, read back
 * by RFC 4180's rules (quoted fields, "" for a quote), must have as many
 * fields each.  Any other outcome aborts, so libFuzzer records the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tabular.h"

static void
die(const char *why, const uint8_t *p, size_t n)
{
	fprintf(stderr, "fuzz/tabular: %s on %zu bytes: ", why, n);
	fwrite(p, 1, n > 400 ? 400 : n, stderr);
	fputc('\n', stderr);
	abort();
}

/* Fields per line of a TSV text; -1 when a line is not ended. */
static long
tsv_fields(const char *p, size_t n, size_t *lines)
{
	long fields = 1, first = -1;

	*lines = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\t')
			fields++;
		else if (p[i] == '\n' || p[i] == '\r') {
			if (p[i] == '\r')
				return -1;
			if (first >= 0 && fields != first)
				return -1;
			first = fields;
			fields = 1;
			++*lines;
		}
	}
	return n > 0 && p[n - 1] == '\n' ? first : -1;
}

/* The same for CSV, quotes honoured. */
static long
csv_fields(const char *p, size_t n, size_t *lines)
{
	long fields = 1, first = -1;
	int quoted = 0;

	*lines = 0;
	for (size_t i = 0; i < n; i++) {
		if (quoted) {
			if (p[i] == '"') {
				if (i + 1 < n && p[i + 1] == '"')
					i++;
				else
					quoted = 0;
			}
		} else if (p[i] == '"') {
			/* A quote opens only a field. */
			if (i > 0 && p[i - 1] != ',' && p[i - 1] != '\n')
				return -1;
			quoted = 1;
		} else if (p[i] == ',') {
			fields++;
		} else if (p[i] == '\n') {
			if (first >= 0 && fields != first)
				return -1;
			first = fields;
			fields = 1;
			++*lines;
		}
	}
	return !quoted && n > 0 && p[n - 1] == '\n' ? first : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *msg, *why;
	size_t where, lines;
	struct buf out = { 0 };

	if (json_validate(s, size, &msg, &where) < 0)
		return 0;
	while (size > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r')) {
		s++;
		size--;
	}
	if (size == 0 || s[0] != '{')
		return 0;
	for (int f = OUT_TSV; f <= OUT_CSV; f++) {
		struct tabular *t = tabular_new((enum out_format)f);

		buf_reset(&out);
		if (tabular_row(t, &out, s, size, &why) < 0)
			die(why, data, size);
		long n = f == OUT_TSV ? tsv_fields(out.p, out.len, &lines) :
		    csv_fields(out.p, out.len, &lines);
		if (n < 1 || lines != 2)
			die(f == OUT_TSV ? "a TSV table is not a header and a row of as many fields" :
			    "a CSV table is not a header and a row of as many fields", data, size);
		tabular_free(t);
	}
	buf_free(&out);
	return 0;
}
