// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_frag.c - fragmented echo requests (bpf/frag.h): every fragment of a
 * request vnet answered the first fragment of is reflected, everything
 * else is handed on; each frame through every hook, against the model, and
 * the reflected fragments reassembled into a reply whose checksum verifies.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "csum.h"
#include "tap.h"
#include "tests.h"

#define MSG_MAX		9000

/* One ICMP(v6) echo request message, whole, with its checksum. */
struct msg {
	int family;
	uint8_t bytes[MSG_MAX];
	size_t len;
};

static void msg_make(struct msg *m, int family, size_t len, uint8_t type)
{
	size_t i;
	uint64_t sum = 0;

	m->family = family;
	m->len = len;
	m->bytes[0] = type;
	m->bytes[1] = 0;
	put_be16(m->bytes + 2, 0);
	put_be16(m->bytes + 4, 0x1234);		/* id */
	put_be16(m->bytes + 6, 1);		/* seq */
	for (i = 8; i < len; i++)
		m->bytes[i] = (uint8_t)(i * 7 + 3);
	if (family == 6)
		sum = csum_pseudo6(frame_ip6_client, frame_ip6_reflector, len, 58);
	put_be16(m->bytes + 2, csum_finish(csum_add(sum, m->bytes, len)));
}

/*
 * The fragment of @m holding bytes [@off, @off + @len) of it, client to
 * reflector, datagram @id; @more: MF / M set. Returns the frame's length.
 */
static size_t frag_frame(uint8_t *buf, const struct msg *m, uint32_t id, size_t off, size_t len,
			 bool more)
{
	uint8_t *ip = buf + 14;
	size_t hdr;

	memcpy(buf, frame_mac_reflector, 6);
	memcpy(buf + 6, frame_mac_client, 6);
	if (m->family == 4) {
		hdr = 20;
		put_be16(buf + 12, 0x0800);
		frame_put_ip4(ip, hdr + len, id, (more ? 0x2000 : 0) | off / 8, frame_ip4_client,
			      frame_ip4_reflector);
	} else {
		hdr = 48;
		put_be16(buf + 12, 0x86DD);
		frame_put_ip6(ip, 8 + len, 44, frame_ip6_client, frame_ip6_reflector);
		ip[40] = 58;			/* the fragment header */
		ip[41] = 0;
		put_be16(ip + 42, off | more);
		ip[44] = id >> 24;
		ip[45] = id >> 16;
		ip[46] = id >> 8;
		ip[47] = id;
	}
	memcpy(ip + hdr, m->bytes + off, len);
	return 14 + hdr + len;
}

static bool run_frag(const struct vnet_inst *in, const struct msg *m, uint32_t id, size_t off,
		     size_t len, bool more, int want, const char *what)
{
	static uint8_t buf[FRAME_MAX];
	size_t n = frag_frame(buf, m, id, off, len, more);

	return expect_frame(in, HOOKS_ALL, buf, n, want, what);
}

/*
 * Send @m in fragments of @chunk bytes (in order), each expected to be
 * reflected; reassemble what vnet_xdp sent back and check it is @m's echo
 * reply: addresses swapped, the type, a checksum that verifies.
 */
static bool ping_fragmented(const struct vnet_inst *in, const struct msg *m, uint32_t id,
			    size_t chunk, const char *what)
{
	static uint8_t reply[MSG_MAX];
	size_t off, hdr = m->family == 4 ? 20 : 48;
	uint64_t sum = 0;
	bool ok = true;

	for (off = 0; off < m->len; off += chunk) {
		size_t len = m->len - off < chunk ? m->len - off : chunk;
		const struct hook_run *r;
		const uint8_t *ip;

		ok &= run_frag(in, m, id, off, len, off + len < m->len, VNET_REPLY, what);
		r = last_run(HOOK_XDP);
		if (r->err || r->out_len != 14 + hdr + len) {
			tap_diag("%s: no reflected fragment at %zu", what, off);
			return false;
		}
		ip = r->out + 14;
		if (m->family == 4 ? memcmp(ip + 12, frame_ip4_reflector, 4) ||
				     !csum_verifies(csum_add(0, ip, 20)) :
				     memcmp(ip + 8, frame_ip6_reflector, 16) ||
				     get_be16(ip + 42) != (off | (off + len < m->len))) {
			tap_diag("%s: fragment at %zu: addresses, header checksum or fragment header wrong",
				 what, off);
			ok = false;
		}
		memcpy(reply + off, ip + hdr, len);
	}
	if (m->family == 6)
		sum = csum_pseudo6(frame_ip6_reflector, frame_ip6_client, m->len, 58);
	if (reply[0] != (m->family == 4 ? 0 : 129) || !csum_verifies(csum_add(sum, reply, m->len)) ||
	    memcmp(reply + 4, m->bytes + 4, m->len - 4)) {
		tap_diag("%s: the reassembled reply is no echo reply of the request", what);
		ok = false;
	}
	return ok;
}

/* ping -s 3000 at MTU 1500: 1480 + 1480 + 48 bytes. */
static bool t_frag_v4_ping(struct env *env)
{
	struct msg m;

	msg_make(&m, 4, 3008, 8);
	return ping_fragmented(&env->vnet, &m, 0x4001, 1480, "v4 ping -s 3000");
}
SUBTEST(t_frag_v4_ping,
	"frag: v4 ping -s 3000 in three fragments, each reflected, reply reassembles and verifies");

/* ping -6 -s 3000 at MTU 1500: 1448 + 1448 + 112 bytes. */
static bool t_frag_v6_ping(struct env *env)
{
	struct msg m;

	msg_make(&m, 6, 3008, 128);
	return ping_fragmented(&env->vnet, &m, 0x60000001, 1448, "v6 ping -6 -s 3000");
}
SUBTEST(t_frag_v6_ping,
	"frag: v6 ping -6 -s 3000 in three fragments, each reflected, reply reassembles "
	"and verifies");

/* With cfg.ttl every reflected fragment gets it (and IPv4 its header checksum). */
static bool t_frag_ttl(struct env *env)
{
	struct msg m4, m6;

	msg_make(&m4, 4, 2008, 8);
	msg_make(&m6, 6, 2008, 128);
	return ping_fragmented(&env->ttl, &m4, 0x4002, 1000, "v4 fragments, --ttl 200") &
	       ping_fragmented(&env->ttl, &m6, 0x60000002, 1000, "v6 fragments, --ttl 200");
}
SUBTEST(t_frag_ttl, "frag: cfg.ttl sets every reflected fragment's TTL / hop limit");

/* One fragment of a sequence: its offset, length, MF, and verdict. */
struct frag_step {
	size_t off, len;
	bool more;
	int want;
	const char *what;
};

/* The steps through the default instance, for a v4 and a v6 datagram of 3008 bytes each. */
struct frag_seq {
	unsigned int id;	/* 0x4000 + @id (v4), 0x60000000 + @id (v6) */
	const struct frag_step *steps;
	size_t n;
};

static bool frag_sequence(struct env *env, const void *arg)
{
	const struct frag_seq *q = arg;
	const struct frag_step *st;
	bool ok = true;
	struct msg m;
	int f;

	for (f = 4; f <= 6; f += 2) {
		uint32_t id = (f == 4 ? 0x4000 : 0x60000000) + q->id;

		msg_make(&m, f, 3008, f == 4 ? 8 : 128);
		for (st = q->steps; st < q->steps + q->n; st++)
			ok &= run_frag(&env->vnet, &m, id, st->off, st->len, st->more, st->want,
				       st->what);
	}
	return ok;
}

#define FRAG_SEQ(id, steps)	(&(const struct frag_seq){ id, steps, ARRAY_SIZE(steps) })

/* A later fragment ahead of its first is handed on; once the first came, it is reflected. */
static const struct frag_step out_of_order[] = {
	{ 2960, 48,	false,	VNET_PASS_FRAGMENT,	"last fragment before the first" },
	{ 1480, 1480,	true,	VNET_PASS_FRAGMENT,	"middle fragment before the first" },
	{ 0,	1480,	true,	VNET_REPLY,		"then the first" },
	{ 2960, 48,	false,	VNET_REPLY,		"the last again, after the first" },
};
SUBTEST_WITH(frag_sequence, FRAG_SEQ(3, out_of_order),
	"frag: a later fragment before its first is handed on, after it reflected");

/* Fragments overlapping the first one's bytes are handed on (RFC 1858, RFC 5722). */
static const struct frag_step overlapping[] = {
	{ 0,	1480,	true,	VNET_REPLY,		"first fragment" },
	{ 8,	1480,	true,	VNET_PASS_FRAGMENT,	"overlapping the ICMP header" },
	{ 1472, 8,	true,	VNET_PASS_FRAGMENT,	"overlapping the first's last 8 bytes" },
	{ 1480, 1528,	false,	VNET_REPLY,		"right after the first" },
};
SUBTEST_WITH(frag_sequence, FRAG_SEQ(4, overlapping),
	"frag: fragments overlapping the first one are handed on");

/*
 * Tiny and odd first fragments are handed on, and so is the rest of their
 * datagram: too short for the ICMP header, empty, not a multiple of 8
 * with more to come, not an echo request, the atomic IPv6 fragment.
 */
static bool t_frag_tiny(struct env *env)
{
	bool ok = true;
	struct msg m, r;
	int f;

	for (f = 4; f <= 6; f += 2) {
		uint32_t id = f == 4 ? 0x4005 : 0x60000005;

		msg_make(&m, f, 3008, f == 4 ? 8 : 128);
		msg_make(&r, f, 3008, f == 4 ? 0 : 129);
		ok &= run_frag(&env->vnet, &m, id, 0, 4, true, VNET_PASS_FRAGMENT,
			       "first fragment of 4 bytes");
		ok &= run_frag(&env->vnet, &m, id, 0, 0, true, VNET_PASS_FRAGMENT,
			       "empty first fragment");
		ok &= run_frag(&env->vnet, &m, id, 0, 1476, true, VNET_PASS_FRAGMENT,
			       "first fragment not a multiple of 8");
		ok &= run_frag(&env->vnet, &m, id, 8, 1480, true, VNET_PASS_FRAGMENT,
			       "the rest of a tiny one");
		ok &= run_frag(&env->vnet, &r, id + 1, 0, 1480, true, VNET_PASS_FRAGMENT,
			       "first fragment of an echo reply");
		ok &= run_frag(&env->vnet, &r, id + 1, 1480, 1528, false, VNET_PASS_FRAGMENT,
			       "the rest of an echo reply");
		if (f == 6)	/* IPv4's offset 0 without MF is no fragment */
			ok &= run_frag(&env->vnet, &m, id + 2, 0, 1480, false, VNET_PASS_FRAGMENT,
				       "atomic fragment");
	}
	return ok;
}
SUBTEST(t_frag_tiny,
	"frag: tiny, empty, odd-sized, non-echo and atomic first fragments handed on "
	"with the rest");

/*
 * The one checksum RFC 1624's update may get wrong (an all-zero message)
 * cannot be decided from a first fragment: a request whose reply checksum
 * comes out 0x0000 is handed on, and its later fragments with it.
 */
static bool t_frag_zero_csum(struct env *env)
{
	struct msg m;
	bool ok;

	msg_make(&m, 4, 3008, 8);
	put_be16(m.bytes + 2, 0xF7FF);		/* ~(~0xF7FF + ~0x0800 + 0) == 0 */
	ok = run_frag(&env->vnet, &m, 0x4006, 0, 1480, true, VNET_PASS_FRAGMENT,
		      "reply checksum 0x0000");
	ok &= run_frag(&env->vnet, &m, 0x4006, 1480, 1480, true, VNET_PASS_FRAGMENT,
		       "its next fragment");
	return ok;
}
SUBTEST(t_frag_zero_csum,
	"frag: a v4 first fragment whose reply checksum would be 0x0000 is handed on");

/* A family switched off: the first fragment says so, the rest are unknown. */
static bool t_frag_disabled(struct env *env)
{
	struct msg m;
	bool ok;

	msg_make(&m, 4, 3008, 8);
	ok = run_frag(&env->no_ipv4, &m, 0x4007, 0, 1480, true, VNET_PASS_DISABLED,
		      "v4 first fragment, IPv4 off");
	ok &= run_frag(&env->no_ipv4, &m, 0x4007, 1480, 1480, true, VNET_PASS_FRAGMENT,
		       "its next fragment");
	msg_make(&m, 6, 3008, 128);
	ok &= run_frag(&env->no_ipv4, &m, 0x60000007, 0, 1448, true, VNET_REPLY,
		       "v6 first fragment, IPv4 off");
	return ok;
}
SUBTEST(t_frag_disabled, "frag: a family switched off: DISABLED, its later fragments unknown");

/* The datagram is forgotten after VNET_FRAG_AGE_NS. */
static bool t_frag_aged(struct env *env)
{
	struct timespec ts = {
		.tv_sec = VNET_FRAG_AGE_NS / 1000000000ULL,
		.tv_nsec = 300 * 1000000L,
	};
	struct msg m;
	bool ok;

	msg_make(&m, 4, 3008, 8);
	ok = run_frag(&env->vnet, &m, 0x4008, 0, 1480, true, VNET_REPLY, "first fragment");
	ok &= run_frag(&env->vnet, &m, 0x4008, 1480, 1480, true, VNET_REPLY, "second at once");
	nanosleep(&ts, NULL);
	/* The model keeps it; the program's entry, read by the harness, is stale. */
	ok &= run_frag(&env->vnet, &m, 0x4008, 2960, 48, false, VNET_PASS_FRAGMENT,
		       "the last, after the age");
	return ok;
}
SUBTEST(t_frag_aged, "frag: a datagram is forgotten after VNET_FRAG_AGE_NS (5 s)");

/* ---- multi-buffer XDP frames (MTU 9000) ---- */

#define JUMBO_FRAME	9014	/* MTU 9000 */

/* A whole (unfragmented) echo request of JUMBO_FRAME bytes in @buf. */
static size_t jumbo_request(uint8_t *buf, struct msg *m, int family, uint8_t ttl)
{
	size_t hdr = family == 4 ? 20 : 40, len = JUMBO_FRAME - 14 - hdr;
	uint8_t *ip = buf + 14;

	msg_make(m, family, len, family == 4 ? 8 : 128);
	memcpy(buf, frame_mac_reflector, 6);
	memcpy(buf + 6, frame_mac_client, 6);
	memset(ip, 0, hdr);
	if (family == 4) {
		put_be16(buf + 12, 0x0800);
		ip[0] = 0x45;
		put_be16(ip + 2, hdr + len);
		put_be16(ip + 6, 0x4000);	/* DF, as ping -M do */
		ip[8] = ttl;
		ip[9] = 1;
		memcpy(ip + 12, frame_ip4_client, 4);
		memcpy(ip + 16, frame_ip4_reflector, 4);
		put_be16(ip + 10, csum_finish(csum_add(0, ip, hdr)));
	} else {
		put_be16(buf + 12, 0x86DD);
		ip[0] = 0x60;
		put_be16(ip + 4, len);
		ip[6] = 58;
		ip[7] = ttl;
		memcpy(ip + 8, frame_ip6_client, 16);
		memcpy(ip + 24, frame_ip6_reflector, 16);
	}
	memcpy(ip + hdr, m->bytes, len);
	return JUMBO_FRAME;
}

/*
 * @frame through vnet_xdp of env->frags (loaded with BPF_F_XDP_HAS_FRAGS:
 * the test run puts what is past the first page in fragments). Returns
 * false with a note when the run fails.
 */
static bool run_jumbo(struct vnet_inst *in, const uint8_t *frame, size_t len, uint8_t *out,
		      uint32_t *out_len, uint32_t *retval, struct vnet_stats *delta, const char *what)
{
	struct vnet_stats before, after;
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame, .data_size_in = len,
		.data_out = out, .data_size_out = JUMBO_FRAME + 64,
	);
	__u64 *b = (__u64 *)&before, *a = (__u64 *)&after, *d = (__u64 *)delta;

	if (stats_read(in, &before, NULL))
		return false;
	if (bpf_prog_test_run_opts(in->prog_fd[HOOK_XDP], &opts)) {
		tap_diag("%s: test run: %s", what, strerror(errno));
		return false;
	}
	if (stats_read(in, &after, NULL))
		return false;
	for (size_t i = 0; i < VNET_STATS_NFIELDS; i++)
		d[i] = a[i] - b[i];
	*out_len = opts.data_size_out;
	*retval = opts.retval;
	return true;
}

/* ping -s 8972 and ping -6 -s 8952 at MTU 9000: answered in full, counted in full. */
static bool t_jumbo_echo(struct env *env)
{
	static uint8_t buf[JUMBO_FRAME], out[JUMBO_FRAME + 64];
	static struct msg m;
	bool ok = true;
	int f;

	for (f = 4; f <= 6; f += 2) {
		size_t len = jumbo_request(buf, &m, f, 64), hdr = f == 4 ? 20 : 40;
		struct vnet_stats d, want = {
			.rx_packets = 1, .rx_bytes = JUMBO_FRAME, .echo4 = f == 4,
			.echo6 = f == 6, .tx_packets = 1, .tx_bytes = JUMBO_FRAME,
		};
		uint32_t out_len, retval;
		const uint8_t *ip = out + 14, *icmp = ip + hdr;
		uint64_t sum = f == 6 ? csum_pseudo6(frame_ip6_reflector, frame_ip6_client,
						     m.len, 58) : 0;

		if (!run_jumbo(&env->frags, buf, len, out, &out_len, &retval, &d,
			       f == 4 ? "v4 jumbo" : "v6 jumbo"))
			return false;
		if (retval != XDP_TX || out_len != len || memcmp(out, buf + 6, 6) ||
		    memcmp(out + 6, buf, 6) ||
		    memcmp(ip + (f == 4 ? 12 : 8), f == 4 ? frame_ip4_reflector : frame_ip6_reflector,
			   f == 4 ? 4 : 16) ||
		    icmp[0] != (f == 4 ? 0 : 129) || !csum_verifies(csum_add(sum, icmp, m.len)) ||
		    memcmp(icmp + 4, m.bytes + 4, m.len - 4)) {
			tap_diag("v%d jumbo: retval %u, %u bytes out: not the echo reply", f, retval,
				 out_len);
			ok = false;
		}
		ok &= stats_match(f == 4 ? "v4 jumbo" : "v6 jumbo", &want, &d);
	}
	return ok;
}
SUBTEST(t_jumbo_echo,
	"jumbo: 9014-byte echo requests in several buffers (XDP frags) answered and counted whole");

/*
 * A jumbo probe that would get a Time Exceeded (a quote of up to 1232
 * bytes built at the head) is handed on unchanged: pass_multibuf.
 */
static bool t_jumbo_timex(struct env *env)
{
	static const char *const hops[] = { "198.18.0.0/24,hops=2", "2001:db8::/64,hops=2", NULL };
	static uint8_t buf[JUMBO_FRAME], out[JUMBO_FRAME + 64];
	static struct msg m;
	bool ok = !inst_respond(&env->frags, hops);
	int f;

	for (f = 4; ok && f <= 6; f += 2) {
		size_t len = jumbo_request(buf, &m, f, 1);
		struct vnet_stats d, want = {
			.rx_packets = 1, .rx_bytes = JUMBO_FRAME, .pass = 1, .pass_multibuf = 1,
		};
		uint32_t out_len, retval;

		if (!run_jumbo(&env->frags, buf, len, out, &out_len, &retval, &d, "jumbo TTL 1"))
			ok = false;
		else if (retval != XDP_PASS || out_len != len || memcmp(out, buf, len)) {
			tap_diag("v%d jumbo TTL 1 to hops=2: retval %u, %u bytes: not handed on unchanged",
				 f, retval, out_len);
			ok = false;
		} else {
			ok &= stats_match("jumbo TTL 1", &want, &d);
		}
	}
	/* The same at 64 bytes: the Time Exceeded (against the model). */
	if (ok) {
		struct frame_spec fs;

		frame_spec_v4(&fs);
		fs.ttl = 1;
		ok = expect_spec(&env->frags, HOOKS_ALL, &fs, VNET_REPLY, "64 bytes TTL 1 to hops=2");
	}
	return !inst_flush(&env->frags) && ok;
}
SUBTEST(t_jumbo_timex,
	"jumbo: a multi-buffer probe that would get a Time Exceeded is handed on (pass_multibuf)");
