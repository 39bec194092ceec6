#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 22-e2e-vlan.t - echo requests on a VLAN, and on QinQ, are answered on the
# same VLAN(s), with vnet on R's plain veth, in generic, tc and native mode.
#
# Two ways to put tags on the wire from C:
#   1. tests/tools/rawping -V TPID:VID: the tags are in the frame itself,
#      as a trunk port delivers them; rawping checks the reply carries the
#      very same tags. Always runs. Also: three tags are one too many for
#      the program (pass_vlan_depth), in every mode: before TC ingress runs,
#      the kernel (skb_vlan_untag) has moved the outermost tag into skb
#      metadata, and the TC program counts that one too.
#   2. 802.1Q devices on C (vc.100, and vc.200.100 for 802.1ad + 802.1Q)
#      and iputils ping. Needs CONFIG_VLAN_8021Q; skipped, with the kernel's
#      error, where `ip link add ... type vlan` fails (as on this project's
#      build machine: tests/62-e2e-vlan-vm.t runs this file in the QEMU
#      guest, whose Debian kernel has them). With a VLAN device, veth's TX
#      VLAN offload keeps the outer tag in skb metadata instead of the
#      frame; native runs once with C's txvlan offload off (tags in the
#      frame) and once with it on (tag in metadata: veth puts it back into
#      the frame before its XDP program runs, as Debian's 6.1 shows).

. "$(dirname "$0")/lib/vnet.sh"
vnet_require ethtool
trap cleanup EXIT

N=50
DOT1Q=8100
DOT1AD=88a8
MODES=("generic generic 0" "tc tc 0" "native native 1")
RAW_CHECKS=12
DEV_CHECKS=8

topo_reflector_client
# Whether part 2 can run decides the plan: one skip line if not.
vlan_err=$(ip -n "$C" link add link "$CIF" name "$CIF.100" type vlan id 100 2>&1)
vlan_ok=$?
if [ $vlan_ok -eq 0 ]; then
	plan $((3 * RAW_CHECKS + 2 + 3 * DEV_CHECKS + 2 + 1))
else
	plan $((3 * RAW_CHECKS + 2 + 1))
fi

# raw_answered NAME ARG...: N requests from C, N valid replies.
raw_answered()
{
	rawping_answered "$C" "$CIF" "$RMAC" "$@" -w 2
}

#
# Part 1: tags in the frame, from a packet socket.
#
for run in "${MODES[@]}"; do
	mode_begin "$run" "raw tags"

	raw_answered "$label: $N ICMP echo on 802.1Q VLAN 100 answered, same tag" \
		-V $DOT1Q:100
	raw_answered "$label: $N ICMPv6 echo on 802.1Q VLAN 100 answered, same tag" \
		-6 -V $DOT1Q:100
	raw_answered "$label: $N ICMP echo on QinQ 802.1ad 200 + 802.1Q 100 answered, same tags" \
		-V $DOT1AD:200 -V $DOT1Q:100
	raw_answered "$label: $N ICMPv6 echo on QinQ 802.1ad 200 + 802.1Q 100 answered, same tags" \
		-6 -V $DOT1AD:200 -V $DOT1Q:100
	stats_read "$R" "$RIF"
	cmp_ok "$(stats_field echo4)" == $((2 * N)) "$label: echo4 == $((2 * N))"
	cmp_ok "$(stats_field echo6)" == $((2 * N)) "$label: echo6 == $((2 * N))"
	cmp_ok "$(stats_field tx_packets)" == $((4 * N)) "$label: tx_packets == $((4 * N))"

	# Three tags: more than the program parses, handed on unanswered.
	# (In tc mode the outermost is in skb metadata: still counted.)
	out=$(nsexec "$C" "$TOOLS/rawping" -i "$CIF" -d "$RMAC" -n $N -w 1 \
	      -V $DOT1Q:1 -V $DOT1Q:2 -V $DOT1Q:3 2>&1)
	is "$out" "sent $N replies 0 bad 0" "$label: $N requests under three tags go unanswered"
	stats_read "$R" "$RIF"
	cmp_ok "$(stats_field pass_vlan_depth)" == $N "$label: pass_vlan_depth == $N"

	mode_end
done

#
# Part 2: 802.1Q devices on C and iputils ping.
#
if [ $vlan_ok -ne 0 ]; then
	skip "part 2: this kernel cannot create VLAN devices (CONFIG_VLAN_8021Q): ip link add type vlan: $vlan_err"
	exit 0
fi
ip -n "$C" link add link "$CIF" name "$CIF.200" type vlan proto 802.1ad id 200 &&
ip -n "$C" link add link "$CIF.200" name "$CIF.200.100" type vlan id 100 &&
ip -n "$C" link set "$CIF.100" up && ip -n "$C" link set "$CIF.200" up &&
ip -n "$C" link set "$CIF.200.100" up &&
ip -n "$C" addr add 198.18.1.1/24 dev "$CIF.100" &&
ip -n "$C" addr add 2001:db8:1::1/64 dev "$CIF.100" nodad &&
ip -n "$C" addr add 198.18.2.1/24 dev "$CIF.200.100" &&
ip -n "$C" addr add 2001:db8:2::1/64 dev "$CIF.200.100" nodad &&
ip -n "$C" neigh replace 198.18.1.2 lladdr "$RMAC" dev "$CIF.100" nud permanent &&
ip -n "$C" neigh replace 2001:db8:1::2 lladdr "$RMAC" dev "$CIF.100" nud permanent &&
ip -n "$C" neigh replace 198.18.2.2 lladdr "$RMAC" dev "$CIF.200.100" nud permanent &&
ip -n "$C" neigh replace 2001:db8:2::2 lladdr "$RMAC" dev "$CIF.200.100" nud permanent ||
	bail_out "cannot set up the VLAN devices on the client"

for run in "${MODES[@]}"; do
	read -r req want peer <<<"$run"
	label="VLAN device, $want"
	if [ "$peer" = 1 ]; then
		peer_xdp_on "$label" "$C" "$CIF"
		# Tags in the frame: see the header comment.
		nsexec "$C" ethtool -K "$CIF" txvlan off tx-vlan-stag-hw-insert off >/dev/null 2>&1
		label="$label, client txvlan off"
	fi
	attach_check "$label" "$R" "$RIF" "$want" --mode "$req"
	ping_answered "$label: $N IPv4 pings on VLAN 100" "$C" $N "${PING_FAST[@]}" 198.18.1.2
	ping_answered "$label: $N IPv6 pings on VLAN 100" "$C" $N -6 "${PING_FAST[@]}" 2001:db8:1::2
	ping_answered "$label: $N IPv4 pings on QinQ 200/100" "$C" $N "${PING_FAST[@]}" 198.18.2.2
	ping_answered "$label: $N IPv6 pings on QinQ 200/100" "$C" $N -6 "${PING_FAST[@]}" 2001:db8:2::2
	stats_read "$R" "$RIF"
	is "$(stats_field echo4) $(stats_field echo6)" "$((2 * N)) $((2 * N))" \
		"$label: echo4 and echo6 == $((2 * N))"
	if [ "$peer" = 1 ]; then
		nsexec "$C" ethtool -K "$CIF" txvlan on tx-vlan-stag-hw-insert on >/dev/null 2>&1
		ping_answered "$want, client txvlan on: IPv4 pings on VLAN 100" "$C" 3 \
			"${PING_FAST[@]}" 198.18.1.2
	fi
	detach_check "$label" "$R" "$RIF" "$want"
	[ "$peer" = 1 ] && peer_xdp_off "$label" "$C" "$CIF"
done
