# SPDX-License-Identifier: GPL-2.0-only
#
# Pairs the KVM events of a recording per thread, independently of
# perf-prof, from `perf script --guest-code -F tid,cpu,time,event,trace --ns`
# (ARM64 formats: "kvm_exit: TRAP: HSR_EC: 0x0024 (DABT_LOW), PC: ..." or
# "kvm_exit: IRQ: ...").  Prints per reason, times in ns:
#
#	exit NAME calls total min max	kvm_exit -> the thread's next kvm_entry
#	guest NAME calls total min max	kvm_entry -> the thread's next kvm_exit,
#					what `perf kvm stat` times on ARM64
#	unpaired NAME count		exits no entry followed
#	crossed NAME count		exit -> entry pairs on two CPUs
#
# Timestamps are kept as integer nanoseconds (exact below 2^53).
function ns(t) { sub(/:$/, "", t); split(t, p, "."); return p[1] * 1000000000 + p[2] }
function add(kind, name, d) {
	k = kind " " name
	if (!(k in calls)) { calls[k] = 0; total[k] = 0; min[k] = d; max[k] = d }
	calls[k]++; total[k] += d
	if (d < min[k]) min[k] = d
	if (d > max[k]) max[k] = d
}
{
	tid = $1; cpu = $2; t = ns($3)
	if ($4 == "kvm:kvm_exit:") {
		if ($5 == "TRAP:") { name = $0; sub(/.*\(/, "", name); sub(/\).*/, "", name) }
		else { name = $5; sub(/:$/, "", name) }
		if (tid in entry) add("guest", name, t - entry[tid])
		delete entry[tid]
		if (tid in exitt) unpaired[exitn[tid]]++
		exitt[tid] = t; exitn[tid] = name; exitc[tid] = cpu
	} else if ($4 == "kvm:kvm_entry:") {
		if (tid in exitt) {
			add("exit", exitn[tid], t - exitt[tid])
			if (exitc[tid] != cpu) crossed[exitn[tid]]++
		}
		delete exitt[tid]
		entry[tid] = t
	}
}
END {
	for (tid in exitt) unpaired[exitn[tid]]++
	for (k in calls) printf "%s %d %.0f %.0f %.0f\n", k, calls[k], total[k], min[k], max[k]
	for (n in unpaired) printf "unpaired %s %d\n", n, unpaired[n]
	for (n in crossed) printf "crossed %s %d\n", n, crossed[n]
}
