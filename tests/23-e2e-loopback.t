#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 23-e2e-loopback.t - loopback mode: a host pings through its own device.
#
# Namespace L has vl (198.18.0.1/24, 2001:db8::1/64), a veth whose peer vp
# sits, up and without addresses, in namespace P. With vnet attached to vl
# in loopback mode (TC egress), an echo request L sends out of vl is turned
# into the reply and put into vl's receive path, so ping in L itself gets
# its answers and nothing reaches the wire. The next hop's MAC comes either
# from a static neighbour entry (any unicast MAC: here vl's own) or, with
# `arp off`, from the kernel, which then uses the device's own address.
# Last, the same at MTU 9000.

. "$(dirname "$0")/lib/vnet.sh"
vnet_require
trap cleanup EXIT

N=20
plan 29

topo_loopback
ip -n "$L" addr add 198.18.0.1/24 dev vl &&
ip -n "$L" addr add 2001:db8::1/64 dev vl nodad &&
ip -n "$L" neigh replace 198.18.0.2 lladdr "$LMAC" dev vl nud permanent &&
ip -n "$L" neigh replace 2001:db8::2 lladdr "$LMAC" dev vl nud permanent ||
	bail_out "cannot configure $L/vl"
diag "L=$L/vl ($LMAC)  P=$P/vp"

vp_rx()
{
	ip -n "$P" -j -s link show dev vp | json_get '$d->[0]{stats64}{rx}{packets}'
}

#
# With static neighbour entries.
#
label="loopback, static neighbours"
probes_unanswered "$label" "$L" "before attach"

attach_check "$label" "$L" vl loopback --mode loopback
is "$(xdp_attached "$L" vl)|$(tc_attached "$L" vl ingress)|$(tc_attached "$L" vl egress)" \
	"||vnet_tc_loop handle=0x7e7 pref=2023 da id=$PROG" \
	"$label: the kernel shows only our egress filter on vl"

rx_before=$(vp_rx)
ping_answered "$label: $N IPv4 pings answered from the same namespace" "$L" $N \
	"${PING_FAST[@]}" 198.18.0.2
ping_answered "$label: $N IPv6 pings answered from the same namespace" "$L" $N -6 \
	"${PING_FAST[@]}" 2001:db8::2
rx_after=$(vp_rx)
cmp_ok "$((rx_after - rx_before))" '<' $N \
	"$label: the requests never reached the peer (vp received $((rx_after - rx_before)) frames)"

stats_read "$L" vl
cmp_ok "$(stats_field echo4)" == $N "$label: echo4 == $N"
cmp_ok "$(stats_field echo6)" == $N "$label: echo6 == $N"
cmp_ok "$(stats_field tx_packets)" == $((2 * N)) "$label: tx_packets == $((2 * N))"
map_dump "$MAP"
is "$(map_sum "$MAP" echo4) $(map_sum "$MAP" echo6) $(map_sum "$MAP" tx_packets) $(map_sum "$MAP" tx_bytes)" \
	"$N $N $((2 * N)) $((N * (PING4_FRAME + PING6_FRAME)))" \
	"$label: bpftool map dump id $MAP: echo4 echo6 tx_packets tx_bytes"

detach_check "$label" "$L" vl loopback
probes_unanswered "$label" "$L" "after detach"

#
# With `arp off` and no neighbour entries: the kernel resolves every
# neighbour on a NOARP device to the device's own address.
#
label="loopback, arp off"
ip -n "$L" neigh del 198.18.0.2 dev vl &&
ip -n "$L" neigh del 2001:db8::2 dev vl &&
ip -n "$L" link set dev vl arp off ||
	bail_out "cannot switch $L/vl to arp off"
ping_unanswered "$label: IPv4 ping unanswered before attach" "$L" "${PING_PROBE[@]}" 198.18.0.2
attach_check "$label" "$L" vl loopback --mode loopback
ping_answered "$label: $N IPv4 pings answered" "$L" $N "${PING_FAST[@]}" 198.18.0.2
ping_answered "$label: $N IPv6 pings answered" "$L" $N -6 "${PING_FAST[@]}" 2001:db8::2
stats_read "$L" vl
is "$(stats_field echo4) $(stats_field echo6) $(stats_field tx_packets)" "$N $N $((2 * N))" \
	"$label: echo4 echo6 tx_packets"
map_dump "$MAP"
is "$(map_sum "$MAP" echo4) $(map_sum "$MAP" echo6) $(map_sum "$MAP" tx_packets)" \
	"$N $N $((2 * N))" "$label: bpftool map dump id $MAP agrees"
detach_check "$label" "$L" vl loopback

#
# At MTU 9000: the reply is the request rewritten in place, whatever its
# size, and never leaves the host ("Where vnet runs" in README).
#
label="loopback, MTU 9000"
ip -n "$L" link set dev vl mtu 9000 &&
ip -n "$P" link set dev vp mtu 9000 ||
	bail_out "cannot set the MTU of $L/vl and $P/vp to 9000"
attach_check "$label" "$L" vl loopback --mode loopback
ping_answered "$label: $N IPv4 pings of 8972 bytes answered" "$L" $N \
	"${PING_FAST[@]}" -s 8972 -M do 198.18.0.2
ping_answered "$label: $N IPv6 pings of 8952 bytes answered" "$L" $N -6 \
	"${PING_FAST[@]}" -s 8952 -M do 2001:db8::2
stats_read "$L" vl
is "$(stats_field echo4) $(stats_field echo6) $(stats_field tx_bytes)" \
	"$N $N $((N * (14 + 9000 + 14 + 9000)))" "$label: echo4 echo6 tx_bytes (9014-byte frames)"
detach_check "$label" "$L" vl loopback
