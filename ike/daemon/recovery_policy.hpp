// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <chrono>
#include <map>
#include <span>
#include <string>

#include "ike/daemon/config.hpp"
#include "ike/daemon/log.hpp"
#include "ike/daemon/sa_inventory.hpp"

namespace spirecovery {

class MonotonicClock {
public:
    using time_point = std::chrono::steady_clock::time_point;
    virtual ~MonotonicClock() = default;
    virtual time_point now() const = 0;
};

class SteadyClock final : public MonotonicClock {
public:
    time_point now() const override { return std::chrono::steady_clock::now(); }
};

struct Decision {
    bool act = false;
    const PeerConfig* peer = nullptr; // set when the source is a configured peer
    std::string reason;               // why we act or skip, for the log and the status
};

// The safety rules every backend runs under: configured and enabled peers only, never while
// B still holds an SA with the peer (rekey race or spoofed packet), a hold-down per peer and
// a bound on concurrent recoveries. Not thread-safe: the daemon's main loop owns it.
class RecoveryPolicy {
public:
    RecoveryPolicy(const DaemonConfig& config, const MonotonicClock& clock)
        : config_(config), clock_(clock) {}

    // Decides about a miss from `source`. The inventories are asked in order, only when every
    // cheaper rule passed. Acting starts the peer's hold-down and takes a concurrency slot
    // until finished().
    Decision decide(const ike::IpAddress& source, std::span<SaInventory* const> inventories,
                    Logger& log);
    void finished(const PeerConfig& peer);
    unsigned running() const { return running_; }

private:
    struct PeerState {
        bool running = false;
        std::optional<MonotonicClock::time_point> last_action;
    };

    const DaemonConfig& config_;
    const MonotonicClock& clock_;
    std::map<std::string, PeerState> peers_;
    unsigned running_ = 0;
};

} // namespace spirecovery
