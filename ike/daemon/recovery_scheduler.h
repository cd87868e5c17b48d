// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <atomic>
#include <condition_variable>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include "ike/daemon/backend.h"
#include "ike/daemon/config.h"
#include "ike/daemon/recovery_outcome.h"
#include "ike/daemon/recovery_policy.h"
#include "ike/daemon/sa_inventory.h"
#include "ike/daemon/status_board.h"
#include "ike/daemon/vici_backend.h"
#include "ike/lib/crypto.h"

namespace spirecovery {

// "peer NAME (ADDRESS): ", the prefix of every log line about a peer; for a hub's prefix
// "peer NAME (PREFIX, spoke ADDRESS): " when the line concerns one spoke.
std::string peer_prefix(const PeerConfig& peer, const std::optional<ike::IpAddress>& spoke = {});

// The one path from a trigger (event, resynchronisation, command line) to a recovery: the
// decision on the event loop (cheap rules and the kernel SAD only, nothing that can block),
// then in the recovery's own thread a random pause, the final checks (kernel SAD and
// charon, which may hang: "cannot tell" means no action), the backends in order, the wait
// for the peer's new SA and the hold-down or back-off. Every log line and status update of
// a recovery is made here.
class RecoveryScheduler {
public:
    // Charon could not answer: asked again this often, up to cannot_tell_for.
    static constexpr std::chrono::seconds cannot_tell_retry{5};
    static constexpr std::chrono::seconds cannot_tell_for{60};

    // Writes 1 to the eventfd `done_fd` whenever a recovery ends; call reap() then.
    RecoveryScheduler(const DaemonConfig& config, Logger& log, StatusBoard& status, int done_fd,
                      ike::crypto::RandomSource& random, const MonotonicClock& clock);
    // Stops every running recovery and waits for them (each wait is interruptible).
    ~RecoveryScheduler();
    RecoveryScheduler(const RecoveryScheduler&) = delete;
    RecoveryScheduler& operator=(const RecoveryScheduler&) = delete;

    // A miss from event.source: logs `what`, records `status_event` for a configured peer,
    // decides, and starts a recovery when the rules allow, or queues it when every slot is
    // taken. Returns whether one started or was queued.
    bool trigger(const MissEvent& event, const std::string& what, const std::string& status_event);
    // Joins the recoveries that ended and starts queued ones in their slots; returns each
    // that ended with whether it recovered the peer.
    std::vector<std::pair<const PeerConfig*, bool>> reap();

private:
    // A recovery's max-exchanges slot, handed between its thread and the event loop, which
    // alone tells the policy: the thread frees it while it waits for the verdict and asks
    // for it again before the next backend. A recovery starts with its slot.
    class Slot {
    public:
        enum class Request { none, release, acquire };
        // The thread's side; the caller then wakes the event loop.
        void release();
        void want();
        bool wait_granted(std::stop_token stop); // false: the daemon stops
        bool held();
        // The event loop's side: what the thread asks for, and the answer to an acquire.
        Request request();
        void grant();

    private:
        enum class State { held, releasing, free, wanted };
        std::mutex mutex_;
        std::condition_variable_any granted_;
        State state_ = State::held;
    };
    struct Job {
        const PeerConfig* peer = nullptr;
        RecoveryPath path; // the lane it holds
        std::atomic<bool> done{false};
        RecoveryResult result = RecoveryResult::not_attempted; // valid once done
        MissLog misses; // the peer's misses on this path while it runs: tell the outcome
        Slot slot;
        std::jthread thread;
    };

    void start(const PeerConfig& peer, const MissEvent& event, const RecoveryPath& path,
               std::chrono::milliseconds jitter);
    // Writes to done_fd: reap() has work.
    void wake();
    // The thread of `job` frees its slot, or takes it again (false: the daemon stops).
    void free_slot(Job& job);
    bool take_slot(Job& job, PeerLog& log, std::stop_token stop);
    // The counts of the status' recoveries line.
    void show_counts();
    RecoveryResult run(const PeerConfig& peer, const MissEvent& event, Job& job,
                       std::chrono::milliseconds jitter, std::stop_token stop);
    enum class FinalCheck {
        act,           // no SA with the peer: the backends in order
        restore_child, // SAs with the peer but none from it: vici's restore of a lost child
        stop,          // an SA from the peer, cannot tell, or the daemon stops
    };
    // `found`: for restore_child, the SAs with the peer that were found.
    FinalCheck final_check(const PeerConfig& peer, const MissEvent& event,
                           const ike::IpAddress& remote, std::span<SaInventory* const> inventories,
                           std::string& found, PeerLog& log, std::stop_token stop);
    // A live IKE SA's child lost its inbound SA: vici only (native's and exec's
    // INITIAL_CONTACT would tear the IKE SA down).
    RecoveryResult restore_child(const PeerConfig& peer, const MissEvent& event, Job& job,
                                 const std::string& found, PeerLog& log, std::stop_token stop);
    RecoveryResult run_backends(const PeerConfig& peer, const MissEvent& event, Job& job,
                                std::span<SaInventory* const> inventories, PeerLog& log,
                                std::stop_token stop);
    // After a backend succeeded: whether the peer took it (a new inbound SA, the stale SPI
    // silent), logged and in the status. `recovered` only then; with recovery-wait 0 the
    // backend's word is taken.
    RecoveryOutcome::Verdict watch_outcome(const PeerConfig& peer, const ike::IpAddress& remote,
                                           const MissEvent& event, const MissLog& misses,
                                           const std::string& backend, PeerLog& log,
                                           std::stop_token stop);
    void decided(const PeerConfig& peer, PeerLog& log, LogLevel level, const std::string& reason);

    const DaemonConfig& config_;
    Logger& log_;
    StatusBoard& status_;
    const int done_fd_;
    const MonotonicClock& clock_;
    RecoveryPolicy policy_;
    KernelSad kernel_sad_; // the event loop's; each recovery opens its own
    std::map<BackendKind, std::unique_ptr<RecoveryBackend>> backends_;
    ViciBackend* vici_ = nullptr; // backends_'s, when vici-socket is set
    std::list<Job> jobs_;         // last: joined before the rest goes
};

} // namespace spirecovery
