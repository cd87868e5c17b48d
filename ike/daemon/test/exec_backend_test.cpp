// SPDX-License-Identifier: GPL-2.0
#include <csignal>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "ike/daemon/exec_backend.h"

using namespace spirecovery;
using Verdict = BackendOutcome::Verdict;

namespace {

MissEvent event() {
    MissEvent e;
    e.proto = IPPROTO_ESP;
    e.spi = 0xc0ffee;
    e.source = *ike::IpAddress::parse("2001:db8::a");
    e.destination = *ike::IpAddress::parse("2001:db8::b");
    return e;
}

struct Run {
    BackendOutcome outcome;
};

Run run(std::vector<std::string> command, std::chrono::seconds timeout = std::chrono::seconds(5),
        std::stop_token stop = {}) {
    PeerConfig peer;
    peer.name = "a";
    peer.exec_command = std::move(command);
    Logger logger({LogLevel::error, false, false});
    PeerLog log(logger, "");
    ExecBackend backend(timeout);
    return {backend.recover({peer, event(), {}, {}}, log, stop)};
}

// The daemon's signal state while the backend runs: SIGTERM and SIGINT blocked (for its
// signalfd), SIGPIPE ignored. A child that inherited it would never see the timeout's SIGTERM.
class DaemonSignals {
public:
    DaemonSignals() {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
        old_pipe_ = std::signal(SIGPIPE, SIG_IGN);
    }
    ~DaemonSignals() {
        std::signal(SIGPIPE, old_pipe_);
        pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
    }

private:
    sigset_t old_mask_;
    void (*old_pipe_)(int);
};

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string temp_path(const char* what) {
    return (std::filesystem::temp_directory_path() / cat("spirecoveryd-exec-", what, "-", getpid()))
        .string();
}

// Gone, or a zombie its new parent has not reaped yet.
bool process_gone(pid_t pid) {
    const std::string stat = slurp(cat("/proc/", pid, "/stat"));
    if (stat.empty())
        return true;
    const auto close = stat.rfind(')');
    return close != std::string::npos && stat.compare(close + 2, 1, "Z") == 0;
}

} // namespace

TEST(ExecBackend, ExpandsPlaceholdersPerArgument) {
    PeerConfig peer;
    peer.address = *ike::IpAddress::parse("2001:db8::a");
    RecoveryRequest request{peer, event(), {}, {}};
    request.path.remote = peer.address;
    request.path.local = *ike::IpAddress::parse("2001:db8::b");
    const auto argv = expand_command(
        {"/bin/cmd", "--peer={peer}", "{local}", "{spi}", "{proto}", "{unknown}", "{peer}{peer}"},
        request);
    EXPECT_EQ(argv, (std::vector<std::string>{"/bin/cmd", "--peer=2001:db8::a", "2001:db8::b",
                                              "0x00c0ffee", "esp", "{unknown}",
                                              "2001:db8::a2001:db8::a"}));
    request.event.proto = IPPROTO_AH;
    EXPECT_EQ(expand_command({"{proto}"}, request), std::vector<std::string>{"ah"});
    request.event.spi.reset(); // resynchronised after lost events
    EXPECT_EQ(expand_command({"{spi}"}, request), std::vector<std::string>{"unknown"});
}

TEST(ExecBackend, AddressesComeFromTheConfigurationAndThePathNeverFromThePacket) {
    PeerConfig peer;
    peer.address = *ike::IpAddress::parse("2001:db8::a");
    RecoveryRequest request{peer, event(), {}, {}};
    request.path.remote = peer.address;
    request.path.local = *ike::IpAddress::parse("2001:db8::b");
    request.event.source = *ike::IpAddress::parse("2001:db8::666");
    request.event.destination = *ike::IpAddress::parse("2001:db8::667");
    EXPECT_EQ(expand_command({"{peer}", "{local}"}, request),
              (std::vector<std::string>{"2001:db8::a", "2001:db8::b"}));
}

TEST(ExecBackend, AHubsPeerIsTheSpokeOfThePath) {
    PeerConfig hub;
    hub.address = *ike::IpAddress::parse("198.51.100.0");
    hub.prefix_len = 24;
    RecoveryRequest request{hub, event(), {}, {}};
    request.path.remote = *ike::IpAddress::parse("198.51.100.7");
    request.path.local = *ike::IpAddress::parse("192.0.2.2");
    EXPECT_EQ(expand_command({"{peer}", "{local}"}, request),
              (std::vector<std::string>{"198.51.100.7", "192.0.2.2"}));
}

TEST(ExecBackend, ArgumentsNeverMeetAShell) {
    // printf prints its single argument back: a shell would have run the substitution.
    const auto r = run({"/usr/bin/printf", "%s\\n", "$(touch /tmp/spirecoveryd-pwned) {peer}"});
    EXPECT_EQ(r.outcome.verdict, Verdict::succeeded) << r.outcome.detail;
    EXPECT_FALSE(std::filesystem::exists("/tmp/spirecoveryd-pwned"));
}

TEST(ExecBackend, ExitStatusDecides) {
    auto r = run({"/bin/true"});
    EXPECT_EQ(r.outcome.verdict, Verdict::succeeded);
    EXPECT_NE(r.outcome.detail.find("exited with status 0"), std::string::npos);
    r = run({"/bin/sh", "-c", "exit 3"});
    EXPECT_EQ(r.outcome.verdict, Verdict::failed);
    EXPECT_NE(r.outcome.detail.find("exited with status 3"), std::string::npos) << r.outcome.detail;
}

TEST(ExecBackend, AMissingCommandIsUnavailable) {
    const auto r = run({"/nonexistent/initiate", "{peer}"});
    EXPECT_EQ(r.outcome.verdict, Verdict::unavailable);
    EXPECT_NE(r.outcome.detail.find("/nonexistent/initiate"), std::string::npos);
    EXPECT_NE(r.outcome.detail.find("No such file"), std::string::npos);
}

// With the daemon's signal state: a child that inherited it would miss the SIGTERM and be
// SIGKILLed 2 s later.
TEST(ExecBackend, TimeoutKillsTheCommand) {
    const DaemonSignals daemon_signals;
    const auto start = std::chrono::steady_clock::now();
    const auto r = run({"/bin/sleep", "30"}, std::chrono::seconds(1));
    EXPECT_EQ(r.outcome.verdict, Verdict::failed);
    EXPECT_NE(r.outcome.detail.find("killed by signal 15"), std::string::npos) << r.outcome.detail;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(ExecBackend, ACommandIgnoringSigtermIsKilled) {
    const auto r = run({"/bin/sh", "-c", "trap '' TERM; sleep 30"}, std::chrono::seconds(1));
    EXPECT_EQ(r.outcome.verdict, Verdict::failed);
    EXPECT_NE(r.outcome.detail.find("signal 9"), std::string::npos) << r.outcome.detail;
}

TEST(ExecBackend, AGrandchildHoldingTheOutputDoesNotBlock) {
    const auto start = std::chrono::steady_clock::now();
    const auto r = run({"/bin/sh", "-c", "sleep 3 & echo started"});
    EXPECT_EQ(r.outcome.verdict, Verdict::succeeded) << r.outcome.detail;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// What the command exec'd by `sh -c "exec CMD > FILE"` wrote: CMD's view of itself.
std::string self_report(const std::string& command) {
    const std::string out = temp_path("state");
    const auto r = run({"/bin/sh", "-c", "exec " + command + " > " + out});
    EXPECT_EQ(r.outcome.verdict, Verdict::succeeded) << r.outcome.detail;
    std::string text = slurp(out);
    std::filesystem::remove(out);
    return text;
}

uint64_t status_mask(const std::string& status, const std::string& field) {
    const auto at = status.find(field + ":\t");
    return at == std::string::npos ? ~0ull
                                   : std::stoull(status.substr(at + field.size() + 2), nullptr, 16);
}

TEST(ExecBackend, TheCommandStartsWithDefaultSignalsItsOwnSessionAndOnlyStdFds) {
    const DaemonSignals daemon_signals;
    const std::string status = self_report("cat /proc/self/status");
    EXPECT_EQ(status_mask(status, "SigBlk"), 0u) << status;
    // Signals 1-31: none ignored. glibc's posix_spawn leaves its own internal signals
    // (32, 33) ignored; the next program's glibc takes them over.
    EXPECT_EQ(status_mask(status, "SigIgn") & 0x7fffffffu, 0u) << status;

    // pid and session: the command leads a session (and process group) of its own.
    std::istringstream stat(self_report("cat /proc/self/stat"));
    std::string pid, comm, state, ppid, pgrp, session;
    stat >> pid >> comm >> state >> ppid >> pgrp >> session;
    EXPECT_EQ(session, pid);
    EXPECT_EQ(pgrp, pid);

    // Only 0, 1 and 2, besides the directory ls reads.
    std::istringstream fds(self_report("ls -l /proc/self/fd"));
    std::vector<std::string> open;
    for (std::string line; std::getline(fds, line);) {
        const auto arrow = line.find(" -> ");
        if (arrow == std::string::npos || line.find("/fd", arrow) != std::string::npos)
            continue;
        open.push_back(
            line.substr(line.rfind(' ', arrow - 1) + 1, arrow - line.rfind(' ', arrow - 1) - 1));
    }
    EXPECT_EQ(open, (std::vector<std::string>{"0", "1", "2"}));
}

TEST(ExecBackend, TheTimeoutEndsTheCommandsChildrenToo) {
    const DaemonSignals daemon_signals;
    const std::string pidfile = temp_path("grandchild");
    const auto r = run({"/bin/sh", "-c", "sleep 100 & echo $! > " + pidfile + "; wait"},
                       std::chrono::seconds(1));
    EXPECT_EQ(r.outcome.verdict, Verdict::failed) << r.outcome.detail;
    const pid_t grandchild = std::atoi(slurp(pidfile).c_str());
    std::filesystem::remove(pidfile);
    ASSERT_GT(grandchild, 0);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!process_gone(grandchild) && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_TRUE(process_gone(grandchild));
}

TEST(ExecBackend, ADaemonShutdownEndsTheCommandWithinASecond) {
    const DaemonSignals daemon_signals;
    std::stop_source stop;
    std::jthread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        stop.request_stop();
    });
    const auto start = std::chrono::steady_clock::now();
    // Ignores SIGTERM: the SIGKILL after the short shutdown grace ends it.
    const auto r = run({"/bin/sh", "-c", "trap '' TERM; sleep 100"}, std::chrono::seconds(30),
                       stop.get_token());
    EXPECT_EQ(r.outcome.verdict, Verdict::failed);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}
