// SPDX-License-Identifier: GPL-2.0
// Running a parsed command line against the kernel.
#pragma once

#include "tools/src/cli.h"

namespace spirecovery::ctl {

// Runs inv.command (Invocation::Action::run) and returns the exit status; throws Failure, or
// UsageError for a bad peer file.
int run_command(const Invocation& inv);

} // namespace spirecovery::ctl
