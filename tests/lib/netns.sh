# shellcheck shell=bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# netns.sh - throw-away network namespaces for the end-to-end tests.
#
# Every namespace is named vnet-t-<pid>-<suffix>, so concurrent runs never
# collide and 59-e2e-leftovers.t can tell ours from anybody else's. Links
# are created directly inside the namespaces (`ip -n NS link add ... peer
# ... netns NS2`), so nothing ever appears in the root namespace, even
# briefly. cleanup() (for `trap cleanup EXIT`) stops what the test started
# in the background and deletes its namespaces; deleting a namespace
# destroys its veths and, with them, every XDP/TC program attached there.
#
#   ns_name SUFFIX              echo vnet-t-<pid>-SUFFIX
#   ns_add NS                   create NS (quiet IPv6: no DAD, no RS), lo up
#   ns_no_ipv6 NS               IPv6 off for every current and future link
#   nsexec NS CMD...            CMD in NS, killed after $VNET_T_TIMEOUT s
#   veth_add NS1 IF1 NS2 IF2    a veth pair between two namespaces, both up
#   link_mac NS IF              the link's MAC address
#   bg_start VAR CMD...         external CMD in the background; its pid in VAR
#   bg_stop PID                 stop one background command (bounded)
#   wait_until SECONDS CMD...   poll CMD every 0.1 s until it succeeds
#   topo_pair                   the bare R <-> C veth pair (see below)
#   topo_reflector_client       the standard R <-> C pair (see below)
#   cleanup                     for `trap cleanup EXIT`; also runs each
#                               string in VNET_T_CLEANUP_HOOKS (eval)

VNET_T_PREFIX="vnet-t-$$"
VNET_T_TIMEOUT=${VNET_T_TIMEOUT:-60}
VNET_T_NETNS=()
VNET_T_PIDS=()
VNET_T_CLEANUP_HOOKS=()

ns_name()
{
	echo "$VNET_T_PREFIX-$1"
}

ns_add()
{
	local ns=$1

	ip netns add "$ns" || bail_out "cannot create network namespace $ns"
	VNET_T_NETNS+=("$ns")
	ip -n "$ns" link set lo up
	# Set before any link exists, so `default` reaches every new link:
	# no duplicate address detection (addresses usable at once) and no
	# router solicitations (less traffic the counters would see).
	ip netns exec "$ns" sysctl -q -w \
		net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.router_solicitations=0 >/dev/null ||
		bail_out "cannot set IPv6 sysctls in $ns"
}

ns_no_ipv6()
{
	ip netns exec "$1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null ||
		bail_out "cannot disable IPv6 in $1"
}

nsexec()
{
	local ns=$1

	shift
	timeout -k 5 "$VNET_T_TIMEOUT" ip netns exec "$ns" "$@"
}

veth_add()
{
	local ns1=$1 if1=$2 ns2=$3 if2=$4

	ip -n "$ns1" link add "$if1" type veth peer name "$if2" netns "$ns2" ||
		bail_out "cannot create veth $ns1/$if1 <-> $ns2/$if2"
	ip -n "$ns1" link set "$if1" up && ip -n "$ns2" link set "$if2" up ||
		bail_out "cannot bring up veth $ns1/$if1 <-> $ns2/$if2"
}

link_mac()
{
	ip -n "$1" -o link show dev "$2" |
		sed -n 's/.*link\/ether \([0-9a-f:]*\) .*/\1/p'
}

bg_start()
{
	local -n _pid=$1

	shift
	# A shell function would run in a forked subshell, and $! would be
	# that subshell: signals meant for the command would miss it.
	[ "$(type -t "$1")" = file ] || bail_out "bg_start: '$1' is not an external command"
	"$@" &
	_pid=$!
	VNET_T_PIDS+=("$_pid")
}

bg_stop()
{
	local pid=$1 i

	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

wait_until()
{
	local secs=$1 i

	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	"$@" >/dev/null 2>&1
}

#
# The bare pair under every reflector topology: R (reflector) and C
# (client) joined by a veth pair R/vr <-> C/vc. R has no address and IPv6
# off, so its stack answers nothing; C has no address yet.
# Sets R C RIF CIF RMAC CMAC.
#
topo_pair()
{
	R=$(ns_name r)
	C=$(ns_name c)
	RIF=vr
	CIF=vc
	ns_add "$R"
	ns_add "$C"
	ns_no_ipv6 "$R"
	veth_add "$R" "$RIF" "$C" "$CIF"
	RMAC=$(link_mac "$R" "$RIF")
	CMAC=$(link_mac "$C" "$CIF")
	[ -n "$RMAC" ] && [ -n "$CMAC" ] || bail_out "cannot read the veth MACs"
}

#
# The standard topology: topo_pair, and C has 198.18.0.1/24 and
# 2001:db8::1/64 and permanent neighbour entries for .2 and ::2 pointing at
# R's MAC, so a reply can only come from a program on vr.
#
topo_reflector_client()
{
	topo_pair
	ip -n "$C" addr add 198.18.0.1/24 dev "$CIF" &&
	ip -n "$C" addr add 2001:db8::1/64 dev "$CIF" nodad &&
	ip -n "$C" neigh replace 198.18.0.2 lladdr "$RMAC" dev "$CIF" nud permanent &&
	ip -n "$C" neigh replace 2001:db8::2 lladdr "$RMAC" dev "$CIF" nud permanent ||
		bail_out "cannot configure the client side"
}

#
# The topology for --respond prefixes: topo_pair, and C has 198.18.0.1/16
# and 2001:db8:1::1/64, so it reaches any address inside the prefixes the
# tests answer, PREFIX4 198.18.4.0/22 and PREFIX6 2001:db8:1::4:0/118 (set
# here), on the link: by ARP or ND, which only a program on vr answers.
#
topo_prefixes()
{
	# shellcheck disable=SC2034 # both are the tests'
	PREFIX4=198.18.4.0/22
	# shellcheck disable=SC2034
	PREFIX6=2001:db8:1::4:0/118
	topo_pair
	ip -n "$C" addr add 198.18.0.1/16 dev "$CIF" &&
	ip -n "$C" addr add 2001:db8:1::1/64 dev "$CIF" nodad ||
		bail_out "cannot configure the client side"
}

#
# The loopback topology: L/vl, the host that sends and whose own egress
# answers, and a peer P/vp (IPv6 off) that must see none of it. Sets L P LMAC.
#
topo_loopback()
{
	L=$(ns_name l)
	P=$(ns_name p)
	ns_add "$L"
	ns_add "$P"
	ns_no_ipv6 "$P"
	veth_add "$L" vl "$P" vp
	LMAC=$(link_mac "$L" vl)
	[ -n "$LMAC" ] || bail_out "cannot read $L/vl's MAC"
}

cleanup()
{
	local rc=$? pid ns hook

	for pid in "${VNET_T_PIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null && bg_stop "$pid"
	done
	for ns in "${VNET_T_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	VNET_T_NETNS=()
	for hook in "${VNET_T_CLEANUP_HOOKS[@]}"; do
		eval "$hook"
	done
	# A bail-out keeps its status; otherwise the TAP verdict decides.
	[ "$rc" -ne 255 ] || exit 255
	tap_status || exit 1
	exit 0
}
