// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * mode.c - the attach modes, as one table: each mode's name on the command
 * line and in output, and what it means to the kernel (the hook, XDP's
 * flags or tc's direction, and the program it loads). Everything else asks
 * this table rather than switch on a mode itself.
 */
#include <errno.h>
#include <string.h>

#include <linux/if_link.h>

#include "core/mode.h"
#include "lib/util.h"
#include "vnet.shared.h"

struct mode_info {
	const char *name;
	bool xdp;		/* an XDP hook; else a tc one */
	__u32 xdp_flags;	/* XDP: which kind of attachment */
	bool egress;		/* tc: egress (the host's own frames), not ingress */
	bool any_dst_mac;	/* requests come from this host: any next-hop MAC */
	bool can_delay;		/* replies pass a qdisc that can hold them (fq, EDT) */
	const char *prog;	/* the program in vnet.bpf.c */
};

static const struct mode_info modes[] = {
	[VNET_MODE_NATIVE] = {
		.name = "native", .xdp = true, .xdp_flags = XDP_FLAGS_DRV_MODE,
		.prog = VNET_PROG_XDP,
	},
	[VNET_MODE_GENERIC] = {
		.name = "generic", .xdp = true, .xdp_flags = XDP_FLAGS_SKB_MODE,
		.prog = VNET_PROG_XDP,
	},
	[VNET_MODE_TC] = {
		.name = "tc", .can_delay = true, .prog = VNET_PROG_TC_INGRESS,
	},
	[VNET_MODE_LOOPBACK] = {
		.name = "loopback", .egress = true, .any_dst_mac = true,
		.prog = VNET_PROG_TC_LOOPBACK,
	},
	/* Only ever a request: attach resolves it to one of the above. */
	[VNET_MODE_AUTO] = {
		.name = "auto", .prog = VNET_PROG_XDP,
	},
};

static const struct mode_info *mode_info(enum vnet_mode mode)
{
	static const struct mode_info none = { .name = "?", .prog = VNET_PROG_XDP };

	if ((unsigned int)mode >= ARRAY_SIZE(modes))
		return &none;
	return &modes[mode];
}

const char *mode_name(enum vnet_mode mode)
{
	return mode_info(mode)->name;
}

int mode_parse(const char *name, enum vnet_mode *mode)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(modes); i++) {
		if (!strcmp(name, modes[i].name)) {
			*mode = (enum vnet_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool mode_is_xdp(enum vnet_mode mode)
{
	return mode_info(mode)->xdp;
}

__u32 mode_xdp_flags(enum vnet_mode mode)
{
	return mode_info(mode)->xdp_flags;
}

bool mode_tc_egress(enum vnet_mode mode)
{
	return mode_info(mode)->egress;
}

const char *mode_tc_dir(enum vnet_mode mode)
{
	return mode_info(mode)->egress ? "egress" : "ingress";
}

bool mode_any_dst_mac(enum vnet_mode mode)
{
	return mode_info(mode)->any_dst_mac;
}

bool mode_can_delay(enum vnet_mode mode)
{
	return mode_info(mode)->can_delay;
}

const char *mode_prog_name(enum vnet_mode mode)
{
	return mode_info(mode)->prog;
}

/*
 * A driver whose devices receive nothing from outside: dummy's transmit
 * frees every frame and nothing ever arrives on its receive path, so XDP
 * and tc ingress there see nothing. Only loopback mode (the host's own
 * requests, answered back into the device) can answer anything.
 */
bool mode_driver_rx_empty(const char *driver)
{
	return !strcmp(driver, "dummy");
}
