// SPDX-License-Identifier: GPL-2.0-only
// The miss-notification decoder on arbitrary attribute streams.
#include "ike/daemon/miss_event.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto event = spirecovery::decode_miss_event({data, size});
    if (event)
        (void)event->to_string();
    return 0;
}
