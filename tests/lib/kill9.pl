#!/usr/bin/perl
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# kill9.pl - the driver of tests/28-e2e-kill9.t, run inside the reflector's
# namespace (one `ip netns exec`, so one private bpffs for all its runs and
# the pins stay visible between them). For each scenario it sets up the
# "old" state, starts vnetctl, sends it SIGKILL after a delay spread evenly
# over the command's run time (plus some after it ended), and then checks:
#   raw     before any vnetctl repairs anything, the interface carries the
#           old or the new attachment, nothing else (ip -d link, tc);
#   agree   `vnetctl status -j` and `respond list` (which repair first, under
#           the lock) agree with the hooks, and with what the program does:
#           pings inside and outside the listed prefixes;
#   next    the next vnetctl command (detach) exits 0 and leaves nothing:
#           no XDP program, no filter, no clsact qdisc, no pin.
# Prints "scenario NAME tried N clean M" per scenario and "fail NAME DELAY:
# why" per instant that was not clean. Bounded: a fixed number of instants,
# each command under a timeout, and the whole run under a deadline.
use strict;
use warnings;
use JSON::PP;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(usleep time);

my ($vnetctl, $cns, $rif, $rmac, $instants, $deadline_s) = @ARGV;
my $deadline = time + $deadline_s;
my $json = JSON::PP->new;
my $pin = "/sys/fs/bpf/vnet/$rif/vnet_stats";
# Probe addresses on the client, each with a permanent neighbour entry for R:
# .2 in no prefix but answered without prefixes, A inside the kept prefix,
# B0/B1 the first and last of the 1000 /32s respond adds and deletes.
my %addr = (plain => '198.18.0.2', a => '198.18.4.1', b0 => '198.19.0.1',
	    b1 => '198.19.3.232', out => '198.18.9.9');
my @bulk = map { sprintf('198.19.%d.%d/32', int(($_ - 1) / 250), ($_ - 1) % 250 + 1) } 1 .. 1000;

# stdout only: stderr (repairs a command reports) is kept for the diagnosis.
my $last_err = '';
sub run
{
	my $out = `timeout -k 2 10 @_ 2>/tmp/kill9.$$.err`;
	my $rc = $? >> 8;
	$last_err = do { local (@ARGV, $/) = "/tmp/kill9.$$.err"; <> } // '';
	unlink "/tmp/kill9.$$.err";
	return ($rc, $out . ($rc ? $last_err : ''));
}

sub vctl
{
	return run($vnetctl, @_);
}

# The hooks as the kernel shows them: "xdp=MODE:ID in=ID eg=ID clsact=0|1".
sub raw_state
{
	my (undef, $l) = run("ip -j -d link show dev $rif");
	my $link = eval { $json->decode($l)->[0] } // {};
	my $x = $link->{xdp};
	my %mode = (1 => 'native', 2 => 'generic');
	my $xdp = $x && $x->{prog} ? ($mode{$x->{mode}} // "m$x->{mode}") . ":$x->{prog}{id}" : '';
	my @tc;
	for my $dir (qw(ingress egress)) {
		my (undef, $t) = run("tc -j filter show dev $rif $dir");
		my $f = eval { $json->decode($t) } // [];
		push @tc, join(',', map { $_->{options}{prog}{id} // '?' }
				grep { $_->{kind} eq 'bpf' && $_->{options} } @$f);
	}
	my (undef, $q) = run("tc qdisc show dev $rif");
	my $clsact = $q =~ /^qdisc clsact /m ? 1 : 0;
	return "xdp=$xdp in=$tc[0] eg=$tc[1] clsact=$clsact";
}

# The state string a completed attach in MODE (program ID) leaves.
sub attached_state
{
	my ($mode, $id) = @_;
	return "xdp=$mode:$id in= eg= clsact=0" if $mode eq 'native' || $mode eq 'generic';
	return "xdp= in=$id eg= clsact=1" if $mode eq 'tc';
	return "xdp= in= eg=$id clsact=1";
}
my $empty = 'xdp= in= eg= clsact=0';

# The one attachment in a state string: (mode, id), or () for none.
sub state_att
{
	my ($s) = @_;
	return ($1, $2) if $s =~ /^xdp=(\w+):(\d+) in= eg= clsact=0$/;
	return ('tc', $1) if $s =~ /^xdp= in=(\d+) eg= clsact=1$/;
	return ('loopback', $1) if $s =~ /^xdp= in= eg=(\d+) clsact=1$/;
	return ();
}

# One ping to each address at the same time: the set of those answered.
sub answered
{
	my $list = join(' ', @_);
	my (undef, $out) = run("ip netns exec $cns sh -c 'for d in $list; do " .
			       "(ping -q -c 1 -W 0.15 \$d >/dev/null && echo \$d) & done; wait'");
	return map { $_ => 1 } split /\s+/, $out;
}

# SIGKILL @cmd after DELAY microseconds. Returns whether it ended first.
sub kill_at
{
	my ($delay, @cmd) = @_;
	my $pid = fork() // die "fork: $!";
	if (!$pid) {
		open(STDOUT, '>', '/dev/null');
		open(STDERR, '>', '/dev/null');
		exec(@cmd) or exit 127;
	}
	usleep($delay) if $delay;
	my $done = waitpid($pid, WNOHANG) == $pid;
	kill('KILL', $pid) unless $done;
	waitpid($pid, 0) unless $done;
	return $done;
}

# Microseconds one unkilled run of the scenario's command takes (median of 3).
sub duration
{
	my ($setup, @cmd) = @_;
	my @t;
	for (1 .. 3) {
		$setup->();
		my $t0 = time;
		run(@cmd);
		push @t, (time - $t0) * 1e6;
	}
	@t = sort { $a <=> $b } @t;
	return $t[1];
}

sub cleanup_all
{
	vctl('detach', $rif) if raw_state() ne $empty;
	run("tc qdisc del dev $rif clsact") if raw_state() =~ /clsact=1/;
}

# The agreement checks after a kill: status, list, pings. Returns a failure or ''.
sub check_agree
{
	my ($raw) = @_;
	my ($rc, $out) = vctl('status', '-j');
	return "status exit $rc: $out" if $rc;
	our $repaired;
	$repaired++ if $last_err =~ /repaired:/;
	my ($js) = $out =~ /(\[.*\])/s;
	my $st = eval { $json->decode($js // '') } // return "status not JSON: $out";
	my $after = raw_state();
	my @att = state_att($after);
	return "after status the hooks are '$after', not one attachment or none"
		if !@att && $after ne $empty;
	my @rows = grep { $_->{ifname} eq $rif } @$st;
	if (!@att) {
		return "status lists " . scalar(@rows) . " rows, the hooks none" if @rows;
		my %got = answered($addr{plain});
		return "nothing attached, yet $addr{plain} is answered" if %got;
		return "nothing attached, yet the pin $pin is there" if -e $pin;
		return '';
	}
	return "status lists " . scalar(@rows) . " rows for one attachment" if @rows != 1;
	return "status says $rows[0]{mode} id $rows[0]{prog_id}, the hooks '$after'"
		if $rows[0]{mode} ne $att[0] || $rows[0]{prog_id} != $att[1];
	return '' if $att[0] eq 'loopback';	# answers R's own requests: not probed from C
	($rc, $out) = vctl('respond', $rif, 'list');
	return "respond list exit $rc: $out" if $rc;
	my %listed = map { $_ => 1 } split /\n/, $out;
	return "status says $rows[0]{prefixes} prefixes, list shows " . scalar(keys %listed)
		if ($rows[0]{prefixes} // -1) != keys %listed;
	# Answered exactly inside what is listed (everything when nothing is).
	my %in = (plain => 0, a => $listed{'198.18.4.0/22'}, b0 => $listed{'198.19.0.1/32'},
		  b1 => $listed{'198.19.3.232/32'}, out => 0);
	my %got = answered(map { $addr{$_} } keys %in);
	for my $k (sort keys %in) {
		my $want = !%listed || $in{$k} ? 1 : 0;
		my $got = $got{$addr{$k}} ? 1 : 0;
		return "$addr{$k}: answered $got, want $want with " . scalar(keys %listed) .
			" prefixes listed" if $got != $want;
	}
	return '';
}

# The next command: detach (or nothing to detach) leaves the interface clean.
sub check_next
{
	my ($rc, $out) = (0, '');
	($rc, $out) = vctl('detach', $rif) if raw_state() ne $empty;
	return "detach exit $rc: $out" if $rc;
	my $s = raw_state();
	return "after detach: '$s'" if $s ne $empty;
	return "after detach the pin $pin is still there" if -e $pin;
	return '';
}

my ($total_tried, $total_clean) = (0, 0);

# One scenario: SETUP makes the old state, CMD is killed, VALID(raw, old) judges.
sub scenario
{
	my ($name, $setup, $valid, @cmd) = @_;
	my $dur = duration($setup, @cmd);
	my ($tried, $clean) = (0, 0);
	our $repaired = 0;
	for my $i (0 .. $instants - 1) {
		last if time > $deadline;
		# Spread over the run, the last few after it: those must be "new".
		my $delay = int($dur * 1.2 * $i / $instants);
		$setup->();
		my $old = raw_state();
		kill_at($delay, @cmd);
		my $raw = raw_state();
		$tried++;
		my $why = $valid->($raw, $old);
		$why ||= check_agree($raw);
		$why ||= check_next();
		if ($why) {
			$why =~ s/\n/ | /g;
			print "fail $name ${delay}us: raw '$raw' (old '$old'): $why\n";
			cleanup_all();
		} else {
			$clean++;
		}
	}
	printf "scenario %s tried %d clean %d (command ~%d us, status repaired %d)\n", $name,
	       $tried, $clean, $dur, $repaired;
	$total_tried += $tried;
	$total_clean += $clean;
}

sub attach_old
{
	my ($mode, @args) = @_;
	return sub {
		cleanup_all();
		my ($rc, $out) = vctl('attach', $rif, '--mode', $mode, @args);
		die "setup: attach --mode $mode: $out" if $rc;
	};
}

# Old or new: new is one attachment in MODE with a program that was not there.
sub old_or_new
{
	my ($mode) = @_;
	return sub {
		my ($raw, $old) = @_;
		return '' if $raw eq $old;
		my @att = state_att($raw);
		return '' if @att && $att[0] eq $mode && $raw ne $old && index($old, ":$att[1] ") < 0;
		return "neither the old nor a new $mode attachment";
	};
}

my $none = sub { cleanup_all() };
for my $mode (qw(native generic tc loopback)) {
	scenario("attach --mode $mode", $none, old_or_new($mode),
		 $vnetctl, 'attach', $rif, '--mode', $mode, '--respond', '198.18.4.0/22');
}
for my $pair (['generic', 'tc'], ['tc', 'native'], ['native', 'generic'], ['tc', 'tc'],
	      ['generic', 'generic'], ['tc', 'loopback']) {
	my ($from, $to) = @$pair;
	scenario("attach --force $from->$to", attach_old($from, '--respond', '198.18.4.0/22'),
		 old_or_new($to), $vnetctl, 'attach', $rif, '--force', '--mode', $to);
}
for my $mode (qw(generic tc)) {
	scenario("detach $mode", attach_old($mode), sub {
		my ($raw, $old) = @_;
		return $raw eq $old || $raw eq $empty ? '' : 'neither attached nor clean';
	}, $vnetctl, 'detach', $rif);
}
my $same = sub {
	my ($raw, $old) = @_;
	return $raw eq $old ? '' : 'the attachment changed';
};
scenario('respond add 1000', attach_old('generic', '--respond', '198.18.4.0/22'), $same,
	 $vnetctl, 'respond', $rif, 'add', @bulk);
my $with_bulk = sub {
	attach_old('generic', '--respond', '198.18.4.0/22')->();
	my ($rc, $out) = vctl('respond', $rif, 'add', @bulk);
	die "setup: respond add: $out" if $rc;
};
scenario('respond del 1000', $with_bulk, $same, $vnetctl, 'respond', $rif, 'del', @bulk);
scenario('respond flush 1001', $with_bulk, $same, $vnetctl, 'respond', $rif, 'flush');
my $bulk_only = sub {
	attach_old('tc')->();
	my ($rc, $out) = vctl('respond', $rif, 'add', @bulk);
	die "setup: respond add: $out" if $rc;
};
scenario('respond add 1000 to none', attach_old('tc'), $same,
	 $vnetctl, 'respond', $rif, 'add', @bulk);
cleanup_all();
print "total tried $total_tried clean $total_clean\n";
