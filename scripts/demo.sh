#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# demo.sh - vnet in half a minute (`make demo`, as root, after `make all`).
#
# Two throw-away network namespaces joined by a veth pair: a reflector with
# no IP address at all, and a client whose neighbour table points the
# reflector's addresses at its MAC. Only vnet can answer the client's
# pings. The demo attaches vnet in auto mode, floods it with ping -f while
# `vnetctl stats --watch` shows the rates live, then sums up what ping and
# the counters saw, shows the raw per-CPU map as bpftool dumps it, and
# removes everything again (also on Ctrl-C or error).
set -u

cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
VNETCTL=$ROOT/user/vnetctl
XDP_PASS=$ROOT/.output/xdp_pass.bpf.o
FLOOD=${FLOOD:-500000}		# requests; the flood also stops after 20 s
R=vnet-demo-$$-r
C=vnet-demo-$$-c
TMP=$(mktemp -d "/tmp/vnet-demo-$$.XXXXXX") || exit 1
WATCH_PID=

bold='' plain=''
if [ -t 1 ]; then
	bold=$(tput bold 2>/dev/null) plain=$(tput sgr0 2>/dev/null)
fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
run() { printf '%s$ %s%s\n' "$bold" "$*" "$plain"; "$@"; }
die() { echo "demo: $*" >&2; exit 1; }

cleanup()
{
	local rc=$?

	trap - EXIT INT TERM
	[ -n "$WATCH_PID" ] && kill -INT "$WATCH_PID" 2>/dev/null && wait "$WATCH_PID" 2>/dev/null
	# Deleting the namespaces destroys the veth pair and with it every
	# program attached to it; nothing else was created.
	ip netns del "$R" 2>/dev/null
	ip netns del "$C" 2>/dev/null
	rm -rf "$TMP"
	[ $rc -eq 0 ] && step "Cleaned up: namespaces $R and $C are gone." ||
		echo "demo: cleaned up after a failure" >&2
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, BPF): sudo make demo"
[ -x "$VNETCTL" ] && [ -f "$XDP_PASS" ] || die "build first: make all"
for t in ip ping bpftool timeout; do
	command -v $t >/dev/null || die "$t is missing: scripts/deps.sh installs it"
done

step "Creating namespaces $R (reflector) and $C (client), a veth pair between them"
ip netns add "$R" && ip netns add "$C" || die "cannot create namespaces"
ip -n "$R" link add vr type veth peer name vc netns "$C" || die "cannot create the veth pair"
ip netns exec "$R" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 >/dev/null
ip netns exec "$C" sysctl -q -w net.ipv6.conf.vc.accept_dad=0 >/dev/null
ip -n "$R" link set vr up && ip -n "$C" link set vc up || die "cannot bring the veth up"
RMAC=$(ip -n "$R" -o link show dev vr | sed -n 's/.*link\/ether \([0-9a-f:]*\) .*/\1/p')
ip -n "$C" addr add 198.18.0.1/24 dev vc
ip -n "$C" addr add 2001:db8::1/64 dev vc nodad
# Static neighbours: the client sends to the reflector's MAC without
# asking; the reflector has no address and would never answer ARP or NDP.
ip -n "$C" neigh replace 198.18.0.2 lladdr "$RMAC" dev vc nud permanent
ip -n "$C" neigh replace 2001:db8::2 lladdr "$RMAC" dev vc nud permanent
echo "  $R/vr ($RMAC): no IP address   <-- veth -->   $C/vc: 198.18.0.1/24, 2001:db8::1/64"

step "Without vnet, nobody answers 198.18.0.2"
ip netns exec "$C" ping -c 2 -i 0.2 -W 1 198.18.0.2 | grep transmitted

step "The client's veth gets a do-nothing XDP program: veth delivers native XDP_TX frames only to a peer that has one"
run ip -n "$C" link set dev vc xdpdrv obj "$XDP_PASS" sec xdp || die "cannot attach xdp_pass"

step "Attaching vnet to the reflector's veth in auto mode (-v says why it picks a mode)"
run ip netns exec "$R" "$VNETCTL" -v attach vr 2>&1 || die "vnetctl attach failed"
run ip netns exec "$R" "$VNETCTL" status
MAP=$(ip netns exec "$R" "$VNETCTL" stats vr -j | sed -n 's/.*"map_id": *\([0-9]*\).*/\1/p')

step "A few ordinary pings, IPv4 and IPv6"
run ip netns exec "$C" ping -c 3 -i 0.2 -W 1 198.18.0.2
run ip netns exec "$C" ping -6 -c 3 -i 0.2 -W 1 2001:db8::2

step "Flood: ping -f -c $FLOOD (at most 20 s), counters live from vnetctl stats --watch"
# Not under timeout(1): it would hand our SIGINT to the watch twice. The
# count bounds it; SIGINT after the flood makes it print its summary.
ip netns exec "$R" "$VNETCTL" stats vr --watch 1 --count 30 &
WATCH_PID=$!
sleep 0.5
timeout 30 ip netns exec "$C" ping -f -q -c "$FLOOD" -w 20 198.18.0.2 >"$TMP/ping" 2>&1
ping_rc=$?
sleep 0.3
kill -INT "$WATCH_PID" 2>/dev/null
wait "$WATCH_PID" 2>/dev/null
WATCH_PID=

step "Summary"
summary=$(grep -E 'packets transmitted' "$TMP/ping")
rtt=$(grep -E '^rtt' "$TMP/ping")
re='([0-9]+) packets transmitted, ([0-9]+) received.* ([0-9.]+)% packet loss, time ([0-9]+)ms'
if [[ $summary =~ $re ]]; then
	tx=${BASH_REMATCH[1]} rx=${BASH_REMATCH[2]} loss=${BASH_REMATCH[3]} ms=${BASH_REMATCH[4]}
	printf '  requests sent   %s\n' "$tx"
	printf '  replies         %s\n' "$rx"
	printf '  loss            %s%%\n' "$loss"
	printf '  duration        %s ms\n' "$ms"
	[ "$ms" -gt 0 ] && printf '  rate            %s requests/s\n' $((tx * 1000 / ms))
else
	echo "  ping did not finish normally (exit $ping_rc):"
	sed 's/^/    /' "$TMP/ping"
fi
if [[ $rtt =~ =\ ([0-9.]+)/([0-9.]+)/([0-9.]+)/ ]]; then
	printf '  rtt min/avg/max %s / %s / %s ms\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" \
		"${BASH_REMATCH[3]}"
fi
echo
echo "  The reflector's counters, summed over CPUs (echo4/echo6 include the 3 + 3 pings before the flood):"
ip netns exec "$R" "$VNETCTL" stats vr | sed 's/^/    /'

step "The same counters, per CPU, straight from the kernel: bpftool map dump id $MAP (excerpt)"
bpftool map dump id "$MAP" | grep -E '"cpu"|"(rx_packets|echo4|echo6|tx_packets|pass)"' |
	sed 's/^ */    /'

step "vnetctl bench for 3 s: vnet at its real rate, every reply accounted for (ping -f waits for each reply)"
# The bench puts its own sink on vc: xdp_pass makes room for it.
ip -n "$C" link set dev vc xdpdrv off
timeout 30 ip netns exec "$C" "$VNETCTL" bench vc --dst 198.18.0.2 -d 3 2>&1 | sed 's/^/  /'
bench_rc=${PIPESTATUS[0]}
[ "$bench_rc" -eq 0 ] || die "vnetctl bench failed (exit $bench_rc)"

step "Detaching"
run ip netns exec "$R" "$VNETCTL" detach vr
ip -n "$R" -d link show dev vr | grep -q 'prog/xdp' && die "an XDP program is still on vr"
echo "  vr has no XDP program any more"
[ "$ping_rc" -eq 0 ]
