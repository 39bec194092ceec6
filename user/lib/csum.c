// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * csum.c - the Internet checksum for frames built in user space (csum.h).
 */
#include <string.h>

#include "lib/csum.h"

uint64_t csum_add(uint64_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint16_t w;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		memcpy(&w, b + i, 2);
		sum += w;
	}
	if (len & 1) {
		uint8_t last[2] = { b[len - 1], 0 };

		memcpy(&w, last, 2);
		sum += w;
	}
	return sum;
}

uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}
