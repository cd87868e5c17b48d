// SPDX-License-Identifier: GPL-2.0
#include "tools/src/netns.h"

#include <cerrno>
#include <fcntl.h>
#include <sched.h>

#include "tools/lib/unique_fd.h"
#include "tools/src/errors.h"

namespace spirecovery::ctl {

void enter_netns(const std::string& name) {
    const UniqueFd fd(::open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd || ::setns(fd.get(), CLONE_NEWNET) < 0)
        throw Failure(netns_error_message(name, errno));
}

} // namespace spirecovery::ctl
