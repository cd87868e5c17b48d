// SPDX-License-Identifier: GPL-2.0
#include <initializer_list>

#include <gtest/gtest.h>

#include "tools/lib/address.h"
#include "tools/src/cli.h"
#include "tools/src/errors.h"

namespace spirecovery::ctl {
namespace {

Invocation parse(std::initializer_list<const char*> words) {
    const std::vector<std::string> args(words.begin(), words.end());
    return parse_command_line(args);
}

// The message of the UsageError a command line gets, and the help it points to.
std::pair<std::string, std::string> usage_error(std::initializer_list<const char*> words) {
    try {
        parse(words);
    } catch (const UsageError& e) {
        return {e.what(), e.shows_usage() ? "usage" : e.command()};
    }
    ADD_FAILURE() << "accepted";
    return {};
}

TEST(CommandLine, ReadCommandsTakeJsonBeforeOrAfterTheCommand) {
    const Invocation before = parse({"-j", "show"});
    EXPECT_EQ(before.action, Invocation::Action::run);
    EXPECT_EQ(before.command, Command::show);
    EXPECT_TRUE(before.output.json);
    EXPECT_FALSE(before.output.pretty);

    const Invocation after = parse({"monitor", "--json", "-t"});
    EXPECT_EQ(after.command, Command::monitor);
    EXPECT_TRUE(after.output.json);
    EXPECT_TRUE(after.timestamps);

    const Invocation plain = parse({"sources"});
    EXPECT_FALSE(plain.output.json);
    EXPECT_FALSE(plain.netns);
}

TEST(CommandLine, PrettyImpliesJson) {
    EXPECT_TRUE(parse({"-p", "stats"}).output.json);
    const Invocation grouped = parse({"stats", "-sp"});
    EXPECT_TRUE(grouped.output.json);
    EXPECT_TRUE(grouped.output.pretty);
    EXPECT_TRUE(grouped.derived);
}

TEST(CommandLine, PrometheusIsAStatsFormatOfItsOwn) {
    EXPECT_TRUE(parse({"stats", "--prometheus"}).prometheus);
    EXPECT_TRUE(parse({"-n", "blue", "stats", "-P"}).prometheus);
    EXPECT_FALSE(parse({"stats"}).prometheus);
    const std::pair<std::string, std::string> conflict{
        "stats: --prometheus is a format of its own: give it without --json, --pretty and "
        "--derived",
        "stats"};
    EXPECT_EQ(usage_error({"stats", "-P", "-j"}), conflict);
    EXPECT_EQ(usage_error({"-p", "stats", "-P"}), conflict);
    EXPECT_EQ(usage_error({"stats", "-sP"}), conflict);
    EXPECT_EQ(usage_error({"show", "-P"}).first, "show: unknown argument \"-P\"");
}

TEST(CommandLine, NetnsIsAGlobalOption) {
    EXPECT_EQ(parse({"-n", "blue", "enable"}).netns, "blue");
    EXPECT_EQ(parse({"--netns=blue", "show"}).netns, "blue");
    EXPECT_EQ(parse({"--netns", "blue", "-j", "show"}).netns, "blue");
}

TEST(CommandLine, NetnsNamesCannotLeaveRunNetns) {
    for (const char* name : {".", "..", "a/b", "../etc"})
        EXPECT_EQ(usage_error({"-n", name, "show"}).first,
                  std::string("invalid network namespace name \"") + name + "\"");
}

TEST(CommandLine, EnableAndDisableSetOnlyEnabled) {
    EXPECT_EQ(parse({"enable"}).change, (ConfigChange{{SPIRECOVERY_A_CONFIG_ENABLED, 1}}));
    EXPECT_EQ(parse({"disable"}).change, (ConfigChange{{SPIRECOVERY_A_CONFIG_ENABLED, 0}}));
}

TEST(CommandLine, SetTakesOnlyTheGivenKeys) {
    EXPECT_EQ(parse({"set", "source-rate", "10", "ipv6-prefix", "48"}).change,
              (ConfigChange{{SPIRECOVERY_A_CONFIG_SOURCE_RATE, 10},
                            {SPIRECOVERY_A_CONFIG_IPV6_PREFIX, 48}}));
    EXPECT_EQ(parse({"set", "global-burst", "4294967295"}).change,
              (ConfigChange{{SPIRECOVERY_A_CONFIG_GLOBAL_BURST, 4294967295u}}));
}

TEST(CommandLine, SetLeavesTheAllowedRangeToTheKernel) {
    // In the type but outside the spec's range: the kernel's answer is the one that counts.
    EXPECT_EQ(parse({"set", "source-rate", "0"}).change,
              (ConfigChange{{SPIRECOVERY_A_CONFIG_SOURCE_RATE, 0}}));
    EXPECT_EQ(parse({"set", "ipv6-prefix", "129"}).change,
              (ConfigChange{{SPIRECOVERY_A_CONFIG_IPV6_PREFIX, 129}}));
}

TEST(CommandLine, SetValuesAreStrictDecimals) {
    EXPECT_EQ(usage_error({"set", "source-rate", "ten"}),
              std::make_pair(std::string("set: source-rate ten is not a decimal number "
                                         "(allowed: 1..1000000)"),
                             std::string("set")));
    EXPECT_EQ(usage_error({"set", "source-burst", "-1"}).first,
              "set: source-burst -1 is not a decimal number (allowed: 1..1000000)");
    EXPECT_EQ(usage_error({"set", "global-rate", "10k"}).first,
              "set: global-rate 10k is not a decimal number (allowed: 1..1000000)");
    EXPECT_EQ(usage_error({"set", "global-rate", "4294967296"}).first,
              "set: global-rate 4294967296 is out of range (allowed: 1..1000000)");
    EXPECT_EQ(usage_error({"set", "ipv6-prefix", "256"}).first,
              "set: ipv6-prefix 256 is out of range (allowed: 1..128)");
}

// Boost's own what() loops for ever on an argument holding one of its placeholders.
TEST(CommandLine, PlaceholdersInArgumentsAreQuoted) {
    EXPECT_EQ(usage_error({"--%canonical_option%", "show"}).first,
              "unrecognised option '--%canonical_option%'");
    EXPECT_EQ(usage_error({"-j", "--%original_token%%prefix%", "show"}).first,
              "unrecognised option '--%original_token%%prefix%'");
}

TEST(CommandLine, SetRejectsUnknownMissingAndRepeatedKeys) {
    EXPECT_EQ(usage_error({"set", "enabled", "1"}).first,
              "set: unknown key \"enabled\" (keys: source-rate, source-burst, global-rate, "
              "global-burst, ipv6-prefix)");
    EXPECT_EQ(usage_error({"set", "source"}).first, "set: unknown key \"source\" (keys: "
                                                    "source-rate, source-burst, global-rate, "
                                                    "global-burst, ipv6-prefix)");
    EXPECT_EQ(usage_error({"set", "source-rate"}).first,
              "set: source-rate needs a value (allowed: 1..1000000)");
    EXPECT_EQ(usage_error({"set", "source-rate", "1", "source-rate", "2"}).first,
              "set: source-rate is given twice");
    EXPECT_EQ(usage_error({"set"}).first, "set: nothing to change (give at least one KEY N)");
}

TEST(CommandLine, CommandsRejectWhatTheyDoNotTake) {
    EXPECT_EQ(usage_error({"show", "extra"}),
              std::make_pair(std::string("show: unknown argument \"extra\""), std::string("show")));
    EXPECT_EQ(usage_error({"enable", "-j"}).first, "enable: unknown argument \"-j\"");
    EXPECT_EQ(usage_error({"sources", "-s"}).first, "sources: unknown argument \"-s\"");
    EXPECT_EQ(usage_error({"flush", "now"}).first, "flush: unknown argument \"now\"");
}

TEST(CommandLine, UnknownOrMissingCommandsShowTheUsage) {
    EXPECT_EQ(usage_error({}),
              std::make_pair(std::string("no command given"), std::string("usage")));
    EXPECT_EQ(usage_error({"-j"}).first, "no command given");
    EXPECT_EQ(usage_error({"status"}),
              std::make_pair(std::string("unknown command \"status\""), std::string("usage")));
    // No prefix matching: "mon" is not "monitor".
    EXPECT_EQ(usage_error({"mon"}).first, "unknown command \"mon\"");
}

TEST(CommandLine, OptionsAreNotAbbreviated) {
    EXPECT_EQ(usage_error({"--js", "show"}).first, "unrecognised option '--js'");
    EXPECT_EQ(usage_error({"-x", "show"}).first, "unrecognised option '-x'");
    EXPECT_EQ(usage_error({"-n"}).first, "the required argument for option '--netns' is missing");
}

TEST(CommandLine, HelpInEveryForm) {
    for (const auto& words :
         {std::vector<std::string>{"help"}, {"-h"}, {"--help"}, {"-h", "show"}}) {
        const Invocation inv = parse_command_line(words);
        EXPECT_EQ(inv.action, Invocation::Action::help);
        EXPECT_FALSE(inv.command);
    }
    for (const auto& words : {std::vector<std::string>{"help", "set"},
                              {"set", "help"},
                              {"set", "-h"},
                              {"set", "--help"},
                              {"set", "source-rate", "-h"}}) {
        const Invocation inv = parse_command_line(words);
        EXPECT_EQ(inv.action, Invocation::Action::help);
        EXPECT_EQ(inv.command, Command::set);
    }
    EXPECT_EQ(usage_error({"help", "nope"}).first, "help: unknown command \"nope\"");
}

TEST(CommandLine, Version) {
    EXPECT_EQ(parse({"-V"}).action, Invocation::Action::version);
    EXPECT_EQ(parse({"--version"}).action, Invocation::Action::version);
}

Peer v4(const char* text, std::uint8_t len) {
    return parse_peer(std::string(text) + "/" + std::to_string(len));
}

TEST(Peers, ShowIsTheDefaultAndTakesJson) {
    const Invocation bare = parse({"peers"});
    EXPECT_EQ(bare.command, Command::peers);
    EXPECT_EQ(bare.peers_action, PeersAction::show);
    const Invocation json = parse({"peers", "show", "-j"});
    EXPECT_EQ(json.peers_action, PeersAction::show);
    EXPECT_TRUE(json.output.json);
    EXPECT_TRUE(parse({"peers", "-p"}).output.pretty);
}

TEST(Peers, WritesTakeTheirPeers) {
    const Invocation add = parse({"peers", "add", "192.0.2.1", "10.0.0.0/8", "2001:db8::/32"});
    EXPECT_EQ(add.peers_action, PeersAction::add);
    EXPECT_EQ(add.peers, (std::vector<Peer>{v4("192.0.2.1", 32), v4("10.0.0.0", 8),
                                            parse_peer("2001:db8::/32")}));
    EXPECT_EQ(parse({"peers", "del", "10.0.0.0/8"}).peers_action, PeersAction::del);
    const Invocation empty = parse({"peers", "set"});
    EXPECT_EQ(empty.peers_action, PeersAction::set);
    EXPECT_TRUE(empty.peers.empty());
    EXPECT_FALSE(empty.peers_file);
    EXPECT_EQ(parse({"peers", "flush"}).peers_action, PeersAction::flush);
}

TEST(Peers, SetReadsAFile) {
    EXPECT_EQ(parse({"peers", "set", "-f", "list"}).peers_file, "list");
    EXPECT_EQ(parse({"peers", "set", "-f", "-"}).peers_file, "-");
    EXPECT_EQ(parse({"peers", "set", "--file=list"}).peers_file, "list");
    EXPECT_EQ(parse({"peers", "set", "-flist"}).peers_file, "list");
    EXPECT_EQ(parse({"peers", "set", "-f", "-x"}).peers_file, "-x");
    EXPECT_EQ(usage_error({"peers", "set", "-f"}).first,
              "the required argument for option '--file' is missing");
}

TEST(Peers, BadPeersNameTheCauseAndTheFix) {
    EXPECT_EQ(usage_error({"peers", "add", "192.0.2.1/24"}),
              std::make_pair(std::string("peers add: 192.0.2.1/24 has bits set past /24; did "
                                         "you mean 192.0.2.0/24?"),
                             std::string("peers")));
    EXPECT_EQ(usage_error({"peers", "set", "10.0.0.1", "192.0.2.0/33"}).first,
              "peers set: 192.0.2.0/33: prefix length 33 is out of range 0..32 for IPv4");
    EXPECT_EQ(usage_error({"peers", "del", "host.example"}).first,
              "peers del: \"host.example\" is not an IPv4 or IPv6 address (such as 192.0.2.1 or "
              "2001:db8::1)");
}

TEST(Peers, RejectsWhatAnActionDoesNotTake) {
    EXPECT_EQ(usage_error({"peers", "list"}).first,
              "peers: unknown action \"list\" (actions: show, set, add, del, flush)");
    EXPECT_EQ(usage_error({"peers", "add"}).first,
              "peers add: no peer given (give one or more ADDR[/LEN])");
    EXPECT_EQ(usage_error({"peers", "del"}).first,
              "peers del: no peer given (give one or more ADDR[/LEN])");
    EXPECT_EQ(usage_error({"peers", "show", "10.0.0.1"}).first,
              "peers show: unknown argument \"10.0.0.1\"");
    EXPECT_EQ(usage_error({"peers", "flush", "now"}).first,
              "peers flush: unknown argument \"now\"");
    EXPECT_EQ(usage_error({"peers", "add", "-j", "10.0.0.1"}).first,
              "peers add: --json and --pretty are only for peers show");
    EXPECT_EQ(usage_error({"peers", "-f", "list"}).first,
              "peers show: -f FILE is only for peers set");
    EXPECT_EQ(usage_error({"peers", "set", "-f", "list", "10.0.0.1"}).first,
              "peers set: give the peers as arguments or with -f FILE, not both");
}

TEST(PeerList, OnePeerPerLineWithComments) {
    EXPECT_EQ(
        parse_peer_list("# peers\n192.0.2.1\n\n  10.0.0.0/8  # the lab\r\n\t2001:db8::/32", "f"),
        (std::vector<Peer>{v4("192.0.2.1", 32), v4("10.0.0.0", 8), parse_peer("2001:db8::/32")}));
    EXPECT_TRUE(parse_peer_list("", "f").empty());
    EXPECT_TRUE(parse_peer_list("\n# nothing\n", "f").empty());
}

TEST(PeerList, ErrorsNameTheLine) {
    const auto error = [](std::string_view text) {
        try {
            parse_peer_list(text, "peers.txt");
        } catch (const UsageError& e) {
            EXPECT_EQ(e.command(), "peers");
            return std::string(e.what());
        }
        ADD_FAILURE() << "accepted";
        return std::string();
    };
    EXPECT_EQ(error("10.0.0.1\n# ok\n192.0.2.1/24\n"),
              "peers set: peers.txt:3: 192.0.2.1/24 has bits set past /24; did you mean "
              "192.0.2.0/24?");
    EXPECT_EQ(error("10.0.0.1 10.0.0.2\n"),
              "peers set: peers.txt:1: one peer per line, not \"10.0.0.1 10.0.0.2\"");
}

TEST(HelpText, ListsEveryCommandAndOption) {
    const std::string text = usage();
    for (const char* word : {"enable", "disable", "set KEY N", "show", "stats [-s | -P]", "sources",
                             "flush", "peers [ACTION] [PEER...]", "monitor [-t]", "help [COMMAND]",
                             "--json", "--pretty", "--netns", "--version", "--help", "Exit status"})
        EXPECT_NE(text.find(word), std::string::npos) << word;
}

TEST(HelpText, CommandHelpListsItsOptions) {
    const std::string stats = command_usage(Command::stats);
    EXPECT_EQ(stats.rfind("Usage: spirecoveryctl [-n NAME] stats [-s | -P]\n", 0), 0u) << stats;
    EXPECT_NE(stats.find("--derived"), std::string::npos);
    EXPECT_NE(stats.find("--prometheus"), std::string::npos);
    const std::string set = command_usage(Command::set);
    for (const char* key :
         {"source-rate", "source-burst", "global-rate", "global-burst", "ipv6-prefix"})
        EXPECT_NE(set.find(key), std::string::npos) << key;
    EXPECT_EQ(set.find("--json"), std::string::npos);
}

} // namespace
} // namespace spirecovery::ctl
