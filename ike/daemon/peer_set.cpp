// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/peer_set.h"

#include <algorithm>
#include <cstring>

#include "ike/daemon/addresses.h"
#include "ike/daemon/log.h"
#include "tools/lib/address.h"

namespace spirecovery {

namespace {

// Enough to recognise the set in a log line; the rest is in `spirecoveryctl peers`.
constexpr std::size_t named_peers = 4;

// A host prefix for one address, the configured prefix for a hub's spokes.
ctl::Peer module_prefix(const PeerConfig& config) {
    ctl::Peer peer;
    peer.addr.family = address_family(config.address);
    std::memcpy(peer.addr.bytes.data(), config.address.bytes().data(),
                config.address.bytes().size());
    peer.prefix_len = static_cast<std::uint8_t>(
        config.prefix_len.value_or(ctl::max_prefix_len(peer.addr.family)));
    return peer;
}

} // namespace

std::vector<ctl::Peer> peer_set_of(const DaemonConfig& config) {
    std::vector<ctl::Peer> peers;
    for (const PeerConfig& peer : config.peers)
        if (peer.enabled)
            peers.push_back(module_prefix(peer));
    std::sort(peers.begin(), peers.end());
    peers.erase(std::unique(peers.begin(), peers.end()), peers.end());
    return peers;
}

std::string describe_peer_set(const std::vector<ctl::Peer>& peers) {
    std::string text = cat(peers.size(), peers.size() == 1 ? " peer" : " peers");
    if (peers.empty())
        return text;
    text += " (";
    for (std::size_t i = 0; i < peers.size() && i < named_peers; ++i)
        text += cat(i ? ", " : "", ctl::to_string(peers[i]));
    if (peers.size() > named_peers)
        text += cat(", and ", peers.size() - named_peers, " more");
    return text + ")";
}

} // namespace spirecovery
