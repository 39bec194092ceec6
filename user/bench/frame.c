// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * frame.c - one echo request as bench_gen (bpf/bench.bpf.c) writes
 * it, built in user space for the AF_PACKET method: the same headers, the
 * same bench header, so the one sink judges both methods alike.
 */
#include <string.h>
#include <arpa/inet.h>

#include "bench/run.h"
#include "lib/csum.h"

static void put16(__u8 *p, __u16 host)
{
	__u16 be = htons(host);

	memcpy(p, &be, 2);
}

static void put32(__u8 *p, __u32 host)
{
	__u32 be = htonl(host);

	memcpy(p, &be, 4);
}

static __u32 get32(const __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

/* @frame holds cfg->frame_len bytes; everything past the bench header is zeroed. */
void bench_frame_build(const struct bench_config *cfg, __u8 *frame, __u64 seq,
		       __u64 wire_seq, __u64 now_ns)
{
	size_t iphl = cfg->family == 4 ? BENCH_IP4_HLEN : BENCH_IP6_HLEN;
	__u8 *ip = frame + BENCH_ETH_HLEN, *icmp = ip + iphl;
	size_t fixed = BENCH_ICMP_HLEN + BENCH_HDR_LEN;
	__u64 sum = 0, seq_hi = wire_seq >> 16;
	__u16 c;

	memset(frame, 0, cfg->frame_len);
	memcpy(frame, cfg->dst_mac, 6);
	memcpy(frame + 6, cfg->src_mac, 6);
	put16(frame + 12, cfg->family == 4 ? 0x0800 : 0x86DD);

	if (cfg->family == 4) {
		ip[0] = 0x45;
		put16(ip + 2, cfg->frame_len - BENCH_ETH_HLEN);
		put16(ip + 4, (__u16)seq);
		put16(ip + 6, 0x4000);
		ip[8] = 64;
		ip[9] = 1;
		memcpy(ip + 12, cfg->src_ip, 4);
		put32(ip + 16, get32(cfg->dst_ip) + (__u32)(seq % cfg->dst_count));
		c = ~csum_fold(csum_add(0, ip, BENCH_IP4_HLEN));
		memcpy(ip + 10, &c, 2);
	} else {
		__u16 plen = cfg->frame_len - BENCH_ETH_HLEN - BENCH_IP6_HLEN;
		__u64 lo = (__u64)get32(cfg->dst_ip + 8) << 32 | get32(cfg->dst_ip + 12);

		put32(ip, 0x60000000);
		put16(ip + 4, plen);
		ip[6] = 58;
		ip[7] = 64;
		memcpy(ip + 8, cfg->src_ip, 16);
		memcpy(ip + 24, cfg->dst_ip, 8);
		lo += seq % cfg->dst_count;
		put32(ip + 32, (__u32)(lo >> 32));
		put32(ip + 36, (__u32)lo);
		sum = csum_add(0, ip + 8, 32) + htons(plen) + htons(58);
	}

	icmp[0] = cfg->family == 4 ? 8 : 128;
	put16(icmp + 4, cfg->id);
	put16(icmp + 6, (__u16)wire_seq);
	memcpy(icmp + 8, &cfg->cookie, 8);
	memcpy(icmp + 16, &now_ns, 8);
	for (int i = 0; i < 6; i++)
		icmp[24 + i] = (__u8)(seq_hi >> (40 - 8 * i));
	c = ~csum_fold(csum_add(sum, icmp, fixed));
	memcpy(icmp + 2, &c, 2);
}
