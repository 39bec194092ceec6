#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 72-e2e-multiprog.t - vnet as one of several programs on an interface
# (attach --multiprog), on the host and, as 73, in the QEMU guest.
#
# tc: on a kernel with tcx (6.6+), vnet goes first in the tcx chain, before
# a counting program another tool put there (tests/tools/tcx_prog), which
# sees what vnet hands on and stays through attach, --force and detach.
# Without tcx (the guest's 6.1), --multiprog takes a clsact filter.
#
# XDP: where the kernel lets libxdp run its dispatcher (Debian's 6.1 in the
# guest), xdp-loader loads another program (xdp_drop_all, priority 50)
# first; vnet joins that dispatcher at its priority 40, both show in
# `xdp-loader status`, pings are answered by vnet, what vnet hands on reaches the other program
# (it drops it: R's stack never counts the UDP datagrams vnet passed), and
# vnet's detach leaves the other program running. Where the kernel refuses
# freplace programs (this host: EPERM), xdp-loader falls back to one program
# without a dispatcher, and vnetctl says so in one line, attaching nothing.
# Linux 6.13+ and stable kernels (the guest's 6.12) refuse a frame-resizing
# program such as vnet_xdp in a slot of libxdp 1.3.1's dispatcher, which
# does not resize: vnetctl says that in one line too.
#
# libxdp pins its dispatcher in a bpffs; `ip netns exec` remounts /sys
# without one, so this test runs in a mount namespace of its own with a
# bpffs at /sys/fs/bpf, and enters the network
# namespaces with nsenter --net, which keeps it.

if [ -z "${VNET_T72_MNTNS:-}" ]; then
	VNET_T72_MNTNS=1 exec unshare --mount --propagation private "$0" "$@"
fi
# A bpffs of its own, over whatever is there: others' pins stay out of it.
mount -t bpf -o mode=0700 bpf /sys/fs/bpf ||
	{ echo "Bail out! cannot mount a bpffs at /sys/fs/bpf"; exit 255; }

. "$(dirname "$0")/lib/vnet.sh"
vnet_require xdp-loader nsenter unshare
[ -x "$TOOLS/tcx_prog" ] || bail_out "$TOOLS/tcx_prog is missing: run make first"
trap cleanup EXIT

N=10
K=7	# UDP datagrams for the "handed on" checks

topo_reflector_client

# mctl NS ARG...: vctl, but entering only the network namespace (bpffs stays).
mctl()
{
	local ns=$1

	shift
	timeout -k 5 "$VNET_T_TIMEOUT" nsenter --net="/run/netns/$ns" "$VNETCTL" "$@" \
		>"$VNET_T_TMP/out" 2>"$VNET_T_TMP/err"
	RC=$?
	OUT=$(<"$VNET_T_TMP/out")
	ERR=$(<"$VNET_T_TMP/err")
	return $RC
}

xloader()
{
	timeout -k 5 "$VNET_T_TIMEOUT" nsenter --net="/run/netns/$R" xdp-loader "$@"
}

# K UDP datagrams from C to R's discard port.
udp_send()
{
	nsexec "$C" bash -c "for i in \$(seq $K); do echo x > /dev/udp/198.18.0.2/9; done" \
		2>/dev/null
}

# R's count of UDP datagrams that reached its stack (none listens: NoPorts).
udp_noports()
{
	nsexec "$R" awk '/^Udp: [0-9]/ { print $3 }' /proc/net/snmp
}

vnet_pass()
{
	mctl "$R" stats "$RIF" -j && printf '%s' "$OUT" | json_get '$d->{pass}'
}

# handed_on_check LABEL: K UDP datagrams through vnet to the tcx program behind it.
handed_on_check()
{
	local label=$1 pass0 n0 pass1 n1

	pass0=$(vnet_pass) n0=$(nsexec "$R" "$TOOLS/tcx_prog" count "$RIF" in "$other")
	udp_send
	sleep 0.3
	pass1=$(vnet_pass) n1=$(nsexec "$R" "$TOOLS/tcx_prog" count "$RIF" in "$other")
	cmp_ok "$((pass1 - pass0))" '>=' "$K" \
		"$label: vnet handed on the $K UDP datagrams (and the client's own: pass +$((pass1 - pass0)))"
	# At least: the client's own IPv6 chatter may land between the two reads.
	cmp_ok "$((n1 - n0))" '>=' "$K" \
		"$label: the program behind vnet saw them too ($((n1 - n0)) frames)"
}

#
# tc, tcx: first in the chain, the other program behind it stays.
#
label="tcx"
if ! "$TOOLS/tcx_prog" list lo in >/dev/null 2>&1; then
	mctl "$R" -v attach "$RIF" --mode tc --multiprog
	like "$RC|$OUT|$ERR" "^0\\|$RIF: attached in tc mode \\(prog id [0-9]+, map id [0-9]+\\)\\|.*no tcx in this kernel" \
		"$label: no tcx here ($(uname -r)): --multiprog takes a clsact filter and -v says why"
	mctl "$R" status -j
	is "$(printf '%s' "$OUT" | json_get '$d->[0]{hook}')" clsact "$label: status -j says hook clsact"
	mctl "$R" detach "$RIF"
	skip "no tcx in kernel $(uname -r) (Linux 6.6+)" 8
else
	other=$(nsexec "$R" "$TOOLS/tcx_prog" add "$RIF" in) || bail_out "cannot add the other tcx program"
	mctl "$R" attach "$RIF" --mode tc --multiprog
	re="^$RIF: attached in tc mode \\(tcx, prog id ([0-9]+), map id [0-9]+\\)\$"
	like "$RC|$OUT|$ERR" "^0\\|$RIF: attached in tc mode \\(tcx, prog id [0-9]+, map id [0-9]+\\)\\|\$" \
		"$label: attach --mode tc --multiprog says tcx"
	[[ $OUT =~ $re ]] && prog=${BASH_REMATCH[1]}
	is "$(nsexec "$R" "$TOOLS/tcx_prog" list "$RIF" in)" "${prog:-?} $other" \
		"$label: the kernel's tcx chain: vnet first, the other program behind it"
	mctl "$R" status -j
	is "$(printf '%s' "$OUT" | json_get 'join ",", map { "$_->{mode}/$_->{hook}/$_->{prog_id}" } @$d')" \
		"tc/tcx/${prog:-?}" "$label: status -j: mode tc, hook tcx, its prog id"
	ping_answered "$label: $N pings answered" "$C" $N "${PING_FAST[@]}" 198.18.0.2
	handed_on_check "$label"
	mctl "$R" attach "$RIF" --mode tc --multiprog --force
	[[ $OUT =~ $re ]] && prog2=${BASH_REMATCH[1]}
	is "$RC|$(nsexec "$R" "$TOOLS/tcx_prog" list "$RIF" in)" "0|${prog2:-?} $other" \
		"$label: --force replaced vnet in place, the other program stays"
	mctl "$R" detach "$RIF"
	is "$RC|$OUT|$(nsexec "$R" "$TOOLS/tcx_prog" list "$RIF" in)" "0|$RIF: detached (tc)|$other" \
		"$label: detach removed only vnet"

	# kill -9 during attach --force between clsact and tcx, both ways (an
	# attach takes some 50-90 ms here): after each, vnet is on one hook or
	# (cut between the two steps) on both, never on neither; status (which
	# repairs first) shows exactly one, pings are answered (R has no
	# address: only vnet answers), and the other tcx program is still there.
	tried=0 clean=0 why= n_old=0 n_new=0 n_both=0
	for d in $(seq 0 10 200); do
		for to in tcx clsact; do
			if [ "$to" = tcx ]; then args=(--multiprog) old=(); else args=() old=(--multiprog); fi
			mctl "$R" attach "$RIF" --mode tc --force "${old[@]}" || bail_out "cannot set up the old state"
			tried=$((tried + 1))
			nsenter --net="/run/netns/$R" "$VNETCTL" attach "$RIF" --mode tc --force \
				"${args[@]}" >"$VNET_T_TMP/k9" 2>&1 &
			pid=$!
			sleep "$(printf '0.%03d' "$d")"
			kill -9 "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			n_tcx=$(nsexec "$R" "$TOOLS/tcx_prog" list "$RIF" in | wc -w)
			n_cls=$(tc -n "$R" filter show dev "$RIF" ingress | grep -c 'vnet_tc_ingress')
			if [ $((n_tcx - 1)) -ge 1 ] && [ "$n_cls" -ge 1 ]; then
				n_both=$((n_both + 1))
			elif { [ "$to" = tcx ] && [ "$n_tcx" -ge 2 ]; } || { [ "$to" = clsact ] && [ "$n_cls" -ge 1 ]; }; then
				n_new=$((n_new + 1))
			else
				n_old=$((n_old + 1))
			fi
			mctl "$R" status -j
			n_st=$(printf '%s' "$OUT" | json_get 'scalar @$d')
			ping_run "$C" -c 1 -W 1 198.18.0.2
			if [ "$n_tcx" -ge 1 ] && [[ " $(nsexec "$R" "$TOOLS/tcx_prog" list "$RIF" in) " == *" $other "* ]] &&
			   [ $((n_tcx - 1 + n_cls)) -ge 1 ] && [ "$n_st" = 1 ] && [ "$PING_RX" = 1 ]; then
				clean=$((clean + 1))
			else
				why+="${d}ms->$to: tcx=$n_tcx clsact=$n_cls status=$n_st ping=$PING_RX $(head -c 300 "$VNET_T_TMP/k9"); "
			fi
		done
	done
	diag "$label: kill -9 left the old state $n_old times, the new $n_new, both (repaired by status) $n_both"
	is "$clean of $tried" "$tried of $tried" \
		"$label: kill -9 at $tried instants of attach --force clsact<->tcx: never neither, status repairs to one, pings answered, the other program stays" ||
		diag "$why"
	mctl "$R" detach "$RIF"
	is "$RC|$(nsexec "$R" "$TOOLS/tcx_prog" list "$RIF" in)|$(tc -n "$R" qdisc show dev "$RIF" | grep -c clsact)" \
		"0|$other|0" "$label: after the kills, detach leaves only the other program, no clsact qdisc"
	nsexec "$R" "$TOOLS/tcx_prog" del "$RIF" in "$other"
fi

#
# XDP through libxdp's dispatcher, or the kernel's refusal.
#
label="libxdp"
# From here R's stack counts the UDP datagrams that get past every program.
ip -n "$R" addr add 198.18.0.2/24 dev "$RIF" || bail_out "cannot address $R/$RIF"
OTHER_OBJ=$VNET_ROOT/.output/vm/xdp_actions.bpf.o
[ -f "$OTHER_OBJ" ] || OTHER_OBJ=/usr/lib/x86_64-linux-gnu/bpf/xdpfilt_alw_all.o
mctl "$R" attach "$RIF" --mode generic --multiprog
if [ "$RC" != 0 ] && [[ $ERR == *"verifier refuses vnet_xdp as a freplace program"* ]]; then
	# Linux 6.13+ and stable kernels (the guest's 6.12) with libxdp 1.3.1.
	is "$RC|$OUT|$(printf '%s\n' "$ERR" | wc -l)" "1||1" \
		"$label: this kernel refuses vnet in libxdp 1.3.1's slots: exit 1, one line on stderr: $ERR"
	ok "$label: nothing attached after the refusal" vnet_absent "$R" "$RIF"
	skip "kernel $(uname -r) refuses a frame-resizing freplace program in libxdp $(pkg-config --modversion libxdp 2>/dev/null)'s dispatcher" 8
elif [ "$RC" != 0 ] && [[ $ERR == *"refuses freplace programs"* ]]; then
	is "$RC|$OUT|$(printf '%s\n' "$ERR" | wc -l)" "1||1" \
		"$label: this kernel refuses freplace: exit 1, one line on stderr: $ERR"
	ok "$label: nothing attached after the refusal" vnet_absent "$R" "$RIF"
	out=$(xloader load -m skb "$RIF" /usr/lib/x86_64-linux-gnu/bpf/xdpfilt_alw_all.o 2>&1)
	st=$(xloader status "$RIF" 2>&1)
	ok "$label: xdp-loader falls back to one program without a dispatcher" \
		eval "[[ \$st == *xdpfilt_alw_all* && \$st != *xdp_dispatcher* ]]"
	mctl "$R" attach "$RIF" --multiprog
	like "$RC|$OUT|$ERR" "^1\\|\\|vnetctl: $RIF: a foreign XDP program is attached .*xdpfilt_alw_all.*\$" \
		"$label: attach --multiprog next to it: exit 1, one line naming it"
	ok "$label: xdp-loader's program is still there" \
		eval "[[ \$(xloader status $RIF 2>&1) == *xdpfilt_alw_all* ]]"
	skip "the kernel refuses freplace programs: the dispatcher is tested in the guest (73)" 5
else
	# Not refused: take it off again, and start from another program in a dispatcher.
	is "$RC" 0 "$label: attach --mode generic --multiprog on an empty hook works here" ||
		diag "$ERR"
	mctl "$R" detach "$RIF"
	ok "$label: its detach removes the dispatcher it made" vnet_absent "$R" "$RIF"
	xloader load -m skb -p 50 -n xdp_drop_all "$RIF" "$OTHER_OBJ" >/dev/null 2>&1 ||
		bail_out "xdp-loader cannot load xdp_drop_all from $OTHER_OBJ"
	mctl "$R" attach "$RIF"
	like "$RC|$OUT" "^0\\|$RIF: attached in generic mode \\(libxdp dispatcher, priority 40, prog id [0-9]+, map id [0-9]+\\)\$" \
		"$label: attach (auto) joins xdp-loader's dispatcher in its mode"
	st=$(xloader status "$RIF" 2>&1)
	ok "$label: xdp-loader status shows both programs in the dispatcher" \
		eval "[[ \$st == *xdp_dispatcher* && \$st == *vnet_xdp* && \$st == *xdp_drop_all* ]]"
	mctl "$R" status -j
	is "$(printf '%s' "$OUT" | json_get 'join ",", map { "$_->{mode}/$_->{hook}" } @$d')" \
		"generic/libxdp" "$label: status -j: mode generic, hook libxdp"
	ping_answered "$label: $N pings answered by vnet" "$C" $N "${PING_FAST[@]}" 198.18.0.2
	pass0=$(vnet_pass) np0=$(udp_noports)
	udp_send
	sleep 0.3
	pass1=$(vnet_pass) np1=$(udp_noports)
	is "$((pass1 - pass0))|$((np1 - np0))" "$K|0" \
		"$label: vnet handed on $K UDP datagrams, and xdp_drop_all behind it dropped them"
	mctl "$R" detach "$RIF"
	is "$RC|$OUT" "0|$RIF: detached (generic)" "$label: detach"
	st=$(xloader status "$RIF" 2>&1)
	ok "$label: xdp_drop_all stays, vnet is gone" \
		eval "[[ \$st == *xdp_drop_all* && \$st != *vnet_xdp* ]]"
	ping_unanswered "$label: pings now meet xdp_drop_all" "$C" "${PING_PROBE[@]}" 198.18.0.2
	xloader unload --all "$RIF" >/dev/null 2>&1
fi

echo "1..$TAP_RUN"
