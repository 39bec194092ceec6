#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 61-kmod-build.t - kmod/ as a package maintainer sees it, on the host:
#   - builds with no warnings at W=1 against every kernel header tree
#     installed (Debian's linux-headers-amd64 among them), and the module
#     says what it is (vermagic, license, alias, parameter);
#   - `make` with no KVER/KDIR picks the newest headers; `make auto` with
#     none for the kernel asked for says so in one line and succeeds, plain
#     `make` fails; `make clean` leaves only the sources;
#   - dkms add/build/install/status/remove works from kmod/dkms.conf, for
#     every header tree;
#   - the responder's reasons are the BPF reflector's pass_* reasons, in order,
#     less those of vnetctl's settings (disabled, filtered, rate_limited).
# Builds happen in a scratch copy, so the work tree is left alone; dkms runs
# with its trees in the scratch directory too, and with module signing off
# so that it does not create a signing key on this machine.

cd "$(dirname "$0")/.." || exit 1
. tests/vm/tap.sh

SCRATCH=$(mktemp -d /tmp/vnet-kmod-build.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT

# kmod/ as committed, in a scratch directory of its own.
fresh_copy()
{
	rm -rf "$SCRATCH/$1"
	mkdir -p "$SCRATCH/$1"
	cp -r kmod/. "$SCRATCH/$1/"
	make -s -C "$SCRATCH/$1" clean >/dev/null
	echo "$SCRATCH/$1"
}

# Configured header trees, "VERSION DIR", one per tree, oldest first.
header_trees()
{
	local d v

	for d in /lib/modules/*/build /usr/src/linux-headers-*; do
		[ -f "$d/include/config/auto.conf" ] || continue
		case $d in
		/lib/modules/*) v=${d#/lib/modules/}; v=${v%/build} ;;
		*) v=${d#/usr/src/linux-headers-} ;;
		esac
		echo "$v $(realpath "$d")"
	done | sort -u -k2,2 | sort -V
}

mapfile -t TREES < <(header_trees)
if [ ${#TREES[@]} = 0 ]; then
	echo "1..0 # SKIP no kernel headers installed (linux-headers-amd64)"
	exit 0
fi
NEWEST=${TREES[-1]%% *}
diag "header trees: ${TREES[*]}"
# Debian 12's kernel and bookworm-backports' (scripts/deps.sh installs both):
# the module's version guards are compiled both ways only when both are here.
for series in 6.1 6.12; do
	[[ " ${TREES[*]%% *}" == *" $series."* ]] ||
		skip "W=1 build against a $series kernel" "no $series headers (scripts/deps.sh installs them)"
done

for t in "${TREES[@]}"; do
	ver=${t%% *}
	dir=${t#* }
	src=$(fresh_copy "w1-$ver")
	out=$(make -C "$src" KDIR="$dir" W=1 2>&1) && rc=0 || rc=$?
	is "$rc" 0 "builds against $ver with W=1"
	warnings=$(grep -iE 'warning:|error:' <<<"$out")
	if [ -z "$warnings" ]; then
		pass "no warnings against $ver at W=1"
	else
		fail "no warnings against $ver at W=1"
		diag "$warnings"
	fi
	ko=$src/vnet.ko
	is "$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)" "$ver" "vermagic is $ver"
	is "$(modinfo -F license "$ko")/$(modinfo -F alias "$ko")" "GPL/rtnl-link-vnet" \
	   "license GPL, alias rtnl-link-vnet (ip link add ... type vnet loads it)"
	like "$(modinfo -F parm "$ko" | grep '^numdevs:')" "^numdevs:.*\(uint\)$" "parameter numdevs (uint)"
	is "$(modinfo -F parm "$ko" | grep -o '^[a-z_]*_us:' | sort | xargs)" "delay_us: jitter_us:" \
	   "parameters delay_us and jitter_us (the delay line)"
done

src=$(fresh_copy default)
sources=$(cd "$src" && find . -type f | sort | xargs)
out=$(make -s -C "$src" 2>&1) && rc=0 || rc=$?
is "$rc/$(modinfo -F vermagic "$src/vnet.ko" 2>/dev/null | cut -d' ' -f1)" "0/$NEWEST" \
   "plain make builds against the newest headers ($NEWEST)"
out=$(make -s -C "$src" clean 2>&1)
is "$(cd "$src" && find . -type f | sort | xargs)" "$sources" "make clean leaves only the sources"
is "$(cd "$src" && find . \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '.*.cmd' \
	-o -name modules.order -o -name Module.symvers \) | xargs)" "" "... and no build products at all"

src=$(fresh_copy nohdr)
out=$(make -s -C "$src" auto KVER=0.0.0-none 2>&1) && rc=0 || rc=$?
if [ "$rc" = 0 ] && [ "$(wc -l <<<"$out")" = 1 ] && [[ $out == *0.0.0-none* ]] && [ ! -e "$src/vnet.ko" ]; then
	pass "make auto without headers for the kernel: one line, success"
else
	fail "make auto without headers for the kernel: one line, success"
	diag "exit $rc:" "$out"
fi
out=$(make -s -C "$src" KVER=0.0.0-none 2>&1) && rc=0 || rc=$?
if [ "$rc" != 0 ] && [[ $out == *linux-headers-0.0.0-none* ]]; then
	pass "make without headers for the kernel: fails, naming the package"
else
	fail "make without headers for the kernel: fails, naming the package"
	diag "exit $rc:" "$out"
fi

# dkms, against every header tree, in scratch trees: what the vnet-dkms
# package does on a machine with the stable and the backports kernel.
if command -v dkms >/dev/null; then
	ver=$(. kmod/dkms.conf && echo "$PACKAGE_VERSION")
	mkdir -p "$SCRATCH/dkms/src" "$SCRATCH/dkms/tree"
	cp -r "$(fresh_copy dkms-src)" "$SCRATCH/dkms/src/vnet-$ver"
	export sign_file=/nonexistent	# no key generation in /var/lib/dkms
	D=(--sourcetree "$SCRATCH/dkms/src" --dkmstree "$SCRATCH/dkms/tree"
	   --installtree "$SCRATCH/dkms/inst")
	check "dkms add vnet/$ver" dkms add -m vnet -v "$ver" "${D[@]}"
	for t in "${TREES[@]}"; do
		kver=${t%% *}
		mkdir -p "$SCRATCH/dkms/inst/$kver"
		check "dkms build vnet/$ver for $kver" dkms build -m vnet -v "$ver" -k "$kver" "${D[@]}"
		check "dkms install vnet/$ver for $kver" dkms install -m vnet -v "$ver" -k "$kver" \
			--no-depmod --no-initrd "${D[@]}"
		ko=$(find "$SCRATCH/dkms/inst/$kver" -name 'vnet.ko*' | head -1)
		is "$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)" "$kver" \
		   "dkms installed vnet.ko for $kver"
		# Versions such as 6.12.95+deb12-amd64 hold regex characters.
		like "$(dkms status -m vnet -k "$kver" "${D[@]}")" \
		     "^vnet/${ver//./\\.}, ${kver//[.+]/.}, [^:]*: installed" "dkms status: installed for $kver"
	done
	check "dkms remove vnet/$ver" dkms remove -m vnet -v "$ver" --all --no-depmod --no-initrd "${D[@]}"
	is "$(find "$SCRATCH/dkms/inst" -name 'vnet.ko*')" "" "nothing left installed"
else
	skip "dkms add/build/install/remove" "no dkms"
fi

# The responder's reasons are the BPF reflector's pass_* reasons, in the same
# order (kmod/vnet_drv.h says so; ethtool -S and vnetctl stats are read side
# by side), and each has the ethtool name consumed_<reason>.
reasons=$(sed -n 's/^[[:space:]]*VNET_RESP_\([A-Z0-9_]*\),.*/\1/p' kmod/vnet_drv.h |
	grep -vx 'REPLY\|NR_VERDICTS' | tr '[:upper:]' '[:lower:]' | xargs)
passes=$(sed -n 's/^[[:space:]]*X(pass_\([a-z0-9_]*\),.*/\1/p' bpf/vnet.shared.h | xargs)
# In bpf/vnet.shared.h's order, leaving out only what comes from vnetctl's
# settings, which the responder lacks (disabled, filtered, rate_limited,
# claimed: stepping aside needs --respond prefixes), and multibuf, a
# multi-buffer XDP frame, which the responder's single skbs never are.
in_order()
{
	local want=($1) have=($2) i=0 p

	for p in "${have[@]}"; do
		[ "$i" -lt "${#want[@]}" ] && [ "$p" = "${want[$i]}" ] && i=$((i + 1))
	done
	[ "${#want[@]}" -gt 0 ] && [ "$i" = "${#want[@]}" ]
}
settings="disabled filtered rate_limited claimed multibuf"
rest=$(for p in $passes; do [[ " $settings " == *" $p "* ]] || echo "$p"; done | xargs)
in_order "$reasons" "$passes" && [ "$reasons" = "$rest" ] && rc=0 || rc=1
is "$rc" 0 "vnet_resp_verdict's reasons are bpf/vnet.shared.h's pass_* reasons, in order, but for the settings'"
[ "$rc" = 0 ] || diag "kmod: $reasons" "bpf:  $passes"
names=$(sed -n 's/^[[:space:]]*\[R(VNET_RESP_\([A-Z0-9_]*\))\][[:space:]]*= "\([a-z0-9_]*\)",$/\1 \2/p' \
	kmod/vnet_ethtool.c | awk '{ print ($2 == "consumed_" tolower($1)) ? "ok" : $0 }' | sort -u | xargs)
is "$names" "ok" "every reason's ethtool name is consumed_<reason>"

done_testing
