#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 26-e2e-subnet.t - the virtual subnet (issue 5): --respond prefixes answered
# with ARP, neighbour advertisements and echo replies, nothing else answered,
# prefixes changed while running with no lost request, rate limits, --ttl.
#
# Topology: R/vr <-> C/vc. R has no address at all (IPv4 unconfigured, IPv6
# off), so whatever answers is the program on vr. C has 198.18.0.1/16 and
# 2001:db8:1::1/64 and no static neighbour entry: every reply needs vnet to
# have answered C's ARP request or neighbour solicitation first.
#
#   - native (xdp_pass on vc), generic and tc: exact ARP/NS probes
#     (tests/lib/neighprobe.pl checks every answer byte for byte), the
#     counters they move, `fping -g` over 198.18.4.0/22 (the 1022 addresses
#     fping -g generates: it leaves out the network and broadcast address)
#     and `fping -6` over all 1024 addresses of 2001:db8:1::4:0/118, all
#     answered exactly once; addresses outside the prefixes unanswered
#     (their ARP/NS unanswered, and their echo requests filtered even with
#     a static neighbour entry); respond add/del/list/flush while attached.
#   - DAD: an address C adds inside a prefix, with DAD on, is not dadfailed.
#   - ping -f to a prefix while another process adds and deletes prefixes
#     in a loop: 0 lost.
#   - --rate-limit N/source, a global --rate-limit with --rate-limit-drop,
#     --ttl.
#   - loopback mode: C's own requests on its egress, with ARP/ND answered.
#
# The neighbour tables: a sweep makes ~1024 ARP or ND entries on C. Their
# limit, gc_thresh3 (1024), is one per table for all namespaces on this
# kernel (the sysctl is not even visible outside the initial namespace), so
# the test cannot raise it, and the forced garbage collection can free
# neither an entry that is REACHABLE (its timer holds a reference) nor one
# updated in the last 5 s. So, on C's vc only: base_reachable_time_ms 1000
# and delay_first_probe_time 0 make an answered entry STALE (collectable)
# after 0.5-1.5 s without a unicast re-probe, and fping's 10 ms pacing then
# keeps about 650 entries alive at any time, wherever the table stands.

. "$(dirname "$0")/lib/vnet.sh"
vnet_require fping
trap cleanup EXIT

V4_IN=198.18.4.1
V6_IN=2001:db8:1::4:1
V4_OUT=198.18.8.1
V6_OUT=2001:db8:1::5:1
NEIGHPROBE=$VNET_ROOT/tests/lib/neighprobe.pl
PROBES=5

CHECKS_PER_MODE=34
MODES=("native 1" "generic 0" "tc 0")
# modes (+2 for native's xdp_pass), DAD, flood, rate limits and TTL, loopback
plan $((3 * CHECKS_PER_MODE + 2 + 7 + 11 + 12 + 9 + 9))

topo_prefixes
ip netns exec "$C" sysctl -q -w \
	"net.ipv4.neigh.$CIF.base_reachable_time_ms=1000" "net.ipv4.neigh.$CIF.delay_first_probe_time=0" \
	"net.ipv6.neigh.$CIF.base_reachable_time_ms=1000" "net.ipv6.neigh.$CIF.delay_first_probe_time=0" ||
	bail_out "cannot configure the client side"
diag "R=$R/$RIF ($RMAC, no address)  C=$C/$CIF ($CMAC, 198.18.0.1/16 2001:db8:1::1/64)"

# The addresses the sweeps must get answers from, in fping's order.
EXPECT4=$VNET_T_TMP/expect4
EXPECT6=$VNET_T_TMP/expect6
for ((i = 1; i < 1023; i++)); do
	echo "198.18.$((4 + i / 256)).$((i % 256))"
done >"$EXPECT4"
for ((i = 0; i < 1024; i++)); do
	printf '2001:db8:1::4:%x\n' "$i"
done >"$EXPECT6"

# stats_save, then deltas_is NAME "field=N ...": the counters of the vnet on
# $SNS/$SIF (R/vr unless set) moved by exactly that much since.
SNS=$R
SIF=$RIF
stats_save()
{
	stats_read "$SNS" "$SIF"
	STATS_BEFORE=$STATS
}

deltas_is()
{
	local name=$1 want=$2 got fields

	read -ra fields <<<"$want"
	stats_read "$SNS" "$SIF"
	got=$(perl -MJSON::PP -e '
		my ($a, $b) = map { decode_json($_) } splice(@ARGV, 0, 2);
		print join " ", map { "$_=" . (($b->{$_} // -1) - ($a->{$_} // 0)) } @ARGV' \
		"$STATS_BEFORE" "$STATS" "${fields[@]%%=*}")
	is "$got" "$want" "$name"
}

# probe NAME KIND TARGET WANT_ANSWERS [NS IF]: neighprobe.pl from C (or NS/IF).
probe()
{
	local name=$1 kind=$2 target=$3 want=$4 ns=${5:-$C} ifc=${6:-$CIF} src out

	case $kind in
	arp*) src=198.18.0.1 ;;
	*) src=2001:db8:1::1 ;;
	esac
	out=$(nsexec "$ns" perl "$NEIGHPROBE" "$ifc" "$kind" "$target" "$PROBES" "$src" \
		"${PROBE_RMAC:-$RMAC}" 2>&1)
	is "$(printf '%s\n' "$out" | tail -n 1)" "sent $PROBES answers $want bad 0" "$name" ||
		diag "$out"
}

# respond_list: `vnetctl respond vr list` as one line, or the error.
respond_list()
{
	vctl "$R" respond "$RIF" list
	printf '%s' "$OUT" | paste -sd' '
}

# sweep NAME WANTFILE ARG...: fping -a ARG... in C answers exactly the
# addresses in WANTFILE and exits 0.
sweep()
{
	local name=$1 want=$2 rc start

	shift 2
	start=$SECONDS
	nsexec "$C" fping -a -i 10 -r 1 "$@" >"$VNET_T_TMP/alive" 2>"$VNET_T_TMP/fping.err"
	rc=$?
	if [ $rc = 0 ] && cmp -s "$VNET_T_TMP/alive" "$want"; then
		pass "$name ($((SECONDS - start)) s)"
		return 0
	fi
	# The tables are shared by every namespace: a concurrent sweep can fill them.
	not_ok "$name" "fping $*: exit $rc, $(grep -c '' <"$VNET_T_TMP/alive") alive of $(grep -c '' <"$want")" \
		"$(diff "$want" "$VNET_T_TMP/alive" | head -n 5)" "$(head -n 5 "$VNET_T_TMP/fping.err")" \
		"kernel: $(dmesg 2>/dev/null | grep -c 'neighbor table overflow') 'neighbor table overflow' lines in dmesg so far"
}

neigh_flush()
{
	ip -n "$C" neigh flush dev "$CIF" 2>/dev/null
	ip -n "$C" -6 neigh flush dev "$CIF" 2>/dev/null
	return 0
}

# 34 checks (+2 with the peer's xdp_pass).
run_mode()
{
	local mode=$1 peer=$2 label=$1

	[ "$peer" = 1 ] && label="$label, peer XDP" && peer_xdp_on "$label" "$C" "$CIF"
	neigh_flush

	attach_check "$label" "$R" "$RIF" "$mode" --mode "$mode" \
		--respond "$PREFIX4" --respond "$PREFIX6"
	is "$(respond_list)" "$PREFIX4 $PREFIX6" "$label: respond list shows both prefixes"
	vctl "$R" status -j
	is "$(printf '%s' "$OUT" | json_get '$d->[0]{prefixes}')" 2 "$label: status -j: \"prefixes\": 2"

	# Exact probes, and exactly the counters they move.
	stats_save
	probe "$label: $PROBES ARP requests for $V4_IN: $PROBES exact ARP replies" arp "$V4_IN" $PROBES
	probe "$label: $PROBES ARP requests for $V4_OUT (outside): none answered" arp "$V4_OUT" 0
	probe "$label: $PROBES ARP probes (sender 0.0.0.0) for $V4_IN: none answered" \
		arp-probe "$V4_IN" 0
	probe "$label: $PROBES NS for $V6_IN: $PROBES exact neighbour advertisements" ns "$V6_IN" $PROBES
	probe "$label: $PROBES NS for $V6_OUT (outside): none answered" ns "$V6_OUT" 0
	probe "$label: $PROBES DAD NS (from ::) for $V6_IN: none answered" ns-dad "$V6_IN" 0
	deltas_is "$label: counters after the probes" \
		"arp=$PROBES nd=$PROBES pass_filtered=$((2 * PROBES)) pass_bad_src=$((2 * PROBES)) echo4=0 echo6=0"

	# The sweeps: every address answered, each request once.
	stats_save
	sweep "$label: fping -g $PREFIX4: all 1022 addresses alive" "$EXPECT4" -g "$PREFIX4"
	deltas_is "$label: the IPv4 sweep: one ARP reply and one echo reply per address" \
		"arp=1022 echo4=1022 pass_filtered=0"
	stats_save
	sweep "$label: fping -6 over the 1024 addresses of $PREFIX6: all alive" "$EXPECT6" \
		-6 -f "$EXPECT6"
	deltas_is "$label: the IPv6 sweep: one NA and one echo reply per address" \
		"nd=1024 echo6=1024 pass_filtered=0"
	neigh_flush

	# Outside the prefixes: ARP/NS unanswered; with a static neighbour
	# entry the echo requests reach vr, and are filtered.
	stats_save
	probes_unanswered "$label: outside" "$C" "(no ARP/NS answer)" "$V4_OUT" "$V6_OUT"
	deltas_is "$label: outside: no reply of any kind" "arp=0 nd=0 echo4=0 echo6=0"
	ip -n "$C" neigh replace "$V4_OUT" lladdr "$RMAC" dev "$CIF" nud permanent &&
	ip -n "$C" neigh replace "$V6_OUT" lladdr "$RMAC" dev "$CIF" nud permanent ||
		bail_out "cannot add the static neighbour entries"
	stats_save
	probes_unanswered "$label: outside, static neighbour" "$C" "(filtered)" "$V4_OUT" "$V6_OUT"
	deltas_is "$label: outside, static neighbour: every echo request counted in pass_filtered" \
		"pass_filtered=$((2 * ${PING_PROBE[1]})) echo4=0 echo6=0"
	neigh_flush

	# Changes while attached.
	vctl "$R" respond "$RIF" add 198.18.8.0/24 2001:db8:1::5:0/112
	is "$RC|$OUT|$ERR" "0||" "$label: respond add of two prefixes: exit 0, silent"
	is "$(respond_list)" "$PREFIX4 198.18.8.0/24 $PREFIX6 2001:db8:1::5:0/112" \
		"$label: respond list: sorted, IPv4 first"
	ping_answered "$label: $V4_OUT answered after respond add" "$C" 3 "${PING_FAST[@]}" "$V4_OUT"
	ping_answered "$label: $V6_OUT answered after respond add" "$C" 3 -6 "${PING_FAST[@]}" "$V6_OUT"
	vctl "$R" respond "$RIF" del 198.18.8.0/24 2001:db8:1::5:0/112
	is "$RC|$OUT|$ERR" "0||" "$label: respond del: exit 0, silent"
	is "$(respond_list)" "$PREFIX4 $PREFIX6" "$label: respond list after del"
	neigh_flush
	probes_unanswered "$label: after respond del" "$C" "again" "$V4_OUT" "$V6_OUT"

	vctl "$R" respond "$RIF" flush
	is "$RC|$OUT|$ERR|$(respond_list)" "0|||" "$label: respond flush: exit 0, list empty"
	vctl "$R" status -j
	is "$(printf '%s' "$OUT" | json_get '$d->[0]{prefixes}')" 0 "$label: status -j: \"prefixes\": 0"
	probe "$label: no prefixes: ARP for $V4_IN unanswered" arp "$V4_IN" 0
	probe "$label: no prefixes: NS for $V6_IN unanswered" ns "$V6_IN" 0

	detach_check "$label" "$R" "$RIF" "$mode"
	[ "$peer" = 1 ] && peer_xdp_off "$label" "$C" "$CIF"
	neigh_flush
	return 0
}

for m in "${MODES[@]}"; do
	# shellcheck disable=SC2086
	run_mode $m
done

#
# DAD: C adds an address inside the prefix with duplicate address
# detection on; vnet must stay silent (its NS comes from ::), so the
# address becomes usable, not dadfailed. 7 checks.
#
label="DAD"
attach_check "$label" "$R" "$RIF" generic --mode generic --respond "$PREFIX4" --respond "$PREFIX6"
stats_save
ip netns exec "$C" sysctl -q -w "net.ipv6.conf.$CIF.accept_dad=1" "net.ipv6.conf.$CIF.dad_transmits=2" &&
ip -n "$C" addr add 2001:db8:1::4:99/64 dev "$CIF" || bail_out "cannot add the DAD address"
# Two probes one retrans_time (1 s) apart, then the verdict.
wait_until 5 eval "! ip -n '$C' -6 addr show dev '$CIF' | grep -q 'tentative'"
flags=$(ip -n "$C" -6 addr show dev "$CIF" to 2001:db8:1::4:99/128 | sed -n 's/.*inet6 \([^ ]*\) \(.*\)/\1 \2/p')
like "$flags" '^2001:db8:1::4:99/64 ' "$label: the address is there: '$flags'"
unlike "$flags" 'dadfailed|tentative' "$label: not dadfailed (nor still tentative)"
ip -n "$C" addr del 2001:db8:1::4:99/64 dev "$CIF"
ip netns exec "$C" sysctl -q -w "net.ipv6.conf.$CIF.accept_dad=0"
deltas_is "$label: no neighbour advertisement sent" "nd=0"
bad_src=$(perl -MJSON::PP -e 'print decode_json($ARGV[1])->{pass_bad_src} - decode_json($ARGV[0])->{pass_bad_src}' \
	"$STATS_BEFORE" "$STATS")
cmp_ok "$bad_src" '>=' 2 "$label: C's 2 DAD probes seen and counted in pass_bad_src (got $bad_src)"
detach_check "$label" "$R" "$RIF" generic

#
# A ping flood to an address in prefix A while another process changes
# prefixes in a loop, always keeping the flood's destination covered:
# add B, add W (a wider prefix over A), delete A, re-add A, delete W,
# delete B. Nothing may be lost. 11 checks.
#
FLOOD=100000
CHURN_MAX=2000
label="flood while changing prefixes"
peer_xdp_on "$label" "$C" "$CIF"
attach_check "$label" "$R" "$RIF" native --mode native --respond "$PREFIX4" --respond "$PREFIX6"
neigh_flush
# Resolve the neighbours first: the flood then measures the reflector.
nsexec "$C" ping -c 1 -W 1 "$V4_IN" >/dev/null
nsexec "$C" ping -6 -c 1 -W 1 "$V6_IN" >/dev/null
stats_save
CHURN_LOG=$VNET_T_TMP/churn
CHURN_STOP=$VNET_T_TMP/churn.stop
# The loop runs inside R, so each change costs one vnetctl run, not an
# `ip netns exec` as well: many changes land during the floods.
bg_start CHURN_PID timeout 120 ip netns exec "$R" bash -c '
	bin=$0 ifc=$1 max=$2 stop=$3 a4=$4 a6=$5
	for ((i = 0; i < max; i++)); do
		[ -e "$stop" ] && break
		for step in "add 198.18.100.0/24 2001:db8:2::/64" "add 198.18.0.0/16 2001:db8:1::/64" \
			    "del $a4 $a6" "add $a4 $a6" "del 198.18.0.0/16 2001:db8:1::/64" \
			    "del 198.18.100.0/24 2001:db8:2::/64"; do
			# shellcheck disable=SC2086
			"$bin" respond "$ifc" $step || { echo "failed: $step"; exit 1; }
		done
		echo "$i"
	done' "$VNETCTL" "$RIF" "$CHURN_MAX" "$CHURN_STOP" "$PREFIX4" "$PREFIX6" \
	>"$CHURN_LOG" 2>&1
ping_answered "$label: ping -f -c $FLOOD $V4_IN, 0% loss" "$C" $FLOOD -f -w 60 "$V4_IN"
diag "$(printf '%s\n' "$PING_OUT" | grep -E 'transmitted|rtt')"
ping_answered "$label: ping -6 -f -c $FLOOD $V6_IN, 0% loss" "$C" $FLOOD -6 -f -w 60 "$V6_IN"
diag "$(printf '%s\n' "$PING_OUT" | grep -E 'transmitted|rtt')"
touch "$CHURN_STOP"
wait "$CHURN_PID"
churn_rc=$?
rounds=$(grep -c '^[0-9]*$' "$CHURN_LOG")
if [ "$churn_rc" = 0 ] && ! grep -qv '^[0-9]*$' "$CHURN_LOG" && [ "$rounds" -ge 20 ]; then
	pass "$label: $rounds rounds of 6 prefix changes during the floods, every one exit 0"
else
	not_ok "$label: at least 20 rounds of prefix changes, every one exit 0" \
		"exit $churn_rc, $rounds rounds" "$(grep -v '^[0-9]*$' "$CHURN_LOG" | head -n 5)"
fi
is "$(respond_list)" "$PREFIX4 $PREFIX6" "$label: the prefixes are as before"
deltas_is "$label: echo4 and echo6 count every request once, nothing filtered" \
	"echo4=$FLOOD echo6=$FLOOD pass_filtered=0"
vctl "$R" status -j
is "$(printf '%s' "$OUT" | json_get '$d->[0]{prefixes}')" 2 "$label: status -j: \"prefixes\": 2"
detach_check "$label" "$R" "$RIF" native
peer_xdp_off "$label" "$C" "$CIF"

#
# Rate limits. Over a limit a request is handed on (R's stack has no
# address: it goes nowhere) or dropped; ARP and ND are never limited.
# A token bucket of rate N/s and burst N answers at most N + N * t of a
# run lasting t seconds (plus one for rounding).
#
# limit_run NAME RATE COUNTER ARG...: ping -i 0.002 -c 300 ARG... and check
# what came back against the bucket. 4 checks; sets LIMIT_RX.
limit_run()
{
	local name=$1 rate=$2 counter=$3 ms other

	shift 3
	other=pass_rate_limited
	[ "$counter" = pass_rate_limited ] && other=drop_rate_limited
	stats_save
	ping_run "$C" -i 0.002 -c 300 -W 1 "$@"
	LIMIT_RX=${PING_RX:-0}
	ms=$(printf '%s\n' "$PING_OUT" | sed -n 's/.*packet loss, time \([0-9]*\)ms$/\1/p')
	diag "$name: $PING_TX sent, $PING_RX answered in ${ms:-?} ms"
	deltas_is "$name: every request answered or counted in $counter once" \
		"echo$([ "$1" = -6 ] && echo 6 || echo 4)=$LIMIT_RX $counter=$((PING_TX - LIMIT_RX)) $other=0"
	cmp_ok "$LIMIT_RX" '<' "${PING_TX:-0}" "$name: the limit held some back"
	cmp_ok "$LIMIT_RX" '>=' "$rate" "$name: at least the burst ($rate) answered"
	cmp_ok "$LIMIT_RX" '<=' "$((rate + rate * ${ms:-100000} / 1000 + 1))" \
		"$name: at most $rate + $rate/s * ${ms:-?} ms + 1 answered"
}

# 12 checks.
label="rate limit 10/source"
attach_check "$label" "$R" "$RIF" generic --mode generic --respond "$PREFIX4" \
	--respond "$PREFIX6" --rate-limit 10/source
nsexec "$C" ping -c 1 -W 1 "$V4_IN" >/dev/null
nsexec "$C" ping -6 -c 1 -W 1 "$V6_IN" >/dev/null
sleep 1.1	# the buckets full again
stats_save
PROBES=40 probe "$label: 40 ARP requests in 0.4 s: all answered" arp "$V4_IN" 40
PROBES=40 probe "$label: 40 NS in 0.4 s: all answered" ns "$V6_IN" 40
deltas_is "$label: ARP and ND are not limited" "arp=40 nd=40 pass_rate_limited=0"
limit_run "$label, IPv4" 10 pass_rate_limited "$V4_IN"
is "$(printf '%s\n' "$PING_OUT" | grep -c 'ttl=64')" "$LIMIT_RX" \
	"$label: without --ttl the replies keep the request's TTL (64)"
# The IPv6 source is another source: a bucket of its own, full.
ping_answered "$label: a second source ($V6_IN's client address) has its own bucket" \
	"$C" 5 -6 -i 0.01 -W 1 "$V6_IN"
detach_check "$label" "$R" "$RIF" generic

# 9 checks.
label="rate limit 10 (global), drop, ttl 42"
attach_check "$label" "$R" "$RIF" generic --mode generic --respond "$PREFIX4" \
	--respond "$PREFIX6" --rate-limit 10 --rate-limit-drop --ttl 42
sleep 1.1
limit_run "$label, IPv6" 10 drop_rate_limited -6 "$V6_IN"
sleep 1.1
ping_run "$C" -c 3 -i 0.2 -W 1 "$V4_IN"
is "$PING_RX/$(printf '%s\n' "$PING_OUT" | grep -c 'icmp_seq=.* ttl=42 ')" "3/3" \
	"$label: IPv4 replies carry ttl=42"
ping_run "$C" -6 -c 3 -i 0.2 -W 1 "$V6_IN"
is "$PING_RX/$(printf '%s\n' "$PING_OUT" | grep -c 'icmp_seq=.* ttl=42 ')" "3/3" \
	"$label: IPv6 replies carry hop limit 42"
detach_check "$label" "$R" "$RIF" generic

#
# Loopback mode: L pings through its own vl; vnet on vl's egress answers
# L's ARP requests and neighbour solicitations with vl's own MAC and then
# its echo requests, all back into vl's receive path. 9 checks.
#
label="loopback"
topo_loopback
ip -n "$L" addr add 198.18.0.1/16 dev vl &&
ip -n "$L" addr add 2001:db8:1::1/64 dev vl nodad || bail_out "cannot configure $L/vl"
attach_check "$label" "$L" vl loopback --mode loopback --respond "$PREFIX4" --respond "$PREFIX6"
SNS=$L SIF=vl
stats_save
ping_answered "$label: $V4_IN answered" "$L" 5 "${PING_FAST[@]}" "$V4_IN"
ping_answered "$label: $V6_IN answered" "$L" 5 -6 "${PING_FAST[@]}" "$V6_IN"
deltas_is "$label: one ARP reply, one NA, five echo replies each" "arp=1 nd=1 echo4=5 echo6=5"
probes_unanswered "$label: outside" "$L" "" "$V4_OUT" "$V6_OUT"
start=$SECONDS
out=$(nsexec "$L" fping -a -i 10 -r 1 -g 198.18.4.0/24 2>/dev/null | grep -c '')
is "$out" 254 "$label: fping -g 198.18.4.0/24: all 254 alive ($((SECONDS - start)) s)"
detach_check "$label" "$L" vl loopback
