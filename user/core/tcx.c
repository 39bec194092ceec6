// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tcx.c - the tcx hooks (Linux 6.6+) by bpf(2) itself, for hook.c's
 * --multiprog and find.c's look at the tcx chains.
 */
#include <errno.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#include "core/tcx.h"

/*
 * tcx by bpf(2) itself: libbpf 1.1 has no tcx API, and linux-libc-dev 6.1
 * no tcx in union bpf_attr, so the two commands' layouts as of Linux 6.6.
 * BPF_PROG_ATTACH, unlike a bpf_link, leaves the program attached to the
 * device after vnetctl exits, as a clsact filter or an XDP program is.
 */
#define TCX_BPF_INGRESS	46
#define TCX_BPF_EGRESS	47
#ifndef BPF_F_BEFORE
#define BPF_F_BEFORE		(1U << 3)
#endif

struct tcx_attach_attr {
	__u32 target_ifindex;
	__u32 attach_bpf_fd;
	__u32 attach_type;
	__u32 attach_flags;
	__u32 replace_bpf_fd;
	__u32 relative_fd;
	__u64 expected_revision;
};

struct tcx_query_attr {
	__u32 target_ifindex;
	__u32 attach_type;
	__u32 query_flags;
	__u32 attach_flags;
	__u64 prog_ids;
	__u32 prog_cnt;
	__u32 pad;
	__u64 prog_attach_flags;
	__u64 link_ids;
	__u64 link_attach_flags;
	__u64 revision;
};

static int tcx_bpf(int cmd, void *attr, size_t size)
{
	long ret = syscall(__NR_bpf, cmd, attr, size);

	return ret < 0 ? -errno : (int)ret;
}

static __u32 tcx_type(enum vnet_mode mode)
{
	return mode_tc_egress(mode) ? TCX_BPF_EGRESS : TCX_BPF_INGRESS;
}

int tcx_query(int ifindex, enum vnet_mode mode, __u32 *ids, __u32 *cnt)
{
	struct tcx_query_attr a = {
		.target_ifindex = (__u32)ifindex,
		.attach_type = tcx_type(mode),
		.prog_ids = (__u64)(unsigned long)ids,
		.prog_cnt = *cnt,
	};
	int err = tcx_bpf(BPF_PROG_QUERY, &a, sizeof(a));

	/* More than fit: the first *cnt are there, which is all we look at. */
	if (err == -ENOSPC)
		err = 0;
	*cnt = err ? 0 : a.prog_cnt;
	return err;
}

bool tcx_supported(void)
{
	static int known = -1;
	__u32 ids[1], cnt = 1;

	/* A kernel without tcx does not know the attach type: EINVAL. */
	if (known < 0)
		known = tcx_query(1, VNET_MODE_TC, ids, &cnt) != -EINVAL;
	return known;
}

int tcx_attach(int ifindex, enum vnet_mode mode, int prog_fd, int replace_fd)
{
	struct tcx_attach_attr a = {
		.target_ifindex = (__u32)ifindex,
		.attach_bpf_fd = (__u32)prog_fd,
		.attach_type = tcx_type(mode),
	};

	/*
	 * First in the chain, as vnet's clsact priority puts it before
	 * filters added without one: what it hands on (TC_ACT_UNSPEC) goes
	 * on to the programs behind it.
	 */
	if (replace_fd >= 0) {
		a.attach_flags = BPF_F_REPLACE;
		a.replace_bpf_fd = (__u32)replace_fd;
	} else {
		a.attach_flags = BPF_F_BEFORE;
	}
	return tcx_bpf(BPF_PROG_ATTACH, &a, sizeof(a));
}

int tcx_detach(int ifindex, enum vnet_mode mode, int prog_fd)
{
	struct tcx_attach_attr a = {
		.target_ifindex = (__u32)ifindex,
		.attach_bpf_fd = (__u32)prog_fd,
		.attach_type = tcx_type(mode),
	};

	return tcx_bpf(BPF_PROG_DETACH, &a, sizeof(a));
}
