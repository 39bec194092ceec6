#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 28-e2e-kill9.t - nothing half-done after kill -9 (issue 12). vnetctl is
# sent SIGKILL at instants spread over the run of attach (every mode),
# attach --force (across and within modes), detach, and respond add, del
# and flush of 1000 prefixes; after each kill, before anything repairs:
# the interface carries the old or the new attachment; then `status -j`
# and `respond list` agree with the hooks and with what the program does
# (pings inside and outside the listed prefixes); and the next command
# (detach) leaves no program, filter, qdisc or pin. The driver is
# tests/lib/kill9.pl, run inside the reflector's namespace; every command
# it runs is under a timeout and the whole run under a deadline (70 s).
# One check per scenario (every instant clean), one for the total, one for
# the time, one for the client's xdp_pass.

. "$(dirname "$0")/lib/vnet.sh"
vnet_require
trap cleanup EXIT

INSTANTS=${VNET_KILL9_INSTANTS:-10}
NR_SCENARIOS=16
plan $((NR_SCENARIOS + 3))

topo_reflector_client
for a in 198.18.4.1 198.19.0.1 198.19.3.232 198.18.9.9; do
	ip -n "$C" neigh replace "$a" lladdr "$RMAC" dev "$CIF" nud permanent ||
		bail_out "cannot add the neighbour entry for $a"
done
ip -n "$C" route add 198.19.0.0/16 dev "$CIF" || bail_out "cannot route 198.19.0.0/16 on C"
ip -n "$C" route add 198.18.4.0/22 dev "$CIF" 2>/dev/null
ip -n "$C" route add 198.18.9.9/32 dev "$CIF" 2>/dev/null
# Native XDP_TX on veth reaches the peer only through an XDP program there.
peer_xdp_on "kill9" "$C" "$CIF"

start=$(date +%s)
VNET_T_TIMEOUT=85 nsexec "$R" perl "$VNET_ROOT/tests/lib/kill9.pl" "$VNETCTL" "$C" "$RIF" \
	"$RMAC" "$INSTANTS" 70 >"$VNET_T_TMP/kill9.out" 2>&1
rc=$?
secs=$(($(date +%s) - start))
diag "driver exit $rc after ${secs} s"
grep '^fail ' "$VNET_T_TMP/kill9.out" | head -n 20 | while read -r line; do diag "$line"; done

n=0
while read -r _ rest; do
	re='^(.*) tried ([0-9]+) clean ([0-9]+) (.*)$'
	[[ $rest =~ $re ]] || continue
	n=$((n + 1))
	is "${BASH_REMATCH[3]}/${BASH_REMATCH[2]}" "${BASH_REMATCH[2]}/${BASH_REMATCH[2]}" \
		"kill -9 during ${BASH_REMATCH[1]}: every one of ${BASH_REMATCH[2]} instants left the old or the new state, status/list/pings agree, the next command cleans up ${BASH_REMATCH[4]}"
done < <(grep '^scenario ' "$VNET_T_TMP/kill9.out")
[ "$n" = "$NR_SCENARIOS" ] || diag "$(cat "$VNET_T_TMP/kill9.out")"
while [ "$n" -lt "$NR_SCENARIOS" ]; do
	n=$((n + 1))
	not_ok "scenario $n did not run (driver exit $rc, ${secs} s: deadline or error)"
done
total=$(sed -n 's/^total tried \([0-9]*\) clean \([0-9]*\)$/\2 of \1/p' "$VNET_T_TMP/kill9.out")
like "$total" '^([0-9]+) of \1$' "kill -9 at $total instants: all clean"
cmp_ok "$secs" '<' 90 "the whole kill -9 run took ${secs} s (< 90)"
