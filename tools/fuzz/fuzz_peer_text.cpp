// SPDX-License-Identifier: GPL-2.0
// Peers as an operator writes them: the input as one ADDR[/LEN] and as a `peers set -f` file.
// Anything must parse or fail with its own error; a parsed peer's text must parse back to it.
#include <cstdlib>
#include <string_view>

#include "tools/lib/address.h"
#include "tools/src/cli.h"
#include "tools/src/errors.h"

using namespace spirecovery::ctl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const Peer peer = parse_peer(text);
        if (parse_peer(to_string(peer)) != peer)
            std::abort();
    } catch (const PeerSyntaxError&) {
    }
    try {
        (void)parse_peer_list(text, "fuzz");
    } catch (const UsageError&) {
    }
    return 0;
}
