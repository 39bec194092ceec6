# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# tap.sh - TAP output for the kernel-module tests, on the host
# (tests/61-kmod-build.t) and in the guest (tests/vm/kmod-tests.sh).
# Sourced. The plan comes last (done_testing): the number of tests is known
# once they have run, and a script that dies early never prints it, which
# prove counts as a failure.

T_N=0
T_FAILED=0

diag()
{
	local line

	for line in "$@"; do
		printf '# %s\n' "$line"
	done
}

pass()
{
	T_N=$((T_N + 1))
	echo "ok $T_N - $1"
}

fail()
{
	T_N=$((T_N + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $1"
}

skip()
{
	T_N=$((T_N + 1))
	echo "ok $T_N - $1 # SKIP $2"
}

# check NAME CMD...: one test, passing when CMD succeeds; its output is shown
# as diagnostics when it does not.
check()
{
	local name=$1 out
	shift

	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name"
		diag "command: $*" "${out:-(no output)}"
	fi
}

# check_fails NAME CMD...: passes when CMD fails.
check_fails()
{
	local name=$1 out
	shift

	if out=$("$@" 2>&1); then
		fail "$name"
		diag "command succeeded but should not have: $*" "$out"
	else
		pass "$name"
	fi
}

# A heading in the TAP stream, with the time so far (TCG is slow: keep an
# eye on where it goes).
section()
{
	diag "--- $1 (${SECONDS}s)"
}

# is GOT WANT NAME
is()
{
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3"
		diag "got:  '$1'" "want: '$2'"
	fi
}

# like GOT REGEX NAME
like()
{
	if [[ $1 =~ $2 ]]; then
		pass "$3"
	else
		fail "$3"
		diag "got:  '$1'" "want: /$2/"
	fi
}

done_testing()
{
	echo "1..$T_N"
	[ "$T_FAILED" = 0 ]
}
