# bash completion for spirecoveryctl(8)          -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0
# Needs nothing but bash: no bash-completion helpers.

# The words of $1 that start with the caller's $cur.
_spirecoveryctl_reply() {
	mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur")
}

_spirecoveryctl() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands="enable disable set show stats sources flush peers monitor help"
	local read_opts="-j --json -p --pretty -h --help help"
	local set_keys="source-rate source-burst global-rate global-burst ipv6-prefix"
	COMPREPLY=()

	case $prev in
	-n | --netns)
		_spirecoveryctl_reply "$(ip netns list 2>/dev/null | awk '{ print $1 }')"
		return
		;;
	-f | --file)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	source-rate | source-burst | global-rate | global-burst | ipv6-prefix)
		return # a number
		;;
	esac

	# The command is the first word that is neither an option nor -n's value.
	local i command=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-n | --netns) ((i++)) ;;
		-*) ;;
		*)
			command=${COMP_WORDS[i]}
			break
			;;
		esac
	done

	if [[ -z $command ]]; then
		if [[ $cur == -* ]]; then
			_spirecoveryctl_reply "-j --json -p --pretty -n --netns -V --version -h --help"
		else
			_spirecoveryctl_reply "$commands"
		fi
		return
	fi

	case $command in
	set)
		# KEY N pairs: where a key is due, offer those not given yet.
		if (((COMP_CWORD - i) % 2 == 1)); then
			local given=" ${COMP_WORDS[*]:i+1:COMP_CWORD-i-1} " key keys=
			for key in $set_keys; do
				[[ $given == *" $key "* ]] || keys+=" $key"
			done
			_spirecoveryctl_reply "$keys help"
		fi
		;;
	peers)
		# The action comes first; set, add and del take addresses, which are not completed.
		if ((COMP_CWORD == i + 1)); then
			_spirecoveryctl_reply "show set add del flush $read_opts"
		elif [[ ${COMP_WORDS[i + 1]} == set && $cur == -* ]]; then
			_spirecoveryctl_reply "-f --file -h --help"
		elif [[ ${COMP_WORDS[i + 1]} == show ]]; then
			_spirecoveryctl_reply "$read_opts"
		fi
		;;
	show | sources) _spirecoveryctl_reply "$read_opts" ;;
	stats) _spirecoveryctl_reply "-s --derived -P --prometheus $read_opts" ;;
	monitor) _spirecoveryctl_reply "-t --timestamp $read_opts" ;;
	enable | disable | flush) _spirecoveryctl_reply "-h --help help" ;;
	help) ((COMP_CWORD == i + 1)) && _spirecoveryctl_reply "${commands% help}" ;;
	esac
}
complete -F _spirecoveryctl spirecoveryctl
