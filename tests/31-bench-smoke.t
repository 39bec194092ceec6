#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 31-bench-smoke.t - `make bench` in miniature: bench/run.sh --quick on a few
# cells (kernel stack, vnet native, bare bounce; vnetctl bench and ping -f;
# one CPU; one 1-second rep each), then every artefact it promises is checked:
# results.json parses and holds each cell with a measured rate (or n/a where
# the matrix says so), results.csv has the header and one row per cell,
# table.md has the rows, plot.png is a PNG, bench/micro printed its rows and
# its JSON, and nothing was left behind. A benchmark, not a timed test: rates
# only have to be there and positive, never fast.

. "$(dirname "$0")/lib/vnet.sh"
vnet_require jq gnuplot
[ -x "$VNET_ROOT/bench/micro" ] || bail_out "bench/micro is missing: run make first"
trap cleanup EXIT

RESPONDERS="stack native bounce"
GENERATORS="vbench ping"
CSV_HEADER="layout,responder,generator,status,reps,sent_pps_median,reply_pps_median,reply_pps_min,reply_pps_max,resp_pps_median,x_stack,x_bounce,note"
NCELLS=6
plan $((5 + 2 * NCELLS + 10))

OUTDIR=$VNET_T_TMP/bench
ns_before=$(ip netns list | grep -c '^vnet-bench-')

fails "bench/run.sh --reps 0 is a usage error" "$VNET_ROOT/bench/run.sh" --reps 0
fails "bench/run.sh --responders nosuch is a usage error" \
	"$VNET_ROOT/bench/run.sh" --responders nosuch

# The whole run is bounded: 6 cells of 1 s, the quick micro benchmark.
start=$SECONDS
BENCH_GUEST=0 timeout -k 10 150 "$VNET_ROOT/bench/run.sh" --quick --layouts 1cpu \
	--responders "${RESPONDERS// /,}" --generators "${GENERATORS// /,}" \
	--out "$OUTDIR" >"$VNET_T_TMP/run.out" 2>"$VNET_T_TMP/run.err"
rc=$?
diag "bench/run.sh took $((SECONDS - start)) s"
is "$rc" 0 "bench/run.sh --quick exits 0" ||
	diag "$(tail -n 20 "$VNET_T_TMP/run.err")" "$(tail -n 20 "$VNET_T_TMP/run.out")"

ok "results.json parses with jq" jq -e . "$OUTDIR/results.json"
is "$(jq -r '.cells | length' "$OUTDIR/results.json" 2>&1)" "$NCELLS" \
	"results.json has $NCELLS cells"

# Each cell: measured (status ok, replies/s > 0), or n/a for ping -f against
# the bounce, which the matrix rules out; and a row in the table.
for r in $RESPONDERS; do
	for g in $GENERATORS; do
		cell=$(jq -c --arg r "$r" --arg g "$g" \
			'.cells[] | select(.responder == $r and .generator == $g) |
			 {status, reply: .reply_pps.median?, notes}' "$OUTDIR/results.json" 2>&1)
		if [ "$r" = bounce ] && [ "$g" = ping ]; then
			like "$cell" '"status":"n/a"' "$r x $g: n/a in results.json"
			like "$(cat "$OUTDIR/table.md" 2>&1)" "\| 1 CPU \| $r \| ping -f \| n/a \|" \
				"$r x $g: n/a row in table.md"
			continue
		fi
		if jq -e --arg r "$r" --arg g "$g" '.cells[] | select(.responder == $r and
			.generator == $g) | .status == "ok" and .reply_pps.median > 0' \
			"$OUTDIR/results.json" >/dev/null 2>&1; then
			pass "$r x $g: status ok, replies/s > 0"
		else
			not_ok "$r x $g: status ok, replies/s > 0" "cell: $cell"
		fi
		gname=$([ "$g" = vbench ] && echo "vnetctl bench" || echo "ping -f")
		like "$(cat "$OUTDIR/table.md" 2>&1)" "\| 1 CPU \| $r \| $gname \| [0-9.]+ [kM] \|" \
			"$r x $g: row in table.md"
	done
done

is "$(head -n 1 "$OUTDIR/results.csv" 2>&1)" "$CSV_HEADER" "results.csv header"
is "$(tail -n +2 "$OUTDIR/results.csv" 2>/dev/null | grep -c '^"1cpu",')" "$NCELLS" \
	"results.csv has $NCELLS rows"
# gnuplot can leave a PNG behind when it fails half-way: its error counts too.
is "$(head -c 8 "$OUTDIR/plot.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')$(grep -o 'gnuplot failed' \
	"$VNET_T_TMP/run.err")" 89504e470d0a1a0a "plot.png is a PNG and gnuplot did not fail"
like "$(cat "$OUTDIR/table.md" 2>&1)" \
	'Generator against generator' "table.md has the generator-ratio table"
micro=$(cat "$OUTDIR/micro.txt" 2>&1)
like "$micro" '\| IPv4 echo request +\| +64 \| +[0-9.]+ \| +[0-9.]+ \| +[0-9.]+x \|' \
	"bench/micro printed the IPv4 row"
like "$micro" '\| IPv6 echo request +\| +84 \|' "bench/micro printed the IPv6 row"
like "$micro" '\| IPv4, two VLAN tags \(QinQ\) +\| +72 \|' "bench/micro printed the QinQ row"
ok "results.json carries bench/micro's rows" \
	jq -e '.micro.rows | length >= 4 and (.[0].vnet_net_ns | type == "number")' \
	"$OUTDIR/results.json"
like "$(cat "$VNET_T_TMP/run.out")" "\| layout \| responder \| generator \|" \
	"the markdown table is printed at the end"
is "$(ip netns list | grep -c '^vnet-bench-')" "$ns_before" \
	"bench/run.sh left no vnet-bench-* namespace behind"
