# shellcheck shell=bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# vnet.sh - what the end-to-end tests share: running vnetctl inside a
# namespace, reading counters two independent ways (vnetctl's JSON and
# bpftool's dump of the map by id), looking at what is attached the way an
# operator would (ip -d link, tc filter/qdisc show), and pinging with a
# verdict taken from ping's own summary line.
#
# Sourced by every tests/2*.t, after which `trap cleanup EXIT` is set.

VNET_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VNETCTL=${VNETCTL:-$VNET_ROOT/user/vnetctl}	# or an installed one
XDP_PASS_OBJ=$VNET_ROOT/.output/xdp_pass.bpf.o
TOOLS=$VNET_ROOT/tests/tools
# Frame sizes of a default ping (56 data bytes): Ethernet + IP + ICMP + data.
PING4_FRAME=$((14 + 20 + 8 + 56))
PING6_FRAME=$((14 + 40 + 8 + 56))

# shellcheck source=tests/lib/tap.sh
. "$VNET_ROOT/tests/lib/tap.sh"
# shellcheck source=tests/lib/netns.sh
. "$VNET_ROOT/tests/lib/netns.sh"

# The counters in the order of VNET_STATS_FIELDS, read from the header the
# program is built from, so a new counter is checked without editing tests.
VNET_FIELDS=$(sed -n 's/^[[:space:]]*X(\([a-z0-9_]*\),.*/\1/p' "$VNET_ROOT/bpf/vnet.shared.h")

VNET_T_TMP=$(mktemp -d "/tmp/$VNET_T_PREFIX.XXXXXX") || bail_out "mktemp failed"
VNET_T_CLEANUP_HOOKS+=("rm -rf '$VNET_T_TMP'")
# At once, not only where the test sets it: a bail-out in vnet_require
# (an unbuilt tree) must not leave the directory behind either.
trap cleanup EXIT

# Preconditions: a test that cannot run says why in one line (prove shows
# it) instead of failing on every check.
vnet_require()
{
	[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
	[ -x "$VNETCTL" ] || bail_out "$VNETCTL is missing: run make first"
	[ -f "$XDP_PASS_OBJ" ] || bail_out "$XDP_PASS_OBJ is missing: run make first"
	[ -x "$TOOLS/rawping" ] || bail_out "$TOOLS/rawping is missing: run make first"
	local t

	for t in ip tc bpftool ping timeout perl "$@"; do
		command -v "$t" >/dev/null || bail_out "$t is not installed (scripts/deps.sh)"
	done
}

#
# vctl NS ARG...: vnetctl inside NS. Sets OUT (stdout), ERR (stderr) and
# RC (exit status) and returns RC.
#
vctl()
{
	local ns=$1

	shift
	nsexec "$ns" "$VNETCTL" "$@" >"$VNET_T_TMP/out" 2>"$VNET_T_TMP/err"
	RC=$?
	OUT=$(<"$VNET_T_TMP/out")
	ERR=$(<"$VNET_T_TMP/err")
	return $RC
}

#
# fails_usage NAME MESSAGE ARG...: `vnetctl ARG...` in $R exits 2, prints
# nothing on stdout and exactly MESSAGE on stderr. One check.
#
fails_usage()
{
	local name=$1 msg=$2

	shift 2
	vctl "$R" "$@"
	if [ "$RC" = 2 ] && [ -z "$OUT" ] && [ "$ERR" = "$msg" ]; then
		pass "$name"
		return 0
	fi
	not_ok "$name" "vnetctl $*: want exit 2, stderr '$msg'" "$(vctl_diag)"
}

# The outcome of the last vctl, for diagnostics.
vctl_diag()
{
	printf 'exit status: %s\n--- stdout:\n%s\n--- stderr:\n%s' "$RC" "$OUT" "$ERR"
}

#
# json_get EXPR [ARG...] < JSON: evaluate the Perl expression EXPR with $d
# bound to the decoded document (and ARGs in @ARGV) and print the result
# (compact JSON for a reference).
# Exit 2 when the input is not JSON, 1 when EXPR is undefined.
#
json_get()
{
	perl -MJSON::PP -e '
		my $expr = shift;
		my $text = do { local $/; <STDIN> };
		my $d = eval { JSON::PP->new->decode($text) };
		if (!defined $d) { print STDERR "not JSON: $@"; exit 2; }
		my $v = eval $expr;
		die "json_get: $@" if $@;
		exit 1 unless defined $v;
		print ref $v ? JSON::PP->new->canonical->encode($v) : $v, "\n";
	' "$@"
}

# json_lines_ok < TEXT: every non-empty line is one JSON value.
json_lines_ok()
{
	perl -MJSON::PP -ne '
		next unless /\S/;
		eval { JSON::PP->new->decode($_); 1 } or die "line $.: not JSON: $_";
		$n++;
		END { exit($n ? 0 : 1) }'
}

#
# stats_read NS IF: `vnetctl stats IF -j` into STATS (the JSON text);
# stats_field FIELD prints one value from it.
#
stats_read()
{
	vctl "$1" stats "$2" -j
	STATS=$OUT
	return $RC
}

stats_field()
{
	printf '%s' "$STATS" | json_get "\$d->{'$1'}"
}

# stats_consistent: "consistent" when the last stats_read's counters add up
# (rx_packets == tx_packets + pass, pass == the sum of the pass_*), else
# the figures.
stats_consistent()
{
	printf '%s' "$STATS" | json_get '
		my $p = 0;
		$p += $d->{$_} for grep { /^pass_/ } keys %$d;
		($d->{rx_packets} == $d->{tx_packets} + $d->{pass} && $d->{pass} == $p) ?
			"consistent" :
			"rx $d->{rx_packets} tx $d->{tx_packets} pass $d->{pass} sum(pass_*) $p"'
}

#
# map_sum MAP_ID FIELD: FIELD of the vnet_stats map with id MAP_ID summed
# over every CPU, from bpftool's BTF-formatted dump. Map ids are global,
# so this works from the root namespace without touching any link.
#
map_dump()
{
	timeout 20 bpftool -j map dump id "$1" >"$VNET_T_TMP/map.json" ||
		: >"$VNET_T_TMP/map.json"	# no stale dump of an earlier map
}

map_sum()
{
	json_get "
		my \$s = 0;
		\$s += \$_->{value}{'$2'} for @{\$d->[0]{formatted}{values}};
		\$s" <"$VNET_T_TMP/map.json"
}

#
# What is on a link, as iproute2 reports it.
#   xdp_attached NS IF: "NAME MODE id=ID" (MODE native|generic|offload|multi)
#     or "" when no XDP program is attached.
#   tc_attached NS IF ingress|egress: "NAME handle=H pref=P da id=ID" per
#     BPF filter, space-separated, or "".
#   has_clsact NS IF: exit 0 when a clsact qdisc is on IF.
#
xdp_attached()
{
	ip -n "$1" -j -d link show dev "$2" | json_get '
		my $x = $d->[0]{xdp};
		my %mode = (1 => "native", 2 => "generic", 3 => "offload", 4 => "multi");
		$x ? sprintf("%s %s id=%s", $x->{prog}{name} // "?",
			     $mode{$x->{mode}} // $x->{mode}, $x->{prog}{id} // "?") : ""'
}

tc_attached()
{
	tc -n "$1" -j filter show dev "$2" "$3" | json_get '
		join " ", map {
			my $o = $_->{options};
			sprintf("%s handle=%s pref=%s%s id=%s", $o->{prog}{name} // "?",
				$o->{handle}, $_->{pref}, $o->{"direct-action"} ? " da" : "",
				$o->{prog}{id} // "?")
		} grep { $_->{kind} eq "bpf" && $_->{options} } @$d'
}

has_clsact()
{
	tc -n "$1" qdisc show dev "$2" | grep -q '^qdisc clsact '
}

# Nothing on NS/IF: no XDP program, no filter either way, no clsact qdisc.
vnet_absent()
{
	local ns=$1 ifc=$2 xdp in eg

	xdp=$(xdp_attached "$ns" "$ifc")
	in=$(tc -n "$ns" filter show dev "$ifc" ingress 2>&1)
	eg=$(tc -n "$ns" filter show dev "$ifc" egress 2>&1)
	if [ -n "$xdp" ] || [ -n "$in" ] || [ -n "$eg" ] || has_clsact "$ns" "$ifc"; then
		echo "xdp: '$xdp'"
		echo "tc ingress: '$in'"
		echo "tc egress: '$eg'"
		tc -n "$ns" qdisc show dev "$ifc"
		return 1
	fi
	return 0
}

#
# ping_run NS ARG...: iputils ping inside NS, bounded. Sets PING_OUT, PING_RC
# and, from the summary line, PING_TX, PING_RX, PING_DUP, PING_ERR, PING_LOSS.
#
ping_run()
{
	local ns=$1

	shift
	PING_OUT=$(nsexec "$ns" ping "$@" 2>&1)
	ping_parse $?
}

# ping_parse RC: set the PING_* results from PING_OUT and RC.
ping_parse()
{
	local re

	PING_RC=$1
	PING_TX='' PING_RX='' PING_DUP=0 PING_ERR=0 PING_LOSS=''
	re='([0-9]+) packets transmitted, ([0-9]+) received(, \+([0-9]+) duplicates)?(, \+([0-9]+) errors)?, ([0-9.]+)% packet loss'
	if [[ $PING_OUT =~ $re ]]; then
		PING_TX=${BASH_REMATCH[1]}
		PING_RX=${BASH_REMATCH[2]}
		PING_DUP=${BASH_REMATCH[4]:-0}
		PING_ERR=${BASH_REMATCH[6]:-0}
		PING_LOSS=${BASH_REMATCH[7]}
	fi
}

#
# ping_answered NAME NS COUNT ARG...: COUNT requests, COUNT replies, no
# duplicates, no errors, 0% loss, exit 0.
#
ping_answered()
{
	local name=$1 ns=$2 count=$3

	shift 3
	ping_run "$ns" -c "$count" "$@"
	if [ "$PING_RC" = 0 ] && [ "$PING_TX" = "$count" ] && [ "$PING_RX" = "$count" ] &&
	   [ "$PING_DUP" = 0 ] && [ "$PING_ERR" = 0 ] && [ "$PING_LOSS" = 0 ]; then
		pass "$name"
		return 0
	fi
	not_ok "$name" "ping -c $count $* in $ns: exit $PING_RC, want $count/$count, 0% loss" \
		"$(printf '%s\n' "$PING_OUT" | tail -n 4)"
}

# ping_unanswered NAME NS ARG...: requests went out, none came back (exit 1).
ping_unanswered()
{
	local name=$1 ns=$2

	shift 2
	ping_run "$ns" "$@"
	ping_judge_unanswered "$name" "ping $* in $ns"
}

ping_judge_unanswered()
{
	if [ "$PING_RC" = 1 ] && [ -n "$PING_TX" ] && [ "$PING_TX" -gt 0 ] && [ "$PING_RX" = 0 ]; then
		pass "$1"
		return 0
	fi
	not_ok "$1" "$2: exit $PING_RC, want requests sent and none answered" \
		"$(printf '%s\n' "$PING_OUT" | tail -n 4)"
}

#
# probes_unanswered LABEL NS WHEN [V4DST V6DST]: an IPv4 and an IPv6 probe
# (PING_PROBE) at the same time, as they only wait for nothing; two checks.
#
probes_unanswered()
{
	local label=$1 ns=$2 when=$3 dst4=${4:-198.18.0.2} dst6=${5:-2001:db8::2} pid4 pid6 rc4 rc6

	nsexec "$ns" ping "${PING_PROBE[@]}" "$dst4" >"$VNET_T_TMP/probe4" 2>&1 &
	pid4=$!
	nsexec "$ns" ping -6 "${PING_PROBE[@]}" "$dst6" >"$VNET_T_TMP/probe6" 2>&1 &
	pid6=$!
	wait $pid4
	rc4=$?
	wait $pid6
	rc6=$?
	PING_OUT=$(<"$VNET_T_TMP/probe4")
	ping_parse $rc4
	ping_judge_unanswered "$label: IPv4 ping unanswered $when" "ping $dst4 in $ns"
	PING_OUT=$(<"$VNET_T_TMP/probe6")
	ping_parse $rc6
	ping_judge_unanswered "$label: IPv6 ping unanswered $when" "ping -6 $dst6 in $ns"
}

# Probes expected to go unanswered: 3 requests 0.2 s apart, 1 s for the
# last reply. No -w: with -c, ping would wait out the whole deadline.
PING_PROBE=(-c 3 -i 0.2 -W 1)
# Measured runs of up to 200 requests: 20 ms apart, the whole run bounded.
PING_FAST=(-i 0.02 -W 1 -w 15)

#
# attach_check LABEL NS IF WANT [ARG...]: `vnetctl attach IF ARG...` in NS
# must exit 0 and print exactly "IF: attached in WANT mode (prog id N, map
# id M)". One check; sets PROG and MAP (empty on failure).
#
attach_check()
{
	local label=$1 ns=$2 ifc=$3 want=$4 re

	shift 4
	vctl "$ns" attach "$ifc" "$@"
	re="^$ifc: attached in $want mode \(prog id ([0-9]+), map id ([0-9]+)\)\$"
	PROG='' MAP=''
	if [ "$RC" = 0 ] && [[ $OUT =~ $re ]]; then
		PROG=${BASH_REMATCH[1]}
		MAP=${BASH_REMATCH[2]}
		pass "$label: attach${*:+ $*} prints '$OUT'"
		return 0
	fi
	not_ok "$label: attach${*:+ $*} exits 0 and says '$ifc: attached in $want mode (...)'" \
		"$(vctl_diag)"
}

#
# detach_check LABEL NS IF WANT: `vnetctl detach IF` must print exactly
# "IF: detached (WANT)" and leave no XDP program, filter or clsact on IF.
# Two checks.
#
detach_check()
{
	local label=$1 ns=$2 ifc=$3 want=$4

	vctl "$ns" detach "$ifc"
	if [ "$RC" = 0 ] && [ "$OUT" = "$ifc: detached ($want)" ]; then
		pass "$label: detach prints '$ifc: detached ($want)'"
	else
		not_ok "$label: detach prints '$ifc: detached ($want)'" "$(vctl_diag)"
	fi
	ok "$label: no XDP program, TC filter or clsact qdisc left on $ifc" \
		vnet_absent "$ns" "$ifc"
}

# xdp_pass on the client's veth: what veth needs to deliver native XDP_TX.
peer_xdp_on()
{
	ok "$1: xdp_pass attached to $2/$3 (veth delivers native XDP_TX only to an XDP peer)" \
		ip -n "$2" link set dev "$3" xdpdrv obj "$XDP_PASS_OBJ" sec xdp
}

peer_xdp_off()
{
	ok "$1: xdp_pass removed from $2/$3" ip -n "$2" link set dev "$3" xdpdrv off
}

#
# mode_begin RUN LABEL: one run of a list of "REQ WANT PEER" modes begins:
# sets req, want, peer and label="LABEL, WANT"; where PEER is 1, xdp_pass
# goes on C's end first; then vnet is attached on R in mode REQ, WANT
# expected. One check (two with PEER 1). mode_end: the run's detach, and
# xdp_pass off again. Two checks (three).
#
mode_begin()
{
	read -r req want peer <<<"$1"
	label="$2, $want"
	[ "$peer" = 1 ] && peer_xdp_on "$label" "$C" "$CIF"
	attach_check "$label" "$R" "$RIF" "$want" --mode "$req"
}

mode_end()
{
	detach_check "$label" "$R" "$RIF" "$want"
	[ "$peer" = 1 ] && peer_xdp_off "$label" "$C" "$CIF"
}

#
# rawping_answered NS IF DSTMAC NAME ARG...: tests/tools/rawping ARG...
# sends $N echo requests out of IF in NS to DSTMAC: all N answered with
# valid replies. One check.
#
rawping_answered()
{
	local ns=$1 ifc=$2 dst=$3 name=$4 out

	shift 4
	out=$(nsexec "$ns" "$TOOLS/rawping" -i "$ifc" -d "$dst" -n "$N" "$@" 2>&1)
	is "$out" "sent $N replies $N bad 0" "$name"
}
