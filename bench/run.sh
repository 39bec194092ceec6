#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# run.sh - `make bench`: the ping-flood comparison on its own namespaces and
# veth, every responder against every generator in every CPU layout, each
# cell repeated; then the BPF_PROG_TEST_RUN micro benchmark (bench/micro) and,
# where a guest kernel boots, vnet.ko's built-in responder (bench/guest.sh).
#
#   bench/run.sh [--quick] [--reps N] [--duration SECS] [--responders LIST]
#                [--generators LIST] [--layouts LIST] [--out DIR]
#                [--no-micro] [--no-guest] [--help]
#
# Responders (on R/<veth>):  stack native generic tc bounce drop
#   stack    the kernel's own ICMP echo, answering a whole /24 (AnyIP:
#            `ip route add local 198.18.1.0/24 dev lo`)
#   native   vnetctl attach --mode native        generic  --mode generic
#   tc       vnetctl attach --mode tc (TC ingress)
#   bounce   bench_bounce (bpf/bounce.bpf.c): swap MACs, XDP_TX - the bounce limit
#   drop     bench_drop (bpf/drop.bpf.c): XDP_DROP - the receive ceiling
# Generators (in G, on the other end):  vbench vpacket trafgen ping
#   vbench   vnetctl bench, its default method: live frames (BPF_PROG_RUN +
#            XDP_TX) where the kernel runs them, else the loop (the sink
#            re-arms each reply with XDP_TX); the generic cell uses --method
#            packet; each cell's note names the method that ran
#   vpacket  vnetctl bench --method packet: the same sink and books, requests
#            from AF_PACKET (the baseline the loop is measured against)
#   trafgen  netsniff-ng's trafgen (AF_PACKET TX ring, qdisc bypass)
#   ping     iputils ping -f (one per CPU in the 2-CPU layout)
# Layouts:  1cpu (everything on CPU 0)  2cpu (two generator threads, CPUs 0
#           and 1)  napi (generator on CPU 0, threaded NAPI of both veth ends
#           pinned to CPU 1: vnetctl bench --napi-cpu 1, the same by hand for
#           trafgen and ping)
#
# Runs are interleaved: every cell once, then every cell again, REPS times,
# so load elsewhere on the machine spreads over all cells alike.
#
# Environment (flags win): BENCH_REPS=3 BENCH_DURATION=3 BENCH_RESPONDERS
# BENCH_GENERATORS BENCH_LAYOUTS BENCH_QUICK=0 BENCH_OUT BENCH_MICRO=1
# BENCH_GUEST=1 (0 skips the QEMU part). --quick: 1 rep of 1 s, short micro.
#
# Output: results/bench-YYYYmmdd-HHMMSS/{results.json,results.csv,table.md,
# plot.png,micro.txt,raw/*}; the markdown table is printed at the end.
# Only 198.18.0.0/15 addresses, only in the two namespaces this creates;
# everything is removed on exit, whatever the exit.

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
VNETCTL=$ROOT/user/vnetctl
OBJ=$ROOT/.output

NQ=$(nproc)
REPS=${BENCH_REPS:-3}
DURATION=${BENCH_DURATION:-3}
RESPONDERS=${BENCH_RESPONDERS:-stack native generic tc bounce drop}
GENERATORS=${BENCH_GENERATORS:-vbench vpacket trafgen ping}
LAYOUTS=${BENCH_LAYOUTS:-1cpu 2cpu napi}
QUICK=${BENCH_QUICK:-0}
OUT=${BENCH_OUT:-}
MICRO=${BENCH_MICRO:-1}
GUEST=${BENCH_GUEST:-1}

die()
{
	echo "bench: $*" >&2
	exit 1
}

usage()
{
	sed -n '4,/^$/p' "${BASH_SOURCE[0]}" | sed -n 's/^# \{0,1\}//p'
}

usage_error()
{
	echo "bench: $* (see bench/run.sh --help)" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--reps) REPS=${2:-}; shift ;;
	--duration) DURATION=${2:-}; shift ;;
	--responders) RESPONDERS=${2:-}; shift ;;
	--generators) GENERATORS=${2:-}; shift ;;
	--layouts) LAYOUTS=${2:-}; shift ;;
	--out) OUT=${2:-}; shift ;;
	--no-micro) MICRO=0 ;;
	--no-guest) GUEST=0 ;;
	-h|--help) usage; exit 0 ;;
	*) usage_error "unknown argument '$1'" ;;
	esac
	shift
done
if [ "$QUICK" = 1 ]; then
	[ -n "${BENCH_REPS:-}" ] || REPS=1
	[ -n "${BENCH_DURATION:-}" ] || DURATION=1
fi
RESPONDERS=${RESPONDERS//,/ }
GENERATORS=${GENERATORS//,/ }
LAYOUTS=${LAYOUTS//,/ }

[[ $REPS =~ ^[0-9]+$ ]] && [ "$REPS" -ge 1 ] && [ "$REPS" -le 50 ] ||
	usage_error "--reps must be 1..50"
[[ $DURATION =~ ^[0-9]+(\.[0-9]+)?$ ]] &&
	awk -v d="$DURATION" 'BEGIN { exit !(d >= 0.2 && d <= 120) }' ||
	usage_error "--duration must be 0.2..120 seconds"
for r in $RESPONDERS; do
	case $r in stack|native|generic|tc|bounce|drop) ;; *) usage_error "unknown responder '$r'" ;; esac
done
for g in $GENERATORS; do
	case $g in vbench|vpacket|trafgen|ping) ;; *) usage_error "unknown generator '$g'" ;; esac
done
for l in $LAYOUTS; do
	case $l in 1cpu|2cpu|napi) ;; *) usage_error "unknown layout '$l'" ;; esac
done

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, XDP)"
for t in ip tc bpftool jq gnuplot taskset timeout awk; do
	command -v "$t" >/dev/null || die "$t is not installed (scripts/deps.sh)"
done
[ -x "$VNETCTL" ] || die "$VNETCTL is missing: run make first"
for o in xdp_pass bounce drop; do
	[ -f "$OBJ/$o.bpf.o" ] || die "$OBJ/$o.bpf.o is missing: run make first"
done
NCPU=$(nproc)
case " $LAYOUTS " in
*" 2cpu "*|*" napi "*) [ "$NCPU" -ge 2 ] || die "the 2cpu and napi layouts need 2 CPUs (--layouts 1cpu)" ;;
esac

STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=${OUT:-$ROOT/results/bench-$STAMP}
mkdir -p "$OUT/raw" || die "cannot create $OUT"
RAW=$OUT/raw
RUNS=$RAW/runs.jsonl
: >"$RUNS"
LOG=$RAW/log.txt
: >"$LOG"

# ---------------------------------------------------------------------------
# The topology: G (generator) and R (responder), one veth pair between them.

G=vnet-bench-$$-g
R=vnet-bench-$$-r
GIF=vb$$g
RIF=vb$$r
G_IP=198.18.0.1
R_IP=198.18.0.2
ANY_NET=198.18.1.0/24		# answered by R's stack through an AnyIP route
DST_ONE=198.18.1.1
DST_RANGE=198.18.1.1-198.18.1.254
BG_PIDS=()

cleanup()
{
	local pid

	for pid in "${BG_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${BG_PIDS[@]}"; do
		timeout 5 tail --pid="$pid" -f /dev/null 2>/dev/null
		kill -KILL "$pid" 2>/dev/null
	done
	# Deleting the namespaces destroys the veth and every program on it.
	ip netns del "$G" 2>/dev/null
	ip netns del "$R" 2>/dev/null
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log()
{
	printf '%s\n' "$*" >>"$LOG"
}

say()
{
	printf '%s\n' "$*" >&2
	log "$*"
}

# inns NS CMD...: CMD inside NS, bounded.
inns()
{
	local ns=$1

	shift
	timeout -k 5 120 ip netns exec "$ns" "$@"
}

mac_of()
{
	ip -n "$1" -j link show dev "$2" | jq -r '.[0].address'
}

setup_topology()
{
	local ns

	for ns in "$G" "$R"; do
		ip netns add "$ns" || die "cannot create namespace $ns"
		ip -n "$ns" link set lo up
		# Quiet IPv6 before any link exists: no DAD, no solicitations.
		inns "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 >/dev/null ||
			die "cannot turn IPv6 off in $ns"
	done
	# One queue per CPU on both ends: veth picks the peer's receive ring
	# by the sender's queue, so two generator threads sharing one ring
	# would measure the ring's overflow, not the responder.
	ip -n "$G" link add "$GIF" numtxqueues "$NQ" numrxqueues "$NQ" type veth \
		peer name "$RIF" numtxqueues "$NQ" numrxqueues "$NQ" netns "$R" ||
		die "cannot create veth $GIF <-> $RIF"
	ip -n "$G" link set "$GIF" up && ip -n "$R" link set "$RIF" up ||
		die "cannot bring the veth up"
	GMAC=$(mac_of "$G" "$GIF")
	RMAC=$(mac_of "$R" "$RIF")
	[ -n "$GMAC" ] && [ -n "$RMAC" ] || die "cannot read the veth MACs"
	ip -n "$G" addr add "$G_IP/24" dev "$GIF" &&
	ip -n "$R" addr add "$R_IP/24" dev "$RIF" &&
	ip -n "$R" route add local "$ANY_NET" dev lo &&
	ip -n "$G" route add "$ANY_NET" via "$R_IP" &&
	ip -n "$G" neigh replace "$R_IP" lladdr "$RMAC" dev "$GIF" nud permanent &&
	ip -n "$R" neigh replace "$G_IP" lladdr "$GMAC" dev "$RIF" nud permanent ||
		die "cannot configure addresses and routes"
}

# ---------------------------------------------------------------------------
# Programs on either end. xdp_on NS IF OBJ: a native XDP program by object.

xdp_on()
{
	ip -n "$1" link set dev "$2" xdpdrv obj "$3" sec xdp
}

xdp_off()
{
	ip -n "$1" link set dev "$2" xdpdrv off 2>/dev/null
	ip -n "$1" link set dev "$2" xdpgeneric off 2>/dev/null
	return 0
}

xdp_prog_id()
{
	ip -n "$1" -j -d link show dev "$2" | jq -r '.[0].xdp.prog.id // empty'
}

# The counter of a baseline program (bounce_stats / drop_stats) on NS/IF,
# rx_packets summed over the CPUs.
base_count()
{
	local id map

	id=$(xdp_prog_id "$1" "$2")
	[ -n "$id" ] || { echo 0; return 1; }
	map=$(bpftool -j prog show id "$id" | jq -r '.map_ids[0] // empty')
	[ -n "$map" ] || { echo 0; return 1; }
	bpftool -j map dump id "$map" |
		jq '[.[0].formatted.values[].value.rx_packets] | add // 0'
}

# What R's responder has answered (or, for drop, received) so far.
resp_count()
{
	case $1 in
	stack)
		inns "$R" awk '/^Icmp:/ { if (!h) { for (i = 2; i <= NF; i++) c[$i] = i; h = 1 }
			else print $c["OutEchoReps"] }' /proc/net/snmp ;;
	native|generic|tc)
		inns "$R" "$VNETCTL" stats "$RIF" -j | jq '.tx_packets // 0' ;;
	bounce|drop)
		base_count "$R" "$RIF" ;;
	esac
}

# responder_on NAME: attach the responder to R's veth.
# veth hands a peer's native XDP_TX/redirected frames (live frames) only to
# a device that runs a native XDP program, and native and generic XDP cannot
# share a device: the stack and TC responders get xdp_pass in front of them,
# and the generic cell feeds vnetctl bench through AF_PACKET instead.
responder_on()
{
	local r=$1

	case $r in
	stack)
		xdp_on "$R" "$RIF" "$OBJ/xdp_pass.bpf.o" ;;
	native)
		inns "$R" "$VNETCTL" attach "$RIF" --mode native >>"$LOG" 2>&1 ;;
	generic)
		inns "$R" "$VNETCTL" attach "$RIF" --mode generic >>"$LOG" 2>&1 ;;
	tc)
		xdp_on "$R" "$RIF" "$OBJ/xdp_pass.bpf.o" &&
		inns "$R" "$VNETCTL" attach "$RIF" --mode tc >>"$LOG" 2>&1 ;;
	bounce)
		xdp_on "$R" "$RIF" "$OBJ/bounce.bpf.o" ;;
	drop)
		xdp_on "$R" "$RIF" "$OBJ/drop.bpf.o" ;;
	esac
}

responder_off()
{
	case $1 in
	native|generic|tc)
		inns "$R" "$VNETCTL" detach "$RIF" >>"$LOG" 2>&1 ;;
	esac
	xdp_off "$R" "$RIF"
}

# The generator's end: vnetctl bench brings its own sink; trafgen's replies
# are dropped in XDP as the sink would (bench_drop), so both generators pay
# the same for them; ping needs them in its socket (xdp_pass: native XDP_TX
# replies reach a veth only if it runs XDP).
generator_side_on()
{
	case $1 in
	trafgen) xdp_on "$G" "$GIF" "$OBJ/drop.bpf.o" ;;
	ping) xdp_on "$G" "$GIF" "$OBJ/xdp_pass.bpf.o" ;;
	esac
}

generator_side_off()
{
	xdp_off "$G" "$GIF"
}

# Threaded NAPI on both veth ends, kthreads pinned to CPU $1 (the napi layout
# for trafgen and ping; vnetctl bench does the same with --napi-cpu). veth
# has NAPI only while an XDP program runs on that end.
napi_on()
{
	local cpu=$1 ns ifc pid n=0

	for ns_if in "$G:$GIF" "$R:$RIF"; do
		ns=${ns_if%%:*}
		ifc=${ns_if#*:}
		inns "$ns" sh -c "echo 1 > /sys/class/net/$ifc/threaded" 2>>"$LOG" || return 1
	done
	# Kernel threads "napi/<ifname>-<id>" appear when NAPI is (re)enabled.
	for pid in $(ps -eo pid=,comm= | awk -v a="napi/$GIF" -v b="napi/$RIF" \
		'index($2, a) == 1 || index($2, b) == 1 { print $1 }'); do
		taskset -pc "$cpu" "$pid" >/dev/null && n=$((n + 1))
	done
	[ "$n" -ge 1 ]
}

napi_off()
{
	inns "$G" sh -c "echo 0 > /sys/class/net/$GIF/threaded" 2>/dev/null
	inns "$R" sh -c "echo 0 > /sys/class/net/$RIF/threaded" 2>/dev/null
	return 0
}

# ---------------------------------------------------------------------------
# Generators. Each run_* sets SENT_PPS REPLY_PPS ELAPSED (seconds) and may
# set RUN_NOTE and RUN_STATUS (ok, eagain, error).

gen_cpus()
{
	case $1 in
	2cpu) echo 0,1 ;;
	*) echo 0 ;;
	esac
}

gen_threads()
{
	case $1 in
	2cpu) echo 2 ;;
	*) echo 1 ;;
	esac
}

now_ns()
{
	date +%s%N
}

# Bounded wall time for one generator run.
run_limit()
{
	awk -v d="$DURATION" 'BEGIN { printf "%d", d + 20 }'
}

run_vbench()
{
	local r=$1 layout=$2 raw=$3 method=${4:-} args rc

	# --cpus: one sending thread per CPU listed, pinned there.
	args=(bench "$GIF" --dst "$DST_RANGE" -d "$DURATION" --cpus "$(gen_cpus "$layout")" -j)
	[ "$layout" = napi ] && args+=(--napi-cpu 1)
	if [ -n "$method" ]; then
		args+=(--method "$method")
	elif [ "$r" = generic ]; then
		args+=(--method packet)
		RUN_NOTE="vnetctl bench --method packet (AF_PACKET): live frames need native XDP on $RIF"
	fi
	# XDP frames (live, the loop's) reach a veth without native XDP only
	# through NAPI, which GRO turns on: the kernel stack's cell needs it.
	[ "$r" = stack ] && inns "$R" ethtool -K "$RIF" gro on >>"$LOG" 2>&1
	log "vnetctl ${args[*]}"
	timeout -k 5 "$(run_limit)" ip netns exec "$G" "$VNETCTL" "${args[@]}" \
		>"$raw.json" 2>"$raw.err"
	rc=$?
	[ "$r" = stack ] && inns "$R" ethtool -K "$RIF" gro off >>"$LOG" 2>&1
	if [ $rc -ne 0 ] || ! jq -e '.sent_pps' "$raw.json" >/dev/null 2>&1; then
		RUN_STATUS=error
		RUN_NOTE="vnetctl bench exit $rc: $(head -c 200 "$raw.err" | tr '\n' ' ')"
		return 1
	fi
	SENT_PPS=$(jq '.sent_pps' "$raw.json")
	ELAPSED=$(jq '.duration_s' "$raw.json")
	[ -n "$RUN_NOTE" ] || RUN_NOTE="method $(jq -r '.method + ": " + .method_reason' "$raw.json")"
	case $r in
	bounce) REPLY_PPS=$(jq '(.bounced // 0) / .duration_s' "$raw.json") ;;
	drop) REPLY_PPS= ;;	# from the responder's counter
	*) REPLY_PPS=$(jq '.reply_pps' "$raw.json") ;;
	esac
	return 0
}

# The request trafgen sends: 64 bytes, an IPv4 echo request to a destination
# stepping through DST_RANGE; trafgen rewrites the last address byte and
# both checksums on every frame.
trafgen_cfg()
{
	local hex_r hex_g

	hex_r=$(echo "$RMAC" | sed 's/^/0x/; s/:/, 0x/g')
	hex_g=$(echo "$GMAC" | sed 's/^/0x/; s/:/, 0x/g')
	cat <<EOF
{ $hex_r, $hex_g, c16(0x0800),
  0x45, 0x00, c16(50), c16(0), c16(0), 64, 1, csumip(14, 33),
  198, 18, 0, 1, 198, 18, 1, dinc(1, 254),
  8, 0, csumicmp(34, 63), c16(0x4242), c16(1), fill(0xa5, 22) }
EOF
}

# Frames R's veth received, dropped ones included.
peer_rx_packets()
{
	ip -n "$R" -s -j link show dev "$RIF" |
		jq '.[0].stats64.rx.packets + .[0].stats64.rx.dropped'
}

run_trafgen()
{
	local r=$1 layout=$2 raw=$3 t0 t1 rx0 rx1 rc pkts secs

	trafgen_cfg >"$raw.cfg"
	rx0=$(peer_rx_packets)
	t0=$(now_ns)
	# SIGINT makes trafgen print its summary; -k: never hang past the limit.
	timeout -s INT -k 5 "$DURATION" ip netns exec "$G" taskset -c "$(gen_cpus "$layout")" \
		trafgen --no-sock-mem -P "$(gen_threads "$layout")" -o "$GIF" -i "$raw.cfg" \
		>"$raw.out" 2>"$raw.err"
	rc=$?
	t1=$(now_ns)
	rx1=$(peer_rx_packets)
	ELAPSED=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
	if grep -q 'Resource temporarily unavailable' "$raw.err"; then
		# trafgen's TX ring flush fails with EAGAIN when the receiver
		# falls behind, and trafgen gives up: the cell says so, and the
		# rate is what left the device until then.
		RUN_STATUS=eagain
		RUN_NOTE="trafgen quit early: EAGAIN ($(grep -m1 'Resource temporarily' "$raw.err" | tr -d '\r'))"
		# What the peer took in until then (veth counts a NAPI-mode
		# transmit only as the peer's receive).
		SENT_PPS=$(awk -v n=$((rx1 - rx0)) -v t="$ELAPSED" 'BEGIN { printf "%.0f", n / t }')
		return 0
	fi
	if [ $rc -ne 124 ] && [ $rc -ne 0 ]; then
		RUN_STATUS=error
		RUN_NOTE="trafgen exit $rc: $(head -c 200 "$raw.err" | tr '\n' ' ')"
		return 1
	fi
	# "N packets outgoing" and "S sec, U usec on CPUn": its own rate.
	# Its summary lines start with '\r': strip them, or $1 is "\r".
	pkts=$(tr -d '\r' <"$raw.out" | awk '/packets outgoing/ { print $1 }')
	secs=$(tr -d '\r' <"$raw.out" |
		awk '/usec on CPU/ { t = $1 + $3 / 1e6; if (t > m) m = t } END { print m + 0 }')
	if [ -z "$pkts" ] || [ "$(awk -v s="$secs" 'BEGIN { print (s > 0) }')" != 1 ]; then
		RUN_STATUS=error
		RUN_NOTE="trafgen printed no summary"
		return 1
	fi
	ELAPSED=$secs
	SENT_PPS=$(awk -v n="$pkts" -v t="$secs" 'BEGIN { printf "%.0f", n / t }')
	return 0
}

# ping -f: one per generator CPU, each pinned; replies/s summed.
run_ping()
{
	local r=$1 layout=$2 raw=$3 cpu pids=() i=0 tx=0 rx=0 ms=0 line re

	for cpu in $(gen_cpus "$layout" | tr , ' '); do
		timeout -k 5 "$(run_limit)" ip netns exec "$G" taskset -c "$cpu" \
			ping -f -q -w "$(awk -v d="$DURATION" 'BEGIN { printf "%d", d < 1 ? 1 : d }')" \
			"$DST_ONE" >"$raw.$i.out" 2>&1 &
		pids+=($!)
		i=$((i + 1))
	done
	BG_PIDS+=("${pids[@]}")
	for cpu in "${pids[@]}"; do
		wait "$cpu"
	done
	BG_PIDS=()
	re='([0-9]+) packets transmitted, ([0-9]+) received.*time ([0-9]+)ms'
	for ((i = 0; i < ${#pids[@]}; i++)); do
		line=$(grep 'packets transmitted' "$raw.$i.out")
		if ! [[ $line =~ $re ]]; then
			RUN_STATUS=error
			RUN_NOTE="ping printed no summary: $(head -c 200 "$raw.$i.out" | tr '\n' ' ')"
			return 1
		fi
		tx=$((tx + BASH_REMATCH[1] * 1000 / BASH_REMATCH[3]))
		rx=$((rx + BASH_REMATCH[2] * 1000 / BASH_REMATCH[3]))
		[ "${BASH_REMATCH[3]}" -gt "$ms" ] && ms=${BASH_REMATCH[3]}
	done
	SENT_PPS=$tx
	REPLY_PPS=$rx
	ELAPSED=$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')
	return 0
}

# ---------------------------------------------------------------------------
# One run of one cell, recorded as a line of raw/runs.jsonl.

record()
{
	jq -cn --arg layout "$1" --arg responder "$2" --arg generator "$3" --argjson rep "$4" \
		--arg status "$5" --arg note "$6" --arg sent "$7" --arg reply "$8" \
		--arg resp "$9" --arg elapsed "${10}" \
		'{layout: $layout, responder: $responder, generator: $generator, rep: $rep,
		  status: $status, note: $note,
		  sent_pps: ($sent | tonumber? // null), reply_pps: ($reply | tonumber? // null),
		  resp_pps: ($resp | tonumber? // null), elapsed_s: ($elapsed | tonumber? // null)}' \
		>>"$RUNS"
}

# Why a cell means nothing, or "".
cell_na()
{
	local r=$1 g=$2 l=$3

	if [ "$g" = ping ] && { [ "$r" = bounce ] || [ "$r" = drop ]; }; then
		echo "ping -f waits for each reply: against $r it measures nothing"
	elif [ "$l" = napi ] && [ "$r" = generic ]; then
		echo "a veth with only generic XDP has no NAPI instance to thread"
	fi
}

int_or_dash()
{
	if [ -n "$1" ]; then
		printf '%.0f' "$1"
	else
		echo -
	fi
}

# run_once LAYOUT RESPONDER GENERATOR REP: one run of one cell, from attach
# to detach. Returns 1 when the cell cannot run at all (the next reps skip it).
run_once()
{
	local l=$1 r=$2 g=$3 rep=$4 raw c0 c1 resp='' half

	raw=$RAW/$l-$r-$g-$rep
	RUN_STATUS=ok RUN_NOTE='' SENT_PPS='' REPLY_PPS='' ELAPSED='' resp=''
	# The generator's end first: vnetctl attach looks at the peer.
	generator_side_on "$g" >>"$LOG" 2>&1
	if ! responder_on "$r" >>"$LOG" 2>&1; then
		responder_off "$r"
		generator_side_off
		record "$l" "$r" "$g" "$rep" error "cannot attach the $r responder (see raw/log.txt)" \
			"" "" "" ""
		return 1
	fi
	if [ "$l" = napi ] && [ "${g#v}" = "$g" ] && ! napi_on 1; then
		RUN_STATUS=n/a
		RUN_NOTE="no threaded NAPI on this veth arrangement"
	fi
	if [ "$RUN_STATUS" = ok ]; then
		c0=$(resp_count "$r")
		case $g in
		vbench) run_vbench "$r" "$l" "$raw" ;;
		vpacket) run_vbench "$r" "$l" "$raw" packet ;;
		trafgen) run_trafgen "$r" "$l" "$raw" ;;
		ping) run_ping "$r" "$l" "$raw" ;;
		esac
		c1=$(resp_count "$r")
		resp=
		if [[ $c0 =~ ^[0-9]+$ ]] && [[ $c1 =~ ^[0-9]+$ ]] && [ -n "$ELAPSED" ]; then
			resp=$(awk -v n=$((c1 - c0)) -v t="$ELAPSED" \
				'BEGIN { if (t > 0) printf "%.0f", n / t }')
		fi
		# Neither trafgen nor the drop baseline sees replies: the
		# responder's own counter is the rate.
		if [ -z "$REPLY_PPS" ] && [ "$RUN_STATUS" != error ]; then
			REPLY_PPS=$resp
		fi
		# A generator that gave up early has no rate worth the name:
		# the run was mostly its own start-up.
		half=$(awk -v e="${ELAPSED:-0}" -v d="$DURATION" 'BEGIN { print (e >= d / 2) }')
		if [ "$RUN_STATUS" = eagain ] && [ "$half" != 1 ]; then
			SENT_PPS='' REPLY_PPS='' resp=''
		fi
	fi
	[ "$l" = napi ] && [ "${g#v}" = "$g" ] && napi_off
	generator_side_off
	responder_off "$r"
	record "$l" "$r" "$g" "$rep" "$RUN_STATUS" "$RUN_NOTE" "$SENT_PPS" "$REPLY_PPS" \
		"$resp" "$ELAPSED"
	say "$(printf '  %-5s %-8s %-8s rep %d: %-7s sent %10s/s  replies %10s/s  %s' \
		"$l" "$r" "$g" "$rep" "$RUN_STATUS" "$(int_or_dash "$SENT_PPS")" \
		"$(int_or_dash "$REPLY_PPS")" "$RUN_NOTE")"
	[ "$RUN_STATUS" != n/a ]
}

# ---------------------------------------------------------------------------
# Aggregation: results.json, results.csv, table.md, plot.png.

aggregate()
{
	jq -s --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg kernel "$(uname -r)" \
		--argjson cpus "$NCPU" --argjson reps "$REPS" --arg duration "$DURATION" \
		--arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
		--arg load "$LOAD_BEFORE" \
		--slurpfile micro <(cat "$OUT/micro.json" 2>/dev/null) \
		--slurpfile guest <(cat "$RAW/guest.json" 2>/dev/null) '
	def med: sort | if length == 0 then null
		elif length % 2 == 1 then .[length / 2 | floor]
		else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	def stats: map(select(. != null)) |
		if length == 0 then null else {median: med, min: min, max: max, n: length} end;
	group_by([.layout, .responder, .generator]) | map({
		layout: .[0].layout, responder: .[0].responder, generator: .[0].generator,
		status: (if all(.status == "n/a") then "n/a"
			 elif any(.status == "error") then "error"
			 elif any(.status == "eagain") then "eagain" else "ok" end),
		notes: (map(.note) | map(select(. != "")) | unique),
		quit_after_s: (map(select(.status == "eagain") | .elapsed_s) |
			if length == 0 then null else {min: min, max: max} end),
		reps: length,
		sent_pps: (map(.sent_pps) | stats),
		reply_pps: (map(select(.status == "ok" or .status == "eagain") | .reply_pps) | stats),
		resp_pps: (map(.resp_pps) | stats),
		runs: .
	}) as $cells
	| def rate($l; $g; $r): $cells | map(select(.layout == $l and .generator == $g and
		.responder == $r)) | first | .reply_pps.median?;
	  def cell($l; $g; $r): $cells | map(select(.layout == $l and .generator == $g and
		.responder == $r)) | first;
	  def div($a; $b): if $a != null and $b != null and $b > 0 then $a / $b else null end;
	[$cells[] | . + {
		x_stack: div(.reply_pps.median?; rate(.layout; .generator; "stack")),
		x_bounce: div(.reply_pps.median?; rate(.layout; .generator; "bounce"))}] as $all
	| {meta: {date: $date, kernel: $kernel, cpus: $cpus, reps: $reps,
		  duration_s: ($duration | tonumber), commit: $commit, loadavg_before: $load,
		  addresses: "198.18.0.0/15", frame_bytes: 64},
	   cells: $all,
	   generator_ratio: [$all[] | select(.generator == "vbench") | . as $v |
		cell($v.layout; "trafgen"; $v.responder) as $t | select($t != null) |
		{layout: $v.layout, responder: $v.responder,
		 vbench_sent_pps: $v.sent_pps.median?, trafgen_sent_pps: $t.sent_pps.median?,
		 trafgen_status: $t.status,
		 sent_ratio: div($v.sent_pps.median?; $t.sent_pps.median?),
		 reply_ratio: div($v.reply_pps.median?; $t.reply_pps.median?)}],
	   micro: ($micro[0] // null),
	   guest: ($guest[0] // null)}
	# The issue'"'"'s targets, from this run'"'"'s own numbers.
	| . as $r | .targets = (([$r.cells[] | select(.generator == "vbench") | .layout] | unique | map(. as $l |
		{layout: $l, what: "vnet native >= 0.95 x bare bounce (vnetctl bench replies/s)",
		 value: div(rate($l; "vbench"; "native"); rate($l; "vbench"; "bounce")), target: 0.95},
		{layout: $l, what: "vnet native >= 10 x kernel stack (vnetctl bench replies/s)",
		 value: div(rate($l; "vbench"; "native"); rate($l; "vbench"; "stack")), target: 10},
		{layout: $l, what: "vnetctl bench (default method) >= 8 x --method packet, replies/s against vnet native",
		 value: div(rate($l; "vbench"; "native"); rate($l; "vpacket"; "native")), target: 8},
		{layout: $l, what: "vnetctl bench (default method) >= 30 x ping -f, replies/s against vnet native",
		 value: div(rate($l; "vbench"; "native"); rate($l; "ping"; "native")), target: 30},
		{layout: $l, what: "vnetctl bench >= 8 x trafgen, sent/s against vnet native",
		 value: div(cell($l; "vbench"; "native").sent_pps.median?;
			    (cell($l; "trafgen"; "native") | if .status == "ok" then .sent_pps.median?
			     else null end)), target: 8}))
		+ (if $r.micro then [{layout: "micro",
			what: "BPF_PROG_TEST_RUN vnet_xdp <= 1.3 x bench_bounce (IPv4, ns per packet)",
			value: $r.micro.rows[0].ratio?, target: 1.3, lower_is_better: true}] else [] end)
		| map(. + {met: (if .value == null then null elif .lower_is_better then .value <= .target
			else .value >= .target end)}))
	' "$RUNS" >"$OUT/results.tmp.json" || return 1
	mv "$OUT/results.tmp.json" "$OUT/results.json"
}

write_csv()
{
	jq -r '
	def n: if . == null then "" else . end;
	def r: if . == null then "" else (. * 1000 | round / 1000) end;
	"layout,responder,generator,status,reps,sent_pps_median,reply_pps_median,reply_pps_min,reply_pps_max,resp_pps_median,x_stack,x_bounce,note",
	(.cells[] | [.layout, .responder, .generator, .status, .reps,
		(.sent_pps.median | n), (.reply_pps.median | n), (.reply_pps.min | n),
		(.reply_pps.max | n), (.resp_pps.median | n), (.x_stack | r), (.x_bounce | r),
		(.notes | join("; "))] | @csv)
	' "$OUT/results.json" >"$OUT/results.csv"
}

# Mpps / kpps for humans.
write_table()
{
	jq -r --argjson order '{"stack":0,"native":1,"generic":2,"tc":3,"bounce":4,"drop":5}' \
		--argjson lorder '{"1cpu":0,"2cpu":1,"napi":2}' --arg dur "$DURATION" \
		--argjson gorder '{"vbench":0,"vpacket":1,"trafgen":2,"ping":3}' '
	# jq has no printf: fixed decimals by hand.
	def dec($d): (. * pow(10; $d) | round) as $n | ($n | tostring) as $s |
		if $d == 0 then $s
		else ("0" * ($d + 1 - ($s | length)) + $s) as $p |
			$p[0:($p | length) - $d] + "." + $p[($p | length) - $d:] end;
	def pps: if . == null then "-" elif . >= 1e6 then "\(. / 1e6 | dec(2)) M"
		else "\(. / 1e3 | dec(0)) k" end;
	def range: if .reply_pps == null then "-"
		else "\(.reply_pps.median | pps) [\(.reply_pps.min | pps) - \(.reply_pps.max | pps)]" end;
	def x: if . == null then "-" else "\(dec(2))x" end;
	def gname: {"vbench": "vnetctl bench", "vpacket": "vnetctl bench --method packet",
		"trafgen": "trafgen", "ping": "ping -f"}[.];
	def lname: {"1cpu": "1 CPU", "2cpu": "2 CPUs", "napi": "NAPI on CPU 1"}[.];
	. as $root |
	def med($l; $g; $r): [$root.cells[] | select(.layout == $l and .generator == $g and
		.responder == $r)] | first |
		if . == null then "" elif .status == "n/a" then "n/a"
		elif .status == "eagain" then "EAGAIN" elif .status == "error" then "error"
		else (.reply_pps.median? | pps) end;
	# Columns of the summary: the generator/layout pairs this run has.
	([.cells[] | select(.status != "n/a") | [.generator, .layout]] | unique |
		sort_by([$gorder[.[0]], $lorder[.[1]]])) as $cols |
	([.cells[] | .responder] | unique | sort_by($order[.])) as $rows |
	"Measured \(.meta.date), kernel \(.meta.kernel), \(.meta.cpus) CPUs, \(.meta.reps) x \(.meta.duration_s) s per cell, 64-byte IPv4 echo requests; load average before: \(.meta.loadavg_before)",
	"",
	"Replies/s (median of \(.meta.reps)):",
	"",
	"| responder | " + ($cols | map("\(.[0] | gname), \(.[1] | lname)") | join(" | ")) + " |",
	"|---|" + ($cols | map("--:") | join("|")) + "|",
	($rows[] | . as $r | "| \($r) | " + ($cols | map(med(.[1]; .[0]; $r)) | join(" | ")) + " |"),
	"",
	"Targets (issues 4 and 11), from this run:",
	"",
	"| target | layout | measured | met |",
	"|---|---|--:|---|",
	(.targets[]? | "| \(.what) | \(if .layout == "micro" then "-" else (.layout | lname) end) | " +
		(if .value == null then "- | n/a |" else "\(.value | x) | \(if .met then "yes" else "**no**" end) |" end)),
	"",
	"All cells:",
	"",
	"| layout | responder | generator | sent/s | replies/s median [min-max] | x stack | x bounce | notes |",
	"|---|---|---|--:|--:|--:|--:|---|",
	(.cells | sort_by([$lorder[.layout], $order[.responder], $gorder[.generator]])[] |
		"| \(.layout | lname) | \(.responder) | \(.generator | gname) | " +
		(if .status == "n/a" then "n/a | n/a | | | \(.notes | join("; ")) |"
		 else "\(.sent_pps.median? | pps) | \(range) | \(.x_stack | x) | \(.x_bounce | x) | " +
			(if .status != "ok" then "**\(.status)** " else "" end) +
			(if .quit_after_s then "after \(.quit_after_s.min | dec(2))-\(.quit_after_s.max | dec(2)) s of \($dur) s: " else "" end) +
			"\(.notes | join("; ")) |" end)),
	"",
	"Generator against generator on the same path (vnetctl bench / trafgen):",
	"",
	"| layout | responder | vnetctl bench sent/s | trafgen sent/s | ratio sent | ratio replies |",
	"|---|---|--:|--:|--:|--:|",
	(.generator_ratio | sort_by([$lorder[.layout], $order[.responder]])[] |
		"| \(.layout | lname) | \(.responder) | \(.vbench_sent_pps | pps) | \(.trafgen_sent_pps | pps)" +
		(if .trafgen_status == "eagain" then " (EAGAIN)" else "" end) +
		" | \(.sent_ratio | x) | \(.reply_ratio | x) |")
	' "$OUT/results.json" >"$OUT/table.md"
	cat >>"$OUT/table.md" <<'EOF'

Notes: replies/s is what came back to the generator (vnetctl bench: matched
replies; for `bounce`, the MAC-swapped requests it counts as "bounced"; ping -f:
received/s); for trafgen, which cannot see replies, and for `drop`, which sends
none, it is the responder's own counter (echo replies sent by R's stack, vnet's
tx_packets, bench_drop's frames) over trafgen's run time. x stack / x bounce:
replies/s against the kernel stack / the bare bounce with the same generator
and layout. veth hands native XDP_TX and redirected frames (live frames) only
to a device running a native XDP program, so `stack` and `tc` have
vnet_xdp_pass on the responder's veth; native and generic XDP cannot share a
device, so the `generic` cell's vnetctl bench sends through AF_PACKET
(--method packet). trafgen's replies are dropped by bench_drop on the
generator's veth (what vnetctl bench's sink does with its own); ping's reach
its socket through vnet_xdp_pass. trafgen quits when its TX ring flush
fails with EAGAIN (the receiver fell behind): such cells say **eagain**, with
the rate up to then.
EOF
}

write_plot()
{
	jq -r --argjson order '{"stack":0,"native":1,"generic":2,"tc":3,"bounce":4,"drop":5}' '
	.cells | map(select(.status != "n/a")) | group_by(.layout)[] |
		"# \(.[0].layout)",
		(group_by(.responder) | sort_by($order[.[0].responder])[] | . as $g |
			"\($g[0].responder) " + ([ "vbench", "trafgen", "ping" ] | map(. as $gen |
				($g | map(select(.generator == $gen)) | first | .reply_pps.median) //
				"NaN" | tostring) | join(" "))),
		"", ""
	' "$OUT/results.json" >"$RAW/plot.dat"
	gnuplot -e "datafile='$RAW/plot.dat'; outfile='$OUT/plot.png'" "$ROOT/bench/plot.gp" \
		>>"$LOG" 2>&1
}

# ---------------------------------------------------------------------------

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "bench: results in $OUT (load average $LOAD_BEFORE; other work on this machine skews the numbers)"
say "bench: $REPS rep(s) x ${DURATION}s; responders: $RESPONDERS; generators: $GENERATORS; layouts: $LAYOUTS"

HAVE_VBENCH=1
if [[ " $GENERATORS " == *" vbench "* ]] &&
   ! "$VNETCTL" bench --help >/dev/null 2>&1; then
	say "bench: vnetctl has no working 'bench' command: the vbench cells are skipped"
	HAVE_VBENCH=0
fi
HAVE_TRAFGEN=1
command -v trafgen >/dev/null || { HAVE_TRAFGEN=0; say "bench: trafgen missing: its cells are skipped"; }

setup_topology
# Which cells run, and which are recorded once as n/a or missing.
declare -A SKIP
for l in $LAYOUTS; do
	for r in $RESPONDERS; do
		for g in $GENERATORS; do
			na=$(cell_na "$r" "$g" "$l")
			if [ -n "$na" ]; then
				record "$l" "$r" "$g" 1 n/a "$na" "" "" "" ""
			elif [ "${g#v}" != "$g" ] && [ $HAVE_VBENCH = 0 ]; then
				record "$l" "$r" "$g" 1 error "vnetctl bench is not available" "" "" "" ""
			elif [ "$g" = trafgen ] && [ $HAVE_TRAFGEN = 0 ]; then
				record "$l" "$r" "$g" 1 error "trafgen is not installed" "" "" "" ""
			else
				continue
			fi
			SKIP[$l-$r-$g]=1
		done
	done
done
# Reps outermost: a burst of load elsewhere on the machine then hits every
# cell alike, instead of making the cells measured during it look slow.
for ((rep = 1; rep <= REPS; rep++)); do
	for l in $LAYOUTS; do
		for r in $RESPONDERS; do
			for g in $GENERATORS; do
				[ -n "${SKIP[$l-$r-$g]:-}" ] && continue
				run_once "$l" "$r" "$g" "$rep" || SKIP[$l-$r-$g]=1
			done
		done
	done
done

if [ "$MICRO" = 1 ]; then
	if [ "$QUICK" = 1 ]; then
		micro_args=(-R 100000 -r 5 -c 10000)
	else
		micro_args=()
	fi
	say "bench: bench/micro ${micro_args[*]} (BPF_PROG_TEST_RUN)"
	"$ROOT/bench/micro" "${micro_args[@]}" -o "$OUT/micro.json" >"$OUT/micro.txt" 2>>"$LOG" ||
		say "bench: bench/micro failed (see $LOG)"
fi

if [ "$GUEST" = 1 ]; then
	if "$ROOT/tests/vm/run.sh" --probe >/dev/null 2>&1; then
		say "bench: the QEMU guest part (BENCH_GUEST=0 skips it)"
		if VNET_VM_TIMEOUT=${BENCH_GUEST_TIMEOUT:-420} "$ROOT/tests/vm/run.sh" \
			"$ROOT/bench/guest.sh" >"$OUT/guest.txt" 2>>"$LOG"; then
			sed -n 's/^GUEST-JSON //p' "$OUT/guest.txt" | tail -n 1 >"$RAW/guest.json"
		else
			say "bench: the guest part failed (see $OUT/guest.txt and $LOG)"
		fi
	else
		say "bench: no guest kernel to boot: the QEMU part is skipped"
	fi
fi

aggregate || die "cannot aggregate $RUNS"
write_csv || die "cannot write results.csv"
write_table || die "cannot write table.md"
write_plot || say "bench: gnuplot failed (see $LOG)"

{
	echo
	cat "$OUT/table.md"
	if [ -s "$OUT/micro.txt" ]; then
		echo
		cat "$OUT/micro.txt"
	fi
	if [ -s "$OUT/guest.txt" ]; then
		echo
		grep -v '^GUEST-JSON ' "$OUT/guest.txt"
	fi
	echo
	echo "results: $OUT"
} | tee "$RAW/summary.txt"
