// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * tcx_prog - a stand-in for "another tc program" in the tcx chain, and an
 * independent view of that chain, for tests/72-e2e-multiprog.t (bpftool 7.1
 * knows no tcx; libbpf 1.1 neither: raw bpf(2), Linux 6.6+ layouts).
 *
 *   tcx_prog add IFACE in|eg      load a SCHED_CLS program that counts every
 *                                 frame and hands it on (TC_ACT_UNSPEC),
 *                                 append it to the chain, print its id
 *   tcx_prog count IFACE in|eg ID the frames program ID has counted
 *   tcx_prog del IFACE in|eg ID   take program ID off the chain
 *   tcx_prog list IFACE in|eg     the chain's program ids, first first, one line
 *
 * Exit 0, or 1 with one line on stderr.
 */
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#define TCX_INGRESS	46
#define TCX_EGRESS	47

struct attach_attr {
	uint32_t ifindex, prog_fd, type, flags, replace_fd, relative;
	uint64_t revision;
};

struct query_attr {
	uint32_t ifindex, type, query_flags, attach_flags;
	uint64_t prog_ids;
	uint32_t cnt, pad;
	uint64_t prog_flags, link_ids, link_flags, revision;
};

static long sys_bpf(int cmd, void *attr, size_t size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

static int die(const char *what)
{
	fprintf(stderr, "tcx_prog: %s: %s\n", what, strerror(errno));
	return 1;
}

static int load(void)
{
	union bpf_attr a;
	int map_fd;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 1;
	map_fd = (int)sys_bpf(BPF_MAP_CREATE, &a, sizeof(a));
	if (map_fd < 0)
		return map_fd;

	/* count[0]++ atomically; return -1 (TC_ACT_UNSPEC, tcx: TCX_NEXT) */
	struct bpf_insn insns[] = {
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = 1, .src_reg = BPF_PSEUDO_MAP_FD,
		  .imm = map_fd },
		{ 0 },
		{ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = 10, .off = -4, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 2, .src_reg = 10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = 2, .imm = -4 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_map_lookup_elem },
		{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = 0, .off = 2, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 1, .imm = 1 },
		{ .code = BPF_STX | BPF_ATOMIC | BPF_DW, .dst_reg = 0, .src_reg = 1, .imm = BPF_ADD },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = -1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	a.insns = (uint64_t)(unsigned long)insns;
	a.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	a.license = (uint64_t)(unsigned long)"GPL";
	strcpy(a.prog_name, "tcx_other");
	return (int)sys_bpf(BPF_PROG_LOAD, &a, sizeof(a));
}

/* The program whose id is @id (decimal), as a new fd; negative if none. */
static int prog_fd_by_id(const char *id)
{
	union bpf_attr g;

	memset(&g, 0, sizeof(g));
	g.prog_id = (uint32_t)strtoul(id, NULL, 10);
	return (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &g, sizeof(g));
}

/* *@info filled in for program @fd; what the caller set in it asks for more. */
static long prog_info(int fd, struct bpf_prog_info *info)
{
	union bpf_attr g;

	memset(&g, 0, sizeof(g));
	g.info.bpf_fd = fd;
	g.info.info_len = sizeof(*info);
	g.info.info = (uint64_t)(unsigned long)info;
	return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &g, sizeof(g));
}

/* BPF_PROG_ATTACH or BPF_PROG_DETACH program @fd on the tcx hook @type. */
static long tcx_prog_op(int cmd, uint32_t ifindex, int fd, uint32_t type)
{
	struct attach_attr at = { .ifindex = ifindex, .prog_fd = fd, .type = type };

	return sys_bpf(cmd, &at, sizeof(at));
}

int main(int argc, char **argv)
{
	uint32_t ifindex, type, ids[64];
	struct query_attr q = {};

	if (argc < 4 || !(ifindex = if_nametoindex(argv[2]))) {
		fprintf(stderr, "usage: tcx_prog add|del|list IFACE in|eg [ID]\n");
		return 1;
	}
	type = !strcmp(argv[3], "eg") ? TCX_EGRESS : TCX_INGRESS;
	if (!strcmp(argv[1], "add")) {
		struct bpf_prog_info info;
		int fd = load();

		if (fd < 0)
			return die("load");
		if (tcx_prog_op(BPF_PROG_ATTACH, ifindex, fd, type))
			return die("attach");
		memset(&info, 0, sizeof(info));
		if (prog_info(fd, &info))
			return die("info");
		printf("%u\n", info.id);
		return 0;
	}
	if (!strcmp(argv[1], "del") && argc == 5) {
		int fd = prog_fd_by_id(argv[4]);

		if (fd < 0)
			return die("no such program");
		if (tcx_prog_op(BPF_PROG_DETACH, ifindex, fd, type))
			return die("detach");
		return 0;
	}
	if (!strcmp(argv[1], "count") && argc == 5) {
		union bpf_attr g;
		struct bpf_prog_info info;
		uint32_t map_id = 0, key = 0;
		uint64_t value = 0;
		int fd = prog_fd_by_id(argv[4]);

		if (fd < 0)
			return die("no such program");
		memset(&info, 0, sizeof(info));
		info.nr_map_ids = 1;
		info.map_ids = (uint64_t)(unsigned long)&map_id;
		if (prog_info(fd, &info))
			return die("info");
		memset(&g, 0, sizeof(g));
		g.map_id = map_id;
		fd = (int)sys_bpf(BPF_MAP_GET_FD_BY_ID, &g, sizeof(g));
		if (fd < 0)
			return die("its map");
		memset(&g, 0, sizeof(g));
		g.map_fd = fd;
		g.key = (uint64_t)(unsigned long)&key;
		g.value = (uint64_t)(unsigned long)&value;
		if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &g, sizeof(g)))
			return die("lookup");
		printf("%llu\n", (unsigned long long)value);
		return 0;
	}
	if (!strcmp(argv[1], "list")) {
		q = (struct query_attr){ .ifindex = ifindex, .type = type,
					 .prog_ids = (uint64_t)(unsigned long)ids, .cnt = 64 };
		if (sys_bpf(BPF_PROG_QUERY, &q, sizeof(q)))
			return die("query");
		for (uint32_t i = 0; i < q.cnt && i < 64; i++)
			printf("%s%u", i ? " " : "", ids[i]);
		printf("\n");
		return 0;
	}
	fprintf(stderr, "usage: tcx_prog add|del|list IFACE in|eg [ID]\n");
	return 1;
}
