/*
 * t_jmember: each line a JSON object; prints each member as
 * "KEY TYPE VALUE" through lib/jmember.c, for tests/histo.bats.
 */
#include <stdio.h>
#include <string.h>

#include "jmember.h"

int
main(void)
{
	static const char *const names[] = {
		[J_NULL] = "null", [J_FALSE] = "false", [J_TRUE] = "true",
		[J_NUMBER] = "number", [J_STRING] = "string",
		[J_ARRAY] = "array", [J_OBJECT] = "object",
	};
	char line[4096];

	while (fgets(line, sizeof line, stdin) != NULL) {
		size_t n = strcspn(line, "\n"), pos = 0;
		struct jval k, v;
		int r;
		while ((r = jmember_next(line, n, &pos, &k, &v)) == 1)
			printf("%.*s %s %.*s\n", (int)k.len, k.text,
			    names[v.type], (int)v.len, v.text);
		if (r < 0)
			printf("not an object\n");
	}
	return 0;
}
