// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <span>
#include <string>

#include "ike/daemon/config.h"
#include "ike/daemon/log.h"
#include "ike/daemon/miss_event.h"
#include "ike/daemon/sa_inventory.h"
#include "ike/lib/constants.h"
#include "ike/lib/crypto.h"

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

// Where a recovery's IKE comes from and goes to: the configuration and B's own routing, never
// the packet, which anyone can forge; only a nat-traversal peer's port may come from it.
struct RecoveryPath {
    // The peer's address: the configured one, or for a hub's prefix the spoke the event came
    // from (the address its own packets reach B from: they come back only if it is true).
    ike::IpAddress remote;
    ike::IpAddress local;          // B's address: local-address, or the route's source
    uint16_t port = ike::ike_port; // the peer's IKE port
    bool nat_t = false;            // every message to `port` with the non-ESP marker
    bool from_packet = false;      // `port` is the ESP-in-UDP source port (nat-traversal)

    // "from 192.0.2.2 to 192.0.2.1:4500 (non-ESP marker)"
    std::string to_string(const ike::IpAddress& peer) const;
    std::string to_string() const { return to_string(remote); }
};

// The source address of B's route to a peer (route_source(), or a fake in tests).
using RouteLookup = std::function<std::optional<ike::IpAddress>(const ike::IpAddress& peer)>;

// B's address toward the peer at `remote` (its address, or a spoke of its prefix): its
// local-address, or else the source of B's route to it.
std::optional<ike::IpAddress> local_address(const PeerConfig& peer, const ike::IpAddress& remote,
                                            const RouteLookup& route);

struct PathChoice {
    std::optional<RecoveryPath> path; // nothing: the event is refused, `refusal` says why
    std::string refusal;              // with a path: a packet field that was not used, or empty
};
// The path for a miss from `peer` (event.source is its address or a spoke of its prefix). Refused
// when the packet was sent to an address that is not B's address toward the peer. The port is
// `port` for ESP and AH, 4500 with the marker for ESP in UDP, and the packet's UDP source port only
// when the peer has nat-traversal.
PathChoice choose_path(const PeerConfig& peer, const MissEvent& event, const RouteLookup& route);

struct Decision {
    bool act = false;                   // start the recovery now
    bool queued = false;                // a recovery waits its turn (next_start() gives it)
    const PeerConfig* peer = nullptr;   // set when the source is a configured peer
    std::optional<RecoveryPath> path;   // set when acting
    std::chrono::milliseconds jitter{}; // acting: the pause before the final checks
    bool refused = false;               // the reason is a packet field that steers where it may not
    std::string ignored;                // a packet field not used (acting or not), for the log
    std::string reason;                 // why we act or skip, for the log and the status
    // Acting on B's SAs with the peer that hold no inbound one: a child of a live IKE SA
    // lost its inbound SA. Only vici may act then, restoring that child.
    bool child_lost = false;
};

// What the places where B may hold SAs with a peer said, asked in order.
struct SaCheck {
    enum class Verdict {
        none,        // no SA with the peer anywhere: acting is safe
        present,     // an SA with the peer exists (rekey race or spoofed packet)
        cannot_tell, // an inventory could not answer: never act on that
    };
    Verdict verdict = Verdict::none;
    std::string reason;   // present/cannot_tell: why; none: notes worth logging, or empty
    bool inbound = false; // present: an inbound SA from the peer among them
};
SaCheck check_inventories(const ike::IpAddress& peer, std::span<SaInventory* const> inventories);
// A miss while B holds SAs with the peer but none from it: B sends and cannot receive, which
// only a lost child of a live IKE SA explains (or a spoofed packet). Worth a look through vici.
bool child_lost_candidate(const PeerConfig& peer, const MissEvent& event, const SaCheck& check);

// How a recovery that the policy allowed ended.
enum class RecoveryResult {
    succeeded,     // a backend succeeded: the hold-down follows
    failed,        // every backend failed or was unavailable: the back-off follows
    not_attempted, // the final checks found an SA or could not tell: nothing was sent
    lost_again,    // the new SA left B's SAD before the verdict: B's own new loss, which the
                   // next miss recovers at once (no hold-down: nobody outside B causes it)
};

// A recovery that waited in the queue and may start now.
struct QueuedStart {
    const PeerConfig* peer = nullptr;
    RecoveryPath path;
    MissEvent event;                    // the miss that queued it
    std::chrono::milliseconds jitter{}; // the pause before the final checks
    std::chrono::milliseconds waited{}; // in the queue
};

// The safety rules every backend runs under: configured and enabled peers only, on B's own
// address toward the peer, never while B still holds an SA with the peer (rekey race or
// spoofed packet), a hold-down per peer and a bound on concurrent recoveries. Not
// thread-safe: the daemon's main loop owns it.
//
// Storm control (a hub rebooted: every spoke is stale at once): at most max-exchanges
// recoveries on configured paths hold a slot, that is have their final checks or a backend's
// exchange in flight; a recovery beyond them waits in a queue of at most max-queued, and the
// queue starts them in the order of their first miss, so no peer starves. Each start gets a
// random pause of [0, max_jitter]. The wait for the verdict (the peer's new SA, then seconds
// of quiet on the stale SPI) costs neither charon nor the peer anything: the recovery frees
// its slot for it, and its lane stays running, so the peer is not recovered twice.
//
// The hold-down counts from the end of a recovery. After n failed recoveries in a row the
// next waits hold-down x 2^n instead, at most max(backoff_cap, hold-down); a success resets n.
//
// The slot, hold-down and back-off belong to a lane: the configured path, or one port taken
// from a nat-traversal peer's packet. A forged port then fails and backs off on its own lane
// and cannot hold the configured path. Ports from packets have their own pool of
// max-exchanges slots and at most packet-ports-per-minute of them are tried per peer.
class RecoveryPolicy {
public:
    static constexpr std::chrono::seconds backoff_cap{600};
    static constexpr std::chrono::seconds packet_port_window{60};
    // A pause before the final checks, drawn per start from [0, max_jitter]: a peer's re-key
    // that starts with the same packet loss becomes visible before we act, and the spokes of
    // a storm do not hit charon in the same millisecond.
    static constexpr std::chrono::milliseconds max_jitter{200};

    RecoveryPolicy(const DaemonConfig& config, const MonotonicClock& clock,
                   ike::crypto::RandomSource& random, RouteLookup route)
        : config_(config), clock_(clock), random_(random), route_(std::move(route)) {}

    // Decides about a miss. The inventories are asked in order, only when every cheaper rule
    // passed. Acting takes a slot of the path's lane until finished(); with every slot taken
    // (or others waiting) a configured path is queued instead.
    Decision decide(const MissEvent& event, std::span<SaInventory* const> inventories);
    // The oldest queued recovery, when a slot is free: it holds the slot until finished().
    std::optional<QueuedStart> next_start();
    // The running recovery on `path` ended its exchange and only watches for the verdict:
    // its slot is free, its lane stays running until finished().
    void exchange_ended(const PeerConfig& peer, const RecoveryPath& path);
    // The running recovery on `path` wants a slot again (the next backend). Takes one when
    // one is free, ahead of the queue: it is older than every queued recovery.
    bool resume_exchange(const PeerConfig& peer, const RecoveryPath& path);
    // The recovery on `path` (the decision's) ended now. Returns when the next on that lane
    // may start ("hold-down until ..." or "backing off after N failures until ..."), or empty
    // when it may at once.
    std::string finished(const PeerConfig& peer, const RecoveryPath& path, RecoveryResult result);
    // Slots taken on configured paths, and their recoveries that only watch for the verdict.
    unsigned running() const { return running_; }
    unsigned watching() const { return watching_; }
    unsigned packet_port_running() const { return packet_port_running_; }
    size_t queued() const { return queue_.size(); }
    // The wait after `failures` failed recoveries in a row (0: the plain hold-down).
    std::chrono::seconds wait_after(unsigned failures) const;

private:
    struct LaneState {
        bool running = false;
        bool holds_slot = false; // running, with its final checks or an exchange in flight
        bool queued = false;     // configured paths only
        unsigned failures = 0;   // failed recoveries in a row
        std::optional<MonotonicClock::time_point> next_allowed;
    };
    struct PeerState {
        LaneState configured;
        std::map<uint16_t, LaneState> packet_ports;
        // The ports from packets first tried in the last packet_port_window, oldest first.
        std::deque<std::pair<MonotonicClock::time_point, uint16_t>> tried;
    };
    using PeerKey = std::pair<std::string, std::string>; // peer name, remote address
    // Queue order: the first miss (when the daemon read it), then arrival.
    using QueueKey = std::pair<MonotonicClock::time_point, uint64_t>;
    struct Waiting {
        PeerKey peer_key;
        const PeerConfig* peer = nullptr;
        RecoveryPath path;
        MissEvent event;
        MonotonicClock::time_point since; // queued
    };
    std::string schedule_text(const LaneState& state) const;
    std::chrono::milliseconds draw_jitter();
    // 1 for the head of the queue.
    size_t queue_position(const PeerKey& key) const;
    // Forgets ports from packets that neither run nor wait, and tries older than the window.
    void prune(PeerState& state);
    // The lane of `path`, when the peer has state for it.
    LaneState* find_lane(const PeerConfig& peer, const RecoveryPath& path);

    const DaemonConfig& config_;
    const MonotonicClock& clock_;
    ike::crypto::RandomSource& random_;
    const RouteLookup route_;
    // Per peer and remote address: each spoke of a hub has its own lanes.
    std::map<PeerKey, PeerState> peers_;
    std::map<QueueKey, Waiting> queue_;
    uint64_t queued_total_ = 0;        // the arrival order's counter
    unsigned running_ = 0;             // slots taken on configured paths
    unsigned watching_ = 0;            // running on configured paths without a slot
    unsigned packet_port_running_ = 0; // slots taken on ports from packets
};

} // namespace spirecovery
