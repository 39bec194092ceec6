// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * harness.c - test runs of the vnet hooks, judged by the reference model.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "csum.h"
#include "harness.h"
#include "model.h"
#include "tap.h"
#include "vnet.skel.h"

int nr_cpus;

static struct hook_run runs[NR_HOOKS];

static const char *const stat_names[] = {
#define STAT_NAME(name, desc) #name,
	VNET_STATS_FIELDS(STAT_NAME)
#undef STAT_NAME
};

const char *hook_name(enum hook h)
{
	static const char *const names[NR_HOOKS] = {
		[HOOK_XDP]		= VNET_PROG_XDP,
		[HOOK_TC_INGRESS]	= VNET_PROG_TC_INGRESS,
		[HOOK_TC_LOOP]		= VNET_PROG_TC_LOOPBACK,
	};

	return names[h];
}

/*
 * model_state.frag_held: whether the program's vnet_frags still holds
 * @key and it has not aged out (bpf_ktime_get_ns() is CLOCK_MONOTONIC).
 */
static bool frag_held(const void *ctx, const struct vnet_frag_key *key)
{
	const struct vnet_inst *in = ctx;
	struct vnet_frag_val val;
	struct timespec now;

	if (bpf_map_lookup_elem(in->frags_fd, key, &val))
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000ULL + now.tv_nsec <= val.expires;
}

int inst_open(struct vnet_inst *in, const char *name, const struct vnet_config *cfg)
{
	int err;

	memset(in, 0, sizeof(*in));
	in->name = name;
	in->cfg = *cfg;
	in->skel = vnet__open();
	if (!in->skel)
		return -errno;
	/* Read-only data is frozen at load: this is the only time to set it. */
	in->skel->rodata->vnet_cfg = *cfg;
	/* As vnetctl loads it (user/load.c): multi-buffer frames in, with cfg.xdp_frags. */
	if (cfg->xdp_frags) {
		err = bpf_program__set_flags(in->skel->progs.vnet_xdp, BPF_F_XDP_HAS_FRAGS);
		if (err)
			goto err_destroy;
	}
	err = vnet__load(in->skel);
	if (err)
		goto err_destroy;
	in->prog_fd[HOOK_XDP] = bpf_program__fd(in->skel->progs.vnet_xdp);
	in->prog_fd[HOOK_TC_INGRESS] = bpf_program__fd(in->skel->progs.vnet_tc_ingress);
	in->prog_fd[HOOK_TC_LOOP] = bpf_program__fd(in->skel->progs.vnet_tc_loop);
	in->stats_fd = bpf_map__fd(in->skel->maps.vnet_stats);
	in->prefix4_fd = bpf_map__fd(in->skel->maps.vnet_prefix4);
	in->prefix6_fd = bpf_map__fd(in->skel->maps.vnet_prefix6);
	in->state_fd = bpf_map__fd(in->skel->maps.data_state);
	in->frags_fd = bpf_map__fd(in->skel->maps.vnet_frags);
	in->st.frags = calloc(1, sizeof(*in->st.frags));
	if (!in->st.frags) {
		err = -ENOMEM;
		goto err_destroy;
	}
	in->st.frag_held = frag_held;
	in->st.frag_ctx = in;
	err = stats_reset(in);
	if (err)
		goto err_destroy;
	return 0;

err_destroy:
	free(in->st.frags);
	in->st.frags = NULL;
	vnet__destroy(in->skel);
	in->skel = NULL;
	return err;
}

void inst_close(struct vnet_inst *in)
{
	free(in->st.frags);
	in->st.frags = NULL;
	vnet__destroy(in->skel);
	in->skel = NULL;
}

/* Delete every key of the hash map @fd; -errno on the first failure. */
static int map_clear(int fd, size_t key_size)
{
	uint8_t key[key_size];

	while (!bpf_map_get_next_key(fd, NULL, key)) {
		if (bpf_map_delete_elem(fd, key))
			return -errno;
	}
	return errno == ENOENT ? 0 : -errno;
}

int inst_reset(struct vnet_inst *in)
{
	int err = map_clear(in->frags_fd, sizeof(struct vnet_frag_key));

	memset(in->st.frags, 0, sizeof(*in->st.frags));
	if (!err)
		err = inst_flush(in);
	if (!err)
		err = stats_reset(in);
	return err;
}

int inst_read_cfg(const struct vnet_inst *in, struct vnet_config *cfg)
{
	const struct bpf_map *map = in->skel->maps.rodata;
	size_t size = bpf_map__value_size(map);
	uint8_t value[size];
	__u32 key = 0;

	if (size < offsetof(struct vnet__rodata, vnet_cfg) + sizeof(*cfg))
		return -ERANGE;
	if (bpf_map_lookup_elem(bpf_map__fd(map), &key, value))
		return -errno;
	memcpy(cfg, value + offsetof(struct vnet__rodata, vnet_cfg), sizeof(*cfg));
	return 0;
}

bool prefix_parse(const char *text, struct model_prefix *p)
{
	char addr[INET6_ADDRSTRLEN + 64], *slash, *end, *attrs;
	unsigned long len;

	memset(p, 0, sizeof(*p));
	if (strlen(text) >= sizeof(addr))
		goto bad;
	strcpy(addr, text);
	attrs = strchr(addr, ',');
	if (attrs)
		*attrs++ = '\0';
	slash = strchr(addr, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, addr, p->addr) == 1)
		p->family = 4;
	else if (inet_pton(AF_INET6, addr, p->addr) == 1)
		p->family = 6;
	else
		goto bad;
	p->len = p->family == 4 ? 32 : 128;
	if (slash) {
		len = strtoul(slash + 1, &end, 10);
		if (*end || end == slash + 1 || len > p->len)
			goto bad;
		p->len = len;
	}
	/* "hops=N", "via=ADDRESS" (router 1), "ports=none" or "ports=P,P,...". */
	for (char *tok = attrs ? strtok(attrs, ",") : NULL; tok; tok = strtok(NULL, ",")) {
		if (!strncmp(tok, "hops=", 5)) {
			p->hops = strtoul(tok + 5, &end, 10);
		} else if (!strncmp(tok, "via=", 4)) {
			if (inet_pton(p->family == 4 ? AF_INET : AF_INET6, tok + 4,
				      p->router) != 1)
				goto bad;
			p->via = true;
		} else if (!strncmp(tok, "loss=", 5)) {
			p->loss_ppm = strtoul(tok + 5, &end, 10) * 10000;
		} else if (!strncmp(tok, "dup=", 4)) {
			p->dup_ppm = strtoul(tok + 4, &end, 10) * 10000;
		} else if (!strcmp(tok, "ports=none")) {
			p->l4 = true;
		} else if (!strncmp(tok, "ports=", 6) || (p->l4 && p->nr_ports)) {
			p->l4 = true;
			if (p->nr_ports == 8)
				goto bad;
			p->ports[p->nr_ports++] = strtoul(tok + (tok[0] == 'p' ? 6 : 0), &end, 10);
		} else {
			goto bad;
		}
	}
	return true;
bad:
	tap_diag("prefix %s does not parse", text);
	return false;
}

/* The LPM trie key of @p: prefix length, then the address bytes. */
static size_t prefix_key(const struct model_prefix *p, uint8_t *key)
{
	__u32 len = p->len;
	size_t alen = p->family == 4 ? 4 : 16;

	memcpy(key, &len, sizeof(len));
	memcpy(key + sizeof(len), p->addr, alen);
	return sizeof(len) + alen;
}

static bool prefix_same(const struct model_prefix *a, const struct model_prefix *b)
{
	return a->family == b->family && a->len == b->len && !memcmp(a->addr, b->addr, 16);
}

bool echo_spec_to(const char *dst, struct frame_spec *fs, struct model_prefix *p)
{
	if (!prefix_parse(dst, p))
		return false;
	*fs = frame_echo(p->family);
	memcpy(fs->dst_ip, p->addr, 16);
	return true;
}

/* The value of @p in the trie as vnetctl writes it: router 1 defaults to network + 1. */
static void prefix_attr(const struct model_prefix *p, struct vnet_prefix_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->hops = p->hops;
	attr->flags = (p->hops || p->l4 ? VNET_ATTR_L4 : 0) |
		      (p->loss_ppm || p->dup_ppm ? VNET_ATTR_CHAOS : 0);
	attr->loss_ppm = p->loss_ppm;
	attr->dup_ppm = p->dup_ppm;
	attr->nr_ports = p->nr_ports;
	for (size_t j = 0; j < p->nr_ports; j++)
		attr->ports[j] = htons(p->ports[j]);
	if (p->hops) {
		size_t last = p->family == 4 ? 3 : 15;

		memcpy(attr->router, p->via ? p->router : p->addr, 16);
		if (!p->via)
			for (size_t b = last + 1; b-- > last - 3 && !++attr->router[b];)
				;
	}
}

/* Insert (@add) or delete @prefix: in the instance's trie, then in the model's entries. */
static int prefix_change(struct vnet_inst *in, const char *prefix, bool add)
{
	struct vnet_prefix_attr attr;
	struct model_prefix p;
	uint8_t key[20];
	size_t i;
	int fd;

	if (!prefix_parse(prefix, &p))
		return -EINVAL;
	prefix_key(&p, key);
	fd = p.family == 4 ? in->prefix4_fd : in->prefix6_fd;
	for (i = 0; i < in->st.nr_entries; i++)
		if (prefix_same(&in->st.entries[i], &p))
			break;
	if (!add) {
		if (bpf_map_delete_elem(fd, key))
			return -errno;
		if (i < in->st.nr_entries)
			in->st.entries[i] = in->st.entries[--in->st.nr_entries];
		return 0;
	}
	if (i == MODEL_MAX_PREFIXES)
		return -ENOSPC;
	prefix_attr(&p, &attr);
	if (bpf_map_update_elem(fd, key, &attr, BPF_ANY))
		return -errno;
	in->st.entries[i] = p;
	if (i == in->st.nr_entries)
		in->st.nr_entries++;
	return 0;
}

int inst_prefix_add(struct vnet_inst *in, const char *prefix)
{
	return prefix_change(in, prefix, true);
}

int inst_prefix_del(struct vnet_inst *in, const char *prefix)
{
	return prefix_change(in, prefix, false);
}

int inst_set_count(struct vnet_inst *in, uint32_t n)
{
	struct vnet_state state = { .nr_prefixes = n };
	__u32 key = 0;

	if (bpf_map_update_elem(in->state_fd, &key, &state, BPF_ANY))
		return -errno;
	in->st.nr_prefixes = n;
	return 0;
}

int inst_flush(struct vnet_inst *in)
{
	char text[INET6_ADDRSTRLEN + 8];
	int err = inst_set_count(in, 0);

	while (!err && in->st.nr_entries) {
		const struct model_prefix *p = &in->st.entries[in->st.nr_entries - 1];

		inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, text, sizeof(text));
		snprintf(text + strlen(text), 8, "/%u", p->len);
		err = inst_prefix_del(in, text);
	}
	return err;
}

int inst_respond(struct vnet_inst *in, const char *const *prefixes)
{
	int err = inst_flush(in);

	for (; !err && *prefixes; prefixes++)
		err = inst_prefix_add(in, *prefixes);
	if (!err)
		err = inst_set_count(in, in->st.nr_entries);
	if (err)
		tap_diag("%s: setting prefixes: %s", in->name, strerror(-err));
	return err;
}

static __u64 *stat_fields(struct vnet_stats *s)
{
	return (__u64 *)s;
}

static const __u64 *stat_fields_c(const struct vnet_stats *s)
{
	return (const __u64 *)s;
}

int stats_read(const struct vnet_inst *in, struct vnet_stats *sum, struct vnet_stats *percpu)
{
	struct vnet_stats vals[nr_cpus];
	__u32 key = 0;
	size_t f;
	int cpu;

	if (bpf_map_lookup_elem(in->stats_fd, &key, vals))
		return -errno;
	memset(sum, 0, sizeof(*sum));
	for (cpu = 0; cpu < nr_cpus; cpu++)
		for (f = 0; f < VNET_STATS_NFIELDS; f++)
			stat_fields(sum)[f] += stat_fields(&vals[cpu])[f];
	if (percpu)
		memcpy(percpu, vals, sizeof(vals));
	return 0;
}

int stats_reset(const struct vnet_inst *in)
{
	struct vnet_stats zeros[nr_cpus];
	__u32 key = 0;

	memset(zeros, 0, sizeof(zeros));
	if (bpf_map_update_elem(in->stats_fd, &key, zeros, BPF_ANY))
		return -errno;
	return 0;
}

bool stats_equal(const struct vnet_stats *a, const struct vnet_stats *b)
{
	return !memcmp(a, b, sizeof(*a));
}

void stats_diag(const char *what, const struct vnet_stats *want, const struct vnet_stats *got)
{
	size_t f;

	for (f = 0; f < VNET_STATS_NFIELDS; f++)
		if (stat_fields_c(want)[f] != stat_fields_c(got)[f])
			tap_diag("%s: %s want %llu, got %llu", what, stat_names[f],
				 (unsigned long long)stat_fields_c(want)[f],
				 (unsigned long long)stat_fields_c(got)[f]);
}

bool stats_match(const char *what, const struct vnet_stats *want, const struct vnet_stats *got)
{
	if (stats_equal(want, got))
		return true;
	stats_diag(what, want, got);
	return false;
}

bool expect_stats(const struct vnet_inst *in, const struct vnet_stats *want, const char *what)
{
	struct vnet_stats got;
	int err = stats_read(in, &got, NULL);

	if (err) {
		tap_diag("%s: reading %s of %s: %s", what, VNET_STATS_MAP, in->name,
			 strerror(-err));
		return false;
	}
	return stats_match(what, want, &got);
}

void stats_scale(struct vnet_stats *s, unsigned int k)
{
	size_t f;

	for (f = 0; f < VNET_STATS_NFIELDS; f++)
		stat_fields(s)[f] *= k;
}

int hook_run(const struct vnet_inst *in, enum hook h, const uint8_t *frame, size_t len,
	     struct hook_run *r)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame,
		.data_size_in = len,
		.data_out = r->out,
		.data_size_out = sizeof(r->out),
		.repeat = 1,
	);
	int err;

	err = bpf_prog_test_run_opts(in->prog_fd[h], &opts);
	r->err = err ? -errno : 0;
	r->retval = opts.retval;
	r->out_len = err ? 0 : opts.data_size_out;
	return r->err;
}

bool hook_refuses(enum hook h, const uint8_t *frame, size_t len)
{
	uint16_t proto;

	if (len < 14)
		return true;
	if (h == HOOK_XDP)
		return false;
	proto = get_be16(frame + 12);
	return (proto == 0x0800 && len < 14 + 20) || (proto == 0x86DD && len < 14 + 40);
}

uint32_t hook_retval(enum hook h, enum vnet_verdict v)
{
	if (h == HOOK_XDP)
		return v == VNET_REPLY ? XDP_TX : v == VNET_DROP_RATE_LIMITED ? XDP_DROP : XDP_PASS;
	return v == VNET_REPLY ? TC_ACT_REDIRECT :
	       v == VNET_DROP_RATE_LIMITED ? TC_ACT_SHOT : (uint32_t)TC_ACT_UNSPEC;
}

static void stats_delta(const struct vnet_stats *now, const struct vnet_stats *before,
			struct vnet_stats *delta)
{
	size_t f;

	for (f = 0; f < VNET_STATS_NFIELDS; f++)
		stat_fields(delta)[f] = stat_fields_c(now)[f] - stat_fields_c(before)[f];
}

/* The pass reason a counter change shows, for the diagnostics. */
static const char *delta_reason(const struct vnet_stats *d)
{
	static const char *const none = "no counter";
	size_t f;

	if (d->tx_packets)
		return "reply";
	if (d->drop_rate_limited)
		return "drop_rate_limited";
	for (f = offsetof(struct vnet_stats, pass_non_ip) / sizeof(__u64);
	     f < VNET_STATS_NFIELDS; f++)
		if (stat_fields_c(d)[f])
			return stat_names[f];
	return none;
}

/* What the program's clock says now: ms since midnight of TAI less its offset. */
static uint32_t ms_of_day(const struct vnet_inst *in)
{
	struct timespec ts;
	uint64_t ms;

	clock_gettime(CLOCK_TAI, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - (int64_t)in->cfg.tai_offset * 1000;
	return ms % 86400000;
}

/*
 * An ICMP timestamp reply carries the time: it must lie within [@t0, @t1]
 * (across midnight too), and then the model, told that time, says the
 * rest (*@mv, *@mr, *@mout are replaced).
 */
static bool model_with_time(const struct vnet_inst *in, const uint8_t *frame, size_t len,
			    const struct hook_run *rp, uint32_t t0, uint32_t t1,
			    enum vnet_verdict *mv, const struct model_result **mr,
			    const uint8_t **mout, const char *what)
{
	static struct model_state st;
	static struct model_result tr;
	static uint8_t tout[FRAME_MAX];
	uint32_t got;

	if (rp->out_len < (*mr)->ts_off + 4)
		return true;		/* the byte comparison will say what is wrong */
	got = (uint32_t)rp->out[(*mr)->ts_off] << 24 | rp->out[(*mr)->ts_off + 1] << 16 |
	      rp->out[(*mr)->ts_off + 2] << 8 | rp->out[(*mr)->ts_off + 3];
	if ((got - t0 + 86400000) % 86400000 > (t1 - t0 + 86400000) % 86400000) {
		tap_diag("%s: timestamp %u ms is not within the run's %u..%u", what, got, t0, t1);
		return false;
	}
	st = in->st;
	st.now_ms = got;
	*mv = model_reflect(frame, len, &in->cfg, &st, tout, &tr);
	*mr = &tr;
	*mout = tout;
	return true;
}

/* Each header field where the program's output differs from the model's, by name. */
static void output_diff(const char *what, const uint8_t *got, size_t got_len,
			const uint8_t *want, size_t want_len)
{
	struct frame_field f[96];
	size_t n = frame_fields(want, want_len, f, ARRAY_SIZE(f)), i;
	char g[64], w[64];

	if (got_len != want_len)
		tap_diag("frame '%s': length %zu != %zu", what, got_len, want_len);
	for (i = 0; i < n && f[i].off + f[i].size <= got_len; i++) {
		if (!memcmp(got + f[i].off, want + f[i].off, f[i].size))
			continue;
		frame_field_text(got, &f[i], g, sizeof(g));
		frame_field_text(want, &f[i], w, sizeof(w));
		tap_diag("frame '%s': %s %s != %s", what, f[i].name, g, w);
	}
}

static bool check_hook(const struct vnet_inst *in, enum hook h, const uint8_t *frame, size_t len,
		       enum vnet_verdict mv, const struct model_result *mr, const uint8_t *mout,
		       const char *what)
{
	struct hook_run *rp = &runs[h];
	struct vnet_stats before, now, delta, want = {};
	bool refused = hook_refuses(h, frame, len);
	bool ok = true;
	int err;

	rp->err = -ENODATA;	/* not run, until it is */
	rp->out_len = 0;
	err = stats_read(in, &before, NULL);
	if (!err) {
		uint32_t t0 = ms_of_day(in), t1;

		hook_run(in, h, frame, len, rp);
		t1 = ms_of_day(in);
		err = stats_read(in, &now, NULL);
		if (!err && !rp->err && mr->answer == MODEL_TS4 && !model_with_time(in, frame, len,
				rp, t0, t1, &mv, &mr, &mout, what))
			ok = false;
	}
	if (err) {
		tap_diag("%s: reading %s: %s", what, VNET_STATS_MAP, strerror(-err));
		return false;
	}
	stats_delta(&now, &before, &delta);

	if (refused) {
		if (rp->err != -EINVAL) {
			tap_diag("%s [%s %s, %zu bytes]: test run should be refused with EINVAL, got %d (%s), retval %u",
				 what, in->name, hook_name(h), len, rp->err,
				 rp->err ? strerror(-rp->err) : "accepted", rp->retval);
			ok = false;
		}
	} else if (rp->err) {
		tap_diag("%s [%s %s, %zu bytes]: test run failed: %s", what, in->name,
			 hook_name(h), len, strerror(-rp->err));
		ok = false;
	} else {
		/* loss=: a reply the hook drops, as it drops over a rate limit. */
		enum vnet_verdict rv = mr->answer == MODEL_LOST ? VNET_DROP_RATE_LIMITED : mv;

		model_count(&want, mv, mr, len);
		if (rp->retval != hook_retval(h, rv)) {
			tap_diag("%s [%s %s, %zu bytes]: model says %s (return %u), program returned %u",
				 what, in->name, hook_name(h), len, verdict_name(mv),
				 hook_retval(h, rv), rp->retval);
			ok = false;
		}
		if (rp->out_len != mr->out_len || memcmp(rp->out, mout, mr->out_len)) {
			tap_diag("%s [%s %s]: output bytes differ from the model (%s): program != model",
				 what, in->name, hook_name(h), verdict_name(mv));
			output_diff(what, rp->out, rp->out_len, mout, mr->out_len);
			tap_hexdump("input", frame, len, NULL, 0);
			tap_hexdump("model", mout, mr->out_len, NULL, 0);
			tap_hexdump("program", rp->out, rp->out_len, mout, mr->out_len);
			ok = false;
		}
	}
	if (!stats_equal(&delta, &want)) {
		tap_diag("%s [%s %s, %zu bytes]: counters show %s, model says %s", what, in->name,
			 hook_name(h), len, delta_reason(&delta),
			 refused ? "nothing (refused run)" : verdict_name(mv));
		stats_diag("  counter change", &want, &delta);
		ok = false;
	}
	if (!ok && rp->out_len == mr->out_len && !memcmp(rp->out, mout, mr->out_len))
		tap_hexdump("input", frame, len, NULL, 0);
	return ok;
}

bool expect_frame(const struct vnet_inst *in, unsigned int hooks, const uint8_t *frame, size_t len,
		  int want, const char *what)
{
	static uint8_t mout[FRAME_MAX];
	struct model_result mr;
	enum vnet_verdict mv;
	bool ok = true;
	int h;

	mv = model_reflect(frame, len, &in->cfg, &in->st, mout, &mr);
	if (want != WANT_MODEL && (int)mv != want) {
		tap_diag("%s: the model says %s, the case expects %s", what, verdict_name(mv),
			 verdict_name(want));
		ok = false;
	}
	for (h = 0; h < NR_HOOKS; h++)
		if (hooks & HOOK_BIT(h))
			ok &= check_hook(in, h, frame, len, mv, &mr, mout, what);
	return ok;
}

const struct hook_run *last_run(enum hook h)
{
	return &runs[h];
}

bool expect_spec(const struct vnet_inst *in, unsigned int hooks, const struct frame_spec *fs,
		 int want, const char *what)
{
	static uint8_t buf[FRAME_MAX];
	struct frame_layout lo;
	size_t len = frame_build(buf, fs, &lo);

	if (!len) {
		tap_diag("%s: frame does not fit in %d bytes", what, FRAME_MAX);
		return false;
	}
	return expect_frame(in, hooks, buf, len, want, what);
}

/*
 * @size bytes at @v as the field holds them: a number (1, 2 or 4 bytes:
 * "17", "0x2000", "40"), an address or a MAC ("198.18.0.1", "ff02::1",
 * "02:76:6e:65:74:01").
 */
static void value_text(const void *v, size_t size, bool number, char *text, size_t cap)
{
	const uint8_t *b = v;
	size_t i, n = 0;

	if (number && size == 2)
		snprintf(text, cap, "0x%04x", *(const uint16_t *)v);
	else if (number)
		snprintf(text, cap, "%u", size == 1 ? b[0] : *(const unsigned int *)v);
	else if (size == 4 || size == 16)
		inet_ntop(size == 4 ? AF_INET : AF_INET6, v, text, cap);
	else
		for (i = 0; i < size && n + 3 < cap; i++)
			n += snprintf(text + n, cap - n, "%s%02x", i ? ":" : "", b[i]);
}

bool each_value(const struct vnet_inst *in, const struct frame_spec *base, const char *field,
		       size_t off, size_t size, bool number, const void *values, size_t n,
		       int want)
{
	struct frame_spec fs;
	char what[96], text[48];
	bool ok = true;
	size_t i;

	for (i = 0; i < n; i++) {
		fs = *base;
		fs.ip_id = base->ip_id + i;
		memcpy((uint8_t *)&fs + off, (const uint8_t *)values + i * size, size);
		value_text((const uint8_t *)values + i * size, size, number, text, sizeof(text));
		snprintf(what, sizeof(what), "v%d %s %s", fs.family, field, text);
		ok &= expect_spec(in, HOOKS_ALL, &fs, want, what);
	}
	return ok;
}

bool expect_bytes(const char *what, const uint8_t *got, size_t got_len, const uint8_t *want,
		  size_t want_len)
{
	if (got_len == want_len && !memcmp(got, want, want_len))
		return true;
	tap_diag("%s differs from the hand-written frame: %s != hand-written", what, what);
	output_diff(what, got, got_len, want, want_len);
	tap_hexdump("hand-written", want, want_len, NULL, 0);
	tap_hexdump(what, got, got_len, want, want_len);
	return false;
}

bool expect_literal(const struct vnet_inst *in, const uint8_t *req, size_t len,
		    const uint8_t *rep, size_t rep_len)
{
	bool ok = expect_frame(in, HOOKS_ALL, req, len, VNET_REPLY, "hand-written request");
	int h;

	for (h = 0; h < NR_HOOKS; h++)
		ok &= expect_bytes(hook_name(h), runs[h].out, runs[h].out_len, rep, rep_len);
	return ok;
}

bool expect_model_literal(const struct vnet_config *cfg, const struct model_state *st,
			  const uint8_t *req, size_t len, const uint8_t *rep, size_t rep_len)
{
	static uint8_t out[FRAME_MAX];
	struct model_result res;
	enum vnet_verdict v = model_reflect(req, len, cfg, st, out, &res);
	bool ok = v == VNET_REPLY;

	if (!ok)
		tap_diag("model says %s, want reply", verdict_name(v));
	return expect_bytes("model", out, res.out_len, rep, rep_len) & ok;
}

void spec_apply(struct frame_spec *fs, const struct spec_patch *set, size_t n)
{
	for (; n-- && set->len; set++)
		memcpy((uint8_t *)fs + set->off, set->bytes, set->len);
}

bool run_echo_cases(const struct vnet_inst *in, const struct echo_case *c, size_t n)
{
	struct frame_spec fs;
	char what[128];
	bool ok = true;
	unsigned int i;

	for (; n--; c++) {
		fs = frame_echo(c->family);
		for (i = 0; i < c->tags; i++)
			frame_add_tag(&fs, 0x8100, i + 1);
		spec_apply(&fs, c->set, ARRAY_SIZE(c->set));
		snprintf(what, sizeof(what), "v%d echo: %s", c->family, c->what);
		ok &= expect_spec(in, HOOKS_ALL, &fs, c->want, what);
	}
	return ok;
}
