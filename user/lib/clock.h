/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * clock.h - CLOCK_MONOTONIC in seconds, and sleeping on it: the clock
 * bpf_ktime_get_ns() reads, so user space and BPF stamps compare.
 */
#ifndef VNET_LIB_CLOCK_H
#define VNET_LIB_CLOCK_H

#include <linux/types.h>

/* Seconds since boot (CLOCK_MONOTONIC). */
double mono_now(void);
/* The same clock in nanoseconds: BPF's bpf_ktime_get_ns(). */
__u64 mono_now_ns(void);

/* Until mono_now() >= @t, across signal interruptions. */
void mono_sleep_until(double t);

void mono_sleep(double secs);

#endif /* VNET_LIB_CLOCK_H */
