/*
 * spill.c: temporary files for what outgrows memory (see spill.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spill.h"
#include "util.h"

int
spill_open(char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	struct buf path = { 0 };
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	buf_addf(&path, "%s/trawl.XXXXXX", dir);
	if ((fd = mkstemp(path.p)) == -1)
		snprintf(err, errlen, "spill file in %s: %s", dir, strerror(errno));
	else
		unlink(path.p);
	buf_free(&path);
	return fd;
}

int
spill_write(int fd, const void *p, size_t n, char *err, size_t errlen)
{
	if (write_all(fd, p, n) == -1) {
		snprintf(err, errlen, "spill file: %s", strerror(errno));
		return -1;
	}
	return 0;
}
