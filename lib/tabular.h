/*
 * tabular.h: NDJSON records as the rows of a TSV or CSV table (--output).
 *
 * A tool builds its aggregate records as NDJSON, as always; the output
 * layer hands each finished record to tabular_row, which writes it as one
 * row.  So one piece of code makes every tool's tables, and a table has
 * exactly the NDJSON's members, values and order:
 *   - the header is the member names of the first record (or the columns
 *     declared with tabular_column), in order;
 *   - a row has the record's values by member name; a member a record
 *     lacks, and null, are empty cells;
 *   - strings are their decoded text; numbers, true and false their JSON
 *     text; arrays and objects their compact JSON text;
 *   - TSV escapes tab, newline, carriage return and backslash as \t, \n,
 *     \r and \\, as jq's @tsv does;
 *   - CSV writes strings (and names, and nested values) in double quotes
 *     with a quote doubled, as jq's @csv does and RFC 4180 allows, and
 *     numbers, true and false bare;
 *   - lines end with a newline alone.
 */
#ifndef TRAWL_TABULAR_H
#define TRAWL_TABULAR_H

#include <stddef.h>

#include "util.h"

enum out_format { OUT_NDJSON, OUT_TSV, OUT_CSV };

/* "ndjson", "tsv" or "csv"; 0, or -1. */
int out_format_parse(const char *s, enum out_format *f);

struct tabular;

/* f is OUT_TSV or OUT_CSV. */
struct tabular *tabular_new(enum out_format f);
void tabular_free(struct tabular *t);

/*
 * Declare the next column (name[0..n), UTF-8, not JSON-escaped) before the
 * first row: for a tool whose records differ in their members, so that the
 * header holds them all.
 */
void tabular_column(struct tabular *t, const char *name, size_t n);

/*
 * Append the row of the JSON object rec[0..n) (valid JSON, not inside
 * out) to out, newline included, after the header line when it is the
 * first row.  Returns 0, or -1 with *why when rec is not an object or has
 * a member the header lacks.
 */
int tabular_row(struct tabular *t, struct buf *out, const char *rec, size_t n,
    const char **why);

#endif
