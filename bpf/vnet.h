/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * vnet.h - the one layout shared by the BPF programs and vnetctl.
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
 * rx_* counts every frame the program saw; tx_* counts the echo replies it
 * sent back. Every frame that is not answered is handed on unchanged and
 * counted in `pass` and in exactly one pass_* reason.
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
	X(pass_disabled,	"echo request of a family switched off")

#define VNET_STATS_FIELD(name, desc) __u64 name;
struct vnet_stats {
	VNET_STATS_FIELDS(VNET_STATS_FIELD)
};
#undef VNET_STATS_FIELD

#define VNET_STATS_NFIELDS (sizeof(struct vnet_stats) / sizeof(__u64))

/* Pass reasons, in the same order as the pass_* fields above. */
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
	VNET_NR_VERDICTS,
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
	__u8 pad[5];
};

/* Names the loader uses to recognise its own programs on an interface. */
#define VNET_PROG_XDP		"vnet_xdp"
#define VNET_PROG_TC_INGRESS	"vnet_tc_ingress"
#define VNET_PROG_TC_LOOPBACK	"vnet_tc_loop"
#define VNET_STATS_MAP		"vnet_stats"

/* clsact filter identity: vnetctl only ever touches this handle/priority. */
#define VNET_TC_HANDLE		0x7e7
#define VNET_TC_PRIORITY	0x7e7

#endif /* VNET_H */
