#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 43-e2e-metrics.t - vnet's Prometheus metrics against the real thing.
#
# Two attachments in the reflector's namespace (vr generic with a prefix,
# vr2 tc), answered pings on both. `stats --format prometheus` (and with
# --per-cpu) passes `promtool check metrics`, has one family per counter
# whose HELP is the description in bpf/vnet.shared.h, and equals `stats -j`.
# `vnetctl exporter` on 127.0.0.1 inside the namespace serves both
# attachments; Debian's prometheus server, started by this test on
# 127.0.0.1 inside the namespace with a 1 s scrape interval, scrapes it,
# and its HTTP API returns, for every counter of both interfaces, the value
# `stats -j` shows. Both servers are stopped at the end (trap).

. "$(dirname "$0")/lib/vnet.sh"
trap cleanup EXIT
vnet_require curl promtool prometheus

plan 28

topo_reflector_client
veth_add "$R" vr2 "$C" vc2
ip -n "$C" addr add 198.19.0.1/24 dev vc2 &&
	ip -n "$C" neigh replace 198.19.0.2 lladdr "$(link_mac "$R" vr2)" dev vc2 nud permanent ||
	bail_out "cannot configure vc2"

attach_check vr "$R" "$RIF" generic --mode generic --respond 198.18.0.0/24 ||
	bail_out "cannot attach to $RIF"
VR_PROG=$PROG VR_MAP=$MAP
attach_check vr2 "$R" vr2 tc --mode tc || bail_out "cannot attach to vr2"
ping_answered "vr answers 5 pings" "$C" 5 -i 0.05 -W 1 198.18.0.2
ping_unanswered "vr leaves IPv6 outside its prefix unanswered (pass_filtered)" "$C" -6 "${PING_PROBE[@]}" 2001:db8::2
ping_answered "vr2 answers 3 pings" "$C" 3 -i 0.05 -W 1 198.19.0.2

# `stats -j` of IF as "field value" lines, sorted.
stats_lines()
{
	stats_read "$R" "$1" || bail_out "stats $1 -j failed: $(vctl_diag)"
	printf '%s' "$STATS" | json_get 'join "\n", map { "$_ $d->{$_}" } @ARGV' $VNET_FIELDS | sort
}
# The vnet_*_total samples of IF in exposition TEXT as "field value", sorted.
prom_lines()
{
	perl -ne 'print "$1 $2\n" if /^vnet_([a-z0-9_]+)_total\{iface="\Q'"$1"'\E",mode="[a-z]+"\} (\d+)$/' <<<"$2" | sort
}

# --- stats --format prometheus ------------------------------------------
vctl "$R" stats "$RIF" --format prometheus
text=$OUT
is "$RC" 0 "stats --format prometheus exits 0"
out=$(promtool check metrics <<<"$text" 2>&1)
is "$?|$out" "0|" "promtool check metrics: no problem"
is "$(prom_lines "$RIF" "$text")" "$(stats_lines "$RIF")" "every counter equals stats -j (and no other)"

want=$(sed -n 's/^[[:space:]]*X(\([a-z0-9_]*\),[[:space:]]*"\(.*\)")[[:space:]]*\\\?$/# HELP vnet_\1_total \2/p' \
	"$VNET_ROOT/bpf/vnet.shared.h")
cmp_ok "$(wc -l <<<"$want")" '>=' 20 "counter descriptions read from bpf/vnet.shared.h ($(wc -l <<<"$want"))"
is "$(grep '^# HELP vnet_.*_total ' <<<"$text")" "$want" "# HELP of every counter family is its description in bpf/vnet.shared.h"
is "$(grep -c '^# TYPE vnet_[a-z0-9_]*_total counter$' <<<"$text")" "$(wc -l <<<"$want")" "every counter family is TYPE counter"
like "$text" "vnet_info\{iface=\"$RIF\",mode=\"generic\",prog_id=\"$VR_PROG\",map_id=\"$VR_MAP\"\} 1" "vnet_info names the program and map"
like "$text" "vnet_prefixes\{iface=\"$RIF\",mode=\"generic\"\} 1" "vnet_prefixes: 1"

vctl "$R" stats "$RIF" --format prometheus --per-cpu
out=$(promtool check metrics <<<"$OUT" 2>&1)
is "$RC|$?|$out" "0|0|" "--per-cpu: promtool check metrics: no problem"
sums=$(perl -ne '$s{$1} += $2 if /^vnet_([a-z0-9_]+)_total\{iface="[^"]*",mode="[a-z]+",cpu="\d+"\} (\d+)$/;
	END { print "$_ $s{$_}\n" for keys %s }' <<<"$OUT" | sort)
is "$sums" "$(stats_lines "$RIF")" "--per-cpu: the cpu-labelled samples sum to stats -j"

vctl "$R" stats "$RIF" --format yaml
is "$RC|$ERR" "2|vnetctl: stats: invalid format 'yaml': use text, json or prometheus (see 'vnetctl stats --help')" \
	"--format yaml: usage error"

# --- vnetctl exporter -------------------------------------------------
bg_start EXPORTER timeout 300 ip netns exec "$R" "$VNETCTL" exporter --listen 127.0.0.1:0 \
	>"$VNET_T_TMP/exporter.out" 2>"$VNET_T_TMP/exporter.err"
wait_until 10 grep -q 'listening on' "$VNET_T_TMP/exporter.out"
port=$(sed -n 's/^exporter: listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$VNET_T_TMP/exporter.out")
like "$port" '^[0-9]+$' "exporter says where it listens: $(<"$VNET_T_TMP/exporter.out")" ||
	bail_out "exporter: $(<"$VNET_T_TMP/exporter.err")"
scrape=$(nsexec "$R" curl -sf "http://127.0.0.1:$port/metrics")
out=$(promtool check metrics <<<"$scrape" 2>&1)
is "$?|$out" "0|" "GET /metrics: promtool check metrics: no problem"
is "$(prom_lines "$RIF" "$scrape") / $(prom_lines vr2 "$scrape")" \
	"$(stats_lines "$RIF") / $(stats_lines vr2)" "GET /metrics: both attachments, equal to stats -j"
is "$(nsexec "$R" curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/nope") $(nsexec "$R" curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/metrics")" \
	"404 405" "GET /nope: 404; POST /metrics: 405"
vctl "$R" exporter --listen "127.0.0.1:$port"
is "$RC|$ERR" "1|vnetctl: cannot listen on 127.0.0.1:$port: Address already in use" "a port in use: exit 1, one line"
vctl "$R" exporter --listen localhost
is "$RC|$ERR" "2|vnetctl: exporter: invalid listen address 'localhost': ADDR:PORT or [ADDR]:PORT (see 'vnetctl exporter --help')" \
	"a bad --listen: exit 2"

# --- Debian's prometheus scraping it ----------------------------------
PROM=9090
mkdir -p "$VNET_T_TMP/prom"
cat >"$VNET_T_TMP/prometheus.yml" <<EOT
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: vnet
    static_configs:
      - targets: ['127.0.0.1:$port']
EOT
bg_start PROMETHEUS timeout 300 ip netns exec "$R" prometheus \
	--config.file="$VNET_T_TMP/prometheus.yml" --storage.tsdb.path="$VNET_T_TMP/prom" \
	--web.listen-address="127.0.0.1:$PROM" --log.level=warn \
	>"$VNET_T_TMP/prometheus.log" 2>&1
ok "prometheus is ready on 127.0.0.1:$PROM in the namespace" \
	wait_until 30 nsexec "$R" curl -sf "http://127.0.0.1:$PROM/-/ready" ||
	diag "$(tail -5 "$VNET_T_TMP/prometheus.log")"

# What prometheus has for vnet_*_total, as "iface field value" lines.
prom_query()
{
	nsexec "$R" curl -sf "http://127.0.0.1:$PROM/api/v1/query" \
		--data-urlencode 'query={__name__=~"vnet_.+_total"}' |
		json_get 'join "\n", sort map { my $m = $_->{metric}; (my $f = $m->{__name__}) =~ s/^vnet_|_total$//g;
			"$m->{iface} $f $_->{value}[1]" } @{$d->{data}{result}}'
}
want=$( (stats_lines "$RIF" | sed "s/^/$RIF /"; stats_lines vr2 | sed 's/^/vr2 /') | sort)
wait_until 30 eval '[ "$(prom_query)" = "$want" ]'
got=$(prom_query)
cmp_ok "$(wc -l <<<"$got")" '==' "$((2 * $(wc -w <<<"$VNET_FIELDS")))" "prometheus has every counter of both interfaces"
is "$got" "$want" "prometheus' HTTP API: every vnet counter equals vnetctl stats -j"
up=$(nsexec "$R" curl -sf "http://127.0.0.1:$PROM/api/v1/query" --data-urlencode 'query=up{job="vnet"}' |
	json_get '$d->{data}{result}[0]{value}[1]')
is "$up" 1 "up{job=\"vnet\"} is 1"
modes=$(nsexec "$R" curl -sf "http://127.0.0.1:$PROM/api/v1/query" --data-urlencode 'query=vnet_info' |
	json_get 'join " ", sort map { "$_->{metric}{iface}=$_->{metric}{mode}" } @{$d->{data}{result}}')
is "$modes" "vr2=tc vr=generic" "vnet_info: each interface's mode"

bg_stop "$PROMETHEUS"
bg_stop "$EXPORTER"
ok "prometheus and the exporter have stopped" \
	eval "! kill -0 $PROMETHEUS 2>/dev/null && ! kill -0 $EXPORTER 2>/dev/null && ! pgrep -f 'prometheus --config.file=$VNET_T_TMP'"
