// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/recovery_policy.h"

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

Decision RecoveryPolicy::decide(const ike::IpAddress& source,
                                std::span<SaInventory* const> inventories) {
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
    if (state.next_allowed && clock_.now() < *state.next_allowed) {
        d.reason = "skipped: " + schedule_text(state);
        return d;
    }
    if (running_ >= config_.max_exchanges) {
        d.reason = cat("skipped: ", running_, " recoveries already running (max-exchanges)");
        return d;
    }
    const SaCheck check = check_inventories(source, inventories);
    if (check.verdict != SaCheck::Verdict::none) {
        d.reason = "skipped: " + check.reason;
        return d;
    }
    state.running = true;
    running_++;
    d.act = true;
    d.reason = "acting: no SA with the peer on this host";
    if (!check.reason.empty())
        d.reason += " (" + check.reason + ")";
    return d;
}

std::chrono::seconds RecoveryPolicy::wait_after(unsigned failures) const {
    const auto cap = std::max(backoff_cap, config_.hold_down);
    auto wait = config_.hold_down;
    for (unsigned i = 0; i < failures && wait < cap; i++)
        wait *= 2;
    return std::min(wait, cap);
}

std::string RecoveryPolicy::schedule_text(const PeerState& state) const {
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

std::string RecoveryPolicy::finished(const PeerConfig& peer, RecoveryResult result) {
    auto it = peers_.find(peer.name);
    if (it == peers_.end() || !it->second.running)
        return {};
    PeerState& state = it->second;
    state.running = false;
    running_--;
    switch (result) {
    case RecoveryResult::succeeded:
        state.failures = 0;
        break;
    case RecoveryResult::failed:
        state.failures++;
        break;
    case RecoveryResult::not_attempted:
        return {};
    }
    state.next_allowed = clock_.now() + wait_after(state.failures);
    return schedule_text(state);
}

} // namespace spirecovery
