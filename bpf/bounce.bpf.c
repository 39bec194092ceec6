// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bounce.bpf.c - the bounce limit for `make bench`: swap the two MAC
 * addresses of every Ethernet frame and send it back (XDP_TX).
 *
 * No parsing beyond the Ethernet header and no checksum: whatever vnet_xdp
 * does on top of this is what the reflector costs. The generator's sink sees
 * the bounced frames as requests that came back ("bounced"), so the same tool
 * measures this baseline. Frames too short for an Ethernet header are passed.
 *
 * bench_rearm, below it, is bench/micro's timing aid and is never attached
 * (`ip link set ... obj bounce.bpf.o sec xdp` takes the section's first
 * program, bench_bounce).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "baseline.h"
#include "csum.h"
#include "ether.h"

BENCH_BASE_STATS_MAP(bounce_stats);

SEC("xdp")
int bench_bounce(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *eth = data;
	__u8 tmp[6];

	if (data + 14 > data_end)
		return XDP_PASS;
	bench_base_count(&bounce_stats, data_end - data);
	__builtin_memcpy(tmp, eth, 6);
	__builtin_memcpy(eth, eth + 6, 6);
	__builtin_memcpy(eth + 6, tmp, 6);
	return XDP_TX;
}

/*
 * bench/micro's re-arm stage. BPF_PROG_TEST_RUN runs a program `repeat`
 * times on one buffer without restoring it, and the reflector turns the
 * request into its reply in place: from the second run on it would only see
 * an echo reply and hand it on. This turns the frame back into a request
 * (the ICMP type at rearm_type_off set to rearm_type, the checksum updated
 * as RFC 1624 says, and the MACs swapped back: vnet answers only frames sent
 * to its own MAC; micro hands in the frame with its MACs swapped, so the
 * first run's swap makes it a request) and tail-calls the program under
 * test, so every run of the loop times a full answer. The chain in front of
 * bench_bounce, vnet_xdp and vnet_xdp_pass alike costs the same, the swap
 * included, and micro subtracts it.
 */
const volatile __u32 rearm_type_off = 34;	/* untagged IPv4 */
const volatile __u8 rearm_type = 8;		/* echo request */

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} rearm_next SEC(".maps");

SEC("xdp")
int bench_rearm(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *icmp = data + (rearm_type_off & 0xFF);
	__u16 *word, *csum;
	__u16 old;

	if ((void *)icmp + 4 > data_end || data + 12 > data_end)
		return XDP_ABORTED;
	vnet_swap_macs(data);
	word = (__u16 *)icmp;
	csum = (__u16 *)(icmp + 2);
	old = *word;
	icmp[0] = rearm_type;
	*csum = vnet_csum_replace(*csum, old, *word);
	bpf_tail_call(ctx, &rearm_next, 0);
	return XDP_ABORTED;	/* no program in the slot */
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
