// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace spirecovery {

enum class LogLevel { error, warning, notice, info, debug };

std::optional<LogLevel> parse_log_level(std::string_view text);
std::string_view to_string(LogLevel level);

// Concatenates the stream representations of its arguments.
template <typename... Args>
std::string cat(const Args&... args) {
    std::ostringstream out;
    (out << ... << args);
    return out.str();
}

// Thread-safe line logger writing to syslog (journald picks it up) and/or stderr.
class Logger {
public:
    struct Options {
        LogLevel level = LogLevel::info;
        bool to_syslog = true;
        bool to_stderr = false;
    };

    explicit Logger(Options options);
    ~Logger();
    Logger(const Logger&) = delete;
    Logger& operator=(const Logger&) = delete;

    bool enabled(LogLevel level) const { return level <= options_.level; }
    void log(LogLevel level, std::string_view line);

    void error(std::string_view line) { log(LogLevel::error, line); }
    void warning(std::string_view line) { log(LogLevel::warning, line); }
    void notice(std::string_view line) { log(LogLevel::notice, line); }
    void info(std::string_view line) { log(LogLevel::info, line); }
    void debug(std::string_view line) { log(LogLevel::debug, line); }

private:
    Options options_;
    std::mutex mutex_;
};

} // namespace spirecovery

namespace spirecovery {

// Prefixes every line with the peer it concerns, so one grep follows one peer.
class PeerLog {
public:
    PeerLog(Logger& logger, std::string prefix) : logger_(logger), prefix_(std::move(prefix)) {}

    void log(LogLevel level, std::string_view line) {
        logger_.log(level, prefix_ + std::string(line));
    }
    void error(std::string_view line) { log(LogLevel::error, line); }
    void warning(std::string_view line) { log(LogLevel::warning, line); }
    void notice(std::string_view line) { log(LogLevel::notice, line); }
    void info(std::string_view line) { log(LogLevel::info, line); }
    void debug(std::string_view line) { log(LogLevel::debug, line); }

private:
    Logger& logger_;
    std::string prefix_;
};

} // namespace spirecovery
