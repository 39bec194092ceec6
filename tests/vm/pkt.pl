#!/usr/bin/perl
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# pkt.pl - raw frames on an interface, for the vnet driver's guest tests.
#
#   pkt.pl send IFACE NAME[*N]...   transmit the named frames (see %FRAMES) on
#                                   IFACE with an AF_PACKET socket, each N
#                                   times (a burst) if so asked
#   pkt.pl capture IFACE -- CMD...  run CMD (its stdout discarded), then print
#                                   every frame IFACE carried meanwhile, one
#                                   line each; exit with CMD's status
#   pkt.pl tap|tun IFACE NAME N     be the wire of tap (or layer-3 tun) IFACE:
#                                   attach to it (persistent, made with ip
#                                   tuntap), write frame NAME into it N times
#                                   (for tun without its Ethernet header),
#                                   then print every frame the device sends
#                                   back, one line each as capture does
#   pkt.pl list                     the frame names, with what each is
#
# Frames go from IFACE's own MAC to itself (what a NOARP neighbour resolves
# to), 198.18.0.1 -> 198.18.0.2 or 2001:db8::1 -> 2001:db8::2, unless their
# point is to break exactly that.
#
# capture reads with recv() on a plain packet socket, not a ring: every frame
# stays queued as a clone sharing its data with the skb the driver got, so a
# driver that rewrote a transmitted frame in place would show its reply
# here in place of the request. Lines look like
#   out icmp4 type=8 code=0 id=4711 seq=1 csum=ok src=198.18.0.1 dst=198.18.0.2 len=98 data=<md5>
#   in other ethertype=0x88b5 len=60
# (csum: ICMP/ICMPv6 checksum verified here; data: md5 of the echo payload).
use strict;
use warnings;
use Socket qw(inet_pton AF_INET AF_INET6);
use Digest::MD5 qw(md5_hex);
use IO::Select;

use constant {
	AF_PACKET	=> 17,
	SOCK_RAW	=> 3,
	ETH_P_ALL	=> 0x0003,
	PACKET_OUTGOING	=> 4,
	SOL_SOCKET	=> 1,
	SO_RCVBUF	=> 8,
	SO_SNDBUFFORCE	=> 32,
	TUNSETIFF	=> 0x400454ca,
	IFF_TUN		=> 0x0001,
	IFF_TAP		=> 0x0002,
	IFF_NO_PI	=> 0x1000,
	O_NONBLOCK	=> 0x800,
};

my $ID = 0x7e7;		# echo identifier of crafted requests

sub slurp { my ($f) = @_; open(my $fh, '<', $f) or die "pkt.pl: $f: $!\n"; local $/; my $s = <$fh>; chomp $s; $s }

sub ifindex { slurp("/sys/class/net/$_[0]/ifindex") }

sub ifmac { pack('H12', join('', split(/:/, slurp("/sys/class/net/$_[0]/address")))) }

# Internet checksum of a byte string.
sub csum
{
	my ($data) = @_;
	$data .= "\0" if length($data) % 2;
	my $sum = 0;
	$sum += $_ for unpack('n*', $data);
	$sum = ($sum & 0xffff) + ($sum >> 16) while $sum >> 16;
	return ~$sum & 0xffff;
}

my $PAYLOAD = join('', map { chr($_ & 0xff) } 0 .. 55);	# ping's 56 bytes

sub icmp4_echo
{
	my (%o) = @_;
	my $type = $o{type} // 8;
	my $code = $o{code} // 0;
	my $msg = pack('CCnnn', $type, $code, 0, $o{id} // $ID, $o{seq} // 1) .
		  ($o{payload} // $PAYLOAD);
	my $c = csum($msg);
	$c ^= 0x5555 if $o{badsum};
	substr($msg, 2, 2) = pack('n', $c);
	return $msg;
}

sub ipv4
{
	my (%o) = @_;
	my $opts = $o{options} // '';
	my $ihl = 5 + length($opts) / 4;
	my $tot = $o{tot_len} // 4 * $ihl + length($o{payload});
	my $hdr = pack('CCnnnCCna4a4', (($o{version} // 4) << 4) | $ihl, 0, $tot, 1,
		       $o{frag} // 0, $o{ttl} // 64, $o{proto} // 1, 0,
		       inet_pton(AF_INET, $o{src} // '198.18.0.1'),
		       inet_pton(AF_INET, $o{dst} // '198.18.0.2')) . $opts;
	substr($hdr, 10, 2) = pack('n', csum($hdr));
	return $hdr . $o{payload};
}

sub ipv6
{
	my (%o) = @_;
	my $src = inet_pton(AF_INET6, $o{src} // '2001:db8::1');
	my $dst = inet_pton(AF_INET6, $o{dst} // '2001:db8::2');
	my $nh = $o{nexthdr} // 58;
	my $payload = $o{payload};
	if ($nh == 58) {
		my $c = csum($src . $dst . pack('NxxxC', length($payload), 58) . $payload);
		$c ^= 0x5555 if $o{badsum};
		substr($payload, 2, 2) = pack('n', $c);
	}
	return pack('NnCC', 6 << 28, length($payload), $nh, $o{hop} // 64) . $src . $dst . $payload;
}

sub icmp6_echo
{
	my (%o) = @_;
	return pack('CCnnn', $o{type} // 128, 0, 0, $ID, $o{seq} // 1) . ($o{payload} // $PAYLOAD);
}

# ping -s 8972 / ping -6 -s 8952's data: the IP packet is 9000 bytes.
my $JUMBO4 = join('', map { chr($_ & 0xff) } 0 .. 8971);
my $JUMBO6 = join('', map { chr($_ & 0xff) } 0 .. 8951);

sub eth
{
	my ($mac, $type, $payload, %o) = @_;
	my $tags = '';
	# Each tag: its TCI, then the type of what follows it.
	$tags .= pack('nn', $_->[0], $_->[1]) for @{$o{vlans} // []};
	my $src = exists $o{src} ? pack('H12', $o{src}) : $mac;
	my $dst = exists $o{dst} ? pack('H12', $o{dst}) : $mac;
	return $dst . $src . pack('n', $type) . $tags . $payload . ($o{pad} // '');
}

# name => [what it is, builder taking the interface's MAC]
my %FRAMES = (
	echo4		=> ['IPv4 echo request',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo())) }],
	echo4_badsum	=> ['IPv4 echo request with a wrong ICMP checksum',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo(badsum => 1))) }],
	echo4_padded	=> ['IPv4 echo request with 20 bytes of Ethernet padding',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo()), pad => "\0" x 20) }],
	echo4_zero	=> ['IPv4 echo request whose reply is all zero (id 0, seq 0, zero data)',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo(id => 0, seq => 0,
				      payload => "\0" x 56))) }],
	echo4_qinq	=> ['IPv4 echo request under 802.1ad + 802.1Q tags',
			    sub { eth($_[0], 0x88a8, ipv4(payload => icmp4_echo()),
				      vlans => [[20, 0x8100], [30, 0x0800]]) }],
	echo6		=> ['ICMPv6 echo request',
			    sub { eth($_[0], 0x86dd, ipv6(payload => icmp6_echo())) }],
	echo4_jumbo	=> ['IPv4 echo request of 9000 bytes (MTU 9000)',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo(payload => $JUMBO4))) }],
	echo6_jumbo	=> ['ICMPv6 echo request of 9000 bytes (MTU 9000)',
			    sub { eth($_[0], 0x86dd, ipv6(payload => icmp6_echo(payload => $JUMBO6))) }],
	echo6_badsum	=> ['ICMPv6 echo request with a wrong checksum',
			    sub { eth($_[0], 0x86dd, ipv6(payload => icmp6_echo(), badsum => 1)) }],
	non_ip		=> ['local experimental ethertype 0x88b5',
			    sub { eth($_[0], 0x88b5, "\0" x 46) }],
	vlan3		=> ['IPv4 echo request under three 802.1Q tags',
			    sub { eth($_[0], 0x8100, ipv4(payload => icmp4_echo()),
				      vlans => [[10, 0x8100], [11, 0x8100], [12, 0x0800]]) }],
	udp4		=> ['IPv4 UDP datagram to port 9',
			    sub { eth($_[0], 0x0800, ipv4(proto => 17,
				      payload => pack('nnnn', 4711, 9, 12, 0) . 'ping')) }],
	reply4		=> ['IPv4 echo reply',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo(type => 0))) }],
	code4		=> ['IPv4 echo request with code 1',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo(code => 1))) }],
	options4	=> ['IPv4 echo request with a header option (NOPs)',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo(), options => "\x01" x 4)) }],
	frag4		=> ['IPv4 echo request with More Fragments set',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo(), frag => 0x2000)) }],
	frag6		=> ['IPv6 fragment header before ICMPv6',
			    sub { eth($_[0], 0x86dd, ipv6(nexthdr => 44,
				      payload => pack('CxnN', 58, 0, 1) . icmp6_echo())) }],
	esp6		=> ['IPv6 ESP header (an extension header too)',
			    sub { eth($_[0], 0x86dd, ipv6(nexthdr => 50,
				      payload => pack('NN', 0x1234, 1) . icmp6_echo())) }],
	ext6		=> ['IPv6 hop-by-hop header before ICMPv6',
			    sub { eth($_[0], 0x86dd, ipv6(nexthdr => 0,
				      payload => pack('CCx6', 58, 0) . icmp6_echo())) }],
	trunc4		=> ['IPv4 total length beyond the frame',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo(), tot_len => 1000)) }],
	badver4		=> ['IPv4 ethertype with IP version 5',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo(), version => 5)) }],
	bcast_mac	=> ['IPv4 echo request to the broadcast MAC',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo()), dst => 'ffffffffffff') }],
	mcast_ip4	=> ['IPv4 echo request to 224.0.0.1',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo(), dst => '224.0.0.1')) }],
	zero_src4	=> ['IPv4 echo request from 0.0.0.0',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo(), src => '0.0.0.0')) }],
	zero_mac	=> ['IPv4 echo request from MAC 00:00:00:00:00:00',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo()), src => '000000000000') }],
	mcast_src6	=> ['ICMPv6 echo request from ff02::1',
			    sub { eth($_[0], 0x86dd, ipv6(payload => icmp6_echo(), src => 'ff02::1')) }],
	other_mac4	=> ["IPv4 echo request to another host's MAC",
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo()), dst => '02005e100099') }],
	ttl0_4		=> ['IPv4 echo request with TTL 0',
			    sub { eth($_[0], 0x0800, ipv4(payload => icmp4_echo(), ttl => 0)) }],
	hop0_6		=> ['ICMPv6 echo request with hop limit 0',
			    sub { eth($_[0], 0x86dd, ipv6(payload => icmp6_echo(), hop => 0)) }],
);

sub packet_socket
{
	my ($ifname, $proto) = @_;
	socket(my $s, AF_PACKET, SOCK_RAW, unpack('S', pack('n', $proto)))
		or die "pkt.pl: AF_PACKET socket: $!\n";
	my $sll = pack('SnISCCa8', AF_PACKET, $proto, ifindex($ifname), 0, 0, 0, '');
	bind($s, $sll) or die "pkt.pl: bind to $ifname: $!\n";
	return $s;
}

sub cmd_send
{
	my ($ifname, @names) = @_;
	my $mac = ifmac($ifname);
	my $s = packet_socket($ifname, 0);
	my $sent = 0;

	# A burst must be held back by the link (the driver's backlog), not by
	# this socket: every frame queued in the driver counts against the send
	# buffer, and on 6.12 the default buffer fills before a backlog does, so
	# send() blocks and the backlog never overflows. Root may force it.
	setsockopt($s, SOL_SOCKET, SO_SNDBUFFORCE, pack('i', 8 << 20))
		or die "pkt.pl: SO_SNDBUFFORCE: $!\n";

	for my $arg (@names) {
		my ($name, $count) = $arg =~ /^(\w+)(?:\*(\d+))?$/ or die "pkt.pl: bad frame $arg\n";
		my $f = $FRAMES{$name} or die "pkt.pl: no frame named $name (see pkt.pl list)\n";
		my $frame = $f->[1]->($mac);
		for (1 .. $count // 1) {
			my $n = send($s, $frame, 0);
			die "pkt.pl: send $name on $ifname failed after $sent frames: $!\n"
				unless defined $n && $n == length $frame;
			$sent++;
		}
	}
	return 0;
}

sub describe_icmp
{
	my ($fam, $msg, $pseudo, $l3) = @_;
	return "icmp$fam truncated" if length($msg) < 8;
	my ($type, $code, undef, $id, $seq) = unpack('CCnnn', $msg);
	my $ok = csum(($pseudo // '') . $msg) == 0 ? 'ok' : 'bad';
	return sprintf('icmp%d type=%d code=%d id=%d seq=%d csum=%s %s data=%s',
		       $fam, $type, $code, $id, $seq, $ok, $l3, md5_hex(substr($msg, 8)));
}

sub describe
{
	my ($frame) = @_;
	my $len = length $frame;
	return "runt len=$len" if $len < 14;
	my $off = 12;
	my $type = unpack('n', substr($frame, $off, 2));
	my $tags = 0;
	while (($type == 0x8100 || $type == 0x88a8) && $off + 6 <= $len) {
		$off += 4;
		$tags++;
		$type = unpack('n', substr($frame, $off, 2));
	}
	$off += 2;
	my $vl = $tags ? " vlans=$tags" : '';
	if ($type == 0x0800 && $len >= $off + 20) {
		my ($vihl, undef, $tot, undef, undef, undef, $proto, undef, $s, $d) =
			unpack('CCnnnCCna4a4', substr($frame, $off, 20));
		my $hl = ($vihl & 15) * 4;
		my $l3 = sprintf('src=%s dst=%s len=%d%s', join('.', unpack('C4', $s)),
				 join('.', unpack('C4', $d)), $len, $vl);
		return "ipv4 proto=$proto $l3" if $proto != 1;
		return describe_icmp(4, substr($frame, $off + $hl, $tot - $hl), undef, $l3);
	}
	if ($type == 0x86dd && $len >= $off + 40) {
		my ($plen, $nh) = unpack('nC', substr($frame, $off + 4, 3));
		my ($s, $d) = (substr($frame, $off + 8, 16), substr($frame, $off + 24, 16));
		my $l3 = sprintf('src=%s dst=%s len=%d%s', join(':', unpack('(H4)8', $s)),
				 join(':', unpack('(H4)8', $d)), $len, $vl);
		return "ipv6 nexthdr=$nh $l3" if $nh != 58;
		my $msg = substr($frame, $off + 40, $plen);
		return describe_icmp(6, $msg, $s . $d . pack('NxxxC', length $msg, 58), $l3);
	}
	return sprintf('other ethertype=0x%04x len=%d%s', $type, $len, $vl);
}

sub cmd_capture
{
	my ($ifname, @cmd) = @_;
	die "pkt.pl: capture IFACE -- CMD...\n" unless @cmd;
	my $s = packet_socket($ifname, ETH_P_ALL);
	setsockopt($s, SOL_SOCKET, SO_RCVBUF, 1 << 22);

	my $pid = fork() // die "pkt.pl: fork: $!\n";
	if (!$pid) {
		# Only the frames on stdout; what CMD says goes nowhere.
		close $s;
		open(STDOUT, '>', '/dev/null');
		exec { $cmd[0] } @cmd or die "pkt.pl: exec $cmd[0]: $!\n";
	}
	waitpid($pid, 0);
	my $rc = $? >> 8;

	# Everything the command caused is queued by now, give or take a NAPI
	# poll: read until the interface has been quiet for half a second.
	my $sel = IO::Select->new($s);
	while ($sel->can_read(0.5)) {
		my $from = recv($s, my $frame, 65536, 0);
		last unless defined $from;
		my $pkttype = unpack('C', substr($from, 10, 1));
		printf "%s %s\n", $pkttype == PACKET_OUTGOING ? 'out' : 'in', describe($frame);
	}
	return $rc;
}

# The tun driver runs a native XDP program on what is written to the
# device's file only for non-blocking writes (tun_can_build_skb()): open it
# so, and wait for replies with select().
sub cmd_tap
{
	my ($kind, $ifname, $name, $count) = @_;
	my $f = $FRAMES{$name} or die "pkt.pl: no frame named $name (see pkt.pl list)\n";
	die "pkt.pl: $kind: bad count $count\n" unless $count =~ /^\d+$/ && $count <= 500;
	sysopen(my $fd, '/dev/net/tun', 2 | O_NONBLOCK) or die "pkt.pl: /dev/net/tun: $!\n";
	my $flags = IFF_NO_PI | ($kind eq 'tap' ? IFF_TAP : IFF_TUN);
	ioctl($fd, TUNSETIFF, pack('Z16s x22', $ifname, $flags))
		or die "pkt.pl: TUNSETIFF $ifname: $!\n";
	# Attaching the file turns the carrier on; until the link watch has
	# then activated the qdisc, whatever the device sends (a tc redirect's
	# replies) is dropped. It sets the operational state first.
	for (1 .. 60) {
		last if slurp("/sys/class/net/$ifname/operstate") =~ /^(up|unknown)$/;
		select(undef, undef, undef, 0.05);
	}
	select(undef, undef, undef, 0.1);
	my $frame = $f->[1]->($kind eq 'tap' ? ifmac($ifname) : "\0" x 6);
	$frame = substr($frame, 14) if $kind eq 'tun';

	my @got;
	my $sel = IO::Select->new($fd);
	my $drain = sub {
		while ($sel->can_read($_[0])) {
			my $n = sysread($fd, my $buf, 65536);
			last unless $n;
			push @got, $buf;
		}
	};
	for my $i (1 .. $count) {
		my $n = syswrite($fd, $frame);
		die "pkt.pl: write $name into $ifname failed after ", $i - 1, " frames: $!\n"
			unless defined $n && $n == length $frame;
		$drain->(0);
	}
	# Replies come back at once (XDP_TX) or after a softirq: read until the
	# device has been quiet for half a second.
	$drain->(0.5);
	for my $buf (@got) {
		# A tun's packets start with the IP header: describe() wants
		# an Ethernet header before it.
		$buf = ("\0" x 12) . pack('n', (unpack('C', $buf) >> 4) == 6 ? 0x86dd : 0x0800) . $buf
			if $kind eq 'tun';
		print describe($buf), "\n";
	}
	return 0;
}

my $cmd = shift // '';
if ($cmd eq 'send' && @ARGV >= 2) {
	exit cmd_send(@ARGV);
} elsif ($cmd eq 'capture' && @ARGV >= 3 && $ARGV[1] eq '--') {
	my $ifname = shift;
	shift;
	exit cmd_capture($ifname, @ARGV);
} elsif (($cmd eq 'tap' || $cmd eq 'tun') && @ARGV == 3) {
	exit cmd_tap($cmd, @ARGV);
} elsif ($cmd eq 'list') {
	printf "%-14s %s\n", $_, $FRAMES{$_}[0] for sort keys %FRAMES;
	exit 0;
}
print STDERR "usage: pkt.pl send IFACE NAME[*N]... | capture IFACE -- CMD... | tap|tun IFACE NAME N | list\n";
exit 2;
