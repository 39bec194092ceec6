#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 46-bpf-headers.t - every header under bpf/ compiles on its own, as a BPF
# program's only include after vmlinux.h and libbpf's helpers: none may
# lean on another header having been included first (README "Layout").
# Unused static functions are allowed: a header alone uses none of its
# subprograms.

cd "$(dirname "$0")/.." || exit 1
. tests/vm/tap.sh

command -v clang >/dev/null || { echo "1..0 # SKIP no clang (scripts/deps.sh)"; exit 0; }
[ -f vmlinux.h ] || { echo "1..0 # SKIP no vmlinux.h: run make first"; exit 0; }
SCRATCH=$(mktemp -d /tmp/vnet-bpf-headers.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT

ARCH=$(uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
for h in bpf/*.h; do
	name=$(basename "$h")
	printf '#include "vmlinux.h"\n#include <bpf/bpf_helpers.h>\n#include <bpf/bpf_endian.h>\n#include "%s"\n' \
		"$name" >"$SCRATCH/alone.c"
	# shellcheck disable=SC2046 # pkg-config's words are separate flags
	check "bpf/$name compiles alone" \
		clang -g -O2 -target bpf -D__TARGET_ARCH_"$ARCH" -Wall -Werror -Wno-unused-function \
		-I. -Ibpf $(pkg-config --cflags libbpf 2>/dev/null) -c "$SCRATCH/alone.c" -o "$SCRATCH/alone.o"
done

done_testing
