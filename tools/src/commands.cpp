// SPDX-License-Identifier: GPL-2.0
#include "tools/src/commands.h"

#include <iostream>

#include "tools/lib/netlink.h"
#include "tools/src/errors.h"
#include "tools/src/monitor.h"
#include "tools/src/netns.h"
#include "tools/src/render.h"

namespace spirecovery::ctl {

int run_command(const Invocation& inv) {
    if (inv.netns)
        enter_netns(*inv.netns);
    Client client;
    const auto out = make_printer(std::cout, inv.output);

    switch (*inv.command) {
    case Command::enable:
    case Command::disable:
    case Command::set:
        client.set_config(inv.change);
        break;
    case Command::show: {
        const Config config = client.get_config();
        const Stats stats = client.get_stats();
        render_show(*out, config, stats, client.get_sources().size());
        break;
    }
    case Command::stats:
        render_stats(*out, client.get_stats(), inv.derived);
        break;
    case Command::sources:
        render_sources(*out, client.get_sources());
        break;
    case Command::flush:
        client.flush_sources();
        break;
    case Command::monitor:
        return run_monitor(inv.output, inv.timestamps);
    }
    if (!std::cout.flush())
        throw Failure("cannot write to standard output");
    return exit_ok;
}

} // namespace spirecovery::ctl
