/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * model.h - the reference model of the reflector, in plain C over a byte
 * buffer, written from the specification in the header comment of
 * bpf/reflect.h and sharing none of its code. Only the contract is shared:
 * enum vnet_verdict, struct vnet_config and struct vnet_stats (bpf/vnet.h).
 */
#ifndef VNET_TEST_MODEL_H
#define VNET_TEST_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "vnet.h"

/*
 * Decide what the reflector must do with the @len bytes at @in, under @cfg.
 * @out (@len bytes) receives the frame as it must leave: the reply, or an
 * unchanged copy for every pass reason. *@family is 4 or 6 once an IPv4 or
 * IPv6 ethertype was found, else 0.
 */
enum vnet_verdict model_reflect(const uint8_t *in, size_t len, const struct vnet_config *cfg,
				uint8_t *out, int *family);

/* Account one frame of @len bytes into @s, as bpf/vnet.h describes the counters. */
void model_count(struct vnet_stats *s, enum vnet_verdict v, int family, uint64_t len);

/* "reply", "non_ip", ...: the pass_* suffixes, for diagnostics. */
const char *verdict_name(int v);

#endif /* VNET_TEST_MODEL_H */
