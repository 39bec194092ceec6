#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 74-e2e-devices-vm.t - every mode on the devices that are neither veth
# (20-29), dummy (70) nor a NIC (71): vnet's own vnet0 (kmod/vnet.ko) and
# lo, at their MTUs, so that README's "Where vnet runs" names a test for
# each cell.
#
# vnet0 (namespace V, 198.18.0.1/24, 2001:db8::1/64): what the host sends
# out of it reaches the module's far end, which answers pings itself
# (ethtool -S builtin_echo4/6) unless an XDP program is attached there.
#   native    vnet at the far end answers; the built-in responder sees nothing
#   loopback  vnet answers on egress, before the far end
#   generic, tc  vnet0's receive path carries only the far end's replies:
#             the built-in responder answers, vnet hands the replies on
# At MTU 9000 native is refused (a frame must fit in one page) with one
# line; the others behave as at 1500 with 9000-byte pings.
#
# lo (namespace V, route to 198.18.1.2 through lo): the frames carry
# all-zero MAC addresses, so vnet answers nothing in any mode (each request
# counted in pass_bad_src); native is refused.
#
# This machine's kernel cannot load modules: the test runs itself in the QEMU
# guest (tests/vm/run.sh), or skips with the probed reason.

cd "$(dirname "$0")/.." || exit 1
. tests/vm/host-lib.sh

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root"
	exit 0
fi
if [ -z "${VNET_VM:-}" ]; then
	vm_guest_or_skip "vnet.ko needs a kernel that loads modules"
	exec tests/vm/run.sh tests/vm/host-e2e.sh "tests/$(basename "$0")"
fi

. tests/lib/vnet.sh
vnet_require ethtool
trap cleanup EXIT

KO=kmod/vnet.ko
N=10
[ -f "$KO" ] || bail_out "no $KO (run.sh builds it for the guest's kernel)"
lsmod | grep -q '^vnet ' && bail_out "vnet.ko is already loaded"
out=$(insmod "$KO" numdevs=1 2>&1) || bail_out "insmod $KO: $out"
VNET_T_CLEANUP_HOOKS+=("ip link del vnet0 2>/dev/null; rmmod vnet 2>/dev/null")

V=$(ns_name v)
ns_add "$V"
ip link set dev vnet0 netns "$V" &&
ip -n "$V" addr add 198.18.0.1/24 dev vnet0 &&
ip -n "$V" addr add 2001:db8::1/64 dev vnet0 nodad &&
ip -n "$V" link set dev vnet0 up ||
	bail_out "cannot move vnet0 into $V and configure it"
# Deleting the namespace would move vnet0 back, not delete it: first.
VNET_T_CLEANUP_HOOKS=("ip -n '$V' link del vnet0 2>/dev/null" "${VNET_T_CLEANUP_HOOKS[@]}")

# builtin NAME: the far end's counter NAME (ethtool -S).
builtin()
{
	nsexec "$V" ethtool -S vnet0 | awk -v k="$1:" '$1 == k { print $2 }'
}

plan 60

# mode_check MODE WHO S4 S6: N pings each way (S4, S6 data bytes) answered;
# WHO (vnet or builtin) answered them, the other did not.
mode_check()
{
	local mode=$1 who=$2 s4=$3 s6=$4 label b4 b6 got want

	label="vnet0, $mode, MTU $(ip -n "$V" -o link show dev vnet0 |
		sed -n 's/.* mtu \([0-9]*\) .*/\1/p')"
	b4=$(builtin builtin_echo4) b6=$(builtin builtin_echo6)
	attach_check "$label" "$V" vnet0 "$mode" --mode "$mode"
	ping_answered "$label: $N IPv4 pings of $s4 bytes answered" "$V" $N "${PING_VM[@]}" \
		-M do -s "$s4" 198.18.0.2
	ping_answered "$label: $N IPv6 pings of $s6 bytes answered" "$V" $N -6 \
		"${PING_VM[@]}" -M do -s "$s6" 2001:db8::2
	stats_read "$V" vnet0
	got="$(stats_field echo4) $(stats_field echo6) $(($(builtin builtin_echo4) - b4))"
	got+=" $(($(builtin builtin_echo6) - b6))"
	if [ "$who" = vnet ]; then
		want="$N $N 0 0"
	else
		want="0 0 $N $N"
	fi
	is "$got" "$want" "$label: answered by $who (echo4 echo6, then the far end's builtin_echo4 builtin_echo6)"
	detach_check "$label" "$V" vnet0 "$mode"
}

mode_check native vnet 56 56
mode_check loopback vnet 56 56
mode_check generic builtin 56 56
mode_check tc builtin 56 56

label="vnet0, native, MTU 9000"
ip -n "$V" link set dev vnet0 mtu 9000 || bail_out "vnet0 refuses MTU 9000"
vctl "$V" attach vnet0 --mode native
is "$RC|$OUT|$(wc -l <<<"$ERR")" "1||1" "$label: refused with one line: $ERR"
ok "$label: nothing left on vnet0" vnet_absent "$V" vnet0
mode_check loopback vnet 8972 8952
mode_check generic builtin 8972 8952
mode_check tc builtin 8972 8952
ip -n "$V" link set dev vnet0 mtu 1500

#
# lo.
#
ip -n "$V" addr add 198.18.1.1/32 dev lo &&
ip -n "$V" route add 198.18.1.2/32 dev lo src 198.18.1.1 ||
	bail_out "cannot route 198.18.1.2 through lo"
vctl "$V" attach lo --mode native
is "$RC|$OUT|$ERR" "1||vnetctl: lo: driver (unknown) does not support native XDP (try --mode generic or --mode tc)" \
	"lo, native: refused with one line"
for mode in generic tc loopback; do
	label="lo, $mode"
	attach_check "$label" "$V" lo $mode --mode $mode
	ping_unanswered "$label: IPv4 ping unanswered" "$V" "${PING_PROBE[@]}" 198.18.1.2
	stats_read "$V" lo
	is "$(stats_field echo4) $(stats_field pass_bad_src)" "0 3" \
		"$label: the requests' all-zero source MAC: pass_bad_src 3, echo4 0"
	detach_check "$label" "$V" lo $mode
done
