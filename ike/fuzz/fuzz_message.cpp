// SPDX-License-Identifier: GPL-2.0
// Header and payload chain decoder. Whatever decodes must re-encode to a message that
// decodes to the same value.
#include <cstdlib>

#include "ike/lib/message.h"

using namespace spirecovery::ike;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto decoded = decode_message(ByteView(data, size));
    if (!decoded)
        return 0;
    auto again = decode_message(encode_message(decoded.value()));
    if (!again || !(again.value() == decoded.value()))
        std::abort();
    return 0;
}
