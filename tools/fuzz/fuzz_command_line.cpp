// SPDX-License-Identifier: GPL-2.0
// The command line: NUL-separated words. Anything must parse or fail with a UsageError.
#include <string>
#include <vector>

#include "tools/src/cli.h"
#include "tools/src/errors.h"

using namespace spirecovery::ctl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> args(1);
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] == '\0')
            args.emplace_back();
        else
            args.back() += static_cast<char>(data[i]);
    }
    try {
        const Invocation inv = parse_command_line(args);
        if (inv.action == Invocation::Action::help && inv.command)
            (void)command_usage(*inv.command);
    } catch (const UsageError&) {
    }
    return 0;
}
