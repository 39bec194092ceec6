#!/bin/busybox sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# guest-init.sh - /init of the vnet test VM's initramfs (run.sh builds it).
#
# Loads the virtio/9p modules listed in /modules/order, mounts the host's
# root file system read-only (9p tag "hostroot") and the run's result
# directory read-write (tag "results"), prepares the host root as a usable
# system (proc, sysfs, devtmpfs, bpffs, tracefs, writable /tmp, /var/tmp and
# /run), runs /results/job in it with chroot, records its exit status in
# /results/status and powers off. Everything the job prints goes to
# /results/output, which run.sh streams on the host as it grows.
#
# Never returns: PID 1 exiting would panic the kernel, which run.sh would
# report as a crash rather than as what really went wrong.

/bin/busybox mkdir -p /proc /sys /dev /results /newroot /ovl /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/sbin:/bin:/usr/sbin:/usr/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

say()
{
	echo "vnet-vm: $*" >/dev/console
}

# Without a result share there is nowhere to report to: say why on the
# console, which run.sh shows when the status file is missing.
die()
{
	say "$*"
	sync
	poweroff -f
	sleep 60
}

for m in $(cat /modules/order); do
	insmod "/modules/$m.ko" || die "cannot load module $m"
done

MOUNT9P="trans=virtio,version=9p2000.L,msize=262144"
mount -t 9p -o "$MOUNT9P" results /results || die "cannot mount the results share"

# From here on failures are reported through the results share.
fail()
{
	echo "vnet-vm: $*" >>/results/output
	echo 125 >/results/status.tmp && mv /results/status.tmp /results/status
	die "$*"
}

# The host root does not change during a run: let the guest cache it.
mount -t 9p -o "$MOUNT9P,ro,cache=loose" hostroot /newroot ||
	fail "cannot mount the host root share"

R=/newroot
mount -t proc proc $R/proc || fail "mount proc"
mount -t sysfs sysfs $R/sys || fail "mount sysfs"
mount -t devtmpfs devtmpfs $R/dev || fail "mount devtmpfs"
mkdir -p $R/dev/pts $R/dev/shm
# What udev or systemd would add: bash's <(...) needs /dev/fd.
ln -s /proc/self/fd $R/dev/fd
ln -s /proc/self/fd/0 $R/dev/stdin
ln -s /proc/self/fd/1 $R/dev/stdout
ln -s /proc/self/fd/2 $R/dev/stderr
mount -t devpts -o newinstance,ptmxmode=0666 devpts $R/dev/pts || fail "mount devpts"
mount -t tmpfs tmpfs $R/dev/shm || fail "mount /dev/shm"
mount -t bpf -o mode=0700 bpf $R/sys/fs/bpf || fail "mount bpffs"
mount -t tracefs tracefs $R/sys/kernel/tracing 2>/dev/null
mount -t cgroup2 cgroup2 $R/sys/fs/cgroup 2>/dev/null
mount -t tmpfs -o mode=0755 tmpfs $R/run || fail "mount /run"

# Writable /tmp and /var/tmp that still show the host's files (the
# repository or the script may live there): an overlay with the host's
# directory as its read-only lower layer. Plain tmpfs if that fails.
mount -t tmpfs -o mode=0755 tmpfs /ovl || fail "mount the overlay tmpfs"
for d in tmp var/tmp; do
	u=/ovl/$(echo $d | tr / _)
	mkdir -p $u/upper $u/work
	chmod 1777 $u/upper
	mount -t overlay -o "lowerdir=$R/$d,upperdir=$u/upper,workdir=$u/work" overlay $R/$d ||
		mount -t tmpfs -o mode=1777 tmpfs $R/$d || fail "mount /$d"
done

# The job sees the result share too, for artifacts worth keeping.
mkdir -p $R/run/vnet-vm
mount -o bind /results $R/run/vnet-vm || fail "bind the results share"

echo "vnet-vm: running the job" >/dev/console
chroot $R /bin/sh /run/vnet-vm/job </dev/null >>/results/output 2>&1
echo $? >/results/status.tmp
mv /results/status.tmp /results/status
sync
umount $R/run/vnet-vm /results 2>/dev/null
poweroff -f
sleep 60
