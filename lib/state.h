/*
 * state.h: state files that survive crashes and refuse damage.
 *
 * Layout (documented in trawl(7)):
 *   line 1   "trawl-state TOOL VERSION LENGTH\n"
 *   LENGTH   bytes of tool-defined payload
 *   last     32 lowercase hex digits of digest128(line 1 + payload), "\n"
 * A save writes a temporary file beside the target, fsyncs it, renames it
 * into place and fsyncs the directory, so a crash leaves either the old
 * or the new state, never a mixture.
 */
#ifndef TRAWL_STATE_H
#define TRAWL_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * Load path into payload.  Returns 1 when loaded, 0 when there is no such
 * file (a first run), -1 when it is unreadable, damaged, of another tool
 * or version: err then says which, e.g. "state.bin: checksum mismatch
 * (damaged state file)"; the caller must refuse to run.
 */
int state_load(const char *path, const char *tool, unsigned version,
    struct buf *payload, char *err, size_t errlen);

/* Save payload atomically; 0, or -1 with err ("state.bin: No space left
 * on device"). */
int state_save(const char *path, const char *tool, unsigned version,
    const void *payload, size_t n, char *err, size_t errlen);

/*
 * A payload's fields, for a tool that writes more than fixed-size records:
 * little-endian 64-bit numbers, and byte strings after their length (one
 * such number).  The writer appends to a buf.  The reader walks a loaded
 * payload; a read past its end sets bad, which stays set, and then reads
 * 0 and "": a caller reads a whole record and checks bad once.
 */
void state_put_u64(struct buf *b, uint64_t v);
void state_put_bytes(struct buf *b, const void *p, size_t n);

struct state_reader {
	const unsigned char *p;
	size_t n;		/* bytes in p */
	size_t off;		/* bytes read */
	int bad;		/* a read went past the end */
};

void state_reader_init(struct state_reader *r, const void *p, size_t n);
uint64_t state_get_u64(struct state_reader *r);
/* The next byte string, its length in *n: it points into the payload. */
const char *state_get_bytes(struct state_reader *r, size_t *n);

#endif
