/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * settings.h - what an attachment is asked to be: `vnetctl attach`'s
 * options and a config file's keys, read by one option table.
 */
#ifndef VNET_SETTINGS_H
#define VNET_SETTINGS_H

#include <stdbool.h>

#include "core/mode.h"
#include "core/prefix.h"
#include "lib/opt.h"
#include "vnet.shared.h"

struct vnet_settings {
	enum vnet_mode mode;		/* --mode: a request, AUTO by default */
	struct vnet_config cfg;		/* no_ipv4, no_ipv6, rate_*, ttl, claim_age, seed */
	struct prefix_list respond;	/* --respond, in the order given */
	__u8 any_dst_mac;		/* answer for any unicast MAC */
	bool force;			/* replace a vnet attachment (command line only) */
	bool multiprog;			/* share the hook (command line only) */
};

/*
 * The table: attach's options in --help order. Rows marked OPT_CLI are
 * not config keys. A parser that printed its own error (a prefix's,
 * with its details) leaves the error text empty.
 */
extern const struct opt vnet_settings_opts[];

/* attach's defaults: mode auto, --claim-age VNET_CLAIM_AGE_DEFAULT. */
void vnet_settings_init(struct vnet_settings *s);
void vnet_settings_free(struct vnet_settings *s);

#endif /* VNET_SETTINGS_H */
