// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_claims.c - stepping aside (cfg.claim_age, bpf/subnet.h): an ARP
 * reply, an ARP announcement or probe, a Neighbor Advertisement or a
 * duplicate address detection from another MAC claims an address of a
 * prefix; from then on ARP, ND, echo and the prefix's other answers for
 * it are handed on (pass_claimed) until the claim is claim_age old, while
 * the claims themselves go on as before (counted in claims); a request
 * from the claimant itself voids its claim. Every frame
 * against the model, which is told which claims are live; the map's entry
 * read back; the seeded loss generator's sequence repeated.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "frames.h"
#include "harness.h"
#include "model.h"
#include "tap.h"
#include "tests.h"
#include "vnet.skel.h"

static const char *const prefixes[] = {
	"198.18.0.0/24", "198.18.4.0/22,hops=2", "2001:db8::/64", NULL,
};

/* The real host that claims addresses: 02:00:00:00:00:0b. */
static const uint8_t host_mac[6] = { 0x02, 0, 0, 0, 0, 0x0b };

static void ip4(uint8_t *a, uint8_t c, uint8_t d)
{
	a[0] = 198;
	a[1] = 18;
	a[2] = c;
	a[3] = d;
}

static void ip6(uint8_t *a, uint8_t last)
{
	static const uint8_t base[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	memcpy(a, base, 16);
	a[15] = last;
}

/* The model's claim of @addr by host_mac, live. */
static void model_claim(struct vnet_inst *in, int family, const uint8_t *addr)
{
	struct model_claim *c = &in->st.claims[in->st.nr_claims++];

	memset(c, 0, sizeof(*c));
	c->family = family;
	memcpy(c->addr, addr, family == 4 ? 4 : 16);
	memcpy(c->mac, host_mac, 6);
}

/* The claim of @addr goes from the model (its claimant asked for it). */
static void model_unclaim(struct vnet_inst *in, int family, const uint8_t *addr)
{
	for (size_t i = 0; i < in->st.nr_claims; i++)
		if (in->st.claims[i].family == family &&
		    !memcmp(in->st.claims[i].addr, addr, family == 4 ? 4 : 16))
			in->st.claims[i--] = in->st.claims[--in->st.nr_claims];
}

/* ARP @op from @mac: sender @spa, target @tpa. */
static bool arp(struct vnet_inst *in, uint16_t op, const uint8_t *mac, const uint8_t *spa,
		const uint8_t *tpa, int want, const char *what)
{
	struct frame_spec fs;

	frame_spec_arp(&fs, tpa);
	memcpy(fs.src_mac, mac, 6);
	memcpy(fs.body + ARP_SHA, mac, 6);
	memcpy(fs.body + ARP_SPA, spa, 4);
	fs.body[ARP_OP + 1] = (uint8_t)op;
	if (op == 2)
		memcpy(fs.dst_mac, frame_mac_client, 6);
	return expect_spec(in, HOOKS_ALL, &fs, want, what);
}

static bool echo4(struct vnet_inst *in, const uint8_t *dst, int want, const char *what)
{
	struct frame_spec fs;

	frame_spec_v4(&fs);
	memcpy(fs.dst_ip, dst, 4);
	return expect_spec(in, HOOKS_ALL, &fs, want, what);
}

static bool echo6(struct vnet_inst *in, const uint8_t *dst, int want, const char *what)
{
	struct frame_spec fs;

	frame_spec_v6(&fs);
	memcpy(fs.dst_ip, dst, 16);
	return expect_spec(in, HOOKS_ALL, &fs, want, what);
}

/* The map's entry for @addr: @host_mac's, seen within the last second. */
static bool claim_entry(const struct vnet_inst *in, int family, const uint8_t *addr)
{
	struct vnet_claim_key key = { .family = (__u32)family };
	struct vnet_claim val;
	struct timespec now;
	__u64 ns;

	memcpy(key.addr, addr, family == 4 ? 4 : 16);
	if (bpf_map_lookup_elem(bpf_map__fd(in->skel->maps.vnet_claims), &key, &val)) {
		tap_diag("no vnet_claims entry for the claimed address");
		return false;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (__u64)now.tv_sec * 1000000000ull + (__u64)now.tv_nsec;
	if (memcmp(val.mac, host_mac, 6) || val.seen_ns > ns || ns - val.seen_ns > 1000000000ull) {
		tap_diag("vnet_claims entry: wrong MAC or time (%llu ns ago)",
			 (unsigned long long)(ns - val.seen_ns));
		return false;
	}
	return true;
}

static void age_out(struct vnet_inst *in)
{
	struct timespec ts = { 2, 150000000 };	/* claim_age 2 s, and some */

	nanosleep(&ts, NULL);
	in->st.nr_claims = 0;
}

static bool t_v4(struct env *env)
{
	static const uint8_t zero[4];
	struct vnet_inst *in = &env->claims;
	uint8_t a5[4], a6[4], a7[4], a8[4], a9[4], out[4], client[4], r[4];
	struct frame_spec fs;
	bool ok = true;

	ip4(a5, 0, 5), ip4(a6, 0, 6), ip4(a7, 0, 7), ip4(a8, 0, 8), ip4(a9, 0, 9);
	ip4(out, 1, 5), ip4(client, 0, 2), ip4(r, 4, 20);
	if (inst_respond(in, prefixes))
		return false;
	ok &= echo4(in, a5, VNET_REPLY, "echo to .5 before any claim");
	ok &= arp(in, 1, frame_mac_client, client, a5, VNET_REPLY, "ARP for .5 before any claim");

	/* The claims: a reply, an announcement, a probe; each goes on as before. */
	ok &= arp(in, 2, host_mac, a5, client, VNET_PASS_NON_IP, "ARP reply: .5 is at the host");
	model_claim(in, 4, a5);
	ok &= claim_entry(in, 4, a5);
	ok &= arp(in, 1, host_mac, a7, a7, VNET_PASS_BAD_SRC, "ARP announcement of .7");
	model_claim(in, 4, a7);
	ok &= arp(in, 1, host_mac, zero, a8, VNET_PASS_BAD_SRC, "ARP probe for .8");
	model_claim(in, 4, a8);
	ok &= arp(in, 1, host_mac, r, r, VNET_PASS_BAD_SRC, "ARP announcement in a hops= prefix");
	model_claim(in, 4, r);
	/* Not claims: vnet's own MAC, an address outside every prefix. */
	ok &= arp(in, 2, subnet_mac, a9, client, VNET_PASS_NON_IP, "ARP reply from cfg.mac");
	ok &= arp(in, 2, host_mac, out, client, VNET_PASS_NON_IP, "ARP reply outside the prefixes");

	/* Stepped aside: ARP and echo for the claimed, answers for the rest. */
	ok &= arp(in, 1, frame_mac_client, client, a5, VNET_PASS_CLAIMED, "ARP for claimed .5");
	ok &= echo4(in, a5, VNET_PASS_CLAIMED, "echo to claimed .5");
	ok &= echo4(in, a7, VNET_PASS_CLAIMED, "echo to announced .7");
	ok &= echo4(in, a8, VNET_PASS_CLAIMED, "echo to probed .8");
	ok &= echo4(in, a6, VNET_REPLY, "echo to unclaimed .6");
	ok &= echo4(in, a9, VNET_REPLY, "echo to .9, 'claimed' by vnet's own MAC");
	ok &= echo4(in, r, VNET_PASS_CLAIMED, "echo into hops=, claimed");
	frame_spec_v4(&fs);
	memcpy(fs.dst_ip, r, 4);
	fs.ttl = 1;
	ok &= expect_spec(in, HOOKS_ALL, &fs, VNET_PASS_CLAIMED, "TTL 1 into hops=, claimed");
	fs.ttl = 64;
	fs.proto = 17;
	ok &= expect_spec(in, HOOKS_ALL, &fs, VNET_PASS_CLAIMED, "UDP into hops=, claimed");
	frame_spec_v4(&fs);
	memcpy(fs.dst_ip, r, 4);
	fs.type = 13;
	fs.payload_len = 12;
	ok &= expect_spec(in, HOOKS_ALL, &fs, VNET_PASS_CLAIMED, "ICMP timestamp, claimed");

	/* The claimant pinging its own claimed address voids the claim. */
	frame_spec_v4(&fs);
	memcpy(fs.dst_ip, a7, 4);
	memcpy(fs.src_mac, host_mac, 6);
	ok &= expect_spec(in, HOOKS_ALL, &fs, VNET_REPLY, "echo to .7 from its claimant");
	model_unclaim(in, 4, a7);
	ok &= echo4(in, a7, VNET_REPLY, "echo to .7 from the client: the claim went");
	ok &= arp(in, 1, host_mac, a6, a8, VNET_REPLY, "ARP for .8 from its claimant");
	model_unclaim(in, 4, a8);
	ok &= echo4(in, a8, VNET_REPLY, "echo to .8 from the client: the claim went");
	ok &= echo4(in, a5, VNET_PASS_CLAIMED, "... and .5 is still claimed");

	/* The claims age out: vnet answers again. */
	age_out(in);
	ok &= echo4(in, a5, VNET_REPLY, "echo to .5 after the claim's age");
	ok &= arp(in, 1, frame_mac_client, client, a5, VNET_REPLY, "ARP for .5 after the age");
	ok &= echo4(in, r, VNET_REPLY, "echo into hops= after the age");
	ok &= inst_flush(in) == 0;
	return ok;
}
SUBTEST(t_v4, "claims: IPv4 ARP reply, announcement and probe; stepped aside until the age");

static bool t_v6(struct env *env)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	struct vnet_inst *in = &env->claims;
	uint8_t a5[16], a6[16], a7[16], a9[16];
	struct frame_spec fs;
	bool ok = true;

	ip6(a5, 5), ip6(a6, 6), ip6(a7, 7), ip6(a9, 9);
	if (inst_respond(in, prefixes))
		return false;
	frame_spec_ns(&fs, a5);
	ok &= expect_spec(in, HOOKS_ALL, &fs, VNET_REPLY, "NS for ::5 before any claim");

	/* An unsolicited advertisement of ::5 by the host, to all nodes. */
	frame_spec_ns(&fs, a5);
	fs.type = 136;
	fs.id = 0x2000;		/* Override */
	memcpy(fs.src_ip, a5, 16);
	memcpy(fs.dst_ip, all_nodes, 16);
	memcpy(fs.dst_mac, (const uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }, 6);
	memcpy(fs.src_mac, host_mac, 6);
	fs.body[NS_OPT] = 2;	/* target link-layer address */
	memcpy(fs.body + NS_OPT + 2, host_mac, 6);
	ok &= expect_spec(in, HOOKS_ALL, &fs, VNET_PASS_NOT_ECHO, "NA: ::5 is at the host");
	model_claim(in, 6, a5);
	ok &= claim_entry(in, 6, a5);
	/* The same from vnet's own MAC claims nothing. */
	memcpy(fs.src_ip, a9, 16);
	memcpy(fs.body + NS_TARGET, a9, 16);
	memcpy(fs.src_mac, subnet_mac, 6);
	ok &= expect_spec(in, HOOKS_ALL, &fs, VNET_PASS_NOT_ECHO, "NA from cfg.mac");

	/* Duplicate address detection of ::6: from ::, no source option. */
	frame_spec_ns(&fs, a6);
	memset(fs.src_ip, 0, 16);
	memcpy(fs.src_mac, host_mac, 6);
	fs.payload_len = 16;
	ok &= expect_spec(in, HOOKS_ALL, &fs, VNET_PASS_BAD_SRC, "DAD for ::6");
	model_claim(in, 6, a6);

	frame_spec_ns(&fs, a5);
	ok &= expect_spec(in, HOOKS_ALL, &fs, VNET_PASS_CLAIMED, "NS for claimed ::5");
	ok &= echo6(in, a5, VNET_PASS_CLAIMED, "echo to claimed ::5");
	ok &= echo6(in, a6, VNET_PASS_CLAIMED, "echo to ::6 under DAD");
	ok &= echo6(in, a7, VNET_REPLY, "echo to unclaimed ::7");
	ok &= echo6(in, a9, VNET_REPLY, "echo to ::9, 'claimed' by vnet's own MAC");
	/* The host that did DAD for ::6 solicits it: it does not hold it. */
	frame_spec_ns(&fs, a6);
	memcpy(fs.src_mac, host_mac, 6);
	ok &= expect_spec(in, HOOKS_ALL, &fs, VNET_REPLY, "NS for ::6 from its claimant");
	model_unclaim(in, 6, a6);
	ok &= echo6(in, a6, VNET_REPLY, "echo to ::6 from the client: the claim went");

	age_out(in);
	ok &= echo6(in, a5, VNET_REPLY, "echo to ::5 after the claim's age");
	frame_spec_ns(&fs, a6);
	ok &= expect_spec(in, HOOKS_ALL, &fs, VNET_REPLY, "NS for ::6 after the age");
	ok &= inst_flush(in) == 0;
	return ok;
}
SUBTEST(t_v6, "claims: IPv6 NA and DAD; stepped aside until the age");

/* claim_age 0 (the subnet instance): claims are not even looked at. */
static bool t_off(struct env *env)
{
	struct vnet_inst *in = &env->subnet;
	uint8_t a5[4], client[4];
	struct vnet_stats before, after;
	bool ok = true;

	ip4(a5, 0, 5), ip4(client, 0, 2);
	if (inst_respond(in, prefixes) || stats_read(in, &before, NULL))
		return false;
	ok &= arp(in, 2, host_mac, a5, client, VNET_PASS_NON_IP, "ARP reply, claim_age 0");
	ok &= echo4(in, a5, VNET_REPLY, "echo to .5 all the same");
	ok &= arp(in, 1, frame_mac_client, client, a5, VNET_REPLY, "ARP for .5 all the same");
	if (stats_read(in, &after, NULL))
		return false;
	if (after.claims != before.claims) {
		tap_diag("claims rose with claim_age 0");
		ok = false;
	}
	ok &= inst_flush(in) == 0;
	return ok;
}
SUBTEST(t_off, "claims: claim_age 0 steps aside for nobody");

/* The drops of loss=50% through XDP, one bit per frame of @n, with @seed. */
static bool loss_pattern(__u32 seed, uint8_t *bits, unsigned int n)
{
	static const char *const lossy[] = { "198.18.0.0/24,loss=50%", NULL };
	struct vnet_config cfg = { .mac = { 0x02, 0x76, 0x6e, 0x65, 0x74, 0x5e }, .seed = seed };
	struct vnet_inst in = {};
	struct frame_layout lo;
	struct frame_spec fs;
	uint8_t frame[FRAME_MAX];
	struct hook_run r;
	bool ok = true;

	if (inst_open(&in, "seeded", &cfg))
		return false;
	if (inst_respond(&in, lossy)) {
		inst_close(&in);
		return false;
	}
	frame_spec_v4(&fs);
	frame_build(frame, &fs, &lo);
	memset(bits, 0, (n + 7) / 8);
	for (unsigned int i = 0; i < n && ok; i++) {
		ok = !hook_run(&in, HOOK_XDP, frame, lo.len, &r);
		if (r.retval == 1)	/* XDP_DROP */
			bits[i / 8] |= (uint8_t)(1u << (i % 8));
	}
	inst_close(&in);
	return ok;
}

/*
 * --seed: the same seed gives the same drops in a fresh program, another
 * seed other drops, and either about half of them. Each CPU's generator
 * starts from the seed on its own first draw, so the runs stay on one CPU.
 */
static bool t_seed(struct env *env)
{
	enum { N = 512 };
	uint8_t a[N / 8], b[N / 8], c[N / 8];
	unsigned int drops = 0;
	cpu_set_t orig, one;
	bool ok;

	(void)env;
	if (sched_getaffinity(0, sizeof(orig), &orig))
		return false;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		return false;
	ok = loss_pattern(42, a, N) && loss_pattern(42, b, N) && loss_pattern(43, c, N);
	sched_setaffinity(0, sizeof(orig), &orig);
	if (!ok)
		return false;
	for (unsigned int i = 0; i < N; i++)
		drops += a[i / 8] >> (i % 8) & 1;
	if (memcmp(a, b, sizeof(a))) {
		tap_diag("seed 42 twice: different drops");
		ok = false;
	}
	if (!memcmp(a, c, sizeof(a))) {
		tap_diag("seeds 42 and 43: the same drops");
		ok = false;
	}
	/* 50% of 512 within 5 standard deviations (11.3 frames each). */
	if (drops < N / 2 - 57 || drops > N / 2 + 57) {
		tap_diag("seed 42: %u of %u dropped, want about half", drops, N);
		ok = false;
	}
	return ok;
}
SUBTEST(t_seed, "seed: the same seed drops the same requests, another seed others");
