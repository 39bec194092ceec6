#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 42-e2e-apply.t - `vnetctl apply FILE|IFACE` and vnet@.service's commands.
#
# On the standard reflector/client veth pair: --dry-run changes nothing;
# the first apply attaches with everything the file says (ping answered
# with the file's TTL); applying again is "up to date" with the same
# program; a prefix change, attributes (hops=, loss=, ...) included, is
# made live (same program id) and a TTL, mode, claim-age or seed change
# re-attaches; every kind of bad file is one line naming FILE:LINE,
# exit 1, and leaves the attachment exactly as it was; usage errors exit 2.
# Then the unit: ExecStart, ExecReload and ExecStop taken from the rendered
# vnet@.service (with %i/%I as systemd expands them) run as the unit would,
# and systemd-analyze verifies the unit file where systemd is installed.

. "$(dirname "$0")/lib/vnet.sh"
trap cleanup EXIT
vnet_require

plan 60

topo_reflector_client
ETC=$VNET_T_TMP/etc
CONF=$ETC/$RIF.conf
mkdir -p "$ETC"

conf() { printf '%s\n' "$@" >"$CONF"; }
apply() { vctl "$R" apply "$CONF" "$@"; }
# The attachment as `status -j` has it: "MODE PROG_ID PREFIXES", or "".
state()
{
	vctl "$R" status -j
	printf '%s' "$OUT" | json_get 'join " ", map { "$_->{mode} $_->{prog_id} $_->{prefixes}" } @$d'
}
prefixes() { vctl "$R" respond "$RIF" list; printf '%s' "$OUT" | paste -sd' '; }

# --- plan only ---------------------------------------------------------
conf "# the reflector" "mode = generic" "ttl = 9   # far away" \
	"respond = 198.18.0.0/24, 2001:db8::/64" "rate-limit = 100000/source"
apply --dry-run
is "$RC $OUT" "0 $RIF: not attached: vnetctl attach $RIF --mode generic --respond 198.18.0.0/24 --respond 2001:db8::/64 --rate-limit 100000/source --ttl 9" \
	"--dry-run prints the attach it would run"
is "$(state)" "" "--dry-run changed nothing"
apply -n -j
like "$(printf '%s' "$OUT" | json_get '$d->{dry_run} . " " . $d->{changes}[0]{command}[1] . " " . $d->{changes}[0]{reason}')" \
	'^(1|true) attach not attached$' "-n -j: the plan as JSON"

# --- attach from nothing -----------------------------------------------
apply
like "$RC $OUT" "^0 $RIF: not attached: vnetctl attach .*
$RIF: attached in generic mode \(prog id [0-9]+, map id [0-9]+\)\$" "apply attaches, printing the command and attach's line"
st=$(state)
like "$st" '^generic [0-9]+ 2$' "status: generic mode, 2 prefixes ($st)"
prog=$(cut -d' ' -f2 <<<"$st")
ping_run "$C" -c 2 -i 0.2 -W 1 198.18.0.2
like "$PING_RC $PING_RX $PING_OUT" '^0 2 .*ttl=9 ' "ping answered with the file's TTL 9"

apply
is "$RC $OUT" "0 $RIF: up to date (generic mode, prog id $prog)" "applying again: up to date"
is "$(state)" "$st" "... and nothing changed"

# --- prefixes live -----------------------------------------------------
conf "mode = generic" "ttl = 9" "rate-limit = 100000/source" \
	"respond = 198.18.0.0/24" "respond = 198.18.8.0/24 2001:db8:2::/64"
apply
is "$RC $OUT" "0 $RIF: 2 prefixes to add: vnetctl respond $RIF add 198.18.8.0/24 2001:db8:2::/64
$RIF: 1 prefix to delete: vnetctl respond $RIF del 2001:db8::/64" "changed prefixes: respond add, then del"
is "$(prefixes)" "198.18.0.0/24 198.18.8.0/24 2001:db8:2::/64" "the prefixes are the file's"
is "$(state)" "generic $prog 3" "... in the same program (no re-attach)"

# --- prefix attributes, live -------------------------------------------
conf "mode = generic" "ttl = 9" "rate-limit = 100000/source" \
	"respond = 198.18.0.0/24,hops=2,ports=22,80, 198.18.8.0/24" "respond = 2001:db8:2::/64,dup=50%"
apply
is "$RC $OUT" "0 $RIF: 2 prefixes to add: vnetctl respond $RIF add 198.18.0.0/24,hops=2,via=198.18.0.1,ports=22,80 2001:db8:2::/64,dup=50%" \
	"respond = with attributes: the changed prefixes re-added with them"
is "$(prefixes)" "198.18.0.0/24,hops=2,via=198.18.0.1,ports=22,80 198.18.8.0/24 2001:db8:2::/64,dup=50%" \
	"... the prefixes carry the file's attributes"
is "$(state)" "generic $prog 3" "... in the same program"
ping_run "$C" -c 2 -i 0.2 -W 1 198.18.0.2
like "$PING_RC $PING_RX $PING_OUT" '^0 2 .*ttl=7 ' "ping answered 2 hops down from the file's TTL 9"
apply
is "$RC $OUT" "0 $RIF: up to date (generic mode, prog id $prog)" "... and then up to date"
conf "mode = generic" "ttl = 9" "rate-limit = 100000/source" \
	"respond = 198.18.0.0/24,hops=3,ports=22,80 198.18.8.0/24 2001:db8:2::/64,dup=50%"
apply
is "$RC $OUT" "0 $RIF: 1 prefix to add: vnetctl respond $RIF add 198.18.0.0/24,hops=3,via=198.18.0.1,ports=22,80" \
	"hops=2 -> hops=3: that prefix alone, changed in place"
ping_run "$C" -c 2 -i 0.2 -W 1 198.18.0.2
like "$PING_RC $PING_RX $PING_OUT" '^0 2 .*ttl=6 ' "... pings now 3 hops down"
conf "mode = generic" "ttl = 9" "rate-limit = 100000/source" \
	"respond = 198.18.0.0/24,loss=100% 198.18.8.0/24 2001:db8:2::/64,dup=50%"
apply
ping_run "$C" -c 3 -i 0.2 -W 1 198.18.0.2
is "$RC $PING_RX" "0 0" "hops=3 -> loss=100%: no reply any more"
conf "mode = generic" "ttl = 9" "rate-limit = 100000/source" \
	"respond = 198.18.0.0/24" "respond = 198.18.8.0/24 2001:db8:2::/64"
apply
is "$(prefixes) $(state)" "198.18.0.0/24 198.18.8.0/24 2001:db8:2::/64 generic $prog 3" \
	"attributes dropped from the file: plain prefixes again, same program"

# --- re-attach when the program must change ----------------------------
conf "mode = generic" "ttl = 64" "rate-limit = 100000/source" \
	"respond = 198.18.0.0/24 198.18.8.0/24 2001:db8:2::/64"
apply
like "$RC $OUT" "^0 $RIF: changed: ttl: vnetctl attach $RIF --force --mode generic .*--ttl 64
$RIF: attached in generic mode" "a TTL change re-attaches with --force"
st=$(state)
like "$st" '^generic [0-9]+ 3$' "... keeping the file's 3 prefixes ($st)"
isnt_prog=$(cut -d' ' -f2 <<<"$st")
cmp_ok "$isnt_prog" '!=' "$prog" "... in a new program"
ping_run "$C" -c 2 -i 0.2 -W 1 198.18.0.2
like "$PING_RC $PING_RX $PING_OUT" '^0 2 .*ttl=64 ' "ping answered with the new TTL 64"

conf "mode = tc" "ttl = 64"
apply
like "$RC $OUT" "^0 $RIF: mode generic -> tc: vnetctl attach $RIF --force --mode tc --ttl 64
$RIF: attached in tc mode" "a mode change re-attaches in the new mode"
st=$(state)
like "$st" '^tc [0-9]+ 0$' "tc mode, no prefixes ($st)"
ping_answered "tc attachment answers" "$C" 2 -i 0.2 -W 1 198.18.0.2

conf "mode = auto" "ttl = 64"
apply
is "$RC $OUT" "0 $RIF: up to date (tc mode, prog id $(cut -d' ' -f2 <<<"$st"))" \
	"mode = auto accepts the tc attachment there"

conf "mode = tc" "ttl = 64" "any-dst-mac = yes"
apply
like "$RC $OUT" "^0 $RIF: changed: any-dst-mac: vnetctl attach $RIF --force --mode tc --ttl 64 --any-dst-mac
$RIF: attached in tc mode" "any-dst-mac = yes re-attaches with --any-dst-mac"
apply
like "$RC $OUT" "^0 $RIF: up to date \\(tc mode" "... and is then up to date"
conf "mode = tc" "ttl = 64"
apply
like "$RC $OUT" "^0 $RIF: changed: any-dst-mac: " "without it again: re-attached"
conf "mode = tc" "ttl = 64" "claim-age = 5" "seed = 7"
apply
like "$RC $OUT" "^0 $RIF: changed: claim-age, seed: vnetctl attach $RIF --force --mode tc --ttl 64 --claim-age 5 --seed 7
$RIF: attached in tc mode" "claim-age and seed re-attach with --claim-age and --seed"
apply
like "$RC $OUT" "^0 $RIF: up to date \\(tc mode" "... and are then up to date"
conf "mode = tc" "ttl = 64"
apply
like "$RC $OUT" "^0 $RIF: changed: claim-age, seed: vnetctl attach $RIF --force --mode tc --ttl 64
" "without them: back to the defaults (60, unseeded)"
st=$(state)

# --- bad files change nothing ------------------------------------------
before=$(state)
bad()
{
	local name=$1 want=$2

	shift 2
	conf "$@"
	apply
	is "$RC|$ERR|$OUT|$(state)" "1|vnetctl: $CONF:$want||$before" "bad file: $name"
}
bad "unknown key" "2: unknown key 'colour' (keys: mode, no-ipv4, no-ipv6, respond, rate-limit, rate-limit-drop, ttl, any-dst-mac, claim-age, seed)" \
	"mode = native" "colour = blue"
bad "no '='" "3: expected KEY = VALUE, got 'respond 198.18.0.0/24'" "" "# c" "respond 198.18.0.0/24"
bad "bad mode" "1: invalid mode 'fast': use auto, native, generic, tc or loopback" "mode = fast"
bad "host bits" "2: 198.18.0.1/16: host bits set (did you mean 198.18.0.0/16?)" \
	"respond = 198.18.4.0/24" "respond = 2001:db8::/64 198.18.0.1/16"
bad "bad TTL" "1: invalid TTL '0': 1 to 255" "ttl = 0"
bad "bad attribute" "1: 198.18.0.0/24,hops=99: hops=99: not a number of routers from 0 to 64" \
	"respond = 198.18.0.0/24,hops=99"
bad "unknown attribute" "2: 198.18.0.0/24,colour=blue: unknown attribute 'colour' (hops=N, via=ADDRESS, ports=PORT,..., loss=P%, dup=P%, delay=MS[/JITTER])" \
	"mode = tc" "respond = 2001:db8::/64 198.18.0.0/24,colour=blue"
bad "bad claim age" "1: invalid claim age '-1': 0 to 86400 seconds" "claim-age = -1"
bad "bad seed" "1: invalid seed '0': 1 to 4294967295" "seed = 0"
bad "key twice" "2: ttl given twice (first on line 1)" "ttl = 5" "ttl = 6"
bad "bad flag" "1: no-ipv4: invalid value 'maybe': use yes or no" "no-ipv4 = maybe"
bad "bad rate" "1: invalid rate limit '10/dest': PPS or PPS/source, PPS 1 to 1000000000" "rate-limit = 10/dest"
bad "drop without a limit" "2: rate-limit-drop needs a rate-limit" "mode = tc" "rate-limit-drop = yes"
bad "no value" "1: ttl: no value" "ttl ="

vctl "$R" apply "$ETC/nosuch.conf"
is "$RC|$ERR" "1|vnetctl: $ETC/nosuch.conf: cannot open: No such file or directory" "a missing file: exit 1"
vctl "$R" apply "$ETC/vr.txt/"
is "$RC" 2 "a FILE not named IFACE.conf: usage error, exit 2"
printf 'mode = tc\n' >"$ETC/nosuch0.conf"
vctl "$R" apply "$ETC/nosuch0.conf"
is "$RC|$ERR" "1|vnetctl: nosuch0: no such interface" "a file for an interface that does not exist: exit 1"
vctl "$R" apply
is "$RC|$ERR" "2|vnetctl: apply: missing FILE or IFACE (see 'vnetctl apply --help')" "no operand: exit 2"
vctl "$R" apply "$CONF" --bogus
is "$RC" 2 "unknown option: exit 2"
is "$(state)" "$before" "after every error the attachment is as it was"

# IFACE alone: $VNET_CONFIG_DIR/IFACE.conf (/etc/vnet by default).
conf "mode = tc" "ttl = 64" "respond = 198.18.0.0/24"
VNET_CONFIG_DIR=$ETC vctl "$R" apply "$RIF"
is "$RC $OUT" "0 $RIF: 1 prefix to add: vnetctl respond $RIF add 198.18.0.0/24" "apply IFACE reads \$VNET_CONFIG_DIR/IFACE.conf"

vctl "$R" detach "$RIF" || bail_out "cannot detach: $(vctl_diag)"

# --- the unit's commands -----------------------------------------------
UNIT=$VNET_ROOT/.output/vnet@.service
[ -f "$UNIT" ] || bail_out "$UNIT is missing: run make first"
# ExecX= of the unit, with the instance put in and the installed vnetctl
# replaced by ours (vctl); run in $R as the unit would run it.
unit_cmd()
{
	sed -n "s/^$1=//p" "$UNIT" | sed "s/%[iI]/$RIF/g; s|^[^ ]*/vnetctl ||"
}
unit_run()
{
	local cmd

	cmd=$(unit_cmd "$1")
	[ -n "$cmd" ] || { RC=127 OUT='' ERR="no $1= in $UNIT"; return; }
	# shellcheck disable=SC2086
	VNET_CONFIG_DIR=$ETC vctl "$R" $cmd
}
is "$(sed -n 's/^\(Type\|RemainAfterExit\)=//p' "$UNIT" | paste -sd' ')" "oneshot yes" \
	"vnet@.service: Type=oneshot, RemainAfterExit=yes"
conf "mode = generic" "respond = 198.18.0.0/24"
unit_run ExecStart
like "$RC $(state)" '^0 generic [0-9]+ 1$' "ExecStart (apply %I) attaches from IFACE.conf"
conf "mode = generic" "respond = 198.18.0.0/24 198.18.1.0/24"
unit_run ExecReload
like "$RC $(state)" '^0 generic [0-9]+ 2$' "ExecReload (apply %I) brings in the edited file"
unit_run ExecStop
is "$RC $OUT" "0 $RIF: detached (generic)" "ExecStop (detach %I) detaches"

if command -v systemd-analyze >/dev/null; then
	# Where the unit refers to an absolute vnetctl, verify needs it to exist.
	out=$(cd "$VNET_T_TMP" && cp "$UNIT" . &&
		sed -i "s|^\(Exec[A-Za-z]*=\)[^ ]*vnetctl|\1$VNETCTL|" vnet@.service &&
		ln -sf vnet@.service "vnet@$RIF.service" &&
		SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "vnet@$RIF.service" 2>&1 |
		grep -v 'sys-subsystem-net-devices-.*\.device')
	is "$out" "" "systemd-analyze verify vnet@$RIF.service: no complaint"
else
	skip "systemd-analyze is not installed"
fi
