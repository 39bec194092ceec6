#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 29-e2e-hostile.t - what a hostile or unlucky user found (issue 12):
#   1. echo requests sent to another host's MAC are not answered (native,
#      generic, tc), counted in pass_other_host; --any-dst-mac answers them;
#   5. an unprivileged user can neither create nor hold vnetctl's lock, nor
#      hang or mislead root's vnetctl through /run/lock; a lock directory
#      that is not root's 0700 is refused with an honest line; a holder is
#      waited for a bounded time;
#   6. on a world-writable bpffs, a symlink or someone else's directory at
#      /sys/fs/bpf/vnet[/IFACE] is never followed: an unrelated pin stays;
#      the pin of a deleted device is removed by the next command;
#   7. requests with TTL / hop limit 0 are handed on (pass_ttl_zero); an
#      argument with a newline gives a one-line error, a 100 KB argument a
#      short one.
# Parts 5 and 6 run in a private mount namespace (a tmpfs /run, a bpffs of
# their own), so nothing outside the test's namespaces changes.

. "$(dirname "$0")/lib/vnet.sh"
vnet_require setpriv unshare
trap cleanup EXIT

OTHER_MAC=02:00:5e:10:00:99
plan $((1 + 3 * 6 + 3 + 9 + 10 + 6))

topo_reflector_client
ip -n "$C" neigh replace 198.18.0.3 lladdr "$OTHER_MAC" dev "$CIF" nud permanent &&
ip -n "$C" neigh replace 2001:db8::3 lladdr "$OTHER_MAC" dev "$CIF" nud permanent ||
	bail_out "cannot add the other host's neighbour entries"

#
# 1. Another host's MAC, in every mode that receives from the wire.
#
peer_xdp_on "own MAC" "$C" "$CIF"
for mode in native generic tc; do
	label="own MAC, $mode"
	attach_check "$label" "$R" "$RIF" "$mode" --mode "$mode"
	ping_answered "$label: pings to vnet's own MAC answered" "$C" 3 "${PING_FAST[@]}" 198.18.0.2
	probes_unanswered "$label" "$C" "to $OTHER_MAC" 198.18.0.3 2001:db8::3
	stats_read "$R" "$RIF"
	is "$(stats_field pass_other_host)" 6 "$label: pass_other_host counts the 6 requests to $OTHER_MAC"
	vctl "$R" detach "$RIF"
	is "$RC" 0 "$label: detach"
done
label="--any-dst-mac"
attach_check "$label" "$R" "$RIF" generic --mode generic --any-dst-mac
ping_answered "$label: pings to another host's MAC answered, as asked" "$C" 3 "${PING_FAST[@]}" 198.18.0.3
vctl "$R" detach "$RIF"
is "$RC" 0 "$label: detach"

#
# 7. TTL / hop limit 0, through rawping (ping cannot send IPv4 TTL 0).
#
label="TTL 0"
attach_check "$label" "$R" "$RIF" generic --mode generic
out4=$(nsexec "$C" "$TOOLS/rawping" -i "$CIF" -d "$RMAC" -n 3 -w 0.5 -T 0)
out6=$(nsexec "$C" "$TOOLS/rawping" -i "$CIF" -d "$RMAC" -6 -n 3 -w 0.5 -T 0)
is "$out4|$out6" "sent 3 replies 0 bad 0|sent 3 replies 0 bad 0" \
	"$label: IPv4 TTL 0 and IPv6 hop limit 0 requests unanswered"
out4=$(nsexec "$C" "$TOOLS/rawping" -i "$CIF" -d "$RMAC" -n 3 -w 1 -T 1)
is "$out4" "sent 3 replies 3 bad 0" "$label: TTL 1 answered"
stats_read "$R" "$RIF"
is "$(stats_field pass_ttl_zero) $(stats_field echo4) $(stats_field echo6)" "6 3 0" \
	"$label: pass_ttl_zero 6, echo4 3 (TTL 1 only), echo6 0"
rx=$(stats_field rx_packets)
sum=$(printf '%s' "$STATS" | json_get 'my $p = 0; $p += $d->{$_} for grep { /^pass_/ } keys %$d;
	$d->{tx_packets} + $d->{pass} + $d->{drop_rate_limited} == $d->{rx_packets} &&
	$p == $d->{pass} ? "consistent" : "rx $d->{rx_packets} pass $d->{pass} sum $p"')
is "$sum" consistent "$label: rx_packets == tx + pass + drop, pass == sum(pass_*) (rx $rx)"
vctl "$R" attach "$RIF" --force --respond "$(printf '198.18.0.0/24\nextra')"
is "$RC|$(printf '%s\n' "$ERR" | grep -c '')" "2|1" "--respond with a newline: usage error, one line"
like "$ERR" 'invalid prefix|not an IPv4 or IPv6 prefix' "  ... naming the prefix, the newline escaped: $ERR"
big=$(head -c 100000 /dev/zero | tr '\0' 9)
vctl "$R" attach "$RIF" --force --respond "$big"
cmp_ok "${#ERR}" '<' 300 "a 100 KB --respond: exit $RC, an error line of ${#ERR} bytes (< 300)"
vctl "$R" stats "$RIF" -w "$big"
is "$RC|$(printf '%s\n' "$ERR" | grep -c '')|$((${#ERR} < 300))" "2|1|1" \
	"a 100 KB interval: usage error, one short line"
vctl "$R" detach "$RIF"

#
# 5. The lock, in a private mount namespace with a fresh /run as after boot.
#
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
lockscript=$VNET_T_TMP/lock.sh
cat >"$lockscript" <<'SCRIPT'
# Runs in R, under unshare -m: a root-owned 0755 tmpfs /run, /run/lock 1777.
set -u
VNETCTL=$1 RIF=$2
shift 2
nobody=("$@")
mount -t tmpfs -o mode=0755 vnet-t-run /run || exit 3
mkdir -m 1777 /run/lock
step() { printf '%s|%s|%s\n' "$1" "$2" "$(printf '%s' "$3" | tr '\n' '~')"; }
# nobody first: no way to create our lock directory ...
"${nobody[@]}" mkdir /run/vnetctl 2>/dev/null; step nobody-mkdir $? ""
# ... and the old attack: nobody holds a flock on /run/lock/vnetctl.lock.
"${nobody[@]}" flock /run/lock/vnetctl.lock sleep 8 &
holder=$!
sleep 0.3
err=$(timeout 5 "$VNETCTL" respond "$RIF" add 198.18.7.0/24 2>&1 >/dev/null); step root-respond $? "$err"
kill $holder 2>/dev/null; wait $holder 2>/dev/null
# nobody cannot open, let alone flock, root's lock directory.
"${nobody[@]}" flock -n /run/vnetctl true 2>/dev/null; step nobody-flock $? ""
# A symlink planted at the old path changes nothing, nor makes a false claim.
rm -f /run/lock/vnetctl.lock
"${nobody[@]}" ln -s /etc/shadow /run/lock/vnetctl.lock
err=$(timeout 5 "$VNETCTL" respond "$RIF" del 198.18.7.0/24 2>&1 >/dev/null); step root-symlink $? "$err"
# A lock directory that is not root's 0700 (as if planted) is refused, honestly.
rm -rf /run/vnetctl && mkdir -m 0777 /run/vnetctl && chown 65534 /run/vnetctl
err=$(timeout 5 "$VNETCTL" status 2>&1 >/dev/null); step planted-dir $? "$err"
rm -rf /run/vnetctl && ln -s /tmp /run/vnetctl
err=$(timeout 5 "$VNETCTL" status 2>&1 >/dev/null); step planted-link $? "$err"
# Another root vnetctl holding it: waited for, bounded, then said so.
rm -f /run/vnetctl && mkdir -m 0700 /run/vnetctl
flock /run/vnetctl sleep 13 &
holder=$!
sleep 0.3
start=$(date +%s)
err=$(timeout 20 "$VNETCTL" status 2>&1 >/dev/null); rc=$?
step held "$rc $(( $(date +%s) - start ))" "$err"
kill $holder 2>/dev/null; wait $holder 2>/dev/null
SCRIPT
attach_check "lock" "$R" "$RIF" generic --mode generic --respond 198.18.6.0/24
nsexec "$R" unshare -m bash "$lockscript" "$VNETCTL" "$RIF" "${nobody[@]}" >"$VNET_T_TMP/lock.out" 2>&1
step_is()
{
	local got

	got=$(grep "^$1|" "$VNET_T_TMP/lock.out" | head -n 1)
	like "$got" "$2" "$3"
}
step_is nobody-mkdir '^nobody-mkdir\|1\|$' "lock: nobody cannot create /run/vnetctl"
step_is root-respond '^root-respond\|0\|$' \
	"lock: nobody's flock on /run/lock/vnetctl.lock does not hang root's respond add"
step_is nobody-flock '^nobody-flock\|[1-9][0-9]*\|$' "lock: nobody cannot flock /run/vnetctl"
step_is root-symlink '^root-symlink\|0\|$' \
	"lock: a symlink at /run/lock/vnetctl.lock changes nothing (no false 'needs CAP_BPF')"
step_is planted-dir "^planted-dir\|1\|vnetctl: cannot take the lock: /run/vnetctl is owned by uid 65534 with mode 0777, not root's 0700; refusing it, remove it as root$" \
	"lock: a /run/vnetctl not root's 0700 is refused in one honest line"
step_is planted-link "^planted-link\|1\|vnetctl: cannot take the lock: /run/vnetctl is not a directory \(a symlink or a file\?\); refusing it, remove it as root$" \
	"lock: a symlink at /run/vnetctl is refused in one honest line"
step_is held "^held\|1 1[0-2]\|vnetctl: cannot take the lock /run/vnetctl: another vnetctl has held it for 10 s$" \
	"lock: a holder is waited for 10 s, then said so"
vctl "$R" respond "$RIF" list
is "$RC|$OUT" "0|198.18.6.0/24" "lock: the prefixes are what the root commands made them"
[ -s "$VNET_T_TMP/lock.out" ] && diag "$(cat "$VNET_T_TMP/lock.out")"
vctl "$R" detach "$RIF"
is "$RC" 0 "lock: detach"

#
# 6. Pins on a world-writable bpffs of the test's own.
#
pinscript=$VNET_T_TMP/pin.sh
cat >"$pinscript" <<'SCRIPT'
# Runs in R (ip netns exec: a private /sys): a bpffs someone made 1777.
set -u
VNETCTL=$1 RIF=$2
mount -t bpf vnet-t-bpf /sys/fs/bpf -o mode=1777 || exit 3
step() { printf '%s|%s\n' "$1" "$2"; }
victim() { bpftool -j map show pinned /sys/fs/bpf/victim/vnet_stats 2>/dev/null |
	   sed -n 's/.*"name":"\([^"]*\)".*/\1/p'; }
mkdir /sys/fs/bpf/victim
bpftool map create /sys/fs/bpf/victim/vnet_stats type array key 4 value 4 entries 1 name victim ||
	exit 3
# Someone else's vnet/ with a symlink to the victim's directory.
mkdir -m 0777 /sys/fs/bpf/vnet && chown 65534 /sys/fs/bpf/vnet
ln -s /sys/fs/bpf/victim "/sys/fs/bpf/vnet/$RIF"
"$VNETCTL" attach "$RIF" --mode generic >/dev/null 2>&1; step attach-foreign-dir "$? $(victim)"
"$VNETCTL" detach "$RIF" >/dev/null 2>&1
# Our own vnet/, but a symlink planted at vnet/IFACE.
chown 0 /sys/fs/bpf/vnet && chmod 0700 /sys/fs/bpf/vnet
"$VNETCTL" attach "$RIF" --mode generic >/dev/null 2>&1; step attach-symlink "$? $(victim)"
"$VNETCTL" detach "$RIF" >/dev/null 2>&1; step detach-symlink "$? $(victim)"
# A device deleted while attached: the next command removes its pin.
rm "/sys/fs/bpf/vnet/$RIF"
ip link add vnet-t-pd0 type veth peer name vnet-t-pd1 && ip link set vnet-t-pd0 up
"$VNETCTL" attach vnet-t-pd0 --mode generic >/dev/null 2>&1
step pinned "$(ls /sys/fs/bpf/vnet/vnet-t-pd0 2>&1)"
ip link del vnet-t-pd0
for i in $(seq 1 20); do
	err=$("$VNETCTL" status 2>&1 >/dev/null)
	[ -e /sys/fs/bpf/vnet/vnet-t-pd0 ] || break
	sleep 0.1
done
step deleted-device "$([ -e /sys/fs/bpf/vnet/vnet-t-pd0 ] && echo left || echo gone) $err"
SCRIPT
nsexec "$R" bash "$pinscript" "$VNETCTL" "$RIF" >"$VNET_T_TMP/pin.out" 2>&1
pin_step()
{
	local got

	got=$(grep "^$1|" "$VNET_T_TMP/pin.out" | head -n 1)
	like "$got" "$2" "$3"
}
pin_step attach-foreign-dir '^attach-foreign-dir\|0 victim$' \
	"pins: attach with someone else's vnet/ and a symlink in it: attached, the victim's pin untouched"
pin_step attach-symlink '^attach-symlink\|0 victim$' \
	"pins: attach with a symlink at vnet/IFACE: attached, not followed"
pin_step detach-symlink '^detach-symlink\|0 victim$' "pins: detach does not follow it either"
pin_step pinned '^pinned\|vnet_stats$' "pins: a normal attach pins vnet/IFACE/vnet_stats"
pin_step deleted-device "^deleted-device\|gone vnetctl: warning: vnet-t-pd0: repaired: removed the pin /sys/fs/bpf/vnet/vnet-t-pd0/vnet_stats" \
	"pins: after ip link del of an attached device the next command removes its pin, saying so"
[ -s "$VNET_T_TMP/pin.out" ] && diag "$(cat "$VNET_T_TMP/pin.out")"
ok "nothing left on $RIF" vnet_absent "$R" "$RIF"
