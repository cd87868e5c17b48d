// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "ike/lib/address.h"
#include "ike/lib/result.h"
#include "tools/lib/model.h"

namespace spirecovery {

// One SPIRECOVERY_CMD_MISS_NTF: an ESP/AH packet the kernel dropped for lack of an SA.
struct MissEvent {
    uint8_t proto = 0;           // IPPROTO_ESP or IPPROTO_AH
    ike::IpAddress source;       // the sender, our peer if it is configured
    ike::IpAddress destination;  // our address the packet was sent to
    std::optional<uint32_t> spi; // unknown when resynchronising after lost events
    uint32_t seq = 0;
    bool udp_encapsulated = false; // ESP in UDP (RFC 3948)
    uint16_t source_port = 0;      // only when udp_encapsulated
    uint16_t destination_port = 0; // only when udp_encapsulated
    uint32_t ifindex = 0;
    uint32_t mark = 0;
    uint32_t suppressed = 0;   // misses from this source not reported since its last event
    uint64_t timestamp_ns = 0; // CLOCK_REALTIME of the drop
    // When recv() returned the message that carried it, to measure the daemon's own latency;
    // not part of the message.
    std::chrono::steady_clock::time_point received{};

    // "ESP SPI 0x0000c0de seq 17 from 192.0.2.1 to 192.0.2.2 (UDP 4500->4500), 3 suppressed"
    std::string to_string() const;
    // "0x0000c0de", or "unknown"
    std::string spi_text() const;
};

// A miss notification as tools/lib decoded it, checked for what recovery relies on: ESP or AH,
// and the ports of a UDP-encapsulated ESP packet. `received` is left for the caller.
ike::Result<MissEvent> to_miss_event(const ctl::Event& event);

} // namespace spirecovery
