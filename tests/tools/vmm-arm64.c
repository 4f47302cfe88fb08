// SPDX-License-Identifier: GPL-2.0-only
/*
 * A tiny ARM64 VMM on the KVM API whose guests make a known number of
 * exits, for the ARM64 VM test suite (tests/vm/arm64): every vCPU runs
 * tests/tools/vmm-guest-arm64.S at EL1 with the MMU off, one thread each,
 * and makes per run of N
 *
 *	N  MMIO exits to userspace (DABT_LOW)	N  HVC exits (HVC64, in the kernel)
 *	1  slow MMIO exit (-s us)		1  WFI exit (WFx, blocked for -H us)
 *
 * then stops at an MMIO store that is never re-entered (so it pairs with no
 * entry).  The WFI wakes when another thread raises the vCPU's IRQ line
 * (KVM_IRQ_LINE; the guest runs with interrupts masked, so it takes none):
 * that thread waits -H us and until the vCPU thread sleeps in the kernel,
 * because a WFI with an interrupt already pending completes without a trap.
 *
 * It prints its pid and each vCPU's thread id first; with -g it waits for
 * one byte on stdin before any vCPU runs, so a tracer can attach (-p/-t)
 * to threads that exist already.  With -M another thread moves the vCPU
 * threads between CPU 0 and CPU 1 every -u us; -P pins them instead.  At
 * the end it prints what each vCPU did and exits 0 only if that is exactly
 * what the guest was written to do (the guest reports how many hypercalls
 * returned and what SMCCC_VERSION answered, which userspace cannot see).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define GUEST_MEM	(1u << 20)	/* one slot at 0 */
#define MMIO_BASE	0x10000000ul	/* no slot: stores here exit to userspace */
#define MMIO_LOOP	(MMIO_BASE + 0)
#define MMIO_SLOW	(MMIO_BASE + 8)
#define MMIO_DONE	(MMIO_BASE + 16)
#define MAX_VCPUS	8

#define CORE_REG(x) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
		     (offsetof(struct kvm_regs, x) / sizeof(__u32)))

struct env {
	int vcpus;
	long n;
	const char *guest;
	bool gate;
	bool migrate;
	int pin;		/* -1: leave the scheduler alone */
	long move_us;
	long slow_us;
	long halt_us;
};

static struct env env = {
	.vcpus = 1, .n = 200, .pin = -1, .move_us = 1000, .slow_us = 20000,
	.halt_us = 30000,
};

struct vcpu {
	int id, fd;
	struct kvm_run *run;
	pthread_t thread;
	pid_t tid;
	unsigned long mmio, slow, wfi, done;
	unsigned long hvc;		/* as the guest reported it */
	unsigned long smccc;		/* what SMCCC_VERSION answered */
	/* the WFI wake-up: armed by the vCPU thread, fired by the waker */
	volatile int armed, fired;
	struct timespec armed_at;
	const char *err;
};

static int kvm_fd, vm_fd, run_size;
static uint64_t entry;
static struct vcpu vcpus[MAX_VCPUS];
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_open, ready;
static volatile int finished;

static void die(const char *what)
{
	fprintf(stderr, "vmm-arm64: %s: %s\n", what, strerror(errno));
	exit(1);
}

static const char usage[] =
"USAGE: vmm-arm64 [-c VCPUS] [-n N] [-g] [-M [-u US]] [-P CPU] [-s US] [-H US] [-e GUEST.elf]\n"
"\n"
"  -c VCPUS  vCPUs, one thread each (1-8, default 1)\n"
"  -n N      MMIO exits and HVC exits of each vCPU (default 200)\n"
"  -g        wait for a byte on stdin before the guest runs\n"
"  -M        move vCPU threads between CPU 0 and 1 every -u US (default 1000)\n"
"  -P CPU    pin vCPU threads to CPU\n"
"  -s US     time spent on the slow MMIO exit (default 20000)\n"
"  -H US     time the WFI waits at least (default 30000)\n"
"  -e FILE   the guest ELF (default: vmm-guest-arm64.elf beside this program)\n"
"\n"
"EXAMPLES:\n"
"  vmm-arm64 -c 2 -n 300     # 2 vCPUs, 300 MMIO and 300 HVC exits each\n"
"  vmm-arm64 -g -c 4 < fifo  # start when a tracer has attached\n";

/* PT_LOAD segments of the guest ELF into guest memory at their addresses */
static void load_guest(const char *path, uint8_t *mem)
{
	GElf_Ehdr eh;
	size_t i, nph;
	Elf *elf;
	int fd;

	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || !gelf_getehdr(elf, &eh) || elf_getphdrnum(elf, &nph) ||
	    eh.e_machine != EM_AARCH64) {
		fprintf(stderr, "vmm-arm64: %s: not an AArch64 ELF file\n", path);
		exit(1);
	}
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (ph.p_paddr + ph.p_memsz > GUEST_MEM || ph.p_filesz > ph.p_memsz ||
		    pread(fd, mem + ph.p_paddr, ph.p_filesz, ph.p_offset) != (ssize_t)ph.p_filesz) {
			fprintf(stderr, "vmm-arm64: %s: a segment does not fit guest memory\n", path);
			exit(1);
		}
	}
	entry = eh.e_entry;
	elf_end(elf);
	close(fd);
}

static void set_reg(struct vcpu *v, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	if (ioctl(v->fd, KVM_SET_ONE_REG, &reg) < 0)
		die("KVM_SET_ONE_REG");
}

static void setup_vcpu(struct vcpu *v)
{
	struct kvm_vcpu_init init;

	v->fd = ioctl(vm_fd, KVM_CREATE_VCPU, v->id);
	if (v->fd < 0)
		die("KVM_CREATE_VCPU");
	v->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		die("mmap kvm_run");
	/* EL1h, DAIF masked, MMU off; no feature: every vCPU starts powered on */
	if (ioctl(vm_fd, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		die("KVM_ARM_PREFERRED_TARGET");
	if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init) < 0)
		die("KVM_ARM_VCPU_INIT");
	set_reg(v, CORE_REG(regs.pc), entry);
	set_reg(v, CORE_REG(regs.regs[20]), (uint64_t)env.n);
	set_reg(v, CORE_REG(regs.regs[21]), MMIO_BASE);
}

static void pin(pid_t tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(tid, sizeof(set), &set);
}

static uint64_t mmio_value(const struct kvm_run *r)
{
	uint64_t val = 0;

	memcpy(&val, r->mmio.data, r->mmio.len <= 8 ? r->mmio.len : 8);
	return val;
}

/* one exit to userspace; 0 to re-enter, 1 when the guest is done */
static int handle_exit(struct vcpu *v)
{
	struct kvm_run *r = v->run;

	if (r->exit_reason != KVM_EXIT_MMIO || !r->mmio.is_write) {
		v->err = "unexpected exit";
		fprintf(stderr, "vmm-arm64: vcpu %d: unexpected exit %u\n", v->id, r->exit_reason);
		return 1;
	}
	switch (r->mmio.phys_addr) {
	case MMIO_LOOP:
		/* the guest counts down from N: a lost or doubled exit shows */
		if (mmio_value(r) != (uint64_t)env.n - v->mmio) {
			v->err = "MMIO stores out of sequence";
			fprintf(stderr, "vmm-arm64: vcpu %d: store %lu wrote %llu\n", v->id,
				v->mmio, (unsigned long long)mmio_value(r));
			return 1;
		}
		v->mmio++;
		return 0;
	case MMIO_SLOW:
		v->slow++;
		v->hvc = mmio_value(r);
		usleep(env.slow_us);
		clock_gettime(CLOCK_MONOTONIC, &v->armed_at);
		__atomic_store_n(&v->armed, 1, __ATOMIC_RELEASE);
		return 0;
	case MMIO_DONE:
		v->done++;
		v->smccc = mmio_value(r);
		/* the guest can leave its WFI only through the IRQ line */
		if (__atomic_load_n(&v->fired, __ATOMIC_ACQUIRE))
			v->wfi++;
		else
			v->err = "left WFI without its IRQ line raised";
		return 1;
	}
	v->err = "MMIO store to an unknown address";
	fprintf(stderr, "vmm-arm64: vcpu %d: store to 0x%llx\n", v->id,
		(unsigned long long)r->mmio.phys_addr);
	return 1;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	char name[16];

	snprintf(name, sizeof(name), "CPU %d/KVM", v->id);
	pthread_setname_np(pthread_self(), name);
	pthread_mutex_lock(&gate_lock);
	v->tid = gettid();
	ready++;
	pthread_cond_broadcast(&gate_cond);
	while (!gate_open)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
	if (env.pin >= 0)
		pin(0, env.pin);
	for (;;) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			v->err = "KVM_RUN failed";
			fprintf(stderr, "vmm-arm64: vcpu %d: KVM_RUN: %s\n", v->id, strerror(errno));
			break;
		}
		if (handle_exit(v))
			break;
	}
	return NULL;
}

/* 'S': the thread sleeps, which a vCPU thread inside KVM_RUN does only in WFI */
static bool sleeping(pid_t tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	p = strrchr(buf, ')');	/* the name may hold spaces */
	return p && p[1] == ' ' && p[2] == 'S';
}

static long since_us(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000000L + (now.tv_nsec - t->tv_nsec) / 1000;
}

/* raises a vCPU's IRQ line once it has waited -H us in its WFI */
static void *waker(void *arg)
{
	int i;

	while (!finished) {
		for (i = 0; i < env.vcpus; i++) {
			struct vcpu *v = &vcpus[i];
			struct kvm_irq_level irq = {
				.irq = (KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT) |
				       ((unsigned)v->id << KVM_ARM_IRQ_VCPU_SHIFT) |
				       KVM_ARM_IRQ_CPU_IRQ,
				.level = 1,
			};

			if (!__atomic_load_n(&v->armed, __ATOMIC_ACQUIRE) || v->fired ||
			    since_us(&v->armed_at) < env.halt_us || !sleeping(v->tid))
				continue;
			__atomic_store_n(&v->fired, 1, __ATOMIC_RELEASE);
			if (ioctl(vm_fd, KVM_IRQ_LINE, &irq) < 0)
				die("KVM_IRQ_LINE");
		}
		usleep(1000);
	}
	return NULL;
}

/* another thread moves the vCPU threads across CPU 0 and 1 (-M) */
static void *mover(void *arg)
{
	int flip = 0, i;

	while (!finished) {
		for (i = 0; i < env.vcpus; i++)
			pin(vcpus[i].tid, (i + flip) & 1);
		flip ^= 1;
		usleep(env.move_us);
	}
	return NULL;
}

static long number(const char *s, long lo, long hi, char opt)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "vmm-arm64: -%c: '%s' is not a number in %ld..%ld\n", opt, s, lo, hi);
		exit(2);
	}
	return v;
}

static char *default_guest(void)
{
	static char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	char *slash;

	if (n <= 0)
		return "vmm-guest-arm64.elf";
	path[n] = 0;
	slash = strrchr(path, '/');
	strcpy(slash ? slash + 1 : path, "vmm-guest-arm64.elf");
	return path;
}

int main(int argc, char **argv)
{
	struct kvm_userspace_memory_region region;
	pthread_t mover_thread, waker_thread;
	uint8_t *mem;
	int c, i, bad = 0;

	while ((c = getopt(argc, argv, "c:n:gMu:P:s:H:e:h")) != -1) {
		switch (c) {
		case 'c': env.vcpus = (int)number(optarg, 1, MAX_VCPUS, c); break;
		case 'n': env.n = number(optarg, 1, 100000000, c); break;
		case 'g': env.gate = true; break;
		case 'M': env.migrate = true; break;
		case 'u': env.move_us = number(optarg, 1, 1000000, c); break;
		case 'P': env.pin = (int)number(optarg, 0, CPU_SETSIZE - 1, c); break;
		case 's': env.slow_us = number(optarg, 0, 10000000, c); break;
		case 'H': env.halt_us = number(optarg, 0, 10000000, c); break;
		case 'e': env.guest = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	if (!env.guest)
		env.guest = default_guest();

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		die("/dev/kvm");
	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm_fd < 0)
		die("KVM_CREATE_VM");
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < 0)
		die("KVM_GET_VCPU_MMAP_SIZE");
	mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap guest memory");
	load_guest(env.guest, mem);
	region = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_MEM,
		.userspace_addr = (uintptr_t)mem,
	};
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");

	for (i = 0; i < env.vcpus; i++) {
		vcpus[i].id = i;
		setup_vcpu(&vcpus[i]);
		if (pthread_create(&vcpus[i].thread, NULL, vcpu_thread, &vcpus[i]))
			die("pthread_create");
	}
	pthread_mutex_lock(&gate_lock);
	while (ready < env.vcpus)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);

	printf("pid %d\n", getpid());
	for (i = 0; i < env.vcpus; i++)
		printf("vcpu %d tid %d\n", i, vcpus[i].tid);
	fflush(stdout);
	if (env.gate) {
		char b;

		if (read(0, &b, 1) != 1) {
			fprintf(stderr, "vmm-arm64: no start byte on stdin\n");
			return 1;
		}
	}
	if (pthread_create(&waker_thread, NULL, waker, NULL))
		die("pthread_create");
	if (env.migrate && pthread_create(&mover_thread, NULL, mover, NULL))
		die("pthread_create");
	pthread_mutex_lock(&gate_lock);
	gate_open = 1;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);

	for (i = 0; i < env.vcpus; i++)
		pthread_join(vcpus[i].thread, NULL);
	finished = 1;
	pthread_join(waker_thread, NULL);
	if (env.migrate)
		pthread_join(mover_thread, NULL);

	for (i = 0; i < env.vcpus; i++) {
		struct vcpu *v = &vcpus[i];

		printf("vcpu %d: mmio %lu hvc %lu slow %lu wfi %lu done %lu smccc 0x%lx\n", v->id,
		       v->mmio, v->hvc, v->slow, v->wfi, v->done, v->smccc);
		if (v->err)
			fprintf(stderr, "vmm-arm64: vcpu %d: %s\n", v->id, v->err);
		/* SMCCC_VERSION answers 1.0 or later; NOT_SUPPORTED is -1 */
		if (v->err || v->mmio != (unsigned long)env.n || v->hvc != (unsigned long)env.n ||
		    v->slow != 1 || v->wfi != 1 || v->done != 1 ||
		    v->smccc < 0x10000 || v->smccc > 0x7fffffff)
			bad = 1;
	}
	if (bad)
		fprintf(stderr, "vmm-arm64: a vCPU did not make the exits its guest was written to make\n");
	return bad;
}
