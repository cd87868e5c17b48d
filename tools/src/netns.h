// SPDX-License-Identifier: GPL-2.0
// Running in a named network namespace, as `ip -n NAME` does.
#pragma once

#include <string>

namespace spirecovery::ctl {

// Moves this (single-threaded) process into /run/netns/NAME. Call it before opening any socket:
// a socket stays in the namespace it was created in. Throws Failure.
void enter_netns(const std::string& name);

// What to call this process's network namespace: its name in /run/netns (as `ip netns identify`
// finds it), else "net:[INODE]" as /proc/self/ns/net links to it. Throws Failure.
std::string current_netns_label();

} // namespace spirecovery::ctl
