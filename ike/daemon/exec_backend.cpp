// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/exec_backend.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ike/daemon/stop_fd.h"
#include "tools/lib/unique_fd.h"

namespace spirecovery {

namespace {

// Time a command's process group gets between SIGTERM and SIGKILL: after its timeout, and
// when the daemon shuts down (short, so that SIGTERM ends the daemon within a second).
constexpr std::chrono::seconds kill_grace{2};
constexpr std::chrono::milliseconds shutdown_grace{500};
// How often the wait for the command looks whether it exited.
constexpr std::chrono::milliseconds exit_poll{50};

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

// A posix_spawn attribute or file action object, destroyed with the wrapper.
template <typename T, int (*init)(T*), int (*destroy)(T*)>
struct SpawnObject {
    SpawnObject() { init(&value); }
    ~SpawnObject() { destroy(&value); }
    SpawnObject(const SpawnObject&) = delete;
    SpawnObject& operator=(const SpawnObject&) = delete;
    T value;
};
using SpawnAttributes =
    SpawnObject<posix_spawnattr_t, posix_spawnattr_init, posix_spawnattr_destroy>;
using SpawnFileActions = SpawnObject<posix_spawn_file_actions_t, posix_spawn_file_actions_init,
                                     posix_spawn_file_actions_destroy>;

// Starts argv[0] as a fresh process: default dispositions for every signal and an empty
// mask (the daemon blocks SIGTERM and ignores SIGPIPE, which exec would pass on), a session
// and process group of its own (so that a timeout reaches its children too), stdin from
// /dev/null, stdout and stderr into `output`, no other fd. Returns the pid or an errno.
std::pair<pid_t, int> spawn(const std::vector<char*>& argv, char* const* envp, int output) {
    SpawnAttributes attributes;
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    SpawnFileActions files;
    int err = posix_spawnattr_setflags(
        &attributes.value, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
    if (!err)
        err = posix_spawnattr_setsigmask(&attributes.value, &none);
    if (!err)
        err = posix_spawnattr_setsigdefault(&attributes.value, &all);
    if (!err)
        err =
            posix_spawn_file_actions_addopen(&files.value, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!err)
        err = posix_spawn_file_actions_adddup2(&files.value, output, STDOUT_FILENO);
    if (!err)
        err = posix_spawn_file_actions_adddup2(&files.value, output, STDERR_FILENO);
    // Every fd of ours is O_CLOEXEC already; this also covers those a library opened.
    if (!err)
        err = posix_spawn_file_actions_addclosefrom_np(&files.value, STDERR_FILENO + 1);
    if (err)
        return {-1, err};
    pid_t pid = -1;
    err = posix_spawn(&pid, argv[0], &files.value, &attributes.value, argv.data(), envp);
    return {err ? -1 : pid, err};
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
                                        const RecoveryRequest& request) {
    const std::string spi = request.event.spi_text();
    const std::string proto = request.event.proto == IPPROTO_AH ? "ah" : "esp";
    std::vector<std::string> argv;
    for (std::string arg : templ) {
        // Single pass per placeholder over the template text only: substituted values
        // contain no braces, so they cannot form a new placeholder.
        replace_all(arg, "{peer}", request.path.remote.to_string());
        replace_all(arg, "{local}", request.path.local.to_string());
        replace_all(arg, "{spi}", spi);
        replace_all(arg, "{proto}", proto);
        argv.push_back(std::move(arg));
    }
    return argv;
}

BackendOutcome ExecBackend::recover(const RecoveryRequest& request, PeerLog& log,
                                    std::stop_token stop) {
    using Verdict = BackendOutcome::Verdict;
    const auto args = expand_command(request.peer.exec_command, request);
    std::string shown;
    for (const auto& a : args)
        shown += (shown.empty() ? "" : " ") + a;
    log.info(cat("exec: running ", shown));

    std::vector<char*> argv;
    for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const char* envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", nullptr};

    auto output = make_pipe();
    if (!output)
        return {Verdict::failed, cat("exec: pipe: ", std::strerror(errno))};
    const auto [pid, spawn_errno] =
        spawn(argv, const_cast<char* const*>(envp), output->write.get());
    if (pid < 0)
        // A command that cannot run at all is "unavailable": the next backend gets its turn.
        return {Verdict::unavailable,
                cat("exec: cannot run ", args.front(), ": ", std::strerror(spawn_errno))};
    output->write.reset();
    // A grandchild may keep the pipe open after the command exits: never block on it.
    fcntl(output->read.get(), F_SETFL, O_NONBLOCK);

    const StopFd stop_fd(stop);
    LineRelay relay(log);
    const auto start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point kill_at = start + timeout_;
    int signal_sent = 0;
    bool stopping = false;
    int status = 0;
    bool output_open = true;
    for (;;) {
        const pid_t done = waitpid(pid, &status, WNOHANG);
        if (done < 0 && errno != EINTR) {
            // Not ours to wait for any more (ECHILD): nothing left to reap.
            relay.flush();
            return {Verdict::failed, cat("exec: waitpid: ", std::strerror(errno))};
        }
        if (done == pid) {
            // The child is gone; drain what it left in the pipe, then stop.
            char buf[1024];
            ssize_t n;
            while (output_open && (n = ::read(output->read.get(), buf, sizeof(buf))) > 0)
                relay.feed(buf, static_cast<size_t>(n));
            // What a killed command left in its group had its SIGTERM already.
            if (signal_sent)
                kill(-pid, SIGKILL);
            break;
        }
        const auto now = std::chrono::steady_clock::now();
        if (stop.stop_requested() && !stopping) {
            stopping = true;
            if (!signal_sent) {
                kill(-pid, SIGTERM);
                signal_sent = SIGTERM;
                log.warning(cat("exec: ", args.front(),
                                " stopped: daemon shutting down, sent SIGTERM to its process "
                                "group"));
            }
            kill_at = std::min(kill_at, now + shutdown_grace);
        } else if (now >= kill_at && signal_sent != SIGKILL) {
            // The whole process group: the command's children too.
            if (!signal_sent)
                log.warning(cat("exec: ", args.front(), " timed out after ", timeout_.count(),
                                " s, sent SIGTERM to its process group"));
            signal_sent = signal_sent ? SIGKILL : SIGTERM;
            kill(-pid, signal_sent);
            kill_at = now + kill_grace;
        }
        pollfd pfd[2] = {{output_open ? output->read.get() : -1, POLLIN, 0},
                         {stopping ? -1 : stop_fd.get(), POLLIN, 0}};
        if (::poll(pfd, 2, static_cast<int>(exit_poll.count())) > 0 &&
            (pfd[0].revents & (POLLIN | POLLHUP))) {
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
