/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * lock.h - one vnetctl at a time changes prefixes: an exclusive flock(2)
 * on a lock file, held until the process exits or unlocks.
 */
#ifndef VNET_LOCK_H
#define VNET_LOCK_H

/* Where the lock lives; /tmp when /run/lock does not exist. */
#define VNET_LOCK_FILE		"/run/lock/vnetctl.lock"
#define VNET_LOCK_FALLBACK	"/tmp/vnetctl.lock"

/*
 * Blocks until this process holds the lock. Returns the lock's fd, or
 * -errno (unreported: callers decide whether that is fatal).
 */
int vnet_lock(void);
void vnet_unlock(int fd);

#endif /* VNET_LOCK_H */
