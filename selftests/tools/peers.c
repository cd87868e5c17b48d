// SPDX-License-Identifier: GPL-2.0
/*
 * Peers of the spirecovery peer set as the selftests write and read them.
 */
#include "peers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/spirecovery.h>

int peer_put(struct nl_msg *m, int family, const void *addr, int prefix_len)
{
	struct nlattr *nest = nl_nest_start(m, SPIRECOVERY_A_PEERS_PEER);

	if (!nest)
		return -EMSGSIZE;
	if (family == AF_INET ? nl_put(m, SPIRECOVERY_A_PEER_ADDR4, addr, 4) :
				nl_put(m, SPIRECOVERY_A_PEER_ADDR6, addr, 16))
		return -EMSGSIZE;
	if (prefix_len >= 0 && nl_put_u8(m, SPIRECOVERY_A_PEER_PREFIX_LEN, prefix_len))
		return -EMSGSIZE;
	nl_nest_end(m, nest);
	return 0;
}

int peer_put_text(struct nl_msg *m, const char *text)
{
	char addr[PEER_TEXT_MAX], *slash, *end;
	unsigned char bytes[16];
	int family, len = -1;

	if (strlen(text) >= sizeof(addr))
		return -EINVAL;
	strcpy(addr, text);
	slash = strchr(addr, '/');
	if (slash) {
		*slash = '\0';
		len = (int)strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || len < 0 || len > 255)
			return -EINVAL;
	}
	family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(family, addr, bytes) != 1)
		return -EINVAL;
	return peer_put(m, family, bytes, len);
}

int peer_text(const struct nlattr *nest, char *buf, size_t size)
{
	const struct nlattr *tb[SPIRECOVERY_A_PEER_MAX + 1];
	const struct nlattr *addr, *len;
	char text[INET6_ADDRSTRLEN];
	int family;

	if (nla_type_of(nest) != SPIRECOVERY_A_PEERS_PEER ||
	    nl_parse(nla_payload(nest), nla_payload_len(nest), tb, SPIRECOVERY_A_PEER_MAX))
		return -EBADMSG;
	len = tb[SPIRECOVERY_A_PEER_PREFIX_LEN];
	if (!len || nla_payload_len(len) != 1 ||
	    !tb[SPIRECOVERY_A_PEER_ADDR4] == !tb[SPIRECOVERY_A_PEER_ADDR6])
		return -EBADMSG;
	family = tb[SPIRECOVERY_A_PEER_ADDR4] ? AF_INET : AF_INET6;
	addr = tb[family == AF_INET ? SPIRECOVERY_A_PEER_ADDR4 : SPIRECOVERY_A_PEER_ADDR6];
	if (nla_payload_len(addr) != (family == AF_INET ? 4 : 16))
		return -EBADMSG;
	inet_ntop(family, nla_payload(addr), text, sizeof(text));
	snprintf(buf, size, "%s/%u", text, *(const uint8_t *)nla_payload(len));
	return 0;
}
