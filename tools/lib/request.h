// SPDX-License-Identifier: GPL-2.0
// The attributes of the peer requests (peer-set, peer-add, peer-del), built without I/O so that
// they are unit tested: one top-level PEERS_PEER nest per peer, holding its address and its
// prefix length. Top level, not one big nest: 65536 peers do not fit one attribute's 16-bit
// length, but they do fit one message, so a replace stays atomic.
#pragma once

#include <cstddef>
#include <span>

#include <netlink/msg.h>

#include "tools/lib/model.h"

namespace spirecovery::ctl {

// Bytes of a whole request for `peers`, headers included: what its message must hold.
std::size_t peers_request_size(std::span<const Peer> peers);

// Appends the peers to `msg`, after its generic-netlink header. Returns 0, or a negative NLE_*
// code if the message is too small.
int put_peers(nl_msg* msg, std::span<const Peer> peers);

} // namespace spirecovery::ctl
