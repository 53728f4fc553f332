/*
 * gensightings: deterministic sightings of P2P bots, or intervals, for the
 * sessionize and maxcount benchmarks.
 *
 *   gensightings [-i] [-n count] [-a active] [-p population] [-r rate]
 *                [-c churn] [-l late] [-S seed] [-T iso|epoch]
 *
 * Sightings: {"bot_id":..,"ip":..,"port":..,"asn":..,"country":..,
 * "time_seen":..}, about -r per second of simulated time.  A pool of
 * -a bots is online; each sighting picks one of them, and with probability
 * -c the picked bot goes offline and a bot from the population of -p takes
 * its place, so sessions start and end all the time while the number open
 * stays near the pool's size, however long the output.  A bot keeps its
 * address, except that one in 16 moves to a new one when it comes back
 * online.  One sighting in 4 is reported up to -l seconds late (out of
 * order).  Times are epoch seconds, or RFC 3339 strings with -T iso.
 *
 * Intervals (-i): {"asn":..,"country":..,"start":..,"end":..}, start times
 * advancing at -r per second, lengths from 0 to 2 hours (one in 10 zero,
 * one in 50 up to 3 days), like sessionize's output for maxcount.
 *
 * The output depends only on the options (splitmix64 from -S).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ts.h"
#include "util.h"

static uint64_t rng;

static uint64_t
next(void)
{
	uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t
below(uint64_t n)
{
	return n ? next() % n : 0;
}

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb3fe1a85ec53);
	return x ^ (x >> 33);
}

static const char *countries[] = { "CN", "US", "DE", "BR", "IN", "RU", "VN", "KR", "TW", "IR",
	"FR", "GB", "JP", "ID", "TR", "EG", "AR", "MX", "IT", "PL" };

static int iso;

static void
put_time(struct buf *b, int64_t secs)
{
	if (iso) {
		buf_addc(b, '"');
		ts_put_rfc3339(b, secs * NS_PER_SEC);
		buf_addc(b, '"');
	} else {
		buf_addf(b, "%lld", (long long)secs);
	}
}

/* The AS and country of an address: a function of its /16. */
static void
put_as(struct buf *b, uint32_t ip)
{
	uint64_t h = mix(ip >> 16);

	buf_addf(b, "\"asn\":%u,\"country\":\"%s\"", 1000 + (unsigned)(h % 400),
	    countries[(h >> 20) % LEN(countries)]);
}

static void
usage(void)
{
	fputs("usage: gensightings [-i] [-n count] [-a active] [-p population] [-r rate]"
	    " [-c churn] [-l late] [-S seed] [-T iso|epoch]\n", stderr);
	exit(2);
}

int
main(int argc, char *argv[])
{
	uint64_t n = 1000000, active = 20000, population = 1000000, seed = 1, i, k;
	double rate = 200, churn = 0.002;
	int64_t late = 300, t0 = 1489276800, t;
	int c, intervals = 0;
	uint32_t *pool, *addr, ip;
	struct buf b = { 0 };

	while ((c = getopt(argc, argv, "a:c:il:n:p:r:S:T:")) != -1) {
		switch (c) {
		case 'a':
			active = strtoull(optarg, NULL, 10);
			break;
		case 'c':
			churn = strtod(optarg, NULL);
			break;
		case 'i':
			intervals = 1;
			break;
		case 'l':
			late = strtoll(optarg, NULL, 10);
			break;
		case 'n':
			n = strtoull(optarg, NULL, 10);
			break;
		case 'p':
			population = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			rate = strtod(optarg, NULL);
			break;
		case 'S':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'T':
			if (strcmp(optarg, "iso") == 0)
				iso = 1;
			else if (strcmp(optarg, "epoch") != 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if (active == 0 || population < active || rate <= 0)
		usage();
	rng = seed;
	if (intervals) {
		for (i = 0; i < n; i++) {
			int64_t len;

			t = t0 + (int64_t)((double)i / rate);
			k = below(50);
			len = below(10) == 0 ? 0 : k == 0 ? (int64_t)below(3 * 86400) : (int64_t)below(7200);
			buf_reset(&b);
			buf_addc(&b, '{');
			put_as(&b, (uint32_t)next());
			buf_adds(&b, ",\"start\":");
			put_time(&b, t);
			buf_adds(&b, ",\"end\":");
			put_time(&b, t + len);
			buf_adds(&b, "}\n");
			fwrite(b.p, 1, b.len, stdout);
		}
		buf_free(&b);
		return ferror(stdout) || fflush(stdout) ? 1 : 0;
	}
	pool = xcalloc(active, sizeof(*pool));
	addr = xcalloc(population, sizeof(*addr));
	for (k = 0; k < population; k++)
		addr[k] = (uint32_t)mix(k ^ seed);
	for (k = 0; k < active; k++)
		pool[k] = (uint32_t)k;
	for (i = 0; i < n; i++) {
		k = below(active);
		ip = addr[pool[k]];
		t = t0 + (int64_t)((double)i / rate);
		if (late > 0 && below(4) == 0)
			t -= (int64_t)below((uint64_t)late + 1);
		buf_reset(&b);
		buf_addf(&b, "{\"bot_id\":\"b%07u\",\"ip\":\"%u.%u.%u.%u\",\"port\":%u,",
		    pool[k], ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255,
		    1024 + (unsigned)(mix(ip) % 60000));
		put_as(&b, ip);
		buf_adds(&b, ",\"time_seen\":");
		put_time(&b, t);
		buf_adds(&b, "}\n");
		fwrite(b.p, 1, b.len, stdout);
		if ((double)(next() >> 11) / 9007199254740992.0 < churn) {
			pool[k] = (uint32_t)below(population);
			if (below(16) == 0)
				addr[pool[k]] = (uint32_t)next();
		}
	}
	free(pool);
	free(addr);
	buf_free(&b);
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
