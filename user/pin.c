// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pin.c - pin and unpin the stats map under /sys/fs/bpf/vnet/IFACE/.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <bpf/bpf.h>
#include <linux/magic.h>

#include "log.h"
#include "pin.h"
#include "vnetctl.h"

static bool pin_bpffs_mounted(void)
{
	struct statfs st;

	return statfs(VNET_BPFFS, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

/*
 * As bpftool does: mount bpffs where everyone expects it. Under `ip netns
 * exec` /sys is a fresh mount in a private mount namespace, so this mount
 * (and the pin) only lasts as long as the command; the attachment does
 * not depend on either.
 */
static bool pin_bpffs_ready(void)
{
	if (pin_bpffs_mounted())
		return true;
	if (mount("bpf", VNET_BPFFS, "bpf", 0, "mode=0700") < 0) {
		log_note("not pinning: no bpffs at %s and mounting one failed: %s",
			 VNET_BPFFS, strerror(errno));
		return false;
	}
	return true;
}

static int pin_paths(const char *ifname, char *dir, size_t dlen, char *file, size_t flen)
{
	int n;

	n = snprintf(dir, dlen, "%s/%s", VNET_PIN_ROOT, ifname);
	if (n < 0 || (size_t)n >= dlen)
		return -ENAMETOOLONG;
	n = snprintf(file, flen, "%s/%s", dir, VNET_STATS_MAP);
	if (n < 0 || (size_t)n >= flen)
		return -ENAMETOOLONG;
	return 0;
}

int pin_stats_map(const char *ifname, int map_fd)
{
	char dir[128], file[160];
	int err;

	err = pin_paths(ifname, dir, sizeof(dir), file, sizeof(file));
	if (err)
		return err;
	if (!pin_bpffs_ready())
		return 1;
	if (mkdir(VNET_PIN_ROOT, 0700) < 0 && errno != EEXIST)
		goto err_errno;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		goto err_errno;
	/* A stale pin from an earlier attach of this name is replaced. */
	if (unlink(file) < 0 && errno != ENOENT)
		goto err_errno;
	err = bpf_obj_pin(map_fd, file);
	if (err) {
		log_note("cannot pin %s: %s", file, strerror(-err));
		rmdir(dir);
		return err;
	}
	log_note("%s: stats map pinned at %s", ifname, file);
	return 0;

err_errno:
	err = -errno;
	log_note("cannot pin under %s: %s", dir, strerror(errno));
	return err;
}

static __u32 pin_obj_id(const char *file)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd, err;

	fd = bpf_obj_get(file);
	if (fd < 0)
		return 0;
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	return err ? 0 : info.id;
}

int unpin_stats_map(const char *ifname, __u32 map_id)
{
	char dir[128], file[160];
	__u32 pinned;
	int err;

	err = pin_paths(ifname, dir, sizeof(dir), file, sizeof(file));
	if (err)
		return err;
	if (!pin_bpffs_mounted() || access(file, F_OK) < 0)
		return 0;

	pinned = pin_obj_id(file);
	if (pinned && pinned != map_id) {
		log_note("%s: leaving %s: it pins map %u, not %u", ifname, file, pinned, map_id);
		return 0;
	}
	if (unlink(file) < 0 && errno != ENOENT)
		return -errno;
	/* Only empty directories go: anything else in them is not ours. */
	if (rmdir(dir) == 0)
		rmdir(VNET_PIN_ROOT);
	return 0;
}
