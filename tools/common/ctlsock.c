// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control socket of every mgm daemon (mgm-igmpd, mgm-fwd), server and
 * client. The daemon listens on a unix datagram socket (an abstract name
 * "@name" by default, so each network namespace has its own, or a path).
 * A request is one datagram, a word optionally followed by " json"; the
 * answer is a series of datagrams of text and an empty one that ends it,
 * sent without blocking: while the client's queue is full the daemon
 * retries for at most a second per answer (a large answer needs a client
 * that reads as it comes), then the client loses the rest. An answer that starts with "error: " is a
 * failure the client prints to its error output. The renderer gets the
 * sender's credentials as the kernel tells them (SO_PASSCRED), for the
 * requests that change something. No state here: the daemon's own
 * renderer writes the answers.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "ctlsock.h"

#define CTL_CHUNK	32768
#define CTL_BURST	16
#define CTL_WAIT_MS	1000	/* most an answer waits for a slow client */
#define CTL_REQUEST_MAX	255	/* longer requests are cut: unknown */

static const char ctl_oom[] = "error: out of memory\n";

static socklen_t ctl_addr(const char *path, struct sockaddr_un *sun)
{
	size_t n = strlen(path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (n >= sizeof(sun->sun_path))
		n = sizeof(sun->sun_path) - 1;
	memcpy(sun->sun_path, path, n);
	if (path[0] == '@')
		sun->sun_path[0] = 0;	/* abstract */
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
}

int ctlsock_open(const char *path)
{
	struct sockaddr_un sun;
	socklen_t len = ctl_addr(path, &sun);
	int fd;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (path[0] != '@')
		unlink(path);	/* a stale socket of an earlier run */
	/* Requests come with their sender's pid, uid and gid. */
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &(int){ 1 }, sizeof(int)) ||
	    bind(fd, (struct sockaddr *)&sun, len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void ctlsock_close(int fd, const char *path)
{
	if (fd < 0)
		return;
	close(fd);
	if (path[0] != '@')
		unlink(path);
}

/*
 * One datagram; when the client's queue is full (it holds a few datagrams:
 * net.unix.max_dgram_qlen, and what our send buffer allows), retry every
 * millisecond while the answer's deadline allows. An unconnected datagram
 * socket cannot poll for the peer's room, hence the retries.
 */
static int send_one(int fd, const struct sockaddr_un *to, socklen_t tolen,
		    const char *s, size_t n, int *budget_ms)
{
	for (;;) {
		if (sendto(fd, s, n, MSG_DONTWAIT, (const struct sockaddr *)to, tolen) >= 0)
			return 0;
		if ((errno != EAGAIN && errno != ENOBUFS) || *budget_ms <= 0)
			return -1;
		usleep(1000);
		--*budget_ms;
	}
}

static void ctl_reply(int fd, const struct sockaddr_un *to, socklen_t tolen,
		      const char *s, size_t len)
{
	int budget_ms = CTL_WAIT_MS;
	size_t off = 0;

	while (off < len) {
		size_t n = len - off > CTL_CHUNK ? CTL_CHUNK : len - off;

		if (send_one(fd, to, tolen, s + off, n, &budget_ms))
			return;	/* the client does not read: it loses the answer */
		off += n;
	}
	send_one(fd, to, tolen, "", 0, &budget_ms);
}

void ctlsock_serve(int fd, ctlsock_render_fn render, void *ctx)
{
	int i;

	/* A bounded batch: a flood of requests never starves the packets. */
	for (i = 0; i < CTL_BURST; i++) {
		struct sockaddr_un from;
		char req[CTL_REQUEST_MAX + 1], *s = NULL;
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(sizeof(struct ucred))];
		} control;
		struct iovec iov = { .iov_base = req, .iov_len = sizeof(req) - 1 };
		struct msghdr msg = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
		};
		const struct ucred *cred = NULL;
		struct cmsghdr *c;
		socklen_t fromlen;
		size_t len = 0;
		bool json, ok;
		ssize_t n;
		FILE *b;

		n = recvmsg(fd, &msg, MSG_DONTWAIT);
		if (n < 0)
			return;
		fromlen = msg.msg_namelen;
		if (fromlen <= offsetof(struct sockaddr_un, sun_path))
			continue;	/* unnamed: nowhere to answer */
		/* The kernel's word on who sent it (SO_PASSCRED). */
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
			    c->cmsg_len == CMSG_LEN(sizeof(struct ucred)))
				cred = (const struct ucred *)CMSG_DATA(c);
		req[n] = 0;
		req[strcspn(req, "\n")] = 0;
		json = strlen(req) > 5 && !strcmp(req + strlen(req) - 5, " json");
		if (json)
			req[strlen(req) - 5] = 0;
		b = open_memstream(&s, &len);
		if (b) {
			if (render(ctx, req, json, cred, b))
				fprintf(b, "error: unknown request \"%s\"\n", req);
			ok = !ferror(b);
			ok = !fclose(b) && ok;
		} else {
			ok = false;
		}
		if (ok)
			ctl_reply(fd, &from, fromlen, s, len);
		else
			ctl_reply(fd, &from, fromlen, ctl_oom, strlen(ctl_oom));
		free(s);
	}
}

/*
 * The client's address, where the answer goes: an abstract one of our
 * own (autobind) for an abstract server, which is in our network
 * namespace; a path beside a path server's, which may be in another
 * namespace where our abstract name means nothing.
 */
static int client_bind(int fd, const char *server, struct sockaddr_un *me)
{
	sa_family_t fam = AF_UNIX;

	memset(me, 0, sizeof(*me));
	if (server[0] == '@')
		return bind(fd, (struct sockaddr *)&fam, sizeof(fam));
	me->sun_family = AF_UNIX;
	if ((size_t)snprintf(me->sun_path, sizeof(me->sun_path), "%s.%d",
			     server, (int)getpid()) >= sizeof(me->sun_path)) {
		me->sun_path[0] = 0;
		errno = ENAMETOOLONG;
		return -1;
	}
	unlink(me->sun_path);
	return bind(fd, (struct sockaddr *)me, sizeof(*me));
}

int ctlsock_ask(const char *path, const char *req, bool json, const char *prog,
		FILE *out, FILE *err)
{
	struct sockaddr_un sun, me = { 0 };
	socklen_t len = ctl_addr(path, &sun);
	char msg[80], *buf;
	bool first = true;
	int fd, rc = 2;

	buf = malloc(CTL_CHUNK + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!buf || fd < 0 || client_bind(fd, path, &me)) {
		fprintf(err, "%s: socket: %s\n", prog, strerror(errno));
		goto out;
	}
	snprintf(msg, sizeof(msg), "%s%s", req, json ? " json" : "");
	if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sun, len) < 0) {
		fprintf(err, "%s: no daemon at %s: %s\n", prog, path,
			strerror(errno));
		goto out;
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 5000) != 1) {
			fprintf(err, "%s: no answer from %s\n", prog, path);
			goto out;
		}
		n = recv(fd, buf, CTL_CHUNK, 0);
		if (n < 0) {
			fprintf(err, "%s: %s: %s\n", prog, path, strerror(errno));
			goto out;
		}
		if (!n)
			break;
		buf[n] = 0;
		if (first && !strncmp(buf, "error: ", 7)) {
			fprintf(err, "%s: %s", prog, buf + 7);
			goto out;
		}
		first = false;
		fwrite(buf, 1, (size_t)n, out);
	}
	rc = fflush(out) ? 2 : 0;
out:
	if (fd >= 0)
		close(fd);
	if (me.sun_path[0])
		unlink(me.sun_path);
	free(buf);
	return rc;
}
