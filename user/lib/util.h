/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * util.h - the few macros every layer of vnetctl uses.
 */
#ifndef VNET_UTIL_H
#define VNET_UTIL_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* VNET_UTIL_H */
