#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 30-e2e-bench.t - `vnetctl bench` end to end on a veth pair: against vnet
# (native XDP on R/vr; the bench's own sink on C/vc is the XDP program veth
# needs there) every request is answered exactly once, IPv4 and IPv6, in
# all three methods: live frames, the loop (the sink re-arms each reply)
# and AF_PACKET; against a lossy responder the loop re-seeds what is lost;
# against nothing (only xdp_pass on vr, R without addresses) all of them
# are lost and the run still ends on time; the JSON parses and adds up
# (sent == replies + lost); errors are one line with the right exit status;
# and nothing stays attached, also after SIGINT.
#
# Live frames: tests/tools/liveprobe asks the kernel once, independently
# of vnetctl. Where it refuses them (EPERM by policy, EINVAL before 5.18),
# the live-only checks are skipped with its answer and the fallback is
# asserted instead: the default method is the loop, and says why.

. "$(dirname "$0")/lib/vnet.sh"
# shellcheck disable=SC2034 # read by nsexec in lib/netns.sh
VNET_T_TIMEOUT=30
vnet_require
trap cleanup EXIT

plan 186

topo_reflector_client
LIVE=$(nsexec "$C" "$TOOLS/liveprobe" "$CIF")
# The paced live runs: slower in the emulated guest, where a burst of the
# pacing's bucket can overrun veth's ring before the responder catches up.
RATE=20000
[ -n "${VNET_VM:-}" ] && RATE=4000
[ -n "$LIVE" ] || bail_out "liveprobe gave no answer"
diag "live frames on this kernel: $LIVE"

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

# --- which method, and why ---------------------------------------------------
bench_json "default method" --dst 198.18.0.2 -n 1000 -t 1
DEFAULT_ERR=$ERR
if [ "$LIVE" = ok ]; then
	is "$(f method)" live "default method: live, where the kernel runs live frames"
	is "$(f method_reason)" "the kernel runs live frames" "default method: the reason says so"
	is "$DEFAULT_ERR" "" "default method: nothing on stderr"
else
	is "$(f method)" loop "default method: loop, where the kernel refuses live frames ($LIVE)"
	like "$(f method_reason)" "live frames.*$LIVE" "default method: the reason names $LIVE"
	like "$DEFAULT_ERR" "^vnetctl: warning: .*live frames.*$LIVE.*: using --method loop\$" \
		"default method: one warning that names $LIVE"
fi
exact "default method" 1000
bench_json "default method, paced" --dst 198.18.0.2 -n 1000 -t 1 -r 50000
if [ "$LIVE" = ok ]; then
	is "$(f method)" live "paced: live"
	is "$(f method_reason)" "the kernel runs live frames" "paced: the reason says so"
else
	is "$(f method)" packet "paced: packet, since the loop cannot pace"
	like "$(f method_reason)" "--rate" "paced: the reason names --rate"
fi
vctl "$C" bench "$CIF" --dst 198.18.0.2 -n 10 --method live
if [ "$LIVE" = ok ]; then
	is "$RC" 0 "--method live: runs"
	pass "--method live: (no refusal to check)"
else
	is "$RC" 1 "--method live where refused: exit 1"
	one_line "--method live where refused" "^vnetctl: $CIF: --method live: .*$LIVE"
fi

# --- against vnet, live frames ---------------------------------------------
if [ "$LIVE" != ok ]; then
	skip "live frames refused by this kernel (liveprobe: $LIVE); the QEMU guest runs them" 34
else
bench_json "v4 live" --dst 198.18.0.2 -d 1 -t 1 -r "$RATE" --method live
exact "v4 live"
is "$(f method) $(f family) $(f size) $(f threads)" "live ipv4 64 1" \
	"v4 live: method, family, size, threads in the JSON"
# Paced: never above the rate; below it only if the CPU is taken from us.
cmp_ok "$(f sent)" "<=" $((RATE + RATE / 200)) "v4 live: sent at most $((RATE + RATE / 200)) at $RATE pps for 1 s"
cmp_ok "$(f sent)" ">=" $((RATE / 2)) "v4 live: sent at least $((RATE / 2)) at $RATE pps for 1 s"
cmp_ok "$(jget '.rtt_ns.p50' <<<"$BENCH")" ">" 0 "v4 live: rtt_ns.p50 > 0"
cmp_ok "$(jget '.rtt_hist | length' <<<"$BENCH" 2>/dev/null || echo 0)" ">" 0 \
	"v4 live: rtt_hist has buckets"
cmp_ok "$(jget '.intervals | length' <<<"$BENCH" 2>/dev/null || echo 0)" ">=" 1 \
	"v4 live: at least one interval"
sink_gone "v4 live"

bench_json "v6 live" --dst 2001:db8::2 -d 1 -t 1 -r "$RATE" --method live
exact "v6 live"
is "$(f family) $(f size)" "ipv6 84" "v6 live: family ipv6, default size 84"
sink_gone "v6 live"

bench_json "v4 live -n 5000, 1 thread" --dst 198.18.0.2 -n 5000 -t 1 -r "$RATE" --method live
exact "v4 live -n 5000, 1 thread" 5000

# Two threads feed one veth queue from two CPUs (and share them with
# whatever else runs): loss is possible, the books must still balance.
bench_json "v4 live -n 5000, 2 threads" --dst 198.18.0.2 -n 5000 -t 2 -r 50000 --method live
cmp_ok "$(f sent)" == 5000 "v4 live -n 5000, 2 threads: sent == 5000"
cmp_ok "$(($(f replies) + $(f lost)))" == 5000 "v4 live -n 5000, 2 threads: replies + lost == 5000"
is "$(f duplicates) $(f bad_csum) $(f threads)" "0 0 2" "v4 live -n 5000, 2 threads: no duplicates or bad checksums, 2 threads"

bench_json "v4 live range" --dst 198.18.0.2-198.18.0.9 -n 800 -t 1 -s 128 -r "$RATE" --method live
exact "v4 live range, 128-byte frames" 800

# Flat out the reflector may fall behind: loss is then a measurement, but
# the books still balance.
bench_json "v4 live flat out" --dst 198.18.0.2 -d 1 --method live
cmp_ok "$(($(f replies) + $(f lost)))" == "$(f sent)" "v4 live flat out: replies + lost == sent"
cmp_ok "$(f duplicates)" == 0 "v4 live flat out: no duplicates"
diag "live flat out: $(f sent_pps) sent/s, $(f reply_pps) replies/s, loss $(f loss_pct)%"
fi

# --- against vnet, the loop ---------------------------------------------------
bench_json "v4 loop" --dst 198.18.0.2 -d 1 -t 1 --method loop
exact "v4 loop"
is "$(f method) $(f family) $(f size) $(f threads) $(f window)" "loop ipv4 64 1 128" \
	"v4 loop: method, family, size, threads, window in the JSON"
is "$(f method_reason)" "asked for with --method" "v4 loop: the reason"
cmp_ok "$(f sent)" ">" 100000 "v4 loop: more than 100000 requests in 1 s (the loop circulates)"
cmp_ok "$(jget '.rtt_ns.p50' <<<"$BENCH")" ">" 0 "v4 loop: rtt_ns.p50 > 0"
is "$(f reordered)" null "v4 loop: reordered is null (lanes run side by side)"
diag "loop, 1 thread: $(f reply_pps) replies/s, rtt p50 $(jget .rtt_ns.p50 <<<"$BENCH") ns"
sink_gone "v4 loop"

bench_json "v6 loop" --dst 2001:db8::2 -d 1 -t 1 --method loop
exact "v6 loop"
is "$(f family) $(f size)" "ipv6 84" "v6 loop: family ipv6, default size 84"
sink_gone "v6 loop"

bench_json "v4 loop -n 5000, 1 thread" --dst 198.18.0.2 -n 5000 -t 1 --method loop
exact "v4 loop -n 5000, 1 thread" 5000
bench_json "v6 loop -n 5003, 2 threads, window 10" --dst 2001:db8::2 -n 5003 -t 2 --window 10 \
	--method loop
exact "v6 loop -n 5003, 2 threads, window 10" 5003
is "$(f window) $(f threads)" "10 2" "v6 loop -n 5003: window 10, 2 threads"
bench_json "v4 loop -n 7" --dst 198.18.0.2 -n 7 --method loop
exact "v4 loop -n 7 (the window shrinks to the count)" 7
is "$(f window)" 7 "v4 loop -n 7: window 7"
bench_json "v4 loop range" --dst 198.18.0.2-198.18.0.9 -n 800 -t 1 -s 128 --method loop
exact "v4 loop range, 128-byte frames" 800
# Numbers are decimal: a leading zero does not make "0100" octal 64.
bench_json "-s 0100" --dst 198.18.0.2 -n 10 -t 1 -s 0100 --method loop
is "$(f size)" 100 "-s 0100: 100-byte frames"
if [ "$(nproc)" -ge 2 ]; then
	bench_json "v4 loop, 2 threads" --dst 198.18.0.2 -d 1 --cpus 0,1 --method loop
	cmp_ok "$(($(f replies) + $(f lost)))" == "$(f sent)" "v4 loop, 2 threads: replies + lost == sent"
	is "$(f duplicates) $(f bad_csum) $(f threads)" "0 0 2" \
		"v4 loop, 2 threads: no duplicates or bad checksums, 2 threads"
	diag "loop, 2 threads: $(f reply_pps) replies/s"
else
	skip "one CPU" 2
fi

# A lossy responder: vnet's rate limiter drops what exceeds 20000 pps. The
# loop loses most of its window at once and must re-seed it, every tick.
ok "lossy: vnet with --rate-limit 20000 --rate-limit-drop" \
	nsexec "$R" "$VNETCTL" attach "$RIF" --mode native --force --rate-limit 20000 --rate-limit-drop
bench_json "lossy" --dst 198.18.0.2 -d 1 -t 1 --method loop
cmp_ok "$(($(f replies) + $(f lost)))" == "$(f sent)" "lossy: replies + lost == sent"
cmp_ok "$(f lost)" ">" 0 "lossy: requests were lost"
# 128 in flight would stall after the first loss of all of them without re-seeding.
cmp_ok "$(f replies)" ">" 5000 "lossy: more than 5000 replies in 1 s (lanes re-seeded)"
# 20000 pps and the limiter's burst.
cmp_ok "$(f replies)" "<=" 60000 "lossy: not much more than the limit lets through"
is "$(f duplicates) $(f bad_csum)" "0 0" "lossy: no duplicates or bad checksums"
diag "lossy: sent $(f sent), replies $(f replies), lost $(f lost)"
attach_check native "$R" "$RIF" native --mode native --force

# --- text output -------------------------------------------------------------
vctl "$C" bench "$CIF" --dst 198.18.0.2 -d 1.2 -i 0.5 -t 1 -r 10000
is "$RC" 0 "text: exits 0"
like "$OUT" $'^ +0\\.5[0-9]*s  sent [0-9,]+ pps  replies [0-9,]+ pps  loss [0-9.]+%  rtt p50 [0-9.]+[mun]?s p99 [0-9.]+[mun]?s' \
	"text: interval lines in xdp-bench style"
like "$OUT" $'\n  lost +0  0\\.00%' "text: summary says nothing lost"
like "$OUT" "rtt +p50 .* p90 .* p99 .* max " "text: summary has RTT p50/p90/p99/max"
like "$OUT" $'\n  method +(live|packet): ' "text: summary says which method ran and why"
vctl "$C" bench "$CIF" --dst 198.18.0.2 -d 0.5 -t 1 --method loop --window 32
like "$OUT" $'\n  method +loop \\(window 32\\): asked for with --method' "text: loop summary names its window"

# --- Prometheus ----------------------------------------------------------------
vctl "$C" bench "$CIF" --dst 198.18.0.2 -n 1000 -t 1 --method loop --format prometheus
is "$RC" 0 "--format prometheus: exits 0"
printf '%s\n' "$OUT" >"$VNET_T_TMP/bench.prom"
ok "--format prometheus: promtool check metrics accepts it" \
	promtool check metrics <"$VNET_T_TMP/bench.prom"
like "$OUT" $'\nvnet_bench_sent_total\\{iface="vc",method="loop",family="ipv4",size="64"\\} 1000\n' \
	"--format prometheus: vnet_bench_sent_total 1000, labelled"
like "$OUT" $'\nvnet_bench_replies_total\\{[^}]*\\} 1000\n' "--format prometheus: 1000 replies"
like "$OUT" $'\nvnet_bench_rtt_seconds_bucket\\{[^}]*,le="\\+Inf"\\} 1000\n' \
	"--format prometheus: the RTT histogram counts 1000"
like "$OUT" $'\nvnet_bench_rtt_seconds_count\\{[^}]*\\} 1000$' "--format prometheus: _count 1000"
vctl "$C" bench "$CIF" --dst 198.18.0.2 -n 10 --format yaml
is "$RC" 2 "--format yaml: exit 2"

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
	bench_json "napi-cpu" --dst 198.18.0.2 -d 1 --cpus 0 --napi-cpu 1 --method loop
	cmp_ok "$(f replies)" ">" 0 "napi-cpu: replies arrive through the pinned NAPI kthreads"
	cmp_ok "$(($(f replies) + $(f lost)))" == "$(f sent)" "napi-cpu: replies + lost == sent"
	is "$(f duplicates) $(f bad_csum)" "0 0" "napi-cpu: no duplicates or bad checksums"
	diag "napi-cpu, loop: $(f reply_pps) replies/s, loss $(f loss_pct)%, rtt p50 $(jget .rtt_ns.p50 <<<"$BENCH") ns"
	threaded="$(nsexec "$R" cat "/sys/class/net/$RIF/threaded")"
	threaded+=" $(nsexec "$C" cat "/sys/class/net/$CIF/threaded")"
	is "$threaded" "0 0" "napi-cpu: threaded NAPI off again on $RIF and $CIF"
	sink_gone "napi-cpu"
else
	skip "one CPU: nowhere to move NAPI to" 6
fi

# --- SIGINT mid-run ----------------------------------------------------------
# sigint_check LABEL ARG...: a 20 s run interrupted after 0.5 s ends at once,
# with its summary, and leaves nothing attached.
sigint_check()
{
	local label=$1 bpid tpid vpid start rc i

	shift
	nsexec "$C" "$VNETCTL" bench "$CIF" --dst 198.18.0.2 -d 20 -t 1 -j "$@" \
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
	is "$rc" 0 "$label: exits 0 with its summary"
	cmp_ok $((SECONDS - start)) "<=" 5 "$label: ends within 5 s"
	BENCH=$(<"$VNET_T_TMP/int.out")
	is "$(f interrupted)" true "$label: the JSON says interrupted"
	cmp_ok "$(($(f replies) + $(f lost)))" == "$(f sent)" "$label: replies + lost == sent"
	sink_gone "$label"
}
sigint_check "SIGINT, paced" -r 20000
sigint_check "SIGINT, loop" --method loop

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
vctl "$C" bench "$CIF" --dst 198.18.0.2 --method loop -r 1000 -d 1
is "$RC" 2 "--method loop with --rate: exit 2"
one_line "--method loop with --rate" "^vnetctl: bench: --rate cannot pace --method loop"
vctl "$C" bench "$CIF" --dst 198.18.0.2 --method packet --window 8 -d 1
is "$RC" 2 "--window without the loop: exit 2"
vctl "$C" bench "$CIF" --dst 198.18.0.2 --method loop --window 0 -d 1
is "$RC" 2 "--window 0: exit 2"
one_line "--window 0" "^vnetctl: bench: bad --window '0'"
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
like "$ERR" "warning: veth peer $RIF has no XDP program and GRO off: it drops every frame XDP sends it" \
	"no NAPI on $RIF: bench warns that XDP frames are dropped there"
BENCH=$OUT
is "$RC $(f replies)" "0 0" "no NAPI on $RIF: exits 0, no replies"
ok "nothing: xdp_pass on $RIF (frames reach R's stack, which has no address)" \
	ip -n "$R" link set dev "$RIF" xdpdrv obj "$XDP_PASS_OBJ" sec xdp
for m in live loop packet; do
	if [ "$m" = live ] && [ "$LIVE" != ok ]; then
		skip "live frames refused by this kernel (liveprobe: $LIVE)" 7
		continue
	fi
	start=$SECONDS
	bench_json "nothing, $m" --dst 198.18.0.2 -d 1 -t 1 --drain 0.5 --method "$m"
	cmp_ok $((SECONDS - start)) "<=" 6 "nothing, $m: ends within 6 s"
	# The loop re-seeds its lost window every tick: more than one window goes out.
	cmp_ok "$(f sent)" ">" "$([ "$m" = loop ] && echo 128 || echo 0)" "nothing, $m: sent > $([ "$m" = loop ] && echo "one window" || echo 0)"
	is "$(f replies)" 0 "nothing, $m: no replies"
	cmp_ok "$(f lost)" == "$(f sent)" "nothing, $m: lost == sent"
	is "$(f loss_pct)" 100 "nothing, $m: loss_pct 100"
	sink_gone "nothing, $m"
done
