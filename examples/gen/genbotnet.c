/*
 * genbotnet: seeded sightings of a P2P botnet, for the churn report (the
 * Botnet Monitoring System's data are not public).
 *
 *   genbotnet ASN_CSV [SEED]
 *
 * ASN_CSV is an ip-location-db table (start,end,asn,org); every bot lives
 * in one of its ranges.  A crawler polls every known peer each 5 minutes
 * for 5 days from 2017-03-12 and writes one sighting per answer:
 *   {"time_seen":EPOCH,"bot_id":"..","ip":"..","port":N}
 * in time order (within a poll, answers arrive in any order).  Bots are
 * online for hours and offline for hours; a poll is missed now and then
 * (a gap of 10 minutes does not end a session); bots in Chinese networks
 * drop out for 20 to 40 minutes again and again between 10:00 and 16:00
 * UTC (the firewall effect the case saw: many short sessions); bots of
 * Deutsche Telekom get a new address every 24 hours (rotation: one bot id
 * session, several IP sessions); and some bots share an address behind a
 * NAT (one IP, several bot ids).  The output depends only on the table
 * and the seed.
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

static uint32_t
below(uint32_t n)
{
	return (uint32_t)(rng() % n);
}

struct range {
	uint32_t lo, hi;
	int asn;
};

struct bot {
	char id[17];
	uint32_t ip;
	int port;
	const struct range *home;
	int online;
	int64_t until;		/* when the current online or offline spell ends */
	int64_t rotate_at;	/* next address change, or 0 */
};

static uint32_t
parse_ip(const char *s)
{
	unsigned a, b, c, d;
	if (sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d) != 4)
		return 0;
	return a << 24 | b << 16 | c << 8 | d;
}

static uint32_t
ip_in(const struct range *r)
{
	uint32_t span = r->hi - r->lo + 1;
	uint32_t ip = r->lo + (span ? below(span) : (uint32_t)rng());
	/* Avoid network and broadcast-looking addresses. */
	if ((ip & 255) == 0)
		ip |= 1;
	if ((ip & 255) == 255)
		ip &= ~1u;
	return ip;
}

static int
chinese(int asn)
{
	return asn == 4134 || asn == 4837;
}

/* Exponential-ish spell lengths in seconds, mean m. */
static int64_t
spell(int64_t m)
{
	int64_t s = 0;
	for (int i = 0; i < 3; i++)
		s += (int64_t)below((uint32_t)(m * 2 / 3));
	return 300 + s;
}

int
main(int argc, char **argv)
{
	enum { BOTS = 240, DAYS = 5, STEP = 300 };
	static struct range ranges[256];
	static struct bot bots[BOTS];
	int nranges = 0;
	char line[512];

	if (argc < 2 || argc > 3) {
		fputs("usage: genbotnet ASN_CSV [seed]\n", stderr);
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (f == NULL) {
		perror(argv[1]);
		return 1;
	}
	while (fgets(line, sizeof line, f) && nranges < 256) {
		char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		if (c2 == NULL)
			continue;
		*c1 = *c2 = '\0';
		ranges[nranges].lo = parse_ip(line);
		ranges[nranges].hi = parse_ip(c1 + 1);
		ranges[nranges].asn = atoi(c2 + 1);
		nranges++;
	}
	fclose(f);
	if (nranges == 0) {
		fprintf(stderr, "genbotnet: no ranges in %s\n", argv[1]);
		return 1;
	}
	rng_state = argc == 3 ? strtoull(argv[2], NULL, 10) : 2017;

	const int64_t t0 = 1489276800;	/* 2017-03-12T00:00:00Z */
	for (int i = 0; i < BOTS; i++) {
		struct bot *b = &bots[i];
		snprintf(b->id, sizeof b->id, "%016" PRIx64, rng());
		/* Chinese networks hold most of the botnet, as for Mozi. */
		int r = (int)below((uint32_t)nranges);
		if (below(10) < 4) {
			for (int k = 0; k < nranges; k++) {
				int j = (r + k) % nranges;
				if (chinese(ranges[j].asn)) {
					r = j;
					break;
				}
			}
		}
		b->home = &ranges[r];
		/* One in 8 shares the previous bot's address, behind a NAT. */
		if (i > 0 && below(8) == 0 && bots[i - 1].home == b->home)
			b->ip = bots[i - 1].ip;
		else
			b->ip = ip_in(b->home);
		b->port = 1024 + (int)below(64000);
		b->online = below(2);
		b->until = t0 + (int64_t)below(6 * 3600);
		b->rotate_at = b->home->asn == 3320 ? t0 + (int64_t)below(86400) : 0;
	}

	for (int64_t t = t0; t < t0 + DAYS * 86400; t += STEP) {
		int hour = (int)(t % 86400 / 3600);
		for (int i = 0; i < BOTS; i++) {
			struct bot *b = &bots[i];
			if (b->rotate_at && t >= b->rotate_at) {
				b->ip = ip_in(b->home);
				b->rotate_at += 86400;
			}
			if (t >= b->until) {
				b->online = !b->online;
				b->until = t + spell(b->online ? 6 * 3600 : 4 * 3600);
			}
			if (!b->online)
				continue;
			if (chinese(b->home->asn) && hour >= 10 && hour < 16 && below(100) < 12) {
				/* Cut off: silent for 20 to 40 minutes. */
				b->online = 0;
				b->until = t + 1200 + (int64_t)below(1200);
				continue;
			}
			if (below(100) < 5)
				continue;	/* a missed poll */
			uint32_t ip = b->ip;
			printf("{\"time_seen\":%" PRId64 ",\"bot_id\":\"%s\",\"ip\":\"%u.%u.%u.%u\",\"port\":%d}\n",
			    t + (int64_t)below(STEP), b->id, ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255, b->port);
		}
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
