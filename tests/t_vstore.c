/*
 * t_vstore: drive lib/vstore.c for tests/histo.bats.
 *
 *   t_vstore [HOLD]   lines "ID VALUE" (VALUE as strtod reads it, nan and
 *                     -nan included) added with count 1; then every pair
 *                     read back as "ID VALUE COUNT", and the runs spilled.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "vstore.h"

int
main(int argc, char **argv)
{
	char err[256], line[256];
	struct vstore *vs = vs_new(argc > 1 ? strtoul(argv[1], NULL, 10) : 0);
	struct vcount c;
	int r;

	while (fgets(line, sizeof line, stdin) != NULL) {
		char *end;
		unsigned long id = strtoul(line, &end, 10);
		double v = strtod(end, NULL);
		if (vs_add(vs, (uint32_t)id, v, (struct xsum){ 1, 0 }, err,
		    sizeof err) < 0) {
			fprintf(stderr, "t_vstore: %s\n", err);
			return 1;
		}
	}
	if (vs_rewind(vs, err, sizeof err) < 0) {
		fprintf(stderr, "t_vstore: %s\n", err);
		return 1;
	}
	while ((r = vs_next(vs, &c, err, sizeof err)) == 1)
		printf("%" PRIu32 " %g %" PRId64 "\n", c.id, c.v, c.count.n);
	if (r < 0) {
		fprintf(stderr, "t_vstore: %s\n", err);
		return 1;
	}
	printf("runs %zu\n", vs_runs(vs));
	vs_free(vs);
	return 0;
}
