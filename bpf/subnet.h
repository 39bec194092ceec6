/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * subnet.h - the virtual subnet (--respond): the prefix tries and the
 * prefix count vnetctl changes while the program runs, and the lookups the
 * core (reflect.h) makes in them. Included once, by vnet.bpf.c through
 * reflect.h: the maps are defined here, next to the only code that reads them.
 */
#ifndef VNET_SUBNET_H
#define VNET_SUBNET_H

#include "packet.h"
#include "vnet.shared.h"

/* Longest-prefix match; vnetctl inserts and deletes, the program only looks up. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VNET_MAX_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* required for LPM tries */
	__type(key, struct vnet_prefix4_key);
	__type(value, struct vnet_prefix_attr);
} vnet_prefix4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VNET_MAX_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vnet_prefix6_key);
	__type(value, struct vnet_prefix_attr);
} vnet_prefix6 SEC(".maps");

/*
 * The count of both tries' entries, kept by vnetctl. It is the switch
 * between the two behaviours (0: answer every unicast destination, never
 * ARP or ND), read once per frame that gets that far: cheaper than asking
 * an empty trie, and it lets vnetctl order its changes so that the program
 * never answers outside the prefixes the tries hold (vnet.shared.h).
 *
 * A global in a data section of its own, not an array map: libbpf makes the
 * section a one-entry array map all the same (named VNET_STATE_MAP, which
 * vnetctl updates like any map), but the program reads it at a constant
 * address, two instructions, where a map lookup cost every frame about ten
 * (the key on the stack, the bounds check) and a helper call that clang
 * plans registers around.
 */
struct vnet_state vnet_state SEC(".data.state");

static __always_inline const struct vnet_state *vnet_state_get(void)
{
	return &vnet_state;
}

/* A volatile read: the count is read where the check is, not hoisted. */
static __always_inline __u32 vnet_nr_prefixes(const struct vnet_state *st)
{
	return st ? *(const volatile __u32 *)&st->nr_prefixes : 0;
}

/*
 * The attributes of the longest IPv4 prefix @addr (network order) is
 * inside, or NULL when it is in none.
 */
static __always_inline const struct vnet_prefix_attr *vnet_prefix4_attr(const __u8 *addr)
{
	struct vnet_prefix4_key key = { .prefixlen = 32 };

	/* Word copies (vnet_ld32()): a byte-wise memcpy costs a load per byte. */
	*(__u32 *)key.addr = vnet_ld32(addr);
	return bpf_map_lookup_elem(&vnet_prefix4, &key);
}

static __always_inline const struct vnet_prefix_attr *vnet_prefix6_attr(const __u8 *addr)
{
	struct vnet_prefix6_key key = { .prefixlen = 128 };
	__u32 *words = (__u32 *)key.addr;

#pragma unroll
	for (int i = 0; i < 4; i++)
		words[i] = vnet_ld32(addr + 4 * i);
	return bpf_map_lookup_elem(&vnet_prefix6, &key);
}

/* Whether @addr (network order) is inside a configured IPv4 prefix. */
static __always_inline int vnet_in_prefix4(const __u8 *addr)
{
	return vnet_prefix4_attr(addr) != NULL;
}

static __always_inline int vnet_in_prefix6(const __u8 *addr)
{
	return vnet_prefix6_attr(addr) != NULL;
}

/*
 * Stepping aside (bpf/vnet.shared.h): another MAC's claims of prefix addresses.
 * Written only when a claim is seen (rare), looked up only for a frame
 * whose destination or target is inside a prefix: the echo path without
 * prefixes never reaches it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VNET_MAX_CLAIMS);
	__type(key, struct vnet_claim_key);
	__type(value, struct vnet_claim);
} vnet_claims SEC(".maps");

/*
 * Set once the first claim is recorded, never cleared: until then a frame
 * inside a prefix pays one load for stepping aside, not a hash lookup
 * (measured by bench/micro with claim_age on: +10 ns per frame for the
 * lookup). A global in .bss, which only the program writes.
 */
static volatile __u32 vnet_claims_seen;

/* The claims key of the @addr_len-byte address at @addr (word loads, vnet_ld32()). */
static __always_inline void vnet_claim_key_set(struct vnet_claim_key *k, const __u8 *addr,
					       int addr_len)
{
	__u32 *w = (__u32 *)k->addr;

	w[0] = vnet_ld32(addr);
	if (addr_len == 4) {
		w[1] = 0;
		w[2] = 0;
		w[3] = 0;
		k->family = 4;
		return;
	}
	w[1] = vnet_ld32(addr + 4);
	w[2] = vnet_ld32(addr + 8);
	w[3] = vnet_ld32(addr + 12);
	k->family = 6;
}

/*
 * Whether another MAC claimed @addr (inside a prefix: the caller looked)
 * less than cfg.claim_age seconds ago, for a request from @mac. The clock
 * is read only when there is a claim to age. A request from the claimant
 * itself (it asks who has the address, or pings it) says it does not hold
 * the address after all, say a probe it gave up: the claim goes.
 */
static __always_inline int vnet_claimed(const __u8 *addr, int addr_len, const __u8 *mac,
					const volatile struct vnet_config *cfg)
{
	struct vnet_claim_key k;
	struct vnet_claim *c;

	if (!cfg->claim_age || !vnet_claims_seen)
		return 0;
	vnet_claim_key_set(&k, addr, addr_len);
	c = bpf_map_lookup_elem(&vnet_claims, &k);
	if (!c || bpf_ktime_get_ns() - c->seen_ns >= (__u64)cfg->claim_age * 1000000000ULL)
		return 0;
	if (vnet_ld16(c->mac) == vnet_ld16(mac) && vnet_ld16(c->mac + 2) == vnet_ld16(mac + 2) &&
	    vnet_ld16(c->mac + 4) == vnet_ld16(mac + 4)) {
		bpf_map_delete_elem(&vnet_claims, &k);
		return 0;
	}
	return 1;
}

/*
 * A frame in which @mac says it has @addr: remembered, if the address is
 * inside a prefix and the MAC is a station's other than cfg.mac (vnet's
 * own answers, seen again in loopback mode or on a bridge, claim nothing).
 * Returns 1 if it was a claim; the frame goes on as it would anyway.
 */
static __always_inline int vnet_claim(const __u8 *addr, int addr_len, const __u8 *mac,
				      const volatile struct vnet_config *cfg)
{
	struct vnet_claim_key k;
	struct vnet_claim c = {};
	int own = 1;

	if (!cfg->claim_age || !vnet_mac_is_station(mac))
		return 0;
#pragma unroll
	for (int i = 0; i < 6; i++)
		own &= mac[i] == cfg->mac[i];
	if (own)
		return 0;
	if (addr_len == 4 ? !vnet_in_prefix4(addr) : !vnet_in_prefix6(addr))
		return 0;
	vnet_claim_key_set(&k, addr, addr_len);
	c.seen_ns = bpf_ktime_get_ns();
	__builtin_memcpy(c.mac, mac, 6);
	bpf_map_update_elem(&vnet_claims, &k, &c, BPF_ANY);
	vnet_claims_seen = 1;
	return 1;
}

#endif /* VNET_SUBNET_H */
