/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * frames.h - builders for the frames the program tests feed the hooks:
 * Ethernet with 0-3 VLAN tags, IPv4/ICMP or IPv6/ICMPv6 (correct checksums,
 * the ICMPv6 one over the pseudo-header), optional IPv4 options and IPv6
 * extension headers, payload and Ethernet padding.
 *
 * Start from frame_spec_v4() or frame_spec_v6() (a valid echo request from
 * the test client to the reflector), change what the case is about, build.
 */
#ifndef VNET_TEST_FRAMES_H
#define VNET_TEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX	4096
#define FRAME_MAX_TAGS	4
#define FRAME_MAX_EXT	4

/* The addresses the cases use: 198.18.0.0/15 and 2001:db8::/32 only. */
extern const uint8_t frame_mac_reflector[6];	/* 02:76:6e:65:74:01 */
extern const uint8_t frame_mac_client[6];	/* 02:00:00:00:00:02 */
extern const uint8_t frame_ip4_reflector[4];	/* 198.18.0.1 */
extern const uint8_t frame_ip4_client[4];	/* 198.18.0.2 */
extern const uint8_t frame_ip6_reflector[16];	/* 2001:db8::1 */
extern const uint8_t frame_ip6_client[16];	/* 2001:db8::2 */

struct frame_spec {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	unsigned int nr_tags;			/* VLAN tags, outermost first */
	uint16_t tpid[FRAME_MAX_TAGS];
	uint16_t tci[FRAME_MAX_TAGS];
	int family;				/* 4, 6, or 0: raw @ethertype + payload */
	uint16_t ethertype;			/* family 0 only */
	uint8_t src_ip[16];			/* IPv4: the first 4 bytes */
	uint8_t dst_ip[16];
	uint8_t proto;				/* IPv4 protocol / IPv6 last next header */
	uint8_t tos;				/* IPv4 TOS / IPv6 traffic class */
	uint8_t ttl;				/* IPv4 TTL / IPv6 hop limit */
	uint16_t ip_id;				/* IPv4 identification */
	uint16_t frag;				/* IPv4 flags+offset / IPv6 fragment field */
	unsigned int ip_opt_len;		/* IPv4 options bytes, a multiple of 4 (NOPs) */
	unsigned int nr_ext;			/* IPv6 extension headers, 8 bytes each */
	uint8_t ext[FRAME_MAX_EXT];		/* their types, in order */
	uint8_t type, code;			/* the 8-byte ICMP header */
	uint16_t id, seq;
	const uint8_t *payload;			/* NULL: a byte pattern (or @body) */
	unsigned int payload_len;
	/* With @use_body, the payload is @body: kept inside the spec, so copies stay whole. */
	bool use_body;
	uint8_t body[64];
	unsigned int pad;			/* Ethernet padding after the IP datagram */
	uint8_t pad_byte;
};

/* Where the parts of a built frame are. */
struct frame_layout {
	size_t len;		/* whole frame */
	size_t l3;		/* IP header (after the tags) */
	size_t l4;		/* ICMP header */
	size_t l4_len;		/* ICMP message: header + payload */
	size_t ip_end;		/* first byte of padding */
};

/* A valid echo request, client to reflector, no tags, 56 bytes of payload. */
void frame_spec_v4(struct frame_spec *fs);
void frame_spec_v6(struct frame_spec *fs);
/* frame_spec_v4() or frame_spec_v6() by @family (4 or 6), as a value. */
struct frame_spec frame_echo(int family);

/*
 * An ARP request (family 0, ethertype 0x0806, the 28 bytes in @body): the
 * client (frame_mac_client, frame_ip4_client) asks who has @tpa, to the
 * broadcast MAC. Offsets in @body: op 6, sha 8, spa 14, tha 18, tpa 24.
 */
#define ARP_OP		6
#define ARP_SHA		8
#define ARP_SPA		14
#define ARP_THA		18
#define ARP_TPA		24
void frame_spec_arp(struct frame_spec *fs, const uint8_t tpa[4]);

/*
 * A Neighbor Solicitation (RFC 4861 4.3) from the client for @target, to
 * its solicited-node group (IPv6 and MAC), hop limit 255, with a source
 * link-layer address option. @body: the target, then the option (NS_OPT).
 */
#define NS_TARGET	0
#define NS_OPT		16
void frame_spec_ns(struct frame_spec *fs, const uint8_t target[16]);

/* Append one VLAN tag (innermost so far). */
void frame_add_tag(struct frame_spec *fs, uint16_t tpid, uint16_t vid);

/* Build @fs into @buf (FRAME_MAX bytes); returns the length, 0 if it does not fit. */
size_t frame_build(uint8_t *buf, const struct frame_spec *fs, struct frame_layout *lo);

/*
 * A plain IPv4 header at @ip (IHL 5, TOS 0, TTL 64, ICMP): @tot_len, @id,
 * @frag_off, @src to @dst, and its checksum.
 */
void frame_put_ip4(uint8_t *ip, uint16_t tot_len, uint16_t id, uint16_t frag_off,
		   const uint8_t src[4], const uint8_t dst[4]);
/* A plain IPv6 header at @ip (class and flow 0, hop limit 64): @payload_len, @nexthdr. */
void frame_put_ip6(uint8_t *ip, uint16_t payload_len, uint8_t nexthdr, const uint8_t src[16],
		   const uint8_t dst[16]);

/* Recompute the IPv4 header checksum / the ICMP(v6) checksum of a built frame. */
void frame_fix_ip4_csum(uint8_t *buf, const struct frame_layout *lo);
void frame_fix_icmp_csum(uint8_t *buf, const struct frame_layout *lo, int family);

/* The checksum sum of the ICMP(v6) message, pseudo-header included for IPv6. */
uint64_t frame_icmp_sum(const uint8_t *buf, const struct frame_layout *lo, int family);

/* How a field's bytes read best. */
enum field_kind {
	FIELD_NUM,		/* big-endian number, up to 4 bytes */
	FIELD_MAC,
	FIELD_IP4,
	FIELD_IP6,
	FIELD_BYTES,
};

/* One header field of a frame: "ip.ttl" at @off, @size bytes. */
struct frame_field {
	const char *name;
	size_t off, size;
	enum field_kind kind;
};

/*
 * The fields of @frame in order, as many as @max: Ethernet, VLAN tags, then
 * IPv4 (options), IPv6 (extension headers), ARP; ICMP/ICMPv6 or TCP over
 * IP; the rest as one "payload". Each field lies inside @len. Returns the
 * count.
 */
size_t frame_fields(const uint8_t *frame, size_t len, struct frame_field *out, size_t max);

/* @f of @frame as text: "64 (0x40)", "198.18.0.1", "02:76:6e:65:74:01". */
void frame_field_text(const uint8_t *frame, const struct frame_field *f, char *text, size_t cap);

#endif /* VNET_TEST_FRAMES_H */
