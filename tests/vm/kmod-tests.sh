#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# kmod-tests.sh - the vnet kernel module, tested for real: runs as root inside
# the test VM (tests/vm/run.sh, from tests/60-kmod-vm.t) and prints TAP.
#
#   load       numdevs=2, driver identity, flags, MAC, MTU limits, ethtool -S
#   rtnl       ip link add/del type vnet (named, unnamed, with an address)
#   builtin    ping and ping -6 answered by the built-in responder, with
#              exact counters in ethtool -S and ip -s link; big frames
#   intact     a packet socket (and tcpdump) on vnet0 sees every request as
#              sent and every reply with a valid checksum
#   frames     one crafted frame per rule of the responder: answered, or
#              consumed and counted under the right reason, nothing looped
#              back; a reply to a bad checksum is rejected by the stack
#   vnetctl    vnetctl attach --mode native / auto: the XDP program answers,
#              the built-in responder does not; detach gives it back
#   iproute2   the same program attached with ip link set xdpdrv
#   actions    XDP_DROP, XDP_ABORTED (trace point), XDP_REDIRECT and bogus
#              actions (warning), XDP_PASS, XDP_TX; program replace and
#              release; the MTU bound while attached
#   vlan       pings through 802.1Q and QinQ devices; a third tag consumed
#   netns      a vnet device in another namespace
#   threaded   NAPI in a kthread: pings; a burst into a starved far end,
#              down with frames still on the link: every frame answered,
#              dropped at the full backlog or flushed, exactly once
#   flood      ping -f in both families while attaching, detaching, taking
#              the link down and up, switching threaded NAPI; then the
#              accounting adds up
#   rmmod      rmmod during a flood with XDP attached and NAPI threads;
#              programs released, devices gone in every namespace; load again
#   kernel log no oops, WARN or BUG anywhere, kernel not tainted by one
#
# Only 198.18.0.0/15 and 2001:db8::/32 addresses. The guest is thrown away
# afterwards, but the script still removes what it made.

cd "$(dirname "$0")/../.." || exit 1
. tests/vm/guest-lib.sh

KO=kmod/vnet.ko
VNETCTL=user/vnetctl
PKT=tests/vm/pkt.pl
VNET_OBJ=.output/vnet.bpf.o
ACTIONS_OBJ=.output/vm/xdp_actions.bpf.o
PINS=/sys/fs/bpf/vnet-kmod-tests
NS=vnet-t-$$-ns
PING4=198.18.0.2
PING6=2001:db8::2
# Frame sizes of a default ping (56 data bytes): Ethernet + IP + ICMP + data.
FRAME4=$((14 + 20 + 8 + 56))
FRAME6=$((14 + 40 + 8 + 56))

FLOOD_PIDS=()
cleanup()
{
	local p

	for p in "${FLOOD_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$PINS" /sys/fs/bpf/vnet 2>/dev/null
	lsmod | grep -q '^vnet ' && rmmod vnet 2>/dev/null
	return 0
}
trap cleanup EXIT

have_vnetctl=0
"$VNETCTL" --version >/dev/null 2>&1 && have_vnetctl=1
have_actions=0
[ -f "$ACTIONS_OBJ" ] && command -v bpftool >/dev/null && have_actions=1

# Every counter a frame's fate can show up in. `expect_only` holds all of
# them to exact values (0 unless named) and derives the two totals.
EVENTS="tx_packets rx_packets link_drops link_errors link_flushed builtin_echo4 builtin_echo6
xdp_packets xdp_tx xdp_pass xdp_drop xdp_aborted delayed delay_drops consumed_non_ip consumed_vlan_depth
consumed_not_echo consumed_ip_options consumed_ipv6_ext consumed_fragment consumed_truncated
consumed_malformed consumed_mcast_dst consumed_bad_src consumed_other_host consumed_ttl_zero"

# expect_only DEV "name=N ..." NAME
expect_only()
{
	local dev=$1 name=$3 k v kv want= replies=0 consumed=0
	declare -A w

	for k in $EVENTS; do
		w[$k]=0
	done
	for kv in $2; do
		w[${kv%%=*}]=${kv#*=}
	done
	for k in "${!w[@]}"; do
		want="$want $k=${w[$k]}"
		case $k in
		builtin_echo*) replies=$((replies + w[$k])) ;;
		consumed_*) consumed=$((consumed + w[$k])) ;;
		esac
	done
	expect "$dev" "$want builtin_replies=$replies consumed=$consumed" "$name"
}

# Wait until DEV has sent nothing for 1.5 s (IPv6 sends MLD reports for a
# while after addresses appear), so that exact counts see only our frames.
quiesce()
{
	local dev=$1 last now still=0 deadline=$((SECONDS + 15))

	read -r last <"/sys/class/net/$dev/statistics/tx_packets"
	while [ $SECONDS -lt $deadline ]; do
		sleep 0.5
		read -r now <"/sys/class/net/$dev/statistics/tx_packets"
		if [ "$now" = "$last" ]; then
			still=$((still + 1))
			[ $still -ge 3 ] && return 0
		else
			still=0
			last=$now
		fi
	done
	diag "$dev kept transmitting"
}

# vnetctl's own counters (the program's per-CPU map), one field.
vstat()
{
	local k v

	while read -r k v; do
		[ "$k" = "$2" ] && echo "$v"
	done < <("$VNETCTL" stats "$1")
}

# The XDP program id on DEV in driver mode ("xdp", not "xdpgeneric"), or empty.
xdp_prog_id()
{
	local out

	out=$(ip link show dev "$1")
	[[ $out =~ \ xdp\ .*prog/xdp\ id\ ([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
	return 0
}

# link_attr DEV minmtu|maxmtu
link_attr()
{
	local out

	out=$(ip -d link show dev "$1")
	[[ $out =~ \ $2\ ([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
	return 0
}

prog_exists()
{
	bpftool prog show id "$1" >/dev/null 2>&1
}

# Programs are freed after an RCU grace period: give it a moment.
prog_gone()
{
	local i

	for i in $(seq 50); do
		prog_exists "$1" || return 0
		sleep 0.1
	done
	return 1
}

# capture_check FAMILY COUNT CAPTURE-OUTPUT NAME: COUNT requests out as sent,
# COUNT valid replies in with the same payload, no reply going out.
capture_check()
{
	local fam=$1 n=$2 out=$3 name=$4 req rep src dst bad=

	if [ "$fam" = 4 ]; then
		req="out icmp4 type=8 code=0 .* csum=ok src=198.18.0.1 dst=198.18.0.2 "
		rep="in icmp4 type=0 code=0 .* csum=ok src=198.18.0.2 dst=198.18.0.1 "
	else
		src=2001:0db8:0000:0000:0000:0000:0000:0001
		dst=2001:0db8:0000:0000:0000:0000:0000:0002
		req="out icmp6 type=128 code=0 .* csum=ok src=$src dst=$dst "
		rep="in icmp6 type=129 code=0 .* csum=ok src=$dst dst=$src "
	fi
	[ "$(grep -cE "^$req" <<<"$out")" = "$n" ] || bad="$bad requests"
	[ "$(grep -cE "^$rep" <<<"$out")" = "$n" ] || bad="$bad replies"
	grep -qE "^out icmp$fam type=(0|129) " <<<"$out" && bad="$bad reply-on-the-way-out"
	# Same sequence numbers and payloads both ways.
	if [ "$(grep -E "^$req" <<<"$out" | grep -o 'seq=[0-9]* .*data=[0-9a-f]*' |
		sed 's/ src=.* len=[0-9]*//' | sort)" != \
	     "$(grep -E "^$rep" <<<"$out" | grep -o 'seq=[0-9]* .*data=[0-9a-f]*' |
		sed 's/ src=.* len=[0-9]*//' | sort)" ]; then
		bad="$bad payloads"
	fi
	if [ -z "$bad" ]; then
		pass "$name"
	else
		fail "$name"
		diag "wrong:$bad" "captured:" "$out"
	fi
}

flood_start()
{
	local secs=$1

	ping -f -q -w "$secs" "$PING4" >/tmp/vnet-flood4 2>&1 &
	FLOOD_PIDS+=($!)
	ping -6 -f -q -w "$secs" "$PING6" >/tmp/vnet-flood6 2>&1 &
	FLOOD_PIDS+=($!)
}

flood_wait()
{
	local p

	for p in "${FLOOD_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	FLOOD_PIDS=()
}

flood_received()
{
	sed -n 's/.*, \([0-9]*\) received.*/\1/p' "$1"
}

kmsg_mark
diag "guest kernel $(uname -r), vnetctl: $([ $have_vnetctl = 1 ] && echo yes || echo no)," \
     "XDP action programs: $([ $have_actions = 1 ] && echo yes || echo no)"

# --- load ------------------------------------------------------------------
section "load"

is "$(modinfo -F vermagic "$KO" | cut -d' ' -f1)" "$(uname -r)" "vnet.ko is built for the running kernel"
if ! out=$(insmod "$KO" numdevs=2 2>&1); then
	echo "Bail out! insmod $KO numdevs=2: $out"
	exit 1
fi
pass "insmod vnet.ko numdevs=2"
is "$(cat /sys/module/vnet/parameters/numdevs)" 2 "numdevs parameter reads back"
is "$(ip -o link show type vnet | awk -F': ' '{ print $2 }' | xargs)" "vnet0 vnet1" \
   "numdevs=2 made vnet0 and vnet1, nothing more"
is "$(ethtool -i vnet0 | awk '$1 == "driver:" { print $2 }')" vnet "ethtool -i: driver vnet"
like "$(ip -o link show vnet0)" "<[^>]*NOARP[^>]*>" "vnet0 is NOARP"
is "$(cat /sys/class/net/vnet0/addr_assign_type)" 1 "MAC address is random (eth_hw_addr_random)"
like "$(cat /sys/class/net/vnet0/address)" "^.[26ae]:" "MAC is unicast, locally administered"
is "$(link_attr vnet0 minmtu)-$(link_attr vnet0 maxmtu)" 68-65535 "MTU limits 68..65535"
check_fails "MTU 67 refused" ip link set vnet0 mtu 67
check "MTU 68 and 65535 accepted" sh -c 'ip link set vnet0 mtu 68 && ip link set vnet0 mtu 65535 &&
	ip link set vnet0 mtu 1500'
check_fails "MTU 65536 refused" ip link set vnet0 mtu 65536
ETHTOOL_NAMES="builtin_replies consumed tx_packets tx_bytes rx_packets rx_bytes link_drops
link_errors link_flushed builtin_echo4 builtin_echo6 xdp_packets xdp_tx xdp_pass xdp_drop
xdp_aborted delayed delay_drops consumed_non_ip consumed_vlan_depth consumed_not_echo
consumed_ip_options consumed_ipv6_ext consumed_fragment consumed_truncated consumed_malformed consumed_mcast_dst
consumed_bad_src consumed_other_host consumed_ttl_zero"
is "$(ethtool -S vnet0 | awk -F': *' 'NR > 1 { sub(/^ +/, "", $1); print $1 }' | xargs)" \
   "$(xargs <<<"$ETHTOOL_NAMES")" "ethtool -S lists every per-path counter"

# --- rtnl_link_ops ---------------------------------------------------------
section "rtnl_link_ops"

check "ip link add type vnet" ip link add type vnet
is "$(ip -o link show type vnet | awk -F': ' '{ print $2 }' | xargs)" "vnet0 vnet1 vnet2" \
   "an unnamed one is the next vnet%d"
check "ip link add vnet7 type vnet" ip link add vnet7 type vnet
is "$(ethtool -i vnet7 | awk '$1 == "driver:" { print $2 }')" vnet "vnet7 is a vnet device"
check "ip link add vnet8 address 02:00:00:00:00:01 type vnet" \
	ip link add vnet8 address 02:00:00:00:00:01 type vnet
is "$(cat /sys/class/net/vnet8/address)" 02:00:00:00:00:01 "the address given is the address used"
check_fails "a multicast address is refused" ip link add vnet9 address 01:00:5e:00:00:01 type vnet
check "ip link del removes them" sh -c 'ip link del vnet7 && ip link del vnet8 && ip link del vnet2 &&
	! ip link show vnet7 2>/dev/null && ! ip link show vnet9 2>/dev/null'

# --- built-in responder ----------------------------------------------------
section "built-in responder"

# No router solicitations, and IPv6 addresses that survive down/up (flood).
sysctl -qw net.ipv6.conf.vnet0.accept_ra=0 net.ipv6.conf.vnet0.keep_addr_on_down=1
ip addr add 198.18.0.1/24 dev vnet0
ip -6 addr add 2001:db8::1/64 dev vnet0 nodad
ip link set vnet0 up
like "$(ethtool vnet0)" "Speed: 10000Mb/s.*Duplex: Full.*Link detected: yes" "ethtool: link up, 10000Mb/s full duplex"
quiesce vnet0

snap vnet0
is "$(ping_loss -c 5 -i 0.2 -W 2 "$PING4")" 0 "ping: 5 of 5 answered by the built-in responder"
expect_only vnet0 "tx_packets=5 rx_packets=5 builtin_echo4=5" "ethtool -S: 5 builtin_echo4, 5 rx, nothing else"
expect vnet0 "dev_tx_packets=5 dev_rx_packets=5 dev_tx_bytes=$((5 * FRAME4))
	     dev_rx_bytes=$((5 * FRAME4)) dev_rx_dropped=0 dev_tx_dropped=0 dev_tx_errors=0" \
       "stats64: 5 frames of $FRAME4 bytes each way"
want="packets=$(counter vnet0 rx_packets)/$(counter vnet0 tx_packets)"
want+=" bytes=$(counter vnet0 rx_bytes)/$(counter vnet0 tx_bytes) dropped=0/0 errors=0/0"
is "$(ip -s -j link show dev vnet0 | perl -MJSON::PP -e '
	my $s = decode_json(join("", <STDIN>))->[0]{stats64};
	print join(" ", map { "$_=$s->{rx}{$_}/$s->{tx}{$_}" } qw(packets bytes dropped errors))')" \
   "$want" "ip -s link shows the same rx/tx counts as ethtool -S"

snap vnet0
is "$(ping_loss -6 -c 5 -i 0.2 -W 2 "$PING6")" 0 "ping -6: 5 of 5 answered by the built-in responder"
expect_only vnet0 "tx_packets=5 rx_packets=5 builtin_echo6=5" "ethtool -S: 5 builtin_echo6, 5 rx, nothing else"
expect vnet0 "dev_tx_bytes=$((5 * FRAME6)) dev_rx_bytes=$((5 * FRAME6))" "stats64: 5 frames of $FRAME6 bytes each way"

check "MTU 9000" ip link set vnet0 mtu 9000
snap vnet0
is "$(ping_loss -c 2 -i 0.2 -W 2 -M do -s 8972 "$PING4")" 0 "9000-byte pings answered"
expect_only vnet0 "tx_packets=2 rx_packets=2 builtin_echo4=2" "big frames: 2 builtin_echo4"
ip link set vnet0 mtu 1500
quiesce vnet0

# --- intact requests on a packet socket and in tcpdump ----------------------
section "intact requests on a packet socket and in tcpdump"

out=$("$PKT" capture vnet0 -- ping -c 5 -i 0.2 -W 2 "$PING4")
capture_check 4 5 "$out" "packet socket: 5 IPv4 requests as sent, 5 valid replies"
out=$("$PKT" capture vnet0 -- ping -6 -c 5 -i 0.2 -W 2 "$PING6")
capture_check 6 5 "$out" "packet socket: 5 IPv6 requests as sent, 5 valid replies"

if command -v tcpdump >/dev/null; then
	rm -f /tmp/vnet.pcap /tmp/vnet-tcpdump.err
	timeout 20 tcpdump -i vnet0 -nn -U -c 10 -w /tmp/vnet.pcap icmp 2>/tmp/vnet-tcpdump.err &
	tpid=$!
	for _ in $(seq 50); do
		grep -q listening /tmp/vnet-tcpdump.err 2>/dev/null && break
		sleep 0.1
	done
	ping -c 5 -i 0.2 -W 2 "$PING4" >/dev/null
	wait $tpid
	out=$(tcpdump -nn -v -r /tmp/vnet.pcap 2>/dev/null)
	requests=$(grep -c '198.18.0.1 > 198.18.0.2: ICMP echo request' <<<"$out")
	replies=$(grep -c '198.18.0.2 > 198.18.0.1: ICMP echo reply' <<<"$out")
	is "$requests/$replies/$(grep -ci wrong <<<"$out")" 5/5/0 \
	   "tcpdump: 5 requests, 5 replies, no checksum complaints"
else
	skip "tcpdump sees requests and replies" "no tcpdump"
fi

# --- one crafted frame per rule ---------------------------------------------
section "one crafted frame per rule"

# frame | counters it must move (besides tx_packets=1) | what it shows
FRAMES="
echo4|builtin_echo4=1 rx_packets=1|IPv4 echo request answered
echo4_padded|builtin_echo4=1 rx_packets=1|padded IPv4 echo request answered
echo4_zero|builtin_echo4=1 rx_packets=1|IPv4 echo request with an all-zero reply answered
echo4_qinq|builtin_echo4=1 rx_packets=1|echo request under two tags answered
echo6|builtin_echo6=1 rx_packets=1|ICMPv6 echo request answered
vlan3|consumed_vlan_depth=1|three VLAN tags: consumed_vlan_depth
non_ip|consumed_non_ip=1|ethertype 0x88b5: consumed_non_ip
udp4|consumed_not_echo=1|UDP: consumed_not_echo
reply4|consumed_not_echo=1|echo reply: consumed_not_echo
code4|consumed_not_echo=1|echo request with code 1: consumed_not_echo
options4|consumed_ip_options=1|IPv4 options: consumed_ip_options
frag4|consumed_fragment=1|IPv4 fragment: consumed_fragment
frag6|consumed_fragment=1|IPv6 fragment header: consumed_fragment
ext6|consumed_ipv6_ext=1|IPv6 hop-by-hop header: consumed_ipv6_ext
esp6|consumed_ipv6_ext=1|IPv6 ESP header: consumed_ipv6_ext
trunc4|consumed_truncated=1|IPv4 length beyond the frame: consumed_truncated
badver4|consumed_malformed=1|IP version 5: consumed_malformed
bcast_mac|consumed_mcast_dst=1|broadcast destination MAC: consumed_mcast_dst
mcast_ip4|consumed_mcast_dst=1|multicast destination IP: consumed_mcast_dst
zero_src4|consumed_bad_src=1|source 0.0.0.0: consumed_bad_src
zero_mac|consumed_bad_src=1|zero source MAC: consumed_bad_src
mcast_src6|consumed_bad_src=1|multicast source IPv6: consumed_bad_src
other_mac4|consumed_other_host=1|to another host's MAC: consumed_other_host
ttl0_4|consumed_ttl_zero=1|IPv4 TTL 0: consumed_ttl_zero
hop0_6|consumed_ttl_zero=1|IPv6 hop limit 0: consumed_ttl_zero
"
quiesce vnet0
while IFS='|' read -r frame counters what; do
	[ -n "$frame" ] || continue
	snap vnet0
	if "$PKT" send vnet0 "$frame"; then
		expect_only vnet0 "tx_packets=1 $counters" "$what"
	else
		fail "$what"
	fi
done <<<"$FRAMES"

# The responder updates the checksum incrementally, so a wrong one stays
# wrong, and the stack must see that for itself (no CHECKSUM_UNNECESSARY).
for fam in 4 6; do
	if [ $fam = 4 ]; then
		proto=Icmp reps=InEchoReps
	else
		proto=Icmp6 reps=InEchoReplies
	fi
	reps0=$(snmp_counter $proto $reps)
	bad0=$(snmp_counter $proto InCsumErrors)
	"$PKT" send vnet0 echo$fam
	sleep 0.5
	is "$(($(snmp_counter $proto $reps) - reps0))/$(($(snmp_counter $proto InCsumErrors) - bad0))" 1/0 \
	   "IPv$fam: the stack accepts the reply to a good request ($reps +1)"
	snap vnet0
	reps0=$(snmp_counter $proto $reps)
	bad0=$(snmp_counter $proto InCsumErrors)
	"$PKT" send vnet0 echo${fam}_badsum
	expect_only vnet0 "tx_packets=1 builtin_echo$fam=1 rx_packets=1" "IPv$fam: a bad-checksum request is answered as is"
	is "$(($(snmp_counter $proto $reps) - reps0))/$(($(snmp_counter $proto InCsumErrors) - bad0))" 0/1 \
	   "IPv$fam: ... and the stack rejects the reply (InCsumErrors +1)"
done

# An all-zero reply must carry 0xFFFF, not the 0x0000 of RFC 1624 eqn. 3.
zero_reply_accepted()
{
	local reps0 bad0

	reps0=$(snmp_counter Icmp InEchoReps)
	bad0=$(snmp_counter Icmp InCsumErrors)
	"$PKT" send vnet0 echo4_zero
	sleep 0.5
	is "$(($(snmp_counter Icmp InEchoReps) - reps0))/$(($(snmp_counter Icmp InCsumErrors) - bad0))" 1/0 "$1"
}
zero_reply_accepted "the stack accepts an all-zero echo reply (checksum 0xFFFF)"

# --- XDP through vnetctl -----------------------------------------------------
section "XDP through vnetctl"

if [ $have_vnetctl = 1 ]; then
	quiesce vnet0
	out=$("$VNETCTL" attach vnet0 --mode native 2>&1)
	like "$out" "^vnet0: attached in native mode \(prog id [0-9]+, map id [0-9]+\)$" \
	     "vnetctl attach vnet0 --mode native"
	id=$(xdp_prog_id vnet0)
	like "$(ip link show vnet0)" " xdp .*prog/xdp id $id name vnet_xdp" "the kernel shows vnet_xdp in driver mode"
	max=$(link_attr vnet0 maxmtu)
	if [ "$max" -gt 1500 ] && [ "$max" -lt 4096 ]; then
		pass "max MTU while attached: $max (one page per frame)"
	else
		fail "max MTU while attached ($max) is within one page"
	fi

	snap vnet0
	e4=$(vstat vnet0 echo4) t4=$(vstat vnet0 tx_packets)
	is "$(ping_loss -c 5 -i 0.2 -W 2 "$PING4")" 0 "native XDP: ping 5 of 5 answered"
	expect_only vnet0 "tx_packets=5 rx_packets=5 xdp_packets=5 xdp_tx=5" "xdp_tx 5, builtin_echo4 0"
	is "$(($(vstat vnet0 echo4) - e4))/$(($(vstat vnet0 tx_packets) - t4))" 5/5 \
	   "vnetctl stats: echo4 +5, tx_packets +5"

	snap vnet0
	e6=$(vstat vnet0 echo6)
	is "$(ping_loss -6 -c 5 -i 0.2 -W 2 "$PING6")" 0 "native XDP: ping -6 5 of 5 answered"
	expect_only vnet0 "tx_packets=5 rx_packets=5 xdp_packets=5 xdp_tx=5" "xdp_tx 5, builtin_echo6 0"
	is "$(($(vstat vnet0 echo6) - e6))" 5 "vnetctl stats: echo6 +5"

	out=$("$PKT" capture vnet0 -- ping -c 3 -i 0.2 -W 2 "$PING4")
	capture_check 4 3 "$out" "native XDP: requests intact on a packet socket, replies valid"

	snap vnet0
	p0=$(vstat vnet0 pass_not_echo)
	"$PKT" send vnet0 udp4
	expect_only vnet0 "tx_packets=1 xdp_packets=1 xdp_pass=1 consumed_not_echo=1" \
		    "UDP: XDP_PASS to the built-in responder, which consumes it"
	is "$(($(vstat vnet0 pass_not_echo) - p0))" 1 "vnetctl stats: pass_not_echo +1"

	snap vnet0
	bad0=$(snmp_counter Icmp InCsumErrors)
	"$PKT" send vnet0 echo4_badsum
	expect_only vnet0 "tx_packets=1 rx_packets=1 xdp_packets=1 xdp_tx=1" "bad-checksum request: XDP_TX"
	is "$(($(snmp_counter Icmp InCsumErrors) - bad0))" 1 "... and the stack rejects the reply"

	zero_reply_accepted "native XDP: the stack accepts an all-zero echo reply"

	check_fails "MTU 9000 refused while attached" ip link set vnet0 mtu 9000
	if ip link set vnet0 mtu "$max"; then
		snap vnet0
		is "$(ping_loss -c 2 -i 0.2 -W 2 -M do -s $((max - 28)) "$PING4")" 0 \
		   "native XDP: $max-byte pings answered"
		expect_only vnet0 "tx_packets=2 rx_packets=2 xdp_packets=2 xdp_tx=2" "big frames: xdp_tx 2"
		ip link set vnet0 mtu 1500
	else
		fail "MTU $max accepted while attached"
	fi

	out=$("$VNETCTL" detach vnet0 2>&1)
	is "$out" "vnet0: detached (native)" "vnetctl detach vnet0"
	is "$(xdp_prog_id vnet0)" "" "no XDP program left on vnet0"
	check "the program is freed" prog_gone "$id"
	is "$(link_attr vnet0 maxmtu)" 65535 "max MTU back to 65535"
	quiesce vnet0
	snap vnet0
	is "$(ping_loss -c 5 -i 0.2 -W 2 "$PING4")" 0 "detached: ping 5 of 5 answered"
	expect_only vnet0 "tx_packets=5 rx_packets=5 builtin_echo4=5" "the built-in responder answers again"

	out=$("$VNETCTL" attach vnet0 2>&1)
	like "$out" "^vnet0: attached in native mode " "vnetctl attach (auto) picks native on vnet"
	quiesce vnet0
	snap vnet0
	is "$(ping_loss -c 3 -i 0.2 -W 2 "$PING4")" 0 "auto: ping answered"
	expect_only vnet0 "tx_packets=3 rx_packets=3 xdp_packets=3 xdp_tx=3" "auto: by the XDP program"
	check "vnetctl detach vnet0" "$VNETCTL" detach vnet0
else
	skip "vnetctl attach/detach on vnet0" "user/vnetctl is not built"
fi

# --- XDP through iproute2 ----------------------------------------------------
section "XDP through iproute2"

if [ -f "$VNET_OBJ" ]; then
	check "ip link set dev vnet0 xdpdrv obj vnet.bpf.o sec xdp" \
		ip link set dev vnet0 xdpdrv obj "$VNET_OBJ" sec xdp
	quiesce vnet0
	snap vnet0
	is "$(ping_loss -c 3 -i 0.2 -W 2 "$PING4")" 0 "iproute2-loaded reflector: ping answered"
	expect_only vnet0 "tx_packets=3 rx_packets=3 xdp_packets=3 xdp_tx=3" "... by XDP_TX"
	check "ip link set dev vnet0 xdpdrv off" ip link set dev vnet0 xdpdrv off
else
	skip "reflector attached with iproute2" "no $VNET_OBJ"
fi

# --- every XDP action --------------------------------------------------------
section "every XDP action"

if [ $have_actions = 1 ] && bpftool prog loadall "$ACTIONS_OBJ" "$PINS" type xdp; then
	pass "bpftool prog loadall xdp_actions.bpf.o"
	ifindex=$(cat /sys/class/net/vnet0/ifindex)
	TRACE=/sys/kernel/tracing
	echo 1 >$TRACE/events/xdp/xdp_exception/enable
	quiesce vnet0

	check "attach xdp_drop_all" ip link set dev vnet0 xdpdrv pinned $PINS/xdp_drop_all
	drop_id=$(xdp_prog_id vnet0)
	snap vnet0
	is "$(ping_loss -c 3 -i 0.2 -W 1 "$PING4")" 100 "XDP_DROP: no replies"
	expect_only vnet0 "tx_packets=3 xdp_packets=3 xdp_drop=3" "XDP_DROP: xdp_drop 3, nothing delivered"

	check "replace it with xdp_abort_all" ip -force link set dev vnet0 xdpdrv pinned $PINS/xdp_abort_all
	abort_id=$(xdp_prog_id vnet0)
	rm -f $PINS/xdp_drop_all
	check "the replaced program is released" prog_gone "$drop_id"
	echo >$TRACE/trace
	snap vnet0
	is "$(ping_loss -c 2 -i 0.2 -W 1 "$PING4")" 100 "XDP_ABORTED: no replies"
	expect_only vnet0 "tx_packets=2 xdp_packets=2 xdp_aborted=2" "XDP_ABORTED: xdp_aborted 2"
	is "$(grep -c "xdp_exception: prog_id=$abort_id action=ABORTED ifindex=$ifindex" $TRACE/trace)" 2 \
	   "XDP_ABORTED: 2 xdp_exception trace events"

	check "replace it with xdp_redir_all" ip -force link set dev vnet0 xdpdrv pinned $PINS/xdp_redir_all
	echo >$TRACE/trace
	snap vnet0
	is "$(ping_loss -c 2 -i 0.2 -W 1 "$PING4")" 100 "XDP_REDIRECT (not supported): no replies"
	expect_only vnet0 "tx_packets=2 xdp_packets=2 xdp_aborted=2" "XDP_REDIRECT: counted as xdp_aborted"
	is "$(grep -c "action=REDIRECT ifindex=$ifindex" $TRACE/trace)" 2 "XDP_REDIRECT: 2 xdp_exception trace events"
	like "$(dmesg)" "Driver unsupported XDP return value 4 on prog xdp_redir_all .* dev vnet0" \
	     "XDP_REDIRECT: bpf_warn_invalid_xdp_action says so"

	check "replace it with xdp_bogus_all" ip -force link set dev vnet0 xdpdrv pinned $PINS/xdp_bogus_all
	snap vnet0
	is "$(ping_loss -c 2 -i 0.2 -W 1 "$PING4")" 100 "action 42: no replies"
	expect_only vnet0 "tx_packets=2 xdp_packets=2 xdp_aborted=2" "action 42: counted as xdp_aborted"

	check "replace it with xdp_pass_all" ip -force link set dev vnet0 xdpdrv pinned $PINS/xdp_pass_all
	snap vnet0
	is "$(ping_loss -c 3 -i 0.2 -W 2 "$PING4")" 0 "XDP_PASS: the built-in responder answers"
	expect_only vnet0 "tx_packets=3 rx_packets=3 xdp_packets=3 xdp_pass=3 builtin_echo4=3" \
		    "XDP_PASS: xdp_pass 3, builtin_echo4 3"

	check "replace it with xdp_tx_all" ip -force link set dev vnet0 xdpdrv pinned $PINS/xdp_tx_all
	snap vnet0
	out=$("$PKT" capture vnet0 -- "$PKT" send vnet0 echo4)
	expect_only vnet0 "tx_packets=1 rx_packets=1 xdp_packets=1 xdp_tx=1" "XDP_TX of an unchanged frame: xdp_tx 1"
	if [ "$(grep -c '^out icmp4 type=8 ' <<<"$out")" = 1 ] &&
	   [ "$(grep '^out icmp4' <<<"$out" | cut -d' ' -f3-)" = "$(grep '^in icmp4' <<<"$out" | cut -d' ' -f3-)" ]; then
		pass "XDP_TX: the frame comes back to vnet0 exactly as it left"
	else
		fail "XDP_TX: the frame comes back to vnet0 exactly as it left"
		diag "$out"
	fi

	tx_id=$(xdp_prog_id vnet0)
	check "ip link set dev vnet0 xdpdrv off" ip link set dev vnet0 xdpdrv off
	check "MTU 9000 without a program" ip link set vnet0 mtu 9000
	out=$(ip link set dev vnet0 xdpdrv pinned $PINS/xdp_pass_all 2>&1) && rc=0 || rc=$?
	if [ $rc != 0 ] && [[ $out == *"MTU too large for XDP"* ]]; then
		pass "attaching with MTU 9000 is refused: MTU too large for XDP"
	else
		fail "attaching with MTU 9000 is refused"
		diag "exit $rc: $out"
		ip link set dev vnet0 xdpdrv off
	fi
	ip link set vnet0 mtu 1500
	echo 0 >$TRACE/events/xdp/xdp_exception/enable
	rm -rf "$PINS"
	check "every action program is released" sh -c "! bpftool prog show id $abort_id >/dev/null 2>&1 &&
		! bpftool prog show id $tx_id >/dev/null 2>&1"
else
	skip "XDP actions" "no $ACTIONS_OBJ (or bpftool)"
fi

# --- VLANs -------------------------------------------------------------------
section "VLANs"

# VLAN devices are quiet with IPv6 off; 8021q comes from the host's modules.
sysctl -qw net.ipv6.conf.default.disable_ipv6=1
if modprobe 8021q; then
	ip link add link vnet0 name vnet0.10 type vlan id 10
	ip addr add 198.18.1.1/24 dev vnet0.10
	ip link set vnet0.10 up
	ip link add link vnet0 name vnet0.q type vlan proto 802.1ad id 20
	ip link add link vnet0.q name vnet0.q.30 type vlan id 30
	ip link add link vnet0.q.30 name vnet0.q.30.40 type vlan id 40
	ip addr add 198.18.2.1/24 dev vnet0.q.30
	ip addr add 198.18.3.1/24 dev vnet0.q.30.40
	ip link set vnet0.q up
	ip link set vnet0.q.30 up
	ip link set vnet0.q.30.40 up
	quiesce vnet0
	snap vnet0
	is "$(ping_loss -c 3 -i 0.2 -W 2 198.18.1.2)" 0 "802.1Q: ping answered"
	expect_only vnet0 "tx_packets=3 rx_packets=3 builtin_echo4=3" "802.1Q: builtin_echo4 3"
	snap vnet0
	is "$(ping_loss -c 3 -i 0.2 -W 2 198.18.2.2)" 0 "QinQ: ping answered"
	expect_only vnet0 "tx_packets=3 rx_packets=3 builtin_echo4=3" "QinQ: builtin_echo4 3"
	snap vnet0
	is "$(ping_loss -c 2 -i 0.2 -W 1 198.18.3.2)" 100 "three tags: no reply"
	expect_only vnet0 "tx_packets=2 consumed_vlan_depth=2" "three tags: consumed_vlan_depth 2"
	ip link del vnet0.q.30.40
	ip link del vnet0.q.30
	ip link del vnet0.q
	ip link del vnet0.10
else
	skip "pings over VLANs" "no 8021q module"
fi
sysctl -qw net.ipv6.conf.default.disable_ipv6=0

# --- another namespace -------------------------------------------------------
section "another namespace"

ip netns add "$NS"
ip link set vnet1 netns "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" addr add 198.18.0.1/24 dev vnet1
ip -n "$NS" link set vnet1 up
is "$(ip netns exec "$NS" bash -c ". tests/vm/guest-lib.sh; ping_loss -c 3 -i 0.2 -W 2 $PING4")" 0 \
   "vnet1 in namespace $NS: ping answered"
is "$(ip netns exec "$NS" ethtool -S vnet1 | awk '$1 == "builtin_echo4:" { print $2 }')" 3 \
   "vnet1 in namespace $NS: builtin_echo4 3"

# --- threaded NAPI ---------------------------------------------------------
section "threaded NAPI"

check "echo 1 > /sys/class/net/vnet0/threaded" sh -c 'echo 1 > /sys/class/net/vnet0/threaded'
quiesce vnet0
snap vnet0
is "$(ping_loss -c 3 -i 0.2 -W 2 "$PING4")" 0 "threaded NAPI: ping answered"
expect_only vnet0 "tx_packets=3 rx_packets=3 builtin_echo4=3" "threaded NAPI: builtin_echo4 3"

# Starve the far end: its NAPI threads idle-class on CPU 0, where a burst
# is sent and a busy loop competes. The backlog fills (the rest is
# link_drops), and the link goes down during the burst with frames still on
# it (link_flushed). Every frame that reached the driver must be accounted
# for exactly once. (Not every send() that succeeded reached it: while the
# device goes down, the core takes them, drops them and says NET_XMIT_CN.)
for p in $(pgrep '^napi/vnet0-'); do
	chrt -i -p 0 "$p" && taskset -p 1 "$p" >/dev/null
done
snap vnet0
taskset -c 0 sh -c 'while :; do :; done' &
hog=$!
taskset -c 0 "$PKT" send vnet0 "echo4*1000000" 2>/tmp/vnet-burst.err &
burst=$!
# Down once the backlog has overflowed for a while (perl starts slowly here).
deadline=$((SECONDS + 30))
while [ $SECONDS -lt $deadline ] && kill -0 $burst 2>/dev/null; do
	read -r d </sys/class/net/vnet0/statistics/tx_dropped
	[ $((d - SNAP[dev_tx_dropped])) -ge 5000 ] && break
	sleep 0.2
done
taskset -c 1 ip link set vnet0 down
wait $burst
kill $hog
wait $hog 2>/dev/null
ip link set vnet0 up
sent=$(sed -n 's/.* failed after \([0-9]*\) frames: .*/\1/p' /tmp/vnet-burst.err)
if [ -n "$sent" ]; then
	deadline=$((SECONDS + 20))
	while :; do
		declare -A B
		load_counters vnet0 B
		entered=$((B[tx_packets] - SNAP[tx_packets]))
		dropped=$((B[link_drops] - SNAP[link_drops]))
		flushed=$((B[link_flushed] - SNAP[link_flushed]))
		answered=$((B[builtin_echo4] - SNAP[builtin_echo4]))
		delivered=$((B[rx_packets] - SNAP[rx_packets]))
		[ $((answered + flushed)) = $entered ] && [ $delivered = $answered ] && break
		[ $SECONDS -ge $deadline ] && break
		sleep 0.5
	done
	is "$((answered + flushed))/$delivered" "$entered/$answered" \
	   "burst: answered + link_flushed = entered ($entered), rx = answered ($answered)"
	if [ $((entered + dropped)) -le "$sent" ]; then
		pass "burst: entered + link_drops ($((entered + dropped))) <= frames sent ($sent)"
	else
		fail "burst: entered + link_drops ($((entered + dropped))) <= frames sent ($sent)"
	fi
	if [ "$dropped" -gt 0 ] && [ "$flushed" -gt 0 ]; then
		pass "backlog full ($dropped link_drops) and flushed at down ($flushed link_flushed)"
	else
		fail "backlog full and flushed at down"
		diag "link_drops $dropped, link_flushed $flushed, answered $answered"
	fi
	# stats64 adds the core's own drops to the driver's: the frames send()
	# handed over while the device went down, which never reached the
	# driver. 6.1 does not count those there, 6.12 counts each of them.
	lost=$((sent - entered - dropped))
	read -r d </sys/class/net/vnet0/statistics/tx_dropped
	core=$((d - SNAP[dev_tx_dropped] - dropped - flushed))
	if [ "$core" = 0 ] || [ "$core" = "$lost" ]; then
		pass "stats64 tx_dropped = link_drops + link_flushed (+ $core of $lost dropped by the core)"
	else
		fail "stats64 tx_dropped = link_drops + link_flushed (+ none or all of $lost dropped by the core)"
		diag "tx_dropped rose by $((d - SNAP[dev_tx_dropped])): link_drops $dropped, link_flushed $flushed"
	fi
else
	fail "a burst stopped by the link going down"
	diag "$(cat /tmp/vnet-burst.err)"
fi
check "echo 0 > /sys/class/net/vnet0/threaded" sh -c 'echo 0 > /sys/class/net/vnet0/threaded'

# --- flood while attaching, detaching, going down and up --------------------
section "flood while attaching, detaching, going down and up"

quiesce vnet0
flood_start 12
deadline=$((SECONDS + 10))
cycles=0
steps_failed=0
while [ $SECONDS -lt $deadline ] && [ $cycles -lt 20 ]; do
	if [ $have_vnetctl = 1 ]; then
		"$VNETCTL" attach vnet0 --mode native >/dev/null || steps_failed=$((steps_failed + 1))
		sleep 0.2
		ip link set vnet0 down && ip link set vnet0 up || steps_failed=$((steps_failed + 1))
		sleep 0.2
		"$VNETCTL" detach vnet0 >/dev/null || steps_failed=$((steps_failed + 1))
	fi
	if [ -f "$VNET_OBJ" ]; then
		ip link set dev vnet0 xdpdrv obj "$VNET_OBJ" sec xdp || steps_failed=$((steps_failed + 1))
		sleep 0.2
		ip link set dev vnet0 xdpdrv off || steps_failed=$((steps_failed + 1))
	fi
	echo $((cycles % 2)) >/sys/class/net/vnet0/threaded || steps_failed=$((steps_failed + 1))
	ip link set vnet0 down && ip link set vnet0 up || steps_failed=$((steps_failed + 1))
	sleep 0.2
	cycles=$((cycles + 1))
done
flood_wait
echo 0 >/sys/class/net/vnet0/threaded
is "$steps_failed" 0 "$cycles cycles of attach/down/up/detach/threaded under a flood, every step worked"
r4=$(flood_received /tmp/vnet-flood4)
r6=$(flood_received /tmp/vnet-flood6)
if [ "${r4:-0}" -gt 0 ] && [ "${r6:-0}" -gt 0 ]; then
	pass "the floods got replies throughout ($r4 IPv4, $r6 IPv6)"
else
	fail "the floods got replies"
	diag "$(cat /tmp/vnet-flood4 /tmp/vnet-flood6)"
fi

# Every frame that entered the link ended somewhere, exactly once.
quiesce vnet0
declare -A C
load_counters vnet0 C
ended=$((C[builtin_replies] + C[consumed] + C[xdp_tx] + C[xdp_drop] + C[xdp_aborted] +
	C[link_errors] + C[link_flushed]))
is "${C[tx_packets]}" "$ended" \
   "accounting: tx_packets = answered + consumed + dropped + flushed (${C[link_flushed]} flushed)"
is "${C[rx_packets]}" "$((C[builtin_replies] + C[xdp_tx]))" "accounting: rx_packets = builtin_replies + xdp_tx"
is "${C[dev_rx_packets]}/${C[dev_tx_packets]}" "${C[rx_packets]}/${C[tx_packets]}" "stats64 agrees with ethtool -S"
is "${C[link_errors]}" 0 "no frame lost to an error"

# --- rmmod during a flood, with XDP attached --------------------------------
section "rmmod during a flood, with XDP attached"

if [ $have_vnetctl = 1 ]; then
	"$VNETCTL" attach vnet0 --mode native >/dev/null
elif [ -f "$VNET_OBJ" ]; then
	ip link set dev vnet0 xdpdrv obj "$VNET_OBJ" sec xdp
fi
id=$(xdp_prog_id vnet0)
# NAPI in threads this time: rmmod must stop them too.
echo 1 >/sys/class/net/vnet0/threaded
flood_start 8
sleep 2
start=$SECONDS
check "rmmod vnet during a flood${id:+ with XDP prog $id attached}, threaded NAPI" timeout 60 rmmod vnet
took=$((SECONDS - start))
if [ $took -le 10 ]; then
	pass "rmmod took ${took}s"
else
	fail "rmmod took ${took}s"
fi
flood_wait
check "vnet0 is gone" sh -c '! ip link show vnet0 2>/dev/null'
check "vnet1 is gone from namespace $NS too" sh -c "! ip -n $NS link show vnet1 2>/dev/null"
if [ -n "$id" ]; then
	check "the attached program is released" prog_gone "$id"
else
	skip "the attached program is released" "nothing attached"
fi
ip netns del "$NS"
rm -rf /sys/fs/bpf/vnet

check "insmod again, default numdevs" insmod "$KO"
is "$(ip -o link show type vnet | awk -F': ' '{ print $2 }' | xargs)" vnet0 "numdevs=1 by default: vnet0 only"
check "rmmod again" rmmod vnet

# --- the kernel log -----------------------------------------------------------
section "the kernel log"

splats=$(kmsg_since_mark | grep -E "$SPLAT_RE")
if [ -z "$splats" ]; then
	pass "no oops, WARN or BUG in the kernel log"
else
	fail "no oops, WARN or BUG in the kernel log"
	diag "$(kmsg_since_mark | grep -E -A 30 "$SPLAT_RE" | head -80)"
fi
# Out-of-tree (O, 4096) and unsigned (E, 8192) are expected; a warning (W),
# an oops (D), a bad page (B) or a lockup (L) are not.
taint=$(cat /proc/sys/kernel/tainted)
is "$((taint & (512 | 128 | 32 | 16384)))" 0 \
   "kernel not tainted by a warning, oops, bad page or lockup (tainted=$taint)"

done_testing
