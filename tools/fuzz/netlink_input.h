// SPDX-License-Identifier: GPL-2.0
// Fuzz input -> one netlink message. Odd first byte: the rest is the whole message, headers
// included. Even: the rest is the attribute area behind valid headers for `cmd`, so most runs
// reach the attribute checks instead of failing on a length field.
#pragma once

#include <cstdint>
#include <cstring>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <vector>

namespace spirecovery::ctl::fuzz {

inline std::vector<std::uint8_t> netlink_message(const std::uint8_t* data, std::size_t size,
                                                 std::uint16_t type, std::uint8_t cmd) {
    if (size == 0)
        return {};
    const bool raw = data[0] & 1;
    ++data;
    --size;
    if (raw)
        return {data, data + size};

    constexpr std::size_t headers = NLMSG_HDRLEN + GENL_HDRLEN;
    std::vector<std::uint8_t> message(headers + size);
    nlmsghdr nlh{};
    nlh.nlmsg_len = static_cast<std::uint32_t>(message.size());
    nlh.nlmsg_type = type;
    genlmsghdr genl{};
    genl.cmd = cmd;
    genl.version = 1;
    std::memcpy(message.data(), &nlh, sizeof nlh);
    std::memcpy(message.data() + NLMSG_HDRLEN, &genl, sizeof genl);
    if (size)
        std::memcpy(message.data() + headers, data, size);
    return message;
}

} // namespace spirecovery::ctl::fuzz
