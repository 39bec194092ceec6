/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * csum.h - the Internet checksum for the reference model, written from the
 * RFCs and on purpose not from bpf/reflect.h.
 *
 * All 16-bit values here are host-order numbers read from big-endian bytes;
 * the program works on raw network-order words, so the two are independent
 * expressions of the same arithmetic.
 */
#ifndef VNET_TEST_CSUM_H
#define VNET_TEST_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * RFC 1071: add @buf as big-endian 16-bit words to @sum, an odd last byte
 * padded with a zero byte. The 64-bit accumulator loses no carries for any
 * buffer this program can build.
 */
uint64_t csum_add(uint64_t sum, const uint8_t *buf, size_t len);

/* Fold to 16 bits with end-around carries: 0 only for an all-zero sum. */
uint16_t csum_fold(uint64_t sum);

/* The value for a checksum field, given the sum of everything else. */
uint16_t csum_finish(uint64_t sum);

/*
 * A received message verifies when its sum, checksum field included, folds
 * to 0xFFFF: the test Linux applies (csum_fold() of it is 0). An all-zero
 * message with a zero field folds to 0 and does not verify.
 */
bool csum_verifies(uint64_t sum);

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') for one word changing from @m to
 * @m_new, summed in 32 bits and folded twice.
 */
uint16_t csum_update16(uint16_t hc, uint16_t m, uint16_t m_new);

/* Sum of the IPv6 pseudo-header (RFC 8200 section 8.1). */
uint64_t csum_pseudo6(const uint8_t *src, const uint8_t *dst, uint32_t len, uint8_t next);

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xFF;
}

#endif /* VNET_TEST_CSUM_H */
