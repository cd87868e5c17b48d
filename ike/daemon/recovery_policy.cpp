// SPDX-License-Identifier: GPL-2.0-only
#include "ike/daemon/recovery_policy.hpp"

namespace spirecovery {

Decision RecoveryPolicy::decide(const ike::IpAddress& source,
                                std::span<SaInventory* const> inventories, Logger& log) {
    Decision d;
    d.peer = config_.find_peer(source);
    if (!d.peer) {
        d.reason = cat("skipped: ", source.to_string(), " is not a configured peer");
        return d;
    }
    if (!d.peer->enabled) {
        d.reason = "skipped: peer is disabled in the configuration";
        return d;
    }
    PeerState& state = peers_[d.peer->name];
    if (state.running) {
        d.reason = "skipped: a recovery with this peer is already running";
        return d;
    }
    const auto now = clock_.now();
    if (state.last_action && now < *state.last_action + config_.hold_down) {
        const auto left =
            std::chrono::ceil<std::chrono::seconds>(*state.last_action + config_.hold_down - now);
        d.reason = cat("skipped: hold-down, last recovery less than ", config_.hold_down.count(),
                       " s ago (", left.count(), " s left)");
        return d;
    }
    if (running_ >= config_.max_exchanges) {
        d.reason = cat("skipped: ", running_, " recoveries already running (max-exchanges)");
        return d;
    }
    for (SaInventory* inventory : inventories) {
        auto presence = inventory->find(source);
        if (!presence) {
            if (inventory->required()) {
                d.reason = cat("skipped: cannot read the ", inventory->name(), ": ",
                               presence.error().message);
                return d;
            }
            log.warning(cat("cannot ask the ", inventory->name(), " (", presence.error().message,
                            "); relying on the others"));
            continue;
        }
        if (presence->found) {
            d.reason = cat("skipped: B still has SAs with ", source.to_string(),
                           " (rekey race or spoofed packet): ", inventory->name(), " has ",
                           presence->description);
            return d;
        }
    }
    state.running = true;
    state.last_action = now;
    running_++;
    d.act = true;
    d.reason = "acting: no SA with the peer on this host";
    return d;
}

void RecoveryPolicy::finished(const PeerConfig& peer) {
    auto it = peers_.find(peer.name);
    if (it == peers_.end() || !it->second.running)
        return;
    it->second.running = false;
    running_--;
}

} // namespace spirecovery
