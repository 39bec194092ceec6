#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 44-deb.t - the Debian packages, built and installed on this machine.
#
# `make deb` builds vnet and vnet-dkms (lintian: no error), both carry the
# version of debian/changelog, which vnetctl --version and kmod/dkms.conf
# also say. Both are installed with dpkg, then: the installed vnetctl runs
# (--version, and an attach/detach in a namespace of the test's own), man
# finds vnetctl(8) and vnet(4), bash-completion loads the completion on
# demand, systemd knows vnet@.service (systemctl cat where systemd runs,
# else the unit file and `systemctl --root=/ list-unit-files`), and
# `dkms status` lists vnet (DKMS builds it for every kernel that has
# headers; the running one may have none). Then both are purged and the
# machine is as before: no file, no DKMS tree, modules.dep unchanged. The
# trap purges them too if the test dies half-way; a marker in /var/tmp says
# they are installed while they are (59-e2e-leftovers.t looks for it).
#
# Skipped where vnet or vnet-dkms is installed already, or DKMS has a vnet
# (an installation or test that is not ours to replace).

. "$(dirname "$0")/lib/vnet.sh"
trap cleanup EXIT
vnet_require dpkg dpkg-buildpackage lintian dkms man
VERSION=$(sed -n '1s/^vnet (\([^)]*\)).*/\1/p' "$VNET_ROOT/debian/changelog")
[ -n "$VERSION" ] || bail_out "no version in debian/changelog"

installed()
{
	dpkg-query -W -f='${Package} ${Status}\n' vnet vnet-dkms 2>/dev/null | grep ' installed$'
}
if [ -n "$(installed)" ] || dkms status vnet 2>/dev/null | grep -q .; then
	echo "1..0 # SKIP vnet is installed already ($(installed | paste -sd,) $(dkms status vnet 2>/dev/null | paste -sd,)): not ours to replace"
	exit 0
fi

plan 21

# --- build --------------------------------------------------------------
out=$(make -s -C "$VNET_ROOT" deb 2>&1)
rc=$?
DEB=$VNET_ROOT/.output/deb/vnet_${VERSION}_$(dpkg --print-architecture).deb
DKMS_DEB=$VNET_ROOT/.output/deb/vnet-dkms_${VERSION}_all.deb
is "$rc" 0 "make deb succeeds (lintian: no error)" || diag "$out"
lint=$(grep -E '^[EWIPX]: ' <<<"$out")
diag "lintian:" "${lint:-(nothing)}"
is "$(grep -c '^E: ' <<<"$out")" 0 "lintian reports no error"
ok "vnet and vnet-dkms .debs are there" test -f "$DEB" -a -f "$DKMS_DEB" || bail_out "no packages"
is "$(dpkg-deb -f "$DEB" Version) $(dpkg-deb -f "$DKMS_DEB" Version)" "$VERSION $VERSION" \
	"both packages have debian/changelog's version $VERSION"
is "$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$VNET_ROOT/kmod/dkms.conf")" "$VERSION" \
	"kmod/dkms.conf says the same version"
like "$("$VNETCTL" --version)" "^vnetctl $VERSION \(libbpf " "the tree's vnetctl --version says it too"

# --- install --------------------------------------------------------------
MARKER=/var/tmp/$VNET_T_PREFIX.deb-installed
moddeps()
{
	md5sum /lib/modules/*/modules.dep 2>/dev/null
}
deps_before=$(moddeps)
echo "$VERSION" >"$MARKER"
VNET_T_CLEANUP_HOOKS+=("dpkg --purge vnet vnet-dkms >/dev/null 2>&1; rm -f '$MARKER'")
out=$(dpkg -i "$DEB" "$DKMS_DEB" 2>&1)
is "$?" 0 "dpkg -i vnet vnet-dkms" || bail_out "$out"
diag "what dkms did on installation:" "$(grep -iE 'kernel|host|building|skipp|install|error' <<<"$out")"

like "$(/usr/sbin/vnetctl --version)" "^vnetctl $VERSION \(libbpf " "/usr/sbin/vnetctl --version: $VERSION"
is "$(man -w vnetctl) $(man -w 4 vnet)" "/usr/share/man/man8/vnetctl.8.gz /usr/share/man/man4/vnet.4.gz" \
	"man -w finds vnetctl(8) and vnet(4)"
warn=$(MANWIDTH=80 man --warnings -Tutf8 vnetctl 2>&1 >/dev/null)
is "$warn" "" "man vnetctl (installed) renders without warnings"
is "$(bash --norc -c '. /usr/share/bash-completion/bash_completion; _completion_loader vnetctl; complete -p vnetctl')" \
	"complete -F _vnetctl vnetctl" "bash-completion loads vnetctl's completion on demand"
if [ -d /run/systemd/system ]; then
	like "$(systemctl cat vnet@.service 2>&1)" 'ExecStart=/usr/sbin/vnetctl apply %I' "systemctl cat vnet@.service"
else
	like "$(grep '^Exec' /lib/systemd/system/vnet@.service | paste -sd' ')" \
		'^ExecStart=/usr/sbin/vnetctl apply %I ExecReload=/usr/sbin/vnetctl apply %I ExecStop=/usr/sbin/vnetctl detach %I$' \
		"/lib/systemd/system/vnet@.service runs /usr/sbin/vnetctl (systemd is not PID 1 here)"
fi
like "$(systemctl --root=/ list-unit-files 'vnet@.service' 2>&1)" 'vnet@\.service +disabled' \
	"systemctl --root=/ list-unit-files knows vnet@.service (not enabled by installing)"
# stderr apart: dkms passes on readelf's warnings about the kernel images.
dk=$(dkms status vnet 2>/dev/null)
diag "dkms status: $dk"
like "$dk" "(^|"$'\n'")vnet/$VERSION, " "dkms status lists vnet/$VERSION"
ok "/usr/src/vnet-$VERSION has the module source and dkms.conf" \
	test -f "/usr/src/vnet-$VERSION/dkms.conf" -a -f "/usr/src/vnet-$VERSION/vnet_main.c"

# The packaged vnetctl does the job: attach and detach on a veth of ours.
topo_pair
out=$(nsexec "$R" /usr/sbin/vnetctl attach "$RIF" --mode generic 2>&1 &&
	nsexec "$R" /usr/sbin/vnetctl detach "$RIF" 2>&1)
like "$out" "^$RIF: attached in generic mode .*
$RIF: detached \(generic\)\$" "the installed vnetctl attaches and detaches"

# --- purge ------------------------------------------------------------------
out=$(dpkg --purge vnet vnet-dkms 2>&1)
is "$?" 0 "dpkg --purge vnet vnet-dkms" || diag "$out"
rm -f "$MARKER"
is "$(installed)" "" "neither package is installed any more"
left=$(ls -d /usr/sbin/vnetctl /usr/lib/vnet /etc/vnet /usr/src/vnet-* /var/lib/dkms/vnet \
	/lib/systemd/system/vnet@.service /usr/share/man/man8/vnetctl.8.gz \
	/lib/modules/*/updates/dkms/vnet.ko* 2>/dev/null)
is "$left" "" "no file of theirs is left (binary, BPF objects, /etc/vnet, module source and builds, unit, man page)"
is "$(dkms status vnet 2>/dev/null)" "" "dkms status: no vnet"
is "$(moddeps)" "$deps_before" "modules.dep of every kernel as before"
