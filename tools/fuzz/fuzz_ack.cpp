// SPDX-License-Identifier: GPL-2.0
// Acknowledgements come from the kernel: decode anything, and look up the offset it names in
// the input taken as a request.
#include <linux/netlink.h>
#include <span>
#include <vector>

#include "tools/lib/extack.h"

using namespace spirecovery::ctl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // A copy: the decoder may assume the alignment of a receive buffer, not of fuzz input.
    const std::vector<std::uint8_t> message(data, data + size);
    try {
        const KernelAck ack = decode_ack(message);
        if (ack.offset) {
            (void)attribute_at(message, *ack.offset);
            (void)top_level_index_at(message, *ack.offset);
        }
    } catch (const DecodeError&) {
    }
    return 0;
}
