// SPDX-License-Identifier: GPL-2.0
// What went wrong with the command line, and the exit statuses; the module's failures are in
// tools/lib/errors.h.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "tools/lib/errors.h"

namespace spirecovery::ctl {

// Exit statuses (documented in spirecoveryctl.8).
inline constexpr int exit_ok = 0;
inline constexpr int exit_usage = 1;
inline constexpr int exit_failure = 2;

// A command line that cannot be run; what() says why. Exits with exit_usage. `command` is the
// command whose help would explain (empty: the general help); with_usage() errors are followed
// by the whole usage text, the others by a pointer to the help.
class UsageError : public std::runtime_error {
public:
    explicit UsageError(const std::string& message, std::string_view command = {})
        : std::runtime_error(message), command_(command) {}
    static UsageError with_usage(const std::string& message) {
        UsageError e(message);
        e.with_usage_ = true;
        return e;
    }

    const std::string& command() const { return command_; }
    bool shows_usage() const { return with_usage_; }

private:
    std::string command_;
    bool with_usage_ = false;
};

// Entering /run/netns/NAME failed with `error` (an errno value).
std::string netns_error_message(std::string_view name, int error);

} // namespace spirecovery::ctl
