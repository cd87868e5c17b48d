// What went wrong, in words an operator can act on: each message names the cause and, where there
// is one, the fix. Pure functions, so every wording is unit tested.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tools/src/extack.h"

namespace spirecovery::ctl {

// Exit statuses (documented in spirecoveryctl.8).
inline constexpr int exit_ok = 0;
inline constexpr int exit_usage = 1;
inline constexpr int exit_failure = 2;

// A runtime failure; what() is the complete message. Exits with exit_failure.
class Failure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

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

std::string module_not_loaded_message();

// A request the kernel refused. `operation` is the spec's name for it ("set-config");
// `attribute` names the attribute the extended ACK points at, if any.
std::string kernel_error_message(std::string_view operation, const KernelAck& ack,
                                 std::optional<std::string_view> attribute);

// A libnl call that failed before the kernel answered (`nl_error` is a negative NLE_* code).
std::string netlink_error_message(std::string_view action, int nl_error);

// Entering /run/netns/NAME failed with `error` (an errno value).
std::string netns_error_message(std::string_view name, int error);

} // namespace spirecovery::ctl
