// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnet_rx.c - the far end at work: the NAPI poll takes each frame off this
 * CPU's backlog, asks the far end for its answer and hands the answer to
 * vnet0's receive path.
 *
 * As in veth_xdp_rcv(), the poll is the one place that delivers:
 * vnet_xdp_run() returns the program's verdict and the frame it left,
 * vnet_respond() returns the reply or nothing, vnet_delay_hold() the answer
 * if it goes now (else the delay line keeps it, and vnet_delay_due() gives
 * it back when its time has come), and none knows where its result goes. So every frame vnet0 receives is counted, typed and handed to
 * GRO here, and nowhere else.
 */
#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "vnet_drv.h"

/*
 * What the far end sends back for @skb, or NULL when it sends nothing (the
 * frame was consumed, dropped or lost, and counted where that happened).
 * @prog is the program attached for this poll, or NULL.
 */
static struct sk_buff *vnet_far_end_answer(struct vnet_far_end *fe, struct vnet_priv *priv,
					   struct bpf_prog *prog, struct sk_buff *skb)
{
	if (prog) {
		switch (vnet_xdp_run(fe, prog, &skb)) {
		case XDP_TX:
			return skb;
		case XDP_PASS:
			/* The responder is the program's fallback. */
			break;
		default:
			return NULL;
		}
	}
	return vnet_respond(priv, fe->napi.dev->dev_addr, skb);
}

/*
 * @skb arrives on vnet0 like a frame from the wire. Checksums are left for
 * the stack to verify (no CHECKSUM_UNNECESSARY): a reply to a request with a
 * bad checksum must fail.
 */
static void vnet_deliver(struct vnet_far_end *fe, struct vnet_priv *priv, struct sk_buff *skb)
{
	vnet_count_frame(priv, VNET_RX_PACKETS, skb->len);
	skb->protocol = eth_type_trans(skb, fe->napi.dev);
	skb->ip_summed = CHECKSUM_NONE;
	napi_gro_receive(&fe->napi, skb);
}

int vnet_poll(struct napi_struct *napi, int budget)
{
	struct vnet_far_end *fe = container_of(napi, struct vnet_far_end, napi);
	struct vnet_priv *priv = netdev_priv(napi->dev);
	struct bpf_prog *prog;
	struct sk_buff *skb;
	int done = 0;

	/*
	 * One program for the whole batch, as hardware drivers do; an
	 * attach or detach takes effect from the next poll. The old program
	 * is freed only after an RCU grace period, so it stays valid here.
	 */
	rcu_read_lock();
	prog = rcu_dereference(priv->xdp_prog);
	/* What the delay line held and is due now goes first: it was answered first. */
	if (fe->delay_len) {
		u64 now = ktime_get_ns();

		while (done < budget && (skb = vnet_delay_due(fe, now))) {
			vnet_deliver(fe, priv, skb);
			done++;
		}
	}
	while (done < budget && (skb = __ptr_ring_consume(&fe->backlog))) {
		skb = vnet_far_end_answer(fe, priv, prog, skb);
		if (skb)
			skb = vnet_delay_hold(fe, priv, skb);
		if (skb)
			vnet_deliver(fe, priv, skb);
		done++;
	}
	rcu_read_unlock();

	if (done < budget) {
		if (fe->delay_len)
			vnet_delay_arm(fe);
		napi_complete_done(napi, done);
	}
	return done;
}
