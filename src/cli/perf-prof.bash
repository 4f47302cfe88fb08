# SPDX-License-Identifier: GPL-2.0-only
# bash completion for perf-prof: commands, options and reason names.
# Installed by `make install` as share/bash-completion/completions/perf-prof.
# Every word comes from the binary itself (perf-prof --complete ...), so the
# completion never drifts from the option tables it parses.

# the processes holding /dev/kvm open (the VMs -p is for), else every process
_perf_prof_pids()
{
	local vms
	vms=$(find /proc/[0-9]*/fd -maxdepth 1 \( -lname /dev/kvm -o -lname anon_inode:kvm-vm \) \
		2>/dev/null | cut -d/ -f3 | sort -un)
	if [[ -n $vms ]]; then echo "$vms"; else (cd /proc && compgen -G '[0-9]*'); fi
}

# the reasons of the .lat file on the command line, else those of the profilers
_perf_prof_lat_reasons()	# BIN WORDS...
{
	local bin=$1 w file
	shift
	for w in "$@"; do
		[[ $w == *.lat && -r $w ]] && file=$w
	done
	if [[ -n $file ]]; then
		awk 'NF >= 3 && $1 ~ /^[0-9]+$/ { $1 = $2 = ""; sub(/^ +/, ""); print }' "$file" |
			sort -u
	else
		"$bin" --complete reasons kvm-exit 2>/dev/null
		"$bin" --complete reasons syscalls 2>/dev/null
	fi
}

# COMPREPLY for the value @cur of option @opt of command @cmd; 1 if it has none to offer
_perf_prof_value()	# BIN CMD OPT CUR WORDS...
{
	local bin=$1 cmd=$2 opt=$3 cur=$4 pre IFS=$'\n'
	shift 4
	case $opt in
	-p|--pids|--pid)
		# a list: complete its last element
		pre=""
		[[ $cur == *,* ]] && pre=${cur%,*},
		COMPREPLY=($(compgen -P "$pre" -W "$(_perf_prof_pids)" -- "${cur##*,}")) ;;
	--input|--vmlinux|--kallsyms|--prometheus-textfile|--heatmap|-o|--output)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	--sort)
		COMPREPLY=($(compgen -W $'calls\ntotal\navg\np99\nmax\nname' -- "$cur")) ;;
	--reason)
		COMPREPLY=($(compgen -W "$(_perf_prof_lat_reasons "$bin" "$@")" -- "$cur")) ;;
	--filter)
		# FIELD==NAME or FIELD!=NAME: the names of the command's rows
		[[ $cur == *[=!]=* ]] || return 1
		pre=${cur%%[=!]=*}
		pre=$pre${cur:${#pre}:2}
		COMPREPLY=($(compgen -P "$pre" -W "$("$bin" --complete reasons "$cmd" 2>/dev/null)" \
			-- "${cur:${#pre}}")) ;;
	*)
		return 1 ;;
	esac
	# a name with a blank ("PF excp") stays one word
	COMPREPLY=("${COMPREPLY[@]// /\\ }")
	return 0
}

# the part of @cur before readline's own word (it breaks words at '=', ':', ...)
_perf_prof_rl_prefix()
{
	local i strip=""
	for ((i = 0; i < ${#1}; i++)); do
		[[ $COMP_WORDBREAKS == *"${1:i:1}"* ]] && strip=${1:0:i+1}
	done
	printf '%s' "$strip"
}

_perf_prof()
{
	local line=${COMP_LINE:0:COMP_POINT} words cur prev bin cmd opts strip
	# words split at blanks only, whatever readline's word breaks are
	read -ra words <<<"$line"
	[[ $line == *[[:blank:]] ]] && words+=("")
	cur=${words[${#words[@]} - 1]}
	prev=${words[${#words[@]} - 2]}
	bin=${words[0]} cmd=${words[1]}
	COMPREPLY=()
	if (( ${#words[@]} == 2 )) || { (( ${#words[@]} == 3 )) && [[ $cmd == help ]]; }; then
		COMPREPLY=($(compgen -W "$("$bin" --complete commands 2>/dev/null)" -- "$cur"))
		return
	fi
	opts=$("$bin" --complete options "$cmd" 2>/dev/null) || return
	if [[ $cur == --*=* ]]; then
		# --opt=VALUE in one word
		_perf_prof_value "$bin" "$cmd" "${cur%%=*}" "${cur#*=}" "${words[@]}" &&
			COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
	elif [[ $prev == -* ]] && grep -qx -- "$prev=" <<<"$opts"; then
		# the value of the option before
		_perf_prof_value "$bin" "$cmd" "$prev" "$cur" "${words[@]}"
	elif [[ $cur == -* ]]; then
		# options: short ones without their '=', a flag ends its word
		COMPREPLY=($(compgen -W "$(sed 's/^\(-[^-]\)=$/\1/' <<<"$opts")" -- "$cur"))
		compopt -o nospace 2>/dev/null
		[[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} != *= ]] && COMPREPLY[0]+=" "
	elif [[ $cmd == heatmap ]]; then
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -X '!*.lat' -- "$cur") $(compgen -d -- "$cur"))
	fi
	strip=$(_perf_prof_rl_prefix "$cur")
	[[ -n $strip ]] && COMPREPLY=("${COMPREPLY[@]#"$strip"}")
	return 0
}
complete -F _perf_prof perf-prof
