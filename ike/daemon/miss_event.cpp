// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/miss_event.h"

#include <cstdio>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ike/daemon/addresses.h"
#include "ike/daemon/log.h"
#include "tools/lib/spi_text.h"
#include "uapi/linux/spirecovery.h"

namespace spirecovery {

std::string MissEvent::spi_text() const {
    if (!spi)
        return "unknown";
    return spirecovery::spi_text(*spi);
}

std::string MissEvent::to_string() const {
    std::string text = cat(proto == IPPROTO_AH ? "AH" : "ESP", " SPI ", spi_text(), " seq ", seq,
                           " from ", source.to_string(), " to ", destination.to_string());
    if (udp_encapsulated)
        text += cat(" (UDP ", source_port, "->", destination_port, ")");
    // The mark the SA lookup used: a vti device's key, or one set by the firewall.
    if (mark) {
        char hex[sizeof(" mark 0x") + 8];
        std::snprintf(hex, sizeof(hex), " mark 0x%x", mark);
        text += hex;
    }
    if (suppressed)
        text += cat(", ", suppressed, " suppressed");
    return text;
}

ike::Result<MissEvent> to_miss_event(const ctl::Event& event) {
    MissEvent ev;
    ev.proto = event.proto;
    if (ev.proto != IPPROTO_ESP && ev.proto != IPPROTO_AH)
        return ike::Error{cat("protocol ", unsigned(ev.proto), " is neither ESP nor AH")};
    // The decoder accepts only IPv4 and IPv6 addresses.
    ev.source = *address_from_bytes(event.saddr.family, event.saddr.bytes.data());
    ev.destination = *address_from_bytes(event.daddr.family, event.daddr.bytes.data());
    ev.spi = event.spi;
    ev.seq = event.seq.value_or(0);

    const uint8_t encap = event.encap.value_or(SPIRECOVERY_ENCAP_NONE);
    if (encap == SPIRECOVERY_ENCAP_ESPINUDP) {
        if (ev.proto != IPPROTO_ESP)
            return ike::Error{"UDP encapsulation of AH"};
        if (!event.sport || !event.dport)
            return ike::Error{"UDP-encapsulated event without ports"};
        ev.udp_encapsulated = true;
        ev.source_port = *event.sport;
        ev.destination_port = *event.dport;
        if (!ev.source_port)
            return ike::Error{"UDP-encapsulated event from port 0"};
    } else if (encap != SPIRECOVERY_ENCAP_NONE) {
        return ike::Error{cat("encapsulation ", unsigned(encap), " unknown")};
    }

    ev.ifindex = event.ifindex.value_or(0);
    ev.mark = event.mark.value_or(0);
    ev.suppressed = event.suppressed.value_or(0);
    ev.timestamp_ns = event.timestamp_ns.value_or(0);
    return ev;
}

} // namespace spirecovery
