// SPDX-License-Identifier: GPL-2.0
// The kernel's answer to a request (NLMSG_ERROR), with its extended ACK: the reason in words and,
// for a rejected attribute, where it is in the request and which values the policy allows.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "tools/lib/decode.h"

namespace spirecovery::ctl {

struct KernelAck {
    int error = 0;                       // positive errno; 0 acknowledges success
    std::string message;                 // NLMSGERR_ATTR_MSG, empty if the kernel gave none
    std::optional<std::uint32_t> offset; // NLMSGERR_ATTR_OFFS: the bad attribute in the request
    std::optional<std::int64_t> min;     // NLMSGERR_ATTR_POLICY: the allowed values
    std::optional<std::int64_t> max;

    bool operator==(const KernelAck&) const = default;
};

// Decodes one whole NLMSG_ERROR message; throws DecodeError if it is out of shape.
KernelAck decode_ack(MessageBytes message);

// The type of the generic-netlink attribute that starts `offset` bytes into `request` (a whole
// message as sent), or nothing if no attribute starts there.
std::optional<std::uint16_t> attribute_at(MessageBytes request, std::uint32_t offset);

// Which of `request`'s top-level attributes (0 for the first) holds `offset`: the one that
// starts there, or the nest with an attribute inside it there. Nothing if none does.
std::optional<std::size_t> top_level_index_at(MessageBytes request, std::uint32_t offset);

} // namespace spirecovery::ctl
