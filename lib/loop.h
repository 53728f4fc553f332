/*
 * loop.h: the record loop every tool runs, on every core.
 *
 * A tool compiles its expressions into a fieldset and hands the loop a
 * function that takes one record with its evaluated fields.  With
 * --threads N above 1, the input is cut into blocks of whole lines and
 * N threads (workers, and the caller's thread when it has nothing else to
 * do) evaluate the fieldset on every line of a block, each with its own
 * clone of the fieldset; the caller's thread alone then hands the records
 * to the tool, in input order.  Everything the tool does with a record
 * (its tables, output, messages, --stats, --bad) thus happens as with one
 * thread, in the same order, and the output is byte-identical.  Memory
 * stays bounded: a fixed window of 2N + 2 blocks is in flight, each a
 * megabyte or less (a quarter from a mapped file) unless a line is longer.
 */
#ifndef TRAWL_LOOP_H
#define TRAWL_LOOP_H

#include <stddef.h>

#include "field.h"
#include "hash.h"
#include "input.h"

/* The evaluated fields of one record; valid during the record call. */
struct fields;

/* What fs_eval would have said: NULL when the evaluation succeeded, else
 * fs_error's message (the line is bad). */
const char *fv_error(const struct fields *fv);
/* The fieldset the tool gave loop_run (the fields' indexes are its). */
const struct fieldset *fv_fieldset(const struct fields *fv);
/* As fs_count, fs_value and fs_first, for this record. */
size_t fv_count(const struct fields *fv, int i);
const struct jval *fv_value(const struct fields *fv, int i, size_t k);
const struct jval *fv_first(const struct fields *fv, int i);

/*
 * json_digest of field i's first value (fv_first(fv, i), which must not
 * be NULL), with scratch as json_digest's.  For the field named by
 * loop_digest_first, it was computed with --threads by the thread that
 * evaluated the record: the tool's thread, which applies records one by
 * one, then need not.
 */
struct digest fv_first_digest(const struct fields *fv, int i,
    struct buf *scratch);

/* The tool's work on one record: 0 to go on, -1 to stop (--bad=fail). */
typedef int loop_record_fn(const struct line *ln, const struct fields *fv);

/* The number of threads a loop will use: --threads (cli.threads), or
 * the online CPUs when it is 0 (not given). */
unsigned loop_threads(void);

/*
 * Every record of in, in order: fs evaluated on it (fs may be NULL: no
 * fields, fv is then NULL), then record(ln, fv) on the caller's thread.
 * Records are counted in stats.read; an input error (unreadable file,
 * damaged stream) is reported with cli_input_error in its place among the
 * records.  Call it once per input, right after in_open.  Returns 0 at the
 * end of the input, -1 when record stopped it.
 */
int loop_run(struct input *in, struct fieldset *fs, loop_record_fn *record);

/* Field i's first value will be asked for its digest (fv_first_digest)
 * for most records; before loop_run.  -1 (the default): none. */
void loop_digest_first(int i);

#endif
