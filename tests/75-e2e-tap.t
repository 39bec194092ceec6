#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 75-e2e-tap.t - vnet on the tun driver's devices, with this script's own
# tests/vm/pkt.pl as the wire: it attaches to the device's file, writes echo
# requests into it (what the device receives) and prints what the device
# sends back.
#
# tap (Ethernet): native (the tun driver's own XDP, which runs on
# non-blocking writes), generic and tc answer v4 and v6 with valid replies,
# counted exactly; auto picks native; loopback answers the namespace's own
# pings. tun (layer 3, no Ethernet header): native is refused with one line;
# generic, tc and loopback attach and answer nothing, since there is no
# Ethernet header for vnet to read (every packet handed on). At MTU 9000:
# the tap answers 9014-byte frames in native, generic, tc and loopback
# mode; the tun, loopback included, as at 1500.

. "$(dirname "$0")/lib/vnet.sh"
vnet_require
trap cleanup EXIT

PKT=$VNET_ROOT/tests/vm/pkt.pl
N=20
[ -c /dev/net/tun ] || { echo "1..0 # SKIP no /dev/net/tun"; exit 0; }
plan 88

R=$(ns_name r)
ns_add "$R"
ns_no_ipv6 "$R"
ip -n "$R" tuntap add dev vt0 mode tap &&
ip -n "$R" tuntap add dev tn0 mode tun &&
ip -n "$R" link set dev vt0 up &&
ip -n "$R" link set dev tn0 up ||
	bail_out "cannot create tap vt0 and tun tn0 in $R"

# wire KIND IFACE FRAME: N frames written, the replies counted. Sets GOT
# ("replies=R other=O": R valid echo replies to what was sent).
wire()
{
	local out reply

	out=$(nsexec "$R" perl "$PKT" "$1" "$2" "$3" $N 2>&1)
	case $3 in
	echo4*) reply='^icmp4 type=0 code=0 id=2023 seq=1 csum=ok src=198.18.0.2 dst=198.18.0.1 len=' ;;
	echo6*) reply='^icmp6 type=129 code=0 id=2023 seq=1 csum=ok src=2001:0db8:(0000:){5}0002 dst=2001:0db8:(0000:){5}0001 len=' ;;
	esac
	GOT="replies=$(grep -cE "$reply" <<<"$out") other=$(grep -cvE "$reply|^$" <<<"$out")"
	WIRE_OUT=$out
}

wire_answered()
{
	wire "$@"
	is "$GOT" "replies=$N other=0" "$label: $N $3 written into $2, $N valid replies read back" ||
		diag "$(head -n 5 <<<"$WIRE_OUT")"
}

label="tap, before attach"
wire tap vt0 echo4
is "$GOT" "replies=0 other=0" "$label: nothing answers" || diag "$(head -n 5 <<<"$WIRE_OUT")"

# tap_modes LABEL SUFFIX FRAME4 FRAME6: N of each written in native, generic
# and tc mode, each answered, counted whole (FRAME4/6 bytes a reply).
tap_modes()
{
	local mode

	for mode in native generic tc; do
		label="$1$mode"
		attach_check "$label" "$R" vt0 $mode --mode $mode
		wire_answered tap vt0 "echo4$2"
		wire_answered tap vt0 "echo6$2"
		stats_read "$R" vt0
		is "$(stats_field echo4) $(stats_field echo6) $(stats_field tx_packets) $(stats_field tx_bytes)" \
			"$N $N $((2 * N)) $((N * ($3 + $4)))" \
			"$label: stats -j: echo4 echo6 tx_packets tx_bytes"
		map_dump "$MAP"
		is "$(map_sum "$MAP" echo4) $(map_sum "$MAP" echo6)" "$N $N" "$label: bpftool map dump agrees"
		detach_check "$label" "$R" vt0 $mode
	done
}

tap_modes "tap, " "" $PING4_FRAME $PING6_FRAME
# At MTU 9000: 9014-byte frames written, answered whole in every mode.
ip -n "$R" link set dev vt0 mtu 9000 || bail_out "cannot set $R/vt0's MTU to 9000"
tap_modes "tap, MTU 9000, " _jumbo 9014 9014
ip -n "$R" link set dev vt0 mtu 1500 || bail_out "cannot set $R/vt0's MTU back to 1500"

label="tap, auto"
vctl "$R" attach vt0 -v
is "$RC|$(sed -E 's/\(prog id [0-9]+, map id [0-9]+\)/(...)/' <<<"$OUT")" "0|vt0: attached in native mode (...)" \
	"$label: attaches in native mode" || diag "$(vctl_diag)"
like "$ERR" "vt0: auto: driver tun: trying native mode" "$label: -v says why"
wire_answered tap vt0 echo4
detach_check "$label" "$R" vt0 native

# loopback: the namespace's own pings out of vt0, answered back into it.
label="tap, loopback"
ip -n "$R" addr add 198.18.0.1/24 dev vt0 &&
ip -n "$R" neigh replace 198.18.0.2 lladdr "$(link_mac "$R" vt0)" dev vt0 nud permanent ||
	bail_out "cannot give $R/vt0 an address"
attach_check "$label" "$R" vt0 loopback --mode loopback
ping_answered "$label: $N IPv4 pings from $R itself answered" "$R" $N "${PING_FAST[@]}" 198.18.0.2
stats_read "$R" vt0
is "$(stats_field echo4) $(stats_field tx_packets)" "$N $N" "$label: stats -j: echo4 tx_packets"
detach_check "$label" "$R" vt0 loopback

label="tap, loopback, MTU 9000"
ip -n "$R" link set dev vt0 mtu 9000 || bail_out "cannot set $R/vt0's MTU to 9000"
attach_check "$label" "$R" vt0 loopback --mode loopback
ping_answered "$label: $N IPv4 pings of 8972 bytes from $R itself answered" "$R" $N \
	"${PING_FAST[@]}" -s 8972 -M do 198.18.0.2
detach_check "$label" "$R" vt0 loopback

label="tun (layer 3)"
vctl "$R" attach tn0 --mode native
is "$RC|$OUT|$ERR" "1||vnetctl: tn0: driver tun does not support native XDP (try --mode generic or --mode tc)" \
	"$label, native: refused with one line"
ok "$label, native: nothing left on tn0" vnet_absent "$R" tn0
for mode in generic tc; do
	attach_check "$label, $mode" "$R" tn0 $mode --mode $mode
	wire tun tn0 echo4
	is "$GOT" "replies=0 other=0" "$label, $mode: $N IPv4 echo requests written, none answered"
	stats_read "$R" tn0
	is "$(stats_field rx_packets) $(stats_field echo4) $(stats_field tx_packets)" "$N 0 0" \
		"$label, $mode: vnet saw $N packets and answered none (no Ethernet header)"
	detach_check "$label, $mode" "$R" tn0 $mode
done

# At MTU 9000 the same: no Ethernet header, whatever the size.
ip -n "$R" link set dev tn0 mtu 9000 || bail_out "cannot set $R/tn0's MTU to 9000"
for mode in generic tc; do
	attach_check "$label, MTU 9000, $mode" "$R" tn0 $mode --mode $mode
	wire tun tn0 echo4_jumbo
	is "$GOT" "replies=0 other=0" "$label, MTU 9000, $mode: $N 9000-byte requests written, none answered"
	detach_check "$label, MTU 9000, $mode" "$R" tn0 $mode
done
vctl "$R" attach tn0 --mode native
is "$RC|$ERR" "1|vnetctl: tn0: driver tun does not support native XDP (try --mode generic or --mode tc)" \
	"$label, MTU 9000, native: refused with the same line"
ip -n "$R" link set dev tn0 mtu 1500 || bail_out "cannot set $R/tn0's MTU back to 1500"

# loopback: what the namespace sends out of tn0 has no Ethernet header either.
ip -n "$R" addr add 198.18.1.1/24 dev tn0 || bail_out "cannot give $R/tn0 an address"
attach_check "$label, loopback" "$R" tn0 loopback --mode loopback
ping_unanswered "$label, loopback: IPv4 ping out of tn0 unanswered" "$R" "${PING_PROBE[@]}" 198.18.1.2
stats_read "$R" tn0
is "$(stats_field echo4) $(stats_field pass_non_ip)" "0 3" \
	"$label, loopback: the 3 requests handed on as not IP (pass_non_ip)"
detach_check "$label, loopback" "$R" tn0 loopback

ip -n "$R" link set dev tn0 mtu 9000 || bail_out "cannot set $R/tn0's MTU to 9000"
attach_check "$label, loopback, MTU 9000" "$R" tn0 loopback --mode loopback
ping_unanswered "$label, loopback, MTU 9000: an IPv4 ping of 8972 bytes out of tn0 unanswered" \
	"$R" "${PING_PROBE[@]}" -s 8972 198.18.1.2
stats_read "$R" tn0
is "$(stats_field echo4) $(stats_field pass_non_ip)" "0 3" \
	"$label, loopback, MTU 9000: the 3 requests handed on as not IP (pass_non_ip)"
detach_check "$label, loopback, MTU 9000" "$R" tn0 loopback
