#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 25-e2e-nonlinear.t - echo requests in non-linear skbs are answered.
#
# A packet socket with a PACKET_TX_RING (tests/tools/rawping -r) makes the
# kernel build skbs whose linear part is only the 14-byte Ethernet header;
# IP and ICMP headers stay in the ring's pages (tpacket_fill_skb). veth
# passes such skbs on as they are, so vnet_tc_ingress on R, and
# vnet_tc_loop on the sending device itself, get them non-linear and must
# pull the headers before parsing. (Checked when this test was written: the
# same program without its bpf_skb_pull_data() answers none of them and
# counts every one in pass_truncated.) XDP modes get them linearised by the
# kernel; they run too, as a reference.

. "$(dirname "$0")/lib/vnet.sh"
vnet_require
trap cleanup EXIT

N=1000
MODES=("tc tc 0" "generic generic 0" "native native 1")
plan $((3 * 9 + 2 + 6))

topo_reflector_client

# ring_answered NS IF DSTMAC NAME ARG...: N requests through the TX ring.
ring_answered()
{
	rawping_answered "$@" -r -w 3
}

for run in "${MODES[@]}"; do
	mode_begin "$run" "TX ring"

	ring_answered "$C" "$CIF" "$RMAC" "$label: $N ICMP echo (1000 data bytes) answered" -l 1000
	ring_answered "$C" "$CIF" "$RMAC" "$label: $N ICMPv6 echo (1000 data bytes) answered" \
		-6 -l 1000
	ring_answered "$C" "$CIF" "$RMAC" "$label: $N ICMP echo under QinQ tags answered" \
		-l 1000 -V 88a8:200 -V 8100:100
	ring_answered "$C" "$CIF" "$RMAC" "$label: $N ICMP echo without data (42-byte frames) answered" \
		-l 0
	stats_read "$R" "$RIF"
	is "$(stats_field echo4) $(stats_field echo6) $(stats_field tx_packets) $(stats_field pass_truncated)" \
		"$((3 * N)) $N $((4 * N)) 0" "$label: echo4 echo6 tx_packets pass_truncated"
	map_dump "$MAP"
	is "$(map_sum "$MAP" echo4) $(map_sum "$MAP" echo6) $(map_sum "$MAP" tx_packets)" \
		"$((3 * N)) $N $((4 * N))" "$label: bpftool map dump id $MAP agrees"

	mode_end
done

# Loopback: the TX-ring skb meets vnet_tc_loop at vl's own egress.
topo_loopback
label="TX ring, loopback"
attach_check "$label" "$L" vl loopback --mode loopback
ring_answered "$L" vl "$LMAC" "$label: $N ICMP echo (1000 data bytes) answered" -l 1000
ring_answered "$L" vl "$LMAC" "$label: $N ICMPv6 echo (1000 data bytes) answered" -6 -l 1000
stats_read "$L" vl
is "$(stats_field echo4) $(stats_field echo6) $(stats_field pass_truncated)" "$N $N 0" \
	"$label: echo4 echo6 pass_truncated"
detach_check "$label" "$L" vl loopback
