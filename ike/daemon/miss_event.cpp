// SPDX-License-Identifier: GPL-2.0-only
#include "ike/daemon/miss_event.hpp"

#include <array>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <vector>

#include <netlink/attr.h>

#include "ike/daemon/addresses.hpp"
#include "ike/daemon/log.hpp"
#include "uapi/linux/spirecovery.h"

namespace spirecovery {

namespace {

nla_policy event_policy(int type) {
    nla_policy p{};
    switch (type) {
    case SPIRECOVERY_A_EVENT_FAMILY:
    case SPIRECOVERY_A_EVENT_PROTO:
    case SPIRECOVERY_A_EVENT_ENCAP:
        p.type = NLA_U8;
        break;
    case SPIRECOVERY_A_EVENT_SPORT:
    case SPIRECOVERY_A_EVENT_DPORT:
        p.type = NLA_U16;
        break;
    case SPIRECOVERY_A_EVENT_SADDR4:
    case SPIRECOVERY_A_EVENT_DADDR4:
    case SPIRECOVERY_A_EVENT_SPI:
    case SPIRECOVERY_A_EVENT_SEQ:
    case SPIRECOVERY_A_EVENT_IFINDEX:
    case SPIRECOVERY_A_EVENT_MARK:
    case SPIRECOVERY_A_EVENT_SUPPRESSED:
        p.type = NLA_U32;
        break;
    case SPIRECOVERY_A_EVENT_TIMESTAMP:
        p.type = NLA_U64;
        break;
    case SPIRECOVERY_A_EVENT_SADDR6:
    case SPIRECOVERY_A_EVENT_DADDR6:
        p.type = NLA_UNSPEC;
        p.minlen = 16;
        p.maxlen = 16;
        break;
    default:
        p.type = NLA_UNSPEC;
        break;
    }
    return p;
}

const std::array<nla_policy, SPIRECOVERY_A_EVENT_MAX + 1>& policy() {
    static const auto table = [] {
        std::array<nla_policy, SPIRECOVERY_A_EVENT_MAX + 1> t{};
        for (int i = 0; i <= SPIRECOVERY_A_EVENT_MAX; i++)
            t[i] = event_policy(i);
        return t;
    }();
    return table;
}

} // namespace

std::string MissEvent::spi_text() const {
    if (!spi)
        return "unknown";
    char text[16];
    std::snprintf(text, sizeof(text), "0x%08x", *spi);
    return text;
}

std::string MissEvent::to_string() const {
    std::string text = cat(proto == IPPROTO_AH ? "AH" : "ESP", " SPI ", spi_text(), " seq ", seq,
                           " from ", source.to_string(), " to ", destination.to_string());
    if (udp_encapsulated)
        text += cat(" (UDP ", source_port, "->", destination_port, ")");
    if (suppressed)
        text += cat(", ", suppressed, " suppressed");
    return text;
}

ike::Result<MissEvent> decode_miss_event(std::span<const uint8_t> attributes) {
    // nla_parse() wants a mutable, 4-byte aligned stream.
    if (attributes.empty())
        return ike::Error{"no attributes"};
    std::vector<uint32_t> aligned((attributes.size() + 3) / 4);
    std::memcpy(aligned.data(), attributes.data(), attributes.size());
    std::array<nlattr*, SPIRECOVERY_A_EVENT_MAX + 1> tb{};
    auto* head = reinterpret_cast<nlattr*>(aligned.data());
    if (nla_parse(tb.data(), SPIRECOVERY_A_EVENT_MAX, head, static_cast<int>(attributes.size()),
                  const_cast<nla_policy*>(policy().data())) < 0)
        return ike::Error{"malformed attribute"};

    for (int required :
         {SPIRECOVERY_A_EVENT_FAMILY, SPIRECOVERY_A_EVENT_PROTO, SPIRECOVERY_A_EVENT_SPI})
        if (!tb[required])
            return ike::Error{cat("attribute ", required, " missing")};

    MissEvent ev;
    ev.proto = nla_get_u8(tb[SPIRECOVERY_A_EVENT_PROTO]);
    if (ev.proto != IPPROTO_ESP && ev.proto != IPPROTO_AH)
        return ike::Error{cat("protocol ", unsigned(ev.proto), " is neither ESP nor AH")};

    switch (nla_get_u8(tb[SPIRECOVERY_A_EVENT_FAMILY])) {
    case AF_INET:
        if (!tb[SPIRECOVERY_A_EVENT_SADDR4] || !tb[SPIRECOVERY_A_EVENT_DADDR4])
            return ike::Error{"IPv4 event without addresses"};
        ev.source = *address_from_bytes(AF_INET, nla_data(tb[SPIRECOVERY_A_EVENT_SADDR4]));
        ev.destination = *address_from_bytes(AF_INET, nla_data(tb[SPIRECOVERY_A_EVENT_DADDR4]));
        break;
    case AF_INET6:
        if (!tb[SPIRECOVERY_A_EVENT_SADDR6] || !tb[SPIRECOVERY_A_EVENT_DADDR6])
            return ike::Error{"IPv6 event without addresses"};
        ev.source = *address_from_bytes(AF_INET6, nla_data(tb[SPIRECOVERY_A_EVENT_SADDR6]));
        ev.destination = *address_from_bytes(AF_INET6, nla_data(tb[SPIRECOVERY_A_EVENT_DADDR6]));
        break;
    default:
        return ike::Error{cat("address family ",
                              unsigned(nla_get_u8(tb[SPIRECOVERY_A_EVENT_FAMILY])), " unknown")};
    }

    ev.spi = nla_get_u32(tb[SPIRECOVERY_A_EVENT_SPI]);
    if (tb[SPIRECOVERY_A_EVENT_SEQ])
        ev.seq = nla_get_u32(tb[SPIRECOVERY_A_EVENT_SEQ]);

    const uint8_t encap =
        tb[SPIRECOVERY_A_EVENT_ENCAP] ? nla_get_u8(tb[SPIRECOVERY_A_EVENT_ENCAP]) : 0;
    if (encap == SPIRECOVERY_ENCAP_ESPINUDP) {
        if (ev.proto != IPPROTO_ESP)
            return ike::Error{"UDP encapsulation of AH"};
        if (!tb[SPIRECOVERY_A_EVENT_SPORT] || !tb[SPIRECOVERY_A_EVENT_DPORT])
            return ike::Error{"UDP-encapsulated event without ports"};
        ev.udp_encapsulated = true;
        ev.source_port = nla_get_u16(tb[SPIRECOVERY_A_EVENT_SPORT]);
        ev.destination_port = nla_get_u16(tb[SPIRECOVERY_A_EVENT_DPORT]);
        if (!ev.source_port)
            return ike::Error{"UDP-encapsulated event from port 0"};
    } else if (encap != SPIRECOVERY_ENCAP_NONE) {
        return ike::Error{cat("encapsulation ", unsigned(encap), " unknown")};
    }

    if (tb[SPIRECOVERY_A_EVENT_IFINDEX])
        ev.ifindex = nla_get_u32(tb[SPIRECOVERY_A_EVENT_IFINDEX]);
    if (tb[SPIRECOVERY_A_EVENT_MARK])
        ev.mark = nla_get_u32(tb[SPIRECOVERY_A_EVENT_MARK]);
    if (tb[SPIRECOVERY_A_EVENT_SUPPRESSED])
        ev.suppressed = nla_get_u32(tb[SPIRECOVERY_A_EVENT_SUPPRESSED]);
    if (tb[SPIRECOVERY_A_EVENT_TIMESTAMP])
        ev.timestamp_ns = nla_get_u64(tb[SPIRECOVERY_A_EVENT_TIMESTAMP]);
    return ev;
}

} // namespace spirecovery
