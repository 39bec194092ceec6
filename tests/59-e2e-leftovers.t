#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 59-e2e-leftovers.t - the end-to-end tests left nothing behind. Runs after
# the other host tests/[2-5]*.t (prove runs them in name order) and only looks:
#   - no vnet-t-<pid>-* namespace and no /tmp/vnet-t-<pid>.* directory of a
#     test that is no longer running (a running one is still using its own),
#     and likewise for scripts/demo.sh's vnet-demo-<pid>-* and
#     bench/run.sh's vnet-bench-<pid>-*;
#   - no pins under /sys/fs/bpf/vnet in the root mount namespace;
#   - no vnet program attached anywhere in the root network namespace
#     (bpftool net: XDP and TC; ip -d link: XDP);
#   - no vnet program loaded at all. Deleting a namespace frees its programs
#     asynchronously, so this waits up to 10 s. Programs that may belong to
#     somebody else's namespace (one not named vnet-t-*) cannot be told
#     apart from leaks without entering it, so then the check is skipped,
#     saying which namespaces and programs;
#   - no prometheus server and no `vnetctl exporter` of a finished test
#     (43-e2e-metrics.t): a prometheus whose files are in a /tmp/vnet-t-<pid>.*
#     directory, an exporter in a vnet-t-<pid>-* namespace or in a namespace
#     that no longer has a name;
#   - no /var/tmp/vnet-t-<pid>.deb-installed of a finished 44-deb.t, which
#     exists exactly while the test has the vnet packages installed.

. "$(dirname "$0")/lib/vnet.sh"
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }

plan 8

# Names whose <pid> part is not a running process.
stale()
{
	local name pid

	while read -r name; do
		pid=$(printf '%s\n' "$name" | sed -n 's/^vnet-\(t\|demo\|bench\)-\([0-9]*\)[.-].*/\2/p')
		[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && echo "$name"
	done
}

stale_ns=$(ip netns list | awk '{print $1}' | grep -E '^vnet-(t|demo|bench)-' | stale)
is "$stale_ns" "" "no vnet-t-*/vnet-demo-*/vnet-bench-* network namespace left by a finished test, demo or bench"
stale_tmp=$(cd /tmp && ls -d vnet-t-* vnet-demo-* 2>/dev/null | stale)
is "$stale_tmp" "" "no /tmp/vnet-t-*/vnet-demo-* directory left by a finished test or demo"

pins=$(find /sys/fs/bpf/vnet -mindepth 1 2>/dev/null)
is "$pins" "" "no pins under /sys/fs/bpf/vnet"

vnet_names='^(vnet_(xdp|tc_ingress|tc_loop|xdp_pass)|bench_(gen|sink|bounce|drop|rearm))$'
net=$(bpftool -j net show | json_get '
	my @found;
	for my $kind (qw(xdp tc)) {
		for my $a (@{$d->[0]{$kind} // []}) {
			push @found, "$kind:$a->{devname}:$a->{name}:$a->{id}"
				if ($a->{name} // "") =~ /$ARGV[0]/;
		}
	}
	join " ", @found' "$vnet_names")
is "$net" "" "bpftool net: no vnet program on XDP or TC in the root namespace"
xdp=$(ip -j -d link show | json_get '
	join " ", map { "$_->{ifname}:$_->{xdp}{prog}{name}" }
		grep { ($_->{xdp}{prog}{name} // "") =~ /$ARGV[0]/ } @$d' "$vnet_names")
is "$xdp" "" "ip -d link: no vnet XDP program on a root-namespace link"

loaded_vnet_progs()
{
	bpftool -j prog show | json_get '
		join " ", map { "$_->{id}:$_->{name}" . ($_->{pids} ?
			"(held by " . join(",", map { "$_->{comm}/$_->{pid}" } @{$_->{pids}}) . ")" : "") }
			grep { ($_->{name} // "") =~ /$ARGV[0]/ } @$d' "$vnet_names"
}
others=$(ip netns list | awk '{print $1}' | grep -Ev '^vnet-(t|demo|bench)-' | paste -sd' ')
[ -n "$others" ] || wait_until 10 eval '[ -z "$(loaded_vnet_progs)" ]'
progs=$(loaded_vnet_progs)
if [ -z "$progs" ]; then
	pass "no vnet program loaded"
elif [ -n "$others" ] || [[ $progs =~ held\ by ]]; then
	skip "vnet programs loaded ($progs), but other namespaces ($others) or processes may own them"
else
	not_ok "no vnet program loaded" "loaded: $progs" "and no other namespace exists to own them"
fi

# Servers of a finished test: prometheus by its files, exporters by their namespace.
root_net=$(readlink /proc/1/ns/net)
servers=
for pid in $(pgrep -x prometheus); do
	name=$({ tr '\0' ' ' <"/proc/$pid/cmdline"; echo; } 2>/dev/null |
		sed -n 's|.*/tmp/\(vnet-t-[0-9]*\.[^/ ]*\).*|\1|p' | stale)
	[ -n "$name" ] && servers+=" prometheus/$pid($name)"
done
for pid in $(pgrep -f '^[^ ]*vnetctl exporter'); do
	ns=$(ip netns identify "$pid" 2>/dev/null)
	if [ -n "$ns" ]; then
		[ -n "$(echo "$ns" | stale)" ] && servers+=" exporter/$pid($ns)"
	elif [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" != "$root_net" ]; then
		servers+=" exporter/$pid(a deleted namespace)"
	fi
done
is "$servers" "" "no prometheus or vnetctl exporter left by a finished test"

stale_deb=$(cd /var/tmp && ls -d vnet-t-*.deb-installed 2>/dev/null | stale)
is "$stale_deb" "" "no vnet packages left installed by a finished 44-deb.t (/var/tmp marker)"
