// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_l4.c - the far end of a traceroute (bpf/l4.h): UDP to a prefix with
 * hops or ports= gets ICMP Port Unreachable from the destination, TCP gets
 * a RST (closed port) or a SYN-ACK (a port of ports=), and UDP and TCP
 * probes that expire on the way get router k's Time Exceeded. Plain
 * prefixes, and no prefixes at all, hand UDP and TCP on as before. Every
 * frame through every hook, byte for byte against the model; the
 * answers' key fields are checked on their own terms too.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "csum.h"
#include "frames.h"
#include "tap.h"
#include "tests.h"

static const char *const prefixes[] = {
	"198.18.4.0/22,hops=2,ports=22,80",
	"198.19.0.0/24,ports=none",
	"198.19.1.0/24",				/* plain: UDP, TCP handed on */
	"2001:db8:1::4:0/118,hops=1,ports=443",
	NULL,
};

#define TCP_FIN	0x01
#define TCP_SYN	0x02
#define TCP_RST	0x04
#define TCP_PSH	0x08
#define TCP_ACK	0x10

struct l4_probe {
	const char *dst;
	uint8_t proto;			/* 6 or 17 */
	unsigned int ttl;
	uint16_t dport;
	uint8_t flags;			/* TCP */
	unsigned int doff;		/* TCP header words (5: none; more: NOP options) */
	unsigned int data;		/* bytes after the L4 header */
	unsigned int tags;
	int want;			/* verdict, or WANT_MODEL */
};

static void put32(uint8_t *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v & 0xFFFF);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get_be16(p) << 16 | get_be16(p + 2);
}

/* What an answer must say, looked at without the model. */
static bool check_answer(const char *what, const struct l4_probe *pr, int family,
			 const uint8_t *in, size_t l3, const uint8_t *out, size_t out_len)
{
	size_t hdr = family == 4 ? 20 : 40;
	const uint8_t *ip = out + l3, *l4 = ip + hdr, *req = in + l3 + hdr;

	/* The hops of prefixes[] above, by the destination's prefix. */
	unsigned int hops = !strncmp(pr->dst, "198.18.", 7) ? 2 : family == 6 ? 1 : 0;
	bool expired = pr->ttl >= 1 && pr->ttl <= hops;

	if (pr->proto == 17 || expired) {
		uint8_t type = ip[family == 4 ? 9 : 6] == (family == 4 ? 1 : 58) ? l4[0] : 0xFF;
		uint8_t want = expired ? (family == 4 ? 11 : 3) : (family == 4 ? 3 : 1);

		if (type != want) {
			tap_diag("%s: ICMP type %u, want %u", what, type, want);
			return false;
		}
		return true;
	}
	/* TCP: ports swapped, and the sequence numbers RFC 9293 asks for. */
	if (out_len != l3 + hdr + 20 || get_be16(l4) != pr->dport ||
	    get_be16(l4 + 2) != get_be16(req) || (l4[12] >> 4) != 5) {
		tap_diag("%s: not a 20-byte TCP answer from port %u", what, pr->dport);
		return false;
	}
	if (l4[13] == (TCP_SYN | TCP_ACK) && get32(l4 + 8) == get32(req + 4) + 1)
		return true;
	if (l4[13] == (TCP_RST | TCP_ACK) && get32(l4 + 4) == 0 &&
	    get32(l4 + 8) == get32(req + 4) + pr->data + !!(pr->flags & TCP_SYN) +
			      !!(pr->flags & TCP_FIN))
		return true;
	if (l4[13] == TCP_RST && get32(l4 + 4) == get32(req + 8))
		return true;
	tap_diag("%s: TCP flags 0x%02x seq %u ack %u", what, l4[13], get32(l4 + 4),
		 get32(l4 + 8));
	return false;
}

static bool l4_probe(struct vnet_inst *in, const struct l4_probe *pr)
{
	static uint8_t frame[FRAME_MAX];
	/* TCP: doff 15 claims 60 bytes of a segment of 20 (MALFORMED). */
	size_t hdr_len = pr->proto == 6 ? (pr->doff == 15 ? 20 : pr->doff * 4) : 8;
	struct frame_layout lo;
	struct frame_spec fs;
	struct model_prefix p;
	char what[160];
	uint8_t *l4;
	bool ok;

	if (!echo_spec_to(pr->dst, &fs, &p))
		return false;
	fs.proto = pr->proto;
	fs.ttl = pr->ttl;
	/* frame_build writes an 8-byte ICMP header and the payload: room for ours. */
	fs.payload_len = (hdr_len < 20 && pr->proto == 6 ? 20 : hdr_len) - 8 + pr->data;
	for (unsigned int i = 0; i < pr->tags; i++)
		frame_add_tag(&fs, 0x8100, 20 + i);
	frame_build(frame, &fs, &lo);
	l4 = frame + lo.l4;
	memset(l4, 0, hdr_len < 20 && pr->proto == 6 ? 20 : hdr_len);
	put_be16(l4, 33434);				/* traceroute's first port */
	put_be16(l4 + 2, pr->dport);
	if (pr->proto == 17) {
		put_be16(l4 + 4, 8 + pr->data);
	} else {
		put32(l4 + 4, 0x12345678);
		put32(l4 + 8, pr->flags & TCP_ACK ? 0xCAFEF00D : 0);
		l4[12] = pr->doff << 4;
		l4[13] = pr->flags;
		put_be16(l4 + 14, 1024);
		if (hdr_len > 20)
			memset(l4 + 20, 1, hdr_len - 20);	/* NOP options */
	}
	snprintf(what, sizeof(what), "%s %s port %u ttl %u flags 0x%02x doff %u data %u tags %u",
		 pr->dst, pr->proto == 6 ? "TCP" : "UDP", pr->dport, pr->ttl, pr->flags, pr->doff,
		 pr->data, pr->tags);
	ok = expect_frame(in, HOOKS_ALL, frame, lo.len, pr->want, what);
	for (int h = 0; h < NR_HOOKS && ok && pr->want == VNET_REPLY; h++)
		ok = check_answer(what, pr, p.family, frame, lo.l3, last_run(h)->out,
				  last_run(h)->out_len);
	return ok;
}

#define R	VNET_REPLY
#define N	VNET_PASS_NOT_ECHO
#define M	VNET_PASS_MALFORMED

static const struct l4_probe probes[] = {
	/* UDP: Port Unreachable from the destination; Time Exceeded on the way. */
	{ "198.18.5.5", 17, 64, 33434, 0, 0, 32, 0, R },
	{ "198.18.5.5", 17, 3, 33435, 0, 0, 0, 0, R },
	{ "198.18.5.5", 17, 1, 33436, 0, 0, 32, 0, R },
	{ "198.18.5.5", 17, 2, 33437, 0, 0, 1400, 2, R },
	{ "198.19.0.9", 17, 1, 53, 0, 0, 10, 0, R },		/* no hops: unreachable */
	{ "198.19.1.9", 17, 64, 53, 0, 0, 10, 0, N },		/* plain prefix */
	{ "198.18.8.1", 17, 64, 53, 0, 0, 10, 0, N },		/* no prefix */
	{ "2001:db8:1::4:9", 17, 64, 33434, 0, 0, 24, 0, R },
	{ "2001:db8:1::4:9", 17, 1, 33434, 0, 0, 24, 1, R },
	{ "2001:db8:1::4:9", 17, 9, 33434, 0, 0, 1300, 0, R },	/* quote cut at 1280 */
	/* TCP: SYN to open and closed ports, ACK, RST, FIN, data, options. */
	{ "198.18.5.5", 6, 64, 22, TCP_SYN, 5, 0, 0, R },
	{ "198.18.5.5", 6, 64, 80, TCP_SYN, 10, 0, 1, R },	/* options: cut */
	{ "198.18.5.5", 6, 64, 23, TCP_SYN, 5, 0, 0, R },
	{ "198.18.5.5", 6, 64, 23, TCP_SYN, 8, 7, 0, R },	/* SYN with data */
	{ "198.18.5.5", 6, 64, 23, TCP_ACK, 5, 0, 0, R },
	{ "198.18.5.5", 6, 64, 23, TCP_ACK | TCP_PSH, 5, 100, 0, R },
	{ "198.18.5.5", 6, 64, 23, TCP_FIN, 5, 0, 0, R },
	{ "198.18.5.5", 6, 64, 23, 0, 5, 3, 0, R },		/* NULL scan */
	{ "198.18.5.5", 6, 64, 23, TCP_RST, 5, 0, 0, N },
	{ "198.18.5.5", 6, 64, 22, TCP_ACK, 5, 0, 0, N },	/* open: no state */
	{ "198.18.5.5", 6, 64, 22, TCP_SYN | TCP_ACK, 5, 0, 0, N },
	{ "198.18.5.5", 6, 2, 22, TCP_SYN, 5, 0, 0, R },	/* Time Exceeded */
	{ "198.18.5.5", 6, 64, 22, TCP_SYN, 4, 0, 0, M },	/* data offset < 5 */
	{ "198.18.5.5", 6, 64, 22, TCP_SYN, 15, 0, 0, M },	/* beyond the datagram */
	{ "198.19.0.9", 6, 64, 22, TCP_SYN, 5, 0, 0, R },	/* ports=none: RST */
	{ "198.19.1.9", 6, 64, 22, TCP_SYN, 5, 0, 0, N },
	{ "2001:db8:1::4:9", 6, 64, 443, TCP_SYN, 5, 0, 2, R },
	{ "2001:db8:1::4:9", 6, 64, 80, TCP_SYN, 5, 0, 0, R },
	{ "2001:db8:1::4:9", 6, 1, 443, TCP_SYN, 5, 0, 0, R },
};

static bool t_l4(struct env *env)
{
	struct vnet_inst *in = &env->subnet;
	bool ok = true;

	if (inst_respond(in, prefixes))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(probes); i++)
		ok &= l4_probe(in, &probes[i]);
	return ok;
}
SUBTEST(t_l4, "l4: UDP Port Unreachable, TCP RST and SYN-ACK, Time Exceeded for both");

/* The frame passes MALFORMED where the header does not fit its datagram. */
static bool t_short(struct env *env)
{
	static const struct l4_probe shorts[] = {
		{ "198.18.5.5", 17, 64, 53, 0, 0, 0, 0, R },	/* 8 bytes: fine */
		{ "198.18.5.5", 6, 64, 22, TCP_SYN, 5, 0, 0, R },
	};
	struct vnet_inst *in = &env->subnet;
	uint8_t frame[FRAME_MAX];
	struct frame_layout lo;
	struct frame_spec fs;
	bool ok = true;

	if (inst_respond(in, prefixes))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(shorts); i++)
		ok &= l4_probe(in, &shorts[i]);
	/* A UDP datagram of 4 bytes and a TCP segment of 12: their IP length says so. */
	frame_spec_v4(&fs);
	fs.dst_ip[2] = 5;
	fs.proto = 17;
	fs.payload_len = 0;
	frame_build(frame, &fs, &lo);
	put_be16(frame + lo.l3 + 2, 24);
	frame_fix_ip4_csum(frame, &lo);
	ok &= expect_frame(in, HOOKS_ALL, frame, lo.len, M, "UDP, IP length 24");
	fs.proto = 6;
	fs.payload_len = 4;
	frame_build(frame, &fs, &lo);
	ok &= expect_frame(in, HOOKS_ALL, frame, lo.len, M, "TCP, 12 bytes");
	return ok;
}
SUBTEST(t_short, "l4: headers that do not fit the datagram are malformed");

/* Without prefixes UDP and TCP are handed on as they always were. */
static bool t_none(struct env *env)
{
	static const struct l4_probe none[] = {
		{ "198.18.5.5", 17, 1, 33434, 0, 0, 32, 0, N },
		{ "198.18.5.5", 6, 64, 22, TCP_SYN, 5, 0, 0, N },
		{ "2001:db8:1::4:9", 17, 1, 33434, 0, 0, 32, 0, N },
	};
	struct vnet_inst *in = &env->subnet;
	bool ok = true;

	if (inst_flush(in))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(none); i++)
		ok &= l4_probe(in, &none[i]);
	return ok;
}
SUBTEST(t_none, "l4: without prefixes UDP and TCP are handed on");

/* An ICMP timestamp request (type 13) to @dst with TTL @ttl and @len bytes of message. */
static bool ts_probe(struct vnet_inst *in, const char *dst, unsigned int ttl, unsigned int len,
		     int want)
{
	struct frame_layout lo;
	struct frame_spec fs;
	struct model_prefix p;
	uint8_t frame[FRAME_MAX];
	char what[96];
	bool ok;

	if (!prefix_parse(dst, &p))
		return false;
	frame_spec_v4(&fs);
	memcpy(fs.dst_ip, p.addr, 4);
	fs.ttl = ttl;
	fs.type = 13;
	fs.payload_len = len - 8;
	fs.use_body = true;
	memset(fs.body, 0, sizeof(fs.body));
	memcpy(fs.body, "\x01\x23\x45\x67", 4);		/* originate */
	frame_build(frame, &fs, &lo);
	snprintf(what, sizeof(what), "timestamp request to %s, ttl %u, %u bytes", dst, ttl, len);
	ok = expect_frame(in, HOOKS_ALL, frame, lo.len, want, what);
	for (int h = 0; h < NR_HOOKS && ok && want == VNET_REPLY && ttl > 2; h++) {
		const uint8_t *t = last_run(h)->out + lo.l3 + 20;

		/* Type 14, originate kept, receive = transmit, checksum right. */
		if (t[0] != 14 || memcmp(t + 8, "\x01\x23\x45\x67", 4) ||
		    memcmp(t + 12, t + 16, 4) || !csum_verifies(csum_add(0, t, 20))) {
			tap_diag("%s, %s: not a timestamp reply", what, hook_name(h));
			ok = false;
		}
	}
	return ok;
}

static bool t_timestamp(struct env *env)
{
	struct vnet_inst *in = &env->subnet;
	bool ok = true;

	if (inst_respond(in, prefixes))
		return false;
	ok &= ts_probe(in, "198.18.5.5", 64, 20, R);
	ok &= ts_probe(in, "198.18.5.5", 64, 40, R);		/* longer: cut to 20 */
	ok &= ts_probe(in, "198.18.5.5", 2, 20, R);		/* router 2's Time Exceeded */
	ok &= ts_probe(in, "198.19.0.7", 1, 20, R);		/* ports=none, no hops */
	ok &= ts_probe(in, "198.18.5.5", 64, 16, M);
	ok &= ts_probe(in, "198.19.1.9", 64, 20, N);		/* plain prefix */
	ok &= inst_flush(in) == 0;
	ok &= ts_probe(in, "198.18.5.5", 64, 20, N);		/* no prefixes */
	return ok;
}
SUBTEST(t_timestamp, "l4: ICMP timestamp request answered in UT, Time Exceeded on the way");
