// SPDX-License-Identifier: GPL-2.0
// One payload body decoder, chosen at build time with -DFUZZ_PAYLOAD=<name> (see ike/Makefile).
// Whatever decodes must survive an encode/decode round trip unchanged.
#include <cstdlib>

#include "ike/lib/payloads.h"

using namespace spirecovery::ike;

namespace {

#define PAYLOAD_TYPE_sa PayloadType::sa
#define PAYLOAD_TYPE_ke PayloadType::ke
#define PAYLOAD_TYPE_nonce PayloadType::nonce
#define PAYLOAD_TYPE_notify PayloadType::notify
#define PAYLOAD_TYPE_id PayloadType::id_initiator
#define PAYLOAD_TYPE_auth PayloadType::auth
#define PAYLOAD_TYPE_delete PayloadType::delete_
#define PAYLOAD_TYPE_vendor_id PayloadType::vendor_id
#define PAYLOAD_TYPE_OF(name) PAYLOAD_TYPE_##name
#define PAYLOAD_TYPE(name) PAYLOAD_TYPE_OF(name)

constexpr PayloadType fuzzed_type = PAYLOAD_TYPE(FUZZ_PAYLOAD);

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView body(data, size);
    auto decoded = decode_payload(RawPayload{fuzzed_type, PayloadType::none, false, body});
    if (!decoded)
        return 0;
    const Bytes encoded = encode_payload_body(decoded.value());
    auto again = decode_payload(RawPayload{fuzzed_type, PayloadType::none, false, encoded});
    if (!again || !(again.value() == decoded.value()))
        std::abort();
    return 0;
}
