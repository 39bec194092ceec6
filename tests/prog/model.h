/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * model.h - the reference model of the reflector, in plain C over a byte
 * buffer, written from the specification in the header comment of
 * bpf/reflect.h and sharing none of its code. Only the contract is shared:
 * enum vnet_verdict, struct vnet_config and struct vnet_stats (bpf/vnet.shared.h).
 */
#ifndef VNET_TEST_MODEL_H
#define VNET_TEST_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "vnet.shared.h"

#define MODEL_MAX_PREFIXES	64

/* One --respond prefix, as the tries hold it. */
struct model_prefix {
	int family;		/* 4 or 6 */
	unsigned int len;	/* prefix length in bits */
	uint8_t addr[16];	/* IPv4: the first 4 bytes */
	unsigned int hops;	/* virtual routers in front of it (",hops=N") */
	bool via;		/* router 1's address given (",via=ADDRESS") */
	uint8_t router[16];	/* then: router 1's address; else the network + 1 */
	bool l4;		/* ",ports=": UDP and TCP answered (as with hops) */
	unsigned int nr_ports;
	uint16_t ports[8];	/* the open TCP ports */
	/*
	 * ",loss=P%", ",dup=P%" in parts per million. The model knows 0 and
	 * 100% only: in between the program draws a random number.
	 */
	uint32_t loss_ppm, dup_ppm;
};

/*
 * The datagrams whose first fragment the model answered (bpf/frag.h): an
 * open-addressing table, as many as a fuzz run makes. The program's LRU
 * may forget one earlier (eviction, age): model_state.frag_held says.
 */
#define MODEL_FRAG_SLOTS	(1u << 17)

struct model_frag {
	bool used;
	struct vnet_frag_key key;
	uint32_t first_end;
};

struct model_frags {
	size_t n;
	struct model_frag slot[MODEL_FRAG_SLOTS];
};

/*
 * The program's run-time state as the model sees it: the count in
 * vnet_state (which the specification trusts, whatever the tries hold), the
 * tries' entries, and what the rate limiter decides for this frame (time
 * is not the model's to know: the rate tests tell it).
 */
struct model_state {
	uint32_t nr_prefixes;
	size_t nr_entries;
	struct model_prefix entries[MODEL_MAX_PREFIXES];
	bool over_limit;	/* an echo request reaching step 17 is over a limit */
	/*
	 * Milliseconds since midnight UT as the program's clock read them for
	 * an ICMP timestamp reply (the harness takes them from the reply,
	 * once they lie within the wall-clock window of the run).
	 */
	uint32_t now_ms;
	/*
	 * Stepping aside (cfg.claim_age): the addresses whose claim by
	 * another MAC is live. Age is time, not the model's either: the
	 * claims tests add what the model saw claimed and drop what aged.
	 */
	size_t nr_claims;
	struct model_claim {
		int family;
		uint8_t addr[16];
		uint8_t mac[6];
	} claims[16];
	/*
	 * The model's own memory of fragmented datagrams (NULL: none, and
	 * nothing is remembered), and whether the program still holds one
	 * the model remembers (NULL: it does). A later fragment is reflected
	 * only when both say so.
	 */
	struct model_frags *frags;
	bool (*frag_held)(const void *ctx, const struct vnet_frag_key *key);
	const void *frag_ctx;
};

/* What a reply answered. */
enum model_answer {
	MODEL_NONE,
	MODEL_ECHO4,
	MODEL_ECHO6,
	MODEL_ARP,
	MODEL_ND,
	MODEL_TIMEX4,		/* ICMP Time Exceeded from a virtual router */
	MODEL_TIMEX6,
	MODEL_UNREACH4,		/* ICMP Port Unreachable from the destination */
	MODEL_UNREACH6,
	MODEL_TCP_RST,
	MODEL_TCP_SYNACK,
	MODEL_TS4,		/* ICMP timestamp reply */
	MODEL_LOST,		/* loss=: dropped (XDP_DROP, TC_ACT_SHOT), counted in drop_loss */
	MODEL_FRAG4,		/* the first fragment of an echo request answered */
	MODEL_FRAG6,
	MODEL_FRAGN4,		/* a later fragment of one reflected */
	MODEL_FRAGN6,
};

struct model_result {
	int family;		/* 4 or 6 once an IPv4/IPv6 ethertype was found, else 0 */
	enum model_answer answer;	/* on VNET_REPLY */
	size_t out_len;		/* the frame as it leaves: @len, but for an advertisement */
	size_t ts_off;		/* MODEL_TS4: where the receive timestamp is in the reply */
	bool claim;		/* the frame claimed an address (counted in claims) */
	struct model_claim claimed;	/* then: which, by whom */
	bool unclaim;		/* the claimant asked for its address: the claim goes */
};

/*
 * Decide what the reflector must do with the @len bytes at @in, under @cfg
 * and @st. @out (FRAME_MAX bytes) receives the frame as it must leave: the
 * reply, or an unchanged copy for every pass reason; @res says more.
 */
enum vnet_verdict model_reflect(const uint8_t *in, size_t len, const struct vnet_config *cfg,
				const struct model_state *st, uint8_t *out,
				struct model_result *res);

/* The key of @family's fragment at @ip (the IP header), as vnet_frags holds it. */
void model_frag_key(const uint8_t *ip, int family, struct vnet_frag_key *key);
/* @key's entry in @f, or NULL. */
const struct model_frag *model_frag_find(const struct model_frags *f,
					 const struct vnet_frag_key *key);

/* Whether @addr is inside one of @st's prefixes of @family. */
bool model_in_prefix(const struct model_state *st, int family, const uint8_t *addr);

/* Account one frame of @len bytes into @s, as bpf/vnet.shared.h describes the counters. */
void model_count(struct vnet_stats *s, enum vnet_verdict v, const struct model_result *res,
		 uint64_t len);

/* "reply", "non_ip", ...: the pass_* suffixes, for diagnostics. */
const char *verdict_name(int v);
/* Whether @v is a verdict at all: enum vnet_verdict has gaps (bpf/vnet.shared.h). */
bool verdict_is_one(int v);

#endif /* VNET_TEST_MODEL_H */
