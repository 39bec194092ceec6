/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * clock.h - CLOCK_MONOTONIC in seconds, and sleeping on it: the clock
 * bpf_ktime_get_ns() reads, so user space and BPF stamps compare.
 */
#ifndef VNET_LIB_CLOCK_H
#define VNET_LIB_CLOCK_H

/* Seconds since boot (CLOCK_MONOTONIC). */
double mono_now(void);

/* Until mono_now() >= @t, across signal interruptions. */
void mono_sleep_until(double t);

void mono_sleep(double secs);

#endif /* VNET_LIB_CLOCK_H */
