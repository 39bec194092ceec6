// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_reply.c - exact reply bytes: the program against the model and both
 * against frames written out by hand, byte for byte, with their checksums
 * worked out independently of this program's code.
 */
#include <string.h>

#include "csum.h"
#include "frames.h"
#include "model.h"
#include "tap.h"
#include "tests.h"

static const uint8_t payload16[16] = "vnet reflector!!";

/* 02:00:00:00:00:02 198.18.0.2 -> 02:76:6e:65:74:01 198.18.0.1, id 0x1234 seq 1. */
static const uint8_t v4_request[58] = {
	0x02, 0x76, 0x6e, 0x65, 0x74, 0x01, 0x02, 0x00,	/* dst MAC, src MAC */
	0x00, 0x00, 0x00, 0x02, 0x08, 0x00, 0x45, 0x00,	/* IPv4, IHL 5 */
	0x00, 0x2c, 0xbe, 0xef, 0x40, 0x00, 0x40, 0x01,	/* len 44, DF, TTL 64, ICMP */
	0xef, 0xb9, 0xc6, 0x12, 0x00, 0x02, 0xc6, 0x12,	/* header csum, 198.18.0.2 */
	0x00, 0x01, 0x08, 0x00, 0x23, 0xa2, 0x12, 0x34,	/* 198.18.0.1, echo, csum */
	0x00, 0x01, 0x76, 0x6e, 0x65, 0x74, 0x20, 0x72,	/* seq 1, "vnet r" */
	0x65, 0x66, 0x6c, 0x65, 0x63, 0x74, 0x6f, 0x72,
	0x21, 0x21,
};

/* The reply: MACs and addresses swapped, type 0, csum 0x23a2 + 0x0800. */
static const uint8_t v4_reply[58] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x76,
	0x6e, 0x65, 0x74, 0x01, 0x08, 0x00, 0x45, 0x00,
	0x00, 0x2c, 0xbe, 0xef, 0x40, 0x00, 0x40, 0x01,
	0xef, 0xb9, 0xc6, 0x12, 0x00, 0x01, 0xc6, 0x12,	/* header csum unchanged */
	0x00, 0x02, 0x00, 0x00, 0x2b, 0xa2, 0x12, 0x34,	/* echo reply, csum 0x2ba2 */
	0x00, 0x01, 0x76, 0x6e, 0x65, 0x74, 0x20, 0x72,
	0x65, 0x66, 0x6c, 0x65, 0x63, 0x74, 0x6f, 0x72,
	0x21, 0x21,
};

/* 2001:db8::2 -> 2001:db8::1, hop limit 64, ICMPv6 echo request id 0x1234 seq 1. */
static const uint8_t v6_request[78] = {
	0x02, 0x76, 0x6e, 0x65, 0x74, 0x01, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x86, 0xdd, 0x60, 0x00,	/* IPv6 */
	0x00, 0x00, 0x00, 0x18, 0x3a, 0x40, 0x20, 0x01,	/* payload 24, ICMPv6, hop 64 */
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00,	/* echo request */
	0x4f, 0xda, 0x12, 0x34, 0x00, 0x01, 0x76, 0x6e,	/* csum over pseudo-header */
	0x65, 0x74, 0x20, 0x72, 0x65, 0x66, 0x6c, 0x65,
	0x63, 0x74, 0x6f, 0x72, 0x21, 0x21,
};

static const uint8_t v6_reply[78] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x76,
	0x6e, 0x65, 0x74, 0x01, 0x86, 0xdd, 0x60, 0x00,
	0x00, 0x00, 0x00, 0x18, 0x3a, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x81, 0x00,	/* echo reply */
	0x4e, 0xda, 0x12, 0x34, 0x00, 0x01, 0x76, 0x6e,	/* csum 0x4fda - 0x0100 */
	0x65, 0x74, 0x20, 0x72, 0x65, 0x66, 0x6c, 0x65,
	0x63, 0x74, 0x6f, 0x72, 0x21, 0x21,
};

static bool builder_matches(int family, const uint8_t *want, size_t want_len)
{
	uint8_t buf[FRAME_MAX];
	struct frame_spec fs = frame_echo(family);
	struct frame_layout lo;
	size_t len;

	fs.payload = payload16;
	fs.payload_len = sizeof(payload16);
	len = frame_build(buf, &fs, &lo);
	return expect_bytes("frame_build()", buf, len, want, want_len);
}

static bool t_builder_v4(struct env *env)
{
	(void)env;
	return builder_matches(4, v4_request, sizeof(v4_request));
}
SUBTEST(t_builder_v4, "frames: builder makes the hand-written v4 echo request");

static bool t_builder_v6(struct env *env)
{
	(void)env;
	return builder_matches(6, v6_request, sizeof(v6_request));
}
SUBTEST(t_builder_v6, "frames: builder makes the hand-written v6 echo request");

static bool model_matches(const uint8_t *req, size_t len, const uint8_t *rep)
{
	static const struct vnet_config cfg;
	static const struct model_state st;

	return expect_model_literal(&cfg, &st, req, len, rep, len);
}

static bool t_model_v4(struct env *env)
{
	(void)env;
	return model_matches(v4_request, sizeof(v4_request), v4_reply);
}
SUBTEST(t_model_v4, "model: v4 echo reply equals the hand-written frame");

static bool t_model_v6(struct env *env)
{
	(void)env;
	return model_matches(v6_request, sizeof(v6_request), v6_reply);
}
SUBTEST(t_model_v6, "model: v6 echo reply equals the hand-written frame");

/* The program's output against the model (expect_frame) and against the literal. */
static bool program_matches(struct env *env, const uint8_t *req, size_t len, const uint8_t *rep)
{
	return expect_literal(&env->vnet, req, len, rep, len);
}

static bool t_program_v4(struct env *env)
{
	return program_matches(env, v4_request, sizeof(v4_request), v4_reply);
}
SUBTEST(t_program_v4, "reply v4: all hooks give the hand-written frame and the model's");

static bool t_program_v6(struct env *env)
{
	return program_matches(env, v6_request, sizeof(v6_request), v6_reply);
}
SUBTEST(t_program_v6, "reply v6: all hooks give the hand-written frame and the model's");

static bool t_sizes_v4(struct env *env)
{
	static const unsigned int sizes[] = { 0, 1, 2, 7, 8, 56, 1472, 3000 };

	return EACH_REQUEST(&env->vnet, 4, payload_len, sizes, VNET_REPLY);
}
SUBTEST(t_sizes_v4, "reply v4: payload 0..3000 bytes, odd and even");

static bool t_sizes_v6(struct env *env)
{
	static const unsigned int sizes[] = { 0, 1, 3, 8, 56, 1452, 3000 };

	return EACH_REQUEST(&env->vnet, 6, payload_len, sizes, VNET_REPLY);
}
SUBTEST(t_sizes_v6, "reply v6: payload 0..3000 bytes, odd and even");

/* Only MACs, addresses, type and checksum change: TOS, TTL, id, flags stay. */
static const struct echo_case kept_fields[] = {
	{ 4, 0, { SET_NUM(tos, 0xb8), SET_NUM(ttl, 1), SET_NUM(ip_id, 0), SET_NUM(frag, 0),
		  SET_NUM(id, 0xffff), SET_NUM(seq, 0xfffe) }, VNET_REPLY, "TOS 0xb8 TTL 1 no DF" },
	{ 6, 0, { SET_NUM(tos, 0xff), SET_NUM(ttl, 255) }, VNET_REPLY, "class 0xff hop limit 255" },
};
ECHO_SUBTEST(vnet, kept_fields, "reply: TOS/TTL/id/flags/hop limit left as they came");

/* Locally administered and globally unique MACs, the far ends of the unicast ranges. */
static bool t_address_edges(struct env *env)
{
	static const uint8_t mac_oui[6] = { 0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc };
	static const uint8_t mac_high[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t ip4_low[4] = { 0, 0, 0, 1 };
	static const uint8_t ip4_high[4] = { 223, 255, 255, 255 };
	static const uint8_t ip4_class_e[4] = { 255, 255, 255, 254 };
	static const uint8_t ip6_low[16] = { [15] = 1 };
	static const uint8_t ip6_high[16] = { 0xfe, [1 ... 15] = 0xff };
	struct frame_spec fs;
	bool ok;

	frame_spec_v4(&fs);
	memcpy(fs.src_mac, mac_oui, 6);
	memcpy(fs.dst_mac, mac_high, 6);
	memcpy(fs.src_ip, ip4_low, 4);
	memcpy(fs.dst_ip, ip4_high, 4);
	ok = expect_spec(&env->vnet, HOOKS_ALL, &fs, VNET_REPLY, "0.0.0.1 -> 223.255.255.255");
	memcpy(fs.src_ip, ip4_class_e, 4);
	memcpy(fs.dst_ip, ip4_class_e, 4);
	ok &= expect_spec(&env->vnet, HOOKS_ALL, &fs, VNET_REPLY, "255.255.255.254 (class E)");
	frame_spec_v6(&fs);
	memcpy(fs.src_mac, mac_high, 6);
	memcpy(fs.dst_mac, mac_oui, 6);
	memcpy(fs.src_ip, ip6_low, 16);
	memcpy(fs.dst_ip, ip6_high, 16);
	ok &= expect_spec(&env->vnet, HOOKS_ALL, &fs, VNET_REPLY, "::1 -> feff:ffff:...");
	return ok;
}
SUBTEST(t_address_edges, "reply: edge unicast MACs and addresses (incl. class E) answered");

/* Zero destination MAC: I/G clear, so unicast as far as the specification says. */
static bool t_zero_dst_mac(struct env *env)
{
	static const uint8_t zero_mac[][6] = { { 0 } };

	return BOTH_FAMILIES(&env->vnet, dst_mac, zero_mac, VNET_REPLY);
}
SUBTEST(t_zero_dst_mac, "reply: zero destination MAC is unicast (I/G clear), answered");

/* The reply, fed back, is no request: NOT_ECHO, and left alone. */
static bool t_reply_not_answered(struct env *env)
{
	bool ok;

	ok = expect_frame(&env->vnet, HOOKS_ALL, v4_reply, sizeof(v4_reply), VNET_PASS_NOT_ECHO,
			  "v4 reply fed back");
	ok &= expect_frame(&env->vnet, HOOKS_ALL, v6_reply, sizeof(v6_reply), VNET_PASS_NOT_ECHO,
			   "v6 reply fed back");
	return ok;
}
SUBTEST(t_reply_not_answered, "reply: a reply fed back is not_echo and left alone");
