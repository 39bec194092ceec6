#!/bin/sh
# mkdeb.sh - `make deb`: the vnet and vnet-dkms packages from this tree.
#
# dpkg-buildpackage writes its results next to the source tree, so it runs
# on a copy of the files git knows (tracked, or new and not ignored) in
# .output/deb/vnet-VERSION; the .debs, .buildinfo and .changes end up in
# .output/deb/. Then lintian over the .changes: its output is printed and
# an error fails the target. -j2 at most (DEB_BUILD_OPTIONS=parallel=N).
set -eu

cd "$(dirname "$0")/.."
version=$(sed -n '1s/^vnet (\([^)]*\)).*/\1/p' debian/changelog)
[ -n "$version" ] || { echo "mkdeb: no version in debian/changelog" >&2; exit 1; }
out=.output/deb
src=$out/vnet-$version

rm -rf "$out"
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard |
	xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
	tar --null -T - -cf - | tar -xf - -C "$src"

echo "mkdeb: building vnet $version in $src"
(cd "$src" && DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-parallel=2}" \
	dpkg-buildpackage -b -us -uc >../build.log 2>&1) || {
	tail -40 "$out/build.log" >&2
	echo "mkdeb: dpkg-buildpackage failed (the whole log: $out/build.log)" >&2
	exit 1
}
ls "$out"/*.deb

changes=$(ls "$out"/vnet_"$version"_*.changes)
echo "mkdeb: lintian $changes"
lintian --fail-on error --display-info "$changes" && rc=0 || rc=$?
[ "$rc" = 0 ] || echo "mkdeb: lintian reports errors" >&2
exit "$rc"
