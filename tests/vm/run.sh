#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# run.sh - run a script as root inside a QEMU guest that boots a Debian
# kernel (Debian 12's linux-image-amd64, or bookworm-backports' 6.12: the
# newest by default), so that kmod/vnet.ko can really be loaded.
#
#   tests/vm/run.sh SCRIPT [ARGS...]   run SCRIPT, exit with its status
#   tests/vm/run.sh --probe            print the guest kernel version, or why
#                                      there is none (exit 1)
#   tests/vm/run.sh --list             print every kernel a guest can boot
#                                      (image, modules, headers), newest first
#
# The guest's root file system is the host's, shared read-only over 9p, so
# the script runs with the host's userspace, from the repository root, at the
# same paths; it gets its own proc/sys/dev, a bpffs at /sys/fs/bpf, tracefs,
# and writable /tmp, /var/tmp (overlays over the host's) and /run. Before
# booting, this builds what the guest needs: kmod/vnet.ko for the guest's
# kernel, the BPF objects and user/vnetctl (if they build), every
# tests/vm/*.bpf.c into .output/vm/, and a busybox initramfs (cached in
# .output/vm/, rebuilt when its inputs change). It installs the Debian
# packages it needs when they are missing. The guest has no network unless
# VNET_VM_NETNS asks for a NIC (below).
#
# The script's output streams to stdout while it runs. The exit status is
# the script's; a guest that panics, hangs, or ends without reporting a
# status is an error (non-zero, one line on stderr saying which, and the tail
# of the guest console). qemu's own exit status proves nothing: a panic with
# panic=-1 and -no-reboot exits 0 too.
#
# Environment:
#   VNET_VM_TIMEOUT=600   seconds for the whole run (boot included)
#   VNET_VM_ACCEL=tcg     kvm to try KVM (it hangs with this kernel on some hosts)
#   VNET_VM_TCG_THREAD=   single or multi: TCG's vCPU threading (default:
#                         multi for guest kernels before 6.2, single from 6.2:
#                         see tcg_thread below)
#   VNET_VM_KERNEL=VER    guest kernel version (default: the newest
#                         /boot/vmlinuz-*-amd64 with modules and headers;
#                         --list shows them all)
#   VNET_VM_MEM=1024 VNET_VM_SMP=2
#   VNET_VM_CPU=MODEL     qemu -cpu model (default: qemu's, the quickest under TCG;
#                         "host" with KVM)
#   VNET_VM_APPEND=...    extra guest kernel command line
#   VNET_VM_KEEP=1        keep the result directory (console log, output)
#   VNET_VM_NETNS=NS      give the guest a virtio-net NIC (MAC
#                         VNET_VM_NIC_MAC=52:54:00:76:6e:01) whose host end is
#                         tap VNET_VM_TAP=vnet-tap0 in the host's network
#                         namespace NS (the caller's: qemu runs in it and
#                         creates the tap there, down, unconfigured). The NIC
#                         has VNET_VM_NIC_QUEUES queue pairs (default: two per
#                         vCPU, so that XDP_TX gets a TX queue per CPU of its
#                         own besides the stack's) and passes every VLAN (no
#                         VID filter), like a trunk port. The guest loads no
#                         driver for it: the script runs `modprobe virtio_net`.
#   VNET_VM_SHARE=DIR     a host directory the script sees read-write at
#                         /run/vnet-share (uncached: what either side writes,
#                         the other reads at once), e.g. to talk to the host
#   VNET_*                other VNET_ variables are passed to the script

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
VMDIR=$REPO/.output/vm
TIMEOUT=${VNET_VM_TIMEOUT:-600}
ACCEL=${VNET_VM_ACCEL:-tcg}
MEM=${VNET_VM_MEM:-1024}
SMP=${VNET_VM_SMP:-2}
PKGS="qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static cpio kmod make gcc
binutils xz-utils"
# What /init loads, dependencies first (resolved with modinfo).
GUEST_MODULES="virtio_pci 9pnet_virtio 9p overlay"

die()
{
	echo "run.sh: $*" >&2
	exit 1
}

note()
{
	echo "run.sh: $*" >&2
}

help()
{
	sed -n '4,/^$/p' "${BASH_SOURCE[0]}" | sed -n 's/^# \{0,1\}//p'
	exit 0
}

ensure_packages()
{
	local p missing=

	for p in $PKGS; do
		case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) in
		*" installed") ;;
		*) missing="$missing $p" ;;
		esac
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] || die "missing packages:$missing (run as root, or apt-get install$missing)"
	note "installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || die "apt-get update failed"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2 ||
		die "cannot install$missing"
}

has_headers()
{
	[ -f "/lib/modules/$1/build/include/config/auto.conf" ] ||
		[ -f "/usr/src/linux-headers-$1/include/config/auto.conf" ]
}

# Every Debian amd64 kernel that has an image, modules and headers, newest
# first: the kernels a guest can boot with vnet.ko built for it.
guest_kernels()
{
	local f ver

	for f in $(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -rV); do
		ver=${f#/boot/vmlinuz-}
		[ -r "$f" ] && [ -d "/lib/modules/$ver/kernel" ] && has_headers "$ver" && echo "$ver"
	done
	return 0
}

# VNET_VM_KERNEL's, checked, or else the newest guest kernel.
pick_kernel()
{
	local ver=${VNET_VM_KERNEL:-}

	if [ -n "$ver" ]; then
		[ -r "/boot/vmlinuz-$ver" ] || die "no /boot/vmlinuz-$ver"
		[ -d "/lib/modules/$ver/kernel" ] || die "no modules for $ver"
		has_headers "$ver" || die "no headers for $ver"
		echo "$ver"
		return
	fi
	ver=$(guest_kernels | head -n 1)
	[ -n "$ver" ] && echo "$ver"
}

# Build output goes to stderr: stdout is the script's (TAP, usually).
build()
{
	local src obj

	make -s -C "$REPO/kmod" KVER="$KVER" >&2 || die "cannot build kmod/vnet.ko for $KVER"
	# Userspace is another part's: the guest's tests skip what is missing.
	make -s -C "$REPO" bpf >&2 || note "BPF objects did not build"
	make -s -C "$REPO" user/vnetctl >&2 || note "user/vnetctl did not build"

	mkdir -p "$VMDIR"
	for src in "$REPO"/tests/vm/*.bpf.c; do
		[ -e "$src" ] || continue
		obj=$VMDIR/$(basename "${src%.c}").o
		[ "$obj" -nt "$src" ] && continue
		clang -g -O2 -target bpf -Wall -Werror -I"/usr/include/$(uname -m)-linux-gnu" \
			-c "$src" -o "$obj" >&2 || note "cannot build $src"
	done
}

# Append module NAME and, first, its dependencies to MOD_ORDER (paths).
declare -A MOD_SEEN
MOD_ORDER=()
resolve_module()
{
	local name=$1 path dep

	[ -n "${MOD_SEEN[$name]:-}" ] && return 0
	MOD_SEEN[$name]=1
	path=$(modinfo -k "$KVER" -n "$name" 2>/dev/null) || die "$KVER has no module $name"
	for dep in $(modinfo -k "$KVER" -F depends "$name" | tr , ' '); do
		resolve_module "$dep"
	done
	# Built into the kernel: nothing to load.
	case $path in
	/*) MOD_ORDER+=("$path") ;;
	esac
}

# Copy a module, decompressed, to DEST (busybox insmod wants plain ELF).
copy_module()
{
	case $1 in
	*.ko) cp "$1" "$2" ;;
	*.ko.xz) xz -dc "$1" >"$2" ;;
	*.ko.zst) zstd -dcq "$1" >"$2" ;;
	*.ko.gz) gzip -dc "$1" >"$2" ;;
	*) die "unknown module format: $1" ;;
	esac
}

build_initramfs()
{
	local m key stage name i=0

	for m in $GUEST_MODULES; do
		resolve_module "$m"
	done
	INITRD=$VMDIR/initramfs-$KVER.cpio.gz
	key=$({
		sha256sum /bin/busybox "$REPO/tests/vm/guest-init.sh"
		for m in "${MOD_ORDER[@]}"; do
			stat -c '%n %s %Y' "$m"
		done
	} | sha256sum | cut -d' ' -f1)
	if [ -f "$INITRD" ] && [ "$(cat "$INITRD.key" 2>/dev/null)" = "$key" ]; then
		return 0
	fi

	note "building the initramfs for $KVER"
	stage=$(mktemp -d "$VMDIR/initramfs.XXXXXX")
	mkdir -p "$stage/bin" "$stage/dev" "$stage/modules"
	cp /bin/busybox "$stage/bin/busybox"
	install -m 0755 "$REPO/tests/vm/guest-init.sh" "$stage/init"
	# The kernel's built-in initramfs has one too; this is in case not.
	mknod -m 0600 "$stage/dev/console" c 5 1 2>/dev/null || true
	for m in "${MOD_ORDER[@]}"; do
		name=$(printf '%02d' $i)-$(basename "$m" | sed 's/\.ko.*//')
		copy_module "$m" "$stage/modules/$name.ko"
		echo "$name" >>"$stage/modules/order"
		i=$((i + 1))
	done
	(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) | gzip -9n >"$INITRD.tmp"
	rm -rf "$stage"
	mv "$INITRD.tmp" "$INITRD"
	echo "$key" >"$INITRD.key"
}

# Debian's vmlinuz is an xz-compressed bzImage that the emulated CPU takes
# ~8 s to unpack. Unpacked once here, the ELF vmlinux inside boots in well
# under a second through its PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY).
unpack_kernel()
{
	local vmlinuz=/boot/vmlinuz-$KVER out=$VMDIR/vmlinux-$KVER magic tool off

	KERNEL_IMAGE=$vmlinuz
	if [ -s "$out" ] && [ "$out" -nt "$vmlinuz" ]; then
		KERNEL_IMAGE=$out
		return 0
	fi
	for magic in '\xFD7zXZ\x00:xz -dc --single-stream' '\x28\xB5\x2F\xFD:zstd -dcq' \
		     '\x1F\x8B\x08:gzip -dcq'; do
		tool=${magic#*:}
		for off in $(LC_ALL=C grep -obUaP "${magic%%:*}" "$vmlinuz" | cut -d: -f1); do
			# Trailing data makes some tools complain: judge the result.
			tail -c +$((off + 1)) "$vmlinuz" | $tool >"$out.tmp" 2>/dev/null || true
			if readelf -n "$out.tmp" 2>/dev/null | grep -qE 'Xen.*(0x00000012|PHYS32_ENTRY)'; then
				mv "$out.tmp" "$out"
				KERNEL_IMAGE=$out
				return 0
			fi
		done
	done
	rm -f "$out.tmp"
	note "cannot unpack $vmlinuz for a PVH boot; booting the bzImage (slower)"
}

# Multi-threaded TCG runs each vCPU in a host thread of its own, and under it
# the XDP dispatcher of kernels from 6.2 on (a static_call that
# bpf_dispatcher_change_prog() rewrites with text_poke_bp() on every XDP
# attach and detach) takes an unhandled int3 ("Oops: int3" in
# bpf_dispatcher_xdp_func) when a program is attached while the other vCPU
# runs XDP: 3 panics in 3 one-minute attach/detach loops under ping -f on
# 6.12, none in 3 such loops with single-threaded TCG, none on 6.1 (whose
# dispatcher is patched another way) with either. Real CPUs honour the
# cross-modifying-code protocol text_poke_bp() follows; TCG's parallel
# vCPUs evidently do not always, so from 6.2 the vCPUs take turns.
tcg_thread()
{
	local v=${VNET_VM_TCG_THREAD:-}

	if [ -z "$v" ]; then
		v=multi
		printf '%s\n' "$KVER" 6.2 | sort -CV || v=single
	fi
	echo "$v"
}

# Single-quote for sh.
shq()
{
	printf "'%s'" "${1//\'/\'\\\'\'}"
}

# The job the guest's /init runs in the chroot, with /bin/sh.
write_job()
{
	local script=$1 inner=$2 v arg
	shift 2

	{
		echo "# written by tests/vm/run.sh"
		echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
		echo "export HOME=/tmp TERM=dumb LC_ALL=C.UTF-8 VNET_VM=1 VNET_VM_RESULTS=/run/vnet-vm"
		for v in $(compgen -e | grep '^VNET_' | grep -v '^VNET_VM' || true); do
			echo "export $v=$(shq "${!v}")"
		done
		if [ -n "${VNET_VM_SHARE:-}" ]; then
			echo "mkdir -p /run/vnet-share &&"
			echo "  mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 share /run/vnet-share ||"
			echo "  { echo 'run.sh: cannot mount the share in the guest'; exit 125; }"
		fi
		echo "cd $(shq "$REPO") || exit 125"
		printf 'exec timeout -k 10 %s ' "$inner"
		[ -x "$script" ] || printf '/bin/sh '
		shq "$script"
		for arg in "$@"; do
			printf ' '
			shq "$arg"
		done
		echo
	} >"$RES/job"
}

report_failure()
{
	note "$1"
	if [ -s "$RES/console.log" ]; then
		echo "--- last lines of the guest console ---" >&2
		tail -n 40 "$RES/console.log" | tr -d '\r' >&2
	fi
}

cleanup()
{
	if [ -n "${QPID:-}" ] && kill -0 "$QPID" 2>/dev/null; then
		kill "$QPID" 2>/dev/null || true
		wait "$QPID" 2>/dev/null || true
	fi
	if [ -n "${TPID:-}" ]; then
		kill "$TPID" 2>/dev/null || true
		wait "$TPID" 2>/dev/null || true
	fi
	if [ -n "${RES:-}" ] && [ -d "$RES" ]; then
		if [ "${VNET_VM_KEEP:-0}" = 1 ]; then
			note "results kept in $RES"
		else
			rm -rf "$RES"
		fi
	fi
}

[ $# -ge 1 ] || { echo "usage: tests/vm/run.sh SCRIPT [ARGS...] | --probe | --list | --help" >&2; exit 2; }
case $1 in
-h|--help) help ;;
esac

ensure_packages
if [ "$1" = --list ]; then
	guest_kernels
	exit 0
fi
KVER=$(pick_kernel) ||
	die "no guest kernel: need /boot/vmlinuz-VER-amd64, /lib/modules/VER and its headers"
if [ "$1" = --probe ]; then
	echo "$KVER"
	exit 0
fi

SCRIPT=$(realpath -e -- "$1" 2>/dev/null) || die "no such script: $1"
shift
[[ $TIMEOUT =~ ^[0-9]+$ ]] && [ "$TIMEOUT" -ge 60 ] || die "VNET_VM_TIMEOUT must be a number of seconds >= 60"
case $ACCEL in
tcg|kvm) ;;
*) die "VNET_VM_ACCEL must be tcg or kvm" ;;
esac
case ${VNET_VM_TCG_THREAD:-} in
''|single|multi) ;;
*) die "VNET_VM_TCG_THREAD must be single or multi" ;;
esac
[[ $SMP =~ ^[1-9][0-9]*$ ]] || die "VNET_VM_SMP must be a number of vCPUs"

# Optional devices: the NIC in a host namespace, the shared directory.
NETNS_EXEC=()
EXTRA=()
if [ -n "${VNET_VM_NETNS:-}" ]; then
	ip netns exec "$VNET_VM_NETNS" true 2>/dev/null ||
		die "VNET_VM_NETNS: no network namespace $VNET_VM_NETNS"
	TAP=${VNET_VM_TAP:-vnet-tap0}
	NIC_MAC=${VNET_VM_NIC_MAC:-52:54:00:76:6e:01}
	NIC_QUEUES=${VNET_VM_NIC_QUEUES:-$((2 * SMP))}
	[[ $NIC_QUEUES =~ ^[1-9][0-9]*$ ]] || die "VNET_VM_NIC_QUEUES must be a number"
	[[ $NIC_MAC =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]] || die "VNET_VM_NIC_MAC must be a MAC address"
	[ -c /dev/net/tun ] || die "no /dev/net/tun for the guest's NIC"
	NETNS_EXEC=(ip netns exec "$VNET_VM_NETNS")
	# A queue pair per MSI-X vector pair, plus config and control.
	EXTRA+=(-netdev "tap,id=vnic,ifname=$TAP,script=no,downscript=no,queues=$NIC_QUEUES"
		-device "virtio-net-pci,netdev=vnic,mac=$NIC_MAC,mq=on,vectors=$((2 * NIC_QUEUES + 2)),ctrl_vlan=off")
fi
if [ -n "${VNET_VM_SHARE:-}" ]; then
	[ -d "$VNET_VM_SHARE" ] || die "VNET_VM_SHARE: no directory $VNET_VM_SHARE"
	EXTRA+=(-fsdev "local,id=share,path=$(realpath "$VNET_VM_SHARE"),security_model=none"
		-device "virtio-9p-pci,fsdev=share,mount_tag=share")
fi

build
build_initramfs
unpack_kernel

trap cleanup EXIT
RES=$(mktemp -d /tmp/vnet-vm.XXXXXX)
chmod 0755 "$RES"
: >"$RES/output"
# The script gets the run's time minus what boot and shutdown need.
write_job "$SCRIPT" $((TIMEOUT - 45)) "$@"

# TCG's default CPU model is the quickest to emulate; KVM passes the host's.
CPU=${VNET_VM_CPU:+-cpu $VNET_VM_CPU}
[ "$ACCEL" = kvm ] && [ -z "$CPU" ] && CPU="-cpu host"
ACCEL_OPT=$ACCEL
[ "$ACCEL" = tcg ] && ACCEL_OPT="tcg,thread=$(tcg_thread)"
start=$(date +%s)
# shellcheck disable=SC2086
"${NETNS_EXEC[@]}" qemu-system-x86_64 \
	-accel "$ACCEL_OPT" $CPU -smp "$SMP" -m "$MEM" \
	-nodefaults -no-user-config -display none -no-reboot \
	-serial "file:$RES/console.log" \
	-kernel "$KERNEL_IMAGE" -initrd "$INITRD" \
	-append "console=ttyS0 panic=-1 mitigations=off ${VNET_VM_APPEND:-}" \
	-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap" \
	-device "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot" \
	-fsdev "local,id=results,path=$RES,security_model=none" \
	-device "virtio-9p-pci,fsdev=results,mount_tag=results" \
	"${EXTRA[@]}" </dev/null >"$RES/qemu.log" 2>&1 &
QPID=$!
tail -n +1 -f --pid="$QPID" "$RES/output" &
TPID=$!

# Wait for qemu; stop it on timeout, or when the guest has reported its
# status but does not power off.
timed_out=0
status_seen=
while kill -0 "$QPID" 2>/dev/null; do
	now=$(date +%s)
	if [ -f "$RES/status" ]; then
		status_seen=${status_seen:-$now}
		if [ $((now - status_seen)) -ge 20 ]; then
			note "the guest did not power off; stopping qemu"
			kill "$QPID" 2>/dev/null || true
		fi
	elif [ $((now - start)) -ge "$TIMEOUT" ]; then
		timed_out=1
		kill "$QPID" 2>/dev/null || true
	fi
	sleep 0.5
done
wait "$QPID" && qrc=0 || qrc=$?
QPID=
wait "$TPID" 2>/dev/null || true
TPID=
elapsed=$(($(date +%s) - start))

console=$(tr -d '\r' <"$RES/console.log" 2>/dev/null || true)
if grep -q 'Kernel panic' <<<"$console"; then
	report_failure "the guest kernel panicked (after ${elapsed}s)"
	exit 1
fi
if [ ! -f "$RES/status" ]; then
	if [ $timed_out = 1 ]; then
		report_failure "timed out after ${TIMEOUT}s (guest hung?)"
	elif [ $qrc != 0 ]; then
		report_failure "qemu failed (exit $qrc): $(tail -n 3 "$RES/qemu.log" | tr '\n' ' ')"
	else
		report_failure "the guest stopped without reporting a status"
	fi
	exit 1
fi
rc=$(cat "$RES/status")
[[ $rc =~ ^[0-9]+$ ]] || { report_failure "bad status from the guest: $rc"; exit 1; }

# The script checks the kernel log itself; still, never let a splat pass
# unmentioned.
if grep -qE 'WARNING:|BUG:|Oops|general protection|Call Trace' <<<"$console"; then
	note "the guest kernel logged a warning or oops; see the console:"
	grep -E -m 5 'WARNING:|BUG:|Oops|general protection' <<<"$console" | sed 's/^/    /' >&2
fi
[ "$rc" = 124 ] && note "the script timed out inside the guest"
note "guest $KVER ($ACCEL_OPT): script exited $rc after ${elapsed}s"
exit "$rc"
