/*
 * genpings: deterministic Mozilla-like "main" pings for the benchmarks.
 *
 * usage: genpings [-s full|projected] [-n count | -m megabytes]
 *                 [-d dup-rate] [-D days] [-S seed] [-a id-after]
 *                 [-c clients]
 *
 * Two shapes, the two an analyst meets:
 *   full       the ping as the Heka-era pipeline stored it: application,
 *              environment (system, settings, add-ons with a theme whose
 *              own "id" key precedes the ping's), payload with hundreds of
 *              parent and content-process histograms, keyed histograms and
 *              simple measurements, and meta (submissionDate, documentId,
 *              Timestamp in integer nanoseconds above 2^53, sampleId 79.0);
 *              100 to 250 KB minified, like examples/data/pings;
 *   projected  the 2-4 KB record an analysis keeps (ids, meta, OS, CPU,
 *              settings, a few add-ons, a few histograms).
 * Keys appear in the order the real pings have them (sorted), except that
 * a fraction (-a, default 0.5) of the records carry "id" after the payload:
 * a scanner must then walk the whole record to find the key.
 *
 * Every record is generated from (seed, its index) alone, so a smaller
 * file with the same options holds the same records.  A duplicate (-d, the
 * fraction of records that repeat an earlier id) is a resend: the body of
 * the earlier record regenerated, with the time and meta of its arrival.
 * Records are spread evenly over -D days from 2017-01-30.
 *
 * Output goes to stdout; sizes are in 10^6-byte megabytes.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ts.h"
#include "util.h"

/* ------------------------------------------------------------ random */

/* splitmix64: small, fast and good enough to draw shapes from. */
static uint64_t
rnd64(uint64_t *s)
{
	return mix64(*s += UINT64_C(0x9e3779b97f4a7c15));
}

static uint64_t
below(uint64_t *s, uint64_t n)
{
	return n == 0 ? 0 : rnd64(s) % n;
}

static double
unit(uint64_t *s)
{
	return (double)(rnd64(s) >> 11) / 9007199254740992.0;
}

static uint64_t
seeded(uint64_t seed, uint64_t i, uint64_t salt)
{
	uint64_t s = seed * UINT64_C(0x2545f4914f6cdd1d) ^ i * UINT64_C(0x9e3779b97f4a7c15) ^ salt;

	rnd64(&s);
	return s;
}

/* ------------------------------------------------------------ output */

static struct buf out;

static void
flush_out(void)
{
	size_t off = 0;
	ssize_t w;

	while (off < out.len) {
		w = write(STDOUT_FILENO, out.p + off, out.len - off);
		if (w < 0) {
			perror("genpings: write");
			exit(1);
		}
		off += (size_t)w;
	}
	buf_reset(&out);
}

static void
put_u64(struct buf *b, uint64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	buf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

static void
put_i64(struct buf *b, int64_t v)
{
	if (v < 0) {
		buf_addc(b, '-');
		put_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(b, (uint64_t)v);
	}
}

/* ,"k": (no comma when first) */
static void
key(struct buf *b, int *first, const char *k)
{
	if (!*first)
		buf_addc(b, ',');
	*first = 0;
	buf_addc(b, '"');
	buf_adds(b, k);
	buf_add(b, "\":", 2);
}

static void
str(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	buf_adds(b, s);
	buf_addc(b, '"');
}

static void
kstr(struct buf *b, int *first, const char *k, const char *v)
{
	key(b, first, k);
	str(b, v);
}

static void
knum(struct buf *b, int *first, const char *k, int64_t v)
{
	key(b, first, k);
	put_i64(b, v);
}

static void
kraw(struct buf *b, int *first, const char *k, const char *raw)
{
	key(b, first, k);
	buf_adds(b, raw);
}

static void
uuid(char out36[37], uint64_t hi, uint64_t lo)
{
	static const char hex[] = "0123456789abcdef";
	int i, j = 0;

	/* Version 4, RFC 4122 variant, as Firefox makes them. */
	hi = (hi & ~UINT64_C(0xf000)) | UINT64_C(0x4000);
	lo = (lo & ~(UINT64_C(0xc) << 60)) | (UINT64_C(0x8) << 60);
	for (i = 0; i < 32; i++) {
		uint64_t w = i < 16 ? hi : lo;
		int nib = (int)((w >> (4 * (15 - i % 16))) & 0xf);

		if (i == 8 || i == 12 || i == 16 || i == 20)
			out36[j++] = '-';
		out36[j++] = hex[nib];
	}
	out36[j] = '\0';
}

static void
rand_uuid(char out36[37], uint64_t *s)
{
	uint64_t hi = rnd64(s);

	uuid(out36, hi, rnd64(s));
}

/* -------------------------------------------------------- catalogues */

static const char *const hprefix[] = {
	"A11Y", "BROWSER", "CACHE", "CANVAS", "CONTENT", "COOKIE", "CYCLE_COLLECTOR",
	"DNS", "DOM", "FONT", "FX_PAGE_LOAD", "FX_TAB_SWITCH", "GC", "GFX", "HTTP",
	"IMAGE", "IPC", "JS", "LOCALDOMSTORAGE", "MEDIA", "MEMORY", "NETWORK",
	"PLACES", "PLUGIN", "PWMGR", "SANDBOX", "SEARCH", "SPDY", "SSL", "STARTUP",
	"TELEMETRY", "TLS", "UPDATE", "URLCLASSIFIER", "WEBRTC", "XUL",
};
static const char *const hmiddle[] = {
	"CLOSE", "COMPILE", "FETCH", "FLUSH", "HANDSHAKE", "INIT", "LOOKUP", "MAX",
	"OPEN", "PAINT", "PARSE", "PAUSE", "READ", "RENDER", "REQUEST", "RESPONSE",
	"SHUTDOWN", "SLICE", "SWITCH", "SYNC", "TOTAL", "WRITE",
};
static const char *const hsuffix[] = {
	"_MS", "_COUNT", "_FLAG", "_BYTES", "_KB", "_VERSION", "_RESULT", "_REASON",
	"_US", "_ENABLED",
};

#define NHIST 720
#define MAXBUCKETS 101

struct hist {
	char name[64];
	int type;		/* nsITelemetry: 0 exp, 1 linear, 2 bool, 3 flag, 4 count */
	int nbuckets;
	int64_t lo, hi;		/* range */
	int64_t bounds[MAXBUCKETS];	/* bucket lower bounds */
};

static struct hist hists[NHIST];

static int
cmp_hist(const void *a, const void *b)
{
	return strcmp(((const struct hist *)a)->name, ((const struct hist *)b)->name);
}

/* Lower bounds as python_moztelemetry's parse_histograms computes them. */
static void
exponential_bounds(struct hist *h)
{
	double log_max = log((double)h->hi), log_cur, log_next;
	int64_t cur = h->lo, next;
	int i;

	h->bounds[0] = 0;
	h->bounds[1] = cur;
	for (i = 2; i < h->nbuckets; i++) {
		log_cur = log((double)cur);
		log_next = log_cur + (log_max - log_cur) / (h->nbuckets - i);
		next = (int64_t)floor(exp(log_next) + 0.5);
		if (next <= cur)
			next = cur + 1;
		h->bounds[i] = cur = next;
	}
}

static void
linear_bounds(struct hist *h)
{
	int n = h->nbuckets, i;

	h->bounds[0] = 0;
	for (i = 1; i < n; i++)
		h->bounds[i] = (int64_t)((double)(h->lo * (n - 1 - i) + h->hi * (i - 1)) /
		    (n - 2) + 0.5);
}

static void
make_catalogue(uint64_t seed)
{
	uint64_t s = seeded(seed, 0, 0x68697374);
	size_t np = LEN(hprefix), nm = LEN(hmiddle), nsx = LEN(hsuffix);
	size_t total = np * nm * nsx, i, k, n = 0;
	unsigned char *used = xcalloc(total, 1);

	while (n < NHIST) {
		struct hist *h = &hists[n];
		const char *suf;

		k = below(&s, total);
		if (used[k])
			continue;
		used[k] = 1;
		suf = hsuffix[k % nsx];
		snprintf(h->name, sizeof(h->name), "%s_%s%s", hprefix[k / (nm * nsx)],
		    hmiddle[k / nsx % nm], suf);
		if (strcmp(suf, "_FLAG") == 0 || strcmp(suf, "_ENABLED") == 0) {
			h->type = strcmp(suf, "_FLAG") == 0 ? 3 : 2;
			h->nbuckets = 3;
			h->lo = 1;
			h->hi = 2;
			for (i = 0; i < 3; i++)
				h->bounds[i] = (int64_t)i;
		} else if (strcmp(suf, "_COUNT") == 0 && below(&s, 2) == 0) {
			h->type = 4;
			h->nbuckets = 3;
			h->lo = 1;
			h->hi = 2;
			for (i = 0; i < 3; i++)
				h->bounds[i] = (int64_t)i;
		} else if (strcmp(suf, "_VERSION") == 0 || strcmp(suf, "_RESULT") == 0 ||
		    strcmp(suf, "_REASON") == 0) {
			/* enumerated, sent as linear: buckets 0..n_values */
			h->type = 1;
			h->hi = 4 + (int64_t)below(&s, 60);
			h->lo = 1;
			h->nbuckets = (int)h->hi + 1;
			for (i = 0; i < (size_t)h->nbuckets; i++)
				h->bounds[i] = (int64_t)i;
		} else {
			h->type = 0;
			h->lo = 1;
			h->hi = (int64_t[]){ 1000, 10000, 60000, 8000000, 1000000 }[below(&s, 5)];
			h->nbuckets = (int)(20 + below(&s, 81));
			exponential_bounds(h);
		}
		if (h->type == 1 && below(&s, 3) == 0) {
			/* a true linear histogram */
			h->hi = 50 + (int64_t)below(&s, 2000);
			h->nbuckets = 10 + (int)below(&s, 40);
			linear_bounds(h);
		}
		n++;
	}
	free(used);
	qsort(hists, NHIST, sizeof(hists[0]), cmp_hist);
}

struct addon {
	const char *id, *name, *desc;
	int system;
};

static const struct addon addons[] = {
	{ "@enable-copy-cut-paste", "Enable Copy, Cut and Paste", "Enables copy, cut and paste actions on Web pages which block any of those actions.", 0 },
	{ "@hoxx-vpn", "Hoxx VPN Proxy", "Unblock websites with free VPN proxy.", 0 },
	{ "uBlock0@raymondhill.net", "uBlock Origin", "Finally, an efficient blocker. Easy on CPU and memory.", 0 },
	{ "{d10d0bf8-f5b5-c8b4-a8b2-2b9879e08c5d}", "Adblock Plus", "Ads were yesterday!", 0 },
	{ "{b9db16a4-6edc-47ec-a1f4-b86292ed211d}", "Video DownloadHelper", "Download Videos from the Web. Easy.", 0 },
	{ "{73a6fe31-595d-460b-a920-fcc0f8843232}", "NoScript", "Extra protection for your Firefox.", 0 },
	{ "jid1-MnnxcxisBPnSXQ@jetpack", "Privacy Badger", "Automatically learns to block invisible trackers.", 0 },
	{ "https-everywhere@eff.org", "HTTPS Everywhere", "Encrypt the web! Automatically use HTTPS security on many sites.", 0 },
	{ "random-agent-spoofer@jetpack", "Random Agent Spoofer", "Rotates complete browser profiles.", 0 },
	{ "safesearchplus2@avira.com", "Avira SafeSearch Plus", "Avira SafeSearch Plus lets you search safely.", 0 },
	{ "abs@avira.com", "Avira Browser Safety", "Protects you from tracking and malicious websites.", 0 },
	{ "firefox@getpocket.com", "Pocket", "When you find something on the Web, save it to Pocket.", 1 },
	{ "e10srollout@mozilla.org", "Multi-process staged rollout", "Staged rollout of Firefox multi-process feature.", 1 },
	{ "webcompat@mozilla.org", "Web Compat", "Urgent post-release fixes for web compatibility.", 1 },
	{ "aushelper@mozilla.org", "Application Update Service Helper", "Sets value(s) in the update url based on custom checks.", 1 },
	{ "shield-recipe-client@mozilla.org", "Shield Recipe Client", "Client to download and run recipes for SHIELD, Heartbeat, etc.", 1 },
	{ "formautofill@mozilla.org", "Form Autofill", "Autofill forms with saved profiles", 1 },
	{ "presentation@mozilla.org", "Presentation", "Discover nearby devices in the browser", 1 },
};

struct os {
	const char *name, *version;
	int weight;
};

static const struct os oses[] = {
	{ "Windows_NT", "10.0", 40 }, { "Windows_NT", "6.1", 30 }, { "Windows_NT", "6.3", 8 },
	{ "Windows_NT", "5.1", 4 }, { "Darwin", "16.4.0", 9 }, { "Linux", "4.9.0-1-amd64", 9 },
};

static const char *const countries[] = { "US", "DE", "FR", "BR", "IN", "GB", "RU", "PL", "JP", "ID", "??" };
static const char *const cities[] = { "Boyd", "Berlin", "Paris", "Sao Paulo", "Mumbai", "London", "Moscow", "Warsaw", "Tokyo", "Jakarta", "??" };
static const char *const locales[] = { "en-US", "de", "fr", "pt-BR", "en-GB", "ru", "pl", "ja", "id", "es-ES" };
static const char *const channels[] = { "nightly", "aurora", "beta", "release" };
static const char *const versions[] = { "54.0a1", "53.0a2", "52.0", "51.0.1" };
static const char *const reasons[] = { "shutdown", "daily", "environment-change", "aborted-session" };

/* -------------------------------------------------------------- pings */

struct opts {
	int full;
	double dup, id_after;
	uint64_t days, clients, seed, count;
};

/* What one record is made of: the body's seed (the original's index for a
 * duplicate) and the arrival. */
struct rec {
	uint64_t body;		/* index whose body this record carries */
	int64_t ts;		/* arrival, ns */
	uint64_t arrival;	/* index of this record: meta's seed */
};

static int64_t start_ns, span_ns;
static uint64_t n_est;

/* When record i arrives: evenly spread, jittered within its slot. */
static int64_t
arrival_ns(const struct opts *o, uint64_t i)
{
	uint64_t s = seeded(o->seed, i, 0x74696d65);

	return start_ns + (int64_t)((double)span_ns * ((double)i + unit(&s)) / (double)n_est);
}

static const struct os *
pick_os(uint64_t *s)
{
	int total = 0, r;
	size_t i;

	for (i = 0; i < LEN(oses); i++)
		total += oses[i].weight;
	r = (int)below(s, (uint64_t)total);
	for (i = 0; r >= oses[i].weight; i++)
		r -= oses[i].weight;
	return &oses[i];
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One histogram object: a few non-empty buckets and a zero on each side,
 * keys sorted as strings as the pings have them. */
static void
put_histogram(struct buf *b, const struct hist *h, uint64_t *s)
{
	char keys[MAXBUCKETS][24], *order[MAXBUCKETS];
	int64_t counts[MAXBUCKETS] = { 0 };
	int from, to, i, n = 0, f = 1, width;
	int64_t sum = 0;

	if (h->type == 2 || h->type == 3 || h->type == 4) {
		from = 0;
		to = 1;
		if (h->type == 3)
			counts[below(s, 2)] = 1;
		else if (h->type == 4)
			counts[0] = 1 + (int64_t)below(s, 40);
		else {
			counts[0] = (int64_t)below(s, 20);
			counts[1] = (int64_t)below(s, 20);
		}
		sum = h->type == 4 ? counts[0] : counts[1];
	} else {
		width = 1 + (int)below(s, h->type == 0 ? 20 : 5);
		from = (int)below(s, (uint64_t)(h->nbuckets - width));
		to = from + width + 1;
		if (to >= h->nbuckets)
			to = h->nbuckets - 1;
		for (i = from + 1; i < to; i++) {
			/* skewed counts: mostly small, a few huge */
			counts[i] = (int64_t)(below(s, 8) == 0 ? below(s, 30000) : below(s, 100));
			sum += counts[i] * (h->bounds[i] + (int64_t)below(s, 1 +
			    (uint64_t)(h->bounds[i + 1 < h->nbuckets ? i + 1 : i] - h->bounds[i])));
		}
	}
	buf_adds(b, "{\"bucket_count\":");
	put_u64(b, (uint64_t)h->nbuckets);
	buf_adds(b, ",\"histogram_type\":");
	put_u64(b, (uint64_t)h->type);
	buf_adds(b, ",\"range\":[");
	put_i64(b, h->lo);
	buf_addc(b, ',');
	put_i64(b, h->hi);
	buf_adds(b, "],\"sum\":");
	put_i64(b, sum);
	buf_adds(b, ",\"values\":{");
	for (i = from; i <= to; i++) {
		snprintf(keys[n], sizeof(keys[n]), "%lld", (long long)h->bounds[i]);
		order[n] = keys[n];
		n++;
	}
	qsort(order, (size_t)n, sizeof(order[0]), cmp_str);
	for (i = 0; i < n; i++) {
		int bucket = from + (int)((order[i] - keys[0]) / (ptrdiff_t)sizeof(keys[0]));

		key(b, &f, order[i]);
		put_i64(b, counts[bucket]);
	}
	buf_add(b, "}}", 2);
}

/* A set of histograms: each catalogue entry present with probability p. */
static void
put_histograms(struct buf *b, uint64_t *s, double p)
{
	int i, f = 1;

	buf_addc(b, '{');
	for (i = 0; i < NHIST; i++) {
		if (unit(s) >= p)
			continue;
		key(b, &f, hists[i].name);
		put_histogram(b, &hists[i], s);
	}
	buf_addc(b, '}');
}

static const char *const weekdays[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* The per-arrival facts: the server's envelope.  Keys sorted, as Heka's. */
static void
put_meta(struct buf *b, const struct opts *o, const struct rec *r, const char *id,
    const char *client, const struct os *os, int64_t created, int chan, uint64_t *bs)
{
	uint64_t s = seeded(o->seed, r->arrival, 0x6d657461);
	struct buf t = { 0 };
	char date[64], sub[9], cre[40];
	int f = 1, mon;
	int64_t secs = r->ts / NS_PER_SEC;

	ts_put_rfc3339(&t, r->ts);
	memcpy(sub, t.p, 4);
	memcpy(sub + 4, t.p + 5, 2);
	memcpy(sub + 6, t.p + 8, 2);
	sub[8] = '\0';
	mon = (t.p[5] - '0') * 10 + (t.p[6] - '0');
	snprintf(date, sizeof(date), "%s, %.2s %s %.4s %.8s GMT", weekdays[secs / 86400 % 7],
	    t.p + 8, months[mon - 1], t.p, t.p + 11);
	snprintf(cre, sizeof(cre), "%.12e", (double)created);
	buf_free(&t);

	buf_addc(b, '{');
	kstr(b, &f, "DNT", below(&s, 4) == 0 ? "1" : "0");
	kstr(b, &f, "Date", date);
	kstr(b, &f, "Host", "incoming.telemetry.mozilla.org");
	key(b, &f, "Hostname");
	buf_adds(b, "\"ip-172-31-");
	put_u64(b, below(&s, 16));
	buf_addc(b, '-');
	put_u64(b, below(&s, 256));
	buf_addc(b, '"');
	knum(b, &f, "Timestamp", r->ts);
	kstr(b, &f, "Type", "telemetry");
	kstr(b, &f, "appBuildId", "20170130030205");
	kstr(b, &f, "appName", "Firefox");
	kstr(b, &f, "appUpdateChannel", channels[chan]);
	kstr(b, &f, "appVendor", "Mozilla");
	kstr(b, &f, "appVersion", versions[chan]);
	kstr(b, &f, "clientId", client);
	kraw(b, &f, "creationTimestamp", cre);
	kstr(b, &f, "docType", "main");
	kstr(b, &f, "documentId", id);
	mon = (int)below(bs, LEN(countries));
	kstr(b, &f, "geoCity", cities[mon]);
	kstr(b, &f, "geoCountry", countries[mon]);
	kstr(b, &f, "normalizedChannel", channels[chan]);
	kstr(b, &f, "os", os->name);
	kstr(b, &f, "reason", reasons[below(bs, LEN(reasons))]);
	kraw(b, &f, "sampleId", "79.0");
	kstr(b, &f, "sourceName", "telemetry");
	kraw(b, &f, "sourceVersion", below(&s, 2) ? "4.0" : "\"4\"");
	kstr(b, &f, "submissionDate", sub);
	kraw(b, &f, "telemetryEnabled", "true");
	buf_addc(b, '}');
}

static void
put_addon(struct buf *b, const struct addon *a, uint64_t *s, int full)
{
	int f = 1;

	buf_addc(b, '{');
	if (full) {
		kraw(b, &f, "appDisabled", "false");
		kraw(b, &f, "blocklisted", "false");
		kstr(b, &f, "description", a->desc);
		kraw(b, &f, "foreignInstall", below(s, 5) == 0 ? "true" : "false");
		kraw(b, &f, "hasBinaryComponents", "false");
		knum(b, &f, "installDay", 16000 + (int64_t)below(s, 1200));
	}
	kraw(b, &f, "isSystem", a->system ? "true" : "false");
	kstr(b, &f, "name", a->name);
	if (full) {
		knum(b, &f, "scope", 1);
		knum(b, &f, "signedState", a->system ? 3 : 2);
	}
	kstr(b, &f, "type", "extension");
	if (full) {
		knum(b, &f, "updateDay", 17000 + (int64_t)below(s, 180));
		kraw(b, &f, "userDisabled", "false");
	}
	key(b, &f, "version");
	buf_addc(b, '"');
	put_u64(b, 1 + below(s, 9));
	buf_addc(b, '.');
	put_u64(b, below(s, 20));
	buf_addc(b, '"');
	buf_addc(b, '}');
}

static void
put_addons(struct buf *b, uint64_t *s, int full)
{
	unsigned char on[LEN(addons)] = { 0 };
	size_t i, n = 2 + below(s, full ? 10 : 5);
	int f = 1, g = 1;

	for (i = 0; i < n; i++)
		on[below(s, LEN(addons))] = 1;
	buf_addc(b, '{');
	key(b, &g, "activeAddons");
	buf_addc(b, '{');
	/* Sorted by id, as the pings have them. */
	for (i = 0; i < LEN(addons); i++) {
		size_t j, best = LEN(addons);

		for (j = 0; j < LEN(addons); j++)
			if (on[j] == 1 && (best == LEN(addons) || strcmp(addons[j].id, addons[best].id) < 0))
				best = j;
		if (best == LEN(addons))
			break;
		on[best] = 2;
		key(b, &f, addons[best].id);
		put_addon(b, &addons[best], s, full);
	}
	buf_addc(b, '}');
	if (full) {
		kraw(b, &g, "activeExperiment", "{}");
		kraw(b, &g, "activeGMPlugins", "{\"gmp-gmpopenh264\":{\"applyBackgroundUpdates\":1,"
		    "\"userDisabled\":false,\"version\":\"1.6\"},\"gmp-widevinecdm\":{"
		    "\"applyBackgroundUpdates\":1,\"userDisabled\":false,\"version\":\"1.4.8.903\"}}");
		kraw(b, &g, "activePlugins", "[{\"blocklisted\":false,\"clicktoplay\":false,"
		    "\"description\":\"Shockwave Flash 24.0 r0\",\"disabled\":false,\"mimeTypes\":"
		    "[\"application/x-shockwave-flash\",\"application/futuresplash\"],\"name\":"
		    "\"Shockwave Flash\",\"updateDay\":17180,\"version\":\"24.0.0.194\"}]");
	}
	/* The theme has an "id" of its own, before the ping's: a regex that
	 * takes the first "id" gets the theme. */
	kraw(b, &g, "theme", full ?
	    "{\"appDisabled\":false,\"blocklisted\":false,\"description\":null,"
	    "\"foreignInstall\":false,\"id\":\"{972ce4c6-7e08-4474-a285-3208198ce6fd}\","
	    "\"installDay\":0,\"name\":\"Default\",\"scope\":4,\"updateDay\":0,"
	    "\"userDisabled\":false,\"version\":\"54.0a1\"}" :
	    "{\"id\":\"{972ce4c6-7e08-4474-a285-3208198ce6fd}\",\"name\":\"Default\"}");
	buf_addc(b, '}');
}

static void
put_system(struct buf *b, uint64_t *s, const struct os *os, int full)
{
	int f = 1, g = 1;
	int64_t cores = 1 << below(s, 3);

	buf_addc(b, '{');
	key(b, &f, "cpu");
	buf_addc(b, '{');
	knum(b, &g, "cores", cores);
	knum(b, &g, "count", cores * (1 + (int64_t)below(s, 2)));
	if (full)
		kraw(b, &g, "extensions", "[\"hasMMX\",\"hasSSE\",\"hasSSE2\",\"hasSSE3\","
		    "\"hasSSSE3\",\"hasSSE4_1\",\"hasSSE4_2\",\"hasAVX\"]");
	knum(b, &g, "family", 6 + 15 * (int64_t)below(s, 2));
	if (full) {
		knum(b, &g, "l2cacheKB", 256 << below(s, 3));
		kraw(b, &g, "l3cacheKB", below(s, 4) == 0 ? "null" : "8192");
		knum(b, &g, "model", (int64_t)below(s, 100));
	}
	knum(b, &g, "speedMHz", 1600 + (int64_t)below(s, 2600));
	if (full)
		knum(b, &g, "stepping", (int64_t)below(s, 10));
	kstr(b, &g, "vendor", below(s, 4) == 0 ? "AuthenticAMD" : "GenuineIntel");
	buf_addc(b, '}');
	if (full) {
		kraw(b, &f, "gfx", "{\"ContentBackend\":\"Skia\",\"D2DEnabled\":false,"
		    "\"DWriteEnabled\":true,\"adapters\":[{\"GPUActive\":true,\"RAM\":768,"
		    "\"description\":\"AMD Radeon HD 8370D\",\"deviceID\":\"0x9998\",\"driver\":"
		    "\"aticfx64 aticfx64 aticfx64 amdxc64 aticfx32 aticfx32\",\"driverDate\":"
		    "\"11-4-2015\",\"driverVersion\":\"15.201.1151.1008\",\"subsysID\":\"77211462\","
		    "\"vendorID\":\"0x1002\"}],\"features\":{\"compositor\":\"d3d11\",\"d2d\":"
		    "{\"status\":\"available\",\"version\":\"1.1\"},\"gpuProcess\":{\"status\":"
		    "\"available\"}},\"monitors\":[{\"pseudoDisplay\":false,\"refreshRate\":60,"
		    "\"screenHeight\":768,\"screenWidth\":1360}]}");
		kraw(b, &f, "hdd", "{\"binary\":{\"model\":\"TOSHIBA DT01ACA100\",\"revision\":"
		    "\"MS2OA750\"},\"profile\":{\"model\":\"TOSHIBA DT01ACA100\",\"revision\":"
		    "\"MS2OA750\"},\"system\":{\"model\":\"TOSHIBA DT01ACA100\",\"revision\":\"MS2OA750\"}}");
		kraw(b, &f, "isWow64", "false");
	}
	knum(b, &f, "memoryMB", 1024 * (1 + (int64_t)below(s, 16)) - (int64_t)below(s, 700));
	key(b, &f, "os");
	g = 1;
	buf_addc(b, '{');
	if (full)
		knum(b, &g, "installYear", 2010 + (int64_t)below(s, 7));
	kstr(b, &g, "locale", locales[below(s, LEN(locales))]);
	kstr(b, &g, "name", os->name);
	kstr(b, &g, "version", os->version);
	buf_addc(b, '}');
	if (full)
		knum(b, &f, "virtualMaxMB", 134217728);
	buf_addc(b, '}');
}

static void
put_settings(struct buf *b, uint64_t *s, int chan, int full)
{
	static const char *const dflt[] = { "true", "false", "false", "null" };
	int f = 1;

	buf_addc(b, '{');
	if (full) {
		kraw(b, &f, "addonCompatibilityCheckEnabled", "true");
		kraw(b, &f, "blocklistEnabled", "true");
		kstr(b, &f, "defaultSearchEngine", below(s, 3) ? "google" : "bing");
	}
	kraw(b, &f, "e10sEnabled", below(s, 3) ? "true" : "false");
	kraw(b, &f, "isDefaultBrowser", dflt[below(s, LEN(dflt))]);
	kstr(b, &f, "locale", locales[below(s, LEN(locales))]);
	if (full) {
		kraw(b, &f, "telemetryEnabled", "true");
		key(b, &f, "update");
		buf_adds(b, "{\"autoDownload\":true,\"channel\":");
		str(b, channels[chan]);
		buf_adds(b, ",\"enabled\":true}");
		kraw(b, &f, "userPrefs", "{\"browser.cache.disk.capacity\":358400,"
		    "\"browser.startup.homepage\":\"<user-set>\","
		    "\"privacy.donottrackheader.enabled\":true}");
	}
	buf_addc(b, '}');
}

static void
put_keyed(struct buf *b, uint64_t *s)
{
	static const char *const msgs[] = { "PBrowser::Msg_AsyncMessage", "PContent::Msg_AsyncMessage",
	    "PHttpChannel::Msg_OnTransportAndData", "PLayerTransaction::Msg_Update" };
	int f = 1, g, k;
	size_t i;

	buf_addc(b, '{');
	for (k = 0; k < 24; k++) {
		const struct hist *h = &hists[(k * 37) % NHIST];

		key(b, &f, h->name);
		buf_addc(b, '{');
		g = 1;
		for (i = 0; i < LEN(msgs); i++)
			if (below(s, 2)) {
				key(b, &g, msgs[i]);
				put_histogram(b, h, s);
			}
		buf_addc(b, '}');
	}
	buf_addc(b, '}');
}

static void
put_payload(struct buf *b, uint64_t *s, int full)
{
	char sid[37];
	int f = 1, g = 1;
	double richness = unit(s);
	int64_t len = (int64_t)below(s, 90000);
	size_t i;

	buf_addc(b, '{');
	if (full) {
		kraw(b, &f, "UIMeasurements", "[]");
		kraw(b, &f, "addonDetails", "{\"XPI\":{\"firefox@getpocket.com\":{\"location\":\"app-system-defaults\",\"scan_MS\":1,\"scan_items\":1}}}");
		kraw(b, &f, "childPayloads", "[{\"chromeHangs\":{\"memoryMap\":[],\"stacks\":[]},\"log\":[],\"simpleMeasurements\":{},\"threadHangStats\":[],\"ver\":4,\"webrtc\":{}}]");
		kraw(b, &f, "chromeHangs", "{\"durations\":[],\"memoryMap\":[],\"stacks\":[],\"systemUptime\":[],\"firefoxUptime\":[],\"annotations\":[]}");
		kraw(b, &f, "fileIOReports", "{}");
	}
	key(b, &f, "histograms");
	if (full) {
		put_histograms(b, s, 0.35 + 0.6 * richness);
	} else {
		/* the histograms an analysis asks for */
		buf_addc(b, '{');
		for (i = 0; i < 6; i++) {
			const struct hist *h = &hists[(i * 113 + 7) % NHIST];

			key(b, &g, h->name);
			put_histogram(b, h, s);
		}
		key(b, &g, "SSL_HANDSHAKE_VERSION");
		buf_adds(b, "{\"bucket_count\":17,\"histogram_type\":1,\"range\":[1,16],\"sum\":");
		i = (size_t)below(s, 200);
		put_u64(b, 3 * i + 8);
		buf_adds(b, ",\"values\":{\"2\":0,\"3\":");
		put_u64(b, i);
		buf_adds(b, ",\"4\":2,\"5\":0}}}");
	}
	key(b, &f, "info");
	buf_addc(b, '{');
	g = 1;
	if (full) {
		kstr(b, &g, "flashVersion", "24.0.0.194");
		rand_uuid(sid, s);
		kstr(b, &g, "previousSessionId", sid);
		knum(b, &g, "profileSubsessionCounter", 1 + (int64_t)below(s, 3000));
	}
	kstr(b, &g, "reason", reasons[below(s, LEN(reasons))]);
	if (full) {
		kstr(b, &g, "revision", "https://hg.mozilla.org/mozilla-central/rev/71224049c0b52ab190564d3ea0eab089a159a4cf");
		rand_uuid(sid, s);
		kstr(b, &g, "sessionId", sid);
	}
	knum(b, &g, "sessionLength", below(s, 50) == 0 ? -len : len);
	if (full) {
		kstr(b, &g, "sessionStartDate", "2017-01-30T00:00:00.0-06:00");
		knum(b, &g, "subsessionCounter", 1 + (int64_t)below(s, 5));
		rand_uuid(sid, s);
		kstr(b, &g, "subsessionId", sid);
	}
	knum(b, &g, "subsessionLength", len / 2);
	if (full)
		knum(b, &g, "timezoneOffset", -360 + 60 * (int64_t)below(s, 12));
	buf_addc(b, '}');
	if (full) {
		key(b, &f, "keyedHistograms");
		put_keyed(b, s);
		kraw(b, &f, "lateWrites", "{\"memoryMap\":[],\"stacks\":[]}");
		kraw(b, &f, "log", "[]");
		key(b, &f, "processes");
		buf_adds(b, "{\"content\":{\"histograms\":");
		put_histograms(b, s, 0.15 + 0.4 * richness);
		buf_adds(b, "},\"gpu\":{},\"parent\":{\"scalars\":{\"browser.engagement.max_concurrent_tab_count\":");
		put_u64(b, 1 + below(s, 40));
		buf_adds(b, ",\"browser.engagement.max_concurrent_window_count\":");
		put_u64(b, 1 + below(s, 4));
		buf_adds(b, "}}}");
		key(b, &f, "simpleMeasurements");
		buf_adds(b, "{\"activeTicks\":");
		put_u64(b, below(s, 5000));
		buf_adds(b, ",\"firstPaint\":");
		put_u64(b, 500 + below(s, 5000));
		buf_adds(b, ",\"main\":");
		put_u64(b, 100 + below(s, 500));
		buf_adds(b, ",\"sessionRestored\":");
		put_u64(b, 800 + below(s, 8000));
		buf_adds(b, ",\"totalTime\":");
		put_u64(b, (uint64_t)len);
		buf_adds(b, ",\"uptime\":");
		put_u64(b, (uint64_t)len / 60);
		buf_addc(b, '}');
		kraw(b, &f, "slowSQL", "{\"mainThread\":{},\"otherThreads\":{}}");
		kraw(b, &f, "threadHangStats", "[]");
		knum(b, &f, "ver", 4);
		kraw(b, &f, "webrtc", "{\"IceCandidatesStats\":{\"webrtc\":{},\"loop\":{}}}");
	}
	buf_addc(b, '}');
}

static void
put_ping(struct buf *b, const struct opts *o, const struct rec *r)
{
	uint64_t s = seeded(o->seed, r->body, 0x70696e67), cs;
	char id[37], client[37], cre[40];
	const struct os *os;
	int f = 1, chan, id_after;
	int64_t created;
	struct buf t = { 0 };

	rand_uuid(id, &s);
	/* The client is drawn from a fixed pool, so clients send many pings. */
	cs = seeded(o->seed, below(&s, o->clients), 0x636c6e74);
	rand_uuid(client, &cs);
	os = pick_os(&cs);
	chan = (int)below(&cs, LEN(channels));
	id_after = unit(&s) < o->id_after;
	/* Created a few minutes before the original arrived. */
	created = arrival_ns(o, r->body) - (int64_t)below(&s, 600) * NS_PER_SEC;
	created -= created % 1000000;
	ts_put_rfc3339(&t, created);
	snprintf(cre, sizeof(cre), "%s", t.p);
	buf_free(&t);

	buf_addc(b, '{');
	if (!o->full) {
		/* an analysis's projection: its own key order */
		if (!id_after)
			kstr(b, &f, "id", id);
		kstr(b, &f, "clientId", client);
		kstr(b, &f, "creationDate", cre);
		key(b, &f, "meta");
		put_meta(b, o, r, id, client, os, created, chan, &s);
		key(b, &f, "application");
		buf_adds(b, "{\"channel\":");
		str(b, channels[chan]);
		buf_adds(b, ",\"name\":\"Firefox\",\"version\":");
		str(b, versions[chan]);
		buf_addc(b, '}');
		key(b, &f, "environment");
		buf_addc(b, '{');
		int g = 1;
		key(b, &g, "addons");
		put_addons(b, &s, 0);
		key(b, &g, "settings");
		put_settings(b, &s, chan, 0);
		key(b, &g, "system");
		put_system(b, &s, os, 0);
		buf_addc(b, '}');
		key(b, &f, "payload");
		put_payload(b, &s, 0);
		if (id_after)
			kstr(b, &f, "id", id);
		buf_add(b, "}\n", 2);
		return;
	}
	key(b, &f, "application");
	buf_adds(b, "{\"architecture\":\"x86-64\",\"buildId\":\"20170130030205\",\"channel\":");
	str(b, channels[chan]);
	buf_adds(b, ",\"displayVersion\":");
	str(b, versions[chan]);
	buf_adds(b, ",\"name\":\"Firefox\",\"platformVersion\":");
	str(b, versions[chan]);
	buf_adds(b, ",\"vendor\":\"Mozilla\",\"version\":");
	str(b, versions[chan]);
	buf_adds(b, ",\"xpcomAbi\":\"x86_64-msvc\"}");
	kstr(b, &f, "clientId", client);
	kstr(b, &f, "creationDate", cre);
	key(b, &f, "environment");
	buf_addc(b, '{');
	{
		int g = 1;

		key(b, &g, "addons");
		put_addons(b, &s, 1);
		kraw(b, &g, "build", "{\"applicationId\":\"{ec8030f7-c20a-464f-9b0e-13a3a9e97384}\","
		    "\"applicationName\":\"Firefox\",\"architecture\":\"x86-64\",\"buildId\":"
		    "\"20170130030205\",\"hotfixVersion\":null,\"platformVersion\":\"54.0a1\","
		    "\"vendor\":\"Mozilla\",\"version\":\"54.0a1\",\"xpcomAbi\":\"x86_64-msvc\"}");
		kraw(b, &g, "partner", "{\"distributionId\":null,\"distributionVersion\":null,"
		    "\"distributor\":null,\"distributorChannel\":null,\"partnerId\":null,\"partnerNames\":[]}");
		key(b, &g, "profile");
		buf_adds(b, "{\"creationDate\":");
		put_u64(b, 15000 + below(&s, 2000));
		buf_addc(b, '}');
		key(b, &g, "settings");
		put_settings(b, &s, chan, 1);
		key(b, &g, "system");
		put_system(b, &s, os, 1);
	}
	buf_addc(b, '}');
	if (!id_after)
		kstr(b, &f, "id", id);
	key(b, &f, "meta");
	put_meta(b, o, r, id, client, os, created, chan, &s);
	key(b, &f, "payload");
	put_payload(b, &s, 1);
	if (id_after)
		kstr(b, &f, "id", id);
	kstr(b, &f, "type", "main");
	knum(b, &f, "version", 4);
	buf_add(b, "}\n", 2);
}

static void
usage(int status)
{
	fputs("usage: genpings [-s full|projected] [-n count | -m megabytes]\n"
	    "                [-d dup-rate] [-D days] [-S seed] [-a id-after]\n"
	    "                [-c clients]\n", status ? stderr : stdout);
	exit(status);
}

static double
num_arg(const char *s, double lo, double hi)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v >= lo && v <= hi)) {
		fprintf(stderr, "genpings: bad number: %s\n", s);
		usage(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "id-after", required_argument, NULL, 'a' },
		{ "clients", required_argument, NULL, 'c' },
		{ "dup-rate", required_argument, NULL, 'd' },
		{ "days", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "megabytes", required_argument, NULL, 'm' },
		{ "count", required_argument, NULL, 'n' },
		{ "shape", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .full = 1, .dup = 0.05, .id_after = 0.5, .days = 7, .seed = 1 };
	double mb = 0;
	uint64_t i, norig = 0, cap, *orig = NULL;
	uint64_t size = 0, limit;
	int c;

	progname = "genpings";
	while ((c = getopt_long(argc, argv, "a:c:d:D:hm:n:s:S:", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o.id_after = num_arg(optarg, 0, 1);
			break;
		case 'c':
			o.clients = (uint64_t)num_arg(optarg, 1, 1e12);
			break;
		case 'd':
			o.dup = num_arg(optarg, 0, 0.99);
			break;
		case 'D':
			o.days = (uint64_t)num_arg(optarg, 1, 3650);
			break;
		case 'h':
			usage(0);
			break;
		case 'm':
			mb = num_arg(optarg, 0.001, 1e7);
			break;
		case 'n':
			o.count = (uint64_t)num_arg(optarg, 1, 1e12);
			break;
		case 's':
			if (strcmp(optarg, "full") == 0)
				o.full = 1;
			else if (strcmp(optarg, "projected") == 0)
				o.full = 0;
			else
				usage(2);
			break;
		case 'S':
			o.seed = (uint64_t)num_arg(optarg, 0, 1e18);
			break;
		default:
			usage(2);
		}
	}
	if (optind != argc || (o.count != 0 && mb != 0))
		usage(2);
	if (o.count == 0 && mb == 0)
		o.count = 1000;
	limit = mb != 0 ? (uint64_t)(mb * 1e6) : UINT64_MAX;
	/* Spacing in time and the client pool follow the expected count, so
	 * they depend on the options only; with -m the days are approximate. */
	n_est = o.count != 0 ? o.count : (uint64_t)(mb * 1e6 / (o.full ? 136000 : 2750)) + 1;
	if (o.clients == 0)
		o.clients = n_est / 20 + 1;
	make_catalogue(o.seed);
	start_ns = INT64_C(1485734400) * NS_PER_SEC;	/* 2017-01-30 */
	span_ns = (int64_t)o.days * 86400 * NS_PER_SEC;
	cap = n_est + 1;
	orig = xreallocarray(NULL, cap, sizeof(*orig));
	buf_reserve(&out, 1 << 21);
	for (i = 0; o.count == 0 ? size < limit : i < o.count; i++) {
		uint64_t s = seeded(o.seed, i, 0x64757073);
		struct rec r = { .body = i, .arrival = i };

		r.ts = arrival_ns(&o, i);
		if (norig > 0 && unit(&s) < o.dup) {
			r.body = orig[below(&s, norig)];
		} else {
			if (norig == cap) {
				cap *= 2;
				orig = xreallocarray(orig, cap, sizeof(*orig));
			}
			orig[norig++] = i;
		}
		size -= out.len;
		put_ping(&out, &o, &r);
		size += out.len;
		if (out.len >= 1 << 20)
			flush_out();
	}
	flush_out();
	free(orig);
	buf_free(&out);
	return 0;
}
