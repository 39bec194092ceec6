#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# host-e2e.sh TEST [ARGS] - run one of the host's end-to-end tests
# (tests/2*.t) inside the guest, on Debian's stock kernel, which has what
# this machine's kernel lacks (802.1Q VLAN devices). The guest cannot
# autoload modules (the kernel's usermode modprobe runs in the initramfs,
# not in the chroot), so load what the tests need first.
set -u
if ! modprobe -a veth 8021q sch_ingress cls_bpf; then
	echo "Bail out! cannot load veth/8021q/clsact modules in the guest"
	exit 1
fi
exec "$@"
