/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * result.h - what vnet_reflect() and the answers beside it (hops.h, l4.h,
 * frag.h) hand to the hook: the answer, where the IP header starts, and
 * what a resized answer still needs written.
 */
#ifndef VNET_RESULT_H
#define VNET_RESULT_H

#include "hops.h"
#include "neigh.h"

/*
 * What vnet_reflect() found, for the hook: on VNET_REPLY, what it answered
 * (answer; read only then); for VNET_ANSWER_ND, where the IPv6 header starts
 * (l3) and what the advertisement says (the hook resizes the frame, then
 * vnet_nd_write()). Left uninitialised by the hooks: vnet_reflect() sets
 * answer and l3, and nd only where it answers a solicitation, so the hot
 * path pays no stores for it.
 */
struct vnet_result {
	/*
	 * Each in a stack slot of its own: the verifier keeps a value's
	 * bounds in the stack only for a store at an 8-byte boundary, and
	 * the hooks need both exact (what to write, and where) once a
	 * vnet_side_*() subprogram has made the compiler read them back.
	 */
	__u64 answer;	/* 64 bits: read back, it needs no extension */
	__u32 l3 __attribute__((aligned(8)));
	struct vnet_nd_req nd __attribute__((aligned(8)));
	/*
	 * VNET_ANSWER_TIMEX4/6. Aligned: hops.h writes its addresses a word
	 * at a time, and the verifier wants a store through a pointer to
	 * the stack (a vnet_side_*() subprogram's) naturally aligned.
	 */
	struct vnet_hop_req hop __attribute__((aligned(8)));
	__u32 delay_us __attribute__((aligned(8)));	/* VNET_ANSWER_DUP4..HOPS6: delay.h */
	__u8 jittered;
};

#endif /* VNET_RESULT_H */
