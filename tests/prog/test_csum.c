// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_csum.c - checksums: the model's own helpers, the IPv4 header under
 * the address swap, every possible input ICMP/ICMPv6 checksum value, and
 * requests whose checksum is wrong to begin with.
 */
#include <stdio.h>
#include <string.h>

#include "csum.h"
#include "frames.h"
#include "model.h"
#include "prng.h"
#include "tap.h"
#include "tests.h"

#define SWEEP_PAYLOAD	8	/* the first payload word balances the sum */
#define RANDOM_HEADERS	10000

/* RFC 1071 section 3's worked example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2. */
static bool t_rfc1071_example(struct env *env)
{
	static const uint8_t bytes[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t odd[] = { 0xab };
	uint16_t sum = csum_fold(csum_add(0, bytes, sizeof(bytes)));
	bool ok = true;

	(void)env;
	if (sum != 0xddf2) {
		tap_diag("RFC 1071 example folds to 0x%04x, want 0xddf2", sum);
		ok = false;
	}
	if (csum_finish(csum_add(0, bytes, sizeof(bytes))) != 0x220d) {
		tap_diag("its checksum is not 0x220d");
		ok = false;
	}
	if (csum_add(0, odd, 1) != 0xab00) {
		tap_diag("odd trailing byte not padded with zero: 0x%llx",
			 (unsigned long long)csum_add(0, odd, 1));
		ok = false;
	}
	if (csum_verifies(0) || !csum_verifies(0xffff) || !csum_verifies(0x1fffe)) {
		tap_diag("csum_verifies() wrong on 0 / 0xffff / 0x1fffe");
		ok = false;
	}
	return ok;
}
SUBTEST(t_rfc1071_example, "csum: RFC 1071 worked example, odd length, verify rule");

/*
 * A valid echo request whose checksum field holds exactly @field: the first
 * payload word is chosen so that the whole message sums to 0xFFFF.
 */
static size_t sweep_request(uint8_t *buf, struct frame_layout *lo, int family, uint16_t field)
{
	uint8_t payload[SWEEP_PAYLOAD] = { 0, 0, 0x5a, 0xa5, 0x01, 0x02, 0x03, 0x04 };
	struct frame_spec fs = frame_echo(family);
	uint8_t *icmp;
	size_t len;

	fs.payload = payload;
	fs.payload_len = SWEEP_PAYLOAD;
	len = frame_build(buf, &fs, lo);
	icmp = buf + lo->l4;
	put_be16(icmp + 2, field);
	put_be16(icmp + 8, 0);
	put_be16(icmp + 8, (uint16_t)~csum_fold(frame_icmp_sum(buf, lo, family)));
	return len;
}

/* The request's own checks: the field is @field, and the message verifies. */
static bool sweep_request_ok(const uint8_t *buf, const struct frame_layout *lo, int family,
			     uint16_t field)
{
	if (get_be16(buf + lo->l4 + 2) == field && csum_verifies(frame_icmp_sum(buf, lo, family)))
		return true;
	tap_diag("v%d sweep: could not craft a valid request with checksum 0x%04x", family, field);
	return false;
}

/*
 * For every valid request, RFC 1624 eqn. 3 from the request's checksum and a
 * from-scratch RFC 1071 sum of the reply give the same field. (The one
 * exception, an all-zero reply, is the next subtest.)
 */
static bool t_eqn3_vs_full(struct env *env)
{
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	unsigned long bad = 0;
	int family;
	uint32_t c;

	(void)env;
	for (family = 4; family <= 6; family += 2) {
		uint16_t req_word = family == 4 ? 0x0800 : 0x8000;
		uint16_t rep_word = family == 4 ? 0x0000 : 0x8100;

		for (c = 0; c <= 0xFFFF; c++) {
			uint16_t inc, full;

			sweep_request(buf, &lo, family, c);
			if (!sweep_request_ok(buf, &lo, family, c))
				return false;
			inc = csum_update16(c, req_word, rep_word);
			put_be16(buf + lo.l4, rep_word);
			frame_fix_icmp_csum(buf, &lo, family);
			full = get_be16(buf + lo.l4 + 2);
			if (inc != full && bad++ < 5)
				tap_diag("v%d, request csum 0x%04x: eqn. 3 gives 0x%04x, full sum 0x%04x",
					 family, c, inc, full);
		}
	}
	return !bad;
}
SUBTEST(t_eqn3_vs_full,
	"csum: RFC 1624 eqn. 3 equals full recomputation for all 65536 valid v4 and v6 requests");

/*
 * Where the two part: an ICMP echo with id 0, seq 0 and no (or an all-zero)
 * payload. The reply's words are all zero, so a full recomputation writes
 * ~0 = 0xFFFF, while eqn. 3 can never yield 0xFFFF and writes 0x0000; a
 * zero message with a zero checksum does not verify (Linux: csum_fold(0)
 * is 0xFFFF, not 0). ICMPv6 cannot get here: its pseudo-header is never zero.
 */
static bool t_eqn3_zero_message(struct env *env)
{
	uint8_t msg[8] = { 0x08, 0x00, 0xf7, 0xff, 0, 0, 0, 0 };
	uint16_t inc, full;
	bool ok = true;

	(void)env;
	if (!csum_verifies(csum_add(0, msg, sizeof(msg)))) {
		tap_diag("the request 08 00 f7 ff 00 00 00 00 should verify");
		ok = false;
	}
	inc = csum_update16(0xf7ff, 0x0800, 0x0000);
	msg[0] = 0;
	msg[2] = msg[3] = 0;
	full = csum_finish(csum_add(0, msg, sizeof(msg)));
	if (inc != 0x0000 || full != 0xffff) {
		tap_diag("eqn. 3 gives 0x%04x (want 0x0000), full sum 0x%04x (want 0xffff)", inc,
			 full);
		ok = false;
	}
	put_be16(msg + 2, inc);
	if (csum_verifies(csum_add(0, msg, sizeof(msg)))) {
		tap_diag("an all-zero message with checksum 0x0000 should not verify");
		ok = false;
	}
	return ok;
}
SUBTEST(t_eqn3_zero_message,
	"csum: all-zero ICMP reply is the one case where eqn. 3 (0x0000) and "
	"recomputation (0xffff) part");

/* The reply a hook gave must verify: ICMP(v6) checksum and, for IPv4, the header's. */
static bool reply_verifies(const char *what, enum hook h, const struct frame_layout *lo,
			   int family)
{
	const struct hook_run *r = last_run(h);
	bool ok = true;

	if (r->err || r->out_len != lo->len)
		return false;	/* expect_frame() said why */
	if (!csum_verifies(frame_icmp_sum(r->out, lo, family))) {
		tap_diag("%s [%s]: reply's ICMP checksum 0x%04x does not verify", what,
			 hook_name(h), get_be16(r->out + lo->l4 + 2));
		ok = false;
	}
	if (family == 4 && !csum_verifies(csum_add(0, r->out + lo->l3, 20))) {
		tap_diag("%s [%s]: reply's IPv4 header checksum does not verify", what,
			 hook_name(h));
		ok = false;
	}
	return ok;
}

static bool all_replies_verify(const char *what, const struct frame_layout *lo, int family)
{
	bool ok = true;
	int h;

	for (h = 0; h < NR_HOOKS; h++)
		ok &= reply_verifies(what, h, lo, family);
	return ok;
}

static bool sweep(struct env *env, int family)
{
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	unsigned long bad = 0;
	char what[64];
	uint32_t c;

	for (c = 0; c <= 0xFFFF; c++) {
		size_t len = sweep_request(buf, &lo, family, c);
		bool ok;

		if (!sweep_request_ok(buf, &lo, family, c))
			return false;
		snprintf(what, sizeof(what), "v%d request csum 0x%04x", family, c);
		ok = expect_frame(&env->vnet, HOOKS_ALL, buf, len, VNET_REPLY, what);
		ok &= all_replies_verify(what, &lo, family);
		bad += !ok;
	}
	if (bad)
		tap_diag("%lu of 65536 checksum values failed", bad);
	return !bad;
}

static bool t_sweep_v4(struct env *env)
{
	return sweep(env, 4);
}
SUBTEST(t_sweep_v4,
	"csum sweep v4: all 65536 request checksums, reply verifies and equals the model");

static bool t_sweep_v6(struct env *env)
{
	return sweep(env, 6);
}
SUBTEST(t_sweep_v6,
	"csum sweep v6: all 65536 request checksums, reply verifies and equals the model");

static void random_unicast_ip4(struct prng *r, uint8_t *a)
{
	do {
		uint32_t x = (uint32_t)prng_next(r);

		a[0] = x >> 24;
		a[1] = x >> 16;
		a[2] = x >> 8;
		a[3] = x;
	} while (a[0] == 0 || (a[0] & 0xF0) == 0xE0 || !memcmp(a, "\xff\xff\xff\xff", 4));
}

/*
 * The swap leaves the IPv4 header checksum alone: a ones' complement sum
 * does not depend on the order of its words. Random TOS, id, DF, TTL and
 * addresses: the reply's field must be the request's, and verify.
 */
static bool t_ip4_header_swap(struct env *env)
{
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	struct frame_spec fs;
	unsigned long bad = 0;
	struct prng r;
	int i, h;

	prng_seed(&r, env->seed, 1);
	for (i = 0; i < RANDOM_HEADERS; i++) {
		size_t len;
		bool ok;

		frame_spec_v4(&fs);
		fs.tos = prng_byte(&r);
		fs.ip_id = (uint16_t)prng_next(&r);
		fs.frag = prng_below(&r, 2) ? 0x4000 : 0;
		fs.ttl = prng_byte(&r) | 1;	/* TTL 0 is handed on (test_ownmac.c) */
		fs.payload_len = prng_below(&r, 64);
		random_unicast_ip4(&r, fs.src_ip);
		random_unicast_ip4(&r, fs.dst_ip);
		len = frame_build(buf, &fs, &lo);
		ok = expect_frame(&env->vnet, HOOKS_ALL, buf, len, VNET_REPLY, "random v4 header");
		for (h = 0; h < NR_HOOKS; h++) {
			const struct hook_run *run = last_run(h);

			if (run->out_len != len)
				continue;
			if (memcmp(run->out + lo.l3 + 10, buf + lo.l3 + 10, 2) ||
			    !csum_verifies(csum_add(0, run->out + lo.l3, 20))) {
				tap_diag("[%s] header checksum 0x%04x -> 0x%04x", hook_name(h),
					 get_be16(buf + lo.l3 + 10),
					 get_be16(run->out + lo.l3 + 10));
				ok = false;
			}
		}
		bad += !ok;
	}
	if (bad)
		tap_diag("%lu of %d random headers failed", bad, RANDOM_HEADERS);
	return !bad;
}
SUBTEST(t_ip4_header_swap,
	"csum: IPv4 header checksum unchanged and valid after the swap (10000 random headers)");

/*
 * The reflector does not check an incoming checksum (the specification has
 * no such step): a request with a wrong one is answered, and RFC 1624's
 * update carries the error into the reply, which fails as the request would.
 */
static bool bad_checksum(struct env *env, int family)
{
	static const uint16_t deltas[] = { 1, 0x0100, 0x7fff, 0xfffe };
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	struct frame_spec fs;
	bool ok = true;
	size_t i;
	int h;

	for (i = 0; i < ARRAY_SIZE(deltas); i++) {
		size_t len;

		fs = frame_echo(family);
		len = frame_build(buf, &fs, &lo);
		put_be16(buf + lo.l4 + 2, get_be16(buf + lo.l4 + 2) + deltas[i]);
		ok &= expect_frame(&env->vnet, HOOKS_ALL, buf, len, VNET_REPLY, "wrong checksum");
		for (h = 0; h < NR_HOOKS; h++) {
			const struct hook_run *r = last_run(h);

			if (r->out_len == len && csum_verifies(frame_icmp_sum(r->out, &lo, family))) {
				tap_diag("[%s] the reply to a corrupt request verifies", hook_name(h));
				ok = false;
			}
		}
	}
	return ok;
}

static bool t_bad_checksum_v4(struct env *env)
{
	return bad_checksum(env, 4);
}
SUBTEST(t_bad_checksum_v4, "csum: v4 request with a wrong checksum answered, error kept");

static bool t_bad_checksum_v6(struct env *env)
{
	return bad_checksum(env, 6);
}
SUBTEST(t_bad_checksum_v6, "csum: v6 request with a wrong checksum answered, error kept");

/*
 * Echo requests whose reply is all zeros apart from the checksum: id 0,
 * seq 0, and no payload or only zero bytes. Their own checksum is 0xf7ff
 * and valid; the reply's must be 0xffff to verify.
 */
static bool t_zero_echo_v4(struct env *env)
{
	static const uint8_t zeros[56];
	static const unsigned int sizes[] = { 0, 2, 56 };
	uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	struct frame_spec fs;
	char what[64];
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t len;

		frame_spec_v4(&fs);
		fs.id = 0;
		fs.seq = 0;
		fs.payload = zeros;
		fs.payload_len = sizes[i];
		len = frame_build(buf, &fs, &lo);
		snprintf(what, sizeof(what), "v4 echo id 0 seq 0, %u zero bytes", sizes[i]);
		ok &= expect_frame(&env->vnet, HOOKS_ALL, buf, len, VNET_REPLY, what);
		ok &= all_replies_verify(what, &lo, 4);
	}
	return ok;
}
SUBTEST(t_zero_echo_v4, "csum: v4 echo id 0 seq 0 with no/zero payload, reply checksum verifies");
