// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "ike/daemon/miss_event.hpp"
#include "ike/daemon/netlink.hpp"
#include "ike/lib/address.h"

namespace spirecovery {

struct ModuleStats {
    uint64_t events_sent = 0;
    uint64_t send_failed = 0;
    uint64_t no_listener = 0;

    // Every event the module tried to send. A listener whose socket is full misses the event
    // while the module may count it as sent (another listener got it), failed, or without
    // listener (nobody got it): only this sum tells what a listener should have received.
    uint64_t events_attempted() const { return events_sent + send_failed + no_listener; }
};

// One entry of the module's per-source rate-limit table.
struct SourceEntry {
    ike::IpAddress address; // IPv6: masked to prefix_len
    uint8_t prefix_len = 0;
    uint64_t misses = 0;
    uint64_t last_seen_msecs = 0;

    bool covers(const ike::IpAddress& peer) const;
};

// The daemon's side of the spirecovery generic-netlink family: the "events" group plus
// GET_CONFIG, GET_STATS and the GET_SOURCE dump on a second socket, so replies never
// interleave with notifications.
class ModuleLink {
public:
    // Resolves the family and group by name and joins the group. Throws std::runtime_error
    // (e.g. module not loaded) with a message for the operator.
    ModuleLink();

    int event_fd() const;

    enum class ReadStatus { drained, overrun };
    // Reads every pending notification and hands each decoded miss to `sink`, `received` set
    // to when recv() returned it; undecodable ones go to `sink` as errors. Returns overrun when the
    // kernel dropped notifications (ENOBUFS) since the last call.
    ReadStatus read_events(const std::function<void(ike::Result<MissEvent>)>& sink);

    bool recovery_enabled();
    ModuleStats stats();
    std::vector<SourceEntry> sources();

private:
    NlSocket events_;
    NlSocket requests_;
    int family_ = 0;
    std::vector<uint8_t> buffer_;
};

} // namespace spirecovery
