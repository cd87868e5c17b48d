// SPDX-License-Identifier: GPL-2.0
#include "tools/src/monitor.h"

#include <cerrno>
#include <cstring>
#include <iostream>
#include <poll.h>
#include <signal.h>
#include <string>
#include <sys/signalfd.h>

#include "tools/lib/unique_fd.h"
#include "tools/src/errors.h"
#include "tools/src/render.h"

namespace spirecovery::ctl {

namespace {

// SIGINT and SIGTERM as a readable descriptor, so the poll loop ends cleanly between events.
UniqueFd stop_signals() {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &mask, nullptr) < 0)
        throw Failure(std::string("cannot block SIGINT and SIGTERM: ") + std::strerror(errno));
    UniqueFd fd(signalfd(-1, &mask, SFD_CLOEXEC));
    if (!fd)
        throw Failure(std::string("cannot create a signalfd: ") + std::strerror(errno));
    return fd;
}

void check_written(const std::ostream& out) {
    if (!out)
        throw Failure("cannot write to standard output");
}

} // namespace

int run_monitor(OutputFormat format, bool timestamps) {
    // The stream joins first and reads the counter second: every event sent after the read
    // either reaches us or is counted as lost.
    EventStream events;
    if (!events.attach())
        throw Failure(module_not_loaded_message());
    const UniqueFd signals = stop_signals();

    const auto out = make_printer(std::cout, format);
    const auto notices = make_printer(std::cerr, {});
    Printer& loss_out = format.json ? *out : *notices;

    const EventStream::Handlers handlers{
        .event =
            [&](const Event& event) {
                render_event(*out, event, timestamps);
                check_written(std::cout);
            },
        .malformed =
            [&](const DecodeError& e) {
                std::cerr << "spirecoveryctl: skipped a malformed event: " << e.what() << "\n";
            },
        .foreign_message =
            [&](std::uint32_t port) {
                std::cerr << "spirecoveryctl: ignored a message from netlink port " << port
                          << ", not the kernel\n";
            },
    };

    pollfd fds[] = {{events.fd(), POLLIN, 0}, {signals.get(), POLLIN, 0}};
    for (;;) {
        if (poll(fds, std::size(fds), -1) < 0) {
            if (errno == EINTR)
                continue;
            throw Failure(std::string("poll: ") + std::strerror(errno));
        }
        if (fds[1].revents)
            return exit_ok;
        if (!fds[0].revents)
            continue;
        EventStream::Status status = events.receive(handlers);
        if (status == EventStream::Status::overrun) {
            // Print what did get queued, then count what did not.
            do
                status = events.receive(handlers);
            while (status == EventStream::Status::read || status == EventStream::Status::overrun);
            if (status == EventStream::Status::empty) {
                render_overrun(loss_out, events.newly_lost());
                check_written(std::cout);
            }
        }
        // A module loaded again is a new one: its events are not the ones this monitor counted.
        if (status == EventStream::Status::module_removed ||
            status == EventStream::Status::module_added)
            throw Failure("the spirecovery kernel module was unloaded: no more events");
    }
}

} // namespace spirecovery::ctl
