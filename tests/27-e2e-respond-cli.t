#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 27-e2e-respond-cli.t - the command line of the virtual subnet (issue 5)
# against vnetctl(8) (attach, respond): attach --respond/--rate-limit/
# --rate-limit-drop/--ttl and `vnetctl respond`, every error with its exact
# message and exit code (2 usage, 1 runtime), nothing attached or changed
# after a failure, the output of add -v, list and list -j, the per-family
# limit in the kernel's maps, --force, and a program from before --respond.

. "$(dirname "$0")/lib/vnet.sh"
vnet_require clang
trap cleanup EXIT

plan 86

topo_reflector_client

#
# fails_exact NAME RC MESSAGE ARG...: `vnetctl ARG...` in R exits RC, prints
# nothing on stdout and exactly MESSAGE on stderr.
#
fails_exact()
{
	local name=$1 rc=$2 msg=$3

	shift 3
	vctl "$R" "$@"
	if [ "$RC" = "$rc" ] && [ -z "$OUT" ] && [ "$ERR" = "$msg" ]; then
		pass "$name"
		return 0
	fi
	not_ok "$name" "vnetctl $*: want exit $rc, empty stdout, stderr '$msg'" "$(vctl_diag)"
}

# respond_list [IF]: the prefixes, one line.
respond_list()
{
	vctl "$R" respond "${1:-$RIF}" list
	printf '%s' "$OUT" | paste -sd' '
}

see_attach="(see 'vnetctl attach --help')"
see_respond="(see 'vnetctl respond --help')"

#
# attach: usage errors, exit 2, before anything is touched.
#
fails_exact "attach --respond with host bits set" 2 \
	"vnetctl: 198.18.1.5/22: host bits set (did you mean 198.18.0.0/22?)" \
	attach "$RIF" --respond 198.18.1.5/22
fails_exact "attach --respond IPv6 with host bits set" 2 \
	"vnetctl: 2001:db8::1/64: host bits set (did you mean 2001:db8::/64?)" \
	attach "$RIF" --respond 2001:db8::1/64
fails_exact "attach --respond not a prefix" 2 \
	"vnetctl: 198.18.0.0/x: not an IPv4 or IPv6 prefix (ADDRESS or ADDRESS/LENGTH)" \
	attach "$RIF" --respond 198.18.0.0/x
fails_exact "attach --respond a name" 2 \
	"vnetctl: example.com: not an IPv4 or IPv6 prefix (ADDRESS or ADDRESS/LENGTH)" \
	attach "$RIF" --respond example.com
fails_exact "attach --respond with an empty length" 2 \
	"vnetctl: 198.18.0.0/: not an IPv4 or IPv6 prefix (ADDRESS or ADDRESS/LENGTH)" \
	attach "$RIF" --respond 198.18.0.0/
fails_exact "attach --respond /33" 2 \
	"vnetctl: 198.18.0.0/33: prefix length out of range (0 to 32 for IPv4)" \
	attach "$RIF" --respond 198.18.0.0/33
fails_exact "attach --respond /129" 2 \
	"vnetctl: 2001:db8::/129: prefix length out of range (0 to 128 for IPv6)" \
	attach "$RIF" --respond 2001:db8::/129
fails_exact "attach --respond without its argument" 2 \
	"vnetctl: attach: option '--respond' requires an argument $see_attach" \
	attach "$RIF" --respond
many4=() many6=()
for ((i = 0; i < 1025; i++)); do
	many4+=(--respond "198.18.$((i / 256)).$((i % 256))")
	many6+=(--respond "$(printf '2001:db8::%x' "$i")")
done
fails_exact "attach with 1025 IPv4 prefixes" 2 \
	"vnetctl: attach: too many IPv4 prefixes: 1025 (at most 1024) $see_attach" \
	attach "$RIF" "${many4[@]}"
fails_exact "attach with 1025 IPv6 prefixes" 2 \
	"vnetctl: attach: too many IPv6 prefixes: 1025 (at most 1024) $see_attach" \
	attach "$RIF" "${many6[@]}"
fails_exact "attach --rate-limit twice" 2 \
	"vnetctl: attach: --rate-limit PPS (the global cap) given twice $see_attach" \
	attach "$RIF" --rate-limit 100 --rate-limit 200
fails_exact "attach --rate-limit PPS/source twice" 2 \
	"vnetctl: attach: --rate-limit PPS/source given twice $see_attach" \
	attach "$RIF" --rate-limit 100/source --rate-limit 200/source
for bad in 0 1000000001 -5 10/dest 10/ /source 1e3 " 10"; do
	fails_exact "attach --rate-limit '$bad'" 2 \
		"vnetctl: attach: invalid rate limit '$bad': PPS or PPS/source, PPS 1 to 1000000000 $see_attach" \
		attach "$RIF" --rate-limit "$bad"
done
fails_exact "attach --rate-limit without its argument" 2 \
	"vnetctl: attach: option '--rate-limit' requires an argument $see_attach" \
	attach "$RIF" --rate-limit
fails_exact "attach --rate-limit-drop without --rate-limit" 2 \
	"vnetctl: attach: --rate-limit-drop needs --rate-limit $see_attach" \
	attach "$RIF" --rate-limit-drop
for bad in 0 256 -1 abc 64x; do
	fails_exact "attach --ttl $bad" 2 \
		"vnetctl: attach: invalid TTL '$bad': 1 to 255 $see_attach" attach "$RIF" --ttl "$bad"
done
fails_exact "attach --ttl without its argument" 2 \
	"vnetctl: attach: option '--ttl' requires an argument $see_attach" attach "$RIF" --ttl
ok "after the usage errors nothing is attached to $RIF" vnet_absent "$R" "$RIF"

#
# attach: runtime errors, exit 1.
#
fails_exact "attach --respond on lo (no Ethernet address)" 1 \
	"vnetctl: lo: --respond needs an Ethernet interface (no 6-byte MAC address to answer ARP and ND with)" \
	attach lo --mode loopback --respond 198.18.0.0/24
ok "nothing attached to lo after the refusal" vnet_absent "$R" lo

#
# respond: usage errors, exit 2.
#
fails_exact "respond without IFACE" 2 "vnetctl: respond: missing IFACE $see_respond" respond
fails_exact "respond without an action" 2 \
	"vnetctl: respond: missing add, del, list or flush after IFACE $see_respond" respond "$RIF"
fails_exact "respond with an unknown action" 2 \
	"vnetctl: respond: unknown action 'show': use add, del, list or flush $see_respond" \
	respond "$RIF" show
fails_exact "respond add without a prefix" 2 \
	"vnetctl: respond: add needs at least one PREFIX $see_respond" respond "$RIF" add
fails_exact "respond del without a prefix" 2 \
	"vnetctl: respond: del needs at least one PREFIX $see_respond" respond "$RIF" del
fails_exact "respond list with an argument" 2 \
	"vnetctl: respond: unexpected argument '198.18.0.0/24' $see_respond" \
	respond "$RIF" list 198.18.0.0/24
fails_exact "respond flush with an argument" 2 \
	"vnetctl: respond: unexpected argument 'all' $see_respond" respond "$RIF" flush all
fails_exact "respond add -j" 2 "vnetctl: respond: -j/--json goes with list only $see_respond" \
	respond "$RIF" add -j 198.18.0.0/24
fails_exact "respond add with host bits set (checked before the interface)" 2 \
	"vnetctl: 198.18.4.1/22: host bits set (did you mean 198.18.4.0/22?)" \
	respond "$RIF" add 198.18.4.1/22
fails_exact "respond with an unknown option" 2 \
	"vnetctl: respond: unknown option '--bogus' $see_respond" respond "$RIF" list --bogus

#
# respond: runtime errors before anything is attached.
#
fails_exact "respond on an interface without vnet" 1 "vnetctl: $RIF: vnet is not attached" \
	respond "$RIF" list
fails_exact "respond add on an interface without vnet" 1 "vnetctl: $RIF: vnet is not attached" \
	respond "$RIF" add 198.18.4.0/22
fails_exact "respond on a missing interface" 1 "vnetctl: nosuch0: no such interface" \
	respond nosuch0 list
vctl "$R" respond "$RIF" --help
if [ "$RC" = 0 ] && [ -z "$ERR" ] && [[ $OUT =~ ^Usage:.*respond\ IFACE\ add\|del ]]; then
	pass "respond --help: usage on stdout, exit 0"
else
	not_ok "respond --help: usage on stdout, exit 0" "$(vctl_diag)"
fi

#
# Attached: add, del, list, flush and their errors.
#
attach_check "respond" "$R" "$RIF" generic --mode generic --respond 198.18.4.0/22 \
	--respond 198.18.4.0/22 --respond 2001:db8:1::/64 --respond 198.18.0.9
is "$(respond_list)" "198.18.0.9/32 198.18.4.0/22 2001:db8:1::/64" \
	"list: a bare address is /32, duplicates once, IPv4 first, sorted"
vctl "$R" respond "$RIF" list -j
is "$RC|$(printf '%s' "$OUT" | json_get 'join ",", $d->{ifname}, @{$d->{prefixes}}')" \
	"0|$RIF,198.18.0.9/32,198.18.4.0/22,2001:db8:1::/64" "list -j: {\"ifname\", \"prefixes\": [...]}"
vctl "$R" -v respond "$RIF" add 198.18.4.0/22 198.18.5.5 2001:db8:2::1
is "$RC|$OUT|$ERR" \
	"0|$RIF: already there: 198.18.4.0/22
$RIF: added 198.18.5.5/32
$RIF: added 2001:db8:2::1/128|" "add -v: one line per prefix, one already there (not an error)"
vctl "$R" respond "$RIF" add 198.18.4.0/22
is "$RC|$OUT|$ERR" "0||" "add of a prefix already there: exit 0, silent"
fails_exact "del of an absent prefix: exit 1, names it" 1 \
	"vnetctl: $RIF: 198.18.9.0/24: no such prefix" respond "$RIF" del 198.18.5.5 198.18.9.0/24
is "$(respond_list)" "198.18.0.9/32 198.18.4.0/22 198.18.5.5/32 2001:db8:1::/64 2001:db8:2::1/128" \
	"the failed del deleted nothing (all checked first)"
fails_exact "del of a prefix by a longer one it covers: no such prefix" 1 \
	"vnetctl: $RIF: 198.18.4.0/24: no such prefix" respond "$RIF" del 198.18.4.0/24
vctl "$R" respond "$RIF" del 198.18.5.5/32 2001:db8:2::1
is "$RC|$OUT|$ERR|$(respond_list)" "0|||198.18.0.9/32 198.18.4.0/22 2001:db8:1::/64" \
	"del of two: exit 0, silent, both gone"
vctl "$R" status -j
is "$(printf '%s' "$OUT" | json_get '$d->[0]{prefixes}')" 3 "status -j: \"prefixes\": 3"
vctl "$R" status
like "$(printf '%s\n' "$OUT" | sed -n 1p)" ' PREFIXES$' "status: a PREFIXES column"
like "$(printf '%s\n' "$OUT" | sed -n 2p)" "^$RIF +generic .* 3\$" "status: $RIF has 3 prefixes"
vctl "$R" respond "$RIF" flush
is "$RC|$OUT|$ERR|$(respond_list)" "0|||" "flush: exit 0, silent, list empty"
vctl "$R" respond "$RIF" flush
is "$RC|$OUT|$ERR" "0||" "flush with nothing there: exit 0"
fails_exact "del after flush: no such prefix" 1 "vnetctl: $RIF: 198.18.0.9/32: no such prefix" \
	respond "$RIF" del 198.18.0.9

# The per-family limit, at the kernel's side too.
full=()
for ((i = 0; i < 1024; i++)); do
	full+=("198.18.$((i / 256)).$((i % 256))")
done
vctl "$R" respond "$RIF" add "${full[@]}"
is "$RC|$ERR" "0|" "add of 1024 IPv4 prefixes"
vctl "$R" status -j
is "$(printf '%s' "$OUT" | json_get '$d->[0]{prefixes}')" 1024 "status -j: \"prefixes\": 1024"
fails_exact "add of a 1025th IPv4 prefix: exit 1" 1 \
	"vnetctl: $RIF: too many IPv4 prefixes (at most 1024)" respond "$RIF" add 198.18.9.0/24
vctl "$R" respond "$RIF" add 2001:db8::/32
is "$RC|$ERR" "0|" "an IPv6 prefix still fits (the limit is per family)"
vctl "$R" respond "$RIF" list
is "$(printf '%s\n' "$OUT" | grep -c '')" 1025 "list: 1025 prefixes"

# --force: the new attachment has exactly the prefixes given with it.
attach_check "respond, --force" "$R" "$RIF" tc --mode tc --force --respond 198.18.6.0/24
is "$(respond_list)" "198.18.6.0/24" "after attach --force: only the new attach's prefixes"
detach_check "respond" "$R" "$RIF" tc
fails_exact "respond after detach" 1 "vnetctl: $RIF: vnet is not attached" respond "$RIF" list

# An attachment without an Ethernet address cannot take prefixes later.
attach_check "lo" "$R" lo loopback --mode loopback
fails_exact "respond add on lo's attachment: no MAC to answer with" 1 \
	"vnetctl: lo: the attached vnet program has no MAC address to answer ARP and ND with (not an Ethernet interface)" \
	respond lo add 198.18.0.0/24
is "$(respond_list lo)" "" "lo: no prefix added"
detach_check "lo" "$R" lo loopback

# Rate limits and TTL are accepted together (their effect: 26-e2e-subnet.t).
attach_check "limits" "$R" "$RIF" generic --mode generic --rate-limit 1000 \
	--rate-limit 100/source --rate-limit-drop --ttl 1
detach_check "limits" "$R" "$RIF" generic

#
# A vnet program from before --respond: vnet_xdp with a vnet_stats map
# and no prefix maps, as an older vnetctl attached it. Built here, small,
# with the name and map vnetctl recognises. 8 checks.
#
cat >"$VNET_T_TMP/old.bpf.c" <<'PROG'
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[7]);
} vnet_stats SEC(".maps");

SEC("xdp")
int vnet_xdp(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *s = bpf_map_lookup_elem(&vnet_stats, &key);

	if (s)
		s[0]++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
PROG
if clang -g -O2 -target bpf -I"$VNET_ROOT" -c "$VNET_T_TMP/old.bpf.c" -o "$VNET_T_TMP/old.bpf.o" &&
   ip -n "$R" link set dev "$RIF" xdpgeneric obj "$VNET_T_TMP/old.bpf.o" sec xdp; then
	pass "an old-style vnet_xdp (no prefix maps) attached with ip link"
	fails_exact "respond list on it: no prefix maps" 1 \
		"vnetctl: $RIF: the attached vnet program has no prefix maps (re-attach with --force)" \
		respond "$RIF" list
	fails_exact "respond add on it: no prefix maps" 1 \
		"vnetctl: $RIF: the attached vnet program has no prefix maps (re-attach with --force)" \
		respond "$RIF" add 198.18.4.0/22
	vctl "$R" status -j
	is "$RC|$(printf '%s' "$OUT" | json_get '
		join ",", map { "$_->{ifname}/$_->{mode}/" . (exists $_->{prefixes} ? "prefixes" : "none") } @$d')" \
		"0|$RIF/generic/none" "status -j: no \"prefixes\" key for it"
	attach_check "old program, --force" "$R" "$RIF" generic --mode generic --force \
		--respond 198.18.4.0/22
	is "$(respond_list)" "198.18.4.0/22" "after attach --force: the prefix is there"
	detach_check "old program, --force" "$R" "$RIF" generic
else
	not_ok "an old-style vnet_xdp (no prefix maps) attached with ip link"
	skip "no old-style program" 7
fi
