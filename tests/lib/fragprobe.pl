#!/usr/bin/perl
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# fragprobe.pl - send the fragments of one ICMP(v6) echo request as raw
# Ethernet frames, in an order ping never uses, and check every reflected
# fragment byte for byte, for the end-to-end test of vnet's fragment path
# (bpf/frag.h).
#
#   fragprobe.pl IFACE 4|6 SCENARIO SRC_IP DST_IP RMAC ID
#
# The request: 3008 bytes of ICMP message (ping -s 3000), cut at 1480
# (IPv4) or 1448 (IPv6) bytes as Linux cuts it at MTU 1500, datagram ID.
# SCENARIO, the fragments sent (0 = first, 1 = middle, 2 = last):
#   inorder    0 1 2          all three reflected
#   reorder    2 1 0 2        the first and the repeated last reflected: a
#                             later fragment ahead of its first is handed on
#   overlap    0 o 1 2        o starts 8 bytes into the first (RFC 1858,
#                             RFC 5722): all but o reflected
#   tiny       t 1 2          t: a first fragment of 4 bytes with more to
#                             come, too short for the ICMP header: none
# Each fragment 20 ms after the last, then up to 1 s for the rest. A
# reflected fragment is one that comes back from DST_IP with the ID; it is
# bad unless it is exactly the fragment sent with MACs and addresses
# swapped and, in the first, the echo reply type and RFC 1624's checksum.
# Prints "sent N reflected R bad B"; exit 0 after sending, 2 on usage.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use RawEth;
use Socket qw(AF_INET AF_INET6 inet_pton);
use Time::HiRes qw(time);

my ($ifname, $fam, $scen, $src, $dst, $rmac, $id) = @ARGV;
if (!defined $id || $fam !~ /^[46]$/ || $scen !~ /^(inorder|reorder|overlap|tiny)$/ ||
    $id !~ /^\d+$/) {
	print STDERR "usage: fragprobe.pl IFACE 4|6 inorder|reorder|overlap|tiny SRC DST RMAC ID\n";
	exit 2;
}

my $v6 = $fam == 6;
my ($sock, $smac) = RawEth::open_iface($ifname);
my $rmac_b = RawEth::mac_bytes($rmac);
my $sip = inet_pton($v6 ? AF_INET6 : AF_INET, $src) or die "bad source $src\n";
my $dip = inet_pton($v6 ? AF_INET6 : AF_INET, $dst) or die "bad destination $dst\n";

sub fold
{
	my ($sum) = @_;
	$sum = ($sum & 0xffff) + ($sum >> 16) while $sum >> 16;
	return $sum;
}

sub csum
{
	my ($data) = @_;
	$data .= "\0" if length($data) % 2;
	my $sum = 0;
	$sum += $_ for unpack('n*', $data);
	return ~fold($sum) & 0xffff;
}

# The whole echo request message, checksum included.
my $msg = pack('C C n n n', $v6 ? 128 : 8, 0, 0, 0x5a5a, 1) .
	  join('', map { chr(($_ * 7 + 3) & 0xff) } 8 .. 3007);
my $pseudo = $v6 ? $sip . $dip . pack('N', length($msg)) . "\0\0\0" . chr(58) : '';
substr($msg, 2, 2) = pack('n', csum($pseudo . $msg));

my $chunk = $v6 ? 1448 : 1480;

# The frame carrying bytes [OFF, OFF + LEN) of the message, MORE to come.
sub fragment
{
	my ($off, $len, $more) = @_;
	my $data = substr($msg, $off, $len);
	my $eth = $rmac_b . $smac . pack('n', $v6 ? 0x86dd : 0x0800);

	if ($v6) {
		return $eth . pack('N n C C', 0x60000000, 8 + $len, 44, 64) . $sip . $dip .
		       pack('C C n N', 58, 0, $off | ($more ? 1 : 0), $id) . $data;
	}
	my $ip = pack('C C n n n C C n', 0x45, 0, 20 + $len, $id & 0xffff,
		      ($more ? 0x2000 : 0) | $off / 8, 64, 1, 0) . $sip . $dip;
	substr($ip, 10, 2) = pack('n', csum($ip));
	return $eth . $ip . $data;
}

# What vnet must send back for FRAME.
sub reflected
{
	my ($f) = @_;
	my ($l3, $alen, $aoff) = (14, $v6 ? 16 : 4, $v6 ? 8 : 12);
	my $hdr = $v6 ? 48 : 20;
	my $r = substr($f, 6, 6) . substr($f, 0, 6) . substr($f, 12);

	substr($r, $l3 + $aoff, 2 * $alen) = substr($f, $l3 + $aoff + $alen, $alen) .
					     substr($f, $l3 + $aoff, $alen);
	my $off = $v6 ? unpack('n', substr($f, $l3 + 42, 2)) & 0xfff8 :
			(unpack('n', substr($f, $l3 + 6, 2)) & 0x1fff) * 8;
	if ($off == 0) {
		my $i = $l3 + $hdr;
		my $old = unpack('n', substr($f, $i, 2));
		my $new = ($v6 ? 129 : 0) << 8;
		my $hc = unpack('n', substr($f, $i + 2, 2));
		substr($r, $i, 1) = chr($v6 ? 129 : 0);
		substr($r, $i + 2, 2) = pack('n', ~fold((~$hc & 0xffff) + (~$old & 0xffff) + $new) & 0xffff);
	}
	return $r;
}

my @frames = (fragment(0, $chunk, 1), fragment($chunk, $chunk, 1),
	      fragment(2 * $chunk, length($msg) - 2 * $chunk, 0));
my %plan = (
	inorder => [ 0, 1, 2 ],
	reorder => [ 2, 1, 0, 2 ],
	overlap => [ 0, 'o', 1, 2 ],
	tiny    => [ 't', 1, 2 ],
);
my %want_back;	# frame bytes => what must come back
my @send;
for my $p (@{ $plan{$scen} }) {
	push @send, $p eq 'o' ? fragment(8, $chunk, 1) :
		    $p eq 't' ? fragment(0, 4, 1) : $frames[$p];
}
$want_back{reflected($_)} = 1 for @send;

# A fragment from DST to SRC of our datagram?
sub is_ours
{
	my ($f) = @_;
	return 0 if length($f) < 14 + ($v6 ? 48 : 20);
	my $type = unpack('n', substr($f, 12, 2));
	if ($v6) {
		return $type == 0x86dd && ord(substr($f, 20, 1)) == 44 &&
		       substr($f, 22, 16) eq $dip && unpack('N', substr($f, 58, 4)) == $id;
	}
	return $type == 0x0800 && substr($f, 26, 4) eq $dip &&
	       unpack('n', substr($f, 18, 2)) == ($id & 0xffff);
}

my ($sent, $back, $bad) = (0, 0, 0);

sub seen
{
	my ($f) = @_;
	return unless is_ours($f);
	$back++;
	if (!$want_back{$f}) {
		$bad++;
		printf STDERR "unexpected reflection: %s\n", unpack('H*', substr($f, 0, 80));
	}
}

for my $f (@send) {
	defined(send($sock, $f, 0)) or die "send: $!\n";
	$sent++;
	RawEth::drain($sock, time() + 0.02, \&seen);
}
RawEth::drain($sock, time() + 1, \&seen);
print "sent $sent reflected $back bad $bad\n";
exit 0;
