// SPDX-License-Identifier: GPL-2.0-only
/*
 * threads: a process with many threads making a mix of cheap system calls,
 * for the memory of `perf-prof syscalls -p PID --perins` (one table per
 * thread, one row per syscall).  Built and run by bench/run:
 *
 *   threads NTHREADS SECONDS PERIOD_MS
 *
 * Starts NTHREADS threads, prints "ready" once they all exist, waits for
 * one byte on stdin (so the tracer can attach to every thread first), then
 * every thread makes one round of the NCALLS different system calls below
 * every PERIOD_MS (a nanosleep, itself a syscall) for SECONDS.  Prints the
 * total number of rounds on exit.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static pthread_barrier_t start;
static double end_time;
static long period_ns;
static long rounds_total;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* read-only calls: the rows of one thread's table */
static void one_round(void)
{
	struct rusage ru;
	struct rlimit rl;
	struct timespec ts;
	struct utsname un;
	struct tms tm;
	cpu_set_t set;
	char cwd[256];
	unsigned cpu, node;

	syscall(SYS_getppid);
	syscall(SYS_getpid);
	syscall(SYS_gettid);
	syscall(SYS_getuid);
	syscall(SYS_geteuid);
	syscall(SYS_getgid);
	syscall(SYS_getegid);
	syscall(SYS_getpgid, 0);
	syscall(SYS_getsid, 0);
	syscall(SYS_getrusage, RUSAGE_THREAD, &ru);
	syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl);
	syscall(SYS_clock_getres, CLOCK_MONOTONIC, &ts);
	syscall(SYS_uname, &un);
	syscall(SYS_times, &tm);
	syscall(SYS_sched_getaffinity, 0, sizeof(set), &set);
	syscall(SYS_getcwd, cwd, sizeof(cwd));
	syscall(SYS_getcpu, &cpu, &node, NULL);
	syscall(SYS_sched_yield);
	syscall(SYS_getpriority, PRIO_PROCESS, 0);
}

static void *worker(void *arg)
{
	struct timespec ts = { period_ns / 1000000000, period_ns % 1000000000 };
	long rounds = 0;

	(void)arg;
	pthread_barrier_wait(&start);
	while (now() < end_time) {
		one_round();
		rounds++;
		nanosleep(&ts, NULL);
	}
	pthread_mutex_lock(&lock);
	rounds_total += rounds;
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	pthread_t *t;
	int n, i;
	double secs;
	char c;

	if (argc != 4) {
		fprintf(stderr, "usage: threads NTHREADS SECONDS PERIOD_MS\n");
		return 2;
	}
	n = atoi(argv[1]);
	secs = atof(argv[2]);
	period_ns = (long)(atof(argv[3]) * 1e6);
	if (n < 1 || secs <= 0 || period_ns < 0)
		return 2;
	t = calloc(n, sizeof(*t));
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	pthread_barrier_init(&start, NULL, n + 1);
	for (i = 0; i < n; i++) {
		if (pthread_create(&t[i], &attr, worker, NULL)) {
			perror("pthread_create");
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	if (read(0, &c, 1) != 1)
		return 3;
	end_time = now() + secs;
	pthread_barrier_wait(&start);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("%ld\n", rounds_total);
	return 0;
}
