// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "ike/daemon/config.hpp"

namespace spirecovery {

// What the daemon last saw and did per peer, kept in a state file that `spirecoveryd
// --status` prints. Thread-safe: recoveries update it from their own threads.
class StatusBoard {
public:
    struct PeerStatus {
        std::string address;
        std::string last_event;    // stamped description of the last miss from the peer
        std::string last_decision; // stamped "acting: ..." or "skipped: ..."
        std::string backend;       // the backend that ran last
        std::string result;        // "running", "recovered ...", "failed: ..."
        std::optional<uint64_t> time_to_recover_ms;
    };

    // Writes the file at `path` (empty: memory only) now and after every update; a failure
    // to write is logged once.
    StatusBoard(const DaemonConfig& config, std::string path, Logger& log);

    void event(const PeerConfig& peer, const std::string& description);
    void decision(const PeerConfig& peer, const std::string& reason);
    void result(const PeerConfig& peer, const std::string& backend, const std::string& result,
                std::optional<uint64_t> time_to_recover_ms = std::nullopt);

    std::string render() const;

private:
    // Writes the state file atomically (temporary file + rename).
    void write_locked();
    std::string render_locked() const;

    mutable std::mutex mutex_;
    std::string path_;
    Logger& log_;
    bool write_failed_ = false;
    std::map<std::string, PeerStatus> peers_; // by peer name
};

// "15:04:05.123" in local time, for wall-clock nanoseconds since the epoch.
std::string clock_time(uint64_t realtime_ns);
uint64_t realtime_now_ns();

} // namespace spirecovery
