// SPDX-License-Identifier: GPL-2.0
// Replies to get-config, get-stats, get-source and peer-get (chosen by the second input byte):
// decode anything, render whatever decodes.
#include <sstream>

#include "tools/fuzz/netlink_input.h"
#include "tools/lib/decode.h"
#include "tools/src/render.h"

using namespace spirecovery::ctl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2)
        return 0;
    const unsigned which = data[1] % 4;
    const std::uint8_t cmds[] = {SPIRECOVERY_CMD_GET_CONFIG, SPIRECOVERY_CMD_GET_STATS,
                                 SPIRECOVERY_CMD_GET_SOURCE, SPIRECOVERY_CMD_PEER_GET};
    // Keep the mode byte, drop the selector.
    std::vector<std::uint8_t> input(data, data + size);
    input.erase(input.begin() + 1);
    const auto message = fuzz::netlink_message(input.data(), input.size(), 0x20, cmds[which]);

    for (const OutputFormat format : {OutputFormat{}, OutputFormat{true, true}}) {
        std::ostringstream out;
        const auto printer = make_printer(out, format);
        try {
            switch (which) {
            case 0:
                render_show(*printer, decode_config(message), Stats{}, 1);
                break;
            case 1:
                render_stats(*printer, decode_stats(message), true);
                break;
            case 2: {
                const Source source = decode_source(message);
                render_sources(*printer, std::span(&source, 1));
                break;
            }
            default:
                render_peers(*printer, decode_peers(message));
            }
        } catch (const DecodeError&) {
            return 0;
        }
    }
    return 0;
}
