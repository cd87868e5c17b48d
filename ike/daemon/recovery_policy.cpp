// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/recovery_policy.h"

#include <algorithm>

#include "ike/daemon/status_board.h"

namespace spirecovery {

SaCheck check_inventories(const ike::IpAddress& peer, std::span<SaInventory* const> inventories) {
    SaCheck check;
    for (SaInventory* inventory : inventories) {
        auto presence = inventory->find(peer);
        if (!presence) {
            check.verdict = SaCheck::Verdict::cannot_tell;
            check.reason =
                cat("cannot tell whether B has SAs with ", peer.to_string(), ": cannot read the ",
                    inventory->name(), ": ", presence.error().message);
            return check;
        }
        if (presence->found) {
            check.verdict = SaCheck::Verdict::present;
            check.inbound = presence->inbound;
            check.reason = cat("B still has SAs with ", peer.to_string(),
                               " (rekey race or spoofed packet): ", inventory->name(), " has ",
                               presence->description);
            return check;
        }
        if (!presence->description.empty())
            check.reason += cat(check.reason.empty() ? "" : "; ", inventory->name(), ": ",
                                presence->description);
    }
    return check;
}

bool child_lost_candidate(const PeerConfig& peer, const MissEvent& event, const SaCheck& check) {
    return check.verdict == SaCheck::Verdict::present && !check.inbound && event.spi &&
           std::find(peer.backends.begin(), peer.backends.end(), BackendKind::vici) !=
               peer.backends.end();
}

std::string RecoveryPath::to_string(const ike::IpAddress& peer) const {
    return cat("from ", local.to_string(), " to ", peer.to_string(), ":", port,
               nat_t ? " (non-ESP marker)" : "",
               from_packet ? " (UDP port from the packet: nat-traversal)" : "");
}

std::optional<ike::IpAddress> local_address(const PeerConfig& peer, const ike::IpAddress& remote,
                                            const RouteLookup& route) {
    if (peer.local_address)
        return peer.local_address;
    return route(remote);
}

PathChoice choose_path(const PeerConfig& peer, const MissEvent& event, const RouteLookup& route) {
    PathChoice choice;
    // find_peer() matched the source: the peer's address, or a spoke of its prefix.
    const ike::IpAddress remote = peer.is_prefix() ? event.source : peer.address;
    const auto local = local_address(peer, remote, route);
    if (!local) {
        choice.refusal = cat("refused: B has no route to ", remote.to_string(),
                             " to take its local address from (set local-address)");
        return choice;
    }
    if (!(event.destination == *local)) {
        choice.refusal =
            cat("refused: the packet was sent to ", event.destination.to_string(),
                ", which is not B's address toward the peer, ", local->to_string(),
                peer.local_address ? " (local-address)" : " (the source of B's route to it)");
        return choice;
    }
    RecoveryPath& path = choice.path.emplace();
    path.remote = remote;
    path.local = *local;
    path.port = peer.port;
    if (!event.udp_encapsulated)
        return choice;
    // The peer's ESP came in UDP: IKE takes the NAT-T port with the non-ESP marker too.
    path.nat_t = true;
    path.port = ike::nat_t_port;
    if (event.source_port == ike::nat_t_port)
        return choice;
    if (peer.nat_traversal) {
        path.port = event.source_port; // the peer's NAT mapping
        path.from_packet = true;
    } else {
        choice.refusal = cat("refused the packet's UDP source port ", event.source_port,
                             ": the peer is not configured for nat-traversal; IKE goes to port ",
                             ike::nat_t_port);
    }
    return choice;
}

void RecoveryPolicy::prune(PeerState& state) {
    const auto now = clock_.now();
    while (!state.tried.empty() && now - state.tried.front().first >= packet_port_window)
        state.tried.pop_front();
    std::erase_if(state.packet_ports, [&](const auto& entry) {
        const LaneState& lane = entry.second;
        return !lane.running && (!lane.next_allowed || now >= *lane.next_allowed);
    });
}

Decision RecoveryPolicy::decide(const MissEvent& event, std::span<SaInventory* const> inventories) {
    Decision d;
    d.peer = config_.find_peer(event.source);
    if (!d.peer) {
        d.reason = cat("skipped: ", event.source.to_string(), " is not a configured peer");
        return d;
    }
    if (!d.peer->enabled) {
        d.reason = "skipped: peer is disabled in the configuration";
        return d;
    }
    PathChoice choice = choose_path(*d.peer, event, route_);
    if (!choice.path) {
        d.refused = true;
        d.reason = std::move(choice.refusal);
        return d;
    }
    d.ignored = std::move(choice.refusal);
    const RecoveryPath& path = *choice.path;
    const PeerKey key{d.peer->name, path.remote.to_string()};
    PeerState& state = peers_[key];
    prune(state);
    const std::string lane_name =
        path.from_packet ? cat("port ", path.port, " from the packet: ") : std::string();
    LaneState unknown_port; // a port from a packet not tried lately: nothing holds it
    LaneState* lane = &state.configured;
    if (path.from_packet) {
        auto known = state.packet_ports.find(path.port);
        lane = known != state.packet_ports.end() ? &known->second : &unknown_port;
    }
    if (lane->running) {
        d.reason = cat("skipped: ", lane_name, "a recovery with this peer is already running");
        return d;
    }
    if (lane->queued) {
        d.reason = cat("skipped: a recovery with this peer is already queued (position ",
                       queue_position(key), " of ", queue_.size(), ")");
        return d;
    }
    if (lane->next_allowed && clock_.now() < *lane->next_allowed) {
        d.reason = cat("skipped: ", lane_name, schedule_text(*lane));
        return d;
    }
    const bool tried_lately =
        std::any_of(state.tried.begin(), state.tried.end(),
                    [&](const auto& tried) { return tried.second == path.port; });
    if (path.from_packet && !tried_lately &&
        state.tried.size() >= config_.packet_ports_per_minute) {
        d.refused = true;
        d.reason = cat("refused: ", lane_name, state.tried.size(),
                       " ports from packets already tried with this peer in the last ",
                       packet_port_window.count(), " s (packet-ports-per-minute ",
                       config_.packet_ports_per_minute, "); the configured path stays open");
        return d;
    }
    unsigned& running = path.from_packet ? packet_port_running_ : running_;
    // Ports from packets are not queued: a forged port must not take a genuine spoke's turn.
    const bool wait = running >= config_.max_exchanges || (!path.from_packet && !queue_.empty());
    if (wait && path.from_packet) {
        d.reason = cat("skipped: ", running,
                       " recoveries already running on ports from packets (max-exchanges)");
        return d;
    }
    if (wait && queue_.size() >= config_.max_queued) {
        d.reason = cat("skipped: ", running, " recoveries already running (max-exchanges) and ",
                       queue_.size(), " queued (max-queued ", config_.max_queued, ")");
        return d;
    }
    const SaCheck check = check_inventories(event.source, inventories);
    const bool child_lost = child_lost_candidate(*d.peer, event, check);
    if (check.verdict != SaCheck::Verdict::none && !child_lost) {
        d.reason = "skipped: " + check.reason;
        return d;
    }
    // The queue starts full recoveries; a lost child waits for the peer's next packet instead.
    if (wait && child_lost) {
        d.reason = cat("skipped: ", running, " recoveries already running (max-exchanges); ",
                       "a lost child is not queued, the peer's next packet asks again");
        return d;
    }
    if (path.from_packet) {
        lane = &state.packet_ports[path.port]; // unknown_port or the same entry
        if (!tried_lately)
            state.tried.emplace_back(clock_.now(), path.port);
    }
    const std::string notes = check.reason.empty() ? "" : " (" + check.reason + ")";
    if (wait) {
        lane->queued = true;
        queue_.emplace(QueueKey{event.received, queued_total_++},
                       Waiting{key, d.peer, path, event, clock_.now()});
        d.queued = true;
        d.path = path;
        d.reason = cat("queued: no SA with the peer on this host", notes, "; ", running,
                       " recoveries running (max-exchanges), position ", queue_position(key),
                       " of ", queue_.size());
        return d;
    }
    lane->running = true;
    lane->holds_slot = true;
    running++;
    d.act = true;
    d.path = path;
    d.jitter = draw_jitter();
    d.child_lost = child_lost;
    if (child_lost) {
        d.reason = cat("acting: ", lane_name, "no inbound SA from the peer, but ", check.reason,
                       "; looking for a child of a live IKE SA that lost it");
        return d;
    }
    d.reason = cat("acting: ", lane_name, "no SA with the peer on this host", notes);
    return d;
}

std::optional<QueuedStart> RecoveryPolicy::next_start() {
    if (queue_.empty() || running_ >= config_.max_exchanges)
        return std::nullopt;
    auto node = queue_.extract(queue_.begin());
    Waiting& waiting = node.mapped();
    LaneState& lane = peers_[waiting.peer_key].configured;
    lane.queued = false;
    lane.running = true;
    lane.holds_slot = true;
    running_++;
    return QueuedStart{
        waiting.peer, waiting.path, waiting.event, draw_jitter(),
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - waiting.since)};
}

size_t RecoveryPolicy::queue_position(const PeerKey& key) const {
    size_t position = 1;
    for (const auto& [order, waiting] : queue_) {
        if (waiting.peer_key == key)
            return position;
        position++;
    }
    return position;
}

std::chrono::milliseconds RecoveryPolicy::draw_jitter() {
    uint8_t byte[2];
    random_.fill(byte);
    return std::chrono::milliseconds((byte[0] << 8 | byte[1]) % (max_jitter.count() + 1));
}

std::chrono::seconds RecoveryPolicy::wait_after(unsigned failures) const {
    const auto cap = std::max(backoff_cap, config_.hold_down);
    auto wait = config_.hold_down;
    for (unsigned i = 0; i < failures && wait < cap; i++)
        wait *= 2;
    return std::min(wait, cap);
}

std::string RecoveryPolicy::schedule_text(const LaneState& state) const {
    const auto now = clock_.now();
    if (!state.next_allowed || now >= *state.next_allowed)
        return {};
    const auto left = *state.next_allowed - now;
    const std::string until = clock_time(
        realtime_now_ns() +
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(left).count()));
    const auto secs = std::chrono::ceil<std::chrono::seconds>(left).count();
    if (state.failures == 0)
        return cat("hold-down until ", until, " (", config_.hold_down.count(),
                   " s after the last recovery ended, ", secs, " s left)");
    return cat("backing off after ", state.failures, state.failures == 1 ? " failure" : " failures",
               " until ", until, " (", wait_after(state.failures).count(), " s, ", secs,
               " s left)");
}

RecoveryPolicy::LaneState* RecoveryPolicy::find_lane(const PeerConfig& peer,
                                                     const RecoveryPath& path) {
    auto it = peers_.find({peer.name, path.remote.to_string()});
    if (it == peers_.end())
        return nullptr;
    if (!path.from_packet)
        return &it->second.configured;
    auto port = it->second.packet_ports.find(path.port);
    return port == it->second.packet_ports.end() ? nullptr : &port->second;
}

void RecoveryPolicy::exchange_ended(const PeerConfig& peer, const RecoveryPath& path) {
    LaneState* lane = find_lane(peer, path);
    if (!lane || !lane->running || !lane->holds_slot)
        return;
    lane->holds_slot = false;
    if (path.from_packet) {
        packet_port_running_--;
        return;
    }
    running_--;
    watching_++;
}

bool RecoveryPolicy::resume_exchange(const PeerConfig& peer, const RecoveryPath& path) {
    LaneState* lane = find_lane(peer, path);
    if (!lane || !lane->running)
        return false;
    if (lane->holds_slot)
        return true;
    unsigned& running = path.from_packet ? packet_port_running_ : running_;
    if (running >= config_.max_exchanges)
        return false;
    lane->holds_slot = true;
    running++;
    if (!path.from_packet)
        watching_--;
    return true;
}

std::string RecoveryPolicy::finished(const PeerConfig& peer, const RecoveryPath& path,
                                     RecoveryResult result) {
    LaneState* lane = find_lane(peer, path);
    if (!lane || !lane->running)
        return {};
    LaneState& state = *lane;
    state.running = false;
    if (state.holds_slot)
        (path.from_packet ? packet_port_running_ : running_)--;
    else if (!path.from_packet)
        watching_--;
    state.holds_slot = false;
    switch (result) {
    case RecoveryResult::succeeded:
        state.failures = 0;
        break;
    case RecoveryResult::failed:
        state.failures++;
        break;
    case RecoveryResult::lost_again:
        state.failures = 0;
        return {};
    case RecoveryResult::not_attempted:
        return {};
    }
    state.next_allowed = clock_.now() + wait_after(state.failures);
    return schedule_text(state);
}

} // namespace spirecovery
