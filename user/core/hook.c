// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * hook.c - attach and detach at the kernel's XDP, clsact and tcx hooks,
 * and in libxdp's dispatcher.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/vfs.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/pkt_sched.h>
#include <xdp/libxdp.h>

#include "core/hook.h"
#include "core/tcx.h"
#include "lib/log.h"
#include "lib/netlink.h"

int hook_xdp_attach(int ifindex, enum vnet_mode mode, int prog_fd, int expected_fd)
{
	DECLARE_LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	__u32 flags = mode_xdp_flags(mode);

	/*
	 * libbpf takes old_prog_fd 0 for "none"; main() keeps fds 0-2 open,
	 * so a program fd is never 0.
	 */
	if (expected_fd >= 0) {
		flags |= XDP_FLAGS_REPLACE;
		opts.old_prog_fd = expected_fd;
	} else {
		flags |= XDP_FLAGS_UPDATE_IF_NOEXIST;
	}
	return bpf_xdp_attach(ifindex, prog_fd, flags, &opts);
}

int hook_xdp_detach(int ifindex, enum vnet_mode mode, int expected_fd)
{
	DECLARE_LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = expected_fd);

	return bpf_xdp_detach(ifindex, mode_xdp_flags(mode) | XDP_FLAGS_REPLACE, &opts);
}

static enum bpf_tc_attach_point hook_tc_point(enum vnet_mode mode)
{
	return mode_tc_egress(mode) ? BPF_TC_EGRESS : BPF_TC_INGRESS;
}

static __u32 hook_tc_parent(enum vnet_mode mode)
{
	return TC_H_MAKE(TC_H_CLSACT, mode_tc_egress(mode) ? TC_H_MIN_EGRESS :
							       TC_H_MIN_INGRESS);
}

int hook_tc_attach(int ifindex, enum vnet_mode mode, int prog_fd, bool replace)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = hook_tc_point(mode));
	/* libbpf makes it a direct-action filter, protocol all. */
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd,
			    .handle = VNET_TC_HANDLE, .priority = VNET_TC_PRIORITY,
			    .flags = replace ? BPF_TC_F_REPLACE : 0);
	bool created;

	/* Only a replace is one libbpf call; a new filter may need its qdisc. */
	if (replace)
		return bpf_tc_attach(&hook, &opts);
	return hook_tc_attach_new(ifindex, mode, prog_fd, false, &created);
}

/*
 * Appends the requests that put @prog_fd on @mode's hook: for tc, the
 * clsact qdisc first if @create_qdisc. Returns the index of the request
 * whose result is the attach's; *@qdisc that of the qdisc's (-1: none).
 */
static unsigned int hook_batch_add(struct nl_batch *b, int ifindex, enum vnet_mode mode,
				   int prog_fd, bool create_qdisc, int *qdisc)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	char name[BPF_OBJ_NAME_LEN + 16];

	*qdisc = -1;
	if (mode_is_xdp(mode))
		return nlb_xdp(b, ifindex, prog_fd,
			       mode_xdp_flags(mode) | XDP_FLAGS_UPDATE_IF_NOEXIST, -1);
	/* The name tc shows, as libbpf and iproute2 give it. */
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		snprintf(name, sizeof(name), "vnet");
	else
		snprintf(name, sizeof(name), "%s:[%u]", info.name, info.id);
	if (create_qdisc)
		*qdisc = (int)nlb_clsact_add(b, ifindex);
	return nlb_filter_add(b, ifindex, hook_tc_parent(mode), VNET_TC_HANDLE,
			      VNET_TC_PRIORITY, prog_fd, name);
}

/*
 * Appends the requests that take @att off its hook (only while it is still
 * @att's program, for XDP), and with @release_qdisc the clsact qdisc too.
 * Returns the index of the removal's request.
 */
static unsigned int hook_batch_remove(struct nl_batch *b, const struct vnet_att *att,
				      bool release_qdisc)
{
	unsigned int i;

	if (mode_is_xdp(att->mode))
		return nlb_xdp(b, att->ifindex, -1, mode_xdp_flags(att->mode) | XDP_FLAGS_REPLACE,
			       att->prog_fd);
	i = nlb_filter_del(b, att->ifindex, hook_tc_parent(att->mode), VNET_TC_HANDLE,
			   VNET_TC_PRIORITY);
	if (release_qdisc)
		nlb_clsact_del(b, att->ifindex);
	return i;
}

int hook_tc_attach_new(int ifindex, enum vnet_mode mode, int prog_fd, bool create_qdisc,
		       bool *created)
{
	struct nl_batch b = NL_BATCH_INIT;
	unsigned int f;
	int err, q, qerr;

	f = hook_batch_add(&b, ifindex, mode, prog_fd, create_qdisc, &q);
	err = nlb_send(&b);
	if (!err)
		err = b.err[f];
	qerr = q >= 0 ? b.err[q] : -EEXIST;
	*created = !qerr;
	if (qerr && qerr != -EEXIST)
		return qerr;
	/* The filter failed on a qdisc made for it: take that back at once. */
	if (err && *created) {
		hook_clsact_release(ifindex);
		*created = false;
	}
	return err;
}

int hook_clsact_exists(int ifindex)
{
	return nl_has_clsact(ifindex);
}

int hook_tc_detach(int ifindex, enum vnet_mode mode)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = hook_tc_point(mode));
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = VNET_TC_HANDLE,
			    .priority = VNET_TC_PRIORITY);

	return bpf_tc_detach(&hook, &opts);
}

/* Whether only our filters (either direction) hang off the clsact qdisc. */
static int hook_clsact_only_ours(int ifindex)
{
	static const __u32 parents[] = {
		TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),
		TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS),
	};
	int err;

	for (unsigned int i = 0; i < ARRAY_SIZE(parents); i++) {
		unsigned int others;

		err = nl_tc_count_other_filters(ifindex, parents[i], VNET_TC_HANDLE,
						VNET_TC_PRIORITY, &others);
		if (err)
			return err;
		if (others)
			return 0;
	}
	return 1;
}

int hook_clsact_release(int ifindex)
{
	/*
	 * Both directions: with one alone, libbpf's hook_destroy flushes that
	 * direction's filters instead of deleting the qdisc.
	 */
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	int err = hook_clsact_only_ours(ifindex);

	if (err == -EINVAL || err == -ENOENT)
		return 0;	/* no clsact qdisc left to delete */
	if (err <= 0)
		return err;	/* an error, or someone else's filters stay */
	err = bpf_tc_hook_destroy(&hook);
	if (err == -ENOENT || err == -EINVAL)
		return 0;
	return err ? err : 1;
}

/*
 * The kernel can delete a clsact filter only by handle/priority, not "if
 * it still runs this program" as XDP_FLAGS_REPLACE can: look once more
 * right before, so that a filter someone put at our handle/priority since
 * vnet_find() is not taken for ours. A window of two system calls stays;
 * -EEXIST as for XDP, where the kernel says "does not match expected".
 */
int hook_tc_check_unchanged(const struct vnet_att *att)
{
	int ret = vnet_att_still_attached(att);

	if (ret < 0)
		return ret;
	return ret ? 0 : -EEXIST;
}

/* Whether removing @att may take its clsact qdisc along: 1 yes, 0 no, -errno. */
static int hook_may_release(const struct vnet_att *att, bool release)
{
	int only;

	if (!release || !vnet_att_owns_clsact(att))
		return 0;
	only = hook_clsact_only_ours(att->ifindex);
	return only < 0 ? only : only == 1;
}

int hook_swap(const struct vnet_att *old, enum vnet_mode mode, int prog_fd, bool create_qdisc,
	      struct hook_swap_result *res)
{
	struct nl_batch b = NL_BATCH_INIT;
	unsigned int add, rm;
	int q, release, err;

	if (!mode_is_xdp(old->mode)) {
		err = hook_tc_check_unchanged(old);
		if (err)
			return err;
	}
	/* The new one no longer uses clsact: the old one's qdisc may go with it. */
	release = hook_may_release(old, mode_is_xdp(mode));
	if (release < 0)
		return release;
	/* A device holds one XDP program across both modes: native<->generic removes first. */
	if (mode_is_xdp(mode) && mode_is_xdp(old->mode)) {
		rm = hook_batch_remove(&b, old, false);
		add = hook_batch_add(&b, old->ifindex, mode, prog_fd, false, &q);
	} else {
		add = hook_batch_add(&b, old->ifindex, mode, prog_fd, create_qdisc, &q);
		rm = hook_batch_remove(&b, old, release);
	}
	err = nlb_send(&b);
	res->add_err = err ? err : b.err[add];
	res->remove_err = err ? err : b.err[rm];
	res->qdisc_created = q >= 0 && !b.err[q];
	res->qdisc_released = release && !res->remove_err && !b.err[rm + 1];
	return 0;
}

int hook_att_remove_release(const struct vnet_att *att, bool release, bool *released)
{
	struct nl_batch b = NL_BATCH_INIT;
	unsigned int i;
	int err;

	*released = false;
	/* Exactly this program, or nothing: "not there" reads as "changed meanwhile". */
	if (att->via == VNET_VIA_TCX) {
		err = tcx_detach(att->ifindex, att->mode, att->prog_fd);
		return err == -ENOENT ? -EEXIST : err;
	}
	if (att->via == VNET_VIA_LIBXDP) {
		err = hook_libxdp_detach(att->ifindex, att->mode, att->prog_id);
		return err == -ENOENT ? -EEXIST : err;
	}
	if (mode_is_xdp(att->mode))
		return hook_xdp_detach(att->ifindex, att->mode, att->prog_fd);
	err = hook_tc_check_unchanged(att);
	if (err)
		return err;
	/*
	 * Our filter and the qdisc our attach created go in one system call,
	 * when no one else's filter uses it (ours in the other direction
	 * counts as ours: the caller asks for a release only with one left).
	 */
	if (hook_may_release(att, release) == 1) {
		i = hook_batch_remove(&b, att, true);
		err = nlb_send(&b);
		if (!err)
			err = b.err[i];
		*released = !err && !b.err[i + 1];
		return err;
	}
	return hook_tc_detach(att->ifindex, att->mode);
}

int hook_att_remove(const struct vnet_att *att)
{
	bool released;

	return hook_att_remove_release(att, false, &released);
}

int hook_att_restore(const struct vnet_att *att)
{
	bool created;
	int exists;

	if (att->via == VNET_VIA_TCX)
		return tcx_attach(att->ifindex, att->mode, att->prog_fd, -1);
	if (att->via == VNET_VIA_LIBXDP)
		return hook_libxdp_attach(att->ifindex, att->mode, att->prog_fd);
	if (mode_is_xdp(att->mode))
		return hook_xdp_attach(att->ifindex, att->mode, att->prog_fd, -1);
	/* Its qdisc may have gone with it (hook_att_remove_release()). */
	exists = hook_clsact_exists(att->ifindex);
	if (exists < 0)
		return exists;
	return hook_tc_attach_new(att->ifindex, att->mode, att->prog_fd, !exists, &created);
}

int hook_att_put_back(const struct vnet_att *att, int cur_fd)
{
	if (att->via == VNET_VIA_TCX)
		return tcx_attach(att->ifindex, att->mode, att->prog_fd, cur_fd);
	if (mode_is_xdp(att->mode))
		return hook_xdp_attach(att->ifindex, att->mode, att->prog_fd, cur_fd);
	return hook_tc_attach(att->ifindex, att->mode, att->prog_fd, true);
}

void hook_att_remove_failed(const char *ifname, const struct vnet_att *att, int err)
{
	if (err == -EEXIST)
		log_err("%s: %s (%s mode, prog id %u) left its hook meanwhile; not removing what is there now",
			ifname, att->prog_name, mode_name(att->mode), att->prog_id);
	else
		log_err_sys(err, "%s: cannot remove %s (%s mode, prog id %u)", ifname,
			    att->prog_name, mode_name(att->mode), att->prog_id);
}

/* libxdp's narration, as libbpf's: only with -v (-vv for its debug lines). */
static int hook_libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	if (log_verbosity >= 2 || (log_verbosity >= 1 && level != LIBXDP_DEBUG))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static void hook_libxdp_init(void)
{
	static bool done;

	if (!done)
		libxdp_set_print(hook_libxdp_print);
	done = true;
}

int hook_libxdp_bpffs(void)
{
	const char *dir = getenv("LIBXDP_BPFFS");
	struct statfs st;

	if (!dir)
		dir = "/sys/fs/bpf";
	if (statfs(dir, &st) || st.f_type != BPF_FS_MAGIC)
		return -ENOENT;
	return 0;
}

static enum xdp_attach_mode hook_libxdp_mode(enum vnet_mode mode)
{
	return mode == VNET_MODE_NATIVE ? XDP_MODE_NATIVE : XDP_MODE_SKB;
}

int hook_libxdp_attach(int ifindex, enum vnet_mode mode, int prog_fd)
{
	struct xdp_program *xp;
	int err;

	hook_libxdp_init();
	xp = xdp_program__from_fd(prog_fd);
	err = (int)libxdp_get_error(xp);
	if (err)
		return err;
	err = xdp_program__attach(xp, ifindex, hook_libxdp_mode(mode), 0);
	xdp_program__close(xp);
	return err;
}

int hook_libxdp_detach(int ifindex, enum vnet_mode mode, __u32 prog_id)
{
	struct xdp_program *xp;
	int err;

	hook_libxdp_init();
	xp = xdp_program__from_id(prog_id);
	err = (int)libxdp_get_error(xp);
	if (err)
		return err;
	err = xdp_program__detach(xp, ifindex, hook_libxdp_mode(mode), 0);
	xdp_program__close(xp);
	return err;
}
