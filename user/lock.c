// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * lock.c - the lock that serialises vnetctl runs changing prefixes.
 *
 * flock(2) rather than fcntl locks: it belongs to the open file, so it is
 * released by the kernel when the process dies however it dies, and a
 * stale lock file is harmless. The file is shared by every network
 * namespace (ip netns exec remounts /sys, not /run), which is what we
 * want: the maps are per program, but a lock per program would need a
 * name, and these critical sections last microseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "lock.h"

static int lock_open(const char *path)
{
	/* O_NOFOLLOW: never be steered onto another file by a symlink in /tmp. */
	return open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
}

int vnet_lock(void)
{
	int fd, err;

	fd = lock_open(VNET_LOCK_FILE);
	if (fd < 0 && errno == ENOENT)
		fd = lock_open(VNET_LOCK_FALLBACK);
	if (fd < 0)
		return -errno;
	do {
		err = flock(fd, LOCK_EX);
	} while (err && errno == EINTR);
	if (err) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

void vnet_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
