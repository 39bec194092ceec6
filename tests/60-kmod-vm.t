#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 60-kmod-vm.t - the kernel module in real kernels: boots each guest kernel
# under QEMU (this machine's kernel cannot load modules) and runs
# tests/vm/kmod-tests.sh there, once per kernel series installed (the newest
# kernel of each: Debian 12's 6.1, bookworm-backports' 6.12). Each run is one
# subtest: its TAP is shown indented, and it passes when the whole suite
# passed in that kernel; the failures are repeated on stderr.
#
# `make test` installs both kernels (scripts/deps.sh). Debian 12's own kernel
# missing is a failure, not a skip: a skip would let CI go green without ever
# booting the module. The backports kernel missing is a skip that says so (a
# machine whose apt cannot reach bookworm-backports). VNET_SKIP_VM=1 skips on
# purpose (say, on a machine without the packages, run by hand).
# VNET_VM_KERNEL=VER runs the one kernel VER.

cd "$(dirname "$0")/.." || exit 1
if [ "${VNET_SKIP_VM:-0}" = 1 ]; then
	echo "1..0 # SKIP VNET_SKIP_VM=1"
	exit 0
fi

# Series every run must cover: Debian 12's kernel (required) and the
# backports kernel (skipped, with the reason, when absent).
REQUIRED=6.1
WANTED=6.12

n=0
failed=0
result()
{
	n=$((n + 1))
	echo "$1 $n - $2"
	[ "$1" = ok ] || failed=$((failed + 1))
}

# The newest guest kernel of each series, oldest series first.
if [ -n "${VNET_VM_KERNEL:-}" ]; then
	KERNELS=("$VNET_VM_KERNEL")
else
	list=$(tests/vm/run.sh --list 2>&1) || { echo "1..1"; echo "not ok 1 - $list"; exit 1; }
	mapfile -t KERNELS < <(awk -F. '!seen[$1 "." $2]++' <<<"$list" | sort -V)
	for series in $REQUIRED $WANTED; do
		grep -q "^${series//./\\.}\." <<<"$list" && continue
		if [ "$series" = "$REQUIRED" ]; then
			result "not ok" "a $series guest kernel (linux-image-amd64 with its headers: scripts/deps.sh)"
		else
			result ok "vnet.ko on $series # SKIP no $series guest kernel with headers (scripts/deps.sh installs bookworm-backports' linux-image-$series)"
		fi
	done
fi

for kver in "${KERNELS[@]}"; do
	echo "# Subtest: vnet.ko on $kver"
	start=$SECONDS
	out=$(mktemp /tmp/vnet-60.XXXXXX)
	VNET_VM_KERNEL=$kver tests/vm/run.sh tests/vm/kmod-tests.sh 2>&1 | tee "$out" | sed 's/^/    /'
	rc=${PIPESTATUS[0]}
	secs=$((SECONDS - start))
	if [ "$rc" = 0 ]; then
		result ok "vnet.ko on $kver: $(grep -c '^ok' "$out") tests passed (${secs}s)"
	else
		result "not ok" "vnet.ko on $kver: the suite exited $rc (${secs}s)"
		awk '/^not ok/ { p = 1; print; next } /^ok/ { p = 0 }
		     (p && /^#/) || /^run\.sh:|Bail out/' "$out" | tail -n 60 | sed "s/^/$kver: /" >&2
	fi
	rm -f "$out"
done

echo "1..$n"
[ "$failed" = 0 ]
