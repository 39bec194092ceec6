/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * harness.h - loading vnet.bpf.o, running its hooks through
 * BPF_PROG_TEST_RUN and judging each run against the reference model.
 *
 * Every run is judged on three things: the return code (XDP_TX/XDP_PASS,
 * TC_ACT_REDIRECT/TC_ACT_UNSPEC), the bytes that come out, and the change of the
 * vnet_stats counters, which is how the pass reason becomes visible.
 */
#ifndef VNET_TEST_HARNESS_H
#define VNET_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "vnet.shared.h"
#include "frames.h"
#include "model.h"

enum hook {
	HOOK_XDP,
	HOOK_TC_INGRESS,
	HOOK_TC_LOOP,
	NR_HOOKS,
};

#define HOOK_BIT(h)	(1u << (h))
#define HOOKS_TC	(HOOK_BIT(HOOK_TC_INGRESS) | HOOK_BIT(HOOK_TC_LOOP))
#define HOOKS_ALL	(HOOK_BIT(HOOK_XDP) | HOOKS_TC)

/* A case with no verdict of its own: whatever the model says. */
#define WANT_MODEL	(-1)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * One loaded copy of the programs, with the configuration it was loaded
 * with and, in @st, the model's copy of its run-time state: the tries and
 * the count (changed only through inst_prefix_*() and inst_set_count(), which
 * keep both sides equal) and the rate limiter's expected decision.
 */
struct vnet_inst {
	const char *name;
	struct vnet *skel;
	struct vnet_config cfg;
	int prog_fd[NR_HOOKS];
	int stats_fd;
	int prefix4_fd, prefix6_fd, state_fd;
	int frags_fd;
	struct model_state st;
};

struct hook_run {
	int err;			/* 0, or -errno of BPF_PROG_TEST_RUN */
	uint32_t retval;
	uint32_t out_len;
	uint8_t out[FRAME_MAX];
};

extern int nr_cpus;			/* possible CPUs: the per-CPU map's width */

const char *hook_name(enum hook h);

int inst_open(struct vnet_inst *in, const char *name, const struct vnet_config *cfg);
void inst_close(struct vnet_inst *in);
/*
 * What one group of subtests may leave behind, gone: the fragments vnet_frags
 * and the model remember, the prefixes and count, the counters. Run before
 * each group, so that no group depends on which ran before it.
 */
int inst_reset(struct vnet_inst *in);
/* The vnet_cfg the kernel holds in the loaded program's .rodata map. */
int inst_read_cfg(const struct vnet_inst *in, struct vnet_config *cfg);

/*
 * "198.18.4.0/22", "2001:db8::/64", or a bare address (/32, /128) into @p;
 * false (said why) if it does not parse.
 */
bool prefix_parse(const char *text, struct model_prefix *p);

/*
 * An echo request from the client to the address @dst ("198.18.0.9",
 * "2001:db8::9"), parsed into @p; false (said why) if it does not parse.
 */
bool echo_spec_to(const char *dst, struct frame_spec *fs, struct model_prefix *p);

/* Insert/delete one prefix in the instance's trie and the model's copy; the count stays. */
int inst_prefix_add(struct vnet_inst *in, const char *prefix);
int inst_prefix_del(struct vnet_inst *in, const char *prefix);
/* Write @n into vnet_state.nr_prefixes (and the model's copy). */
int inst_set_count(struct vnet_inst *in, uint32_t n);
/* Set the prefixes to exactly @prefixes (NULL-terminated) and the count to their number. */
int inst_respond(struct vnet_inst *in, const char *const *prefixes);
/* Delete every prefix, count 0. */
int inst_flush(struct vnet_inst *in);

/* Counters summed over all possible CPUs; *@percpu (nr_cpus entries) if wanted. */
int stats_read(const struct vnet_inst *in, struct vnet_stats *sum, struct vnet_stats *percpu);
/* Zero every CPU's slot. */
int stats_reset(const struct vnet_inst *in);
bool stats_equal(const struct vnet_stats *a, const struct vnet_stats *b);
/* Print each field where @got differs from @want. */
void stats_diag(const char *what, const struct vnet_stats *want, const struct vnet_stats *got);
/* @got equals @want; if not, stats_diag() says where. */
bool stats_match(const char *what, const struct vnet_stats *want, const struct vnet_stats *got);
/* The counters of @in, summed over the CPUs, are exactly @want (or say why not). */
bool expect_stats(const struct vnet_inst *in, const struct vnet_stats *want, const char *what);
/* Every counter of @s times @k. */
void stats_scale(struct vnet_stats *s, unsigned int k);

int hook_run(const struct vnet_inst *in, enum hook h, const uint8_t *frame, size_t len,
	     struct hook_run *r);

/*
 * Whether this kernel's BPF_PROG_TEST_RUN refuses the input with EINVAL
 * before the program runs (measured on 6.18): every hook needs the 14-byte
 * Ethernet header; for an skb, eth_type_trans() takes the outer ethertype
 * as skb->protocol, and an IPv4 or IPv6 protocol needs its whole fixed
 * header (20 or 40 bytes) too.
 */
bool hook_refuses(enum hook h, const uint8_t *frame, size_t len);

/* The return code a hook must give for a verdict. */
uint32_t hook_retval(enum hook h, enum vnet_verdict v);

/*
 * Run @frame through each hook in @hooks of @in and compare with the model:
 * return code, output bytes, counter change; or, where the kernel refuses
 * the input, exactly EINVAL and no counter change. With @want not
 * WANT_MODEL, the model must first agree with the case's own expectation.
 * Returns true when everything matched; explains every mismatch otherwise.
 */
bool expect_frame(const struct vnet_inst *in, unsigned int hooks, const uint8_t *frame, size_t len,
		  int want, const char *what);

/* What @h gave in the last expect_frame() that ran it. */
const struct hook_run *last_run(enum hook h);

/* Build @fs and expect_frame() it. */
bool expect_spec(const struct vnet_inst *in, unsigned int hooks, const struct frame_spec *fs,
		 int want, const char *what);

/*
 * Whether @got is exactly the hand-written @want; if not, says which header
 * fields differ and shows both.
 */
bool expect_bytes(const char *what, const uint8_t *got, size_t got_len, const uint8_t *want,
		  size_t want_len);

/* The model, under @cfg and @st, answers @req with exactly @rep. */
bool expect_model_literal(const struct vnet_config *cfg, const struct model_state *st,
			  const uint8_t *req, size_t len, const uint8_t *rep, size_t rep_len);

/* @req through every hook of @in: the model's reply, and byte for byte @rep. */
bool expect_literal(const struct vnet_inst *in, const uint8_t *req, size_t len,
		    const uint8_t *rep, size_t rep_len);

/* One change to a frame_spec: @len bytes of @bytes at @off. */
struct spec_patch {
	size_t off, len;
	const void *bytes;
};

#define SPEC_MEMBER(m)		(((struct frame_spec *)0)->m)
/* SET_BYTES(src_mac, "\x01"): the first bytes of a member (a string's, without its NUL). */
#define SET_BYTES(m, str)	{ offsetof(struct frame_spec, m), sizeof(str) - 1, str }
/* SET_NUM(ttl, 254): a whole member. */
#define SET_NUM(m, v)		{ offsetof(struct frame_spec, m), sizeof(SPEC_MEMBER(m)),	\
				  &(__typeof__(SPEC_MEMBER(m))){ v } }
#define ZERO4			"\0\0\0\0"
#define ZERO6			"\0\0\0\0\0\0"
#define BCAST6			"\xff\xff\xff\xff\xff\xff"

/* Apply @n patches to @fs; an empty one (len 0) ends the list early. */
void spec_apply(struct frame_spec *fs, const struct spec_patch *set, size_t n);

/* A default echo request of @family with @tags 802.1Q tags (VID 1, 2, ..) and changes. */
struct echo_case {
	int family;
	unsigned int tags;
	struct spec_patch set[6];
	int want;
	const char *what;
};

/* Each case through every hook of @in; a failure names it ("v4 echo: to broadcast"). */
bool run_echo_cases(const struct vnet_inst *in, const struct echo_case *c, size_t n);
#define RUN_ECHO_CASES(in, cases)	run_echo_cases(in, cases, ARRAY_SIZE(cases))

/*
 * The frame @base with each of @n values (@size bytes each; numbers or
 * bytes) written over the field @field at @off in its frame_spec, run and
 * expected to be @want; a failure names the frame by the field and its
 * value ("v4 dst_ip 224.0.0.1"). Each case is a datagram of its own
 * (ip_id + i).
 */
bool each_value(const struct vnet_inst *in, const struct frame_spec *base, const char *field,
		size_t off, size_t size, bool number, const void *values, size_t n, int want);

/*
 * EACH_VALUE(in, &fs, dst_ip, addrs, want): each_value() over a field of
 * struct frame_spec; @values of a number type, or of byte arrays (which
 * _Generic sees as pointers).
 */
#define EACH_VALUE(in, base, member, values, want)					\
	({										\
		_Static_assert(sizeof((values)[0]) <= sizeof((base)->member),		\
			       #values " wider than " #member);				\
		each_value(in, base, #member, offsetof(struct frame_spec, member),	\
			   sizeof((values)[0]),						\
			   _Generic((values)[0], uint8_t: 1, uint16_t: 1,		\
				    unsigned int: 1, default: 0),			\
			   values, ARRAY_SIZE(values), want);				\
	})

/* EACH_VALUE() on the default request of @family; BOTH_FAMILIES(): of v4, then v6. */
#define EACH_REQUEST(in, family, member, values, want)				\
	({									\
		struct frame_spec fs = frame_echo(family);			\
										\
		EACH_VALUE(in, &fs, member, values, want);			\
	})

#define BOTH_FAMILIES(in, member, values, want)					\
	(EACH_REQUEST(in, 4, member, values, want) &				\
	 EACH_REQUEST(in, 6, member, values, want))

#endif /* VNET_TEST_HARNESS_H */
