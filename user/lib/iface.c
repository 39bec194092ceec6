// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * iface.c - network interfaces by name: existence, driver and MAC address.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <net/if_arp.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "lib/iface.h"
#include "lib/log.h"

int iface_resolve(const char *name)
{
	unsigned int ifindex;

	/* if_nametoindex() would silently truncate what the kernel rejects. */
	if (!name[0] || strlen(name) >= IFNAMSIZ) {
		log_err("%s: no such interface (names are 1 to %d characters)", log_arg(name),
			IFNAMSIZ - 1);
		return 0;
	}
	ifindex = if_nametoindex(name);
	if (!ifindex) {
		if (errno == ENODEV || errno == ENXIO)
			log_err("%s: no such interface", log_arg(name));
		else
			log_err_sys(errno, "%s: cannot look up the interface", log_arg(name));
		return 0;
	}
	return (int)ifindex;
}

/*
 * One interface ioctl on @ifr (its name set from @name). Any socket will
 * do: SIOCETHTOOL and SIOCGIFHWADDR are handled by the device layer.
 */
static int iface_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, req, ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

int iface_driver(const char *name, char *buf, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { .ifr_data = (void *)&info };
	int err;

	if (len == 0)
		return -EINVAL;
	err = iface_ioctl(name, SIOCETHTOOL, &ifr);
	if (err)
		return err;
	info.driver[sizeof(info.driver) - 1] = '\0';
	if (!info.driver[0])
		return -EOPNOTSUPP;
	strncpy(buf, info.driver, len - 1);
	buf[len - 1] = '\0';
	return 0;
}

int iface_mac(const char *name, unsigned char mac[6])
{
	struct ifreq ifr = {};
	int err;

	err = iface_ioctl(name, SIOCGIFHWADDR, &ifr);
	if (err)
		return err;
	/*
	 * ARPHRD_ETHER covers Ethernet, veth, macvlan, bridges, bonds, VLAN
	 * devices: all with a 6-byte address. lo (ARPHRD_LOOPBACK) has an
	 * all-zero one that no ARP reply may carry.
	 */
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return -EAFNOSUPPORT;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}
