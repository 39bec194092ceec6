/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * subnet.h - the virtual subnet (--respond): the prefix tries and the
 * prefix count vnetctl changes while the program runs, and the lookups the
 * core (reflect.h) makes in them. Included once, by vnet.bpf.c through
 * reflect.h: the maps are defined here, next to the only code that reads them.
 */
#ifndef VNET_SUBNET_H
#define VNET_SUBNET_H

#include "vnet.h"

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
 * never answers outside the prefixes the tries hold (vnet.h).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vnet_state);
} vnet_state SEC(".maps");

/*
 * The state's slot. vnet_reflect() looks it up first thing and reads the
 * count only where the specification needs it: the lookup is inlined by
 * the verifier, but clang compiles it as a helper call, which clobbers
 * r0-r5, so made in the middle of the parse it forced every live pointer
 * onto the stack and back.
 */
static __always_inline const struct vnet_state *vnet_state_get(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&vnet_state, &key);
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

#endif /* VNET_SUBNET_H */
