/*
 * utf8.h: UTF-8 as jq 1.6 reads it (jv_unicode.c), shared by json.c's
 * decoding and printing and by the compiled evaluator's string builtins.
 */
#ifndef TRAWL_UTF8_H
#define TRAWL_UTF8_H

#include <stddef.h>

#include "util.h"

/*
 * One step of jq's jvp_utf8_next: the code point at p (or -1 for an
 * invalid sequence) and the bytes it covers in *len (p < end).
 */
long utf8_next(const unsigned char *p, const unsigned char *end, size_t *len);

/* Write code point cp (at most 0x10FFFF) at o; returns its length. */
size_t utf8_put(char *o, long cp);

/* Whether p[0..n) is valid UTF-8 by jq's rules. */
int utf8_valid(const char *p, size_t n);

/* Replace invalid UTF-8 in out->p[from..len) by U+FFFD as jq does. */
void utf8_fix(struct buf *out, size_t from);

#endif
