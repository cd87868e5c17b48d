// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/log.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <syslog.h>

namespace spirecovery {

namespace {

constexpr std::array level_names{"error", "warning", "notice", "info", "debug"};
constexpr std::array syslog_priorities{LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG};

} // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
    for (size_t i = 0; i < level_names.size(); i++)
        if (text == level_names[i])
            return static_cast<LogLevel>(i);
    return std::nullopt;
}

std::string_view to_string(LogLevel level) {
    return level_names[static_cast<size_t>(level)];
}

Logger::Logger(Options options) : options_(options) {
    if (options_.to_syslog)
        openlog("spirecoveryd", LOG_PID, LOG_DAEMON);
}

Logger::~Logger() {
    if (options_.to_syslog)
        closelog();
}

void Logger::log(LogLevel level, std::string_view line) {
    if (!enabled(level))
        return;
    std::lock_guard lock(mutex_);
    if (options_.to_syslog)
        syslog(syslog_priorities[static_cast<size_t>(level)], "%.*s", static_cast<int>(line.size()),
               line.data());
    if (options_.to_stderr) {
        // Millisecond wall-clock stamps let an operator line the log up with packet captures.
        auto now = std::chrono::system_clock::now();
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
        std::time_t secs = ms.count() / 1000;
        std::tm tm{};
        localtime_r(&secs, &tm);
        char stamp[32];
        std::strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
        std::fprintf(
            stderr, "%s.%03lld %-7s %.*s\n", stamp, static_cast<long long>(ms.count() % 1000),
            level_names[static_cast<size_t>(level)], static_cast<int>(line.size()), line.data());
        std::fflush(stderr);
    }
}

} // namespace spirecovery
