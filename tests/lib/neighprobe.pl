#!/usr/bin/perl
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# neighprobe.pl - send exact ARP requests or IPv6 neighbour solicitations as
# raw Ethernet frames and check every answer byte for byte, for the
# end-to-end tests of vnet's --respond (the kernel's own resolver sends as
# many as it likes, when it likes, so it cannot make counters exact).
#
#   neighprobe.pl IFACE KIND TARGET COUNT SRC_IP RMAC
#
# KIND: arp        who-has TARGET from SRC_IP, IFACE's MAC (RFC 826)
#       arp-probe  the same with sender IP 0.0.0.0 (RFC 5227 DAD probe)
#       ns         NS for TARGET from SRC_IP with a source link-layer
#                  option, to TARGET's solicited-node group (RFC 4861)
#       ns-dad     NS from :: without the option (RFC 4862 DAD)
# RMAC is the MAC a correct answer must carry (the reflector's interface).
# Sends COUNT requests 10 ms apart, then waits up to 1 s for the rest of the
# answers, and prints one line: "sent N answers A bad B", where an answer is
# an ARP reply / neighbour advertisement about TARGET and bad counts those
# whose bytes are not exactly what vnet's contract says. Exit 0 always
# after sending (the caller compares the numbers), 2 on usage errors.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use RawEth;
use Socket qw(AF_INET AF_INET6 inet_pton);
use Time::HiRes qw(time sleep);

my ($ifname, $kind, $target, $count, $src, $rmac) = @ARGV;
if (!defined $rmac || $kind !~ /^(arp|arp-probe|ns|ns-dad)$/ || $count !~ /^\d+$/) {
	print STDERR "usage: neighprobe.pl IFACE arp|arp-probe|ns|ns-dad TARGET COUNT SRC_IP RMAC\n";
	exit 2;
}

my ($sock, $smac) = RawEth::open_iface($ifname);
my $rmac_b = RawEth::mac_bytes($rmac);
my $v6 = $kind =~ /^ns/;
my $tgt = inet_pton($v6 ? AF_INET6 : AF_INET, $target) or die "bad target $target\n";
my $sip = inet_pton($v6 ? AF_INET6 : AF_INET, $src) or die "bad source $src\n";
$sip = "\0" x ($v6 ? 16 : 4) if $kind =~ /probe|dad/;

# The Internet checksum over IPv6's pseudo-header and the ICMPv6 message.
sub csum6
{
	my ($s, $d, $msg) = @_;
	my $data = $s . $d . pack('N', length($msg)) . "\0\0\0" . chr(58) . $msg;
	$data .= "\0" if length($data) % 2;
	my $sum = 0;
	$sum += $_ for unpack('n*', $data);
	$sum = ($sum & 0xffff) + ($sum >> 16) while $sum >> 16;
	return ~$sum & 0xffff;
}

my ($req, $want);
if (!$v6) {
	my $arp = pack('n n C C n', 1, 0x0800, 6, 4, 1) . $smac . $sip . ("\0" x 6) . $tgt;
	$req = ("\xff" x 6) . $smac . pack('n', 0x0806) . $arp;
	# The answer: to the asker, from RMAC, op 2, RMAC is at TARGET.
	$want = $smac . $rmac_b . pack('n', 0x0806) .
		pack('n n C C n', 1, 0x0800, 6, 4, 2) . $rmac_b . $tgt . $smac . $sip;
} else {
	my $snm = inet_pton(AF_INET6, 'ff02::1:ff00:0');
	substr($snm, 13, 3) = substr($tgt, 13, 3);
	my $opt = $kind eq 'ns' ? pack('C C', 1, 1) . $smac : '';
	my $icmp = pack('C C n N', 135, 0, 0, 0) . $tgt . $opt;
	substr($icmp, 2, 2) = pack('n', csum6($sip, $snm, $icmp));
	$req = "\x33\x33" . substr($snm, 12, 4) . $smac . pack('n', 0x86dd) .
		pack('N n C C', 0x60000000, length($icmp), 58, 255) . $sip . $snm . $icmp;
	# The answer: NA from TARGET to the asker, S|O, TLLA option with RMAC.
	my $na = pack('C C n N', 136, 0, 0, 0x60000000) . $tgt . pack('C C', 2, 1) . $rmac_b;
	substr($na, 2, 2) = pack('n', csum6($tgt, $sip, $na));
	$want = $smac . $rmac_b . pack('n', 0x86dd) .
		pack('N n C C', 0x60000000, length($na), 58, 255) . $tgt . $sip . $na;
}

# Is FRAME an answer about TARGET (right or wrong)?
sub is_answer
{
	my ($f) = @_;
	return 0 if length($f) < 14;
	my $type = unpack('n', substr($f, 12, 2));
	if (!$v6) {
		return $type == 0x0806 && length($f) >= 42 && unpack('n', substr($f, 20, 2)) == 2 &&
		       substr($f, 28, 4) eq $tgt;
	}
	return $type == 0x86dd && length($f) >= 54 + 24 && ord(substr($f, 20, 1)) == 58 &&
	       ord(substr($f, 54, 1)) == 136 && substr($f, 62, 16) eq $tgt;
}

my ($sent, $answers, $bad) = (0, 0, 0);

sub drain
{
	RawEth::drain($sock, $_[0], sub {
		my ($f) = @_;
		return unless is_answer($f);
		$answers++;
		# Ethernet pads short frames to 60 bytes: compare what was sent.
		if (substr($f, 0, length($want)) ne $want) {
			$bad++;
			printf STDERR "bad answer: %s\n want:      %s\n", unpack('H*', $f), unpack('H*', $want);
		}
	});
}

for (1 .. $count) {
	defined(send($sock, $req, 0)) or die "send: $!\n";
	$sent++;
	drain(time() + 0.01);
}
my $deadline = time() + 1;
while ($answers < $sent && time() < $deadline) {
	drain(time() + 0.05);
}
print "sent $sent answers $answers bad $bad\n";
exit 0;
