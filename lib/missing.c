/*
 * missing.c: which expressions left records without a value, for the
 * "nothing written" line (cli.h: cli_field, cli_missing).
 *
 * An expression that yields nothing (a select that filtered the record
 * out) and one that yields null (the record lacks the field) both make a
 * record "missing"; the line tells them apart, per expression, because the
 * cures differ: a misspelled path against a filter that rejects all.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "field.h"
#include "loop.h"

struct named {
	const struct fieldset *fs;
	int field;
	const char *opt, *expr;
	uint64_t nothing, null;
};

static struct named *named;
static size_t nnamed;

int
cli_field(struct fieldset *fs, const char *opt, const char *expr, int flags)
{
	char err[512];
	int i = fs_add(fs, expr, flags, err, sizeof(err));

	if (i < 0)
		cli_usage("%s %s: %s", opt, expr, err);
	cli_explain(fs, i, expr);
	named = xreallocarray(named, nnamed + 1, sizeof(*named));
	named[nnamed++] = (struct named){ fs, i, opt, expr, 0, 0 };
	return i;
}

void
cli_note_missing(const struct fields *fv, int field)
{
	const struct fieldset *fs = fv_fieldset(fv);

	for (size_t i = 0; i < nnamed; i++)
		if (named[i].fs == fs && named[i].field == field) {
			if (fv_count(fv, field) == 0)
				named[i].nothing++;
			else
				named[i].null++;
			return;
		}
}

int
cli_missing_(const struct fields *fv, ...)
{
	va_list ap;
	int f, any = 0;

	va_start(ap, fv);
	while ((f = va_arg(ap, int)) >= 0)
		if (fv_first(fv, f) == NULL) {
			cli_note_missing(fv, f);
			any = 1;
		}
	va_end(ap);
	if (any)
		stats.missing++;
	return any;
}

/* The expression as a shell would need it to be typed again. */
static void
put_expr(struct buf *b, const char *e)
{
	if (*e != '\0' && strspn(e, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-[]?/") == strlen(e)) {
		buf_adds(b, e);
		return;
	}
	buf_addc(b, '\'');
	for (; *e != '\0'; e++) {
		if (*e == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *e);
	}
	buf_addc(b, '\'');
}

int
cli_missing_report(struct buf *b, uint64_t records)
{
	int n = 0;

	for (size_t i = 0; i < nnamed; i++) {
		const struct named *m = &named[i];

		if (m->nothing == 0 && m->null == 0)
			continue;
		buf_adds(b, n++ ? "; " : "");
		buf_addf(b, "%s ", m->opt);
		put_expr(b, m->expr);
		buf_adds(b, ": ");
		if (m->null > 0 && m->nothing > 0)
			buf_addf(b, "null in %llu (the field is missing) and no value in %llu "
			    "(filtered out) of %llu records", (unsigned long long)m->null,
			    (unsigned long long)m->nothing, (unsigned long long)records);
		else if (m->null > 0)
			buf_addf(b, "null in %llu of %llu records (the field is missing)",
			    (unsigned long long)m->null, (unsigned long long)records);
		else
			buf_addf(b, "no value in %llu of %llu records (filtered out)",
			    (unsigned long long)m->nothing, (unsigned long long)records);
	}
	return n;
}

void
cli_missing_free(void)
{
	free(named);
	named = NULL;
	nnamed = 0;
}
