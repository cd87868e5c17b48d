// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/stop_fd.h"

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <sys/eventfd.h>

#include "ike/daemon/log.h"

namespace spirecovery {

namespace {

int make_eventfd() {
    const int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0)
        throw std::runtime_error(cat("eventfd: ", std::strerror(errno)));
    return fd;
}

} // namespace

void StopFd::Wake::operator()() const {
    const uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(fd, &one, sizeof(one));
}

StopFd::StopFd(std::stop_token stop) : fd_(make_eventfd()), wake_(stop, Wake{fd_.get()}) {}

bool sleep_unless_stopped(std::stop_token stop, std::chrono::milliseconds duration) {
    std::mutex mutex;
    std::condition_variable_any cv;
    std::unique_lock lock(mutex);
    cv.wait_for(lock, stop, duration, [] { return false; });
    return !stop.stop_requested();
}

} // namespace spirecovery
