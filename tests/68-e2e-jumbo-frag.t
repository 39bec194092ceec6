#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 68-e2e-jumbo-frag.t - fragmented pings at MTU 1500 and jumbo pings at MTU
# 9000, answered in native, generic and tc mode (bpf/frag.h, issue 14).
#
# Topology (tests/lib/netns.sh): R/vr <-> C/vc as in 20-e2e-modes.t; for
# native, xdp_pass's multi-buffer twin on vc (veth hands native XDP_TX only
# to a peer with XDP, and at MTU 9000 only one declaring frags). Per mode:
#   - MTU 1500: ping -s 3000 and ping -6 -s 3000 (three fragments each
#     way), all answered, the replies reassembled and checksums verified by
#     ping itself;
#   - crafted fragments (tests/lib/fragprobe.pl), v4 and v6: in order all
#     reflected; a later fragment ahead of its first handed on; one
#     overlapping the first handed on; the rest of a tiny first fragment
#     handed on; every reflection byte for byte;
#   - the counters exactly: echo4/6 (first fragments), frag4/6, pass_fragment;
#   - MTU 9000 on both ends: ping -s 8972 -M do, ping -6 -s 8952 -M do, all
#     answered, tx_bytes exactly the jumbo replies;
#   - detach leaves nothing.
# And: native XDP at MTU 9000 without multi-buffer support (VNET_XDP_FRAGS=0,
# as on a kernel before 5.18) is refused by veth (veth_xdp_set: one page
# less headroom, about 3500 bytes): one line on stderr, nothing attached.

. "$(dirname "$0")/lib/vnet.sh"
vnet_require
trap cleanup EXIT

N=5
PROBE="$VNET_ROOT/tests/lib/fragprobe.pl"
CHECKS_PER_MODE=18
MODES=(native generic tc)
plan $((${#MODES[@]} * CHECKS_PER_MODE + 5))

topo_reflector_client
diag "R=$R/$RIF ($RMAC)  C=$C/$CIF ($CMAC)"

mtu()
{
	ip -n "$R" link set dev "$RIF" mtu "$1" && ip -n "$C" link set dev "$CIF" mtu "$1"
}

# ping_checked NAME ARG...: N requests, N intact replies (ping verifies
# their checksums and data), no loss; one check.
ping_checked()
{
	local name=$1

	shift
	ping_run "$C" -c $N "$@"
	if [ "$PING_RC" = 0 ] && [ "$PING_TX" = $N ] && [ "$PING_RX" = $N ] &&
	   [ "$PING_DUP" = 0 ] && [ "$PING_ERR" = 0 ] && [ "$PING_LOSS" = 0 ] &&
	   [[ $PING_OUT != *"BAD CHECKSUM"* && $PING_OUT != *"wrong data"* ]]; then
		pass "$name"
	else
		not_ok "$name" "ping -c $N $*: exit $PING_RC" "$(printf '%s\n' "$PING_OUT" | tail -n 4)"
	fi
}

# probe NAME FAMILY SCENARIO ID WANT: fragprobe.pl prints exactly WANT.
probe()
{
	local name=$1 fam=$2 scen=$3 id=$4 want=$5 src=198.18.0.1 dst=198.18.0.2 out

	[ "$fam" = 6 ] && src=2001:db8::1 dst=2001:db8::2
	out=$(nsexec "$C" perl "$PROBE" "$CIF" "$fam" "$scen" "$src" "$dst" "$RMAC" "$id" 2>&1)
	is "$out" "$want" "$name"
}

run_mode()
{
	local mode=$1 id=$2 tx0 fam

	mtu 1500 || bail_out "cannot set the MTU to 1500"
	if [ "$mode" = native ]; then
		ip -n "$C" link set dev "$CIF" xdpdrv obj "$XDP_PASS_OBJ" sec xdp.frags ||
			bail_out "cannot put xdp_pass (frags) on $C/$CIF"
	fi
	attach_check "$mode" "$R" "$RIF" "$mode" --mode "$mode"

	ping_checked "$mode: $N pings of 3000 bytes (3 fragments each way) answered" \
		"${PING_FAST[@]}" -s 3000 198.18.0.2
	ping_checked "$mode: $N IPv6 pings of 3000 bytes answered" \
		-6 "${PING_FAST[@]}" -s 3000 2001:db8::2
	for fam in 4 6; do
		probe "$mode: v$fam fragments in order, all reflected" $fam inorder $((id + 1)) \
			"sent 3 reflected 3 bad 0"
		probe "$mode: v$fam last and middle before the first: handed on, the last again reflected" \
			$fam reorder $((id + 2)) "sent 4 reflected 2 bad 0"
		probe "$mode: v$fam fragment overlapping the first: handed on" $fam overlap \
			$((id + 3)) "sent 4 reflected 3 bad 0"
		probe "$mode: v$fam tiny first fragment and the rest: handed on" $fam tiny \
			$((id + 4)) "sent 3 reflected 0 bad 0"
	done

	# Each family: N pings of 3 + in order 3 + reorder 2 + overlap 3;
	# first fragments answered N + 3; handed on: reorder 2, overlap 1, tiny 3.
	stats_read "$R" "$RIF"
	is "$(stats_field echo4) $(stats_field echo6) $(stats_field frag4) $(stats_field frag6) $(stats_field pass_fragment)" \
		"$((N + 3)) $((N + 3)) $((3 * N + 8)) $((3 * N + 8)) 12" \
		"$mode: echo4 echo6 frag4 frag6 pass_fragment exactly"
	tx0=$(stats_field tx_bytes)

	mtu 9000 || bail_out "cannot set the MTU to 9000"
	ping_checked "$mode: MTU 9000: $N pings of 8972 bytes (-M do) answered" \
		"${PING_FAST[@]}" -M do -s 8972 198.18.0.2
	ping_checked "$mode: MTU 9000: $N IPv6 pings of 8952 bytes (-M do) answered" \
		-6 "${PING_FAST[@]}" -M do -s 8952 2001:db8::2
	stats_read "$R" "$RIF"
	is "$(stats_field echo4) $(stats_field echo6) $(($(stats_field tx_bytes) - tx0)) $(stats_field pass_multibuf)" \
		"$((2 * N + 3)) $((2 * N + 3)) $((2 * N * 9014)) 0" \
		"$mode: MTU 9000: echo4, echo6, tx_bytes of the 9014-byte replies exactly"
	is "$(stats_consistent)" consistent "$mode: rx_packets == tx_packets + pass == tx + sum(pass_*)"

	detach_check "$mode" "$R" "$RIF" "$mode"
	if [ "$mode" = native ]; then
		ip -n "$C" link set dev "$CIF" xdpdrv off
	fi
}

id=1000
for mode in "${MODES[@]}"; do
	run_mode "$mode" $id
	id=$((id + 10))
done

# Native XDP without frags at MTU 9000: veth's limit, said in one line.
mtu 9000 || bail_out "cannot set the MTU to 9000"
VNET_XDP_FRAGS=0 vctl "$R" attach "$RIF" --mode native
if [ "$RC" = 1 ] && [ -z "$OUT" ] && [ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ] &&
   [[ $ERR == *"native XDP does not take this MTU without multi-buffer support"*"--mode generic"* ]]; then
	pass "native without frags at MTU 9000: exit 1, one line saying the limit and what to do"
else
	not_ok "native without frags at MTU 9000: exit 1, one line saying the limit and what to do" \
		"$(vctl_diag)"
fi
ok "native without frags at MTU 9000: nothing left on $RIF" vnet_absent "$R" "$RIF"
VNET_XDP_FRAGS=0 vctl "$R" -v attach "$RIF"
like "$OUT" "^$RIF: attached in generic mode" "auto without frags at MTU 9000: generic"
detach_check "auto without frags" "$R" "$RIF" generic
