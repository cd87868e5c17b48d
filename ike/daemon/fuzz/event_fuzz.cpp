// SPDX-License-Identifier: GPL-2.0
// A miss notification as the daemon reads it: the shared decoder, then the daemon's own checks.
// Input as for tools/fuzz (first byte even: the rest is the attribute area behind valid headers).
#include "ike/daemon/miss_event.h"
#include "tools/fuzz/netlink_input.h"
#include "tools/lib/decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto message =
        spirecovery::ctl::fuzz::netlink_message(data, size, 0x1d, SPIRECOVERY_CMD_MISS_NTF);
    try {
        auto event = spirecovery::to_miss_event(spirecovery::ctl::decode_event(message));
        if (event)
            (void)event->to_string();
    } catch (const spirecovery::ctl::DecodeError&) {
    }
    return 0;
}
