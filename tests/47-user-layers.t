#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 47-user-layers.t - vnetctl's layers (README "Layout"): each folder of
# user/ includes only the layers below it, as its README.md says, and every
# header of user/ compiles on its own.
#
#   lib/  -> system headers and lib/ only
#   core/ -> lib/, core/, bpf/vnet.shared.h and the skeletons
#   cmd/  -> lib/, core/, cmd/
#   bench/ -> lib/, core/, bench/, cmd/cmd.h
#   vnetctl.c -> anything

cd "$(dirname "$0")/.." || exit 1
. tests/vm/tap.sh

# The project's includes ("...") of a file that are not in @allowed
# (an extended regex of include paths).
stray_includes()
{
	local file=$1 allowed=$2

	sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file" | grep -Ev "^($allowed)\$"
}

check_folder()
{
	local dir=$1 allowed=$2 f bad

	[ -f "user/$dir/README.md" ] && grep -q '^\*\*Rule:\*\*' "user/$dir/README.md"
	ok $? "user/$dir/README.md states the folder's rule"
	for f in user/"$dir"/*.[ch]; do
		bad=$(stray_includes "$f" "$allowed")
		if [ -z "$bad" ]; then
			pass "$f includes only its layer and those below"
		else
			fail "$f includes only its layer and those below"
			diag "not allowed here: $(echo "$bad" | tr '\n' ' ')"
		fi
	done
}

ok()
{
	if [ "$1" -eq 0 ]; then pass "$2"; else fail "$2"; fi
}

check_folder lib 'lib/[a-z_]+\.h'
check_folder core 'lib/[a-z_]+\.h|core/[a-z_]+\.h|vnet\.shared\.h|[a-z_]+\.skel\.h'
check_folder cmd 'lib/[a-z_]+\.h|core/[a-z_]+\.h|cmd/[a-z_]+\.h|vnet\.h'
check_folder bench 'lib/[a-z_]+\.h|core/[a-z_]+\.h|bench/[a-z_]+\.h|cmd/cmd\.h|bench\.shared\.h|vnet\.shared\.h|[a-z_]+\.skel\.h'

# Self-contained headers: each compiles as a file's only include.
SCRATCH=$(mktemp -d /tmp/vnet-user-layers.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
if [ -d .output ] && ls .output/*.skel.h >/dev/null 2>&1; then
	for h in user/*/*.h; do
		printf '#include "%s"\n' "${h#user/}" >"$SCRATCH/alone.c"
		# shellcheck disable=SC2046 # pkg-config's words are separate flags
		if out=$(cc -std=gnu11 -Wall -Wextra -Werror -fsyntax-only -I.output -Ibpf -Iuser \
			 $(pkg-config --cflags libbpf 2>/dev/null) "$SCRATCH/alone.c" 2>&1); then
			pass "$h compiles alone"
		else
			fail "$h compiles alone"
			diag "$(echo "$out" | head -3)"
		fi
	done
else
	skip "user headers compile alone" "no skeletons: run make first"
fi

done_testing
