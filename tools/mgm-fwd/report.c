// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What mgm-fwd tells the module about its MFEs (MGM_IOC_MFE_REPORT; D19,
 * docs/forwarding.md), so that the module tells the protocols that own
 * the interfaces concerned: an MFE created (its incoming interface and
 * outgoing interfaces: Rpf, CreationAlert), its outgoing list emptied or
 * filled (PruneAlert, JoinAlert with FALSE), one of its packets on another
 * interface than the incoming one (the kernel's WRONGVIF upcall, which the
 * kernel sends at most once per MFE per 3 s, its MFC_ASSERT_THRESH: that
 * is WrongIf's rate limit). The ioctl only queues events: it never waits
 * for a protocol. A module without it (ENOTTY) is logged once and not
 * asked again. One thread.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include "fwd.h"

static void report(struct fwd *f, struct mgm_mfe_report *r)
{
	if (f->no_reports)
		return;
	if (ioctl(f->mgm_fd, MGM_IOC_MFE_REPORT, r)) {
		f->c.report_errors++;
		if (errno == ENOTTY) {
			f->no_reports = true;
			fwd_log(f, "the mgm module takes no MFE reports: no MFE callbacks");
		} else if (f->verbose) {
			fwd_log(f, "MFE report %u: %s", r->kind, strerror(errno));
		}
		return;
	}
	f->c.reports++;
	f->c.protocols_told += r->told;
}

void report_created(struct fwd *f, const struct fwd_mfe *e)
{
	struct mgm_mfe_out out[FWD_MAX_VIFS] = { { 0 } };
	struct mgm_mfe_report r = {
		.kind = MGM_MFE_CREATED, .source = e->source, .group = e->group,
		.in_ifindex = (uint32_t)mfe_incoming(e),
	};
	uint32_t ifindex[FWD_MAX_VIFS];
	unsigned int i;

	r.out_count = mfe_oif_ifindexes(f, e, ifindex);
	for (i = 0; i < r.out_count; i++)
		out[i].ifindex = ifindex[i];
	if (r.out_count)
		r.out_list = (uintptr_t)out;
	report(f, &r);
}

void report_oifs(struct fwd *f, const struct fwd_mfe *e, uint32_t old)
{
	struct mgm_mfe_report r = {
		.source = e->source, .group = e->group,
		.in_ifindex = (uint32_t)mfe_incoming(e),
	};

	if (!old == !e->oifs)
		return;
	if (e->oifs) {
		r.kind = MGM_MFE_FILLED;
	} else {
		r.kind = MGM_MFE_EMPTIED;
		r.timeout = (uint32_t)(mfe_timeout_ms(f, e) / 1000);
	}
	report(f, &r);
}

void report_wrong_if(struct fwd *f, uint32_t source, uint32_t group, int vifi)
{
	const struct fwd_mfe *e = mfe_find(f, source, group);
	struct mgm_mfe_report r = {
		.kind = MGM_MFE_WRONG_IF, .source = source, .group = group,
		.in_ifindex = e ? (uint32_t)mfe_incoming(e) : 0,
		.ifindex = (uint32_t)f->vifs.vif[vifi].ifindex,
	};

	report(f, &r);
}
