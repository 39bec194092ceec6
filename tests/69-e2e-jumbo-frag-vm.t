#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 69-e2e-jumbo-frag-vm.t - tests/68-e2e-jumbo-frag.t again, in the QEMU
# guest on Debian 12's own kernel (the oldest tests/vm/run.sh --list
# offers, 6.1): fragments and MTU 9000 where generic XDP still linearises
# every skb and veth's multi-buffer XDP is young; the host covers the newest
# kernel. VNET_SKIP_VM=1 skips, as in 60; a machine with no guest kernel
# skips with run.sh's reason.

cd "$(dirname "$0")/.." || exit 1
if [ "${VNET_SKIP_VM:-0}" = 1 ]; then
	echo "1..0 # SKIP VNET_SKIP_VM=1"
	exit 0
fi
kernel=$(tests/vm/run.sh --list 2>&1 | tail -n 1)
if ! [[ $kernel =~ ^[0-9]+\.[0-9]+ ]]; then
	echo "1..0 # SKIP no guest kernel: ${kernel:-none listed}"
	exit 0
fi
VNET_VM_KERNEL=$kernel exec tests/vm/run.sh tests/vm/host-e2e.sh tests/68-e2e-jumbo-frag.t
