// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The MFE calls: MgmGetMfe, MgmGetFirstMfe, MgmGetNextMfe, their Stats
 * forms and MgmSetMfe (contract D20). MFEs are the forwarder's (mgm-fwd, docs/
 * forwarding.md), so each call asks it for all of them on its control
 * socket (lib/mfe_wire.h; "@mgm-fwd" in the caller's network namespace, or
 * $MGM_FWD_CONTROL), sorts them by group then source, and copies what the
 * call asks for. No forwarder running means no MFE (the kernel deleted
 * them with it): ERROR_NOT_FOUND, ERROR_NO_MORE_ITEMS. A call costs one
 * request and O(n log n) for n MFEs. MgmSetMfe sends the protocol of its
 * handle along; mgm-fwd checks that the sender has CAP_NET_ADMIN and that
 * the protocol owns the MFE's incoming interface. No state is kept between
 * calls; the handle table is read under libmgm_lock().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "internal.h"
#include "mfe_wire.h"

_Static_assert(SIZEOF_MIB_MFE(0) == 60 && sizeof(MIB_IPMCAST_OIF) == 16,
	       "MIB_IPMCAST_MFE is ipmib.h's");
_Static_assert(SIZEOF_MIB_MFE_STATS(0) == 64 && sizeof(MIB_IPMCAST_OIF_STATS) == 28,
	       "MIB_IPMCAST_MFE_STATS is ipmib.h's");
_Static_assert(SIZEOF_MIB_MFE_STATS_EX(0) == 84, "MIB_IPMCAST_MFE_STATS_EX is ipmib.h's");
_Static_assert(offsetof(MIB_IPMCAST_MFE, ulUpTime) == 36 &&
	       offsetof(MIB_IPMCAST_MFE_STATS, ulInPkts) == 48 &&
	       offsetof(MIB_IPMCAST_MFE_STATS_EX, ulTotalOutPackets) == 80,
	       "the fields where ipmib.h has them");

#define FWD_ANSWER_MAX	(64u << 20)	/* more is not an answer of mgm-fwd */
#define FWD_WAIT_MS	5000

enum mfe_form { FORM_MFE, FORM_STATS, FORM_STATS_EX };

/* The answer of mgm-fwd to @req (internal.h). */
ssize_t libmgm_fwd_ask(const char *req, char **out)
{
	const char *path = getenv(MGM_FWD_CONTROL_ENV);
	struct sockaddr_un sun = { .sun_family = AF_UNIX }, me = { .sun_family = AF_UNIX };
	size_t n, len = 0, cap = 0;
	char *buf = NULL;
	socklen_t sl;
	int fd, err = 0;

	if (!path || !*path)
		path = MGM_FWD_CONTROL;
	n = strlen(path);
	if (n >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, path, n);
	if (path[0] == '@')
		sun.sun_path[0] = 0;
	sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Somewhere the answer can come: our own abstract name, or a path. */
	if (path[0] == '@') {
		if (bind(fd, (struct sockaddr *)&me, sizeof(sa_family_t)))
			err = -errno;
	} else if ((size_t)snprintf(me.sun_path, sizeof(me.sun_path), "%s.%d.lib", path,
				    (int)getpid()) >= sizeof(me.sun_path)) {
		me.sun_path[0] = 0;
		err = -ENAMETOOLONG;
	} else {
		unlink(me.sun_path);
		if (bind(fd, (struct sockaddr *)&me, sizeof(me)))
			err = -errno;
	}
	if (!err && sendto(fd, req, strlen(req), 0, (struct sockaddr *)&sun, sl) < 0)
		err = -errno;
	while (!err) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t got;

		if (cap - len < 65536) {
			char *more;

			cap = cap ? 2 * cap : 262144;
			more = cap <= FWD_ANSWER_MAX ? realloc(buf, cap) : NULL;
			if (!more) {
				err = cap <= FWD_ANSWER_MAX ? -ENOMEM : -EPROTO;
				break;
			}
			buf = more;
		}
		if (poll(&pfd, 1, FWD_WAIT_MS) != 1) {
			err = -ETIMEDOUT;
			break;
		}
		got = recv(fd, buf + len, cap - len, 0);
		if (got < 0) {
			err = -errno;
			break;
		}
		if (!got)
			break;		/* the end of the answer */
		len += (size_t)got;
	}
	close(fd);
	if (me.sun_path[0])
		unlink(me.sun_path);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	return (ssize_t)len;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct mgm_fwd_mfe_record *x = a, *y = b;
	uint64_t kx = (uint64_t)ntohl(x->group) << 32 | ntohl(x->source);
	uint64_t ky = (uint64_t)ntohl(y->group) << 32 | ntohl(y->source);

	return kx < ky ? -1 : kx > ky;
}

/*
 * Every MFE, sorted, in *@out (NULL when there is none): the count, or
 * -errno. No forwarder: none.
 */
static long fwd_mfes(struct mgm_fwd_mfe_record **out)
{
	struct mgm_fwd_mfe_record *recs;
	char *buf = NULL;
	ssize_t len = libmgm_fwd_ask(MGM_FWD_MFE_REQUEST, &buf);
	size_t n, i;

	*out = NULL;
	if (len == -ECONNREFUSED || len == -ENOENT)
		return 0;	/* no forwarder here: no MFE */
	if (len < 0)
		return len;
	if ((size_t)len % sizeof(*recs) || (len >= 7 && !memcmp(buf, "error: ", 7))) {
		free(buf);
		return -EPROTO;
	}
	recs = (struct mgm_fwd_mfe_record *)buf;
	n = (size_t)len / sizeof(*recs);
	for (i = 0; i < n; i++)
		if (recs[i].magic != MGM_FWD_MFE_MAGIC || recs[i].oif_count > MGM_FWD_MAX_OIFS) {
			free(buf);
			return -EPROTO;
		}
	if (!n) {
		free(buf);
		return 0;
	}
	qsort(recs, n, sizeof(*recs), rec_cmp);
	*out = recs;
	return (long)n;
}

static DWORD fwd_error(long err)
{
	return err == -ENOMEM ? ERROR_NOT_ENOUGH_MEMORY : ERROR_CAN_NOT_COMPLETE;
}

static size_t form_size(enum mfe_form form, uint32_t oifs)
{
	switch (form) {
	case FORM_STATS:
		return SIZEOF_MIB_MFE_STATS(oifs);
	case FORM_STATS_EX:
		return SIZEOF_MIB_MFE_STATS_EX(oifs);
	default:
		return SIZEOF_MIB_MFE(oifs);
	}
}

static ULONG clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (ULONG)v;
}

/* Write @r in @form at @dst (any alignment: built aside, then copied). */
static void form_write(const struct mgm_fwd_mfe_record *r, enum mfe_form form, BYTE *dst)
{
	union {
		MIB_IPMCAST_MFE mfe;
		MIB_IPMCAST_MFE_STATS st;
		MIB_IPMCAST_MFE_STATS_EX ex;
		BYTE bytes[SIZEOF_MIB_MFE_STATS_EX(MGM_FWD_MAX_OIFS)];
	} u;
	uint32_t i;

	memset(&u, 0, sizeof(u));
	/* The nine DWORDs every form starts with. */
	u.mfe.dwGroup = r->group;
	u.mfe.dwSource = r->source;
	u.mfe.dwSrcMask = 0xffffffffu;
	u.mfe.dwUpStrmNgbr = r->upstream;
	u.mfe.dwInIfIndex = r->in_ifindex;
	u.mfe.dwInIfProtocol = r->in_protocol;
	u.mfe.dwRouteProtocol = r->route_protocol;
	u.mfe.dwRouteNetwork = r->route_network;
	u.mfe.dwRouteMask = r->route_mask;
	if (form == FORM_MFE) {
		u.mfe.ulUpTime = clamp32(r->uptime_ms / 1000);
		u.mfe.ulExpiryTime = clamp32(r->expiry_ms / 1000);
		u.mfe.ulTimeOut = clamp32(r->timeout_ms / 1000);
		u.mfe.ulNumOutIf = r->oif_count;
		MIB_IPMCAST_OIF *oi = (MIB_IPMCAST_OIF *)(u.bytes + SIZEOF_MIB_MFE(0));

		for (i = 0; i < r->oif_count; i++)
			oi[i].dwOutIfIndex = r->oif[i];
	} else {
		MIB_IPMCAST_OIF_STATS *os = (MIB_IPMCAST_OIF_STATS *)(u.bytes +
			(form == FORM_STATS ? SIZEOF_MIB_MFE_STATS(0) : SIZEOF_MIB_MFE_STATS_EX(0)));

		/* _STATS and _STATS_EX agree up to ulQueueOverflow. */
		u.st.ulUpTime = clamp32(r->uptime_ms / 10);
		u.st.ulExpiryTime = clamp32(r->expiry_ms / 10);
		u.st.ulNumOutIf = r->oif_count;
		u.st.ulInPkts = clamp32(r->packets);
		u.st.ulInOctets = clamp32(r->bytes);
		u.st.ulPktsDifferentIf = clamp32(r->wrong_if);
		if (form == FORM_STATS_EX) {
			u.ex.ulNegativeMfe = r->oif_count ? 0 : clamp32(r->packets);
			u.ex.ulTotalOutPackets = clamp32(r->packets * r->oif_count);
		}
		/* The kernel counts per MFE, not per outgoing interface. */
		for (i = 0; i < r->oif_count; i++) {
			os[i].dwOutIfIndex = r->oif[i];
			os[i].ulOutPackets = clamp32(r->packets);
		}
	}
	memcpy(dst, u.bytes, form_size(form, r->oif_count));
}

static DWORD get_one(PMIB_IPMCAST_MFE pimm, PDWORD pdwBufferSize, PBYTE pbBuffer,
		     enum mfe_form form)
{
	struct mgm_fwd_mfe_record *recs, key;
	const struct mgm_fwd_mfe_record *r;
	long n;
	size_t need;

	if (!pimm || !pdwBufferSize || (!pbBuffer && *pdwBufferSize))
		return ERROR_INVALID_PARAMETER;
	n = fwd_mfes(&recs);
	if (n < 0)
		return fwd_error(n);
	key.group = pimm->dwGroup;
	key.source = pimm->dwSource;
	r = n ? bsearch(&key, recs, (size_t)n, sizeof(*recs), rec_cmp) : NULL;
	if (!r) {
		free(recs);
		return ERROR_NOT_FOUND;
	}
	need = form_size(form, r->oif_count);
	if (*pdwBufferSize < need) {
		*pdwBufferSize = (DWORD)need;
		free(recs);
		return ERROR_INSUFFICIENT_BUFFER;
	}
	form_write(r, form, pbBuffer);
	free(recs);
	return NO_ERROR;
}

/* First (@start NULL) or Next: as many as fit after @start. */
static DWORD get_many(PMIB_IPMCAST_MFE start, PDWORD pdwBufferSize, PBYTE pbBuffer,
		      PDWORD pdwNumEntries, enum mfe_form form)
{
	struct mgm_fwd_mfe_record *recs, key;
	size_t i = 0, used = 0, count = 0;
	long n;

	if (!pdwBufferSize || !pdwNumEntries || (!pbBuffer && *pdwBufferSize))
		return ERROR_INVALID_PARAMETER;
	*pdwNumEntries = 0;
	n = fwd_mfes(&recs);
	if (n < 0)
		return fwd_error(n);
	if (start) {
		key.group = start->dwGroup;
		key.source = start->dwSource;
		while (i < (size_t)n && rec_cmp(&recs[i], &key) <= 0)
			i++;
	}
	for (; i < (size_t)n; i++, count++) {
		size_t need = form_size(form, recs[i].oif_count);

		if (used + need > *pdwBufferSize) {
			if (!count) {
				*pdwBufferSize = (DWORD)need;
				free(recs);
				return ERROR_INSUFFICIENT_BUFFER;
			}
			break;
		}
		form_write(&recs[i], form, pbBuffer + used);
		used += need;
	}
	*pdwNumEntries = (DWORD)count;
	free(recs);
	return i < (size_t)n ? ERROR_MORE_DATA : ERROR_NO_MORE_ITEMS;
}

static int stats_form(DWORD dwFlags, enum mfe_form *form)
{
	if (dwFlags == MGM_MFE_STATS_0)
		*form = FORM_STATS;
	else if (dwFlags == MGM_MFE_STATS_1)
		*form = FORM_STATS_EX;
	else
		return -1;
	return 0;
}

DWORD MgmGetMfe(PMIB_IPMCAST_MFE pimm, PDWORD pdwBufferSize, PBYTE pbBuffer)
{
	return get_one(pimm, pdwBufferSize, pbBuffer, FORM_MFE);
}

DWORD MgmGetFirstMfe(PDWORD pdwBufferSize, PBYTE pbBuffer, PDWORD pdwNumEntries)
{
	return get_many(NULL, pdwBufferSize, pbBuffer, pdwNumEntries, FORM_MFE);
}

DWORD MgmGetNextMfe(PMIB_IPMCAST_MFE pimmStart, PDWORD pdwBufferSize,
		    PBYTE pbBuffer, PDWORD pdwNumEntries)
{
	if (!pimmStart)
		return ERROR_INVALID_PARAMETER;
	return get_many(pimmStart, pdwBufferSize, pbBuffer, pdwNumEntries, FORM_MFE);
}

DWORD MgmGetMfeStats(PMIB_IPMCAST_MFE pimm, PDWORD pdwBufferSize,
		     PBYTE pbBuffer, DWORD dwFlags)
{
	enum mfe_form form;

	if (stats_form(dwFlags, &form))
		return ERROR_INVALID_PARAMETER;
	return get_one(pimm, pdwBufferSize, pbBuffer, form);
}

DWORD MgmGetFirstMfeStats(PDWORD pdwBufferSize, PBYTE pbBuffer,
			  PDWORD pdwNumEntries, DWORD dwFlags)
{
	enum mfe_form form;

	if (stats_form(dwFlags, &form))
		return ERROR_INVALID_PARAMETER;
	return get_many(NULL, pdwBufferSize, pbBuffer, pdwNumEntries, form);
}

DWORD MgmGetNextMfeStats(PMIB_IPMCAST_MFE pimmStart, PDWORD pdwBufferSize,
			 PBYTE pbBuffer, PDWORD pdwNumEntries, DWORD dwFlags)
{
	enum mfe_form form;

	if (!pimmStart || stats_form(dwFlags, &form))
		return ERROR_INVALID_PARAMETER;
	return get_many(pimmStart, pdwBufferSize, pbBuffer, pdwNumEntries, form);
}

DWORD MgmSetMfe(HANDLE hProtocol, PMIB_IPMCAST_MFE pmimm)
{
	struct mgm_slot *slot;
	DWORD proto, comp, code;
	char req[128], *ans = NULL;
	ssize_t len;

	if (!pmimm)
		return ERROR_INVALID_PARAMETER;
	libmgm_lock();
	slot = libmgm_ht_lookup(libmgm_handles(), hProtocol, MGM_KIND_PROTOCOL);
	proto = slot ? slot->protocol_id : 0;
	comp = slot ? slot->component_id : 0;
	libmgm_unlock();
	if (!slot)
		return ERROR_INVALID_PARAMETER;
	snprintf(req, sizeof(req), MGM_FWD_SET_REQUEST " %x %x %x %x %x", proto, comp,
		 pmimm->dwSource, pmimm->dwGroup, pmimm->dwUpStrmNgbr);
	len = libmgm_fwd_ask(req, &ans);
	if (len == -ECONNREFUSED || len == -ENOENT)
		return ERROR_NOT_FOUND;	/* no forwarder: no MFE */
	if (len < 0)
		return fwd_error(len);
	if (len == 3 && !memcmp(ans, "ok\n", 3))
		code = NO_ERROR;
	else if ((size_t)len == strlen(MGM_FWD_ERR_NOT_FOUND) &&
		 !memcmp(ans, MGM_FWD_ERR_NOT_FOUND, (size_t)len))
		code = ERROR_NOT_FOUND;
	else if (((size_t)len == strlen(MGM_FWD_ERR_NOT_OWNER) &&
		  !memcmp(ans, MGM_FWD_ERR_NOT_OWNER, (size_t)len)) ||
		 ((size_t)len == strlen(MGM_FWD_ERR_DENIED) &&
		  !memcmp(ans, MGM_FWD_ERR_DENIED, (size_t)len)))
		code = ERROR_ACCESS_DENIED;
	else
		code = ERROR_CAN_NOT_COMPLETE;
	free(ans);
	return code;
}
