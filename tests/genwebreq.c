/*
 * genwebreq: deterministic webrequest-like records for actorsig's tests
 * and benchmark.
 *
 * usage: genwebreq [-A] [-d days] [-n count] [-r rate] [-S seed] [-u users]
 *                  [-w hoppers]
 *
 * The traffic of the Wikimedia domain-hopping case (actorsig(1)), in
 * miniature: -u ordinary readers (default 200) in several countries, each
 * reading 1 to 40 pages a day on one or two Wikipedia languages at most one
 * page a minute; and -w domain hoppers (default 1) in Singapore, each one
 * IP, user agent and Accept-Language reading 5 pages a day on each of 300
 * Wikipedia languages, one request every 57.6 seconds around the clock: so
 * under 10 requests a day per domain signature and 1500 a day per family
 * signature.  -d days (default 2) from 2024-12-01.  Records come out in
 * time order (ties by actor), every field generated from the seed alone.
 *
 * -n count instead writes count records of ordinary traffic without the
 * day structure, for throughput and memory measurements: each record from
 * a user drawn at random among -u, -r requests a second in all (default
 * 1000), so the input spans count / rate seconds.  -A leaves agent_type
 * out, so that actorsig derives it from the user agent.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define T0 INT64_C(1733011200)	/* 2024-12-01T00:00:00Z */
#define NLANG 300

static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t
below(uint64_t *s, uint64_t n)
{
	return splitmix(s) % n;
}

static const char *countries[] = { "US", "DE", "FR", "JP", "SG", "IN", "BR", "GB" };
static const char *langs_of[] = { "en", "de", "fr", "ja", "en", "hi", "pt", "en" };
static const char *al_of[] = {
	"en-US,en;q=0.9", "de-DE,de;q=0.9,en;q=0.8", "fr-FR,fr;q=0.9",
	"ja,en-US;q=0.9", "en-SG,en;q=0.9", "hi-IN,hi;q=0.9,en;q=0.8",
	"pt-BR,pt;q=0.9", "en-GB,en;q=0.9",
};
static const char *uas[] = {
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
	"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
};

struct ev {
	int64_t t;
	uint32_t actor;
	uint32_t seq;
	uint16_t lang;		/* hopper: index of its 300 languages */
	uint16_t page;
};

static int
by_time(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->actor != y->actor)
		return x->actor < y->actor ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
put(int64_t t, const char *ip, const char *ua, const char *al, const char *host,
    unsigned page, const char *cc, int agent, int nocookies)
{
	char dt[32];
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(dt, sizeof dt, "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("{\"dt\":\"%s\",\"ip\":\"%s\",\"user_agent\":\"%s\","
	    "\"accept_language\":\"%s\",\"uri_host\":\"%s\","
	    "\"uri_path\":\"/wiki/Page_%u\",\"uri_query\":\"\","
	    "\"x_analytics\":\"ns=0;page_id=%u;https=1%s\","
	    "\"is_pageview\":true,\"is_redirect_to_pageview\":false,%s"
	    "\"page_title\":\"Page_%u\",\"country_code\":\"%s\"}\n",
	    dt, ip, ua, al, host, page, page, nocookies ? ";nocookies=1" : "",
	    agent ? "\"agent_type\":\"user\"," : "", page, cc);
}

/* The 300 language codes: two letters, then three where two run out. */
static void
lang_code(unsigned i, char out[4])
{
	if (i < 26 * 11) {
		out[0] = (char)('a' + i / 11 % 26);
		out[1] = (char)('a' + (i * 7) % 26);
		out[2] = '\0';
	} else {
		out[0] = 'x';
		out[1] = (char)('a' + i % 26);
		out[2] = (char)('a' + i / 26 % 26);
		out[3] = '\0';
	}
}

int
main(int argc, char **argv)
{
	uint64_t seed = 1, n = 0, rate = 1000;
	unsigned users = 200, hoppers = 1, days = 2;
	int agent = 1, c;

	while ((c = getopt(argc, argv, "Ad:n:r:S:u:w:")) != -1) {
		switch (c) {
		case 'A': agent = 0; break;
		case 'd': days = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'n': n = strtoull(optarg, NULL, 10); break;
		case 'r': rate = strtoull(optarg, NULL, 10); break;
		case 'S': seed = strtoull(optarg, NULL, 10); break;
		case 'u': users = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'w': hoppers = (unsigned)strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: genwebreq [-A] [-d days] [-n count] "
			    "[-r rate] [-S seed] [-u users] [-w hoppers]\n");
			return 2;
		}
	}
	if (users == 0)
		users = 1;
	if (rate == 0)
		rate = 1;

	char ip[32], host[64];
	if (n) {
		/* Throughput data: random users, each with its own address,
		 * agent and language. */
		uint64_t s = seed;
		for (uint64_t i = 0; i < n; i++) {
			unsigned u = (unsigned)below(&s, users);
			unsigned k = u % 8;
			snprintf(ip, sizeof ip, "10.%u.%u.%u", u >> 16 & 255, u >> 8 & 255, u & 255);
			snprintf(host, sizeof host, "%s.%swikipedia.org", langs_of[k],
			    below(&s, 2) ? "m." : "");
			put(T0 + (int64_t)(i / rate), ip, uas[u % 5], al_of[k], host,
			    (unsigned)below(&s, 100000), countries[k], agent, 0);
		}
		return 0;
	}

	struct ev *ev = NULL;
	size_t nev = 0, cap = 0;
#define PUSH(e) do { \
	if (nev == cap) { \
		cap = cap ? 2 * cap : 4096; \
		if ((ev = realloc(ev, cap * sizeof *ev)) == NULL) \
			return perror("genwebreq"), 1; \
	} \
	ev[nev++] = (e); \
} while (0)

	uint64_t s = seed;
	for (unsigned u = 0; u < users; u++) {
		for (unsigned d = 0; d < days; d++) {
			/* A reader comes back on half of the days. */
			if (d > 0 && below(&s, 2))
				continue;
			unsigned reqs = 1 + (unsigned)below(&s, 40);
			int64_t t = T0 + (int64_t)d * 86400 + (int64_t)below(&s, 86400 - 40 * 600);
			for (unsigned r = 0; r < reqs; r++) {
				t += 60 + (int64_t)below(&s, 540);
				PUSH(((struct ev){ t, u, r, (uint16_t)below(&s, 2),
				    (uint16_t)below(&s, 5000) }));
			}
		}
	}
	for (unsigned h = 0; h < hoppers; h++) {
		/* 1500 requests a day, 57.6 s apart, cycling through the 300
		 * languages; hopper h starts h seconds later. */
		for (unsigned i = 0; i < 1500 * days; i++) {
			int64_t t = T0 + (int64_t)h + (int64_t)i * 576 / 10;
			PUSH(((struct ev){ t, users + h, i, (uint16_t)(i % NLANG),
			    (uint16_t)below(&s, 5000) }));
		}
	}
	qsort(ev, nev, sizeof *ev, by_time);

	for (size_t i = 0; i < nev; i++) {
		const struct ev *e = &ev[i];
		if (e->actor < users) {
			unsigned u = e->actor, k = u % 8;
			snprintf(ip, sizeof ip, "10.%u.%u.%u", 8 + k, u >> 8 & 255, u & 255);
			/* A second language for some: English beside their own. */
			snprintf(host, sizeof host, "%s.%swikipedia.org",
			    e->lang && u % 3 == 0 ? "en" : langs_of[k], u % 2 ? "m." : "");
			put(e->t, ip, uas[u % 5], al_of[k], host, e->page, countries[k],
			    agent, 0);
		} else {
			unsigned h = e->actor - users;
			char lc[4];
			lang_code(e->lang, lc);
			snprintf(ip, sizeof ip, "203.0.113.%u", 10 + h % 200);
			snprintf(host, sizeof host, "%s.wikipedia.org", lc);
			put(e->t, ip, uas[4], "en-SG,en;q=0.9", host, e->page, "SG",
			    agent, 1);
		}
	}
	free(ev);
	return 0;
}
