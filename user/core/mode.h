/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * mode.h - where a vnet program runs: the attach modes, one table in
 * mode.c (name, hook, XDP flags or tc attach point, program).
 */
#ifndef VNET_MODE_H
#define VNET_MODE_H

#include <stdbool.h>
#include <linux/types.h>

/*
 * The first four are what an attachment is; AUTO is only ever a request.
 */
enum vnet_mode {
	VNET_MODE_NATIVE,	/* XDP, driver mode */
	VNET_MODE_GENERIC,	/* XDP, skb mode */
	VNET_MODE_TC,		/* clsact ingress, vnet_tc_ingress */
	VNET_MODE_LOOPBACK,	/* clsact egress, vnet_tc_loop */
	VNET_MODE_AUTO,
};

const char *mode_name(enum vnet_mode mode);
int mode_parse(const char *name, enum vnet_mode *mode);
bool mode_is_xdp(enum vnet_mode mode);
/* XDP_FLAGS_DRV_MODE or XDP_FLAGS_SKB_MODE for an XDP mode. */
__u32 mode_xdp_flags(enum vnet_mode mode);
/* A tc mode on egress (loopback) rather than ingress (tc). */
bool mode_tc_egress(enum vnet_mode mode);
/* "ingress" or "egress": the tc direction, for messages. */
const char *mode_tc_dir(enum vnet_mode mode);
/* Answers requests to any next-hop MAC (loopback: they are the host's own). */
bool mode_any_dst_mac(enum vnet_mode mode);
/* Replies pass a qdisc that can hold them back (delay=). */
bool mode_can_delay(enum vnet_mode mode);
/* The name of the program a mode loads. */
const char *mode_prog_name(enum vnet_mode mode);
/* Devices of @driver receive nothing (dummy): auto picks loopback there. */
bool mode_driver_rx_empty(const char *driver);

#endif /* VNET_MODE_H */
