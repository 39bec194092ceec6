# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# host-lib.sh - for a host test that runs (part of) itself in the QEMU guest
# (tests/vm/run.sh). Sourced, from the repository root.
#
#   vm_guest_or_skip [WHY]   print "1..0 # SKIP [WHY, ]REASON" and exit 0
#                            when no guest can run (VNET_SKIP_VM=1, or no
#                            guest kernel: run.sh --probe's reason); else
#                            set VM_KVER to the guest kernel's version.

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
