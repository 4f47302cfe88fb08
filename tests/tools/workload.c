// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test workloads with an exactly known number of system calls.  Each mode
 * waits for one byte on stdin (so the tracer can attach first), then runs:
 *
 *   workload getppid N            N getppid() as fast as possible
 *   workload nanosleep N USEC     N nanosleep(USEC)
 *   workload migrate N USEC       N rt_sigtimedwait(USEC timeout) while a
 *                                 second thread moves the caller between
 *                                 CPU 0 and CPU 1 (a vCPU waking elsewhere)
 *   workload storm SECONDS        getppid() for SECONDS, prints calls/s
 *   workload twothreads N         a second thread, started before the go
 *                                 byte, makes N getppid(); main makes none
 *   workload spawn N [LEVELS]     after the go byte, starts a thread that
 *                                 at once makes N getppid() and exits (a
 *                                 thread born after attach); with LEVELS
 *                                 (1) > 1, each thread starts the next and
 *                                 the last one makes the calls
 *   workload churn N              until the go byte, threads one after
 *                                 another, each making N getppid() and
 *                                 exiting (threads born while a tracer
 *                                 attaches); then one thread of 1000
 *   workload getppid-hold N       N getppid(), then "done" on stdout, then
 *                                 waits for a second byte (or EOF) to exit:
 *                                 a tracee that outlives its counted calls
 *   workload storm-log SECONDS [MS]  getppid() for SECONDS; every MS (1000)
 *                                 ms a line "<CLOCK_REALTIME ns> <calls>" on
 *                                 stdout, the calls since the last line;
 *                                 then "total <calls>"
 *   workload getppid-exec N PROG ARGS...  N getppid(), "done" on stdout,
 *                                 then at a second byte exec PROG ARGS:
 *                                 the same pid under a new name
 *   workload kvm N                /dev/kvm held open (a VM to perf-prof's
 *                                 eyes), then N getppid()
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile int done;
static pid_t victim;
static long nthread_calls;
static pthread_barrier_t barrier;

static void wait_go(void)
{
	char c;

	if (read(0, &c, 1) != 1)
		exit(3);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *mover(void *arg)
{
	cpu_set_t set;
	int cpu = 0;

	while (!done) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		sched_setaffinity(victim, sizeof(set), &set);
		cpu ^= 1;
		usleep(170);
	}
	return NULL;
}

static void *caller(void *arg)
{
	long i;

	if (arg)
		pthread_barrier_wait(&barrier);
	for (i = 0; i < nthread_calls; i++)
		syscall(SYS_getppid);
	return NULL;
}

/* @arg more levels of threads, each started by the one before, then the calls */
static void *spawner(void *arg)
{
	long levels = (long)arg;
	pthread_t t;

	if (levels <= 1)
		return caller(NULL);
	if (pthread_create(&t, NULL, spawner, (void *)(levels - 1)))
		exit(4);
	pthread_join(t, NULL);
	return NULL;
}

int main(int argc, char **argv)
{
	long n, i;

	if (argc < 3) {
		fprintf(stderr, "usage: workload getppid|getppid-hold|nanosleep|migrate|storm|twothreads|spawn|"
			"storm-log|getppid-exec|kvm ARGS\n");
		return 2;
	}
	n = atol(argv[2]);
	if (!strcmp(argv[1], "kvm") && open("/dev/kvm", O_RDWR | O_CLOEXEC) < 0) {
		perror("workload: /dev/kvm");
		return 4;
	}
	if (!strcmp(argv[1], "getppid") || !strcmp(argv[1], "kvm")) {
		wait_go();
		for (i = 0; i < n; i++)
			syscall(SYS_getppid);
	} else if (!strcmp(argv[1], "getppid-exec") && argc > 3) {
		wait_go();
		for (i = 0; i < n; i++)
			syscall(SYS_getppid);
		printf("done\n");
		fflush(stdout);
		wait_go();
		execv(argv[3], argv + 3);
		perror("workload: exec");
		return 3;
	} else if (!strcmp(argv[1], "getppid-hold")) {
		char c;

		wait_go();
		for (i = 0; i < n; i++)
			syscall(SYS_getppid);
		printf("done\n");
		fflush(stdout);
		if (read(0, &c, 1) < 0)
			return 3;
	} else if (!strcmp(argv[1], "nanosleep") && argc > 3) {
		struct timespec ts = { 0, atol(argv[3]) * 1000 };

		wait_go();
		for (i = 0; i < n; i++)
			nanosleep(&ts, NULL);
	} else if (!strcmp(argv[1], "migrate") && argc > 3) {
		struct timespec ts = { 0, atol(argv[3]) * 1000 };
		pthread_t t;
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigprocmask(SIG_BLOCK, &set, NULL);
		victim = syscall(SYS_gettid);
		wait_go();
		pthread_create(&t, NULL, mover, NULL);
		for (i = 0; i < n; i++)
			syscall(SYS_rt_sigtimedwait, &set, NULL, &ts, 8);
		done = 1;
		pthread_join(t, NULL);
	} else if (!strcmp(argv[1], "storm")) {
		double end, start;
		long calls = 0;

		wait_go();
		start = now();
		end = start + n;
		while (now() < end) {
			for (i = 0; i < 10000; i++)
				syscall(SYS_getppid);
			calls += 10000;
		}
		printf("%.0f\n", calls / (now() - start));
	} else if (!strcmp(argv[1], "twothreads")) {
		pthread_t t;

		nthread_calls = n;
		pthread_barrier_init(&barrier, NULL, 2);
		pthread_create(&t, NULL, caller, &barrier);
		wait_go();
		pthread_barrier_wait(&barrier);
		pthread_join(t, NULL);
	} else if (!strcmp(argv[1], "spawn")) {
		long levels = argc > 3 ? atol(argv[3]) : 1;
		pthread_t t;

		nthread_calls = n;
		wait_go();
		if (pthread_create(&t, NULL, spawner, (void *)(levels > 0 ? levels : 1)))
			return 4;
		pthread_join(t, NULL);
	} else if (!strcmp(argv[1], "churn")) {
		pthread_t t;
		char c;

		nthread_calls = n;
		fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
		while (read(0, &c, 1) < 0) {
			if (pthread_create(&t, NULL, caller, NULL))
				return 4;
			pthread_join(t, NULL);
		}
		nthread_calls = 1000;
		if (pthread_create(&t, NULL, caller, NULL))
			return 4;
		pthread_join(t, NULL);
	} else if (!strcmp(argv[1], "storm-log")) {
		struct timespec rt;
		double end, next, period = argc > 3 ? atol(argv[3]) / 1000.0 : 1.0;
		long calls = 0, last = 0;

		wait_go();
		clock_gettime(CLOCK_REALTIME, &rt);
		printf("%lld 0\n", (long long)rt.tv_sec * 1000000000ll + rt.tv_nsec);
		end = now() + n;
		next = now() + period;
		while (now() < end) {
			for (i = 0; i < 1000; i++)
				syscall(SYS_getppid);
			calls += 1000;
			if (now() >= next) {
				clock_gettime(CLOCK_REALTIME, &rt);
				printf("%lld %ld\n", (long long)rt.tv_sec * 1000000000ll + rt.tv_nsec,
				       calls - last);
				fflush(stdout);
				last = calls;
				next += period;
			}
		}
		clock_gettime(CLOCK_REALTIME, &rt);
		printf("%lld %ld\ntotal %ld\n", (long long)rt.tv_sec * 1000000000ll + rt.tv_nsec,
		       calls - last, calls);
	} else {
		fprintf(stderr, "workload: unknown mode %s\n", argv[1]);
		return 2;
	}
	return 0;
}
