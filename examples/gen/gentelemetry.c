/*
 * gentelemetry: seeded generator of the telemetry the two Mozilla cases
 * looked at, where the real data are not public.  Output is NDJSON on
 * stdout and depends only on the arguments (splitmix64 PRNG), so the
 * reports built from it are reproducible byte for byte.
 *
 *   gentelemetry aurora [SEED]   45 days of pings from one Aurora 51 client
 *                                that resubmits a packaged set of pings
 *                                ever more often, among a few real ones
 *   gentelemetry ssl [SEED]      16 days of Beta 49 pings from many clients,
 *                                one of which replays about 10 documents with
 *                                huge SSL_HANDSHAKE_VERSION counts
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/hash.h"

static uint64_t rng_state;

static uint64_t
rng(void)
{
	return mix64(rng_state += UINT64_C(0x9e3779b97f4a7c15));
}

/* Uniform in [0, n). */
static uint64_t
below(uint64_t n)
{
	return rng() % n;
}

static double
unit(void)
{
	return (double)(rng() >> 11) / 9007199254740992.0;
}

/* A version-4-shaped UUID drawn from the generator. */
static void
uuid(char out[37])
{
	uint64_t a = rng(), b = rng();
	snprintf(out, 37, "%08" PRIx64 "-%04" PRIx64 "-4%03" PRIx64 "-%04" PRIx64 "-%012" PRIx64,
	    a >> 32, (a >> 16) & 0xffff, a & 0xfff, (b >> 48 & 0x3fff) | 0x8000,
	    b & UINT64_C(0xffffffffffff));
}

/* Day n after 2017-03-01 as YYYYMMDD (March has 31 days, April 30). */
static void
day_name(int n, char out[9], int base_month, int base_day)
{
	static const int mdays[13] = { 0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int m = base_month, d = base_day + n;
	while (d > mdays[m]) {
		d -= mdays[m];
		m++;
	}
	snprintf(out, 9, "2017%02d%02d", m, d);
}

struct packaged {
	char id[37];
	int session_length;
	int mhz;
	int addons;	/* bit set over ADDONS */
	int default_null;
};

static const char *const ADDONS[] = {
	"Random Agent Spoofer", "Alexa Traffic Rank", "RefControl", "StopTube",
	"Stop YouTube Autoplay",
};
/* CPU speeds in the proportions the case's value_counts showed. */
static const int MHZ[] = { 2400, 2399, 2397, 3504, 3503, 3495, 3700, 2396, 2299, 2398, 1600, 4800 };
static const int MHZ_WEIGHT[] = { 848, 735, 447, 444, 412, 33, 21, 21, 21, 19, 5, 3 };
static const char *const CITIES[][2] = {
	{ "FR", "??" }, { "FR", "Paris" }, { "US", "Ashburn" }, { "DE", "Frankfurt" },
	{ "RU", "Moscow" }, { "GB", "London" }, { "NL", "Amsterdam" }, { "US", "??" },
};

static int
pick_mhz(void)
{
	int total = 0;
	for (size_t i = 0; i < sizeof MHZ_WEIGHT / sizeof MHZ_WEIGHT[0]; i++)
		total += MHZ_WEIGHT[i];
	int r = (int)below((uint64_t)total);
	for (size_t i = 0; i < sizeof MHZ / sizeof MHZ[0]; i++) {
		if (r < MHZ_WEIGHT[i])
			return MHZ[i];
		r -= MHZ_WEIGHT[i];
	}
	return MHZ[0];
}

/* Session lengths cluster near 1 min and 1 min 15 s, with a tail. */
static int
pick_session_length(void)
{
	double u = unit();
	if (u < 0.45)
		return 55 + (int)below(12);
	if (u < 0.85)
		return 70 + (int)below(10);
	return (int)below(2000);
}

static void
packaged_new(struct packaged *p)
{
	uuid(p->id);
	p->session_length = pick_session_length();
	p->mhz = pick_mhz();
	p->addons = 1;		/* Random Agent Spoofer is on every ping */
	if (unit() < 0.12)
		p->addons |= 2;
	if (unit() < 0.06)
		p->addons |= 4;
	if (unit() < 0.015)
		p->addons |= 8;
	p->default_null = 0;
}

static void
print_aurora(const struct packaged *p, const char *day, int seq)
{
	const char *const *city = CITIES[below(sizeof CITIES / sizeof CITIES[0])];
	printf("{\"type\":\"main\",\"id\":\"%s\",\"clientId\":\"omitted\","
	    "\"application\":{\"name\":\"Firefox\",\"channel\":\"aurora\",\"version\":\"51.0a2\",\"buildId\":\"20161014004013\"},"
	    "\"environment\":{\"system\":{\"os\":{\"name\":\"Windows_NT\",\"version\":\"5.1\"},\"cpu\":{\"speedMHz\":%d}},"
	    "\"settings\":{\"isDefaultBrowser\":%s},\"addons\":{\"activeAddons\":{",
	    p->id, p->mhz, p->default_null ? "null" : "false");
	int first = 1;
	for (int i = 0; i < 5; i++) {
		if (!(p->addons & 1 << i))
			continue;
		printf("%s\"addon%d@example\":{\"name\":\"%s\",\"isSystem\":false}", first ? "" : ",", i, ADDONS[i]);
		first = 0;
	}
	printf("%s\"e10srollout@mozilla.org\":{\"name\":\"Multi-process staged rollout\",\"isSystem\":true}}}},"
	    "\"payload\":{\"info\":{\"sessionLength\":%d,\"subsessionLength\":%d}},"
	    "\"meta\":{\"submissionDate\":\"%s\",\"documentId\":\"%s\",\"geoCountry\":\"%s\",\"geoCity\":\"%s\",\"Timestamp\":%" PRIu64 "}}\n",
	    first ? "" : ",", p->session_length, p->session_length, day, p->id, city[0], city[1],
	    UINT64_C(1488326400000000000) + (uint64_t)seq * UINT64_C(1000000007));
}

static void
aurora(void)
{
	enum { DAYS = 45, PACKAGED = 300 };
	static struct packaged pool[PACKAGED];
	struct packaged fresh;
	char day[9];
	int seq = 0, fresh_count = 0;

	for (int i = 0; i < PACKAGED; i++)
		packaged_new(&pool[i]);
	pool[17].default_null = 1;
	for (int d = 0; d < DAYS; d++) {
		day_name(d, day, 3, 1);
		/* Volume grows day over day; almost all of it replays the
		 * packaged pings, a few are genuinely new. */
		int n = 40 + d * 9 + (int)below(20);
		for (int i = 0; i < n; i++) {
			if (unit() < 0.08) {
				packaged_new(&fresh);
				if (unit() < 0.02)
					fresh.addons |= 16;
				/* The case saw one ping without the setting. */
				fresh.default_null = ++fresh_count == 100;
				print_aurora(&fresh, day, seq++);
			} else {
				print_aurora(&pool[below(PACKAGED)], day, seq++);
			}
		}
	}
}

static void
ssl_values(uint64_t v3, uint64_t v4)
{
	printf("\"SSL_HANDSHAKE_VERSION\":{\"bucket_count\":17,\"histogram_type\":1,\"range\":[1,16],"
	    "\"sum\":%" PRIu64 ",\"values\":{\"2\":0,\"3\":%" PRIu64 ",\"4\":%" PRIu64 ",\"5\":0}}",
	    3 * v3 + 4 * v4, v3, v4);
}

static void
ssl(void)
{
	enum { DAYS = 16, CLIENTS = 400, REPLAYED = 10 };
	static char clients[CLIENTS][37];
	static char replayed[REPLAYED][37];
	static uint64_t replay_count[REPLAYED];
	char day[9], doc[37];

	for (int i = 0; i < CLIENTS; i++)
		uuid(clients[i]);
	for (int i = 0; i < REPLAYED; i++) {
		uuid(replayed[i]);
		replay_count[i] = 400000000 + below(200000000);
	}
	for (int d = 0; d < DAYS; d++) {
		day_name(d, day, 3, 5);
		for (int c = 0; c < CLIENTS; c++) {
			int n = (int)below(4);
			for (int i = 0; i < n; i++) {
				uuid(doc);
				printf("{\"type\":\"main\",\"id\":\"%s\",\"clientId\":\"%s\","
				    "\"application\":{\"channel\":\"beta\",\"version\":\"49.0\"},\"payload\":{\"histograms\":{",
				    doc, clients[c]);
				ssl_values(20 + below(200), below(5));
				printf("}},\"meta\":{\"submissionDate\":\"%s\",\"documentId\":\"%s\"}}\n", day, doc);
			}
		}
		/* The offender appears on 20170308, replays its ten documents
		 * ever more often until 20170312, then less as server-side
		 * deduplication starts to catch it. */
		if (d < 3)
			continue;
		int level = d <= 7 ? d - 2 : 12 - d;
		int n = 60 * (level > 1 ? level : 1) + (int)below(20);
		for (int i = 0; i < n; i++) {
			int r = (int)below(REPLAYED);
			printf("{\"type\":\"main\",\"id\":\"%s\",\"clientId\":\"%s\","
			    "\"application\":{\"channel\":\"beta\",\"version\":\"49.0\"},\"payload\":{\"histograms\":{",
			    replayed[r], "c0ffee00-0bad-4bad-8bad-0000deadbeef");
			ssl_values(replay_count[r], replay_count[r] / 1000);
			printf("}},\"meta\":{\"submissionDate\":\"%s\",\"documentId\":\"%s\"}}\n", day, replayed[r]);
		}
	}
}

int
main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fputs("usage: gentelemetry aurora|ssl [seed]\n", stderr);
		return 2;
	}
	rng_state = argc == 3 ? strtoull(argv[2], NULL, 10) : 51;
	if (strcmp(argv[1], "aurora") == 0)
		aurora();
	else if (strcmp(argv[1], "ssl") == 0)
		ssl();
	else {
		fputs("usage: gentelemetry aurora|ssl [seed]\n", stderr);
		return 2;
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
