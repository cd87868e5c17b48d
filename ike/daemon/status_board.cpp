// SPDX-License-Identifier: GPL-2.0-only
#include "ike/daemon/status_board.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <unistd.h>

namespace spirecovery {

uint64_t realtime_now_ns() {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
}

std::string clock_time(uint64_t realtime_ns) {
    const std::time_t secs = static_cast<std::time_t>(realtime_ns / 1000000000);
    std::tm tm{};
    localtime_r(&secs, &tm);
    char buf[48];
    const size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof(buf) - n, ".%03u",
                  static_cast<unsigned>(realtime_ns / 1000000 % 1000));
    return buf;
}

StatusBoard::StatusBoard(const DaemonConfig& config, std::string path, Logger& log)
    : path_(std::move(path)), log_(log) {
    for (const auto& peer : config.peers) {
        PeerStatus& s = peers_[peer.name];
        s.address = peer.address.to_string();
        if (!peer.enabled)
            s.result = "disabled in the configuration";
    }
    write_file(render_locked());
    writer_ = std::jthread([this](std::stop_token stop) { writer(stop); });
}

StatusBoard::~StatusBoard() {
    writer_.request_stop();
    writer_.join();
    std::lock_guard lock(mutex_);
    if (written_ != version_)
        write_file(render_locked());
}

void StatusBoard::event(const PeerConfig& peer, const std::string& description) {
    std::lock_guard lock(mutex_);
    peers_[peer.name].last_event = clock_time(realtime_now_ns()) + "  " + description;
    updated_locked();
}

void StatusBoard::decision(const PeerConfig& peer, const std::string& reason) {
    std::lock_guard lock(mutex_);
    peers_[peer.name].last_decision = clock_time(realtime_now_ns()) + "  " + reason;
    updated_locked();
}

void StatusBoard::result(const PeerConfig& peer, const std::string& backend,
                         const std::string& result, std::optional<uint64_t> time_to_recover_ms) {
    std::lock_guard lock(mutex_);
    PeerStatus& s = peers_[peer.name];
    s.backend = backend;
    s.result = clock_time(realtime_now_ns()) + "  " + result;
    s.time_to_recover_ms = time_to_recover_ms;
    updated_locked();
}

void StatusBoard::updated_locked() {
    version_++;
    changed_.notify_all();
}

void StatusBoard::flush() {
    std::unique_lock lock(mutex_);
    const uint64_t wanted = version_;
    changed_.wait(lock, [&] { return written_ >= wanted; });
}

void StatusBoard::writer(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (changed_.wait(lock, stop, [this] { return written_ != version_; })) {
        const uint64_t version = version_;
        const std::string text = render_locked();
        lock.unlock();
        write_file(text);
        lock.lock();
        written_ = version;
        changed_.notify_all();
    }
}

std::string StatusBoard::render() const {
    std::lock_guard lock(mutex_);
    return render_locked();
}

std::string StatusBoard::render_locked() const {
    std::string out =
        cat("spirecoveryd status at ", clock_time(realtime_now_ns()), " (pid ", getpid(), ")\n");
    const auto line = [&](const char* label, const std::string& value) {
        char head[32];
        std::snprintf(head, sizeof(head), "  %-16s", label);
        out += head + (value.empty() ? std::string("-") : value) + "\n";
    };
    for (const auto& [name, s] : peers_) {
        out += cat("peer ", name, " (", s.address, ")\n");
        line("last event", s.last_event);
        line("last decision", s.last_decision);
        line("backend", s.backend);
        line("result", s.result);
        line("time to recover", s.time_to_recover_ms ? cat(*s.time_to_recover_ms, " ms") : "");
    }
    return out;
}

// Atomically: a temporary file, then rename.
void StatusBoard::write_file(const std::string& text) {
    if (path_.empty())
        return;
    const std::string tmp = path_ + ".tmp";
    std::string error;
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << text;
        if (!out.flush())
            error = cat("cannot write the state file ", tmp, ": ", std::strerror(errno));
    }
    if (error.empty() && std::rename(tmp.c_str(), path_.c_str()) != 0)
        error = cat("cannot rename ", tmp, " to ", path_, ": ", std::strerror(errno));
    if (!error.empty() && !write_failed_)
        log_.error(error + " (--status will not show the daemon's state)");
    write_failed_ = !error.empty();
}

} // namespace spirecovery
