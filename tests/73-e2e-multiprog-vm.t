#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 73-e2e-multiprog-vm.t - tests/72-e2e-multiprog.t again, in the QEMU guest:
# this machine's kernel refuses freplace programs, so libxdp cannot run its
# dispatcher here and 72 covers only the refusal. Debian 12's own kernel
# (6.1, the oldest run.sh --list names) allows it: there, xdp-loader's
# dispatcher takes vnet as a second program, and --multiprog's tc part falls
# back to clsact for want of tcx. (backports' 6.12 refuses a frame-resizing
# program in libxdp 1.3.1's slots; VNET_VM_KERNEL=... runs 72 there: tcx,
# and that refusal in one line.) VNET_SKIP_VM=1 skips, as in 60.

cd "$(dirname "$0")/.." || exit 1
if [ "${VNET_SKIP_VM:-0}" = 1 ]; then
	echo "1..0 # SKIP VNET_SKIP_VM=1"
	exit 0
fi
if [ -z "${VNET_VM_KERNEL:-}" ]; then
	VNET_VM_KERNEL=$(tests/vm/run.sh --list 2>/dev/null | tail -n 1)
	export VNET_VM_KERNEL
fi
exec tests/vm/run.sh tests/vm/host-e2e.sh tests/72-e2e-multiprog.t
