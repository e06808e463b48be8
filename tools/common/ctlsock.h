/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The control socket of the mgm daemons: see ctlsock.c. Not thread-safe. */
#ifndef MGM_TOOLS_CTLSOCK_H
#define MGM_TOOLS_CTLSOCK_H

#include <stdbool.h>
#include <stdio.h>

/* Bind the control socket at @path ("@name": abstract): fd or -errno. */
int ctlsock_open(const char *path);
void ctlsock_close(int fd, const char *path);
struct ucred;
/*
 * Write the answer to request @req (without its " json") to @out: 0, or
 * -1 for a request it does not know. @cred: who sent it, as the kernel
 * says (NULL if it did not).
 */
typedef int (*ctlsock_render_fn)(void *ctx, const char *req, bool json,
				 const struct ucred *cred, FILE *out);
/* Answer the pending requests (a bounded batch). */
void ctlsock_serve(int fd, ctlsock_render_fn render, void *ctx);
/*
 * Ask the daemon at @path, print its answer to @out or its error to
 * @err (prefixed by @prog): 0, or 2 when it failed.
 */
int ctlsock_ask(const char *path, const char *req, bool json, const char *prog,
		FILE *out, FILE *err);

#endif /* MGM_TOOLS_CTLSOCK_H */
