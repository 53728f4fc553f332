/* iptread.c: IP range table files read as rows (iptread.h). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <maxminddb.h>

#include "hash.h"
#include "input.h"
#include "iptread.h"
#include "jmember.h"
#include "json.h"

/* ----- private prototypes ----- */

enum fmt { F_NDJSON, F_CSV, F_TSV, F_CSV_BARE, F_TSV_BARE, F_MMDB };
enum rkey { K_OTHER, K_CIDR, K_START, K_END };

struct span {
	size_t off, len;
};

/* One pending record of the MaxMind DB search tree walk. */
struct mrec {
	uint64_t value;		/* node number, or data pointer */
	uint8_t type;		/* MMDB_RECORD_TYPE_* */
	uint8_t depth;		/* prefix length in the 128-bit space */
	struct ip prefix;
	MMDB_entry_s entry;
};

struct ipt_reader {
	const char *path;
	int flags;
	enum fmt fmt;
	struct input *in;
	char *in_paths[1];	/* in_open keeps this array, not a copy */
	struct line ln;
	int detected;		/* the format has been decided from the first line */
	/* CSV/TSV */
	size_t ncols;
	struct buf keys;	/* per column "name": as JSON */
	struct span *key;
	int col_cidr, col_start, col_end;
	struct buf fields;	/* unquoted fields of the current line */
	struct span *field;
	size_t fieldcap;
	/* output */
	struct buf attrs, obj, tmp, tmp2;
	/* MaxMind DB */
	int mmdb_open;
	MMDB_s mmdb;
	struct mrec *stack;
	size_t nstack;
	uint32_t v4start;	/* node of ::/96 in an IPv6 tree, or UINT32_MAX */
	struct dtab *cache;	/* data offset -> span in arena */
	struct buf arena;
	uint64_t networks;
	/* Rows still to return from the last leaf, which can stand for up to
	 * three (see next_mmdb), with its attributes. */
	struct { struct ip lo, hi; int bits; } pend[3];
	int npend;
	struct span pendattrs;
};

static int rfail(struct ipt_reader *r, char *err, size_t errlen,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int open_mmdb(struct ipt_reader *r, char *err, size_t errlen);
static int next_mmdb(struct ipt_reader *r, struct ipt_row *row, char *err,
    size_t errlen);
static int next_ndjson(struct ipt_reader *r, struct ipt_row *row, char *err,
    size_t errlen);
static int next_csv(struct ipt_reader *r, struct ipt_row *row, char *err,
    size_t errlen);

/* ----- reading: common ----- */

static int
rfail(struct ipt_reader *r, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s:%llu: ", r->path,
	    (unsigned long long)r->ln.lineno);

	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static enum rkey
range_key(const char *k, size_t n)
{
#define IS(s) (n == sizeof(s) - 1 && memcmp(k, s, n) == 0)
	if (IS("cidr") || IS("network"))
		return K_CIDR;
	if (IS("start") || IS("range_start") || IS("ip_range_start"))
		return K_START;
	if (IS("end") || IS("range_end") || IS("ip_range_end"))
		return K_END;
	return K_OTHER;
#undef IS
}

/* Quote s[0..n) for a message (at most 80 bytes of it). */
static const char *
quoted(struct buf *b, const char *s, size_t n)
{
	buf_reset(b);
	json_put_string(b, s, n > 80 ? 80 : n);
	if (n > 80)
		buf_adds(b, "...");
	return b->p;
}

/* Check a parsed range and fill the row; text gives the message's wording. */
static int
set_cidr(struct ipt_reader *r, struct ipt_row *row, const char *s, size_t n,
    char *err, size_t errlen)
{
	unsigned bits;

	if (ip_prefix_parse(s, n, &row->lo, &bits) < 0)
		return rfail(r, err, errlen, "not a CIDR: %s",
		    quoted(&r->tmp2, s, n));
	row->hi = ip_last(row->lo, bits);
	row->bits = (int)bits;
	return 0;
}

static int
set_range(struct ipt_reader *r, struct ipt_row *row, const char *s, size_t sn,
    const char *e, size_t en, char *err, size_t errlen)
{
	if (ip_parse(s, sn, &row->lo) < 0)
		return rfail(r, err, errlen, "not an IP address: %s",
		    quoted(&r->tmp2, s, sn));
	if (ip_parse(e, en, &row->hi) < 0)
		return rfail(r, err, errlen, "not an IP address: %s",
		    quoted(&r->tmp2, e, en));
	row->bits = -1;
	if (ip_is_v4(row->lo) != ip_is_v4(row->hi))
		return rfail(r, err, errlen,
		    "range mixes IPv4 and IPv6: %.*s-%.*s", (int)sn, s, (int)en, e);
	if (ip_cmp(row->lo, row->hi) > 0)
		return rfail(r, err, errlen,
		    "range ends before it starts: %.*s-%.*s", (int)sn, s, (int)en,
		    e);
	return 0;
}

struct ipt_reader *
iptr_open(const char *path, int flags, char *err, size_t errlen)
{
	struct ipt_reader *r = xcalloc(1, sizeof(*r));

	r->path = path;
	r->flags = flags;
	r->col_cidr = r->col_start = r->col_end = -1;
	r->v4start = UINT32_MAX;
	if (strcmp(path, "-") != 0) {
		int st = open_mmdb(r, err, errlen);

		if (st < 0) {
			iptr_close(r);
			return NULL;
		}
		if (st > 0)
			return r;
	}
	r->in_paths[0] = (char *)path;
	r->in = in_open(r->in_paths, 1);
	r->fmt = F_NDJSON;
	return r;
}

const char *
iptr_format(const struct ipt_reader *r)
{
	static const char *const names[] = {
		"ndjson", "csv", "tsv", "csv-headerless", "tsv-headerless", "mmdb"
	};

	return names[r->fmt];
}

void
iptr_close(struct ipt_reader *r)
{
	if (r == NULL)
		return;
	if (r->in)
		in_close(r->in);
	if (r->mmdb_open)
		MMDB_close(&r->mmdb);
	if (r->cache)
		dtab_free(r->cache);
	free(r->stack);
	free(r->key);
	free(r->field);
	buf_free(&r->keys);
	buf_free(&r->fields);
	buf_free(&r->attrs);
	buf_free(&r->obj);
	buf_free(&r->tmp);
	buf_free(&r->tmp2);
	buf_free(&r->arena);
	free(r);
}

/* ----- reading: text tables ----- */

/*
 * Split p[0..n) at sep into r->field; with quoting, RFC 4180 double
 * quotes.  0, or -1 with *msg.
 */
static int
split(struct ipt_reader *r, const char *p, size_t n, char sep, int quoting,
    size_t *nf, const char **msg)
{
	size_t i = 0, k = 0;

	buf_reset(&r->fields);
	for (;;) {
		size_t off = r->fields.len;

		if (quoting && i < n && p[i] == '"') {
			i++;
			for (;;) {
				const char *q = memchr(p + i, '"', n - i);

				if (q == NULL) {
					*msg = "unterminated quoted field";
					return -1;
				}
				buf_add(&r->fields, p + i,
				    (size_t)(q - (p + i)));
				i = (size_t)(q - p) + 1;
				if (i < n && p[i] == '"') {
					buf_addc(&r->fields, '"');
					i++;
					continue;
				}
				break;
			}
			if (i < n && p[i] != sep) {
				*msg = "text after a closing quote";
				return -1;
			}
		} else {
			const char *q = memchr(p + i, sep, n - i);
			size_t e = q ? (size_t)(q - p) : n;

			buf_add(&r->fields, p + i, e - i);
			i = e;
		}
		if (k == r->fieldcap) {
			r->fieldcap = r->fieldcap ? 2 * r->fieldcap : 16;
			r->field = xreallocarray(r->field, r->fieldcap,
			    sizeof(*r->field));
		}
		r->field[k].off = off;
		r->field[k].len = r->fields.len - off;
		k++;
		if (i >= n)
			break;
		i++;	/* the separator; a final one leaves an empty last field */
	}
	*nf = k;
	return 0;
}

#define FIELD(r, i) ((r)->fields.p + (r)->field[i].off)
#define FLEN(r, i) ((r)->field[i].len)

/* Name the columns: from the header fields, or by the headerless layout. */
static int
set_columns(struct ipt_reader *r, size_t nf, int bare, char *err, size_t errlen)
{
	static const char *const l3[] = { "start", "end", "country" };
	static const char *const l4[] = { "start", "end", "asn", "org" };
	static const char *const l5[] = { "start", "end", "asn", "country", "org" };
	const char *const *names = NULL;

	if (bare) {
		if (nf == 3)
			names = l3;
		else if (nf == 4 && r->fmt == F_CSV_BARE)
			names = l4;
		else if (nf == 5 && r->fmt == F_TSV_BARE)
			names = l5;
	}
	r->ncols = nf;
	r->key = xreallocarray(NULL, nf, sizeof(*r->key));
	for (size_t i = 0; i < nf; i++) {
		char num[24];
		const char *s;
		size_t n;

		if (!bare) {
			s = FIELD(r, i);
			n = FLEN(r, i);
		} else if (names) {
			s = names[i];
			n = strlen(s);
		} else if (i < 2) {
			s = i == 0 ? "start" : "end";
			n = strlen(s);
		} else {
			/* Column numbers, as Miller names headerless columns. */
			n = (size_t)snprintf(num, sizeof(num), "%zu", i + 1);
			s = num;
		}
		enum rkey k = range_key(s, n);
		int *col = k == K_CIDR ? &r->col_cidr : k == K_START ? &r->col_start :
		    k == K_END ? &r->col_end : NULL;
		if (col && *col < 0)
			*col = (int)i;
		r->key[i].off = r->keys.len;
		json_put_string(&r->keys, s, n);
		buf_addc(&r->keys, ':');
		r->key[i].len = r->keys.len - r->key[i].off;
	}
	if (r->col_cidr >= 0 && (r->col_start >= 0 || r->col_end >= 0))
		return rfail(r, err, errlen,
		    "both a cidr and a start/end column");
	if (r->col_cidr < 0 && (r->col_start < 0 || r->col_end < 0))
		return rfail(r, err, errlen,
		    "no cidr, network or start and end column");
	return 0;
}

/* Decide the format from the first line: 1 when it is a data row, 0 a header. */
static int
detect(struct ipt_reader *r, char *err, size_t errlen)
{
	/* A UTF-8 byte order mark is not part of the first line's text. */
	const char *p = json_skip_bom(r->ln.p, r->ln.p + r->ln.len);
	size_t n = r->ln.len - (size_t)(p - r->ln.p), nf;
	const char *msg;
	struct ip a;

	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	if (n > 0 && *p == '{') {
		r->fmt = F_NDJSON;
		return 1;
	}
	p = json_skip_bom(r->ln.p, r->ln.p + r->ln.len);
	n = r->ln.len - (size_t)(p - r->ln.p);
	int tab = memchr(p, '\t', n) != NULL;
	r->fmt = tab ? F_TSV : F_CSV;
	if (split(r, p, n, tab ? '\t' : ',', !tab, &nf, &msg) < 0)
		return rfail(r, err, errlen, "%s", msg);
	int bare = nf >= 2 && ip_parse(FIELD(r, 0), FLEN(r, 0), &a) == 0 &&
	    ip_parse(FIELD(r, 1), FLEN(r, 1), &a) == 0;
	if (bare)
		r->fmt = tab ? F_TSV_BARE : F_CSV_BARE;
	if (set_columns(r, nf, bare, err, errlen) < 0)
		return -1;
	return bare;
}

/* 1 when s[0..n) is a number in RFC 8259's grammar (no leading zeros,
 * which jq 1.6 would accept but strict readers refuse: "01234" is a zip). */
static int
is_number(const char *s, size_t n)
{
	size_t i = 0, d;

#define DIGITS() do { d = i; while (i < n && s[i] >= '0' && s[i] <= '9') i++; } while (0)
	if (i < n && s[i] == '-')
		i++;
	DIGITS();
	if (i == d || (s[d] == '0' && i - d > 1))
		return 0;
	if (i < n && s[i] == '.') {
		i++;
		DIGITS();
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		DIGITS();
		if (i == d)
			return 0;
	}
#undef DIGITS
	return i == n;
}

/* Append a CSV field as a JSON value: a number when it is one as written. */
static void
put_value(struct buf *out, const char *s, size_t n)
{
	if (is_number(s, n))
		buf_add(out, s, n);
	else
		json_put_string(out, s, n);
}

static int
next_csv(struct ipt_reader *r, struct ipt_row *row, char *err, size_t errlen)
{
	int tab = r->fmt == F_TSV || r->fmt == F_TSV_BARE;
	const char *msg;
	size_t nf;
	int want_obj = r->flags & IPTR_OBJ;

	if (split(r, r->ln.p, r->ln.len, tab ? '\t' : ',', !tab, &nf, &msg) < 0)
		return rfail(r, err, errlen, "%s", msg);
	if (nf != r->ncols)
		return rfail(r, err, errlen, "%zu fields, expected %zu", nf,
		    r->ncols);
	if (r->col_cidr >= 0) {
		if (set_cidr(r, row, FIELD(r, r->col_cidr),
		    FLEN(r, r->col_cidr), err, errlen) < 0)
			return -1;
	} else if (set_range(r, row, FIELD(r, r->col_start),
	    FLEN(r, r->col_start), FIELD(r, r->col_end), FLEN(r, r->col_end),
	    err, errlen) < 0) {
		return -1;
	}
	buf_reset(&r->attrs);
	buf_reset(&r->obj);
	if (want_obj)
		buf_addc(&r->obj, '{');
	for (size_t i = 0; i < nf; i++) {
		const char *k = r->keys.p + r->key[i].off;
		size_t kl = r->key[i].len;

		if (want_obj) {
			if (i > 0)
				buf_addc(&r->obj, ',');
			buf_add(&r->obj, k, kl);
			put_value(&r->obj, FIELD(r, i), FLEN(r, i));
		}
		if ((int)i == r->col_cidr || (int)i == r->col_start ||
		    (int)i == r->col_end)
			continue;
		if (r->attrs.len > 0)
			buf_addc(&r->attrs, ',');
		buf_add(&r->attrs, k, kl);
		put_value(&r->attrs, FIELD(r, i), FLEN(r, i));
	}
	if (want_obj)
		buf_addc(&r->obj, '}');
	return 1;
}

static int
next_ndjson(struct ipt_reader *r, struct ipt_row *row, char *err, size_t errlen)
{
	const char *p = json_skip_bom(r->ln.p, r->ln.p + r->ln.len), *msg;
	size_t n = r->ln.len - (size_t)(p - r->ln.p), where, pos = 0;
	struct jval k, v, cidr = { 0 }, start = { 0 }, end = { 0 };
	int st;

	if (json_validate(p, n, &msg, &where) < 0)
		return rfail(r, err, errlen, "%s", msg);
	buf_reset(&r->attrs);
	while ((st = jmember_next(p, n, &pos, &k, &v)) > 0) {
		const char *name = k.text + 1;
		size_t nl = k.len - 2;

		if (memchr(name, '\\', nl)) {
			buf_reset(&r->tmp);
			json_unescape(&r->tmp, k.text, k.len);
			name = r->tmp.p;
			nl = r->tmp.len;
		}
		switch (range_key(name, nl)) {
		case K_CIDR:
			cidr = v;
			continue;
		case K_START:
			start = v;
			continue;
		case K_END:
			end = v;
			continue;
		case K_OTHER:
			break;
		}
		/* Attributes are written into records: as jq writes them. */
		if (r->attrs.len > 0)
			buf_addc(&r->attrs, ',');
		json_put_text(&r->attrs, k.text, k.len);
		buf_addc(&r->attrs, ':');
		json_put_text(&r->attrs, v.text, v.len);
	}
	if (st < 0)
		return rfail(r, err, errlen, "not a JSON object");
	if (cidr.text && (start.text || end.text))
		return rfail(r, err, errlen, "both a cidr and a start/end");
	if (cidr.text) {
		if (cidr.type != J_STRING)
			return rfail(r, err, errlen, "not a CIDR: %.*s",
			    (int)cidr.len, cidr.text);
		buf_reset(&r->tmp);
		json_unescape(&r->tmp, cidr.text, cidr.len);
		if (set_cidr(r, row, r->tmp.p, r->tmp.len, err, errlen) < 0)
			return -1;
	} else if (start.text && end.text) {
		if (start.type != J_STRING)
			return rfail(r, err, errlen, "not an IP address: %.*s",
			    (int)start.len, start.text);
		if (end.type != J_STRING)
			return rfail(r, err, errlen, "not an IP address: %.*s",
			    (int)end.len, end.text);
		buf_reset(&r->tmp);
		json_unescape(&r->tmp, start.text, start.len);
		size_t sl = r->tmp.len;
		json_unescape(&r->tmp, end.text, end.len);
		if (set_range(r, row, r->tmp.p, sl, r->tmp.p + sl,
		    r->tmp.len - sl, err, errlen) < 0)
			return -1;
	} else {
		return rfail(r, err, errlen, "no cidr or start and end");
	}
	row->obj = p;
	row->objlen = n;
	return 1;
}

int
iptr_next(struct ipt_reader *r, struct ipt_row *row, char *err, size_t errlen)
{
	int st;

	if (r->fmt == F_MMDB)
		return next_mmdb(r, row, err, errlen);
	st = in_next(r->in, &r->ln);
	if (st < 0) {
		snprintf(err, errlen, "%s", in_error(r->in));
		return -1;
	}
	if (st == 0)
		return 0;
	if (!r->detected) {
		r->detected = 1;
		st = detect(r, err, errlen);
		if (st < 0)
			return -1;
		if (st == 0)
			return iptr_next(r, row, err, errlen);	/* a header */
	}
	row->line = r->ln.lineno;
	st = r->fmt == F_NDJSON ? next_ndjson(r, row, err, errlen) :
	    next_csv(r, row, err, errlen);
	if (st <= 0)
		return st;
	row->attrs = r->attrs.p ? r->attrs.p : "";
	row->attrslen = r->attrs.len;
	if (r->fmt != F_NDJSON) {
		row->obj = r->obj.p ? r->obj.p : "{}";
		row->objlen = r->obj.p ? r->obj.len : 2;
	}
	return 1;
}

/* ----- reading: MaxMind DB ----- */

/* 1 when the file ends in a MaxMind DB metadata section, 0 when not, -1 unreadable. */
static int
is_mmdb(const char *path, char *err, size_t errlen)
{
	static const char marker[] = "\xab\xcd\xefMaxMind.com";
	/* The metadata section is at most 128 KiB from the end (the spec). */
	enum { TAIL = 128 * 1024 };
	struct stat sb;
	char *tail;
	ssize_t got;
	int fd = open(path, O_RDONLY);
	int found;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return 0;
	}
	size_t n = sb.st_size < TAIL ? (size_t)sb.st_size : TAIL;
	tail = xmalloc(n);
	got = pread(fd, tail, n, sb.st_size - (off_t)n);
	close(fd);
	found = 0;
	/* memmem is not in C11 or POSIX: scan for the marker's first byte. */
	for (const char *q = tail, *end = tail + (got > 0 ? got : 0);
	    !found && (q = memchr(q, marker[0], (size_t)(end - q))) != NULL; q++)
		found = (size_t)(end - q) >= sizeof(marker) - 1 &&
		    memcmp(q, marker, sizeof(marker) - 1) == 0;
	free(tail);
	return found;
}

static int
open_mmdb(struct ipt_reader *r, char *err, size_t errlen)
{
	int st = is_mmdb(r->path, err, errlen);

	if (st <= 0)
		return st;
	st = MMDB_open(r->path, MMDB_MODE_MMAP, &r->mmdb);
	if (st != MMDB_SUCCESS) {
		snprintf(err, errlen, "%s: %s", r->path, MMDB_strerror(st));
		return -1;
	}
	r->mmdb_open = 1;
	r->fmt = F_MMDB;
	r->cache = dtab_new(sizeof(struct span));
	/* Depth at most 128 and two records pushed per node read. */
	r->stack = xreallocarray(NULL, 2 * 130, sizeof(*r->stack));
	struct mrec root = { 0 };
	root.type = MMDB_RECORD_TYPE_SEARCH_NODE;
	if (r->mmdb.metadata.ip_version == 4) {
		/* An IPv4 tree is the IPv4-mapped part of the space. */
		root.prefix = ip_from_v4(0);
		root.depth = IP_V4_BITS;
	} else {
		/* IPv4 lives under ::/96; the IPv4-mapped and 6to4 aliases point back to it. */
		uint64_t node = 0;
		MMDB_search_node_s sn;
		int d;

		for (d = 0; d < IP_V4_BITS; d++) {
			if (node >= r->mmdb.metadata.node_count ||
			    MMDB_read_node(&r->mmdb, (uint32_t)node, &sn) != MMDB_SUCCESS ||
			    sn.left_record_type != MMDB_RECORD_TYPE_SEARCH_NODE)
				break;
			node = sn.left_record;
		}
		if (d == IP_V4_BITS)
			r->v4start = (uint32_t)node;
	}
	r->stack[r->nstack++] = root;
	return 1;
}

static int
put_mmdb(struct buf *out, MMDB_entry_data_list_s **ep)
{
	MMDB_entry_data_list_s *e = *ep;

	if (e == NULL)
		return -1;
	MMDB_entry_data_s *d = &e->entry_data;
	uint32_t n = d->data_size;
	*ep = e->next;
	switch (d->type) {
	case MMDB_DATA_TYPE_MAP:
		buf_addc(out, '{');
		for (uint32_t i = 0; i < n; i++) {
			e = *ep;
			if (e == NULL ||
			    e->entry_data.type != MMDB_DATA_TYPE_UTF8_STRING)
				return -1;
			if (i > 0)
				buf_addc(out, ',');
			json_put_string(out, e->entry_data.utf8_string,
			    e->entry_data.data_size);
			buf_addc(out, ':');
			*ep = e->next;
			if (put_mmdb(out, ep) < 0)
				return -1;
		}
		buf_addc(out, '}');
		return 0;
	case MMDB_DATA_TYPE_ARRAY:
		buf_addc(out, '[');
		for (uint32_t i = 0; i < n; i++) {
			if (i > 0)
				buf_addc(out, ',');
			if (put_mmdb(out, ep) < 0)
				return -1;
		}
		buf_addc(out, ']');
		return 0;
	case MMDB_DATA_TYPE_UTF8_STRING:
		json_put_string(out, d->utf8_string, n);
		return 0;
	case MMDB_DATA_TYPE_DOUBLE:
		json_put_double(out, d->double_value);
		return 0;
	case MMDB_DATA_TYPE_FLOAT:
		json_put_double(out, d->float_value);
		return 0;
	case MMDB_DATA_TYPE_UINT16:
		json_put_u64(out, d->uint16);
		return 0;
	case MMDB_DATA_TYPE_UINT32:
		json_put_u64(out, d->uint32);
		return 0;
	case MMDB_DATA_TYPE_INT32:
		json_put_i64(out, d->int32);
		return 0;
	case MMDB_DATA_TYPE_UINT64:
		json_put_u64(out, d->uint64);
		return 0;
	case MMDB_DATA_TYPE_BOOLEAN:
		buf_adds(out, d->boolean ? "true" : "false");
		return 0;
	case MMDB_DATA_TYPE_UINT128:
	case MMDB_DATA_TYPE_BYTES: {
		/* No JSON number holds 128 bits exactly: hex text, as mmdblookup shows bytes. */
		unsigned char b[16];
		const unsigned char *src;
		size_t len;

		if (d->type == MMDB_DATA_TYPE_BYTES) {
			src = d->bytes;
			len = n;
		} else {
#if MMDB_UINT128_IS_BYTE_ARRAY
			memcpy(b, d->uint128, 16);
#else
			for (int i = 0; i < 16; i++)
				b[i] = (unsigned char)(d->uint128 >>
				    (120 - 8 * i));
#endif
			src = b;
			len = 16;
		}
		buf_adds(out, "\"0x");
		for (size_t i = 0; i < len; i++)
			buf_addf(out, "%02x", src[i]);
		buf_addc(out, '"');
		return 0;
	}
	default:
		return -1;
	}
}

/* The attributes of a data record, converted once per distinct record. */
static int
mmdb_attrs(struct ipt_reader *r, MMDB_entry_s *entry, struct span *out)
{
	int inserted;
	struct digest d = digest128(&entry->offset, sizeof(entry->offset));
	struct span *sp = dtab_put(r->cache, d, &inserted);
	MMDB_entry_data_list_s *list = NULL, *e;

	if (!inserted) {
		*out = *sp;
		return 0;
	}
	if (MMDB_get_entry_data_list(entry, &list) != MMDB_SUCCESS) {
		/* libmaxminddb hands back the partial list on a damaged record. */
		MMDB_free_entry_data_list(list);
		return -1;
	}
	buf_reset(&r->tmp);
	e = list;
	int st = put_mmdb(&r->tmp, &e);
	MMDB_free_entry_data_list(list);
	if (st < 0)
		return -1;
	sp = dtab_get(r->cache, d);
	sp->off = r->arena.len;
	if (r->tmp.p[0] == '{') {
		buf_add(&r->arena, r->tmp.p + 1, r->tmp.len - 2);
	} else {
		buf_adds(&r->arena, "\"value\":");
		buf_add(&r->arena, r->tmp.p, r->tmp.len);
	}
	sp->len = r->arena.len - sp->off;
	*out = *sp;
	return 0;
}

static void
mmdb_row(struct ipt_reader *r, struct ipt_row *row, struct ip lo, struct ip hi,
    int bits, struct span sp)
{
	row->lo = lo;
	row->hi = hi;
	row->bits = bits;
	row->attrs = r->arena.p + sp.off;
	row->attrslen = sp.len;
	row->line = ++r->networks;
	if (r->flags & IPTR_OBJ) {
		buf_reset(&r->obj);
		if (bits >= 0) {
			buf_adds(&r->obj, "{\"cidr\":\"");
			ip_put_prefix(&r->obj, lo, (unsigned)bits);
		} else {
			buf_adds(&r->obj, "{\"start\":\"");
			ip_put(&r->obj, lo);
			buf_adds(&r->obj, "\",\"end\":\"");
			ip_put(&r->obj, hi);
		}
		buf_addc(&r->obj, '"');
		if (sp.len > 0)
			buf_addc(&r->obj, ',');
		buf_add(&r->obj, r->arena.p + sp.off, sp.len);
		buf_addc(&r->obj, '}');
		row->obj = r->obj.p;
		row->objlen = r->obj.len;
	} else {
		row->obj = NULL;
		row->objlen = 0;
	}
}

static int
next_mmdb(struct ipt_reader *r, struct ipt_row *row, char *err, size_t errlen)
{
	static const struct ip mapped = { 0, UINT64_C(0xffff00000000) };
	static const struct ip sixtofour = { UINT64_C(0x2002) << 48, 0 };
	struct span sp;

	if (r->npend > 0) {
		r->npend--;
		mmdb_row(r, row, r->pend[r->npend].lo, r->pend[r->npend].hi,
		    r->pend[r->npend].bits, r->pendattrs);
		return 1;
	}
	while (r->nstack > 0) {
		struct mrec m = r->stack[--r->nstack];
		MMDB_search_node_s sn;

		switch (m.type) {
		case MMDB_RECORD_TYPE_EMPTY:
			continue;
		case MMDB_RECORD_TYPE_SEARCH_NODE:
			if (m.depth >= 128 || m.value >= r->mmdb.metadata.node_count ||
			    MMDB_read_node(&r->mmdb, (uint32_t)m.value, &sn) != MMDB_SUCCESS)
				goto damaged;
			/* Right first, so that the left (lower) half comes out first. */
			struct mrec right = { sn.right_record, sn.right_record_type,
			    (uint8_t)(m.depth + 1), m.prefix, sn.right_record_entry };
			struct mrec left = { sn.left_record, sn.left_record_type,
			    (uint8_t)(m.depth + 1), m.prefix, sn.left_record_entry };
			if (m.depth < 64)
				right.prefix.hi |= UINT64_C(1)
				    << (63 - m.depth);
			else
				right.prefix.lo |= UINT64_C(1)
				    << (127 - m.depth);
			struct mrec *two[2] = { &right, &left };
			for (int i = 0; i < 2; i++) {
				struct mrec *c = two[i];
				/* Skip the aliases of the IPv4 subtree. */
				if (c->type == MMDB_RECORD_TYPE_SEARCH_NODE && c->value == r->v4start &&
				    ((c->depth == IP_V4_BITS && ip_cmp(c->prefix, mapped) == 0) ||
				    (c->depth == 16 && ip_cmp(c->prefix, sixtofour) == 0)))
					continue;
				r->stack[r->nstack++] = *c;
			}
			continue;
		case MMDB_RECORD_TYPE_DATA:
			if (mmdb_attrs(r, &m.entry, &sp) < 0)
				goto damaged;
			if (r->mmdb.metadata.ip_version == 4 || m.depth >= IP_V4_BITS ||
			    m.prefix.hi != 0 || m.prefix.lo != 0) {
				if (r->mmdb.metadata.ip_version != 4 && m.prefix.hi == 0 &&
				    (m.prefix.lo >> 32) == 0 && m.depth >= IP_V4_BITS)
					/* ::a.b.c.d is where an IPv6 tree keeps IPv4. */
					m.prefix.lo |= UINT64_C(0xffff00000000);
				mmdb_row(r, row, m.prefix,
				    ip_last(m.prefix, m.depth), m.depth, sp);
				return 1;
			}
			/*
			 * A leaf ::/N shorter than /96 holds ::/96, so all of
			 * IPv4; from /80 down it also spans ::ffff:0:0/96, the
			 * IPv4-mapped block, which is IPv4 here: its IPv6 row is
			 * cut around that block so that no range mixes families.
			 */
			struct ip last = ip_last(m.prefix, m.depth);
			static const struct ip below = { 0, UINT64_C(0xfffeffffffff) };
			static const struct ip above = { 0, UINT64_C(0x1000000000000) };
			r->pendattrs = sp;
			r->npend = 0;
			if (ip_cmp(last, mapped) < 0) {
				mmdb_row(r, row, m.prefix, last, m.depth, sp);
			} else {
				mmdb_row(r, row, m.prefix, below, -1, sp);
				if (ip_cmp(last, above) >= 0) {
					r->pend[r->npend].lo = above;
					r->pend[r->npend].hi = last;
					r->pend[r->npend].bits = -1;
					r->npend++;
				}
			}
			r->pend[r->npend].lo = ip_from_v4(0);
			r->pend[r->npend].hi = ip_last(ip_from_v4(0), IP_V4_BITS);
			r->pend[r->npend].bits = IP_V4_BITS;
			r->npend++;
			return 1;
		default:
			goto damaged;
		}
	}
	return 0;
damaged:
	snprintf(err, errlen,
	    "%s: damaged MaxMind DB (bad search tree or data)", r->path);
	return -1;
}
