#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 60-kmod-vm.t - the kernel module in a real kernel: boots Debian's
# linux-image-amd64 under QEMU (this machine's kernel cannot load modules)
# and runs tests/vm/kmod-tests.sh there; its TAP is this test's TAP.
#
# `make test` installs the guest kernel (scripts/deps.sh), so a missing one
# is a failure, not a skip: a skip would let CI go green without ever
# booting the module. VNET_SKIP_VM=1 skips on purpose (say, on a machine
# without the packages, run by hand).

cd "$(dirname "$0")/.." || exit 1
if [ "${VNET_SKIP_VM:-0}" = 1 ]; then
	echo "1..0 # SKIP VNET_SKIP_VM=1"
	exit 0
fi
if ! reason=$(tests/vm/run.sh --probe 2>&1 >/dev/null); then
	echo "1..1"
	echo "not ok 1 - a guest kernel for the module tests (${reason#run.sh: })"
	exit 1
fi
exec tests/vm/run.sh tests/vm/kmod-tests.sh
