/*
 * automata.c: the refinery's automata logic (see automata.h).  Every rule
 * here copies a line of the refinery's Java or SQL, quirks included; the
 * comments name the quirk where the C would otherwise look wrong.
 */
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <oniguruma.h>

#include "automata.h"
#include "md5.h"

/* Java's split("\\.") keeps leading empty labels and drops trailing ones;
 * "[//.]+" has already collapsed runs, so a label is empty only at the
 * ends. */
void
am_project_family(struct buf *out, struct str host)
{
	const char *p = host.p, *e;
	size_t i;

	if (p == NULL)
		goto none;
	/* trim().isEmpty(): Java's trim drops every char <= ' '. */
	for (i = 0; i < host.n && (unsigned char)p[i] <= ' '; i++)
		;
	if (i == host.n)
		goto none;
	e = memchr(p, ':', host.n);
	if (e == NULL)
		e = p + host.n;

	/* Walk the labels (maximal runs without '.' or '/'), keeping the
	 * last two non-empty ones and whether an empty one led. */
	const char *l1 = NULL, *l2 = NULL;	/* last, second-to-last */
	size_t n1 = 0, n2 = 0;
	int labels = 0;
	const char *q = p;
	if (q < e && (*q == '.' || *q == '/')) {
		/* A leading separator run yields one leading empty label. */
		l1 = q;
		n1 = 0;
		labels = 1;
		while (q < e && (*q == '.' || *q == '/'))
			q++;
	}
	while (q < e) {
		const char *s = q;
		while (q < e && *q != '.' && *q != '/')
			q++;
		l2 = l1, n2 = n1;
		l1 = s, n1 = (size_t)(q - s);
		labels++;
		while (q < e && (*q == '.' || *q == '/'))
			q++;
	}
	/* A lone leading empty label is dropped by split too (all empty). */
	if (labels <= 1)
		goto none;
	int digits = n1 > 0;
	for (i = 0; i < n1; i++)
		if (l1[i] < '0' || l1[i] > '9')
			digits = 0;
	if (digits)
		goto none;
	buf_reserve(out, n2);
	for (i = 0; i < n2; i++) {
		char c = l2[i];
		buf_addc(out, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
	}
	return;
none:
	buf_addc(out, '-');
}

int
am_xa_get(struct str hdr, const char *key, struct str *val)
{
	size_t klen = strlen(key);
	int found = 0;
	const char *p = hdr.p, *end = hdr.p + hdr.n;

	if (p == NULL)
		return 0;
	while (p <= end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *pe = semi ? semi : end;
		const char *eq = memchr(p, '=', (size_t)(pe - p));
		const char *ke = eq ? eq : pe;
		if ((size_t)(ke - p) == klen && memcmp(p, key, klen) == 0) {
			found = 1;
			if (eq) {
				val->p = eq + 1;
				val->n = (size_t)(pe - eq - 1);
			} else {
				val->p = NULL;
				val->n = 0;
			}
		}
		if (semi == NULL)
			break;
		p = semi + 1;
	}
	return found;
}

/* Bytes in the UTF-8 sequence that starts with lead byte c. */
static inline size_t
seqlen(unsigned char c)
{
	return c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

int
am_suffix(int has_uuid, struct str uuid, struct str query, struct str *suffix,
    int *lone)
{
	static const char key[] = "appInstallID";
	const size_t klen = sizeof key - 1;

	suffix->p = "";
	suffix->n = 0;
	*lone = 0;
	if (has_uuid) {
		if (uuid.p == NULL) {
			suffix->p = "null";
			suffix->n = 4;
		} else
			*suffix = uuid;
		return 0;
	}
	if (query.p == NULL || query.n < klen)
		return 0;
	const char *end = query.p + query.n, *hit = NULL;
	for (const char *q = query.p; (size_t)(end - q) >= klen; q++) {
		q = memchr(q, 'a', (size_t)(end - q) - klen + 1);
		if (q == NULL)
			break;
		if (memcmp(q, key, klen) == 0) {
			hit = q;
			break;
		}
	}
	/* indexOf(APP_ID) > 0: a match at index 0 is ignored. */
	if (hit == NULL || hit == query.p)
		return 0;
	const char *amp = memchr(hit, '&', (size_t)(end - hit));
	const char *stop = amp ? amp : end;
	const char *start = hit + klen;
	/* substring(idx + 13, ...) skips one UTF-16 unit after the key; it
	 * throws when that runs past the end or past the '&'. */
	if (start >= stop)
		return -1;
	size_t l = seqlen((unsigned char)*start);
	/* Skipping one unit of a surrogate pair leaves its low half, which
	 * Java's UTF-8 encoder writes as '?'. */
	*lone = l == 4;
	start += l;
	if (start > stop)
		start = stop;
	suffix->p = start;
	suffix->n = (size_t)(stop - start);
	return 0;
}

/* UTF-16 units in s: one per code point, two above U+FFFF. */
static size_t
units(const char *p, size_t n)
{
	size_t u = n;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x80) {
			if (c < 0xc0)
				u--;		/* continuation byte */
			else if (c >= 0xf0)
				u++;		/* 4 bytes, a surrogate pair: 2 units, so -3 + 1 */
		}
	}
	return u;
}

size_t
am_chars(struct str s)
{
	size_t c = 0;

	for (size_t i = 0; i < s.n; i++)
		c += ((unsigned char)s.p[i] & 0xc0) != 0x80;
	return c;
}

/*
 * Cut ua to 200 UTF-16 units.  Returns its byte length; *half is set when
 * the cut falls inside a surrogate pair, whose high half Java's encoder
 * then writes as '?'.
 */
static size_t
cut_ua(const char *p, size_t n, int *half)
{
	size_t u = 0, i = 0;

	*half = 0;
	if (n <= 200)
		for (i = 0; i < n && (unsigned char)p[i] < 0x80; i++)
			;
	if (i == n)
		return n;	/* ASCII up to 200 bytes: the common case */
	for (i = 0; i < n && u < 200;) {
		size_t l = seqlen((unsigned char)p[i]);
		size_t w = l == 4 ? 2 : 1;
		if (u + w > 200) {
			*half = 1;
			return i;
		}
		u += w;
		i += l;
	}
	return i < n ? i : n;
}

/*
 * Feed the message pieces to c, but only their bytes in [from, to): the
 * message is hashed in two stretches (a shared prefix, then each host's
 * own rest), and Java hashes only its first N bytes.
 */
struct piece {
	const char *p;
	size_t n;
};

static void
feed(struct md5 *c, const struct piece *pc, int k, size_t from, size_t to)
{
	size_t off = 0;

	for (int i = 0; i < k && off < to; i++) {
		size_t a = off, b = off + pc[i].n;
		off = b;
		if (b <= from)
			continue;
		if (a < from)
			a = from;
		if (b > to)
			b = to;
		if (b > a)
			md5_update(c, pc[i].p + (a - (off - pc[i].n)), b - a);
	}
}

void
am_signatures(struct str ip, struct str ua, struct str al,
    struct str host_a, struct str host_b, struct str sfx, int sfx_lone,
    unsigned char sig_a[16], int *ok_a, unsigned char sig_b[16])
{
	struct piece pa[7], pb[7];
	int k = 0, half;
	size_t ualen = cut_ua(ua.p, ua.n, &half);
	size_t pre_bytes, pre_units, sfx_units, na, nb;
	int sfx_half = sfx_lone != 0;

	pa[k++] = (struct piece){ ip.p, ip.n };
	pa[k++] = (struct piece){ ua.p, ualen };
	if (half)
		pa[k++] = (struct piece){ "?", 1 };
	pa[k++] = (struct piece){ al.p, al.n };
	int hostpos = k;
	pre_bytes = ip.n + ualen + (size_t)half + al.n;
	pre_units = units(ip.p, ip.n) + units(ua.p, ualen) + (size_t)half + units(al.p, al.n);
	k++;			/* the host goes here */
	if (sfx_half)
		pa[k++] = (struct piece){ "?", 1 };
	pa[k++] = (struct piece){ sfx.p, sfx.n };
	sfx_units = units(sfx.p, sfx.n) + (size_t)sfx_half;
	memcpy(pb, pa, sizeof pa);
	pb[hostpos] = (struct piece){ host_b.p, host_b.n };
	nb = pre_units + units(host_b.p, host_b.n) + sfx_units;

	/* The common prefix is hashed once; a truncated message may end
	 * inside it. */
	size_t common = pre_bytes < nb ? pre_bytes : nb;
	*ok_a = host_a.p != NULL;
	if (*ok_a) {
		pa[hostpos] = (struct piece){ host_a.p, host_a.n };
		na = pre_units + units(host_a.p, host_a.n) + sfx_units;
		if (na < common)
			common = na;
	} else
		na = 0;

	struct md5 c, d;
	md5_init(&c);
	feed(&c, pb, k, 0, common);
	d = c;
	feed(&c, pb, k, common, nb);
	md5_final(&c, sig_b);
	if (*ok_a) {
		feed(&d, pa, k, common, na);
		md5_final(&d, sig_a);
	}
}

/*
 * The spider pattern of Webrequest.isSpider, translated from Java's regex
 * dialect: '.' becomes D (Java's dot stops at \n \r U+0085 U+2028 U+2029),
 * '^' becomes \A and '$' "end, or before one final line terminator".
 * (?i) is Java's ASCII-only case folding (ONIG_OPTION_IGNORECASE_IS_ASCII)
 * and \S is ASCII (ONIG_OPTION_SPACE_IS_ASCII), as in Java by default.
 */
#define D "[^\\n\\r\\x{85}\\x{2028}\\x{2029}]"
#define ANYWHERE "bot|spider|WordPress|AppEngine|AppleDictionaryService|" \
	"Python-urllib|python-requests|Google-HTTP-Java-Client|[Ff]acebook|" \
	"[Yy]ahoo|RockPeaks|PhantomJS|http"
#define AT_START "goo wikipedia|MediaWikiCrawler-Google|wikiwix-bot|Java/|curl|" \
	"PHP/|Faraday|HTTPC|Ruby|\\.NET|Python|Apache|Scrapy|PycURL|libwww|Zend|" \
	"wget|nodemw|WinHttpRaw|Twisted|com\\.eusoft|Lagotto|Peggo|Recuweb|" \
	"check_http|Magnus|MLD|Jakarta|find-link|J\\. River|projectplan9|" \
	"ADmantX|httpunit|LWP|iNaturalist|WikiDemo|FSResearchIt|livedoor|" \
	"Microsoft Monitoring|MediaWiki|User:|User_talk:|github|" \
	"tools" D "wmflabs" D "org|Blackboard Safeassign|Damn Small XSS|" \
	"MeetingRoomApp|\\S+@\\S+\\.[a-zA-Z]{2,3}"

static const char spider_full[] =
	"\\A(" D "*(" ANYWHERE ")" D "*|(" AT_START ")" D "*)"
	"(?:\\r\\n|[\\n\\r\\x{85}\\x{2028}\\x{2029}])?\\z";
/* For a UA of printable ASCII without line breaks, the full pattern is
 * exactly "one of ANYWHERE anywhere, or one of AT_START at the start":
 * two cheaper searches. */
static const char spider_any[] = "(?:" ANYWHERE ")";
static const char spider_start[] = "\\A(?:" AT_START ")";

struct am_spider {
	regex_t *full, *any, *start;
	OnigRegion *region;
};

static regex_t *
compile(const char *pat, char *err, size_t errlen)
{
	regex_t *re;
	OnigErrorInfo einfo;
	OnigOptionType opt = ONIG_OPTION_IGNORECASE | ONIG_OPTION_IGNORECASE_IS_ASCII |
	    ONIG_OPTION_SPACE_IS_ASCII;
	const UChar *p = (const UChar *)pat;
	int r = onig_new(&re, p, p + strlen(pat), opt, ONIG_ENCODING_UTF8,
	    ONIG_SYNTAX_ONIGURUMA, &einfo);

	if (r != ONIG_NORMAL) {
		UChar msg[ONIG_MAX_ERROR_MESSAGE_LEN];
		onig_error_code_to_str(msg, r, &einfo);
		snprintf(err, errlen, "spider pattern: %s", (char *)msg);
		return NULL;
	}
	return re;
}

struct am_spider *
am_spider_new(char *err, size_t errlen)
{
	static int inited;
	struct am_spider *sp = xcalloc(1, sizeof *sp);

	if (!inited) {
		OnigEncoding enc = ONIG_ENCODING_UTF8;
		onig_initialize(&enc, 1);
		inited = 1;
	}
	if ((sp->full = compile(spider_full, err, errlen)) == NULL ||
	    (sp->any = compile(spider_any, err, errlen)) == NULL ||
	    (sp->start = compile(spider_start, err, errlen)) == NULL) {
		am_spider_free(sp);
		return NULL;
	}
	sp->region = onig_region_new();
	return sp;
}

void
am_spider_free(struct am_spider *sp)
{
	if (sp == NULL)
		return;
	if (sp->full)
		onig_free(sp->full);
	if (sp->any)
		onig_free(sp->any);
	if (sp->start)
		onig_free(sp->start);
	if (sp->region)
		onig_region_free(sp->region, 1);
	free(sp);
}

static int
search(struct am_spider *sp, regex_t *re, struct str s, int anchored)
{
	const UChar *b = (const UChar *)s.p, *e = b + s.n;
	int r = anchored ?
	    onig_match(re, b, e, b, sp->region, ONIG_OPTION_NONE) :
	    onig_search(re, b, e, b, e, sp->region, ONIG_OPTION_NONE);

	return r >= 0;
}

int
am_spider_match(struct am_spider *sp, struct str ua)
{
	if (ua.n == 1 && ua.p[0] == '-')
		return 1;
	int plain = 1;
	for (size_t i = 0; i < ua.n; i++) {
		unsigned char c = (unsigned char)ua.p[i];
		if (c < 0x20 || c >= 0x7f) {
			plain = 0;
			break;
		}
	}
	if (!plain)
		return search(sp, sp->full, ua, 1);
	return search(sp, sp->any, ua, 0) || search(sp, sp->start, ua, 1);
}

int
am_rate(const struct am_rollup *r, int64_t *rate)
{
	int64_t secs = r->last - r->first;

	if (secs == 0)
		return 0;
	/* Spark: count / seconds in double, times 60, cast to int (Java's
	 * (int) truncates toward zero and saturates). */
	double v = ((double)r->count / (double)secs) * 60.0;
	if (v >= (double)INT_MAX)
		*rate = INT_MAX;
	else if (v <= (double)INT_MIN)
		*rate = INT_MIN;
	else
		*rate = (int64_t)(int)v;
	return 1;
}

double
am_avg_distinct(const struct am_rollup *r)
{
	return r->hours ? (double)r->sum_distinct / (double)r->hours : 0.0;
}

const char *
am_label(const struct am_rollup *r, const char **reason)
{
	int64_t rate;
	int has_rate = am_rate(r, &rate);

	if (r->count < 10)
		return *reason = "less than 10 req", "user";
	if (r->count > 800)
		return *reason = "more than 800 req", "automated";
	if (has_rate && rate >= 30)
		return *reason = "high request ratio", "automated";
	if (r->nocookies > 10 && r->count > 100 &&
	    am_avg_distinct(r) * (double)r->rolled_up_hours / (double)r->count < 0.2)
		return *reason = "too many requests w/o cookies and small page_title variability",
		    "automated";
	if (r->ualen > 400 || r->ualen < 25)
		return *reason = "suspicious UA", "automated";
	if (has_rate && rate == 0)
		return *reason = "low request ratio", "user";
	return *reason = "unclassified", "unclassified";
}
