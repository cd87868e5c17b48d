// SPDX-License-Identifier: GPL-2.0
// The command line: `spirecoveryctl [OPTIONS] COMMAND [ARGS]`, parsed into an Invocation without
// touching the system. Options go through Boost.Program_options; iproute2-style keywords
// (`set source-rate 10`) through the command table.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tools/lib/model.h"
#include "tools/src/printer.h"

namespace spirecovery::ctl {

enum class Command { enable, disable, set, show, stats, sources, flush, monitor };

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
};

// Throws UsageError (errors.h) for anything that is not a valid command line. `args` excludes
// the program name.
Invocation parse_command_line(std::span<const std::string> args);

// Help texts: the general one, and one command's.
std::string usage();
std::string command_usage(Command command);

std::string_view command_name(Command command);

} // namespace spirecovery::ctl
