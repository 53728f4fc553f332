/*
 * tabular.c: NDJSON records as TSV or CSV rows (see tabular.h).
 *
 * A record is taken apart with jmember_next_text, without a tree; its
 * cells are placed by member name, trying first the column a member would
 * have if the record's members are in the header's order, as a tool's
 * records are, and comparing the name's bytes as they stand before
 * decoding it.  Nothing is allocated per row once the buffers have grown.
 */
#include <stdlib.h>
#include <string.h>

#include "jmember.h"
#include "jscan.h"
#include "json.h"
#include "tabular.h"

struct tabular {
	enum out_format fmt;
	struct buf names;	/* the column names, decoded, back to back */
	size_t *off;		/* column i is names[off[i], off[i + 1]) */
	size_t ncols, cap;
	int started;		/* the header is written */
	struct jval *cell;	/* this row's value per column */
	unsigned char *have;
	struct buf key, text;	/* scratch: a member's name, a cell's text */
};

int
out_format_parse(const char *s, enum out_format *f)
{
	static const char *const names[] = { [OUT_NDJSON] = "ndjson", [OUT_TSV] = "tsv",
		[OUT_CSV] = "csv" };

	for (size_t i = 0; i < LEN(names); i++)
		if (strcmp(s, names[i]) == 0) {
			*f = (enum out_format)i;
			return 0;
		}
	return -1;
}

struct tabular *
tabular_new(enum out_format f)
{
	struct tabular *t = xcalloc(1, sizeof(*t));

	t->fmt = f;
	t->off = xcalloc(1, sizeof(*t->off));
	return t;
}

void
tabular_free(struct tabular *t)
{
	if (t == NULL)
		return;
	buf_free(&t->names);
	buf_free(&t->key);
	buf_free(&t->text);
	free(t->off);
	free(t->cell);
	free(t->have);
	free(t);
}

void
tabular_column(struct tabular *t, const char *name, size_t n)
{
	if (t->ncols == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->off = xreallocarray(t->off, t->cap + 1, sizeof(*t->off));
		t->cell = xreallocarray(t->cell, t->cap, sizeof(*t->cell));
		t->have = xreallocarray(t->have, t->cap, 1);
	}
	buf_add(&t->names, name, n);
	t->off[++t->ncols] = t->names.len;
}

/* The column named k[0..n), trying column guess first; -1 when none. */
static long
column_of(const struct tabular *t, const char *k, size_t n, size_t guess)
{
	size_t i;

	for (i = 0; i < t->ncols; i++) {
		size_t c = (guess + i) % t->ncols;

		if (t->off[c + 1] - t->off[c] == n &&
		    memcmp(t->names.p + t->off[c], k, n) == 0)
			return (long)c;
	}
	return -1;
}

/* A valid JSON value's text without the white space between its tokens. */
static void
compact(struct buf *out, const char *p, size_t n)
{
	size_t i, run;
	int in_string = 0;

	buf_reserve(out, n);
	for (i = 0; i < n; i++) {
		char c = p[i];

		if (in_string) {
			/* Copy up to the next quote or backslash at once. */
			for (run = i; run < n && p[run] != '"' && p[run] != '\\'; run++)
				;
			buf_add(out, p + i, run - i);
			if (run == n)
				break;
			buf_addc(out, p[run]);
			if (p[run] == '\\' && run + 1 < n)
				buf_addc(out, p[++run]);
			else
				in_string = 0;
			i = run;
		} else if (!jscan_isws((unsigned char)c)) {
			buf_addc(out, c);
			in_string = c == '"';
		}
	}
}

/* Text as one cell: escaped for TSV, quoted for CSV. */
static void
put_text(const struct tabular *t, struct buf *out, const char *s, size_t n)
{
	size_t i, run;

	if (t->fmt == OUT_CSV) {
		buf_addc(out, '"');
		for (i = 0; i < n; i = run + 1) {
			const char *q = memchr(s + i, '"', n - i);

			run = q ? (size_t)(q - s) : n;
			buf_add(out, s + i, run - i);
			if (q)
				buf_add(out, "\"\"", 2);
		}
		buf_addc(out, '"');
		return;
	}
	for (i = 0; i < n; i = run + 1) {
		for (run = i; run < n && s[run] != '\t' && s[run] != '\n' && s[run] != '\r' &&
		    s[run] != '\\'; run++)
			;
		buf_add(out, s + i, run - i);
		if (run == n)
			break;
		buf_addc(out, '\\');
		buf_addc(out, s[run] == '\t' ? 't' : s[run] == '\n' ? 'n' : s[run] == '\r' ? 'r' : '\\');
	}
}

static void
put_cell(struct tabular *t, struct buf *out, const struct jval *v)
{
	switch (v->type) {
	case J_NULL:
		break;
	case J_FALSE:
	case J_TRUE:
	case J_NUMBER:
		buf_add(out, v->text, v->len);
		break;
	case J_STRING:
		buf_reset(&t->text);
		json_unescape(&t->text, v->text, v->len);
		put_text(t, out, t->text.p, t->text.len);
		break;
	case J_ARRAY:
	case J_OBJECT:
		buf_reset(&t->text);
		compact(&t->text, v->text, v->len);
		put_text(t, out, t->text.p, t->text.len);
		break;
	}
}

int
tabular_row(struct tabular *t, struct buf *out, const char *rec, size_t n,
    const char **why)
{
	char sep = t->fmt == OUT_CSV ? ',' : '\t';
	struct jval k, v;
	size_t pos = 0, i, m;
	long c;
	int r;

	if (!t->started && t->ncols == 0) {
		while ((r = jmember_next_text(rec, n, &pos, &k, &v)) > 0) {
			buf_reset(&t->key);
			json_unescape(&t->key, k.text, k.len);
			/* A name given twice is one member, as in jq. */
			if (column_of(t, t->key.p, t->key.len, 0) < 0)
				tabular_column(t, t->key.p, t->key.len);
		}
		if (r < 0)
			goto notobject;
		pos = 0;
	}
	if (!t->started) {
		for (i = 0; i < t->ncols; i++) {
			if (i > 0)
				buf_addc(out, sep);
			put_text(t, out, t->names.p + t->off[i],
			    t->off[i + 1] - t->off[i]);
		}
		buf_addc(out, '\n');
		t->started = 1;
	}
	if (t->ncols > 0)
		memset(t->have, 0, t->ncols);
	for (m = 0; (r = jmember_next_text(rec, n, &pos, &k, &v)) > 0; m++) {
		size_t g = t->ncols ? m % t->ncols : 0;

		/* The usual case: the expected column, the same bytes (and
		 * no escape, whose bytes could spell another name). */
		if (g < t->ncols && t->off[g + 1] - t->off[g] == k.len - 2 &&
		    memcmp(t->names.p + t->off[g], k.text + 1, k.len - 2) == 0 &&
		    memchr(k.text + 1, '\\', k.len - 2) == NULL) {
			t->cell[g] = v;
			t->have[g] = 1;
			continue;
		}
		buf_reset(&t->key);
		json_unescape(&t->key, k.text, k.len);
		if ((c = t->ncols ? column_of(t, t->key.p, t->key.len, g) : -1) < 0) {
			*why = "a record has a member the table's header lacks";
			return -1;
		}
		t->cell[c] = v;
		t->have[c] = 1;
	}
	if (r < 0)
		goto notobject;
	for (i = 0; i < t->ncols; i++) {
		if (i > 0)
			buf_addc(out, sep);
		if (t->have[i])
			put_cell(t, out, &t->cell[i]);
	}
	buf_addc(out, '\n');
	return 0;
notobject:
	*why = "a record is not a JSON object";
	return -1;
}
