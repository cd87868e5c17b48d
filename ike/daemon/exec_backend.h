// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "ike/daemon/backend.h"

namespace spirecovery {

// The argv of exec-command for one recovery: in every argument {peer} (the configured address),
// {local} (the path's), {spi} (0x%08x) and {proto} (esp/ah) are replaced. The last two come
// from the unauthenticated packet: information, never where to go. Each argument stays one
// argv item, so packet data never meets a shell.
std::vector<std::string> expand_command(const std::vector<std::string>& templ,
                                        const RecoveryRequest& request);

// Runs a configured command for IKE daemons without a vici socket (e.g. Libreswan's
// `ipsec whack --initiate --name CONN`).
class ExecBackend final : public RecoveryBackend {
public:
    explicit ExecBackend(std::chrono::seconds timeout) : timeout_(timeout) {}
    BackendKind kind() const override { return BackendKind::exec; }
    BackendOutcome recover(const RecoveryRequest& request, PeerLog& log,
                           std::stop_token stop) override;

private:
    std::chrono::seconds timeout_;
};

} // namespace spirecovery
