// SPDX-License-Identifier: GPL-2.0-only
#include "ike/daemon/exec_backend.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/lib/unique_fd.h"

namespace spirecovery {

namespace {

// Time a command gets between SIGTERM and SIGKILL.
constexpr std::chrono::seconds kill_grace{2};

void replace_all(std::string& s, std::string_view from, std::string_view to) {
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
        s.replace(pos, from.size(), to);
}

struct Pipe {
    UniqueFd read;
    UniqueFd write;
};

std::optional<Pipe> make_pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return std::nullopt;
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Logs the command's output line by line as it arrives.
class LineRelay {
public:
    explicit LineRelay(PeerLog& log) : log_(log) {}
    void feed(const char* data, size_t n) {
        pending_.append(data, n);
        for (size_t nl; (nl = pending_.find('\n')) != std::string::npos;) {
            emit(pending_.substr(0, nl));
            pending_.erase(0, nl + 1);
        }
        // A command that prints without newlines must not grow the buffer without bound.
        if (pending_.size() > 4096) {
            emit(pending_);
            pending_.clear();
        }
    }
    void flush() {
        if (!pending_.empty())
            emit(pending_);
        pending_.clear();
    }

private:
    void emit(const std::string& line) { log_.info(cat("exec: | ", line)); }
    PeerLog& log_;
    std::string pending_;
};

} // namespace

std::vector<std::string> expand_command(const std::vector<std::string>& templ,
                                        const MissEvent& event) {
    const std::string spi = event.spi_text();
    const std::string proto = event.proto == IPPROTO_AH ? "ah" : "esp";
    std::vector<std::string> argv;
    for (std::string arg : templ) {
        // Single pass per placeholder over the template text only: substituted values
        // contain no braces, so they cannot form a new placeholder.
        replace_all(arg, "{peer}", event.source.to_string());
        replace_all(arg, "{local}", event.destination.to_string());
        replace_all(arg, "{spi}", spi);
        replace_all(arg, "{proto}", proto);
        argv.push_back(std::move(arg));
    }
    return argv;
}

BackendOutcome ExecBackend::recover(const RecoveryRequest& request, PeerLog& log,
                                    std::stop_token stop) {
    using Verdict = BackendOutcome::Verdict;
    const auto args = expand_command(request.peer.exec_command, request.event);
    std::string shown;
    for (const auto& a : args)
        shown += (shown.empty() ? "" : " ") + a;
    log.info(cat("exec: running ", shown));

    // Everything the child needs is prepared before fork(): after it only async-signal-safe
    // calls are allowed in a threaded process.
    std::vector<char*> argv;
    for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const char* envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", nullptr};

    auto output = make_pipe();
    auto exec_error = make_pipe(); // carries errno if execve() fails; closes on success
    if (!output || !exec_error)
        return {Verdict::failed, cat("exec: pipe: ", std::strerror(errno))};

    const pid_t pid = fork();
    if (pid < 0)
        return {Verdict::failed, cat("exec: fork: ", std::strerror(errno))};
    if (pid == 0) {
        const int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, STDIN_FILENO);
        dup2(output->write.get(), STDOUT_FILENO);
        dup2(output->write.get(), STDERR_FILENO);
        execve(argv[0], argv.data(), const_cast<char* const*>(envp));
        const int err = errno;
        [[maybe_unused]] auto n = ::write(exec_error->write.get(), &err, sizeof(err));
        _exit(127);
    }
    output->write.reset();
    exec_error->write.reset();
    // A grandchild may keep the pipe open after the command exits: never block on it.
    fcntl(output->read.get(), F_SETFL, O_NONBLOCK);

    int exec_errno = 0;
    if (::read(exec_error->read.get(), &exec_errno, sizeof(exec_errno)) ==
        static_cast<ssize_t>(sizeof(exec_errno))) {
        waitpid(pid, nullptr, 0);
        // A command that cannot run at all is "unavailable": the next backend gets its turn.
        return {Verdict::unavailable,
                cat("exec: cannot run ", args.front(), ": ", std::strerror(exec_errno))};
    }

    LineRelay relay(log);
    const auto start = std::chrono::steady_clock::now();
    auto kill_at = start + timeout_;
    int signal_sent = 0;
    int status = 0;
    bool output_open = true;
    for (;;) {
        const pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid && !output_open)
            break;
        if (done == pid) {
            // The child is gone; drain what it left in the pipe, then stop.
            char buf[1024];
            ssize_t n;
            while ((n = ::read(output->read.get(), buf, sizeof(buf))) > 0)
                relay.feed(buf, static_cast<size_t>(n));
            break;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= kill_at || (stop.stop_requested() && !signal_sent)) {
            const int sig = signal_sent ? SIGKILL : SIGTERM;
            kill(pid, sig);
            if (!signal_sent)
                log.warning(cat("exec: ", args.front(),
                                stop.stop_requested()
                                    ? " stopped: daemon shutting down"
                                    : cat(" timed out after ", timeout_.count(), " s"),
                                ", sent SIGTERM"));
            signal_sent = sig;
            kill_at = now + kill_grace;
        }
        pollfd pfd{output_open ? output->read.get() : -1, POLLIN, 0};
        if (::poll(&pfd, 1, 100) > 0) {
            char buf[1024];
            const ssize_t n = ::read(output->read.get(), buf, sizeof(buf));
            if (n > 0)
                relay.feed(buf, static_cast<size_t>(n));
            else if (n == 0)
                output_open = false; // the command closed stdout; a grandchild may hold it too
        }
    }
    relay.flush();
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);

    if (WIFEXITED(status)) {
        const int code = WEXITSTATUS(status);
        const std::string text = cat("exec: ", args.front(), " exited with status ", code,
                                     " after ", took.count(), " ms");
        if (code == 0 && !signal_sent)
            return {Verdict::succeeded, text};
        return {Verdict::failed, text};
    }
    return {Verdict::failed,
            cat("exec: ", args.front(), " killed by signal ",
                WIFSIGNALED(status) ? WTERMSIG(status) : 0, " after ", took.count(), " ms")};
}

} // namespace spirecovery
