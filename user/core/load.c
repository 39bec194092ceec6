// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * load.c - the skeleton's only user: open, configure, load, then keep
 * just the fds of the program and map the attach needs.
 *
 * Only the program the mode runs is loaded (bpf_program__set_autoload),
 * so the kernel verifies and keeps nothing else. Every other object the
 * skeleton created goes away with vnet__destroy(); the attachment itself
 * then holds the program, and the program its maps.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/load.h"
#include "core/mode.h"
#include "lib/log.h"
#include "lib/util.h"
#include "vnet.shared.h"
#include "vnet.skel.h"
#include "xdp_pass.skel.h"

/* The mode's program, by the name mode.c's table gives it. */
static struct bpf_program *load_prog_of(struct vnet *skel, enum vnet_mode mode)
{
	return bpf_object__find_program_by_name(skel->obj, mode_prog_name(mode));
}

/*
 * Whether the kernel takes an XDP program that declares multi-buffer
 * support (BPF_F_XDP_HAS_FRAGS, Linux 5.18; libbpf's SEC("xdp.frags")):
 * a two-instruction XDP_PASS loaded with the flag. Older kernels refuse
 * the unknown flag; there vnet loads without it, and a driver that needs
 * it for the MTU refuses the attach (attach.c says so).
 */
static bool load_xdp_frags_ok(void)
{
	const char *env = getenv("VNET_XDP_FRAGS");
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_flags = BPF_F_XDP_HAS_FRAGS);
	int fd;

	/* VNET_XDP_FRAGS=0: as on an older kernel (tests, a driver's multi-buffer bug). */
	if (env && !strcmp(env, "0"))
		return false;
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "vnet_frags_probe", "GPL", insns,
			   sizeof(insns) / sizeof(insns[0]), &opts);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Our own duplicate of @map's fd, so it outlives the skeleton. */
static int load_keep_map(const struct bpf_map *map)
{
	return fcntl(bpf_map__fd(map), F_DUPFD_CLOEXEC, 3);
}

/* The --respond maps: `vnetctl respond` finds them again from the kernel. */
static int load_keep_tries(struct vnet *skel, struct vnet_tries *t)
{
	t->prefix4_fd = load_keep_map(skel->maps.vnet_prefix4);
	t->prefix6_fd = load_keep_map(skel->maps.vnet_prefix6);
	t->state_fd = load_keep_map(skel->maps.data_state);
	if (t->prefix4_fd < 0 || t->prefix6_fd < 0 || t->state_fd < 0)
		return -errno;
	return 0;
}

static int load_fd_id(int fd, __u32 *id)
{
	union {
		struct bpf_prog_info prog;
		struct bpf_map_info map;
	} info;
	__u32 len = sizeof(info);
	int err;

	/* Program and map info both start with type then id. */
	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	if (err)
		return err;
	*id = info.prog.id;
	return 0;
}

/*
 * vnet_xdp as a freplace program, as libxdp's dispatcher takes its
 * programs: the kernel wants a target at load, any XDP function with
 * vnet_xdp's signature; libxdp re-links it to a dispatcher slot (Linux
 * 5.10+). xdp_pass.bpf.c's program is that target, loaded for the moment.
 */
static int load_as_ext(struct bpf_program *prog, struct xdp_pass **target)
{
	int err;

	*target = xdp_pass__open_and_load();
	if (!*target)
		return -errno;
	err = bpf_program__set_attach_target(prog, bpf_program__fd((*target)->progs.vnet_xdp_pass),
					     "vnet_xdp_pass");
	if (err)
		return err;
	/* The dispatcher, not its slots, carries the frags flag. */
	bpf_program__set_flags(prog, bpf_program__flags(prog) & ~BPF_F_XDP_HAS_FRAGS);
	bpf_program__set_expected_attach_type(prog, 0);
	return bpf_program__set_type(prog, BPF_PROG_TYPE_EXT);
}

int vnet_load(const char *ifname, enum vnet_mode mode, const struct vnet_config *cfg,
	      struct vnet_loaded *out)
{
	return vnet_load_ext(ifname, mode, cfg, false, out);
}

int vnet_load_ext(const char *ifname, enum vnet_mode mode, const struct vnet_config *cfg,
		  bool ext, struct vnet_loaded *out)
{
	struct bpf_program *prog, *want;
	struct xdp_pass *target = NULL;
	struct vnet *skel;
	int err;

	out->prog_fd = -1;
	out->map_fd = -1;
	out->tries = VNET_TRIES_NONE;
	out->xdp_frags = false;

	log_libbpf_reset();
	skel = vnet__open();
	if (!skel) {
		err = -errno;
		log_err_sys(err, "%s: cannot open the embedded BPF object", ifname);
		return err;
	}

	want = load_prog_of(skel, mode);
	bpf_object__for_each_program(prog, skel->obj) {
		err = bpf_program__set_autoload(prog, prog == want);
		if (err) {
			log_err_sys(err, "%s: cannot select program %s", ifname,
				    bpf_program__name(prog));
			goto out;
		}
	}
	skel->rodata->vnet_cfg = *cfg;
	/*
	 * XDP declares multi-buffer support where the kernel has it, so a
	 * driver lets it run at an MTU above a page (veth: MTU 9000). The
	 * object says SEC("xdp"), not "xdp.frags": bench/ tail-calls it from
	 * a program without the flag, which the kernel only allows alike.
	 */
	if (want == skel->progs.vnet_xdp && load_xdp_frags_ok()) {
		err = bpf_program__set_flags(want, bpf_program__flags(want) | BPF_F_XDP_HAS_FRAGS);
		if (err) {
			log_err_sys(err, "%s: cannot declare multi-buffer support", ifname);
			goto out;
		}
		skel->rodata->vnet_cfg.xdp_frags = 1;
		out->xdp_frags = true;
	} else if (want == skel->progs.vnet_xdp) {
		log_note("%s: XDP without multi-buffer support (BPF_F_XDP_HAS_FRAGS refused: Linux before 5.18, or VNET_XDP_FRAGS=0)",
			 ifname);
	}
	/*
	 * Without a per-source limit the program never touches the LRU of
	 * source buckets (the verifier prunes that code): do not lock ~1.5 MB
	 * of memory for it.
	 */
	if (!cfg->rate_per_source) {
		err = bpf_map__set_max_entries(skel->maps.vnet_ratelimit, 1);
		if (err) {
			log_err_sys(err, "%s: cannot size the rate-limit map", ifname);
			goto out;
		}
	}

	if (ext) {
		err = load_as_ext(want, &target);
		if (err) {
			log_err_sys(err, "%s: cannot prepare %s for libxdp's dispatcher", ifname,
				    bpf_program__name(want));
			goto out;
		}
	}

	err = vnet__load(skel);
	if (err) {
		/* EACCES is also the verifier's "invalid access": log first. */
		if (ext && err == -EPERM)
			log_err("%s: the kernel refuses freplace programs (Operation not permitted), which libxdp's dispatcher needs to share the XDP hook; attach without --multiprog (or in tc mode where a dispatcher holds the hook)",
				ifname);
		else if (ext && log_verifier_rejected())
			log_err("%s: the kernel's verifier refuses %s as a freplace program (kernels since 6.13, and stable ones, refuse a program that resizes frames in a dispatcher slot that does not, as libxdp 1.3.1's are; rerun with -v for its log); attach without --multiprog (or in tc mode where a dispatcher holds the hook)",
				ifname, bpf_program__name(want));
		else if (log_verifier_rejected())
			log_err("%s: the kernel's verifier rejected %s (rerun with -v for its log)",
				ifname, bpf_program__name(want));
		else
			log_err_sys(err, "%s: cannot load %s", ifname, bpf_program__name(want));
		goto out;
	}

	/* Outlive the skeleton: own duplicates of the two fds we need. */
	out->prog_fd = fcntl(bpf_program__fd(want), F_DUPFD_CLOEXEC, 3);
	if (out->prog_fd < 0) {
		err = -errno;
		log_err_sys(err, "%s: cannot keep the program", ifname);
		goto out;
	}
	out->map_fd = load_keep_map(skel->maps.vnet_stats);
	if (out->map_fd < 0) {
		err = -errno;
		log_err_sys(err, "%s: cannot keep the stats map", ifname);
		goto out;
	}
	err = load_keep_tries(skel, &out->tries);
	if (err) {
		log_err_sys(err, "%s: cannot keep the prefix maps", ifname);
		goto out;
	}
	err = load_fd_id(out->prog_fd, &out->prog_id);
	if (!err)
		err = load_fd_id(out->map_fd, &out->map_id);
	if (err)
		log_err_sys(err, "%s: cannot read the loaded program's ids", ifname);
out:
	xdp_pass__destroy(target);
	vnet__destroy(skel);
	if (err)
		vnet_loaded_release(out);
	return err;
}

void vnet_loaded_release(struct vnet_loaded *loaded)
{
	if (loaded->prog_fd >= 0)
		close(loaded->prog_fd);
	if (loaded->map_fd >= 0)
		close(loaded->map_fd);
	loaded->prog_fd = -1;
	loaded->map_fd = -1;
	tries_close(&loaded->tries);
}
