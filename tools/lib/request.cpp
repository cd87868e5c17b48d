// SPDX-License-Identifier: GPL-2.0
#include "tools/lib/request.h"

#include <linux/genetlink.h>
#include <linux/spirecovery.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/errno.h>

namespace spirecovery::ctl {

namespace {

constexpr int ipv4_bytes = 4;
constexpr int ipv6_bytes = 16;

} // namespace

std::size_t peers_request_size(std::span<const Peer> peers) {
    std::size_t size = NLMSG_HDRLEN + GENL_HDRLEN;
    for (const Peer& peer : peers)
        size += static_cast<std::size_t>(
            NLA_HDRLEN + nla_total_size(peer.addr.family == AF_INET ? ipv4_bytes : ipv6_bytes) +
            nla_total_size(sizeof peer.prefix_len));
    return size;
}

int put_peers(nl_msg* msg, std::span<const Peer> peers) {
    for (const Peer& peer : peers) {
        nlattr* nest = nla_nest_start(msg, SPIRECOVERY_A_PEERS_PEER);
        if (!nest)
            return -NLE_NOMEM;
        const bool v4 = peer.addr.family == AF_INET;
        int err = nla_put(msg, v4 ? SPIRECOVERY_A_PEER_ADDR4 : SPIRECOVERY_A_PEER_ADDR6,
                          v4 ? ipv4_bytes : ipv6_bytes, peer.addr.bytes.data());
        if (err >= 0)
            err = nla_put_u8(msg, SPIRECOVERY_A_PEER_PREFIX_LEN, peer.prefix_len);
        if (err < 0)
            return err;
        nla_nest_end(msg, nest);
    }
    return 0;
}

} // namespace spirecovery::ctl
