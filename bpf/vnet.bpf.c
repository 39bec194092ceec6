// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vnet.bpf.c - the ping reflector's hooks: XDP, TC ingress and TC egress
 * "loopback". Each runs the same core (reflect.h) and differs only in where
 * the reply goes and how the frame's length is known.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "reflect.h"

#define TC_ACT_UNSPEC	(-1)
#define TC_ACT_SHOT	2

/* Set by vnetctl before load; the verifier prunes what is switched off. */
const volatile struct vnet_config vnet_cfg = {};

/* One slot, one copy per CPU: the hot path needs no atomics. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vnet_stats);
} vnet_stats SEC(".maps");

static __always_inline struct vnet_stats *vnet_stats_get(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&vnet_stats, &key);
}

/*
 * Account one frame: @rx_len as it came, @tx_len as the reply left (an
 * advertisement can differ). A pass reason's value is its counter's place
 * counted from `pass` (vnet.shared.h), so it indexes the counter directly, in
 * either run of pass_* fields; the bound keeps the verifier (and any
 * future reason) honest.
 */
#define VNET_PLACE(field) \
	((__builtin_offsetof(struct vnet_stats, field) - \
	  __builtin_offsetof(struct vnet_stats, pass)) / sizeof(__u64))
_Static_assert(VNET_PLACE(pass_non_ip) == VNET_PASS_NON_IP &&
	       VNET_PLACE(pass_rate_limited) == VNET_PASS_RATE_LIMITED &&
	       VNET_PLACE(drop_rate_limited) == VNET_DROP_RATE_LIMITED &&
	       VNET_PLACE(pass_other_host) == VNET_PASS_OTHER_HOST &&
	       VNET_PLACE(pass_ttl_zero) == VNET_PASS_TTL_ZERO &&
	       VNET_PLACE(pass_claimed) == VNET_PASS_CLAIMED &&
	       VNET_PASS_CLAIMED + 1 == VNET_NR_VERDICTS,
	       "a pass reason's value must be its counter's place from `pass`");

/*
 * A request a prefix's loss= dropped (reflect.h answers VNET_ANSWER_LOST,
 * the hook turns it into this): a verdict of the hooks alone, one past
 * bpf/vnet.shared.h's, so that counting it and dropping it stay off the echo
 * reply's path.
 */
#define VNET_DROP_LOSS	VNET_NR_VERDICTS

/*
 * A multi-buffer XDP frame (vnet_cfg.xdp_frags) that would get a Time
 * Exceeded or Port Unreachable (hops.h, l4.h): handed on, counted in pass
 * and pass_multibuf. Those are built at the head around a quote of up to
 * 1232 bytes, which a short first buffer may not hold once the tail is
 * cut; the answers that only shrink the frame (TCP, timestamps, an
 * advertisement: under VNET_XDP_MB_MIN bytes) end within the first buffer.
 */
#define VNET_PASS_MULTIBUF	(VNET_NR_VERDICTS + 1)

/*
 * A first buffer at least this long may have more behind it: the length of
 * the whole frame is asked for only then, so a 64-byte echo request never
 * calls the helper. Drivers and veth fill the first buffer up to a page;
 * a multi-buffer frame with a shorter one is judged by it (TRUNCATED).
 */
#define VNET_XDP_MB_MIN		256

/* What the tc hook did with an echo reply of a prefix with attributes. */
#define VNET_SENT_CLONED	1	/* dup=: a copy went out first */
#define VNET_SENT_HELD		2	/* delay=: stamped with its departure time */

/*
 * The answers of hops.h and l4.h, out of the echo's way: a subprogram, so
 * that its code does not share the echo path's registers (see struct
 * vnet_side in reflect.h). @sent: VNET_SENT_* bits (tc only). A dup=
 * answer is two replies where the hook clones, one where it cannot; a
 * held one counts in delayed, its copy too.
 */
static __noinline void vnet_count_l4(struct vnet_stats *s, __u64 answer, __u64 tx_len, int sent)
{
	int cloned = sent & VNET_SENT_CLONED;

	if (sent & VNET_SENT_HELD)
		s->delayed += 1 + cloned;
	if (answer >= VNET_ANSWER_FRAG4) {
		/* frag.h: a first fragment is an echo request answered too. */
		if (answer == VNET_ANSWER_FRAG4)
			s->echo4++;
		else if (answer == VNET_ANSWER_FRAG6)
			s->echo6++;
		if (answer == VNET_ANSWER_FRAG4 || answer == VNET_ANSWER_FRAGN4)
			s->frag4++;
		else
			s->frag6++;
	} else if (answer >= VNET_ANSWER_DUP4) {
		if (answer == VNET_ANSWER_DUP4 || answer == VNET_ANSWER_HOPS4)
			s->echo4++;
		else
			s->echo6++;
		if (cloned && answer <= VNET_ANSWER_DUP6) {
			s->dup++;
			s->tx_packets++;
			s->tx_bytes += tx_len;
		}
	} else if (answer == VNET_ANSWER_TIMEX4)
		s->timex4++;
	else if (answer == VNET_ANSWER_TIMEX6)
		s->timex6++;
	else if (answer == VNET_ANSWER_UNREACH4)
		s->port_unreach4++;
	else if (answer == VNET_ANSWER_UNREACH6)
		s->port_unreach6++;
	else if (answer == VNET_ANSWER_TCP_RST)
		s->tcp_rst++;
	else if (answer == VNET_ANSWER_TCP_SYNACK)
		s->tcp_synack++;
	else
		s->ts4++;
}

/*
 * Account one frame that was answered: @rx_len as it came, @tx_len as the
 * reply left (an advertisement can differ).
 */
static __always_inline void vnet_count_reply(struct vnet_stats *s, __u64 answer, __u64 rx_len,
					     __u64 tx_len, int sent)
{
	s->rx_packets++;
	s->rx_bytes += rx_len;
	/*
	 * A compare each, not (&s->echo4)[answer - 1]: 6.1's verifier
	 * sees a signed answer read back from the stack as unbounded
	 * below and refuses the indexed map access.
	 */
	if (answer == VNET_ANSWER_ECHO4)
		s->echo4++;
	else if (answer == VNET_ANSWER_ECHO6)
		s->echo6++;
	else if (answer == VNET_ANSWER_ARP)
		s->arp++;
	else if (answer == VNET_ANSWER_ND)
		s->nd++;
	else
		vnet_count_l4(s, answer, tx_len, sent);
	s->tx_packets++;
	s->tx_bytes += tx_len;
}

/* Account one frame handed on or dropped (@v not VNET_REPLY). */
static __always_inline void vnet_count_pass(struct vnet_stats *s, enum vnet_verdict v,
					    __u64 answer, __u64 rx_len)
{
	s->rx_packets++;
	s->rx_bytes += rx_len;
	if (v == VNET_DROP_RATE_LIMITED) {
		s->drop_rate_limited++;
		return;
	}
	if (v == VNET_DROP_LOSS) {
		s->drop_loss++;
		return;
	}
	s->pass++;
	if (answer == VNET_ANSWER_CLAIM)
		s->claims++;
	if (v == VNET_PASS_MULTIBUF)
		s->pass_multibuf++;
	if (v > 0 && v < VNET_NR_VERDICTS)
		(&s->pass)[v]++;
}

static __always_inline void vnet_count(struct vnet_stats *s, enum vnet_verdict v,
				       __u64 answer, __u64 rx_len, __u64 tx_len, int sent)
{
	if (v == VNET_REPLY)
		vnet_count_reply(s, answer, rx_len, tx_len, sent);
	else
		vnet_count_pass(s, v, answer, rx_len);
}

/*
 * Give an XDP frame of *@len bytes the advertisement's length and write
 * it; *@len becomes the new length. The verdict stays VNET_REPLY, or
 * becomes TRUNCATED if the buffer cannot take it.
 */
static __always_inline enum vnet_verdict vnet_xdp_nd(struct xdp_md *ctx,
						     const struct vnet_result *res,
						     __u64 *len)
{
	__u32 want = res->l3 + sizeof(struct ipv6hdr) + VNET_ND_NA_LEN;
	void *data, *data_end;

	if (res->l3 > VNET_ETH_HLEN + VNET_MAX_VLAN * VNET_VLAN_HLEN)
		return VNET_PASS_TRUNCATED;	/* not reached: keeps the verifier sure */
	if (bpf_xdp_adjust_tail(ctx, (int)want - (int)*len))
		return VNET_PASS_TRUNCATED;
	/* The adjustment invalidated every packet pointer. */
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (vnet_nd_write(data, data_end, res->l3, &res->nd, &vnet_cfg))
		return VNET_PASS_TRUNCATED;	/* not reached: the length was just set */
	*len = want;
	return VNET_REPLY;
}

/*
 * vnet_hops_write() with the family a constant in each branch, so the
 * verifier sees fixed header sizes in each.
 */
static __always_inline int vnet_timex_write(void *ctx, int hook, void *data, void *data_end,
					    const struct vnet_result *res)
{
	if (res->answer == VNET_ANSWER_TIMEX4 || res->answer == VNET_ANSWER_UNREACH4)
		return vnet_hops_write(ctx, hook, data, data_end, res->l3, 4, &res->hop);
	return vnet_hops_write(ctx, hook, data, data_end, res->l3, 6, &res->hop);
}

/*
 * A Time Exceeded (hops.h) out of an XDP frame of *@len bytes: room for the
 * new headers at the head, the end cut after the quote, then the write.
 */
static __always_inline enum vnet_verdict vnet_xdp_timex(struct xdp_md *ctx,
							const struct vnet_result *res,
							__u64 *len)
{
	int family = res->answer == VNET_ANSWER_TIMEX4 ||
		     res->answer == VNET_ANSWER_UNREACH4 ? 4 : 6;
	__u32 grow = family == 4 ? VNET_HOPS_GROW4 : VNET_HOPS_GROW6;
	__u32 want = res->l3 + grow + res->hop.quote;
	void *data, *data_end;

	if (bpf_xdp_adjust_head(ctx, -(int)grow))
		return VNET_PASS_TRUNCATED;
	if (bpf_xdp_adjust_tail(ctx, (int)want - (int)(*len + grow)))
		goto undo;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (vnet_timex_write(ctx, VNET_HOOK_XDP, data, data_end, res))
		return VNET_PASS_TRUNCATED;	/* not reached: the lengths were just set */
	*len = want;
	return VNET_REPLY;
undo:
	/* The probe goes on unchanged: give the head back. */
	bpf_xdp_adjust_head(ctx, (int)grow);
	return VNET_PASS_TRUNCATED;
}

/*
 * A TCP answer (l4.h), written in place: the frame ends after its 20-byte
 * header. The bytes after it are the SYN's options and data: a frame too
 * short to lose them has none.
 */
static __always_inline enum vnet_verdict vnet_xdp_cut(struct xdp_md *ctx,
						      const struct vnet_result *res, __u64 *len)
{
	__u32 want = res->l3 + res->hop.quote;

	if (want != *len && bpf_xdp_adjust_tail(ctx, (int)want - (int)*len))
		return VNET_PASS_TRUNCATED;	/* not reached: it only shrinks */
	*len = want;
	return VNET_REPLY;
}

/*
 * The answers the frame is resized for (VNET_ANSWER_ND and after), or
 * dropped (loss=): out of line, as the answers themselves are in
 * reflect.h. Returns the verdict; *@len becomes the reply's length.
 */
static __noinline enum vnet_verdict vnet_xdp_resize(struct xdp_md *ctx,
						    const struct vnet_result *res, __u64 *len)
{
	__u64 first = (long)ctx->data_end - (long)ctx->data;

	if (*len != first && res->answer > VNET_ANSWER_ND && res->answer <= VNET_ANSWER_UNREACH6)
		return VNET_PASS_MULTIBUF;
	if (res->answer == VNET_ANSWER_ND)
		return vnet_xdp_nd(ctx, res, len);
	if (res->answer <= VNET_ANSWER_UNREACH6)
		return vnet_xdp_timex(ctx, res, len);
	if (res->answer == VNET_ANSWER_LOST)
		return VNET_DROP_LOSS;
	/* From DUP4 on, echo replies: dup= too, as XDP cannot clone. */
	if (res->answer < VNET_ANSWER_DUP4)
		return vnet_xdp_cut(ctx, res, len);
	return VNET_REPLY;
}

/*
 * How libxdp's dispatcher runs vnet_xdp (vnetctl attach --multiprog): its
 * priority, and XDP_PASS chained on, so what vnet hands on reaches the
 * next program. libxdp reads it from the BTF (a loaded program's run
 * configuration cannot be set any other way); it costs no instruction.
 */
struct {
	__uint(priority, VNET_XDP_RUN_PRIO);
	__uint(XDP_PASS, 1);
} _vnet_xdp SEC(".xdp_run_config");

SEC("xdp")
int vnet_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct vnet_result res;	/* vnet_reflect() fills in what is read */
	__u64 len = data_end - data, tx_len;
	struct vnet_stats *s;
	enum vnet_verdict v;

	/* The length first: a frame's test, where the flag is a load. */
	if (len >= VNET_XDP_MB_MIN && vnet_cfg.xdp_frags)
		len = bpf_xdp_get_buff_len(ctx);
	v = vnet_reflect(ctx, VNET_HOOK_XDP, data, data_end, len, 0, &vnet_cfg, &res);
	/*
	 * The counters only now: looked up first, their pointer held a
	 * register through the whole parse, which spilled what the echo
	 * needs. The lookup of slot 0 never fails; were it to, the frame
	 * still goes where its verdict says, uncounted.
	 */
	s = vnet_stats_get();
	/*
	 * Each way counts on its own: where the reasons to hand a frame on
	 * met the reply's path, every one of them set the reply's length
	 * (a phi clang fills in on each edge) and the echo path paid for
	 * the register it held.
	 */
	if (v != VNET_REPLY)
		goto pass;
	if (res.answer >= VNET_ANSWER_ND) {
		/* Its address taken here only: the echo's length stays in a register. */
		__u64 resized = len;

		v = vnet_xdp_resize(ctx, &res, &resized);
		if (v != VNET_REPLY)
			goto pass;
		tx_len = resized;
	} else {
		tx_len = len;
	}
	if (s)
		vnet_count_reply(s, res.answer, len, tx_len, 0);
	return XDP_TX;
pass:
	if (s)
		vnet_count_pass(s, v, res.answer, len);
	return v == VNET_DROP_RATE_LIMITED || v == VNET_DROP_LOSS ? XDP_DROP : XDP_PASS;
}

/*
 * An skb's data pointers after a helper that may move them (pull, change
 * head or tail): loaded afresh, each behind a barrier that keeps clang
 * from merging the two loads into one with a computed context offset,
 * which the verifier rejects.
 */
static __always_inline void vnet_skb_reload(struct __sk_buff *skb, void **data, void **data_end)
{
	asm volatile("" ::: "memory");
	*data = (void *)(long)skb->data;
	asm volatile("" ::: "memory");
	*data_end = (void *)(long)skb->data_end;
}

/*
 * An skb can carry most of its bytes in pages: a packet socket with a TX
 * ring leaves only the Ethernet header linear. Make the headers the core
 * needs readable first, or no such frame would ever match.
 */
static __always_inline enum vnet_verdict vnet_reflect_skb(struct __sk_buff *skb,
							  struct vnet_result *res)
{
	__u32 want = skb->len < VNET_MAX_HDR_LEN ? skb->len : VNET_MAX_HDR_LEN;
	void *data, *data_end;

	if ((long)skb->data_end - (long)skb->data < want)
		bpf_skb_pull_data(skb, want);
	vnet_skb_reload(skb, &data, &data_end);
	return vnet_reflect(skb, VNET_HOOK_SKB, data, data_end, skb->len,
			    skb->vlan_present ? 1 : 0, &vnet_cfg, res);
}

/* The skb twin of vnet_xdp_nd(): set the length, make it all linear, write. */
static __always_inline enum vnet_verdict vnet_skb_nd(struct __sk_buff *skb,
						     const struct vnet_result *res,
						     __u64 *len)
{
	__u32 want = res->l3 + sizeof(struct ipv6hdr) + VNET_ND_NA_LEN;
	void *data, *data_end;

	if (bpf_skb_change_tail(skb, want, 0) || bpf_skb_pull_data(skb, want))
		return VNET_PASS_TRUNCATED;
	vnet_skb_reload(skb, &data, &data_end);
	if (vnet_nd_write(data, data_end, res->l3, &res->nd, &vnet_cfg))
		return VNET_PASS_TRUNCATED;
	*len = want;
	return VNET_REPLY;
}

/* The skb twin of vnet_xdp_timex(). */
static __always_inline enum vnet_verdict vnet_skb_timex(struct __sk_buff *skb,
							const struct vnet_result *res,
							__u64 *len)
{
	int family = res->answer == VNET_ANSWER_TIMEX4 ||
		     res->answer == VNET_ANSWER_UNREACH4 ? 4 : 6;
	__u32 grow = family == 4 ? VNET_HOPS_GROW4 : VNET_HOPS_GROW6;
	__u32 want = res->l3 + grow + res->hop.quote;
	__u32 lin = res->l3 + grow + (family == 4 ? 20 : 40);
	void *data, *data_end;

	/*
	 * Past the head's growth there is no way back to the probe: a
	 * failure of change_tail (memory) hands on a frame that is neither,
	 * counted as pass_truncated.
	 */
	if (bpf_skb_change_head(skb, grow, 0))
		return VNET_PASS_TRUNCATED;
	if (bpf_skb_change_tail(skb, want, 0) || bpf_skb_pull_data(skb, lin))
		return VNET_PASS_TRUNCATED;
	vnet_skb_reload(skb, &data, &data_end);
	if (vnet_timex_write(skb, VNET_HOOK_SKB, data, data_end, res))
		return VNET_PASS_TRUNCATED;
	*len = want;
	return VNET_REPLY;
}

static __always_inline enum vnet_verdict vnet_skb_cut(struct __sk_buff *skb,
						      const struct vnet_result *res, __u64 *len)
{
	__u32 want = res->l3 + res->hop.quote;

	if (want != *len && bpf_skb_change_tail(skb, want, 0))
		return VNET_PASS_TRUNCATED;
	*len = want;
	return VNET_REPLY;
}

/*
 * An echo reply of a prefix with attributes (hops.h, delay.h): stamped
 * with its departure time for delay= (tc ingress only: a loopback reply
 * goes to the receive path, where no qdisc holds it), then, for dup=, a
 * clone goes first and the frame itself follows. Returns VNET_SENT_* bits.
 */
static __always_inline int vnet_tc_echo(struct __sk_buff *skb, const struct vnet_result *res,
					__u64 redirect_flags)
{
	int sent = 0;

	if (!redirect_flags && res->delay_us &&
	    !vnet_delay_stamp(skb, res->delay_us, res->jittered))
		sent |= VNET_SENT_HELD;
	if (res->answer <= VNET_ANSWER_DUP6 &&
	    !bpf_clone_redirect(skb, skb->ifindex, redirect_flags))
		sent |= VNET_SENT_CLONED;
	return sent;
}

/*
 * vnet_xdp_resize()'s twin, and the echo replies of prefixes with
 * attributes (vnet_tc_echo()): VNET_SENT_* bits in *@sent.
 */
static __noinline enum vnet_verdict vnet_skb_resize(struct __sk_buff *skb,
						    const struct vnet_result *res, __u64 *len,
						    __u64 redirect_flags, int *sent)
{
	if (res->answer == VNET_ANSWER_ND)
		return vnet_skb_nd(skb, res, len);
	if (res->answer <= VNET_ANSWER_UNREACH6)
		return vnet_skb_timex(skb, res, len);
	if (res->answer == VNET_ANSWER_LOST)
		return VNET_DROP_LOSS;
	if (res->answer < VNET_ANSWER_DUP4)
		return vnet_skb_cut(skb, res, len);
	/* Not the fragments of frag.h (after them): no delay=, no dup=. */
	if (res->answer <= VNET_ANSWER_HOPS6)
		*sent = vnet_tc_echo(skb, res, redirect_flags);
	return VNET_REPLY;
}

static __always_inline int vnet_tc(struct __sk_buff *skb, __u64 redirect_flags)
{
	struct vnet_stats *s = vnet_stats_get();
	struct vnet_result res;	/* vnet_reflect() fills in what is read */
	__u64 len = skb->len, tx_len = len;
	enum vnet_verdict v;
	int sent = 0;

	/*
	 * What vnet hands on is TC_ACT_UNSPEC (tcx: TCX_NEXT): the filters or
	 * tcx programs behind it still see the frame, and where there are
	 * none, it goes on up the stack as with TC_ACT_OK.
	 */
	if (!s)
		return TC_ACT_UNSPEC;
	v = vnet_reflect_skb(skb, &res);
	if (v == VNET_REPLY && res.answer >= VNET_ANSWER_ND) {
		__u64 resized = len;	/* as in vnet_xdp() */

		v = vnet_skb_resize(skb, &res, &resized, redirect_flags, &sent);
		tx_len = resized;
	}
	vnet_count(s, v, res.answer, len, tx_len, sent);
	if (v == VNET_REPLY)
		return bpf_redirect(skb->ifindex, redirect_flags);
	return v == VNET_DROP_RATE_LIMITED || v == VNET_DROP_LOSS ? TC_ACT_SHOT : TC_ACT_UNSPEC;
}

/* TC ingress: the reply leaves by the device it came in on. */
SEC("tc")
int vnet_tc_ingress(struct __sk_buff *skb)
{
	return vnet_tc(skb, 0);
}

/*
 * TC egress "loopback": a request the host itself sends out of the device
 * is answered back into that device's receive path, as if a host on the
 * other end had replied. Works on any netdev, no kernel module needed.
 */
SEC("tc")
int vnet_tc_loop(struct __sk_buff *skb)
{
	return vnet_tc(skb, BPF_F_INGRESS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
