/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * conf.h - /etc/vnet/IFACE.conf, the attach options of one interface as a
 * file: read and checked whole, every error one line naming FILE:LINE.
 *
 *   # comment
 *   KEY = VALUE
 *
 * The keys are `vnetctl attach`'s long options: mode, no-ipv4, no-ipv6,
 * respond (repeatable; one or more prefixes, blanks or commas between,
 * each with --respond's attributes), rate-limit (PPS or PPS/source, each
 * once), rate-limit-drop, ttl, any-dst-mac, claim-age, seed. Flags
 * take yes or no; every other key may be given once. An empty file is
 * attach's defaults. A later attach option is one more key in conf_line().
 */
#ifndef VNET_CONF_H
#define VNET_CONF_H

#include <limits.h>
#include <net/if.h>

#include "core/mode.h"
#include "core/prefix.h"
#include "lib/util.h"

#define VNET_CONF_DIR "/etc/vnet"

/* What a config file asks for, and where each thing was said. */
struct vnet_conf {
	char path[PATH_MAX];
	char ifname[IF_NAMESIZE];
	enum vnet_mode mode;
	struct vnet_config cfg;		/* no_ipv4, no_ipv6, rate_*, ttl, claim_age, seed */
	struct prefix_list respond;
	__u8 any_dst_mac;		/* answer for any unicast MAC (--any-dst-mac) */
	/* The line each single-valued key was set on (0: not set). */
	unsigned int line_mode, line_no4, line_no6, line_rate_g, line_rate_s;
	unsigned int line_drop, line_ttl, line_any, line_claim_age, line_seed;
};

/*
 * Reads @c->path into @c (@c zeroed but for path and ifname, mode
 * VNET_MODE_AUTO). 0, or -errno after one error line; nothing else is
 * touched. Free with conf_free() in either case.
 */
int conf_read(struct vnet_conf *c);
void conf_free(struct vnet_conf *c);

#endif /* VNET_CONF_H */
