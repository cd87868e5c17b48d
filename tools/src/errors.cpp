// SPDX-License-Identifier: GPL-2.0
#include "tools/src/errors.h"

#include <cerrno>
#include <cstring>

namespace spirecovery::ctl {

std::string netns_error_message(std::string_view name, int error) {
    const std::string quoted = "\"" + std::string(name) + "\"";
    switch (error) {
    case ENOENT:
        return "network namespace " + quoted + " not found (there is no /run/netns/" +
               std::string(name) + "; list them with: ip netns list)";
    case EPERM:
    case EACCES:
        return "not permitted to enter network namespace " + quoted +
               ": this needs CAP_SYS_ADMIN (run as root)";
    case EINVAL:
        return "/run/netns/" + std::string(name) + " is not a network namespace";
    default:
        return "cannot enter network namespace " + quoted + ": " + std::strerror(error);
    }
}

} // namespace spirecovery::ctl
