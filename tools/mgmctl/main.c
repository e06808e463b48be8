// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgmctl [OPTIONS] OBJECT [COMMAND [ARGS]]: show the multicast group
 * membership table of /dev/mgm, its memberships, owners and statistics,
 * or pin static memberships. See mgmctl(8) and cli.c. Exit status: 0 ok,
 * 1 usage error, 2 run-time failure.
 */
#include "mgmctl.h"

int main(int argc, char **argv)
{
	struct mgmctl_cmd cmd;
	int rc;

	rc = mgmctl_parse(argc, argv, &cmd);
	if (!rc)
		rc = cmd.run(&cmd);
	mgmctl_cmd_free(&cmd);
	return rc;
}
