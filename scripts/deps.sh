#!/bin/sh
# deps.sh - install, from Debian's packages, whatever vnet's build, demo and
# tests need and this machine lacks. Quiet when nothing is missing.
set -eu

# Build: the BPF toolchain, libbpf and bpftool; tests and demo: the real
# tools they drive; the kernel-module tests: headers, a guest kernel, qemu;
# make bench: jq (results), gnuplot-nox (the plot), git (the commit it names).
# Packaging (issue 16): scdoc (man pages), libmicrohttpd-dev (vnetctl
# exporter), prometheus (promtool and the server the metrics test scrapes
# with), man-db/groff-base (rendering test), bash-completion, curl, and
# debhelper, dh-dkms, dpkg-dev, lintian for make deb.
# Virtual hops (issue 15): traceroute (traceroute, traceroute6), mtr-tiny,
# iputils-tracepath, nmap (nmap, nping), hping3, run for real by 64-e2e-hops.t.
# Sharing an interface (issue 14): libxdp-dev (vnetctl links libxdp for the
# XDP dispatcher), xdp-tools (xdp-loader, which 72/73 load another program with).
# iputils-arping: the real host's ARP announcement in 67-e2e-claims.t.
# libmnl-dev: vnetctl's rtnetlink messages (user/lib/netlink.c).
PKGS="make gcc clang llvm pkg-config libbpf-dev libelf-dev zlib1g-dev bpftool
iproute2 iputils-ping fping tcpdump ethtool netsniff-ng util-linux perl
kmod linux-headers-amd64 linux-image-amd64 qemu-system-x86 busybox-static cpio
binutils xz-utils dkms jq gnuplot-nox git
scdoc libmicrohttpd-dev prometheus man-db groff-base bash-completion curl
traceroute mtr-tiny iputils-tracepath nmap hping3 iputils-arping
libxdp-dev xdp-tools libmnl-dev
debhelper dh-dkms dpkg-dev lintian"

# A second, newer kernel for kmod/ (built and booted in the guest tests):
# bookworm-backports' 6.12, the versioned image and headers only. Its
# metapackages, linux-libc-dev and bpftool must stay Debian 12's, which user
# space builds against: apt would otherwise upgrade every installed binary of
# the linux source package along with the kernel.
BPO_SOURCES=/etc/apt/sources.list.d/bookworm-backports.sources
bpo_kernel_present()
{
	for h in /usr/src/linux-headers-6.1[2-9]*-amd64; do
		[ -f "$h/include/config/auto.conf" ] &&
			[ -r "/boot/vmlinuz-${h#/usr/src/linux-headers-}" ] && return 0
	done
	return 1
}
if ! bpo_kernel_present && grep -qs '^VERSION_CODENAME=bookworm$' /etc/os-release; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps: no backports kernel (run as root to install linux-image-6.12 and its headers)" >&2
		exit 1
	fi
	if ! grep -rqsE '^(Suites:.*|deb .*)[[:space:]]bookworm-backports([[:space:]]|$)' \
		/etc/apt/sources.list /etc/apt/sources.list.d/; then
		printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' \
			'Suites: bookworm-backports' 'Components: main' \
			'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' >"$BPO_SOURCES"
	fi
	apt-get update -qq
	# The kernel the suite's linux-image-amd64 points at, e.g. 6.12.95+deb12.
	bpo=$(apt-cache show linux-image-amd64/bookworm-backports 2>/dev/null |
		sed -n 's/^Depends: linux-image-\([^ ]*\)-amd64 .*/\1/p' | head -n 1)
	[ -n "$bpo" ] || { echo "deps: bookworm-backports has no linux-image-amd64" >&2; exit 1; }
	echo "deps: installing linux-image-$bpo-amd64 linux-headers-$bpo-amd64 (bookworm-backports)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-t bookworm-backports -o APT::Get::Upgrade-By-Source-Package=false \
		"linux-image-$bpo-amd64" "linux-headers-$bpo-amd64" >/dev/null
fi

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
# Packages such as prometheus start their daemon on installation where no
# policy says otherwise (a container without systemd): say it, for this
# install only, unless the machine has a policy of its own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
