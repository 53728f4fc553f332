/*
 * runstat: the benchmark's stopwatch.
 *
 * usage: runstat RUNS COMMAND
 *
 * Runs COMMAND with bash (pipefail set) RUNS times, its standard output
 * and error discarded (bench/lib.sh shows the errors of its untimed first
 * run), and prints one line: the median wall time in seconds, the
 * peak resident set in kB of the largest process the command started, and
 * the exit status of the last run that failed (0 when none did).
 *
 * It is a small C program rather than a Python or shell wrapper because a
 * child's peak RSS includes what its parent occupied when it forked: from
 * a 14 MB interpreter every command would seem to need 14 MB.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	struct timespec t0, t1;
	struct rusage ru;
	double *times;
	long maxrss = 0;
	char *cmd, *args[4];
	int runs, i, status, failed = 0;
	size_t n;
	pid_t pid;

	if (argc != 3 || (runs = atoi(argv[1])) < 1) {
		fputs("usage: runstat RUNS COMMAND\n", stderr);
		return 2;
	}
	n = strlen(argv[2]) + sizeof("set -o pipefail; ");
	if ((cmd = malloc(n)) == NULL || (times = calloc((size_t)runs, sizeof(*times))) == NULL) {
		perror("runstat");
		return 1;
	}
	snprintf(cmd, n, "set -o pipefail; %s", argv[2]);
	args[0] = "bash";
	args[1] = "-c";
	args[2] = cmd;
	args[3] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	for (i = 0; i < runs; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (posix_spawnp(&pid, "bash", &fa, NULL, args, environ) != 0) {
			perror("runstat: bash");
			return 1;
		}
		if (wait4(pid, &status, 0, &ru) < 0) {
			perror("runstat: wait4");
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		times[i] = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		/* wait4 counts the child and every descendant it waited for. */
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	qsort(times, (size_t)runs, sizeof(*times), cmp_double);
	printf("%.6f %ld %d\n", runs % 2 ? times[runs / 2] :
	    (times[runs / 2 - 1] + times[runs / 2]) / 2, maxrss, failed);
	posix_spawn_file_actions_destroy(&fa);
	free(times);
	free(cmd);
	return 0;
}
