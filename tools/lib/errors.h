// SPDX-License-Identifier: GPL-2.0
// What went wrong talking to the module, in words an operator can act on: each message names
// the cause and, where there is one, the fix. Pure functions, so every wording is unit tested.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tools/lib/extack.h"

namespace spirecovery::ctl {

// A runtime failure; what() is the complete message.
class Failure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::string module_not_loaded_message();

// A request the kernel refused. `operation` is the spec's name for it ("set-config");
// `attribute` names the attribute the extended ACK points at, if any.
std::string kernel_error_message(std::string_view operation, const KernelAck& ack,
                                 std::optional<std::string_view> attribute);

// A peer request (`operation` "peer-add") that the kernel refused because of one peer, written
// as `peer` ("192.0.2.1/32"): its reason and errno name.
std::string peer_refusal_message(std::string_view operation, const KernelAck& ack,
                                 std::string_view peer);

// A libnl call that failed before the kernel answered (`nl_error` is a negative NLE_* code).
std::string netlink_error_message(std::string_view action, int nl_error);

} // namespace spirecovery::ctl
