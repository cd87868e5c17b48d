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

// How often a finished recovery looks for the peer's new inbound SA, and once it is there,
// whether it is still there. A storm has as many recoveries watching as spokes, and each
// look is a dump of B's SAD: the second, which only ends the watch early, can be slower.
constexpr std::chrono::milliseconds sa_poll{100};
constexpr std::chrono::milliseconds sa_recheck{500};

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
    if (!config_.vici_socket.empty()) {
        auto vici = std::make_unique<ViciBackend>(config_.vici_socket, config_.vici_timeout);
        vici_ = vici.get();
        backends_[BackendKind::vici] = std::move(vici);
    }
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
    // A running recovery of this peer learns from its misses whether the peer took it.
    for (auto& job : jobs_)
        if (job.peer == &peer && !job.done && job.path.remote == event.source)
            job.misses.record(clock_.now(), event.spi);
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
    log.info(decision.child_lost
                 ? "accepted: SAs with the peer in the kernel SAD, but none from it; final "
                   "checks follow"
                 : "accepted: no SA with the peer in the kernel SAD; final checks follow");
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
        job.result = run(peer, event, job, jitter, stop);
        job.done = true;
        wake();
    });
}

void RecoveryScheduler::wake() {
    const uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(done_fd_, &one, sizeof(one));
}

void RecoveryScheduler::Slot::release() {
    std::lock_guard lock(mutex_);
    state_ = State::releasing;
}

void RecoveryScheduler::Slot::want() {
    std::lock_guard lock(mutex_);
    state_ = State::wanted;
}

bool RecoveryScheduler::Slot::wait_granted(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    return granted_.wait(lock, stop, [this] { return state_ == State::held; });
}

bool RecoveryScheduler::Slot::held() {
    std::lock_guard lock(mutex_);
    return state_ == State::held;
}

RecoveryScheduler::Slot::Request RecoveryScheduler::Slot::request() {
    std::lock_guard lock(mutex_);
    switch (state_) {
    case State::releasing:
        state_ = State::free;
        return Request::release;
    case State::wanted:
        return Request::acquire;
    case State::held:
    case State::free:
        break;
    }
    return Request::none;
}

void RecoveryScheduler::Slot::grant() {
    {
        std::lock_guard lock(mutex_);
        state_ = State::held;
    }
    granted_.notify_all();
}

void RecoveryScheduler::free_slot(Job& job) {
    job.slot.release();
    wake();
}

bool RecoveryScheduler::take_slot(Job& job, PeerLog& log, std::stop_token stop) {
    if (job.slot.held())
        return true;
    job.slot.want();
    wake();
    log.info("waiting for a free slot (max-exchanges) for the next backend");
    return job.slot.wait_granted(stop);
}

void RecoveryScheduler::show_counts() {
    status_.recoveries(policy_.running(), policy_.queued(), policy_.watching());
}

std::vector<std::pair<const PeerConfig*, bool>> RecoveryScheduler::reap() {
    std::vector<std::pair<const PeerConfig*, bool>> ended;
    // Slots first, so that a running recovery's next backend goes before the queue.
    for (auto& job : jobs_) {
        switch (job.slot.request()) {
        case Slot::Request::release:
            policy_.exchange_ended(*job.peer, job.path);
            break;
        case Slot::Request::acquire:
            if (policy_.resume_exchange(*job.peer, job.path))
                job.slot.grant();
            break;
        case Slot::Request::none:
            break;
        }
    }
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

RecoveryResult RecoveryScheduler::run(const PeerConfig& peer, const MissEvent& event, Job& job,
                                      std::chrono::milliseconds jitter, std::stop_token stop) {
    const RecoveryPath& path = job.path;
    PeerLog log(log_, peer_prefix(peer, path.remote));
    if (!sleep_unless_stopped(stop, jitter))
        return RecoveryResult::not_attempted;
    const StopFd stop_fd(stop);
    KernelSad sad; // not thread-safe: this thread's own
    std::optional<ViciIkeSas> charon;
    std::vector<SaInventory*> inventories{&sad};
    if (!config_.vici_socket.empty())
        inventories.push_back(&charon.emplace(config_.vici_socket, stop_fd.get()));
    std::string found;
    switch (final_check(peer, event, path.remote, inventories, found, log, stop)) {
    case FinalCheck::stop:
        return RecoveryResult::not_attempted;
    case FinalCheck::restore_child:
        return restore_child(peer, event, job, found, log, stop);
    case FinalCheck::act:
        break;
    }
    return run_backends(peer, event, job, inventories, log, stop);
}

RecoveryResult RecoveryScheduler::restore_child(const PeerConfig& peer, const MissEvent& event,
                                                Job& job, const std::string& found, PeerLog& log,
                                                std::stop_token stop) {
    const RecoveryPath& path = job.path;
    log.info("recovery: backend vici, restoring a lost child of a live IKE SA (native and exec "
             "are not tried: their INITIAL_CONTACT would tear the IKE SA down)");
    status_.result(peer, "vici", "running");
    const RecoveryRequest request{peer, event, path, {}};
    const BackendOutcome outcome = vici_->restore_child(request, log, stop);
    switch (outcome.verdict) {
    case BackendOutcome::Verdict::called_off:
    case BackendOutcome::Verdict::unavailable:
        decided(peer, log, LogLevel::info, cat("skipped: ", found, "; ", outcome.detail));
        return RecoveryResult::not_attempted;
    case BackendOutcome::Verdict::failed:
        log.error(cat("recovery failed (vici): ", outcome.detail));
        status_.result(peer, "vici", "failed: " + outcome.detail);
        return RecoveryResult::failed;
    case BackendOutcome::Verdict::succeeded:
        break;
    }
    log.notice(cat("backend vici finished: ", outcome.detail));
    status_.result(peer, "vici", "finished: " + outcome.detail);
    free_slot(job);
    switch (watch_outcome(peer, path.remote, event, job.misses, "vici", log, stop)) {
    case RecoveryOutcome::Verdict::recovered:
        return RecoveryResult::succeeded;
    case RecoveryOutcome::Verdict::lost_again:
        return RecoveryResult::lost_again;
    default:
        return RecoveryResult::failed;
    }
}

RecoveryScheduler::FinalCheck
RecoveryScheduler::final_check(const PeerConfig& peer, const MissEvent& event,
                               const ike::IpAddress& remote,
                               std::span<SaInventory* const> inventories, std::string& found,
                               PeerLog& log, std::stop_token stop) {
    const auto give_up = clock_.now() + cannot_tell_for;
    for (;;) {
        const SaCheck check = check_inventories(remote, inventories);
        if (stop.stop_requested())
            return FinalCheck::stop;
        switch (check.verdict) {
        case SaCheck::Verdict::none:
            decided(peer, log, LogLevel::notice,
                    "acting: no SA with the peer on this host" +
                        (check.reason.empty() ? "" : " (" + check.reason + ")"));
            return FinalCheck::act;
        case SaCheck::Verdict::present:
            if (child_lost_candidate(peer, event, check)) {
                found = check.reason;
                decided(peer, log, LogLevel::notice,
                        cat("acting: no inbound SA from the peer on this host, but ", check.reason,
                            "; looking for a child of a live IKE SA that lost it"));
                return FinalCheck::restore_child;
            }
            decided(peer, log, LogLevel::info, "skipped: " + check.reason);
            return FinalCheck::stop;
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
            return FinalCheck::stop;
    }
}

RecoveryResult RecoveryScheduler::run_backends(const PeerConfig& peer, const MissEvent& event,
                                               Job& job, std::span<SaInventory* const> inventories,
                                               PeerLog& log, std::stop_token stop) {
    const RecoveryPath& path = job.path;
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
        const bool last = i + 1 == peer.backends.size();
        const std::string next =
            last ? "; no backend left" : cat("; falling back to ", to_string(peer.backends[i + 1]));
        // The configuration guarantees it: vici needs vici-socket, the others always exist.
        RecoveryBackend& backend = *backends_.at(kind);
        // Freed for the last backend's verdict: taken again, the peer may be answering it.
        if (!take_slot(job, log, stop))
            return RecoveryResult::failed;
        log.info(cat("recovery: backend ", name));
        status_.result(peer, name, "running");
        const BackendOutcome outcome = backend.recover(request, log, stop);
        switch (outcome.verdict) {
        case BackendOutcome::Verdict::unavailable:
            log.warning(cat("backend ", name, " unavailable: ", outcome.detail, next));
            status_.result(peer, name, "unavailable: " + outcome.detail);
            continue;
        case BackendOutcome::Verdict::called_off:
            log.notice(cat("recovery called off (", name, "): ", outcome.detail));
            status_.result(peer, name, "called off: " + outcome.detail);
            return RecoveryResult::not_attempted;
        case BackendOutcome::Verdict::failed:
            log.error(cat("recovery failed (", name, "): ", outcome.detail));
            status_.result(peer, name, "failed: " + outcome.detail);
            return RecoveryResult::failed;
        case BackendOutcome::Verdict::succeeded:
            break;
        }
        // The backend did its part; whether the peer took it shows only on B.
        log.notice(cat("backend ", name, " finished: ", outcome.detail));
        status_.result(peer, name, "finished: " + outcome.detail);
        free_slot(job);
        const auto verdict = watch_outcome(peer, path.remote, event, job.misses, name, log, stop);
        if (verdict == RecoveryOutcome::Verdict::recovered)
            return RecoveryResult::succeeded;
        if (verdict == RecoveryOutcome::Verdict::lost_again)
            return RecoveryResult::lost_again;
        if (stop.stop_requested())
            return RecoveryResult::failed;
        if (last) {
            log.error(
                cat("recovery failed: backend ", name, " did not bring the tunnel back", next));
            return RecoveryResult::failed;
        }
        // The next backend may tear down SAs with the peer: only where there are none.
        if (auto found = request.last_check()) {
            log.error(cat("recovery failed: not trying ", to_string(peer.backends[i + 1]),
                          " after ", name, ": ", *found));
            return RecoveryResult::failed;
        }
        log.warning(cat("backend ", name, " did not bring the tunnel back", next));
    }
    log.error("recovery impossible: no backend was available");
    return RecoveryResult::failed;
}

RecoveryOutcome::Verdict
RecoveryScheduler::watch_outcome(const PeerConfig& peer, const ike::IpAddress& remote,
                                 const MissEvent& event, const MissLog& misses,
                                 const std::string& backend, PeerLog& log, std::stop_token stop) {
    using Verdict = RecoveryOutcome::Verdict;
    if (config_.recovery_wait.count() == 0) {
        log.notice(cat("recovered as backend ", backend,
                       " says (recovery-wait 0: B's SAs and the peer's misses not watched)"));
        status_.result(peer, backend, "recovered as the backend says (not watched)");
        return Verdict::recovered;
    }
    const auto before = misses.last();
    RecoveryOutcome outcome(clock_.now(), config_.recovery_wait, before ? before->count : 0);
    const uint64_t since = event.timestamp_ns ? event.timestamp_ns : realtime_now_ns();
    uint64_t sa_ms = 0;
    KernelSad sad;
    for (;;) {
        const auto presence = sad.find_from(remote); // an error tells nothing: asked again
        if (presence && !presence->inbound)
            outcome.no_inbound_sa();
        else if (presence && outcome.sa_description().empty()) {
            const uint64_t now = realtime_now_ns();
            sa_ms = now > since ? (now - since) / 1000000 : 0;
            outcome.inbound_sa(clock_.now(), presence->description);
            log.info(cat("new inbound SA: ", presence->description, " installed ", sa_ms,
                         " ms after the dropped packet; watching the stale SPI for ",
                         RecoveryOutcome::quiet.count(), " s"));
        }
        if (auto last = misses.last())
            outcome.miss(*last);
        const Verdict verdict = outcome.verdict(clock_.now());
        const std::string wait = cat(config_.recovery_wait.count(), " s");
        switch (verdict) {
        case Verdict::watching:
            break;
        case Verdict::recovered:
            log.notice(cat("recovered: ", outcome.sa_description(), " installed ", sa_ms,
                           " ms after the dropped packet, and no packet on the stale SPI in the ",
                           RecoveryOutcome::quiet.count(), " s after it"));
            status_.result(peer, backend, "recovered: " + outcome.sa_description(), sa_ms);
            return verdict;
        case Verdict::ignored: {
            // native and vici (charon without an IKE SA with the peer) send INITIAL_CONTACT.
            const std::string text =
                cat("not recovered: after backend ", backend,
                    " the peer still sends on its stale SAs (", outcome.misses_text(),
                    ") and no inbound SA from the peer appeared",
                    backend == "exec" ? ""
                                      : ": it ignored INITIAL_CONTACT (a likely cause: unique "
                                        "= never in its strongSwan connection)");
            log.warning(text);
            status_.result(peer, backend, text);
            return verdict;
        }
        case Verdict::stale_continues: {
            const std::string text =
                cat("not recovered: a new inbound SA appeared (", outcome.sa_description(),
                    "), but within the ", wait, " after backend ", backend,
                    " the peer kept sending on its stale SAs (", outcome.misses_text(), ")");
            log.warning(text);
            status_.result(peer, backend, text);
            return verdict;
        }
        case Verdict::lost_again: {
            const std::string text =
                cat("ended: the new inbound SA (", outcome.sa_description(),
                    ") left B's kernel SAD before the verdict; B lost its SAs again (charon "
                    "restarted?), and the peer's next miss starts a new recovery at once");
            log.warning(text);
            status_.result(peer, backend, text);
            return verdict;
        }
        case Verdict::no_new_sa: {
            const std::string text =
                cat("not recovered: no inbound SA from the peer appeared within ", wait,
                    " after backend ", backend, " finished (", outcome.misses_text(), ")");
            log.warning(text);
            status_.result(peer, backend, text);
            return verdict;
        }
        }
        if (!sleep_unless_stopped(stop, outcome.sa_description().empty() ? sa_poll : sa_recheck))
            return verdict;
    }
}

} // namespace spirecovery
