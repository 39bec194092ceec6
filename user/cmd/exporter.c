// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * exporter.c - `vnetctl exporter --listen ADDR:PORT`: every vnet
 * attachment's counters over HTTP for Prometheus, served by libmicrohttpd.
 *
 * GET /metrics reads every attachment of this network namespace afresh
 * (prom.h) and answers in the text exposition format; GET / says where the
 * metrics are; anything else is 404 (405 for another method). One
 * libmicrohttpd thread serves, so scrapes never run concurrently; the
 * main thread only waits for SIGINT or SIGTERM and then stops it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "cmd/cmd.h"
#include "core/prom.h"
#include "lib/log.h"

#define EXPORTER_DEFAULT_LISTEN "127.0.0.1:9797"
#define EXPORTER_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct exporter {
	bool per_cpu;
};

static const char exporter_index[] =
	"<html><head><title>vnet exporter</title></head><body>\n"
	"<h1>vnet exporter</h1><p><a href=\"/metrics\">/metrics</a></p>\n"
	"</body></html>\n";

static enum MHD_Result exporter_reply(struct MHD_Connection *conn, unsigned int status,
				      const char *type, void *buf, size_t len,
				      enum MHD_ResponseMemoryMode mem)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, buf, mem);
	if (!resp) {
		if (mem == MHD_RESPMEM_MUST_FREE)
			free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result exporter_text(struct MHD_Connection *conn, unsigned int status,
				     const char *text)
{
	return exporter_reply(conn, status, "text/plain; charset=utf-8", (void *)text,
			      strlen(text), MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result exporter_metrics(struct MHD_Connection *conn, const struct exporter *ex)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	f = open_memstream(&buf, &len);
	if (!f)
		return exporter_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	err = prom_write_all(f, ex->per_cpu);
	if (fclose(f) || err) {
		free(buf);
		return exporter_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				     "cannot read the vnet counters (see the exporter's log)\n");
	}
	return exporter_reply(conn, MHD_HTTP_OK, EXPORTER_CONTENT_TYPE, buf, len,
			      MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result exporter_handle(void *cls, struct MHD_Connection *conn, const char *url,
				       const char *method, const char *version,
				       const char *upload_data, size_t *upload_data_size,
				       void **req_cls)
{
	const struct exporter *ex = cls;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)req_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return exporter_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n");
	if (!strcmp(url, "/metrics"))
		return exporter_metrics(conn, ex);
	if (!strcmp(url, "/"))
		return exporter_reply(conn, MHD_HTTP_OK, "text/html; charset=utf-8",
				      (void *)exporter_index, sizeof(exporter_index) - 1,
				      MHD_RESPMEM_PERSISTENT);
	return exporter_text(conn, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n");
}

/* "A.B.C.D:PORT", "[V6]:PORT" or ":PORT" (every IPv4 address). */
static int exporter_parse_listen(const char *arg, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	const char *colon = strrchr(arg, ':');
	char host[INET6_ADDRSTRLEN + 2];
	size_t hlen;
	char *end;
	unsigned long port;

	if (!colon || !colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return -EINVAL;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || port > 65535)
		return -EINVAL;
	hlen = (size_t)(colon - arg);
	if (hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, arg, hlen);
	host[hlen] = '\0';

	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[') {
		if (hlen < 3 || host[hlen - 1] != ']')
			return -EINVAL;
		host[hlen - 1] = '\0';
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((__u16)port);
		if (inet_pton(AF_INET6, host + 1, &sin6->sin6_addr) != 1)
			return -EINVAL;
		*len = sizeof(*sin6);
		return 0;
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons((__u16)port);
	if (!host[0])
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return -EINVAL;
	*len = sizeof(*sin);
	return 0;
}

/* The listening socket, ours, so a bind error is reported exactly. */
static int exporter_listen(const char *arg, const struct sockaddr_storage *ss, socklen_t len)
{
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	char addr[INET6_ADDRSTRLEN];
	int fd, one = 1, err;
	unsigned int port;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		log_err_sys(err, "cannot create a socket for %s", arg);
		return err;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, len) || listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&bound, &blen)) {
		err = -errno;
		log_err_sys(err, "cannot listen on %s", arg);
		close(fd);
		return err;
	}
	if (bound.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&bound;

		inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
		port = ntohs(s6->sin6_port);
		printf("exporter: listening on [%s]:%u\n", addr, port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)&bound;

		inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
		port = ntohs(s4->sin_port);
		printf("exporter: listening on %s:%u\n", addr, port);
	}
	fflush(stdout);
	return fd;
}

struct exporter_opts {
	const char *listen;
	bool per_cpu;
};

static int cmd_exporter(const struct vnet_cmd *cmd, int argc, char **argv)
{
	struct exporter_opts o = { .listen = EXPORTER_DEFAULT_LISTEN };
	struct exporter ex = {};
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	socklen_t sslen;
	sigset_t set;
	int rc, fd, sig;

	rc = cmd_parse(cmd, &o, argc, argv, NULL);
	if (rc != CMD_CONTINUE)
		return rc;
	ex.per_cpu = o.per_cpu;
	if (optind < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if (exporter_parse_listen(o.listen, &ss, &sslen))
		return usage_error(cmd, "invalid listen address '%s': ADDR:PORT or [ADDR]:PORT",
				   o.listen);

	/* Blocked before the server's thread exists, so it inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	fd = exporter_listen(o.listen, &ss, sslen);
	if (fd < 0)
		return VNET_EXIT_FAIL;
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
			     (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
			     0, NULL, NULL, exporter_handle, &ex,
			     MHD_OPTION_LISTEN_SOCKET, fd,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
			     MHD_OPTION_END);
	if (!d) {
		log_err("cannot start the HTTP server on %s", o.listen);
		close(fd);
		return VNET_EXIT_FAIL;
	}
	while (sigwait(&set, &sig))
		;
	log_note("exporter: signal %d, stopping", sig);
	MHD_stop_daemon(d);	/* closes the listening socket too */
	return VNET_EXIT_OK;
}

static const struct opt exporter_opts[] = {
	{ .name = "listen", .key = 'l', .type = OPT_STRING, OPT_AT(struct exporter_opts, listen),
	  .arg = "ADDR:PORT",
	  .help = "default 127.0.0.1:9797; [ADDR]:PORT for IPv6,\n"
		  "port 0 picks a free one (printed on stdout)" },
	{ .name = "per-cpu", .type = OPT_FLAG, OPT_AT(struct exporter_opts, per_cpu),
	  .help = "each CPU's counters (a cpu label) instead of sums" },
	OPT_END
};

const struct vnet_cmd exporter_cmd = {
	.name = "exporter",
	.run = cmd_exporter,
	.about =
"  Serve the counters of every vnet attachment in this network namespace\n"
"  over HTTP for Prometheus (GET /metrics), until SIGINT or SIGTERM.\n",
	.opts = exporter_opts,
	.col = 26,
};
