// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * frames.c - frame builders for the program tests.
 */
#include <string.h>

#include "csum.h"
#include "frames.h"

const uint8_t frame_mac_reflector[6] = { 0x02, 0x76, 0x6e, 0x65, 0x74, 0x01 };
const uint8_t frame_mac_client[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
const uint8_t frame_ip4_reflector[4] = { 198, 18, 0, 1 };
const uint8_t frame_ip4_client[4] = { 198, 18, 0, 2 };
const uint8_t frame_ip6_reflector[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
const uint8_t frame_ip6_client[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x02 };

static void spec_common(struct frame_spec *fs)
{
	memset(fs, 0, sizeof(*fs));
	memcpy(fs->dst_mac, frame_mac_reflector, 6);
	memcpy(fs->src_mac, frame_mac_client, 6);
	fs->ttl = 64;
	fs->id = 0x1234;
	fs->seq = 1;
	fs->payload_len = 56;	/* ping's default */
}

void frame_spec_v4(struct frame_spec *fs)
{
	spec_common(fs);
	fs->family = 4;
	memcpy(fs->src_ip, frame_ip4_client, 4);
	memcpy(fs->dst_ip, frame_ip4_reflector, 4);
	fs->proto = 1;
	fs->ip_id = 0xbeef;
	fs->frag = 0x4000;	/* DF, as Linux sends echo requests */
	fs->type = 8;
}

void frame_spec_v6(struct frame_spec *fs)
{
	spec_common(fs);
	fs->family = 6;
	memcpy(fs->src_ip, frame_ip6_client, 16);
	memcpy(fs->dst_ip, frame_ip6_reflector, 16);
	fs->proto = 58;
	fs->type = 128;
}

void frame_spec_arp(struct frame_spec *fs, const uint8_t tpa[4])
{
	static const uint8_t head[8] = { 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01 };

	spec_common(fs);
	memset(fs->dst_mac, 0xff, 6);
	fs->ethertype = 0x0806;
	fs->use_body = true;
	fs->payload_len = 28;
	memcpy(fs->body, head, sizeof(head));
	memcpy(fs->body + ARP_SHA, frame_mac_client, 6);
	memcpy(fs->body + ARP_SPA, frame_ip4_client, 4);
	memcpy(fs->body + ARP_TPA, tpa, 4);
}

void frame_spec_ns(struct frame_spec *fs, const uint8_t target[16])
{
	static const uint8_t group[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	frame_spec_v6(fs);
	memcpy(fs->dst_ip, group, sizeof(group));
	memcpy(fs->dst_ip + 13, target + 13, 3);
	fs->dst_mac[0] = 0x33;
	fs->dst_mac[1] = 0x33;
	memcpy(fs->dst_mac + 2, fs->dst_ip + 12, 4);
	fs->ttl = 255;
	fs->type = 135;
	fs->id = 0;
	fs->seq = 0;
	fs->use_body = true;
	fs->payload_len = 24;
	memcpy(fs->body + NS_TARGET, target, 16);
	fs->body[NS_OPT] = 1;		/* source link-layer address */
	fs->body[NS_OPT + 1] = 1;	/* 8 bytes */
	memcpy(fs->body + NS_OPT + 2, frame_mac_client, 6);
}

void frame_add_tag(struct frame_spec *fs, uint16_t tpid, uint16_t vid)
{
	if (fs->nr_tags < FRAME_MAX_TAGS) {
		fs->tpid[fs->nr_tags] = tpid;
		fs->tci[fs->nr_tags] = vid;
		fs->nr_tags++;
	}
}

/* The ICMP header and payload at @p; the checksum is filled in by the caller. */
static size_t put_icmp(uint8_t *p, const struct frame_spec *fs)
{
	unsigned int i;

	p[0] = fs->type;
	p[1] = fs->code;
	put_be16(p + 2, 0);
	put_be16(p + 4, fs->id);
	put_be16(p + 6, fs->seq);
	for (i = 0; i < fs->payload_len; i++)
		p[8 + i] = fs->use_body && i < sizeof(fs->body) ? fs->body[i] :
			   fs->payload ? fs->payload[i] : (uint8_t)(0x20 + i % 0x5f);
	return 8 + fs->payload_len;
}

static size_t put_ip4(uint8_t *p, const struct frame_spec *fs, size_t l4_len)
{
	size_t hlen = 20 + fs->ip_opt_len;

	p[0] = 0x40 | (hlen / 4);
	p[1] = fs->tos;
	put_be16(p + 2, hlen + l4_len);
	put_be16(p + 4, fs->ip_id);
	put_be16(p + 6, fs->frag);
	p[8] = fs->ttl;
	p[9] = fs->proto;
	put_be16(p + 10, 0);
	memcpy(p + 12, fs->src_ip, 4);
	memcpy(p + 16, fs->dst_ip, 4);
	/* NOPs, the last one End of Option List. */
	memset(p + 20, 1, fs->ip_opt_len);
	if (fs->ip_opt_len)
		p[hlen - 1] = 0;
	return hlen;
}

/* Each extension header is 8 bytes: next header, length 0, then a PadN option. */
static size_t put_ip6(uint8_t *p, const struct frame_spec *fs, size_t l4_len)
{
	size_t ext_len = fs->nr_ext * 8;
	unsigned int i;
	uint8_t *e;

	p[0] = 0x60 | fs->tos >> 4;
	p[1] = (uint8_t)(fs->tos << 4);
	p[2] = 0;
	p[3] = 0;
	put_be16(p + 4, ext_len + l4_len);
	p[6] = fs->nr_ext ? fs->ext[0] : fs->proto;
	p[7] = fs->ttl;
	memcpy(p + 8, fs->src_ip, 16);
	memcpy(p + 24, fs->dst_ip, 16);
	for (i = 0; i < fs->nr_ext; i++) {
		e = p + 40 + i * 8;
		e[0] = i + 1 < fs->nr_ext ? fs->ext[i + 1] : fs->proto;
		if (fs->ext[i] == 44) {		/* Fragment: offset/M, identification */
			e[1] = 0;
			put_be16(e + 2, fs->frag);
			memcpy(e + 4, "\x00\x00\xbe\xef", 4);
		} else {
			memcpy(e + 1, "\x00\x01\x04\x00\x00\x00\x00", 7);
		}
	}
	return 40 + ext_len;
}

size_t frame_build(uint8_t *buf, const struct frame_spec *fs, struct frame_layout *lo)
{
	size_t need, off = 12, l4_len = 8 + fs->payload_len;
	unsigned int i;

	need = 14 + fs->nr_tags * 4 + 40 + fs->ip_opt_len + fs->nr_ext * 8 + l4_len + fs->pad;
	if (need > FRAME_MAX || (!fs->family && fs->use_body && fs->payload_len > sizeof(fs->body)))
		return 0;

	memcpy(buf, fs->dst_mac, 6);
	memcpy(buf + 6, fs->src_mac, 6);
	for (i = 0; i < fs->nr_tags; i++, off += 4) {
		put_be16(buf + off, fs->tpid[i]);
		put_be16(buf + off + 2, fs->tci[i]);
	}
	put_be16(buf + off, fs->family == 4 ? 0x0800 : fs->family == 6 ? 0x86DD : fs->ethertype);
	lo->l3 = off + 2;

	if (fs->family == 4)
		lo->l4 = lo->l3 + put_ip4(buf + lo->l3, fs, l4_len);
	else if (fs->family == 6)
		lo->l4 = lo->l3 + put_ip6(buf + lo->l3, fs, l4_len);
	else
		lo->l4 = lo->l3;
	if (fs->family) {
		lo->l4_len = put_icmp(buf + lo->l4, fs);
	} else {	/* raw: the payload alone */
		memcpy(buf + lo->l4, fs->use_body ? fs->body : fs->payload, fs->payload_len);
		lo->l4_len = fs->payload_len;
	}
	lo->ip_end = lo->l4 + lo->l4_len;
	memset(buf + lo->ip_end, fs->pad_byte, fs->pad);
	lo->len = lo->ip_end + fs->pad;

	if (fs->family == 4)
		frame_fix_ip4_csum(buf, lo);
	if (fs->family)
		frame_fix_icmp_csum(buf, lo, fs->family);
	return lo->len;
}

void frame_fix_ip4_csum(uint8_t *buf, const struct frame_layout *lo)
{
	uint8_t *ip = buf + lo->l3;
	size_t hlen = (ip[0] & 0x0F) * 4;

	put_be16(ip + 10, 0);
	put_be16(ip + 10, csum_finish(csum_add(0, ip, hlen)));
}

uint64_t frame_icmp_sum(const uint8_t *buf, const struct frame_layout *lo, int family)
{
	const uint8_t *ip = buf + lo->l3;
	uint64_t sum = 0;

	if (family == 6)
		sum = csum_pseudo6(ip + 8, ip + 24, lo->l4_len, 58);
	return csum_add(sum, buf + lo->l4, lo->l4_len);
}

void frame_fix_icmp_csum(uint8_t *buf, const struct frame_layout *lo, int family)
{
	put_be16(buf + lo->l4 + 2, 0);
	put_be16(buf + lo->l4 + 2, csum_finish(frame_icmp_sum(buf, lo, family)));
}
