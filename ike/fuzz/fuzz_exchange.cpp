// SPDX-License-Identifier: GPL-2.0
// The IKE_SA_INIT response handling of the state machine (proposal selection, KE, cookie,
// INVALID_KE_PAYLOAD, NAT detection): a fresh exchange, one fuzzed datagram from the peer.
#include "ike/fuzz/fuzz_common.h"

using namespace spirecovery::ike;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::FixedRandom random;
    crypto::FreshDhKeys keys;
    test::ManualClock clock;
    RecoveryExchange exchange(fuzz::exchange_config(), random, keys, clock);
    (void)exchange.start();
    const Endpoint peer = fuzz::exchange_config().remote;
    (void)exchange.on_datagram(ByteView(data, size), peer);
    clock.advance(std::chrono::seconds(1));
    (void)exchange.on_timer();
    return 0;
}
