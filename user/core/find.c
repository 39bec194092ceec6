// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * find.c - recognise vnet's programs on an interface from the kernel.
 *
 * interface -> program id on each hook (bpf_xdp_query for XDP drv/skb,
 * bpf_tc_query at our clsact handle/priority for ingress and egress, a
 * BPF_PROG_QUERY of the tcx chains, and, when the XDP hook holds libxdp's
 * dispatcher, the freplace links whose target it is: found by walking the
 * kernel's links, so no bpffs pin is needed for that either)
 * -> program fd -> bpf_prog_info: the name must be one of ours, and the
 * program must use a map named vnet_stats; its .rodata map (found by the
 * BTF variable vnet_cfg) tells whether that attach created the clsact qdisc.
 * The --respond maps (vnet_prefix4, vnet_prefix6, and vnet_state's .data.state) are found
 * the same way, by name and type among the program's maps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "core/find.h"
#include "core/tcx.h"
#include "lib/iface.h"
#include "lib/log.h"

static int find_prog_info(int prog_fd, struct bpf_prog_info *info, __u32 **map_ids)
{
	__u32 len = sizeof(*info), nr_maps;
	__u32 *ids;
	int err;

	*map_ids = NULL;
	memset(info, 0, sizeof(*info));
	err = bpf_obj_get_info_by_fd(prog_fd, info, &len);
	if (err)
		return err;
	nr_maps = info->nr_map_ids;
	if (!nr_maps)
		return 0;

	/* A second call fills the map ids into a buffer of the right size. */
	ids = calloc(nr_maps, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	memset(info, 0, sizeof(*info));
	info->nr_map_ids = nr_maps;
	info->map_ids = (__u64)(unsigned long)ids;
	len = sizeof(*info);
	err = bpf_obj_get_info_by_fd(prog_fd, info, &len);
	if (err) {
		free(ids);
		return err;
	}
	/* The program cannot gain maps, but do not trust a count blindly. */
	if (info->nr_map_ids > nr_maps)
		info->nr_map_ids = nr_maps;
	*map_ids = ids;
	return 0;
}

/*
 * If @map_fd's value is a BTF DATASEC holding the variable vnet_cfg (the
 * loader-set .rodata of vnet.bpf.c), copy it out. Returns true if found.
 */
static bool find_read_cfg(int map_fd, const struct bpf_map_info *minfo,
			  struct vnet_config *cfg)
{
	const struct btf_var_secinfo *vsi;
	const struct btf_type *t;
	struct btf *btf = NULL;
	__u32 key = 0;
	void *value = NULL;
	bool found = false;

	if (minfo->type != BPF_MAP_TYPE_ARRAY || !minfo->btf_id ||
	    !minfo->btf_value_type_id)
		return false;
	btf = btf__load_from_kernel_by_id(minfo->btf_id);
	if (!btf)
		return false;
	t = btf__type_by_id(btf, minfo->btf_value_type_id);
	if (!t || !btf_is_datasec(t))
		goto out;

	vsi = btf_var_secinfos(t);
	for (unsigned int i = 0; i < btf_vlen(t); i++, vsi++) {
		const struct btf_type *var = btf__type_by_id(btf, vsi->type);
		const char *name = var ? btf__name_by_offset(btf, var->name_off) : NULL;

		if (!name || strcmp(name, "vnet_cfg"))
			continue;
		if (vsi->offset + (__u64)vsi->size > minfo->value_size)
			break;
		value = calloc(1, minfo->value_size);
		if (!value || bpf_map_lookup_elem(map_fd, &key, value))
			break;
		memset(cfg, 0, sizeof(*cfg));
		memcpy(cfg, (char *)value + vsi->offset,
		       vsi->size < sizeof(*cfg) ? vsi->size : sizeof(*cfg));
		found = true;
		break;
	}
out:
	free(value);
	btf__free(btf);
	return found;
}

/* Where in @t a --respond map goes (by name, type and size), or NULL. */
static int *find_tries_slot(struct vnet_tries *t, const struct bpf_map_info *minfo)
{
	if (minfo->type == BPF_MAP_TYPE_LPM_TRIE && !strcmp(minfo->name, VNET_PREFIX4_MAP) &&
	    minfo->key_size == sizeof(struct vnet_prefix4_key))
		return &t->prefix4_fd;
	if (minfo->type == BPF_MAP_TYPE_LPM_TRIE && !strcmp(minfo->name, VNET_PREFIX6_MAP) &&
	    minfo->key_size == sizeof(struct vnet_prefix6_key))
		return &t->prefix6_fd;
	if (minfo->type == BPF_MAP_TYPE_ARRAY &&
	    (!strcmp(minfo->name, VNET_STATE_MAP) || !strcmp(minfo->name, VNET_STATE_MAP_OLD)) &&
	    minfo->value_size >= sizeof(struct vnet_state))
		return &t->state_fd;
	if (minfo->type == BPF_MAP_TYPE_LRU_HASH && !strcmp(minfo->name, VNET_CLAIMS_MAP) &&
	    minfo->key_size == sizeof(struct vnet_claim_key))
		return &t->claims_fd;
	return NULL;
}

/*
 * Walks the program's maps for vnet_stats and the --respond maps (kept
 * open in @att) and vnet_cfg. Returns 0 (att->map_fd < 0 if there is no
 * vnet_stats) or -errno.
 */
static int find_prog_maps(const __u32 *map_ids, __u32 nr, struct vnet_att *att)
{
	for (__u32 i = 0; i < nr; i++) {
		struct bpf_map_info minfo = {};
		__u32 len = sizeof(minfo);
		int fd, err, *slot;

		fd = bpf_map_get_fd_by_id(map_ids[i]);
		if (fd < 0) {
			if (fd == -ENOENT)
				continue;
			return fd;
		}
		err = bpf_obj_get_info_by_fd(fd, &minfo, &len);
		if (err) {
			close(fd);
			return err;
		}
		if (att->map_fd < 0 && minfo.type == BPF_MAP_TYPE_PERCPU_ARRAY &&
		    !strcmp(minfo.name, VNET_STATS_MAP)) {
			att->map_fd = fd;
			att->map_id = minfo.id;
			att->map_value_size = minfo.value_size;
			continue;
		}
		slot = find_tries_slot(&att->tries, &minfo);
		if (slot && *slot < 0) {
			*slot = fd;
			continue;
		}
		if (!att->cfg_known)
			att->cfg_known = find_read_cfg(fd, &minfo, &att->cfg);
		close(fd);
	}
	return 0;
}

static bool find_name_is_ours(enum vnet_mode mode, const char *name)
{
	if (mode_is_xdp(mode))
		return !strcmp(name, VNET_PROG_XDP);
	/* Either TC program on either hook is vnet's to report and remove. */
	return !strcmp(name, VNET_PROG_TC_INGRESS) || !strcmp(name, VNET_PROG_TC_LOOPBACK);
}

/*
 * Classifies program @prog_id on the @mode hook of found->ifindex, there
 * by @via. Only a direct attachment that is not ours is remembered as
 * foreign: the shared hooks have room for others.
 */
static int find_hook_prog(struct vnet_found *found, enum vnet_mode mode, enum vnet_via via,
			  __u32 prog_id)
{
	struct vnet_att *att = &found->att[found->n];
	struct vnet_foreign *fo;
	struct bpf_prog_info info;
	__u32 *map_ids = NULL;
	int fd, err;

	if (found->n >= VNET_MAX_ATTS)
		return -E2BIG;
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)	/* -ENOENT: detached and freed since the query */
		return fd == -ENOENT ? 0 : fd;
	err = find_prog_info(fd, &info, &map_ids);
	if (err)
		goto err_close;

	memset(att, 0, sizeof(*att));
	att->mode = mode;
	att->via = via;
	att->ifindex = found->ifindex;
	att->prog_id = prog_id;
	att->prog_fd = fd;
	att->map_fd = -1;
	att->tries = VNET_TRIES_NONE;
	memcpy(att->prog_name, info.name, sizeof(att->prog_name));
	att->prog_name[sizeof(att->prog_name) - 1] = '\0';

	if (find_name_is_ours(mode, att->prog_name)) {
		err = find_prog_maps(map_ids, map_ids ? info.nr_map_ids : 0, att);
		if (err)
			goto err_close_map;
		if (att->map_fd >= 0) {
			found->n++;
			free(map_ids);
			return 0;
		}
	}

	/* Not ours: remember who is there, so nothing replaces it. */
	err = 0;
	if (via != VNET_VIA_DIRECT || found->n_foreign >= VNET_NR_HOOKS)
		goto err_close_map;
	fo = &found->foreign[found->n_foreign++];
	fo->mode = mode;
	fo->prog_id = prog_id;
	memcpy(fo->prog_name, att->prog_name, sizeof(fo->prog_name));
err_close_map:
	if (att->map_fd >= 0)
		close(att->map_fd);
	tries_close(&att->tries);
err_close:
	close(fd);
	free(map_ids);
	return err;
}

static int find_tc_prog_id(int ifindex, enum bpf_tc_attach_point point, __u32 *prog_id)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = VNET_TC_HANDLE,
			    .priority = VNET_TC_PRIORITY);
	bool muted;
	int err;

	*prog_id = 0;
	muted = log_libbpf_mute(true);
	err = bpf_tc_query(&hook, &opts);
	log_libbpf_mute(muted);
	/*
	 * No filter there (-ENOENT), or no clsact qdisc at all (-EINVAL):
	 * an answer, not an error, so its kernel message must not end up
	 * in a later, unrelated error line.
	 */
	if (err == -ENOENT || err == -EINVAL) {
		log_libbpf_reset();
		return 0;
	}
	if (err)
		return err;
	*prog_id = opts.prog_id;
	return 0;
}

/* Program @prog_id's info, without its maps. 0, or -errno (-ENOENT: gone). */
static int find_prog_brief(__u32 prog_id, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);
	int fd, err;

	memset(info, 0, sizeof(*info));
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return fd;
	err = bpf_obj_get_info_by_fd(fd, info, &len);
	close(fd);
	return err;
}

/* Whether program @prog_id is libxdp's dispatcher: 1, 0 or -errno. */
static int find_is_dispatcher(__u32 prog_id)
{
	struct bpf_prog_info info;
	int err = find_prog_brief(prog_id, &info);

	if (err)
		return err == -ENOENT ? 0 : err;
	return info.type == BPF_PROG_TYPE_XDP && !strcmp(info.name, VNET_LIBXDP_DISPATCHER);
}

/*
 * The programs in the slots of dispatcher @disp_id: the freplace links
 * that target it. Bounded: link ids only grow, each is visited once.
 */
static int find_dispatcher_progs(struct vnet_found *found, enum vnet_mode mode, __u32 disp_id)
{
	__u32 id = 0, guard = 0;
	int err;

	while (!(err = bpf_link_get_next_id(id, &id)) && ++guard < 1000000) {
		struct bpf_link_info info = {};
		struct bpf_prog_info pinfo;
		__u32 len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;	/* gone since, or not ours to see */
		err = bpf_obj_get_info_by_fd(fd, &info, &len);
		close(fd);
		if (err || info.type != BPF_LINK_TYPE_TRACING ||
		    info.tracing.target_obj_id != disp_id)
			continue;
		/* The target is a program only for freplace; else it is a BTF object's id. */
		if (find_prog_brief(info.prog_id, &pinfo) || pinfo.type != BPF_PROG_TYPE_EXT)
			continue;
		err = find_hook_prog(found, mode, VNET_VIA_LIBXDP, info.prog_id);
		if (err)
			return err;
	}
	return err == -ENOENT ? 0 : err;
}

/* The XDP program @prog_id on @mode's hook: libxdp's dispatcher, or one program. */
static int find_xdp(struct vnet_found *found, enum vnet_mode mode, __u32 prog_id)
{
	int disp = find_is_dispatcher(prog_id);

	if (disp < 0)
		return disp;
	if (!disp)
		return find_hook_prog(found, mode, VNET_VIA_DIRECT, prog_id);
	found->dispatcher.mode = mode;
	found->dispatcher.prog_id = prog_id;
	return find_dispatcher_progs(found, mode, prog_id);
}

static int find_tcx(struct vnet_found *found, enum vnet_mode mode)
{
	__u32 ids[64], cnt = ARRAY_SIZE(ids);
	int err;

	if (!tcx_supported())
		return 0;
	err = tcx_query(found->ifindex, mode, ids, &cnt);
	if (err)
		return err;
	for (__u32 i = 0; i < cnt && i < ARRAY_SIZE(ids); i++) {
		err = find_hook_prog(found, mode, VNET_VIA_TCX, ids[i]);
		if (err)
			return err;
	}
	return 0;
}

int vnet_find(int ifindex, struct vnet_found *found)
{
	DECLARE_LIBBPF_OPTS(bpf_xdp_query_opts, xq);
	__u32 ids[VNET_MODE_AUTO] = {};
	int err;

	memset(found, 0, sizeof(*found));
	found->ifindex = ifindex;

	err = bpf_xdp_query(ifindex, 0, &xq);
	if (err)
		return err;
	ids[VNET_MODE_NATIVE] = xq.drv_prog_id;
	ids[VNET_MODE_GENERIC] = xq.skb_prog_id;
	err = find_tc_prog_id(ifindex, BPF_TC_INGRESS, &ids[VNET_MODE_TC]);
	if (err)
		return err;
	err = find_tc_prog_id(ifindex, BPF_TC_EGRESS, &ids[VNET_MODE_LOOPBACK]);
	if (err)
		return err;

	for (int mode = 0; mode < VNET_MODE_AUTO; mode++) {
		if (!ids[mode])
			continue;
		if (mode_is_xdp((enum vnet_mode)mode))
			err = find_xdp(found, (enum vnet_mode)mode, ids[mode]);
		else
			err = find_hook_prog(found, (enum vnet_mode)mode, VNET_VIA_DIRECT,
					     ids[mode]);
		if (err)
			return err;
	}
	err = find_tcx(found, VNET_MODE_TC);
	if (!err)
		err = find_tcx(found, VNET_MODE_LOOPBACK);
	return err;
}

int vnet_find_attached(const char *ifname, struct vnet_found *found)
{
	int ifindex, err;

	memset(found, 0, sizeof(*found));
	ifindex = iface_resolve(ifname);
	if (!ifindex)
		return -ENODEV;
	err = vnet_find(ifindex, found);
	if (err) {
		log_err_sys(err, "%s: cannot inspect the interface", ifname);
		return err;
	}
	if (!found->n) {
		log_err("%s: vnet is not attached", ifname);
		return -ENOENT;
	}
	return 0;
}

void vnet_found_release(struct vnet_found *found)
{
	for (unsigned int i = 0; i < found->n; i++) {
		close(found->att[i].prog_fd);
		close(found->att[i].map_fd);
		tries_close(&found->att[i].tries);
	}
	found->n = 0;
	found->n_foreign = 0;
}

const struct vnet_att *vnet_found_att(const struct vnet_found *found, enum vnet_mode mode,
				      enum vnet_via via)
{
	for (unsigned int i = 0; i < found->n; i++)
		if (found->att[i].mode == mode && found->att[i].via == via)
			return &found->att[i];
	return NULL;
}

const struct vnet_foreign *vnet_found_foreign(const struct vnet_found *found,
					      enum vnet_mode mode)
{
	for (unsigned int i = 0; i < found->n_foreign; i++)
		if (found->foreign[i].mode == mode)
			return &found->foreign[i];
	return NULL;
}

bool vnet_att_owns_clsact(const struct vnet_att *att)
{
	return !mode_is_xdp(att->mode) && att->via == VNET_VIA_DIRECT && att->cfg_known &&
	       att->cfg.owns_clsact;
}

const struct vnet_foreign *vnet_found_foreign_xdp(const struct vnet_found *found)
{
	const struct vnet_foreign *fo = vnet_found_foreign(found, VNET_MODE_NATIVE);

	return fo ? fo : vnet_found_foreign(found, VNET_MODE_GENERIC);
}

const char *via_name(enum vnet_mode mode, enum vnet_via via)
{
	if (via == VNET_VIA_LIBXDP)
		return "libxdp";
	if (via == VNET_VIA_TCX)
		return "tcx";
	return mode_is_xdp(mode) ? "xdp" : "clsact";
}

int vnet_att_still_attached(const struct vnet_att *att)
{
	struct vnet_found found;
	__u32 id;
	int err;

	/* The shared hooks: whether it is still among the programs there. */
	if (att->via != VNET_VIA_DIRECT) {
		err = vnet_find(att->ifindex, &found);
		for (unsigned int i = 0; !err && i < found.n; i++)
			if (found.att[i].prog_id == att->prog_id && found.att[i].mode == att->mode &&
			    found.att[i].via == att->via)
				err = 1;
		vnet_found_release(&found);
		return err == -ENODEV ? 0 : err;
	}
	if (mode_is_xdp(att->mode)) {
		DECLARE_LIBBPF_OPTS(bpf_xdp_query_opts, xq);

		err = bpf_xdp_query(att->ifindex, 0, &xq);
		if (err)
			return err == -ENODEV ? 0 : err;
		id = att->mode == VNET_MODE_NATIVE ? xq.drv_prog_id : xq.skb_prog_id;
	} else {
		err = find_tc_prog_id(att->ifindex, mode_tc_egress(att->mode) ?
				      BPF_TC_EGRESS : BPF_TC_INGRESS, &id);
		if (err)
			return err == -ENODEV ? 0 : err;
	}
	return id == att->prog_id;
}
