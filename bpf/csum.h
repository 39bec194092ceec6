/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * csum.h - the Internet checksum's arithmetic, for every vnet program:
 * the incremental update of RFC 1624 and the fold of a 32-bit sum. The
 * reflector's echo reply, the advertisement, the ICMP errors and the
 * timestamps use them (the scans that sum whole messages with bpf_loop()
 * live with their users, reflect.h and hops.h).
 */
#ifndef VNET_CSUM_H
#define VNET_CSUM_H


/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), in ones' complement arithmetic,
 * for one 16-bit word changing from @old to @new. The sum is independent of
 * byte order, so raw network-order words go in and out. Whatever the input
 * checksum (0x0000 and 0xFFFF, the two encodings of zero, included), the
 * result is the reply's correct sum, and it is never 0xFFFF: a ones'
 * complement sum with a non-zero term is never +0. A recomputation from
 * scratch never gives 0xFFFF either, with one exception: a message whose
 * words are all zero sums to +0 and gets 0xFFFF. The equation cannot see the
 * data, so it says 0x0000 there; vnet_icmp_fix_zero() handles that case.
 */
static __always_inline __u16 vnet_csum_replace(__u16 hc, __u16 old, __u16 new)
{
	__u32 sum = (__u16)~hc + (__u16)~old + (__u32)new;

	sum = (sum & 0xFFFF) + (sum >> 16);
	sum = (sum & 0xFFFF) + (sum >> 16);
	return (__u16)~sum;
}

/* A 32-bit ones' complement sum folded to 16 bits (not inverted). */
static __always_inline __u16 vnet_fold(__u32 sum)
{
	sum = (sum & 0xFFFF) + (sum >> 16);
	sum = (sum & 0xFFFF) + (sum >> 16);
	return (__u16)sum;
}

/* A 64-bit ones' complement sum folded to 16 bits (not inverted). */
static __always_inline __u16 vnet_fold64(__u64 sum)
{
	sum = (sum & 0xFFFFFFFF) + (sum >> 32);
	sum = (sum & 0xFFFFFFFF) + (sum >> 32);
	sum = (sum & 0xFFFF) + (sum >> 16);
	sum = (sum & 0xFFFF) + (sum >> 16);
	return (__u16)sum;
}

#endif /* VNET_CSUM_H */
