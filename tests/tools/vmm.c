// SPDX-License-Identifier: GPL-2.0-only
/*
 * A tiny VMM on the KVM API whose guests make a known number of exits, for
 * the VM test suite (tests/vm): every vCPU runs tests/tools/vmm-guest-x86.S
 * in real mode, one thread each, and makes per run of N
 *
 *	N  IO exits to userspace (out 0x10)      N  CPUID exits (in the kernel)
 *	N  MSR reads and N MSR writes (kernel)   N  MMIO exits to userspace
 *	1  slow IO exit (out 0x11, -s us)        1  HLT exit (-H us before re-entry)
 *
 * then stops at an `out 0x12` that is never re-entered (so it pairs with
 * no entry; with -r it starts over until the time is up).  It prints its pid and each vCPU's thread id first; with -g it
 * waits for one byte on stdin before any vCPU runs, so a tracer can attach
 * (-p/-t) to threads that exist already; with -L as well, the vCPU threads
 * are created only after that byte (a VM that boots after the attach).  With -M another thread moves the
 * vCPU threads between CPU 0 and CPU 1 every -u us; -P pins them instead.
 * With -K the guest makes only exits the kernel handles (N CPUID and N MSR
 * reads) in one KVM_RUN, which the VMM times: the observer benchmark's guest.
 * At the end it prints what each vCPU saw in userspace and exits 0 only if
 * that is exactly what the guest was written to do.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define GUEST_MEM	(1u << 20)	/* one slot at 0; FS points past it */
#define MMIO_BASE	GUEST_MEM
#define MAX_VCPUS	64
#define PORT_LOOP	0x10
#define PORT_SLOW	0x11
#define PORT_DONE	0x12

struct env {
	int vcpus;
	long n;
	const char *guest;
	bool gate;
	bool late;		/* -L: vCPU threads created after the gate */
	bool migrate;
	int pin;		/* -1: leave the scheduler alone */
	long move_us;
	long slow_us;
	long halt_us;
	long seconds;		/* -r: run the guest program again until then */
	bool kernel_only;	/* -K: CPUID and MSR exits only, in one KVM_RUN */
};

static struct env env = {
	.vcpus = 1, .n = 1000, .pin = -1, .move_us = 100, .slow_us = 20000,
	.halt_us = 30000,
};

struct vcpu {
	int id, fd;
	struct kvm_run *run;
	pthread_t thread;
	pid_t tid;
	unsigned long io, slow, mmio, hlt, done, passes;
	long long run_ns;	/* time spent in KVM_RUN */
	const char *err;
};

static int kvm_fd, vm_fd, run_size;
static struct timespec deadline;
static uint64_t entry;
static struct vcpu vcpus[MAX_VCPUS];
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_open, ready;
static volatile int finished;

static void die(const char *what)
{
	fprintf(stderr, "vmm: %s: %s\n", what, strerror(errno));
	exit(1);
}

static const char usage[] =
"USAGE: vmm [-c VCPUS] [-n N] [-K] [-g [-L]] [-M [-u US]] [-P CPU] [-s US] [-H US] [-r SECS] [-e GUEST.elf]\n"
"\n"
"  -c VCPUS  vCPUs, one thread each (1-64, default 1)\n"
"  -n N      loop count of each exit kind (default 1000)\n"
"  -K        only in-kernel exits: N CPUID and N MSR reads in one KVM_RUN, timed\n"
"  -g        wait for a byte on stdin before the guest runs\n"
"  -L        with -g, create the vCPU threads only after that byte\n"
"  -M        move vCPU threads between CPU 0 and 1 every -u US (default 100)\n"
"  -P CPU    pin vCPU threads to CPU\n"
"  -s US     time spent on the slow IO exit (default 20000)\n"
"  -H US     time spent on the HLT exit (default 30000)\n"
"  -e FILE   the guest ELF (default: vmm-guest-x86.elf beside this program)\n"
"\n"
"EXAMPLES:\n"
"  vmm -c 2 -n 5000          # 2 vCPUs, 5000 of each exit\n"
"  vmm -g -c 4 < fifo        # start when a tracer has attached\n"
"  vmm -K -P 1 -n 100000     # 200000 exits KVM handles; prints their rate\n";

/*
 * The address of the guest's symbol @name.  -K enters there rather than at
 * start, so the exits of the other modes keep their addresses (the
 * recordings in tests/data were made with them, and --top-rip names them).
 */
static uint64_t guest_symbol(Elf *elf, const char *name, const char *path)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t i;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize ||
		    !(d = elf_getdata(scn, NULL)))
			continue;
		for (i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *n;

			if (gelf_getsym(d, (int)i, &sym) &&
			    (n = elf_strptr(elf, sh.sh_link, sym.st_name)) && !strcmp(n, name))
				return sym.st_value;
		}
	}
	fprintf(stderr, "vmm: %s: no symbol %s\n", path, name);
	exit(1);
}

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
	if (!elf || !gelf_getehdr(elf, &eh) || elf_getphdrnum(elf, &nph)) {
		fprintf(stderr, "vmm: %s: not an ELF file\n", path);
		exit(1);
	}
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (ph.p_paddr + ph.p_memsz > GUEST_MEM || ph.p_filesz > ph.p_memsz ||
		    pread(fd, mem + ph.p_paddr, ph.p_filesz, ph.p_offset) != (ssize_t)ph.p_filesz) {
			fprintf(stderr, "vmm: %s: a segment does not fit guest memory\n", path);
			exit(1);
		}
	}
	entry = eh.e_entry;
	if (env.kernel_only)
		entry = guest_symbol(elf, "kernel_only", path);
	elf_end(elf);
	close(fd);
}

/* enter at the guest's start with EDI = N */
static void set_regs(struct vcpu *v)
{
	struct kvm_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.rip = entry;
	regs.rflags = 2;
	regs.rdi = (uint64_t)env.n;
	if (ioctl(v->fd, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS");
}

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static bool time_left(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec < deadline.tv_sec ||
	       (now.tv_sec == deadline.tv_sec && now.tv_nsec < deadline.tv_nsec);
}

static void setup_vcpu(struct vcpu *v)
{
	struct kvm_sregs sregs;

	v->fd = ioctl(vm_fd, KVM_CREATE_VCPU, v->id);
	if (v->fd < 0)
		die("KVM_CREATE_VCPU");
	v->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		die("mmap kvm_run");
	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	/* real mode with a hidden base past memory: stores through FS are MMIO */
	sregs.fs.base = MMIO_BASE;
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS");
	set_regs(v);
}

static void pin(pid_t tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(tid, sizeof(set), &set);
}

/* one exit to userspace; 0 to re-enter, 1 when the guest is done */
static int handle_exit(struct vcpu *v)
{
	struct kvm_run *r = v->run;

	switch (r->exit_reason) {
	case KVM_EXIT_IO:
		if (r->io.direction != KVM_EXIT_IO_OUT)
			break;
		if (r->io.port == PORT_LOOP) {
			v->io++;
			return 0;
		}
		if (r->io.port == PORT_SLOW) {
			v->slow++;
			usleep(env.slow_us);
			return 0;
		}
		if (r->io.port == PORT_DONE) {
			v->done++;
			v->passes++;
			if (!env.seconds || !time_left())
				return 1;
			set_regs(v);	/* -r: once more */
			return 0;
		}
		break;
	case KVM_EXIT_MMIO:
		if (!r->mmio.is_write || r->mmio.phys_addr != MMIO_BASE)
			break;
		v->mmio++;
		return 0;
	case KVM_EXIT_HLT:
		v->hlt++;
		usleep(env.halt_us);
		return 0;
	}
	v->err = "unexpected exit";
	fprintf(stderr, "vmm: vcpu %d: unexpected exit %u\n", v->id, r->exit_reason);
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
		long long t0 = now_ns();
		int rc = ioctl(v->fd, KVM_RUN, 0);

		v->run_ns += now_ns() - t0;
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			v->err = "KVM_RUN failed";
			fprintf(stderr, "vmm: vcpu %d: KVM_RUN: %s\n", v->id, strerror(errno));
			break;
		}
		if (handle_exit(v))
			break;
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

/* a thread per vCPU, each held at the gate once it runs */
static void start_vcpus(void)
{
	int i;

	for (i = 0; i < env.vcpus; i++)
		if (pthread_create(&vcpus[i].thread, NULL, vcpu_thread, &vcpus[i]))
			die("pthread_create");
	pthread_mutex_lock(&gate_lock);
	while (ready < env.vcpus)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
}

/* what the vCPU saw; 1 if it is not what its guest was written to do */
static int report(const struct vcpu *v)
{
	unsigned long k = v->passes, want = env.kernel_only ? 0 : k * env.n;

	printf("vcpu %d: io %lu slow %lu mmio %lu hlt %lu done %lu\n", v->id, v->io,
	       v->slow, v->mmio, v->hlt, v->done);
	if (env.kernel_only)	/* the exits the kernel handled, and their rate */
		printf("vcpu %d: kernel exits %lu in %lld ns, %.0f/s\n", v->id, 2 * k * env.n,
		       v->run_ns, v->run_ns ? 2e9 * (double)(k * env.n) / (double)v->run_ns : 0);
	return v->err || !k || v->io != want || v->mmio != want ||
	       v->slow != (env.kernel_only ? 0 : k) || v->hlt != (env.kernel_only ? 0 : k) ||
	       v->done != k;
}

static long number(const char *s, long lo, long hi, char opt)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "vmm: -%c: '%s' is not a number in %ld..%ld\n", opt, s, lo, hi);
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
		return "vmm-guest-x86.elf";
	path[n] = 0;
	slash = strrchr(path, '/');
	strcpy(slash ? slash + 1 : path, "vmm-guest-x86.elf");
	return path;
}

int main(int argc, char **argv)
{
	struct kvm_userspace_memory_region region;
	pthread_t mover_thread;
	uint8_t *mem;
	int c, i, bad = 0;

	while ((c = getopt(argc, argv, "c:n:KgLMu:P:s:H:r:e:h")) != -1) {
		switch (c) {
		case 'c': env.vcpus = (int)number(optarg, 1, MAX_VCPUS, c); break;
		case 'n': env.n = number(optarg, 1, 100000000, c); break;
		case 'K': env.kernel_only = true; break;
		case 'g': env.gate = true; break;
		case 'L': env.late = true; break;
		case 'M': env.migrate = true; break;
		case 'u': env.move_us = number(optarg, 1, 1000000, c); break;
		case 'P': env.pin = (int)number(optarg, 0, CPU_SETSIZE - 1, c); break;
		case 's': env.slow_us = number(optarg, 0, 10000000, c); break;
		case 'H': env.halt_us = number(optarg, 0, 10000000, c); break;
		case 'r': env.seconds = number(optarg, 1, 86400, c); break;
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
	}
	if (!env.late)
		start_vcpus();
	printf("pid %d\n", getpid());
	for (i = 0; i < env.vcpus && !env.late; i++)
		printf("vcpu %d tid %d\n", i, vcpus[i].tid);
	fflush(stdout);
	if (env.gate) {
		char b;

		if (read(0, &b, 1) != 1) {
			fprintf(stderr, "vmm: no start byte on stdin\n");
			return 1;
		}
	}
	if (env.late)
		start_vcpus();
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += env.seconds;
	if (env.migrate && pthread_create(&mover_thread, NULL, mover, NULL))
		die("pthread_create");
	pthread_mutex_lock(&gate_lock);
	gate_open = 1;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);

	for (i = 0; i < env.vcpus; i++)
		pthread_join(vcpus[i].thread, NULL);
	finished = 1;
	if (env.migrate)
		pthread_join(mover_thread, NULL);

	for (i = 0; i < env.vcpus; i++)
		bad |= report(&vcpus[i]);
	if (bad)
		fprintf(stderr, "vmm: a vCPU did not make the exits its guest was written to make\n");
	return bad;
}
