// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/recovery_scheduler.h"

#include <optional>
#include <unistd.h>

#include "ike/daemon/addresses.h"
#include "ike/daemon/exec_backend.h"
#include "ike/daemon/native_backend.h"
#include "ike/daemon/stop_fd.h"
#include "ike/daemon/vici_backend.h"

namespace spirecovery {

namespace {

// How often a finished recovery looks for the peer's new inbound SA.
constexpr std::chrono::milliseconds sa_poll{100};

} // namespace

std::string peer_prefix(const PeerConfig& peer, const std::optional<ike::IpAddress>& spoke) {
    if (spoke && peer.is_prefix())
        return cat("peer ", peer.name, " (", peer.address_text(), ", spoke ", spoke->to_string(),
                   "): ");
    return cat("peer ", peer.name, " (", peer.address_text(), "): ");
}

RecoveryScheduler::RecoveryScheduler(const DaemonConfig& config, Logger& log, StatusBoard& status,
                                     int done_fd, ike::crypto::RandomSource& random,
                                     const MonotonicClock& clock)
    : config_(config), log_(log), status_(status), done_fd_(done_fd), clock_(clock),
      policy_(config, clock, random, route_source) {
    if (!config_.vici_socket.empty())
        backends_[BackendKind::vici] =
            std::make_unique<ViciBackend>(config_.vici_socket, config_.vici_timeout);
    backends_[BackendKind::native] =
        std::make_unique<NativeBackend>(config_.retransmit, config_.peers);
    backends_[BackendKind::exec] = std::make_unique<ExecBackend>(config_.exec_timeout);
}

RecoveryScheduler::~RecoveryScheduler() {
    for (auto& job : jobs_)
        job.thread.request_stop();
    jobs_.clear(); // joins
}

void RecoveryScheduler::decided(const PeerConfig& peer, PeerLog& log, LogLevel level,
                                const std::string& reason) {
    log.log(level, reason);
    status_.decision(peer, reason);
}

bool RecoveryScheduler::trigger(const MissEvent& event, const std::string& what,
                                const std::string& status_event) {
    SaInventory* const loop_inventories[] = {&kernel_sad_};
    const Decision decision = policy_.decide(event, loop_inventories);
    if (!decision.peer) {
        log_.info(cat(event.source.to_string(), ": ", what));
        log_.info(cat(event.source.to_string(), ": ", decision.reason));
        return false;
    }
    const PeerConfig& peer = *decision.peer;
    PeerLog log(log_, peer_prefix(peer, event.source));
    log.info(what);
    status_.event(peer, status_event);
    if (!decision.ignored.empty())
        log.notice(decision.ignored);
    if (decision.queued) {
        // A storm: the queue starts it in the order of first misses (reap()).
        decided(peer, log, LogLevel::notice, decision.reason);
        show_counts();
        return true;
    }
    if (!decision.act) {
        // A refusal is worth a notice: a packet tried to steer the recovery.
        decided(peer, log, decision.refused ? LogLevel::notice : LogLevel::info, decision.reason);
        return false;
    }
    // The final decision is the recovery thread's, after the checks that may block.
    log.info(cat("accepted: no SA with the peer in the kernel SAD; final checks follow"));
    start(peer, event, *decision.path, decision.jitter);
    show_counts();
    return true;
}

void RecoveryScheduler::start(const PeerConfig& peer, const MissEvent& event,
                              const RecoveryPath& path, std::chrono::milliseconds jitter) {
    Job& job = jobs_.emplace_back();
    job.peer = &peer;
    job.path = path;
    job.thread = std::jthread([this, &peer, event, jitter, &job](std::stop_token stop) {
        job.result = run(peer, event, job.path, jitter, stop);
        job.done = true;
        const uint64_t one = 1;
        [[maybe_unused]] auto n = ::write(done_fd_, &one, sizeof(one));
    });
}

void RecoveryScheduler::show_counts() {
    status_.recoveries(policy_.running(), policy_.queued());
}

std::vector<std::pair<const PeerConfig*, bool>> RecoveryScheduler::reap() {
    std::vector<std::pair<const PeerConfig*, bool>> ended;
    for (auto it = jobs_.begin(); it != jobs_.end();) {
        if (!it->done) {
            ++it;
            continue;
        }
        it->thread.join();
        const PeerConfig& peer = *it->peer;
        const std::string next = policy_.finished(peer, it->path, it->result);
        // The status shows the configured path's schedule: a forged port's is only logged.
        if (!it->path.from_packet)
            status_.schedule(peer, next);
        if (!next.empty())
            PeerLog(log_, peer_prefix(peer, it->path.remote))
                .info(cat("next recovery",
                          it->path.from_packet ? cat(" on port ", it->path.port, " from packets")
                                               : "",
                          ": ", next));
        ended.emplace_back(&peer, it->result == RecoveryResult::succeeded);
        it = jobs_.erase(it);
    }
    while (auto next = policy_.next_start()) {
        PeerLog log(log_, peer_prefix(*next->peer, next->path.remote));
        log.notice(cat("starting the queued recovery after ", next->waited.count(), " ms, ",
                       policy_.queued(), " still queued; final checks follow"));
        start(*next->peer, next->event, next->path, next->jitter);
    }
    show_counts();
    return ended;
}

RecoveryResult RecoveryScheduler::run(const PeerConfig& peer, const MissEvent& event,
                                      const RecoveryPath& path, std::chrono::milliseconds jitter,
                                      std::stop_token stop) {
    PeerLog log(log_, peer_prefix(peer, path.remote));
    if (!sleep_unless_stopped(stop, jitter))
        return RecoveryResult::not_attempted;
    const StopFd stop_fd(stop);
    KernelSad sad; // not thread-safe: this thread's own
    std::optional<ViciIkeSas> charon;
    std::vector<SaInventory*> inventories{&sad};
    if (!config_.vici_socket.empty())
        inventories.push_back(&charon.emplace(config_.vici_socket, stop_fd.get()));
    if (!final_check(peer, path.remote, inventories, log, stop))
        return RecoveryResult::not_attempted;
    return run_backends(peer, event, path, inventories, log, stop);
}

bool RecoveryScheduler::final_check(const PeerConfig& peer, const ike::IpAddress& remote,
                                    std::span<SaInventory* const> inventories, PeerLog& log,
                                    std::stop_token stop) {
    const auto give_up = clock_.now() + cannot_tell_for;
    for (;;) {
        const SaCheck check = check_inventories(remote, inventories);
        if (stop.stop_requested())
            return false;
        switch (check.verdict) {
        case SaCheck::Verdict::none:
            decided(peer, log, LogLevel::notice,
                    "acting: no SA with the peer on this host" +
                        (check.reason.empty() ? "" : " (" + check.reason + ")"));
            return true;
        case SaCheck::Verdict::present:
            decided(peer, log, LogLevel::info, "skipped: " + check.reason);
            return false;
        case SaCheck::Verdict::cannot_tell:
            break;
        }
        // Never act on "cannot tell": a hung charon may hold a healthy IKE SA with the peer.
        const bool last = clock_.now() + cannot_tell_retry > give_up;
        const std::string reason =
            cat("skipped: ", check.reason,
                last ? cat("; gave up after ", cannot_tell_for.count(), " s until the next event")
                     : cat("; asking again in ", cannot_tell_retry.count(), " s"));
        log.warning(reason);
        status_.decision(peer, reason);
        if (last || !sleep_unless_stopped(stop, cannot_tell_retry))
            return false;
    }
}

RecoveryResult RecoveryScheduler::run_backends(const PeerConfig& peer, const MissEvent& event,
                                               const RecoveryPath& path,
                                               std::span<SaInventory* const> inventories,
                                               PeerLog& log, std::stop_token stop) {
    RecoveryRequest request{peer, event, path, {}};
    request.last_check = [&]() -> std::optional<std::string> {
        const SaCheck check = check_inventories(path.remote, inventories);
        if (check.verdict == SaCheck::Verdict::none)
            return std::nullopt;
        return check.reason;
    };
    for (size_t i = 0; i < peer.backends.size(); i++) {
        const BackendKind kind = peer.backends[i];
        const std::string name(to_string(kind));
        // The configuration guarantees it: vici needs vici-socket, the others always exist.
        RecoveryBackend& backend = *backends_.at(kind);
        log.info(cat("recovery: backend ", name));
        status_.result(peer, name, "running");
        const BackendOutcome outcome = backend.recover(request, log, stop);
        switch (outcome.verdict) {
        case BackendOutcome::Verdict::unavailable: {
            const bool last = i + 1 == peer.backends.size();
            log.warning(cat("backend ", name, " unavailable: ", outcome.detail,
                            last ? "; no backend left"
                                 : cat("; falling back to ", to_string(peer.backends[i + 1]))));
            status_.result(peer, name, "unavailable: " + outcome.detail);
            continue;
        }
        case BackendOutcome::Verdict::called_off:
            log.notice(cat("recovery called off (", name, "): ", outcome.detail));
            status_.result(peer, name, "called off: " + outcome.detail);
            return RecoveryResult::not_attempted;
        case BackendOutcome::Verdict::failed:
            log.error(cat("recovery failed (", name, "): ", outcome.detail));
            status_.result(peer, name, "failed: " + outcome.detail);
            return RecoveryResult::failed;
        case BackendOutcome::Verdict::succeeded:
            log.notice(cat("recovery done (", name, "): ", outcome.detail));
            status_.result(peer, name, "done: " + outcome.detail);
            wait_for_inbound_sa(peer, path.remote, event, name, log, stop);
            return RecoveryResult::succeeded;
        }
    }
    log.error("recovery impossible: no backend was available");
    return RecoveryResult::failed;
}

void RecoveryScheduler::wait_for_inbound_sa(const PeerConfig& peer, const ike::IpAddress& remote,
                                            const MissEvent& event, const std::string& backend,
                                            PeerLog& log, std::stop_token stop) {
    if (config_.recovery_wait.count() == 0)
        return;
    const auto give_up = clock_.now() + config_.recovery_wait;
    const uint64_t since = event.timestamp_ns ? event.timestamp_ns : realtime_now_ns();
    KernelSad sad;
    while (clock_.now() < give_up) {
        auto presence = sad.find(remote);
        if (presence && presence->inbound) {
            const uint64_t now = realtime_now_ns();
            const uint64_t ms = now > since ? (now - since) / 1000000 : 0;
            log.notice(cat("recovered: ", presence->description, " installed ", ms,
                           " ms after the dropped packet"));
            status_.result(peer, backend, "recovered: " + presence->description, ms);
            return;
        }
        if (!sleep_unless_stopped(stop, sa_poll))
            return;
    }
    log.warning(cat("the peer dropped its stale SAs but no inbound SA from it appeared within ",
                    config_.recovery_wait.count(),
                    " s (a peer without trap policies does not re-key by itself)"));
    status_.result(
        peer, backend,
        cat("stale SAs removed, no new SA within ", config_.recovery_wait.count(), " s"));
}

} // namespace spirecovery
