# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# guest-lib.sh - helpers for the tests that run inside the vnet test VM
# (tests/vm/run.sh): TAP (tap.sh), the driver's counters, the stack's SNMP
# counters, ping, the kernel log. Sourced, from the repository root.

. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

# ---------------------------------------------------------------------------
# Counters. Every process costs ~0.1 s of emulated CPU in the guest, so these
# read with shell builtins where they can.
#
# load_counters DEV ARRAY: fill the associative ARRAY with DEV's counters:
# every `ethtool -S` counter under its own name, and ndo_get_stats64 (what
# `ip -s link` shows) from sysfs as dev_rx_packets, dev_tx_dropped, ...

load_counters()
{
	local dev=$1 k v f
	local -n _c=$2

	_c=()
	while IFS=: read -r k v; do
		k=${k// /}
		v=${v// /}
		[ -n "$v" ] && _c[$k]=$v
	done < <(ethtool -S "$dev")
	for f in /sys/class/net/"$dev"/statistics/*; do
		read -r v <"$f"
		_c[dev_${f##*/}]=$v
	done
}

declare -A SNAP

# snap DEV: remember DEV's counters; `expect` compares against them.
snap()
{
	load_counters "$1" SNAP
}

# expect DEV "name=N name=N ..." NAME: one test that every named counter of
# DEV rose by exactly N since the last snap. Counting happens in NAPI context
# just after the frames left, so poll for up to 5 s for the expected values;
# a counter that must stay put is checked along with ones that must move, so
# it is read after the frames that could have moved it were handled.
expect()
{
	local dev=$1 want=$2 name=$3 deadline k v kv got bad
	declare -A now

	deadline=$((SECONDS + 5))
	while :; do
		load_counters "$dev" now
		bad=
		for kv in $want; do
			k=${kv%%=*}
			v=${kv#*=}
			if [ -z "${now[$k]:-}" ] || [ -z "${SNAP[$k]:-}" ]; then
				bad="$bad $k(no such counter)"
				continue
			fi
			got=$((now[$k] - SNAP[$k]))
			[ "$got" = "$v" ] || bad="$bad $k=$got(want $v)"
		done
		[ -z "$bad" ] && break
		[ $SECONDS -ge $deadline ] && break
		sleep 0.2
	done
	if [ -z "$bad" ]; then
		pass "$name"
	else
		fail "$name"
		diag "counters of $dev off:$bad"
	fi
}

# One of DEV's counters, now.
counter()
{
	declare -A c

	load_counters "$1" c
	echo "${c[$2]}"
}

# snmp_counter Icmp InCsumErrors / snmp_counter Icmp6 InCsumErrors
snmp_counter()
{
	local proto=$1 name=$2

	if [ "$proto" = Icmp6 ]; then
		awk -v k="Icmp6$name" '$1 == k { print $2 }' /proc/net/snmp6
	else
		awk -v p="$proto:" -v k="$name" '
			$1 == p && !hdr { for (i = 2; i <= NF; i++) idx[$i] = i; hdr = 1; next }
			$1 == p && hdr { print $idx[k] }' /proc/net/snmp
	fi
}

# ping_loss ARGS...: ping's packet loss in percent ("100" if it says nothing).
ping_loss()
{
	local out

	out=$(ping "$@" 2>&1)
	if [[ $out =~ \ ([0-9.]+)%\ packet\ loss ]]; then
		echo "${BASH_REMATCH[1]}"
	else
		echo 100
	fi
}

# The kernel log since the module tests began, and the splats in it.
KMSG_MARK="vnet-kmod-tests: start $$"
kmsg_mark()
{
	echo "$KMSG_MARK" >/dev/kmsg
}

kmsg_since_mark()
{
	dmesg | sed -n "/$KMSG_MARK/,\$p"
}

SPLAT_RE='WARNING:|BUG:|Oops|general protection|Call Trace|kernel BUG|refcount_t'
SPLAT_RE+='|unregister_netdevice: waiting|asks to queue packet|list_(add|del) corruption'
SPLAT_RE+='|UBSAN|KASAN|soft lockup|hung task|rcu.*stall'
