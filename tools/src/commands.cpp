// SPDX-License-Identifier: GPL-2.0
#include "tools/src/commands.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <unistd.h>

#include "tools/lib/netlink.h"
#include "tools/lib/unique_fd.h"
#include "tools/src/errors.h"
#include "tools/src/monitor.h"
#include "tools/src/netns.h"
#include "tools/src/prometheus.h"
#include "tools/src/render.h"

namespace spirecovery::ctl {

namespace {

// `peers set -f`'s file, or standard input for "-"; throws Failure if it cannot be read.
std::string read_peer_file(const std::string& path) {
    const bool from_stdin = path == "-";
    const auto fail = [&] {
        throw Failure("peers set: cannot read " + (from_stdin ? "standard input" : path) + ": " +
                      std::strerror(errno));
    };
    const UniqueFd file(from_stdin ? -1 : open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!from_stdin && !file)
        fail();
    const int fd = from_stdin ? STDIN_FILENO : file.get();
    std::string text;
    char buf[65536];
    for (;;) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0)
            return text;
        if (n > 0)
            text.append(buf, static_cast<std::size_t>(n));
        else if (errno != EINTR)
            fail();
    }
}

void run_peers(Client& client, const Invocation& inv, std::span<const Peer> peers, Printer& out) {
    switch (inv.peers_action) {
    case PeersAction::show:
        render_peers(out, client.get_peers());
        break;
    case PeersAction::set:
        client.set_peers(peers);
        break;
    case PeersAction::add:
        client.add_peers(peers);
        break;
    case PeersAction::del:
        client.del_peers(peers);
        break;
    case PeersAction::flush:
        client.set_peers({});
        break;
    }
}

} // namespace

int run_command(const Invocation& inv) {
    // The file first: a bad one is a usage error wherever the command would run.
    const std::vector<Peer> peers =
        inv.peers_file
            ? parse_peer_list(read_peer_file(*inv.peers_file),
                              *inv.peers_file == "-" ? "standard input" : *inv.peers_file)
            : inv.peers;
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
        if (inv.prometheus)
            std::cout << render_prometheus(client.get_stats(),
                                           inv.netns ? *inv.netns : current_netns_label());
        else
            render_stats(*out, client.get_stats(), inv.derived);
        break;
    case Command::sources:
        render_sources(*out, client.get_sources());
        break;
    case Command::flush:
        client.flush_sources();
        break;
    case Command::peers:
        run_peers(client, inv, peers, *out);
        break;
    case Command::monitor:
        return run_monitor(inv.output, inv.timestamps);
    }
    if (!std::cout.flush())
        throw Failure("cannot write to standard output");
    return exit_ok;
}

} // namespace spirecovery::ctl
