#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 66-e2e-delay-vm.t - tests/66-e2e-delay.t again, in the QEMU guest: this
# machine's kernel has no sch_fq and loads no modules, so on the host that
# test checks the refusals only. Debian's kernel has sch_fq, and the guest
# loads vnet.ko: there the delays are measured, in tc mode and on vnet.ko's
# delay line. VNET_SKIP_VM=1 skips, as in 60.

cd "$(dirname "$0")/.." || exit 1
if [ "${VNET_SKIP_VM:-0}" = 1 ]; then
	echo "1..0 # SKIP VNET_SKIP_VM=1"
	exit 0
fi
exec tests/vm/run.sh tests/vm/host-e2e.sh tests/66-e2e-delay.t
