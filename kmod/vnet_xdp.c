// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnet_xdp.c - native XDP at the far end of the link.
 *
 * A program attached in driver mode (XDP_SETUP_PROG) runs on every frame the
 * host transmits, before the built-in responder: XDP_TX sends the frame back
 * across the link into vnet0's receive path, XDP_PASS hands it on to the
 * responder, XDP_DROP and XDP_ABORTED drop it. So the BPF reflector becomes
 * the fast path and the responder its fallback, with the same program that
 * runs on a veth. This file only runs the program and says what it decided;
 * acting on XDP_TX and XDP_PASS is the NAPI poll's (vnet_rx.c).
 *
 * The program works on a private linear copy in a page of its own, laid out
 * as on any XDP driver (XDP_PACKET_HEADROOM in front, skb_shared_info room
 * behind): the host's skb, and every clone of it a packet socket holds,
 * stays exactly as it was sent, and the page becomes the reply skb without
 * another copy.
 */
#include <linux/bpf.h>
#include <linux/bpf_trace.h>
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "vnet_drv.h"

/*
 * Wrap the buffer the program left behind in an skb. Metadata the program
 * put in front of the frame travels with XDP_PASS, as on hardware drivers;
 * an XDP_TX frame crosses the link, and metadata does not.
 */
static struct sk_buff *vnet_xdp_build_skb(struct xdp_buff *xdp, bool keep_meta)
{
	unsigned int metasize = xdp->data - xdp->data_meta;
	struct sk_buff *skb;

	skb = napi_build_skb(xdp->data_hard_start, xdp->frame_sz);
	if (unlikely(!skb))
		return NULL;
	skb_reserve(skb, xdp->data - xdp->data_hard_start);
	__skb_put(skb, xdp->data_end - xdp->data);
	if (keep_meta && metasize)
		skb_metadata_set(skb, metasize);
	return skb;
}

/*
 * Run @prog on the frame *@pskb, from the NAPI poll under rcu_read_lock().
 * Returns the program's verdict when it leaves a frame: XDP_TX (send it back
 * across the link) or XDP_PASS (hand it to the responder), with *@pskb now
 * that frame, for the poll to act on. Any other return means the frame is
 * gone (dropped, aborted, or lost to an error), counted here, and *@pskb is
 * NULL. The skb the host sent is consumed either way.
 */
u32 vnet_xdp_run(struct vnet_far_end *fe, struct bpf_prog *prog, struct sk_buff **pskb)
{
	struct net_device *dev = fe->napi.dev;
	struct vnet_priv *priv = netdev_priv(dev);
	struct sk_buff *skb = *pskb;
	unsigned int len = skb->len;
	struct xdp_buff xdp;
	struct page *page;
	u32 act;

	*pskb = NULL;
	/* ndo_bpf keeps the MTU below this; a raw packet socket may not. */
	if (unlikely(len > VNET_XDP_MAX_FRAME))
		goto err_skb;
	page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
	if (unlikely(!page))
		goto err_skb;
	if (unlikely(skb_copy_bits(skb, 0, page_address(page) + VNET_XDP_HEADROOM, len)))
		goto err_page_skb;
	/* The frame has crossed the link; the sender's skb is done with. */
	consume_skb(skb);

	xdp_init_buff(&xdp, PAGE_SIZE, &fe->xdp_rxq);
	xdp_prepare_buff(&xdp, page_address(page), VNET_XDP_HEADROOM, len, true);
	act = bpf_prog_run_xdp(prog, &xdp);
	vnet_count(priv, VNET_XDP_PACKETS, 1);

	switch (act) {
	case XDP_TX:
		/*
		 * bpf_xdp_adjust_*() keep an Ethernet header, but the frame
		 * may never have had one: no receiver takes a runt.
		 */
		if (unlikely(xdp.data_end - xdp.data < ETH_HLEN))
			goto err_page;
		*pskb = vnet_xdp_build_skb(&xdp, false);
		if (unlikely(!*pskb))
			goto err_page;
		vnet_count(priv, VNET_XDP_TX, 1);
		return XDP_TX;
	case XDP_PASS:
		*pskb = vnet_xdp_build_skb(&xdp, true);
		if (unlikely(!*pskb))
			goto err_page;
		vnet_count(priv, VNET_XDP_PASS, 1);
		return XDP_PASS;
	default:
		/* XDP_REDIRECT included: this far end has nowhere to send to. */
		bpf_warn_invalid_xdp_action(dev, prog, act);
		fallthrough;
	case XDP_ABORTED:
		trace_xdp_exception(dev, prog, act);
		vnet_count(priv, VNET_XDP_ABORTED, 1);
		put_page(page);
		return XDP_ABORTED;
	case XDP_DROP:
		vnet_count(priv, VNET_XDP_DROP, 1);
		put_page(page);
		return XDP_DROP;
	}

err_page_skb:
	put_page(page);
err_skb:
	vnet_link_error(priv, skb);
	return XDP_DROP;
err_page:
	vnet_count(priv, VNET_LINK_ERRORS, 1);
	put_page(page);
	return XDP_DROP;
}

/*
 * XDP_SETUP_PROG, under RTNL. The core hands over a reference to @prog; the
 * one to the program it replaces is dropped here. NAPI polls that still run
 * the old program hold rcu_read_lock(), and BPF frees programs only after a
 * grace period, so no synchronisation with the data path is needed.
 */
static int vnet_xdp_set(struct net_device *dev, struct bpf_prog *prog,
			struct netlink_ext_ack *extack)
{
	struct vnet_priv *priv = netdev_priv(dev);
	struct bpf_prog *old;

	if (prog && dev->mtu > VNET_XDP_MAX_MTU) {
		NL_SET_ERR_MSG_MOD(extack, "MTU too large for XDP: a frame must fit in one page");
		return -ERANGE;
	}

	old = rcu_replace_pointer(priv->xdp_prog, prog, lockdep_rtnl_is_held());
	if (old)
		bpf_prog_put(old);

	/* While a program is attached, every frame must fit its buffer. */
	dev->max_mtu = prog ? VNET_XDP_MAX_MTU : ETH_MAX_MTU;
	return 0;
}

int vnet_bpf(struct net_device *dev, struct netdev_bpf *bpf)
{
	switch (bpf->command) {
	case XDP_SETUP_PROG:
		return vnet_xdp_set(dev, bpf->prog, bpf->extack);
	default:
		return -EINVAL;
	}
}

/*
 * At ndo_uninit. The core has already detached the program
 * (dev_xdp_uninstall() runs before ndo_uninit), so this finds nothing unless
 * that ever changes; it is the last point where a reference could leak.
 */
void vnet_xdp_release(struct net_device *dev)
{
	struct vnet_priv *priv = netdev_priv(dev);
	struct bpf_prog *old;

	old = rcu_replace_pointer(priv->xdp_prog, NULL, lockdep_rtnl_is_held());
	if (old)
		bpf_prog_put(old);
}
