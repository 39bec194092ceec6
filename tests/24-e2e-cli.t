#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 24-e2e-cli.t - vnetctl's command line against its contract (vnetctl(8), EXIT STATUS):
# help and version, usage errors (exit 2) and runtime errors (exit 1) as one
# `vnetctl: ` line on stderr, attach twice with and without --force, mode
# switches, foreign XDP programs and clsact qdiscs left alone, permissions,
# the JSON of status and stats, the stats map's pin, stats --watch, auto's
# choice on a driver without native XDP (macvlan), --no-ipv4/--no-ipv6.
# After every failure the link must look exactly as before it.

. "$(dirname "$0")/lib/vnet.sh"
vnet_require setpriv
trap cleanup EXIT

plan 93

topo_reflector_client
RIFINDEX=$(ip -n "$R" -j link show dev "$RIF" | json_get '$d->[0]{ifindex}')

# The link's state as one string, to compare before and after a command.
link_state()
{
	echo "xdp[$(xdp_attached "$R" "${1:-$RIF}")]" \
	     "in[$(tc_attached "$R" "${1:-$RIF}" ingress)]" \
	     "eg[$(tc_attached "$R" "${1:-$RIF}" egress)]" \
	     "qdisc[$(tc -n "$R" qdisc show dev "${1:-$RIF}" | grep -c '^qdisc clsact ')]"
}

#
# fails_with NAME RC ERE ARG...: `vnetctl ARG...` in R exits RC, prints
# nothing on stdout and exactly one line on stderr matching ERE.
#
fails_with()
{
	local name=$1 rc=$2 re=$3 lines

	shift 3
	vctl "$R" "$@"
	lines=$(printf '%s' "$ERR" | grep -c '')
	if [ "$RC" = "$rc" ] && [ -z "$OUT" ] && [ "$lines" = 1 ] && [[ $ERR =~ $re ]]; then
		pass "$name"
		return 0
	fi
	not_ok "$name" "vnetctl $*: want exit $rc, empty stdout, one stderr line matching /$re/" \
		"$(vctl_diag)"
}

# unchanged NAME BEFORE [IF]: the link looks as it did.
unchanged()
{
	is "$(link_state "$3")" "$2" "$1"
}

#
# Help and version: usage on stdout, exit 0, nothing on stderr.
#
for cmd in "" attach detach status stats; do
	# shellcheck disable=SC2086
	vctl "$R" $cmd --help
	if [ "$RC" = 0 ] && [ -z "$ERR" ] && [[ ${OUT,,} =~ usage ]] && [[ $OUT =~ ${cmd:-vnetctl} ]]; then
		pass "vnetctl ${cmd:+$cmd }--help: usage on stdout, exit 0"
	else
		not_ok "vnetctl ${cmd:+$cmd }--help: usage on stdout, exit 0" "$(vctl_diag)"
	fi
done
vctl "$R" --version
if [ "$RC" = 0 ] && [ -z "$ERR" ] && [[ $OUT =~ [0-9] ]]; then
	pass "vnetctl --version: a version on stdout, exit 0"
else
	not_ok "vnetctl --version: a version on stdout, exit 0" "$(vctl_diag)"
fi

#
# Usage errors: exit 2, one line, nothing attached.
#
fails_with "no command: exit 2" 2 '^vnetctl: '
fails_with "unknown command: exit 2" 2 '^vnetctl: .*frobnicate' frobnicate
fails_with "attach with an unknown option: exit 2" 2 '^vnetctl: .*bogus' attach "$RIF" --bogus
fails_with "attach with a bad mode: exit 2" 2 '^vnetctl: .*turbo' attach "$RIF" --mode turbo
fails_with "attach without IFACE: exit 2" 2 '^vnetctl: ' attach
fails_with "detach without IFACE: exit 2" 2 '^vnetctl: ' detach
fails_with "stats without IFACE: exit 2" 2 '^vnetctl: ' stats
fails_with "stats --count without a number: exit 2" 2 '^vnetctl: ' stats "$RIF" -w 0.2 -c lots
ok "after the usage errors nothing is attached to $RIF" vnet_absent "$R" "$RIF"

#
# Runtime errors with nothing attached: exit 1, one line.
#
fails_with "attach to a missing interface" 1 '^vnetctl: nosuch0: no such interface$' \
	attach nosuch0
fails_with "stats of a missing interface" 1 '^vnetctl: nosuch0: no such interface$' \
	stats nosuch0
fails_with "detach with nothing attached" 1 "^vnetctl: $RIF: vnet is not attached\$" \
	detach "$RIF"
fails_with "stats with nothing attached" 1 "^vnetctl: $RIF: vnet is not attached\$" \
	stats "$RIF"
vctl "$R" status -j
is "$RC $(printf '%s' "$OUT" | json_get 'ref $d eq "ARRAY" ? scalar @$d : "not an array"')" "0 0" \
	"status -j with nothing attached: an empty JSON array, exit 0"
vctl "$R" status
is "$RC" 0 "status with nothing attached: exit 0"

#
# Attach twice, --force, mode switches.
#
attach_check "generic" "$R" "$RIF" generic --mode generic
gen_prog=$PROG
before=$(link_state)
fails_with "attach again without --force: refused" 1 \
	"^vnetctl: $RIF: vnet is already attached \\(generic, prog id $gen_prog\\); use --force to replace it\$" \
	attach "$RIF" --mode generic
unchanged "  ... and $RIF still has exactly the first program" "$before"
fails_with "attach in another mode (tc) without --force: refused" 1 \
	"^vnetctl: $RIF: vnet is already attached \\(generic, prog id $gen_prog\\); use --force to replace it\$" \
	attach "$RIF" --mode tc
unchanged "  ... and no clsact qdisc or filter was added" "$before"

attach_check "generic->tc --force" "$R" "$RIF" tc --mode tc --force
tc_prog=$PROG
is "$(link_state)" "xdp[] in[vnet_tc_ingress handle=0x7e7 pref=2023 da id=$tc_prog] eg[] qdisc[1]" \
	"generic->tc --force: the XDP program is gone, the TC filter is there"
ping_answered "generic->tc --force: pings answered" "$C" 5 "${PING_FAST[@]}" 198.18.0.2
if wait_until 5 eval "! bpftool prog show id $gen_prog"; then
	pass "generic->tc --force: the replaced program $gen_prog is freed"
else
	not_ok "generic->tc --force: the replaced program $gen_prog is freed"
fi
attach_check "tc->generic --force" "$R" "$RIF" generic --force --mode generic
is "$(link_state)" "xdp[vnet_xdp generic id=$PROG] in[] eg[] qdisc[0]" \
	"tc->generic --force: filter and the clsact qdisc it created are gone"
# Options before IFACE (getopt permutation), auto with -v explains itself.
attach_check "--force --mode tc IFACE" "$R" "$RIF" tc --force --mode tc
vctl "$R" -v attach --force "$RIF"
if [ "$RC" = 0 ] && [[ $OUT =~ ^$RIF:\ attached\ in\ generic\ mode ]] && [[ $ERR =~ generic ]]; then
	pass "-v attach --force (auto): picks generic and says why on stderr"
else
	not_ok "-v attach --force (auto): picks generic and says why on stderr" "$(vctl_diag)"
fi
detach_check "after the switches" "$R" "$RIF" generic
fails_with "detach twice: not attached" 1 "^vnetctl: $RIF: vnet is not attached\$" detach "$RIF"

#
# Explicit native without an XDP program on the veth peer: attached, with a
# warning that says how to fix it; and indeed the replies vanish.
#
vctl "$R" attach "$RIF" --mode native
warn_re="^vnetctl: warning: veth peer $CIF has no XDP program.*xdpdrv obj ([^ ]*xdp_pass\\.bpf\\.o) sec xdp.*--mode generic"
if [ "$RC" = 0 ] && [[ $OUT =~ ^$RIF:\ attached\ in\ native\ mode ]] && [[ $ERR =~ $warn_re ]] &&
   [ "$(printf '%s' "$ERR" | grep -c '')" -le 2 ]; then
	pass "native without peer XDP: attached, warning names $CIF and the remedy"
	is "$(readlink -f "${BASH_REMATCH[1]}")" "$(readlink -f "$XDP_PASS_OBJ")" \
		"native without peer XDP: the warning names the in-tree xdp_pass.bpf.o"
else
	not_ok "native without peer XDP: attached, warning names $CIF and the remedy" "$(vctl_diag)"
	skip "no warning to take the path from"
fi
ping_unanswered "native without peer XDP: the replies are indeed dropped" "$C" \
	"${PING_PROBE[@]}" 198.18.0.2
detach_check "native without peer XDP" "$R" "$RIF" native

#
# A foreign XDP program is never removed nor replaced.
#
ip -n "$R" link set dev "$RIF" xdpgeneric obj "$XDP_PASS_OBJ" sec xdp ||
	bail_out "cannot attach xdp_pass to $R/$RIF"
before=$(link_state)
foreign=$(xdp_attached "$R" "$RIF")
foreign_id=${foreign##*id=}
diag "foreign program: $foreign"
fails_with "foreign XDP: detach says not attached" 1 "^vnetctl: $RIF: vnet is not attached\$" \
	detach "$RIF"
unchanged "foreign XDP: still there after detach" "$before"
fails_with "foreign XDP: attach generic refused, naming it" 1 \
	"^vnetctl: $RIF: .*$foreign_id.*vnet_xdp_pass|^vnetctl: $RIF: .*vnet_xdp_pass.*$foreign_id" \
	attach "$RIF" --mode generic
unchanged "foreign XDP: still there after the refused attach" "$before"
fails_with "foreign XDP: attach generic --force refused too, naming it" 1 \
	"^vnetctl: $RIF: .*$foreign_id.*vnet_xdp_pass|^vnetctl: $RIF: .*vnet_xdp_pass.*$foreign_id" \
	attach "$RIF" --mode generic --force
unchanged "foreign XDP: still there after the refused --force" "$before"
ip -n "$R" link set dev "$RIF" xdpgeneric off

#
# A clsact qdisc (with a filter) that was there before: used, not owned.
#
tc -n "$R" qdisc add dev "$RIF" clsact &&
tc -n "$R" filter add dev "$RIF" ingress pref 100 protocol ip u32 \
	match ip dst 198.18.9.9/32 flowid 1:1 || bail_out "cannot add the foreign clsact/u32"
foreign_tc=$(tc -n "$R" filter show dev "$RIF" ingress pref 100)
attach_check "existing clsact" "$R" "$RIF" tc --mode tc
ping_answered "existing clsact: pings answered" "$C" 5 "${PING_FAST[@]}" 198.18.0.2
detach_check_tc()
{
	vctl "$R" detach "$RIF"
	is "$RC|$OUT" "0|$RIF: detached (tc)" "existing clsact: detach prints '$RIF: detached (tc)'"
	is "$(tc -n "$R" filter show dev "$RIF" ingress pref 100)|$(tc_attached "$R" "$RIF" ingress)" \
		"$foreign_tc|" "existing clsact: only our filter removed, the u32 filter is still there"
	ok "existing clsact: the clsact qdisc we did not create is still there" has_clsact "$R" "$RIF"
}
detach_check_tc
tc -n "$R" qdisc del dev "$RIF" clsact

#
# A driver without native XDP: macvlan.
#
ip -n "$R" link add mv0 link "$RIF" type macvlan mode private && ip -n "$R" link set mv0 up ||
	bail_out "cannot create a macvlan in $R"
fails_with "macvlan: --mode native refused, with the remedy" 1 \
	'^vnetctl: mv0: driver macvlan does not support native XDP \(try --mode generic or --mode tc\)$' \
	attach mv0 --mode native
is "$(link_state mv0)" "xdp[] in[] eg[] qdisc[0]" "macvlan: nothing left behind by the refused attach"
attach_check "macvlan, auto" "$R" mv0 tc

#
# status and stats output, with two attachments (vr generic, mv0 tc).
#
attach_check "status" "$R" "$RIF" generic --mode generic
vctl "$R" status -j
is "$(printf '%s' "$OUT" | json_get '
	join ",", map { join "/", $_->{ifname}, $_->{ifindex}, $_->{mode}, $_->{prog_id} =~ /^\d+$/ ? "id" : "?",
			$_->{map_id} =~ /^\d+$/ ? "id" : "?",
			(grep { !/^\d+$/ } map { $_ // "" } @$_{qw(rx_packets tx_packets pass)}) ? "bad" : "counters" }
		sort { $a->{ifname} cmp $b->{ifname} } @$d')" \
	"mv0/$(ip -n "$R" -j link show dev mv0 | json_get '$d->[0]{ifindex}')/tc/id/id/counters,$RIF/$RIFINDEX/generic/id/id/counters" \
	"status -j: one object per attachment with every key"
vctl "$R" status
if [ "$RC" = 0 ] && [[ $OUT =~ IFACE ]] && printf '%s\n' "$OUT" | grep -Eq "^$RIF +generic " &&
   printf '%s\n' "$OUT" | grep -Eq '^mv0 +tc '; then
	pass "status: a header and a row per attachment"
else
	not_ok "status: a header and a row per attachment" "$(vctl_diag)"
fi
detach_check "macvlan" "$R" mv0 tc

ping_answered "stats: 10 pings for the counters" "$C" 10 "${PING_FAST[@]}" 198.18.0.2
vctl "$R" stats "$RIF"
is "$RC|$(printf '%s\n' "$OUT" | sed -n 's/^\([a-z0-9_]*\)[[:space:]]\{1,\}[0-9]\{1,\}$/\1/p' | paste -sd' ')" \
	"0|$(echo $VNET_FIELDS)" "stats: a 'name value' line for every counter, in vnet.shared.h's order"
is "$(printf '%s\n' "$OUT" | sed -n 's/^echo4[[:space:]]\{1,\}\([0-9]*\)$/\1/p')" 10 "stats: echo4 10"

vctl "$R" stats "$RIF" -j --per-cpu
ncpu=$(($(sed 's/.*-//' /sys/devices/system/cpu/possible) + 1))
is "$RC|$(printf '%s' "$OUT" | json_get 'scalar @{$d->{per_cpu}}')" "0|$ncpu" \
	"stats -j --per-cpu: valid JSON with one per_cpu entry per possible CPU ($ncpu)"
is "$(printf '%s' "$OUT" | json_get '
	my @bad;
	for my $f (split " ", $ARGV[0]) {
		my $s = 0;
		$s += $_->{$f} for @{$d->{per_cpu}};
		push @bad, "$f: total $d->{$f} sum $s" if $s != $d->{$f};
	}
	@bad ? join("; ", @bad) : "sums match"' "$VNET_FIELDS")" "sums match" \
	"stats -j --per-cpu: every total is the sum of its per-CPU values"
is "$(printf '%s' "$OUT" | json_get 'join ",", sort { $a <=> $b } map { $_->{cpu} } @{$d->{per_cpu}}')" \
	"$(seq -s, 0 $((ncpu - 1)))" "stats -j --per-cpu: cpu numbers 0..$((ncpu - 1))"

#
# The pin: where bpffs is mounted or mountable, the stats map is pinned at
# /sys/fs/bpf/vnet/IFACE/vnet_stats, and detach removes it. `ip netns exec`
# gives each command a private /sys, so all steps run in one shell there.
#
pin_out=$(nsexec "$R" sh -c '
	"$1" attach "$2" --force --mode tc >/dev/null || exit 1
	bpftool -j map show pinned /sys/fs/bpf/vnet/$2/vnet_stats
	"$1" stats "$2" -j
	"$1" detach "$2" >/dev/null || exit 1
	test -e /sys/fs/bpf/vnet/$2 && echo "pin left" || echo "pin gone"' sh "$VNETCTL" "$RIF" 2>&1)
pin_id=$(printf '%s\n' "$pin_out" | sed -n 1p | json_get '$d->{id}')
stats_map=$(printf '%s\n' "$pin_out" | sed -n 2p | json_get '$d->{map_id}')
if [ -n "$pin_id" ] && [ "$pin_id" = "$stats_map" ]; then
	pass "pin: /sys/fs/bpf/vnet/$RIF/vnet_stats is the map stats names (id $pin_id)"
else
	not_ok "pin: /sys/fs/bpf/vnet/$RIF/vnet_stats is the map stats names" "$pin_out"
fi
is "$(printf '%s\n' "$pin_out" | tail -n 1)" "pin gone" "pin: detach removes /sys/fs/bpf/vnet/$RIF"
attach_check "watch" "$R" "$RIF" generic --mode generic

#
# stats --watch.
#
WATCH_KEYS="interval_s rx_pps tx_pps pass_pps rx_mbps tx_mbps"
start=$(date +%s%N)
vctl "$R" stats "$RIF" -w 0.2 -c 3
ms=$((($(date +%s%N) - start) / 1000000))
is "$RC|$(printf '%s\n' "$OUT" | grep -c '')|$(printf '%s\n' "$OUT" | grep -c summary)" "0|4|1" \
	"stats -w 0.2 -c 3: exit 0, three interval lines and a summary"
if [ $ms -ge 550 ] && [ $ms -le 5000 ]; then
	pass "stats -w 0.2 -c 3: took ${ms} ms (0.6 s of intervals)"
else
	not_ok "stats -w 0.2 -c 3: took ${ms} ms, expected about 600" "$OUT"
fi
vctl "$R" stats "$RIF" -j -w 0.2 -c 3
is "$RC|$(printf '%s\n' "$OUT" | grep -c '')|$(printf '%s\n' "$OUT" | tail -n 1 |
	json_get '$d->{summary} ? "summary" : "no summary"')" "0|4|summary" \
	"stats -j -w 0.2 -c 3: four lines, the last one the summary, exit 0"
ok "stats -j -w 0.2 -c 3: every line is JSON" json_lines_ok <<<"$OUT"
is "$(printf '%s\n' "$OUT" | head -n 3 | KEYS="$WATCH_KEYS $VNET_FIELDS" perl -MJSON::PP -ne '
	my $d = decode_json($_);
	my @miss = grep { !defined $d->{$_} } split " ", $ENV{KEYS};
	print @miss ? "line $.: missing @miss\n" : "ok\n"' | sort -u)" ok \
	"stats -j --watch: each interval object has $WATCH_KEYS and every counter"

# Counts during a watch: the interval deltas add up to what was sent.
bg_start watch_pid timeout 30 ip netns exec "$R" "$VNETCTL" stats "$RIF" -j -w 0.5 -c 5 \
	>"$VNET_T_TMP/watch.out" 2>"$VNET_T_TMP/watch.err"
# The first interval line means the baseline was read: only then ping.
wait_until 10 test -s "$VNET_T_TMP/watch.out"
ping_run "$C" -c 10 -i 0.05 -W 1 -w 5 198.18.0.2
wait "$watch_pid"
watch_rc=$?
out=$(<"$VNET_T_TMP/watch.out")
is "$watch_rc|$PING_RX|$(printf '%s\n' "$out" | head -n 5 | perl -MJSON::PP -ne '
	$s += decode_json($_)->{echo4}; END { print $s + 0 }')|$(printf '%s\n' "$out" | tail -n 1 |
	json_get '$d->{echo4}')" "0|10|10|10" \
	"stats -j -w 0.5 -c 5 around 10 pings: interval echo4 deltas and the summary add up to 10"

# SIGTERM ends a watch with its summary. Signalled directly, not through
# timeout(1); the wait below and cleanup's bg_stop bound it instead.
bg_start watch_pid ip netns exec "$R" "$VNETCTL" stats "$RIF" -j -w 0.2 \
	>"$VNET_T_TMP/watch.out" 2>"$VNET_T_TMP/watch.err"
wait_until 10 eval '[ "$(grep -c "" "$VNET_T_TMP/watch.out")" -ge 2 ]'
kill -TERM "$watch_pid"
start=$(date +%s%N)
wait_until 3 eval "! kill -0 $watch_pid"
wait "$watch_pid"
watch_rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
out=$(<"$VNET_T_TMP/watch.out")
if [ "$watch_rc" = 0 ] && [ $ms -lt 3000 ] && [ "$(printf '%s\n' "$out" | grep -c '')" -ge 3 ] &&
   json_lines_ok <<<"$out" &&
   [ "$(printf '%s\n' "$out" | tail -n 1 | json_get '$d->{summary} ? "yes" : "no"')" = yes ]; then
	pass "stats -j -w 0.2, SIGTERM: exits 0 within ${ms} ms with JSON intervals and a summary"
else
	not_ok "stats -j -w 0.2, SIGTERM: exits 0 promptly with JSON intervals and a summary" \
		"exit $watch_rc after ${ms} ms" "$out" "$(<"$VNET_T_TMP/watch.err")"
fi

#
# Without privileges: the permission error, exit 1, nothing changed.
#
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
perm_re='^vnetctl: permission denied: needs CAP_BPF, CAP_NET_ADMIN \(and CAP_SYS_ADMIN to read maps\); run as root$'
before=$(link_state)
for args in "stats $RIF" "status" "detach $RIF" "attach $RIF --force --mode tc"; do
	# shellcheck disable=SC2086
	out=$(nsexec "$R" "${nobody[@]}" "$VNETCTL" $args 2>"$VNET_T_TMP/err")
	rc=$?
	err=$(<"$VNET_T_TMP/err")
	if [ "$rc" = 1 ] && [ -z "$out" ] && [ "$(printf '%s' "$err" | grep -c '')" = 1 ] &&
	   [[ $err =~ $perm_re ]]; then
		pass "as nobody without capabilities: $args: permission error, exit 1"
	else
		not_ok "as nobody without capabilities: $args: permission error, exit 1" \
			"exit $rc" "stdout: $out" "stderr: $err"
	fi
done
unchanged "as nobody: nothing changed on $RIF" "$before"

# The program vanishing under a watch: one-line error, exit 1.
bg_start watch_pid timeout 30 ip netns exec "$R" "$VNETCTL" stats "$RIF" -w 0.2 \
	>"$VNET_T_TMP/watch.out" 2>"$VNET_T_TMP/watch.err"
wait_until 10 test -s "$VNET_T_TMP/watch.out"
vctl "$R" detach "$RIF"
wait_until 3 eval "! kill -0 $watch_pid"
wait "$watch_pid"
watch_rc=$?
err=$(<"$VNET_T_TMP/watch.err")
if [ "$watch_rc" = 1 ] && [ "$(printf '%s' "$err" | grep -c '')" = 1 ] && [[ $err =~ ^vnetctl:\  ]]; then
	pass "stats -w while detached: one-line error, exit 1 ($err)"
else
	not_ok "stats -w while detached: one-line error, exit 1" "exit $watch_rc" "stderr: $err"
fi

#
# --no-ipv4 / --no-ipv6: that family is handed on, counted in pass_disabled.
#
attach_check "--no-ipv4" "$R" "$RIF" generic --mode generic --no-ipv4
ping_unanswered "--no-ipv4: IPv4 pings unanswered" "$C" "${PING_PROBE[@]}" 198.18.0.2
ping_answered "--no-ipv4: IPv6 pings answered" "$C" 5 -6 "${PING_FAST[@]}" 2001:db8::2
stats_read "$R" "$RIF"
is "$(stats_field echo4) $(stats_field echo6) $(stats_field pass_disabled)" "0 5 3" \
	"--no-ipv4: echo4 0, echo6 5, pass_disabled 3"
attach_check "--no-ipv6" "$R" "$RIF" tc --force --mode tc --no-ipv6
ping_unanswered "--no-ipv6: IPv6 pings unanswered" "$C" -6 "${PING_PROBE[@]}" 2001:db8::2
ping_answered "--no-ipv6: IPv4 pings answered" "$C" 5 "${PING_FAST[@]}" 198.18.0.2
stats_read "$R" "$RIF"
is "$(stats_field echo4) $(stats_field echo6) $(stats_field pass_disabled)" "5 0 3" \
	"--no-ipv6: echo4 5, echo6 0, pass_disabled 3"
detach_check "--no-ipv6" "$R" "$RIF" tc
