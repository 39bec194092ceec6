#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 20-e2e-modes.t - vnetctl attach/stats/detach in every reflecting mode.
#
# Topology (tests/lib/netns.sh): R/vr <-> C/vc, R without any address, C
# with static neighbours for 198.18.0.2 and 2001:db8::2 pointing at vr, so
# only the program on vr can answer C's pings. For each mode:
#   - before attach C's pings go unanswered;
#   - attach prints its line and the kernel (ip -d link / tc filter) shows
#     our program in that mode;
#   - N IPv4 and N IPv6 pings are all answered, and the counters agree
#     exactly with what was sent, read both by vnetctl and by bpftool from
#     the map id vnetctl names;
#   - detach leaves nothing behind (program and map freed) and the pings go
#     unanswered again.
# native needs an XDP program on the peer (veth hands XDP_TX frames only to
# a peer that has one): xdp_pass.bpf.o goes on vc for those runs. auto must
# pick generic without it and native with it.

. "$(dirname "$0")/lib/vnet.sh"
vnet_require
trap cleanup EXIT

N=20
CHECKS_PER_MODE=23

# Runs: requested mode, mode attach must report, 1 if vc gets xdp_pass.
RUNS=(
	"native native 1"
	"generic generic 0"
	"tc tc 0"
	"auto generic 0"
	"auto native 1"
)
total=0
for run in "${RUNS[@]}"; do
	read -r _ _ peer <<<"$run"
	total=$((total + CHECKS_PER_MODE + 2 * peer))
done
plan $total

topo_reflector_client
diag "R=$R/$RIF ($RMAC)  C=$C/$CIF ($CMAC)"

# The kernel's own view of a vnet attachment in MODE, as one string.
kernel_view()
{
	local mode=$1

	case $mode in
	tc) echo "$(tc_attached "$R" "$RIF" ingress)" \
		 "egress:[$(tc_attached "$R" "$RIF" egress)]" ;;
	*) xdp_attached "$R" "$RIF" ;;
	esac
}

expected_view()
{
	local mode=$1 prog=$2

	case $mode in
	tc) echo "vnet_tc_ingress handle=0x7e7 pref=2023 da id=$prog egress:[]" ;;
	*) echo "vnet_xdp $mode id=$prog" ;;
	esac
}

run_mode()
{
	local req=$1 want=$2 peer=$3 label prog map

	label="$req"
	[ "$req" = "$want" ] || label="$req->$want"
	[ "$peer" = 1 ] && label="$label, peer XDP"

	[ "$peer" = 1 ] && peer_xdp_on "$label" "$C" "$CIF"

	probes_unanswered "$label" "$C" "before attach"

	if [ "$req" = auto ]; then
		attach_check "$label" "$R" "$RIF" "$want"
	else
		attach_check "$label" "$R" "$RIF" "$want" --mode "$req"
	fi
	prog=$PROG map=$MAP
	is "$ERR" "" "$label: attach writes nothing to stderr"
	is "$(kernel_view "$want")" "$(expected_view "$want" "$prog")" \
		"$label: the kernel shows our program in $want mode"

	vctl "$R" status -j
	is "$(printf '%s' "$OUT" | json_get '
		join ",", map { "$_->{ifname}/$_->{mode}/$_->{prog_id}/$_->{map_id}" } @$d')" \
		"$RIF/$want/$prog/$map" "$label: status -j lists exactly this attachment"

	ping_answered "$label: $N IPv4 pings answered" "$C" $N "${PING_FAST[@]}" 198.18.0.2
	ping_answered "$label: $N IPv6 pings answered" "$C" $N -6 "${PING_FAST[@]}" 2001:db8::2

	stats_read "$R" "$RIF"
	is "$(printf '%s' "$STATS" | json_get '
		my @bad = grep { !defined $d->{$_} || $d->{$_} !~ /^\d+$/ } @ARGV;
		@bad ? "missing or not a number: @bad" : "all there"' prog_id map_id $VNET_FIELDS)" \
		"all there" "$label: stats -j has prog_id, map_id and every counter of vnet.shared.h, as numbers"
	is "$(stats_field ifname) $(stats_field mode) $(stats_field prog_id) $(stats_field map_id)" \
		"$RIF $want $prog $map" "$label: stats -j names the interface, mode, prog and map"
	cmp_ok "$(stats_field echo4)" == $N "$label: echo4 == $N"
	cmp_ok "$(stats_field echo6)" == $N "$label: echo6 == $N"
	cmp_ok "$(stats_field tx_packets)" == $((2 * N)) "$label: tx_packets == $((2 * N))"
	cmp_ok "$(stats_field tx_bytes)" == $((N * (PING4_FRAME + PING6_FRAME))) \
		"$label: tx_bytes == $N * ($PING4_FRAME + $PING6_FRAME)"
	cmp_ok "$(stats_field rx_packets)" '>=' $((2 * N)) "$label: rx_packets >= $((2 * N))"
	is "$(stats_consistent)" consistent "$label: rx_packets == tx_packets + pass == tx + sum(pass_*)"

	# The map as vnetctl names it: other maps called vnet_stats may exist.
	map=$(stats_field map_id)
	map_dump "$map"
	is "$(map_sum "$map" echo4) $(map_sum "$map" echo6) $(map_sum "$map" tx_packets) $(map_sum "$map" tx_bytes)" \
		"$(stats_field echo4) $(stats_field echo6) $(stats_field tx_packets) $(stats_field tx_bytes)" \
		"$label: bpftool map dump id $map (summed over CPUs) == vnetctl for echo4 echo6 tx_packets tx_bytes"
	cmp_ok "$(map_sum "$map" rx_packets)" '>=' "$(stats_field rx_packets)" \
		"$label: bpftool's rx_packets (read later) >= vnetctl's"

	detach_check "$label" "$R" "$RIF" "$want"
	if [ -n "$prog" ] && wait_until 5 eval "! bpftool prog show id $prog && ! bpftool map show id $map"; then
		pass "$label: prog $prog and map $map are freed after detach"
	else
		not_ok "$label: prog '$prog' and map '$map' are freed after detach" \
			"$(bpftool prog show id "$prog" 2>&1)" "$(bpftool map show id "$map" 2>&1)"
	fi
	probes_unanswered "$label" "$C" "after detach"

	[ "$peer" = 1 ] && peer_xdp_off "$label" "$C" "$CIF"
	return 0
}

for run in "${RUNS[@]}"; do
	# shellcheck disable=SC2086
	run_mode $run
done
