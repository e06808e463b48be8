/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mgm-igmpd control socket and its clients: see ctl.c. */
#ifndef MGM_IGMPD_CTL_H
#define MGM_IGMPD_CTL_H

#include "igmpd.h"

/* Bind the control socket at @path ("@name": abstract): fd or -errno. */
int ctl_open(const char *path);
void ctl_close(int fd, const char *path);
/* Answer every pending request. */
void ctl_handle(const struct igmpd *d, int fd, uint64_t now);
/* mgm-igmpd -s / -G: ask the daemon, print the answer; exit status. */
int ctl_client(const struct igmpd_config *c, FILE *out, FILE *err);

#endif /* MGM_IGMPD_CTL_H */
