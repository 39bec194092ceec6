/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * load.h - load the one vnet program a mode needs, configured.
 */
#ifndef VNET_LOAD_H
#define VNET_LOAD_H

#include <stdbool.h>

#include "core/mode.h"
#include "core/tries.h"
#include "lib/util.h"

/*
 * A loaded (not yet attached) program, its stats map and its --respond
 * maps (to fill before the program goes on its hook); fds are ours.
 */
struct vnet_loaded {
	int prog_fd;
	__u32 prog_id;
	int map_fd;
	__u32 map_id;
	struct vnet_tries tries;
	bool xdp_frags;		/* loaded with BPF_F_XDP_HAS_FRAGS */
};

/*
 * Opens the embedded object, writes @cfg into the program's .rodata and
 * loads only the program @mode runs. On failure reports one line (for
 * @ifname) and returns -errno; on success the caller owns @out's fds and
 * releases them with vnet_loaded_release().
 */
int vnet_load(const char *ifname, enum vnet_mode mode, const struct vnet_config *cfg,
	      struct vnet_loaded *out);
/* vnet_load(), with @ext the XDP program as a freplace program for libxdp. */
int vnet_load_ext(const char *ifname, enum vnet_mode mode, const struct vnet_config *cfg,
		  bool ext, struct vnet_loaded *out);
void vnet_loaded_release(struct vnet_loaded *loaded);

#endif /* VNET_LOAD_H */
