// SPDX-License-Identifier: GPL-2.0
// The vici packet and message decoder on arbitrary segments; what decodes must re-encode
// to the same bytes.
#include <cstdlib>

#include "ike/daemon/vici/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace spirecovery::vici;
    auto packet = decode_packet({data, size});
    if (!packet)
        return 0;
    auto encoded = encode_packet(packet.value());
    if (!encoded || encoded.value() != spirecovery::ike::Bytes(data, data + size))
        std::abort();
    return 0;
}
