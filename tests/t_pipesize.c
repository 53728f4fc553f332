/*
 * t_pipesize: the size of a pipe, as its other end sees it.
 *
 *   t_pipesize FD SIZE	waits (up to 10 s) until the pipe on FD holds SIZE
 *			bytes or more, then prints its size on stderr
 *
 * Beside a tool in a pipeline it shows whether the tool enlarged the pipe
 * it shares: the size changes when the tool starts, so it is polled.
 */
#define _GNU_SOURCE	/* F_GETPIPE_SZ */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int
main(int argc, char *argv[])
{
	if (argc != 3) {
		fprintf(stderr, "usage: t_pipesize fd size\n");
		return 2;
	}
	int fd = atoi(argv[1]);
	long want = atol(argv[2]), size = -1;
	struct timespec nap = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < 1000; i++) {
		size = fcntl(fd, F_GETPIPE_SZ);
		if (size < 0) {
			perror("t_pipesize: F_GETPIPE_SZ");
			return 1;
		}
		if (size >= want)
			break;
		nanosleep(&nap, NULL);
	}
	fprintf(stderr, "%ld\n", size);
	return 0;
}
