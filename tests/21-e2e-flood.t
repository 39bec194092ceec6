#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 21-e2e-flood.t - ping -f: every one of 20000 requests answered, counted
# exactly once, IPv4 and IPv6, in auto mode (generic without and native with
# an XDP program on the peer) and in tc mode.
#
# A flood sends the next request as soon as a reply arrives, so it runs the
# reflector at the speed of one round trip: any lost, duplicated or
# double-counted frame shows in ping's summary or in the counters.

. "$(dirname "$0")/lib/vnet.sh"
vnet_require
trap cleanup EXIT

FLOOD=20000
RUNS=(
	"auto generic 0"
	"auto native 1"
	"tc tc 0"
)
total=0
for run in "${RUNS[@]}"; do
	read -r _ _ peer <<<"$run"
	total=$((total + 9 + 2 * peer))
done
plan $total

topo_reflector_client

# flood_answered NAME ARG...: ping -f -c FLOOD, 0% loss from ping's summary.
flood_answered()
{
	local name=$1

	shift
	ping_answered "$name" "$C" $FLOOD -f -w 30 "$@"
	diag "$(printf '%s\n' "$PING_OUT" | grep -E 'transmitted|rtt')"
}

for run in "${RUNS[@]}"; do
	read -r req want peer <<<"$run"
	label=$req
	[ "$req" = "$want" ] || label="$req->$want"
	[ "$peer" = 1 ] && label="$label, peer XDP" && peer_xdp_on "$label" "$C" "$CIF"

	if [ "$req" = auto ]; then
		attach_check "$label" "$R" "$RIF" "$want"
	else
		attach_check "$label" "$R" "$RIF" "$want" --mode "$req"
	fi
	flood_answered "$label: ping -f -c $FLOOD, 0% loss" 198.18.0.2
	flood_answered "$label: ping -6 -f -c $FLOOD, 0% loss" -6 2001:db8::2

	stats_read "$R" "$RIF"
	cmp_ok "$(stats_field echo4)" == $FLOOD "$label: echo4 == $FLOOD"
	cmp_ok "$(stats_field echo6)" == $FLOOD "$label: echo6 == $FLOOD"
	cmp_ok "$(stats_field tx_packets)" == $((2 * FLOOD)) "$label: tx_packets == $((2 * FLOOD))"
	map_dump "$MAP"
	is "$(map_sum "$MAP" echo4) $(map_sum "$MAP" echo6) $(map_sum "$MAP" tx_packets)" \
		"$FLOOD $FLOOD $((2 * FLOOD))" \
		"$label: bpftool map dump id $MAP agrees: echo4 echo6 tx_packets"

	detach_check "$label" "$R" "$RIF" "$want"
	[ "$peer" = 1 ] && peer_xdp_off "$label" "$C" "$CIF"
done
