/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * hook.h - the kernel attach points, one call each: XDP by netlink (no
 * bpf_link, so the attachment belongs to the interface and outlives
 * vnetctl) and clsact filters at vnet's handle/priority.
 *
 * All return 0 or -errno and print nothing (the caller knows the context),
 * except hook_att_remove_failed(), which reports.
 */
#ifndef VNET_HOOK_H
#define VNET_HOOK_H

#include <stdbool.h>

#include "find.h"
#include "vnetctl.h"

/*
 * Puts @prog_fd on the XDP hook of @mode. @expected_fd < 0: only if the
 * hook is empty; else only if the program there is still @expected_fd's,
 * which it then replaces atomically.
 */
int hook_xdp_attach(int ifindex, enum vnet_mode mode, int prog_fd, int expected_fd);
/* Empties the XDP hook of @mode, only if @expected_fd's program is there. */
int hook_xdp_detach(int ifindex, enum vnet_mode mode, int expected_fd);

/* The clsact filter at vnet's handle/priority on @mode's direction. */
int hook_tc_attach(int ifindex, enum vnet_mode mode, int prog_fd, bool replace);
/*
 * A new filter; with @create_qdisc the clsact qdisc is created in the same
 * system call (*@created: it was). A qdisc created for a filter that then
 * failed is deleted again.
 */
int hook_tc_attach_new(int ifindex, enum vnet_mode mode, int prog_fd, bool create_qdisc,
		       bool *created);
/* 1 if @ifindex has a clsact qdisc, 0 if not, or -errno. */
int hook_clsact_exists(int ifindex);
int hook_tc_detach(int ifindex, enum vnet_mode mode);

/*
 * Deletes the clsact qdisc vnet created, unless someone else's filters
 * now hang off it. Returns 1 if deleted, 0 if kept (or gone), or -errno.
 */
int hook_clsact_release(int ifindex);

/*
 * 0 if @att's clsact filter is still the one at our handle/priority,
 * -EEXIST if another program took its place (or the hook is empty).
 */
int hook_tc_check_unchanged(const struct vnet_att *att);

/*
 * Removes an attachment found on the interface, only if it is still there
 * (else -EEXIST) / puts it back.
 */
int hook_att_remove(const struct vnet_att *att);
/*
 * hook_att_remove(), and with @release, if @att's attach created the clsact
 * qdisc and no one else's filter uses it, the qdisc in the same system
 * call (*@released says whether it went).
 */
int hook_att_remove_release(const struct vnet_att *att, bool release, bool *released);
/* The one error line for hook_att_remove()'s failure @err. */
void hook_att_remove_failed(const char *ifname, const struct vnet_att *att, int err);
int hook_att_restore(const struct vnet_att *att);

#endif /* VNET_HOOK_H */
