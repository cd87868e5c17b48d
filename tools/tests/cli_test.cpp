// SPDX-License-Identifier: GPL-2.0
#include <initializer_list>

#include <gtest/gtest.h>

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

TEST(HelpText, ListsEveryCommandAndOption) {
    const std::string text = usage();
    for (const char* word : {"enable", "disable", "set KEY N", "show", "stats [-s]", "sources",
                             "flush", "monitor [-t]", "help [COMMAND]", "--json", "--pretty",
                             "--netns", "--version", "--help", "Exit status"})
        EXPECT_NE(text.find(word), std::string::npos) << word;
}

TEST(HelpText, CommandHelpListsItsOptions) {
    const std::string stats = command_usage(Command::stats);
    EXPECT_EQ(stats.rfind("Usage: spirecoveryctl [-n NAME] stats [-s]\n", 0), 0u) << stats;
    EXPECT_NE(stats.find("--derived"), std::string::npos);
    const std::string set = command_usage(Command::set);
    for (const char* key :
         {"source-rate", "source-burst", "global-rate", "global-burst", "ipv6-prefix"})
        EXPECT_NE(set.find(key), std::string::npos) << key;
    EXPECT_EQ(set.find("--json"), std::string::npos);
}

} // namespace
} // namespace spirecovery::ctl
