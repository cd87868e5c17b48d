// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <chrono>
#include <map>
#include <span>
#include <string>

#include "ike/daemon/config.h"
#include "ike/daemon/log.h"
#include "ike/daemon/sa_inventory.h"

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

// What the places where B may hold SAs with a peer said, asked in order.
struct SaCheck {
    enum class Verdict {
        none,        // no SA with the peer anywhere: acting is safe
        present,     // an SA with the peer exists (rekey race or spoofed packet)
        cannot_tell, // an inventory could not answer: never act on that
    };
    Verdict verdict = Verdict::none;
    std::string reason; // present/cannot_tell: why; none: notes worth logging, or empty
};
SaCheck check_inventories(const ike::IpAddress& peer, std::span<SaInventory* const> inventories);

// How a recovery that the policy allowed ended.
enum class RecoveryResult {
    succeeded,     // a backend succeeded: the hold-down follows
    failed,        // every backend failed or was unavailable: the back-off follows
    not_attempted, // the final checks found an SA or could not tell: nothing was sent
};

// The safety rules every backend runs under: configured and enabled peers only, never while
// B still holds an SA with the peer (rekey race or spoofed packet), a hold-down per peer and
// a bound on concurrent recoveries. Not thread-safe: the daemon's main loop owns it.
//
// The hold-down counts from the end of a recovery. After n failed recoveries in a row the
// next waits hold-down x 2^n instead, at most max(backoff_cap, hold-down); a success resets n.
class RecoveryPolicy {
public:
    static constexpr std::chrono::seconds backoff_cap{600};

    RecoveryPolicy(const DaemonConfig& config, const MonotonicClock& clock)
        : config_(config), clock_(clock) {}

    // Decides about a miss from `source`. The inventories are asked in order, only when every
    // cheaper rule passed. Acting takes a concurrency slot until finished().
    Decision decide(const ike::IpAddress& source, std::span<SaInventory* const> inventories);
    // The peer's recovery ended now. Returns when the next may start ("hold-down until ..."
    // or "backing off after N failures until ..."), or empty when it may at once.
    std::string finished(const PeerConfig& peer, RecoveryResult result);
    unsigned running() const { return running_; }
    // The wait after `failures` failed recoveries in a row (0: the plain hold-down).
    std::chrono::seconds wait_after(unsigned failures) const;

private:
    struct PeerState {
        bool running = false;
        unsigned failures = 0; // failed recoveries in a row
        std::optional<MonotonicClock::time_point> next_allowed;
    };
    std::string schedule_text(const PeerState& state) const;

    const DaemonConfig& config_;
    const MonotonicClock& clock_;
    std::map<std::string, PeerState> peers_;
    unsigned running_ = 0;
};

} // namespace spirecovery
