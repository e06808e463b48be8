// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgmctl mroute [show] [group G] [source S] [dev NAME] (also "mfe"): the
 * multicast forwarding entries, as `ip mroute` shows the kernel's, with
 * the forwarder's view of them: incoming and outgoing interfaces by name,
 * the kernel's packet, byte and wrong-interface counts, uptime and when it
 * expires if idle. Read with the Windows calls MgmGetFirstMfeStats /
 * MgmGetNextMfeStats (libmgm asks mgm-fwd), in group then source order;
 * "dev" keeps the MFEs whose incoming or an outgoing interface it is.
 * No forwarder running: no MFE.
 */
#include <stdlib.h>
#include <string.h>
#include "mgmctl.h"

#define MROUTE_BUF	(256 * 1024)

static const char *if_name(DWORD ifindex, char buf[IF_NAMESIZE])
{
	if (!ifindex)
		return "-";
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "%u", ifindex);
	return buf;
}

static bool mroute_match(const struct mgmctl_filter *f, const MIB_IPMCAST_MFE_STATS_EX *m,
			 const MIB_IPMCAST_OIF_STATS *oif)
{
	unsigned int dev = f->dev_set ? if_nametoindex(f->dev) : 0;
	ULONG i;

	if ((f->group_set && m->dwGroup != f->group) ||
	    (f->source_set && m->dwSource != f->source))
		return false;
	if (!f->dev_set || m->dwInIfIndex == dev)
		return true;
	for (i = 0; i < m->ulNumOutIf; i++)
		if (oif[i].dwOutIfIndex == dev)
			return true;
	return false;
}

static void mroute_print(struct json *j, const struct mgmctl_opts *opts,
			 const MIB_IPMCAST_MFE_STATS_EX *m, const MIB_IPMCAST_OIF_STATS *oif)
{
	char b[2][16], name[IF_NAMESIZE];
	ULONG i;

	if (!opts->json) {
		printf("(%s,%s) iif %s oifs", addr_str(m->dwSource, false, b[0]),
		       addr_str(m->dwGroup, false, b[1]), if_name(m->dwInIfIndex, name));
		for (i = 0; i < m->ulNumOutIf; i++)
			printf("%s%s", i ? "," : " ", if_name(oif[i].dwOutIfIndex, name));
		printf("%s packets %u bytes %u wrong-if %u uptime %us expires %us\n",
		       m->ulNumOutIf ? "" : " none", m->ulInPkts, m->ulInOctets,
		       m->ulPktsDifferentIf, m->ulUpTime / 100, m->ulExpiryTime / 100);
		return;
	}
	json_open(j, '{');
	json_key_str(j, "source", addr_str(m->dwSource, false, b[0]));
	json_key_str(j, "group", addr_str(m->dwGroup, false, b[1]));
	json_key_str(j, "iif", if_name(m->dwInIfIndex, name));
	json_key_u64(j, "iif_ifindex", m->dwInIfIndex);
	json_key_open(j, "oifs", '[');
	for (i = 0; i < m->ulNumOutIf; i++)
		json_str(j, if_name(oif[i].dwOutIfIndex, name));
	json_close(j, ']');
	json_key_u64(j, "packets", m->ulInPkts);
	json_key_u64(j, "bytes", m->ulInOctets);
	json_key_u64(j, "wrong_if", m->ulPktsDifferentIf);
	json_key_u64(j, "uptime_s", m->ulUpTime / 100);
	json_key_u64(j, "expires_s", m->ulExpiryTime / 100);
	json_close(j, '}');
}

static int mroute_run(struct mgmctl_cmd *cmd)
{
	const struct mgmctl_opts *opts = &cmd->opts;
	MIB_IPMCAST_MFE last;
	DWORD size, num, code, i;
	BYTE *buf = malloc(MROUTE_BUF);
	bool first = true;
	struct json j;

	if (!buf)
		return runtime_error("out of memory");
	json_init(&j, stdout, opts->pretty);
	if (opts->json)
		json_open(&j, '[');
	do {
		size_t off = 0;

		size = MROUTE_BUF;
		code = first ? MgmGetFirstMfeStats(&size, buf, &num, MGM_MFE_STATS_1) :
		       MgmGetNextMfeStats(&last, &size, buf, &num, MGM_MFE_STATS_1);
		first = false;
		if (code != ERROR_MORE_DATA && code != ERROR_NO_MORE_ITEMS) {
			free(buf);
			return win32_fail("read the forwarding entries", code);
		}
		for (i = 0; i < num; i++) {
			MIB_IPMCAST_MFE_STATS_EX m;
			const BYTE *rec = buf + off;

			memcpy(&m, rec, SIZEOF_MIB_MFE_STATS_EX(0));
			if (mroute_match(&cmd->filter, &m, (const void *)(rec +
					 SIZEOF_MIB_MFE_STATS_EX(0))))
				mroute_print(&j, opts, &m, (const void *)(rec +
					     SIZEOF_MIB_MFE_STATS_EX(0)));
			/* Next starts after the (source, group) of the last. */
			memset(&last, 0, sizeof(last));
			last.dwSource = m.dwSource;
			last.dwGroup = m.dwGroup;
			off += SIZEOF_MIB_MFE_STATS_EX(m.ulNumOutIf);
		}
	} while (code == ERROR_MORE_DATA);
	if (opts->json)
		json_close(&j, ']');
	free(buf);
	return fflush(stdout) ? runtime_error("write error") : EXIT_OK;
}

int mroute_parse(int argc, char **argv, struct mgmctl_cmd *cmd)
{
	static const char *const allowed[] = { "dev", "group", "source", NULL };

	if (show_verb(&argc, &argv))
		return object_help("mroute", cmd);
	if (parse_filters(argc, argv, "mroute show", allowed, &cmd->filter))
		return EXIT_USAGE;
	cmd->run = mroute_run;
	return EXIT_OK;
}
