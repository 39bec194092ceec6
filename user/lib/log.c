// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * log.c - vnetctl's messages and libbpf's print callback.
 *
 * vnetctl(8) promises exactly one line on stderr per failure, so libbpf (which
 * narrates every step of a failed load over many lines) is silent unless
 * -v. What it says is still inspected, because it is the only channel for
 * two facts the caller needs: whether a load failed in the verifier, and
 * the kernel's netlink extended-ack text explaining a refused attach.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "lib/log.h"

int log_verbosity;

/* The last "Kernel error message: ..." line, without prefix or newline. */
static char kernel_msg[256];
static bool verifier_log_seen;
static bool libbpf_muted;

/* Longest message line written: a bound even for text no caller bounded. */
#define LOG_LINE_MAX	1024

/*
 * One line, whatever the message holds: control bytes escaped (an
 * argument with a newline must not make two lines of one error).
 */
static const char *log_where;

void log_context(const char *where)
{
	log_where = where;
}

static void log_vline(const char *prefix, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];
	int len;

	len = vsnprintf(msg, sizeof(msg), fmt, ap);
	fputs("vnetctl: ", stderr);
	if (log_where)
		fprintf(stderr, "%s: ", log_where);
	if (prefix)
		fputs(prefix, stderr);
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
		if (*p == '\n')
			fputs("\\n", stderr);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(stderr, "\\x%02x", *p);
		else
			fputc(*p, stderr);
	}
	if (len >= (int)sizeof(msg))
		fputs("...", stderr);
	fputc('\n', stderr);
}

const char *log_arg(const char *s)
{
	static char buf[4][LOG_ARG_MAX + 4];
	static unsigned int next;
	char *b = buf[next++ % 4];
	size_t len = strlen(s);

	if (len <= LOG_ARG_MAX)
		return s;
	memcpy(b, s, LOG_ARG_MAX);
	memcpy(b + LOG_ARG_MAX, "...", 4);
	return b;
}

void log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(NULL, fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline("warning: ", fmt, ap);
	va_end(ap);
}

void log_note(const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity < 1)
		return;
	va_start(ap, fmt);
	log_vline(NULL, fmt, ap);
	va_end(ap);
}

bool log_is_perm_error(int err)
{
	if (err < 0)
		err = -err;
	return err == EPERM || err == EACCES;
}

void log_err_perm(void)
{
	log_err("permission denied: needs CAP_BPF, CAP_NET_ADMIN (and CAP_SYS_ADMIN to read maps); run as root");
}

void log_err_sys(int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (err < 0)
		err = -err;
	if (log_is_perm_error(err)) {
		log_err_perm();
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (kernel_msg[0])
		log_err("%s: %s (kernel: %s)", msg, strerror(err), kernel_msg);
	else
		log_err("%s: %s", msg, strerror(err));
}

void log_libbpf_reset(void)
{
	kernel_msg[0] = '\0';
	verifier_log_seen = false;
}

const char *log_kernel_msg(void)
{
	return kernel_msg[0] ? kernel_msg : NULL;
}

bool log_verifier_rejected(void)
{
	return verifier_log_seen;
}

/* Remembers what the caller may need from one libbpf message. */
static void log_libbpf_inspect(const char *msg)
{
	static const char extack[] = "Kernel error message: ";
	const char *p;
	size_t len;

	if (strstr(msg, "-- BEGIN PROG LOAD LOG --"))
		verifier_log_seen = true;
	p = strstr(msg, extack);
	if (!p)
		return;
	p += sizeof(extack) - 1;
	len = strcspn(p, "\n");
	if (len >= sizeof(kernel_msg))
		len = sizeof(kernel_msg) - 1;
	memcpy(kernel_msg, p, len);
	kernel_msg[len] = '\0';
}

static int log_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char small[1024], *msg = small;
	va_list aq;
	int len;

	va_copy(aq, ap);
	len = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (len < 0)
		return 0;
	/* Verifier logs run to many kilobytes: format those in full. */
	if ((size_t)len >= sizeof(small)) {
		msg = malloc((size_t)len + 1);
		if (!msg)
			return 0;
		vsnprintf(msg, (size_t)len + 1, fmt, ap);
	}

	log_libbpf_inspect(msg);
	if (!libbpf_muted &&
	    (log_verbosity >= 2 || (log_verbosity >= 1 && level != LIBBPF_DEBUG)))
		fputs(msg, stderr);

	if (msg != small)
		free(msg);
	return len;
}

bool log_libbpf_mute(bool mute)
{
	bool was = libbpf_muted;

	libbpf_muted = mute;
	return was;
}

void log_libbpf_init(void)
{
	libbpf_set_print(log_libbpf_print);
}
