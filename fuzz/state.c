/*
 * fuzz/state.c: loading state files (lib/state.h).
 *
 * Half of the inputs are taken as they are, so the header parser and the
 * length checks see anything; the other half are given a correct
 * trailer digest first, so a damaged header or length is reached past the
 * checksum.  A load that succeeds must give back exactly the payload the
 * file holds, and saving that payload must load back the same.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "state.h"

static void
die(const char *why)
{
	fprintf(stderr, "fuzz/state: %s\n", why);
	abort();
}

static char dir[] = "/tmp/fuzz-state-XXXXXX";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char path[128], err[1024];
	struct buf file = { 0 }, payload = { 0 }, again = { 0 };

	if (!ready) {
		if (mkdtemp(dir) == NULL)
			die("mkdtemp");
		ready = 1;
	}
	snprintf(path, sizeof path, "%s/state", dir);
	if (size > 0 && (data[0] & 1)) {
		/* data[1..] as line 1 and payload, with the right trailer. */
		buf_add(&file, data + 1, size - 1);
		struct digest d = digest128(file.p, file.len);
		buf_addf(&file, "%016" PRIx64 "%016" PRIx64 "\n", d.lo, d.hi);
	} else {
		buf_add(&file, data, size);
	}
	FILE *fp = fopen(path, "wb");
	if (fp == NULL || fwrite(file.p, 1, file.len, fp) != file.len || fclose(fp) != 0)
		die("cannot write the state file");

	int rc = state_load(path, "fuzz", 1, &payload, err, sizeof err);
	if (rc == 0)
		die("an existing file loaded as no file");
	if (rc == 1) {
		/* The payload is the bytes between line 1 and the trailer. */
		const char *nl = memchr(file.p, '\n', file.len);
		if (nl == NULL || file.len < (size_t)(nl + 1 - file.p) + 33 ||
		    payload.len != file.len - (size_t)(nl + 1 - file.p) - 33 ||
		    memcmp(payload.p, nl + 1, payload.len) != 0)
			die("the loaded payload is not the file's");
		if (state_save(path, "fuzz", 1, payload.p, payload.len, err, sizeof err) != 0)
			die(err);
		if (state_load(path, "fuzz", 1, &again, err, sizeof err) != 1 ||
		    again.len != payload.len || memcmp(again.p, payload.p, payload.len) != 0)
			die("a saved payload does not load back");
	}
	unlink(path);
	buf_free(&file);
	buf_free(&payload);
	buf_free(&again);
	return 0;
}
