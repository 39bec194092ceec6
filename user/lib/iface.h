/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * iface.h - network interfaces by name: existence and driver.
 */
#ifndef VNET_IFACE_H
#define VNET_IFACE_H

#include <stddef.h>

/*
 * The ifindex of @name, or 0 after reporting "IFACE: no such interface"
 * (also for names the kernel could never accept, such as too long ones).
 */
int iface_resolve(const char *name);

/*
 * The driver name ethtool reports for @name (e.g. "veth") into @buf.
 * Returns 0, or -errno; devices without ethtool driver info (lo, some
 * virtual devices) give -EOPNOTSUPP.
 */
int iface_driver(const char *name, char *buf, size_t len);

/*
 * The 6-byte Ethernet address of @name into @mac: what vnet's ARP and ND
 * answers carry. Returns 0, -EAFNOSUPPORT for a device that is not
 * Ethernet-like (tun, lo, ip tunnels: no 6-byte link-layer address), or
 * another -errno.
 */
int iface_mac(const char *name, unsigned char mac[6]);

#endif /* VNET_IFACE_H */
