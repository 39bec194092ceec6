/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * find.h - vnet's attachments on an interface, found from the kernel alone
 * (no pins, no state files), so every command works the same under
 * `ip netns exec` where bpffs is not mounted.
 */
#ifndef VNET_FIND_H
#define VNET_FIND_H

#include <stdbool.h>
#include <linux/bpf.h>

#include "core/mode.h"
#include "core/tries.h"
#include "lib/util.h"

/* How a program sits on its mode's hook. */
enum vnet_via {
	VNET_VIA_DIRECT,	/* XDP by netlink, or a clsact filter */
	VNET_VIA_LIBXDP,	/* a slot in libxdp's XDP dispatcher (freplace) */
	VNET_VIA_TCX,		/* in the tcx chain (Linux 6.6+) */
};

/* The name libxdp gives its dispatcher program. */
#define VNET_LIBXDP_DISPATCHER	"xdp_dispatcher"

/* "xdp", "clsact", "libxdp" or "tcx": what status shows as HOOK. */
const char *via_name(enum vnet_mode mode, enum vnet_via via);

/* One vnet program on one hook; the fds are ours to close. */
struct vnet_att {
	enum vnet_mode mode;
	enum vnet_via via;
	int ifindex;
	__u32 prog_id;
	int prog_fd;
	char prog_name[BPF_OBJ_NAME_LEN];
	__u32 map_id;		/* its vnet_stats map */
	int map_fd;
	__u32 map_value_size;	/* per CPU, as the program was built */
	/* Its --respond maps; -1 fds for a program built before them. */
	struct vnet_tries tries;
	/* vnet_cfg as found in the program's .rodata; cfg_known if found. */
	struct vnet_config cfg;
	bool cfg_known;
};

/* A program that is not vnet's, where vnet would go. */
struct vnet_foreign {
	enum vnet_mode mode;	/* the hook it occupies */
	__u32 prog_id;
	char prog_name[BPF_OBJ_NAME_LEN];
};

/*
 * Hooks: XDP drv, XDP skb, clsact ingress and egress at our handle/prio,
 * tcx ingress and egress. The dispatcher's slots count as the XDP hook.
 */
#define VNET_NR_HOOKS 6
/* More vnet programs than hooks only after interrupted attaches: bounded. */
#define VNET_MAX_ATTS 8

struct vnet_found {
	int ifindex;
	unsigned int n;			/* vnet attachments, in mode order */
	struct vnet_att att[VNET_MAX_ATTS];
	unsigned int n_foreign;
	struct vnet_foreign foreign[VNET_NR_HOOKS];
	/* libxdp's dispatcher on the XDP hook (prog id 0: none) */
	struct {
		enum vnet_mode mode;
		__u32 prog_id;
	} dispatcher;
};

/*
 * Looks at every hook of @ifindex. Returns 0 (found->n may be 0) or
 * -errno, unreported: callers name the interface in their message.
 * Release with vnet_found_release() in either case.
 */
int vnet_find(int ifindex, struct vnet_found *found);
/*
 * For the commands that need an attachment: @ifname resolved and found,
 * with n > 0. Else -errno after the one error line (no such interface,
 * not attached, ...). Release with vnet_found_release() in either case.
 */
int vnet_find_attached(const char *ifname, struct vnet_found *found);
void vnet_found_release(struct vnet_found *found);

/* The attachment in @mode by @via / foreign program in @mode, or NULL. */
const struct vnet_att *vnet_found_att(const struct vnet_found *found, enum vnet_mode mode,
				      enum vnet_via via);
const struct vnet_foreign *vnet_found_foreign(const struct vnet_found *found,
					      enum vnet_mode mode);

/* Whether @att is a clsact filter whose attach created the clsact qdisc. */
bool vnet_att_owns_clsact(const struct vnet_att *att);

/* The foreign XDP program (either mode) on the interface, or NULL. */
const struct vnet_foreign *vnet_found_foreign_xdp(const struct vnet_found *found);

/*
 * Whether @att's program is still the one on its hook: 1 yes, 0 no (also
 * when the interface is gone), -errno if that cannot be told.
 */
int vnet_att_still_attached(const struct vnet_att *att);

#endif /* VNET_FIND_H */
