// SPDX-License-Identifier: GPL-2.0
#include "tools/lib/decode.h"

#include <cstring>
#include <limits>
#include <linux/genetlink.h>
#include <optional>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <vector>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "tools/lib/address.h"
#include "tools/lib/spec.h"

namespace spirecovery::ctl {

namespace {

using Bytes = std::span<const std::uint8_t>;

// The size of a string attribute in a table below: any length, NUL included.
constexpr unsigned any_string = std::numeric_limits<unsigned>::max();

struct GenlMessage {
    std::uint16_t type;
    std::uint8_t cmd;
    Bytes attributes;
};

GenlMessage split_headers(MessageBytes message) {
    constexpr std::size_t headers = NLMSG_HDRLEN + GENL_HDRLEN;
    nlmsghdr nlh;
    if (message.size() < sizeof nlh)
        throw DecodeError("message of " + std::to_string(message.size()) +
                          " bytes is shorter than a netlink header");
    std::memcpy(&nlh, message.data(), sizeof nlh);
    if (nlh.nlmsg_len < headers || nlh.nlmsg_len > message.size())
        throw DecodeError("netlink length " + std::to_string(nlh.nlmsg_len) + " does not fit " +
                          std::to_string(message.size()) + " received bytes");
    genlmsghdr genl;
    std::memcpy(&genl, message.data() + NLMSG_HDRLEN, sizeof genl);
    return {nlh.nlmsg_type, genl.cmd, message.subspan(headers, nlh.nlmsg_len - headers)};
}

// Visits each attribute of a region; throws if the region does not end where the last one does.
template <typename Visit>
void for_each_attribute(Bytes region, Visit visit) {
    int remaining = static_cast<int>(region.size());
    for (auto* attr = reinterpret_cast<const nlattr*>(region.data()); nla_ok(attr, remaining);
         attr = nla_next(attr, &remaining))
        visit(attr);
    if (remaining != 0)
        throw DecodeError("attributes end in " + std::to_string(remaining) +
                          " bytes that are not an attribute");
}

// The payloads of one message's attributes by type, every known one checked for its size.
class Attributes {
public:
    Attributes(Bytes region, std::span<const spec::Attribute> set)
        : set_(set), payloads_(set.size()) {
        for_each_attribute(region, [&](const nlattr* attr) {
            const int type = nla_type(attr);
            if (type <= 0 || static_cast<std::size_t>(type) >= set.size() || set[type].size == 0)
                return; // newer than this tool, or padding
            const std::string_view name = set[type].name;
            if (payloads_[type])
                throw DecodeError("attribute \"" + std::string(name) + "\" appears twice");
            const auto len = static_cast<unsigned>(nla_len(attr));
            if (set[type].size == any_string) {
                if (len == 0 || static_cast<const char*>(nla_data(attr))[len - 1] != '\0')
                    throw DecodeError("attribute \"" + std::string(name) +
                                      "\" is not a NUL-terminated string");
            } else if (len != set[type].size)
                throw DecodeError("attribute \"" + std::string(name) + "\" has " +
                                  std::to_string(len) + " bytes, expected " +
                                  std::to_string(set[type].size));
            payloads_[type] = Bytes(static_cast<const std::uint8_t*>(nla_data(attr)), len);
        });
    }

    bool has(int type) const { return payloads_[type].has_value(); }

    template <typename T>
    std::optional<T> find(int type) const {
        if (!has(type))
            return std::nullopt;
        T value;
        std::memcpy(&value, payloads_[type]->data(), sizeof value);
        return value;
    }

    template <typename T>
    T get(int type) const {
        require(type);
        return *find<T>(type);
    }

    std::string_view string(int type) const {
        require(type);
        return {reinterpret_cast<const char*>(payloads_[type]->data()),
                payloads_[type]->size() - 1};
    }

    IpAddress address(int type, int family) const {
        require(type);
        IpAddress addr;
        addr.family = family;
        std::memcpy(addr.bytes.data(), payloads_[type]->data(), payloads_[type]->size());
        return addr;
    }

    void require(int type) const {
        if (!has(type))
            throw DecodeError("attribute \"" + std::string(set_[type].name) + "\" is missing");
    }

    void forbid(int type, std::string_view why) const {
        if (has(type))
            throw DecodeError("attribute \"" + std::string(set_[type].name) + "\" is present " +
                              std::string(why));
    }

private:
    std::span<const spec::Attribute> set_;
    std::vector<std::optional<Bytes>> payloads_;
};

// The attributes of the controller's family notices that matter here.
constexpr spec::Attribute ctrl_attrs[] = {
    {}, {"family-id", spec::Type::u16, 2}, {"family-name", spec::Type::string, any_string}};
static_assert(std::size(ctrl_attrs) == CTRL_ATTR_FAMILY_NAME + 1);

std::string family_text(int family) {
    return "address family " + std::to_string(family) + " is neither AF_INET nor AF_INET6";
}

Peer decode_peer(const Attributes& attrs) {
    const bool v4 = attrs.has(SPIRECOVERY_A_PEER_ADDR4);
    if (v4 == attrs.has(SPIRECOVERY_A_PEER_ADDR6))
        throw DecodeError("a peer needs exactly one of addr4 and addr6");
    Peer peer;
    peer.addr = v4 ? attrs.address(SPIRECOVERY_A_PEER_ADDR4, AF_INET)
                   : attrs.address(SPIRECOVERY_A_PEER_ADDR6, AF_INET6);
    peer.prefix_len = attrs.get<std::uint8_t>(SPIRECOVERY_A_PEER_PREFIX_LEN);
    const unsigned max = max_prefix_len(peer.addr.family);
    if (peer.prefix_len > max)
        throw DecodeError("prefix length " + std::to_string(peer.prefix_len) + " exceeds " +
                          std::to_string(max));
    if (masked(peer.addr, peer.prefix_len) != peer.addr)
        throw DecodeError(to_string(peer) + " has bits set past its prefix length");
    return peer;
}

} // namespace

Config decode_config(MessageBytes message) {
    const Attributes attrs(split_headers(message).attributes, spec::config_attrs);
    return {
        .enabled = attrs.get<std::uint8_t>(SPIRECOVERY_A_CONFIG_ENABLED),
        .source_rate = attrs.get<std::uint32_t>(SPIRECOVERY_A_CONFIG_SOURCE_RATE),
        .source_burst = attrs.get<std::uint32_t>(SPIRECOVERY_A_CONFIG_SOURCE_BURST),
        .global_rate = attrs.get<std::uint32_t>(SPIRECOVERY_A_CONFIG_GLOBAL_RATE),
        .global_burst = attrs.get<std::uint32_t>(SPIRECOVERY_A_CONFIG_GLOBAL_BURST),
        .ipv6_prefix = attrs.get<std::uint8_t>(SPIRECOVERY_A_CONFIG_IPV6_PREFIX),
    };
}

Stats decode_stats(MessageBytes message) {
    const Attributes attrs(split_headers(message).attributes, spec::stats_attrs);
    Stats stats;
    for (int type = SPIRECOVERY_A_STATS_PAD + 1; type <= SPIRECOVERY_A_STATS_MAX; ++type)
        stats.counters[type] = attrs.get<std::uint64_t>(type);
    return stats;
}

Source decode_source(MessageBytes message) {
    const Attributes attrs(split_headers(message).attributes, spec::source_attrs);
    const int family = attrs.get<std::uint8_t>(SPIRECOVERY_A_SOURCE_FAMILY);
    IpAddress addr;
    unsigned max_prefix;
    if (family == AF_INET) {
        attrs.forbid(SPIRECOVERY_A_SOURCE_ADDR6, "in an IPv4 entry");
        addr = attrs.address(SPIRECOVERY_A_SOURCE_ADDR4, AF_INET);
        max_prefix = 32;
    } else if (family == AF_INET6) {
        attrs.forbid(SPIRECOVERY_A_SOURCE_ADDR4, "in an IPv6 entry");
        addr = attrs.address(SPIRECOVERY_A_SOURCE_ADDR6, AF_INET6);
        max_prefix = 128;
    } else {
        throw DecodeError(family_text(family));
    }
    const auto prefix_len = attrs.get<std::uint8_t>(SPIRECOVERY_A_SOURCE_PREFIX_LEN);
    if (prefix_len > max_prefix)
        throw DecodeError("prefix length " + std::to_string(prefix_len) + " exceeds " +
                          std::to_string(max_prefix));
    return {
        .addr = addr,
        .prefix_len = prefix_len,
        .tokens = attrs.get<std::uint32_t>(SPIRECOVERY_A_SOURCE_TOKENS),
        .suppressed = attrs.get<std::uint32_t>(SPIRECOVERY_A_SOURCE_SUPPRESSED),
        .misses = attrs.get<std::uint64_t>(SPIRECOVERY_A_SOURCE_MISSES),
        .last_seen_msecs = attrs.get<std::uint64_t>(SPIRECOVERY_A_SOURCE_LAST_SEEN_MSECS),
    };
}

std::vector<Peer> decode_peers(MessageBytes message) {
    std::vector<Peer> peers;
    for_each_attribute(split_headers(message).attributes, [&](const nlattr* attr) {
        if (nla_type(attr) != SPIRECOVERY_A_PEERS_PEER)
            return; // newer than this tool
        try {
            const Bytes nest(static_cast<const std::uint8_t*>(nla_data(attr)),
                             static_cast<std::size_t>(nla_len(attr)));
            peers.push_back(decode_peer(Attributes(nest, spec::peer_attrs)));
        } catch (const DecodeError& e) {
            throw DecodeError("peer " + std::to_string(peers.size() + 1) + ": " + e.what());
        }
    });
    return peers;
}

Event decode_event(MessageBytes message) {
    const GenlMessage genl = split_headers(message);
    if (genl.cmd != SPIRECOVERY_CMD_MISS_NTF)
        throw DecodeError("command " + std::to_string(genl.cmd) + " is not miss-ntf");
    const Attributes attrs(genl.attributes, spec::event_attrs);

    Event event;
    const int family = attrs.get<std::uint8_t>(SPIRECOVERY_A_EVENT_FAMILY);
    if (family == AF_INET) {
        attrs.forbid(SPIRECOVERY_A_EVENT_SADDR6, "in an IPv4 event");
        attrs.forbid(SPIRECOVERY_A_EVENT_DADDR6, "in an IPv4 event");
        event.saddr = attrs.address(SPIRECOVERY_A_EVENT_SADDR4, AF_INET);
        event.daddr = attrs.address(SPIRECOVERY_A_EVENT_DADDR4, AF_INET);
    } else if (family == AF_INET6) {
        attrs.forbid(SPIRECOVERY_A_EVENT_SADDR4, "in an IPv6 event");
        attrs.forbid(SPIRECOVERY_A_EVENT_DADDR4, "in an IPv6 event");
        event.saddr = attrs.address(SPIRECOVERY_A_EVENT_SADDR6, AF_INET6);
        event.daddr = attrs.address(SPIRECOVERY_A_EVENT_DADDR6, AF_INET6);
    } else {
        throw DecodeError(family_text(family));
    }
    event.proto = attrs.get<std::uint8_t>(SPIRECOVERY_A_EVENT_PROTO);
    event.spi = attrs.get<std::uint32_t>(SPIRECOVERY_A_EVENT_SPI);
    event.seq = attrs.find<std::uint32_t>(SPIRECOVERY_A_EVENT_SEQ);
    event.encap = attrs.find<std::uint8_t>(SPIRECOVERY_A_EVENT_ENCAP);
    event.sport = attrs.find<std::uint16_t>(SPIRECOVERY_A_EVENT_SPORT);
    event.dport = attrs.find<std::uint16_t>(SPIRECOVERY_A_EVENT_DPORT);
    event.ifindex = attrs.find<std::uint32_t>(SPIRECOVERY_A_EVENT_IFINDEX);
    event.mark = attrs.find<std::uint32_t>(SPIRECOVERY_A_EVENT_MARK);
    event.suppressed = attrs.find<std::uint32_t>(SPIRECOVERY_A_EVENT_SUPPRESSED);
    event.timestamp_ns = attrs.find<std::uint64_t>(SPIRECOVERY_A_EVENT_TIMESTAMP);
    return event;
}

bool is_family_removal(MessageBytes message, int family_id) {
    const GenlMessage genl = split_headers(message);
    if (genl.type != GENL_ID_CTRL || genl.cmd != CTRL_CMD_DELFAMILY)
        return false;
    const Attributes attrs(genl.attributes, ctrl_attrs);
    return attrs.get<std::uint16_t>(CTRL_ATTR_FAMILY_ID) == family_id;
}

bool is_family_arrival(MessageBytes message, std::string_view family_name) {
    const GenlMessage genl = split_headers(message);
    if (genl.type != GENL_ID_CTRL || genl.cmd != CTRL_CMD_NEWFAMILY)
        return false;
    const Attributes attrs(genl.attributes, ctrl_attrs);
    return attrs.string(CTRL_ATTR_FAMILY_NAME) == family_name;
}

} // namespace spirecovery::ctl
