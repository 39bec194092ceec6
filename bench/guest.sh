#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# guest.sh - the kernel-module part of `make bench`, run inside the QEMU
# guest (tests/vm/run.sh bench/guest.sh), where vnet.ko can be loaded: the
# driver's built-in responder against vnet_xdp attached in native mode to
# vnet0, both driven by iputils ping -f, alternated REPS times.
#
# The guest is emulated (TCG): absolute rates mean nothing, so the result is
# the ratio native XDP / built-in on the same guest in the same run. vnetctl
# bench is not used here: its sink needs the XDP hook of the sending device,
# and on vnet0 that hook is the far end's (the reflector's) - the sink would
# see the requests, not the replies.
#
# Environment (run.sh passes VNET_* through): VNET_BENCH_GUEST_SECS=4 per
# flood, VNET_BENCH_GUEST_REPS=3. Prints a table and one line
# "GUEST-JSON {...}" for bench/run.sh. Exit 0 when every flood ran.

cd "$(dirname "$0")/.." || exit 1

KO=kmod/vnet.ko
VNETCTL=user/vnetctl
DEV=vnet0
SECS=${VNET_BENCH_GUEST_SECS:-4}
REPS=${VNET_BENCH_GUEST_REPS:-3}
DST=198.18.0.2

die()
{
	echo "guest.sh: $*" >&2
	exit 1
}

cleanup()
{
	"$VNETCTL" detach "$DEV" >/dev/null 2>&1
	lsmod | grep -q '^vnet ' && rmmod vnet 2>/dev/null
	return 0
}
trap cleanup EXIT

[[ $SECS =~ ^[0-9]+$ ]] && [ "$SECS" -ge 1 ] && [ "$SECS" -le 60 ] ||
	die "VNET_BENCH_GUEST_SECS must be 1..60"
[[ $REPS =~ ^[0-9]+$ ]] && [ "$REPS" -ge 1 ] && [ "$REPS" -le 10 ] ||
	die "VNET_BENCH_GUEST_REPS must be 1..10"
[ -f "$KO" ] || die "$KO is missing (tests/vm/run.sh builds it)"
"$VNETCTL" --version >/dev/null 2>&1 || die "$VNETCTL does not run here"

out=$(insmod "$KO" numdevs=1 2>&1) || die "insmod $KO: $out"
sysctl -qw "net.ipv6.conf.$DEV.disable_ipv6=1" 2>/dev/null
ip addr add 198.18.0.1/24 dev "$DEV" && ip link set "$DEV" up ||
	die "cannot configure $DEV"

# flood: one bounded ping -f; prints "SENT RECEIVED MS" (ms: ping's own time).
flood()
{
	local out re='([0-9]+) packets transmitted, ([0-9]+) received.*time ([0-9]+)ms'

	out=$(timeout -k 5 $((SECS + 30)) ping -f -q -w "$SECS" "$DST" 2>&1)
	[[ $out =~ $re ]] || { echo "guest.sh: ping printed no summary: $out" >&2; return 1; }
	echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]}"
}

declare -a RATE_BUILTIN RATE_NATIVE
for ((i = 0; i < REPS; i++)); do
	r=$(flood) || die "ping -f against the built-in responder failed"
	read -r tx rx ms <<<"$r"
	[ "$rx" -gt 0 ] || die "the built-in responder answered nothing ($r)"
	RATE_BUILTIN+=($((rx * 1000 / ms)))
	echo "# built-in responder: $tx sent, $rx received in $ms ms"

	out=$("$VNETCTL" attach "$DEV" --mode native 2>&1) || die "vnetctl attach: $out"
	r=$(flood) || die "ping -f against native XDP failed"
	read -r tx rx ms <<<"$r"
	out=$("$VNETCTL" detach "$DEV" 2>&1) || die "vnetctl detach: $out"
	[ "$rx" -gt 0 ] || die "native XDP answered nothing ($r)"
	RATE_NATIVE+=($((rx * 1000 / ms)))
	echo "# native XDP (vnet_xdp): $tx sent, $rx received in $ms ms"
done

median()
{
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
		print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

mb=$(median "${RATE_BUILTIN[@]}")
mn=$(median "${RATE_NATIVE[@]}")
ratio=$(awk -v a="$mn" -v b="$mb" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
kver=$(uname -r)

echo "QEMU guest ($kver, TCG: relative numbers only), ping -f ${SECS}s x $REPS, median replies/s:"
echo
echo "| responder on vnet0 | ping -f replies/s | relative |"
echo "|---|--:|--:|"
echo "| vnet.ko built-in responder | $mb | 1.00x |"
echo "| vnet_xdp, native XDP | $mn | ${ratio}x |"
printf 'GUEST-JSON {"kernel":"%s","accel":"tcg","secs":%d,"reps":%d,"builtin_pps":[%s],"native_pps":[%s],"builtin_median":%s,"native_median":%s,"native_vs_builtin":%s}\n' \
	"$kver" "$SECS" "$REPS" "$(IFS=,; echo "${RATE_BUILTIN[*]}")" \
	"$(IFS=,; echo "${RATE_NATIVE[*]}")" "$mb" "$mn" "$ratio"
