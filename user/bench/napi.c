// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * napi.c - --napi-cpu: move a veth's receive work off the sender's
 * core.
 *
 * On veth, a frame sent on CPU n is received by the peer's NAPI, which is
 * scheduled on CPU n too: the responder's work and the sink's run in the
 * sender's softirq, and one core does everything. Threaded NAPI
 * (/sys/class/net/DEV/threaded = 1) gives each NAPI instance a kthread
 * "napi/DEV-ID" instead; pinning those to another CPU splits the work.
 *
 * The knob lives in sysfs, and sysfs shows the network devices of the
 * netns that mounted it: the peer usually lives in another netns. So a
 * child process enters the device's netns (setns, found by the id our netns
 * has for it: the entries of /run/netns and /proc/PID/ns/net are asked via
 * RTM_GETNSID),
 * mounts a private sysfs there and flips the knob. The kthreads are then
 * the "napi/DEV-" ones that did not exist before; kthreads are global, so
 * sched_setaffinity() reaches them from here.
 *
 * Restoring: the old `threaded` value is written back (which ends the
 * kthreads we caused), and kthreads that existed before get their old
 * affinity back.
 *
 * Also here, as it is the same question: does the veth peer have a NAPI
 * at all (bench_peer_check())? Without one it drops live frames.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "bench/run.h"
#include "core/peer.h"
#include "lib/iface.h"
#include "lib/log.h"
#include "lib/netlink.h"

#define NAPI_MAX_THREADS	64
#define NAPI_MAX_DEVS		2

struct napi_thread {
	pid_t pid;
	cpu_set_t old;
};

struct napi_dev {
	char name[IFNAMSIZ];
	int nsfd;		/* the netns the device lives in */
	int old_threaded;	/* -1: not changed */
	struct napi_thread threads[NAPI_MAX_THREADS];
	unsigned int nr_threads;
};

struct bench_napi {
	struct napi_dev devs[NAPI_MAX_DEVS];
	unsigned int nr_devs;
};

/*
 * In a child: enter @nsfd's netns with a private mount namespace and a
 * sysfs of that netns, then read DEV/threaded and write @val (if >= 0).
 * The exit status carries the old value (0..2) or 100 + a failure step.
 */
static int sysfs_threaded(int nsfd, const char *dev, int val, int *old)
{
	char path[128], buf[16];
	int status, fd;
	ssize_t n;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (setns(nsfd, CLONE_NEWNET) || unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(100);
		umount2("/sys", MNT_DETACH);
		if (mount("sysfs", "/sys", "sysfs", 0, NULL))
			_exit(101);
		snprintf(path, sizeof(path), "/sys/class/net/%s/threaded", dev);
		fd = open(path, O_RDWR);
		if (fd < 0)
			_exit(errno == ENOENT ? 102 : 103);
		n = read(fd, buf, sizeof(buf) - 1);
		if (n <= 0)
			_exit(104);
		buf[n] = '\0';
		if (val >= 0) {
			n = snprintf(buf + 8, 8, "%d", val);
			if (pwrite(fd, buf + 8, (size_t)n, 0) != n)
				_exit(105);
		}
		_exit(atoi(buf) & 3);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) >= 100)
		return WIFEXITED(status) && WEXITSTATUS(status) == 102 ? -ENOENT : -EIO;
	*old = WEXITSTATUS(status);
	return 0;
}

/* The pids of kthreads named "napi/DEV-..." (comm is cut at 15 chars). */
static unsigned int napi_pids(const char *dev, pid_t *pids, unsigned int max)
{
	char prefix[32], path[300], comm[32];
	unsigned int n = 0;
	struct dirent *de;
	size_t plen;
	DIR *d;

	snprintf(prefix, sizeof(prefix), "napi/%s-", dev);
	plen = strlen(prefix) > 15 ? 15 : strlen(prefix);
	d = opendir("/proc");
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, prefix, plen))
			pids[n++] = atoi(de->d_name);
		fclose(f);
	}
	closedir(d);
	return n;
}

static bool pid_in(pid_t pid, const pid_t *pids, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* An fd of the netns our netns knows as @nsid: a named one, else a process's. */
static int netns_by_id(int nsid)
{
	static const char *const dirs[] = { "/run/netns", "/proc" };
	char path[300];
	struct dirent *de;
	int fd, id;

	for (unsigned int i = 0; i < 2; i++) {
		DIR *d = opendir(dirs[i]);

		if (!d)
			continue;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.' ||
			    (i == 1 && (de->d_name[0] < '0' || de->d_name[0] > '9')))
				continue;
			snprintf(path, sizeof(path), i ? "%s/%s/ns/net" : "%s/%s", dirs[i],
				 de->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (!nl_get_nsid(fd, &id) && id == nsid) {
				closedir(d);
				return fd;
			}
			close(fd);
		}
		closedir(d);
	}
	return -ENOENT;
}

static int napi_dev_setup(struct napi_dev *d, int cpu)
{
	pid_t before[NAPI_MAX_THREADS], after[NAPI_MAX_THREADS];
	unsigned int nb, na;
	cpu_set_t set;
	int err, old;

	nb = napi_pids(d->name, before, NAPI_MAX_THREADS);
	err = sysfs_threaded(d->nsfd, d->name, 1, &old);
	if (err)
		return err;
	d->old_threaded = old;
	na = napi_pids(d->name, after, NAPI_MAX_THREADS);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	for (unsigned int i = 0; i < na; i++) {
		struct napi_thread *t = &d->threads[d->nr_threads];

		/*
		 * Already threaded before us: a same-named device elsewhere
		 * cannot be told apart by name, so all of them are moved and
		 * moved back.
		 */
		if (old == 0 && pid_in(after[i], before, nb))
			continue;
		t->pid = after[i];
		if (sched_getaffinity(t->pid, sizeof(t->old), &t->old))
			continue;
		if (sched_setaffinity(t->pid, sizeof(set), &set))
			return -errno;
		d->nr_threads++;
	}
	if (!d->nr_threads)
		return -ESRCH;
	log_note("%s: threaded NAPI, %u kthread%s pinned to CPU %d", d->name, d->nr_threads,
		 d->nr_threads == 1 ? "" : "s", cpu);
	return 0;
}

static void napi_dev_restore(struct napi_dev *d)
{
	int old;

	/*
	 * Kthreads that were there before us (threaded 1, or 2: busy-poll)
	 * go back to their CPUs; a value other than the 1 we wrote goes back
	 * too (for 0 that also ends the kthreads we pinned).
	 */
	if (d->old_threaded > 0)
		for (unsigned int i = 0; i < d->nr_threads; i++)
			sched_setaffinity(d->threads[i].pid, sizeof(d->threads[i].old),
					  &d->threads[i].old);
	if (d->old_threaded >= 0 && d->old_threaded != 1) {
		if (sysfs_threaded(d->nsfd, d->name, d->old_threaded, &old))
			log_warn("%s: cannot set threaded NAPI back to %d", d->name,
				 d->old_threaded);
	}
	if (d->nsfd >= 0)
		close(d->nsfd);
}

void bench_napi_restore(struct bench_napi *napi)
{
	if (!napi)
		return;
	while (napi->nr_devs)
		napi_dev_restore(&napi->devs[--napi->nr_devs]);
	free(napi);
}

/*
 * Whether @dev in @nsfd's netns has GRO on (ETHTOOL_GGRO, asked from a
 * child inside that netns). 1, 0, or -errno.
 */
static int gro_enabled(int nsfd, const char *dev)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GGRO };
	struct ifreq ifr = {};
	int status, fd;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (setns(nsfd, CLONE_NEWNET))
			_exit(2);
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
		ifr.ifr_data = (void *)&ev;
		if (fd < 0 || ioctl(fd, SIOCETHTOOL, &ifr) < 0)
			_exit(2);
		_exit(ev.data ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1)
		return -EIO;
	return WEXITSTATUS(status);
}

/*
 * Live frames and the loop's re-armed requests leave IFACE as XDP frames,
 * and a veth hands those only to a
 * peer with NAPI: one that runs a native XDP program or has GRO on. Else
 * every frame is dropped, silently, and the run measures nothing but
 * loss: say so before it starts. The peer's receive ring is picked by the
 * sending CPU modulo its queue count, so more threads than queues share a
 * 256-frame ring from several CPUs and overflow it: say that too.
 */
void bench_peer_check(const char *ifname, int ifindex, unsigned int threads)
{
	struct veth_peer peer;
	int nsfd, gro;

	if (veth_peer_of(ifname, ifindex, &peer))
		return;
	if (peer.num_rx_queues && threads > peer.num_rx_queues)
		log_warn("veth peer %s has %u receive queue%s for %u sending threads: they share its rings and overflow them; create the pair with numrxqueues/numtxqueues %u on both ends, or use --threads %u",
			 peer.ifname, peer.num_rx_queues, peer.num_rx_queues == 1 ? "" : "s",
			 threads, threads, peer.num_rx_queues);
	if (peer.xdp_drv_prog_id)
		return;
	nsfd = peer.other_netns ? netns_by_id(peer.netnsid) :
	       open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return;
	gro = gro_enabled(nsfd, peer.ifname);
	close(nsfd);
	if (gro == 0)
		log_warn("veth peer %s has no XDP program and GRO off: it drops every frame XDP sends it (live frames, the loop's requests); attach one (e.g. xdp_pass) or run 'ethtool -K %s gro on'%s, or use --method packet",
			 peer.ifname, peer.ifname, peer.other_netns ? " in its netns" : "");
}

/* IFACE and, for a veth, its peer, wherever it lives. */
int bench_napi_setup(const char *ifname, int ifindex, int cpu, struct bench_napi **out)
{
	struct bench_napi *napi;
	struct veth_peer peer;
	int err;

	napi = calloc(1, sizeof(*napi));
	if (!napi)
		return -ENOMEM;
	for (unsigned int i = 0; i < NAPI_MAX_DEVS; i++) {
		napi->devs[i].nsfd = -1;
		napi->devs[i].old_threaded = -1;
	}

	if (!veth_peer_of(ifname, ifindex, &peer)) {
		struct napi_dev *d = &napi->devs[napi->nr_devs];

		memcpy(d->name, peer.ifname, sizeof(d->name));
		d->nsfd = peer.other_netns ? netns_by_id(peer.netnsid) :
			  open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (d->nsfd < 0) {
			err = d->nsfd == -ENOENT ? -ENOENT : -errno;
			log_err("%s: cannot find the netns of its peer %s (no /run/netns entry or process in it)",
				ifname, peer.ifname);
			goto err_free;
		}
		napi->nr_devs++;
		err = napi_dev_setup(d, cpu);
		if (err)
			goto err_dev;
	}

	{
		struct napi_dev *d = &napi->devs[napi->nr_devs];

		snprintf(d->name, sizeof(d->name), "%s", ifname);
		d->nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (d->nsfd < 0) {
			err = -errno;
			log_err_sys(err, "cannot open our own netns");
			goto err_restore;
		}
		napi->nr_devs++;
		err = napi_dev_setup(d, cpu);
		if (err)
			goto err_dev;
	}
	*out = napi;
	return 0;

err_dev:
	log_err_sys(err == -ESRCH ? -ESRCH : err,
		    "%s: cannot set up threaded NAPI on %s%s", ifname,
		    napi->devs[napi->nr_devs - 1].name,
		    err == -ESRCH ? " (no NAPI kthread appeared: does it run XDP or GRO?)" : "");
err_restore:
	bench_napi_restore(napi);
	return err;
err_free:
	free(napi);
	return err;
}
