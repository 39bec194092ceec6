// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnet_delay.c - the far end's distance: a delay line between the far end's
 * answer and vnet0's receive path, so that a ping through vnet0 sees a
 * round-trip time, as to a host that is far away.
 *
 * With the module parameter delay_us (and jitter_us) not 0, every frame the
 * far end sends back (a built-in reply or an XDP_TX frame) is held for
 * delay_us, plus or minus a uniform draw of up to jitter_us (at most
 * delay_us), from the moment it was answered. Both can be changed at run
 * time (/sys/module/vnet/parameters/); a change applies to the frames
 * answered after it.
 *
 * Each CPU's far end keeps its own line: an rbtree of the held frames
 * ordered by due time (the time in skb->cb), as sch_netem's tfifo does, so
 * that with jitter a frame drawn short leaves before one drawn long that
 * came earlier, as under netem's jitter; and an hrtimer armed for the
 * earliest. The line is only ever touched from the NAPI poll (and, once NAPI
 * is disabled, from the stop that flushes it); the timer only schedules the
 * poll, which takes what is due and delivers it. So the poll stays the one
 * place that delivers, and nothing here needs a lock.
 *
 *   poll: vnet_delay_due() -> deliver      (frames whose time has come)
 *         answer -> vnet_delay_hold() -> deliver now, or held
 *         vnet_delay_arm() before napi_complete_done()
 *   timer: napi_schedule()
 */
#include <linux/hrtimer.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/rbtree.h>
#include <linux/skbuff.h>
#include <linux/version.h>

#include "vnet_drv.h"

/* At most 10 s each, as tc's fq horizon; the jitter is capped at the delay. */
#define VNET_DELAY_MAX_US	(10 * USEC_PER_SEC)

static unsigned int delay_us;
static unsigned int jitter_us;

static int vnet_delay_param_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, VNET_DELAY_MAX_US);
}

static const struct kernel_param_ops vnet_delay_param_ops = {
	.set	= vnet_delay_param_set,
	.get	= param_get_uint,
};

module_param_cb(delay_us, &vnet_delay_param_ops, &delay_us, 0644);
MODULE_PARM_DESC(delay_us, "Far end's one-way delay of every answer, in microseconds (0: none; at most 10 s)");
module_param_cb(jitter_us, &vnet_delay_param_ops, &jitter_us, 0644);
MODULE_PARM_DESC(jitter_us, "Uniform jitter of the delay, +- microseconds (at most delay_us)");

struct vnet_delay_cb {
	u64	due;	/* CLOCK_MONOTONIC ns */
};

static struct vnet_delay_cb *vnet_delay_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct vnet_delay_cb) > sizeof_field(struct sk_buff, cb));
	return (struct vnet_delay_cb *)skb->cb;
}

static bool vnet_delay_less(struct rb_node *a, const struct rb_node *b)
{
	return vnet_delay_cb(rb_to_skb(a))->due <
	       vnet_delay_cb(rb_to_skb((struct rb_node *)b))->due;
}

/* The draw: delay_us, or uniform in [delay_us - j, delay_us + j]. */
static u64 vnet_delay_draw_ns(unsigned int d, unsigned int j)
{
	if (j > d)
		j = d;
	if (j)
		d = d - j + (u32)(((u64)get_random_u32() * (2 * (u64)j + 1)) >> 32);
	return (u64)d * NSEC_PER_USEC;
}

/*
 * @skb, the far end's answer: returned when it goes now (no delay asked
 * for), NULL when the line keeps it (or drops it, full, counted).
 */
struct sk_buff *vnet_delay_hold(struct vnet_far_end *fe, struct vnet_priv *priv,
				struct sk_buff *skb)
{
	unsigned int d = READ_ONCE(delay_us);

	if (!d)
		return skb;
	if (fe->delay_len >= VNET_DELAY_MAX_LEN) {
		vnet_count(priv, VNET_DELAY_DROPS, 1);
		kfree_skb(skb);
		return NULL;
	}
	vnet_delay_cb(skb)->due = ktime_get_ns() + vnet_delay_draw_ns(d, READ_ONCE(jitter_us));
	/* The rbtree node shares its words with skb->dev: eth_type_trans() sets it again. */
	rb_add_cached(&skb->rbnode, &fe->delayq, vnet_delay_less);
	fe->delay_len++;
	vnet_count(priv, VNET_DELAYED, 1);
	return NULL;
}

/* The earliest held frame if it is due at @now, taken off the line; else NULL. */
struct sk_buff *vnet_delay_due(struct vnet_far_end *fe, u64 now)
{
	struct rb_node *first = rb_first_cached(&fe->delayq);
	struct sk_buff *skb;

	if (!first)
		return NULL;
	skb = rb_to_skb(first);
	if (vnet_delay_cb(skb)->due > now)
		return NULL;
	rb_erase_cached(first, &fe->delayq);
	fe->delay_len--;
	/*
	 * The rbtree node shares its words with next, prev and dev (as in
	 * netem's tfifo): none may reach GRO holding tree pointers.
	 */
	skb->next = NULL;
	skb->prev = NULL;
	skb->dev = fe->napi.dev;
	return skb;
}

/*
 * Before the poll completes: the timer for the earliest held frame. Armed
 * while the poll still owns NAPI, so a timer that fires at once finds it
 * scheduled and napi_complete_done() polls again.
 */
void vnet_delay_arm(struct vnet_far_end *fe)
{
	struct rb_node *first = rb_first_cached(&fe->delayq);

	if (first)
		hrtimer_start(&fe->delay_timer, ns_to_ktime(vnet_delay_cb(rb_to_skb(first))->due),
			      HRTIMER_MODE_ABS_PINNED);
}

static enum hrtimer_restart vnet_delay_fire(struct hrtimer *timer)
{
	struct vnet_far_end *fe = container_of(timer, struct vnet_far_end, delay_timer);

	/* A no-op while NAPI is disabled: the stop flushes the line. */
	napi_schedule(&fe->napi);
	return HRTIMER_NORESTART;
}

void vnet_delay_init(struct vnet_far_end *fe)
{
	fe->delayq = RB_ROOT_CACHED;
	fe->delay_len = 0;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(&fe->delay_timer, vnet_delay_fire, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_PINNED);
#else
	hrtimer_init(&fe->delay_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_PINNED);
	fe->delay_timer.function = vnet_delay_fire;
#endif
}

/*
 * With NAPI disabled (nothing polls): stop the timer and drop what the line
 * still holds, counted as frames on the link when the device went down.
 * Returns how many.
 */
u64 vnet_delay_flush(struct vnet_far_end *fe)
{
	struct rb_node *first;
	u64 n = 0;

	hrtimer_cancel(&fe->delay_timer);
	while ((first = rb_first_cached(&fe->delayq))) {
		rb_erase_cached(first, &fe->delayq);
		kfree_skb(rb_to_skb(first));
		n++;
	}
	fe->delay_len = 0;
	return n;
}
