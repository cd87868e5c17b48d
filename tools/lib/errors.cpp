// SPDX-License-Identifier: GPL-2.0
#include "tools/lib/errors.h"

#include <cerrno>
#include <cstring>

#include <netlink/errno.h>

namespace spirecovery::ctl {

namespace {

const char permission_message[] =
    "not permitted: this needs CAP_NET_ADMIN in the network namespace (run as root)";

} // namespace

std::string module_not_loaded_message() {
    return "the spirecovery kernel module is not loaded (run: modprobe spirecovery)";
}

std::string kernel_error_message(std::string_view operation, const KernelAck& ack,
                                 std::optional<std::string_view> attribute) {
    if (ack.error == EPERM || ack.error == EACCES)
        return permission_message;

    std::string text = ack.message.empty() && ack.error != EINVAL && ack.error != ERANGE
                           ? std::string(operation) + " failed: "
                           : "the kernel rejected " + std::string(operation) + ": ";
    const std::string reason = ack.message.empty() ? std::strerror(ack.error) : ack.message;
    // Name the attribute and the range unless the kernel's words already do.
    if (attribute && reason.find(*attribute) == std::string::npos)
        text += std::string(*attribute) + ": ";
    text += reason;
    if (ack.min && ack.max) {
        const std::string range = std::to_string(*ack.min) + ".." + std::to_string(*ack.max);
        if (reason.find(range) == std::string::npos)
            text += " (allowed " + range + ")";
    }
    return text;
}

std::string peer_refusal_message(std::string_view operation, const KernelAck& ack,
                                 std::string_view peer) {
    if (ack.error == EPERM || ack.error == EACCES)
        return permission_message;
    const char* name = strerrorname_np(ack.error);
    return std::string(operation) + ": the kernel refused " + std::string(peer) + ": " +
           (ack.message.empty() ? std::strerror(ack.error) : ack.message) + " (" +
           (name ? name : "errno " + std::to_string(ack.error)) + ")";
}

std::string netlink_error_message(std::string_view action, int nl_error) {
    if (nl_error == -NLE_PERM)
        return permission_message;
    return std::string(action) + ": " + nl_geterror(nl_error);
}

} // namespace spirecovery::ctl
