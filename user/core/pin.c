// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pin.c - pin and unpin the stats map under /sys/fs/bpf/vnet/IFACE/.
 *
 * No symlink is followed at any level: each directory is opened with
 * O_NOFOLLOW relative to its parent and must be root's and writable by
 * root alone, and the pin itself is made and removed through that
 * directory's fd (/proc/self/fd/N/vnet_stats). On a bpffs someone made
 * world-writable, a symlink or directory planted at vnet/ or vnet/IFACE
 * is refused, never followed to replace an unrelated pin.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <bpf/bpf.h>
#include <linux/magic.h>

#include "core/mode.h"
#include "core/pin.h"
#include "lib/log.h"
#include "lib/util.h"
#include "vnet.shared.h"

#define PIN_DIR		"vnet"	/* under VNET_BPFFS */

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

/*
 * @name in directory @dirfd, created (0700) if @create, opened without
 * following a symlink, and only if it is a directory of ours that nobody
 * else can write to. Returns the fd or -errno; @path is for the note.
 */
static int pin_subdir(int dirfd, const char *name, bool create, const char *path)
{
	struct stat st;
	int fd;

	if (create && mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			log_note("not using %s: it is not a directory (a symlink?)", path);
		return -errno;
	}
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 0022)) {
		log_note("not using %s: owned by uid %u with mode %04o, not ours alone", path,
			 (unsigned int)st.st_uid, (unsigned int)(st.st_mode & 07777));
		close(fd);
		return -EPERM;
	}
	return fd;
}

/*
 * The fd of /sys/fs/bpf/vnet (@ifname NULL) or /sys/fs/bpf/vnet/@ifname,
 * each level checked by pin_subdir(). -errno if any level is missing
 * (without @create) or refused.
 */
static int pin_dir_open(const char *ifname, bool create)
{
	char path[128];
	int root, top, fd;

	root = open(VNET_BPFFS, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0)
		return -errno;
	top = pin_subdir(root, PIN_DIR, create, VNET_PIN_ROOT);
	close(root);
	if (top < 0 || !ifname)
		return top;
	snprintf(path, sizeof(path), "%s/%s", VNET_PIN_ROOT, ifname);
	fd = pin_subdir(top, ifname, create, path);
	close(top);
	return fd;
}

/* "/proc/self/fd/N/NAME": a path that resolves through the checked fd only. */
static void pin_fd_path(int dirfd, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d/%s", dirfd, name);
}

/* Removes @ifname's directory, and vnet/ after it, if empty: anything else is not ours. */
static void pin_dir_remove(const char *ifname)
{
	int top = pin_dir_open(NULL, false), root;

	if (top < 0)
		return;
	if (unlinkat(top, ifname, AT_REMOVEDIR) == 0) {
		root = open(VNET_BPFFS, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (root >= 0) {
			unlinkat(root, PIN_DIR, AT_REMOVEDIR);
			close(root);
		}
	}
	close(top);
}

int pin_stats_map(const char *ifname, int map_fd)
{
	char file[64];
	int dir, err;

	if (strchr(ifname, '/') || strlen(ifname) >= IFNAMSIZ_MAX)
		return -EINVAL;
	if (!pin_bpffs_ready())
		return 1;
	dir = pin_dir_open(ifname, true);
	if (dir < 0) {
		log_note("cannot pin under %s/%s: %s", VNET_PIN_ROOT, ifname, strerror(-dir));
		return dir;
	}
	/* A stale pin from an earlier attach of this name is replaced; a symlink is just removed. */
	if (unlinkat(dir, VNET_STATS_MAP, 0) < 0 && errno != ENOENT) {
		err = -errno;
		goto out;
	}
	pin_fd_path(dir, VNET_STATS_MAP, file, sizeof(file));
	err = bpf_obj_pin(map_fd, file);
	if (err) {
		log_note("cannot pin %s/%s/%s: %s", VNET_PIN_ROOT, ifname, VNET_STATS_MAP,
			 strerror(-err));
		close(dir);
		pin_dir_remove(ifname);
		return err;
	}
	log_note("%s: stats map pinned at %s/%s/%s", ifname, VNET_PIN_ROOT, ifname, VNET_STATS_MAP);
out:
	close(dir);
	return err;
}

/*
 * The id of the map pinned as @name in @dir, 0 if none (or not a pinned
 * object: a symlink is never followed to whatever it names).
 */
static __u32 pin_obj_id(int dir, const char *name)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char file[64];
	struct stat st;
	int fd, err;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return 0;
	pin_fd_path(dir, name, file, sizeof(file));
	fd = bpf_obj_get(file);
	if (fd < 0)
		return 0;
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	return err ? 0 : info.id;
}

int unpin_stats_map(const char *ifname, __u32 map_id)
{
	__u32 pinned;
	int dir, err = 0;

	if (!pin_bpffs_mounted() || strchr(ifname, '/'))
		return 0;
	dir = pin_dir_open(ifname, false);
	if (dir < 0)
		return dir == -ENOENT ? 0 : dir;
	pinned = pin_obj_id(dir, VNET_STATS_MAP);
	if (!pinned)
		goto out;
	if (map_id && pinned != map_id) {
		log_note("%s: leaving %s/%s/%s: it pins map %u, not %u", ifname, VNET_PIN_ROOT,
			 ifname, VNET_STATS_MAP, pinned, map_id);
		goto out;
	}
	if (unlinkat(dir, VNET_STATS_MAP, 0) < 0 && errno != ENOENT)
		err = -errno;
out:
	close(dir);
	if (!err)
		pin_dir_remove(ifname);
	return err;
}

int pin_for_each(int (*fn)(const char *ifname, __u32 map_id, void *ctx), void *ctx)
{
	struct dirent *de;
	DIR *d;
	int top, dir, err = 0;

	if (!pin_bpffs_mounted())
		return 0;
	top = pin_dir_open(NULL, false);
	if (top < 0)
		return top == -ENOENT ? 0 : top;
	d = fdopendir(top);
	if (!d) {
		err = -errno;
		close(top);
		return err;
	}
	/* Bounded by the directory: one entry per interface name ever pinned. */
	while (!err && (de = readdir(d))) {
		__u32 id;

		if (de->d_name[0] == '.')
			continue;
		dir = pin_subdir(dirfd(d), de->d_name, false, de->d_name);
		if (dir < 0)
			continue;
		id = pin_obj_id(dir, VNET_STATS_MAP);
		close(dir);
		if (id)
			err = fn(de->d_name, id, ctx);
	}
	closedir(d);
	return err;
}

int pin_stats_get_id(const char *ifname, __u32 *map_id)
{
	int dir;

	*map_id = 0;
	if (!pin_bpffs_mounted())
		return -ENOENT;
	dir = pin_dir_open(ifname, false);
	if (dir == -ENOENT)
		return 0;
	if (dir < 0)
		return dir;
	*map_id = pin_obj_id(dir, VNET_STATS_MAP);
	close(dir);
	return 0;
}
