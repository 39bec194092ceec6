/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * vnet.shared.h - the one layout shared by the BPF programs and vnetctl.
 *
 * The counters are declared once, as an X-macro list: the BPF side expands
 * it into struct vnet_stats (whose BTF makes `bpftool map dump name
 * vnet_stats` print every field by name), the user side expands the same
 * list into its table of field names for `vnetctl stats` and its JSON.
 * Adding a counter is a one-line change here and nowhere else.
 */
#ifndef VNET_H
#define VNET_H

/*
 * X(field, description). Order is ABI for a running program: append only.
 * rx_* counts every frame the program saw; tx_* counts the replies it sent
 * back (echo replies, ARP replies, neighbour advertisements). Every frame
 * that is not answered is either handed on unchanged and counted in `pass`
 * and in exactly one pass_* reason, or dropped (drop_*, only when asked
 * for): rx_packets == tx_packets + pass + drop_rate_limited. Pass reasons
 * added after drop_rate_limited (append only) are pass_* all the same.
 * With a prefix's loss= and dup= (issue 15): rx_packets == tx_packets - dup
 * + pass + drop_rate_limited + drop_loss.
 */
#define VNET_STATS_FIELDS(X)						\
	X(rx_packets,		"frames seen")				\
	X(rx_bytes,		"bytes seen")				\
	X(echo4,		"ICMP echo requests answered")		\
	X(echo6,		"ICMPv6 echo requests answered")	\
	X(tx_packets,		"replies sent")				\
	X(tx_bytes,		"reply bytes sent")			\
	X(pass,			"frames handed on (all reasons)")	\
	X(pass_non_ip,		"not IPv4/IPv6 (ARP, LLDP, ...)")	\
	X(pass_vlan_depth,	"more than two VLAN tags")		\
	X(pass_not_echo,	"not an echo request (other protocol, type or code)") \
	X(pass_ip_options,	"IPv4 header with options")		\
	X(pass_ipv6_ext,	"IPv6 extension header before ICMPv6")	\
	X(pass_fragment,	"IPv4 or IPv6 fragment")		\
	X(pass_truncated,	"frame shorter than its headers or IP length") \
	X(pass_malformed,	"bad IP version or inconsistent length fields") \
	X(pass_mcast_dst,	"not a unicast destination MAC or IP")	\
	X(pass_bad_src,		"multicast/broadcast/zero source MAC or IP") \
	X(pass_disabled,	"echo request of a family switched off")	\
	X(pass_filtered,	"destination or target outside the --respond prefixes") \
	X(pass_rate_limited,	"echo request over the rate limit, handed on") \
	X(arp,			"ARP requests answered")		\
	X(nd,			"IPv6 neighbour solicitations answered") \
	X(drop_rate_limited,	"echo request over the rate limit, dropped") \
	X(pass_other_host,	"echo request to another host's MAC")	\
	X(pass_ttl_zero,	"echo request with TTL / hop limit 0")	\
	X(timex4,		"ICMP Time Exceeded sent for a virtual hop") \
	X(timex6,		"ICMPv6 Time Exceeded sent for a virtual hop") \
	X(port_unreach4,	"UDP answered with ICMP Port Unreachable") \
	X(port_unreach6,	"UDP answered with ICMPv6 Port Unreachable") \
	X(tcp_rst,		"TCP segment to a closed port answered with RST") \
	X(tcp_synack,		"TCP SYN to an open port answered with SYN-ACK") \
	X(ts4,			"ICMP timestamp requests answered") \
	X(drop_loss,		"echo request dropped by a prefix's loss=") \
	X(dup,			"echo reply sent twice by a prefix's dup= (tc only)") \
	X(claims,		"claims of a prefix's address by another MAC seen") \
	X(pass_claimed,		"request for an address another MAC claimed, handed on") \
	X(frag4,		"IPv4 fragments of echo requests reflected") \
	X(frag6,		"IPv6 fragments of echo requests reflected") \
	X(pass_multibuf,	"multi-buffer XDP frame an answer would resize, handed on") \
	X(delayed,		"echo reply held back by a prefix's delay= (tc only)")

#define VNET_STATS_FIELD(name, desc) __u64 name;
struct vnet_stats {
	VNET_STATS_FIELDS(VNET_STATS_FIELD)
};
#undef VNET_STATS_FIELD

#define VNET_STATS_NFIELDS (sizeof(struct vnet_stats) / sizeof(__u64))

/*
 * Each pass reason's value is its counter's place counted from `pass`
 * (pass_non_ip is pass + 1): the first run follows `pass`, the second,
 * appended later, follows drop_rate_limited, so arp, nd and
 * drop_rate_limited leave a gap. The program counts a reason with one
 * indexed increment, whatever run it is in (vnet.bpf.c asserts the places).
 */
enum vnet_verdict {
	VNET_REPLY = 0,		/* rewritten in place: send it back */
	VNET_PASS_NON_IP,
	VNET_PASS_VLAN_DEPTH,
	VNET_PASS_NOT_ECHO,
	VNET_PASS_IP_OPTIONS,
	VNET_PASS_IPV6_EXT,
	VNET_PASS_FRAGMENT,
	VNET_PASS_TRUNCATED,
	VNET_PASS_MALFORMED,
	VNET_PASS_MCAST_DST,
	VNET_PASS_BAD_SRC,
	VNET_PASS_DISABLED,
	VNET_PASS_FILTERED,
	VNET_PASS_RATE_LIMITED,
	/* 14 and 15 are arp and nd: no verdicts. */
	VNET_DROP_RATE_LIMITED = 16,	/* over the limit, --rate-limit-drop */
	VNET_PASS_OTHER_HOST,		/* the second run of pass reasons */
	VNET_PASS_TTL_ZERO,
	/*
	 * The third run, appended later still: one reason, at its counter's
	 * place, however many counters other work appended before it.
	 */
	VNET_PASS_CLAIMED = (__builtin_offsetof(struct vnet_stats, pass_claimed) -
			     __builtin_offsetof(struct vnet_stats, pass)) / sizeof(__u64),
	VNET_NR_VERDICTS,		/* one past the last; not every value below is one */
};

/*
 * Configuration vnetctl writes into the program's read-only data before
 * load (`const volatile`), so the verifier prunes what is switched off.
 */
struct vnet_config {
	__u8 no_ipv4;		/* hand on IPv4 echo requests unanswered */
	__u8 no_ipv6;		/* hand on ICMPv6 echo requests unanswered */
	/*
	 * Not read by the programs: the loader's note, kept where the kernel
	 * keeps it (the program's .rodata), that this attach created the
	 * clsact qdisc, so detach removes it again and nothing else.
	 */
	__u8 owns_clsact;
	__u8 rate_drop;		/* over a rate limit: drop instead of hand on */
	__u8 ttl;		/* reply TTL / hop limit; 0 keeps the request's */
	__u8 mac[6];		/* IFACE's address, the answer in ARP and ND */
	/*
	 * The XDP program was loaded with BPF_F_XDP_HAS_FRAGS (user/load.c):
	 * a frame may continue past data_end in further buffers.
	 */
	__u8 xdp_frags;
	__u8 pad[2];
	__u32 rate_per_source;	/* echo requests/s per source address; 0: no limit */
	__u32 rate_global;	/* echo requests/s over all sources; 0: no limit */
	/*
	 * With dst_mac_on, a frame sent to another unicast MAC than IFACE's
	 * is not looked at, so vnet never speaks for another host on a bridge
	 * or a promiscuous NIC. Off: any unicast MAC, for loopback mode and
	 * --any-dst-mac. The MAC again, apart from mac[], as the raw words the
	 * hot path compares: its bytes 0-1 and 2-5, each naturally aligned in
	 * the frame (the Ethernet header starts 2 bytes before a 4-byte
	 * boundary, reflect.h), so two loads and one branch compare all six.
	 */
	__u16 dst_mac16;	/* bytes 0-1, as the frame holds them */
	__u16 dst_mac_on;
	__u32 dst_mac32;	/* bytes 2-5 */
	/*
	 * CLOCK_TAI - CLOCK_REALTIME in seconds at attach (the kernel's TAI
	 * offset, 0 until NTP sets it): ICMP timestamps (l4.h) are read from
	 * the TAI clock, the only wall clock BPF has, and must be UT.
	 */
	__s32 tai_offset;
	/*
	 * Stepping aside (subnet.h): seconds an address another MAC claimed
	 * (ARP reply or announcement, ARP probe, Neighbor Advertisement,
	 * duplicate address detection) is left to it. 0: never step aside,
	 * claims are not even looked at.
	 */
	__u32 claim_age;
	/*
	 * loss= and dup= draw from a per-CPU xorshift generator started from
	 * this seed (hops.h), so a test sees the same sequence every time; 0:
	 * bpf_get_prandom_u32().
	 */
	__u32 seed;
};

/*
 * The virtual subnet (--respond): longest-prefix-match tries vnetctl fills
 * and changes while the program runs. vnet_state.nr_prefixes is the number
 * of entries in both tries together; while it is 0 every unicast destination
 * is answered and ARP/ND never are. vnetctl sets it before the first prefix
 * goes in and clears it only after the last one is gone, so it is never 0
 * while the tries hold a prefix: whenever vnetctl dies, the program answers
 * inside exactly the prefixes the tries hold (user/tries.h).
 */
#define VNET_MAX_PREFIXES	1024	/* per family */

struct vnet_prefix4_key {
	__u32 prefixlen;	/* LPM trie key: length in bits, then the address */
	__u8 addr[4];
};

struct vnet_prefix6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

/*
 * The tries' value: what the addresses of one prefix do beyond answering
 * (vnetctl's PREFIX,hops=N,via=ADDR). All zero is a prefix as it always
 * was: on the link, answering echo, ARP and ND.
 */
#define VNET_MAX_HOPS		64
#define VNET_MAX_PORTS		8	/* open TCP ports per prefix */

/* vnet_prefix_attr.flags */
#define VNET_ATTR_L4		0x01	/* answer UDP and TCP as a host would */
#define VNET_ATTR_CHAOS		0x02	/* loss_ppm or dup_ppm set */
#define VNET_ATTR_DELAY		0x04	/* delay_us set (bpf/delay.h) */
/* Longest delay + jitter: fq drops packets due beyond its 10 s horizon. */
#define VNET_DELAY_MAX_US	(9000 * 1000)
#define VNET_PPM		1000000

struct vnet_prefix_attr {
	/*
	 * Virtual routers between the client and the prefix: a probe whose
	 * TTL / hop limit k is <= hops expires at router k, which answers
	 * with Time Exceeded; one that gets through is answered with a TTL
	 * that went down by hops on the way back.
	 */
	__u8 hops;
	/*
	 * VNET_ATTR_L4 (vnetctl sets it with hops >= 1 or ports=): the
	 * addresses answer UDP with Port Unreachable and TCP as a host whose
	 * ports are closed but for ports[]. Without it UDP and TCP are
	 * handed on, as for any prefix before attributes existed.
	 */
	__u8 flags;
	__u8 nr_ports;
	__u8 pad;
	__be16 ports[VNET_MAX_PORTS];	/* open TCP ports, network order */
	/*
	 * Shares of echo requests, in parts per million: dropped (loss=P%),
	 * or answered twice where the hook can clone, tc (dup=P%).
	 */
	__u32 loss_ppm;
	__u32 dup_ppm;
	/*
	 * Router 1's address (IPv4: the first 4 bytes); router k's is it
	 * plus k - 1 in the last 32 bits. vnetctl's default is the
	 * prefix's network address plus one.
	 */
	__u8 router[16];
	/*
	 * delay=MS[/JITTER] (bpf/delay.h; tc mode only): the echo reply
	 * leaves delay_us +- jitter_us (uniform) after the request came, by
	 * an earliest departure time the fq qdisc honours. jitter_us <=
	 * delay_us; vnetctl sets VNET_ATTR_DELAY with delay_us.
	 */
	__u32 delay_us;
	__u32 jitter_us;
};

/*
 * Stepping aside: the addresses of the prefixes that another MAC claimed,
 * in an LRU hash (the oldest claims go first when it is full). The key is
 * the address (IPv4: the first 4 bytes, the rest zero) and its family.
 */
#define VNET_MAX_CLAIMS		4096
#define VNET_CLAIM_AGE_DEFAULT	60	/* seconds: vnetctl's --claim-age */
#define VNET_CLAIM_AGE_MAX	86400

struct vnet_claim_key {
	__u8 addr[16];
	__u32 family;		/* 4 or 6 */
};

struct vnet_claim {
	__u64 seen_ns;		/* bpf_ktime_get_ns() (CLOCK_MONOTONIC) of the last claim */
	__u8 mac[6];		/* the claimant's */
	__u8 pad[2];
};

struct vnet_state {
	__u32 nr_prefixes;
	__u32 pad;
};

/*
 * vnet_frags (bpf/frag.h): the datagrams whose first fragment, an echo
 * request, was answered, so their later fragments are reflected too.
 */
#define VNET_FRAG_AGE_NS	(5ULL * 1000000000ULL)	/* then a datagram is forgotten */
#define VNET_FRAG_KEY4		0x400	/* | the IPv4 protocol */
#define VNET_FRAG_KEY6		0x600

struct vnet_frag_key {
	__u8 src[16];		/* IPv4: the first 4 bytes, the rest zero */
	__u8 dst[16];
	__u32 id;		/* identification as the header holds it (IPv4: 16 bits) */
	__u32 proto;		/* VNET_FRAG_KEY4 | protocol, or VNET_FRAG_KEY6 */
};

struct vnet_frag_val {
	__u64 expires;		/* bpf_ktime_get_ns() (CLOCK_MONOTONIC) after which it is stale */
	__u32 first_end;	/* bytes of the datagram the first fragment held */
	__u32 pad;
};

/* Names the loader uses to recognise its own programs on an interface. */
#define VNET_PROG_XDP		"vnet_xdp"
#define VNET_PROG_TC_INGRESS	"vnet_tc_ingress"
#define VNET_PROG_TC_LOOPBACK	"vnet_tc_loop"
#define VNET_STATS_MAP		"vnet_stats"
#define VNET_PREFIX4_MAP	"vnet_prefix4"
#define VNET_PREFIX6_MAP	"vnet_prefix6"
/* vnet_state's data section, as libbpf names its map; "vnet_state" before. */
#define VNET_STATE_MAP		".data.state"
#define VNET_STATE_MAP_OLD	"vnet_state"
#define VNET_RATELIMIT_MAP	"vnet_ratelimit"
#define VNET_CLAIMS_MAP		"vnet_claims"
#define VNET_FRAGS_MAP		"vnet_frags"

/*
 * vnet_xdp's run priority in libxdp's dispatcher (lower runs first): before
 * programs at libxdp's default 50, after those that ask to run early.
 */
#define VNET_XDP_RUN_PRIO	40

/* clsact filter identity: vnetctl only ever touches this handle/priority. */
#define VNET_TC_HANDLE		0x7e7
#define VNET_TC_PRIORITY	0x7e7

#endif /* VNET_H */
