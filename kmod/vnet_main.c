// SPDX-License-Identifier: GPL-2.0-only
/*
 * vnet_main.c - a virtual Ethernet NIC whose far end answers pings.
 *
 * The module creates vnet0..vnet<numdevs-1> at load, and `ip link add NAME
 * type vnet` makes more. Everything the host transmits on one crosses a
 * virtual link to a far end inside the driver: an attached XDP program, or
 * else the built-in ICMP/ICMPv6 echo responder, answers into the device's
 * receive path (vnet_link.c, vnet_rx.c, vnet_xdp.c, vnet_respond.c).
 *
 * The device is IFF_NOARP: a neighbour on it resolves to its own MAC, which
 * is exactly what the far end's MAC swap turns back into a frame for us, so
 * any address routed via vnet0 answers without ARP or ND.
 */
#include <linux/etherdevice.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/version.h>
#include <net/rtnetlink.h>

#include "vnet_drv.h"

static unsigned int numdevs = 1;
module_param(numdevs, uint, 0444);
MODULE_PARM_DESC(numdevs, "Number of vnet devices created at load (default 1)");

static int vnet_dev_init(struct net_device *dev)
{
	struct vnet_priv *priv = netdev_priv(dev);
	int err;

	priv->stats = netdev_alloc_pcpu_stats(struct vnet_pcpu_stats);
	if (!priv->stats)
		return -ENOMEM;

	priv->far = alloc_percpu(struct vnet_far_end);
	if (!priv->far) {
		err = -ENOMEM;
		goto err_stats;
	}

	err = vnet_link_init(dev);
	if (err)
		goto err_far;

	netdev_lockdep_set_classes(dev);
	return 0;

err_far:
	free_percpu(priv->far);
err_stats:
	free_percpu(priv->stats);
	return err;
}

/* Paired with vnet_dev_init(); the device is closed and unlisted by now. */
static void vnet_dev_uninit(struct net_device *dev)
{
	struct vnet_priv *priv = netdev_priv(dev);

	vnet_xdp_release(dev);
	vnet_link_uninit(dev);
	free_percpu(priv->far);
	free_percpu(priv->stats);
}

static int vnet_open(struct net_device *dev)
{
	vnet_link_open(dev);
	return 0;
}

static int vnet_stop(struct net_device *dev)
{
	vnet_link_stop(dev);
	return 0;
}

static const struct net_device_ops vnet_netdev_ops = {
	.ndo_init		= vnet_dev_init,
	.ndo_uninit		= vnet_dev_uninit,
	.ndo_open		= vnet_open,
	.ndo_stop		= vnet_stop,
	.ndo_start_xmit		= vnet_start_xmit,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_get_stats64	= vnet_get_stats64,
	.ndo_bpf		= vnet_bpf,
};

static void vnet_setup(struct net_device *dev)
{
	ether_setup(dev);

	dev->netdev_ops = &vnet_netdev_ops;
	dev->ethtool_ops = &vnet_ethtool_ops;
	dev->needs_free_netdev = true;

	dev->flags |= IFF_NOARP;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE;
	/*
	 * The far end keeps what it is given, rewrites it and sends it back:
	 * pktgen must not hand the same skb over and over.
	 */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;

	/*
	 * No checksum or segmentation offload: the far end, an XDP program
	 * included, must see frames as they would be on the wire.
	 */
	dev->features |= NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA;
	dev->hw_features |= dev->features;
	dev->vlan_features |= dev->features;
	/* xmit only touches this CPU's backlog: no queue lock needed. */
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	/* What the far end does with a program's verdicts (vnet_xdp.c). */
	dev->xdp_features = NETDEV_XDP_ACT_BASIC;
#endif

	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	eth_hw_addr_random(dev);
}

static int vnet_validate(struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_MOD(extack, "Invalid MAC address length");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_MOD(extack, "MAC address must be unicast and non-zero");
			return -EADDRNOTAVAIL;
		}
	}
	return 0;
}

static struct rtnl_link_ops vnet_link_ops __read_mostly = {
	.kind		= VNET_DRV_NAME,
	.priv_size	= sizeof(struct vnet_priv),
	.setup		= vnet_setup,
	.validate	= vnet_validate,
};

static int __init vnet_create_one(void)
{
	struct net_device *dev;
	int err;

	dev = alloc_netdev(sizeof(struct vnet_priv), VNET_DRV_NAME "%d", NET_NAME_ENUM,
			   vnet_setup);
	if (!dev)
		return -ENOMEM;

	dev->rtnl_link_ops = &vnet_link_ops;
	err = register_netdevice(dev);
	if (err < 0)
		free_netdev(dev);
	return err;
}

static int __init vnet_init_module(void)
{
	unsigned int i;
	int err;

	err = rtnl_link_register(&vnet_link_ops);
	if (err < 0)
		return err;

	rtnl_lock();
	for (i = 0; i < numdevs && !err; i++) {
		err = vnet_create_one();
		cond_resched();
	}
	rtnl_unlock();

	/* Unregistering the link type deletes the devices made so far. */
	if (err < 0)
		rtnl_link_unregister(&vnet_link_ops);
	return err;
}

/*
 * Deletes every vnet device in every namespace, whatever state it is in:
 * each is closed (NAPI disabled, backlog purged), its XDP program detached
 * and released, then freed.
 */
static void __exit vnet_cleanup_module(void)
{
	rtnl_link_unregister(&vnet_link_ops);
}

module_init(vnet_init_module);
module_exit(vnet_cleanup_module);
MODULE_DESCRIPTION("Virtual Ethernet NIC whose far end answers pings, with native XDP");
MODULE_LICENSE("GPL");
MODULE_ALIAS_RTNL_LINK(VNET_DRV_NAME);
