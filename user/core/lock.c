// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * lock.c - the lock that serialises vnetctl runs changing an interface.
 *
 * flock(2) on the directory /run/vnetctl itself: a flock belongs to the
 * open file, so the kernel releases it when the process dies however it
 * dies. Only root can hold it: the directory is created 0700 by root in
 * root's /run, opened without following a symlink, and refused unless it
 * is a directory owned by root with no permission bits for anyone else.
 * An unprivileged user can therefore neither create it first nor open it,
 * let alone flock it. It is shared by every network namespace (ip netns
 * exec remounts /sys, not /run): these critical sections are short.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "core/lock.h"
#include "lib/clock.h"
#include "lib/log.h"

/* The directory, checked; -errno after the error line. */
static int lock_open_dir(void)
{
	struct stat st;
	int fd, err;

	if (mkdir(VNET_LOCK_DIR, 0700) < 0 && errno != EEXIST)
		goto err_errno;
	fd = open(VNET_LOCK_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR) {
			log_err("cannot take the lock: %s is not a directory (a symlink or a file?); refusing it, remove it as root",
				VNET_LOCK_DIR);
			return -ENOTDIR;
		}
		goto err_errno;
	}
	if (fstat(fd, &st) < 0) {
		err = -errno;
		close(fd);
		errno = -err;
		goto err_errno;
	}
	if (st.st_uid != 0 || (st.st_mode & 07777) != 0700) {
		log_err("cannot take the lock: %s is owned by uid %u with mode %04o, not root's 0700; refusing it, remove it as root",
			VNET_LOCK_DIR, (unsigned int)st.st_uid, (unsigned int)(st.st_mode & 07777));
		close(fd);
		return -EPERM;
	}
	return fd;

err_errno:
	err = -errno;
	/* Not root: the usual one line about privileges is the true cause. */
	if (log_is_perm_error(err) && geteuid() != 0)
		log_err_perm();
	else
		log_err("cannot take the lock %s: %s", VNET_LOCK_DIR, strerror(-err));
	return err;
}

int vnet_lock(void)
{
	double deadline = mono_now() + VNET_LOCK_WAIT_S;
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int fd, err;

	fd = lock_open_dir();
	if (fd < 0)
		return fd;
	/* Polled, not blocking: a holder that never lets go gets a message, not a hang. */
	for (;;) {
		if (!flock(fd, LOCK_EX | LOCK_NB))
			return fd;
		err = -errno;
		if (err != -EWOULDBLOCK && err != -EINTR)
			break;
		if (mono_now() >= deadline) {
			log_err("cannot take the lock %s: another vnetctl has held it for %d s",
				VNET_LOCK_DIR, VNET_LOCK_WAIT_S);
			close(fd);
			return -ETIMEDOUT;
		}
		nanosleep(&pause, NULL);
	}
	log_err("cannot take the lock %s: %s", VNET_LOCK_DIR, strerror(-err));
	close(fd);
	return err;
}

void vnet_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
