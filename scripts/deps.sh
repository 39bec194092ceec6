#!/bin/sh
# deps.sh - install, from Debian's packages, whatever vnet's build, demo and
# tests need and this machine lacks. Quiet when nothing is missing.
set -eu

# Build: the BPF toolchain, libbpf and bpftool; tests and demo: the real
# tools they drive; the kernel-module tests: headers, a guest kernel, qemu;
# make bench: jq (results), gnuplot-nox (the plot), git (the commit it names).
PKGS="make gcc clang llvm pkg-config libbpf-dev libelf-dev zlib1g-dev bpftool
iproute2 iputils-ping fping tcpdump ethtool netsniff-ng util-linux perl
kmod linux-headers-amd64 linux-image-amd64 qemu-system-x86 busybox-static cpio
binutils xz-utils dkms jq gnuplot-nox git"

missing=
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run as root, or: apt-get install$missing)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
