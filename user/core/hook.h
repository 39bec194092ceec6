/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * hook.h - the kernel attach points, one call each: XDP by netlink (no
 * bpf_link, so the attachment belongs to the interface and outlives
 * vnetctl), clsact filters at vnet's handle/priority, and the two shared
 * hooks of --multiprog: a slot in libxdp's XDP dispatcher and the tcx
 * chain (Linux 6.6+), attached by bpf(2) without a link for the same reason.
 *
 * All return 0 or -errno and print nothing (the caller knows the context),
 * except hook_att_remove_failed(), which reports.
 */
#ifndef VNET_HOOK_H
#define VNET_HOOK_H

#include <stdbool.h>

#include "core/find.h"
#include "core/mode.h"
#include "lib/util.h"

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
/* What hook_swap() did: each part's 0 or -errno. */
struct hook_swap_result {
	int add_err;		/* the new program onto its hook */
	int remove_err;		/* the old attachment off its hook */
	bool qdisc_created;	/* a clsact qdisc was made for the new filter */
	bool qdisc_released;	/* the old one's clsact qdisc went with it */
};

/*
 * Puts @prog_fd on @mode's hook and takes @old (on another hook) off, in
 * one system call: no kill -9 can leave both, or neither. The new one
 * goes on first, except native<->generic, where the kernel allows one XDP
 * program only and the old one comes off first. With @create_qdisc the
 * clsact qdisc is made along; when the new one is XDP, the qdisc @old's
 * attach created goes along (if no one else's filter uses it). Each part
 * may fail on its own: the caller reads @res and repairs. 0 when the
 * request went through (see @res), or -errno when nothing happened.
 */
int hook_swap(const struct vnet_att *old, enum vnet_mode mode, int prog_fd, bool create_qdisc,
	      struct hook_swap_result *res);

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
/* Puts @att back on its hook in place of @cur_fd, which replaced it there. */
int hook_att_put_back(const struct vnet_att *att, int cur_fd);

/*
 * 0 if libxdp has the bpffs it pins its dispatcher in (LIBXDP_BPFFS or
 * /sys/fs/bpf), else -ENOENT.
 */
int hook_libxdp_bpffs(void);
/*
 * Adds @prog_fd (a freplace program, vnet_load_ext()) to the libxdp
 * dispatcher on @ifindex in @mode (creating it on an empty hook), at the
 * run priority and chain actions its BTF says (vnet.bpf.c's _vnet_xdp).
 */
int hook_libxdp_attach(int ifindex, enum vnet_mode mode, int prog_fd);
/* Takes program @prog_id out of the dispatcher (the dispatcher goes with the last one). */
int hook_libxdp_detach(int ifindex, enum vnet_mode mode, __u32 prog_id);

#endif /* VNET_HOOK_H */
