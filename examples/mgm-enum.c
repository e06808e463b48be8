// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mgm-enum - list the multicast groups of this network namespace with the
 * Windows MGM enumeration calls, the way a routing protocol ported from
 * Windows would: MgmGroupEnumerationStart, MgmGroupEnumerationGetNext until
 * ERROR_NO_MORE_ITEMS, MgmGroupEnumerationEnd.
 *
 * It starts with a deliberately tiny buffer, so the first call answers
 * ERROR_INSUFFICIENT_BUFFER with the size one record needs; it then reads
 * two records per call.
 *
 * Build against an installed libmgm:
 *	cc -o mgm-enum mgm-enum.c $(pkg-config --cflags --libs libmgm)
 * or statically:
 *	cc -static -o mgm-enum mgm-enum.c $(pkg-config --cflags --libs --static libmgm)
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <mgm.h>

/* Some protocol id of our own: enumeration needs a registered protocol. */
#define EXAMPLE_PROTOCOL_ID	0x4d47

static const char *ip(DWORD addr, char buf[16])
{
	struct in_addr a = { .s_addr = addr };

	if (!addr)
		return "*";
	return inet_ntop(AF_INET, &a, buf, 16);
}

static int enumerate(HANDLE proto, MGM_ENUM_TYPES type)
{
	DWORD size = 4, entries, rc, i;	/* 4 bytes: not even one record */
	PBYTE buf = malloc(size), bigger;
	PSOURCE_GROUP_ENTRY e;
	char g[16], s[16];
	HANDLE en;
	int call;

	printf("--- %s enumeration\n", type == ALL_SOURCES ? "ALL_SOURCES" : "ANY_SOURCE");
	rc = MgmGroupEnumerationStart(proto, type, &en);
	if (rc != NO_ERROR) {
		fprintf(stderr, "MgmGroupEnumerationStart: %s\n", mgm_error_name(rc));
		free(buf);
		return 1;
	}
	for (call = 1;; call++) {
		rc = MgmGroupEnumerationGetNext(en, &size, buf, &entries);
		if (rc == ERROR_INSUFFICIENT_BUFFER) {
			printf("call %d: ERROR_INSUFFICIENT_BUFFER, one record needs %u bytes: "
			       "buffer grows to 2 records (%u bytes)\n", call, size, 2 * size);
			size *= 2;
			bigger = realloc(buf, size);
			if (!bigger)
				break;
			buf = bigger;
			continue;
		}
		if (rc == ERROR_NO_MORE_ITEMS) {
			printf("call %d: ERROR_NO_MORE_ITEMS\n", call);
			break;
		}
		if (rc != NO_ERROR) {
			fprintf(stderr, "MgmGroupEnumerationGetNext: %s\n", mgm_error_name(rc));
			break;
		}
		printf("call %d: NO_ERROR, %u record(s)\n", call, entries);
		e = (PSOURCE_GROUP_ENTRY)buf;
		for (i = 0; i < entries; i++)
			printf("    group %-15s source %s\n", ip(e[i].dwGroupAddr, g),
			       ip(e[i].dwSourceAddr, s));
	}
	free(buf);
	if (MgmGroupEnumerationEnd(en) != NO_ERROR || rc != ERROR_NO_MORE_ITEMS)
		return 1;
	return 0;
}

int main(void)
{
	ROUTING_PROTOCOL_CONFIG config = { 0 };
	HANDLE proto;
	DWORD rc;
	int ret;

	rc = MgmRegisterMProtocol(&config, EXAMPLE_PROTOCOL_ID, (DWORD)getpid(), &proto);
	if (rc != NO_ERROR) {
		fprintf(stderr, "MgmRegisterMProtocol: %s\n", mgm_error_name(rc));
		return 1;
	}
	ret = enumerate(proto, ALL_SOURCES);
	if (!ret)
		ret = enumerate(proto, ANY_SOURCE);
	rc = MgmDeRegisterMProtocol(proto);
	if (rc != NO_ERROR) {
		fprintf(stderr, "MgmDeRegisterMProtocol: %s\n", mgm_error_name(rc));
		ret = 1;
	}
	return ret;
}
