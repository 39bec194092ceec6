// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * mode.c - the attach modes: their names on the command line and in
 * output, and what each one means to the kernel.
 */
#include <errno.h>
#include <string.h>

#include <linux/if_link.h>

#include "vnetctl.h"

static const char *const mode_names[] = {
	[VNET_MODE_NATIVE]	= "native",
	[VNET_MODE_GENERIC]	= "generic",
	[VNET_MODE_TC]		= "tc",
	[VNET_MODE_LOOPBACK]	= "loopback",
	[VNET_MODE_AUTO]	= "auto",
};

const char *mode_name(enum vnet_mode mode)
{
	if ((unsigned int)mode >= ARRAY_SIZE(mode_names))
		return "?";
	return mode_names[mode];
}

int mode_parse(const char *name, enum vnet_mode *mode)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(mode_names); i++) {
		if (!strcmp(name, mode_names[i])) {
			*mode = (enum vnet_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool mode_is_xdp(enum vnet_mode mode)
{
	return mode == VNET_MODE_NATIVE || mode == VNET_MODE_GENERIC;
}

__u32 mode_xdp_flags(enum vnet_mode mode)
{
	return mode == VNET_MODE_NATIVE ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
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

const char *mode_prog_name(enum vnet_mode mode)
{
	switch (mode) {
	case VNET_MODE_TC:
		return VNET_PROG_TC_INGRESS;
	case VNET_MODE_LOOPBACK:
		return VNET_PROG_TC_LOOPBACK;
	default:
		return VNET_PROG_XDP;
	}
}
