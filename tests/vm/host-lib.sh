# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# host-lib.sh - for a host test that runs (part of) itself in the QEMU guest
# (tests/vm/run.sh). Sourced, from the repository root, by either half.
#
#   vm_guest_or_skip [WHY]   print "1..0 # SKIP [WHY, ]REASON" and exit 0
#                            when no guest can run (VNET_SKIP_VM=1, or no
#                            guest kernel: run.sh --probe's reason); else
#                            set VM_KVER to the guest kernel's version.
#   PING_VM                  ping options for counted runs against the guest
#                            (in place of tests/lib/vnet.sh's PING_FAST)

# No -w: with a deadline, ping -c N goes on sending until N replies came
# back, and under TCG on a loaded host a reply now and then takes longer
# than the 20 ms between requests, so one request more goes out than the
# counters expect. Without it exactly N go out, and ping waits up to 2 s
# for the last replies; nsexec's timeout bounds the whole run.
PING_VM=(-i 0.02 -W 2)

vm_guest_or_skip()
{
	local why=${1:+$1, }

	if [ "${VNET_SKIP_VM:-0}" = 1 ]; then
		echo "1..0 # SKIP ${why}VNET_SKIP_VM=1"
		exit 0
	fi
	if ! VM_KVER=$(tests/vm/run.sh --probe 2>&1); then
		echo "1..0 # SKIP ${why}no guest: $VM_KVER"
		exit 0
	fi
}
