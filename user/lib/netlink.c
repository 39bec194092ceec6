// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * netlink.c - the rtnetlink requests libbpf does not make (netlink.h says
 * which), on libmnl: it builds the messages and walks the replies; what is
 * left here is what we ask and what we keep of the answers. One socket per
 * request or batch, closed before returning.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/net_namespace.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "lib/log.h"
#include "lib/netlink.h"

#define NL_BUF_SIZE	32768	/* a dump's datagram; more is refused (ENOSPC) */
#define NL_STR_MAX	64	/* kinds and program names; keeps a request in NL_TC_ROOM */

/* Attributes by type, big enough for every family read here (IFLA_ is the largest). */
typedef const struct nlattr *nl_attrs[IFLA_MAX + 1];

static int nl_attr_cb(const struct nlattr *attr, void *tb)
{
	if (mnl_attr_type_valid(attr, IFLA_MAX) > 0)
		((const struct nlattr **)tb)[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

static __u32 nl_u32(const struct nlattr *attr)
{
	return attr && mnl_attr_get_payload_len(attr) >= sizeof(__u32) ? mnl_attr_get_u32(attr) : 0;
}

/* Copies a string attribute into @dst (cut to @size - 1 bytes, NUL-terminated). */
static void nl_str(char *dst, size_t size, const struct nlattr *attr)
{
	size_t len = mnl_attr_get_payload_len(attr);

	if (len >= size)
		len = size - 1;
	memcpy(dst, mnl_attr_get_payload(attr), len);
	dst[len] = '\0';
}

/* The kernel's extended-ack text from an NLMSG_ERROR, shown with -v. */
static void nl_note_extack(const struct nlmsghdr *nh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nh);
	size_t off = sizeof(*e);
	const struct nlattr *attr;

	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);	/* the request echoed back */
	mnl_attr_for_each(attr, nh, off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    !mnl_attr_validate(attr, MNL_TYPE_NUL_STRING)) {
			log_note("netlink: %s", mnl_attr_get_str(attr));
			return;
		}
	}
}

/* A request's answer: 0 acks it (or ends a get), an error fails it. */
static int nl_cb_error(const struct nlmsghdr *nh, void *ctx)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nh);

	(void)ctx;
	if (mnl_nlmsg_get_payload_len(nh) < sizeof(*e)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error >= 0)
		return MNL_CB_STOP;
	nl_note_extack(nh);
	errno = -e->error;
	return MNL_CB_ERROR;
}

/* A dump's end; one that failed part way says so here (libmnl does not look). */
static int nl_cb_done(const struct nlmsghdr *nh, void *ctx)
{
	int err = 0;

	(void)ctx;
	if (mnl_nlmsg_get_payload_len(nh) >= sizeof(err))
		memcpy(&err, mnl_nlmsg_get_payload(nh), sizeof(err));
	if (err >= 0)
		return MNL_CB_STOP;
	errno = -err;
	return MNL_CB_ERROR;
}

static mnl_cb_t nl_request_ctl[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = nl_cb_error,
	[NLMSG_DONE] = nl_cb_done,
};

/*
 * Sends the @len bytes of requests at @msg on a socket of their own and
 * feeds the replies to @fn (data) and @ctl (NLMSG_ERROR, NLMSG_DONE) until
 * one of them stops the walk. Returns 0 or -errno.
 */
static int nl_talk(const void *msg, size_t len, mnl_cb_t fn, mnl_cb_t *ctl, void *ctx)
{
	char buf[NL_BUF_SIZE] __attribute__((aligned(4)));
	struct mnl_socket *nl;
	int one = 1, ret, err;
	ssize_t n;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	/*
	 * Best effort: the extended ack explains refusals, the capped ack
	 * keeps error replies small. Kernels without them still work.
	 */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	ret = MNL_CB_OK;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 || mnl_socket_sendto(nl, msg, len) < 0)
		ret = MNL_CB_ERROR;
	while (ret > MNL_CB_STOP) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		/* Sequence 0: the socket is ours alone, everything on it answers us. */
		ret = n < 0 ? MNL_CB_ERROR : mnl_cb_run2(buf, n, 0, mnl_socket_get_portid(nl),
							 fn, ctx, ctl, NLMSG_MIN_TYPE);
	}
	err = ret < 0 ? -errno : 0;
	mnl_socket_close(nl);
	return err;
}

/*
 * One request; @fn sees each reply message and returns MNL_CB_OK for more
 * (a dump) or MNL_CB_STOP (a get: one message, no ack).
 */
static int nl_request(const struct nlmsghdr *nh, mnl_cb_t fn, void *ctx)
{
	return nl_talk(nh, nh->nlmsg_len, fn, nl_request_ctl, ctx);
}

/* A request of @type at @buf and its zeroed family header of @len bytes. */
static struct nlmsghdr *nl_msg(void *buf, int type, int flags, size_t len)
{
	struct nlmsghdr *nh = mnl_nlmsg_put_header(buf);

	nh->nlmsg_type = type;
	nh->nlmsg_flags = NLM_F_REQUEST | flags;
	mnl_nlmsg_put_extra_header(nh, len);
	return nh;
}

/* A traffic-control request: its tcmsg (no attributes yet). */
static struct nlmsghdr *nl_tc(void *buf, int type, int flags, int ifindex, __u32 parent,
			      __u32 handle, __u32 info)
{
	struct nlmsghdr *nh = nl_msg(buf, type, flags, sizeof(struct tcmsg));
	struct tcmsg *tcm = mnl_nlmsg_get_payload(nh);

	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = parent;
	tcm->tcm_handle = handle;
	tcm->tcm_info = info;
	return nh;
}

static int nl_link_reply(const struct nlmsghdr *nh, void *ctx)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nh);
	nl_attrs tb = {}, xdp = {};
	struct nl_link *link = ctx;

	if (nh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nh) < sizeof(*ifi)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	mnl_attr_parse(nh, sizeof(*ifi), nl_attr_cb, tb);
	link->ifindex = ifi->ifi_index;
	if (tb[IFLA_IFNAME])
		nl_str(link->ifname, sizeof(link->ifname), tb[IFLA_IFNAME]);
	link->link = (int)nl_u32(tb[IFLA_LINK]);
	link->num_rx_queues = nl_u32(tb[IFLA_NUM_RX_QUEUES]);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == sizeof(link->address)) {
		link->has_address = true;
		memcpy(link->address, mnl_attr_get_payload(tb[IFLA_ADDRESS]), sizeof(link->address));
	}
	link->has_link_netnsid = tb[IFLA_LINK_NETNSID] != NULL;
	link->link_netnsid = (int)nl_u32(tb[IFLA_LINK_NETNSID]);
	if (tb[IFLA_XDP])
		mnl_attr_parse_nested(tb[IFLA_XDP], nl_attr_cb, xdp);
	link->xdp_drv_prog_id = nl_u32(xdp[IFLA_XDP_DRV_PROG_ID]);
	return MNL_CB_STOP;
}

int nl_get_link(int ifindex, int netnsid, struct nl_link *link)
{
	char buf[NL_TC_ROOM] __attribute__((aligned(4)));
	struct nlmsghdr *nh = nl_msg(buf, RTM_GETLINK, 0, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nh);
	int err;

	ifi->ifi_index = ifindex;
	/* Counters are not wanted and make the reply large. */
	mnl_attr_put_u32(nh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if (netnsid >= 0)
		mnl_attr_put_u32(nh, IFLA_TARGET_NETNSID, (__u32)netnsid);
	/* A bare ack instead of the link would leave *@link unset: say so. */
	memset(link, 0, sizeof(*link));
	err = nl_request(nh, nl_link_reply, link);
	if (!err && link->ifindex != ifindex)
		err = -EBADMSG;
	return err;
}

struct nl_filter_count {
	__u32 handle;
	__u32 prio;
	unsigned int count;
};

static int nl_filter_reply(const struct nlmsghdr *nh, void *ctx)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nh);
	struct nl_filter_count *fc = ctx;

	if (nh->nlmsg_type != RTM_NEWTFILTER || mnl_nlmsg_get_payload_len(nh) < sizeof(*tcm))
		return MNL_CB_OK;
	/*
	 * A dump lists each classifier instance (handle 0) before its
	 * filters; ours is the instance at our priority and our handle.
	 */
	if (TC_H_MAJ(tcm->tcm_info) >> 16 != fc->prio ||
	    (tcm->tcm_handle != 0 && tcm->tcm_handle != fc->handle))
		fc->count++;
	return MNL_CB_OK;
}

int nl_tc_count_other_filters(int ifindex, __u32 parent, __u32 handle, __u32 prio,
			      unsigned int *count)
{
	char buf[NL_TC_ROOM] __attribute__((aligned(4)));
	struct nl_filter_count fc = { .handle = handle, .prio = prio };
	int err;

	err = nl_request(nl_tc(buf, RTM_GETTFILTER, NLM_F_DUMP, ifindex, parent, 0, 0),
			 nl_filter_reply, &fc);
	if (err)
		return err;
	*count = fc.count;
	return 0;
}

struct nl_neigh_query {
	int ifindex;
	size_t addr_len;
	const void *addr;
	bool found;
	__u8 *mac;
};

static int nl_neigh_reply(const struct nlmsghdr *nh, void *ctx)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nh);
	struct nl_neigh_query *q = ctx;
	nl_attrs tb = {};

	if (nh->nlmsg_type != RTM_NEWNEIGH || mnl_nlmsg_get_payload_len(nh) < sizeof(*ndm))
		return MNL_CB_OK;
	if (q->found || ndm->ndm_ifindex != q->ifindex ||
	    (ndm->ndm_state & (NUD_FAILED | NUD_INCOMPLETE | NUD_NONE)))
		return MNL_CB_OK;
	mnl_attr_parse(nh, sizeof(*ndm), nl_attr_cb, tb);
	if (!tb[NDA_DST] || mnl_attr_get_payload_len(tb[NDA_DST]) != q->addr_len ||
	    memcmp(mnl_attr_get_payload(tb[NDA_DST]), q->addr, q->addr_len))
		return MNL_CB_OK;
	if (!tb[NDA_LLADDR] || mnl_attr_get_payload_len(tb[NDA_LLADDR]) != 6)
		return MNL_CB_OK;
	memcpy(q->mac, mnl_attr_get_payload(tb[NDA_LLADDR]), 6);
	q->found = true;
	return MNL_CB_OK;
}

int nl_get_neigh(int ifindex, int family, const void *addr, __u8 mac[6])
{
	char buf[NL_TC_ROOM] __attribute__((aligned(4)));
	struct nlmsghdr *nh = nl_msg(buf, RTM_GETNEIGH, NLM_F_DUMP, sizeof(struct ndmsg));
	struct nl_neigh_query q = {
		.ifindex = ifindex,
		.addr_len = family == AF_INET ? 4 : 16,
		.addr = addr,
		.mac = mac,
	};
	int err;

	((struct ndmsg *)mnl_nlmsg_get_payload(nh))->ndm_family = family;
	err = nl_request(nh, nl_neigh_reply, &q);
	if (err)
		return err;
	return q.found ? 0 : -ENOENT;
}

static int nl_nsid_reply(const struct nlmsghdr *nh, void *ctx)
{
	nl_attrs tb = {};
	int *nsid = ctx;

	if (nh->nlmsg_type != RTM_NEWNSID ||
	    mnl_nlmsg_get_payload_len(nh) < sizeof(struct rtgenmsg)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	mnl_attr_parse(nh, sizeof(struct rtgenmsg), nl_attr_cb, tb);
	*nsid = tb[NETNSA_NSID] ? (int)nl_u32(tb[NETNSA_NSID]) : -1;
	return MNL_CB_STOP;
}

int nl_get_nsid(int nsfd, int *nsid)
{
	char buf[NL_TC_ROOM] __attribute__((aligned(4)));
	struct nlmsghdr *nh = nl_msg(buf, RTM_GETNSID, 0, sizeof(struct rtgenmsg));

	mnl_attr_put_u32(nh, NETNSA_FD, (__u32)nsfd);
	*nsid = -1;
	return nl_request(nh, nl_nsid_reply, nsid);
}

/* One qdisc dump serves both questions: which qdisc sits at a parent. */
struct nl_qdisc_find {
	int ifindex;
	__u32 parent;		/* TC_H_ROOT or TC_H_CLSACT */
	struct nl_qdisc *q;
};

static int nl_qdisc_reply(const struct nlmsghdr *nh, void *ctx)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nh);
	struct nl_qdisc_find *f = ctx;
	nl_attrs tb = {};

	if (nh->nlmsg_type != RTM_NEWQDISC || mnl_nlmsg_get_payload_len(nh) < sizeof(*tcm) ||
	    tcm->tcm_ifindex != f->ifindex || tcm->tcm_parent != f->parent)
		return MNL_CB_OK;
	mnl_attr_parse(nh, sizeof(*tcm), nl_attr_cb, tb);
	if (tb[TCA_KIND]) {
		nl_str(f->q->kind, sizeof(f->q->kind), tb[TCA_KIND]);
		f->q->handle = tcm->tcm_handle;
	}
	return MNL_CB_OK;
}

/* RTM_GETQDISC dump: the qdisc of @ifindex at @parent into *@q (kind "" if none). */
static int nl_qdisc_at(int ifindex, __u32 parent, struct nl_qdisc *q)
{
	char buf[NL_TC_ROOM] __attribute__((aligned(4)));
	struct nl_qdisc_find f = { .ifindex = ifindex, .parent = parent, .q = q };

	memset(q, 0, sizeof(*q));
	return nl_request(nl_tc(buf, RTM_GETQDISC, NLM_F_DUMP, ifindex, 0, 0, 0),
			  nl_qdisc_reply, &f);
}

int nl_has_clsact(int ifindex)
{
	struct nl_qdisc q;
	int err = nl_qdisc_at(ifindex, TC_H_CLSACT, &q);

	return err ? err : !strcmp(q.kind, "clsact");
}

/* Root qdisc lookup (delay=, core/qdisc.c): the dump's entry at TC_H_ROOT. */
int nl_root_qdisc(int ifindex, struct nl_qdisc *q)
{
	return nl_qdisc_at(ifindex, TC_H_ROOT, q);
}

/*
 * The batch: requests side by side in b->buf, sequence numbers 1..n, each
 * asking for an ack; nlb_send() sends them in one sendmsg() (netlink.h says
 * why that matters) and files each ack's error under its sequence number.
 */

/* Room for the next request of @b; a batch is a fixed handful of small ones, more is a bug. */
static void *nlb_room(struct nl_batch *b)
{
	if (b->n >= NL_BATCH_MAX || b->off + NL_TC_ROOM > sizeof(b->buf))
		abort();
	return b->buf + b->off;
}

/* Files the request nlb_room() gave; returns its index in the batch. */
static unsigned int nlb_end(struct nl_batch *b, struct nlmsghdr *nh)
{
	nh->nlmsg_flags |= NLM_F_ACK;
	nh->nlmsg_seq = ++b->n;
	b->off += nh->nlmsg_len;
	return b->n - 1;
}

/* Strings are the one part of a request whose size varies: bound them. */
static void nlb_put_str(struct nlmsghdr *nh, int type, const char *s)
{
	if (strnlen(s, NL_STR_MAX) >= NL_STR_MAX)
		abort();
	mnl_attr_put_strz(nh, type, s);
}

static struct nlmsghdr *nlb_tc(struct nl_batch *b, int type, int flags, int ifindex,
			       __u32 parent, __u32 handle, __u32 info, const char *kind)
{
	struct nlmsghdr *nh = nl_tc(nlb_room(b), type, flags, ifindex, parent, handle, info);

	nlb_put_str(nh, TCA_KIND, kind);
	return nh;
}

unsigned int nlb_clsact_add(struct nl_batch *b, int ifindex)
{
	return nlb_end(b, nlb_tc(b, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex,
				 TC_H_CLSACT, TC_H_MAKE(TC_H_CLSACT, 0), 0, "clsact"));
}

unsigned int nlb_clsact_del(struct nl_batch *b, int ifindex)
{
	return nlb_end(b, nlb_tc(b, RTM_DELQDISC, 0, ifindex, TC_H_CLSACT,
				 TC_H_MAKE(TC_H_CLSACT, 0), 0, "clsact"));
}

unsigned int nlb_filter_add(struct nl_batch *b, int ifindex, __u32 parent, __u32 handle,
			    __u32 prio, int prog_fd, const char *name)
{
	struct nlmsghdr *nh = nlb_tc(b, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, ifindex,
				     parent, handle, TC_H_MAKE(prio << 16, htons(ETH_P_ALL)),
				     "bpf");
	struct nlattr *opts = mnl_attr_nest_start(nh, TCA_OPTIONS);

	mnl_attr_put_u32(nh, TCA_BPF_FD, (__u32)prog_fd);
	nlb_put_str(nh, TCA_BPF_NAME, name);
	mnl_attr_put_u32(nh, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	mnl_attr_nest_end(nh, opts);
	return nlb_end(b, nh);
}

unsigned int nlb_filter_del(struct nl_batch *b, int ifindex, __u32 parent, __u32 handle,
			    __u32 prio)
{
	return nlb_end(b, nlb_tc(b, RTM_DELTFILTER, 0, ifindex, parent, handle,
				 TC_H_MAKE(prio << 16, htons(ETH_P_ALL)), "bpf"));
}

unsigned int nlb_xdp(struct nl_batch *b, int ifindex, int prog_fd, __u32 flags, int expected_fd)
{
	struct nlmsghdr *nh = nl_msg(nlb_room(b), RTM_SETLINK, 0, sizeof(struct ifinfomsg));
	struct nlattr *xdp;

	((struct ifinfomsg *)mnl_nlmsg_get_payload(nh))->ifi_index = ifindex;
	xdp = mnl_attr_nest_start(nh, IFLA_XDP);
	mnl_attr_put_u32(nh, IFLA_XDP_FD, (__u32)prog_fd);
	mnl_attr_put_u32(nh, IFLA_XDP_FLAGS, flags);
	if (expected_fd >= 0)
		mnl_attr_put_u32(nh, IFLA_XDP_EXPECTED_FD, (__u32)expected_fd);
	mnl_attr_nest_end(nh, xdp);
	return nlb_end(b, nh);
}

unsigned int nlb_fq_add(struct nl_batch *b, int ifindex, __u32 handle, __u32 limit,
			__u32 flow_limit)
{
	struct nlmsghdr *nh = nlb_tc(b, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex,
				     TC_H_ROOT, handle, 0, "fq");
	struct nlattr *opts = mnl_attr_nest_start(nh, TCA_OPTIONS);

	mnl_attr_put_u32(nh, TCA_FQ_PLIMIT, limit);
	mnl_attr_put_u32(nh, TCA_FQ_FLOW_PLIMIT, flow_limit);
	mnl_attr_nest_end(nh, opts);
	return nlb_end(b, nh);
}

unsigned int nlb_root_del(struct nl_batch *b, int ifindex, __u32 handle, const char *kind)
{
	return nlb_end(b, nlb_tc(b, RTM_DELQDISC, 0, ifindex, TC_H_ROOT, handle, 0, kind));
}

struct nlb_acks {
	struct nl_batch *b;
	unsigned int acked;
};

/* One ack per request; anything else in between is not ours to read. */
static int nlb_ack(const struct nlmsghdr *nh, void *ctx)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nh);
	struct nlb_acks *a = ctx;

	if (nh->nlmsg_seq < 1 || nh->nlmsg_seq > a->b->n ||
	    mnl_nlmsg_get_payload_len(nh) < sizeof(*e))
		return MNL_CB_OK;
	a->b->err[nh->nlmsg_seq - 1] = e->error;
	if (e->error)
		nl_note_extack(nh);
	return ++a->acked < a->b->n ? MNL_CB_OK : MNL_CB_STOP;
}

static mnl_cb_t nlb_ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = nlb_ack };

int nlb_send(struct nl_batch *b)
{
	struct nlb_acks a = { .b = b };

	if (!b->n)
		return 0;	/* no ack would come */
	for (unsigned int i = 0; i < b->n; i++)
		b->err[i] = -EINPROGRESS;	/* no ack: not known to have happened */
	return nl_talk(b->buf, b->off, NULL, nlb_ctl, &a);
}
