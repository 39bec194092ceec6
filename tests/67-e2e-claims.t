#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 67-e2e-claims.t - stepping aside (issue 15, part 6): a real host on the
# LAN claims an address inside vnet's prefixes, and vnet leaves it to that
# host until the claim is --claim-age old. Bad --claim-age and --seed
# values first: usage errors, one line.
#
# Topology: C's bridge br0 joins R/vr (vnet) and H/vh (the real host):
#
#   R/vr <-> C/vc --[br0: 198.18.0.1/16, 2001:db8:1::1/64]-- C/vch <-> H/vh
#
# The prefixes are 198.18.4.0/24 and 2001:db8:1::4:0/118; C's own addresses
# lie outside them. In native (xdp_pass on vc), generic and tc mode:
#   - before: 198.18.4.5 and 2001:db8:1::4:5 are vnet's (C's neighbour
#     entries point at vr's MAC, pings answered);
#   - H announces 198.18.4.5 (arping -U) and adds 2001:db8:1::4:5 with
#     duplicate address detection: vnet counts the claims, `respond list`
#     (and -j) shows both with H's MAC, and a claim only while its prefix
#     is there;
#   - pings from C to both answered by H alone: C's entries point at H's
#     MAC, vnet sends no ARP, ND or echo reply and counts C's ARP and NS in
#     pass_claimed, while 198.18.4.6 is still vnet's;
#   - H gives the addresses up; after the claim age `respond list`
#     shows no claim and vnet answers both again. (The age, 8 s, leaves
#     room for the claimed phase after the last announcement on a loaded
#     machine.)

. "$(dirname "$0")/lib/vnet.sh"
vnet_require arping
trap cleanup EXIT

AGE=8
V4=198.18.4.5
V6=2001:db8:1::4:5
V4_FREE=198.18.4.6
PER_MODE=25
MODES=("native 1" "generic 0" "tc 0")
plan $((3 * PER_MODE + 2 + 3))

topo_pair
fails_usage "--claim-age not a number" \
	"vnetctl: attach: invalid claim age 'x': 0 to 86400 seconds (see 'vnetctl attach --help')" \
	attach "$RIF" --claim-age x
fails_usage "--claim-age over a day" \
	"vnetctl: attach: invalid claim age '86401': 0 to 86400 seconds (see 'vnetctl attach --help')" \
	attach "$RIF" --claim-age 86401
fails_usage "--seed 0" "vnetctl: attach: invalid seed '0': 1 to 4294967295 (see 'vnetctl attach --help')" \
	attach "$RIF" --seed 0
H=$(ns_name h)
ns_add "$H"
veth_add "$C" vch "$H" vh
HMAC=$(link_mac "$H" vh)
[ -n "$HMAC" ] || bail_out "cannot read H's MAC"
BR=br0
ip -n "$C" link add "$BR" type bridge &&
ip -n "$C" link set vc master "$BR" &&
ip -n "$C" link set vch master "$BR" &&
ip -n "$C" link set "$BR" up &&
ip -n "$C" addr add 198.18.0.1/16 dev "$BR" &&
ip -n "$C" addr add 2001:db8:1::1/64 dev "$BR" nodad ||
	bail_out "cannot build C's bridge"
# H does duplicate address detection, once (ns_add turned it off).
ip netns exec "$H" sysctl -q -w net.ipv6.conf.vh.accept_dad=1 net.ipv6.conf.vh.dad_transmits=1 ||
	bail_out "cannot turn DAD on in H"
# Until the bridge's ports forward (no STP: at once, but make sure).
wait_until 5 eval "ip -n '$C' -o link show vch | grep -q 'state UP'"

stats_save() { stats_read "$R" "$RIF"; STATS_BEFORE=$STATS; }
# delta FIELD: FIELD's change since stats_save (reads the counters afresh).
delta()
{
	stats_read "$R" "$RIF"
	perl -MJSON::PP -e 'print decode_json($ARGV[1])->{$ARGV[2]} - decode_json($ARGV[0])->{$ARGV[2]}' \
		"$STATS_BEFORE" "$STATS" "$1"
}
# lladdr ADDR: the MAC of C's neighbour entry for ADDR.
lladdr() { ip -n "$C" neigh show "$1" dev "$BR" | sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p'; }
neigh_flush() { ip -n "$C" neigh flush dev "$BR"; ip -n "$C" -6 neigh flush dev "$BR"; return 0; }

# pinged_by NAME ADDR MAC: 3 pings answered, and C's entry for ADDR is MAC's. Two checks.
pinged_by()
{
	ping_answered "$1: ping $2 answered" "$C" 3 -i 0.2 -W 2 "$2"
	is "$(lladdr "$2")" "$3" "$1: C's neighbour entry for $2 is $4's"
}

run_mode()
{
	local mode=$1 peer=$2 label=$1 list

	[ "$peer" = 1 ] && label="$label, peer XDP" && peer_xdp_on "$label" "$C" vc
	neigh_flush
	attach_check "$label" "$R" "$RIF" "$mode" --mode "$mode" --respond 198.18.4.0/24 \
		--respond 2001:db8:1::4:0/118 --claim-age "$AGE"

	pinged_by "$label, before" "$V4" "$RMAC" vnet
	pinged_by "$label, before" "$V6" "$RMAC" vnet

	# H claims both.
	stats_save
	ip -n "$H" addr add "$V6/64" dev vh || bail_out "cannot add $V6 in H"
	wait_until 5 eval "! ip -n '$H' -6 addr show dev vh | grep -q tentative"
	ip -n "$H" addr add "$V4/16" dev vh || bail_out "cannot add $V4 in H"
	nsexec "$H" arping -q -U -c 2 -I vh "$V4"
	cmp_ok "$(delta claims)" '>=' 3 "$label: 2 ARP announcements and a DAD probe counted in claims"
	vctl "$R" respond "$RIF" list
	list=$OUT
	like "$list" "claimed $V4 by $HMAC [0-9.]+s ago" "$label: respond list shows $V4 claimed by H"
	like "$list" "claimed $V6 by $HMAC [0-9.]+s ago" "$label: respond list shows $V6 claimed by H"
	vctl "$R" respond "$RIF" list -j
	is "$(printf '%s' "$OUT" | json_get 'join " ", $d->{claim_age}, sort map { "$_->{address}=$_->{mac}" } @{$d->{claims}}')" \
		"$AGE $V4=$HMAC $V6=$HMAC" "$label: respond list -j: claim_age and both claims"

	# Answered by H alone.
	neigh_flush
	stats_save
	pinged_by "$label, claimed" "$V4" "$HMAC" H
	pinged_by "$label, claimed" "$V6" "$HMAC" H
	is "$(delta arp) $(delta nd) $(delta echo4) $(delta echo6)" "0 0 0 0" \
		"$label: vnet sent no ARP, ND or echo reply for the claimed addresses"
	cmp_ok "$(delta pass_claimed)" '>=' 2 "$label: C's ARP request and NS for them counted in pass_claimed"
	pinged_by "$label, unclaimed" "$V4_FREE" "$RMAC" vnet
	vctl "$R" respond "$RIF" del 2001:db8:1::4:0/118
	vctl "$R" respond "$RIF" list
	is "$(grep -c claimed <<<"$OUT") $(grep -c "$V6" <<<"$OUT")" "1 0" \
		"$label: with its prefix deleted, $V6's claim is not listed"
	vctl "$R" respond "$RIF" add 2001:db8:1::4:0/118

	# H goes; the claims age out.
	ip -n "$H" addr flush dev vh
	sleep $((AGE + 1))
	vctl "$R" respond "$RIF" list
	unlike "$OUT" "claimed" "$label: after ${AGE}s respond list shows no claim"
	neigh_flush
	pinged_by "$label, aged" "$V4" "$RMAC" vnet
	pinged_by "$label, aged" "$V6" "$RMAC" vnet

	detach_check "$label" "$R" "$RIF" "$mode"
	[ "$peer" = 1 ] && peer_xdp_off "$label" "$C" vc
	neigh_flush
	return 0
}

for m in "${MODES[@]}"; do
	# shellcheck disable=SC2086
	run_mode $m
done
