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

static inline unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Java's split("\\.") keeps leading empty labels and drops trailing ones;
 * "[//.]+" has already collapsed runs, so a label is empty only at the
 * ends. */
void
am_project_family(struct buf *out, struct am_text host)
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
	char *o = out->p + out->len;
	for (i = 0; i < n2; i++)
		o[i] = (char)lower((unsigned char)l2[i]);
	out->len += n2;
	out->p[out->len] = '\0';
	return;
none:
	buf_addc(out, '-');
}

int
am_xa_get(struct am_text hdr, const char *key, struct am_text *val)
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
am_suffix(int has_uuid, struct am_text uuid, struct am_text query,
    struct am_text *suffix, int *lone)
{
	static const char key[] = "appInstallID";
	const size_t klen = sizeof(key) - 1;

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

/* Length of the ASCII prefix of p[0..n), eight bytes at a time. */
static size_t
ascii_span(const char *p, size_t n)
{
	size_t i = 0;
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		if (w & UINT64_C(0x8080808080808080))
			break;
	}
	while (i < n && (unsigned char)p[i] < 0x80)
		i++;
	return i;
}

/* UTF-16 units in s: one per code point, two above U+FFFF. */
static size_t
units(const char *p, size_t n)
{
	size_t i = ascii_span(p, n), u = n;

	for (; i < n; i++) {
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
am_chars(struct am_text s)
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
	size_t u = 0, i;

	*half = 0;
	if (ascii_span(p, n < 200 ? n : 200) == (n < 200 ? n : 200))
		return n < 200 ? n : 200;	/* the common case */
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
am_signatures(struct am_text ip, struct am_text ua, struct am_text al,
    struct am_text host_a, struct am_text host_b, struct am_text sfx,
    int sfx_lone, unsigned char sig_a[16], int *ok_a, unsigned char sig_b[16])
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
	pre_units = units(ip.p, ip.n) + units(ua.p, ualen) + (size_t)half +
	    units(al.p, al.n);
	pa[k++] = (struct piece){ NULL, 0 };	/* the host goes here */
	if (sfx_half)
		pa[k++] = (struct piece){ "?", 1 };
	pa[k++] = (struct piece){ sfx.p, sfx.n };
	sfx_units = units(sfx.p, sfx.n) + (size_t)sfx_half;
	memcpy(pb, pa, sizeof(pa));
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
static const char *const anywhere[] = {
	"bot", "spider", "wordpress", "appengine", "appledictionaryservice",
	"python-urllib", "python-requests", "google-http-java-client",
	"facebook", "yahoo", "rockpeaks", "phantomjs", "http",
};
static const char *const at_start[] = {
	"goo wikipedia", "mediawikicrawler-google", "wikiwix-bot", "java/", "curl",
	"php/", "faraday", "httpc", "ruby", ".net", "python", "apache", "scrapy",
	"pycurl", "libwww", "zend", "wget", "nodemw", "winhttpraw", "twisted",
	"com.eusoft", "lagotto", "peggo", "recuweb", "check_http", "magnus", "mld",
	"jakarta", "find-link", "j. river", "projectplan9", "admantx", "httpunit",
	"lwp", "inaturalist", "wikidemo", "fsresearchit", "livedoor",
	"microsoft monitoring", "mediawiki", "user:", "user_talk:", "github",
	"blackboard safeassign", "damn small xss", "meetingroomapp",
};

struct am_spider {
	regex_t *full;
	OnigRegion *region;
	uint16_t first[256];	/* bit k: anywhere[k] starts with this byte */
};

static regex_t *
compile(const char *pat, char *err, size_t errlen)
{
	regex_t *re;
	OnigErrorInfo einfo;
	OnigOptionType opt = ONIG_OPTION_IGNORECASE |
	    ONIG_OPTION_IGNORECASE_IS_ASCII | ONIG_OPTION_SPACE_IS_ASCII;
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
	struct am_spider *sp = xcalloc(1, sizeof(*sp));

	if (!inited) {
		OnigEncoding enc = ONIG_ENCODING_UTF8;
		onig_initialize(&enc, 1);
		inited = 1;
	}
	if ((sp->full = compile(spider_full, err, errlen)) == NULL) {
		am_spider_free(sp);
		return NULL;
	}
	sp->region = onig_region_new();
	for (size_t k = 0; k < LEN(anywhere); k++) {
		unsigned char c = (unsigned char)anywhere[k][0];
		sp->first[c] |= (uint16_t)(1u << k);
		sp->first[c - 32] |= (uint16_t)(1u << k);	/* all start with a letter */
	}
	return sp;
}

void
am_spider_free(struct am_spider *sp)
{
	if (sp == NULL)
		return;
	if (sp->full)
		onig_free(sp->full);
	if (sp->region)
		onig_region_free(sp->region, 1);
	free(sp);
}

int
am_spider_regex(struct am_spider *sp, struct am_text ua)
{
	const UChar *b = (const UChar *)ua.p, *e = b + ua.n;

	return onig_match(sp->full, b, e, b, sp->region, ONIG_OPTION_NONE) >= 0;
}

/*
 * The same answer without the regex engine, for a user agent of printable
 * ASCII (no line terminators, so '.' is any character and \S is "not a
 * space"): the pattern then holds exactly when one of ANYWHERE occurs
 * anywhere or one of AT_START matches at the start.  Oniguruma's
 * backtracking over ".*(a|b|...)" costs microseconds per user agent; this
 * costs a pass over it.  tests/t_automata checks the two agree.
 */
/* s[0..n) starts with the lower-case literal t, ignoring ASCII case. */
static int
iprefix(const char *s, size_t n, const char *t)
{
	size_t i;

	for (i = 0; t[i]; i++)
		if (i >= n || lower((unsigned char)s[i]) != (unsigned char)t[i])
			return 0;
	return 1;
}

static int
isalpha_ascii(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
spider_plain(const struct am_spider *sp, struct am_text ua)
{
	const char *s = ua.p;
	size_t n = ua.n;

	/* ANYWHERE: at each position, the tokens that start with its
	 * character (first[] has a bit per token, both cases). */
	for (size_t i = 0; i < n; i++) {
		for (unsigned m = sp->first[(unsigned char)s[i]]; m; m &= m - 1) {
			const char *t = anywhere[__builtin_ctz(m)];
			if (iprefix(s + i, n - i, t))
				return 1;
		}
	}
	for (size_t k = 0; k < LEN(at_start); k++)
		if (iprefix(s, n, at_start[k]))
			return 1;
	/* tools.wmflabs.org, its dots matching any character. */
	if (n >= 17 && iprefix(s, 5, "tools") && iprefix(s + 6, 7, "wmflabs") &&
	    iprefix(s + 14, 3, "org"))
		return 1;
	/* \S+@\S+\.[a-zA-Z]{2,3} at the start: within the first run of
	 * non-spaces, an '@' after at least one character, then a '.' after
	 * at least one more, followed by two letters. */
	size_t e = 0;
	while (e < n && s[e] != ' ')
		e++;
	const char *at = e > 1 ? memchr(s + 1, '@', e - 1) : NULL;
	if (at == NULL)
		return 0;
	for (size_t q = (size_t)(at - s) + 2; q + 2 < e; q++)
		if (s[q] == '.' && isalpha_ascii((unsigned char)s[q + 1]) &&
		    isalpha_ascii((unsigned char)s[q + 2]))
			return 1;
	return 0;
}

int
am_spider_match(struct am_spider *sp, struct am_text ua)
{
	if (ua.n == 1 && ua.p[0] == '-')
		return 1;
	for (size_t i = 0; i < ua.n; i++) {
		unsigned char c = (unsigned char)ua.p[i];
		if (c < 0x20 || c >= 0x7f)
			return am_spider_regex(sp, ua);
	}
	return spider_plain(sp, ua);
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
	    am_avg_distinct(r) * (double)r->rolled_up_hours /
	    (double)r->count < 0.2)
		return *reason = "too many requests w/o cookies and small page_title variability",
		    "automated";
	if (r->ualen > 400 || r->ualen < 25)
		return *reason = "suspicious UA", "automated";
	if (has_rate && rate == 0)
		return *reason = "low request ratio", "user";
	return *reason = "unclassified", "unclassified";
}

/* ---- page titles (PageviewDefinition.getPageTitleFromUri) ---- */

/* First index of t in s[from..n), or -1: Java's indexOf. */
static long
index_of(const char *s, size_t n, const char *t, size_t from)
{
	size_t tl = strlen(t);

	for (size_t i = from; i + tl <= n; i++)
		if (memcmp(s + i, t, tl) == 0)
			return (long)i;
	return -1;
}

/* getPageTitleFromPath: the title part of a normalised path. */
static struct am_text
title_from_path(struct am_text p)
{
	static const char *const marks[] = {
		"/api/rest_v1/page/mobile-sections-lead/", "/wiki/", "/w/",
	};
	long end = index_of(p.p, p.n, "#", 0);
	size_t e = end > 0 ? (size_t)end : p.n;

	for (size_t k = 0; k < LEN(marks); k++) {
		long i = index_of(p.p, p.n, marks[k], 0);
		if (i >= 0 && (size_t)i + strlen(marks[k]) < e)
			return (struct am_text){ p.p + i + strlen(marks[k]),
			    e - (size_t)i - strlen(marks[k]) };
	}
	/* /language_variant/Page_title: after the second '/'. */
	long first = index_of(p.p, p.n, "/", 0);
	long second = index_of(p.p, p.n, "/", (size_t)(first + 1));
	if (second >= 0 && (size_t)second + 1 < e)
		return (struct am_text){ p.p + second + 1, e - (size_t)second - 1 };
	return (struct am_text){ "-", 1 };
}

/*
 * Java's new String(bytes, UTF-8) of p[from..): each malformed sequence
 * becomes U+FFFD.  Valid UTF-8 is the common case and is kept as it is.
 */
static void
utf8_repair(struct buf *out, size_t from)
{
	const unsigned char *p = (const unsigned char *)out->p + from;
	size_t n = out->len - from, i = 0;
	int bad = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t l = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 :
		    c >= 0xf0 && c < 0xf5 ? 4 : 0;
		if (l == 0 || i + l > n) {
			bad = 1;
			break;
		}
		for (size_t k = 1; k < l; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				bad = 1;
		if ((c == 0xe0 && p[i + 1] < 0xa0) || (c == 0xed && p[i + 1] >= 0xa0) ||
		    (c == 0xf0 && p[i + 1] < 0x90) || (c == 0xf4 && p[i + 1] >= 0x90))
			bad = 1;
		if (bad)
			break;
		i += l;
	}
	if (!bad)
		return;
	/* Rebuild after the text, keeping valid sequences and writing one
	 * U+FFFD per maximal invalid prefix, as Java's decoder does; then move
	 * the result back.  out only grows, so nothing is allocated per call
	 * once it is large enough. */
	size_t len = n, at = out->len;
	buf_reserve(out, 3 * len);
	for (i = 0; i < len;) {
		const unsigned char *cp = (const unsigned char *)out->p + from;
		unsigned char c = cp[i];
		size_t l = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 :
		    c >= 0xf0 && c < 0xf5 ? 4 : 0;
		size_t k = 1;
		if (l > 1) {
			unsigned char lo = 0x80, hi = 0xbf;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
			else if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
			for (; k < l && i + k < len; k++) {
				unsigned char d = cp[i + k];
				if (d < (k == 1 ? lo : 0x80) ||
				    d > (k == 1 ? hi : 0xbf))
					break;
			}
		}
		if (l != 0 && k == l) {
			buf_add(out, out->p + from + i, l);
			i += l;
		} else {
			buf_add(out, "\xef\xbf\xbd", 3);
			i += l == 0 ? 1 : k;
		}
	}
	memmove(out->p + from, out->p + at, out->len - at);
	out->len = from + (out->len - at);
	out->p[out->len] = '\0';
}

/* titleValidPattern: $wgLegalTitleChars, with code points above U+FFFF
 * (outside \u0080-\uffff) refused. */
static int
title_valid(const char *p, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0xf0)
			return 0;
		if (c >= 0x80)
			continue;
		if (c < 0x20 || strchr("#<>[]{|}", c) || c == 0x7f)
			return 0;
	}
	return 1;
}

void
am_page_title(struct buf *out, struct am_text path, struct am_text query)
{
	/* normalizeUriPath: a full URL's path, up to the query, runs of
	 * '/' collapsed, trimmed. */
	const char *s = path.p ? path.p : "";
	size_t n = path.p ? path.n : 0, b = 0;
	if (n >= 4 && memcmp(s, "http", 4) == 0) {
		long i = index_of(s, n, "/", 9);
		if (i < 0) {
			buf_addc(out, '-');	/* Java's substring(-1) throws */
			return;
		}
		b = (size_t)i;
	}
	long q = index_of(s, n, "?", b);
	size_t e = q < 0 ? n : (size_t)q;
	size_t start = out->len;
	for (size_t i = b; i < e; i++)
		if (!(s[i] == '/' && i > b && s[i - 1] == '/'))
			buf_addc(out, s[i]);
	/* The normalised path is kept at the end of out while the title is
	 * chosen, then replaced by it. */
	size_t ps = start, pe = out->len;
	while (ps < pe && (unsigned char)out->p[ps] <= ' ')
		ps++;
	while (pe > ps && (unsigned char)out->p[pe - 1] <= ' ')
		pe--;
	struct am_text np = { out->p + ps, pe - ps };

	int index = index_of(np.p, np.n, "index.", 0) >= 0;
	int pathwiki = (index_of(np.p, np.n, "/wiki/", 0) >= 0 && !index) ||
	    index_of(np.p, np.n, "/w/index.php/", 0) >= 0 ||
	    (np.n >= 39 && memcmp(np.p,
	    "/api/rest_v1/page/mobile-sections-lead/", 39) == 0);

	/* The first title= and page= with a value; Java's split drops
	 * trailing empty pairs, which changes nothing here. */
	struct am_text title = { NULL, 0 }, page = { NULL, 0 };
	const char *qs = query.p ? query.p : "";
	size_t qn = query.p ? query.n : 0;
	if (qn && qs[0] == '?')
		qs++, qn--;
	for (size_t i = 0; i <= qn && !(title.p && page.p);) {
		const char *amp = memchr(qs + i, '&', qn - i);
		size_t pe2 = amp ? (size_t)(amp - qs) : qn;
		const char *pair = qs + i;
		size_t pl = pe2 - i;
		const char *eq = memchr(pair, '=', pl);
		size_t idx = eq ? (size_t)(eq - pair) : 0;
		size_t kl = eq && idx > 0 ? idx : pl;
		int has = eq && idx > 0 && pl > idx + 1;
		struct am_text v = { pair + idx + 1, has ? pl - idx - 1 : 0 };
		if (kl == 5 && memcmp(pair, "title", 5) == 0 &&
		    title.p == NULL && has)
			title = v;
		if (kl == 4 && memcmp(pair, "page", 4) == 0 && page.p == NULL &&
		    has)
			page = v;
		if (amp == NULL)
			break;
		i = pe2 + 1;
	}

	struct am_text t = { "-", 1 };
	if (title.p)
		t = title;
	else if (pathwiki)
		t = title_from_path(np);
	else if (page.p)
		t = page;
	else if (!index)
		t = title_from_path(np);

	/* Percent-decode (a query value's '+' is '_', replaced before
	 * decoding), bytes to a string as Java does, spaces to '_'.  A title
	 * taken from the path lies in out beyond start: it is decoded in
	 * place, the writes never passing the reads. */
	size_t tl = t.n;
	int inbuf = t.p >= out->p && t.p < out->p + out->len;
	size_t toff = inbuf ? (size_t)(t.p - out->p) : 0;
	int fromquery = t.p == title.p || t.p == page.p;
	out->len = start;
	buf_reserve(out, tl);	/* moves nothing when the title is in out */
	for (size_t i = 0; i < tl; i++) {
		const char *src = inbuf ? out->p + toff : t.p;
		char c = src[i];
		int h1, h2;
		if (c == '%' && i + 2 < tl &&
		    (h1 = hexval((unsigned char)src[i + 1])) >= 0 &&
		    (h2 = hexval((unsigned char)src[i + 2])) >= 0) {
			out->p[out->len++] = (char)(h1 << 4 | h2);
			i += 2;
		} else
			out->p[out->len++] = fromquery && c == '+' ? '_' : c;
	}
	utf8_repair(out, start);
	for (size_t i = start; i < out->len; i++)
		if (out->p[i] == ' ')
			out->p[i] = '_';
	if (out->len - start > 512 ||
	    !title_valid(out->p + start, out->len - start)) {
		out->len = start;
		buf_addc(out, '-');
	}
	out->p[out->len] = '\0';
}
