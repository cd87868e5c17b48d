// SPDX-License-Identifier: GPL-2.0
// Notifications come from the kernel: decode anything as an event or a family removal, render
// whatever decodes as an event.
#include <sstream>

#include "tools/fuzz/netlink_input.h"
#include "tools/lib/decode.h"
#include "tools/src/render.h"

using namespace spirecovery::ctl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto message = fuzz::netlink_message(data, size, 0x20, SPIRECOVERY_CMD_MISS_NTF);
    try {
        (void)is_family_removal(message, 0x20);
    } catch (const DecodeError&) {
    }
    try {
        (void)is_family_arrival(message, "spirecovery");
    } catch (const DecodeError&) {
    }
    Event event;
    try {
        event = decode_event(message);
    } catch (const DecodeError&) {
        return 0;
    }
    for (const OutputFormat format : {OutputFormat{}, OutputFormat{true, false}}) {
        std::ostringstream out;
        render_event(*make_printer(out, format), event, true);
    }
    return 0;
}
