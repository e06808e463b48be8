# SPDX-License-Identifier: GPL-2.0
# libmgm: the Windows MGM API over /dev/mgm.

lib:
