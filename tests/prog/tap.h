/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * tap.h - Test Anything Protocol output: the plan, one result line per
 * subtest, and "# " diagnostics. Diagnostics are rationed per subtest, so a
 * sweep that fails 65,536 times still prints a readable report.
 */
#ifndef VNET_TEST_TAP_H
#define VNET_TEST_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void tap_plan(unsigned int n);
void tap_begin(void);
void tap_result(unsigned int n, bool ok, const char *name);

/* A rationed diagnostic line (the "# " is added). */
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A diagnostic that is always printed: seeds, counts, timings. */
void tap_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Hex dump of @buf, rationed; bytes differing from @ref (if given) are marked. */
void tap_hexdump(const char *label, const uint8_t *buf, size_t len, const uint8_t *ref,
		 size_t ref_len);

#endif /* VNET_TEST_TAP_H */
