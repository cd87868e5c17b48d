// SPDX-License-Identifier: GPL-2.0
#include "tools/src/netns.h"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sched.h>
#include <sys/stat.h>

#include "tools/lib/unique_fd.h"
#include "tools/src/errors.h"

namespace spirecovery::ctl {

void enter_netns(const std::string& name) {
    const UniqueFd fd(::open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd || ::setns(fd.get(), CLONE_NEWNET) < 0)
        throw Failure(netns_error_message(name, errno));
}

std::string current_netns_label() {
    struct stat self {};
    if (::stat("/proc/self/ns/net", &self) < 0)
        throw Failure(std::string("cannot read /proc/self/ns/net: ") + std::strerror(errno) +
                      " (is /proc mounted?)");
    // No /run/netns is no name, not an error.
    const std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir("/run/netns"), ::closedir);
    while (dir) {
        const dirent* entry = ::readdir(dir.get());
        if (!entry)
            break;
        struct stat named {};
        if (::fstatat(::dirfd(dir.get()), entry->d_name, &named, 0) == 0 &&
            named.st_dev == self.st_dev && named.st_ino == self.st_ino)
            return entry->d_name;
    }
    return "net:[" + std::to_string(self.st_ino) + "]";
}

} // namespace spirecovery::ctl
