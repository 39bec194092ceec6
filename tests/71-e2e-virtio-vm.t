#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 71-e2e-virtio-vm.t - vnet on a real NIC driver's native XDP: virtio-net in
# the QEMU guest, pinged from the host through the NIC's tap.
#
#   host: namespace H, tap vnet-tap0       guest: namespace G, vnic0
#   198.18.0.1/24, 2001:db8::1/64  <--->   virtio-net, no address, IPv6 off,
#   static neighbours .2, ::2 -> vnic0     vnet attached
#
# This script runs twice. On the host it creates H, boots the guest with
# tests/vm/run.sh (VNET_VM_NETNS=H: qemu runs in H and makes its tap there;
# the NIC has a queue pair per vCPU for XDP_TX besides the stack's), and then
# serves the guest: the guest runs this same script, which drives the test,
# and asks for traffic by printing "# vnet-host: SEQ STEP ARGS"; the host
# runs STEP in H against the tap and writes its verdict into the directory
# both share (VNET_VM_SHARE), where the guest, waiting for it, turns it into
# a TAP line. The TAP stream is the guest's alone, so the plan is whole.
#
# Checked: native, auto (-v says why), generic and tc answer ping and ping -6
# from the host, tagged frames (802.1Q VLAN 100, v4 and v6, and QinQ), and
# in native mode a flood (`ping -f`) of each family with 0 lost; vnet's
# counters (stats -j and bpftool's map dump) equal to the requests sent, and
# virtio-net's own XDP_TX counter equal to vnet's replies; no "locked tx
# mode" fallback in the kernel log (enough queues); nothing left after each
# detach; loopback mode for the guest's own pings; MTU 9000: what native mode
# does there (either way with one line), generic, tc and loopback answer
# 9000-byte frames.
#
# The host end has no VLAN device: this machine's kernel has no 802.1Q (see
# 22-e2e-vlan.t), so the tags are put into the frames by tests/tools/rawping
# on the tap, as a trunk port delivers them, and rawping checks each reply
# carries them back. Skips with the probed reason where no guest can boot,
# or with VNET_SKIP_VM=1.

cd "$(dirname "$0")/.." || exit 1
. tests/vm/host-lib.sh

GUEST_MAC=52:54:00:76:6e:01
TAP=vnet-tap0
DOT1Q=8100
DOT1AD=88a8

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root"
	exit 0
fi

#
# The host: boot the guest and serve its steps.
#
if [ -z "${VNET_VM:-}" ]; then
	vm_guest_or_skip
	[ -c /dev/net/tun ] || { echo "1..0 # SKIP no /dev/net/tun for the guest's NIC"; exit 0; }

	. tests/lib/vnet.sh
	vnet_require
	trap cleanup EXIT

	H=$(ns_name h)
	ns_add "$H"
	SHARE=$VNET_T_TMP/share
	mkdir "$SHARE"

	# host_STEP ARGS...: prints "ok" or "not ok", then diagnostics.
	host_setup()
	{
		wait_until 10 ip -n "$H" link show dev $TAP || { echo "not ok"; echo "no $TAP in $H"; return; }
		if ip -n "$H" link set dev $TAP up &&
		   ip -n "$H" addr add 198.18.0.1/24 dev $TAP &&
		   ip -n "$H" addr add 2001:db8::1/64 dev $TAP nodad &&
		   ip -n "$H" neigh replace 198.18.0.2 lladdr $GUEST_MAC dev $TAP nud permanent &&
		   ip -n "$H" neigh replace 2001:db8::2 lladdr $GUEST_MAC dev $TAP nud permanent; then
			echo ok
		else
			echo "not ok"
		fi
	}

	# host_ping FAMILY COUNT [ARG...]: COUNT answered, none lost (COUNT 0:
	# three probes, none answered).
	host_ping()
	{
		local fam=$1 n=$2 dst=198.18.0.2

		shift 2
		[ "$fam" = 6 ] && dst=2001:db8::2
		if [ "$n" = 0 ]; then
			ping_run "$H" -$fam "${PING_PROBE[@]}" "$@" $dst
			if [ "$PING_RC" = 1 ] && [ "${PING_TX:-0}" -gt 0 ] && [ "$PING_RX" = 0 ]; then
				echo ok
			else
				echo "not ok"
			fi
		else
			ping_run "$H" -$fam -c "$n" "$@" $dst
			if [ "$PING_RC" = 0 ] && [ "$PING_TX" = "$n" ] && [ "$PING_RX" = "$n" ] &&
			   [ "$PING_DUP" = 0 ] && [ "$PING_ERR" = 0 ]; then
				echo ok
			else
				echo "not ok"
			fi
		fi
		printf '%s\n' "$PING_OUT" | tail -n 2
	}

	# host_rawping COUNT ARG...: rawping's verdict (tags, v4/v6 in ARGs).
	host_rawping()
	{
		local n=$1 out

		shift
		out=$(nsexec "$H" "$TOOLS/rawping" -i $TAP -d $GUEST_MAC -n "$n" -w 2 "$@" 2>&1)
		[ "$out" = "sent $n replies $n bad 0" ] && echo ok || echo "not ok"
		echo "$out"
	}

	host_step()
	{
		local step=$1

		shift
		case $step in
		setup) host_setup ;;
		mtu) ip -n "$H" link set dev $TAP mtu "$1" && echo ok || echo "not ok" ;;
		probe) host_ping "$1" 0 ;;
		ping) host_ping "$1" "$2" "${PING_VM[@]}" "${@:3}" ;;
		flood) host_ping "$1" "$2" -f -W 2 ;;
		rawping) host_rawping "$@" ;;
		*) echo "not ok"; echo "unknown step $step" ;;
		esac
	}

	# The guest's output, as it comes: TAP, and requests for steps.
	coproc GUEST { exec env VNET_VM_NETNS="$H" VNET_VM_TAP=$TAP VNET_VM_NIC_MAC=$GUEST_MAC \
		VNET_VM_SHARE="$SHARE" tests/vm/run.sh tests/vm/host-e2e.sh "tests/$(basename "$0")" 2>&1; }
	gpid=$GUEST_PID
	# cleanup() stops run.sh (and with it qemu) if this side ends first.
	VNET_T_PIDS+=("$gpid")
	re='^# vnet-host: ([0-9]+) ([a-z]+)(.*)$'
	while IFS= read -r line <&"${GUEST[0]}"; do
		if [[ $line =~ $re ]]; then
			seq=${BASH_REMATCH[1]}
			# shellcheck disable=SC2086
			host_step ${BASH_REMATCH[2]} ${BASH_REMATCH[3]} >"$SHARE/.$seq" 2>&1
			mv "$SHARE/.$seq" "$SHARE/$seq"
		else
			printf '%s\n' "$line"
		fi
	done
	wait "$gpid"
	rc=$?
	# The verdict is the guest's: this side printed no TAP of its own, so
	# cleanup() ends with run.sh's status once it has removed H.
	VNET_T_CLEANUP_HOOKS+=("exit $rc")
	exit $rc
fi

#
# The guest.
#
. tests/lib/vnet.sh
vnet_require ethtool
trap cleanup EXIT

N=20
FLOOD=2000
SHARE=/run/vnet-share
[ -d "$SHARE" ] || bail_out "no $SHARE: run this through its host side (prove tests/71-e2e-virtio-vm.t)"
modprobe virtio_net || bail_out "cannot load virtio_net"

SEQ=0
# step NAME STEP ARG...: the host runs STEP; one check, its verdict.
step()
{
	local name=$1 f i verdict

	shift
	SEQ=$((SEQ + 1))
	f=$SHARE/$SEQ
	echo "# vnet-host: $SEQ $*"
	for ((i = 0; i < 1200; i++)); do
		[ -f "$f" ] && break
		sleep 0.1
	done
	if [ ! -f "$f" ]; then
		not_ok "$name" "the host did not answer step $SEQ ($*) within 120 s"
		return 1
	fi
	read -r verdict <"$f"
	if [ "$verdict" = ok ]; then
		pass "$name"
		return 0
	fi
	not_ok "$name" "host: $*" "$(tail -n +2 "$f")"
}

# loopback_attach LABEL: vnet on vnic0 in loopback mode, for the guest's own
# pings to 198.18.0.9: vnic0 gets 198.18.0.3/24, and .9 the guest's own MAC
# (the frames leave and come back on vnic0, never reaching the host).
loopback_attach()
{
	ip -n "$G" addr add 198.18.0.3/24 dev vnic0 &&
	ip -n "$G" neigh replace 198.18.0.9 lladdr $GUEST_MAC dev vnic0 nud permanent ||
		bail_out "cannot give $G/vnic0 an address"
	attach_check "$1" "$G" vnic0 loopback --mode loopback
}

# The sum of virtio-net's per-queue XDP_TX counters (receive side: frames
# the program sent back; 6.1 names them rx_queue_N_xdp_tx, 6.12 rxN_xdp_tx
# and adds their total as rx_xdp_tx, left out here).
xdp_tx_sum()
{
	nsexec "$G" ethtool -S vnic0 |
		awk -F: '$1 ~ /^ *rx(_queue_)?[0-9]+_xdp_tx$/ { s += $2 } END { print s + 0 }'
}

nic=
for d in /sys/class/net/*; do
	[ "$(cat "$d/address" 2>/dev/null)" = $GUEST_MAC ] && nic=${d##*/}
done
[ -n "$nic" ] || bail_out "no NIC with MAC $GUEST_MAC (did run.sh get VNET_VM_NETNS?)"
G=$(ns_name g)
ns_add "$G"
ns_no_ipv6 "$G"
ip link set dev "$nic" down &&
ip link set dev "$nic" name vnic0 &&
ip link set dev vnic0 netns "$G" ||
	bail_out "cannot move $nic into $G as vnic0"
CPUS=$(nproc)
nsexec "$G" ethtool -L vnic0 combined "$CPUS" 2>/dev/null
ip -n "$G" link set dev vnic0 up || bail_out "cannot bring vnic0 up"
diag "guest $(uname -r), $CPUS CPUs: $G/vnic0 ($(nsexec "$G" ethtool -i vnic0 | sed -n 's/^driver: //p')," \
	"$(nsexec "$G" ethtool -l vnic0 | awk '/Combined/ { printf "%s ", $2 }' | sed 's/ $//' |
	   sed 's/ / queue pairs, /') in use)"
kmsg="vnet-71: start $$"
echo "$kmsg" >/dev/kmsg

plan 70

step "host: $TAP in the host namespace, up, static neighbours to $GUEST_MAC" setup
step "native: IPv4 ping unanswered before attach" probe 4
step "native: IPv6 ping unanswered before attach" probe 6

#
# Native: ping, tagged frames, floods; every counter.
#
label="virtio-net, native"
attach_check "$label" "$G" vnic0 native --mode native
is "$(xdp_attached "$G" vnic0)" "vnet_xdp native id=$PROG" "$label: ip link shows our program in native mode"
unlike "$(dmesg | sed -n "/$kmsg/,\$p")" "locked tx mode|Too few free TX rings|XDP request" \
	"$label: no XDP_TX queue shortage in the kernel log"
xdp_tx0=$(xdp_tx_sum)
step "$label: $N IPv4 pings from the host answered" ping 4 $N
step "$label: $N IPv6 pings from the host answered" ping 6 $N
stats_read "$G" vnic0
is "$(stats_field echo4) $(stats_field echo6) $(stats_field tx_packets)" "$N $N $((2 * N))" \
	"$label: stats -j: echo4 echo6 tx_packets"
step "$label: $N ICMP echo on 802.1Q VLAN 100 answered, same tag" rawping $N -V $DOT1Q:100
step "$label: $N ICMPv6 echo on 802.1Q VLAN 100 answered, same tag" rawping $N -6 -V $DOT1Q:100
step "$label: $N ICMP echo on QinQ 802.1ad 200 + 802.1Q 100 answered, same tags" \
	rawping $N -V $DOT1AD:200 -V $DOT1Q:100
stats_read "$G" vnic0
is "$(stats_field echo4) $(stats_field echo6) $(stats_field tx_packets)" \
	"$((3 * N)) $((2 * N)) $((5 * N))" "$label: stats -j after the tagged frames"
step "$label: ping -f -c $FLOOD from the host, 0 lost" flood 4 $FLOOD
step "$label: ping -6 -f -c $FLOOD from the host, 0 lost" flood 6 $FLOOD
stats_read "$G" vnic0
E4=$((3 * N + FLOOD)) E6=$((2 * N + FLOOD)) TX=$((5 * N + 2 * FLOOD))
is "$(stats_field echo4) $(stats_field echo6) $(stats_field tx_packets)" "$E4 $E6 $TX" \
	"$label: stats -j after the floods: echo4 echo6 tx_packets"
map_dump "$MAP"
is "$(map_sum "$MAP" echo4) $(map_sum "$MAP" echo6) $(map_sum "$MAP" tx_packets)" "$E4 $E6 $TX" \
	"$label: bpftool map dump id $MAP agrees"
is "$(($(xdp_tx_sum) - xdp_tx0))" "$TX" "$label: virtio-net's XDP_TX counters (ethtool -S) == vnet's replies"
detach_check "$label" "$G" vnic0 native
step "$label: IPv4 ping unanswered after detach" probe 4
step "$label: IPv6 ping unanswered after detach" probe 6

#
# auto: native, and -v says why.
#
label="virtio-net, auto"
vctl "$G" attach vnic0 -v
re='^vnic0: attached in native mode \(prog id ([0-9]+), map id ([0-9]+)\)$'
if [ "$RC" = 0 ] && [[ $OUT =~ $re ]]; then
	pass "$label: attaches in native mode: '$OUT'"
else
	not_ok "$label: attaches in native mode" "$(vctl_diag)"
fi
like "$ERR" "vnic0: auto: driver virtio_net: trying native mode" "$label: -v says why"
step "$label: $N IPv4 pings answered" ping 4 $N
stats_read "$G" vnic0
is "$(stats_field mode) $(stats_field echo4)" "native $N" "$label: stats -j: mode echo4"
detach_check "$label" "$G" vnic0 native

#
# generic and tc: the same pings, on the skb.
#
for mode in generic tc; do
	label="virtio-net, $mode"
	attach_check "$label" "$G" vnic0 $mode --mode $mode
	step "$label: $N IPv4 pings answered" ping 4 $N
	step "$label: $N IPv6 pings answered" ping 6 $N
	step "$label: $N ICMP echo on 802.1Q VLAN 100 answered" rawping $N -V $DOT1Q:100
	stats_read "$G" vnic0
	is "$(stats_field echo4) $(stats_field echo6) $(stats_field tx_packets)" \
		"$((2 * N)) $N $((3 * N))" "$label: stats -j: echo4 echo6 tx_packets"
	detach_check "$label" "$G" vnic0 $mode
done

#
# loopback: the guest's own requests out of vnic0, answered back into it;
# none reach the host (whose tap would drop them anyway: not its MAC).
#
label="virtio-net, loopback"
loopback_attach "$label"
ping_answered "$label: $N IPv4 pings from the guest itself answered" "$G" $N "${PING_VM[@]}" 198.18.0.9
stats_read "$G" vnic0
is "$(stats_field echo4) $(stats_field tx_packets)" "$N $N" "$label: stats -j: echo4 tx_packets"
detach_check "$label" "$G" vnic0 loopback
ping_unanswered "$label: unanswered after detach" "$G" "${PING_PROBE[@]}" 198.18.0.9
ip -n "$G" addr flush dev vnic0
ip -n "$G" neigh flush dev vnic0

#
# MTU 9000. Native: virtio-net takes XDP at that MTU only where the driver
# and the program do multi-buffer; either way, one clear outcome. Generic
# and tc: the largest pings the MTU allows.
#
label="virtio-net, native, MTU 9000"
if ip -n "$G" link set dev vnic0 mtu 9000; then
	step "host: $TAP at MTU 9000" mtu 9000
	vctl "$G" attach vnic0 --mode native
	if [ "$RC" = 0 ]; then
		pass "$label: attach: $OUT"
		step "$label: ping -s 8972 answered" ping 4 5 -M do -s 8972
		step "$label: ping -6 -s 8952 answered" ping 6 5 -M do -s 8952
		detach_check "$label" "$G" vnic0 native
	else
		is "$RC $(wc -l <<<"$ERR")" "1 1" "$label: refused with one line: $ERR"
		ok "$label: nothing left on vnic0 after the refusal" vnet_absent "$G" vnic0
		skip "native mode refused at MTU 9000" 3
	fi
	for mode in generic tc; do
		label="virtio-net, $mode, MTU 9000"
		attach_check "$label" "$G" vnic0 $mode --mode $mode
		step "$label: ping -s 8972 answered" ping 4 5 -M do -s 8972
		step "$label: ping -6 -s 8952 answered" ping 6 5 -M do -s 8952
		stats_read "$G" vnic0
		is "$(stats_field echo4) $(stats_field echo6)" "5 5" "$label: stats -j: echo4 echo6"
		detach_check "$label" "$G" vnic0 $mode
	done
	label="virtio-net, loopback, MTU 9000"
	loopback_attach "$label"
	ping_answered "$label: the guest's own ping -s 8972 answered" "$G" 5 "${PING_VM[@]}" \
		-M do -s 8972 198.18.0.9
	detach_check "$label" "$G" vnic0 loopback
else
	skip "vnic0 refuses MTU 9000" 22
fi
