#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 41-completion.t - completion/vnetctl.bash (installed as completions/vnetctl),
# driven the way bash drives it: a non-interactive bash sources
# bash-completion and our file, checks that
# `complete -p vnetctl` names our function, then calls it with COMP_WORDS /
# COMP_CWORD set as readline would and prints COMPREPLY. Interface names
# come from a namespace of the test's own (a veth vr <-> vc and lo), and
# `respond IFACE del <TAB>` offers the prefixes of a real attachment.

. "$(dirname "$0")/lib/vnet.sh"
trap cleanup EXIT
vnet_require
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
[ -r "$BASH_COMPLETION" ] || bail_out "bash-completion is not installed (scripts/deps.sh)"

plan 17

topo_pair

# complete WORD...: the completions bash would offer after WORD... (the last
# word is the one being completed), one line, sorted; run inside $R.
complete_words()
{
	nsexec "$R" env PATH="$(dirname "$VNETCTL"):$PATH" bash --norc --noprofile -c '
		. "$1"; . "$2"; shift 2
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		prev=
		(($# > 1)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
		_vnetctl vnetctl "${COMP_WORDS[COMP_CWORD]}" "$prev"
		printf "%s\n" "${COMPREPLY[@]}" | sort | paste -sd" "
	' bash "$BASH_COMPLETION" "$VNET_ROOT/completion/vnetctl.bash" "$@"
}

spec=$(bash --norc -c ". $BASH_COMPLETION; . $VNET_ROOT/completion/vnetctl.bash; complete -p vnetctl")
is "$spec" "complete -F _vnetctl vnetctl" "complete -p vnetctl: the function _vnetctl"

is "$(complete_words vnetctl '')" "apply attach bench detach exporter help respond stats status" \
	"commands (from vnetctl --help)"
is "$(complete_words vnetctl st)" "stats status" "a command's prefix"
is "$(complete_words vnetctl --ver)" "--verbose --version" "global options"
is "$(complete_words vnetctl attach '')" "lo vr" "attach IFACE: this namespace's interfaces, veth without @peer"
is "$(complete_words vnetctl attach vr --mode '')" "auto generic loopback native tc" "--mode: the modes"
is "$(complete_words vnetctl attach vr -m n)" "native" "-m n: native"
is "$(complete_words vnetctl attach vr --no)" "--no-ipv4 --no-ipv6" "attach's options (from vnetctl attach --help)"
is "$(complete_words vnetctl attach vr --rate-limit 100)" "100 100/source" "--rate-limit PPS: PPS or PPS/source"
is "$(complete_words vnetctl stats vr --format '')" "json prometheus text" "stats --format: the formats"
is "$(complete_words vnetctl stats vr --per)" "--per-cpu" "stats' options"
is "$(complete_words vnetctl respond '')" "lo vr" "respond IFACE"
is "$(complete_words vnetctl respond vr '')" "add del flush list" "respond IFACE: the actions"
is "$(complete_words vnetctl respond vr add 198.18.0.0/24 '')" "" "respond add PREFIX: nothing to guess"

vctl "$R" attach "$RIF" --respond 198.18.4.0/22 --respond 2001:db8:1::/64 ||
	bail_out "cannot attach: $(vctl_diag)"
is "$(complete_words vnetctl respond vr del '')" "198.18.4.0/22 2001:db8:1::/64" \
	"respond IFACE del: the prefixes attached now"
is "$(complete_words vnetctl -v respond vr del 2)" "2001:db8:1::/64" "... after -v, and by prefix"

mkdir -p "$VNET_T_TMP/etc"
: >"$VNET_T_TMP/etc/vr.conf"
: >"$VNET_T_TMP/etc/other.conf"
is "$(VNET_CONFIG_DIR=$VNET_T_TMP/etc complete_words vnetctl apply v)" "vr" \
	"apply IFACE: the interfaces with a config file"
