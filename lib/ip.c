/* ip.c: IPv4/IPv6 text, prefixes and 128-bit address arithmetic (see ip.h). */
#include <string.h>

#include "ip.h"

/* ----- parsing ----- */

/* A dotted quad in s[0..n); 0 or -1. */
static int
parse_v4(const char *s, size_t n, uint32_t *v)
{
	uint32_t acc = 0;
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned x = 0, digits = 0;

		if (part > 0) {
			if (i >= n || s[i] != '.')
				return -1;
			i++;
		}
		while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 4) {
			x = x * 10 + (unsigned)(s[i] - '0');
			digits++;
			i++;
		}
		/* "01" is refused: inet_aton would read it as octal. */
		if (digits == 0 || digits > 3 || x > 255 ||
		    (digits > 1 && s[i - digits] == '0'))
			return -1;
		acc = acc << 8 | x;
	}
	if (i != n)
		return -1;
	*v = acc;
	return 0;
}

static void
set_groups(struct ip *a, const uint16_t g[8])
{
	a->hi = (uint64_t)g[0] << 48 | (uint64_t)g[1] << 32 |
	    (uint64_t)g[2] << 16 | g[3];
	a->lo = (uint64_t)g[4] << 48 | (uint64_t)g[5] << 32 |
	    (uint64_t)g[6] << 16 | g[7];
}

static int
parse_v6(const char *s, size_t n, struct ip *a)
{
	uint16_t g[8] = { 0 };
	int ng = 0, gap = -1;	/* groups written; where "::" stands */
	size_t i = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
		if (i == n) {
			a->hi = a->lo = 0;
			return 0;
		}
	} else if (n > 0 && s[0] == ':') {
		return -1;
	}
	for (;;) {
		size_t start = i;
		unsigned x = 0;
		int h;

		while (i < n && i - start < 5 &&
		    (h = hexval((unsigned char)s[i])) >= 0) {
			x = x << 4 | (unsigned)h;
			i++;
		}
		if (i < n && s[i] == '.') {
			/* An IPv4 tail fills the last two groups. */
			uint32_t v;

			if (ng > 6 || parse_v4(s + start, n - start, &v) < 0)
				return -1;
			g[ng++] = (uint16_t)(v >> 16);
			g[ng++] = (uint16_t)v;
			i = n;
			break;
		}
		if (i == start || i - start > 4 || ng == 8)
			return -1;
		g[ng++] = (uint16_t)x;
		if (i == n)
			break;
		if (s[i] != ':')
			return -1;
		i++;
		if (i < n && s[i] == ':') {
			if (gap >= 0)
				return -1;
			gap = ng;
			i++;
			if (i == n)
				break;
		} else if (i == n) {
			return -1;	/* a trailing single ':' */
		}
	}
	if (gap >= 0) {
		/* "::" stands for at least one zero group. */
		if (ng > 7)
			return -1;
		int move = ng - gap;
		memmove(g + 8 - move, g + gap, (size_t)move * sizeof(g[0]));
		memset(g + gap, 0, (size_t)(8 - ng) * sizeof(g[0]));
	} else if (ng != 8) {
		return -1;
	}
	set_groups(a, g);
	return 0;
}

int
ip_parse(const char *s, size_t n, struct ip *a)
{
	uint32_t v;

	if (n == 0)
		return -1;
	/* Without a colon it can only be IPv4. */
	if (memchr(s, ':', n) == NULL) {
		if (parse_v4(s, n, &v) < 0)
			return -1;
		*a = ip_from_v4(v);
		return 0;
	}
	return parse_v6(s, n, a);
}

int
ip_prefix_parse(const char *s, size_t n, struct ip *net, unsigned *bits)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	unsigned len = 0, max;
	int v4text;

	if (ip_parse(s, alen, net) < 0)
		return -1;
	/* The length counts in the family the address is written in. */
	v4text = memchr(s, ':', alen) == NULL;
	max = v4text ? 32 : 128;
	if (slash == NULL) {
		*bits = 128;
		return 0;
	}
	const char *p = slash + 1, *end = s + n;
	if (p == end || end - p > 3 || (*p == '0' && end - p > 1))
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		len = len * 10 + (unsigned)(*p - '0');
	}
	if (len > max)
		return -1;
	*bits = v4text ? len + IP_V4_BITS : len;
	*net = ip_first(*net, *bits);
	return 0;
}

/* ----- arithmetic ----- */

/* The host mask of a /bits prefix: ones in the low 128 - bits bits. */
static struct ip
hostmask(unsigned bits)
{
	struct ip m;

	if (bits >= 128) {
		m.hi = m.lo = 0;
	} else if (bits >= 64) {
		m.hi = 0;
		m.lo = bits == 64 ? UINT64_MAX : (UINT64_C(1) << (128 - bits)) - 1;
	} else {
		m.lo = UINT64_MAX;
		m.hi = bits == 0 ? UINT64_MAX : (UINT64_C(1) << (64 - bits)) - 1;
	}
	return m;
}

struct ip
ip_first(struct ip a, unsigned bits)
{
	struct ip m = hostmask(bits);

	a.hi &= ~m.hi;
	a.lo &= ~m.lo;
	return a;
}

struct ip
ip_last(struct ip a, unsigned bits)
{
	struct ip m = hostmask(bits);

	a.hi |= m.hi;
	a.lo |= m.lo;
	return a;
}

struct ip
ip_next(struct ip a)
{
	if (++a.lo == 0)
		a.hi++;
	return a;
}

struct ip
ip_prev(struct ip a)
{
	if (a.lo-- == 0)
		a.hi--;
	return a;
}

void
ip_bytes(struct ip a, unsigned char out[16])
{
	for (int i = 0; i < 8; i++) {
		out[i] = (unsigned char)(a.hi >> (56 - 8 * i));
		out[8 + i] = (unsigned char)(a.lo >> (56 - 8 * i));
	}
}

int
ip_range_prefix(struct ip lo, struct ip hi, unsigned *bits)
{
	/* The prefix is the common leading bits; the rest must run 0..0 to 1..1. */
	for (unsigned b = 0; b <= 128; b++) {
		if (ip_cmp(ip_first(lo, b), lo) == 0 &&
		    ip_cmp(ip_last(lo, b), hi) == 0) {
			*bits = b;
			return 1;
		}
	}
	return 0;
}

/* ----- text ----- */

static void
put_v4(struct buf *out, uint32_t v)
{
	char tmp[16], *p = tmp + sizeof(tmp);

	/* Built backwards: four parts, each at most three digits. */
	for (int part = 0; part < 4; part++) {
		unsigned x = v & 0xff;

		if (part > 0)
			*--p = '.';
		do {
			*--p = (char)('0' + x % 10);
			x /= 10;
		} while (x);
		v >>= 8;
	}
	buf_add(out, p, (size_t)(tmp + sizeof(tmp) - p));
}

void
ip_put(struct buf *out, struct ip a)
{
	static const char hex[] = "0123456789abcdef";
	uint16_t g[8];
	int best = -1, bestlen = 1;
	char tmp[48];
	size_t n = 0;

	if (ip_is_v4(a)) {
		put_v4(out, ip_v4(a));
		return;
	}
	for (int i = 0; i < 4; i++) {
		g[i] = (uint16_t)(a.hi >> (48 - 16 * i));
		g[4 + i] = (uint16_t)(a.lo >> (48 - 16 * i));
	}
	/* RFC 5952 4.2: the longest run of at least two zero groups, the first of equals. */
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j > i ? j : i + 1;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			tmp[n++] = ':';
			if (i == 0)
				tmp[n++] = ':';
			i += bestlen - 1;
			continue;
		}
		int started = 0;
		for (int sh = 12; sh >= 0; sh -= 4) {
			unsigned d = (g[i] >> sh) & 0xf;
			if (d || started || sh == 0) {
				tmp[n++] = hex[d];
				started = 1;
			}
		}
		if (i < 7)
			tmp[n++] = ':';
	}
	buf_add(out, tmp, n);
}

void
ip_put_prefix(struct buf *out, struct ip net, unsigned bits)
{
	ip_put(out, net);
	if (bits >= IP_V4_BITS && ip_is_v4(net))
		buf_addf(out, "/%u", bits - IP_V4_BITS);
	else
		buf_addf(out, "/%u", bits);
}
