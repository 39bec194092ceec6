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
 * attach's defaults. The keys are the rows of settings.c's table: a new
 * attach option is a new key.
 */
#ifndef VNET_CONF_H
#define VNET_CONF_H

#include <limits.h>
#include <net/if.h>

#include "core/settings.h"
#include "lib/opt.h"

#define VNET_CONF_DIR "/etc/vnet"

/* What a config file asks for, and where each thing was said. */
struct vnet_conf {
	char path[PATH_MAX];
	char ifname[IF_NAMESIZE];
	struct vnet_settings want;
	/* The line each key was last set on, by its row (0: not set). */
	unsigned int line[OPT_MAX_ROWS];
};

/*
 * Reads @c->path into @c (@c zeroed but for path and ifname). 0, or
 * -errno after one error line; nothing else is touched. Free with
 * conf_free() in either case.
 */
int conf_read(struct vnet_conf *c);
void conf_free(struct vnet_conf *c);

#endif /* VNET_CONF_H */
