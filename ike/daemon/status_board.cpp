// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/status_board.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/lib/unique_fd.h"

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

std::string json_state_file(const std::string& state_file) {
    return state_file + ".json";
}

namespace {

StatusBoard::Stamped stamp(std::string text) {
    return {realtime_now_ns(), std::move(text)};
}

std::string shown(const StatusBoard::Stamped& s) {
    return s.realtime_ns ? clock_time(s.realtime_ns) + "  " + s.text : s.text;
}

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            char esc[8];
            std::snprintf(esc, sizeof(esc), "\\u%04x", u);
            out += esc;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string json_stamped(const StatusBoard::Stamped& s) {
    if (!s.realtime_ns && s.text.empty())
        return "null";
    return cat("{\"time\": ", s.realtime_ns ? json_string(clock_time(s.realtime_ns)) : "null",
               ", \"time_ns\": ", s.realtime_ns, ", \"text\": ", json_string(s.text), "}");
}

// Writes `text` to `path` atomically (a temporary file, then rename); the error or empty.
std::string write_atomically(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
    if (!fd)
        return cat("cannot write the state file ", tmp, ": ", std::strerror(errno));
    for (size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return cat("cannot write the state file ", tmp, ": ", std::strerror(errno));
        done += static_cast<size_t>(n);
    }
    fd.reset();
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        return cat("cannot rename ", tmp, " to ", path, ": ", std::strerror(errno));
    return {};
}

} // namespace

StatusBoard::StatusBoard(const DaemonConfig& config, std::string path, Logger& log)
    : path_(std::move(path)), log_(log), max_exchanges_(config.max_exchanges),
      max_queued_(config.max_queued) {
    for (const auto& peer : config.peers) {
        PeerStatus& s = peers_[peer.name];
        s.address = peer.address_text();
        if (!peer.enabled)
            s.result.text = "disabled in the configuration";
    }
    // Run by hand, the daemon finds no /run/spirecoveryd that systemd would have made.
    if (!path_.empty()) {
        const auto dir = std::filesystem::path(path_).parent_path();
        std::error_code ec;
        if (!dir.empty() && std::filesystem::create_directories(dir, ec))
            std::filesystem::permissions(dir, std::filesystem::perms(0755), ec);
    }
    write_files(render_locked(), render_json_locked());
    writer_ = std::jthread([this](std::stop_token stop) { writer(stop); });
}

StatusBoard::~StatusBoard() {
    writer_.request_stop();
    writer_.join();
    std::lock_guard lock(mutex_);
    if (written_ != version_)
        write_files(render_locked(), render_json_locked());
}

void StatusBoard::event(const PeerConfig& peer, const std::string& description) {
    std::lock_guard lock(mutex_);
    PeerStatus& s = peers_[peer.name];
    s.events++;
    s.last_event = stamp(description);
    updated_locked();
}

void StatusBoard::decision(const PeerConfig& peer, const std::string& reason) {
    std::lock_guard lock(mutex_);
    peers_[peer.name].last_decision = stamp(reason);
    updated_locked();
}

void StatusBoard::result(const PeerConfig& peer, const std::string& backend,
                         const std::string& result, std::optional<uint64_t> time_to_recover_ms) {
    std::lock_guard lock(mutex_);
    PeerStatus& s = peers_[peer.name];
    s.backend = backend;
    s.result = stamp(result);
    s.time_to_recover_ms = time_to_recover_ms;
    updated_locked();
}

void StatusBoard::schedule(const PeerConfig& peer, const std::string& next) {
    std::lock_guard lock(mutex_);
    peers_[peer.name].next = next;
    updated_locked();
}

void StatusBoard::recoveries(unsigned running, size_t queued, unsigned watching) {
    std::lock_guard lock(mutex_);
    if (running == running_ && queued == queued_ && watching == watching_)
        return;
    running_ = running;
    queued_ = queued;
    watching_ = watching;
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
        const std::string json = render_json_locked();
        lock.unlock();
        write_files(text, json);
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
    out +=
        cat("recoveries: ", running_, " in flight (max-exchanges ", max_exchanges_, "), ", queued_,
            " queued (max-queued ", max_queued_, "), ", watching_, " watching for the verdict\n");
    for (const auto& [name, s] : peers_) {
        out += cat("peer ", name, " (", s.address, ")\n");
        line("events", cat(s.events));
        line("last event", shown(s.last_event));
        line("last decision", shown(s.last_decision));
        line("backend", s.backend);
        line("result", shown(s.result));
        line("time to recover", s.time_to_recover_ms ? cat(*s.time_to_recover_ms, " ms") : "");
        line("next recovery", s.next.empty() ? "any time" : s.next);
    }
    return out;
}

std::string StatusBoard::render_json() const {
    std::lock_guard lock(mutex_);
    return render_json_locked();
}

std::string StatusBoard::render_json_locked() const {
    const uint64_t now = realtime_now_ns();
    std::string out =
        cat("{\"time\": ", json_string(clock_time(now)), ", \"time_ns\": ", now,
            ", \"pid\": ", getpid(), ", \"in_flight\": ", running_,
            ", \"max_exchanges\": ", max_exchanges_, ", \"queued\": ", queued_,
            ", \"max_queued\": ", max_queued_, ", \"watching\": ", watching_, ", \"peers\": [");
    bool first = true;
    for (const auto& [name, s] : peers_) {
        out += cat(first ? "" : ",", "\n  {\"name\": ", json_string(name),
                   ", \"address\": ", json_string(s.address), ", \"events\": ", s.events,
                   ", \"last_event\": ", json_stamped(s.last_event),
                   ", \"last_decision\": ", json_stamped(s.last_decision),
                   ", \"backend\": ", s.backend.empty() ? "null" : json_string(s.backend),
                   ", \"result\": ", json_stamped(s.result), ", \"time_to_recover_ms\": ",
                   s.time_to_recover_ms ? cat(*s.time_to_recover_ms) : "null",
                   ", \"next_recovery\": ", s.next.empty() ? "null" : json_string(s.next), "}");
        first = false;
    }
    return out + "\n]}\n";
}

void StatusBoard::write_files(const std::string& text, const std::string& json) {
    if (path_.empty())
        return;
    std::string error = write_atomically(path_, text);
    if (error.empty())
        error = write_atomically(json_state_file(path_), json);
    if (!error.empty() && !write_failed_)
        log_.error(error + " (--status will not show the daemon's state)");
    write_failed_ = !error.empty();
}

} // namespace spirecovery
