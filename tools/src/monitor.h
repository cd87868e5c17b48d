// SPDX-License-Identifier: GPL-2.0
// `spirecoveryctl monitor`: events until SIGINT or SIGTERM.
#pragma once

#include "tools/lib/netlink.h"
#include "tools/src/printer.h"

namespace spirecovery::ctl {

// Prints events to stdout until a signal; overruns go to stdout in JSON, to stderr in text.
// Returns the exit status; throws Failure.
int run_monitor(OutputFormat format, bool timestamps);

} // namespace spirecovery::ctl
