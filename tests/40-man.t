#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 40-man.t - the man pages: vnetctl(8) and vnet(4), rendered by make from
# their scdoc sources, render with man(1) without a single warning, and
# vnetctl(8) documents exactly the options `vnetctl --help` and every
# `vnetctl COMMAND --help` list (each one in both directions), every
# counter of bpf/vnet.shared.h, and every command; vnet(4) documents the module's
# parameters and ethtool counters. Needs no root.

VNET_ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$VNET_ROOT/tests/lib/tap.sh"

VNETCTL=${VNETCTL:-$VNET_ROOT/user/vnetctl}
MAN8=$VNET_ROOT/.output/man/vnetctl.8
MAN4=$VNET_ROOT/.output/man/vnet.4
for f in "$VNETCTL" "$MAN8" "$MAN4"; do
	[ -e "$f" ] || bail_out "$f is missing: run make first"
done
command -v man >/dev/null || bail_out "man is not installed (scripts/deps.sh)"

plan 12

# man's warnings (groff -ww through man --warnings) on stderr: none at all.
for page in "$MAN8" "$MAN4"; do
	warn=$(MANWIDTH=80 man --warnings -l -Tutf8 "$page" 2>&1 >/dev/null)
	is "$warn" "" "$(basename "$page") renders without warnings"
done

# The pages as a reader sees them, wide and unhyphenated; groff's Unicode
# hyphens and minus signs back to ASCII.
render()
{
	MANWIDTH=250 man --nh --nj -l -Tutf8 "$1" 2>/dev/null | col -b | sed 's/‐/-/g; s/−/-/g'
}
text8=$(render "$MAN8")
text4=$(render "$MAN4")
like "$text8" "NAME.*vnetctl - " "vnetctl(8) has its NAME line"

# Options: --long, and -x / -xx standing alone (not the -B of A-B).
opts()
{
	perl -ne 'print "$1\n" while /(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z]{1,2})(?![\w-])/g' | sort -u
}
commands=$("$VNETCTL" --help | awk '/^vnetctl [a-z]/ { print $2 }')
help_opts=$({
	"$VNETCTL" --help
	for c in $commands; do "$VNETCTL" "$c" --help; done
} | opts)
cmp_ok "$(wc -l <<<"$help_opts")" '>=' 30 "vnetctl --help lists options ($(wc -l <<<"$help_opts"))"

missing=
for o in $help_opts; do
	grep -qE -- "(^|[^a-z0-9-])$o([^a-z0-9-]|$)" <<<"$text8" || missing+=" $o"
done
is "$missing" "" "every option of vnetctl --help and vnetctl COMMAND --help is in vnetctl(8)"

# The reverse: every option the page sets in bold is one vnetctl knows.
page_opts=$(grep -o '\\fB-[^\\]*\\fR' "$MAN8" | sed 's/\\fB//; s/\\fR//' | opts)
extra=
for o in $page_opts; do
	grep -qxF -- "$o" <<<"$help_opts" || extra+=" $o"
done
is "$extra" "" "every option vnetctl(8) shows in bold is in vnetctl's --help"
cmp_ok "$(wc -l <<<"$page_opts")" '>=' 30 "vnetctl(8) shows options in bold ($(wc -l <<<"$page_opts"))"

missing=
for c in $commands; do
	grep -qE "^ *$c( |$)" <<<"$text8" || missing+=" $c"
done
is "$missing" "" "every command has its section in vnetctl(8) ($(paste -sd" " <<<"$commands"))"

fields=$(sed -n 's/^[[:space:]]*X(\([a-z0-9_]*\),.*/\1/p' "$VNET_ROOT/bpf/vnet.shared.h")
counters=$(sed -n '/^COUNTERS/,/^METRICS/p' <<<"$text8")
missing=
for f in $fields; do
	grep -qw -- "$f" <<<"$counters" || missing+=" $f"
done
is "$missing" "" "every counter of bpf/vnet.shared.h is in vnetctl(8)'s COUNTERS table"

for s in "EXIT STATUS" FILES "SEE ALSO" EXAMPLES "CONFIGURATION FILE" METRICS; do
	grep -qx "$s" <<<"$text8" || missing+=" '$s'"
done
is "$missing" "" "vnetctl(8) has EXIT STATUS, FILES, SEE ALSO, EXAMPLES, CONFIGURATION FILE, METRICS"

params=$(sed -n 's/^module_param(\([a-z_]*\),.*/\1/p' "$VNET_ROOT"/kmod/*.c)
missing=
[ -n "$params" ] || missing=" (no module_param found in kmod/)"
for p in $params; do
	grep -qw -- "$p" <<<"$text4" || missing+=" $p"
done
is "$missing" "" "vnet(4) documents every module parameter ($params)"

# ethtool -S names; the consumed_* reasons are given as a range.
stats=$(sed -n 's/.*= "\([a-z0-9_]*\)",$/\1/p' "$VNET_ROOT/kmod/vnet_ethtool.c" | grep -v '^consumed_')
missing=
for s in $stats; do
	grep -qw -- "$s" <<<"$text4" || missing+=" $s"
done
is "$missing" "" "vnet(4) documents every ethtool -S counter ($(wc -w <<<"$stats") names, consumed_* as a range)"
