// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * attach.c - `vnetctl attach IFACE`: choose a mode, load, attach, and
 * with --force replace what is there, never leaving a half-done state.
 *
 * Every change to the interface is recorded with its inverse on a small
 * undo list; a failure at any step replays the list backwards, so the
 * interface ends exactly as it was found. With --force the new program
 * goes on first and the old one comes off afterwards (on the same hook it
 * is one atomic replace), so a failed replacement leaves the old one
 * running. One exception is forced by the kernel: a device holds one XDP
 * program across drv and skb mode, so switching between native and
 * generic removes the old program first; a failure then puts it back.
 *
 * --multiprog shares the hook: XDP through libxdp's dispatcher (vnet_xdp
 * loaded as a freplace program, then linked into a dispatcher slot; an
 * interface that already has a dispatcher gets this without asking), tc
 * in the tcx chain where the kernel has one. Each of those is one atomic
 * change of the hook too: libxdp builds and pins a new dispatcher, then
 * swaps it in with XDP_FLAGS_REPLACE.
 *
 * The --respond prefixes go into the new program's tries after it is
 * loaded and before it is attached: from its first frame on, it answers
 * only inside them. Its configuration (rate limits, TTL, the interface's
 * MAC for ARP and ND answers) is in .rodata, fixed at load.
 */
#include <errno.h>
#include <time.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/find.h"
#include "core/hook.h"
#include "core/load.h"
#include "core/lock.h"
#include "core/peer.h"
#include "core/pin.h"
#include "core/prefix.h"
#include "core/qdisc.h"
#include "core/reconcile.h"
#include "core/settings.h"
#include "core/tcx.h"
#include "core/tries.h"
#include "lib/iface.h"
#include "lib/log.h"

/* attach_mode()'s "native XDP is not available here": try the next mode. */
#define ATTACH_NO_NATIVE 1

enum undo_kind {
	UNDO_CLSACT_CREATED,	/* delete the clsact qdisc again */
	UNDO_NEW,		/* take the new program off its hook */
	UNDO_REPLACED,		/* put the old program back in its place */
	UNDO_REMOVED,		/* put a removed old attachment back */
};

struct undo {
	enum undo_kind kind;
	const struct vnet_att *old;	/* UNDO_REPLACED, UNDO_REMOVED */
};

struct attach_ctx {
	const char *ifname;
	int ifindex;
	char driver[32];	/* "" if ethtool does not say */
	bool is_veth;
	struct vnet_settings want;	/* the options (core/settings.h) */
	bool mac_known;			/* want.cfg.mac is IFACE's address */
	const struct vnet_found *found;	/* what was there before */

	/* The attempt in progress. */
	enum vnet_mode mode;
	enum vnet_via via;
	struct vnet_loaded new;
	unsigned int n_undo;
	struct undo undo[2 + VNET_NR_HOOKS];
};

static void undo_push(struct attach_ctx *ctx, enum undo_kind kind, const struct vnet_att *old)
{
	/* Bounded by construction: one qdisc, one new, each old at most once. */
	ctx->undo[ctx->n_undo++] = (struct undo){ .kind = kind, .old = old };
}

static int undo_one(struct attach_ctx *ctx, const struct undo *u)
{
	int fd = ctx->new.prog_fd;

	switch (u->kind) {
	case UNDO_CLSACT_CREATED:
		return hook_clsact_release(ctx->ifindex) < 0 ? -EBUSY : 0;
	case UNDO_NEW: {
		/* Exactly the new program, through the hook it went on. */
		const struct vnet_att att = {
			.mode = ctx->mode, .via = ctx->via, .ifindex = ctx->ifindex,
			.prog_id = ctx->new.prog_id, .prog_fd = fd,
		};

		return hook_att_remove(&att);
	}
	case UNDO_REPLACED:
		return hook_att_put_back(u->old, fd);
	case UNDO_REMOVED:
		return hook_att_restore(u->old);
	}
	return -EINVAL;
}

/*
 * Replays the undo list backwards. The error that caused this has been
 * reported already; a failing undo step can only be added as a warning.
 */
static void undo_all(struct attach_ctx *ctx)
{
	while (ctx->n_undo) {
		const struct undo *u = &ctx->undo[--ctx->n_undo];
		int err = undo_one(ctx, u);

		if (err)
			log_warn("%s: rollback incomplete: %s", ctx->ifname,
				 u->kind == UNDO_CLSACT_CREATED ? "cannot delete the clsact qdisc" :
				 u->kind == UNDO_NEW ? "cannot remove the new program" :
				 "cannot restore the old program");
	}
	vnet_loaded_release(&ctx->new);
}

/* Whether a vnet filter being replaced said its attach created clsact. */
static bool attach_old_owns_clsact(const struct vnet_found *found)
{
	for (unsigned int i = 0; i < found->n; i++)
		if (vnet_att_owns_clsact(&found->att[i]))
			return true;
	return false;
}

/* Refuses to touch a hook someone else's program holds. */
static int attach_check_foreign(struct attach_ctx *ctx, enum vnet_mode mode)
{
	const struct vnet_foreign *fo;

	if (mode_is_xdp(mode)) {
		fo = vnet_found_foreign_xdp(ctx->found);
		if (fo) {
			log_err("%s: a foreign XDP program is attached (prog id %u, %s, %s mode); vnetctl never replaces it%s",
				ctx->ifname, fo->prog_id, fo->prog_name[0] ? fo->prog_name : "unnamed",
				mode_name(fo->mode), ctx->via == VNET_VIA_LIBXDP ?
				" (to share the hook, load it through libxdp's dispatcher, e.g. with xdp-loader)" : "");
			return -EBUSY;
		}
		return 0;
	}
	/* The tcx chain has room for everyone. */
	if (ctx->via == VNET_VIA_TCX)
		return 0;
	fo = vnet_found_foreign(ctx->found, mode);
	if (fo) {
		log_err("%s: a foreign clsact %s filter holds handle/priority 0x%x (prog id %u, %s); vnetctl never replaces it",
			ctx->ifname, mode_tc_dir(mode), VNET_TC_HANDLE,
			fo->prog_id, fo->prog_name[0] ? fo->prog_name : "unnamed");
		return -EBUSY;
	}
	return 0;
}

/* Whether the attachment in progress leaves clsact alone. */
static bool attach_new_needs_no_clsact(const struct attach_ctx *ctx)
{
	return mode_is_xdp(ctx->mode) || ctx->via != VNET_VIA_DIRECT;
}

/*
 * Takes an old attachment off its hook, to be put back if the attach fails.
 * When the new one does not use clsact, a clsact qdisc the old one's
 * attach created goes in the same system call as its filter.
 */
static int attach_take_off(struct attach_ctx *ctx, const struct vnet_att *old)
{
	bool released;
	int err;

	log_libbpf_reset();
	err = hook_att_remove_release(old, attach_new_needs_no_clsact(ctx), &released);
	if (err) {
		hook_att_remove_failed(ctx->ifname, old, err);
		return err;
	}
	undo_push(ctx, UNDO_REMOVED, old);
	return 0;
}

/* The one error line for libxdp's refusal @err to attach. */
static void attach_libxdp_failed(const struct attach_ctx *ctx, int err)
{
	if (err == -EOPNOTSUPP)
		log_err("%s: libxdp cannot use its dispatcher here (rerun with -v for its reasons); attach without --multiprog",
			ctx->ifname);
	else
		log_err_sys(err, "%s: cannot add %s to libxdp's dispatcher in %s mode",
			    ctx->ifname, VNET_PROG_XDP, mode_name(ctx->mode));
}

static int attach_xdp(struct attach_ctx *ctx, bool may_fall_back)
{
	const struct vnet_att *same = ctx->via == VNET_VIA_LIBXDP ? NULL :
				      vnet_found_att(ctx->found, ctx->mode, ctx->via);
	int err;

	/*
	 * A device holds one XDP program: one vnet attached otherwise (the
	 * other mode, or alone where the dispatcher is to go) comes off first.
	 * An old vnet in the dispatcher stays until the new one is in
	 * (attach_remove_old()).
	 */
	for (unsigned int i = 0; i < ctx->found->n; i++) {
		const struct vnet_att *old = &ctx->found->att[i];

		if (!mode_is_xdp(old->mode) || old == same ||
		    (old->via == ctx->via && ctx->via == VNET_VIA_LIBXDP))
			continue;
		err = attach_take_off(ctx, old);
		if (err)
			return err;
	}

	log_libbpf_reset();
	if (ctx->via == VNET_VIA_LIBXDP) {
		err = hook_libxdp_attach(ctx->ifindex, ctx->mode, ctx->new.prog_fd);
		if (!err) {
			undo_push(ctx, UNDO_NEW, NULL);
			return 0;
		}
		if (ctx->mode == VNET_MODE_NATIVE && may_fall_back && err != -EOPNOTSUPP &&
		    !log_is_perm_error(err)) {
			log_note("%s: auto: native XDP refused (%s)", ctx->ifname, strerror(-err));
			return ATTACH_NO_NATIVE;
		}
		attach_libxdp_failed(ctx, err);
		return err;
	}
	err = hook_xdp_attach(ctx->ifindex, ctx->mode, ctx->new.prog_fd,
			      same ? same->prog_fd : -1);
	if (!err) {
		undo_push(ctx, same ? UNDO_REPLACED : UNDO_NEW, same);
		return 0;
	}

	/*
	 * Drivers refuse native XDP in many ways (no support, an MTU too
	 * large, ...); auto then tries its next mode. Not for a refusal to
	 * us, nor for a hook that changed under us: those are errors.
	 */
	if (ctx->mode == VNET_MODE_NATIVE && may_fall_back && !log_is_perm_error(err) &&
	    err != -EEXIST && err != -EBUSY) {
		log_note("%s: auto: native XDP refused (%s%s%s)", ctx->ifname, strerror(-err),
			 log_kernel_msg() ? ": " : "", log_kernel_msg() ? log_kernel_msg() : "");
		return ATTACH_NO_NATIVE;
	}
	if (ctx->mode == VNET_MODE_NATIVE && err == -EOPNOTSUPP && mode_driver_rx_empty(ctx->driver))
		log_err("%s: driver %s does not support native XDP, and receives nothing anyway (use --mode loopback)",
			ctx->ifname, ctx->driver);
	else if (ctx->mode == VNET_MODE_NATIVE && err == -EOPNOTSUPP)
		log_err("%s: driver %s does not support native XDP (try --mode generic or --mode tc)",
			ctx->ifname, ctx->driver[0] ? ctx->driver : "(unknown)");
	else if (ctx->mode == VNET_MODE_NATIVE && err == -ERANGE)
		/* veth_xdp_set(): the peer's MTU over what one page (or, with frags, 17 more) holds */
		log_err("%s: driver %s's native XDP does not take this MTU%s; lower the MTU or use --mode generic or --mode tc",
			ctx->ifname, ctx->driver[0] ? ctx->driver : "(unknown)",
			ctx->new.xdp_frags ? "" :
			" without multi-buffer support (Linux 5.18, VNET_XDP_FRAGS unset; veth: about 3500 bytes)");
	else if (err == -EEXIST || err == -EBUSY)
		log_err_sys(err, "%s: the XDP hook changed meanwhile; nothing attached", ctx->ifname);
	else
		log_err_sys(err, "%s: cannot attach %s in %s mode", ctx->ifname, VNET_PROG_XDP,
			    mode_name(ctx->mode));
	return err;
}

/* tcx: in place of the old vnet program there atomically, else first in the chain. */
static int attach_tcx(struct attach_ctx *ctx)
{
	const struct vnet_att *same = vnet_found_att(ctx->found, ctx->mode, VNET_VIA_TCX);
	int err;

	err = tcx_attach(ctx->ifindex, ctx->mode, ctx->new.prog_fd, same ? same->prog_fd : -1);
	if (err) {
		log_err_sys(err, "%s: cannot attach %s to the tcx %s chain", ctx->ifname,
			    mode_prog_name(ctx->mode), mode_tc_dir(ctx->mode));
		return err;
	}
	undo_push(ctx, same ? UNDO_REPLACED : UNDO_NEW, same);
	return 0;
}

static int attach_tc(struct attach_ctx *ctx, bool create_qdisc)
{
	const struct vnet_att *same = vnet_found_att(ctx->found, ctx->mode, VNET_VIA_DIRECT);
	bool created = false;
	int err;

	if (ctx->via == VNET_VIA_TCX)
		return attach_tcx(ctx);
	/*
	 * Without a replace flag the kernel refuses to add a filter where one
	 * is (EEXIST); with it, it replaces whatever is there, so make sure
	 * that is still our old one first.
	 */
	err = same ? hook_tc_check_unchanged(same) : 0;
	if (err == -EEXIST) {
		log_err("%s: the clsact filter at handle/priority 0x%x changed meanwhile; nothing attached",
			ctx->ifname, VNET_TC_HANDLE);
		return err;
	}
	log_libbpf_reset();
	if (!err && same)
		err = hook_tc_attach(ctx->ifindex, ctx->mode, ctx->new.prog_fd, true);
	else if (!err)
		err = hook_tc_attach_new(ctx->ifindex, ctx->mode, ctx->new.prog_fd, create_qdisc,
					 &created);
	if (!err && create_qdisc && !created)
		log_note("%s: someone created the clsact qdisc meanwhile; detach will still delete it if it carries no other filter",
			 ctx->ifname);
	if (err) {
		log_err_sys(err, "%s: cannot attach %s as a clsact %s filter", ctx->ifname,
			    mode_prog_name(ctx->mode),
			    mode_tc_dir(ctx->mode));
		return err;
	}
	if (created)
		undo_push(ctx, UNDO_CLSACT_CREATED, NULL);
	undo_push(ctx, same ? UNDO_REPLACED : UNDO_NEW, same);
	return 0;
}

/*
 * --force onto another hook than the old attachment's: the new program on
 * and the old one off in one system call (hook_swap()), so a kill -9 at
 * any instant leaves one of them, never both or neither. A part that
 * failed is put right here: the new one off again, or the old one back.
 */
static int attach_swap(struct attach_ctx *ctx, const struct vnet_att *old, bool create_qdisc,
		       bool may_fall_back)
{
	struct hook_swap_result res;
	int err;

	log_libbpf_reset();
	err = hook_swap(old, ctx->mode, ctx->new.prog_fd, create_qdisc, &res);
	if (err) {
		if (err == -EEXIST)
			log_err("%s: %s (%s mode, prog id %u) left its hook meanwhile; nothing attached",
				ctx->ifname, old->prog_name, mode_name(old->mode), old->prog_id);
		else
			log_err_sys(err, "%s: cannot replace %s (%s mode, prog id %u)", ctx->ifname,
				    old->prog_name, mode_name(old->mode), old->prog_id);
		return err;
	}
	if (!res.add_err && !res.remove_err) {
		/* Replayed backwards: the new one off before the old one returns. */
		if (res.qdisc_created)
			undo_push(ctx, UNDO_CLSACT_CREATED, NULL);
		undo_push(ctx, UNDO_REMOVED, old);
		undo_push(ctx, UNDO_NEW, NULL);
		return 0;
	}
	if (!res.add_err) {
		/* The old one stayed: take the new one off again. */
		if (res.qdisc_created)
			undo_push(ctx, UNDO_CLSACT_CREATED, NULL);
		undo_push(ctx, UNDO_NEW, NULL);
		hook_att_remove_failed(ctx->ifname, old, res.remove_err);
		return res.remove_err;
	}
	if (!res.remove_err && hook_att_restore(old))
		log_warn("%s: rollback incomplete: cannot restore the old program", ctx->ifname);
	if (ctx->mode == VNET_MODE_NATIVE && may_fall_back && !log_is_perm_error(res.add_err)) {
		log_note("%s: auto: native XDP refused (%s)", ctx->ifname, strerror(-res.add_err));
		return ATTACH_NO_NATIVE;
	}
	log_err_sys(res.add_err, "%s: cannot attach %s in %s mode", ctx->ifname,
		    mode_prog_name(ctx->mode), mode_name(ctx->mode));
	return res.add_err;
}

/* --force: the old attachments not replaced in place come off now. */
static int attach_remove_old(struct attach_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->found->n; i++) {
		const struct vnet_att *old = &ctx->found->att[i];
		bool handled = false;
		int err;

		for (unsigned int u = 0; u < ctx->n_undo; u++)
			if (ctx->undo[u].old == old)
				handled = true;
		if (handled)
			continue;
		err = attach_take_off(ctx, old);
		if (err)
			return err;
	}
	return 0;
}

/*
 * The --respond prefixes into the loaded, not yet attached program: the
 * tries first, then the count (tries.h), though nothing runs it yet.
 */
static int attach_fill_tries(struct attach_ctx *ctx)
{
	struct prefix_list none = {};
	int family, err;

	if (!ctx->want.respond.n)
		return 0;
	err = tries_add(&ctx->new.tries, &none, &ctx->want.respond, &family);
	if (err)
		log_err_sys(err, "%s: cannot fill the prefix maps", ctx->ifname);
	return err;
}

/*
 * How this attempt goes on its hook: through libxdp's dispatcher when asked
 * or when one is there already, in the tcx chain when asked and the kernel
 * has it, else directly. 0, or -errno after its one line.
 */
static int attach_pick_via(struct attach_ctx *ctx)
{
	const typeof(ctx->found->dispatcher) *d = &ctx->found->dispatcher;

	ctx->via = VNET_VIA_DIRECT;
	if (!mode_is_xdp(ctx->mode)) {
		if (ctx->want.multiprog && tcx_supported())
			ctx->via = VNET_VIA_TCX;
		else if (ctx->want.multiprog)
			log_note("%s: no tcx in this kernel (Linux 6.6+): a clsact filter, which shares the hook by its handle/priority",
				 ctx->ifname);
		return 0;
	}
	if (!ctx->want.multiprog && !d->prog_id)
		return 0;
	ctx->via = VNET_VIA_LIBXDP;
	if (d->prog_id && d->mode != ctx->mode) {
		log_err("%s: libxdp's dispatcher (prog id %u) runs in %s mode; vnet can join it only in that mode (--mode %s)",
			ctx->ifname, d->prog_id, mode_name(d->mode), mode_name(d->mode));
		return -EINVAL;
	}
	if (hook_libxdp_bpffs()) {
		log_err("%s: libxdp's dispatcher needs a bpffs at /sys/fs/bpf for its pins (mount -t bpf bpf /sys/fs/bpf; ip netns exec hides it: use nsenter --net)",
			ctx->ifname);
		return -ENOENT;
	}
	if (d->prog_id && !ctx->want.multiprog)
		log_note("%s: libxdp's dispatcher (prog id %u, %s mode) is there: joining it at priority %u",
			 ctx->ifname, d->prog_id, mode_name(d->mode), VNET_XDP_RUN_PRIO);
	return 0;
}

/*
 * One attempt in ctx->mode. Returns 0 (attached, ctx->new owns the fds),
 * ATTACH_NO_NATIVE (nothing changed; the caller tries another mode), or
 * -errno after reporting and undoing everything.
 */
static int attach_mode(struct attach_ctx *ctx, bool may_fall_back)
{
	struct vnet_config cfg = ctx->want.cfg;
	bool fq_made = false;
	int err, exists = 1;

	ctx->n_undo = 0;
	ctx->new.prog_fd = ctx->new.map_fd = -1;
	ctx->new.tries = VNET_TRIES_NONE;
	/*
	 * Echo requests to another host's MAC are that host's: answering
	 * them would speak for it (and teach switches a wrong location).
	 * Loopback mode answers the host's own requests, whatever next hop
	 * they were sent to, so it keeps accepting any unicast MAC.
	 */
	if (ctx->mac_known && !ctx->want.any_dst_mac && !mode_any_dst_mac(ctx->mode)) {
		memcpy(&cfg.dst_mac16, cfg.mac, sizeof(cfg.dst_mac16));
		memcpy(&cfg.dst_mac32, cfg.mac + 2, sizeof(cfg.dst_mac32));
		cfg.dst_mac_on = 1;
	}
	err = attach_pick_via(ctx);
	if (!err)
		err = attach_check_foreign(ctx, ctx->mode);
	if (err)
		return err;

	/*
	 * Whether this attach creates the clsact qdisc is configuration the
	 * program carries (its .rodata is frozen at load), so detach can later
	 * tell a qdisc we made from one that was there before. The qdisc
	 * itself is made only with the filter, in one system call
	 * (attach_tc()): no instant, not even a kill -9, leaves it empty.
	 */
	if (!attach_new_needs_no_clsact(ctx)) {
		exists = hook_clsact_exists(ctx->ifindex);
		if (exists < 0) {
			log_err_sys(exists, "%s: cannot look for a clsact qdisc", ctx->ifname);
			return exists;
		}
		/* Replacing a vnet filter inherits its claim on the qdisc. */
		cfg.owns_clsact = !exists || attach_old_owns_clsact(ctx->found);
	}

	/* delay=: fq at the root first, so that no reply leaves unheld. */
	if (mode_can_delay(ctx->mode) && delay_wanted(&ctx->want.respond)) {
		err = qdisc_fq_ensure(ctx->ifname, ctx->ifindex, &fq_made);
		if (err)
			return err;
	}
	err = vnet_load_ext(ctx->ifname, ctx->mode, &cfg, ctx->via == VNET_VIA_LIBXDP, &ctx->new);
	if (err)
		goto fail;
	err = attach_fill_tries(ctx);
	if (err)
		goto fail;

	/* The usual --force: one old attachment, on another hook, both by netlink. */
	if (ctx->found->n == 1 && ctx->found->att[0].mode != ctx->mode &&
	    ctx->found->att[0].via == VNET_VIA_DIRECT && ctx->via == VNET_VIA_DIRECT)
		err = attach_swap(ctx, &ctx->found->att[0], !exists, may_fall_back);
	else if (mode_is_xdp(ctx->mode))
		err = attach_xdp(ctx, may_fall_back);
	else
		err = attach_tc(ctx, !exists);
	if (err)
		goto fail;

	err = attach_remove_old(ctx);
	if (err)
		goto fail;
	return 0;

fail:
	undo_all(ctx);
	if (fq_made)
		qdisc_fq_release(ctx->ifindex);
	return err;
}

/*
 * After success: old filters whose attach created the clsact qdisc are
 * gone and an XDP program replaced them, so the qdisc goes too, unless
 * someone else's filters use it. Nothing here is undone on failure.
 */
static void attach_commit(struct attach_ctx *ctx)
{
	int err;

	if (attach_new_needs_no_clsact(ctx) && attach_old_owns_clsact(ctx->found)) {
		err = hook_clsact_release(ctx->ifindex);
		if (err < 0)
			log_warn("%s: cannot delete the clsact qdisc the old attachment created: %s",
				 ctx->ifname, strerror(-err));
	}
	/* An fq of ours for the old tc attachment's delay=: XDP has no use for it. */
	if (!mode_can_delay(ctx->mode) && qdisc_fq_release(ctx->ifindex) < 0)
		log_warn("%s: cannot delete the fq qdisc the old attachment made", ctx->ifname);
	err = pin_stats_map(ctx->ifname, ctx->new.map_fd);
	if (err < 0)
		log_warn("%s: attached, but cannot pin the stats map under %s/%s: %s",
			 ctx->ifname, VNET_PIN_ROOT, ctx->ifname, strerror(-err));
}

/*
 * The modes auto tries, best first, into @modes; returns how many.
 * Explicit modes are a list of one. @peer is filled for a veth.
 */
static unsigned int attach_plan(struct attach_ctx *ctx, enum vnet_mode req,
				enum vnet_mode *modes, struct veth_peer *peer, bool *peer_known)
{
	int err;

	*peer_known = false;
	/* Only native mode depends on the peer: for auto's choice, or a warning. */
	if (ctx->is_veth && (req == VNET_MODE_AUTO || req == VNET_MODE_NATIVE)) {
		err = veth_peer_inspect(ctx->ifindex, peer);
		if (err)
			log_note("%s: cannot inspect the veth peer: %s", ctx->ifname,
				 strerror(-err));
		*peer_known = !err;
	}
	if (req != VNET_MODE_AUTO) {
		modes[0] = req;
		return 1;
	}
	if (delay_wanted(&ctx->want.respond)) {
		log_note("%s: auto: delay= needs tc mode", ctx->ifname);
		modes[0] = VNET_MODE_TC;
		return 1;
	}
	if (ctx->found->dispatcher.prog_id) {
		log_note("%s: auto: libxdp's dispatcher runs in %s mode: that mode", ctx->ifname,
			 mode_name(ctx->found->dispatcher.mode));
		modes[0] = ctx->found->dispatcher.mode;
		return 1;
	}

	if (mode_driver_rx_empty(ctx->driver)) {
		log_note("%s: auto: driver %s receives nothing (what the host sends there is dropped): loopback mode, answering the host's own requests",
			 ctx->ifname, ctx->driver);
		modes[0] = VNET_MODE_LOOPBACK;
		return 1;
	}
	if (!ctx->is_veth) {
		log_note("%s: auto: driver %s: trying native mode, else tc", ctx->ifname,
			 ctx->driver[0] ? ctx->driver : "(unknown)");
		modes[0] = VNET_MODE_NATIVE;
		modes[1] = VNET_MODE_TC;
		return 2;
	}
	if (*peer_known && peer->xdp_drv_prog_id) {
		log_note("%s: auto: veth peer %s runs a native XDP program (prog id %u): native mode",
			 ctx->ifname, peer->ifname, peer->xdp_drv_prog_id);
		modes[0] = VNET_MODE_NATIVE;
		modes[1] = VNET_MODE_GENERIC;
		return 2;
	}
	if (*peer_known)
		log_note("%s: auto: veth peer %s has no native XDP program, so native XDP_TX replies would be dropped: generic mode",
			 ctx->ifname, peer->ifname);
	else
		log_note("%s: auto: veth peer unknown: generic mode", ctx->ifname);
	modes[0] = VNET_MODE_GENERIC;
	return 1;
}

static int attach_run(struct attach_ctx *ctx, enum vnet_mode req)
{
	enum vnet_mode modes[2];
	char via[48] = "";
	struct veth_peer peer;
	bool peer_known;
	unsigned int n;
	int err = -EINVAL;

	n = attach_plan(ctx, req, modes, &peer, &peer_known);
	for (unsigned int i = 0; i < n; i++) {
		ctx->mode = modes[i];
		err = attach_mode(ctx, i + 1 < n);
		if (err != ATTACH_NO_NATIVE)
			break;
	}
	if (err)
		return VNET_EXIT_FAIL;

	attach_commit(ctx);
	/* Which way it went on, where not directly. */
	if (ctx->via == VNET_VIA_LIBXDP)
		snprintf(via, sizeof(via), "libxdp dispatcher, priority %u, ", VNET_XDP_RUN_PRIO);
	else if (ctx->via == VNET_VIA_TCX)
		snprintf(via, sizeof(via), "tcx, ");
	printf("%s: attached in %s mode (%sprog id %u, map id %u)\n", ctx->ifname,
	       mode_name(ctx->mode), via, ctx->new.prog_id, ctx->new.map_id);
	fflush(stdout);

	if (ctx->mode == VNET_MODE_NATIVE && ctx->is_veth && peer_known && !peer.xdp_drv_prog_id)
		veth_peer_warn(&peer);
	if (ctx->mode != VNET_MODE_LOOPBACK && mode_driver_rx_empty(ctx->driver))
		log_warn("%s: driver %s receives nothing, so %s mode will answer nothing; --mode loopback answers the host's own requests",
			 ctx->ifname, ctx->driver, mode_name(ctx->mode));
	if (ctx->mode == VNET_MODE_TC) {
		const struct vnet_foreign *fo = vnet_found_foreign_xdp(ctx->found);

		if (fo)
			log_warn("%s: XDP program %s (prog id %u) sees every frame before vnet's tc filter",
				 ctx->ifname, fo->prog_name, fo->prog_id);
	}
	vnet_loaded_release(&ctx->new);
	return VNET_EXIT_OK;
}

/* The checks that need every option: CMD_CONTINUE or a usage error's code. */
static int attach_check_options(const struct vnet_cmd *cmd, const struct attach_ctx *ctx)
{
	if (ctx->want.cfg.rate_drop && !ctx->want.cfg.rate_per_source && !ctx->want.cfg.rate_global)
		return usage_error(cmd, "--rate-limit-drop needs --rate-limit");
	if (delay_mode_check(ctx->ifname, ctx->want.mode, &ctx->want.respond))
		return VNET_EXIT_USAGE;
	return cmd_prefix_args_check(cmd, &ctx->want.respond);
}

static int attach_parse(const struct vnet_cmd *cmd, int argc, char **argv,
			struct attach_ctx *ctx)
{
	int rc;

	vnet_settings_init(&ctx->want);
	rc = cmd_parse(cmd, &ctx->want, argc, argv, NULL);
	if (rc != CMD_CONTINUE)
		return rc;
	rc = cmd_iface_operand(cmd, argc, argv, &ctx->ifname);
	if (rc != CMD_CONTINUE)
		return rc;
	return attach_check_options(cmd, ctx);
}

/*
 * CLOCK_TAI - CLOCK_REALTIME, whole seconds: the program reads the TAI
 * clock for ICMP timestamps and must answer in UT (bpf/l4.h).
 */
static __s32 attach_tai_offset(void)
{
	struct timespec tai, utc;

	if (clock_gettime(CLOCK_TAI, &tai) || clock_gettime(CLOCK_REALTIME, &utc))
		return 0;
	return (__s32)(tai.tv_sec - utc.tv_sec + (tai.tv_nsec - utc.tv_nsec >= 500000000L) -
		       (utc.tv_nsec - tai.tv_nsec > 500000000L));
}

static int cmd_attach(const struct vnet_cmd *cmd, int argc, char **argv)
{
	struct attach_ctx ctx = {};
	struct vnet_found found = {};
	int rc, err, lock = -1, ret = VNET_EXIT_FAIL;

	rc = attach_parse(cmd, argc, argv, &ctx);
	if (rc != CMD_CONTINUE) {
		ret = rc;
		goto out;
	}

	ctx.ifindex = iface_resolve(ctx.ifname);
	if (!ctx.ifindex)
		goto out;
	err = iface_driver(ctx.ifname, ctx.driver, sizeof(ctx.driver));
	if (err)
		log_note("%s: no ethtool driver info: %s", ctx.ifname, strerror(-err));
	ctx.is_veth = !strcmp(ctx.driver, "veth");

	/* The address ARP and ND answers carry, should prefixes come later. */
	err = iface_mac(ctx.ifname, ctx.want.cfg.mac);
	if (err && ctx.want.respond.n) {
		if (err == -EAFNOSUPPORT)
			log_err("%s: --respond needs an Ethernet interface (no 6-byte MAC address to answer ARP and ND with)",
				ctx.ifname);
		else
			log_err_sys(err, "%s: cannot read the MAC address", ctx.ifname);
		goto out;
	}
	if (err)
		log_note("%s: no Ethernet address (%s): prefixes cannot be added later, and echo requests to any MAC are answered",
			 ctx.ifname, strerror(-err));
	ctx.mac_known = !err;
	ctx.want.cfg.tai_offset = attach_tai_offset();

	/*
	 * Serialise with every other vnetctl that changes an interface, so
	 * that a prefix change cannot land in the maps of a program this
	 * --force is replacing, and a repair sees nobody's work in progress.
	 */
	lock = vnet_lock();
	if (lock < 0)
		goto out;
	reconcile_all(ctx.ifname);

	err = vnet_find(ctx.ifindex, &found);
	if (err) {
		log_err_sys(err, "%s: cannot inspect the interface", ctx.ifname);
		goto out;
	}
	ctx.found = &found;
	if (found.n && !ctx.want.force) {
		log_err("%s: vnet is already attached (%s, prog id %u); use --force to replace it",
			ctx.ifname, mode_name(found.att[0].mode), found.att[0].prog_id);
		goto out;
	}
	cmd_defer_signals();
	ret = attach_run(&ctx, ctx.want.mode);
out:
	vnet_found_release(&found);
	vnet_unlock(lock);
	vnet_settings_free(&ctx.want);
	return ret;
}

const struct vnet_cmd attach_cmd = {
	.name = "attach",
	.run = cmd_attach,
	.operands = "IFACE",
	.about = "  Load the reflector and attach it to IFACE, where it outlives vnetctl.\n",
	.opts = vnet_settings_opts,
	.col = 19,
};
