// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * rawping - send ICMP/ICMPv6 echo requests as raw Ethernet frames and count
 * the echo replies that come back, checking every byte that matters.
 *
 * What ping cannot do, the end-to-end tests need:
 *   - VLAN tags: -V TPID:VID (repeat for QinQ, outermost first) puts the
 *     tags in the frame itself, as a switch port would deliver them; this
 *     kernel may have no 802.1Q devices to make ping do it.
 *   - non-linear skbs: with -r the frames go through a PACKET_TX_RING, and
 *     the kernel then builds skbs whose linear part is only the Ethernet
 *     header, the rest staying in the ring's pages (tpacket_fill_skb); a
 *     program that reads headers without pulling them first sees nothing.
 *
 * A reply counts as valid when it carries the same VLAN tags (whether the
 * kernel left them in the frame or moved them to the skb's metadata, which
 * PACKET_AUXDATA reports), swapped MAC and IP addresses, echo reply type
 * and code, our identifier, a sequence number we sent and have not seen
 * yet, valid IP and ICMP checksums and our payload byte for byte.
 *
 * Prints one line: "sent N replies V bad B" and exits 0 only when every
 * request got exactly one valid reply and nothing bad came back, 1 when
 * not, 2 on usage errors.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_TAGS	4
#define MAX_PAYLOAD	1400
#define MAX_FRAME	(ETH_HLEN + MAX_TAGS * 4 + 40 + 8 + MAX_PAYLOAD)
#define MAX_COUNT	65536	/* sequence numbers are 16 bits and must stay unique */
#define BATCH		64	/* frames sent between two drains of the replies */

/* The TX ring: 64 frames of 2 KiB, two per page-sized block. */
#define RING_FRAME_SIZE	2048
#define RING_BLOCK_SIZE	4096
#define RING_FRAMES	64

struct vlan_tag {
	uint16_t tpid;
	uint16_t tci;
};

struct opts {
	const char *ifname;
	uint8_t dst_mac[ETH_ALEN];
	int family;
	struct in6_addr src6, dst6;
	struct in_addr src4, dst4;
	unsigned int count;
	unsigned int payload;
	struct vlan_tag tags[MAX_TAGS];
	int ntags;
	bool ring;
	double wait_s;
	unsigned int ttl;	/* IPv4 TTL / IPv6 hop limit of the requests */
};

struct ctx {
	const struct opts *o;
	int ifindex;
	uint8_t src_mac[ETH_ALEN];
	uint16_t ident;
	uint8_t *seen;		/* one byte per sequence number */
	unsigned int sent, valid, bad;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rawping -i IFACE -d DSTMAC [-4|-6] [-s SRC] [-t DST] [-n COUNT]\n"
		"               [-l PAYLOAD] [-V TPID:VID]... [-r] [-w SECONDS] [-T TTL]\n"
		"  -i IFACE       send and receive on IFACE\n"
		"  -d DSTMAC      destination MAC of the requests\n"
		"  -4, -6         ICMP (default) or ICMPv6 echo requests\n"
		"  -s, -t ADDR    source and destination address (default 198.18.0.1 -> .2,\n"
		"                 2001:db8::1 -> ::2)\n"
		"  -n COUNT       requests to send (default 10)\n"
		"  -l PAYLOAD     ICMP data bytes (default 56, at most %d)\n"
		"  -V TPID:VID    add a VLAN tag, outermost first (TPID 8100 or 88a8, hex)\n"
		"  -r             send through a PACKET_TX_RING (non-linear skbs)\n"
		"  -w SECONDS     how long to wait for the last reply (default 5)\n"
		"  -T TTL         the requests' TTL / hop limit, 0 to 255 (default 64)\n",
		MAX_PAYLOAD);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* RFC 1071: add big-endian 16-bit words; csum_fold() folds and complements. */
static uint32_t csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	for (; len > 1; len -= 2, p += 2)
		sum += (p[0] << 8) | p[1];
	if (len)
		sum += p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* The ICMPv6 sum covers a pseudo-header: addresses, length, next header. */
static uint32_t csum_ipv6_pseudo(const struct in6_addr *src,
				 const struct in6_addr *dst, uint32_t len)
{
	uint32_t sum = 0;

	sum = csum_add(sum, src, sizeof(*src));
	sum = csum_add(sum, dst, sizeof(*dst));
	sum += len >> 16;
	sum += len & 0xFFFF;
	sum += IPPROTO_ICMPV6;
	return sum;
}

static uint8_t payload_byte(unsigned int seq, unsigned int i)
{
	return (uint8_t)(seq * 7 + i);
}

/* Build request @seq into @buf; returns the frame length. */
static size_t build_request(const struct ctx *c, unsigned int seq, uint8_t *buf)
{
	const struct opts *o = c->o;
	size_t off = 2 * ETH_ALEN, icmp_len = 8 + o->payload;
	uint8_t *icmp;
	uint16_t proto;

	memcpy(buf, o->dst_mac, ETH_ALEN);
	memcpy(buf + ETH_ALEN, c->src_mac, ETH_ALEN);
	for (int i = 0; i < o->ntags; i++) {
		uint16_t tpid = htons(o->tags[i].tpid), tci = htons(o->tags[i].tci);

		memcpy(buf + off, &tpid, 2);
		memcpy(buf + off + 2, &tci, 2);
		off += 4;
	}
	proto = htons(o->family == 4 ? ETH_P_IP : ETH_P_IPV6);
	memcpy(buf + off, &proto, 2);
	off += 2;

	if (o->family == 4) {
		struct iphdr ip = {
			.version = 4,
			.ihl = 5,
			.tot_len = htons(sizeof(ip) + icmp_len),
			.id = htons(seq),
			.frag_off = htons(IP_DF),
			.ttl = o->ttl,
			.protocol = IPPROTO_ICMP,
			.saddr = o->src4.s_addr,
			.daddr = o->dst4.s_addr,
		};

		ip.check = csum_fold(csum_add(0, &ip, sizeof(ip)));
		memcpy(buf + off, &ip, sizeof(ip));
		off += sizeof(ip);
	} else {
		struct ip6_hdr ip6 = {
			.ip6_flow = htonl(6 << 28),
			.ip6_plen = htons(icmp_len),
			.ip6_nxt = IPPROTO_ICMPV6,
			.ip6_hlim = o->ttl,
			.ip6_src = o->src6,
			.ip6_dst = o->dst6,
		};

		memcpy(buf + off, &ip6, sizeof(ip6));
		off += sizeof(ip6);
	}

	icmp = buf + off;
	icmp[0] = o->family == 4 ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	icmp[1] = 0;
	icmp[2] = icmp[3] = 0;
	icmp[4] = c->ident >> 8;
	icmp[5] = c->ident & 0xFF;
	icmp[6] = (seq >> 8) & 0xFF;
	icmp[7] = seq & 0xFF;
	for (unsigned int i = 0; i < o->payload; i++)
		icmp[8 + i] = payload_byte(seq, i);
	{
		uint32_t sum = o->family == 4 ? 0 :
			csum_ipv6_pseudo(&o->src6, &o->dst6, icmp_len);
		uint16_t check = csum_fold(csum_add(sum, icmp, icmp_len));

		memcpy(icmp + 2, &check, 2);
	}
	return off + icmp_len;
}

/*
 * Is @frame (@len bytes, outer tag possibly in @aux) a reply to one of our
 * requests? Returns 1 for a valid reply, 0 for a frame that is not ours,
 * -1 for a reply to us that is wrong in some way (reason on stderr).
 */
static int check_reply(struct ctx *c, const uint8_t *frame, size_t len,
		       const struct tpacket_auxdata *aux)
{
	const struct opts *o = c->o;
	struct vlan_tag tags[MAX_TAGS + 1];
	int ntags = 0;
	size_t off = 2 * ETH_ALEN, icmp_len;
	const uint8_t *icmp;
	uint16_t proto, ident, seq;
	uint32_t sum;

	if (len < ETH_HLEN)
		return 0;
	if (aux && (aux->tp_status & TP_STATUS_VLAN_VALID)) {
		tags[0].tpid = (aux->tp_status & TP_STATUS_VLAN_TPID_VALID) ?
			       aux->tp_vlan_tpid : ETH_P_8021Q;
		tags[0].tci = aux->tp_vlan_tci;
		ntags = 1;
	}
	proto = (frame[off] << 8) | frame[off + 1];
	while ((proto == ETH_P_8021Q || proto == ETH_P_8021AD) && ntags <= MAX_TAGS) {
		if (off + 6 > len)
			return 0;
		tags[ntags].tpid = proto;
		tags[ntags].tci = (frame[off + 2] << 8) | frame[off + 3];
		ntags++;
		off += 4;
		proto = (frame[off] << 8) | frame[off + 1];
	}
	off += 2;
	if (proto != (o->family == 4 ? ETH_P_IP : ETH_P_IPV6))
		return 0;

	/* Ours or not is decided by protocol, type and identifier. */
	if (o->family == 4) {
		const struct iphdr *ip = (const void *)(frame + off);

		if (off + sizeof(*ip) + 8 > len || ip->ihl != 5 ||
		    ip->protocol != IPPROTO_ICMP)
			return 0;
		icmp = frame + off + sizeof(*ip);
		icmp_len = ntohs(ip->tot_len) - sizeof(*ip);
	} else {
		const struct ip6_hdr *ip6 = (const void *)(frame + off);

		if (off + sizeof(*ip6) + 8 > len || ip6->ip6_nxt != IPPROTO_ICMPV6)
			return 0;
		icmp = frame + off + sizeof(*ip6);
		icmp_len = ntohs(ip6->ip6_plen);
	}
	ident = (icmp[4] << 8) | icmp[5];
	seq = (icmp[6] << 8) | icmp[7];
	if (ident != c->ident)
		return 0;
	if (icmp[0] == (o->family == 4 ? ICMP_ECHO : ICMP6_ECHO_REQUEST))
		return 0;	/* our own request, looped back by a tap */

#define BAD(...) do { fprintf(stderr, "rawping: seq %u: ", seq); \
		      fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); return -1; } while (0)

	if (icmp[0] != (o->family == 4 ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY) || icmp[1])
		BAD("type %u code %u is not an echo reply", icmp[0], icmp[1]);
	if (memcmp(frame, c->src_mac, ETH_ALEN) || memcmp(frame + ETH_ALEN, o->dst_mac, ETH_ALEN))
		BAD("MAC addresses not swapped");
	if (ntags != o->ntags)
		BAD("%d VLAN tags, sent %d", ntags, o->ntags);
	for (int i = 0; i < ntags; i++)
		if (tags[i].tpid != o->tags[i].tpid || tags[i].tci != o->tags[i].tci)
			BAD("tag %d is %04x:%u, sent %04x:%u", i, tags[i].tpid,
			    tags[i].tci, o->tags[i].tpid, o->tags[i].tci);
	if (icmp_len != 8 + o->payload || icmp + icmp_len > frame + len)
		BAD("ICMP length %zu, sent %u", icmp_len, 8 + o->payload);

	if (o->family == 4) {
		const struct iphdr *ip = (const void *)(frame + off);

		if (ip->saddr != o->dst4.s_addr || ip->daddr != o->src4.s_addr)
			BAD("IPv4 addresses not swapped");
		if (csum_fold(csum_add(0, ip, sizeof(*ip))) != 0)
			BAD("bad IPv4 header checksum");
		sum = 0;
	} else {
		const struct ip6_hdr *ip6 = (const void *)(frame + off);

		if (memcmp(&ip6->ip6_src, &o->dst6, 16) || memcmp(&ip6->ip6_dst, &o->src6, 16))
			BAD("IPv6 addresses not swapped");
		sum = csum_ipv6_pseudo(&ip6->ip6_src, &ip6->ip6_dst, icmp_len);
	}
	if (csum_fold(csum_add(sum, icmp, icmp_len)) != 0)
		BAD("bad ICMP checksum");
	for (unsigned int i = 0; i < o->payload; i++)
		if (icmp[8 + i] != payload_byte(seq, i))
			BAD("payload differs at byte %u", i);
	if (seq >= o->count)
		BAD("sequence number never sent");
	if (c->seen[seq]++)
		BAD("duplicate reply");
#undef BAD
	return 1;
}

/*
 * Read replies from @fd for up to @wait_s seconds: until every request sent
 * so far is answered or, with @linger, for the whole time, so that a
 * duplicate or stray reply arriving after the last expected one is seen.
 */
static void drain_replies(struct ctx *c, int fd, double wait_s, bool linger)
{
	uint8_t frame[MAX_FRAME + 64];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} ctl;
	double deadline = now_s() + wait_s;

	while (linger || c->valid + c->bad < c->sent) {
		struct iovec iov = { .iov_base = frame, .iov_len = sizeof(frame) };
		struct sockaddr_ll from;
		struct msghdr msg = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
		};
		const struct tpacket_auxdata *aux = NULL;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double left = deadline - now_s();
		ssize_t n;
		int r;

		/*
		 * Past the deadline only what is already queued is read, and
		 * only briefly: unrelated traffic must not keep us here.
		 */
		if (left < (linger ? 0 : -0.05))
			return;
		if (poll(&pfd, 1, left > 0 ? (int)(left * 1000) + 1 : 0) <= 0)
			return;
		n = recvmsg(fd, &msg, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			perror("rawping: recvmsg");
			exit(1);
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
			if (cm->cmsg_level == SOL_PACKET && cm->cmsg_type == PACKET_AUXDATA)
				aux = (const void *)CMSG_DATA(cm);
		r = check_reply(c, frame, (size_t)n, aux);
		if (r > 0)
			c->valid++;
		else if (r < 0)
			c->bad++;
	}
}

static int open_rx(struct ctx *c)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = c->ifindex,
	};
	int one = 1, rcvbuf = 16 << 20;
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (fd < 0) {
		perror("rawping: socket(AF_PACKET)");
		exit(1);
	}
	/* Room for every reply even if they all arrive before we read one. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("rawping: receive socket");
		exit(1);
	}
	/* Our own requests would only be skipped; not seeing them is cheaper. */
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	return fd;
}

/* A socket that only sends: protocol 0 receives nothing. */
static int open_tx(struct ctx *c)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = c->ifindex,
	};
	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("rawping: send socket");
		exit(1);
	}
	return fd;
}

static void send_plain(struct ctx *c, int tx, int rx)
{
	uint8_t frame[MAX_FRAME];

	for (unsigned int seq = 0; seq < c->o->count; seq++) {
		size_t len = build_request(c, seq, frame);

		if (send(tx, frame, len, 0) != (ssize_t)len) {
			perror("rawping: send");
			exit(1);
		}
		c->sent++;
		if (seq % BATCH == BATCH - 1)
			drain_replies(c, rx, 0, false);
	}
}

/*
 * Fill the ring's free frames and have the kernel send them, until every
 * request is out. A frame is free again once the skb that referenced its
 * bytes is freed (for a reflected frame: after the reply was received).
 */
static void send_ring(struct ctx *c, int tx, int rx)
{
	struct tpacket_req req = {
		.tp_block_size = RING_BLOCK_SIZE,
		.tp_block_nr = RING_FRAMES * RING_FRAME_SIZE / RING_BLOCK_SIZE,
		.tp_frame_size = RING_FRAME_SIZE,
		.tp_frame_nr = RING_FRAMES,
	};
	int ver = TPACKET_V2;
	size_t ring_len = (size_t)req.tp_block_size * req.tp_block_nr;
	double deadline = now_s() + c->o->wait_s + c->o->count / 1000.0;
	unsigned int seq = 0, slot = 0;
	uint8_t *ring;

	if (setsockopt(tx, SOL_PACKET, PACKET_VERSION, &ver, sizeof(ver)) ||
	    setsockopt(tx, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req))) {
		perror("rawping: PACKET_TX_RING");
		exit(1);
	}
	ring = mmap(NULL, ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, tx, 0);
	if (ring == MAP_FAILED) {
		perror("rawping: mmap");
		exit(1);
	}

	while (seq < c->o->count) {
		unsigned int queued = 0;

		while (seq < c->o->count && queued < RING_FRAMES) {
			struct tpacket2_hdr *h = (void *)(ring + (size_t)slot * RING_FRAME_SIZE);
			uint8_t *data = (uint8_t *)h + TPACKET_ALIGN(sizeof(*h));

			if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE)
				break;
			h->tp_len = build_request(c, seq, data);
			__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
			slot = (slot + 1) % RING_FRAMES;
			seq++;
			queued++;
			c->sent++;
		}
		if (queued && send(tx, NULL, 0, 0) < 0) {
			perror("rawping: send (TX ring)");
			exit(1);
		}
		drain_replies(c, rx, queued ? 0 : 0.001, false);
		if (now_s() > deadline) {
			fprintf(stderr, "rawping: TX ring frames not released in time\n");
			break;
		}
	}
	munmap(ring, ring_len);
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[ETH_ALEN];
	char end;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != ETH_ALEN)
		return -1;
	for (int i = 0; i < ETH_ALEN; i++) {
		if (b[i] > 0xFF)
			return -1;
		mac[i] = b[i];
	}
	return 0;
}

static int parse_tag(const char *s, struct vlan_tag *t)
{
	unsigned int tpid, vid;
	char end;

	if (sscanf(s, "%x:%u%c", &tpid, &vid, &end) != 2 ||
	    (tpid != ETH_P_8021Q && tpid != ETH_P_8021AD) || vid == 0 || vid > 4094)
		return -1;
	t->tpid = tpid;
	t->tci = vid;
	return 0;
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	const char *src = NULL, *dst = NULL;
	char *end;
	int opt;

	o->family = 4;
	o->count = 10;
	o->payload = 56;
	o->wait_s = 5;
	o->ttl = 64;
	while ((opt = getopt(argc, argv, "i:d:46s:t:n:l:V:rw:T:h")) != -1) {
		switch (opt) {
		case 'i': o->ifname = optarg; break;
		case 'd':
			if (parse_mac(optarg, o->dst_mac))
				goto bad;
			break;
		case '4': o->family = 4; break;
		case '6': o->family = 6; break;
		case 's': src = optarg; break;
		case 't': dst = optarg; break;
		case 'n':
			o->count = strtoul(optarg, &end, 10);
			if (*end || !o->count || o->count > MAX_COUNT)
				goto bad;
			break;
		case 'l':
			o->payload = strtoul(optarg, &end, 10);
			if (*end || o->payload > MAX_PAYLOAD)
				goto bad;
			break;
		case 'V':
			if (o->ntags == MAX_TAGS || parse_tag(optarg, &o->tags[o->ntags++]))
				goto bad;
			break;
		case 'r': o->ring = true; break;
		case 'w':
			o->wait_s = strtod(optarg, &end);
			if (*end || o->wait_s < 0 || o->wait_s > 600)
				goto bad;
			break;
		case 'T':
			o->ttl = strtoul(optarg, &end, 10);
			if (*end || !optarg[0] || o->ttl > 255)
				goto bad;
			break;
		case 'h': usage(stdout); exit(0);
		default: goto bad;
		}
	}
	if (optind != argc || !o->ifname || !(o->dst_mac[0] | o->dst_mac[1] | o->dst_mac[2] |
					      o->dst_mac[3] | o->dst_mac[4] | o->dst_mac[5]))
		goto bad;
	if (o->family == 4) {
		if (inet_pton(AF_INET, src ? src : "198.18.0.1", &o->src4) != 1 ||
		    inet_pton(AF_INET, dst ? dst : "198.18.0.2", &o->dst4) != 1)
			goto bad;
	} else {
		if (inet_pton(AF_INET6, src ? src : "2001:db8::1", &o->src6) != 1 ||
		    inet_pton(AF_INET6, dst ? dst : "2001:db8::2", &o->dst6) != 1)
			goto bad;
	}
	return;
bad:
	fprintf(stderr, "rawping: bad arguments (rawping -h for help)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct ctx c = { .o = &o };
	struct ifreq ifr = { 0 };
	int tx, rx;

	parse_args(argc, argv, &o);
	c.ifindex = if_nametoindex(o.ifname);
	if (!c.ifindex) {
		fprintf(stderr, "rawping: %s: no such interface\n", o.ifname);
		return 1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o.ifname);
	rx = open_rx(&c);
	if (ioctl(rx, SIOCGIFHWADDR, &ifr)) {
		perror("rawping: SIOCGIFHWADDR");
		return 1;
	}
	memcpy(c.src_mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	c.ident = (uint16_t)getpid();
	c.seen = calloc(o.count, 1);
	if (!c.seen) {
		perror("rawping: calloc");
		return 1;
	}

	tx = open_tx(&c);
	if (o.ring)
		send_ring(&c, tx, rx);
	else
		send_plain(&c, tx, rx);
	drain_replies(&c, rx, o.wait_s, false);
	/* A reflector that answers twice must not pass: look a while longer. */
	drain_replies(&c, rx, 0.2, true);

	printf("sent %u replies %u bad %u\n", c.sent, c.valid, c.bad);
	close(tx);
	close(rx);
	free(c.seen);
	return c.sent == o.count && c.valid == o.count && !c.bad ? 0 : 1;
}
