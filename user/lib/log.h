/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * log.h - vnetctl's messages: errors and warnings (one line each, prefixed
 * "vnetctl: "), notes that only -v shows, and libbpf's own output, which
 * is silent unless -v but remembered so a failure can be explained.
 */
#ifndef VNET_LOG_H
#define VNET_LOG_H

#include <stdbool.h>

/* 0: quiet; 1 (-v): notes, libbpf warnings and info; 2 (-vv): libbpf debug. */
extern int log_verbosity;

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * @where ("FILE:LINE") goes before every message until log_context(NULL):
 * for a parser shared with the command line, whose messages name only the
 * argument, when it reads a config file.
 */
void log_context(const char *where);

/*
 * An error from a failed system call or libbpf function (@err is a
 * negative or positive errno). EPERM and EACCES become the one "needs
 * privileges" line of vnetctl(8), whatever the operation was; anything else
 * is "<message>: <strerror>", plus the kernel's extended ack message if
 * libbpf reported one for the failing netlink request.
 */
void log_err_sys(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A command-line argument fit for quoting in a message: at most
 * LOG_ARG_MAX bytes of it, then "...". (Every message is also escaped as
 * it is written: a newline or other control byte in an argument shows as
 * \n or \xHH, so an error is always one line.) Four rotating buffers: up
 * to four may appear in one message.
 */
#define LOG_ARG_MAX	64
const char *log_arg(const char *s);

/* True for the errors that mean "not allowed", not "went wrong". */
bool log_is_perm_error(int err);
void log_err_perm(void);

/* Route libbpf's messages through us (call once, before any libbpf use). */
void log_libbpf_init(void);

/*
 * While muted, libbpf's messages are inspected but never shown, even with
 * -v: for queries where failure is an expected answer (a tc query on a
 * device without clsact makes the kernel "explain" that). Returns the
 * previous state, for restoring.
 */
bool log_libbpf_mute(bool mute);

/*
 * libbpf reports the kernel's netlink extended-ack text and verifier logs
 * only through its print callback. Forget what was captured before an
 * operation, then ask afterwards whether it produced either.
 */
void log_libbpf_reset(void);
const char *log_kernel_msg(void);	/* extack text, or NULL */
bool log_verifier_rejected(void);	/* a prog load log was printed */

#endif /* VNET_LOG_H */
