/*
 * spill.h: temporary files for what outgrows memory (pingdedup's spool of
 * candidate records, vstore's sorted runs).
 *
 * A spill file is made in $TMPDIR, else /tmp, and unlinked at once: its
 * space goes back however the run ends, and no other process sees it.
 */
#ifndef TRAWL_SPILL_H
#define TRAWL_SPILL_H

#include <stddef.h>

/* A new spill file open for reading and writing: its descriptor, or -1
 * with err ("spill file in DIR: reason"). */
int spill_open(char *err, size_t errlen);

/* Append p[0 .. n) at the file's offset: 0, or -1 with err
 * ("spill file: reason"). */
int spill_write(int fd, const void *p, size_t n, char *err, size_t errlen);

#endif
