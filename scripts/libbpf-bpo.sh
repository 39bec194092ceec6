#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# libbpf-bpo.sh [DIR] - unpack bookworm-backports' libbpf (libbpf1 and
# libbpf-dev, 1.4 at the time of writing) under DIR (default
# .output/libbpf-bpo) without installing it, and print the prefix to build
# with: make LIBBPF_PREFIX=$(scripts/libbpf-bpo.sh). The system keeps
# Debian 12's libbpf; scripts/deps.sh has already added the backports suite.
# Exit 1 with one line on stderr where the suite has no libbpf.
set -e
dir=${1:-.output/libbpf-bpo}
ver=$(apt-cache madison libbpf-dev 2>/dev/null | awk -F'|' '/bookworm-backports/ { gsub(/ /, "", $2); print $2; exit }')
if [ -z "$ver" ]; then
	echo "libbpf-bpo.sh: bookworm-backports has no libbpf-dev here (apt-get update after scripts/deps.sh?)" >&2
	exit 1
fi
if [ ! -f "$dir/.version" ] || [ "$(cat "$dir/.version")" != "$ver" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "libbpf1=$ver" "libbpf-dev=$ver" >/dev/null)
	rm -rf "$dir"
	mkdir -p "$dir"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$dir"
	done
	echo "$ver" > "$dir/.version"
fi
echo "$(cd "$dir" && pwd)/usr"
