# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# RawEth.pm - what the crafted-frame probes (neighprobe.pl, fragprobe.pl)
# share: a packet socket bound to one interface, and a bounded wait for the
# frames that arrive on it.
package RawEth;
use strict;
use warnings;
use Time::HiRes qw(time);

use constant { PF_PACKET => 17, SOCK_RAW => 3, ETH_P_ALL => 0x0003, PACKET_OUTGOING => 4 };

sub slurp { open(my $f, '<', $_[0]) or die "$_[0]: $!\n"; local $/; my $s = <$f>; chomp $s; $s }
sub mac_bytes { pack('H12', join('', split(/:/, $_[0]))) }

# open_iface(IFNAME): the socket, and IFNAME's MAC as 6 bytes.
sub open_iface
{
	my ($ifname) = @_;
	my $ifindex = slurp("/sys/class/net/$ifname/ifindex");

	socket(my $sock, PF_PACKET, SOCK_RAW, unpack('n', pack('S', ETH_P_ALL))) or
		die "socket: $!\n";
	# struct sockaddr_ll: family, protocol (be16), ifindex, hatype, pkttype, halen, addr[8]
	bind($sock, pack('S n i S C C a8', PF_PACKET, ETH_P_ALL, $ifindex, 0, 0, 0, '')) or
		die "bind: $!\n";
	return ($sock, mac_bytes(slurp("/sys/class/net/$ifname/address")));
}

# drain(SOCK, UNTIL, CALLBACK): CALLBACK->(frame) for every frame that
# arrives (not our own going out) until the time UNTIL.
sub drain
{
	my ($sock, $until, $cb) = @_;
	my $rin = '';

	vec($rin, fileno($sock), 1) = 1;
	while ((my $left = $until - time()) > 0) {
		my $rout = $rin;
		last unless select($rout, undef, undef, $left) > 0;
		my $from = recv($sock, my $f, 16384, 0);
		next unless defined $from;
		my (undef, undef, undef, undef, $pkttype) = unpack('S n i S C', $from);
		next if $pkttype == PACKET_OUTGOING;
		$cb->($f);
	}
}

1;
