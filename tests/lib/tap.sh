# shellcheck shell=bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tap.sh - a small TAP producer for the bash end-to-end tests run by prove.
#
# Every check compares something and prints exactly one `ok`/`not ok` line;
# on failure the evidence (command, exit status, output, got/expected) follows
# as `# ` diagnostics, so a log alone says what went wrong.
#
#   plan N                     the plan line; call it first
#   pass NAME / not_ok NAME [DIAG...]
#   ok NAME CMD [ARG...]       passes when CMD exits 0 (output shown on failure)
#   fails NAME CMD [ARG...]    passes when CMD exits non-zero
#   is GOT EXPECTED NAME       string equality
#   cmp_ok GOT OP EXPECTED NAME  integer comparison, OP one of == != < <= > >=
#   like GOT ERE NAME          GOT matches the extended regular expression
#   unlike GOT ERE NAME
#   skip REASON [COUNT]        COUNT skipped checks (they count in the plan)
#   diag MSG...                `# MSG` lines
#   TAP_TODO=REASON check...   a known problem: the line gets `# TODO REASON`
#                              and a failure does not fail the file
#   bail_out MSG               `Bail out!` and exit: nothing after it can run
#   tap_status                 0 when every planned check ran and passed
#
# Each check returns its verdict (0 pass, 1 fail), so a test can stop a
# sequence that makes no sense after a failure: `ok ... || skip ... 3`.

TAP_PLANNED=
TAP_TODO=
TAP_RUN=0
TAP_FAILED=0

plan()
{
	TAP_PLANNED=$1
	echo "1..$1"
}

diag()
{
	local msg

	for msg in "$@"; do
		# One `# ` per line, also for multi-line command output.
		printf '%s\n' "$msg" | sed 's/^/# /'
	done
}

_tap_line()
{
	local verdict=$1 name=$2

	TAP_RUN=$((TAP_RUN + 1))
	if [ -n "$TAP_TODO" ]; then
		# A known problem: reported, not counted as a failure.
		[ "$verdict" -eq 0 ] && echo "ok $TAP_RUN - $name # TODO $TAP_TODO" ||
			echo "not ok $TAP_RUN - $name # TODO $TAP_TODO"
		return "$verdict"
	fi
	if [ "$verdict" -eq 0 ]; then
		echo "ok $TAP_RUN - $name"
		return 0
	fi
	echo "not ok $TAP_RUN - $name"
	TAP_FAILED=$((TAP_FAILED + 1))
	return 1
}

pass()
{
	_tap_line 0 "$1"
}

not_ok()
{
	local name=$1

	shift
	_tap_line 1 "$name"
	[ $# -eq 0 ] || diag "$@"
	return 1
}

# _tap_cmd WANT NAME CMD [ARG...]: runs CMD, its output kept as evidence;
# passes when its exit status is 0 and WANT is 0, or non-zero and WANT is 1.
_tap_cmd()
{
	local _tap_want=$1 name=$2 out rc

	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ $((rc != 0)) -eq "$_tap_want" ]; then
		pass "$name"
		return 0
	fi
	if [ $rc -eq 0 ]; then
		not_ok "$name" "command: $*" "succeeded, expected a failure" "$out"
	else
		not_ok "$name" "command: $*" "exit status: $rc" "$out"
	fi
}

ok()
{
	_tap_cmd 0 "$@"
}

fails()
{
	_tap_cmd 1 "$@"
}

is()
{
	if [ "$1" == "$2" ]; then
		pass "$3"
		return 0
	fi
	not_ok "$3" "     got: '$1'" "expected: '$2'"
}

_tap_is_int()
{
	[[ $1 =~ ^-?[0-9]+$ ]]
}

cmp_ok()
{
	local got=$1 op=$2 want=$3 name=$4 verdict

	if ! _tap_is_int "$got" || ! _tap_is_int "$want"; then
		not_ok "$name" "not integers: got '$got', expected $op '$want'"
		return 1
	fi
	case $op in
	'==') ((got == want)) ;;
	'!=') ((got != want)) ;;
	'<') ((got < want)) ;;
	'<=') ((got <= want)) ;;
	'>') ((got > want)) ;;
	'>=') ((got >= want)) ;;
	*) bail_out "cmp_ok: unknown operator '$op'" ;;
	esac
	verdict=$?
	if [ $verdict -eq 0 ]; then
		pass "$name"
		return 0
	fi
	not_ok "$name" "     got: $got" "expected: $op $want"
}

like()
{
	if [[ $1 =~ $2 ]]; then
		pass "$3"
		return 0
	fi
	not_ok "$3" "     got: '$1'" "expected to match: /$2/"
}

unlike()
{
	if ! [[ $1 =~ $2 ]]; then
		pass "$3"
		return 0
	fi
	not_ok "$3" "     got: '$1'" "expected not to match: /$2/"
}

skip()
{
	local reason=$1 count=${2:-1} i

	for ((i = 0; i < count; i++)); do
		TAP_RUN=$((TAP_RUN + 1))
		echo "ok $TAP_RUN # SKIP $reason"
	done
}

bail_out()
{
	echo "Bail out! $*"
	exit 255
}

tap_status()
{
	if [ -n "$TAP_PLANNED" ] && [ "$TAP_RUN" -ne "$TAP_PLANNED" ]; then
		diag "planned $TAP_PLANNED checks but ran $TAP_RUN"
		return 1
	fi
	if [ "$TAP_FAILED" -ne 0 ]; then
		diag "failed $TAP_FAILED of $TAP_RUN checks"
		return 1
	fi
	return 0
}
