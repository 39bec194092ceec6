# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# plot.gp - the `make bench` chart: replies/s (median) per responder, one
# bar per generator, one panel per CPU layout, log scale (ping -f and the
# kernel stack sit two orders of magnitude below XDP).
#
#   gnuplot -e "datafile='raw/plot.dat'; outfile='plot.png'" bench/plot.gp
#
# datafile: gnuplot blocks (two blank lines apart), one per layout, each
# starting with "# LAYOUT", then "RESPONDER VBENCH TRAFGEN PING" rows (NaN
# where a cell does not apply). bench/run.sh writes it from results.json.

if (!exists("datafile") || !exists("outfile")) {
	print "usage: gnuplot -e \"datafile='...'; outfile='...'\" bench/plot.gp"
	exit status 2
}

# How many layout blocks the file holds.
nblocks = int(system(sprintf("grep -c '^# ' %s", datafile)))
if (nblocks < 1) {
	print "plot.gp: no data blocks in ".datafile
	exit status 1
}

set terminal pngcairo size 1400, 460 * nblocks font "sans,10" noenhanced
set output outfile
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y 10
set yrange [1000:*]
set format y "%.0s%c"
set ylabel "replies/s (median)"
set grid ytics
set key top right
set xtics nomirror

set multiplot layout nblocks, 1 title "vnet ping-flood benchmark: 64-byte ICMP echo on veth"
do for [i = 0:nblocks - 1] {
	# The block's name: its first line, "# LAYOUT".
	layout = system(sprintf("awk 'BEGIN{b=0} /^# /{ if (b == %d) { print $2; exit } b++ }' %s", i, datafile))
	set title "layout: ".layout
	# A histogram column with no valid point at all is an error, so a
	# missing cell (NaN) becomes 1: far below the axis, i.e. no bar.
	plot datafile index i using (valid(2) ? $2 : 1):xtic(1) title "vnetctl bench" lc rgb "#1f77b4", \
	     '' index i using (valid(3) ? $3 : 1) title "trafgen" lc rgb "#ff7f0e", \
	     '' index i using (valid(4) ? $4 : 1) title "ping -f" lc rgb "#2ca02c"
}
unset multiplot
