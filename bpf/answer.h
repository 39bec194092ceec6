/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * answer.h - what a VNET_REPLY answered (struct vnet_result's answer):
 * the core and the feature headers set it, the hooks resize the frame and
 * count by it.
 */
#ifndef VNET_ANSWER_H
#define VNET_ANSWER_H

/* What a VNET_REPLY answered: the hooks count it, and finish an advertisement. */
enum vnet_answer {
	VNET_ANSWER_ECHO4 = 1,
	VNET_ANSWER_ECHO6,
	VNET_ANSWER_ARP,
	/* From here on the hook resizes the frame before it is sent. */
	VNET_ANSWER_ND,
	VNET_ANSWER_TIMEX4,	/* hops.h */
	VNET_ANSWER_TIMEX6,
	VNET_ANSWER_UNREACH4,	/* l4.h: grown like a Time Exceeded */
	VNET_ANSWER_UNREACH6,
	VNET_ANSWER_TCP_RST,	/* l4.h: rewritten in place, then cut */
	VNET_ANSWER_TCP_SYNACK,
	VNET_ANSWER_TS4,	/* l4.h: rewritten in place, then cut */
	VNET_ANSWER_LOST,	/* hops.h: loss=, dropped */
	VNET_ANSWER_DUP4,	/* hops.h: dup=, an echo reply sent twice (tc) */
	VNET_ANSWER_DUP6,
	VNET_ANSWER_HOPS4,	/* hops.h: an echo reply of vnet_answer_hops() */
	VNET_ANSWER_HOPS6,
	VNET_ANSWER_CLAIM,	/* with a pass verdict: the frame claimed an address (subnet.h) */
	VNET_ANSWER_FRAG4,	/* frag.h: a first fragment's echo reply */
	VNET_ANSWER_FRAG6,
	VNET_ANSWER_FRAGN4,	/* frag.h: a later fragment reflected */
	VNET_ANSWER_FRAGN6,
};

#endif /* VNET_ANSWER_H */
