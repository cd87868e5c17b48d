// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <chrono>
#include <stop_token>

#include "tools/lib/unique_fd.h"

namespace spirecovery {

// An eventfd that becomes readable once `stop` is requested, so that a poll() waiting for
// a socket or a child also wakes at once on daemon shutdown (SIGTERM is answered within a
// second, whatever the recovery is waiting for).
class StopFd {
public:
    explicit StopFd(std::stop_token stop);
    StopFd(const StopFd&) = delete;
    StopFd& operator=(const StopFd&) = delete;

    int get() const { return fd_.get(); }

private:
    struct Wake {
        int fd;
        void operator()() const;
    };
    UniqueFd fd_;
    std::stop_callback<Wake> wake_; // after fd_: unregistered before the fd closes
};

// Waits `duration`; false when `stop` was requested first.
bool sleep_unless_stopped(std::stop_token stop, std::chrono::milliseconds duration);

} // namespace spirecovery
