// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * csum.c - RFC 1071 full sums and the RFC 1624 incremental update.
 */
#include "csum.h"

uint64_t csum_add(uint64_t sum, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get_be16(buf + i);
	if (len & 1)
		sum += (uint64_t)buf[len - 1] << 8;
	return sum;
}

uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t csum_finish(uint64_t sum)
{
	return (uint16_t)~csum_fold(sum);
}

bool csum_verifies(uint64_t sum)
{
	return csum_fold(sum) == 0xFFFF;
}

uint16_t csum_update16(uint16_t hc, uint16_t m, uint16_t m_new)
{
	uint32_t sum = (uint16_t)~hc;

	sum += (uint16_t)~m;
	sum += m_new;
	/* Three 16-bit terms: at most two carries out, so two folds suffice. */
	sum = (sum & 0xFFFF) + (sum >> 16);
	sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

uint64_t csum_pseudo6(const uint8_t *src, const uint8_t *dst, uint32_t len, uint8_t next)
{
	uint64_t sum = 0;

	sum = csum_add(sum, src, 16);
	sum = csum_add(sum, dst, 16);
	sum += len >> 16;
	sum += len & 0xFFFF;
	sum += next;
	return sum;
}
