// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace spirecovery {

// The misses the module reported from a peer while its recovery runs. The event loop records
// them (the rules skip such events), the recovery's thread reads them: thread-safe.
class MissLog {
public:
    using time_point = std::chrono::steady_clock::time_point;
    struct Last {
        time_point at;
        std::optional<uint32_t> spi;
        unsigned count = 0; // misses recorded so far
    };
    void record(time_point at, std::optional<uint32_t> spi);
    std::optional<Last> last() const;

private:
    mutable std::mutex mutex_;
    std::optional<Last> last_;
};

// What the peer did after a backend ended, from the two things B can observe: an inbound SA
// from the peer in B's kernel SAD, and the module's misses from the peer (packets on the stale
// SPI, rate-limited to at least one event per second while they go on). I/O-free: the caller
// feeds it and asks with its own clock.
class RecoveryOutcome {
public:
    using time_point = std::chrono::steady_clock::time_point;
    // Misses this soon after the backend ended are packets already under way, or events still
    // queued: they say nothing about the peer's answer.
    static constexpr std::chrono::seconds grace{2};
    // Without a miss for this long after the new SA appeared, the stale SPI is taken as
    // abandoned: longer than the module's slowest per-source rate (one event per second).
    static constexpr std::chrono::seconds quiet{3};

    enum class Verdict {
        watching,        // nothing conclusive yet
        recovered,       // a new inbound SA, and no miss for `quiet` after it
        ignored,         // no new inbound SA, and misses go on after the grace: the peer kept
                         // its stale SAs
        stale_continues, // wait over: a new inbound SA, but the misses went on
        no_new_sa,       // wait over: no inbound SA from the peer
        lost_again,      // the new inbound SA left B's SAD before the verdict: B lost its SAs
                         // once more (charon restarted), a new loss for a new recovery
    };

    // `ended`: when the backend returned; `wait`: recovery-wait (more than 0); `misses_before`:
    // MissLog's count then.
    RecoveryOutcome(time_point ended, std::chrono::seconds wait, unsigned misses_before)
        : ended_(ended), wait_(wait), misses_before_(misses_before) {}

    // The latest miss from the peer (MissLog::last()), as often as the caller likes.
    void miss(const MissLog::Last& last);
    // B's kernel SAD holds an inbound SA from the peer; the first call counts.
    void inbound_sa(time_point at, const std::string& description);
    // B's kernel SAD holds no inbound SA from the peer (any more). Counts only after
    // inbound_sa(): a re-key installs the new SA before it deletes the old one.
    void no_inbound_sa();
    Verdict verdict(time_point now) const;

    const std::string& sa_description() const { return sa_description_; }
    // The misses observed since the backend ended, for the log and the status: "3 misses
    // from the peer since, the last on SPI 0x00001000 4.2 s after it", or "no miss from the
    // peer since".
    std::string misses_text() const;

private:
    // The misses that count: after the grace, and once an SA is there, after it.
    std::optional<time_point> last_counted_miss() const;

    const time_point ended_;
    const std::chrono::seconds wait_;
    std::optional<time_point> sa_at_;
    std::string sa_description_;
    bool sa_gone_ = false;
    const unsigned misses_before_;
    std::optional<MissLog::Last> last_miss_;
};

} // namespace spirecovery
