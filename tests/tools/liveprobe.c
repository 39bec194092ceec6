// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * liveprobe - does this kernel run BPF_PROG_RUN with live frames
 * (BPF_F_TEST_XDP_LIVE_FRAMES) on IFACE?
 *
 *   liveprobe IFACE
 *
 * Loads a two-instruction XDP_DROP program with the raw bpf(2) syscall
 * (no libbpf: an independent witness for what vnetctl bench decides) and
 * runs one live frame through it with IFACE as the ingress device; XDP_DROP
 * means nothing leaves. Prints "ok", or the errno's name (EPERM: the
 * kernel's policy refuses live frames; EINVAL: a kernel before 5.18), and
 * exits 0 either way; 2 on a usage error or when the probe itself cannot
 * run (the program does not load).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <sys/syscall.h>

#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES	(1U << 1)
#endif

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

int main(int argc, char **argv)
{
	struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_DROP },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static const char license[] = "Dual BSD/GPL";
	unsigned char frame[64] = { [12] = 0x08 };	/* an IPv4 ethertype, zeros */
	struct xdp_md ctx = { .data_end = sizeof(frame) };
	union bpf_attr attr;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: liveprobe IFACE\n");
		return 2;
	}
	ctx.ingress_ifindex = if_nametoindex(argv[1]);
	if (!ctx.ingress_ifindex) {
		fprintf(stderr, "liveprobe: %s: no such interface\n", argv[1]);
		return 2;
	}

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (unsigned long)prog;
	attr.insn_cnt = sizeof(prog) / sizeof(prog[0]);
	attr.license = (unsigned long)license;
	fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0) {
		fprintf(stderr, "liveprobe: cannot load an XDP program: %s\n", strerror(errno));
		return 2;
	}

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = (unsigned long)frame;
	attr.test.data_size_in = sizeof(frame);
	attr.test.ctx_in = (unsigned long)&ctx;
	attr.test.ctx_size_in = sizeof(ctx);
	attr.test.repeat = 1;
	attr.test.flags = BPF_F_TEST_XDP_LIVE_FRAMES;
	if (sys_bpf(BPF_PROG_TEST_RUN, &attr))
		printf("%s\n", strerrorname_np(errno) ? strerrorname_np(errno) : strerror(errno));
	else
		printf("ok\n");
	close(fd);
	return 0;
}
