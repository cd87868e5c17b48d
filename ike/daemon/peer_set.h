// SPDX-License-Identifier: GPL-2.0
// The module's peer set as the daemon writes it: the addresses of its enabled peers. While the
// set is not empty the module turns misses from any other source into a counter, so a flood of
// spoofed sources can neither drain the events budget nor reach the daemon.
#pragma once

#include <string>
#include <vector>

#include "ike/daemon/config.h"
#include "tools/lib/model.h"

namespace spirecovery {

// One prefix per enabled peer, a host prefix (/32, /128) or a hub's configured prefix, sorted,
// each once. Disabled peers are left out: the daemon would ignore their events anyway.
std::vector<ctl::Peer> peer_set_of(const DaemonConfig& config);

// "3 peers (192.0.2.1/32, ...)" for the log and --check-config, the first few named.
std::string describe_peer_set(const std::vector<ctl::Peer>& peers);

} // namespace spirecovery
