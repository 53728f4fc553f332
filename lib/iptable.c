/* iptable.c: IP range tables: reading them, and the segment lookup (see iptable.h). */
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
#include "iptable.h"
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

static int rfail(struct ipt_reader *r, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int open_mmdb(struct ipt_reader *r, char *err, size_t errlen);
static int next_mmdb(struct ipt_reader *r, struct ipt_row *row, char *err, size_t errlen);
static int next_ndjson(struct ipt_reader *r, struct ipt_row *row, char *err, size_t errlen);
static int next_csv(struct ipt_reader *r, struct ipt_row *row, char *err, size_t errlen);

/* ----- reading: common ----- */

static int
rfail(struct ipt_reader *r, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s:%llu: ", r->path, (unsigned long long)r->ln.lineno);

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
		return rfail(r, err, errlen, "not a CIDR: %s", quoted(&r->tmp2, s, n));
	row->hi = ip_last(row->lo, bits);
	row->bits = (int)bits;
	return 0;
}

static int
set_range(struct ipt_reader *r, struct ipt_row *row, const char *s, size_t sn,
    const char *e, size_t en, char *err, size_t errlen)
{
	if (ip_parse(s, sn, &row->lo) < 0)
		return rfail(r, err, errlen, "not an IP address: %s", quoted(&r->tmp2, s, sn));
	if (ip_parse(e, en, &row->hi) < 0)
		return rfail(r, err, errlen, "not an IP address: %s", quoted(&r->tmp2, e, en));
	row->bits = -1;
	if (ip_is_v4(row->lo) != ip_is_v4(row->hi))
		return rfail(r, err, errlen, "range mixes IPv4 and IPv6: %.*s-%.*s",
		    (int)sn, s, (int)en, e);
	if (ip_cmp(row->lo, row->hi) > 0)
		return rfail(r, err, errlen, "range ends before it starts: %.*s-%.*s",
		    (int)sn, s, (int)en, e);
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
				buf_add(&r->fields, p + i, (size_t)(q - (p + i)));
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
			r->field = xreallocarray(r->field, r->fieldcap, sizeof(*r->field));
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
		return rfail(r, err, errlen, "both a cidr and a start/end column");
	if (r->col_cidr < 0 && (r->col_start < 0 || r->col_end < 0))
		return rfail(r, err, errlen, "no cidr, network or start and end column");
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
		return rfail(r, err, errlen, "%zu fields, expected %zu", nf, r->ncols);
	if (r->col_cidr >= 0) {
		if (set_cidr(r, row, FIELD(r, r->col_cidr), FLEN(r, r->col_cidr), err, errlen) < 0)
			return -1;
	} else if (set_range(r, row, FIELD(r, r->col_start), FLEN(r, r->col_start),
	    FIELD(r, r->col_end), FLEN(r, r->col_end), err, errlen) < 0) {
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
		if ((int)i == r->col_cidr || (int)i == r->col_start || (int)i == r->col_end)
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
			return rfail(r, err, errlen, "not a CIDR: %.*s", (int)cidr.len, cidr.text);
		buf_reset(&r->tmp);
		json_unescape(&r->tmp, cidr.text, cidr.len);
		if (set_cidr(r, row, r->tmp.p, r->tmp.len, err, errlen) < 0)
			return -1;
	} else if (start.text && end.text) {
		if (start.type != J_STRING)
			return rfail(r, err, errlen, "not an IP address: %.*s", (int)start.len, start.text);
		if (end.type != J_STRING)
			return rfail(r, err, errlen, "not an IP address: %.*s", (int)end.len, end.text);
		buf_reset(&r->tmp);
		json_unescape(&r->tmp, start.text, start.len);
		size_t sl = r->tmp.len;
		json_unescape(&r->tmp, end.text, end.len);
		if (set_range(r, row, r->tmp.p, sl, r->tmp.p + sl, r->tmp.len - sl, err, errlen) < 0)
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
	st = r->fmt == F_NDJSON ? next_ndjson(r, row, err, errlen) : next_csv(r, row, err, errlen);
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
			if (e == NULL || e->entry_data.type != MMDB_DATA_TYPE_UTF8_STRING)
				return -1;
			if (i > 0)
				buf_addc(out, ',');
			json_put_string(out, e->entry_data.utf8_string, e->entry_data.data_size);
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
				b[i] = (unsigned char)(d->uint128 >> (120 - 8 * i));
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
mmdb_row(struct ipt_reader *r, struct ipt_row *row, struct ip lo, struct ip hi, int bits,
    struct span sp)
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
				right.prefix.hi |= UINT64_C(1) << (63 - m.depth);
			else
				right.prefix.lo |= UINT64_C(1) << (127 - m.depth);
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
				mmdb_row(r, row, m.prefix, ip_last(m.prefix, m.depth), m.depth, sp);
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
	snprintf(err, errlen, "%s: damaged MaxMind DB (bad search tree or data)", r->path);
	return -1;
}

/* ----- the lookup structure ----- */

struct range {
	struct ip lo, hi;
	uint32_t row, scope;
	int v6;
};

/* A scope's segments: [off, off + n) of the global arrays of its family. */
struct sub {
	uint32_t v4off, v4n;
	uint32_t v6off, v6n;
	struct idx *idx;	/* 65537 entries (segments relative to v4off), or NULL */
};

/* A segment: where it starts and its winning row, side by side so that
 * the last probe of a search has the answer in the same cache line. */
struct seg4 {
	uint32_t start;
	uint32_t row;
};

struct seg6 {
	struct ip start;
	uint32_t row;
};

/*
 * The IPv4 index of a scope, per block of 65536 addresses: the segment
 * holding the block's first address and, when one segment holds the whole
 * block, its row, so that most lookups read nothing but this entry.
 */
struct idx {
	uint32_t first;
	uint32_t row;		/* IDX_MULTI when the block has several segments */
};

#define IDX_MULTI (UINT32_MAX - 1)

struct iptable {
	struct range *r;
	size_t nr, rcap, nranges;
	int built, all;
	/* segments of every scope, and with IPT_ALL, where each one's list starts */
	struct seg4 *s4;
	uint32_t *s4all;
	size_t n4, cap4;
	struct seg6 *s6;
	uint32_t *s6all;
	size_t n6, cap6;
	/* the lists, one array per family so that a family's lists are contiguous */
	uint32_t *all4, *all6;
	size_t nall4, capall4, nall6, capall6;
	struct sub *subs;
	size_t nsubs;
	size_t idxcount;
};

/* Scopes with fewer IPv4 segments than this are searched without an index. */
#define IDX_MIN 1024

struct iptable *
ipt_new(void)
{
	return xcalloc(1, sizeof(struct iptable));
}

void
ipt_free(struct iptable *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nsubs; i++)
		free(t->subs[i].idx);
	free(t->subs);
	free(t->r);
	free(t->s4);
	free(t->s4all);
	free(t->s6);
	free(t->s6all);
	free(t->all4);
	free(t->all6);
	free(t);
}

void
ipt_add(struct iptable *t, uint32_t row, uint32_t scope, struct ip lo, struct ip hi)
{
	if (t->nr == t->rcap) {
		t->rcap = t->rcap ? 2 * t->rcap : 1024;
		t->r = xreallocarray(t->r, t->rcap, sizeof(*t->r));
	}
	struct range *g = &t->r[t->nr++];
	g->lo = lo;
	g->hi = hi;
	g->row = row;
	g->scope = scope;
	g->v6 = !(ip_is_v4(lo) && ip_is_v4(hi));
	t->nranges++;
}

static int
range_order(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->scope != y->scope)
		return x->scope < y->scope ? -1 : 1;
	if (x->v6 != y->v6)
		return x->v6 - y->v6;
	int c = ip_cmp(x->lo, y->lo);
	if (c)
		return c;
	return x->row < y->row ? -1 : x->row > y->row;
}

static struct ip
ip_sub(struct ip a, struct ip b)
{
	struct ip d;

	d.lo = a.lo - b.lo;
	d.hi = a.hi - b.hi - (a.lo < b.lo);
	return d;
}

/* 1 when range x beats range y: narrower, then later start, then lower row. */
static int
better(const struct range *x, const struct range *y)
{
	int c = ip_cmp(ip_sub(x->hi, x->lo), ip_sub(y->hi, y->lo));

	if (c)
		return c < 0;
	c = ip_cmp(x->lo, y->lo);
	if (c)
		return c > 0;
	return x->row < y->row;
}

/* A heap of range indices, best on top. */
struct heap {
	const struct range *r;
	uint32_t *h;
	size_t n;
};

static void
heap_push(struct heap *hp, uint32_t x)
{
	size_t i = hp->n++;

	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!better(&hp->r[x], &hp->r[hp->h[parent]]))
			break;
		hp->h[i] = hp->h[parent];
		i = parent;
	}
	hp->h[i] = x;
}

static void
heap_pop(struct heap *hp)
{
	uint32_t x = hp->h[--hp->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= hp->n)
			break;
		if (c + 1 < hp->n && better(&hp->r[hp->h[c + 1]], &hp->r[hp->h[c]]))
			c++;
		if (!better(&hp->r[hp->h[c]], &hp->r[x]))
			break;
		hp->h[i] = hp->h[c];
		i = c;
	}
	if (hp->n > 0)
		hp->h[i] = x;
}

/* Append one segment of family v6 starting at p. */
static void
emit(struct iptable *t, int v6, struct ip p, const uint32_t *rows, size_t n)
{
	uint32_t w = n ? rows[0] : IPT_NONE;

	if (!v6) {
		if (t->n4 == t->cap4) {
			t->cap4 = t->cap4 ? 2 * t->cap4 : 1024;
			t->s4 = xreallocarray(t->s4, t->cap4, sizeof(*t->s4));
			if (t->all)
				t->s4all = xreallocarray(t->s4all, t->cap4 + 1, sizeof(*t->s4all));
		}
		t->s4[t->n4].start = ip_v4(p);
		t->s4[t->n4].row = w;
		if (t->all)
			t->s4all[t->n4] = (uint32_t)t->nall4;
		t->n4++;
	} else {
		if (t->n6 == t->cap6) {
			t->cap6 = t->cap6 ? 2 * t->cap6 : 1024;
			t->s6 = xreallocarray(t->s6, t->cap6, sizeof(*t->s6));
			if (t->all)
				t->s6all = xreallocarray(t->s6all, t->cap6 + 1, sizeof(*t->s6all));
		}
		t->s6[t->n6].start = p;
		t->s6[t->n6].row = w;
		if (t->all)
			t->s6all[t->n6] = (uint32_t)t->nall6;
		t->n6++;
	}
	if (t->all) {
		uint32_t **list = v6 ? &t->all6 : &t->all4;
		size_t *len = v6 ? &t->nall6 : &t->nall4, *cap = v6 ? &t->capall6 : &t->capall4;
		if (*len + n > *cap) {
			while (*len + n > *cap)
				*cap = *cap ? 2 * *cap : 1024;
			*list = xreallocarray(*list, *cap, sizeof(**list));
		}
		if (n > 0)
			memcpy(*list + *len, rows, n * sizeof(*rows));
		*len += n;
	}
}

/*
 * The winner sweep over r[0..n) (one scope and family, sorted by start):
 * the winner changes only where a range starts or where the current winner
 * ends, so the heap holds the candidates and drops ended ones lazily.
 */
static void
sweep_best(struct iptable *t, const struct range *r, size_t n, int v6,
    struct ip fmin, struct ip fmax, uint32_t *heapmem)
{
	struct heap hp = { r, heapmem, 0 };
	struct ip p = fmin;
	uint32_t prev = 0;
	size_t i = 0;
	int first = 1;

	for (;;) {
		while (i < n && ip_cmp(r[i].lo, p) <= 0)
			heap_push(&hp, (uint32_t)i++);
		while (hp.n > 0 && ip_cmp(r[hp.h[0]].hi, p) < 0)
			heap_pop(&hp);
		uint32_t w = hp.n ? r[hp.h[0]].row : IPT_NONE;
		if (first || w != prev)
			emit(t, v6, p, &w, w == IPT_NONE ? 0 : 1);
		first = 0;
		prev = w;

		int have = 0;
		struct ip next = fmax;
		if (i < n) {
			next = r[i].lo;
			have = 1;
		}
		if (hp.n > 0 && ip_cmp(r[hp.h[0]].hi, fmax) < 0) {
			struct ip e = ip_next(r[hp.h[0]].hi);
			if (!have || ip_cmp(e, next) < 0)
				next = e;
			have = 1;
		}
		if (!have)
			break;
		p = next;
	}
}

/*
 * The every-match sweep: the set of ranges holding an address changes at
 * every start and every end, so it keeps the active ranges in an array
 * sorted best first (tables nest a few deep, so the array stays short).
 */
static void
sweep_all(struct iptable *t, const struct range *r, size_t n, int v6,
    struct ip fmin, struct ip fmax, uint32_t *act, uint32_t *rows)
{
	struct ip p = fmin;
	size_t i = 0, na = 0, nprev = 0;
	int first = 1;
	uint32_t *prev = rows + n;	/* the second half of rows[2n] */

	for (;;) {
		size_t k = 0;
		for (size_t j = 0; j < na; j++)
			if (ip_cmp(r[act[j]].hi, p) >= 0)
				act[k++] = act[j];
		na = k;
		while (i < n && ip_cmp(r[i].lo, p) <= 0) {
			/* Insertion keeps act sorted best first. */
			size_t j = na++;
			while (j > 0 && better(&r[i], &r[act[j - 1]])) {
				act[j] = act[j - 1];
				j--;
			}
			act[j] = (uint32_t)i++;
		}
		for (size_t j = 0; j < na; j++)
			rows[j] = r[act[j]].row;
		if (first || na != nprev || memcmp(rows, prev, na * sizeof(*rows)) != 0) {
			emit(t, v6, p, rows, na);
			memcpy(prev, rows, na * sizeof(*rows));
			nprev = na;
		}
		first = 0;

		int have = 0;
		struct ip next = fmax;
		if (i < n) {
			next = r[i].lo;
			have = 1;
		}
		for (size_t j = 0; j < na; j++) {
			if (ip_cmp(r[act[j]].hi, fmax) < 0) {
				struct ip e = ip_next(r[act[j]].hi);
				if (!have || ip_cmp(e, next) < 0)
					next = e;
				have = 1;
			}
		}
		if (!have)
			break;
		p = next;
	}
}

static void
build_index(struct iptable *t, struct sub *s)
{
	const struct seg4 *st = t->s4 + s->v4off;
	size_t j = 0;

	s->idx = xreallocarray(NULL, 65537, sizeof(*s->idx));
	for (uint32_t h = 0; h < 65536; h++) {
		uint32_t a = h << 16;
		while (j + 1 < s->v4n && st[j + 1].start <= a)
			j++;
		s->idx[h].first = (uint32_t)j;
	}
	s->idx[65536].first = s->v4n - 1;
	s->idx[65536].row = IDX_MULTI;
	for (uint32_t h = 0; h < 65536; h++)
		s->idx[h].row = s->idx[h].first == s->idx[h + 1].first &&
		    !(h < 65535 && st[s->idx[h].first].start == (h + 1) << 16) ?
		    st[s->idx[h].first].row : IDX_MULTI;
	t->idxcount++;
}

void
ipt_build(struct iptable *t, int flags)
{
	static const struct ip v4min = { 0, UINT64_C(0xffff00000000) };
	static const struct ip v4max = { 0, UINT64_C(0xffffffffffff) };
	static const struct ip v6min = { 0, 0 };
	static const struct ip v6max = { UINT64_MAX, UINT64_MAX };
	uint32_t maxscope = 0;
	size_t i;

	t->all = flags & IPT_ALL;
	t->built = 1;
	/* Tables usually come sorted: check before paying for a sort. */
	for (i = 1; i < t->nr; i++)
		if (range_order(&t->r[i - 1], &t->r[i]) > 0)
			break;
	if (i < t->nr)
		qsort(t->r, t->nr, sizeof(*t->r), range_order);
	for (i = 0; i < t->nr; i++)
		if (t->r[i].scope > maxscope)
			maxscope = t->r[i].scope;
	t->nsubs = t->nr ? (size_t)maxscope + 1 : 0;
	t->subs = xcalloc(t->nsubs ? t->nsubs : 1, sizeof(*t->subs));

	uint32_t *work = xreallocarray(NULL, t->nr ? 3 * t->nr : 1, sizeof(uint32_t));
	for (i = 0; i < t->nr;) {
		size_t j = i;
		struct range *g = &t->r[i];
		struct sub *s = &t->subs[g->scope];

		while (j < t->nr && t->r[j].scope == g->scope && t->r[j].v6 == g->v6)
			j++;
		if (!g->v6)
			s->v4off = (uint32_t)t->n4;
		else
			s->v6off = (uint32_t)t->n6;
		if (t->all)
			sweep_all(t, g, j - i, g->v6, g->v6 ? v6min : v4min,
			    g->v6 ? v6max : v4max, work, work + (j - i));
		else
			sweep_best(t, g, j - i, g->v6, g->v6 ? v6min : v4min,
			    g->v6 ? v6max : v4max, work);
		if (!g->v6) {
			s->v4n = (uint32_t)(t->n4 - s->v4off);
			if (s->v4n >= IDX_MIN)
				build_index(t, s);
		} else {
			s->v6n = (uint32_t)(t->n6 - s->v6off);
		}
		i = j;
	}
	free(work);
	if (t->all) {
		/* The sentinels end the last segment's list. */
		t->s4all = xreallocarray(t->s4all, t->n4 + 1, sizeof(*t->s4all));
		t->s6all = xreallocarray(t->s6all, t->n6 + 1, sizeof(*t->s6all));
		t->s4all[t->n4] = (uint32_t)t->nall4;
		t->s6all[t->n6] = (uint32_t)t->nall6;
	}
	free(t->r);
	t->r = NULL;
	t->nr = t->rcap = 0;
}

/* The global index of the IPv4 segment holding a, or -1. */
static inline long
seg4(const struct iptable *t, uint32_t scope, uint32_t a)
{
	if (scope >= t->nsubs)
		return -1;
	const struct sub *s = &t->subs[scope];
	if (s->v4n == 0)
		return -1;
	const struct seg4 *base = t->s4 + s->v4off;
	size_t n = s->v4n;
	if (s->idx) {
		base += s->idx[a >> 16].first;
		n = s->idx[(a >> 16) + 1].first - s->idx[a >> 16].first + 1;
	}
	/* Branch-free: the last segment starting at or below a; base[0] does. */
	while (n > 1) {
		size_t half = n / 2;
		base = base[half].start <= a ? base + half : base;
		n -= half;
	}
	return (long)(base - t->s4);
}

static long
seg6(const struct iptable *t, uint32_t scope, struct ip a)
{
	if (scope >= t->nsubs)
		return -1;
	const struct sub *s = &t->subs[scope];
	if (s->v6n == 0)
		return -1;
	const struct seg6 *base = t->s6 + s->v6off;
	size_t n = s->v6n;
	while (n > 1) {
		size_t half = n / 2;
		base = ip_cmp(base[half].start, a) <= 0 ? base + half : base;
		n -= half;
	}
	return (long)(base - t->s6);
}

uint32_t
ipt_find4(const struct iptable *t, uint32_t scope, uint32_t a)
{
	if (scope < t->nsubs && t->subs[scope].idx) {
		uint32_t w = t->subs[scope].idx[a >> 16].row;
		if (w != IDX_MULTI)
			return w;
	}
	long k = seg4(t, scope, a);
	return k < 0 ? IPT_NONE : t->s4[k].row;
}

uint32_t
ipt_find(const struct iptable *t, uint32_t scope, struct ip a)
{
	long k;

	if (ip_is_v4(a))
		return ipt_find4(t, scope, ip_v4(a));
	k = seg6(t, scope, a);
	return k < 0 ? IPT_NONE : t->s6[k].row;
}

size_t
ipt_find_all(const struct iptable *t, uint32_t scope, struct ip a, const uint32_t **rows)
{
	long k;
	const uint32_t *off, *list;

	*rows = NULL;
	if (!t->all)
		return 0;
	if (ip_is_v4(a)) {
		k = seg4(t, scope, ip_v4(a));
		off = t->s4all;
		list = t->all4;
	} else {
		k = seg6(t, scope, a);
		off = t->s6all;
		list = t->all6;
	}
	if (k < 0 || off[k + 1] == off[k])
		return 0;
	*rows = list + off[k];
	return off[k + 1] - off[k];
}

size_t
ipt_ranges(const struct iptable *t)
{
	return t->nranges;
}

size_t
ipt_segments(const struct iptable *t)
{
	return t->n4 + t->n6;
}

size_t
ipt_bytes(const struct iptable *t)
{
	size_t per4 = sizeof(struct seg4) + (t->all ? sizeof(uint32_t) : 0);
	size_t per6 = sizeof(struct seg6) + (t->all ? sizeof(uint32_t) : 0);

	return sizeof(*t) + t->cap4 * per4 + t->cap6 * per6 +
	    (t->capall4 + t->capall6) * sizeof(uint32_t) + t->nsubs * sizeof(struct sub) +
	    t->idxcount * 65537 * sizeof(struct idx) + t->rcap * sizeof(struct range);
}
