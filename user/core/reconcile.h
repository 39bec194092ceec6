/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * reconcile.h - the repair every command makes first, under the lock, of
 * what an interrupted vnetctl (kill -9, a crash, a deleted device) left.
 */
#ifndef VNET_RECONCILE_H
#define VNET_RECONCILE_H

/*
 * Repairs @ifname (NULL: every interface of this network namespace) and
 * every stats pin, saying on stderr what it repaired, one line each:
 *   - more than one vnet attachment on an interface (an attach --force
 *     killed between putting the new one on and taking the old one off):
 *     the newest stays (highest prog id), the others go;
 *   - a prefix count that disagrees with the tries (a respond or attach
 *     killed between two map updates): set from the tries;
 *   - a pin under /sys/fs/bpf/vnet whose map no program uses any more (a
 *     detach killed before unpinning, an attached device deleted): removed.
 * Failures to repair are warnings too; the command goes on with its work.
 */
void reconcile_all(const char *ifname);

struct vnet_found;
/*
 * How detach and respond start: the lock (lock.h), the repair above, then
 * vnet as found attached to @ifname. The lock's fd for vnet_unlock(), or
 * -1 after one error line, with nothing held (@found empty).
 */
int reconcile_lock_find(const char *ifname, struct vnet_found *found);

#endif /* VNET_RECONCILE_H */
