#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 64-e2e-hops.t - a virtual network that real tools believe (issue 15):
# prefixes behind virtual routers (--respond PREFIX,hops=N[,via=ADDR]
# [,ports=P,...]), walked by the real traceroute (ICMP, UDP, TCP),
# traceroute6, tracepath, mtr (ICMP, UDP, TCP), scanned by nmap and nping,
# and pinged.
#
# Topology: R/vr <-> C/vc. R has no address (IPv6 off), so every answer is
# the program's. C has 198.18.0.1/16 and 2001:db8:1::1/64.
#
#   - the command line: every bad attribute is one line and exit 2, nothing
#     attached; respond add of a prefix that is there with new attributes
#     changes them in place; list and list -j show them.
#   - native (xdp_pass on vc), generic, tc: `traceroute -I`, `traceroute`
#     (UDP), `traceroute -T -p 22`, `traceroute6 -I` and `traceroute6` (UDP)
#     list exactly router 1..N, then the destination; `mtr --report` (ICMP,
#     -u, -T) the same with nothing lost; `tracepath` and `tracepath -6`
#     reach it in N + 1 hops; ping shows ttl 64 - N; `nmap -sn` with
#     -PS22 and -PU (ARP ping off: on a LAN nmap would ask ARP only) finds
#     the host up, `nmap -sS` sees 22 and 80 open and 23 closed; `nping`
#     gets a SYN-ACK from port 22 and a Port Unreachable for UDP, both with
#     ttl 64 - N; `hping3 --icmp-ts` gets timestamp replies whose receive
#     time (ms since midnight UT) is within a second of the client's own
#     originate time; the counters of every answer type moved.
#
# Byte-level checks of every answer are the program tests' (test_hops.c).

. "$(dirname "$0")/lib/vnet.sh"
vnet_require traceroute traceroute6 mtr tracepath nmap nping hping3
trap cleanup EXIT

V4_DST=198.18.5.5
V6_DST=2001:db8:1::4:9
HOPS4=3
HOPS6=2
ROUTER6=2001:db8:1::ff:1	# via= for the IPv6 prefix; IPv4 takes the default

MODES=("native 1" "generic 0" "tc 0")
CHECKS_PER_MODE=27
plan $((15 + 3 * CHECKS_PER_MODE + 1 + 2))	# + native's xdp_pass on; detach

topo_prefixes

#
# The command line.
#
fails_usage "hops not a number" \
	"vnetctl: $PREFIX4,hops=x: hops=x: not a number of routers from 0 to 64" \
	attach "$RIF" --respond "$PREFIX4,hops=x"
fails_usage "hops too many" \
	"vnetctl: $PREFIX4,hops=65: hops=65: not a number of routers from 0 to 64" \
	attach "$RIF" --respond "$PREFIX4,hops=65"
fails_usage "via of the other family" \
	"vnetctl: $PREFIX4,hops=2,via=2001:db8::1: via=2001:db8::1: not an IPv4 address" \
	attach "$RIF" --respond "$PREFIX4,hops=2,via=2001:db8::1"
fails_usage "via without hops" \
	"vnetctl: $PREFIX4,via=198.18.9.1: via= names router 1: it needs hops=N (1 or more)" \
	attach "$RIF" --respond "$PREFIX4,via=198.18.9.1"
fails_usage "unknown attribute" \
	"vnetctl: $PREFIX4,ttl=3: unknown attribute 'ttl' (hops=N, via=ADDRESS, ports=PORT,..., loss=P%, dup=P%, delay=MS[/JITTER])" \
	attach "$RIF" --respond "$PREFIX4,ttl=3"
fails_usage "attribute without a value" \
	"vnetctl: $PREFIX4,hops: 'hops': attributes are NAME=VALUE (hops=N, via=ADDRESS, ports=PORT,..., loss=P%, dup=P%, delay=MS[/JITTER])" \
	attach "$RIF" --respond "$PREFIX4,hops"
fails_usage "attribute twice" \
	"vnetctl: $PREFIX4,hops=1,hops=2: hops= given twice" \
	attach "$RIF" --respond "$PREFIX4,hops=1,hops=2"
ok "nothing attached after the usage errors" vnet_absent "$R" "$RIF"

attach_check "cli" "$R" "$RIF" generic --mode generic --respond "$PREFIX4,hops=1" \
	--respond "$PREFIX6,hops=$HOPS6,via=$ROUTER6"
vctl "$R" respond "$RIF" add "$PREFIX4,hops=$HOPS4,ports=22,80,22" 198.19.0.0/24,ports=none
vctl "$R" respond "$RIF" list
is "$(printf '%s' "$OUT" | paste -sd' ')" \
	"198.18.4.0/22,hops=3,via=198.18.4.1,ports=22,80 198.19.0.0/24,ports=none 2001:db8:1::4:0/118,hops=2,via=$ROUTER6" \
	"respond add changes a prefix's attributes in place; list shows them"
vctl "$R" respond "$RIF" list -j
is "$(printf '%s' "$OUT" | json_get '$d->{details}')" \
	'[{"hops":3,"ports":[22,80],"prefix":"198.18.4.0/22","via":"198.18.4.1"},{"hops":0,"ports":[],"prefix":"198.19.0.0/24"},{"hops":2,"ports":[],"prefix":"2001:db8:1::4:0/118","via":"2001:db8:1::ff:1"}]' \
	"list -j: the attributes in \"details\""
vctl "$R" respond "$RIF" del 198.19.0.0/24
vctl "$R" status -j
is "$(printf '%s' "$OUT" | json_get '$d->[0]{prefixes}')" 2 "status counts the prefixes"
fails_usage "ports: not a port" \
	"vnetctl: $PREFIX4,ports=22,0: port '0': not a TCP port from 1 to 65535" \
	attach "$RIF" --respond "$PREFIX4,ports=22,0"
fails_usage "ports: too many" \
	"vnetctl: $PREFIX4,ports=1,2,3,4,5,6,7,8,9: more than 8 open ports" \
	attach "$RIF" --respond "$PREFIX4,ports=1,2,3,4,5,6,7,8,9"
fails_usage "respond add: a bad attribute" \
	"vnetctl: $PREFIX6,hops=-1: hops=-1: not a number of routers from 0 to 64" \
	respond "$RIF" add "$PREFIX6,hops=-1"

# hop_list FILE: the addresses of traceroute's or mtr's hop lines, in order.
hop_list()
{
	awk '/^ *[0-9]+ +[0-9a-f:.]+ / { print $2 }
	     /^ *[0-9]+\.\|-- / { print $2 }' "$1" | paste -sd' '
}

# want_hops DST N ROUTER1: "router1 router2 ... routerN DST".
want_hops()
{
	local dst=$1 n=$2 r1=$3 k prefix last out=''

	prefix=${r1%[.:]*}
	last=${r1##*[.:]}
	for ((k = 0; k < n; k++)); do
		if [[ $r1 == *:* ]]; then
			out+="$prefix:$(printf '%x' $((16#$last + k))) "
		else
			out+="$prefix.$((last + k)) "
		fi
	done
	printf '%s%s' "$out" "$dst"
}

WANT4=$(want_hops "$V4_DST" "$HOPS4" 198.18.4.1)
WANT6=$(want_hops "$V6_DST" "$HOPS6" "$ROUTER6")

for m in "${MODES[@]}"; do
	read -r mode peer <<<"$m"
	[ "$peer" = 1 ] && peer_xdp_on "$mode" "$C" "$CIF"
	attach_check "$mode" "$R" "$RIF" "$mode" --force --mode "$mode" \
		--respond "$PREFIX4,hops=$HOPS4,ports=22,80" --respond "$PREFIX6,hops=$HOPS6,via=$ROUTER6"
	stats_read "$R" "$RIF"
	t0=$(stats_field timex4)
	t6=$(stats_field timex6)
	declare -A before=()
	for f in port_unreach4 port_unreach6 tcp_rst tcp_synack ts4; do
		before[$f]=$(stats_field $f)
	done

	nsexec "$C" timeout 30 traceroute -n -I -q 1 -w 1 -m 8 "$V4_DST" >"$VNET_T_TMP/tr4" 2>&1
	is "$(hop_list "$VNET_T_TMP/tr4")" "$WANT4" \
		"$mode: traceroute -I walks router 1..$HOPS4, then $V4_DST"
	nsexec "$C" timeout 30 traceroute6 -n -I -q 1 -w 1 -m 8 "$V6_DST" >"$VNET_T_TMP/tr6" 2>&1
	is "$(hop_list "$VNET_T_TMP/tr6")" "$WANT6" \
		"$mode: traceroute6 -I walks router 1..$HOPS6 (via=), then $V6_DST"
	nsexec "$C" timeout 30 traceroute -n -q 1 -w 1 -m 8 "$V4_DST" >"$VNET_T_TMP/tr4u" 2>&1
	is "$(hop_list "$VNET_T_TMP/tr4u")" "$WANT4" "$mode: traceroute (UDP): the same, Port Unreachable at the end"
	nsexec "$C" timeout 30 traceroute -n -T -p 22 -q 1 -w 1 -m 8 "$V4_DST" >"$VNET_T_TMP/tr4t" 2>&1
	is "$(hop_list "$VNET_T_TMP/tr4t")" "$WANT4" "$mode: traceroute -T -p 22: the same, SYN-ACK at the end"
	nsexec "$C" timeout 30 traceroute -n -T -p 23 -q 1 -w 1 -m 8 "$V4_DST" >"$VNET_T_TMP/tr4r" 2>&1
	is "$(hop_list "$VNET_T_TMP/tr4r")" "$WANT4" "$mode: traceroute -T -p 23: the same, RST at the end"
	nsexec "$C" timeout 30 traceroute6 -n -q 1 -w 1 -m 8 "$V6_DST" >"$VNET_T_TMP/tr6u" 2>&1
	is "$(hop_list "$VNET_T_TMP/tr6u")" "$WANT6" "$mode: traceroute6 (UDP): the same"
	nsexec "$C" timeout 30 tracepath -n -m 8 "$V4_DST" >"$VNET_T_TMP/tp4" 2>&1
	like "$(tail -1 "$VNET_T_TMP/tp4")" "hops $((HOPS4 + 1)) back $((HOPS4 + 1))" \
		"$mode: tracepath reaches $V4_DST in $((HOPS4 + 1)) hops"
	nsexec "$C" timeout 30 tracepath -6 -n -m 8 "$V6_DST" >"$VNET_T_TMP/tp6" 2>&1
	like "$(tail -1 "$VNET_T_TMP/tp6")" "hops $((HOPS6 + 1)) back $((HOPS6 + 1))" \
		"$mode: tracepath -6 reaches $V6_DST in $((HOPS6 + 1)) hops"
	for proto in "" -u "-T -P 22"; do
		# shellcheck disable=SC2086 # the options are words
		nsexec "$C" timeout 30 mtr -n $proto --report -c 2 -i 0.2 "$V4_DST" \
			>"$VNET_T_TMP/mtr4" 2>&1
		is "$(hop_list "$VNET_T_TMP/mtr4") $(awk '/\|--/ && $3 != "0.0%"' "$VNET_T_TMP/mtr4")" \
			"$WANT4 " "$mode: mtr ${proto:-(ICMP)} --report: the same hops, nothing lost"
	done
	for probe in -PS22 -PU; do
		nsexec "$C" timeout 30 nmap -n -sn --disable-arp-ping "$probe" "$V4_DST" \
			>"$VNET_T_TMP/nmap" 2>&1
		like "$(cat "$VNET_T_TMP/nmap")" "1 host up" "$mode: nmap -sn $probe finds $V4_DST up"
	done
	nsexec "$C" timeout 30 nmap -n -Pn --disable-arp-ping -sS -p 22,23,80 "$V4_DST" \
		>"$VNET_T_TMP/nmap" 2>&1
	is "$(awk '/^[0-9]+\/tcp/ { printf "%s %s ", $1, $2 }' "$VNET_T_TMP/nmap")" \
		"22/tcp open 23/tcp closed 80/tcp open " "$mode: nmap -sS: 22 and 80 open, 23 closed"
	nsexec "$C" timeout 30 nping -c 1 --tcp -p 22 "$V4_DST" >"$VNET_T_TMP/nping" 2>&1
	like "$(grep RCVD "$VNET_T_TMP/nping")" " SA ttl=$((64 - HOPS4)) " \
		"$mode: nping --tcp -p 22: SYN-ACK, ttl $((64 - HOPS4))"
	nsexec "$C" timeout 30 hping3 --icmp-ts -c 2 -i u200000 "$V4_DST" >"$VNET_T_TMP/hping" 2>&1
	# Originate is the client's clock, Receive and Transmit vnet's: both UT.
	is "$(awk -F'[= ]' '/ICMP timestamp: Originate/ {
			d = $6 - $4; if (d < 0) d = -d; if (d > 86399000) d = 86400000 - d
			print (d <= 1000 && $6 == $8) ? "ok" : "off by " d " ms: " $0 }' \
		"$VNET_T_TMP/hping" | paste -sd' ')" "ok ok" \
		"$mode: hping3 --icmp-ts: two replies, receive = transmit within 1 s of originate (UT)"
	nsexec "$C" timeout 30 nping -c 1 --udp -p 53 "$V4_DST" >"$VNET_T_TMP/nping" 2>&1
	like "$(grep RCVD "$VNET_T_TMP/nping")" "Port unreachable .*ttl=$((64 - HOPS4)) " \
		"$mode: nping --udp: Port Unreachable, ttl $((64 - HOPS4))"
	nsexec "$C" ping -c 2 -i 0.2 -W 1 "$V4_DST" >"$VNET_T_TMP/ping4" 2>&1
	is "$(grep -c "ttl=$((64 - HOPS4)) " "$VNET_T_TMP/ping4")" 2 \
		"$mode: ping shows ttl=$((64 - HOPS4)), $HOPS4 hops away"
	stats_read "$R" "$RIF"
	t0=$(($(stats_field timex4) - t0))
	t6=$(($(stats_field timex6) - t6))
	# traceroute -q 1: one per router; mtr: -c 2 per router.
	ok "$mode: timex4 rose by $t0 (>= $((HOPS4 + 2 * HOPS4)))" [ "$t0" -ge $((3 * HOPS4)) ]
	ok "$mode: timex6 rose by $t6 (>= $HOPS6)" [ "$t6" -ge "$HOPS6" ]
	for f in port_unreach4 port_unreach6 tcp_rst tcp_synack ts4; do
		d=$(($(stats_field $f) - before[$f]))
		ok "$mode: $f rose ($d)" [ "$d" -ge 1 ]
	done
	if [ "$peer" = 1 ]; then
		peer_xdp_off "$mode" "$C" "$CIF"
	else
		pass "$mode: (no peer program to remove)"
	fi
done
detach_check "end" "$R" "$RIF" tc
