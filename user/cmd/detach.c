// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * detach.c - `vnetctl detach IFACE`: remove exactly what attach added.
 *
 * Our XDP program goes only while it is still the one we identified
 * (XDP_FLAGS_REPLACE with its fd; in libxdp's dispatcher, libxdp swaps in
 * a dispatcher without it, and the others stay; in the tcx chain, that
 * program by its fd, the others stay), our clsact filter by its handle and
 * priority; the clsact qdisc only if that attach created it (the note in
 * the program's .rodata) and nobody else's filters have joined ours since.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/find.h"
#include "core/hook.h"
#include "core/lock.h"
#include "core/pin.h"
#include "core/qdisc.h"
#include "core/reconcile.h"
#include "lib/log.h"

static int cmd_detach(const struct vnet_cmd *cmd, int argc, char **argv)
{
	struct vnet_found found = {};
	char modes[64] = "";
	bool release_clsact = false, released = false;
	const char *ifname;
	int rc, err, lock = -1, ret = VNET_EXIT_FAIL;

	rc = cmd_parse(cmd, NULL, argc, argv, NULL);
	if (rc != CMD_CONTINUE)
		return rc;
	rc = cmd_iface_operand(cmd, argc, argv, &ifname);
	if (rc != CMD_CONTINUE)
		return rc;

	lock = reconcile_lock_find(ifname, &found);
	if (lock < 0)
		goto out;
	for (unsigned int i = 0; i < found.n; i++)
		if (found.att[i].via == VNET_VIA_LIBXDP && hook_libxdp_bpffs()) {
			log_err("%s: vnet is in libxdp's dispatcher, which needs the bpffs at /sys/fs/bpf holding its pins (ip netns exec hides it: use nsenter --net)",
				ifname);
			goto out;
		}
	cmd_defer_signals();

	for (unsigned int i = 0; i < found.n; i++) {
		const struct vnet_att *att = &found.att[i];

		/*
		 * The pin first: it is derived from the attachment, and the next
		 * command pins an attached program again if a death here left it
		 * without (reconcile.c). The other way round, a death between
		 * would leave a pin keeping a detached map alive, which only
		 * looks unused once the kernel has freed the program (after an
		 * RCU grace period). Unpinning is best effort.
		 */
		err = unpin_stats_map(ifname, att->map_id);
		if (err)
			log_note("%s: cannot remove the stats pin: %s", ifname, strerror(-err));
		log_libbpf_reset();
		/* The last filter takes the qdisc its attach made along, in one step. */
		err = hook_att_remove_release(att, i + 1 == found.n, &released);
		if (err) {
			hook_att_remove_failed(ifname, att, err);
			pin_stats_map(ifname, att->map_fd);	/* still attached: pinned again */
			goto out;
		}
		if (vnet_att_owns_clsact(att))
			release_clsact = true;
		snprintf(modes + strlen(modes), sizeof(modes) - strlen(modes), "%s%s",
			 i ? ", " : "", mode_name(att->mode));
	}

	if (release_clsact && !released) {
		log_libbpf_reset();
		err = hook_clsact_release(found.ifindex);
		if (err < 0) {
			log_err_sys(err, "%s: detached, but cannot delete the clsact qdisc", ifname);
			goto out;
		}
		if (!err)
			log_note("%s: not deleting the clsact qdisc: other filters use it, or it is gone",
				 ifname);
	}

	/* delay='s fq, if this vnetctl made it (its handle says so). */
	err = qdisc_fq_release(found.ifindex);
	if (err < 0)
		log_warn("%s: detached, but cannot delete the fq qdisc %x: for delay=: %s", ifname,
			 VNET_FQ_HANDLE >> 16, strerror(-err));
	printf("%s: detached (%s)\n", ifname, modes);
	ret = VNET_EXIT_OK;
out:
	vnet_found_release(&found);
	vnet_unlock(lock);
	return ret;
}

const struct vnet_cmd detach_cmd = {
	.name = "detach",
	.run = cmd_detach,
	.operands = "IFACE",
	.about = "  Remove what attach added to IFACE, and nothing else.\n",
	.opts = cmd_no_opts,
};
