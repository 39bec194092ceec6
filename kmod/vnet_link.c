// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnet_link.c - the link between vnet0 and its far end: the host's transmit
 * into a per-CPU backlog, and the life of the backlogs and of the NAPI
 * contexts that drain them (vnet_rx.c's poll): set up at ndo_init, enabled
 * at open, stopped and flushed at stop, torn down at ndo_uninit.
 *
 * Each CPU transmits into its own backlog and drains it from its own NAPI
 * context, as the core's per-CPU backlog does for netif_rx(): no lock is
 * shared between CPUs on the fast path, and a frame is answered on the CPU
 * that sent it.
 */
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "vnet_drv.h"

/*
 * The host's end of the link. Runs with BH disabled, so this_cpu_ptr() is
 * stable and nothing else on this CPU produces into its backlog meanwhile:
 * the lock ptr_ring_produce() takes is uncontended.
 */
netdev_tx_t vnet_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vnet_priv *priv = netdev_priv(dev);
	struct vnet_far_end *fe = this_cpu_ptr(priv->far);
	unsigned int len = skb->len;

	skb_tx_timestamp(skb);
	if (unlikely(ptr_ring_produce(&fe->backlog, skb))) {
		vnet_count(priv, VNET_LINK_DROPS, 1);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	/* The ring owns the skb now: only the length read before is ours. */
	vnet_count_frame(priv, VNET_TX_PACKETS, len);

	/*
	 * If the poll is already running, this sets NAPI_STATE_MISSED and
	 * napi_complete_done() polls once more, so the frame is never stranded.
	 */
	napi_schedule(&fe->napi);
	return NETDEV_TX_OK;
}

/*
 * Drop what is still on the link, the delay line included; NAPI is
 * disabled, so nobody else consumes.
 */
static void vnet_backlog_flush(struct vnet_priv *priv, struct vnet_far_end *fe)
{
	struct sk_buff *skb;
	u64 n = vnet_delay_flush(fe);

	while ((skb = ptr_ring_consume_bh(&fe->backlog))) {
		kfree_skb(skb);
		n++;
	}
	if (n) {
		local_bh_disable();	/* vnet_count() wants this CPU's slot to itself */
		vnet_count(priv, VNET_LINK_FLUSHED, n);
		local_bh_enable();
	}
}

static void vnet_backlog_free(void *ptr)
{
	kfree_skb(ptr);
}

/*
 * Undo vnet_link_init() for the CPUs in @cpus. NAPI contexts live in per-CPU
 * memory the caller frees afterwards: one grace period covers them all.
 */
static void vnet_link_teardown(struct net_device *dev, const struct cpumask *cpus)
{
	struct vnet_priv *priv = netdev_priv(dev);
	int cpu;

	for_each_cpu(cpu, cpus) {
		struct vnet_far_end *fe = per_cpu_ptr(priv->far, cpu);

		xdp_rxq_info_unreg(&fe->xdp_rxq);
		__netif_napi_del(&fe->napi);
	}
	synchronize_net();
	for_each_cpu(cpu, cpus)
		ptr_ring_cleanup(&per_cpu_ptr(priv->far, cpu)->backlog, vnet_backlog_free);
}

/*
 * Set up every possible CPU's far end at ndo_init, before the device can
 * carry traffic. The xdp_rxq_info is registered here, once per far end, with
 * the NAPI id netif_napi_add() assigned, so attaching a program allocates
 * nothing and cannot fail halfway.
 */
int vnet_link_init(struct net_device *dev)
{
	struct vnet_priv *priv = netdev_priv(dev);
	cpumask_var_t done;
	int cpu, err;

	if (!zalloc_cpumask_var(&done, GFP_KERNEL))
		return -ENOMEM;

	for_each_possible_cpu(cpu) {
		struct vnet_far_end *fe = per_cpu_ptr(priv->far, cpu);

		err = ptr_ring_init(&fe->backlog, VNET_BACKLOG_LEN, GFP_KERNEL);
		if (err)
			goto err_unwind;

		netif_napi_add(dev, &fe->napi, vnet_poll);
		vnet_delay_init(fe);

		/* The queue index is the CPU: each far end is one RX "queue". */
		err = xdp_rxq_info_reg(&fe->xdp_rxq, dev, cpu, fe->napi.napi_id);
		if (err)
			goto err_napi;
		/* Buffers are whole pages from alloc_page(), freed with put_page(). */
		err = xdp_rxq_info_reg_mem_model(&fe->xdp_rxq, MEM_TYPE_PAGE_SHARED, NULL);
		if (err)
			goto err_rxq;

		cpumask_set_cpu(cpu, done);
	}
	free_cpumask_var(done);
	return 0;

err_rxq:
	xdp_rxq_info_unreg(&per_cpu_ptr(priv->far, cpu)->xdp_rxq);
err_napi:
	netif_napi_del(&per_cpu_ptr(priv->far, cpu)->napi);
	ptr_ring_cleanup(&per_cpu_ptr(priv->far, cpu)->backlog, NULL);
err_unwind:
	vnet_link_teardown(dev, done);
	free_cpumask_var(done);
	return err;
}

void vnet_link_uninit(struct net_device *dev)
{
	vnet_link_teardown(dev, cpu_possible_mask);
}

void vnet_link_open(struct net_device *dev)
{
	struct vnet_priv *priv = netdev_priv(dev);
	int cpu;

	for_each_possible_cpu(cpu)
		napi_enable(&per_cpu_ptr(priv->far, cpu)->napi);
}

/*
 * The core has stopped transmission (dev_deactivate) before ndo_stop, so
 * once NAPI is disabled nothing touches the backlogs any more.
 */
void vnet_link_stop(struct net_device *dev)
{
	struct vnet_priv *priv = netdev_priv(dev);
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vnet_far_end *fe = per_cpu_ptr(priv->far, cpu);

		napi_disable(&fe->napi);
		vnet_backlog_flush(priv, fe);
	}
}
