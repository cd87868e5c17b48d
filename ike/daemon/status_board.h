// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "ike/daemon/config.h"

namespace spirecovery {

// What the daemon last saw and did per peer, kept in a state file that `spirecoveryd
// --status` prints. Thread-safe: recoveries update it from their own threads. Updates only
// change memory; a thread of its own writes the file after them, so that no file system
// work sits between an event and the recovery's first packet.
class StatusBoard {
public:
    struct Stamped {
        uint64_t realtime_ns = 0; // 0: never
        std::string text;
    };
    struct PeerStatus {
        std::string address;
        uint64_t events = 0;   // triggers seen (events, resynchronisations, command line)
        Stamped last_event;    // description of the last miss from the peer
        Stamped last_decision; // "acting: ..." or "skipped: ..."
        std::string backend;   // the backend that ran last
        Stamped result;        // "running", "recovered ...", "failed: ..."
        std::optional<uint64_t> time_to_recover_ms;
        std::string next; // "hold-down until ..." or "backing off after ...", or empty
    };

    // Writes the file at `path` (empty: memory only), and the same as JSON at path + ".json",
    // now and soon after every update (a burst of updates may become one write); a failure
    // to write is logged once. Creates the file's directory (mode 0755) if missing.
    StatusBoard(const DaemonConfig& config, std::string path, Logger& log);
    // Writes the last state.
    ~StatusBoard();
    StatusBoard(const StatusBoard&) = delete;
    StatusBoard& operator=(const StatusBoard&) = delete;

    void event(const PeerConfig& peer, const std::string& description);
    void decision(const PeerConfig& peer, const std::string& reason);
    void result(const PeerConfig& peer, const std::string& backend, const std::string& result,
                std::optional<uint64_t> time_to_recover_ms = std::nullopt);
    void schedule(const PeerConfig& peer, const std::string& next);
    // Recoveries on configured paths with an exchange in flight, those waiting for a slot
    // (storm control), and those that ended their exchange and wait for the verdict.
    void recoveries(unsigned running, size_t queued, unsigned watching);

    std::string render() const;
    std::string render_json() const;
    // Returns once the file shows every update made before the call.
    void flush();

private:
    void updated_locked();
    void write_files(const std::string& text, const std::string& json);
    void writer(std::stop_token stop);
    std::string render_locked() const;
    std::string render_json_locked() const;

    mutable std::mutex mutex_;
    std::condition_variable_any changed_;
    std::string path_;
    Logger& log_;
    bool write_failed_ = false; // one writer at a time: constructor, writer_, destructor
    std::map<std::string, PeerStatus> peers_; // by peer name
    const unsigned max_exchanges_;
    const unsigned max_queued_;
    unsigned running_ = 0;
    size_t queued_ = 0;
    unsigned watching_ = 0;
    uint64_t version_ = 0; // of peers_
    uint64_t written_ = 0; // the version the file shows
    std::jthread writer_;  // last: stops before the rest goes
};

// The JSON state file next to the text one, read by --status -j.
std::string json_state_file(const std::string& state_file);

// "2026-11-23 15:04:05.123" in local time, for wall-clock nanoseconds since the epoch.
std::string clock_time(uint64_t realtime_ns);
uint64_t realtime_now_ns();

} // namespace spirecovery
