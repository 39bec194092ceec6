#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 66-e2e-delay.t - delay=MS[/JITTER] per prefix (issue 15), and vnet.ko's
# delay line, measured with ping and `vnetctl bench` as a monitor would.
# Runs on the host (the refusals, and a kernel without sch_fq) and in the
# QEMU guest, whose Debian kernel has sch_fq (66-e2e-delay-vm.t).
#
# Topology: R/vr <-> C/vc, R without address, C 198.18.0.1/16 and
# 2001:db8:1::1/64 (neighbour entries for the prefixes point at vr).
#
#   - bad delays are one-line usage errors; XDP and loopback modes refuse
#     delay= in one line (attach: exit 2; respond add: exit 1), nothing left.
#   - without sch_fq (this build machine's kernel): a tc attach with delay=
#     fails in one line naming the fq qdisc, and leaves nothing.
#   - with sch_fq: attach (auto picks tc) puts fq 7e7: at vr's root;
#     198.18.4.0/22,delay=50/10 measured with `ping -c 200 -i 0.01`: the
#     median RTT 50 ms within -3/+6 (TCG adds its own), ping's mdev at
#     least 3.5 ms (uniform +-10 ms: 5.8; TCG's hiccups add, up to 8.3
#     seen) and the interquartile range 10 ms -3/+4 (outliers aside);
#     2001:db8:1::4:0/118,delay=20: median 20 -1/+6, interquartile range
#     under 2 ms (mdev is reported: one TCG stall of 300 ms makes it 25);
#     `vnetctl bench -t 1 -r 10500 -d 3`: at least 8,000 requests/s
#     offered (TCG: 10,444 on a quiet host, 8,400 at load 10), under 1% lost, p50 50 -3/+6
#     ms; a prefix without delay= still answers at once (every RTT < 10
#     ms); `delayed` counts exactly the replies held; detach removes fq
#     7e7:, a leftover fq 7e7: is repaired away, an fq of the
#     administrator's is used and left.
#   - vnet.ko (where it can be loaded: the guest): delay_us=20000,
#     jitter_us=5000: median 20 -1/+6 ms, mdev at least 1.7 (uniform:
#     2.9; 3.3 to 26 seen), interquartile range 5 -1.5/+3 ms; ping -f -l
#     300: at least 8,000 requests/s (12,700 in a quiet TCG guest, 9,100
#     with the host's load at 10), 99.9% answered, mean 20 -1/+7 ms;
#     delayed counts them; delay_us=0 answers at once again; answers on the line when the device goes
#     down are counted in link_flushed; rmmod with answers on the line;
#     a clean kernel log.

. "$(dirname "$0")/lib/vnet.sh"
vnet_require awk
trap cleanup EXIT

# The guest cannot autoload modules; the host has no sch_fq at all.
modprobe sch_fq 2>/dev/null

V4=198.18.4.0/22
V6=2001:db8:1::4:0/118
DST4=198.18.5.5
DST6=2001:db8:1::4:9
NOFQ="vnetctl: vr: delay= needs the fq qdisc (sch_fq), which this kernel does not have (CONFIG_NET_SCH_FQ; modprobe sch_fq)"
N_FQ=28		# checks that need sch_fq
N_KMOD=13	# checks that need vnet.ko loaded

plan $((11 + 2 + N_FQ + N_KMOD))

topo_pair
ip -n "$C" addr add 198.18.0.1/16 dev "$CIF" &&
	ip -n "$C" addr add 2001:db8:1::1/64 dev "$CIF" nodad &&
	ip -n "$C" neigh replace "$DST6" lladdr "$RMAC" dev "$CIF" nud permanent ||
	bail_out "cannot configure the client side"

fails_usage "delay not a number" \
	"vnetctl: $V4,delay=5x: delay=5x: not MS or MS/JITTER (milliseconds, up to 3 decimals)" \
	attach "$RIF" --respond "$V4,delay=5x"
fails_usage "jitter above the delay" \
	"vnetctl: $V4,delay=10/20: delay=10/20: the jitter must be at most the delay, and both together at most 9000 ms" \
	attach "$RIF" --respond "$V4,delay=10/20"
fails_usage "more than 3 decimals" \
	"vnetctl: $V4,delay=1.2345: delay=1.2345: not MS or MS/JITTER (milliseconds, up to 3 decimals)" \
	attach "$RIF" --respond "$V4,delay=1.2345"
fails_usage "generic mode refuses delay=" \
	"vnetctl: $RIF: delay= needs --mode tc: XDP cannot hold a reply back (tc stamps it with a departure time fq honours)" \
	attach "$RIF" --mode generic --respond "$V4,delay=50"
fails_usage "loopback mode refuses delay=" \
	"vnetctl: $RIF: delay= needs --mode tc: loopback replies go to the receive path, where no qdisc can hold them" \
	attach "$RIF" --mode loopback --respond "$V4,delay=50"
ok "nothing attached after the refusals" vnet_absent "$R" "$RIF"

attach_check "generic" "$R" "$RIF" generic --mode generic --respond "$V4"
vctl "$R" respond "$RIF" add "$V4,delay=50"
is "$RC/$ERR" "1/vnetctl: $RIF: delay= needs tc mode; vnet is attached in generic mode (attach --force --mode tc)" \
	"respond add delay= to a generic attachment: one line, exit 1"
vctl "$R" respond "$RIF" list
is "$OUT" "$V4" "... and the prefix is unchanged"
detach_check "generic" "$R" "$RIF" generic

# root_qdisc: the root qdisc of vr as "KIND HANDLE".
root_qdisc()
{
	tc -n "$R" qdisc show dev "$RIF" root | awk '{ print $2, $3; exit }'
}

have_fq=0
if tc -n "$R" qdisc add dev "$RIF" root handle 1: fq 2>/dev/null; then
	have_fq=1
	tc -n "$R" qdisc del dev "$RIF" root
fi

if [ "$have_fq" = 0 ]; then
	vctl "$R" attach "$RIF" --mode tc --respond "$V4,delay=50"
	is "$RC/$ERR" "1/$NOFQ" "no sch_fq: tc attach with delay= fails in one line naming fq"
	ok "... and leaves nothing (no filter, no clsact, the default root qdisc)" \
		eval 'vnet_absent "$R" "$RIF" && [ "$(root_qdisc)" = "noqueue 0:" ]'
	skip "no sch_fq in this kernel (tests/66-e2e-delay-vm.t runs these in the guest)" "$N_FQ"
else
	skip "this kernel has sch_fq: the no-fq refusal is the host's check" 2
fi

# rtts: the per-reply RTTs in ms of PING_OUT, one a line.
rtts()
{
	sed -n 's/.* time=\([0-9.]*\) ms$/\1/p' <<<"$PING_OUT"
}

# median: of the numbers on stdin.
median()
{
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# mdev: ping's own, from its summary line.
mdev()
{
	sed -n 's|^rtt min/avg/max/mdev = [0-9.]*/[0-9.]*/[0-9.]*/\([0-9.]*\) ms.*|\1|p' <<<"$PING_OUT"
}

# iqr: the interquartile range of the numbers on stdin (a uniform +-J: J).
iqr()
{
	sort -n | awk '{ v[NR] = $1 } END { if (NR >= 4) print v[int(NR * 3 / 4)] - v[int(NR / 4) + 1] }'
}

# between NAME VALUE LO HI: LO <= VALUE <= HI, as decimals.
between()
{
	ok "$1 ($2, want $3..$4)" awk -v v="$2" -v lo="$3" -v hi="$4" \
		'BEGIN { exit !(v != "" && v + 0 >= lo && v + 0 <= hi) }'
}

if [ "$have_fq" = 1 ]; then
	attach_check "tc" "$R" "$RIF" tc --respond "$V4,delay=50/10" --respond "$V6,delay=20"
	is "$(root_qdisc)" "fq 7e7:" "auto picked tc, and fq 7e7: is vr's root qdisc"
	vctl "$R" respond "$RIF" list
	is "$OUT" "$V4,delay=50/10"$'\n'"$V6,delay=20" "list shows the delays as given"
	stats_read "$R" "$RIF"
	held=$(stats_field delayed)

	ping_answered "IPv4: ping -c 200 -i 0.01, every reply" "$C" 200 -n -i 0.01 -W 2 "$DST4"
	between "IPv4 delay=50/10: median RTT" "$(rtts | median)" 47 56
	between "IPv4 delay=50/10: ping's mdev shows the jitter" "$(mdev)" 3.5 100
	between "IPv4 delay=50/10: the middle half of the RTTs spans 10 ms" "$(rtts | iqr)" 7 14
	ping_answered "IPv6: ping -c 50 -i 0.01, every reply" "$C" 50 -n -i 0.01 -W 2 "$DST6"
	between "IPv6 delay=20: median RTT" "$(rtts | median)" 19 26
	diag "IPv6 delay=20: ping's mdev $(mdev) ms"
	between "IPv6 delay=20: no jitter, the middle half of the RTTs within 2 ms" "$(rtts | iqr)" 0 2
	stats_read "$R" "$RIF"
	is "$(($(stats_field delayed) - held))" 250 "delayed counts the 250 replies held"

	# One sending thread: under single-threaded TCG two of them only
	# take turns, and the guest's backlog, not the delay, then sets the
	# RTT. Live frames (the guest's default) reach vr's tc hook through
	# GRO. Asked 10,500/s, the emulated guest offered 10,200 on a quiet
	# host and 8,500 on a busy one: the floor is 8,000.
	nsexec "$R" ethtool -K "$RIF" gro on >/dev/null 2>&1
	vctl "$C" bench "$CIF" --dst "$DST4" -t 1 -r 10500 -d 3 -j
	BENCH=$OUT
	diag "bench: $(json_get '"$d->{method}: sent $d->{sent}, replies $d->{replies}, sent_pps $d->{sent_pps}, p50 $d->{rtt_ns}{p50} ns, p90 $d->{rtt_ns}{p90} ns, p99 $d->{rtt_ns}{p99} ns"' <<<"$BENCH")"
	between "bench -r 10500: requests/s offered" "$(json_get '$d->{sent_pps}' <<<"$BENCH")" 8000 11000
	between "bench -r 10500: per mille lost" \
		"$(json_get '$d->{sent} ? 1000 * ($d->{sent} - $d->{replies}) / $d->{sent} : ""' <<<"$BENCH")" 0 10
	between "bench -r 10500: p50 RTT, ms" "$(json_get '$d->{rtt_ns}{p50} / 1e6' <<<"$BENCH")" 47 56

	vctl "$R" respond "$RIF" add 198.18.8.0/22
	is "$RC" 0 "respond add of a prefix without delay= to the tc attachment"
	ping_answered "a prefix without delay=: answered" "$C" 20 -n -i 0.01 -W 2 198.18.9.9
	between "... at once (slowest RTT, ms)" "$(rtts | sort -n | tail -1)" 0 10

	detach_check "tc" "$R" "$RIF" tc
	is "$(root_qdisc)" "noqueue 0:" "detach removed fq 7e7: (the default root again)"

	# What a kill -9 between making fq and attaching leaves: repaired.
	tc -n "$R" qdisc add dev "$RIF" root handle 7e7: fq
	vctl "$R" status
	like "$ERR" "$RIF: repaired: deleted the fq qdisc 7e7:" "a leftover fq 7e7: is repaired away ..."
	is "$(root_qdisc)" "noqueue 0:" "... by the next vnetctl command"

	# The administrator's fq: used as it is, and left.
	tc -n "$R" qdisc add dev "$RIF" root handle 1: fq
	attach_check "admin fq" "$R" "$RIF" tc --mode tc --respond "$V4,delay=30"
	ping_answered "admin fq: answered" "$C" 20 -n -i 0.05 -W 2 "$DST4"
	between "admin fq: median RTT" "$(rtts | median)" 29 36
	detach_check "admin fq" "$R" "$RIF" tc
	is "$(root_qdisc)" "fq 1:" "detach leaves the administrator's fq"
	tc -n "$R" qdisc del dev "$RIF" root
fi

# vnet.ko's delay line, where the module can be loaded (the guest).
KO=$VNET_ROOT/kmod/vnet.ko
PARAMS=/sys/module/vnet/parameters
if [ ! -f "$KO" ] || [ "$(modinfo -F vermagic "$KO" 2>/dev/null | cut -d' ' -f1)" != "$(uname -r)" ]; then
	skip "no kmod/vnet.ko built for $(uname -r) (tests/66-e2e-delay-vm.t runs these in the guest)" "$N_KMOD"
elif lsmod | grep -q '^vnet '; then
	skip "vnet.ko is loaded already: not this test's to change" "$N_KMOD"
elif ! insmod "$KO" numdevs=0 2>/dev/null; then
	skip "this kernel does not load modules" "$N_KMOD"
else
	VNET_T_CLEANUP_HOOKS+=("ip netns del '$(ns_name k)' 2>/dev/null; rmmod vnet 2>/dev/null")
	K=$(ns_name k)
	ns_add "$K"
	ip -n "$K" link add vd0 type vnet && ip -n "$K" addr add 198.18.0.1/24 dev vd0 &&
		ip -n "$K" link set vd0 up || bail_out "cannot set up a vnet device"
	echo 20000 >"$PARAMS/delay_us" && echo 5000 >"$PARAMS/jitter_us" ||
		bail_out "cannot set vnet.ko's delay_us and jitter_us"

	ping_answered "vnet.ko delay_us=20000 jitter_us=5000: ping -c 200 -i 0.01" \
		"$K" 200 -n -i 0.01 -W 2 198.18.0.2
	between "vnet.ko: median RTT" "$(rtts | median)" 19 26
	between "vnet.ko: ping's mdev shows the jitter" "$(mdev)" 1.7 100
	between "vnet.ko: the middle half of the RTTs spans 5 ms" "$(rtts | iqr)" 3.5 8
	# ping -f with 300 in flight: a reply frees the next request, so the
	# rate is what the delay line sustains (12k/s in the guest).
	stats=$(nsexec "$K" ethtool -S vd0)
	tx0=$(awk '$1 == "tx_packets:" { print $2 }' <<<"$stats")
	rx0=$(awk '$1 == "rx_packets:" { print $2 }' <<<"$stats")
	ping_run "$K" -q -n -f -l 300 -c 20000 -w 20 198.18.0.2
	sleep 0.3	# the last replies still on the line
	diag "ping -f -l 300: $(tail -n 2 <<<"$PING_OUT" | xargs)"
	stats=$(nsexec "$K" ethtool -S vd0)
	tx=$(($(awk '$1 == "tx_packets:" { print $2 }' <<<"$stats") - tx0))
	rx=$(awk '$1 == "rx_packets:" { print $2 }' <<<"$stats")
	rx=$((rx - rx0))
	ms=$(sed -n 's/.* time \([0-9]*\)ms$/\1/p' <<<"$PING_OUT")
	between "vnet.ko: ping -f -l 300: requests/s offered" "$((PING_TX * 1000 / ${ms:-1000000}))" 8000 100000
	between "vnet.ko at 10k/s: per mille answered (ethtool -S)" "$((rx * 1000 / (tx > 0 ? tx : 1)))" 999 1000
	between "vnet.ko at 10k/s: mean RTT" \
		"$(sed -n 's|^rtt min/avg/max/mdev = [0-9.]*/\([0-9.]*\)/.*|\1|p' <<<"$PING_OUT")" 19 27
	held=$(awk '$1 == "delayed:" { print $2 }' <<<"$stats")
	is "$held" "$((rx0 + rx))" "ethtool -S: delayed counts every reply held"
	echo 0 >"$PARAMS/delay_us"
	ping_answered "vnet.ko delay_us=0: answered" "$K" 20 -n -i 0.01 -W 2 198.18.0.2
	between "... at once (slowest RTT, ms)" "$(rtts | sort -n | tail -1)" 0 5

	# Down with answers on the line: dropped and counted, once each;
	# then rmmod with answers on the line of another device.
	warns0=$(dmesg | grep -cE 'BUG|WARNING|Oops|RIP:')
	echo 3000000 >"$PARAMS/delay_us"
	flushed0=$(nsexec "$K" ethtool -S vd0 | awk '$1 == "link_flushed:" { print $2 }')
	ping_run "$K" -n -c 5 -i 0.05 -w 1 198.18.0.2
	ip -n "$K" link set vd0 down
	stats=$(nsexec "$K" ethtool -S vd0)
	is "$(($(awk '$1 == "link_flushed:" { print $2 }' <<<"$stats") - flushed0))/$PING_RX" "$PING_TX/0" \
		"down with $PING_TX answers on the 3 s line: link_flushed counts them, none delivered"
	ip -n "$K" link add vd1 type vnet && ip -n "$K" addr add 198.18.1.1/24 dev vd1 &&
		ip -n "$K" link set vd1 up && ip -n "$K" link set vd0 up
	ping_run "$K" -n -c 5 -i 0.05 -w 1 198.18.1.2
	ok "rmmod with answers on the line" rmmod vnet
	is "$(dmesg | grep -cE 'BUG|WARNING|Oops|RIP:')" "$warns0" "no BUG, WARNING or oops in the kernel log"
fi
