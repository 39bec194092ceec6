#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Program tests: crafted frames through vnet_xdp, vnet_tc_ingress and
# vnet_tc_loop with BPF_PROG_TEST_RUN, judged by a reference model
# (tests/prog/). No interfaces, no namespaces: the kernel runs the programs
# on buffers. VNET_FUZZ_SEED / VNET_FUZZ_COUNT pass through.
cd "$(dirname "$0")/.." || exit 1

bin=tests/prog/vnet_prog_test
if [ ! -x "$bin" ]; then
	echo "1..1"
	echo "not ok 1 - $bin is built (run make)"
	exit 1
fi
# CI runs one fixed seed, so a red run repeats exactly; run the binary by
# hand (or set VNET_FUZZ_SEED) to draw new ones.
export VNET_FUZZ_SEED="${VNET_FUZZ_SEED:-0x766e6574}"
# Bounded: about 10 s on 2 cores with the default count; a hang is a failure.
exec timeout -k 10 600 "$bin"
