/*
 * t_ip: lib/ip.c from the command line, for tests/ip.bats.
 *
 * usage: t_ip addr TEXT...      each address in RFC 5952 form, or "invalid"
 *        t_ip prefix TEXT...    each prefix, masked, as "ADDR/LEN first-last"
 *        t_ip range LO HI       the prefix [LO, HI] is, or "none"
 */
#include <stdio.h>
#include <string.h>

#include "ip.h"

int
main(int argc, char **argv)
{
	struct buf b = { 0 };
	struct ip a, z;
	unsigned bits;

	if (argc < 2)
		return 2;
	for (int i = 2; i < argc; i++) {
		buf_reset(&b);
		if (strcmp(argv[1], "addr") == 0) {
			if (ip_parse(argv[i], strlen(argv[i]), &a) < 0)
				buf_adds(&b, "invalid");
			else
				ip_put(&b, a);
		} else if (strcmp(argv[1], "prefix") == 0) {
			if (ip_prefix_parse(argv[i], strlen(argv[i]), &a, &bits) < 0) {
				buf_adds(&b, "invalid");
			} else {
				ip_put_prefix(&b, a, bits);
				buf_addc(&b, ' ');
				ip_put(&b, ip_first(a, bits));
				buf_addc(&b, '-');
				ip_put(&b, ip_last(a, bits));
			}
		} else if (strcmp(argv[1], "range") == 0 && i + 1 < argc) {
			if (ip_parse(argv[i], strlen(argv[i]), &a) < 0 ||
			    ip_parse(argv[i + 1], strlen(argv[i + 1]), &z) < 0)
				buf_adds(&b, "invalid");
			else if (ip_range_prefix(a, z, &bits))
				ip_put_prefix(&b, a, bits);
			else
				buf_adds(&b, "none");
			i++;
		} else {
			return 2;
		}
		puts(b.p);
	}
	buf_free(&b);
	return 0;
}
