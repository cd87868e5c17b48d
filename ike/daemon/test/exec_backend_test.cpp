// SPDX-License-Identifier: GPL-2.0-only
#include <filesystem>
#include <netinet/in.h>

#include <gtest/gtest.h>

#include "ike/daemon/exec_backend.hpp"

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

Run run(std::vector<std::string> command, std::chrono::seconds timeout = std::chrono::seconds(5)) {
    PeerConfig peer;
    peer.name = "a";
    peer.exec_command = std::move(command);
    Logger logger({LogLevel::error, false, false});
    PeerLog log(logger, "");
    ExecBackend backend(timeout);
    return {backend.recover({peer, event(), {}}, log, {})};
}

} // namespace

TEST(ExecBackend, ExpandsPlaceholdersPerArgument) {
    MissEvent e = event();
    const auto argv = expand_command(
        {"/bin/cmd", "--peer={peer}", "{local}", "{spi}", "{proto}", "{unknown}", "{peer}{peer}"},
        e);
    EXPECT_EQ(argv, (std::vector<std::string>{"/bin/cmd", "--peer=2001:db8::a", "2001:db8::b",
                                              "0x00c0ffee", "esp", "{unknown}",
                                              "2001:db8::a2001:db8::a"}));
    e.proto = IPPROTO_AH;
    EXPECT_EQ(expand_command({"{proto}"}, e), std::vector<std::string>{"ah"});
    e.spi.reset(); // resynchronised after lost events
    EXPECT_EQ(expand_command({"{spi}"}, e), std::vector<std::string>{"unknown"});
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

TEST(ExecBackend, TimeoutKillsTheCommand) {
    const auto start = std::chrono::steady_clock::now();
    const auto r = run({"/bin/sleep", "30"}, std::chrono::seconds(1));
    EXPECT_EQ(r.outcome.verdict, Verdict::failed);
    EXPECT_NE(r.outcome.detail.find("signal 15"), std::string::npos) << r.outcome.detail;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
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
