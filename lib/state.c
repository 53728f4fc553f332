/*
 * state.c: state files that survive crashes and refuse damage (see
 * state.h for the layout).
 *
 * The trailer is digest128 of everything before it, written as lo then hi,
 * each as 16 lowercase hex digits (most significant first).  A load checks
 * the header's shape, then the length, then the checksum, and only then
 * whose file it is: a header damaged into another tool's name is reported
 * as damage, not as a foreign file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "state.h"
#include "util.h"

#define MAGIC		"trawl-state "
#define HEADER_MAX	256	/* longer first lines are not ours */
#define TRAILER_LEN	33	/* 32 hex digits and a newline */

static void
trailer(char out[TRAILER_LEN + 1], const char *p, size_t n)
{
	struct digest d = digest128(p, n);

	snprintf(out, TRAILER_LEN + 1, "%016" PRIx64 "%016" PRIx64 "\n",
	    d.lo, d.hi);
}

static int
fail(char *err, size_t errlen, const char *path, const char *what)
{
	snprintf(err, errlen, "%s: %s", path, what);
	return -1;
}

/* A decimal number of digits only, up to the byte stop. */
static int
number(const char **pp, const char *end, char stop, uint64_t *v)
{
	const char *p = *pp;
	uint64_t x = 0;

	if (p >= end || *p < '0' || *p > '9')
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	if (p >= end || *p != stop)
		return -1;
	*pp = p + 1;
	*v = x;
	return 0;
}

/* Read fd into f until it holds at least want bytes or the file ends;
 * 0, or -1 with errno set. */
static int
read_upto(int fd, struct buf *f, size_t want)
{
	while (f->len < want) {
		size_t room = want - f->len < (1 << 20) ? want - f->len : 1 << 20;
		buf_reserve(f, room);
		ssize_t r = read(fd, f->p + f->len, room);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		f->len += (size_t)r;
		f->p[f->len] = '\0';
	}
	return 0;
}

int
state_load(const char *path, const char *tool, unsigned version,
    struct buf *payload, char *err, size_t errlen)
{
	struct buf f = { 0 };
	const char *tname, *tend, *p, *nl;
	uint64_t ver, len;
	int rc = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return fail(err, errlen, path, strerror(errno));
	}
	/* The header first: a wrong file (say, a big NDJSON input given by
	 * mistake) is refused without reading it all. */
	if (read_upto(fd, &f, HEADER_MAX) < 0) {
		fail(err, errlen, path, strerror(errno));
		goto out;
	}
	nl = f.len > 0 ? memchr(f.p, '\n', f.len) : NULL;
	if (nl == NULL || f.len < sizeof(MAGIC) - 1 ||
	    memcmp(f.p, MAGIC, sizeof(MAGIC) - 1) != 0) {
		fail(err, errlen, path, "not a trawl state file");
		goto out;
	}
	tname = f.p + sizeof(MAGIC) - 1;
	tend = tname;
	while (tend < nl && *tend != ' ')
		tend++;
	p = tend + 1;
	if (tend == tname || tend >= nl || number(&p, nl, ' ', &ver) < 0 ||
	    number(&p, nl + 1, '\n', &len) < 0 ||
	    len > SIZE_MAX - HEADER_MAX - TRAILER_LEN - 1) {
		fail(err, errlen, path, "not a trawl state file");
		goto out;
	}
	/* Offsets, not pointers: reading on may move f.p. */
	size_t hlen = (size_t)(p - f.p);
	size_t tlen = (size_t)(tend - tname);
	size_t total = hlen + (size_t)len + TRAILER_LEN;
	/* One byte more than expected tells a longer file from an exact one. */
	if (read_upto(fd, &f, total + 1) < 0) {
		fail(err, errlen, path, strerror(errno));
		goto out;
	}
	if (f.len < total) {
		fail(err, errlen, path,
		    "truncated state file (length mismatch)");
		goto out;
	}
	if (f.len > total) {
		fail(err, errlen, path, "length mismatch (damaged state file)");
		goto out;
	}
	char want[TRAILER_LEN + 1];
	trailer(want, f.p, hlen + (size_t)len);
	if (memcmp(want, f.p + hlen + len, TRAILER_LEN) != 0) {
		fail(err, errlen, path,
		    "checksum mismatch (damaged state file)");
		goto out;
	}
	tname = f.p + sizeof(MAGIC) - 1;
	if (tlen != strlen(tool) || memcmp(tname, tool, tlen) != 0) {
		snprintf(err, errlen, "%s: state file of %.*s, not %s", path,
		    (int)tlen, tname, tool);
		goto out;
	}
	if (ver != version) {
		snprintf(err, errlen, "%s: state format version %" PRIu64
		    ", this %s reads %u", path, ver, tool, version);
		goto out;
	}
	buf_reset(payload);
	buf_add(payload, f.p + hlen, (size_t)len);
	rc = 1;
out:
	close(fd);
	buf_free(&f);
	return rc;
}

int
state_save(const char *path, const char *tool, unsigned version,
    const void *payload, size_t n, char *err, size_t errlen)
{
	struct buf f = { 0 };
	char tr[TRAILER_LEN + 1];

	buf_addf(&f, "%s%s %u %zu\n", MAGIC, tool, version, n);
	buf_add(&f, payload, n);
	trailer(tr, f.p, f.len);
	buf_add(&f, tr, TRAILER_LEN);

	/* The temporary file sits beside the target so rename is atomic. */
	char *tmp = xmalloc(strlen(path) + sizeof(".XXXXXX"));
	strcpy(tmp, path);
	strcat(tmp, ".XXXXXX");
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		buf_free(&f);
		return fail(err, errlen, path, strerror(e));
	}
	/* mkstemp makes it 0600; a state file is as private as any other
	 * file the user writes, so let the umask decide. */
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || write_all(fd, f.p, f.len) != 0 ||
	    fsync(fd) != 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		free(tmp);
		buf_free(&f);
		return fail(err, errlen, path, strerror(e));
	}
	buf_free(&f);
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		free(tmp);
		return fail(err, errlen, path, strerror(e));
	}
	free(tmp);

	/* The rename itself must reach the disk before we call it saved. */
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? xstrdup(".") :
	    xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (dfd < 0)
		return fail(err, errlen, path, strerror(errno));
	if (fsync(dfd) != 0 && errno != EINVAL) {
		int e = errno;
		close(dfd);
		return fail(err, errlen, path, strerror(e));
	}
	close(dfd);
	return 0;
}

void
state_put_u64(struct buf *b, uint64_t v)
{
	unsigned char x[8];

	store_le64(x, v);
	buf_add(b, x, sizeof(x));
}

void
state_put_bytes(struct buf *b, const void *p, size_t n)
{
	state_put_u64(b, n);
	buf_add(b, p, n);
}

void
state_reader_init(struct state_reader *r, const void *p, size_t n)
{
	r->p = p;
	r->n = n;
	r->off = 0;
	r->bad = 0;
}

uint64_t
state_get_u64(struct state_reader *r)
{
	uint64_t v;

	if (r->bad || r->n - r->off < 8) {
		r->bad = 1;
		return 0;
	}
	v = load_le64(r->p + r->off);
	r->off += 8;
	return v;
}

const char *
state_get_bytes(struct state_reader *r, size_t *n)
{
	uint64_t len = state_get_u64(r);
	const char *p;

	if (r->bad || r->n - r->off < len) {
		r->bad = 1;
		*n = 0;
		return "";
	}
	p = (const char *)r->p + r->off;
	r->off += len;
	*n = len;
	return p;
}
