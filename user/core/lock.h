/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * lock.h - one vnetctl at a time changes an interface's attachment or
 * prefixes: an exclusive flock(2) on a directory only root can create,
 * open or hold, held until the process exits or unlocks.
 */
#ifndef VNET_LOCK_H
#define VNET_LOCK_H

/*
 * Root's own directory: /run is root's and 0755, so nobody else can plant
 * anything at this name (unlike world-writable /run/lock or /tmp).
 */
#define VNET_LOCK_DIR		"/run/vnetctl"
/* How long to wait for another vnetctl before saying so. */
#define VNET_LOCK_WAIT_S	10

/*
 * Waits (at most VNET_LOCK_WAIT_S) until this process holds the lock.
 * Returns the lock's fd, or -errno after the one error line: not root,
 * /run/vnetctl not a root-owned 0700 directory, or held too long.
 */
int vnet_lock(void);
void vnet_unlock(int fd);

#endif /* VNET_LOCK_H */
