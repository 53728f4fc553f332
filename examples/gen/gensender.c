/*
 * gensender: seeded generator for the sender-model authenticity case,
 * whose data (customer feedback and a vendor's model) are private.
 *
 *   gensender feedback [SEED]   {"domain","org","cidr"} per feedback CIDR:
 *                               the networks a domain's owner says send
 *                               its mail (/32 hosts, /24s, /20s)
 *   gensender model [SEED]      {"domain","ip","score"} per model IP: the
 *                               model's authenticity score of an IP
 *                               sending for a domain
 *
 * Both outputs come from the same draw, so feedback and model agree on
 * which CIDRs hold which IPs.  Most feedback CIDRs hold IPs the model
 * trusts; about one in six holds IPs it does not (the cases to
 * investigate); some hold no model IP at all; some model IPs fall outside
 * every feedback CIDR.  A few domains send from many addresses of one /24
 * (the "PTR neighbourhood" pattern).
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

/* Sending networks of well-known mail services (bases of real /16s). */
static const uint32_t NETS[] = {
	0xC6028000,	/* 198.2.128.0, MailChimp */
	0xA7590000,	/* 167.89.0.0, SendGrid */
	0xD1110000,	/* 209.17.0.0 */
	0x42E70000,	/* 66.231.0.0 */
	0x0D6F0000,	/* 13.111.0.0, Salesforce */
	0x17FA0000,	/* 23.250.0.0 */
	0x9F870000,	/* 159.135.0.0, Mailgun */
	0x28CE0000,	/* 40.206.0.0 */
};

static const char *const WORDS[] = {
	"acme", "pacificsky", "mortgage", "cyclist", "flyzik", "group", "health",
	"bank", "travel", "shop", "news", "labs", "energy", "legal", "foods",
	"motors", "media", "realty", "clinic", "school",
};

static void
ip_text(uint32_t ip, char *out)
{
	sprintf(out, "%u.%u.%u.%u", ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255);
}

/* A score in hundredths: trusted IPs high, untrusted low. */
static int
score(int trusted)
{
	if (trusted)
		return 55 + (int)below(46);
	return (int)below(36);
}

int
main(int argc, char **argv)
{
	enum { DOMAINS = 240, ORGS = 60 };
	int feedback;
	char ip[16], domain[64];

	if (argc < 2 || argc > 3 || (strcmp(argv[1], "feedback") && strcmp(argv[1], "model"))) {
		fputs("usage: gensender feedback|model [seed]\n", stderr);
		return 2;
	}
	feedback = strcmp(argv[1], "feedback") == 0;
	rng_state = argc == 3 ? strtoull(argv[2], NULL, 10) : 2016;

	for (int d = 0; d < DOMAINS; d++) {
		snprintf(domain, sizeof domain, "%s%s%d.com", WORDS[below(20)], WORDS[below(20)], d);
		int org = 1 + (int)below(ORGS);
		int ncidr = 1 + (int)below(4);
		for (int c = 0; c < ncidr; c++) {
			uint32_t net = NETS[below(sizeof NETS / sizeof NETS[0])];
			uint32_t kind = below(10), len, base;
			if (kind < 3)
				len = 32;
			else if (kind < 8)
				len = 24;
			else
				len = 20;
			base = (net | below(65536)) & (len == 32 ? 0xffffffffu : ~((1u << (32 - len)) - 1));
			int trusted = below(6) != 0;
			int nips = below(12) == 0 ? 0 : (len == 32 ? 1 : 1 + (int)below(len == 24 ? 6 : 10));
			/* The owner writes a host address with its prefix, as
			 * people do (cidrscore masks the host bits); drawn in
			 * both modes so that the two outputs stay in step. */
			uint32_t written = len == 32 ? base : base | (1 + below(200));
			if (feedback) {
				ip_text(written, ip);
				printf("{\"domain\":\"%s\",\"org\":%d,\"cidr\":\"%s/%u\"}\n", domain, org, ip, len);
			}
			for (int i = 0; i < nips; i++) {
				uint32_t host = len == 32 ? base : base | below(1u << (32 - len));
				int s = score(trusted);
				ip_text(host, ip);
				if (!feedback)
					printf("{\"domain\":\"%s\",\"ip\":\"%s\",\"score\":%d.%02d}\n",
					    domain, ip, s / 100, s % 100);
			}
		}
		/* IPs the model has that no feedback covers. */
		int stray = (int)below(3);
		for (int i = 0; i < stray; i++) {
			int s = score(below(2));
			ip_text(NETS[below(sizeof NETS / sizeof NETS[0])] | below(65536), ip);
			if (!feedback)
				printf("{\"domain\":\"%s\",\"ip\":\"%s\",\"score\":%d.%02d}\n",
				    domain, ip, s / 100, s % 100);
		}
		/* A neighbourhood: many hosts of one /24 sending for the domain. */
		if (below(15) == 0) {
			uint32_t net24 = (NETS[below(sizeof NETS / sizeof NETS[0])] | below(65536)) & 0xffffff00u;
			int n = 4 + (int)below(8);
			for (int i = 0; i < n; i++) {
				int s = score(0);
				ip_text(net24 | (10 + (uint32_t)i * 7), ip);
				if (!feedback)
					printf("{\"domain\":\"%s\",\"ip\":\"%s\",\"score\":%d.%02d}\n",
					    domain, ip, s / 100, s % 100);
			}
		}
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
