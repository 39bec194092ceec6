// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * frames.c - frame builders for the program tests.
 */
#include <arpa/inet.h>
#include <stdio.h>
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

/* An echo request of @family, client to reflector. */
static void spec_echo(struct frame_spec *fs, int family)
{
	bool v4 = family == 4;

	spec_common(fs);
	fs->family = family;
	memcpy(fs->src_ip, v4 ? frame_ip4_client : frame_ip6_client, v4 ? 4 : 16);
	memcpy(fs->dst_ip, v4 ? frame_ip4_reflector : frame_ip6_reflector, v4 ? 4 : 16);
	fs->proto = v4 ? 1 : 58;
	fs->type = v4 ? 8 : 128;
}

void frame_spec_v4(struct frame_spec *fs)
{
	spec_echo(fs, 4);
	fs->ip_id = 0xbeef;
	fs->frag = 0x4000;	/* DF, as Linux sends echo requests */
}

void frame_spec_v6(struct frame_spec *fs)
{
	spec_echo(fs, 6);
}

struct frame_spec frame_echo(int family)
{
	struct frame_spec fs;

	if (family == 4)
		frame_spec_v4(&fs);
	else
		frame_spec_v6(&fs);
	return fs;
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

void frame_put_ip4(uint8_t *ip, uint16_t tot_len, uint16_t id, uint16_t frag_off,
		   const uint8_t src[4], const uint8_t dst[4])
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put_be16(ip + 2, tot_len);
	put_be16(ip + 4, id);
	put_be16(ip + 6, frag_off);
	ip[8] = 64;
	ip[9] = 1;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put_be16(ip + 10, csum_finish(csum_add(0, ip, 20)));
}

void frame_put_ip6(uint8_t *ip, uint16_t payload_len, uint8_t nexthdr, const uint8_t src[16],
		   const uint8_t dst[16])
{
	memset(ip, 0, 40);
	ip[0] = 0x60;
	put_be16(ip + 4, payload_len);
	ip[6] = nexthdr;
	ip[7] = 64;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
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

/* The headers frame_fields() knows. */
enum hdr { HDR_ETH, HDR_TAG, HDR_IP4, HDR_IP6, HDR_ARP, HDR_ICMP, HDR_TCP };

/* Their fixed fields in order, header by header: name, size, kind. */
static const struct field_def {
	uint8_t hdr;
	uint8_t size;
	uint8_t kind;
	const char *name;
} field_defs[] = {
	{ HDR_ETH,	6, FIELD_MAC,	"eth.dst" },
	{ HDR_ETH,	6, FIELD_MAC,	"eth.src" },
	{ HDR_TAG,	2, FIELD_NUM,	"vlan.tpid" },
	{ HDR_TAG,	2, FIELD_NUM,	"vlan.tci" },
	{ HDR_IP4,	1, FIELD_NUM,	"ip.version/ihl" },
	{ HDR_IP4,	1, FIELD_NUM,	"ip.tos" },
	{ HDR_IP4,	2, FIELD_NUM,	"ip.tot_len" },
	{ HDR_IP4,	2, FIELD_NUM,	"ip.id" },
	{ HDR_IP4,	2, FIELD_NUM,	"ip.frag_off" },
	{ HDR_IP4,	1, FIELD_NUM,	"ip.ttl" },
	{ HDR_IP4,	1, FIELD_NUM,	"ip.protocol" },
	{ HDR_IP4,	2, FIELD_NUM,	"ip.check" },
	{ HDR_IP4,	4, FIELD_IP4,	"ip.saddr" },
	{ HDR_IP4,	4, FIELD_IP4,	"ip.daddr" },
	{ HDR_IP6,	4, FIELD_NUM,	"ip6.version/tc/flow" },
	{ HDR_IP6,	2, FIELD_NUM,	"ip6.payload_len" },
	{ HDR_IP6,	1, FIELD_NUM,	"ip6.nexthdr" },
	{ HDR_IP6,	1, FIELD_NUM,	"ip6.hop_limit" },
	{ HDR_IP6,	16, FIELD_IP6,	"ip6.saddr" },
	{ HDR_IP6,	16, FIELD_IP6,	"ip6.daddr" },
	{ HDR_ARP,	2, FIELD_NUM,	"arp.htype" },
	{ HDR_ARP,	2, FIELD_NUM,	"arp.ptype" },
	{ HDR_ARP,	1, FIELD_NUM,	"arp.hlen" },
	{ HDR_ARP,	1, FIELD_NUM,	"arp.plen" },
	{ HDR_ARP,	2, FIELD_NUM,	"arp.oper" },
	{ HDR_ARP,	6, FIELD_MAC,	"arp.sha" },
	{ HDR_ARP,	4, FIELD_IP4,	"arp.spa" },
	{ HDR_ARP,	6, FIELD_MAC,	"arp.tha" },
	{ HDR_ARP,	4, FIELD_IP4,	"arp.tpa" },
	{ HDR_ICMP,	1, FIELD_NUM,	"icmp.type" },
	{ HDR_ICMP,	1, FIELD_NUM,	"icmp.code" },
	{ HDR_ICMP,	2, FIELD_NUM,	"icmp.checksum" },
	{ HDR_ICMP,	2, FIELD_NUM,	"icmp.id" },
	{ HDR_ICMP,	2, FIELD_NUM,	"icmp.seq" },
	{ HDR_TCP,	2, FIELD_NUM,	"tcp.source" },
	{ HDR_TCP,	2, FIELD_NUM,	"tcp.dest" },
	{ HDR_TCP,	4, FIELD_NUM,	"tcp.seq" },
	{ HDR_TCP,	4, FIELD_NUM,	"tcp.ack_seq" },
	{ HDR_TCP,	2, FIELD_NUM,	"tcp.doff/flags" },
	{ HDR_TCP,	2, FIELD_NUM,	"tcp.window" },
	{ HDR_TCP,	2, FIELD_NUM,	"tcp.check" },
	{ HDR_TCP,	2, FIELD_NUM,	"tcp.urg_ptr" },
};

struct field_list {
	struct frame_field *out;
	size_t n, max, len;
};

static void add_field(struct field_list *l, const char *name, size_t off, size_t size,
		      enum field_kind kind)
{
	if (l->n < l->max && off < l->len)
		l->out[l->n++] = (struct frame_field){
			name, off, off + size <= l->len ? size : l->len - off, kind };
}

/* The fields of header @hdr from @off on; returns the offset after them. */
static size_t add_header(struct field_list *l, enum hdr hdr, size_t off)
{
	const struct field_def *d;

	for (d = field_defs; d < field_defs + sizeof(field_defs) / sizeof(field_defs[0]); d++) {
		if (d->hdr == hdr) {
			add_field(l, d->name, off, d->size, d->kind);
			off += d->size;
		}
	}
	return off;
}

/*
 * The length of the IPv6 extension header @nexthdr at @p (RFC 8200 4.3-4.5,
 * AH RFC 4302), 0 for none: ESP and what is not in the list end the chain.
 */
static size_t ip6_ext_len(uint8_t nexthdr, const uint8_t *p)
{
	switch (nexthdr) {
	case 0: case 43: case 60: case 135: case 139: case 140: case 253: case 254:
		return (p[1] + 1) * 8;
	case 44:
		return 8;
	case 51:
		return (p[1] + 2) * 4;
	default:
		return 0;
	}
}

size_t frame_fields(const uint8_t *frame, size_t len, struct frame_field *out, size_t max)
{
	struct field_list l = { out, 0, max, len };
	size_t off = add_header(&l, HDR_ETH, 0), end;
	uint16_t type;
	uint8_t proto = 0;

	while (off + 4 <= len && ((type = get_be16(frame + off)) == 0x8100 || type == 0x88A8))
		off = add_header(&l, HDR_TAG, off);
	add_field(&l, "eth.type", off, 2, FIELD_NUM);
	type = off + 2 <= len ? get_be16(frame + off) : 0;
	off += 2;
	if (type == 0x0800 && off < len) {
		end = off + (frame[off] & 0x0F) * 4;
		proto = off + 10 <= len ? frame[off + 9] : 0;
		off = add_header(&l, HDR_IP4, off);
		if (end > off)
			add_field(&l, "ip.options", off, end - off, FIELD_BYTES);
		off = end > off ? end : off;
	} else if (type == 0x86DD) {
		proto = off + 7 <= len ? frame[off + 6] : 0;
		off = add_header(&l, HDR_IP6, off);
		while (off + 2 <= len && (end = ip6_ext_len(proto, frame + off))) {
			proto = frame[off];
			add_field(&l, "ip6.ext.nexthdr", off, 1, FIELD_NUM);
			add_field(&l, "ip6.ext.len", off + 1, 1, FIELD_NUM);
			add_field(&l, "ip6.ext.data", off + 2, end - 2, FIELD_BYTES);
			off += end;
		}
	} else if (type == 0x0806) {
		off = add_header(&l, HDR_ARP, off);
	}
	if (proto == 1 || proto == 58)
		off = add_header(&l, HDR_ICMP, off);
	else if (proto == 6)
		off = add_header(&l, HDR_TCP, off);
	if (off < len)
		add_field(&l, "payload", off, len - off, FIELD_BYTES);
	return l.n;
}

void frame_field_text(const uint8_t *frame, const struct frame_field *f, char *text, size_t cap)
{
	const uint8_t *p = frame + f->off;
	uint32_t v = 0;
	size_t i, n = 0;

	if (f->kind == FIELD_IP4 && f->size == 4) {
		inet_ntop(AF_INET, p, text, cap);
	} else if (f->kind == FIELD_IP6 && f->size == 16) {
		inet_ntop(AF_INET6, p, text, cap);
	} else if (f->kind == FIELD_NUM && f->size <= 4) {
		for (i = 0; i < f->size; i++)
			v = v << 8 | p[i];
		snprintf(text, cap, "%u (0x%0*x)", v, (int)f->size * 2, v);
	} else {
		for (i = 0; i < f->size && n + 4 < cap; i++)
			n += snprintf(text + n, cap - n, "%s%02x",
				      i && f->kind == FIELD_MAC ? ":" : "", p[i]);
		if (i < f->size)
			snprintf(text + n, cap - n, "..");
		if (!f->size)
			text[0] = 0;
	}
}
