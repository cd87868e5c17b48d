// SPDX-License-Identifier: GPL-2.0
#include "tools/lib/extack.h"

#include <cstring>
#include <limits>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <string_view>

#include <netlink/attr.h>
#include <netlink/msg.h>

namespace spirecovery::ctl {

namespace {

template <typename T>
T read_scalar(const nlattr* attr, std::string_view what) {
    if (nla_len(attr) != sizeof(T))
        throw DecodeError(std::string(what) + " has " + std::to_string(nla_len(attr)) +
                          " bytes, expected " + std::to_string(sizeof(T)));
    T value;
    std::memcpy(&value, nla_data(attr), sizeof value);
    return value;
}

std::optional<std::int64_t> signed_bound(std::uint64_t value) {
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return std::nullopt;
    return static_cast<std::int64_t>(value);
}

// Visits each attribute of a region; throws if the region does not end where the last one does.
template <typename Visit>
void for_each_attribute(const void* data, std::size_t size, Visit visit) {
    int remaining = static_cast<int>(size);
    for (auto* attr = static_cast<const nlattr*>(data); nla_ok(attr, remaining);
         attr = nla_next(attr, &remaining))
        visit(attr);
    if (remaining != 0)
        throw DecodeError("acknowledgement attributes end in " + std::to_string(remaining) +
                          " stray bytes");
}

void decode_policy(const nlattr* policy, KernelAck& ack) {
    for_each_attribute(nla_data(policy), nla_len(policy), [&](const nlattr* attr) {
        switch (nla_type(attr)) {
        case NL_POLICY_TYPE_ATTR_MIN_VALUE_S:
            ack.min = read_scalar<std::int64_t>(attr, "policy minimum");
            break;
        case NL_POLICY_TYPE_ATTR_MAX_VALUE_S:
            ack.max = read_scalar<std::int64_t>(attr, "policy maximum");
            break;
        case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
            ack.min = signed_bound(read_scalar<std::uint64_t>(attr, "policy minimum"));
            break;
        case NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
            ack.max = signed_bound(read_scalar<std::uint64_t>(attr, "policy maximum"));
            break;
        default:
            break;
        }
    });
}

} // namespace

KernelAck decode_ack(MessageBytes message) {
    nlmsghdr nlh;
    nlmsgerr err;
    if (message.size() < NLMSG_HDRLEN + sizeof err)
        throw DecodeError("acknowledgement of " + std::to_string(message.size()) +
                          " bytes is too short");
    std::memcpy(&nlh, message.data(), sizeof nlh);
    std::memcpy(&err, message.data() + NLMSG_HDRLEN, sizeof err);
    if (nlh.nlmsg_type != NLMSG_ERROR)
        throw DecodeError("message type " + std::to_string(nlh.nlmsg_type) +
                          " is not an acknowledgement");
    if (nlh.nlmsg_len < NLMSG_HDRLEN + sizeof err || nlh.nlmsg_len > message.size())
        throw DecodeError("acknowledgement length " + std::to_string(nlh.nlmsg_len) +
                          " does not fit " + std::to_string(message.size()) + " received bytes");
    if (err.error > 0)
        throw DecodeError("acknowledgement carries a positive error " + std::to_string(err.error));

    KernelAck ack;
    ack.error = -err.error;
    if (!(nlh.nlmsg_flags & NLM_F_ACK_TLVS))
        return ack;

    // The request comes back after struct nlmsgerr unless the kernel capped it; the extended
    // ACK attributes follow, aligned.
    std::size_t echoed = 0;
    if (!(nlh.nlmsg_flags & NLM_F_CAPPED)) {
        if (err.msg.nlmsg_len < NLMSG_HDRLEN)
            throw DecodeError("echoed request length " + std::to_string(err.msg.nlmsg_len) +
                              " is shorter than its header");
        echoed = err.msg.nlmsg_len - NLMSG_HDRLEN;
    }
    const std::size_t start = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof err + echoed);
    if (start > nlh.nlmsg_len)
        throw DecodeError("echoed request of " + std::to_string(echoed) +
                          " bytes overruns the acknowledgement");

    for_each_attribute(message.data() + start, nlh.nlmsg_len - start, [&](const nlattr* attr) {
        switch (nla_type(attr)) {
        case NLMSGERR_ATTR_MSG: {
            const auto* text = static_cast<const char*>(nla_data(attr));
            ack.message.assign(text, strnlen(text, nla_len(attr)));
            break;
        }
        case NLMSGERR_ATTR_OFFS:
            ack.offset = read_scalar<std::uint32_t>(attr, "error offset");
            break;
        case NLMSGERR_ATTR_POLICY:
            decode_policy(attr, ack);
            break;
        default:
            break;
        }
    });
    return ack;
}

std::optional<std::uint16_t> attribute_at(MessageBytes request, std::uint32_t offset) {
    constexpr std::size_t headers = NLMSG_HDRLEN + GENL_HDRLEN;
    if (request.size() < headers || offset < headers || offset >= request.size())
        return std::nullopt;
    int remaining = static_cast<int>(request.size() - headers);
    for (auto* attr = reinterpret_cast<const nlattr*>(request.data() + headers);
         nla_ok(attr, remaining); attr = nla_next(attr, &remaining)) {
        if (reinterpret_cast<const std::uint8_t*>(attr) == request.data() + offset)
            return static_cast<std::uint16_t>(nla_type(attr));
    }
    return std::nullopt;
}

std::optional<std::size_t> top_level_index_at(MessageBytes request, std::uint32_t offset) {
    constexpr std::size_t headers = NLMSG_HDRLEN + GENL_HDRLEN;
    if (request.size() < headers || offset < headers || offset >= request.size())
        return std::nullopt;
    int remaining = static_cast<int>(request.size() - headers);
    std::size_t index = 0;
    for (auto* attr = reinterpret_cast<const nlattr*>(request.data() + headers);
         nla_ok(attr, remaining); attr = nla_next(attr, &remaining), ++index) {
        const std::size_t start = reinterpret_cast<const std::uint8_t*>(attr) - request.data();
        if (offset >= start && offset < start + attr->nla_len)
            return index;
    }
    return std::nullopt;
}

} // namespace spirecovery::ctl
