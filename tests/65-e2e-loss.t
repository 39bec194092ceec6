#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 65-e2e-loss.t - loss= and dup= per prefix (issue 15), measured with
# `ping -f` as a monitor would see them.
#
# Topology: R/vr <-> C/vc, R without address, C 198.18.0.1/16.
#
#   - the command line: bad shares are one-line usage errors; list shows
#     the shares as given.
#   - tc (which can clone): --respond 198.18.4.0/22,loss=20%,dup=10%;
#     `ping -f -c 3000`: the loss ping sees is 20% +- 4 (n = 3000: 5.5
#     standard deviations), its DUP! count 10% +- 3 of the replies (5), and
#     both are exactly what the program counted (drop_loss, dup).
#   - generic (XDP cannot clone): the same loss, and no duplicate at all.
#   - native, loss=20% alone, measured by vnetctl bench from C (methods
#     packet and loop, 20000 requests each): bench's books exact (sent ==
#     replies + lost, no duplicate), its lost share 20% +- 1.5 (n = 20000:
#     5.3 standard deviations), and its lost exactly the program's
#     drop_loss (on a veth pair nothing else loses a frame).
#   - --seed: two runs of 2000 requests through a freshly attached program
#     with the same seed lose the same number (the same drops: one CPU,
#     -t 1, the same sequence), a program without it is unseeded.

. "$(dirname "$0")/lib/vnet.sh"
vnet_require
trap cleanup EXIT

V4=198.18.4.0/22
DST=198.18.5.5
COUNT=3000

plan 37

topo_pair
ip -n "$C" addr add 198.18.0.1/16 dev "$CIF" || bail_out "cannot configure the client side"

fails_usage "loss over 100%" \
	"vnetctl: $V4,loss=101%: loss=101%: not a share from 0 to 100% (up to 4 decimals)" \
	attach "$RIF" --respond "$V4,loss=101%"
fails_usage "dup not a number" \
	"vnetctl: $V4,dup=x: dup=x: not a share from 0 to 100% (up to 4 decimals)" \
	attach "$RIF" --respond "$V4,dup=x"
fails_usage "too many decimals" \
	"vnetctl: $V4,loss=0.12345: loss=0.12345: not a share from 0 to 100% (up to 4 decimals)" \
	attach "$RIF" --respond "$V4,loss=0.12345"

# flood MODE: ping -f through vnet in MODE; sets SENT RECV DUPS LOST_PROG DUP_PROG.
flood()
{
	local out

	stats_read "$R" "$RIF"
	LOST_PROG=$(stats_field drop_loss)
	DUP_PROG=$(stats_field dup)
	out=$(nsexec "$C" timeout 120 ping -f -c "$COUNT" -W 1 "$DST" 2>&1)
	SENT=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' <<<"$out")
	RECV=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$out")
	DUPS=$(sed -n 's/.* +\([0-9]*\) duplicates.*/\1/p' <<<"$out")
	DUPS=${DUPS:-0}
	stats_read "$R" "$RIF"
	LOST_PROG=$(($(stats_field drop_loss) - LOST_PROG))
	DUP_PROG=$(($(stats_field dup) - DUP_PROG))
	diag "$1: sent $SENT, received $RECV, +$DUPS duplicates; program: $LOST_PROG dropped, $DUP_PROG duplicated"
}

# within NAME GOT LO HI
within()
{
	ok "$1 ($2, want $3..$4)" [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]
}

for mode in tc generic; do
	attach_check "$mode" "$R" "$RIF" "$mode" --force --mode "$mode" \
		--respond "$V4,loss=20%,dup=10%"
	vctl "$R" respond "$RIF" list
	is "$OUT" "$V4,loss=20%,dup=10%" "$mode: list shows the shares"
	flood "$mode"
	is "$SENT" "$COUNT" "$mode: ping -f sent $COUNT"
	within "$mode: loss seen by ping, per mille" $(((SENT - RECV) * 1000 / SENT)) 160 240
	is "$LOST_PROG" $((SENT - RECV)) "$mode: every request ping lost is one the program counted in drop_loss"
	if [ "$mode" = tc ]; then
		within "$mode: DUP! per mille of the replies" $((DUPS * 1000 / RECV)) 70 130
		is "$DUP_PROG" "$DUPS" "$mode: every DUP! is one the program counted in dup"
	else
		is "$DUPS" 0 "$mode: XDP cannot clone: no DUP!"
		is "$DUP_PROG" 0 "$mode: and dup stays 0"
	fi
done

# bench_loss LABEL ARG...: vnetctl bench vc -j ARG... in C against the
# native program; sets SENT REPLIES LOST DUPS LOST_PROG. One check.
bench_loss()
{
	local label=$1

	shift
	stats_read "$R" "$RIF"
	LOST_PROG=$(stats_field drop_loss)
	vctl "$C" bench "$CIF" -j --dst "$DST" "$@"
	ok "$label: bench exits 0 with its JSON" [ "$RC" = 0 ] || diag "$(vctl_diag)"
	SENT=$(printf '%s' "$OUT" | json_get '$d->{sent}')
	REPLIES=$(printf '%s' "$OUT" | json_get '$d->{replies}')
	LOST=$(printf '%s' "$OUT" | json_get '$d->{lost}')
	DUPS=$(printf '%s' "$OUT" | json_get '$d->{duplicates} + $d->{bad_csum} + $d->{bounced}')
	stats_read "$R" "$RIF"
	LOST_PROG=$(($(stats_field drop_loss) - LOST_PROG))
	diag "$label: sent $SENT, replies $REPLIES, lost $LOST, other $DUPS; program: $LOST_PROG dropped"
}

attach_check "native, bench" "$R" "$RIF" native --force --mode native --respond "$V4,loss=20%"
for method in packet loop; do
	label="bench --method $method"
	rate=()
	[ "$method" = packet ] && rate=(-r 20000)
	bench_loss "$label" -n 20000 -t 1 --method "$method" "${rate[@]}"
	is "$SENT" 20000 "$label: sent 20000"
	is "$((REPLIES + LOST))" "$SENT" "$label: books exact: replies + lost == sent"
	is "$DUPS" 0 "$label: no duplicates, bad checksums or bounced requests"
	within "$label: lost share per mille" $((LOST * 1000 / SENT)) 185 215
	is "$LOST" "$LOST_PROG" "$label: bench's lost is exactly the program's drop_loss"
done

# --seed: the same drops in every run.
seeded()
{
	attach_check "seed $1" "$R" "$RIF" native --force --mode native --respond "$V4,loss=20%" \
		${1:+--seed "$1"}
	bench_loss "seed ${1:-none}" -n 2000 --method packet -r 20000 --cpus 0
}
seeded 7
first=$LOST
seeded 7
is "$LOST" "$first" "--seed 7 twice: the same number lost ($first of 2000)"
detach_check "end" "$R" "$RIF" native
