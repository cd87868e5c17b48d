// SPDX-License-Identifier: GPL-2.0
// Netlink messages from the kernel -> model values. Each decoder takes one whole message (netlink
// header, generic-netlink header, attributes), checks all of it, then builds the value; anything
// out of shape throws DecodeError naming what is wrong. Attributes the spec does not know yet
// are skipped, so a newer module still works with this tool.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "tools/lib/model.h"

namespace spirecovery::ctl {

class DecodeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using MessageBytes = std::span<const std::uint8_t>;

Config decode_config(MessageBytes message);
Stats decode_stats(MessageBytes message);
Source decode_source(MessageBytes message);
// One message of a peer-get dump: the peers of its PEERS_PEER nests, in order. Each holds exactly
// one address, a prefix length that fits its family and no bits set past it.
std::vector<Peer> decode_peers(MessageBytes message);
// Also checks that the message is a SPIRECOVERY_CMD_MISS_NTF.
Event decode_event(MessageBytes message);

// Whether `message` is the generic-netlink controller's notice that family `family_id` is gone
// (CTRL_CMD_DELFAMILY), as when its module is unloaded. Throws DecodeError if it is out of shape.
bool is_family_removal(MessageBytes message, int family_id);

// Whether `message` is the controller's notice that a family named `family_name` was registered
// (CTRL_CMD_NEWFAMILY), as when its module is loaded. Throws DecodeError if it is out of shape.
bool is_family_arrival(MessageBytes message, std::string_view family_name);

} // namespace spirecovery::ctl
