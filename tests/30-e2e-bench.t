#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 30-e2e-bench.t - `vnetctl bench` end to end on a veth pair: against vnet
# (native XDP on R/vr; the bench's own sink on C/vc is the XDP program veth
# needs there) every request is answered exactly once, IPv4 and IPv6, live
# frames and AF_PACKET; against nothing (only xdp_pass on vr, R without
# addresses) all of them are lost and the run still ends on time; the JSON
# parses and adds up (sent == replies + lost); errors are one line with
# the right exit status; and nothing stays attached, also after SIGINT.

. "$(dirname "$0")/lib/vnet.sh"
# shellcheck disable=SC2034 # read by nsexec in lib/netns.sh
VNET_T_TIMEOUT=30
vnet_require
trap cleanup EXIT

plan 91

topo_reflector_client

# jget FILTER < JSON: one value, with jq where installed, else Perl's JSON::PP.
jget()
{
	if command -v jq >/dev/null; then
		jq -er "$1"
	else
		json_get "\$d->$(sed 's/^\.//; s/\./}{/g; s/^/{/; s/$/}/' <<<"$1")"
	fi
}

# bench_json LABEL ARG...: vnetctl bench vc -j ARG... in C; checks the exit
# status and the JSON, and leaves the object in BENCH.
bench_json()
{
	local label=$1

	shift
	vctl "$C" bench "$CIF" -j "$@"
	BENCH=$OUT
	if [ "$RC" -eq 0 ] && jget .sent <<<"$BENCH" >/dev/null 2>&1; then
		pass "$label: exits 0 with one JSON object"
	else
		not_ok "$label: exits 0 with one JSON object" "$(vctl_diag)"
	fi
}

# f FIELD: a top-level number of BENCH.
f()
{
	jget ".$1" <<<"$BENCH" 2>/dev/null
}

# exact LABEL [N]: every request answered once: sent (== N) == replies, nothing lost.
exact()
{
	local label=$1 n=$2

	[ -n "$n" ] && cmp_ok "$(f sent)" == "$n" "$label: sent == $n"
	cmp_ok "$(f replies)" == "$(f sent)" "$label: replies == sent ($(f sent))"
	is "$(f lost) $(f duplicates) $(f bad_csum) $(f bounced)" "0 0 0 0" \
		"$label: lost, duplicates, bad_csum, bounced all 0"
	is "$(f loss_pct)" 0 "$label: loss_pct 0"
}

# one_line LABEL REGEX: ERR is a single line matching REGEX.
one_line()
{
	if [ "$(wc -l <<<"$ERR")" -eq 1 ] && [[ $ERR =~ $2 ]]; then
		pass "$1: one line on stderr"
	else
		not_ok "$1: one line on stderr" "     got: '$ERR'" "expected one line matching /$2/"
	fi
}

# sink_gone LABEL: no XDP program left on C/vc.
sink_gone()
{
	local links

	links=$(ip -n "$C" -d link show dev "$CIF")
	if [[ $links =~ prog/xdp ]]; then
		not_ok "$1: no XDP program left on $CIF" "$links"
	else
		pass "$1: no XDP program left on $CIF"
	fi
}

attach_check native "$R" "$RIF" native --mode native

# --- against vnet, live frames ---------------------------------------------
bench_json "v4 live" --dst 198.18.0.2 -d 1 -t 1 -r 20000
exact "v4 live"
is "$(f method) $(f family) $(f size) $(f threads)" "live ipv4 64 1" \
	"v4 live: method, family, size, threads in the JSON"
# Paced: never above the rate; below it only if the CPU is taken from us.
cmp_ok "$(f sent)" "<=" 20100 "v4 live: sent at most 20100 at 20000 pps for 1 s"
cmp_ok "$(f sent)" ">=" 10000 "v4 live: sent at least 10000 at 20000 pps for 1 s"
cmp_ok "$(jget '.rtt_ns.p50' <<<"$BENCH")" ">" 0 "v4 live: rtt_ns.p50 > 0"
cmp_ok "$(jget '.rtt_hist | length' <<<"$BENCH" 2>/dev/null || echo 0)" ">" 0 \
	"v4 live: rtt_hist has buckets"
cmp_ok "$(jget '.intervals | length' <<<"$BENCH" 2>/dev/null || echo 0)" ">=" 1 \
	"v4 live: at least one interval"
sink_gone "v4 live"

bench_json "v6 live" --dst 2001:db8::2 -d 1 -t 1 -r 20000
exact "v6 live"
is "$(f family) $(f size)" "ipv6 84" "v6 live: family ipv6, default size 84"
sink_gone "v6 live"

bench_json "v4 live -n 5000, 1 thread" --dst 198.18.0.2 -n 5000 -t 1 -r 50000
exact "v4 live -n 5000, 1 thread" 5000

# Two threads feed one veth queue from two CPUs (and share them with
# whatever else runs): loss is possible, the books must still balance.
bench_json "v4 live -n 5000, 2 threads" --dst 198.18.0.2 -n 5000 -t 2 -r 50000
cmp_ok "$(f sent)" == 5000 "v4 live -n 5000, 2 threads: sent == 5000"
cmp_ok "$(($(f replies) + $(f lost)))" == 5000 "v4 live -n 5000, 2 threads: replies + lost == 5000"
is "$(f duplicates) $(f bad_csum) $(f threads)" "0 0 2" "v4 live -n 5000, 2 threads: no duplicates or bad checksums, 2 threads"

bench_json "v4 range" --dst 198.18.0.2-198.18.0.9 -n 800 -t 1 -s 128 -r 20000
exact "v4 range, 128-byte frames" 800
# Numbers are decimal: a leading zero does not make "0100" octal 64.
bench_json "-s 0100" --dst 198.18.0.2 -n 10 -t 1 -s 0100
is "$(f size)" 100 "-s 0100: 100-byte frames"

# Flat out the reflector may fall behind: loss is then a measurement, but
# the books still balance.
bench_json "v4 flat out" --dst 198.18.0.2 -d 1
cmp_ok "$(($(f replies) + $(f lost)))" == "$(f sent)" "v4 flat out: replies + lost == sent"
cmp_ok "$(f duplicates)" == 0 "v4 flat out: no duplicates"
diag "flat out: $(f sent_pps) sent/s, $(f reply_pps) replies/s, loss $(f loss_pct)%"

# --- text output -------------------------------------------------------------
vctl "$C" bench "$CIF" --dst 198.18.0.2 -d 1.2 -i 0.5 -t 1 -r 10000
is "$RC" 0 "text: exits 0"
like "$OUT" $'^ +0\\.5[0-9]*s  sent [0-9,]+ pps  replies [0-9,]+ pps  loss [0-9.]+%  rtt p50 [0-9.]+[mun]?s p99 [0-9.]+[mun]?s' \
	"text: interval lines in xdp-bench style"
like "$OUT" $'\n  lost +0  0\\.00%' "text: summary says nothing lost"
like "$OUT" "rtt +p50 .* p90 .* p99 .* max " "text: summary has RTT p50/p90/p99/max"

# --- AF_PACKET ---------------------------------------------------------------
bench_json "v4 packet" --dst 198.18.0.2 -n 3000 -t 1 --method packet -r 20000
exact "v4 packet" 3000
is "$(f method)" packet "v4 packet: method packet"
bench_json "v6 packet" --dst 2001:db8::2 -n 3000 -t 1 --method packet -r 20000
exact "v6 packet" 3000
sink_gone "packet"

# --- --napi-cpu: threaded NAPI on vc and its peer vr, pinned, then undone ----
if [ "$(nproc)" -ge 2 ]; then
	# The NAPI kthreads compete for CPU 1 with anything else running:
	# replies must come, and add up; how many is a measurement.
	bench_json "napi-cpu" --dst 198.18.0.2 -d 1 --cpus 0 --napi-cpu 1 -r 20000
	cmp_ok "$(f replies)" ">" 0 "napi-cpu: replies arrive through the pinned NAPI kthreads"
	cmp_ok "$(($(f replies) + $(f lost)))" == "$(f sent)" "napi-cpu: replies + lost == sent"
	is "$(f duplicates) $(f bad_csum)" "0 0" "napi-cpu: no duplicates or bad checksums"
	diag "napi-cpu at 20000 pps: loss $(f loss_pct)%, rtt p50 $(jget .rtt_ns.p50 <<<"$BENCH") ns"
	threaded="$(nsexec "$R" cat "/sys/class/net/$RIF/threaded")"
	threaded+=" $(nsexec "$C" cat "/sys/class/net/$CIF/threaded")"
	is "$threaded" "0 0" "napi-cpu: threaded NAPI off again on $RIF and $CIF"
	sink_gone "napi-cpu"
else
	skip "one CPU: nowhere to move NAPI to" 6
fi

# --- SIGINT mid-run ----------------------------------------------------------
nsexec "$C" "$VNETCTL" bench "$CIF" --dst 198.18.0.2 -d 20 -t 1 -r 20000 -j \
	>"$VNET_T_TMP/int.out" 2>"$VNET_T_TMP/int.err" &
bpid=$!
VNET_T_PIDS+=("$bpid")
wait_until 5 bash -c "ip -n '$C' -d link show dev '$CIF' | grep -q prog/xdp"
sleep 0.5
# The background subshell runs timeout(1), whose child is vnetctl (ip execs it).
tpid=$(pgrep -P "$bpid" -x timeout)
vpid=$(pgrep -P "${tpid:-0}" -x vnetctl)
[ -n "$vpid" ] && kill -INT "$vpid"
start=$SECONDS
for ((i = 0; i < 100; i++)); do
	kill -0 "$bpid" 2>/dev/null || break
	sleep 0.1
done
wait "$bpid"
rc=$?
is "$rc" 0 "SIGINT: exits 0 with its summary"
cmp_ok $((SECONDS - start)) "<=" 5 "SIGINT: ends within 5 s"
BENCH=$(<"$VNET_T_TMP/int.out")
is "$(f interrupted)" true "SIGINT: the JSON says interrupted"
cmp_ok "$(($(f replies) + $(f lost)))" == "$(f sent)" "SIGINT: replies + lost == sent"
sink_gone "SIGINT"

# --- errors ------------------------------------------------------------------
vctl "$C" bench nosuchif0 --dst 198.18.0.2 -d 1
is "$RC" 1 "no such interface: exit 1"
is "$ERR" "vnetctl: nosuchif0: no such interface" "no such interface: one line"
vctl "$C" bench "$CIF" --dst 198.18.0.999 -d 1
is "$RC" 2 "bad --dst: exit 2"
one_line "bad --dst" "^vnetctl: bench: bad --dst '198\\.18\\.0\\.999'"
vctl "$C" bench "$CIF" --dst 198.18.0.9-198.18.0.2 -d 1
is "$RC" 2 "backwards range: exit 2"
vctl "$C" bench "$CIF" -d 1
is "$RC" 2 "missing --dst: exit 2"
vctl "$C" bench "$CIF" --dst 2001:db8::2 -s 64 -d 1
is "$RC" 2 "IPv6 64-byte frames: exit 2 (too small for the bench header)"
vctl "$C" bench "$CIF" --dst 198.18.0.2 --method carrier-pigeon
is "$RC" 2 "bad --method: exit 2"
vctl "$C" bench "$CIF" --dst 198.18.0.2 --cpus 0,0 -d 1
is "$RC" 2 "live frames, two threads on one CPU: exit 2"
one_line "two threads on one CPU" "^vnetctl: bench: two threads on CPU 0: live frames run one thread per CPU"

ok "foreign XDP: xdp_pass on $CIF" \
	ip -n "$C" link set dev "$CIF" xdpdrv obj "$XDP_PASS_OBJ" sec xdp
vctl "$C" bench "$CIF" --dst 198.18.0.2 -d 1
is "$RC" 1 "foreign XDP: exit 1"
one_line "foreign XDP" "^vnetctl: $CIF: already has an XDP program \\(id [0-9]+, vnet_xdp_pass\\)"
like "$(ip -n "$C" -d link show dev "$CIF")" "name vnet_xdp_pass" "foreign XDP: left in place"
ok "foreign XDP: removed again" ip -n "$C" link set dev "$CIF" xdpdrv off

# --- against nothing ---------------------------------------------------------
detach_check native "$R" "$RIF" native
# No XDP program and GRO off on vr: veth has no NAPI there to take XDP frames.
vctl "$C" bench "$CIF" --dst 198.18.0.2 -d 0.3 -t 1 -j
like "$ERR" "warning: veth peer $RIF has no XDP program and GRO off: it drops every live frame" \
	"no NAPI on $RIF: bench warns that live frames are dropped there"
BENCH=$OUT
is "$RC $(f replies)" "0 0" "no NAPI on $RIF: exits 0, no replies"
ok "nothing: xdp_pass on $RIF (frames reach R's stack, which has no address)" \
	ip -n "$R" link set dev "$RIF" xdpdrv obj "$XDP_PASS_OBJ" sec xdp
start=$SECONDS
bench_json "nothing" --dst 198.18.0.2 -d 1 -t 1 --drain 0.5
cmp_ok $((SECONDS - start)) "<=" 6 "nothing: ends within 6 s"
cmp_ok "$(f sent)" ">" 0 "nothing: sent > 0"
is "$(f replies)" 0 "nothing: no replies"
cmp_ok "$(f lost)" == "$(f sent)" "nothing: lost == sent"
is "$(f loss_pct)" 100 "nothing: loss_pct 100"
sink_gone "nothing"
