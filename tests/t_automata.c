/*
 * t_automata: test driver for lib/automata.c.
 *   t_automata family HOST...            project family of each host ("NULL" for NULL)
 *   t_automata sig IP UA AL HOST [XA [QUERY]]
 *                                        the two signatures, host as given and its
 *                                        family ("NULL" for a NULL host, XA or QUERY)
 *   t_automata spider UA...              1 or 0 per user agent
 *   t_automata spidercheck < UAS         every line's user agent through the fast
 *                                        path and the Oniguruma pattern alone:
 *                                        "N agree" or the first disagreement
 *   t_automata title PATH QUERY          the page title derived from a path and query
 *   t_automata label COUNT FIRST LAST NOCOOKIES UALEN SUMDISTINCT HOURS ROLLED
 *                                        rate, label and reason of one rollup
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automata.h"
#include "md5.h"

static struct am_text
arg(const char *s)
{
	if (strcmp(s, "NULL") == 0)
		return (struct am_text){ NULL, 0 };
	return (struct am_text){ s, strlen(s) };
}

int
main(int argc, char **argv)
{
	struct buf b = { 0 };

	if (argc >= 2 && strcmp(argv[1], "family") == 0) {
		for (int i = 2; i < argc; i++) {
			buf_reset(&b);
			am_project_family(&b, arg(argv[i]));
			printf("%s\n", b.p);
		}
	} else if (argc >= 6 && strcmp(argv[1], "sig") == 0) {
		struct am_text xa = argc > 6 ? arg(argv[6]) : (struct am_text){ NULL, 0 };
		struct am_text q = argc > 7 ? arg(argv[7]) : (struct am_text){ NULL, 0 };
		struct am_text uuid, sfx;
		int lone, ok;
		unsigned char a[16], f[16];
		char ha[33], hf[33];
		int has = am_xa_get(xa, "wmfuuid", &uuid);
		if (am_suffix(has, uuid, q, &sfx, &lone) != 0)
			return printf("suffix error\n"), 1;
		am_project_family(&b, arg(argv[5]));
		am_signatures(arg(argv[2]), arg(argv[3]), arg(argv[4]), arg(argv[5]),
		    (struct am_text){ b.p, b.len }, sfx, lone, a, &ok, f);
		md5_hex(a, ha);
		md5_hex(f, hf);
		printf("%s %s %s\n", ok ? ha : "NULL", hf, b.p);
	} else if (argc == 4 && strcmp(argv[1], "title") == 0) {
		am_page_title(&b, arg(argv[2]), arg(argv[3]));
		printf("%s\n", b.p);
	} else if (argc >= 2 && strcmp(argv[1], "spider") == 0) {
		char err[256];
		struct am_spider *sp = am_spider_new(err, sizeof err);
		if (sp == NULL)
			return printf("%s\n", err), 1;
		for (int i = 2; i < argc; i++)
			printf("%d\n", am_spider_match(sp, arg(argv[i])));
		am_spider_free(sp);
	} else if (argc == 2 && strcmp(argv[1], "spidercheck") == 0) {
		char err[256], *line = NULL;
		size_t cap = 0, n = 0;
		ssize_t len;
		struct am_spider *sp = am_spider_new(err, sizeof err);
		if (sp == NULL)
			return printf("%s\n", err), 1;
		while ((len = getline(&line, &cap, stdin)) != -1) {
			if (len > 0 && line[len - 1] == '\n')
				len--;
			struct am_text s = { line, (size_t)len };
			if (len == 1 && line[0] == '-')
				continue;	/* isSpider's own case, not the pattern's */
			int fast = am_spider_match(sp, s), re = am_spider_regex(sp, s);
			if (fast != re)
				return printf("disagree (fast %d, regex %d): %.*s\n", fast, re,
				    (int)len, line), 1;
			n++;
		}
		printf("%zu agree\n", n);
		free(line);
		am_spider_free(sp);
	} else if (argc == 10 && strcmp(argv[1], "label") == 0) {
		struct am_rollup r = {
			.count = strtoull(argv[2], NULL, 10), .first = strtoll(argv[3], NULL, 10),
			.last = strtoll(argv[4], NULL, 10), .nocookies = strtoull(argv[5], NULL, 10),
			.ualen = strtoull(argv[6], NULL, 10), .sum_distinct = strtoull(argv[7], NULL, 10),
			.hours = strtoull(argv[8], NULL, 10), .rolled_up_hours = strtoull(argv[9], NULL, 10),
		};
		int64_t rate;
		const char *reason, *label = am_label(&r, &reason);
		if (am_rate(&r, &rate))
			printf("%" PRId64, rate);
		else
			printf("null");
		printf(" %s|%s\n", label, reason);
	} else {
		fprintf(stderr, "usage: t_automata family|sig|spider|spidercheck|title|label ...\n");
		return 2;
	}
	buf_free(&b);
	return 0;
}
