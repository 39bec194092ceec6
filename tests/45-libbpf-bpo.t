#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 45-libbpf-bpo.t - vnet built against bookworm-backports' libbpf (1.4)
# instead of Debian 12's (1.1), which the plain build and every other test
# use (README "Which libbpf"). scripts/libbpf-bpo.sh unpacks it under
# .output/libbpf-bpo without installing it; a scratch copy of the tree is
# built with make LIBBPF_PREFIX=..., must run against that library (its
# rpath), pass the program tests and attach in every mode (20-e2e-modes.t,
# run from the copy). Skips, saying why, where the suite has no libbpf.

cd "$(dirname "$0")/.." || exit 1
. tests/vm/tap.sh

SCRATCH=$(mktemp -d /tmp/vnet-libbpf-bpo.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT

if ! prefix=$(scripts/libbpf-bpo.sh 2>"$SCRATCH/why"); then
	echo "1..0 # SKIP $(head -n1 "$SCRATCH/why")"
	exit 0
fi
ver=$(cat "$prefix/../.version")
diag "libbpf $ver unpacked at $prefix"

# The tree without its build output, so everything is built afresh.
tar -C . --exclude=./.output -cf - . | tar -C "$SCRATCH" -xf -
check "make LIBBPF_PREFIX=... builds vnet (BPF objects, vnetctl, the tests)" \
	make -s -C "$SCRATCH" -j2 LIBBPF_PREFIX="$prefix" bpf user/vnetctl tests/prog/vnet_prog_test

lib=$(ldd "$SCRATCH/user/vnetctl" 2>&1 | awk '$1 == "libbpf.so.1" { print $3 }')
if [ "$(readlink -f "$lib")" = "$(readlink -f "$prefix"/lib/*/libbpf.so.1)" ]; then
	pass "vnetctl runs against the unpacked libbpf ($lib)"
else
	fail "vnetctl runs against the unpacked libbpf"
	diag "ldd says: ${lib:-no libbpf.so.1}"
fi
check "vnetctl --version" "$SCRATCH/user/vnetctl" --version

out=$("$SCRATCH/tests/prog/vnet_prog_test" 2>&1)
if [ $? -eq 0 ] && ! grep -q '^not ok' <<<"$out" && grep -q '^ok ' <<<"$out"; then
	pass "program tests: $(grep -c '^ok ' <<<"$out") subtests pass"
else
	fail "program tests"
	diag "$(grep -A5 '^not ok' <<<"$out" | head -20)" "$(tail -n3 <<<"$out")"
fi

# Every attach mode, the rest of the tools built as well.
check "the rest of the tree builds" make -s -C "$SCRATCH" -j2 LIBBPF_PREFIX="$prefix"
out=$(cd "$SCRATCH" && timeout 300 prove tests/20-e2e-modes.t 2>&1)
if [ $? -eq 0 ]; then
	pass "20-e2e-modes.t with libbpf $ver: $(grep -o 'Tests=[0-9]*' <<<"$out")"
else
	fail "20-e2e-modes.t with libbpf $ver"
	diag "$(tail -n 15 <<<"$out")"
fi

done_testing
