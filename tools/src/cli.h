// SPDX-License-Identifier: GPL-2.0
// The command line: `spirecoveryctl [OPTIONS] COMMAND [ARGS]`, parsed into an Invocation without
// touching the system. Options go through Boost.Program_options; iproute2-style keywords
// (`set source-rate 10`) through the command table.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tools/lib/model.h"
#include "tools/src/printer.h"

namespace spirecovery::ctl {

enum class Command { enable, disable, set, show, stats, sources, flush, peers, monitor };

// What `peers` does with the peer set.
enum class PeersAction { show, set, add, del, flush };

struct Invocation {
    enum class Action { run, help, version };

    Action action = Action::run;
    // For Action::run: the command; for Action::help: the command asked about, or none.
    std::optional<Command> command;
    OutputFormat output;
    std::optional<std::string> netns;
    ConfigChange change;     // set, enable, disable
    bool derived = false;    // stats -s
    bool timestamps = false; // monitor -t
    bool prometheus = false; // stats -P
    PeersAction peers_action = PeersAction::show;
    std::vector<Peer> peers;               // peers set, add, del
    std::optional<std::string> peers_file; // peers set -f FILE ("-": standard input)
};

// Throws UsageError (errors.h) for anything that is not a valid command line. `args` excludes
// the program name.
Invocation parse_command_line(std::span<const std::string> args);

// The peers of a file for `peers set -f`: one ADDR[/LEN] per line, blank lines and everything
// from a '#' on ignored. `name` names the file in the errors. Throws UsageError.
std::vector<Peer> parse_peer_list(std::string_view text, std::string_view name);

// Help texts: the general one, and one command's.
std::string usage();
std::string command_usage(Command command);

std::string_view command_name(Command command);

} // namespace spirecovery::ctl
