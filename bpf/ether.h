/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ether.h - the Ethernet header word helpers the reflector and bench/micro's
 * re-arm stage share (bounce.bpf.c cannot include reflect.h: it would get
 * the reflector's maps).
 */
#ifndef VNET_ETHER_H
#define VNET_ETHER_H

/*
 * Swap the two MAC addresses of @eth: three 16-bit words each, at byte 0
 * and 6. Not eth->h_dest and eth->h_source: vmlinux.h's structs are CO-RE
 * relocatable, and each member's address cost a move and an add.
 */
static __always_inline void vnet_swap_macs(struct ethhdr *eth)
{
	__u16 *d = (__u16 *)eth, *s = (__u16 *)eth + 3;
	__u16 d0 = d[0], d1 = d[1], d2 = d[2];

	d[0] = s[0];
	d[1] = s[1];
	d[2] = s[2];
	s[0] = d0;
	s[1] = d1;
	s[2] = d2;
}

#endif /* VNET_ETHER_H */
