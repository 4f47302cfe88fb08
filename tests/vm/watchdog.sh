# SPDX-License-Identifier: GPL-2.0-only
#
# Sourced by tests/vm/run and tests/vm/arm64/run: boot the test VM until
# every case has run.  QEMU's TCG, emulating virtualization for a nested
# guest, now and then wedges the whole VM: both vCPUs spin in QEMU and the
# guest kernel prints nothing (seen on x86 about once in 15-30 cases, in
# CI and here, never twice in a row).  The guest side writes OUT/heartbeat
# every two seconds; when it stops for VM_STALL seconds (45; a boot takes
# 5-20), qemu is killed and the cases left run in a fresh VM.  The case
# that was running is tried again, VM_TRIES times in all (3: at one wedge
# in 15-30 cases, a limit of 2 tries would fail one run of 15 cases in
# 15-60, 3 tries one in 200-1,800); a case in which the VM stops every
# time fails, and so does every case when the whole run passes VM_TIMEOUT.
#
# The caller sets OUT, VM_TIMEOUT, LABEL (the prefix of its lines) and
# defines vm_qemu CASES...: start qemu in the background for these cases
# (its pid in $!) after writing OUT/config.sh.

VM_STALL=${VM_STALL:-45}
VM_TRIES=${VM_TRIES:-3}
VM_BOOTS=0
declare -A VM_WEDGED=()

# wait for qemu PID; 0 when the guest side finished, 1 otherwise
vm_watch() {	# PID
	local qpid=$1 now beat last qstatus
	last=$(date +%s)
	while kill -0 "$qpid" 2>/dev/null; do
		sleep 1
		now=$(date +%s)
		beat=$(stat -c %Y "$OUT/heartbeat" 2>/dev/null || echo 0)
		[ "$beat" -gt "$last" ] && last=$beat
		if [ $((now - last)) -ge "$VM_STALL" ] || [ $((now - VM_START)) -ge "$VM_TIMEOUT" ]; then
			kill -KILL "$qpid" 2>/dev/null
			wait "$qpid" 2>/dev/null
			echo "$LABEL: no heartbeat from the VM for $((now - last))s" \
			     "($((now - VM_START))s in all): killed" >&2
			tail -n 20 "$OUT/qemu.err" "$OUT/console.log" >&2
			return 1
		fi
	done
	wait "$qpid"
	qstatus=$?
	[ $qstatus = 0 ] && [ -e "$OUT/guest.done" ] && return 0
	echo "$LABEL: the VM did not finish its cases (qemu exit $qstatus after" \
	     "$(( $(date +%s) - VM_START ))s); its console:" >&2
	tail -n 20 "$OUT/qemu.err" "$OUT/console.log" "$OUT/guest.log" >&2 2>/dev/null
	return 1
}

# one boot, no second try (a demo, a recording)
vm_boot_once() {	# CASES...
	VM_START=$(date +%s)
	VM_BOOTS=1
	rm -f "$OUT/guest.done" "$OUT/heartbeat"
	vm_qemu "$@"
	vm_watch $!
}

# boot until every case of CASES has a status in OUT; 1 when some did not
vm_run_cases() {	# CASES...
	local todo=("$@") left c
	VM_START=$(date +%s)
	while :; do
		VM_BOOTS=$((VM_BOOTS + 1))
		rm -f "$OUT/guest.done" "$OUT/heartbeat"
		vm_qemu "${todo[@]}"
		vm_watch $! && return 0
		cat "$OUT/guest.log" >> "$OUT/guest.all" 2>/dev/null
		left=()
		for c in "${todo[@]}"; do
			[ -e "$OUT/$c/status" ] || left+=("$c")
		done
		[ ${#left[@]} -gt 0 ] || return 0
		# the first case left was running when the VM stopped
		c=${left[0]}
		VM_WEDGED[$c]=$(( ${VM_WEDGED[$c]:-0} + 1 ))
		if [ "${VM_WEDGED[$c]}" -ge "$VM_TRIES" ] ||
		   [ $(( $(date +%s) - VM_START )) -ge "$VM_TIMEOUT" ]; then
			echo "$LABEL: the VM stopped ${VM_WEDGED[$c]} times in case $c, or the" \
			     "run passed ${VM_TIMEOUT}s; the cases left fail" >&2
			return 1
		fi
		echo "$LABEL: the VM stopped in case $c; booting a fresh one for ${left[*]}" >&2
		todo=("${left[@]}")
	done
}

# the FAIL line's reason for a case without a status
vm_why_not_run() {	# CASE
	if [ -n "${VM_WEDGED[$1]:-}" ]; then
		echo "the VM stopped ${VM_WEDGED[$1]} times while it ran"
	else
		echo "did not run"
	fi
}

# "; the VM stopped in: a b" when a fresh VM had to take over
vm_wedged_note() {
	local c list=
	for c in "${!VM_WEDGED[@]}"; do
		list="$list${list:+, }$c (${VM_WEDGED[$c]}x)"
	done
	[ -n "$list" ] && echo "; the VM stopped (no heartbeat) in: $list, rerun"
}
