// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tap.c - TAP output for the program tests.
 */
#include <stdarg.h>
#include <stdio.h>

#include "tap.h"

#define TAP_DIAG_LINES	80

static unsigned int diag_left;
static unsigned long diag_dropped;

void tap_plan(unsigned int n)
{
	printf("1..%u\n", n);
	fflush(stdout);
}

void tap_begin(void)
{
	diag_left = TAP_DIAG_LINES;
	diag_dropped = 0;
}

void tap_result(unsigned int n, bool ok, const char *name)
{
	if (diag_dropped)
		printf("# (%lu more diagnostic lines not shown)\n", diag_dropped);
	printf("%sok %u - %s\n", ok ? "" : "not ", n, name);
	fflush(stdout);
}

static bool diag_take(void)
{
	if (!diag_left) {
		diag_dropped++;
		return false;
	}
	diag_left--;
	return true;
}

static void vdiag(const char *fmt, va_list ap)
{
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	if (!diag_take())
		return;
	va_start(ap, fmt);
	vdiag(fmt, ap);
	va_end(ap);
}

void tap_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

void tap_hexdump(const char *label, const uint8_t *buf, size_t len, const uint8_t *ref,
		 size_t ref_len)
{
	char line[16 * 4 + 16];
	size_t i, j;
	int n;

	tap_diag("%s (%zu bytes)%s", label, len, ref ? ", * = differs" : "");
	for (i = 0; i < len; i += 16) {
		n = 0;
		for (j = i; j < len && j < i + 16; j++) {
			bool differs = ref && (j >= ref_len || buf[j] != ref[j]);

			n += snprintf(line + n, sizeof(line) - n, "%02x%c", buf[j],
				      differs ? '*' : ' ');
		}
		tap_diag("  %04zx: %s", i, line);
	}
}
