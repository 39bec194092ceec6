/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * csum.h - the Internet checksum (RFC 1071) for frames built in user
 * space: vnetctl bench's requests and bench/micro's. Sums are of 16-bit
 * words as they sit in memory (loaded in host order): folded and stored
 * back the same way, the result is right on either byte order.
 */
#ifndef VNET_LIB_CSUM_H
#define VNET_LIB_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* @sum plus the @len bytes at @p, an odd last byte padded with zero. */
uint64_t csum_add(uint64_t sum, const void *p, size_t len);

/* @sum folded to 16 bits, not inverted: store ~csum_fold() as it is. */
uint16_t csum_fold(uint64_t sum);

#endif /* VNET_LIB_CSUM_H */
