// SPDX-License-Identifier: GPL-2.0-only
/*
 * What --help says of each latency profiler: its line in perf-prof's
 * command list, its summary, examples and --filter example.  The classes
 * (src/profilers/) say what they measure; this says how to ask for it.
 */
#include <stddef.h>
#include <string.h>
#include <perf-prof/commands.h>
#include <perf-prof/latency.h>

/*
 * No HLT by name: right on VMX (HLT) and SVM (hlt) alike, names match in
 * any case; an arm64 build's is WFx, its idle exit.
 */
#ifdef __aarch64__
#define HLT_FILTER "exit_reason!=WFx"
#else
#define HLT_FILTER "exit_reason!=hlt"
#endif

static const struct lat_help helps[] = {
	{
		.name = "kvm-exit",
		.brief = "KVM VM-exit latency per exit reason",
		.summary = "KVM VM-exit latency per exit reason (kvm:kvm_exit to the next "
			"kvm:kvm_entry of the same vCPU thread).",
		.examples =
"    perf-prof kvm-exit -p $(pidof qemu-system-x86_64) -i 1000   # the VM, every second\n"
"    perf-prof kvm-exit -C 5-20,53-68 --perins -i 1000   # per CPU of these CPUs\n"
"    perf-prof kvm-exit -G machine.slice -i 1000     # every VM libvirt runs, from its first exit\n"
"    perf-prof kvm-exit -p 124604                    # one table at Ctrl-C\n"
"    perf-prof kvm-exit -p 126934 -i 1000 --than 5ms # also print exits slower than 5ms\n"
"    perf-prof kvm-exit -p 126934 -i 1000 --perins   # one table per vCPU thread\n"
"    perf-prof kvm-exit -p 126934 --filter '" HLT_FILTER "' -i 1000   # no HLT\n"
"    perf-prof kvm-exit -p 126934 --heatmap kvm_lat -i 1000   # and write kvm_lat.lat\n"
"    perf-prof kvm-exit --input perf.data            # a recording (perf record -e kvm:*)\n"
"    perf-prof kvm-exit -p 126934 --offcpu -i 1000   # how much of each exit was scheduled out\n"
"    perf-prof kvm-exit -p 126934 --top-rip 5 --vmlinux vmlinux   # which guest code exits\n"
"    perf-prof kvm-exit -p 126934,130021 --json -i 1000   # per VM, one JSON line each\n"
"    perf-prof kvm-exit -p 126934 --detail --vmm     # which port, MSR, address; QEMU's part\n"
"    perf-prof kvm-exit --list-reasons               # the exit reasons --filter takes by name\n",
		.filter_example = HLT_FILTER,
	},
	{
		.name = "syscalls",
		.brief = "system call latency per syscall",
		.summary = "system call latency per syscall (raw_syscalls:sys_enter to the "
			"next sys_exit of the same thread), like perf trace -s.",
		.examples =
"    perf-prof syscalls -p 1234 -i 1000              # a process, every second\n"
"    perf-prof syscalls -C 0-1 --perins -i 1000      # per CPU\n"
"    perf-prof syscalls -p 1234 --than 1ms           # print calls slower than 1ms\n"
"    perf-prof syscalls -t 1235 --filter 'id==230'   # one syscall, filtered in the kernel\n",
		.filter_example = "id==39",
	},
};

const struct lat_help *lat_help_of(const struct lat_class *cls)
{
	static const struct lat_help none = { "", "", "", "", "" };
	size_t i;

	for (i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
		if (!strcmp(helps[i].name, cls->name))
			return &helps[i];
	return &none;
}
