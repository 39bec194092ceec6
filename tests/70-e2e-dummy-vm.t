#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 70-e2e-dummy-vm.t - vnet on a dummy device. A dummy's transmit frees every
# frame and nothing ever arrives on its receive path, so the only useful mode
# is loopback (tc egress, answered back into the device): the host pings an
# address behind dummy0 and gets its answers. `auto` must pick loopback there
# and say why under -v; native is refused with a line that names loopback;
# generic and tc attach with a warning and answer nothing.
#
# This machine's kernel has no dummy driver, Debian's has: where `ip link add
# type dummy` fails here, the test runs itself in the QEMU guest
# (tests/vm/run.sh, the newest guest kernel; VNET_VM_KERNEL picks another).
# With VNET_SKIP_VM=1, or no guest kernel, it skips with both probed reasons.
#
# Namespace D has dummy0 (198.18.0.1/24, 2001:db8::1/64). A dummy is NOARP:
# the kernel resolves every neighbour on it to dummy0's own MAC, so the
# requests to .2 and ::2 leave with that destination, which loopback mode
# accepts.

cd "$(dirname "$0")/.." || exit 1
. tests/vm/host-lib.sh

# Can this kernel make a dummy device? Prints the kernel's refusal if not.
dummy_probe()
{
	local ns="vnet-t-$$-probe" out rc

	ip netns add "$ns" 2>/dev/null || { echo "cannot create a network namespace"; return 1; }
	out=$(ip -n "$ns" link add vnet-probe type dummy 2>&1)
	rc=$?
	ip netns del "$ns"
	[ $rc = 0 ] || echo "${out:-ip link add type dummy failed}"
	return $rc
}

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root"
	exit 0
fi
if [ -n "${VNET_VM:-}" ]; then
	# The guest cannot autoload modules (tests/vm/host-e2e.sh says why).
	modprobe dummy 2>/dev/null
elif ! why=$(dummy_probe); then
	vm_guest_or_skip "no dummy driver here ($why)"
	echo "# no dummy driver in this kernel ($why): running in the $VM_KVER guest"
	exec tests/vm/run.sh tests/vm/host-e2e.sh "tests/$(basename "$0")"
fi

. tests/lib/vnet.sh
vnet_require
trap cleanup EXIT

why=$(dummy_probe) || bail_out "no dummy driver even here: $why"

N=20
FLOOD=2000
plan 49

D=$(ns_name d)
ns_add "$D"
ip -n "$D" link add dummy0 type dummy &&
ip -n "$D" link set dummy0 up &&
ip -n "$D" addr add 198.18.0.1/24 dev dummy0 &&
ip -n "$D" addr add 2001:db8::1/64 dev dummy0 nodad ||
	bail_out "cannot configure $D/dummy0"
DMAC=$(link_mac "$D" dummy0)
diag "D=$D/dummy0 ($DMAC, driver $(nsexec "$D" ethtool -i dummy0 2>/dev/null | sed -n 's/^driver: //p'))"

label="dummy, loopback"
probes_unanswered "$label" "$D" "before attach"

# auto: loopback, and -v says why.
vctl "$D" attach dummy0 -v
re='^dummy0: attached in loopback mode \(prog id ([0-9]+), map id ([0-9]+)\)$'
if [ "$RC" = 0 ] && [[ $OUT =~ $re ]]; then
	PROG=${BASH_REMATCH[1]}
	MAP=${BASH_REMATCH[2]}
	pass "$label: auto attaches in loopback mode: '$OUT'"
else
	PROG='' MAP=''
	not_ok "$label: auto attaches in loopback mode" "$(vctl_diag)"
fi
like "$ERR" "dummy0: auto: driver dummy receives nothing .*: loopback mode" \
	"$label: -v says why auto picked loopback"
is "$(xdp_attached "$D" dummy0)|$(tc_attached "$D" dummy0 ingress)|$(tc_attached "$D" dummy0 egress)" \
	"||vnet_tc_loop handle=0x7e7 pref=2023 da id=$PROG" \
	"$label: the kernel shows only our egress filter on dummy0"

ping_answered "$label: $N IPv4 pings answered" "$D" $N "${PING_VM[@]}" 198.18.0.2
ping_answered "$label: $N IPv6 pings answered" "$D" $N -6 "${PING_VM[@]}" 2001:db8::2
stats_read "$D" dummy0
is "$(stats_field mode) $(stats_field echo4) $(stats_field echo6) $(stats_field tx_packets)" \
	"loopback $N $N $((2 * N))" "$label: stats -j: mode echo4 echo6 tx_packets"
cmp_ok "$(stats_field tx_bytes)" == $((N * (PING4_FRAME + PING6_FRAME))) \
	"$label: stats -j: tx_bytes == $N * ($PING4_FRAME + $PING6_FRAME)"
vctl "$D" stats dummy0
is "$(awk '$1 == "echo4" || $1 == "echo6" || $1 == "tx_packets" { printf "%s=%s ", $1, $2 }' <<<"$OUT")" \
	"echo4=$N echo6=$N tx_packets=$((2 * N)) " "$label: stats (text) agrees"
map_dump "$MAP"
is "$(map_sum "$MAP" echo4) $(map_sum "$MAP" echo6) $(map_sum "$MAP" tx_packets)" \
	"$N $N $((2 * N))" "$label: bpftool map dump id $MAP: echo4 echo6 tx_packets"

# A flood, both families at once; ping -f waits for each reply, so loss
# here is vnet's.
declare -A fpid
for fam in 4 6; do
	dst=198.18.0.2
	[ $fam = 6 ] && dst=2001:db8::2
	nsexec "$D" ping -$fam -f -c $FLOOD -W 2 $dst >"$VNET_T_TMP/f$fam" 2>&1 &
	fpid[$fam]=$!
done
for fam in 4 6; do
	wait "${fpid[$fam]}"
	rc=$?
	PING_OUT=$(<"$VNET_T_TMP/f$fam")
	ping_parse $rc
	is "$PING_RC $PING_TX $PING_RX $PING_LOSS" "0 $FLOOD $FLOOD 0" \
		"$label: ping -$fam -f -c $FLOOD: exit, sent, received, loss%" || diag "$PING_OUT"
done
stats_read "$D" dummy0
is "$(stats_field echo4) $(stats_field echo6)" "$((N + FLOOD)) $((N + FLOOD))" \
	"$label: echo4 echo6 after the floods"

# MTU 9000: the largest echo requests the MTU allows, answered whole.
if ip -n "$D" link set dummy0 mtu 9000; then
	ping_answered "$label: MTU 9000: ping -s 8972 answered" "$D" 5 "${PING_VM[@]}" \
		-M do -s 8972 198.18.0.2
	ping_answered "$label: MTU 9000: ping -6 -s 8952 answered" "$D" 5 -6 "${PING_VM[@]}" \
		-M do -s 8952 2001:db8::2
	ip -n "$D" link set dummy0 mtu 1500
else
	skip "dummy0 refuses MTU 9000" 2
fi

# apply with `mode = auto` accepts the loopback attachment auto made.
printf 'mode = auto\n' >"$VNET_T_TMP/dummy0.conf"
vctl "$D" apply "$VNET_T_TMP/dummy0.conf"
is "$RC|$OUT" "0|dummy0: up to date (loopback mode, prog id $PROG)" \
	"$label: apply with mode = auto: up to date" || diag "$(vctl_diag)"

detach_check "$label" "$D" dummy0 loopback
probes_unanswered "$label" "$D" "after detach"

# Native: refused, in one line, with nothing left behind.
vctl "$D" attach dummy0 --mode native
is "$RC|$OUT|$ERR" \
	"1||vnetctl: dummy0: driver dummy does not support native XDP, and receives nothing anyway (use --mode loopback)" \
	"dummy, native: refused with one line" || diag "$(vctl_diag)"
ok "dummy, native: nothing left on dummy0" vnet_absent "$D" dummy0

# Generic and tc attach (a program could redirect frames into a dummy), but
# say that nothing will be answered, and nothing is.
for mode in generic tc; do
	label="dummy, $mode"
	attach_check "$label" "$D" dummy0 $mode --mode $mode
	is "$ERR" "vnetctl: warning: dummy0: driver dummy receives nothing, so $mode mode will answer nothing; --mode loopback answers the host's own requests" \
		"$label: the attach warns that nothing will be answered"
	ping_unanswered "$label: IPv4 ping unanswered" "$D" "${PING_PROBE[@]}" 198.18.0.2
	stats_read "$D" dummy0
	is "$(stats_field rx_packets)" 0 "$label: rx_packets == 0 (nothing arrives)"
	detach_check "$label" "$D" dummy0 $mode
done

# At MTU 9000 the same: the driver decides, not the MTU.
if ip -n "$D" link set dummy0 mtu 9000; then
	for mode in generic tc; do
		label="dummy, MTU 9000, $mode"
		attach_check "$label" "$D" dummy0 $mode --mode $mode
		is "$ERR" "vnetctl: warning: dummy0: driver dummy receives nothing, so $mode mode will answer nothing; --mode loopback answers the host's own requests" \
			"$label: the same warning"
		ping_unanswered "$label: an IPv4 ping of 8972 bytes unanswered" "$D" \
			"${PING_PROBE[@]}" -s 8972 198.18.0.2
		stats_read "$D" dummy0
		is "$(stats_field rx_packets)" 0 "$label: rx_packets == 0 (nothing arrives)"
		detach_check "$label" "$D" dummy0 $mode
	done
	vctl "$D" attach dummy0 --mode native
	is "$RC|$OUT|$ERR" \
		"1||vnetctl: dummy0: driver dummy does not support native XDP, and receives nothing anyway (use --mode loopback)" \
		"dummy, MTU 9000, native: refused with the same line" || diag "$(vctl_diag)"
	ok "dummy, MTU 9000, native: nothing left on dummy0" vnet_absent "$D" dummy0
	ip -n "$D" link set dummy0 mtu 1500
else
	skip "dummy0 refuses MTU 9000" 14
fi
